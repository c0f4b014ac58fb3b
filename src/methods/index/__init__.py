"""The composite-index pipeline and its checks.

* :mod:`methods.index.prepare` (denominate, screen, impute), :mod:`methods.index.treat`
  (outliers), :mod:`methods.index.normalise`, :mod:`methods.index.aggregate`;
* :mod:`methods.index.build` — :class:`IndexSpec`, :func:`build_index`, :class:`IndexEvaluator`,
  :func:`build_years`: the whole pipeline from one specification;
* :mod:`methods.index.diagnosis`, :mod:`methods.index.audit`, :mod:`methods.index.comparability`;
* :mod:`methods.index.obstacle` — :func:`obstacle_degree` (障碍度模型), importable from here.

The names of :mod:`methods.index.build` are importable from here. Note that here ``aggregate`` and
``normalise`` are the *functions* (as before the subpackage); their modules are reached with
``from methods.index.aggregate import ...`` or :func:`importlib.import_module`.
"""

from methods.index.build import (
    IndexEvaluator,
    IndexResult,
    IndexSpec,
    aggregate,
    build_index,
    build_years,
    normalise,
)
from methods.index.obstacle import ObstacleResult, obstacle_degree

__all__ = ["IndexEvaluator", "IndexResult", "IndexSpec", "aggregate", "build_index", "build_years", "normalise",
           "ObstacleResult", "obstacle_degree"]
