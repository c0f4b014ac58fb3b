"""Notebook 07's questions: do the evaluation methods of Chinese practice rank the units alike?

The sections rank the ranked year's units by the run's composite (:attr:`dgpe.plan.Plan.index`), the
same build with geometric means, grey relational analysis, entropy-weighted TOPSIS, the integer and
non-integer rank-sum ratio and the weighted-average fuzzy comprehensive evaluation; compare the
Chinese weighting methods with the nominal expert weights and (with AHP matrices) fuzzy AHP with
crisp group AHP; couple the input with the output and outcome indicators (with indicator kinds);
and evaluate the satisfaction survey by fuzzy statistics (with a survey).

The methods that grade values against fixed numbers (the fuzzy comment knots 30/50/70/90 on
0–100, the coupling subsystems on [0, 1]) need the indicators on a known bounded scale. They read
the index's own normalised indicators, mapped linearly from their scale
(:attr:`dgpe.plan.Plan.indicator_scale`: ``low``…``high`` → 0…100); when that scale is unbounded (z-scores,
ranks, no normalisation) or the values leave it, they work on a min-max 0–100 rescaling of the
treated indicators and the section says so. The scale is never guessed from the data's values.

>>> from dgpe.session import open_run
>>> run = open_run("configs/default.yaml", notebook="07_method_comparison")
>>> ranks = rankings(run)                     # in a notebook: run.show(rankings(run))
>>> ranks.get_result("min_spearman_with_jrc")
0.933746
>>> coupling(run, ranks).get_result("share_output_lagging")
0.12
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from dgpe import plotting
from dgpe.catalogue import message_text
from dgpe.plan import scale_label
from dgpe.sections.base import Section, requires
from dgpe.sections.guard import guarded
from dgpe.tablefmt import column_label
from dgpe.text import Text
from methods import MethodError
from methods import weights as wt
from methods.evaluation import coupling as cp
from methods.evaluation import fuzzy, grey, rsr
from methods.evaluation.comparison import compare_rankings
from methods.evaluation.coupling import coordination_band
from methods.evaluation.topsis import entropy_topsis
from methods.index.normalise import normalise
from methods.psychometrics import reliability
from methods.weights import fahp, practice

__all__ = ["Evaluation", "evaluate", "rankings", "grades", "indicator_weights", "fuzzy_ahp",
           "coupling", "survey_fuzzy"]

#: The comment set of the fuzzy evaluation of indicator values (labels as published: 差/中/良/优).
FUZZY_GRADES = ["差", "中", "良", "优"]
#: Their names in the report's language.
FUZZY_GRADE_NAMES = {"差": Text("差", "poor"), "中": Text("中", "fair"), "良": Text("良", "good"),
                     "优": Text("优", "excellent")}


@dataclass
class Evaluation:
    """The methods' results on one prepared matrix, shared by the sections of notebook 07.

    Attributes
    ----------
    indicators : the indicator codes of the built index (framework order)
    treated : units × indicators after the build's imputation and outlier treatment
    graded : units × indicators on 0–100 (the index's normalised values mapped from its scale,
        or a min-max rescaling of ``treated``; see :attr:`rescaled`)
    rescaled : None when ``graded`` maps the index's scale, else the catalogue key saying why not
    weights : effective indicator weights of the index (sum 1)
    variant : the second standard variant's column in ``scores`` (``""`` when its build failed)
    scores : units × method, each method's score (higher is better)
    """

    indicators: list[str]
    treated: pd.DataFrame
    graded: pd.DataFrame
    rescaled: str | None
    variant: str
    weights: pd.Series
    directions: pd.Series
    grey: Any
    entropy_topsis: Any
    rsr: Any
    rsr_integer: Any
    fuzzy: Any
    scores: pd.DataFrame


def graded_indicators(run: Any) -> tuple[pd.DataFrame, str | None]:
    r"""The index's indicators on 0–100 for the methods that grade against fixed values.

    On a bounded score scale :math:`[l, h]` the normalised indicators are mapped linearly,
    :math:`100\,(x - l)/(h - l)`; otherwise (an unbounded scale, or values outside the declared
    one) the treated indicators are min-max rescaled to [0, 100] by a variant build
    (``run.plan.build(normalise={"method": "minmax", "range": [0, 100]})``). Returns the frame and
    None, or the frame and the catalogue key of the finding that says it was rescaled.
    """
    res, scale = run.plan.index, run.plan.indicator_scale
    codes = [c for c in run.framework.indicator_codes if c in res.stages["normalised"].columns]
    if scale.bounded:
        x = res.stages["normalised"][codes]
        span = float(scale.high) - float(scale.low)
        slack = 1e-9 * span
        if bool(((x >= scale.low - slack) & (x <= scale.high + slack)).all().all()):
            return (x - float(scale.low)) * (100.0 / span), None
        reason = "comparison.rescaled_off_scale"
    else:
        reason = "comparison.rescaled_unbounded"
    variant = run.plan.build(normalise={"method": "minmax", "range": [0, 100], "overrides": {}})
    return variant.stages["normalised"][codes], reason


def index_indicator_weights(run: Any, codes: list[str]) -> pd.Series:
    """Effective weights of the indicators in the built index (products of the node weights)."""

    return wt.effective_weights(run.meta, run.plan.index.weights)[codes]


def reference_aggregation(run: Any) -> str:
    """The run's default aggregation (``"arithmetic"`` for the default build)."""
    agg = run.plan.spec.aggregate
    return str(agg.get("default", "arithmetic")) if isinstance(agg, dict) else str(agg)


