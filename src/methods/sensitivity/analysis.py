"""Uncertainty and sensitivity analysis of the index: which rank differences are real, and which
methodological choice drives the rest.

Four separate steps, as in SALib (problem / sampler / model / estimators):

1. **What varies** — :class:`Uncertainties` (the run config's ``sensitivity.uncertainties``; with
   the sample size and options, :class:`SensitivitySpec`; both in :mod:`methods.sensitivity.spec`),
   resolved against the nominal build by :class:`IndexSampler`: an alternative that does not apply
   to the build is an error.
2. **Sampler** — :func:`saltelli_design` (SALib's Saltelli scheme on scrambled Sobol' points,
   vectorised; identical to ``SALib.sample.sobol.sample(..., calc_second_order=False)``) or
   :func:`random_design` (plain Monte Carlo); in :mod:`methods.sensitivity.sobol`.
3. **Vectorised model** — :class:`IndexSampler` (this module): every discrete branch (imputation x
   treatment x normalisation) is treated and normalised once; samples are evaluated in batches as
   matrix products and vectorised aggregations (:mod:`methods.sensitivity.engine`), ranked with numpy;
   memory is bounded by the batch size.
4. **Estimators** — rank statistics (exact, from streamed rank histograms), first-order (Saltelli
   et al. 2010) and total-order (Jansen 1999) indices with bootstrap intervals (the estimators of
   SALib 1.6, vectorised over outputs: the mean absolute rank shift and each unit's rank and score;
   :func:`sobol_indices`, :mod:`methods.sensitivity.sobol`), effective importance (Pearson's correlation ratio
   by penalised-spline regression, Paruolo, Saisana & Saltelli 2013) and weight optimisation
   towards target importances (:mod:`methods.sensitivity.importance`), leave-one-out (this module).

:func:`uncertainty_analysis` runs them all. :func:`leave_one_out`, :func:`effective_importance`
and :func:`optimise_weights` work on the nominal build alone. Every name of ``__all__`` is
importable from here, wherever it is defined.

The ``sensitivity:`` section of a run config is parsed by :class:`methods.sensitivity.spec.SensitivitySpec`
(its module docstring shows every key with an example).
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from threadpoolctl import threadpool_limits

from methods._errors import MethodError, MethodTypeError
from methods._meta import as_meta, hierarchy_from_meta
from methods.index.aggregate import AGGREGATION, AggregationPlan
from methods.index.build import IndexEvaluator, IndexSpec, agg_options, plain_json
from methods.index.normalisation_kernels import vectorisable
from methods.index.normalise import normalise_array
from methods.registry import suggest
from methods.sensitivity.convergence import (
    Convergence,
    convergence,
    outside_interval,
    rank_statistic_intervals,
)
from methods.sensitivity.engine import (
    JOINT_KINDS,
    VECTOR_KINDS,
    BranchMatrix,
    SobolAccumulator,
    Tree,
    UAAccumulator,
    abs_shift_of,
    aggregate_batch,
    bootstrap_counts,
    rank_rows,
    vector_methods,
)
from methods.sensitivity.importance import (
    EffectiveImportance,
    WeightOptimisation,
    correlation_ratio,
    effective_importance,
    node_importance,
    optimise_weights,
)
from methods.sensitivity.sampler_assumptions import AssumptionsMixin
from methods.sensitivity.sobol import (
    random_design,
    saltelli_design,
    second_order_indices,
    sobol_frame,
    sobol_indices,
)
from methods.sensitivity.spec import (
    DESIGNS,
    SensitivitySpec,
    UncertainInput,
    Uncertainties,
    freeze,
    weight_set_names,
)
from methods.summary import Result, Summary
from methods.weights.registry import WEIGHTING, weights_for

__all__ = [
    "Convergence",
    "EffectiveImportance",
    "IndexSampler",
    "LeaveOneOut",
    "SensitivitySpec",
    "UncertainInput",
    "Uncertainties",
    "UncertaintyResult",
    "WeightOptimisation",
    "correlation_ratio",
    "effective_importance",
    "leave_one_out",
    "optimise_weights",
    "random_design",
    "saltelli_design",
    "second_order_indices",
    "sobol_indices",
    "uncertainty_analysis",
]

#: Blocks per chunk, whatever the number of threads, so that sums are added in the same order
_BLOCKS = 4
Progress = Callable[[int, int], None]


# ============================================================================ 3. the model


@dataclass(frozen=True)
class _Alt:
    label: str
    value: Any


def _norm_label(n: Mapping[str, Any]) -> str:
    m = n.get("method", "minmax")
    if m == "minmax" and "range" in n:
        lo, hi = n["range"]
        return f"minmax [{lo:g}, {hi:g}]"
    if m == "zscore":
        ms = n.get("mean_sd", (0, 1))
        return f"zscore ({ms[0]:g}, {ms[1]:g})"
    extra = {k: v for k, v in n.items() if k != "method"}
    return f"{m} {extra}" if extra else str(m)


def _agg_label(a: Any) -> str:
    if isinstance(a, str):
        return a
    parts = [f"{k}={v}" for k, v in a.items()]
    return ", ".join(parts)


class IndexSampler(AssumptionsMixin):
    """The index as a vectorised function of the uncertain inputs (the "model" of SALib's scheme).

    Construction resolves every alternative against the nominal build (``spec``) and computes
    each discrete branch's treated and normalised matrix once (imputation x treatment x
    normalisation; one :class:`methods.index.IndexEvaluator` per imputation alternative). Then
    :meth:`evaluate` maps rows of a design in [0, 1)^d to index scores, in batches, as matrix
    products; no per-sample rebuild.

    Parameters
    ----------
    data, meta, spec, weights, unit_col
        As :func:`methods.index.build_index` (``weights`` overrides the nominal node weights,
        e.g. AHP weights).
    uncertainties : Uncertainties or mapping
        What varies (see :class:`Uncertainties`).
    weight_sets : mapping of name -> Series
        Named weight sets for ``weights.alternatives`` (``ahp`` must be given here).
    seed : int or SeedSequence
        Seeds the stochastic inputs (imputation draws, data replicates); same seed, same draws.

    Raises
    ------
    MethodError
        For an alternative that does not apply to the nominal build, e.g. ``treat`` alternatives
        when the build has no treatment step, ``winmax`` for a log/Box-Cox treatment,
        ``impute`` alternatives for data without missing values, weights at a level that does
        not exist, an excluded node that is the index itself, a geometric or harmonic mean on a
        branch with non-positive values.

    Notes
    -----
    Resolution of named normalisations (recorded in :attr:`notes`): a name equal to the nominal
    method takes the nominal options; other names take :func:`methods.index.normalise.normalise`'s
    defaults. When an aggregation alternative needs positive values (geometric, harmonic), named
    and nominal min-max scales move to [1, 100] and z-scores to mean 10, sd 2 (the convention of
    COINr's sensitivity vignette), the mean raised to the next integer that makes the smallest
    value over all branches at least 1 if some value lies further than 4.5 sd below the mean.
    Arithmetic-mean ranks do not depend on these affine shifts. Explicit normalise sections are
    used as given.
    """

    def __init__(
        self,
        data: pd.DataFrame,
        meta: pd.DataFrame,
        spec: IndexSpec | Mapping[str, Any] | None = None,
        uncertainties: Uncertainties | Mapping[str, Any] | None = None,
        *,
        weights: Mapping[str, float] | pd.Series | None = None,
        weight_sets: Mapping[str, Mapping[str, float] | pd.Series] | None = None,
        unit_col: str | None = None,
        seed: int | np.random.SeedSequence | None = None,
    ) -> None:
        self.spec = IndexSpec.from_dict(spec) if not isinstance(spec, IndexSpec) else spec
        self._init_assumptions(seed)
        if uncertainties is None:
            raise MethodError("IndexSampler: no uncertainties given")
        self.uncertainties = Uncertainties.from_dict(uncertainties)
        self.meta = as_meta(meta)
        self.hier = hierarchy_from_meta(self.meta)
        self.tree = Tree(self.hier)
        self.notes: list[str] = []
        self._data, self._unit_col, self._weights_override = data, unit_col, weights
        self._wsets = dict(weight_sets or {})
        ev = IndexEvaluator(data, self.meta, self.spec, weights=weights, unit_col=unit_col)
        if list(ev.codes) != list(self.tree.codes) or list(ev.indicators) != list(
                self.hier.indicators):
            raise MethodError("IndexSampler: internal error, node order differs from the evaluator")
        self.evaluator = ev
        self.units = list(ev.units)
        agg, self.dat_thresh, self.p = agg_options(self.spec)
        self.nominal_methods = self._methods_of(agg, "the nominal build")
        self.base_weights = ev.base_weights
        # nominal scores (as build_index) and ranks
        self.nominal_scores = pd.DataFrame(ev.scores(), index=self.units, columns=list(ev.codes))
        self.nominal_index = self.nominal_scores[self.tree.root_code].to_numpy()
        if np.isnan(self.nominal_index).any():
            u = self.units[int(np.flatnonzero(np.isnan(self.nominal_index))[0])]
            raise MethodError(f"IndexSampler: the nominal index of unit {u!r} is missing")
        self.nominal_rank = rank_rows(self.nominal_index[None, :])[0].astype(float)
        self._inputs: dict[str, UncertainInput] = {i.name: i for i in self.uncertainties.inputs}
        self._resolve()

    # ------------------------------------------------------------------ resolution

    def _methods_of(self, agg: Any, where: str) -> dict[int, str]:
        try:
            plan = AggregationPlan.from_meta(self.meta, agg if agg else "arithmetic")
        except MethodError as e:
            raise MethodError(f"sensitivity: aggregation of {where}: {e}") from None
        out = {}
        for code, kind in plan.methods.items():
            if kind not in VECTOR_KINDS:
                raise MethodError(
                    f"sensitivity: {where} aggregates node {code!r} by {kind!r}, which the "
                    f"vectorised engine does not evaluate; use one of {list(VECTOR_KINDS)}"
                )
            out[self.tree.pos[code]] = kind
        return out

    alt_type = _Alt

    def _needs_positive(self, methods: Mapping[int, str], p: float | None = None) -> list[int]:
        pp = self.p if p is None else p
        return [i for i, k in methods.items()
                if AGGREGATION.get(k).input_domain({"p": pp}) == "positive"]

    def _resolve(self) -> None:
        """Resolve every uncertain input into its alternatives (aggregation, imputation,
        treatment, normalisation, weights, exclusion) and the design's dimensions."""
        self._resolve_aggregations()
        self._expand_aggregations(self.p, self.dat_thresh)
        need_pos = any(self._needs_positive(a.value, pd_[0])
                       for a, pd_ in zip(self.agg_alts, self._agg_pd, strict=True))
        self._resolve_imputations()
        self._resolve_treatments()
        self._expand_treatments()
        raw = self._resolve_normalisations(need_pos)
        named = self._expand_normalisations([named for _, named in raw])
        # branch matrices
        self.branches: dict[tuple[int, int, int], BranchMatrix] = {}
        self._oriented: dict[tuple[int, str], np.ndarray] = {}
        self._compute_branches(need_pos, named)
        self._resolve_weights()
        self._resolve_exclusions()
        self._resolve_problem()

    def _resolve_aggregations(self) -> None:
        """The aggregation alternatives (methods by node)."""
        inp = self._inputs
        if "aggregate" in inp:
            self.agg_alts = []
            for a in inp["aggregate"].alternatives:
                m = {"default": a} if isinstance(a, str) else dict(a)
                if "p" in m or "dat_thresh" in m:
                    raise MethodError(
                        f"sensitivity.uncertainties.aggregate: alternative {a!r} sets p or "
                        "dat_thresh; these come from the nominal build (build.aggregate)"
                    )
                self.agg_alts.append(_Alt(_agg_label(a), self._methods_of(m, f"aggregate "
                                                                              f"alternative {a!r}")))
        else:
            self.agg_alts = [_Alt("nominal", self.nominal_methods)]

    def _resolve_imputations(self) -> None:
        """The imputation alternatives (one evaluator each; the units must not change)."""
        inp = self._inputs
        spec = self.spec
        if "impute" in inp and inp["impute"].kind == "stochastic":
            self.imp_alts = self._imputation_draws(inp["impute"].parameters)
        elif "impute" in inp:
            if spec.impute is None:
                raise MethodError(
                    "sensitivity.uncertainties.impute: the nominal build has no imputation step "
                    "(build.impute); alternatives for a step the build lacks do not apply"
                )
            probe = IndexEvaluator(self._data, self.meta, spec.with_changes(impute=None),
                                   weights=self._weights_override, unit_col=self._unit_col)
            if not probe.screened.isna().any().any():
                raise MethodError(
                    "sensitivity.uncertainties.impute: the data have no missing indicator values, "
                    "so imputation alternatives change nothing; remove them"
                )
            by = spec.impute.get("by")
            self.imp_alts = []
            for a in inp["impute"].alternatives:
                sec = {"method": a} if isinstance(a, str) else dict(a)
                if sec["method"].endswith("_group") and "by" not in sec and "group" not in sec:
                    if by is None:
                        raise MethodError(
                            f"sensitivity.uncertainties.impute: {sec['method']!r} needs a group "
                            "column (by:) and the nominal build names none"
                        )
                    sec["by"] = by
                if "group" in sec:
                    sec["by"] = sec.pop("group")
                try:
                    ev = IndexEvaluator(self._data, self.meta,
                                        IndexSpec.from_dict({**spec.to_dict(), "impute": sec}),
                                        weights=self._weights_override, unit_col=self._unit_col)
                except MethodError as e:
                    raise MethodError(f"sensitivity.uncertainties.impute {a!r}: {e}") from None
                if list(ev.units) != self.units:
                    diff = sorted(set(ev.units) ^ set(self.units), key=str)
                    raise MethodError(
                        f"sensitivity.uncertainties.impute {a!r}: the screened units differ from "
                        f"the nominal build's ({diff[:5]}); the units ranked must not change"
                    )
                self.imp_alts.append(_Alt(str(sec["method"]), ev))
        else:
            self.imp_alts = [_Alt("nominal", self.evaluator)]
        self._nbase["impute"] = len(self.imp_alts)
        if "data" in inp:
            self._data_draws(inp["data"].parameters)

    def _resolve_treatments(self) -> None:
        """The outlier-treatment alternatives."""
        inp = self._inputs
        spec = self.spec
        if "treat" in inp:
            if spec.treat is None:
                raise MethodError(
                    "sensitivity.uncertainties.treat: the nominal build has no treatment step "
                    "(build.treat); alternatives for a step the build lacks do not apply"
                )
            nom_m = spec.treat.get("method", "jrc")
            self.treat_alts = []
            for a in inp["treat"].alternatives:
                if a == "none":
                    self.treat_alts.append(_Alt("none", {"method": "none"}))
                elif isinstance(a, int):
                    if nom_m not in ("jrc", "winsorise"):
                        raise MethodError(
                            f"sensitivity.uncertainties.treat: winmax {a} does not apply to the "
                            f"nominal treatment method {nom_m!r} (only jrc and winsorise "
                            "winsorise values)"
                        )
                    self.treat_alts.append(_Alt(f"winmax {a}", {**spec.treat, "winmax": a}))
                else:
                    sec = {**spec.treat, **a}
                    try:
                        IndexSpec.from_dict({**spec.to_dict(), "treat": sec})
                    except MethodError as e:
                        raise MethodError(f"sensitivity.uncertainties.treat {a!r}: {e}") from None
                    lab = ", ".join(f"{k} {v}" for k, v in a.items())
                    self.treat_alts.append(_Alt(lab, sec))
        else:
            self.treat_alts = [_Alt("nominal", dict(spec.treat) if spec.treat else None)]

    def _resolve_normalisations(self, need_pos: bool) -> list[tuple[dict[str, Any], bool]]:
        """The normalisation alternatives; named ones are moved to a positive scale when an
        aggregation alternative needs positive values. Returns the alternatives as given
        (section, named?)."""
        inp = self._inputs
        spec = self.spec
        nom_n = dict(spec.normalise)
        nom_method = nom_n.get("method", "minmax")
        if "normalise" in inp:
            raw = [({"method": a}, True) if isinstance(a, str) else (dict(a), False)
                   for a in inp["normalise"].alternatives]
        else:
            raw = [(nom_n, True)]
        resolved: list[dict[str, Any]] = []
        for sec, named in raw:
            meth = sec["method"]
            if named:
                sec = dict(nom_n) if meth == nom_method else {"method": meth}
                if need_pos and meth == "minmax":
                    rg = sec.get("range", [0, 100])
                    if not float(rg[0]) > 0:
                        sec = {**sec, "range": [1, 100]}
                        self.notes.append(
                            f"normalise {meth!r}: min-max to [1, 100] (not [{rg[0]:g}, {rg[1]:g}]), "
                            "as an aggregation alternative needs positive values; arithmetic-mean "
                            "ranks are unchanged")
                elif need_pos and meth == "zscore":
                    ms = sec.get("mean_sd", [0, 1])
                    if "mean_sd" not in sec or float(ms[0]) - 4.5 * float(ms[1]) < 1:
                        sec = {**sec, "mean_sd": [10, 2]}
                        self.notes.append(
                            "normalise 'zscore': z-scores with mean 10, sd 2 (COINr's convention), "
                            "as an aggregation alternative needs positive values")
            resolved.append({k: (list(v) if isinstance(v, tuple) else v) for k, v in sec.items()})
        self.norm_alts = [_Alt(_norm_label(s), s) for s in resolved]
        if "normalise" in inp:
            labs = [a.label for a in self.norm_alts]
            if len(set(labs)) != len(labs):
                raise MethodError(
                    f"sensitivity.uncertainties.normalise: alternatives resolve to the same "
                    f"normalisation ({labs})"
                )
        return raw

    def _resolve_exclusions(self) -> None:
        """The inclusion/exclusion alternatives (one node removed per sample)."""
        inp = self._inputs
        self.excl_alts: list[_Alt] = [_Alt("none", None)]
        if "exclude" in inp:
            prm = inp["exclude"].parameters
            if "level" in prm:
                lv = prm["level"]
                codes = [c for c in self.tree.codes if self.hier.level[c] == lv
                         and c != self.tree.root_code]
                if not codes:
                    raise MethodError(
                        f"sensitivity.uncertainties.exclude.level: no node at level {lv} below "
                        f"the index (levels {sorted(set(self.hier.level.values()))})"
                    )
            else:
                codes = list(prm["codes"])
                unknown = [c for c in codes if c not in self.tree.pos]
                if unknown:
                    raise MethodError(
                        f"sensitivity.uncertainties.exclude.codes: unknown node(s) {unknown}"
                    )
            if "keep" in prm:
                self._keep_subsets(codes, prm["keep"])
                return
            for c in codes:
                self._check_removable(c, "sensitivity.uncertainties.exclude")
                self.excl_alts.append(_Alt(f"-{c}", self.tree.pos[c]))

    def _resolve_problem(self) -> None:
        """The design's dimensions, per uncertain input in order (SALib's problem)."""
        dims: list[str] = []
        groups: list[str] = []
        self._dim_slices: dict[str, slice] = {}
        for i in self.uncertainties.inputs:
            k = self._input_dims(i.name)
            self._dim_slices[i.name] = slice(len(dims), len(dims) + k)
            nm, gr = self._input_groups(i.name, k)
            dims += nm
            groups += gr
        self.problem = {"num_vars": len(dims), "names": dims, "groups": groups,
                        "bounds": [[0.0, 1.0]] * len(dims)}

    def _check_removable(self, code: str, where: str) -> None:
        if code == self.tree.root_code:
            raise MethodError(f"{where}: {code!r} is the index itself; it cannot be removed")
        c = code
        while True:
            par = self.hier.parent[c]
            if par is None:
                break
            if len(self.hier.children[par]) > 1:
                return
            if par == self.tree.root_code:
                raise MethodError(
                    f"{where}: removing {code!r} leaves the index {par!r} with no component"
                )
            c = par

    def _normalised(self, ev: IndexEvaluator, t: Mapping[str, Any] | None,
                    n: Mapping[str, Any]) -> np.ndarray:
        """Treated and normalised matrix: the treatment is run once per (imputation, treatment)
        and shared by the normalisations without per-indicator parameters (``vectorisable``)."""
        try:
            if vectorisable(n):
                key = (id(ev), json.dumps(plain_json(t), sort_keys=True))
                if key not in self._oriented:
                    self._oriented[key] = ev.normalised(treat=t, normalise={"method": "none"})
                kw = {k: tuple(v) if isinstance(v, list) else v for k, v in n.items()
                      if k != "method"}
                x = self._oriented[key]
                return normalise_array(x, np.ones(x.shape[1]), n.get("method", "minmax"), **kw)
            return ev.normalised(treat=t, normalise=n)
        except MethodError as e:
            raise MethodError(
                f"sensitivity: normalisation {_norm_label(n)!r} after treatment {t!r}: {e}"
            ) from None

    def _compute_branches(self, need_pos: bool, named: list[bool]) -> None:
        # z-score mean raised if needed (one value for all branches)
        for ni, alt in enumerate(self.norm_alts):
            n = alt.value
            if need_pos and named[ni] and n.get("method") == "zscore":
                lo = np.inf
                for ii, ia in enumerate(self.imp_alts):
                    for ti, ta in enumerate(self.treat_alts):
                        x = self._normalised(ia.value, ta.value, n)
                        lo = min(lo, float(np.nanmin(x)))
                        self.branches[(ii, ti, ni)] = BranchMatrix(x)
                if lo < 1:
                    m0 = float(n["mean_sd"][0])
                    m = float(math.ceil(m0 + 1 - lo))
                    n = {**n, "mean_sd": [m, n["mean_sd"][1]]}
                    self.notes.append(
                        f"normalise 'zscore': mean raised from {m0:g} to {m:g} so that the smallest "
                        f"value over all branches is at least 1 (a value lies {(m0 - lo) / float(n['mean_sd'][1]):.2f} "
                        "sd below the mean; the geometric mean needs positive values)")
                    self.norm_alts[ni] = _Alt(_norm_label(n), n)
                    for key in [k for k in self.branches if k[2] == ni]:
                        del self.branches[key]
        for ii, ia in enumerate(self.imp_alts):
            for ti, ta in enumerate(self.treat_alts):
                for ni, na in enumerate(self.norm_alts):
                    if (ii, ti, ni) not in self.branches:
                        self.branches[(ii, ti, ni)] = BranchMatrix(
                            self._normalised(ia.value, ta.value, na.value))
        self._oriented.clear()
        # positivity where an aggregation needs it
        for aa, (pa, _) in zip(self.agg_alts, self._agg_pd, strict=True):
            for par in self._needs_positive(aa.value, pa):
                below = [c for c in self.tree.aggregates_below(par) if aa.value.get(c) in JOINT_KINDS]
                if below:
                    raise MethodError(
                        f"sensitivity: aggregation {aa.label!r} takes the {aa.value[par]} mean at "
                        f"node {self.tree.codes[par]!r} of {aa.value[below[0]]} scores at node "
                        f"{self.tree.codes[below[0]]!r}, which can be zero or negative; use an "
                        "arithmetic mean above a TOPSIS or Copeland node"
                    )
                desc = self.tree.descendants(par)
                for key, bm in self.branches.items():
                    sub = bm.x[:, desc]
                    bad = ~np.isnan(sub) & (sub <= 0)
                    if bad.any():
                        r, c = np.argwhere(bad)[0]
                        ii, ti, ni = key
                        raise MethodError(
                            f"sensitivity: aggregation {aa.label!r} uses the {aa.value[par]} mean at "
                            f"node {self.tree.codes[par]!r}, which needs positive values, but with "
                            f"normalise {self.norm_alts[ni].label!r}, treat "
                            f"{self.treat_alts[ti].label!r}, impute {self.imp_alts[ii].label!r}, "
                            f"indicator {self.tree.codes[desc[c]]!r} of unit {self.units[r]!r} is "
                            f"{sub[r, c]:g}; give positive scales, e.g. normalise: [{{method: "
                            "minmax, range: [1, 100]}, {method: zscore, mean_sd: [20, 2]}]"
                        )

    def _resolve_weights(self) -> None:
        inp = self._inputs
        nb = self.base_weights
        self.wset_alts: list[_Alt] = [_Alt("nominal", nb)]
        if "weight_set" in inp:
            sets = dict(self._wsets)
            self.wset_alts = []
            normed = pd.DataFrame(self.evaluator.normalised(), index=self.units,
                                  columns=list(self.hier.indicators))
            for name in inp["weight_set"].alternatives:
                if name in sets:
                    vec = self._weight_vector(sets[name], f"weight_sets[{name!r}]")
                elif name == "nominal":
                    vec = nb.copy()
                else:
                    vec = self._named_weight_set(str(name), normed, sets)
                self.wset_alts.append(_Alt(str(name), vec))
        self._weight_dims = 0
        self._weight_names: list[str] = []
        self._wmode: str | None = None
        if "weights" in inp:
            prm = inp["weights"].parameters
            levels_all = sorted(set(self.hier.level.values()))
            top = self.hier.level[self.tree.root_code]
            if "noise" in prm:
                self._wmode = "noise"
                pos, fac = [], []
                for lv, f in prm["noise"].items():
                    if lv not in levels_all or lv >= top:
                        raise MethodError(
                            f"sensitivity.uncertainties.weights: level {lv} has no weights to vary "
                            f"(levels below the index: {[x for x in levels_all if x < top]})"
                        )
                    for c in self.tree.codes:
                        if self.hier.level[c] == lv:
                            pos.append(self.tree.pos[c])
                            fac.append(f)
                self._wpos = np.array(pos, dtype=int)
                self._wfac = np.array(fac, dtype=float)
            elif "dirichlet" in prm:
                self._wmode = "dirichlet"
                lvs = prm["levels"]
                for lv in lvs:
                    if lv not in levels_all or lv >= top:
                        raise MethodError(
                            f"sensitivity.uncertainties.weights: level {lv} has no weights to vary"
                        )
                groups = []
                pos = []
                for kids in self.hier.children.values():
                    ks = [k for k in kids if self.hier.level[k] in lvs]
                    if len(ks) >= 2:
                        groups.append([self.tree.pos[k] for k in ks])
                        pos.extend(self.tree.pos[k] for k in ks)
                if not groups:
                    raise MethodError(
                        f"sensitivity.uncertainties.weights: no group of siblings with two or more "
                        f"nodes at levels {lvs}; nothing to draw from a Dirichlet"
                    )
                self._wpos = np.array(pos, dtype=int)
                self._wgroups = groups
                self._wconc = float(prm["dirichlet"])
            else:
                self._wmode = "ranges"
                pos, lo, hi = [], [], []
                for c, (a, b) in prm["ranges"].items():
                    if c not in self.tree.pos or c == self.tree.root_code:
                        raise MethodError(
                            f"sensitivity.uncertainties.weights.ranges: {c!r} is not a weighted "
                            "node of the framework"
                        )
                    pos.append(self.tree.pos[c])
                    lo.append(a)
                    hi.append(b)
                self._wpos = np.array(pos, dtype=int)
                self._wlo, self._whi = np.array(lo), np.array(hi)
            self._weight_dims = int(self._wpos.size)
            self._weight_names = [self.tree.codes[p] for p in self._wpos]
            self._weight_options(prm)

    def _named_weight_set(self, name: str, normed: pd.DataFrame,
                          sets: Mapping[str, Any]) -> np.ndarray:
        """A weighting of the registry by name: nominal ones from the meta frame, data ones on
        the nominal normalised data; judgement ones must come in ``weight_sets``."""
        field = "sensitivity.uncertainties.weights.alternatives"
        if name not in weight_set_names():
            raise MethodError(
                f"{field}: unknown weight set {name!r}; expected one of "
                f"{list(weight_set_names())} or a key of weight_sets {sorted(sets)}"
                f"{suggest(name, [*weight_set_names(), *sets])}"
            )
        info = WEIGHTING.get(name)
        if info.needs == "judgements":
            raise MethodError(
                f"{field}: {name!r} needs the {info.text('label')} weights: pass weight_sets="
                f"{{{name!r}: methods.weights.registry.judgement_weights({name!r}, matrices, meta)}}"
            )
        try:
            w = weights_for(name, self.meta, normed, field=field)
        except MethodError as e:
            raise MethodError(f"{field} {name!r} on the nominal normalised data: {e}") from None
        return self._weight_vector(w, name)

    def _weight_vector(self, w: Mapping[str, float] | pd.Series, where: str) -> np.ndarray:
        """A named weight set as a weight array (``codes`` order): the nominal weights with the
        set's nodes replaced (:meth:`methods.index.aggregate.AggregationPlan.weight_vector`)."""
        s = pd.Series(w, dtype=float)
        unknown = [c for c in s.index if c not in self.tree.pos]
        if unknown:
            raise MethodError(f"sensitivity: weight set {where} names unknown node(s) {unknown}")
        bad = s[(s < 0) | ~np.isfinite(s)]
        if len(bad):
            raise MethodError(
                f"sensitivity: weight set {where} gives node {bad.index[0]!r} weight {bad.iloc[0]}"
            )
        return self.evaluator.plan.weight_vector(s)

    # ------------------------------------------------------------------ public views

    @property
    def inputs(self) -> pd.DataFrame:
        """The resolved inputs: name, kind, number of design variables, alternatives."""
        rows = []
        lab = {"normalise": self.norm_alts, "aggregate": self.agg_alts, "treat": self.treat_alts,
               "impute": self.imp_alts, "exclude": self.excl_alts, "weight_set": self.wset_alts}
        for i in self.uncertainties.inputs:
            if i.name == "weights":
                alts = f"{self._wmode}: {plain_json(i.parameters)}"
            elif i.name not in lab or i.kind == "stochastic" or "keep" in i.parameters:
                alts = json.dumps(plain_json(i.parameters), ensure_ascii=False)
            else:
                alts = " | ".join(a.label for a in lab[i.name])
            rows.append({"input": i.name, "kind": i.kind,
                         "variables": self._dim_slices[i.name].stop - self._dim_slices[i.name].start,
                         "alternatives": alts})
        return pd.DataFrame(rows).set_index("input")

    @property
    def n_branches(self) -> int:
        return len(self.branches)

    # ------------------------------------------------------------------ decoding

    def _discrete(self, x: np.ndarray, name: str, k: int) -> np.ndarray:
        if name not in self._dim_slices:
            return np.zeros(x.shape[0], dtype=int)
        u = x[:, self._dim_slices[name].start]
        return np.minimum((u * k).astype(int), k - 1)

    def decode(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Map design rows (in [0, 1)) to alternatives: an index per discrete input (keys
        ``impute``, ``treat``, ``normalise``, ``aggregate``, ``exclude``, ``weight_set``) and the
        ``weights`` matrix (rows x nodes, ``codes`` order, before rescaling within siblings)."""
        x = np.asarray(x, dtype=float)
        if x.ndim != 2 or x.shape[1] != self.problem["num_vars"]:
            raise MethodError(
                f"IndexSampler: design has shape {x.shape}; expected (rows, "
                f"{self.problem['num_vars']})"
            )
        out = {
            "impute": self._step_index(x, "impute"),
            "treat": self._step_index(x, "treat"),
            "normalise": self._step_index(x, "normalise"),
            "aggregate": self._step_index(x, "aggregate"),
            "exclude": self._discrete(x, "exclude", len(self.excl_alts)),
            "weight_set": self._discrete(x, "weight_set", len(self.wset_alts)),
        }
        sets = np.stack([a.value for a in self.wset_alts])
        w = sets[out["weight_set"]].copy()
        if self._wmode is not None:
            u = x[:, self._dim_slices["weights"]]
            if self._wmode == "noise":
                w[:, self._wpos] *= 1.0 + self._wfac[None, :] * (2.0 * u - 1.0)
            elif self._wmode == "ranges":
                w[:, self._wpos] = self._wlo + u * (self._whi - self._wlo)
            else:
                off = 0
                uc = np.clip(u, 1e-12, 1 - 1e-12)
                for grp in self._wgroups:
                    g = np.array(grp)
                    k = g.size
                    nom = w[:, g]
                    tot = nom.sum(axis=1, keepdims=True)
                    share = nom / np.where(tot > 0, tot, 1.0)
                    alpha = np.maximum(self._wconc * share, 1e-300)
                    draws = stats.gamma.ppf(uc[:, off:off + k], alpha)
                    draws = np.where(share > 0, draws, 0.0)
                    s = draws.sum(axis=1, keepdims=True)
                    w[:, g] = np.where(s > 0, draws / np.where(s > 0, s, 1.0), share) * tot
                    off += k
        ex = out["exclude"]
        if len(self.excl_alts) > 1:
            rows = np.flatnonzero(ex > 0)
            cols = np.array([self.excl_alts[i].value for i in ex[rows]], dtype=int)
            w[rows, cols] = 0.0
        out["weights"] = w
        self._decode_assumptions(x, out)
        return out

    def labels(self, x: np.ndarray) -> pd.DataFrame:
        """The alternative of each discrete input per design row (labels)."""
        dec = self.decode(x)
        lab = {"normalise": self.norm_alts, "aggregate": self.agg_alts, "treat": self.treat_alts,
               "impute": self.imp_alts, "exclude": self.excl_alts, "weight_set": self.wset_alts}
        cols = {}
        for i in self.uncertainties.inputs:
            if i.name in lab:
                names = np.array([a.label for a in lab[i.name]], dtype=object)
                cols[i.name] = names[dec[i.name]]
        self._assumption_labels(dec, cols)
        return pd.DataFrame(cols)

    # ------------------------------------------------------------------ evaluation

    def _sub_batch(self) -> int:
        n_nodes = len(self.tree.parents) + 4
        return int(max(1, min(4096, 64e6 // (8 * len(self.units) * n_nodes))))

    def _evaluate_decoded(self, dec: Mapping[str, np.ndarray], rows: int) -> np.ndarray:
        out = np.empty((rows, len(self.units)))
        nt, nn, na = len(self.treat_alts), len(self.norm_alts), len(self.agg_alts)
        key = ((dec["impute"] * nt + dec["treat"]) * nn + dec["normalise"]) * na + dec["aggregate"]
        w = dec["weights"]
        sb = self._sub_batch()
        for k in np.unique(key):
            idx = np.flatnonzero(key == k)
            ai = int(k % na)
            rest = int(k // na)
            nidx, rest = rest % nn, rest // nn
            tidx, iidx = rest % nt, rest // nt
            bm = self.branches[(iidx, tidx, nidx)]
            methods = self.agg_alts[ai].value
            p, dat_thresh = self._agg_pd[ai]
            for s in range(0, idx.size, sb):
                part = idx[s:s + sb]
                out[part] = aggregate_batch(self.tree, bm, w[part], methods, p=p,
                                            dat_thresh=dat_thresh)[0]
        return out

    def evaluate(self, x: np.ndarray, *, batch_size: int | None = None,
                 progress: Progress | bool | None = None) -> np.ndarray:
        """Index scores (rows x units, :attr:`units` order) of design rows ``x`` in [0, 1)^d.

        Rows are decoded, grouped by discrete branch and aggregation alternative, and evaluated
        ``batch_size`` rows at a time (memory ~ batch_size x units x 8 bytes plus the output).
        """
        x = np.asarray(x, dtype=float)
        out = np.empty((x.shape[0], len(self.units)))
        bs = batch_size or self.default_batch(1)
        cb = _progress(progress, x.shape[0])
        for s in range(0, x.shape[0], bs):
            part = x[s:s + bs]
            out[s:s + part.shape[0]] = self._evaluate_decoded(self.decode(part), part.shape[0])
            cb(min(s + bs, x.shape[0]), x.shape[0])
        return out

    def default_batch(self, align: int) -> int:
        """Rows per chunk: about 256 MB of chunk arrays, a multiple of ``align``."""
        rows = int(max(align, min(8192, 256e6 // (24 * max(1, len(self.units))))))
        return max(align, rows - rows % align)

    def build_spec(self, row: Mapping[str, int]) -> tuple[IndexSpec, pd.Series]:
        """The :class:`IndexSpec` and node weights that :func:`methods.index.build_index` needs to
        rebuild one decoded sample (for checks and the naive benchmark): ``row`` holds the
        alternative index per discrete input and ``weights`` (one row of :meth:`decode`)."""
        d = self.spec.to_dict()
        if "data" in self._inputs or self._inputs.get("impute") and \
                self._inputs["impute"].kind == "stochastic":
            raise MethodError("build_spec: a sample with drawn data has no build spec")
        if "impute" in self._inputs:
            d["impute"] = self.imp_alts[int(row["impute"])].value.spec.to_dict()["impute"]
        if "treat" in self._inputs:
            d["treat"] = self.treat_alts[int(row["treat"])].value
        d["normalise"] = self.norm_alts[int(row["normalise"])].value
        if self.treat_alts[0].value is not None:
            d["treat"] = self.treat_alts[int(row["treat"])].value
        if "aggregate" in self._inputs or len(self.agg_alts) > 1:
            m = self.agg_alts[int(row["aggregate"])].value
            agg = {self.tree.codes[p]: k for p, k in m.items()}
            p, dt = self._agg_pd[int(row["aggregate"])]
            extra = {"p": p} if dt is None else {"p": p, "dat_thresh": dt}
            d["aggregate"] = {"default": "arithmetic", **agg, **extra}
        w = pd.Series(np.asarray(row["weights"], dtype=float), index=list(self.tree.codes))
        return IndexSpec.from_dict(d), w.drop(self.tree.root_code)


def _progress(progress: Progress | bool | None, total: int) -> Progress:
    if progress is None or progress is False:
        return lambda done, tot: None
    if progress is True:
        # imported here: tqdm.auto warns at import in a kernel without ipywidgets, and most
        # analyses (every notebook's) run without a bar
        from tqdm.auto import tqdm

        bar = tqdm(total=total, unit="sample", leave=False)

        def cb(done: int, tot: int) -> None:
            bar.update(done - bar.n)
            if done >= tot:
                bar.close()

        return cb
    if not callable(progress):
        raise MethodTypeError("progress must be a callable (done, total), True or None")
    return progress


# ============================================================================ 4. the analysis


@dataclass(frozen=True)
class UncertaintyResult(Result):
    """Result of :func:`uncertainty_analysis`.

    Attributes
    ----------
    units : DataFrame
        Per unit (index: unit id, in nominal rank order): ``nominal_score``, ``nominal_rank``,
        ``median``, ``mean``, ``q05``, ``q95`` (ranks over the samples, 1 = best),
        ``p_top_k``, ``p_bottom_k`` (probability of a rank <= k / > n - k), ``mean_abs_shift``
        (mean of :math:`|r - r_{nominal}|`), ``score_mean``, ``score_sd`` (and ``score_q05``,
        ``score_q95`` when the samples are kept), ``n_samples``. Score statistics use only the
        samples on the nominal score scale whose aggregation is a mean (``band_basis`` names
        them): the nominal normalisation, and min-max onto another range read on the nominal
        range by the affine map of the two ranges (a geometric mean among the alternatives moves
        min-max to [1, 100]: a score s is read as (s - 1) / 0.99 on [0, 100]). A z-score and a
        min-max score are not on one scale, nor are a TOPSIS closeness or a Copeland count.
    mean_abs_shift : float
        Mean over samples of the mean absolute rank shift of the units (COINr's SA target).
    sobol : DataFrame or None
        Per uncertain input: first- and total-order indices of the mean absolute rank shift with
        bootstrap intervals (``design="saltelli"``).
    sobol_units : DataFrame or None
        Long: ``unit``, ``output`` (``rank``/``score``), ``input``, ``first``, ``first_low``,
        ``first_high``, ``total``, ``total_low``, ``total_high``, ``constant`` (True when the
        unit's output never changes: indices undefined, NaN).
    pairs : DataFrame
        Pairs of units close in the nominal order: ``unit_a`` (nominally ahead), ``unit_b``,
        ``rank_a``, ``rank_b``, ``p_a_ahead`` (share of samples where a ranks ahead of b, ties
        1/2), ``distinguishable`` (one unit ahead in at least ``pair_confidence`` of samples).
    rank_groups : DataFrame
        Tiers of units that should not be ranked apart, formed greedily from the top: a tier is
        its leader (the best unit not yet in a tier) and the units that follow it in nominal
        order and are not reliably ranked behind it (``p_a_ahead < pair_confidence``): ``tier``,
        ``first_rank``, ``last_rank``, ``size``, ``units``.
    band_probability : DataFrame or None
        Per unit, the probability of each grade band, over the samples of the score statistics
        (their scores read on the nominal scale).
    band_basis : str
        Which samples the score statistics and band probabilities use, which are read on the
        nominal scale through an affine map, and which are left out.
    ranks, scores : DataFrame or None
        Samples x units (kept when ``keep_samples``); the scores as each sample's build gives
        them (on its own scale); ``samples`` gives each sample's discrete alternatives and
        ``shift`` its mean absolute rank shift.
    effective_importance : EffectiveImportance or None
    inputs : DataFrame
        The resolved uncertain inputs and their alternatives.
    notes : tuple of str
        How named alternatives were resolved, and anything else to report.
    seeds : (int, int)
        The seeds of the design and of the bootstrap, derived from ``seed``.
    mc_intervals : DataFrame or None
        Monte Carlo error of every reported rank statistic: long, ``unit``, ``statistic``
        (``median``, ``q05``, ``q95``, ``p_top_k``, ``p_bottom_k``, ``band <name>``),
        ``estimate``, ``low``, ``high``, ``half_width``, ``n_samples``: exact percentile-bootstrap
        intervals over the samples at ``conf_level``
        (:func:`methods.sensitivity.convergence.rank_statistic_intervals`).
    sobol_second : DataFrame or None
        Second-order indices of the mean absolute rank shift per pair of inputs (``input_a``,
        ``input_b``, ``second``, ``second_low``, ``second_high``, ``second_conf``), with
        ``second_order=True`` (:func:`methods.sensitivity.sobol.second_order_indices`).
    design_target : ndarray or None
        The mean absolute rank shift of every row of the Saltelli design (N (d + 2) values, the
        design's order): the Sobol' estimates at any smaller N (:meth:`convergence`).
    n_boot : int
        Bootstrap resamples of the Sobol' intervals.
    n_second_order_evaluations : int
        Evaluations added for the second-order indices (the N d rows B_A; ``n_evaluations``
        counts the first- and total-order design only).
    design_rows : DataFrame or None
        The design's values in [0, 1) of the kept (UA) samples, one column per design variable
        (``keep_samples``): the sampled value of continuous inputs such as weight noise.
    """

    units: pd.DataFrame
    mean_abs_shift: float
    sobol: pd.DataFrame | None
    sobol_units: pd.DataFrame | None
    pairs: pd.DataFrame
    rank_groups: pd.DataFrame
    band_probability: pd.DataFrame | None
    band_basis: str
    ranks: pd.DataFrame | None
    scores: pd.DataFrame | None
    samples: pd.DataFrame | None
    shift: pd.Series
    effective_importance: EffectiveImportance | None
    inputs: pd.DataFrame
    notes: tuple[str, ...]
    n: int
    design: str
    n_evaluations: int
    n_branches: int
    top_k: int
    conf_level: float
    pair_confidence: float
    index_code: str
    seeds: tuple[int, int]
    uncertainties: Uncertainties = field(repr=False)
    spec: IndexSpec = field(repr=False)
    mc_intervals: pd.DataFrame | None = field(default=None, repr=False)
    sobol_second: pd.DataFrame | None = None
    design_target: np.ndarray | None = field(default=None, repr=False)
    n_boot: int = 100
    n_second_order_evaluations: int = 0
    design_rows: pd.DataFrame | None = field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The per-unit table (rank intervals, probabilities, score statistics)."""
        return self.units

    def summary(self) -> Summary:
        """The design, the mean rank shift, the widest rank intervals and the Sobol' indices."""
        u = self.units
        width = (u["q95"] - u["q05"]).sort_values(ascending=False)
        lines = [f"{self.n_evaluations} evaluations ({self.design}, N = {self.n}) of {len(u)} units",
                 f"mean absolute rank shift {self.mean_abs_shift:.3g}",
                 f"widest 5-95% rank interval: {width.index[0]} ({width.iloc[0]:.0f} places)"]
        tables = [u] + ([self.sobol] if self.sobol is not None else [])
        return Summary("Uncertainty and sensitivity analysis", lines, tables)

    def sobol_table(self, output: str = "rank", index: str = "total") -> pd.DataFrame:
        """Per-unit Sobol' indices as a units x inputs table (``output`` rank|score, ``index``
        first|total)."""
        if self.sobol_units is None:
            raise MethodError("no per-unit Sobol' indices (design='random' or unit_sobol=False)")
        if output not in ("rank", "score") or index not in ("first", "total"):
            raise MethodError("sobol_table: output rank|score, index first|total")
        s = self.sobol_units[self.sobol_units["output"] == output]
        t = s.pivot(index="unit", columns="input", values=index)
        inputs = self.sobol.index if self.sobol is not None else t.columns
        return t.loc[[u for u in self.units.index if u in t.index], inputs]

    def main_drivers(self, output: str = "rank", index: str = "total") -> pd.Series:
        """Each unit's main driver: the input with the largest per-unit Sobol' index.

        Units whose ``output`` never varies (all indices undefined) get NaN; ties go to the
        first input in :attr:`sobol` order. ``.value_counts(dropna=False)`` gives how many
        units each choice drives.
        """
        table = self.sobol_table(output, index)
        fixed = table.isna().all(axis=1)
        drivers = pd.Series(np.nan, index=table.index, dtype=object, name="main_driver")
        if (~fixed).any():
            drivers[~fixed] = table[~fixed].fillna(-np.inf).idxmax(axis=1)
        return drivers

    def indistinguishable(self) -> pd.DataFrame:
        """The pairs that cannot be told apart."""
        return self.pairs[~self.pairs["distinguishable"]]

    def outside_interval(self) -> pd.DataFrame:
        """The units whose nominal rank lies outside their 5%-95% rank interval
        (:func:`methods.sensitivity.convergence.outside_interval`)."""
        return outside_interval(self.units)

    def convergence(self, *, tol_index: float = 0.05, tol_rank: float = 1.0,
                    sizes: Sequence[int] | None = None) -> Convergence:
        """Sobol' indices and rank intervals against N, from nested subsets of the samples
        (:func:`methods.sensitivity.convergence.convergence`)."""
        return convergence(self, tol_index=tol_index, tol_rank=tol_rank, sizes=sizes)


def _n_threads(n: int | None) -> int:
    if n is None:
        return max(1, min(2, os.cpu_count() or 1))
    if int(n) != n or n < 1:
        raise MethodError(f"n_threads={n!r}; expected a positive integer")
    return int(n)


def _blocks(x: np.ndarray, k: int, align: int) -> list[np.ndarray]:
    """Split rows into at most k blocks whose sizes are multiples of ``align``."""
    units = x.shape[0] // align
    if k <= 1 or units < 2:
        return [x]
    cuts = [align * (units * i // k) for i in range(1, k)]
    return [b for b in np.split(x, cuts) if b.shape[0]]


def _in_order(pool: ThreadPoolExecutor, fn: Callable[[Any], Any], jobs: Sequence[Any],
              width: int) -> Iterator[Any]:
    """``pool.map(fn, jobs)`` with at most ``width`` jobs submitted and not yet consumed, so that
    the results of at most ``width`` blocks are held at once (memory); results in job order."""
    pending: deque[Any] = deque()
    it = iter(jobs)
    for job in it:
        pending.append(pool.submit(fn, job))
        if len(pending) >= width:
            break
    while pending:
        res = pending.popleft().result()
        nxt = next(it, None)
        if nxt is not None:
            pending.append(pool.submit(fn, nxt))
        yield res


@contextmanager
def _blas_single(active: bool) -> Iterator[None]:
    """One BLAS thread while our own worker threads run (no oversubscription)."""
    if not active:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _seeds(seed: int | np.random.Generator | None) -> tuple[int, int]:
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    a, b = rng.integers(0, 2**63 - 1, size=2)
    return int(a), int(b)


def _check_ua_args(uncertainties: Uncertainties | Mapping[str, Any], n: int, design: str, *,
                   top_k: int, n_boot: int, conf_level: float, pair_confidence: float) -> int:
    """Validate :func:`uncertainty_analysis`'s options (as :class:`SensitivitySpec`); the integer N."""
    if design not in DESIGNS:
        raise MethodError(f"uncertainty_analysis: design={design!r}; expected one of {DESIGNS}")
    if int(n) != n or n < 2:
        raise MethodError(f"uncertainty_analysis: n={n!r}; expected an integer >= 2")
    n = int(n)
    SensitivitySpec(uncertainties=Uncertainties.from_dict(uncertainties), n=n, design=design,
                    top_k=top_k, n_boot=n_boot, conf_level=conf_level,
                    pair_confidence=pair_confidence)
    return n


def _ua_design(sampler: IndexSampler, design: str, n: int,
               seed: int) -> tuple[np.ndarray, int, np.ndarray]:
    """The design matrix, its block alignment (rows per base sample) and the positions of the UA
    rows within a block (Saltelli: the A and B rows, as COINr; random: every row)."""
    if design == "saltelli":
        dg = len(sampler.group_names)
        return saltelli_design(sampler.problem, n, seed=seed), dg + 2, np.array([0, dg + 1])
    return random_design(sampler.problem, n, seed=seed), 1, np.array([0])


def _score_scale(sampler: IndexSampler) -> tuple[np.ndarray, np.ndarray, str]:
    """How each normalisation alternative's scores are read on the nominal score scale, which
    aggregation alternatives give scores at all, and a sentence saying which samples that leaves.

    Returns ``scale`` (normalisation alternatives x 2: the slope and intercept of the affine map
    onto the nominal scale, NaN when there is none, see :func:`_scale_map`), ``agg_ok`` (the
    aggregation is a mean: no TOPSIS closeness or Copeland count) and the sentence."""
    nom = dict(sampler.spec.normalise)
    maps = [_scale_map(a.value, nom) for a in sampler.norm_alts]
    scale = np.array([m if m is not None else (np.nan, np.nan) for m in maps], dtype=float)
    agg_ok = np.array([not any(k in JOINT_KINDS for k in a.value.values())
                       for a in sampler.agg_alts], dtype=bool)
    if any(k in JOINT_KINDS for k in sampler.nominal_methods.values()):
        # the published index is itself a closeness or a count: no sample's score (nor a band
        # cut-off on the index's scale) compares with it
        agg_ok[:] = False
        return scale, agg_ok, ("none: the nominal aggregation ranks units jointly "
                               "(TOPSIS/Copeland), so no sample's score is on its scale")
    nominal = _norm_label(nom)
    same = [a.label for a, m in zip(sampler.norm_alts, maps, strict=True) if m == (1.0, 0.0)]
    mapped = [a.label for a, m in zip(sampler.norm_alts, maps, strict=True)
              if m is not None and m != (1.0, 0.0)]
    off = [a.label for a, m in zip(sampler.norm_alts, maps, strict=True) if m is None]
    dropped_agg = [a.label for i, a in enumerate(sampler.agg_alts) if not agg_ok[i]]
    if not same and not mapped:
        return scale, agg_ok, "none: no normalisation alternative keeps the nominal scale"
    if not agg_ok.any():
        return scale, agg_ok, ("none: every aggregation alternative ranks units jointly "
                               "(TOPSIS/Copeland)")
    parts = []
    if same:
        parts.append(f"samples with normalisation {same} (the nominal score scale)")
    if mapped:
        parts.append(f"samples with normalisation {mapped}, read on the nominal scale "
                     f"{nominal!r} by the affine map of the two scales")
    basis = " and ".join(parts)
    if off:
        basis += f"; not the samples with normalisation {off} (not on the nominal scale)"
    if dropped_agg:
        basis += f"; not the aggregation alternatives {dropped_agg} (not a mean)"
    return scale, agg_ok, basis


def _ua_accumulator(sampler: IndexSampler, pair_window: int | None,
                    bands: Mapping[str, float] | None) -> tuple[UAAccumulator, list[str]]:
    """The streamed rank statistics (pairs within the window, band counts) and the band names
    (below the lowest first; the edges in increasing order)."""
    u = len(sampler.units)
    window = (u - 1 if u <= 300 else 20) if pair_window is None else int(pair_window)
    band_edges = None
    band_names: list[str] = []
    if bands:
        order = sorted(bands.items(), key=lambda kv: float(kv[1]))
        band_edges = np.array([float(v) for _, v in order])
        band_names = [f"<{order[0][0]}"] + [k for k, _ in order]
    ua = UAAccumulator(sampler.nominal_rank, sampler.nominal_index, window=window,
                       band_edges=band_edges)
    return ua, band_names


def _sobol_accumulator(sampler: IndexSampler, n: int, dg: int, n_boot: int, b_seed: int,
                       unit_sobol: bool) -> SobolAccumulator:
    """Streamed Sobol' sums of the mean rank shift (and, with ``unit_sobol``, of every unit's rank
    and score, shifted by their nominal values)."""
    shift = np.concatenate([[0.0], sampler.nominal_rank, sampler.nominal_index]) if unit_sobol \
        else np.zeros(1)
    counts = bootstrap_counts(n, n_boot, b_seed) if n_boot else None
    return SobolAccumulator(n, dg, shift, counts)


@dataclass
class _SampleStream:
    """The sample loop of :func:`uncertainty_analysis`: evaluates the design block by block (in
    worker threads), feeds the accumulators and keeps the UA rows."""

    sampler: IndexSampler
    align: int
    ua_pos: np.ndarray
    scale: np.ndarray
    agg_ok: np.ndarray
    ua: UAAccumulator
    sob: SobolAccumulator | None
    unit_sobol: bool
    keep_samples: bool
    kept_r: np.ndarray | None = None  # UA rows x units, filled in design order
    kept_s: np.ndarray | None = None
    kept_x: np.ndarray | None = None
    kept_n: int = 0
    shifts: list[np.ndarray] = field(default_factory=list)
    targets: list[np.ndarray] = field(default_factory=list)

    def run(self, x: np.ndarray, batch_size: int | None, progress: Progress | bool | None,
            n_threads: int | None) -> None:
        """Evaluate every row of ``x`` in chunks of ``batch_size`` rows, each cut into blocks."""
        align = self.align
        total = x.shape[0]
        bs = batch_size or self.sampler.default_batch(align)
        bs = max(align, bs - bs % align)
        cb = _progress(progress, total)
        nt = _n_threads(n_threads)
        if self.keep_samples:  # preallocated: no stacking of the kept blocks at the end
            rows = int(np.isin(np.arange(total) % align, self.ua_pos).sum())
            u = len(self.sampler.units)
            self.kept_r = np.empty((rows, u), dtype=np.float32)
            self.kept_s = np.empty((rows, u))
            self.kept_x = np.empty((rows, x.shape[1]))
        with _blas_single(nt > 1), ThreadPoolExecutor(nt) as pool:
            for s0 in range(0, total, bs):
                part = x[s0:s0 + bs]
                jobs = []
                off = s0
                for blk in _blocks(part, _BLOCKS, align):
                    jobs.append((off, blk))
                    off += blk.shape[0]
                for res in _in_order(pool, self.work, jobs, nt):
                    self.add(res)
                cb(min(s0 + bs, total), total)

    def work(self, job: tuple[int, np.ndarray]) -> dict[str, Any]:
        """One block's partial sums (run in a worker thread)."""
        start, block = job  # start: the block's first row in the design
        sampler, align = self.sampler, self.align
        dec = sampler.decode(block)
        sc = sampler._evaluate_decoded(dec, block.shape[0])
        rk = rank_rows(sc)
        dr = abs_shift_of(rk, sampler.nominal_rank)
        tgt = _row_mean(dr)
        is_ua = np.isin(np.arange(block.shape[0]) % align, self.ua_pos)
        ua_rows = slice(None) if is_ua.all() else is_ua  # a slice: no copies (random design)
        nominal_sc = self.on_scale(sc[ua_rows], dec["normalise"][ua_rows],
                                   dec["aggregate"][ua_rows])
        self.ua.count_ranks(rk[ua_rows])  # integer counts: added here, in any order
        out: dict[str, Any] = {"ua": self.ua.partial(rk[ua_rows], nominal_sc,
                                                     abs_shift=dr[ua_rows], hist=False),
                               "shift": tgt[ua_rows]}
        if self.sob is not None:
            y = np.column_stack([tgt, rk, sc]) if self.unit_sobol else tgt[:, None].copy()
            out["sobol"] = self.sob.partial(_fill_missing(y), start // align, overwrite=True)
            out["target"] = tgt
        if self.keep_samples:
            out["keep"] = (rk[ua_rows], sc[ua_rows], block[ua_rows])
        return out

    def add(self, res: Mapping[str, Any]) -> None:
        """Add one block's partial sums (in design order)."""
        self.ua.add(res["ua"])
        self.shifts.append(res["shift"])
        if self.sob is not None:
            self.sob.add(res["sobol"])
            self.targets.append(res["target"])
        if self.keep_samples:
            r, sc, xx = res["keep"]
            part = slice(self.kept_n, self.kept_n + r.shape[0])
            self.kept_r[part], self.kept_s[part], self.kept_x[part] = r, sc, xx  # type: ignore[index]
            self.kept_n += r.shape[0]

    def on_scale(self, scores: np.ndarray, norm: np.ndarray, agg: np.ndarray) -> np.ndarray:
        """The rows of ``scores`` (samples x units, with their normalisation and aggregation
        alternatives) that enter score statistics, read on the nominal scale (a new array)."""
        slope, icpt = self.scale[norm, 0], self.scale[norm, 1]
        rows = ~np.isnan(slope) & self.agg_ok[agg]
        out = scores[rows]
        slope, icpt = slope[rows], icpt[rows]
        moved = (slope != 1.0) | (icpt != 0.0)
        if moved.any():
            out[moved] = out[moved] * slope[moved, None] + icpt[moved, None]
        return out

    def score_quantiles(self, probs: Sequence[float], cols: int = 256) -> np.ndarray | None:
        """Quantiles (len(probs) x units) of the kept scores of the samples on the nominal score
        scale, read on it, a slice of units at a time (no copy of all kept scores); None without
        kept samples."""
        if not self.keep_samples or self.kept_s is None or self.kept_x is None:
            return None
        dec = self.sampler.decode(self.kept_x)
        norm, agg = dec["normalise"], dec["aggregate"]
        u = self.kept_s.shape[1]
        out = np.empty((len(probs), u))
        for c0 in range(0, u, cols):
            part = slice(c0, min(c0 + cols, u))
            out[:, part] = _column_quantiles(self.on_scale(self.kept_s[:, part], norm, agg), probs)
        return out

    def sample_frames(self) -> tuple[pd.DataFrame | None, pd.DataFrame | None,
                                     pd.DataFrame | None]:
        """The kept ranks, scores and sample labels (Nones without kept samples); the frames
        wrap the kept arrays (no copy)."""
        if not self.keep_samples or self.kept_x is None:
            return None, None, None
        units = self.sampler.units
        return (pd.DataFrame(self.kept_r, columns=units, copy=False),
                pd.DataFrame(self.kept_s, columns=units, copy=False),
                self.sampler.labels(self.kept_x))


def _band_probability(ua: UAAccumulator, units: list[Any], band_names: list[str],
                      order: pd.Index) -> pd.DataFrame | None:
    """Each unit's probability of every band (highest first; rows in ``order``)."""
    if not ua.band_n:
        return None
    band_prob = pd.DataFrame(ua.band_counts / ua.band_n, index=units, columns=band_names)
    return band_prob[band_names[::-1]].loc[order]


def _sobol_frames(sob: SobolAccumulator | None, names: list[str], units: list[Any],
                  conf_level: float, unit_sobol: bool
                  ) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The Sobol' indices of the mean rank shift and, with ``unit_sobol``, per unit."""
    if sob is None:
        return None, None
    res = sob.result()
    sobol = sobol_frame(res, names, conf_level, 0)
    sobol_units = _unit_sobol_frame(res, names, units, conf_level) if unit_sobol else None
    return sobol, sobol_units


def uncertainty_analysis(
    data: pd.DataFrame,
    meta: pd.DataFrame,
    spec: IndexSpec | Mapping[str, Any] | None = None,
    *,
    uncertainties: Uncertainties | Mapping[str, Any],
    n: int = 2000,
    seed: int | np.random.Generator | None = None,
    design: str = "saltelli",
    top_k: int = 10,
    bands: Mapping[str, float] | None = None,
    weights: Mapping[str, float] | pd.Series | None = None,
    weight_sets: Mapping[str, Mapping[str, float] | pd.Series] | None = None,
    n_boot: int = 100,
    conf_level: float = 0.9,
    pair_confidence: float = 0.95,
    pair_window: int | None = None,
    unit_sobol: bool = True,
    keep_samples: bool = True,
    importance: bool = True,
    batch_size: int | None = None,
    n_threads: int | None = None,
    progress: Progress | bool | None = None,
    unit_col: str | None = None,
    second_order: bool = False,
) -> UncertaintyResult:
    r"""Monte Carlo uncertainty and variance-based sensitivity analysis of the index's ranks.

    Every sample rebuilds the index under one combination of the uncertain inputs (weights,
    normalisation, aggregation, outlier treatment, imputation, exclusion of a node) drawn from
    their distributions; the spread of each unit's rank says which rank differences survive the
    alternatives, and the Sobol' indices say which choice drives the spread.

    Parameters
    ----------
    data, meta, spec
        The nominal build, as :func:`methods.index.build_index`.
    uncertainties : Uncertainties or mapping
        What varies (the config's ``sensitivity.uncertainties``, see :class:`Uncertainties`).
    n : int
        Base sample size N. ``design="saltelli"``: N (d + 2) evaluations for d inputs; the rank
        statistics use the 2N rows of the A and B matrices (as COINr). ``"random"``: N samples.
    seed : int or Generator
        Everything random (design, bootstrap) derives from it: same seed, same numbers.
    top_k : int
        For the probabilities of being in the top k and the bottom k.
    bands : mapping
        Grade bands ``{name: lower bound}`` (as :func:`methods.index.diagnosis.assign_bands`).
    weights, weight_sets
        Nominal weight override (e.g. AHP) and named weight sets for ``weights.alternatives``.
    n_boot, conf_level
        Bootstrap resamples and level of the Sobol' intervals (0.9: the 5%-95% of COINr).
    pair_confidence : float
        Two units are told apart when one ranks ahead of the other in at least this share of
        samples.
    pair_window : int
        Pairs compared: each unit with the next ``pair_window`` units in nominal order (default:
        all pairs up to 300 units, else 20).
    unit_sobol : bool
        Also estimate Sobol' indices of every unit's rank and score (vectorised).
    keep_samples : bool
        Keep the sampled ranks and scores (UA rows) in the result (memory: samples x units).
    importance : bool
        Add the effective importance of every node (:func:`effective_importance`).
    batch_size : int
        Rows evaluated per chunk (memory ~ 24 bytes x batch_size x units); default ~256 MB.
    n_threads : int
        Worker threads (default: up to 2 cores; BLAS then runs single-threaded). Results do not
        depend on it (each chunk is cut into the same blocks whatever the number of threads);
        another ``batch_size`` changes float sums in the last digits only.
    progress : callable (done, total), True (a tqdm bar) or None
    second_order : bool
        Also estimate second-order (interaction) indices of the mean absolute rank shift
        (``design="saltelli"``): the N d rows :math:`B_A` of Saltelli's design are evaluated after
        the others (the A, B and :math:`A_B` rows, hence every other number, stay the same).

    Returns
    -------
    UncertaintyResult

    Notes
    -----
    Rank statistics are exact sample statistics (quantiles as R's type 7, like COINr's
    ``get_sensitivity``), computed from streamed rank histograms; Sobol' indices as
    :func:`sobol_indices` (Saltelli 2010 first order, Jansen total order, SALib's estimators) from
    streamed sums, so memory does not grow with n unless samples are kept. Missing index scores
    (possible with ``dat_thresh``) leave the unit unranked in that sample.

    Score statistics (``score_*``) and band probabilities compare a sample's index score with the
    nominal score and the band cut-offs, so they take only samples on the nominal score scale:
    the nominal normalisation, and min-max onto another range (e.g. the [1, 100] that a geometric
    alternative needs) read on the nominal range by the affine map of the two ranges, exact for
    an arithmetic mean. Z-scores beside a min-max index, z-scores with another mean or sd, other
    methods and TOPSIS/Copeland aggregations are left out; ``band_basis`` names what entered.

    Agreement with COINr 1.1.14 ``get_sensitivity`` on its ASEM example with the vignette's four
    assumptions (winmax 1-5; min-max [1, 100] or z-scores (10, 2); level-2 and level-3 weights
    times 1 + U(-0.25, 0.25); arithmetic or geometric mean), COINr run with N = 2000 (4000 UA
    samples, tests/reference/coinr_sa_asem_*), this function with N = 4096: per unit, median,
    5% and 95% ranks differ by at most 1 rank (mean 0.10-0.12), mean ranks by at most 0.11;
    total-order indices treat 0.056 / 0.055, weights 0.195 / 0.201, normalisation 0.274 / 0.250,
    aggregation 0.729 / 0.702 (dgpe / COINr): the same order (tests/test_sensitivity.py).

    References
    ----------
    1. Saisana, M., Saltelli, A. & Tarantola, S. (2005). Uncertainty and sensitivity analysis
       techniques as tools for the quality assessment of composite indicators. JRSS A 168(2),
       307-323.
    2. Saltelli, A. et al. (2010). Computer Physics Communications 181, 259-270.
    3. Becker, W. et al. (2022). COINr: An R package for developing composite indicators. JOSS
       7(78), 4567 (``get_sensitivity``).
    """
    n = _check_ua_args(uncertainties, n, design, top_k=top_k, n_boot=n_boot,
                       conf_level=conf_level, pair_confidence=pair_confidence)
    d_seed, b_seed = _seeds(seed)
    sampler = IndexSampler(data, meta, spec, uncertainties, weights=weights,
                           weight_sets=weight_sets, unit_col=unit_col,
                           seed=np.random.SeedSequence([d_seed, 15]))
    units = sampler.units
    if top_k >= len(units):
        raise MethodError(f"uncertainty_analysis: top_k={top_k} >= number of units {len(units)}")
    names = sampler.group_names
    x, align, ua_pos = _ua_design(sampler, design, n, d_seed)
    scale, agg_ok, scale_basis = _score_scale(sampler)
    ua, band_names = _ua_accumulator(sampler, pair_window, bands)
    sob = _sobol_accumulator(sampler, n, len(names), n_boot, b_seed, unit_sobol) \
        if design == "saltelli" else None
    stream = _SampleStream(sampler, align, ua_pos, scale, agg_ok, ua, sob,
                           unit_sobol=unit_sobol, keep_samples=keep_samples)
    stream.run(x, batch_size, progress, n_threads)
    summary = _ua_summary(ua, sampler, top_k, stream.score_quantiles([0.05, 0.95]))
    pairs, groups = _pairs(ua, units, pair_confidence)
    band_prob = _band_probability(ua, units, band_names, summary.index) if bands else None
    sobol, sobol_units = _sobol_frames(sob, names, units, conf_level, unit_sobol)
    shift_s = pd.Series(np.concatenate(stream.shifts), name="mean_abs_shift")
    ranks_df, scores_df, samples_df = stream.sample_frames()
    imp = node_importance(sampler.nominal_scores, sampler.meta, sampler.tree,
                          sampler.base_weights) if importance else None
    mc = _mc_intervals(ua, units, top_k, conf_level, band_names, summary.index)
    target = np.concatenate(stream.targets) if sob is not None else None
    second, n_second = (_second_order(sampler, n, d_seed, target, n_boot, b_seed, conf_level,
                                      batch_size)
                        if second_order and target is not None else (None, 0))
    return UncertaintyResult(
        units=summary, mean_abs_shift=float(np.nanmean(shift_s)), sobol=sobol,
        sobol_units=sobol_units, pairs=pairs, rank_groups=groups, band_probability=band_prob,
        band_basis=scale_basis, ranks=ranks_df, scores=scores_df, samples=samples_df,
        shift=shift_s, effective_importance=imp, inputs=sampler.inputs,
        notes=tuple(sampler.notes), n=n, design=design, n_evaluations=x.shape[0],
        n_branches=sampler.n_branches, top_k=top_k, conf_level=conf_level,
        pair_confidence=pair_confidence, index_code=sampler.tree.root_code,
        seeds=(d_seed, b_seed), uncertainties=sampler.uncertainties, spec=sampler.spec,
        mc_intervals=mc, sobol_second=second, design_target=target, n_boot=n_boot,
        n_second_order_evaluations=n_second,
        design_rows=(pd.DataFrame(np.asarray(stream.kept_x), columns=sampler.problem["names"])
                     if keep_samples and stream.kept_x is not None else None),
    )


def _mc_intervals(ua: UAAccumulator, units: list[Any], top_k: int, conf_level: float,
                  band_names: list[str], order: pd.Index) -> pd.DataFrame:
    """Bootstrap intervals of the rank statistics (rows by unit in ``order``)."""
    mc = rank_statistic_intervals(ua.histogram(), units, top_k=top_k, conf_level=conf_level,
                                  band_counts=ua.band_counts if ua.band_n else None,
                                  band_n=ua.band_n, band_names=band_names)
    pos = {u: i for i, u in enumerate(order)}
    key = mc["unit"].map(pos)
    return mc.iloc[np.argsort(key.to_numpy(), kind="stable")].reset_index(drop=True)


def _row_targets(sampler: IndexSampler, x: np.ndarray, batch_size: int | None) -> np.ndarray:
    """The mean absolute rank shift of each design row of ``x``, evaluated in batches."""
    bs = batch_size or sampler.default_batch(1)
    out = np.empty(x.shape[0])
    for s0 in range(0, x.shape[0], bs):
        rk = rank_rows(sampler.evaluate(x[s0:s0 + bs], batch_size=bs))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out[s0:s0 + rk.shape[0]] = np.nanmean(np.abs(rk - sampler.nominal_rank[None, :]), axis=1)
    return out


def _second_order(sampler: IndexSampler, n: int, d_seed: int, target: np.ndarray, n_boot: int,
                  b_seed: int, conf_level: float,
                  batch_size: int | None) -> tuple[pd.DataFrame, int]:
    """Second-order indices of the mean rank shift: the design's B_A rows evaluated, set
    between the A_B and B rows of ``target`` (SALib's layout), and the number of evaluations."""
    names = sampler.uncertainties.names
    g = len(names)
    d = int(sampler.problem["num_vars"])
    x2 = saltelli_design(sampler.problem, n, seed=d_seed, calc_second_order=True)
    ba = x2.reshape(n, 2 * g + 2, d)[:, g + 1:2 * g + 1].reshape(-1, d)
    t = target.reshape(n, g + 2)
    y = np.empty((n, 2 * g + 2))
    y[:, :g + 1] = t[:, :g + 1]
    y[:, g + 1:2 * g + 1] = _row_targets(sampler, ba, batch_size).reshape(n, g)
    y[:, -1] = t[:, -1]
    res = second_order_indices(y.ravel(), {"num_vars": g, "names": names}, n_boot=n_boot,
                               conf_level=conf_level, seed=b_seed)
    return res, ba.shape[0]

def _row_mean(dr: np.ndarray) -> np.ndarray:
    """Each row's mean of the absolute rank shifts ``dr`` (float32) over the ranked units, in
    float64: ``np.nanmean`` of the float64 shifts (integer sums: the same numbers)."""
    if not np.isnan(dr).any():
        return dr.sum(axis=1, dtype=float) / dr.shape[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(dr.astype(float), axis=1)


def _fill_missing(y: np.ndarray) -> np.ndarray:
    if np.isnan(y).any():
        raise MethodError(
            "uncertainty_analysis: some samples leave a unit's index undefined (dat_thresh or a "
            "removed component), so its Sobol' indices cannot be estimated; use unit_sobol=False "
            "or design='random'"
        )
    return y


def _scale_map(a: Mapping[str, Any], nom: Mapping[str, Any]) -> tuple[float, float] | None:
    """(slope, intercept) of the affine map that reads the scores of normalisation ``a`` on the
    scale of the nominal normalisation ``nom``; None when ``a`` is off the nominal scale.

    The same normalisation: (1, 0). Min-max onto [l, u] against the nominal min-max onto
    [l0, u0], every other option equal: :math:`s \\mapsto l_0 + (s - l)(u_0 - l_0)/(u - l)`,
    comparing both ends of the ranges (issue 15: [1, 100] is not [0, 100]). For an arithmetic
    mean this is exactly the score the nominal range gives (a weighted mean commutes with affine
    maps); for a geometric or harmonic mean (the reason for [1, 100]) it reads the sample's score
    at the same place between the ends of the scale. Anything else (another method, z-scores
    with another mean or sd) is off the scale: a z-score level has no fixed meaning to compare."""
    a = {"method": "minmax", **a}
    nom = {"method": "minmax", **nom}
    if freeze(a) == freeze(nom):
        return 1.0, 0.0
    if a["method"] != "minmax" or nom["method"] != "minmax":
        return None
    if freeze({k: v for k, v in a.items() if k != "range"}) != freeze(
            {k: v for k, v in nom.items() if k != "range"}):
        return None
    lo, hi = (float(v) for v in a.get("range", (0.0, 100.0)))
    lo0, hi0 = (float(v) for v in nom.get("range", (0.0, 100.0)))
    if (lo, hi) == (lo0, hi0):
        return 1.0, 0.0
    slope = (hi0 - lo0) / (hi - lo)
    return slope, lo0 - lo * slope


def _ua_summary(ua: UAAccumulator, sampler: IndexSampler, k: int,
                score_q: np.ndarray | None) -> pd.DataFrame:
    """The per-unit table; ``score_q``: the 5% and 95% quantiles of the scores on the nominal
    scale (units), when the samples are kept."""
    u = ua.u
    q = ua.quantiles([0.5, 0.05, 0.95])
    with np.errstate(invalid="ignore", divide="ignore"):
        score_mean = sampler.nominal_index + ua.score_sum / ua.score_n
        var = ua.score_sq / ua.score_n - (ua.score_sum / ua.score_n) ** 2
        score_sd = np.sqrt(np.maximum(var, 0) * ua.score_n / np.maximum(ua.score_n - 1, 1))
        mas = ua.sum_abs_shift / ua.n_rank
    df = pd.DataFrame({
        "nominal_score": sampler.nominal_index, "nominal_rank": sampler.nominal_rank,
        "median": q[:, 0], "mean": ua.mean_rank(), "q05": q[:, 1], "q95": q[:, 2],
        "p_top_k": ua.p_rank_at_most(k), "p_bottom_k": ua.p_rank_at_least(u - k + 1),
        "mean_abs_shift": mas, "score_mean": score_mean, "score_sd": score_sd,
    }, index=pd.Index(sampler.units, name="unit"))
    if score_q is not None:
        df["score_q05"], df["score_q95"] = score_q[0], score_q[1]
    df["n_samples"] = ua.n_rank
    return df.iloc[ua.order]


def _column_quantiles(x: np.ndarray, probs: Sequence[float]) -> np.ndarray:
    """``np.nanquantile(x, probs, axis=0)`` (numpy's "linear", R type 7), with the columns that
    have no missing value in one vectorised call (the same numbers)."""
    out = np.full((len(probs), x.shape[1]), np.nan)
    if x.shape[0] == 0:
        return out
    xt = np.ascontiguousarray(x.T)  # each column's values contiguous: a faster partition
    nan_cols = np.isnan(xt).any(axis=1)
    full = ~nan_cols
    if full.all():
        return np.quantile(xt, probs, axis=1, overwrite_input=True)
    if full.any():
        out[:, full] = np.quantile(xt[full], probs, axis=1, overwrite_input=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out[:, nan_cols] = np.nanquantile(xt[nan_cols], probs, axis=1)
    return out


def _pairs(ua: UAAccumulator, units: list[Any], conf: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pairs within the window (nominal order) with the share of samples in which the first
    ranks ahead, and the tiers of units that cannot be told apart (vectorised over pairs)."""
    order = ua.order
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(ua.pair_n > 0, ua.ahead / np.where(ua.pair_n > 0, ua.pair_n, 1), np.nan)
    # rows in the order (offset k, position i) of the pairs (i, i + k), i < u - k
    ks = np.concatenate([np.full(ua.u - k, k) for k in range(1, ua.window + 1)]).astype(int) \
        if ua.window else np.zeros(0, dtype=int)
    pos = np.concatenate([np.arange(ua.u - k) for k in range(1, ua.window + 1)]).astype(int) \
        if ua.window else np.zeros(0, dtype=int)
    a, b = order[pos], order[pos + ks]
    uarr = np.empty(len(units), dtype=object)
    uarr[:] = units
    pairs = pd.DataFrame({"unit_a": uarr[a], "unit_b": uarr[b], "rank_a": ua.nominal_rank[a],
                          "rank_b": ua.nominal_rank[b], "offset": ks,
                          "p_a_ahead": share[pos, ks - 1]})
    pairs["distinguishable"] = (pairs["p_a_ahead"] >= conf) | (pairs["p_a_ahead"] <= 1 - conf)
    pairs = pairs.sort_values(["rank_a", "offset"]).reset_index(drop=True)
    # tiers, greedily from the top: a leader and the units after it (in nominal order, within
    # the window) that are not reliably ranked behind it
    dist = (ua.pair_n > 0) & ((share >= conf) | (share <= 1 - conf))  # [i, k - 1]: (i, i + k)
    tiers = []
    i = 0
    while i < ua.u:
        j = i + 1
        while j < ua.u and j - i <= ua.window and not dist[i, j - i - 1]:
            j += 1
        tiers.append([units[order[m]] for m in range(i, j)])
        i = j
    rank_of = dict(zip(units, ua.nominal_rank, strict=True))
    g = pd.DataFrame([{"tier": j + 1, "first_rank": rank_of[m[0]], "last_rank": rank_of[m[-1]],
                       "size": len(m), "units": ", ".join(map(str, m))}
                      for j, m in enumerate(tiers)])
    return pairs, g


def _unit_sobol_frame(res: Mapping[str, np.ndarray], names: list[str], units: list[Any],
                      conf: float) -> pd.DataFrame:
    u = len(units)
    lo_q, hi_q = (1 - conf) / 2, (1 + conf) / 2
    frames = []
    for oi, out in enumerate(("rank", "score")):
        cols = np.arange(1 + oi * u, 1 + (oi + 1) * u)
        const = res["constant"][cols]
        for j, nm in enumerate(names):
            f = {"unit": units, "output": out, "input": nm,
                 "first": np.where(const, np.nan, res["first"][j, cols]),
                 "total": np.where(const, np.nan, res["total"][j, cols])}
            if "first_boot" in res:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    for k in ("first", "total"):
                        bt = res[f"{k}_boot"][j][:, cols]
                        f[f"{k}_low"] = np.where(const, np.nan, np.nanquantile(bt, lo_q, axis=0))
                        f[f"{k}_high"] = np.where(const, np.nan, np.nanquantile(bt, hi_q, axis=0))
            f["constant"] = const
            frames.append(pd.DataFrame(f))
    df = pd.concat(frames, ignore_index=True)
    order = ["unit", "output", "input", "first", "first_low", "first_high", "total", "total_low",
             "total_high", "constant"]
    return df[[c for c in order if c in df.columns]]


@dataclass(frozen=True)
class LeaveOneOut(Result):
    """Result of :func:`leave_one_out`.

    Attributes
    ----------
    ranks : DataFrame
        Units x removed node: the index rank with that node removed (1 = best, ties "min").
    rank_change : DataFrame
        Units x removed node: nominal rank minus rank without the node (COINr's ``RankDiffs``;
        positive = the unit moves up when the node is removed).
    table : DataFrame
        Per removed node: ``level``, ``mean_abs_shift`` (COINr's ``MeanAbsDiff``),
        ``max_abs_shift``, ``units_moved`` (share of units whose rank changes).
    nominal_rank : Series
    """

    ranks: pd.DataFrame
    rank_change: pd.DataFrame
    table: pd.DataFrame
    nominal_rank: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """The per-node table (mean and largest rank shift, share of units moved)."""
        return self.table

    def summary(self) -> Summary:
        """The node whose removal moves the ranking most, and the per-node table."""
        t = self.table.sort_values("mean_abs_shift", ascending=False)
        lines = [f"{len(t)} nodes removed one at a time",
                 f"largest mean absolute rank shift: {t.index[0]} ({t['mean_abs_shift'].iloc[0]:.3g})"]
        return Summary("Leave one out", lines, [t])


def leave_one_out(
    data: pd.DataFrame,
    meta: pd.DataFrame,
    spec: IndexSpec | Mapping[str, Any] | None = None,
    *,
    levels: Sequence[int] | None = None,
    weights: Mapping[str, float] | pd.Series | None = None,
    unit_col: str | None = None,
) -> LeaveOneOut:
    """Remove each node of the given levels in turn (its weight set to 0, the other weights
    rescaled within siblings) and rank again: which indicator or dimension moves the ranking.

    Parameters
    ----------
    levels : sequence of int
        Levels whose nodes are removed one at a time (default: every level below the index).

    Notes
    -----
    Normalisation and treatment are per indicator, so removing a node changes nothing but the
    aggregation; data-driven nominal weights are not recomputed. A node whose removal would leave
    the index empty is skipped with no error (it is listed with NaN). Matches COINr 1.1.14
    ``remove_elements`` on ASEM for levels 1 and 2 exactly (tests/test_sensitivity.py).
    """
    ev = IndexEvaluator(data, meta, spec, weights=weights, unit_col=unit_col)
    m = as_meta(meta)
    hier = hierarchy_from_meta(m)
    tree = Tree(hier)
    top = hier.level[tree.root_code]
    lv = sorted(x for x in set(hier.level.values()) if x < top) if levels is None else list(levels)
    bad = [x for x in lv if x not in hier.level.values() or x >= top]
    if bad:
        raise MethodError(f"leave_one_out: level(s) {bad} have no nodes below the index")
    codes = [c for c in tree.codes if hier.level[c] in lv]
    methods = vector_methods(tree, ev.plan.methods, "leave_one_out")
    bm = BranchMatrix(ev.normalised())
    w0 = ev.base_weights
    nominal = aggregate_batch(tree, bm, w0[None, :], methods, p=ev.p,
                              dat_thresh=ev.dat_thresh)[0]
    nom_rank = rank_rows(nominal)[0].astype(float)
    w = np.repeat(w0[None, :], len(codes), axis=0)
    for i, c in enumerate(codes):
        w[i, tree.pos[c]] = 0.0
    sc = aggregate_batch(tree, bm, w, methods, p=ev.p, dat_thresh=ev.dat_thresh)[0]
    rk = rank_rows(sc).astype(float)
    units = ev.units
    ranks = pd.DataFrame(rk.T, index=units, columns=codes)
    change = pd.DataFrame(nom_rank[:, None] - rk.T, index=units, columns=codes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        summ = pd.DataFrame({
            "level": [hier.level[c] for c in codes],
            "mean_abs_shift": np.nanmean(np.abs(change.to_numpy()), axis=0),
            "max_abs_shift": np.nanmax(np.abs(change.to_numpy()), axis=0),
            "units_moved": (change.to_numpy() != 0).mean(axis=0),
        }, index=pd.Index(codes, name="code"))
    return LeaveOneOut(ranks, change, summ, pd.Series(nom_rank, index=units, name="rank"))
