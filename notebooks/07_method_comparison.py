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
# with the coupling coordination degree (耦合协调度) whether basic-support inputs are matched by
# service outcomes (重投入轻产出).

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

from dgpe import plotting
from methods import coupling, fahp, fuzzy, grey, method_comparison, rsr, weights, weights_cn
from methods.index import build_index

rec, t = run.rec, run.t
meta = run.meta.set_index("code")
indicators = list(run.framework.indicator_codes)
directions = meta.loc[indicators, "direction"]
data = run.X.join(run.units.drop(columns=["unit_name", "year"], errors="ignore"))

# %% [markdown]
# ## 1. 参照：JRC/OECD 合成指数 · The reference: the JRC/OECD composite
# The run's build (imputation, JRC outlier treatment, min-max 0-100, expert weights, arithmetic
# means), and the same build with geometric means (on a 1-100 scale, as the geometric mean needs
# positive values) as a second standard variant.

# %%
built = build_index(data, run.meta, run.build)
built_geo = build_index(data, run.meta, {**run.build, "normalise": {"method": "minmax", "range": [1, 100]},
                                         "aggregate": {"default": "geometric"}})
treated = built.stages["treated"][indicators]
normalised = built.stages["normalised"][indicators]
w_expert = weights.effective_weights(run.meta)[indicators]
root = run.meta.loc[run.meta["parent"].isna(), "code"].iloc[0]

# %% [markdown]
# ## 2. 中国常用评价方法 · The methods of Chinese practice
# Grey relational grade with the ideal unit (ρ = 0.5), entropy-weighted TOPSIS, the integer and
# the non-integer RSR (the latter with probit grading), and the weighted-average fuzzy evaluation on the comment set
# 差/中/良/优 with characteristic values 30/50/70/90 on the normalised 0-100 scale.

# %%
gra = grey.grey_relational_evaluation(treated, weights=w_expert, directions=directions)
etopsis = weights_cn.entropy_topsis(treated, directions=directions)
rsr_res = rsr.rank_sum_ratio(treated, directions=directions, weights=w_expert,
                             method="non_integer", n_grades=3)
rsr_int = rsr.rank_sum_ratio(treated, directions=directions, weights=w_expert, method="integer")
grades = ["差", "中", "良", "优"]
knots = [30.0, 50.0, 70.0, 90.0]
fce = fuzzy.fuzzy_evaluation(fuzzy.membership_from_values(normalised, knots, grades), w_expert,
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
cmp = method_comparison.compare_rankings(scores, reference="jrc_arithmetic")
rec.table("rank_correlations", cmp.spearman.round(4),
          title={"zh": "各方法排名的 Spearman 相关", "en": "Spearman correlation of the methods' rankings"})
rec.table("agreement_with_jrc", cmp.to_frame().round(4),
          title={"zh": "与 JRC/OECD 算术合成的一致性", "en": "Agreement with the JRC/OECD arithmetic composite"})
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
rec.table("rsr_regression", rsr_res.summary().round(6),
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
# matrices by crisp group AHP and by fuzzy AHP (geometric mean and extent analysis).

# %%
w_table = pd.DataFrame({
    "expert": w_expert,
    "independence": weights_cn.independence_weights(treated).weights,
    "information": weights_cn.information_weights(treated).weights,
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
with_fahp

# %% [markdown]
# ## 5. 投入与产出是否协调 · Is basic-support input matched by service outcomes?
# Coupling coordination (Wang et al. 2021 corrected C) between dimension A (基础支撑能力, mostly
# inputs) and dimension B (服务效能提升, mostly outputs and outcomes), scores / 100. A unit where
# B lags A (B/A < 0.9) invests without matching outcomes (重投入轻产出). Both scores are min-max
# scaled across this year's units, so "lags" is relative to the peers, not an absolute level.

# %%
dims = built.scores[["A", "B"]] / 100.0
cc = coupling.coupling_coordination(dims, variant="wang2021")
rec.table("coupling_bands", cc.summary(),
          title={"zh": "基础支撑—服务效能耦合协调等级分布", "en": "Coupling coordination bands, support vs service"})
lag = cc.lagging.value_counts()
rec.table("coupling_lagging", lag.rename("n").to_frame(),
          title={"zh": "滞后系统", "en": "Which subsystem lags"})
ax = plotting.scatter_pair(dims["A"], dims["B"], xlabel=run.label("A"), ylabel=run.label("B"),
                           title=t("基础支撑与服务效能", "Basic support vs service effectiveness"),
                           highlight=cc.lagging == "B", highlight_label=t("服务滞后", "service lags"))
rec.figure("support_vs_service", ax.figure, title={"zh": "基础支撑与服务效能", "en": "Support vs service"})
plt.show()
cc.to_frame().sort_values("D").head(10)

# %%
n_out_lag = int((cc.lagging == "B").sum())
rec.result("share_output_lagging", round(n_out_lag / len(cc.lagging), 6),
           label={"zh": "服务效能滞后于基础支撑的单位占比", "en": "Share of units whose service lags their support"})
rec.finding(
    f"{n_out_lag} 个单位({n_out_lag / len(cc.lagging):.0%})服务效能得分低于基础支撑得分的 90%,属"
    f"“重投入轻产出”;耦合协调度中位数 {cc.coordination.median():.3f}({coupling.coordination_band(float(cc.coordination.median()))})。",
    f"{n_out_lag} unit(s) ({n_out_lag / len(cc.lagging):.0%}) score below 90% of their basic-support "
    f"score on service effectiveness (input without matching outcomes); median coupling coordination "
    f"{cc.coordination.median():.3f} ({coupling.coordination_band(float(cc.coordination.median()), lang='en')}).",
    level="warning" if n_out_lag / len(cc.lagging) > 0.25 else "info",
)
