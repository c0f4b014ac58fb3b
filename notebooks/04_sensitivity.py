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
# # 04 不确定性与敏感性 · Which rank differences are real, and what drives them
#
# Rankings from this index will steer budgets and appraisals. Before any unit is rewarded or
# blamed, this notebook asks: if the methodological choices had been made differently — but still
# plausibly — which ranks would survive? The run config's `sensitivity:` section lists the
# uncertain choices (weights perturbed around the expert weights, normalisation, aggregation,
# outlier treatment …). The index is rebuilt under thousands of combinations of them (a Saltelli
# design); each unit's rank distribution gives its **rank interval**, pairs of units that swap
# places too often **cannot be told apart**, and variance-based **Sobol' indices** say which
# choice drives the spread (first order: the choice alone; total: with its interactions).
# The effective importance of every indicator and dimension (its first-order effect on the index,
# Paruolo, Saisana & Saltelli 2013) is set beside its nominal weight, and every indicator and
# dimension is removed in turn (leave-one-out).

# %% tags=["parameters"]
config = "../configs/default.yaml"  # run config (paths inside it are relative to the config file)
output_dir = None                   # report folder; None: display only (interactive use)
lang = None                         # "zh" or "en"; None: the config's

# %%
from dgpe.session import open_run

run = open_run(config, notebook="04_sensitivity", output_dir=output_dir, lang=lang)

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from dgpe import plotting
from methods import sensitivity as sa
from methods import weights as wt

rec, t = run.rec, run.t
data = run.data  # the build's input: X with any cells panel_impute filled
override = None
weight_sets = {}
if run.ahp:
    ahp_w = wt.ahp_hierarchy(run.ahp, run.meta)[0]
    weight_sets["ahp"] = ahp_w
    if run.build.get("weights") == "ahp":
        override = ahp_w
spec = sa.SensitivitySpec.from_dict(run.config.sensitivity)
res = sa.uncertainty_analysis(
    data, run.meta, run.build, seed=run.seed, bands=run.config.bands, weights=override,
    weight_sets=weight_sets, **spec.kwargs(),
)
root = res.index_code
n_units = len(res.summary)
input_names = {"weights": ("权重", "weights"), "weight_set": ("权重方案", "weight set"),
               "normalise": ("标准化方法", "normalisation"), "aggregate": ("加权汇总方法", "aggregation"),
               "treat": ("离群值处理", "outlier treatment"), "impute": ("缺失值插补", "imputation"),
               "exclude": ("剔除指标/维度", "exclusion")}
inputs_label = {k: t(*v) for k, v in input_names.items()}
name = run.units["unit_name"].to_dict()
rec.table("uncertain_inputs", res.inputs, title={"zh": "不确定的方法选择及其备选方案", "en": "Uncertain choices and their alternatives"})
rec.result("n_evaluations", int(res.n_evaluations), label={"zh": "指数重算次数", "en": "Index evaluations"})
rec.result("n_ua_samples", int(res.summary["n_samples"].max()), label={"zh": "不确定性分析样本数", "en": "Uncertainty-analysis samples"})
display(res.inputs)
for note in res.notes:
    print("·", note)

# %% [markdown]
# ## 1. 排名区间 · Rank intervals, ordered by nominal rank
# For every unit: the nominal rank (the published build), the median rank over the samples and the
# 5%–95% interval. A long bar means the unit's place depends on choices nobody can call wrong.

# %%
s = res.summary
x = np.arange(1, n_units + 1)
fig, ax = plt.subplots(figsize=(min(16, 4 + 0.08 * n_units), 5))
ax.vlines(x, s["q05"], s["q95"], color=plotting.PALETTE[0], lw=1.6, alpha=0.7, label=t("5%–95% 区间", "5%–95% interval"))
ax.scatter(x, s["median"], s=10, color=plotting.PALETTE[1], zorder=3, label=t("中位排名", "median rank"))
ax.scatter(x, s["nominal_rank"], s=10, marker="_", color="black", zorder=4, label=t("名义排名", "nominal rank"))
ax.invert_yaxis()
ax.set_xlabel(t("单位(按名义排名)", "units (by nominal rank)"))
ax.set_ylabel(t("排名", "rank"))
ax.set_title(t("综合指数的排名区间", "Rank intervals of the index"))
ax.legend(loc="lower right", fontsize=8)
fig.tight_layout()
rec.figure("rank_intervals", fig, title={"zh": "排名区间(按名义排名排序)", "en": "Rank intervals ordered by nominal rank"}, note=True)
plt.show()

