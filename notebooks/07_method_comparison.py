# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: dgpe
#     language: python
#     name: dgpe
# ---

# %% [markdown]
# # 07 评价方法比较 · Do the evaluation methods of Chinese practice rank the localities alike?
#
# Chinese evaluation reports often rank localities by grey relational analysis (灰色关联),
# entropy-weighted TOPSIS (熵权TOPSIS), the rank-sum ratio (秩和比 RSR) or fuzzy comprehensive
# evaluation (模糊综合评价) rather than by the JRC/OECD composite (normalise, weight, aggregate).
# If the rankings agree, the choice is presentation; if they do not, a locality's place (and the
# budget or appraisal tied to it) depends on the method. This notebook ranks the config year's
# units by each method on the same prepared data (imputed and treated as in the run's build; the
# same nominal expert weights wherever a method takes weights; entropy-TOPSIS uses its own
# entropy weights by design), reports the rank correlations between methods and the units whose
# rank moves most, compares the Chinese weighting methods with the expert weights, and asks
# with the coupling coordination degree (耦合协调度) whether inputs are matched by outputs and
# outcomes (重投入轻产出).

# %% tags=["parameters"]
config = "../configs/default.yaml"  # run config (paths inside it are relative to the config file)
output_dir = None  # report folder; None: display only (interactive use)
lang = None  # "zh" or "en"; None: the config's

# %%
from dgpe.session import open_run

run = open_run(config, notebook="07_method_comparison", output_dir=output_dir, lang=lang)

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from dgpe import plotting
from methods import weights
from methods.evaluation import comparison, coupling, fuzzy, grey, rsr, topsis
from methods.index import build_index
from methods.weights import fahp, practice

rec, t = run.rec, run.t
meta = run.meta.set_index("code")
indicators = list(run.framework.indicator_codes)
directions = meta.loc[indicators, "direction"]
data = run.data  # the build's input: X with any cells panel_impute filled

# %% [markdown]
# ## 1. 参照：JRC/OECD 合成指数 · The reference: the JRC/OECD composite
# The run's build (as recorded in the config's `build:`; for the example data imputation, JRC outlier
# treatment, min-max 0-100, expert weights, arithmetic means), and the same build with geometric
# means (on a 1-100 scale, as the geometric mean needs positive values) as a second standard variant.
# "Expert weights" are the framework's nominal weights, whoever set them.

# %%
built = build_index(data, run.meta, run.build)
built_geo = build_index(data, run.meta, {**run.build, "normalise": {"method": "minmax", "range": [1, 100]},
                                         "aggregate": {"default": "geometric"}})
treated = built.stages["treated"][indicators]
normalised = built.stages["normalised"][indicators]
w_expert = weights.effective_weights(run.meta)[indicators]
root = run.meta.loc[run.meta["parent"].isna(), "code"].iloc[0]
# the fuzzy comment set and the coupling work on a 0-100 scale; a build without normalisation of
# data already on 0-1 (a published index such as the UN EGDI) is put on it
to100 = 100.0 if float(normalised.max().max()) <= 1.0 else 1.0
normalised100 = normalised * to100

