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
# # 03 权重 · Weights: how much does the choice of weights matter?
#
# The index can be weighted by the experts' nominal weights (the framework's), by AHP pairwise
# judgements (per expert and pooled), or by the data themselves (entropy, CRITIC, PCA, and the
# information and independence weights of Chinese practice). These put different emphasis on the
# dimensions, and, because rankings feed budgets, the question is whether the units' order changes
# with them. This notebook sets the candidate weights side by side,
# checks the consistency of every AHP matrix (Saaty's CR < 0.1), measures how far apart the
# resulting rankings are, and summarises the Delphi rounds that selected the indicators: consensus
# (mean, CV, full-score ratio), agreement among experts (Kendall's W), expert authority, and the
# indicators each round's retention rule (mean ≥ 3.5 and CV ≤ 0.25) would drop.

# %% tags=["parameters"]
config = "../configs/default.yaml"  # run config (paths inside it are relative to the config file)
output_dir = None                   # report folder; None: display only (interactive use)
lang = None                         # "zh" or "en"; None: the config's

# %%
from dgpe.session import open_run

run = open_run(config, notebook="03_weights", output_dir=output_dir, lang=lang)

# %%
import warnings

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from dgpe import plotting
from methods import MethodError, MethodWarning
from methods import weights as wt
from methods.index import IndexEvaluator
from methods.index import diagnosis as dg
from methods.weights import delphi as dl
from methods.weights import fahp

rec, t = run.rec, run.t
data = run.data
build = run.built()
x_norm = build.stages["normalised"]
dims = run.framework.children(build.index_code)

# %% [markdown]
# ## 1. AHP 判断矩阵的一致性 · Consistency of the AHP judgements
# Each expert compared the children of some nodes pairwise. The weights are the principal
# eigenvector; CR = CI / RI (Saaty's RI, 1980) must stay below 0.1. Group weights pool the
# judgements by the geometric mean of the matrices (AIJ, Forman & Peniwati 1998). Skipped when the
# run has no AHP matrices.

# %%
if run.ahp:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        ahp_w, ahp_cons = wt.ahp_hierarchy(run.ahp, run.meta, method="aij")
    per_expert = ahp_cons[ahp_cons["expert"] != "group"]
    cr_table = per_expert.pivot(index="expert", columns="node", values="cr")
    rec.table("ahp_cr", cr_table.round(4), title={"zh": "各专家判断矩阵的一致性比率 CR", "en": "Consistency ratio CR of each expert's matrices"})
    rec.table("ahp_group", ahp_cons[ahp_cons["expert"] == "group"].set_index("node").round(4), title={"zh": "群组(AIJ)判断矩阵", "en": "Group (AIJ) matrices"})
    display(cr_table.round(3))
else:
    ahp_w, per_expert = None, None
    print(t("本次运行没有 AHP 判断矩阵,跳过一致性检验与 AHP 权重。", "No AHP matrices in this run; consistency checks and AHP weights skipped."))

# %%
if per_expert is not None:
    n_bad = int((~per_expert["consistent"].astype(bool)).sum())
    rec.result("ahp_inconsistent_matrices", n_bad, label={"zh": "CR ≥ 0.1 的判断矩阵数", "en": "Matrices with CR ≥ 0.1"})
    rec.finding(
        f"{len(per_expert)} 个专家判断矩阵中有 {n_bad} 个一致性比率 CR ≥ 0.1,应请专家复核(各矩阵中偏离最大的判断见 methods.weights.ahp 的 worst_judgements);群组矩阵的 CR 均 {'<' if (ahp_cons[ahp_cons['expert'] == 'group']['cr'] < 0.1).all() else '≥'} 0.1。",
        f"{n_bad} of {len(per_expert)} expert matrices have CR ≥ 0.1 and should go back to the expert (methods.weights.ahp lists the judgements furthest from the weights); the pooled matrices all have CR {'<' if (ahp_cons[ahp_cons['expert'] == 'group']['cr'] < 0.1).all() else '≥'} 0.1.",
        level="warning" if n_bad else "info",
    )

# %% [markdown]
# ## 2. 候选权重 · Candidate weights side by side
# Effective weight of each dimension in the index (product of the weights down the tree). Data-driven
# weights are computed within each sub-dimension on the normalised data of the run's build;
# dimension and sub-dimension weights then stay the experts'. AHP weights apply where matrices exist.
# Two weightings of Chinese practice stand beside them: information weights (信息量权重, the
# coefficient of variation, on the treated raw values since a CV needs a meaningful zero) and
# independence weights (独立性权重, 1 − R² of each indicator regressed on all the others, computed
# over all indicators so that redundancy across sub-dimensions counts, then renormalised within
# each sub-dimension). Where AHP matrices exist, fuzzy AHP stands beside crisp AHP: the same
# judgements as triangular fuzzy numbers (δ = 1), pooled by their geometric mean, Buckley's
# weights with the centroid (notebook 07 compares it with Chang's extent analysis).

