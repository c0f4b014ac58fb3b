"""Weights (notebook 03): how much does the choice of weights matter?

The sections set the candidate weighting schemes side by side (:func:`schemes`: every method of the
weighting registry, :data:`methods.weights.WEIGHTING`),
check the consistency of the AHP judgements (when the run has AHP matrices), show how the schemes
shift the balance of input, output and outcome indicators (when the framework tags them), measure
how far apart the resulting rankings are from the ranking under the run's own weights
(``run.plan.weights_method`` with ``run.plan.weights_override``), and summarise the Delphi rounds
that selected the indicators (when the run has Delphi ratings; expert authority needs the experts
file). Data-driven schemes need non-negative data: they take the run's normalised data when these
are non-negative and a min-max rescaling of the treated data to [0, 1] otherwise (z-scores). A
scheme that cannot be computed on the data is a finding, not an error.

>>> from dgpe.session import open_run                           # doctest: +SKIP
>>> run = open_run("configs/default.yaml", notebook="03_weights")  # doctest: +SKIP
>>> cand = candidates(run)                                     # doctest: +SKIP
>>> rankings(run, cand.data["weights"]).get_result("min_spearman_vs_expert")  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from dgpe import plotting
from dgpe.catalogue import message_text
from dgpe.sections.base import Section, requires
from dgpe.sections.guard import guarded
from dgpe.tablefmt import column_label
from dgpe.text import Text
from methods import MethodError, MethodWarning
from methods import weights as wt
from methods.index import IndexEvaluator
from methods.index import diagnosis as dg
from methods.index.normalise import normalise
from methods.weights import WEIGHTING, judgement_weights
from methods.weights import delphi as dl
from methods.weights.fahp import fuzzy_ahp_consistency

__all__ = ["schemes", "ahp_consistency", "fahp_consistency", "candidates", "by_kind", "rankings", "delphi", "delphi_rule", "run_scheme"]

#: The build spec's name of a scheme → its name in the tables (the coefficient of variation is
#: the information weights, 信息量权重, of Chinese practice).
_ALIASES = {"cv": "information"}
_NOT_COMPARED = ("values", "pca_coinr")


def schemes() -> tuple[str, ...]:
    """The weighting schemes compared, in the weighting registry's order
    (:data:`methods.weights.WEIGHTING`; ``values`` is a run's own input, not a scheme;
    ``pca_coinr`` is opt-in through ``build.weights``: it refuses groups whose PC1 loadings have
    mixed signs, common enough that comparing it in every report would mostly show a refusal)."""
    return tuple(_ALIASES.get(n, n) for n in WEIGHTING.names() if n not in _NOT_COMPARED)


def _registry_name(scheme: str) -> str:
    return {v: k for k, v in _ALIASES.items()}.get(scheme, scheme)


def _th(run: Any, name: str) -> Any:
    return run.plan.threshold(f"weights.{name}")


def run_scheme(run: Any) -> str:
    """The name (in :func:`schemes` where it is one of them) of the scheme the run's index uses."""
    return _ALIASES.get(run.plan.weights_method, run.plan.weights_method)


def _ahp(run: Any) -> tuple[pd.Series, pd.DataFrame]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        return wt.ahp_hierarchy(run.ahp, run.meta, method="aij", threshold=_th(run, "cr_max"))


@guarded
def ahp_consistency(run: Any) -> Section:
    """Are the experts' pairwise judgements consistent? Saaty's CR = CI / RI of every expert's
    matrix and of the pooled (AIJ, geometric mean) matrices, against the catalogue's cut-off."""
    title = Text("AHP 判断矩阵的一致性", "Consistency of the AHP judgements")
    if not run.plan.has("ahp"):
        return Section.skip("weights.ahp", title, run.plan.why_not("ahp").key)
    sec = Section("weights.ahp", title)
    cr = _th(run, "cr_max")
    try:
        _, cons = _ahp(run)
    except MethodError as exc:
        return Section.skip("weights.ahp", title, "weights.scheme_failed", scheme="AHP", error=str(exc))
    per_expert = cons[cons["expert"] != "group"]
    group = cons[cons["expert"] == "group"]
    sec.table("ahp_cr", per_expert.pivot(index="expert", columns="node", values="cr").round(4),
              ("各专家判断矩阵的一致性比率 CR", "Consistency ratio CR of each expert's matrices"))
    sec.table("ahp_group", group.set_index("node").round(4), ("群组（AIJ）判断矩阵", "Group (AIJ) matrices"), show=0)
    n_bad = int((~per_expert["consistent"].astype(bool)).sum())
    sec.result("ahp_inconsistent_matrices", n_bad, ("CR ≥ 0.1 的判断矩阵数", "Matrices with CR ≥ 0.1"))
    pooled = "weights.ahp_pooled_consistent" if (group["cr"] < cr).all() else "weights.ahp_pooled_inconsistent"
    sec.finding("weights.ahp_consistency", level="warning" if n_bad else "info", n=len(per_expert), n_bad=n_bad,
                cr=cr, pooled=message_text(pooled, cr=cr))
    return sec