# %% [markdown]
# ## 2. 中国常用评价方法 · The methods of Chinese practice
# Grey relational grade with the ideal unit (ρ = 0.5), entropy-weighted TOPSIS, the integer and
# the non-integer RSR (the latter with probit grading), and the weighted-average fuzzy evaluation on the comment set
# 差/中/良/优 with characteristic values 30/50/70/90 on the normalised 0-100 scale (data on 0-1 × 100).
#
# The variants used, and the published worked examples each is tested against
# (`tests/test_published_examples.py`):
#
# | method | variant here | other variants offered | published example reproduced |
# |---|---|---|---|
# | grey relational (灰色关联) | min-max oriented, ideal reference, ρ = 0.5, Δmin/Δmax over all units and indicators, expert-weighted grade | initial-value / mean scaling (`grey_relational_analysis`), any ρ, anti-ideal closeness | Abifarin & Abifarin, *Environ. Sci. Pollut. Res.* (Taguchi-GRA) |
# | entropy-TOPSIS (熵权TOPSIS) | min-max first, then entropy and vector TOPSIS | `preprocess="raw"` (entropy and TOPSIS on the raw matrix) | Ersoy (2021), *LogForum* (raw variant); entropy: Xu (2004), Zavadskas & Podvezko (2016), Lee & Chang (2018) |
# | rank-sum ratio (RSR) | integer ranks, and non-integer ranks with probit regression (last point 1 − 1/(4n)), 3 grades | weights, any number of grades | 戈早川 & 徐春华 regression (consistency check) |
# | fuzzy evaluation (模糊综合评价) | M(·,⊕) weighted average, triangular memberships, maximum-membership verdict and a score | M(∧,∨), M(·,∨), M(∧,⊕); unrescaled fuzzy set A | SPSSAU clothing case; 陈水利 ch. 5; a two-class clothing example |
# | fuzzy AHP | Buckley geometric mean, centroid; Chang extent analysis | graded-mean defuzzification | Kilic, Zaim & Delen (2014); Sun (2010); Saputro et al. (extent) |
# | coupling coordination (耦合协调度) | Wang et al. (2021) corrected C, equal α | the standard n-system C | *Math. Probl. Eng.* 2022 Table 4 (standard); Wang et al. Table 8 (consistency) |
# | information / independence weights | CV / ΣCV; 1 − R² | 1/R | *Math. Probl. Eng.* 2015 Table 3 (CV step); none found for independence weights or the precedence chart |

# %%
gra = grey.grey_relational_evaluation(treated, weights=w_expert, directions=directions)
etopsis = topsis.entropy_topsis(treated, directions=directions)
rsr_res = rsr.rank_sum_ratio(treated, directions=directions, weights=w_expert,
                             method="non_integer", n_grades=3)
rsr_int = rsr.rank_sum_ratio(treated, directions=directions, weights=w_expert, method="integer")
grades = ["差", "中", "良", "优"]
knots = [30.0, 50.0, 70.0, 90.0]
fce = fuzzy.fuzzy_evaluation(fuzzy.membership_from_values(normalised100, knots, grades), w_expert,
                             operator="weighted_average", grade_scores=dict(zip(grades, knots, strict=True)))

# %%
scores = pd.DataFrame({
    "jrc_arithmetic": built.scores[root],
    "jrc_geometric": built_geo.scores[root],
    "grey_relational": gra.grades,
    "entropy_topsis": etopsis.closeness,
    "rsr_integer": rsr_int.rsr,
    "rsr_non_integer": rsr_res.rsr,
    "fuzzy_score": fce.score,
})
cmp = comparison.compare_rankings(scores, reference="jrc_arithmetic")
rec.table("rank_correlations", cmp.spearman.round(4),
          note=True, title={"zh": "各方法排名的 Spearman 相关", "en": "Spearman correlation of the methods' rankings"})
rec.table("agreement_with_jrc", cmp.to_frame().round(4),
          note=True, title={"zh": "与 JRC/OECD 算术合成的一致性", "en": "Agreement with the JRC/OECD arithmetic composite"})
rec.table("biggest_movers", cmp.movers.head(15).join(run.units[["unit_name"]]),
          title={"zh": "排名随方法变化最大的单位", "en": "Units whose rank moves most between methods"})
fig = plotting.correlation_heatmap(cmp.spearman, title=t("排名相关(Spearman)", "Rank correlation (Spearman)"))
rec.figure("rank_correlation_heatmap", fig, title={"zh": "排名相关", "en": "Rank correlations"})
plt.show()
cmp.to_frame()

# %% [markdown]
# Reading the table: the non-integer RSR with the same weights is an affine transform of the
# min-max arithmetic composite whenever the build aggregates arithmetically at every level, so it
# must agree exactly with `jrc_arithmetic` (a check, not a finding); the integer RSR shows what the
# rank transform alone changes. Entropy-TOPSIS differs most because it also changes the weights.

# %%
agree = cmp.to_frame()
low = agree["spearman"].idxmin()
top = cmp.movers.iloc[0]
rec.result("min_spearman_with_jrc", round(float(agree["spearman"].min()), 6),
           label={"zh": "与 JRC 合成最低的排名相关", "en": "Lowest rank correlation with the JRC composite"})