def reference_and_variant(run: Any) -> tuple[str, str, Any]:
    """The names of the run's composite and of the second standard variant, and the variant built
    (``""`` and None when the data refuse the variant's build).

    The run's index is ``jrc_<its aggregation>``. Beside an arithmetic index the variant is the
    same build with geometric means on a min-max 1–100 scale (the geometric mean needs positive
    values); beside any other aggregation it is the same build with arithmetic means."""

    agg = reference_aggregation(run)
    try:
        if agg == "arithmetic":
            variant = run.plan.build(normalise={"method": "minmax", "range": [1, 100], "overrides": {}},
                                     aggregate={"default": "geometric"})
            return "jrc_arithmetic", "jrc_geometric", variant
        return f"jrc_{agg}", "jrc_arithmetic", run.plan.build(aggregate={"default": "arithmetic"})
    except (MethodError, ValueError, ZeroDivisionError):
        return f"jrc_{agg}", "", None


def aggregation_name(agg: str) -> Text:
    """An aggregation's name in both languages (as it reads before 合成 / composite)."""
    return {"arithmetic": Text("算术", "arithmetic"), "geometric": Text("几何", "geometric"),
            "harmonic": Text("调和", "harmonic"), "generalised": Text("广义均值", "generalised-mean"),
            "topsis": Text("TOPSIS ", "TOPSIS"), "copeland": Text("Copeland ", "Copeland")}.get(agg, Text(agg, agg))


def _grey_and_entropy_topsis(run: Any, treated: pd.DataFrame, w: pd.Series, directions: pd.Series
                             ) -> tuple[Any, Any]:
    """Grey relational evaluation and entropy-weighted TOPSIS under the run's ``convention``:
    the project's (orientation and min-max inside the methods) or SPSSAU's, on the oriented
    min-max data a SPSSAU user prepares first (数据处理 → 生成变量), since SPSSAU adds no
    normalisation of its own (see ``docs/methods-cn.md``)."""
    if run.plan.config.convention != "spssau":
        return (grey.grey_relational_evaluation(treated, weights=w, directions=directions),
                entropy_topsis(treated, directions=directions))
    z = normalise(treated, "minmax", directions=run.meta, range=(0, 1)).data
    return (grey.grey_relational_evaluation(z, weights=w, convention="spssau"),
            entropy_topsis(z, convention="spssau"))