# %%
candidates = {
    "expert": wt.expert_weights(run.meta).weights,
    "equal": wt.equal_weights(run.meta).weights,
}
if ahp_w is not None:
    candidates["ahp"] = ahp_w
    candidates["fahp"] = fahp.fuzzy_ahp_hierarchy(run.ahp, run.meta)  # Buckley, δ = 1, centroid
for m in ("entropy", "critic", "pca"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        candidates[m] = wt.data_weights(x_norm, run.meta, m, scope="group")
cn_weights = {"information": (build.stages["treated"], "cv", "group"),
              "independence": (x_norm, "independence", "all")}
for name, (frame, m, scope) in cn_weights.items():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MethodWarning)
            candidates[name] = wt.data_weights(frame, run.meta, m, scope=scope)
    except MethodError as err:  # e.g. a non-positive mean (CV) or too few units (regressions)
        print(t(f"{name} 权重无法计算:{err}", f"{name} weights not computed: {err}"))
effective = pd.DataFrame({k: wt.effective_weights(run.meta, v) for k, v in candidates.items()})
dim_table = effective.loc[dims]
ind_table = effective.loc[run.framework.indicator_codes]
rec.table("weights_dimensions", dim_table.T.rename_axis("scheme").round(4), note=True, title={"zh": "各方案下维度的有效权重", "en": "Effective dimension weights under each scheme"})
rec.table("weights_indicators", ind_table.round(5), title={"zh": "各方案下指标的有效权重", "en": "Effective indicator weights under each scheme"})
fig, ax = plt.subplots(figsize=(7, 4))
dim_table.rename(index=lambda c: f"{c} {run.label(c)}").T.plot.bar(stacked=True, ax=ax)
ax.set_ylabel(t("有效权重", "effective weight"))
ax.set_title(t("维度权重:各方案比较", "Dimension weights by scheme"))
ax.legend(fontsize=8, bbox_to_anchor=(1.02, 1), loc="upper left")
fig.tight_layout()
rec.figure("weights_dimensions", fig, title={"zh": "维度权重:各方案比较", "en": "Dimension weights by scheme"})
plt.show()

# %% [markdown]
# Data-driven schemes reweight indicators only within their sub-dimension, so the dimension
# weights above hardly move; what they do move is the weight of input, output and outcome
# indicators, by reweighting them within each sub-dimension. Summed over the whole index, this is
# the balance the source text is about (重实效、轻投入).

# %%
try:
    by_kind = pd.DataFrame({k: dg.weight_shares(run.meta, weights=v).loc[build.index_code].drop("level")
                            for k, v in candidates.items()}).astype(float)
except MethodError as err:  # a framework without an input/output/outcome tag on every indicator
    by_kind = None
    print(t(f"无法按指标类型汇总权重:{err}", f"Weights not summarised by indicator kind: {err}"))
if by_kind is not None:
    rec.table("weights_by_kind", by_kind.T.rename_axis("scheme").round(4), note=True, title={"zh": "各方案下投入/产出/成效指标的权重占比", "en": "Weight share of input, output and outcome indicators under each scheme"})
    if "outcome" in by_kind.index:
        lo, hi = by_kind.loc["outcome"].idxmin(), by_kind.loc["outcome"].idxmax()
        rec.finding(
            f"成效类指标的权重占比随方案在 {by_kind.loc['outcome', lo]:.0%}({lo})到 {by_kind.loc['outcome', hi]:.0%}({hi})之间;"
            f"专家权重下为 {by_kind.loc['outcome', 'expert']:.0%}。",
            f"The weight share of outcome indicators ranges from {by_kind.loc['outcome', lo]:.0%} ({lo}) to "
            f"{by_kind.loc['outcome', hi]:.0%} ({hi}) across schemes; {by_kind.loc['outcome', 'expert']:.0%} under the expert weights.",
        )
    display(by_kind.T.round(3))

# %% [markdown]
# ## 3. 排名差异 · How far apart are the rankings?
# The same prepared data aggregated with each weight set (the run's aggregation); Spearman's rho
# between the rankings, and each scheme's mean and largest rank shift against the experts' weights.

# %%
ev = IndexEvaluator(data, run.meta, run.build)
root = build.index_code
variants = {}
for k, w in candidates.items():
    s = ev.scores(weights=ev.plan.weight_vector(w))
    variants[k] = pd.Series(s[:, ev.codes.index(root)], index=ev.units)