rec.result("max_rank_range", int(top["range"]),
           label={"zh": "单个单位最大排名极差", "en": "Largest rank range of a unit"})
rec.finding(
    f"各方法与 JRC/OECD 算术合成的排名相关最低为 {agree['spearman'].min():.3f}({low});"
    f"排名变化最大的单位 {cmp.movers.index[0]} 在不同方法下位列第 {int(top['best_rank'])}"
    f"至第 {int(top['worst_rank'])} 名。排名用于考核时，应说明所用方法并报告此类区间。",
    f"The lowest rank correlation with the JRC/OECD arithmetic composite is "
    f"{agree['spearman'].min():.3f} ({low}); the unit that moves most, {cmp.movers.index[0]}, ranks "
    f"from {int(top['best_rank'])} to {int(top['worst_rank'])} across methods. Where ranks feed "
    "appraisal, name the method and report such ranges.",
    level="warning" if agree["spearman"].min() < 0.9 else "info",
)

# %% [markdown]
# ## 3. 秩和比分档与模糊评语 · RSR grades and fuzzy verdicts
# RSR cuts the units into three grades through the probit regression; the fuzzy evaluation gives
# each unit the comment of maximum membership. How do they sit against each other?

# %%
rec.table("rsr_regression", rsr_res.summary().to_frame().round(6),
          title={"zh": "RSR 概率单位回归与分档界值", "en": "RSR probit regression and grade cut points"})
cross = pd.crosstab(rsr_res.grade.rename("rsr_grade"), fce.verdict.rename("fuzzy_verdict"))
rec.table("rsr_grade_vs_fuzzy_verdict", cross,
          title={"zh": "RSR 分档与模糊评语交叉表", "en": "RSR grade against fuzzy verdict"})
cross

# %%
rec.finding(
    f"RSR 回归 R² = {rsr_res.r_squared:.3f};模糊评价最大隶属度评语并列的单位 {int(fce.verdict_ties.sum())} 个。",
    f"RSR probit regression R² = {rsr_res.r_squared:.3f}; {int(fce.verdict_ties.sum())} unit(s) have a tied "
    "maximum-membership verdict.",
)

# %% [markdown]
# ## 4. 权重方法比较 · Weights: precedence of information over judgement?
# Independence (1 − R²) and information (coefficient of variation, on raw values) weights of the
# indicators against the nominal expert weights; and the dimension weights from the experts' AHP
# matrices by crisp group AHP and by fuzzy AHP (geometric mean and extent analysis), when the run has
# AHP matrices for the index's children.

# %%
w_table = pd.DataFrame({
    "expert": w_expert,
    "independence": practice.independence_weights(treated).weights,
    "information": practice.information_weights(treated).weights,
    "entropy": etopsis.weights,
})
rec.table("indicator_weights_cn", w_table.round(5),
          title={"zh": "指标权重：专家、独立性、信息量、熵权", "en": "Indicator weights: expert, independence, information, entropy"})
w_table.corr(method="spearman").round(3)

# %%
top_mats = {e: m for (e, node), m in (run.ahp or {}).items() if node == root}
with_fahp = None
if top_mats:
    tfn = fahp.aggregate_tfn([fahp.tfn_from_crisp(m) for m in top_mats.values()])
    with_fahp = pd.DataFrame({
        "ahp_group": weights.ahp_group(top_mats).weights,
        "fahp_geometric_mean": fahp.fuzzy_ahp(tfn, method="geometric_mean").weights,
        "fahp_extent": fahp.fuzzy_ahp(tfn, method="extent").weights,
    })
    rec.table("dimension_weights_fahp", with_fahp.round(5),
              title={"zh": "维度权重：群组 AHP 与模糊 AHP", "en": "Dimension weights: group AHP and fuzzy AHP"})
else:
    print(t("本次运行没有指数下一层的 AHP 判断矩阵,跳过模糊 AHP。", "No AHP matrices for the index's children in this run; fuzzy AHP skipped."))
with_fahp

