"""Weighting schemes of a composite index.

* :mod:`methods.weights.core` — data-driven (entropy, CRITIC, CV, PCA), AHP (single, group,
  hierarchy) and expert/equal/effective weights of the hierarchy, and their combination;
* :mod:`methods.weights.fahp` — fuzzy AHP; :mod:`methods.weights.delphi` — Delphi rounds;
* :mod:`methods.weights.practice` — precedence-chart, independence and information weights.

The names of :mod:`methods.weights.core` and the weighting registry (:mod:`methods.weights.registry`:
``WEIGHTING``, ``data_weights``, ``judgement_weights``) are importable from here.
"""

from methods.weights.core import (
    SAATY_RI,
    AHPGroupResult,
    AHPResult,
    PCAWeightsResult,
    WeightsResult,
    ahp,
    ahp_group,
    ahp_hierarchy,
    combine_weights,
    critic_weights,
    cv_weights,
    effective_weights,
    entropy_weights,
    equal_weights,
    expert_weights,
    meta_with_weights,
    pca_weights,
    varimax,
)
from methods.weights.registry import WEIGHTING, data_weights, judgement_weights

__all__ = ["AHPGroupResult", "AHPResult", "PCAWeightsResult", "SAATY_RI", "WEIGHTING", "WeightsResult", "ahp", "ahp_group", "ahp_hierarchy", "combine_weights", "critic_weights", "cv_weights", "data_weights", "effective_weights", "entropy_weights", "equal_weights", "expert_weights", "meta_with_weights", "judgement_weights", "pca_weights", "varimax"]