@guarded
def fahp_consistency(run: Any) -> Section:
    """Are the judgements behind the fuzzy AHP weights consistent? Saaty's CR of the middle
    matrix of every expert's fuzzified matrix (:func:`methods.weights.fahp.fuzzy_ahp_consistency`)
    and of the pooled one, with a finding naming the experts at or above the cut-off."""
    title = Text("模糊 AHP 判断矩阵的一致性", "Consistency of the fuzzy AHP judgements")
    if not run.plan.has("ahp"):
        return Section.skip("weights.fahp", title, run.plan.why_not("ahp").key)
    cr = _th(run, "cr_max")
    try:
        cons = fuzzy_ahp_consistency(run.ahp, threshold=cr)
    except MethodError as exc:
        return Section.skip("weights.fahp", title, "weights.scheme_failed", scheme="FAHP", error=str(exc))
    sec = Section("weights.fahp", title)
    per_expert = cons[cons["expert"] != "group"]
    sec.table("fahp_cr", per_expert.pivot(index="expert", columns="node", values="cr").round(4),
              ("各专家模糊判断矩阵（中间值矩阵）的一致性比率 CR",
               "Consistency ratio CR of each expert's fuzzy matrices (middle matrix)"))
    bad = per_expert[~per_expert["consistent"].astype(bool)]
    sec.result("fahp_inconsistent_matrices", len(bad), ("CR ≥ 0.1 的模糊判断矩阵数", "Fuzzy matrices with CR ≥ 0.1"))
    if len(bad):
        pairs = list(zip(bad["expert"], bad["node"], strict=True))
        experts = Text("、".join(f"{e}：{n}" for e, n in pairs), ", ".join(f"{e} / {n}" for e, n in pairs))
        sec.finding("weights.fahp_consistency", level="warning", n=len(per_expert), n_bad=len(bad),
                    cr=cr, experts=experts)
    else:
        sec.finding("weights.fahp_consistent", n=len(per_expert), cr=cr)
    return sec


def _weighting_data(run: Any) -> tuple[pd.DataFrame, bool]:
    """The data the data-driven schemes take and whether they were rescaled (see the module doc)."""
    stages = run.plan.index.stages
    x = stages["normalised"]
    if not (x < 0).any().any():
        return x, False
    return normalise(stages["treated"], "minmax", directions=run.meta, range=(0, 1)).data, True


def _scheme_weights(run: Any, scheme: str, x: pd.DataFrame) -> pd.Series:
    """One scheme's node weights, computed as its registry entry says: nominal ones from the
    framework, judgement ones from the AHP matrices, data-driven ones from ``x`` (the
    coefficient of variation from the treated values in their own units: a CV needs ratio-scale
    data) with the entry's default scope."""
    name = _registry_name(scheme)
    info = WEIGHTING.get(name)
    if info.needs == "nominal":
        return info.call(run.meta).weights
    if name == "ahp":
        return _ahp(run)[0]
    if info.needs == "judgements":
        return judgement_weights(name, run.ahp, run.meta)
    data = run.plan.index.stages["treated"] if name == "cv" else x
    return wt.data_weights(data, run.meta, name, scope=info.defaults().get("scope", "group"))


def _run_weights(run: Any) -> pd.Series:
    """The node weights of the run's own index (judgement weights as the plan resolved them)."""
    if run.plan.weights_override is not None:
        return run.plan.weights_override
    return run.plan.index.weights.drop(run.plan.index.index_code, errors="ignore")


@requires("index", "weights.candidates")
def candidates(run: Any) -> Section:
    """What weight does each dimension and indicator get under each scheme? Effective weights
    (products down the tree) of every scheme of :func:`schemes` the data allow, plus the run's own
    scheme. ``data["weights"]`` maps scheme → node weights for the later sections."""
    sec = Section("weights.candidates", Text("候选权重", "Candidate weights side by side"))
    x, rescaled = _weighting_data(run)
    if rescaled:
        sec.finding("weights.rescaled")
    own = run_scheme(run)
    weights: dict[str, pd.Series] = {}
    for name in schemes():
        if WEIGHTING.get(_registry_name(name)).needs == "judgements" and not run.plan.has("ahp"):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", MethodWarning)
                weights[name] = (_run_weights(run) if name == own and name not in ("expert", "equal")
                                 else _scheme_weights(run, name, x))
        except (MethodError, ValueError, ZeroDivisionError) as exc:  # e.g. a negative value (CV), too few units
            sec.finding("weights.scheme_failed", scheme=name, error=str(exc))
    if own not in weights:
        weights[own] = _run_weights(run)
    effective = pd.DataFrame({k: wt.effective_weights(run.meta, v) for k, v in weights.items()})
    dims = run.framework.children(run.plan.index.index_code)
    dim_table = effective.loc[dims]
    sec.table("weights_dimensions", dim_table.T.rename_axis("scheme").round(4),
              ("各方案下维度的有效权重", "Effective dimension weights under each scheme"), note=True)
    sec.table("weights_indicators", effective.loc[run.framework.indicator_codes].round(5),
              ("各方案下指标的有效权重", "Effective indicator weights under each scheme"), show=0)
    sec.figure("weights_dimensions", _dimension_figure(run, dim_table), ("维度权重：各方案比较", "Dimension weights by scheme"))
    sec.data["weights"] = weights
    return sec