table = s.copy()
table.insert(0, "unit_name", [name.get(u, u) for u in table.index])
table["interval_width"] = table["q95"] - table["q05"]
rec.table("rank_uncertainty", table.round(6), note=True, title={"zh": "各单位排名的不确定性", "en": "Rank uncertainty by unit"})
display(table.head(15).round(2))

# %%
width = table["interval_width"]
rec.result("mean_abs_rank_shift", round(res.mean_abs_shift, 6), label={"zh": "平均绝对排名变动", "en": "Mean absolute rank shift"}, tol=1e-9)
rec.result("median_interval_width", float(width.median()), label={"zh": "排名区间宽度中位数", "en": "Median width of the rank interval"})
rec.finding(
    f"在 {res.summary['n_samples'].max()} 次合理的替代构建中,各单位排名平均偏离名义排名 {res.mean_abs_shift:.1f} 位;"
    f"5%–95% 排名区间宽度的中位数为 {width.median():.0f} 位,最宽 {width.max():.0f} 位({name.get(width.idxmax(), width.idxmax())})。",
    f"Over {res.summary['n_samples'].max()} plausible alternative builds, ranks move {res.mean_abs_shift:.1f} places from the "
    f"nominal rank on average; the median width of the 5%–95% rank interval is {width.median():.0f} places, the widest "
    f"{width.max():.0f} ({name.get(width.idxmax(), width.idxmax())}).",
)

# %% [markdown]
# ## 2. 前 k 名与后 k 名的概率 · Probability of being in the top k and the bottom k
# Rewards and warnings often go to the first and last few. Here is how sure each candidate is.

# %%
k = res.top_k
top = table[table["p_top_k"] > 0.005].sort_values("p_top_k", ascending=False)
bottom = table[table["p_bottom_k"] > 0.005].sort_values("p_bottom_k", ascending=False)
fig, axes = plt.subplots(1, 2, figsize=(11, max(3, 0.22 * max(len(top), len(bottom)) + 1.2)))
for ax, part, col, color, ttl in ((axes[0], top, "p_top_k", plotting.PALETTE[2], t(f"进入前 {k} 名的概率", f"P(top {k})")),
                                  (axes[1], bottom, "p_bottom_k", plotting.PALETTE[3], t(f"落入后 {k} 名的概率", f"P(bottom {k})"))):
    labels = [f"{u} {name.get(u, '')} (#{int(r)})" for u, r in zip(part.index, part["nominal_rank"], strict=True)]
    ax.barh(labels, part[col], color=color)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.axvline(0.95, color="grey", ls="--", lw=1)
    ax.set_title(ttl)
    ax.tick_params(axis="y", labelsize=8)
fig.tight_layout()
rec.figure("top_bottom_k", fig, title={"zh": f"前 {k} 名与后 {k} 名的概率", "en": f"Probability of the top {k} and the bottom {k}"}, note=True)
plt.show()
sure_top = top[top["p_top_k"] >= 0.95]
sure_bottom = bottom[bottom["p_bottom_k"] >= 0.95]
rec.result("units_surely_top_k", len(sure_top), label={"zh": f"以 ≥95% 概率位列前 {k} 的单位数", "en": f"Units in the top {k} with probability >= 95%"})
rec.finding(
    f"名义前 {k} 名中,只有 {len(sure_top)} 个单位在 ≥95% 的替代构建中仍在前 {k} 名;共有 {len(top)} 个单位有机会(>0.5%)进入前 {k}。"
    f"后 {k} 名中 {len(sure_bottom)} 个单位稳定在后 {k}。",
    f"Of the nominal top {k}, only {len(sure_top)} stay in the top {k} in at least 95% of the alternative builds; {len(top)} units "
    f"have a chance (> 0.5%) of reaching it. {len(sure_bottom)} units stay in the bottom {k} with at least 95% probability.",
)

# %% [markdown]
# ## 3. 无法区分的单位 · Units that cannot be told apart
# Two units are told apart when one ranks ahead of the other in at least
# `pair_confidence` (95%) of the samples. Tiers are formed from the top: a tier is its leader and
# every following unit that is not reliably behind it. Units in one tier should not be ranked apart
# (publish them as one group, or in alphabetical order).

