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
# # 05 指数 · The index: scores, ranks and each unit's diagnosis
#
# The run's build (imputation, outlier treatment, normalisation, weights, aggregation; recorded in
# the config's `build:`) turns the indicators into scores at every level of the framework. This
# notebook reports them as the evaluation's three functions need: the ranking and grade bands (the
# baton), each unit's strengths and weaknesses against its peers (the diagnostic instrument), and
# change since earlier years on fixed goalposts (the propeller). It closes with the share of the
# nominal weight that rests on outcome indicators: the framework's promise that actual use and
# results outweigh spending and availability.

# %% tags=["parameters"]
config = "../configs/default.yaml"  # run config (paths inside it are relative to the config file)
output_dir = None                   # report folder; None: display only (interactive use)
lang = None                         # "zh" or "en"; None: the config's

# %%
from dgpe.session import open_run

run = open_run(config, notebook="05_index", output_dir=output_dir, lang=lang)

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from dgpe import plotting
from methods import diagnosis as dg
from methods import weights as wt
from methods.index import build_index, build_years

rec, t = run.rec, run.t
data = run.units.join(run.X)
override = None
if run.build.get("weights") == "ahp" and run.ahp:
    override = wt.ahp_hierarchy(run.ahp, run.meta)[0]
res = build_index(data, run.meta, run.build, weights=override)
root = res.index_code
dims = run.framework.children(root)
bands = dict(run.config.bands or {})
groups = [g for g in (run.config.groups or []) if g in run.units.columns]
group_label = {"province": t("省份", "province"), "tier": t("行政层级", "tier")}
for step in res.log:
    print(step["step"], step["parameters"], step["summary"])

# %% [markdown]
# ## 1. 各层级得分与排名 · Scores and ranks at every level
# Ranks: 1 = best, ties share the better rank. Grade bands as published with the results.

# %%
table = dg.score_table(res.scores, run.meta, bands=bands or None)
top = table[table["node"] == root].set_index("unit").join(run.units[["unit_name", *groups]])
top = top.sort_values("rank")
rec.table("index_ranking", top.drop(columns=["node", "level"]), title={"zh": "综合指数得分与排名", "en": "Index scores and ranks"})
wide = res.scores[[root, *dims]].join(res.ranks[[root, *dims]], rsuffix="_rank")
rec.table("dimension_scores", wide.round(4), title={"zh": "各维度得分与排名", "en": "Dimension scores and ranks"})
rec.table("all_scores", table, title={"zh": "全部层级得分与排名(长表)", "en": "Scores and ranks at every level (long)"})
display(top.head(10))

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.hist(res.scores[root].dropna(), bins=20, color=plotting.PALETTE[0])
for name, lo in bands.items():
    ax.axvline(lo, color=plotting.PALETTE[3], ls="--", lw=1)
    ax.text(lo, ax.get_ylim()[1] * 0.95, str(name), fontsize=8, ha="left")
ax.set_xlabel(t("综合指数得分", "index score"))
ax.set_ylabel(t("单位数", "units"))
ax.set_title(t("综合指数分布", "Distribution of the index"))
rec.figure("index_distribution", fig, title={"zh": "综合指数分布", "en": "Distribution of the index"})
plt.show()

# %%
best, worst_u = top.index[0], top.index[-1]
rec.result("index_mean", round(float(res.scores[root].mean()), 6), label={"zh": "综合指数均值", "en": "Mean index score"})
rec.result("index_top_unit", str(best), label={"zh": "排名第一的单位", "en": "Top-ranked unit"})
if bands:
    counts = top["band"].value_counts()
    rec.table("band_counts", counts.rename("units").to_frame(), title={"zh": "各等级单位数", "en": "Units per grade band"})
    band_text_zh = ",".join(f"{k} {v} 个" for k, v in counts.items())
    band_text_en = ", ".join(f"{k}: {v}" for k, v in counts.items())
else:
    band_text_zh = band_text_en = ""
rec.finding(
    f"{len(top)} 个单位的综合指数均值 {res.scores[root].mean():.1f}(最高 {top['score'].iloc[0]:.1f},{top.loc[best, 'unit_name']};最低 {top['score'].iloc[-1]:.1f},{top.loc[worst_u, 'unit_name']})。{('等级分布:' + band_text_zh + '。') if bands else ''}相邻名次的差别是否真实,见 04 的排名区间。",
    f"The {len(top)} units' mean index score is {res.scores[root].mean():.1f} (highest {top['score'].iloc[0]:.1f}, {top.loc[best, 'unit_name']}; lowest {top['score'].iloc[-1]:.1f}, {top.loc[worst_u, 'unit_name']}). {('Bands: ' + band_text_en + '. ') if bands else ''}Whether neighbouring ranks differ for real is shown by the rank intervals of 04.",
)