def _dimension_figure(run: Any, dim_table: pd.DataFrame) -> Any:
    fig, ax = plt.subplots(figsize=(7, 4))
    shown = dim_table.rename(index=lambda c: f"{c} {run.label(c)}", columns=lambda k: column_label(k, run.lang))
    shown.rename_axis(index=None, columns=None).T.plot.bar(stacked=True, ax=ax)
    ax.set_ylabel(Text("有效权重", "effective weight")(run.lang))
    ax.set_title(Text("维度权重：各方案比较", "Dimension weights by scheme")(run.lang))
    ax.legend(fontsize=8, bbox_to_anchor=(1.02, 1), loc="upper left")
    fig.tight_layout()
    return fig


def _weights(run: Any, weights: dict[str, pd.Series] | None) -> dict[str, pd.Series]:
    return weights if weights is not None else candidates(run).data["weights"]


@requires("index", "weights.kinds")
def by_kind(run: Any, weights: dict[str, pd.Series] | None = None) -> Section:
    """How does each scheme balance input, output and outcome indicators? The weight share of each
    kind in the whole index (only when the framework tags its indicators by kind)."""
    title = Text("投入/产出/成效指标的权重占比", "Weight share by indicator kind")
    if not run.plan.has("kinds"):
        return Section.skip("weights.kinds", title, run.plan.why_not("kinds").key)
    sec = Section("weights.kinds", title)
    weights, root = _weights(run, weights), run.plan.index.index_code
    try:
        shares = pd.DataFrame({k: dg.weight_shares(run.meta, weights=v).loc[root].drop("level")
                               for k, v in weights.items()}).astype(float)
    except MethodError as exc:  # a framework without a kind on every indicator
        sec.finding("weights.kinds_failed", error=str(exc))
        return sec
    sec.table("weights_by_kind", shares.T.rename_axis("scheme").round(4),
              ("各方案下投入/产出/成效指标的权重占比", "Weight share of input, output and outcome indicators under each scheme"),
              note=True)
    own = run_scheme(run)
    if "outcome" in shares.index and own in shares.columns:
        out = shares.loc["outcome"]
        lo, hi = out.idxmin(), out.idxmax()
        if own == "expert":
            sec.finding("weights.outcome_share", low=out[lo], low_scheme=lo, high=out[hi], high_scheme=hi,
                        expert=out["expert"])
        else:  # the share under the weights the run's index uses
            sec.finding("weights.outcome_share_run", low=out[lo], low_scheme=lo, high=out[hi], high_scheme=hi,
                        own=out[own], scheme=own)
    return sec


@requires("index", "weights.rankings")
def rankings(run: Any, weights: dict[str, pd.Series] | None = None) -> Section:
    """How far apart are the rankings? The run's data aggregated as the run does with each
    scheme's weights; Spearman's rho between the rankings and each scheme's rank shifts against the
    ranking under the run's own weights."""
    sec = Section("weights.rankings", Text("排名差异", "How far apart are the rankings?"))
    weights, own, lang = _weights(run, weights), run_scheme(run), run.lang
    ev = IndexEvaluator(run.data, run.meta, run.plan.spec, weights=run.plan.weights_override)
    col = ev.codes.index(run.plan.index.index_code)
    scores = pd.DataFrame({k: pd.Series(ev.scores(weights=ev.plan.weight_vector(w))[:, col], index=ev.units)
                           for k, w in weights.items()})
    agree = dg.ranking_agreement(scores, reference=own)
    against = (("相对专家权重的名次变动", "Rank shifts against the expert weights") if own == "expert"
               else (f"相对本次运行权重（{own}）的名次变动", f"Rank shifts against the run's weights ({own})"))
    sec.table("rank_spearman", agree.spearman.round(4), ("各权重方案排名的 Spearman 相关", "Spearman correlation of the rankings"),
              note=True)
    sec.table("rank_shifts", agree.shifts.round(3), against)
    fig = plotting.correlation_heatmap(_labelled(agree.spearman, lang), title=Text("排名相关（Spearman）", "Rank correlation (Spearman)")(lang))
    sec.figure("rank_spearman", fig, ("排名相关", "Rank correlation"))
    worst = agree.shifts.drop(index=own)["max_abs_shift"].idxmax()
    rho_min = agree.spearman.loc[own].drop(own).min()
    sec.result("min_spearman_vs_expert" if own == "expert" else "min_spearman_vs_run", round(float(rho_min), 6),
               ("与专家权重排名的最低相关", "Lowest rank correlation with the expert ranking") if own == "expert"
               else ("与本次运行权重排名的最低相关", "Lowest rank correlation with the run's ranking"))
    matters = rho_min < _th(run, "rho_matters")
    reference = (message_text("weights.reference_expert") if own == "expert"
                 else message_text("weights.reference_run", scheme=own))
    sec.finding("weights.rank_agreement", level="warning" if matters else "info", reference=reference, rho=rho_min,
                worst=worst, shift=agree.shifts.loc[worst, "max_abs_shift"], kept=agree.shifts.loc[worst, "share_top10_kept"],
                verdict=message_text("weights.matters" if matters else "weights.matters_little"))
    return sec