def evaluate(run: Any) -> Evaluation:
    """Every method of the comparison on the index's prepared data (the build's treated matrix),
    with the index's effective indicator weights wherever a method takes weights."""

    res = run.plan.index
    codes = [c for c in run.framework.indicator_codes if c in res.stages["treated"].columns]
    treated = res.stages["treated"][codes]
    gaps = treated.isna().sum()
    if gaps.any():  # grey relations, TOPSIS, RSR and fuzzy grading need every cell
        raise IncompleteData(int(gaps.sum()), [str(c) for c in gaps[gaps > 0].index])
    directions = run.meta.set_index("code").loc[codes, "direction"]
    w = index_indicator_weights(run, codes)
    graded, rescaled = graded_indicators(run)
    knots = [float(k) for k in run.plan.threshold("comparison.fuzzy_knots")]
    gra, etopsis = _grey_and_entropy_topsis(run, treated, w, directions)
    rsr_res = rsr.rank_sum_ratio(treated, directions=directions, weights=w, method="non_integer", n_grades=3)
    rsr_int = rsr.rank_sum_ratio(treated, directions=directions, weights=w, method="integer")
    fce = fuzzy.fuzzy_evaluation(fuzzy.membership_from_values(graded, knots, FUZZY_GRADES), w,
                                 operator="weighted_average",
                                 grade_scores=dict(zip(FUZZY_GRADES, knots, strict=True)))
    reference, other, variant = reference_and_variant(run)
    root = res.index_code
    scores = pd.DataFrame({
        reference: res.scores[root],
        **({other: variant.scores[root]} if variant is not None else {}),
        "grey_relational": gra.grades,
        "entropy_topsis": etopsis.closeness,
        "rsr_integer": rsr_int.rsr,
        "rsr_non_integer": rsr_res.rsr,
        "fuzzy_score": fce.score,
    })
    return Evaluation(codes, treated, graded, rescaled, other, w, directions, gra, etopsis, rsr_res, rsr_int,
                      fce, scores)


class IncompleteData(Exception):
    """The build leaves cells missing (no imputation, or one that cannot fill them)."""

    def __init__(self, n: int, columns: list[str]) -> None:
        super().__init__(f"{n} missing value(s) in {columns[:5]}")
        self.n, self.columns = n, columns


def _skip_incomplete(name: str, title: Text, exc: IncompleteData) -> Section:
    return Section.skip(name, title, "comparison.skipped_incomplete", n=exc.n,
                        columns=", ".join(exc.columns[:5]) + (" …" if len(exc.columns) > 5 else ""))


def _evaluation(run: Any, base: Section | None) -> Evaluation:
    """The evaluation a previous section computed, else a new one (raises IncompleteData)."""
    if base is not None and isinstance(base.data.get("evaluation"), Evaluation):
        return base.data["evaluation"]
    return evaluate(run)


@requires("index", "comparison.rankings")
def rankings(run: Any) -> Section:
    """Do the methods rank the units alike? Rank correlations with the run's composite, the units
    whose rank moves most, and (when the indicators had to be rescaled) a note saying so."""

    sec = Section("comparison.rankings", Text("各评价方法的排名比较", "Rankings by the evaluation methods"))
    try:
        ev = evaluate(run)
    except IncompleteData as exc:
        return _skip_incomplete(sec.name, sec.title, exc)
    sec.data["evaluation"] = ev
    if ev.rescaled is not None:
        sec.finding(ev.rescaled, scale=scale_label(run.plan.indicator_scale))
    if not ev.variant:
        sec.finding("comparison.variant_refused")
    if run.plan.config.convention == "spssau":
        sec.finding("comparison.convention_spssau")
    reference = str(ev.scores.columns[0])
    agg = aggregation_name(reference_aggregation(run))
    cmp = compare_rankings(ev.scores, reference=reference)
    sec.table("rank_correlations", cmp.spearman.round(4),
              ("各方法排名的 Spearman 相关", "Spearman correlation of the methods' rankings"), note=True)
    agree = sec.table("agreement_with_jrc", cmp.to_frame().round(4),
                      message_text("comparison.agreement_title", agg=agg), note=True)
    sec.table("biggest_movers", cmp.movers.head(15).join(run.units[["unit_name"]]),
              ("排名随方法变化最大的单位", "Units whose rank moves most between methods"))
    title = Text("排名相关（Spearman）", "Rank correlation (Spearman)")
    labelled = cmp.spearman.rename(index=lambda k: column_label(k, run.lang), columns=lambda k: column_label(k, run.lang))
    fig = plotting.correlation_heatmap(labelled, title=title(run.lang))
    sec.figure("rank_correlation_heatmap", fig, ("排名相关", "Rank correlations"))
    low = float(cmp.to_frame()["spearman"].min())
    top = cmp.movers.iloc[0]
    sec.result("min_spearman_with_jrc", round(low, 6),
               ("与 JRC 合成最低的排名相关", "Lowest rank correlation with the JRC composite"))
    sec.result("max_rank_range", int(top["range"]), ("单个单位最大排名极差", "Largest rank range of a unit"))
    warn = low < run.plan.threshold("comparison.rank_agreement_warn")
    sec.finding("comparison.rank_agreement", level="warning" if warn else "info", min_rho=low, agg=agg,
                method=str(cmp.to_frame()["spearman"].idxmin()), unit=str(cmp.movers.index[0]),
                best=int(top["best_rank"]), worst=int(top["worst_rank"]))
    sec.data["agreement"] = agree
    return sec


