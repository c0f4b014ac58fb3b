"""Efficiency of turning inputs into outputs: data envelopment analysis (CCR, BCC, SBM,
super-efficiency, scale efficiency) and the Malmquist productivity index.

* :func:`dea` and :func:`scale_efficiency` in :mod:`methods.efficiency.dea`;
* :func:`malmquist` in :mod:`methods.efficiency.malmquist`;
* labels and formulas in zh and en in :mod:`methods.efficiency.labels`;
* the linear programmes (HiGHS, column generation over the units) in
  :mod:`methods.efficiency.frontier` and :mod:`methods.efficiency.lp`.
"""

from __future__ import annotations

from methods.efficiency.dea import DEAResult, ScaleEfficiencyResult, dea, scale_efficiency
from methods.efficiency.malmquist import MalmquistResult, malmquist

__all__ = ["DEAResult", "MalmquistResult", "ScaleEfficiencyResult", "dea", "malmquist",
           "scale_efficiency"]
