"""Uncertainty and sensitivity analysis of a composite index.

* :mod:`methods.sensitivity.spec` — what may vary (:class:`SensitivitySpec`, uncertain inputs);
* :mod:`methods.sensitivity.analysis` — uncertainty analysis, leave-one-out, weight optimisation;
* :mod:`methods.sensitivity.engine` — the vectorised index evaluation behind them;
* :mod:`methods.sensitivity.sobol` — Sobol' designs and indices;
* :mod:`methods.sensitivity.importance` — correlation ratios and effective importance;
* :mod:`methods.sensitivity.convergence` — Monte Carlo error and estimates against N.

The names of :mod:`methods.sensitivity.analysis` are importable from here.
"""

from methods.sensitivity.analysis import (
    Convergence,
    EffectiveImportance,
    IndexSampler,
    LeaveOneOut,
    SensitivitySpec,
    UncertainInput,
    Uncertainties,
    UncertaintyResult,
    WeightOptimisation,
    correlation_ratio,
    effective_importance,
    leave_one_out,
    optimise_weights,
    random_design,
    saltelli_design,
    second_order_indices,
    sobol_indices,
    uncertainty_analysis,
)

__all__ = ["Convergence", "EffectiveImportance", "IndexSampler", "LeaveOneOut", "SensitivitySpec", "UncertainInput", "Uncertainties", "UncertaintyResult", "WeightOptimisation", "correlation_ratio", "effective_importance", "leave_one_out", "optimise_weights", "random_design", "saltelli_design", "second_order_indices", "sobol_indices", "uncertainty_analysis"]