@requires("index", "comparison.grades")
def grades(run: Any, base: Section | None = None) -> Section:
    """How do the RSR grades (probit regression) sit against the fuzzy maximum-membership verdicts?"""
    sec = Section("comparison.grades", Text("秩和比分档与模糊评语", "RSR grades and fuzzy verdicts"))
    try:
        ev = _evaluation(run, base)
    except IncompleteData as exc:
        return _skip_incomplete(sec.name, sec.title, exc)
    sec.table("rsr_regression", ev.rsr.summary().to_frame().round(6),
              ("RSR 概率单位回归与分档界值", "RSR probit regression and grade cut points"))
    verdicts = pd.Series(pd.Categorical(ev.fuzzy.verdict, categories=list(ev.fuzzy.b.columns), ordered=True),
                         index=ev.fuzzy.verdict.index, name="fuzzy_verdict")  # comments in their order
    cross = pd.crosstab(ev.rsr.grade.rename("rsr_grade"), verdicts, dropna=False)
    cross.columns = cross.columns.map(lambda g: FUZZY_GRADE_NAMES.get(g, Text(str(g), str(g)))(run.lang))
    sec.table("rsr_grade_vs_fuzzy_verdict", cross, ("RSR 分档与模糊评语交叉表", "RSR grade against fuzzy verdict"))
    sec.finding("comparison.rsr_fuzzy", r2=float(ev.rsr.r_squared), ties=int(ev.fuzzy.verdict_ties.sum()))
    return sec


@requires("index", "comparison.weights")
def indicator_weights(run: Any, base: Section | None = None) -> Section:
    """Information over judgement? Independence (1 − R²), information (CV) and entropy weights of
    the indicators against the framework's nominal expert weights."""

    sec = Section("comparison.weights", Text("权重方法比较", "Weighting methods compared"))
    try:
        ev = _evaluation(run, base)
    except IncompleteData as exc:
        return _skip_incomplete(sec.name, sec.title, exc)
    w_table = pd.DataFrame({"expert": wt.effective_weights(run.meta)[ev.indicators]})
    n_units, n_ind = ev.treated.shape
    if n_units > n_ind:  # 1 − R² regresses each indicator on all the others
        w_table["independence"] = practice.independence_weights(ev.treated).weights
    else:
        sec.finding("comparison.independence_few_units", level="info", units=n_units, indicators=n_ind)
    w_table["information"] = practice.information_weights(ev.treated).weights
    w_table["entropy"] = ev.entropy_topsis.weights
    sec.table("indicator_weights_cn", w_table.round(5),
              ("指标权重：专家、独立性、信息量、熵权", "Indicator weights: expert, independence, information, entropy"))
    return sec