# %% [markdown]
# ## 2. 单位诊断卡 · Unit diagnosis cards
# For the first-, middle- and last-ranked units: the dimension profile against the average and the
# peer group, and the sub-dimensions where the unit stands best and worst against its peers
# (percentile ranks within its peer group).

# %%
peer_col = groups[0] if groups else None
peers = run.units[peer_col] if peer_col else None
picks = [top.index[0], top.index[len(top) // 2], top.index[-1]]
cards = {}
for u in picks:
    prof = dg.unit_profile(u, res.scores, run.meta, groups=peers, level=2, n=3, bands=bands or None)
    cards[u] = prof
    name = run.units.loc[u, "unit_name"]
    vals = {str(name): prof.dimensions["score"].tolist(), t("全体平均", "all units"): res.scores[dims].mean().tolist()}
    if peers is not None:
        same = peers[peers == peers[u]].index
        vals[t(f"{peers[u]}平均", f"{peers[u]} mean")] = res.scores.loc[same, dims].mean().tolist()
    fig = plotting.radar(vals, [run.label(d) for d in dims], title=f"{name}", vmax=100)
    rec.figure(f"card_{u}", fig, title={"zh": f"{name} 维度画像", "en": f"{name}: dimension profile"})
    plt.show()
    print(prof.text(run.lang, names=run.label, unit_name=str(name)))

# %%
card_rows = [{"unit": u, "unit_name": run.units.loc[u, "unit_name"], "text": c.text(run.lang, names=run.label, unit_name=str(run.units.loc[u, "unit_name"]))} for u, c in cards.items()]
rec.table("unit_cards", pd.DataFrame(card_rows).set_index("unit"), title={"zh": "单位诊断卡(文字)", "en": "Unit diagnosis cards (text)"})
subdims = [c for d in dims for c in run.framework.children(d)]
sw = dg.strengths_weaknesses(res.scores[subdims], n=3, groups=peers)
rec.table("strengths_weaknesses", sw.table, title={"zh": "各单位相对同类的优势与短板(二级指标)", "en": "Each unit's strengths and weaknesses against its peers (sub-dimensions)"})
weak_counts = sw.table[sw.table["kind"] == "weakness"].groupby("item").size().sort_values(ascending=False)
common = weak_counts.index[0]
rec.finding(
    f"最常见的短板二级指标是{run.label(common)}({weak_counts.iloc[0]} 个单位将其列为前三短板)。每个单位的优势与短板见表 strengths_weaknesses。",
    f"The most common weak sub-dimension is {run.label(common)} ({weak_counts.iloc[0]} units have it among their three weakest). Each unit's strengths and weaknesses are in the table strengths_weaknesses.",
)

# %% [markdown]
# ## 3. 同类比较 · Peer groups
# Each unit against its province and its administrative tier: rank within the group and distance
# from the group mean; group averages side by side.

# %%
for g in groups:
    gl = group_label.get(g, g)
    pv = dg.peer_view(res.scores[root], run.units[g])
    rec.table(f"peers_{g}", pv.join(run.units[["unit_name"]]).sort_values(["group", "rank_in_group"]), title={"zh": f"同类比较:{gl}", "en": f"Peer groups: {gl}"})
    summary = res.scores[[root, *dims]].groupby(run.units[g]).mean()
    rec.table(f"group_means_{g}", summary.round(4), title={"zh": f"各{gl}平均得分", "en": f"Mean scores by {gl}"})
    fig, ax = plt.subplots(figsize=(7, 3.8))
    summary[dims].rename(columns=run.label).plot.bar(ax=ax)
    ax.set_ylabel(t("平均得分", "mean score"))
    ax.set_title(t(f"各{gl}的维度平均得分", f"Dimension means by {gl}"))
    ax.legend(fontsize=8, bbox_to_anchor=(1.02, 1), loc="upper left")
    fig.tight_layout()
    rec.figure(f"group_means_{g}", fig, title={"zh": f"各{gl}的维度平均得分", "en": f"Dimension means by {gl}"})
    plt.show()
if groups:
    g = groups[0]
    means = res.scores[root].groupby(run.units[g]).mean().sort_values()
    rec.finding(
        f"按{group_label.get(g, g)}分组,平均综合得分最高的是{means.index[-1]}({means.iloc[-1]:.1f}),最低的是{means.index[0]}({means.iloc[0]:.1f});跨组比较名次时应同时看组内名次。",
        f"By {group_label.get(g, g)}, the highest mean index score is {means.index[-1]} ({means.iloc[-1]:.1f}) and the lowest {means.index[0]} ({means.iloc[0]:.1f}); read ranks across groups together with ranks within groups.",
    )

# %% [markdown]
# ## 4. 年度变化 · Year-on-year change on fixed goalposts
# Per-year min-max rescaling would make every year's best unit 100, so levels would not compare
# (the UN EGDI problem). Here every year is normalised on the same goalposts (each indicator's
# minimum and maximum over all years, DESI style; outlier treatment is dropped because clipping to
# the goalposts bounds outliers), so a change in score is a change in performance.

# %%
if len(run.years) >= 2:
    yearly = build_years(run.panel, run.meta, run.build, weights=override)
    scores_by_year = {y: r.scores for y, r in yearly.items()}
    yoy = dg.year_on_year(scores_by_year, nodes=[root, *dims])
    last = yoy[(yoy["year_to"] == max(run.years)) & (yoy["node"] == root)].set_index("unit")
    last = last.join(run.units[["unit_name"]]).sort_values("change")
    rec.table("year_on_year", yoy, title={"zh": "年度变化(固定目标值)", "en": "Year-on-year change (fixed goalposts)"})
    means = pd.DataFrame({y: s[[root, *dims]].mean() for y, s in scores_by_year.items()}).T
    rec.table("yearly_means", means.round(4), title={"zh": "各年平均得分(固定目标值)", "en": "Mean scores by year (fixed goalposts)"})
    fig, ax = plt.subplots(figsize=(7, 4))
    means.rename(columns=run.label).plot(ax=ax, marker="o")
    ax.set_xticks(list(means.index))
    ax.set_ylabel(t("平均得分", "mean score"))
    ax.set_title(t("各年平均得分(固定目标值)", "Mean scores by year (fixed goalposts)"))
    ax.legend(fontsize=8, bbox_to_anchor=(1.02, 1), loc="upper left")
    fig.tight_layout()
    rec.figure("yearly_means", fig, title={"zh": "各年平均得分", "en": "Mean scores by year"})
    plt.show()
    display(last.tail(5)[["unit_name", "score_from", "score_to", "change", "rank_change"]])

# %%
if len(run.years) >= 2:
    up = last.index[-1]
    down = last.index[0]
    mean_change = float(last["change"].mean())
    rec.result("mean_change_last_year", round(mean_change, 6), label={"zh": "最近一年综合得分平均变化", "en": "Mean change of the index in the last year"})
    rec.finding(
        f"在固定目标值下,{int(last['year_from'].iloc[0])}→{int(last['year_to'].iloc[0])} 年综合得分平均变化 {mean_change:+.2f};进步最大的是{last.loc[up, 'unit_name']}({last.loc[up, 'change']:+.1f}),退步最大的是{last.loc[down, 'unit_name']}({last.loc[down, 'change']:+.1f})。",
        f"On fixed goalposts the index changed by {mean_change:+.2f} on average from {int(last['year_from'].iloc[0])} to {int(last['year_to'].iloc[0])}; the largest gain is {last.loc[up, 'unit_name']} ({last.loc[up, 'change']:+.1f}), the largest loss {last.loc[down, 'unit_name']} ({last.loc[down, 'change']:+.1f}).",
    )

# %% [markdown]
# ## 5. 投入、产出与成效的权重占比 · Weight on input, output and outcome indicators
# The nominal weight of each indicator category under each node, from the weights the build used.
# The source text asks that actual use and results outweigh spending and availability; effective
# importance (how much each indicator actually drives the ranking) is in 04.

# %%
shares = dg.weight_shares(run.meta, weights=res.weights)
rec.table("weight_shares_kind", shares.round(4), title={"zh": "各节点下投入/产出/成效指标的名义权重占比", "en": "Nominal weight share of input/output/outcome indicators under each node"})
upper = shares[shares["level"] >= shares["level"].max() - 1].drop(columns="level")
fig, ax = plt.subplots(figsize=(7, 3.8))
upper.rename(index=lambda c: f"{c} {run.label(c)}").plot.barh(stacked=True, ax=ax)
ax.set_xlabel(t("名义权重占比", "nominal weight share"))
ax.set_title(t("投入/产出/成效权重占比", "Weight share by indicator kind"))
ax.invert_yaxis()
ax.legend(fontsize=8, bbox_to_anchor=(1.02, 1), loc="upper left")
fig.tight_layout()
rec.figure("weight_shares_kind", fig, title={"zh": "投入/产出/成效权重占比", "en": "Weight share by indicator kind"})
plt.show()

# %%
out_share = float(shares.loc[root].get("outcome", 0.0))
in_share = float(shares.loc[root].get("input", 0.0))
rec.result("outcome_weight_share", round(out_share, 6), label={"zh": "成效类指标名义权重占比", "en": "Nominal weight share of outcome indicators"})
rec.finding(
    f"综合指数中成效类指标的名义权重占 {out_share:.0%},投入类占 {in_share:.0%}:{'符合' if out_share > in_share else '不符合'}“重实效、轻投入”的设计初衷。",
    f"Outcome indicators carry {out_share:.0%} of the index's nominal weight and input indicators {in_share:.0%}: the framework {'does' if out_share > in_share else 'does not'} put results ahead of spending.",
    level="info" if out_share > in_share else "warning",
)