def delphi_rule(run: Any) -> Any:
    """The Delphi retention rule of ``options.weights.delphi_rule`` (criteria ``mean``, ``cv``,
    ``full_score``) with the thresholds ``delphi_min_mean``, ``delphi_max_cv``,
    ``delphi_min_full_score``; the default keeps an indicator with mean ≥ 3.5 and CV ≤ 0.25."""
    rule = set(run.plan.setting("weights.delphi_rule"))
    return dl.RetentionRule(
        min_mean=_th(run, "delphi_min_mean") if "mean" in rule else None,
        max_cv=_th(run, "delphi_max_cv") if "cv" in rule else None,
        min_full_score_ratio=_th(run, "delphi_min_full_score") if "full_score" in rule else None,
    )


@guarded
def delphi(run: Any) -> Section:
    """Did the Delphi rounds converge on the indicators? Per round and indicator the mean importance,
    CV and full-score ratio; Kendall's W; expert authority Cr = (Ca + Cs) / 2 (with the experts
    file); the indicators each round's retention rule would drop."""
    title = Text("德尔菲轮次", "Delphi rounds")
    if not run.plan.has("delphi"):
        return Section.skip("weights.delphi", title, run.plan.why_not("delphi").key)
    sec = Section("weights.delphi", title)
    rule = delphi_rule(run)
    experts = run.experts if run.plan.has("experts") else None
    res = dl.delphi_rounds(run.delphi, experts=experts, rule=rule)
    dropped = pd.DataFrame({"round": list(res.dropped), "n_dropped": [len(v) for v in res.dropped.values()],
                            "dropped": [", ".join(v) for v in res.dropped.values()]}).set_index("round")
    sec.table("delphi_concordance", res.concordance.drop(columns="experts_excluded").round(4),
              ("各轮专家协调系数（Kendall's W）", "Kendall's W per round"))
    sec.table("delphi_stats", res.stats.set_index(["round", "indicator"]).round(4), ("各轮指标统计", "Indicator statistics per round"),
              show=0)
    sec.table("delphi_dropped", dropped, ("各轮按保留规则将删除的指标", "Indicators each round's rule would drop"), note=True)
    if res.authority is not None:
        sec.result("delphi_mean_authority", round(res.mean_authority, 6), ("专家平均权威系数 Cr", "Mean expert authority Cr"))
    last = max(res.dropped)
    w_last, p_last = float(res.concordance.loc[last, "w"]), float(res.concordance.loc[last, "p_value"])
    sec.result("delphi_w_last_round", round(w_last, 6), ("末轮 Kendall's W", "Kendall's W, last round"))
    params = dict(w=w_last, p=p_last, n=len(res.dropped[last]),
                  dropped=(Text("、".join(res.dropped[last]), ", ".join(res.dropped[last])) if res.dropped[last]
                           else message_text("weights.none")))
    level = "warning" if res.dropped[last] else "info"
    if res.authority is None:
        sec.finding("weights.delphi_last_round_no_experts", level=level, **params)
    else:
        cut = _th(run, "authority_min")
        authority = message_text("weights.authority_adequate" if res.mean_authority >= cut else "weights.authority_weak", cut=cut)
        sec.finding("weights.delphi_last_round", level=level, cr=res.mean_authority, authority=authority, **params)
    return sec


def _labelled(matrix: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A method-by-method matrix with the methods' names in ``lang`` (``entropy`` → 熵权法)."""
    return matrix.rename(index=lambda k: column_label(k, lang), columns=lambda k: column_label(k, lang))