@guarded
def fuzzy_ahp(run: Any) -> Section:
    """The index's dimension weights from the experts' AHP matrices: crisp group AHP against fuzzy
    AHP (Buckley's geometric mean and Chang's extent analysis)."""

    name, title = "comparison.fuzzy_ahp", Text("群组 AHP 与模糊 AHP", "Group AHP and fuzzy AHP")
    if not run.plan.has("ahp"):
        return Section(name, title, skipped=run.plan.why_not("ahp"))
    root = run.plan.index.index_code if run.plan.has("index") else run.framework.root.code  # AHP needs no index
    mats = {e: m for (e, node), m in run.ahp.items() if node == root}
    if not mats:
        return Section.skip(name, title, "comparison.skipped_no_top_matrices", index=run.name(root))
    sec = Section(name, title)
    tfn = fahp.aggregate_tfn([fahp.tfn_from_crisp(m) for m in mats.values()])
    table = pd.DataFrame({
        "ahp_group": wt.ahp_group(mats).weights,
        "fahp_geometric_mean": fahp.fuzzy_ahp(tfn, method="geometric_mean").weights,
        "fahp_extent": fahp.fuzzy_ahp(tfn, method="extent").weights,
    })
    sec.table("dimension_weights_fahp", table.round(5),
              ("维度权重：群组 AHP 与模糊 AHP", "Dimension weights: group AHP and fuzzy AHP"))
    return sec


@requires("index", "comparison.coupling")
def coupling(run: Any, base: Section | None = None) -> Section:
    """Are inputs matched by outputs and outcomes (重投入轻产出)? The coupling coordination
    (Wang et al. 2021 corrected C) of the input against the output and outcome indicators, each side
    the weighted mean of its indicators on 0–100 divided by 100; a unit whose output side is below
    ``1 − comparison.lag_tolerance`` of its input side lags on outputs."""

    name, title = "comparison.coupling", Text("投入与产出的耦合协调", "Coupling of inputs and outputs")
    if not run.plan.has("kinds"):
        return Section(name, title, skipped=run.plan.why_not("kinds"))
    try:
        ev = _evaluation(run, base)
    except IncompleteData as exc:
        return _skip_incomplete(name, title, exc)
    kinds = run.meta.set_index("code")["kind"]
    sides = cp.kind_subsystems(ev.graded, kinds, ev.weights, scale=100.0)
    side_name = {"input": Text("投入", "inputs"), "output": Text("产出与成效", "outputs and outcomes")}
    if sides.scores is None:
        return Section.skip(name, title, "comparison.skipped_missing_kind", kinds=[side_name[k] for k in sides.empty])
    u = sides.scores
    undefined = list(u.index[u.isna().any(axis=1) | (u == 0).all(axis=1)])
    if undefined:
        return Section.skip(name, title, "comparison.skipped_coupling_undefined", n=len(undefined),
                            units=", ".join(map(str, undefined[:5])))
    sec = Section(name, title)
    tol = float(run.plan.threshold("comparison.lag_tolerance"))
    cc = cp.coupling_coordination(u, variant="wang2021", tolerance=tol, convention=run.plan.config.convention)
    sec.table("coupling_sides", sides.to_frame(), ("耦合协调的两个子系统", "The two subsystems of the coupling"))
    band_names = {zh: Text(zh, en) for _, zh, en in cp.COORDINATION_BANDS}
    bands_table = cc.summary().to_frame()
    bands_table.index = bands_table.index.map(lambda b: band_names.get(b, Text(str(b), str(b)))(run.lang))
    sec.table("coupling_bands", bands_table,
              ("投入—产出耦合协调等级分布", "Coupling coordination bands, inputs vs outputs"))
    if cc.lagging is None:
        sec.finding("comparison.lag_undefined")
    else:
        sec.table("coupling_lagging", cc.lagging.value_counts().rename("n").to_frame(), ("滞后系统", "Which subsystem lags"))
    sec.figure("input_vs_output", _coupling_figure(run, u, cc, side_name), ("投入与产出", "Inputs vs outputs"))
    if cc.lagging is not None:
        _lag_finding(run, sec, cc, tol)
    sec.data["coupling"] = cc
    return sec


def _coupling_figure(run: Any, u: pd.DataFrame, cc: Any, side_name: dict[str, Text]) -> Any:
    lang = run.lang
    ax = plotting.scatter_pair(u["input"], u["output"], xlabel=side_name["input"](lang),
                               ylabel=side_name["output"](lang),
                               title=Text("投入与产出", "Inputs vs outputs and outcomes")(lang),
                               highlight=None if cc.lagging is None else cc.lagging == "output",
                               highlight_label=Text("产出滞后", "outputs lag")(lang))
    return ax.figure