# %%
tiers = res.rank_groups.copy()
tiers["unit_names"] = [", ".join(str(name.get(u.strip(), u.strip())) for u in row.split(",")) for row in tiers["units"]]
rec.table("rank_tiers", tiers, title={"zh": "无法区分的排名梯队", "en": "Tiers of units that cannot be told apart"})
adj = res.pairs[res.pairs["offset"] == 1]
n_adj_sep = int(adj["distinguishable"].sum())
rec.result("adjacent_pairs_told_apart", n_adj_sep, label={"zh": "可区分的相邻名次对数", "en": "Adjacent pairs told apart"})
rec.result("n_tiers", len(tiers), label={"zh": "梯队数", "en": "Number of tiers"})
display(tiers[["tier", "first_rank", "last_rank", "size", "unit_names"]].head(12))

# %% [markdown]
# ## 4. 哪项方法选择驱动排名变化 · Which choice drives the rank changes (Sobol' indices)
# Target: the mean absolute rank shift of a build against the nominal ranks (COINr's). First
# order: the share of its variance due to the choice alone; total: including its interactions with
# the other choices. Bars show 5%–95% bootstrap intervals.

# %%
so = res.sobol.rename(index=inputs_label)
fig, ax = plt.subplots(figsize=(7, 0.6 * len(so) + 1.5))
yy = np.arange(len(so))
ax.barh(yy - 0.18, so["first"].clip(lower=0), height=0.36, color=plotting.PALETTE[0], label=t("一阶效应", "first order"),
        xerr=[so["first"].clip(lower=0) - so["first_low"].clip(lower=0), so["first_high"] - so["first"].clip(lower=0)], capsize=3)
ax.barh(yy + 0.18, so["total"], height=0.36, color=plotting.PALETTE[1], label=t("总效应", "total order"),
        xerr=[so["total"] - so["total_low"], so["total_high"] - so["total"]], capsize=3)
ax.set_yticks(yy, so.index)
ax.invert_yaxis()
ax.set_xlim(0, 1)
ax.set_xlabel(t("敏感性指数(平均绝对排名变动)", "Sobol' index (mean absolute rank shift)"))
ax.legend(loc="lower right", fontsize=8)
fig.tight_layout()
rec.figure("sobol_indices", fig, title={"zh": "各方法选择的 Sobol 敏感性指数", "en": "Sobol' indices of the methodological choices"}, note=True)
plt.show()
rec.table("sobol_indices", res.sobol, note=True, title={"zh": "Sobol 一阶与总效应指数(含自助法区间)", "en": "First- and total-order Sobol' indices (bootstrap intervals)"})
ranked_inputs = res.sobol["total"].sort_values(ascending=False)
main = ranked_inputs.index[0]
rec.result("main_driver", main, label={"zh": "最主要的方法选择", "en": "Choice that matters most"})

# %% [markdown]
# The same indices for every unit's rank: the share of units whose rank variance comes mostly
# (largest total-order index) from each choice.

# %%
ut = res.sobol_table("rank", "total")
never = t("排名始终不变", "rank never changes")  # units whose rank never varies have no driver
driver = res.main_drivers("rank", "total").map(lambda k: inputs_label.get(k, k) if isinstance(k, str) else never).value_counts()
rec.table("unit_main_driver", driver.rename("units").to_frame(), title={"zh": "各单位排名变化的主要来源", "en": "Main driver of each unit's rank variance"})
rec.table("unit_sobol_rank_total", ut.round(6), title={"zh": "各单位排名的总效应指数", "en": "Total-order indices of each unit's rank"})
display(driver)

# %% [markdown]
# ## 5. 有效重要性与名义权重 · Effective importance versus nominal weight
# A weight is a trade-off, not an importance: correlations and unequal spreads decide how much an
# indicator actually moves the index. The correlation ratio S (non-parametric, first-order effect
# on the index across units) is compared with the effective nominal weight, both as shares within
# their level. The framework promises that actual use and results ("实际网办") outweigh
# availability and spending ("可网办"): the last table tests this on the outcome / output / input
# indicators.

# %%
imp = res.effective_importance
it = imp.table.copy()
it.insert(0, "name", [run.label(c) for c in it.index])
rec.table("effective_importance", it.round(6), title={"zh": "有效重要性与名义权重", "en": "Effective importance and nominal weight"})
levels = sorted(it["level"].unique())
fig, axes = plt.subplots(1, len(levels), figsize=(4.2 * len(levels), 4))
axes = np.atleast_1d(axes)
for ax, lv in zip(axes, levels, strict=True):
    part = it[it["level"] == lv]
    ax.scatter(part["weight_share"], part["share"], s=18, color=plotting.PALETTE[0])
    lim = max(part["weight_share"].max(), part["share"].max()) * 1.1
    ax.plot([0, lim], [0, lim], color="grey", ls="--", lw=1)
    for c, r in part.iterrows():
        if abs(r["ratio"] - 1) > 0.3 or lv > 1:
            ax.annotate(c, (r["weight_share"], r["share"]), fontsize=7)
    ax.set_xlabel(t("名义有效权重占比", "nominal weight share"))
    ax.set_ylabel(t("有效重要性占比", "importance share"))
    ax.set_title(t(f"第 {lv} 层", f"level {lv}"))
