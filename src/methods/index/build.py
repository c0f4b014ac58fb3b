"""Building the index from a declarative spec, and evaluating it fast many times.

:class:`IndexSpec` is the whole build (denominate, impute, screen, treat, normalise, weights,
aggregate) as plain data, serialisable to JSON/YAML; :func:`build_index` runs it and keeps every
stage; :class:`IndexEvaluator` keeps the stages that do not vary and re-aggregates a cached
normalised matrix with new weights or methods in microseconds (for uncertainty analysis).

Example spec (the ``build:`` block of a run config)::

    {"impute": {"method": "mean_group", "by": "province"},
     "screen": {"min_coverage": 0.8},
     "treat": {"method": "jrc", "winmax": 5},
     "normalise": {"method": "minmax", "range": [0, 100]},
     "weights": "expert",
     "aggregate": {"default": "arithmetic", "2": "geometric"}}
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from methods._checks import numeric_frame, rank_desc
from methods._errors import MethodError
from methods._meta import as_meta, hierarchy_from_meta
from methods.conventions import check_convention
from methods.index.aggregate import AGGREGATION, AggregationPlan, aggregate
from methods.index.normalisation_kernels import vectorisable
from methods.index.normalise import NORMALISATION, normalise, normalise_array
from methods.index.prepare import IMPUTATION, denominate, impute, screen_units
from methods.index.scales import SpecProblem, compatibility_problems, node_scales
from methods.index.treat import TREATMENT, treat
from methods.registry import ScoreScale
from methods.summary import Result, Summary, ranking_line
from methods.weights.registry import WEIGHTING, weights_for

__all__ = [
    "IndexEvaluator",
    "IndexResult",
    "IndexSpec",
    "aggregate",
    "build_index",
    "build_years",
    "normalise",
]

_TREAT_KEYS = {"method", "winmax", "skew_thresh", "kurt_thresh", "force_win", "apply_to",
               "boxcox_lambda", "indicator_specs"}
_NORM_KEYS = {"method", "range", "mean_sd", "ties", "targets", "cap", "reference", "goalposts",
              "clip", "scale", "overrides"}
_IMPUTE_KEYS = {"method", "by", "group"}
_SCREEN_KEYS = {"min_coverage", "coverage_of", "force_include", "force_exclude"}
_DENOM_KEYS = {"denominators", "scale"}
_WEIGHT_KEYS = {"method", "scope", "values", "convention"}


def plain_json(obj: Any) -> Any:
    """Convert tuples/numpy scalars to JSON-friendly lists/floats (recursively)."""
    if isinstance(obj, Mapping):
        return {str(k): plain_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain_json(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def _check_keys(section: str, d: Mapping[str, Any], allowed: set[str]) -> None:
    bad = sorted(set(map(str, d)) - allowed)
    if bad:
        raise MethodError(
            f"build.{section}: unknown key(s) {bad}; allowed: {sorted(allowed)}"
        )


@dataclass(frozen=True)
class IndexSpec:
    """The whole build as data.

    Fields (each ``None`` = skip the step, except ``normalise``, ``weights``, ``aggregate``):

    - ``denominate``: ``{"denominators": {indicator: column} | "meta", "scale": number |
      {indicator: number}}`` ("meta" reads the meta frame's ``denominator`` column);
    - ``impute``: ``{"method": one of prepare.IMPUTE_METHODS (cross-sectional ones),
      "by": group column}``; ``{"method": "mean", "by": col}`` means ``mean_group``;
    - ``screen``: ``{"min_coverage": 0.8, "coverage_of": "denominated" | "imputed"}``: coverage
      measured before imputation (default) or after it (COINr's order);
    - ``treat``: keyword arguments of :func:`methods.index.treat.treat` (``method``, ``winmax`` ...);
    - ``normalise``: ``method`` and options of :func:`methods.index.normalise.normalise`;
    - ``weights``: a name of :data:`methods.weights.registry.WEIGHTING` or ``{"method": name,
      "scope": "group"|"all"}`` (data-driven methods) or ``{"values": {code: weight}}``;
      ``nominal`` methods (``expert``, ``equal``) read the meta frame, ``data`` methods
      (``entropy``, ``critic``, ``cv``, ``pca``, ``independence``) are computed on the normalised
      data, ``judgements`` methods (``ahp``, ``fahp``) need the weights passed to
      :func:`build_index` (:func:`methods.weights.registry.judgement_weights`);
    - ``aggregate``: ``{"default": method, "<level>": method, "<node>": method,
      "dat_thresh": share, "p": exponent}``.
    """

    denominate: Mapping[str, Any] | None = None
    impute: Mapping[str, Any] | None = None
    screen: Mapping[str, Any] | None = None
    treat: Mapping[str, Any] | None = None
    normalise: Mapping[str, Any] = field(
        default_factory=lambda: {"method": "minmax", "range": [0, 100]}
    )
    weights: str | Mapping[str, Any] = "expert"
    aggregate: Mapping[str, Any] = field(default_factory=lambda: {"default": "arithmetic"})

    def __post_init__(self) -> None:
        if self.denominate is not None:
            _check_keys("denominate", self.denominate, _DENOM_KEYS)
            den = self.denominate.get("denominators")
            if not (den == "meta" or isinstance(den, Mapping)):
                raise MethodError(
                    "build.denominate.denominators must be 'meta' or {indicator: column}"
                )
        if self.impute is not None:
            _check_keys("impute", self.impute, _IMPUTE_KEYS)
            m = self.impute.get("method", "mean")
            cross = IMPUTATION.names(needs="cross")
            if m in IMPUTATION and m not in cross:
                raise MethodError(
                    f"build.impute.method: {m!r} imputes along time; expected a cross-sectional "
                    f"method ({', '.join(cross)}); impute a panel with methods.index.prepare.impute "
                    "before building"
                )
            IMPUTATION.check(m, field="build.impute.method", among=cross)
        if self.screen is not None:
            _check_keys("screen", self.screen, _SCREEN_KEYS)
            if "min_coverage" not in self.screen:
                raise MethodError("build.screen needs min_coverage")
            if self.screen.get("coverage_of", "denominated") not in ("denominated", "imputed"):
                raise MethodError("build.screen.coverage_of must be 'denominated' or 'imputed'")
        if self.treat is not None:
            _check_keys("treat", self.treat, _TREAT_KEYS)
            TREATMENT.check(self.treat.get("method", "jrc"), field="build.treat.method")
        _check_keys("normalise", self.normalise, _NORM_KEYS)
        NORMALISATION.check(self.normalise.get("method", "minmax"), field="build.normalise.method")
        self._check_weights()
        for k, v in self.aggregate.items():
            if k in ("dat_thresh", "p"):
                if not isinstance(v, int | float) or isinstance(v, bool):
                    raise MethodError(f"build.aggregate.{k}: {v!r}; expected a number")
                continue
            AGGREGATION.check(v, field=f"build.aggregate.{k}")

    def _check_weights(self) -> None:
        w = self.weights
        if isinstance(w, str):
            if w == "values":
                raise MethodError("build.weights: 'values' needs the values: {values: {node: "
                                  "weight}}")
            WEIGHTING.check(w, field="build.weights")
        elif isinstance(w, Mapping):
            _check_keys("weights", w, _WEIGHT_KEYS)
            if "values" not in w:
                WEIGHTING.check(w.get("method"), field="build.weights.method")
            if w.get("scope", "group") not in ("group", "all"):
                raise MethodError(f"build.weights.scope: {w['scope']!r}; expected 'group' or 'all'")
            if "convention" in w:
                check_convention(w["convention"], "build.weights.convention")
                if w.get("method") != "entropy":
                    raise MethodError("build.weights.convention applies to method: entropy only "
                                      f"(SPSSAU's non-negative shift), not {w.get('method')!r}")
        else:
            raise MethodError("build.weights must be a name or a mapping")

    def check_compatibility(self, meta: pd.DataFrame | None = None) -> list[SpecProblem]:
        """Problems of this spec found before running it, each naming the field to change:
        an aggregation whose input domain (e.g. positive values for geometric and harmonic
        means) the scale of its children does not satisfy (min-max [0, 100] contains 0; a
        TOPSIS closeness can be 0). With ``meta``, node by node; without, each aggregation
        against the normalisation's scale. An empty list means no problem.

        >>> IndexSpec(aggregate={"default": "geometric"}).check_compatibility()[0].field
        'build.aggregate.default'
        """
        return compatibility_problems(self.normalise, self.aggregate, meta)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> IndexSpec:
        """Build from a plain dict (e.g. the run config's ``build:``); unknown keys are errors."""
        if d is None:
            return cls()
        if isinstance(d, IndexSpec):
            return d
        names = {f.name for f in fields(cls)}
        bad = sorted(set(d) - names)
        if bad:
            raise MethodError(f"IndexSpec: unknown section(s) {bad}; expected {sorted(names)}")
        kw = {k: copy.deepcopy(dict(v)) if isinstance(v, Mapping) else v for k, v in d.items()}
        imp = kw.get("impute")
        if isinstance(imp, dict) and "group" in imp:
            imp["by"] = imp.pop("group")
        if isinstance(imp, dict) and imp.get("by") and imp.get("method", "mean") in ("mean", "median"):
            imp["method"] = f"{imp.get('method', 'mean')}_group"
        if isinstance(kw.get("aggregate"), dict):
            kw["aggregate"] = {str(k): v for k, v in kw["aggregate"].items()}
        return cls(**kw)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable dict; ``IndexSpec.from_dict(spec.to_dict()) == spec``."""
        return {f.name: plain_json(getattr(self, f.name)) for f in fields(self)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)

    def with_changes(self, **sections: Any) -> IndexSpec:
        """A new spec with sections merged (dict sections update, others replace)."""
        d = self.to_dict()
        for k, v in sections.items():
            if isinstance(v, Mapping) and isinstance(d.get(k), dict):
                d[k] = {**d[k], **plain_json(v)}
            else:
                d[k] = plain_json(v)
        return IndexSpec.from_dict(d)


@dataclass(frozen=True)
class IndexResult(Result):
    """Result of :func:`build_index`.

    Attributes
    ----------
    scores : DataFrame
        Units x every node code (indicators normalised, then each aggregate level).
    ranks : DataFrame
        Ranks of ``scores`` (1 = best, ties "min").
    stages : dict of DataFrames
        ``raw``, ``denominated``, ``imputed``, ``screened``, ``treated``, ``normalised``,
        ``aggregated`` (indicator columns; ``aggregated`` has every node).
    log : list of dict
        One entry per step: ``step``, ``parameters`` and a short ``summary``.
    weights : Series
        Weight of every node, rescaled within each group of siblings.
    spec : IndexSpec
    """

    scores: pd.DataFrame
    ranks: pd.DataFrame
    stages: Mapping[str, pd.DataFrame]
    log: list[dict[str, Any]]
    weights: pd.Series
    spec: IndexSpec
    meta: pd.DataFrame
    details: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def index_code(self) -> str:
        """Code of the top node (the index)."""
        return str(self.scores.columns[-1])

    @property
    def scales(self) -> dict[str, ScoreScale]:
        """The scale of every node's scores, from the registries and the spec."""
        return node_scales(self.spec.normalise, self.spec.aggregate, self.meta)

    @property
    def scale(self) -> ScoreScale:
        """The scale of the index's scores (e.g. [0, 100] for min-max [0, 100] and means; [0, 1]
        for a TOPSIS index), from the registries and the spec, never from the values."""
        return self.scales[self.index_code]

    def to_dict(self) -> dict[str, Any]:
        """Spec, index scale and the log, JSON-friendly (the scores are tables: use
        :attr:`scores`)."""
        return {"spec": self.spec.to_dict(), "index": self.index_code,
                "scale": self.scale.to_dict(), "log": plain_json(self.log)}

    def to_frame(self) -> pd.DataFrame:
        """The scores of every node (units x nodes)."""
        return self.scores

    def summary(self) -> Summary:
        """The index's ranking and the build steps; the index's scores and ranks, and the log."""
        code = self.index_code
        steps = [f"{e['step']}: {e['summary']}" if e.get("summary") else str(e["step"])
                 for e in self.log]
        lines = [f"{code}: " + ranking_line(self.scores[code], self.ranks[code]),
                 "steps: " + "; ".join(steps)]
        table = pd.DataFrame({"score": self.scores[code], "rank": self.ranks[code]})
        log = pd.DataFrame([{"step": e["step"], "summary": e.get("summary", "")} for e in self.log])
        return Summary(f"Index {code}", lines, [table.sort_values("rank"), log])


def _units_frame(data: pd.DataFrame, unit_col: str | None) -> pd.DataFrame:
    if unit_col is not None:
        if unit_col not in data.columns:
            raise MethodError(f"build_index: unit column {unit_col!r} not in the data")
        return data.set_index(unit_col)
    if isinstance(data.index, pd.RangeIndex):
        for c in ("unit_id", "uCode"):
            if c in data.columns:
                return data.set_index(c)
    return data


def _denominators(spec: IndexSpec, meta: pd.DataFrame) -> dict[str, str]:
    assert spec.denominate is not None
    den = spec.denominate.get("denominators")
    if den == "meta":
        m = meta.rename(columns={c: c.lower() for c in meta.columns})
        if "denominator" not in m.columns:
            raise MethodError("build.denominate: meta has no 'denominator' column")
        code = "code" if "code" in m.columns else "icode"
        sub = m[m["denominator"].notna() & (m["level"] == 1)]
        return dict(zip(sub[code].astype(str), sub["denominator"].astype(str), strict=True))
    if not isinstance(den, Mapping):
        raise MethodError("build.denominate.denominators must be 'meta' or {indicator: column}")
    return {str(k): str(v) for k, v in den.items()}


def _prepare(
    data: pd.DataFrame, meta: pd.DataFrame, spec: IndexSpec, unit_col: str | None
) -> tuple[dict[str, pd.DataFrame], list[dict[str, Any]], dict[str, Any], pd.DataFrame]:
    """Run denominate, impute, screen; return stages, log, details and the full frame kept."""
    hier = hierarchy_from_meta(meta)
    inds = list(hier.indicators)
    df = _units_frame(data, unit_col)
    if df.index.has_duplicates:
        raise MethodError(
            f"build_index: duplicate unit id {df.index[df.index.duplicated()][0]!r}; one row per "
            "unit expected (select one year of a panel first)"
        )
    raw = numeric_frame(df, name="data", columns=inds)
    full = df.copy()
    full[inds] = raw
    stages = {"raw": raw}
    log: list[dict[str, Any]] = []
    details: dict[str, Any] = {}
    if spec.denominate is not None:
        dens = _denominators(spec, meta)
        r = denominate(full, dens, scale=spec.denominate.get("scale", 1.0))
        full = r.data
        details["denomination"] = r
        log.append({"step": "denominate", "parameters": plain_json(spec.denominate),
                    "summary": f"{len(dens)} indicators denominated"})
    stages["denominated"] = full[inds].copy()
    before_impute = full[inds].copy()
    if spec.impute is not None:
        m = spec.impute.get("method", "mean")
        by = spec.impute.get("by")
        imp = impute(full, m, groups=by, meta=meta, indicators=inds)
        full = imp.data
        details["imputation"] = imp
        log.append({"step": "impute", "parameters": plain_json(spec.impute),
                    "summary": f"{imp.n_filled} values filled, {len(imp.unfilled)} left missing"})
    stages["imputed"] = full[inds].copy()
    if spec.screen is not None:
        of = spec.screen.get("coverage_of", "denominated")
        basis = before_impute if of == "denominated" else full[inds]
        scr = screen_units(basis, float(spec.screen["min_coverage"]), indicators=inds,
                           force_include=spec.screen.get("force_include", ()),
                           force_exclude=spec.screen.get("force_exclude", ()))
        full = full.loc[scr.data.index]
        details["screening"] = scr
        log.append({"step": "screen", "parameters": plain_json(spec.screen),
                    "summary": f"{len(scr.dropped)} units dropped: {list(scr.dropped['unit'])}"})
    stages["screened"] = full[inds].copy()
    return stages, log, details, full


def _treat_normalise(
    screened: pd.DataFrame, meta: pd.DataFrame, treat_spec: Mapping[str, Any] | None,
    norm_spec: Mapping[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, Any, Any]:
    if treat_spec is not None:
        kw = dict(treat_spec)
        m = kw.pop("method", "jrc")
        tr = treat(screened, m, **kw)
        treated = tr.data
    else:
        tr = None
        treated = screened
    kw = dict(norm_spec)
    m = kw.pop("method", "minmax")
    for k in ("range", "mean_sd"):
        if k in kw:
            kw[k] = tuple(kw[k])
    if "goalposts" in kw:
        kw["goalposts"] = {k: tuple(v) for k, v in kw["goalposts"].items()}
    no = normalise(treated, m, directions=meta, **kw)
    return treated, no.data, tr, no


def _resolve_weights(
    spec: IndexSpec, meta: pd.DataFrame, normalised: pd.DataFrame,
    weights: Mapping[str, float] | pd.Series | None,
) -> pd.Series:
    out = weights_for(spec.weights, meta, normalised, weights)
    if weights is not None:
        ov = pd.Series(weights, dtype=float)
        codes = set(hierarchy_from_meta(meta).codes)
        unknown = [c for c in ov.index if c not in codes]
        if unknown:
            raise MethodError(f"build_index: weights name unknown node(s) {unknown}")
        out = out.copy()
        out.update(ov[[c for c in ov.index if c in out.index]])
    return out


def _weights_name(w: str | Mapping[str, Any]) -> str:
    return w if isinstance(w, str) else ("values" if "values" in w else str(w.get("method")))


def agg_options(spec: IndexSpec) -> tuple[dict[str | int, str], float | None, float]:
    """The aggregation section as (method by level/node, dat_thresh, p)."""
    methods: dict[str | int, str] = {k: v for k, v in spec.aggregate.items() if k not in ("dat_thresh", "p")}
    dt = spec.aggregate.get("dat_thresh")
    return methods, (None if dt is None else float(dt)), float(spec.aggregate.get("p", 1.0))


def build_index(
    data: pd.DataFrame,
    meta: pd.DataFrame,
    spec: IndexSpec | Mapping[str, Any] | None = None,
    *,
    weights: Mapping[str, float] | pd.Series | None = None,
    unit_col: str | None = None,
) -> IndexResult:
    """Build the index: denominate, impute, screen, treat, normalise, weigh, aggregate.

    Parameters
    ----------
    data : DataFrame
        One row per unit: indicator columns (meta codes) plus any denominator and group columns.
        The unit id is the index, or the column ``unit_col`` (default: ``unit_id`` or ``uCode``
        if present).
    meta : DataFrame
        Meta frame (``code``, ``parent``, ``level``, ``weight``, ``direction`` ...).
    spec : IndexSpec or dict
        The build (see :class:`IndexSpec`); None = the defaults (min-max 0-100, expert weights,
        arithmetic means).
    weights : mapping
        Node weights that override the spec's (e.g. AHP weights from :func:`ahp_hierarchy`).

    Returns
    -------
    IndexResult

    Notes
    -----
    Reproduces COINr 1.1.14's default ASEM build stage by stage to 1e-9 with the spec
    ``{"denominate": {"denominators": "meta"}, "impute": {"method": "mean_group", "by":
    "EurAsia_group"}, "screen": {"min_coverage": 0.9, "coverage_of": "imputed"}, "treat":
    {"method": "jrc", "winmax": 5}, "normalise": {"method": "minmax", "range": [0, 100]},
    "aggregate": {"default": "arithmetic"}}`` (tests/test_index.py).
    """
    spec = IndexSpec.from_dict(spec) if not isinstance(spec, IndexSpec) else spec
    meta = as_meta(meta)
    stages, log, details, _ = _prepare(data, meta, spec, unit_col)
    treated, normalised, tr, no = _treat_normalise(stages["screened"], meta, spec.treat,
                                                   spec.normalise)
    if tr is not None:
        details["treatment"] = tr
        log.append({"step": "treat", "parameters": plain_json(spec.treat),
                    "summary": f"{int(tr.details['failed'].sum())} indicators failed the rule; "
                               f"{len(tr.points)} values changed"})
    stages["treated"] = treated
    stages["normalised"] = normalised
    details["normalisation"] = no
    log.append({"step": "normalise", "parameters": plain_json(spec.normalise), "summary": ""})
    w = _resolve_weights(spec, meta, normalised, weights)
    rescaled = WEIGHTING.get(_weights_name(spec.weights)).needs == "data" and bool(
        (normalised.to_numpy(dtype=float) < 0).any())
    log.append({"step": "weights", "parameters": plain_json(spec.weights),
                "summary": "override given" if weights is not None else (
                    "computed on the normalised indicators min-max rescaled to [0, 1] (they have "
                    "negative values)" if rescaled else "")})
    methods, dt, p = agg_options(spec)
    agg = aggregate(normalised, meta, method=methods, weights=w, dat_thresh=dt, p=p)
    details["aggregation"] = agg
    log.append({"step": "aggregate", "parameters": plain_json(spec.aggregate),
                "summary": f"{len(agg.missing)} aggregate scores missing"})
    stages["aggregated"] = agg.scores
    return IndexResult(
        scores=agg.scores, ranks=agg.ranks, stages=stages, log=log, weights=agg.weights,
        spec=spec, meta=meta, details=details,
    )


class IndexEvaluator:
    """Fast repeated evaluation of one build with varying treatment, normalisation, weights and
    aggregation methods (the entry point for uncertainty and sensitivity analysis).

    The steps before treatment (denominate, impute, screen) are run once. Treated+normalised
    matrices are cached per distinct (treat, normalise) spec; aggregation is
    :meth:`methods.index.aggregate.AggregationPlan.evaluate` (a few matrix products).

    Examples
    --------
    >>> ev = IndexEvaluator(data, meta, spec)                     # doctest: +SKIP
    >>> x = ev.normalised(treat={"winmax": 3})                    # doctest: +SKIP
    >>> w = ev.base_weights * rng.uniform(0.75, 1.25, ev.base_weights.size)  # doctest: +SKIP
    >>> s = ev.scores(x, w, methods={"Index": "geometric"})       # doctest: +SKIP
    >>> s[:, ev.codes.index("Index")]                             # doctest: +SKIP
    """

    def __init__(
        self,
        data: pd.DataFrame,
        meta: pd.DataFrame,
        spec: IndexSpec | Mapping[str, Any] | None = None,
        *,
        weights: Mapping[str, float] | pd.Series | None = None,
        unit_col: str | None = None,
    ) -> None:
        self.spec = IndexSpec.from_dict(spec) if not isinstance(spec, IndexSpec) else spec
        self.meta = as_meta(meta)
        stages, _, _, _ = _prepare(data, self.meta, self.spec, unit_col)
        self.screened = stages["screened"]
        self._cache: dict[str, np.ndarray] = {}
        base = self.normalised()
        w = _resolve_weights(self.spec, self.meta,
                             pd.DataFrame(base, index=self.units, columns=self.indicators), weights)
        methods, self.dat_thresh, self.p = agg_options(self.spec)
        self.plan = AggregationPlan.from_meta(self.meta, methods, weights=w)

    @property
    def units(self) -> list[Any]:
        return list(self.screened.index)

    @property
    def indicators(self) -> list[str]:
        return list(self.screened.columns)

    @property
    def codes(self) -> list[str]:
        """Node codes of the columns returned by :meth:`scores`."""
        return list(self.plan.codes)

    @property
    def base_weights(self) -> np.ndarray:
        """The spec's node weights in :attr:`codes` order (a copy)."""
        return self.plan.weights.copy()

    def normalised(
        self, treat: Mapping[str, Any] | None = None, normalise: Mapping[str, Any] | None = None
    ) -> np.ndarray:
        """Treated and normalised indicator matrix (units x indicators), cached.

        ``treat``/``normalise`` update the spec's sections (``{"winmax": 2}``,
        ``{"method": "zscore"}``); pass ``{"method": "none"}`` to skip treatment.
        """
        t = None if self.spec.treat is None and treat is None else {
            **(self.spec.treat or {}), **(treat or {})}
        n = {**self.spec.normalise, **(normalise or {})}
        if normalise and "method" in normalise and normalise["method"] != self.spec.normalise.get(
                "method"):
            n = dict(normalise)
        key = json.dumps([plain_json(t), plain_json(n)], sort_keys=True)
        if key not in self._cache:
            if (t is None or t.get("method") == "none") and vectorisable(n):
                d = np.array([hierarchy_from_meta(self.meta).direction[c]
                              for c in self.indicators], dtype=float)
                kw = {k: v for k, v in n.items() if k != "method"}
                self._cache[key] = normalise_array(self.screened.to_numpy(), d,
                                                   n.get("method", "minmax"), **kw)
            else:
                _, x, _, _ = _treat_normalise(self.screened, self.meta, t, n)
                self._cache[key] = x.to_numpy()
        return self._cache[key]

    def scores(
        self,
        x: np.ndarray | None = None,
        weights: np.ndarray | None = None,
        *,
        methods: Mapping[str, str] | None = None,
        check: bool = True,
    ) -> np.ndarray:
        """Scores (units x :attr:`codes`) of a normalised matrix with a weight vector (in
        :attr:`codes` order; rescaled within groups) and optional per-node methods."""
        return self.plan.evaluate(
            self.normalised() if x is None else x, weights, methods=methods,
            dat_thresh=self.dat_thresh, p=self.p, check=check,
        )

    def ranks(self, scores: np.ndarray) -> np.ndarray:
        """Ranks (1 = best, ties "min") of each column of ``scores``."""
        return rank_desc(pd.DataFrame(scores)).to_numpy()


def build_years(
    panel: pd.DataFrame,
    meta: pd.DataFrame,
    spec: IndexSpec | Mapping[str, Any] | None = None,
    *,
    year_col: str = "year",
    unit_col: str = "unit_id",
    goalposts: Mapping[str, tuple[float, float]] | None = None,
    weights: Mapping[str, float] | pd.Series | None = None,
) -> dict[Any, IndexResult]:
    """Build the index for every year of a panel on **fixed goalposts**, so scores compare across
    years (DESI style).

    The spec's normalisation is replaced by ``goalposts`` (per indicator (low, high) in the
    indicator's units); by default the goalposts are the minimum and maximum of each indicator
    over all years of the panel after the spec's denominate/impute steps. Treatment is dropped
    (the clipping of goalposts bounds outliers and a per-year treatment would move the anchors).
    A min-max normalisation's ``range`` (e.g. [1, 100] under a geometric mean) is kept: the
    goalposts map onto it; a build normalised on goalposts keeps its own (and their range). Pass the headline build's ``weights`` so that data-driven weights are
    not derived again year by year.
    """
    spec = IndexSpec.from_dict(spec) if not isinstance(spec, IndexSpec) else spec
    if year_col not in panel.columns:
        raise MethodError(f"build_years: panel has no column {year_col!r}")
    hier = hierarchy_from_meta(meta)
    inds = list(hier.indicators)
    base = spec.with_changes(normalise={"method": "none"})
    base = IndexSpec.from_dict({**base.to_dict(), "treat": None})
    years = sorted(pd.unique(panel[year_col]))
    own = dict(spec.normalise)
    if goalposts is None and own.get("method") == "goalposts":  # the build's own anchors
        goalposts = {str(k): (float(v[0]), float(v[1])) for k, v in own["goalposts"].items()}
    if goalposts is None:
        pooled = []
        for y in years:
            sub = panel[panel[year_col] == y].drop(columns=[year_col])
            st, _, _, _ = _prepare(sub, as_meta(meta), base, unit_col)
            pooled.append(st["screened"])
        allv = pd.concat(pooled)
        goalposts = {}
        for c in inds:
            lo, hi = allv[c].min(), allv[c].max()
            if pd.isna(lo) or lo == hi:
                raise MethodError(f"build_years: indicator {c!r} has no range over the panel")
            goalposts[c] = (float(lo), float(hi))
    norm: dict[str, Any] = {"method": "goalposts",
                            "goalposts": {k: list(v) for k, v in goalposts.items()}}
    if own.get("method") == "goalposts":
        norm.update({k: own[k] for k in ("range", "scale", "clip") if k in own})
    elif own.get("method", "minmax") == "minmax" and "range" in own:
        norm["range"] = [float(v) for v in own["range"]]
    else:
        norm["scale"] = own.get("scale", 100)
    ys = IndexSpec.from_dict({**base.to_dict(), "normalise": norm})
    out = {}
    for y in years:
        sub = panel[panel[year_col] == y].drop(columns=[year_col])
        out[y] = build_index(sub, meta, ys, weights=weights, unit_col=unit_col)
    return out
