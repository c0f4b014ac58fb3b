"""The assumptions of :mod:`methods.sensitivity.assumptions` resolved against a nominal build: a
mixin of :class:`methods.sensitivity.IndexSampler` (private to the package).

Every new assumption is folded into the sampler's existing branch structure, so the engine's
evaluation path is unchanged:

- a continuous parameter multiplies the alternatives of its step (aggregation: ``p``,
  ``dat_thresh``; treatment: ``skew_thresh``, ``kurt_thresh``; normalisation: ``range_low``,
  ``range_high``) by its ``levels`` grid values; the step's alternative index of a sample is
  ``base * K + k`` (mixed radix over the step's parameters, in the order given);
- stochastic imputation makes the imputation alternatives M completed copies of the data, and
  data noise multiplies them by M noisy replicates (one evaluator each);
- random subsets set the weights of the dropped nodes to 0 (as one-at-a-time exclusion does);
- weight groups and raw-scale ranges change only the design's groups and the weights' bounds.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from methods._errors import MethodError, MethodWarning
from methods.index.build import IndexEvaluator
from methods.sensitivity.assumptions import (
    PARAMETERS,
    grid_index,
    impute_draws,
    kept,
    noise_draws,
    parameter_grid,
    weight_groups,
)

_STEPS = ("impute", "treat", "normalise", "aggregate")
_TREAT_WITH_THRESHOLDS = ("jrc", "winsorise")


class AssumptionsMixin:
    """Resolution and decoding of the new assumption types (see the module docstring)."""

    # set by IndexSampler
    spec: Any
    meta: pd.DataFrame
    hier: Any
    tree: Any
    units: list[Any]
    uncertainties: Any
    notes: list[str]
    _inputs: dict[str, Any]
    _dim_slices: dict[str, slice]
    base_weights: np.ndarray
    alt_type: Callable[[str, Any], Any]
    agg_alts: list[Any]
    treat_alts: list[Any]
    norm_alts: list[Any]
    imp_alts: list[Any]
    problem: dict[str, Any]
    _data: pd.DataFrame
    _weights_override: Any
    _unit_col: str | None
    _wpos: Any
    _wlo: Any
    _whi: Any
    _weight_dims: Any
    _weight_names: list[str]
    _discrete: Any

    def _init_assumptions(self, seed: int | np.random.SeedSequence | None) -> None:
        ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        self._imp_seed, self._data_seed = ss.spawn(2)
        self._attach: dict[str, list[tuple[str, int]]] = {s: [] for s in _STEPS}
        self._nbase: dict[str, int] = {}
        self._grids: dict[str, np.ndarray] = {}
        self._keep: tuple[float, np.ndarray] | None = None
        self._weight_group_names: list[str] | None = None

    # ------------------------------------------------------------------ parameters

    def _step_parameters(self, step: str) -> list[tuple[str, np.ndarray]]:
        out = []
        for i in self.uncertainties.inputs:
            if i.name in PARAMETERS and PARAMETERS[i.name][0] == step:
                self._grids[i.name] = parameter_grid(i.parameters)
                out.append((i.name, self._grids[i.name]))
        return out

    def _expand(self, step: str, alts: list[Any]) -> list[tuple[Any, dict[str, float]]]:
        """Each alternative of ``step`` times the grid values of the step's parameters (mixed
        radix, the first parameter most significant); the base count is recorded."""
        self._nbase[step] = len(alts)
        params = self._step_parameters(step)
        self._attach[step] += [(n, g.size) for n, g in params]
        names = [n for n, _ in params]
        return [(a, dict(zip(names, map(float, combo), strict=True)))
                for a in alts for combo in itertools.product(*[g for _, g in params])]

    def _expand_aggregations(self, nominal_p: float, nominal_dt: float | None) -> None:
        """``p`` and ``dat_thresh`` per aggregation alternative (``self._agg_pd``)."""
        pairs = self._expand("aggregate", self.agg_alts)
        if "p" in self._grids and not any("generalised" in a.value.values() for a in self.agg_alts):
            raise MethodError(
                "sensitivity.uncertainties.parameters.p: no aggregation alternative uses the "
                "generalised mean (aggregate: generalised), so p changes nothing"
            )
        self.agg_alts = [a for a, _ in pairs]
        self._agg_pd = [(v.get("p", nominal_p), v.get("dat_thresh", nominal_dt)) for _, v in pairs]

    def _expand_treatments(self) -> None:
        pairs = self._expand("treat", self.treat_alts)
        if len(pairs) == len(self.treat_alts):
            return
        if not any(a.value and a.value.get("method", "jrc") in _TREAT_WITH_THRESHOLDS
                   for a in self.treat_alts):
            raise MethodError(
                "sensitivity.uncertainties.parameters: skew_thresh / kurt_thresh apply to the jrc "
                "or winsorise treatment, and the build has none (build.treat)"
            )
        self.treat_alts = [
            self.alt_type(a.label, {**a.value, **v}
                          if a.value and a.value.get("method", "jrc") in _TREAT_WITH_THRESHOLDS
                          else a.value) for a, v in pairs]

    def _expand_normalisations(self, named: list[bool]) -> list[bool]:
        pairs = self._expand("normalise", self.norm_alts)
        if len(pairs) == len(self.norm_alts):
            return named
        if not any(a.value.get("method", "minmax") == "minmax" for a in self.norm_alts):
            raise MethodError(
                "sensitivity.uncertainties.parameters: range_low / range_high are the min-max "
                "range ends, and no normalisation alternative is min-max"
            )
        out = []
        for a, v in pairs:
            n = a.value
            if n.get("method", "minmax") == "minmax":
                lo, hi = n.get("range", [0, 100])
                rg = [v.get("range_low", float(lo)), v.get("range_high", float(hi))]
                if not rg[0] < rg[1]:
                    raise MethodError(
                        f"sensitivity.uncertainties.parameters: min-max range {rg}; every low "
                        "value must lie below every high value"
                    )
                n = {**n, "range": rg}
            out.append(self.alt_type(a.label, n))
        k = len(pairs) // len(self.norm_alts)
        self.norm_alts = out
        return [f for f in named for _ in range(k)]

    # ------------------------------------------------------------------ data replicates

    def _replicate(self, x: np.ndarray) -> IndexEvaluator:
        """An evaluator of a completed (imputed, screened) indicator matrix."""
        df = pd.DataFrame(x, index=pd.Index(self.units), columns=list(self.hier.indicators))
        spec = self.spec.with_changes(denominate=None, impute=None, screen=None)
        return IndexEvaluator(df, self.meta, spec, weights=self._weights_override)

    def _imputation_draws(self, prm: Mapping[str, Any]) -> list[Any]:
        """M stochastic imputations of the nominal build's missing cells."""
        if self.spec.impute is None:
            raise MethodError(
                "sensitivity.uncertainties.impute: the nominal build has no imputation step "
                "(build.impute); stochastic draws replace that step"
            )
        probe = IndexEvaluator(self._data, self.meta,
                               self.spec.with_changes(impute=None, screen=None),
                               weights=self._weights_override, unit_col=self._unit_col)
        x = probe.screened.loc[self.units, list(self.hier.indicators)].to_numpy(dtype=float)
        if not np.isnan(x).any():
            raise MethodError(
                "sensitivity.uncertainties.impute: the data have no missing indicator values, "
                "so imputation draws change nothing; remove them"
            )
        draws = impute_draws(x, prm["stochastic"], prm["draws"], seed=self._imp_seed,
                             iterations=prm["iterations"], donors=prm["donors"])
        self.notes.append(
            f"impute: {prm['draws']} draws by {prm['stochastic']} of {int(np.isnan(x).sum())} "
            "missing cells replace the nominal imputation")
        return [self.alt_type(f"{prm['stochastic']} draw {m + 1}", self._replicate(d))
                for m, d in enumerate(draws)]

    def _data_draws(self, prm: Mapping[str, Any]) -> None:
        """Each imputation alternative times M replicates with measurement noise."""
        inds = list(self.hier.indicators)
        unknown = [c for c in prm["noise"] if c not in inds]
        if unknown:
            raise MethodError(f"sensitivity.uncertainties.data.noise: unknown indicator(s) {unknown}")
        sd = np.array([prm["noise"].get(c, 0.0) for c in inds])
        out = []
        for a in self.imp_alts:
            x = a.value.screened.loc[self.units, inds].to_numpy(dtype=float)
            out += [self.alt_type(a.label, self._replicate(r))
                    for r in noise_draws(x, sd, prm["draws"], self._data_seed)]
        self.imp_alts = out
        self._attach["impute"].append(("data", int(prm["draws"])))

    # ------------------------------------------------------------------ weights and subsets

    def _weight_options(self, prm: Mapping[str, Any]) -> None:
        """Raw-scale ranges (or the warning) and per-node Sobol' groups of the weights."""
        if "ranges" in prm:
            self._range_scale(prm.get("scale"))
        if "groups" in prm:
            lv = int(prm["groups"])
            top = self.hier.level[self.tree.root_code]
            if lv not in set(self.hier.level.values()) or lv >= top:
                raise MethodError(
                    f"sensitivity.uncertainties.weights.groups: level {lv}; expected a level "
                    f"between 2 and {top - 1} (below the index)"
                )
            anc = {}
            for p in self._wpos:
                c = self.tree.codes[p]
                while self.hier.level[c] < lv:
                    c = self.hier.parent[c]
                anc[self.tree.codes[p]] = c if self.hier.level[c] == lv else None
            self._weight_group_names = weight_groups([self.tree.codes[p] for p in self._wpos], anc)

    def _range_scale(self, scale: str | None) -> None:
        """Ranges are read on the scale of the weights rescaled within siblings; ``scale: raw``
        reads them on the meta frame's raw weights (times sum(rescaled) / sum(raw) of the
        siblings); without ``scale`` a range on a node whose raw weight differs is warned."""
        raw = np.array([float(self.hier.weight[c]) for c in self.tree.codes])
        base = self.base_weights
        for j, p in enumerate(self._wpos):
            sib = self.tree.kids[int(self.tree.parent[p])]
            f = base[sib].sum() / raw[sib].sum()
            code = self.tree.codes[p]
            if scale == "raw":
                if not np.allclose(base[sib], f * raw[sib], rtol=1e-9, atol=0):
                    raise MethodError(
                        f"sensitivity.uncertainties.weights.scale: raw, but the nominal weights of "
                        f"{code!r} and its siblings are not the meta frame's weights rescaled"
                    )
                self._wlo[j] *= f
                self._whi[j] *= f
            elif scale is None and not np.isclose(base[p], raw[p], rtol=1e-9, atol=0):
                warnings.warn(
                    f"sensitivity.uncertainties.weights.ranges[{code!r}]: read on the scale of the "
                    f"weights rescaled within siblings (nominal {base[p]:.4g}, raw {raw[p]:.4g} in "
                    "the framework); give scale: raw to read ranges on the raw weights, or "
                    "scale: rescaled to keep this reading", MethodWarning, stacklevel=4)

    def _keep_subsets(self, codes: list[str], q: float) -> None:
        """Random subsets: each of ``codes`` kept with probability q (one design variable each)."""
        self._keep = (q, np.array([self.tree.pos[c] for c in codes], dtype=int))

    # ------------------------------------------------------------------ design and decoding

    def _input_dims(self, name: str) -> int:
        if name == "weights":
            return int(self._weight_dims)
        if name == "exclude" and self._keep is not None:
            return int(self._keep[1].size)
        return 1

    def _input_groups(self, name: str, k: int) -> tuple[list[str], list[str]]:
        """Variable names and Sobol' groups of an input with k variables."""
        if name == "weights":
            groups = self._weight_group_names or ["weights"] * k
            return [f"weights[{c}]" for c in self._weight_names], groups
        if name == "exclude" and self._keep is not None:
            return [f"keep[{self.tree.codes[p]}]" for p in self._keep[1]], ["exclude"] * k
        return [name] * k, [name] * k

    @property
    def group_names(self) -> list[str]:
        """The Sobol' inputs (groups of design variables), in order."""
        return list(pd.unique(np.array(self.problem["groups"], dtype=object)))

    def _step_index(self, x: np.ndarray, step: str) -> np.ndarray:
        """A step's alternative index: its discrete input's choice, then each attached input's
        stratum (mixed radix)."""
        idx = self._discrete(x, step, self._nbase.get(step, 1))
        for name, k in self._attach[step]:
            idx = idx * k + self._discrete(x, name, k)
        return idx

    def _decode_assumptions(self, x: np.ndarray, out: dict[str, np.ndarray]) -> None:
        """Parameter values, data replicates and random subsets of design rows (in ``out``)."""
        for name, g in self._grids.items():
            out[name] = g[grid_index(x[:, self._dim_slices[name].start], g.size)]
        if "data" in self._dim_slices:
            out["data"] = self._discrete(x, "data", self._attach["impute"][-1][1])
        if self._keep is not None:
            q, pos = self._keep
            drop = ~kept(x[:, self._dim_slices["exclude"]], q)
            w = out["weights"]
            w[:, pos] = np.where(drop, 0.0, w[:, pos])
            out["dropped"] = drop

    def _assumption_labels(self, dec: Mapping[str, np.ndarray], cols: dict[str, Any]) -> None:
        for name in self._grids:
            cols[name] = dec[name]
        if "data" in dec:
            cols["data"] = np.array([f"draw {m + 1}" for m in dec["data"]], dtype=object)
        if self._keep is not None:
            codes = np.array([self.tree.codes[p] for p in self._keep[1]], dtype=object)
            cols["exclude"] = np.array(
                [" ".join(f"-{c}" for c in codes[r]) or "none" for r in dec["dropped"]],
                dtype=object)