fig.tight_layout()
rec.figure("importance_vs_weight", fig, title={"zh": "有效重要性与名义权重", "en": "Effective importance versus nominal weight"}, note=True)
plt.show()
if imp.by_kind is not None:
    bk = imp.by_kind.rename(index={"input": t("投入", "input"), "output": t("产出", "output"), "outcome": t("结果/实际使用", "outcome")})
    rec.table("importance_by_kind", bk.round(6), title={"zh": "投入、产出与成效类指标的权重与有效重要性", "en": "Weight and effective importance of input, output and outcome indicators"})
    display(bk.round(3))

# %% [markdown]
# Weights that would make each dimension as important as its stated weight (COINr's "balance",
# on the correlation ratio): how far the nominal weights are from delivering what they promise.

# %%
dim_level = int(run.meta.loc[run.meta["code"] == root, "level"].iloc[0]) - 1
opt = sa.optimise_weights(data, run.meta, run.build, level=dim_level, target="nominal", weights=override)
ot = opt.table.copy()
ot.insert(0, "name", [run.label(c) for c in ot.index])
rec.table("balanced_weights", ot.round(6), title={"zh": "使有效重要性等于名义权重的维度权重", "en": "Dimension weights that give each dimension its nominal importance"})
display(ot.round(3))

# %% [markdown]
# ## 6. 逐一剔除 · Leave one out
# Each indicator and each (sub-)dimension removed in turn, the other weights rescaled: the mean
# absolute rank change says how much the ranking leans on it.

# %%
loo = sa.leave_one_out(data, run.meta, run.build, weights=override)
ls = loo.summary.copy()
ls.insert(0, "name", [run.label(c) for c in ls.index])
rec.table("leave_one_out", ls.round(6), title={"zh": "逐一剔除指标与维度后的排名变化", "en": "Rank change with each indicator or dimension removed"})
rec.table("leave_one_out_rank_change", loo.rank_change, title={"zh": "逐一剔除后各单位的排名变化", "en": "Rank change per unit with each node removed"})
parts = [(ls[ls["level"] == 1], t("指标", "indicators"))]
if (ls["level"] > 1).any():
    parts.append((ls[ls["level"] > 1], t("维度与子维度", "dimensions and sub-dimensions")))
fig, axes = plt.subplots(1, len(parts), figsize=(6 * len(parts), max(3, 0.2 * (ls["level"] == 1).sum() + 1)), squeeze=False)
for ax, (part, ttl) in zip(axes[0], parts, strict=True):
    part = part.sort_values("mean_abs_shift")
    ax.barh([f"{c} {n}" for c, n in zip(part.index, part["name"], strict=True)], part["mean_abs_shift"], color=plotting.PALETTE[4])
    ax.set_title(ttl)
    ax.set_xlabel(t("平均绝对排名变化", "mean absolute rank change"))
    ax.tick_params(axis="y", labelsize=7)
fig.tight_layout()
rec.figure("leave_one_out", fig, title={"zh": "逐一剔除的平均绝对排名变化", "en": "Mean absolute rank change when one node is removed"}, note=True)
plt.show()
top_ind = ls[ls["level"] == 1]["mean_abs_shift"].idxmax()
top_dim = ls[ls["level"] > 1]["mean_abs_shift"].idxmax() if (ls["level"] > 1).any() else None

# %% [markdown]
# ## 7. 等级的稳定性 · Stability of the published grade bands
# Where results are published as grade bands, the probability of each band over the samples that
# keep the nominal score scale.

# %%
if res.band_probability is not None:
    bp = res.band_probability.copy()
    unsure = bp[bp.max(axis=1) < 0.9]
    bp.insert(0, "unit_name", [name.get(u, u) for u in bp.index])
    rec.table("band_probability", bp.round(6), title={"zh": "各单位落入各等级的概率", "en": "Probability of each grade band"})
    rec.result("units_band_uncertain", len(unsure), label={"zh": "等级不确定(最大概率 < 90%)的单位数", "en": "Units whose band is uncertain (max probability < 90%)"})
    print(res.band_basis)
    display(bp.loc[unsure.index].head(15).round(3))