# %% [markdown]
# ## 5. 投入与产出是否协调 · Are inputs matched by outputs and outcomes?
# Coupling coordination (Wang et al. 2021 corrected C) between two subsystems built from the
# framework's indicator kinds: the input indicators (infrastructure, staff, funds, and for the UN
# EGDI telecommunication infrastructure and human capital) and the output and outcome indicators
# (services delivered, use and results), each the expert-weighted mean of its normalised indicators
# (0-100, divided by 100). A unit whose output side lags its input side (output/input < 0.9)
# invests without matching outputs (重投入轻产出). Both sides are relative to this year's units (the
# normalisation), so "lags" is relative to the peers, not an absolute level. Skipped when the
# framework lacks either kind.

# %%
sides = coupling.kind_subsystems(normalised100, meta["kind"], w_expert, scale=100.0)
side_name = {"input": t("投入", "inputs"), "output": t("产出与成效", "outputs and outcomes")}
cc = None
if sides.scores is not None:
    subsystems = sides.scores
    cc = coupling.coupling_coordination(subsystems, variant="wang2021")
    rec.table("coupling_sides", sides.to_frame(),
              title={"zh": "耦合协调的两个子系统", "en": "The two subsystems of the coupling"})
    rec.table("coupling_bands", cc.summary().to_frame(),
              title={"zh": "投入—产出耦合协调等级分布", "en": "Coupling coordination bands, inputs vs outputs"})
    if cc.lagging is not None:
        rec.table("coupling_lagging", cc.lagging.value_counts().rename("n").to_frame(),
                  title={"zh": "滞后系统", "en": "Which subsystem lags"})
    ax = plotting.scatter_pair(subsystems["input"], subsystems["output"], xlabel=side_name["input"], ylabel=side_name["output"],
                               title=t("投入与产出", "Inputs vs outputs and outcomes"),
                               highlight=None if cc.lagging is None else cc.lagging == "output",
                               highlight_label=t("产出滞后", "outputs lag"))
    rec.figure("input_vs_output", ax.figure, title={"zh": "投入与产出", "en": "Inputs vs outputs"})
    plt.show()
    display(cc.to_frame().sort_values("D").head(10))
else:
    missing = [side_name[k] for k in sides.empty]
    print(t(f"框架缺少{'、'.join(missing)}类指标,跳过耦合协调分析。",
            f"The framework has no indicators of {' or '.join(missing)}; coupling coordination skipped."))

# %%
if cc is not None and cc.lagging is not None:
    n_out_lag = int((cc.lagging == "output").sum())
    share = n_out_lag / len(cc.lagging)
    rec.result("share_output_lagging", round(share, 6),
               label={"zh": "产出与成效滞后于投入的单位占比", "en": "Share of units whose outputs and outcomes lag their inputs"})
    n_in_lag = int((cc.lagging == "input").sum())
    rec.finding(
        f"{n_out_lag} 个单位({share:.0%})的产出与成效得分低于投入得分的 90%,属“重投入轻产出”;"
        f"{n_in_lag} 个单位的投入反而落后于产出。耦合协调度中位数 {cc.coordination.median():.3f}"
        f"({coupling.coordination_band(float(cc.coordination.median()))})。",
        f"{n_out_lag} unit(s) ({share:.0%}) score below 90% of their input score on outputs and outcomes "
        f"(input without matching results); for {n_in_lag} the inputs lag instead. Median coupling coordination "
        f"{cc.coordination.median():.3f} ({coupling.coordination_band(float(cc.coordination.median()), lang='en')}).",
        level="warning" if share > 0.25 else "info",
    )
elif cc is not None:
    print(t("有单位的投入得分为 0,无法计算相对滞后。", "Some unit scores 0 on inputs; relative lag not computed."))

# %% [markdown]
# ## 6. 调查评语的模糊综合评价 · Fuzzy evaluation from the satisfaction survey
# The textbook use of fuzzy comprehensive evaluation: each respondent rates each item on the
# comment set 1–5 (很不满意 … 很满意; reverse-keyed items recoded); a locality's membership in
# each comment is the share of its respondents choosing it (模糊统计法); items weigh equally
# within their scale and the scales equally; the weighted-average operator gives the locality's
# evaluation vector, its maximum-membership verdict and a score (comment values 1–5, which for
# this operator is the weighted mean rating). Do the residents' verdicts agree with the
# indicator-based ranking? Skipped when the run has no survey (or its scales use different Likert ranges).