def _lag_finding(run: Any, sec: Section, cc: Any, tol: float) -> None:

    n_out = int((cc.lagging == "output").sum())
    share = n_out / len(cc.lagging)
    sec.result("share_output_lagging", round(share, 6),
               ("产出与成效滞后于投入的单位占比", "Share of units whose outputs and outcomes lag their inputs"))
    median = float(cc.coordination.median())
    warn = share > run.plan.threshold("comparison.share_lagging_warn")
    sec.finding("comparison.output_lag", level="warning" if warn else "info", n_out=n_out, share=share,
                cut=1.0 - tol, n_in=int((cc.lagging == "input").sum()), median=median,
                band=Text(str(coordination_band(median)), str(coordination_band(median, lang="en"))))


#: The comment set 1–5 of a satisfaction survey.
SURVEY_COMMENTS = [Text("很不满意", "very dissatisfied"), Text("不满意", "dissatisfied"), Text("一般", "neutral"),
                   Text("满意", "satisfied"), Text("很满意", "very satisfied")]


@requires("index", "comparison.survey_fuzzy")
def survey_fuzzy(run: Any) -> Section:
    """Do the residents' verdicts agree with the indicator-based ranking? Fuzzy comprehensive
    evaluation of the satisfaction survey by fuzzy statistics (share of a unit's respondents per
    comment; items equal within their scale, scales equal), its verdicts and its rank correlation
    with the index and its dimensions."""

    name = "comparison.survey_fuzzy"
    title = Text("调查评语的模糊综合评价", "Fuzzy evaluation from the satisfaction survey")
    if not run.plan.has("survey"):
        return Section(name, title, skipped=run.plan.why_not("survey"))
    survey, scales = run.survey, run.framework.scales
    if "unit_id" not in survey.columns or not survey["unit_id"].isin(run.units.index).any():
        return Section.skip(name, title, "comparison.skipped_survey_no_units")
    if len({tuple(s.likert) for s in scales}) != 1:
        return Section.skip(name, title, "comparison.skipped_mixed_likert")
    lo, hi = scales[0].likert
    levels = list(range(int(lo), int(hi) + 1))
    items = pd.concat([reliability.recode_reverse(survey[list(s.items)], list(s.reverse), tuple(s.likert))
                       for s in scales], axis=1)
    w_items = pd.Series({i: 1.0 / (len(scales) * len(s.items)) for s in scales for i in s.items})
    in_year = survey["unit_id"].isin(run.units.index)
    mem = fuzzy.membership_from_ratings(items[in_year], levels, by=survey.loc[in_year, "unit_id"], allow_missing=True)
    res = fuzzy.fuzzy_evaluation(mem, w_items, operator="weighted_average", grade_scores=levels)
    sec = Section(name, title)
    labels = SURVEY_COMMENTS if len(levels) == 5 else [Text(str(v), str(v)) for v in levels]
    comment = {v: t(run.lang) for v, t in zip(levels, labels, strict=True)}
    sec.table("survey_fuzzy_verdicts", res.verdict.map(comment).value_counts().rename("units").to_frame(),
              ("各单位满意度调查的模糊评语（最大隶属度）", "Fuzzy verdicts of the satisfaction survey by unit (maximum membership)"))
    index = run.plan.index
    root = index.index_code
    against = pd.DataFrame({"survey_fuzzy_score": res.score}).join(index.scores)
    corr = against.corr(method="spearman")["survey_fuzzy_score"].drop("survey_fuzzy_score")
    corr = corr[[c for c in [root, *run.framework.children(root)] if c in corr.index]].rename("spearman").to_frame()
    sec.table("survey_fuzzy_vs_index", corr.round(4),
              ("调查模糊得分与指数及各维度得分的 Spearman 相关",
               "Spearman correlation of the survey's fuzzy score with the index and its dimensions"), note=True)
    rho = float(corr.loc[root, "spearman"])
    sec.result("survey_fuzzy_spearman_index", round(rho, 6),
               ("调查模糊得分与指数的排名相关", "Rank correlation of the survey's fuzzy score with the index"))
    top = corr["spearman"].drop(root).idxmax()
    sec.finding("comparison.survey_fuzzy", n=int(in_year.sum() / len(res.verdict)), rho=rho, dim=run.name(top),
                rho_dim=float(corr.loc[top, "spearman"]), ties=int(res.verdict_ties.sum()))
    return sec
