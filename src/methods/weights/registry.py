"""The weighting registry: every weighting method of a build, and what each needs.

Each entry's ``needs`` says where its weights come from:

- ``nominal``: the meta frame or given values (``expert``, ``equal``, ``values``);
- ``judgements``: pairwise-comparison matrices (``ahp``: crisp AHP by
  :func:`methods.weights.ahp_hierarchy`; ``fahp``: the same matrices as triangular fuzzy numbers,
  :func:`methods.weights.fahp.fuzzy_ahp_hierarchy`); compute them with :func:`judgement_weights` and pass
  them to :func:`methods.index.build_index` (``weights=``);
- ``data``: computed on the normalised data within the build (``entropy``, ``critic``, ``cv``,
  ``pca``, ``pca_coinr``, ``independence``), within each group of sibling indicators (``scope: group``) or over
  all indicators (``scope: all``), by :func:`methods.weights.data_weights`.

>>> WEIGHTING.names(needs="data")
('entropy', 'critic', 'pca', 'pca_coinr', 'cv', 'independence')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from methods._checks import numeric_frame
from methods._errors import MethodError
from methods._meta import hierarchy_from_meta
from methods.conventions import check_convention
from methods.registry import MethodInfo, Param, Registry
from methods.weights.core import (
    ahp_hierarchy,
    critic_weights,
    cv_weights,
    entropy_weights,
    equal_weights,
    expert_weights,
    pca_weights,
)
from methods.weights.fahp import fuzzy_ahp_hierarchy
from methods.weights.pca_coinr import pca_weights_coinr
from methods.weights.practice import independence_weights

__all__ = ["WEIGHTING", "data_weights", "judgement_weights", "nonnegative", "weights_for"]

_SCOPE = Param("scope", "group", "str", ("group", "all"),
               "within each group of sibling indicators, or over all indicators")
#: Independence weights regress each indicator on the others: within a sub-dimension of two or
#: three indicators there is nothing to regress on, so they are computed over all indicators.
_SCOPE_ALL = Param("scope", "all", "str", ("group", "all"),
                   "over all indicators (default), or within each group of sibling indicators")


def _w(name: str, needs: str, fn: Any, en: str, zh: str, long_en: str, long_zh: str,
       f_en: str, f_zh: str, params: tuple[Param, ...] = ()) -> MethodInfo:
    return MethodInfo(name, "weighting", function=fn, params=params, needs=needs,
                      label={"en": en, "zh": zh}, label_long={"en": long_en, "zh": long_zh},
                      formula={"en": f_en, "zh": f_zh})


#: The weighting methods (the only list of their names).
WEIGHTING = Registry("weighting", {"en": "weighting method", "zh": "赋权方法"}, [
    _w("expert", "nominal", expert_weights, "expert", "专家权重",
       "the meta frame's (expert) weights", "指标框架中的专家权重",
       "w = meta weight, rescaled within siblings", "w = 框架权重，同级内归一"),
    _w("equal", "nominal", equal_weights, "equal", "等权",
       "equal weights among siblings", "同级等权", "w = 1 / n_siblings", "w = 1 / 同级个数"),
    _w("values", "nominal", None, "given values", "给定权重", "weights given in the spec",
       "配置中给定的权重", "w = given, rescaled within siblings", "w = 给定值，同级内归一",
       (Param("values", None, "mapping", None, "{node: weight}"),)),
    _w("ahp", "judgements", ahp_hierarchy, "AHP", "层次分析法",
       "analytic hierarchy process (principal eigenvector of the pairwise matrices)",
       "层次分析法（判断矩阵主特征向量）", "A w = lambda_max w", "A w = λ_max w"),
    _w("fahp", "judgements", fuzzy_ahp_hierarchy, "fuzzy AHP", "模糊层次分析法",
       "fuzzy AHP: the same matrices as triangular fuzzy numbers (Buckley, centroid)",
       "模糊层次分析法：判断矩阵取三角模糊数（Buckley 几何平均，重心去模糊）",
       "w = defuzz((prod_j a_ij)^(1/n) / sum)", "w = 去模糊((Π_j a_ij)^{1/n} / Σ)"),
    _w("entropy", "data", entropy_weights, "entropy", "熵权法",
       "entropy weights (more dispersion, more weight)", "熵权法（离散程度越大权重越大）",
       "w_j ∝ 1 - E_j, E_j = -sum_i p_ij ln p_ij / ln n", "w_j ∝ 1 − E_j", (_SCOPE,)),
    _w("critic", "data", critic_weights, "CRITIC", "CRITIC 法",
       "CRITIC: contrast times conflict with the other indicators", "CRITIC 法：对比强度 × 冲突性",
       "w_j ∝ sd_j sum_k (1 - r_jk)", "w_j ∝ sd_j Σ_k (1 − r_jk)", (_SCOPE,)),
    _w("pca", "data", pca_weights, "PCA", "主成分分析法",
       "principal components (squared rotated loadings, OECD/JRC)",
       "主成分分析法（旋转载荷平方，OECD/JRC）", "w_j ∝ max_f loading_jf^2 share",
       "w_j ∝ 载荷平方占比", (_SCOPE,)),
    _w("pca_coinr", "data", pca_weights_coinr, "PCA (COINr)", "主成分分析法（COINr）",
       "first principal component's loadings within each group (COINr get_PCA); mixed signs refused",
       "组内第一主成分载荷（COINr get_PCA）；载荷符号不一致时拒绝", "w_j ∝ PC1 loading_j",
       "w_j ∝ 第一主成分载荷_j", (_SCOPE,)),
    _w("cv", "data", cv_weights, "coefficient of variation", "变异系数法",
       "coefficient of variation (information weights)", "变异系数法（信息量权重）",
       "w_j ∝ sd_j / mean_j", "w_j ∝ 标准差_j / 均值_j", (_SCOPE,)),
    _w("independence", "data", independence_weights, "independence", "独立性权重",
       "independence weights: 1 - R² of each indicator on the others",
       "独立性权重：1 − 各指标对其余指标回归的 R²", "w_j ∝ 1 - R_j^2", "w_j ∝ 1 − R_j²",
       (_SCOPE_ALL,)),
])


def judgement_weights(
    method: str,
    matrices: Mapping[tuple[str, str], pd.DataFrame] | Mapping[str, pd.DataFrame],
    meta: pd.DataFrame,
    **options: Any,
) -> pd.Series:
    """Node weights from pairwise judgements, in the shape ``build_index(..., weights=)`` takes.

    ``method`` is a ``judgements`` entry of :data:`WEIGHTING`: ``ahp``
    (:func:`methods.weights.ahp_hierarchy`, its first result) or ``fahp``
    (:func:`methods.weights.fahp.fuzzy_ahp_hierarchy`). ``matrices`` are ``{(expert, parent): matrix}``
    or ``{parent: matrix}``; ``options`` go to the function. Nodes without matrices keep their
    meta weights; every non-root node gets a weight (siblings sum to 1).

    >>> from methods.weights.registry import judgement_weights  # doctest: +SKIP
    >>> w = judgement_weights("fahp", run.ahp, run.meta)  # doctest: +SKIP
    >>> build_index(data, meta, {"weights": "fahp"}, weights=w)  # doctest: +SKIP
    """
    info = WEIGHTING.get(method, field="judgement_weights: method",
                         among=WEIGHTING.names(needs="judgements"))
    out = info.call(matrices, meta, **options)
    w = out[0] if isinstance(out, tuple) else out
    return pd.Series(w, dtype=float).rename("weight")


def weights_for(
    spec_weights: str | Mapping[str, Any],
    meta: pd.DataFrame,
    normalised: pd.DataFrame,
    given: Mapping[str, float] | pd.Series | None = None,
    *,
    field: str = "build.weights",
) -> pd.Series:
    """The node weights of a build's ``weights`` section (a name, ``{method, scope}`` or
    ``{values}``) before any override: nominal from the meta frame or the values, data-driven
    from ``normalised``; judgement methods need ``given`` (a MethodError says how to get them)."""
    w = spec_weights
    name = w if isinstance(w, str) else ("values" if "values" in w else w.get("method"))
    info = WEIGHTING.get(name, field=field)
    if info.needs == "judgements":
        if given is None:
            raise MethodError(
                f"{field}={info.name!r} needs the {info.text('label')} weights: pass weights="
                f"methods.weights.registry.judgement_weights({info.name!r}, matrices, meta)"
            )
        return expert_weights(meta).weights
    if info.name == "values":
        assert isinstance(w, Mapping)
        out = expert_weights(meta).weights.copy()
        vals = pd.Series(w["values"], dtype=float)
        unknown = [c for c in vals.index if c not in out.index]
        if unknown:
            raise MethodError(f"{field}.values: unknown node(s) {unknown}")
        out.update(vals)
        return out
    if info.needs == "nominal":
        return info.call(meta).weights
    default = info.defaults().get("scope", "group")
    scope = w.get("scope", default) if isinstance(w, Mapping) else default
    convention = str(w.get("convention", "dgpe")) if isinstance(w, Mapping) else "dgpe"
    if convention == "spssau":  # SPSSAU shifts columns with values <= 0 instead of rescaling them
        return data_weights(normalised, meta, info.name, scope=str(scope), convention=convention)
    return data_weights(nonnegative(normalised), meta, info.name, scope=str(scope))


def nonnegative(x: pd.DataFrame) -> pd.DataFrame:
    """The data data-driven weights are computed on: ``x`` itself when no value is negative,
    else each column min-max rescaled to [0, 1] (for z-scores: the same as min-max of the
    treated data, since both are affine in it, so the weights do not depend on the normalisation
    chosen for the index).

    >>> nonnegative(pd.DataFrame({"a": [-1.0, 0.0, 1.0]}))["a"].tolist()
    [0.0, 0.5, 1.0]
    """
    if not (x.to_numpy(dtype=float) < 0).any():
        return x
    lo, hi = x.min(), x.max()
    return (x - lo) / (hi - lo).where(hi > lo, 1.0)


def data_weights(
    x: pd.DataFrame,
    meta: pd.DataFrame,
    method: str = "entropy",
    *,
    scope: str = "group",
    convention: str = "dgpe",
) -> pd.Series:
    """Indicator weights from data for a hierarchy.

    Methods: ``entropy``, ``critic``, ``cv`` (coefficient of variation, the information weights
    信息量权重 of :func:`methods.weights.practice.information_weights`; pass raw ratio-scale data),
    ``pca`` and ``independence`` (1 − R² of each indicator on the others,
    :func:`methods.weights.practice.independence_weights`; needs at least 3 indicators per set, so use
    ``scope="all"`` where sub-dimensions are small).

    ``scope="group"`` computes the weights within each set of sibling indicators (CRITIC's
    correlations and PCA's factors are then those within a sub-dimension); ``"all"`` computes them
    over all indicators at once. Nodes above the indicators keep their meta weights. The result
    covers every non-root node and sums to 1 within each group of siblings.

    ``convention="spssau"`` (entropy only) applies SPSSAU's non-negative shift
    (:func:`methods.weights.entropy_weights`); the build spec sets it with
    ``weights: {method: entropy, convention: spssau}``.
    """
    call = WEIGHTING.get(method, field="data_weights: method",
                         among=WEIGHTING.names(needs="data")).call
    if check_convention(convention, "data_weights: convention") == "spssau" and method != "entropy":
        raise MethodError(f"data_weights: convention='spssau' applies to entropy only, not {method!r}")

    def fn(v: pd.DataFrame) -> Any:
        return call(v, convention=convention) if convention == "spssau" else call(v)

    if scope not in ("group", "all"):
        raise MethodError(f"data_weights: scope={scope!r}; expected 'group' or 'all'")
    hier = hierarchy_from_meta(meta)
    vals = numeric_frame(x, name="x", columns=hier.indicators)
    w = dict(hier.weight)
    if scope == "all":
        w.update(fn(vals).weights.to_dict())
    else:
        for kids in hier.children.values():
            inds = [k for k in kids if hier.level[k] == 1]
            if not inds:
                continue
            if len(inds) == 1:
                w[inds[0]] = 1.0
                continue
            w.update(fn(vals[inds]).weights.to_dict())
    gw = hier.group_weights(w)
    return pd.Series(gw)[[c for c in hier.codes if c not in hier.roots]]