# %%
fuzzy_survey = None
scales = run.framework.scales
one_range = len({tuple(s.likert) for s in scales}) == 1
if run.survey is not None and "unit_id" in run.survey.columns and scales and not one_range:
    print(t("各量表的李克特范围不同,无法共用一个评语集,跳过。", "The scales use different Likert ranges, so no common comment set; skipped."))
elif run.survey is not None and "unit_id" in run.survey.columns and scales:
    from methods.psychometrics import reliability

    lo, hi = scales[0].likert
    levels = list(range(int(lo), int(hi) + 1))
    items = pd.concat([reliability.recode_reverse(run.survey[list(s.items)], list(s.reverse), tuple(s.likert))
                       for s in scales], axis=1)
    w_items = pd.Series({i: 1.0 / (len(scales) * len(s.items)) for s in scales for i in s.items})
    in_year = run.survey["unit_id"].isin(run.units.index)
    mem = fuzzy.membership_from_ratings(items[in_year], levels, by=run.survey.loc[in_year, "unit_id"],
                                        allow_missing=True)
    fuzzy_survey = fuzzy.fuzzy_evaluation(mem, w_items, operator="weighted_average", grade_scores=levels)
    five = [t("很不满意", "very dissatisfied"), t("不满意", "dissatisfied"), t("一般", "neutral"),
            t("满意", "satisfied"), t("很满意", "very satisfied")]
    comment = dict(zip(levels, five, strict=True)) if len(levels) == 5 else {v: str(v) for v in levels}
    verdicts = fuzzy_survey.verdict.map(comment).value_counts().rename("units").to_frame()
    rec.table("survey_fuzzy_verdicts", verdicts,
              title={"zh": "各单位满意度调查的模糊评语(最大隶属度)", "en": "Fuzzy verdicts of the satisfaction survey by unit (maximum membership)"})
    against = pd.DataFrame({"survey_fuzzy_score": fuzzy_survey.score}).join(built.scores)
    corr = against.corr(method="spearman")["survey_fuzzy_score"].drop("survey_fuzzy_score")
    dims_here = [c for c in [root, *run.framework.children(root)] if c in corr.index]
    corr = corr[dims_here].rename("spearman").to_frame()
    rec.table("survey_fuzzy_vs_index", corr.round(4), note=True,
              title={"zh": "调查模糊得分与指数及各维度得分的 Spearman 相关", "en": "Spearman correlation of the survey's fuzzy score with the index and its dimensions"})
    display(verdicts, corr.round(3))
else:
    print(t("本次运行没有带单位编号的满意度调查,跳过。", "No satisfaction survey with unit ids in this run; skipped."))

# %%
if fuzzy_survey is not None:
    top_dim = corr["spearman"].drop(root).idxmax()
    rec.result("survey_fuzzy_spearman_index", round(float(corr.loc[root, "spearman"]), 6),
               label={"zh": "调查模糊得分与指数的排名相关", "en": "Rank correlation of the survey's fuzzy score with the index"})
    rec.finding(
        f"居民满意度调查的模糊综合评价(每单位约 {int(in_year.sum() / len(fuzzy_survey.score))} 份问卷)与综合指数的排名相关为 "
        f"{corr.loc[root, 'spearman']:.2f},与「{run.label(top_dim)}」维度最高({corr.loc[top_dim, 'spearman']:.2f});"
        f"{int(fuzzy_survey.verdict_ties.sum())} 个单位的评语并列。",
        f"The fuzzy evaluation of the residents' survey (about {int(in_year.sum() / len(fuzzy_survey.score))} respondents per unit) "
        f"correlates {corr.loc[root, 'spearman']:.2f} in rank with the index, most with dimension "
        f"'{run.label(top_dim)}' ({corr.loc[top_dim, 'spearman']:.2f}); {int(fuzzy_survey.verdict_ties.sum())} unit(s) have tied verdicts.",
    )