# %% [markdown]
# ## 8. 结论 · Verdict

# %%
first = res.summary.index[0]
p_first = float((res.ranks[first] == 1).mean()) if res.ranks is not None else float("nan")
big_tiers = tiers[tiers["size"] > 1]
largest = tiers.loc[tiers["size"].idxmax()]
m_total, m_lo, m_hi = (float(res.sobol.loc[main, c]) for c in ("total", "total_low", "total_high"))
m_first = float(res.sobol.loc[main, "first"])
second = ranked_inputs.index[1] if len(ranked_inputs) > 1 else None
rec.finding(
    f"{n_units} 个单位中,相邻名次只有 {n_adj_sep}/{n_units - 1} 对能在 ≥95% 的替代构建中保持先后;"
    f"排名可分为 {len(tiers)} 个梯队,其中 {len(big_tiers)} 个梯队含多个单位,最大的梯队为第 {int(largest['first_rank'])}–{int(largest['last_rank'])} 名"
    f"({int(largest['size'])} 个单位)。同一梯队内的单位不应分出名次高下,宜按梯队(或等级)公布。"
    f"排名第一的 {name.get(first, first)} 在 {p_first:.0%} 的构建中仍居第一。",
    f"Of the {n_units} units, only {n_adj_sep} of {n_units - 1} adjacent pairs keep their order in at least 95% of the "
    f"alternative builds; the ranking falls into {len(tiers)} tiers, {len(big_tiers)} of them with several units, the largest "
    f"spanning ranks {int(largest['first_rank'])}–{int(largest['last_rank'])} ({int(largest['size'])} units). Units in one tier "
    f"should not be ranked apart: publish tiers (or bands) rather than single ranks. The top unit, {name.get(first, first)}, "
    f"stays first in {p_first:.0%} of the builds.",
    level="warning" if len(big_tiers) else "info",
)
rec.finding(
    f"最值得作出明确决定的方法选择是「{input_names[main][0]}」:其总效应指数为 {m_total:.2f}(5%–95%:{m_lo:.2f}–{m_hi:.2f}),"
    f"一阶效应 {m_first:.2f}" + (f";其次是「{input_names[second][0]}」({ranked_inputs[second]:.2f})" if second else "") +
    f"。剔除单项指标时影响最大的是 {top_ind} {run.framework.name(top_ind, 'zh')}"
    + (f",剔除维度时影响最大的是 {top_dim} {run.framework.name(top_dim, 'zh')}。" if top_dim else "。"),
    f"The methodological choice that most deserves a decision is {input_names[main][1]}: total-order index {m_total:.2f} "
    f"(5%–95%: {m_lo:.2f}–{m_hi:.2f}), first order {m_first:.2f}" + (f"; next comes {input_names[second][1]} ({ranked_inputs[second]:.2f})" if second else "") +
    f". Removing {top_ind} {run.framework.name(top_ind, 'en')} moves the ranking most among the indicators"
    + (f", removing {top_dim} {run.framework.name(top_dim, 'en')} among the dimensions." if top_dim else "."),
    level="warning",
)
if imp.by_kind is not None:
    kind_names = {"input": ("投入", "input"), "output": ("产出", "output"), "outcome": ("结果/实际使用", "outcome")}
    bk = imp.by_kind
    zh = ";".join(f"{kind_names.get(k, (k, k))[0]}类指标占名义权重 {r['weight_share']:.0%}、有效重要性 {r['importance_share']:.0%}" for k, r in bk.iterrows())
    en = "; ".join(f"{kind_names.get(k, (k, k))[1]} indicators carry {r['weight_share']:.0%} of the nominal weight and {r['importance_share']:.0%} of the effective importance" for k, r in bk.iterrows())
    if "outcome" in bk.index:
        o = bk.loc["outcome"]
        more = o["importance_share"] >= o["weight_share"] - 0.02
        zh += "——实际使用在指数中的分量不低于其权重所承诺的。" if more else "——实际使用在指数中的分量低于其权重所承诺的,指数更多反映投入与可办性。"
        en += (": actual use counts in the index at least as much as its weight promises." if more
               else ": actual use counts for less than its weight promises; the index leans towards inputs and availability.")
    else:
        zh += "。框架中没有成效类指标,指数无法反映实际使用。"
        en += ". The framework has no outcome indicators: the index cannot show actual use."
    rec.finding(zh, en, level="info" if "outcome" in bk.index else "warning")
