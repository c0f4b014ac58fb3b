r"""The aggregation formulas, vectorised over samples, and the aggregation registry.

One implementation of each formula, shared by :meth:`methods.index.aggregate.AggregationPlan.evaluate`
(one build: one sample) and the sensitivity engine (:func:`methods._sa_engine.aggregate_batch`,
S samples at once). Quasi-arithmetic means are given by their generator :math:`f` and the
finishing step :math:`f^{-1}(\mathrm{num}/\mathrm{den})` (the callers form the weighted sums by
matrix products); joint methods (TOPSIS, Copeland) by a node function on children values
(samples x units x children). Missing children, ``dat_thresh`` and children weighted 0 are
handled alike by both callers.

A new aggregation is one function (or a transform/finish pair) plus one
``AGGREGATION.register(MethodInfo(...))``: :class:`methods.index.IndexSpec` accepts it and the
sensitivity engine varies it with no further code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from methods._errors import MethodError
from methods.registry import AggregationKernel, MethodInfo, Param, Registry, ScoreScale

__all__ = [
    "AGGREGATION",
    "canonical_method",
    "copeland_node",
    "kernel_of",
    "mean_apply",
    "node_function",
    "topsis_node",
]


# --------------------------------------------------------------------------- the means


def _identity(x: np.ndarray, p: float) -> np.ndarray:
    return x


def _ratio(num: np.ndarray, den: np.ndarray, p: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return num / den


def _log(x: np.ndarray, p: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x)


def _exp_ratio(num: np.ndarray, den: np.ndarray, p: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.exp(num / den)


def _reciprocal(x: np.ndarray, p: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1.0 / x


def _harmonic_finish(num: np.ndarray, den: np.ndarray, p: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return den / num


def _power(x: np.ndarray, p: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return x**p


def _power_finish(num: np.ndarray, den: np.ndarray, p: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return (num / den) ** (1.0 / p)


def _generalised_same_as(p: float) -> str | None:
    return "arithmetic" if p == 1 else "geometric" if p == 0 else None


def _generalised_domain(params: Mapping[str, Any]) -> str:
    p = float(params.get("p", 1.0))
    return "any" if p == 1 else "positive" if p <= 0 else "nonnegative"


def mean_apply(kernel: AggregationKernel, v: np.ndarray, w: np.ndarray, p: float = 1.0
               ) -> np.ndarray:
    r"""A quasi-arithmetic mean of children values ``v`` (S x units x k) with weights ``w``
    (S x k), reweighted over the observed children: :math:`f^{-1}(\sum_c w_c f(v_c) / \sum_c
    w_c)`, the sums over the children observed for the unit; NaN where none is observed."""
    av = ~np.isnan(v)
    t = np.where(av, kernel.transform(np.where(av, v, 1.0), p), 0.0)  # type: ignore[misc]
    num = np.einsum("suk,sk->su", t, w)
    den = np.einsum("suk,sk->su", av.astype(float), w)
    out = kernel.finish(num, den, p)  # type: ignore[misc]
    return np.where(den > 0, out, np.nan)


# ------------------------------------------------------------------------- joint methods


def topsis_node(v: np.ndarray, w: np.ndarray, p: float = 1.0) -> np.ndarray:
    """TOPSIS closeness (S x units) of children values ``v`` (S x units x k) with weights ``w``
    (S x k), per sample as :func:`methods.index.aggregate.topsis` (vector normalisation, benefit
    criteria): a unit with a missing child is left out (NaN) and the column norms use the other
    units; a child whose norm is 0 makes the node missing for that sample. Children weighted 0
    in a sample take no part."""
    act = w > 0  # S x k
    ok = ~(np.isnan(v) & act[:, None, :]).any(axis=2)
    vz = np.where(ok[..., None] & act[:, None, :], v, 0.0)
    norm = np.sqrt(np.sum(vz**2, axis=1))  # S x k
    zero = ((norm == 0) & act).any(axis=1) | ~ok.any(axis=1)
    wn = w / w.sum(axis=1, keepdims=True)
    r = vz / np.where(norm == 0, 1.0, norm)[:, None, :] * wn[:, None, :]
    ideal = np.where(ok[..., None], r, -np.inf).max(axis=1)
    anti = np.where(ok[..., None], r, np.inf).min(axis=1)
    ideal = np.where(np.isfinite(ideal), ideal, 0.0)
    anti = np.where(np.isfinite(anti), anti, 0.0)
    dp = np.sqrt(np.sum((r - ideal[:, None, :]) ** 2, axis=2))
    dm = np.sqrt(np.sum((r - anti[:, None, :]) ** 2, axis=2))
    tot = dp + dm
    c = np.divide(dm, tot, out=np.full_like(dm, 0.5), where=tot > 0)
    c = np.where(ok, c, np.nan)
    c[zero] = np.nan
    return c


def copeland_node(v: np.ndarray, w: np.ndarray, p: float = 1.0) -> np.ndarray:
    """Copeland scores (S x units) of children values ``v`` (S x units x k) with weights ``w``
    (S x k), per sample as :func:`methods.index.aggregate.copeland`: each pair compared on the children
    both have (their weights rescaled), no common child a tie, shares within 1e-12 of 1/2 ties.
    Samples are processed in chunks so that the S x units x units arrays stay near 32 MB."""
    s, nu, k = v.shape
    out = np.empty((s, nu))
    step = max(1, int(4e6 // (nu * nu)))
    eye = np.eye(nu, dtype=bool)
    for a in range(0, s, step):
        vv, ww = v[a:a + step], w[a:a + step]
        num = np.zeros((vv.shape[0], nu, nu))
        den = np.zeros_like(num)
        for j in range(k):
            col = vv[:, :, j]
            av = ~np.isnan(col)
            both = av[:, :, None] & av[:, None, :]
            diff = col[:, :, None] - col[:, None, :]
            score = np.where(diff > 0, 1.0, np.where(diff == 0, 0.5, 0.0))
            wj = ww[:, j][:, None, None]
            num += np.where(both, wj * score, 0.0)
            den += np.where(both, wj, 0.0)
        e = np.divide(num, den, out=np.full_like(num, 0.5), where=den > 0)
        e[:, eye] = 0.5
        tol = 1e-12
        out[a:a + step] = np.sum(e > 0.5 + tol, axis=2) - np.sum(e < 0.5 - tol, axis=2)
    return out


# --------------------------------------------------------------------------- the registry

_P = Param("p", 1.0, "float", None, "exponent of the generalised mean")

#: The aggregation methods (the only list of their names).
AGGREGATION = Registry("aggregation", {"en": "aggregation method", "zh": "汇总方法"}, [
    MethodInfo(
        "arithmetic", "aggregation",
        kernel=AggregationKernel(_identity, _ratio, chain=True),
        label={"en": "arithmetic mean", "zh": "加权算术平均"},
        label_long={"en": "weighted arithmetic mean (fully compensatory)",
                    "zh": "加权算术平均（完全补偿）"},
        formula={"en": "sum_c w_c x_c", "zh": "Σ w_c x_c"}),
    MethodInfo(
        "geometric", "aggregation", requires="positive",
        kernel=AggregationKernel(_log, _exp_ratio, chain=True),
        label={"en": "geometric mean", "zh": "加权几何平均"},
        label_long={"en": "weighted geometric mean (partly compensatory; needs x > 0)",
                    "zh": "加权几何平均（部分补偿；要求 x > 0）"},
        formula={"en": "prod_c x_c^w_c", "zh": "Π x_c^{w_c}"}),
    MethodInfo(
        "harmonic", "aggregation", requires="positive",
        kernel=AggregationKernel(_reciprocal, _harmonic_finish),
        label={"en": "harmonic mean", "zh": "加权调和平均"},
        label_long={"en": "weighted harmonic mean (least compensatory mean; needs x > 0)",
                    "zh": "加权调和平均（补偿性最弱；要求 x > 0）"},
        formula={"en": "1 / sum_c (w_c / x_c)", "zh": "1 / Σ (w_c / x_c)"}),
    MethodInfo(
        "generalised", "aggregation", params=(_P,), requires=_generalised_domain,
        kernel=AggregationKernel(_power, _power_finish, same_as=_generalised_same_as),
        label={"en": "generalised mean", "zh": "广义平均"},
        label_long={"en": "weighted generalised (power) mean of order p",
                    "zh": "p 阶加权广义（幂）平均"},
        formula={"en": "(sum_c w_c x_c^p)^(1/p)", "zh": "(Σ w_c x_c^p)^{1/p}"}),
    MethodInfo(
        "topsis", "aggregation", keeps_scale=False,
        scale=ScoreScale(0.0, 1.0, True, 3, kind="closeness"),
        function=topsis_node, kernel=AggregationKernel(node=topsis_node),
        label={"en": "TOPSIS", "zh": "TOPSIS"},
        label_long={"en": "TOPSIS relative closeness to the ideal (units ranked jointly)",
                    "zh": "TOPSIS 与理想解的相对贴近度（各单位联合排序）"},
        formula={"en": "C = D- / (D+ + D-), weighted vector-normalised children",
                 "zh": "C = D⁻ / (D⁺ + D⁻)，子项向量归一化后加权"}),
    MethodInfo(
        "copeland", "aggregation", keeps_scale=False,
        scale=ScoreScale(None, None, False, 0, kind="count"),
        function=copeland_node, kernel=AggregationKernel(node=copeland_node),
        label={"en": "Copeland", "zh": "Copeland 排序"},
        label_long={"en": "Copeland's non-compensatory ranking (wins minus losses)",
                    "zh": "Copeland 非补偿排序（胜场减负场）"},
        formula={"en": "#{b: e_ab > 1/2} - #{b: e_ab < 1/2}, e_ab weight share where a beats b",
                 "zh": "#{b: e_ab > 1/2} − #{b: e_ab < 1/2}，e_ab 为 a 优于 b 的权重份额"}),
])


def canonical_method(name: str, p: float = 1.0) -> str:
    """The aggregation ``name`` equals for exponent ``p`` (``generalised`` at p = 1 is
    ``arithmetic``, at p = 0 ``geometric``), else ``name``."""
    k = AGGREGATION.get(name).kernel
    alias = k.same_as(p) if k is not None and k.same_as is not None else None
    return alias or name


def node_function(name: str, p: float = 1.0) -> Any:
    """A function ``(v, w) -> scores`` of aggregation ``name`` on children values ``v`` (S x
    units x k) and weights ``w`` (S x k): the joint node function, or the mean reweighted over
    observed children (:func:`mean_apply`)."""
    k = kernel_of(name, p)
    if k.node is not None:
        return lambda v, w: k.node(v, w, p)
    return lambda v, w: mean_apply(k, v, w, p)


def kernel_of(name: str, p: float = 1.0, *, field: str | None = None) -> AggregationKernel:
    """The kernel of aggregation ``name`` (after :func:`canonical_method`); an unknown name or a
    method without a kernel is a MethodError naming ``field``."""
    info = AGGREGATION.get(canonical_method(AGGREGATION.check(name, field=field), p))
    if info.kernel is None:
        raise MethodError(f"{field or 'aggregate'}: aggregation {name!r} has no vectorised kernel")
    return info.kernel