agree = dg.ranking_agreement(pd.DataFrame(variants), reference="expert")
rec.table("rank_spearman", agree.spearman.round(4), note=True, title={"zh": "各权重方案排名的 Spearman 相关", "en": "Spearman correlation of the rankings"})
rec.table("rank_shifts", agree.shifts.round(3), title={"zh": "相对专家权重的名次变动", "en": "Rank shifts against the expert weights"})
fig = plotting.correlation_heatmap(agree.spearman, title=t("排名相关(Spearman)", "Rank correlation (Spearman)"))
rec.figure("rank_spearman", fig, title={"zh": "排名相关", "en": "Rank correlation"})
plt.show()

# %%
worst = agree.shifts.drop(index="expert")["max_abs_shift"].idxmax()
rho_min = agree.spearman.loc["expert"].drop("expert").min()
rec.result("min_spearman_vs_expert", round(float(rho_min), 6), label={"zh": "与专家权重排名的最低相关", "en": "Lowest rank correlation with the expert ranking"})
rec.finding(
    f"各权重方案与框架名义(专家)权重排名的 Spearman 相关最低为 {rho_min:.3f};{worst} 方案下单位名次最大变动 {agree.shifts.loc[worst, 'max_abs_shift']:.0f} 位,前十名保留比例 {agree.shifts.loc[worst, 'share_top10_kept']:.0%}。权重选择{'显著' if rho_min < 0.9 else '有限地'}影响排名,公布名次前应报告排名区间(见 04)。",
    f"The lowest Spearman correlation with the ranking under the framework's nominal (expert) weights is {rho_min:.3f}; under {worst} a unit moves by up to {agree.shifts.loc[worst, 'max_abs_shift']:.0f} places and {agree.shifts.loc[worst, 'share_top10_kept']:.0%} of the top ten stay. The choice of weights {'matters' if rho_min < 0.9 else 'matters little'} for the ranking; report rank intervals (see 04) before publishing ranks.",
    level="warning" if rho_min < 0.9 else "info",
)

# %% [markdown]
# ## 4. 德尔菲轮次 · Delphi rounds
# Per round and indicator: mean importance (1–5), coefficient of variation, share of full scores;
# Kendall's W for the experts' agreement; authority Cr = (Ca + Cs) / 2. The retention rule
# (mean ≥ 3.5 and CV ≤ 0.25) lists the indicators each round would drop. Skipped when the run has no
# Delphi data.

# %%
if run.delphi is not None:
    dres = dl.delphi_rounds(run.delphi, experts=run.experts, rule=dl.RetentionRule(min_mean=3.5, max_cv=0.25))
    conc = dres.concordance.drop(columns="experts_excluded")
    rec.table("delphi_concordance", conc.round(4), title={"zh": "各轮专家协调系数(Kendall's W)", "en": "Kendall's W per round"})
    rec.table("delphi_stats", dres.stats.set_index(["round", "indicator"]).round(4), title={"zh": "各轮指标统计", "en": "Indicator statistics per round"})
    dropped = pd.DataFrame({"round": list(dres.dropped), "n_dropped": [len(v) for v in dres.dropped.values()],
                            "dropped": [", ".join(v) for v in dres.dropped.values()]}).set_index("round")
    rec.table("delphi_dropped", dropped, note=True, title={"zh": "各轮按保留规则将删除的指标", "en": "Indicators each round's rule would drop"})
    if dres.authority is not None:
        rec.result("delphi_mean_authority", round(dres.mean_authority, 6), label={"zh": "专家平均权威系数 Cr", "en": "Mean expert authority Cr"})
    display(conc.round(3))
    display(dropped)
else:
    print(t("本次运行没有德尔菲数据,跳过德尔菲轮次。", "No Delphi data in this run; Delphi rounds skipped."))

# %%
if run.delphi is not None:
    last = max(dres.dropped)
    w_last = float(dres.concordance.loc[last, "w"])
    p_last = float(dres.concordance.loc[last, "p_value"])
    rec.result("delphi_w_last_round", round(w_last, 6), label={"zh": "末轮 Kendall's W", "en": "Kendall's W, last round"})
    rec.finding(
        f"末轮专家协调系数 W = {w_last:.3f}(p = {p_last:.3g}),专家平均权威系数 Cr = {dres.mean_authority:.2f}{'(≥ 0.7,可信)' if dres.mean_authority >= 0.7 else '(< 0.7,权威性不足)'};按规则末轮将删除 {len(dres.dropped[last])} 项指标:{', '.join(dres.dropped[last]) or '无'}。",
        f"Last-round Kendall's W = {w_last:.3f} (p = {p_last:.3g}), mean expert authority Cr = {dres.mean_authority:.2f}{' (≥ 0.7, adequate)' if dres.mean_authority >= 0.7 else ' (< 0.7, weak)'}; the rule would drop {len(dres.dropped[last])} indicator(s) in the last round: {', '.join(dres.dropped[last]) or 'none'}.",
        level="warning" if dres.dropped[last] else "info",
    )
