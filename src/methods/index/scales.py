"""Score scales of a build, from the registries and the spec (never guessed from the values),
and the compatibility check of a spec's steps (e.g. a geometric mean over min-max [0, 100]
scores, which contain 0), run before the build.

:func:`node_scales` gives the :class:`methods.registry.ScoreScale` of every node: indicators on
their normalisation's scale; a mean (``keeps_scale``) on the hull of its children's scales; a
joint method (TOPSIS, Copeland) on its own scale. :func:`compatibility_problems` lists, with the
spec field to change, each aggregation whose input domain (``positive``, ``nonnegative``) the
scale of its children does not satisfy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from methods._meta import hierarchy_from_meta
from methods.index.aggregation_kernels import AGGREGATION, canonical_method
from methods.index.normalisation_kernels import NORMALISATION
from methods.registry import ScoreScale

__all__ = ["SpecProblem", "compatibility_problems", "hull", "node_scales",
           "normalisation_scale"]


@dataclass(frozen=True)
class SpecProblem:
    """One incompatibility of a spec: the ``field`` to change and what is wrong."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def hull(scales: Sequence[ScoreScale]) -> ScoreScale:
    """The smallest scale containing every one of ``scales`` (a mean of scores on them lies in
    it)."""
    lows = [s.low for s in scales]
    highs = [s.high for s in scales]
    low = None if any(v is None for v in lows) else min(lows)  # type: ignore[type-var]
    high = None if any(v is None for v in highs) else max(highs)  # type: ignore[type-var]
    centres = {s.centre for s in scales}
    kinds = {s.kind for s in scales}
    return ScoreScale(low, high, all(s.bounded for s in scales), max(s.decimals for s in scales),
                      centres.pop() if len(centres) == 1 else None,
                      kinds.pop() if len(kinds) == 1 else "score")


def _norm_params(section: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    sec = {k: v for k, v in section.items() if k != "overrides"}
    m = str(sec.pop("method", "minmax"))
    return {"target": "distance_target"}.get(m, m), sec


def normalisation_scale(section: Mapping[str, Any], indicator: str | None = None
                        ) -> ScoreScale:
    """The scale of a normalise section's scores (of ``indicator``, if it has an override)."""
    m, prm = _norm_params(section)
    ov = section.get("overrides") or {}
    if indicator is not None and indicator in ov:
        o = dict(ov[indicator])
        m = str(o.pop("method", m))
        prm = {**prm, **o}
    scale = NORMALISATION.get(m, field="build.normalise.method").score_scale(prm)
    assert scale is not None
    return scale


def _agg_methods(aggregate: Mapping[str, Any]) -> tuple[dict[str, str], float]:
    methods = {str(k): str(v) for k, v in aggregate.items() if k not in ("dat_thresh", "p")}
    return methods, float(aggregate.get("p", 1.0))


def _method_of(methods: Mapping[str, str], code: str, level: int) -> tuple[str, str]:
    """(method, the aggregate key that sets it) of node ``code``."""
    for key in (code, str(level), f"level_{level}"):
        if key in methods:
            return methods[key], key
    return methods.get("default", "arithmetic"), "default"


def node_scales(normalise: Mapping[str, Any], aggregate: Mapping[str, Any],
                meta: pd.DataFrame) -> dict[str, ScoreScale]:
    """The scale of every node's scores (indicators, then each level), from the normalise and
    aggregate sections and the hierarchy."""
    hier = hierarchy_from_meta(meta)
    methods, p = _agg_methods(aggregate)
    out: dict[str, ScoreScale] = {c: normalisation_scale(normalise, c) for c in hier.indicators}
    for c in hier.codes:
        if c in out:
            continue
        m, _ = _method_of(methods, c, hier.level[c])
        info = AGGREGATION.get(canonical_method(m, p))
        kids = [out[k] for k in hier.children[c]]
        out[c] = hull(kids) if info.keeps_scale or info.scale is None else info.score_scale(
            {"p": p}) or hull(kids)
    return out


def _describe(scale: ScoreScale) -> str:
    lo = "-inf" if scale.low is None else f"{scale.low:g}"
    hi = "inf" if scale.high is None else f"{scale.high:g}"
    return f"[{lo}, {hi}]" if scale.bounded or scale.low is not None else "unbounded"


def compatibility_problems(normalise: Mapping[str, Any], aggregate: Mapping[str, Any],
                           meta: pd.DataFrame | None = None) -> list[SpecProblem]:
    """Aggregations whose children's scale lies outside their input domain, before any run.

    With ``meta`` each node is checked on its children's scales; without it each aggregation
    named in the spec is checked against the normalisation's scale (the scale of the
    indicators it may aggregate)."""
    methods, p = _agg_methods(aggregate)
    problems: list[SpecProblem] = []
    if meta is None:
        base = hull([normalisation_scale(normalise, c) for c in
                     [None, *dict(normalise.get("overrides") or {})]])
        for key, m in methods.items():
            prob = _problem(f"build.aggregate.{key}", m, p, base, "build.normalise")
            if prob is not None:
                problems.append(prob)
        return problems
    hier = hierarchy_from_meta(meta)
    scales = node_scales(normalise, aggregate, meta)
    seen: set[str] = set()
    for c in hier.aggregates:
        m, key = _method_of(methods, c, hier.level[c])
        kids = hier.children[c]
        below = hull([scales[k] for k in kids])
        src = "build.normalise" if all(hier.level[k] == 1 for k in kids) else (
            f"the scores of {list(kids)}")
        prob = _problem(f"build.aggregate.{key}", m, p, below, src, node=c)
        if prob is None:
            leaves = all(hier.level[k] == 1 for k in kids)
            prob = _mixed("build.normalise" if leaves else f"build.aggregate.{key}", m, p,
                          [(k, scales[k]) for k in kids], c, leaves)
        if prob is not None and prob.message not in seen:
            seen.add(prob.message)
            problems.append(prob)
    return problems


def _mixed(field: str, method: str, p: float, kids: list[tuple[str, ScoreScale]],
           node: str, leaves: bool) -> SpecProblem | None:
    """A mean over children on different scales (e.g. a TOPSIS closeness in [0, 1] beside
    min-max scores in [0, 100]): its weights would not mean what they say."""
    info = AGGREGATION.get(canonical_method(method, p))
    if not info.keeps_scale:
        return None
    bounds = {(s.low, s.high, s.kind) for _, s in kids}
    if len(bounds) <= 1:
        return None
    desc = ", ".join(f"{k} {_describe(s)}" for k, s in kids)
    fix = ("normalise the indicators of a node onto one scale" if leaves
           else "aggregate sibling nodes with one kind of method")
    return SpecProblem(field, (
        f"{method!r} at node {node!r} averages children on different scales ({desc}); their "
        f"weights would not mean what they say: {fix}"))


def _problem(field: str, method: str, p: float, scale: ScoreScale, source: str,
             node: str | None = None) -> SpecProblem | None:
    info = AGGREGATION.get(canonical_method(method, p))
    domain = info.input_domain({"p": p})
    if scale.satisfies(domain):
        return None
    at = f" at node {node!r}" if node else ""
    return SpecProblem(field, (
        f"{method!r}{at} needs {domain} values, but {source} gives scores on "
        f"{_describe(scale)}; use a scale that is {domain} (e.g. normalise: {{method: minmax, "
        "range: [1, 100]}) or an arithmetic mean"))
