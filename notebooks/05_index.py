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
from methods import weights as wt
from methods.index import build_index, build_years, comparability
from methods.index import diagnosis as dg

rec, t = run.rec, run.t
data = run.data  # the build's input: X with any cells panel_impute filled
override = None
if run.build.get("weights") == "ahp" and run.ahp:
    override = wt.ahp_hierarchy(run.ahp, run.meta)[0]
res = build_index(data, run.meta, run.build, weights=override)
root = res.index_code
dims = run.framework.children(root)
# diagnosis items: the dimensions' children (sub-dimensions, or indicators under a three-level
# framework); the dimensions themselves when the index sits directly over its indicators
diag_items = [c for d in dims for c in run.framework.children(d)] or list(dims)
diag_level = int(run.meta.set_index("code").loc[diag_items[0], "level"])
diag_zh, diag_en = ("二级指标", "sub-dimension") if diag_level > 1 else ("指标", "indicator")
n_sw = 3 if len(diag_items) >= 6 else 1  # strengths/weaknesses listed per unit
bands = dict(run.config.bands or {})
groups = [g for g in (run.config.groups or []) if g in run.units.columns]
group_label = {"province": t("省份", "province"), "tier": t("行政层级", "tier")}
# scores on a 0-1 scale (e.g. a published index rebuilt without normalisation) get 3 decimals
smax = 1.0 if float(res.scores[[root, *dims]].max().max()) <= 1.0 else 100.0
f1 = ".3f" if smax == 1.0 else ".1f"
for step in res.log:
    print(step["step"], step["parameters"], step["summary"])

# %% [markdown]
# ## 1. 各层级得分与排名 · Scores and ranks at every level
# Ranks: 1 = best, ties share the better rank. Grade bands as published with the results.

# %%
table = dg.score_table(res.scores, run.meta, bands=bands or None)
top = table[table["node"] == root].set_index("unit").join(run.units[["unit_name", *groups]])
top = top.sort_values("rank")
rec.table("index_ranking", top.drop(columns=["node", "level"]), note=True, title={"zh": "综合指数得分与排名", "en": "Index scores and ranks"})
wide = res.scores[[root, *dims]].join(res.ranks[[root, *dims]].add_suffix("_rank"))
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
    f"{len(top)} 个单位的综合指数均值 {res.scores[root].mean():{f1}}(最高 {top['score'].iloc[0]:{f1}},{top.loc[best, 'unit_name']};最低 {top['score'].iloc[-1]:{f1}},{top.loc[worst_u, 'unit_name']})。{('等级分布:' + band_text_zh + '。') if bands else ''}相邻名次的差别是否真实,见 04 的排名区间。",
    f"The {len(top)} units' mean index score is {res.scores[root].mean():{f1}} (highest {top['score'].iloc[0]:{f1}}, {top.loc[best, 'unit_name']}; lowest {top['score'].iloc[-1]:{f1}}, {top.loc[worst_u, 'unit_name']}). {('Bands: ' + band_text_en + '. ') if bands else ''}Whether neighbouring ranks differ for real is shown by the rank intervals of 04.",
)

# %% [markdown]
# ## 2. 单位诊断卡 · Unit diagnosis cards
# For the first-, middle- and last-ranked units: the dimension profile against the average and the
# peer group, and the sub-dimensions where the unit stands best and worst against its peers
# (percentile ranks within its peer group, or among all units when the run has no peer groups).
# When the index sits directly over its indicators, the profile and the strengths and weaknesses are
# those indicators.

# %%
peer_col = groups[0] if groups else None
peers = run.units[peer_col] if peer_col else None
picks = [top.index[0], top.index[len(top) // 2], top.index[-1]]
cards = {}
for u in picks:
    prof = dg.unit_profile(u, res.scores, run.meta, groups=peers, level=diag_level, n=n_sw, bands=bands or None)
    cards[u] = prof
    name = run.units.loc[u, "unit_name"]
    vals = {str(name): prof.dimensions["score"].tolist(), t("全体平均", "all units"): res.scores[dims].mean().tolist()}
    if peers is not None:
        same = peers[peers == peers[u]].index
        vals[t(f"{peers[u]}平均", f"{peers[u]} mean")] = res.scores.loc[same, dims].mean().tolist()
    fig = plotting.radar(vals, [run.label(d) for d in dims], title=f"{name}", vmax=smax)
    rec.figure(f"card_{u}", fig, title={"zh": f"{name} 维度画像", "en": f"{name}: dimension profile"})
    plt.show()
    print(prof.text(run.lang, names=run.label, unit_name=str(name), digits=3 if smax == 1.0 else 1))

# %%
card_rows = [{"unit": u, "unit_name": run.units.loc[u, "unit_name"], "text": c.text(run.lang, names=run.label, unit_name=str(run.units.loc[u, "unit_name"]), digits=3 if smax == 1.0 else 1)} for u, c in cards.items()]
rec.table("unit_cards", pd.DataFrame(card_rows).set_index("unit"), title={"zh": "单位诊断卡(文字)", "en": "Unit diagnosis cards (text)"})
sw = dg.strengths_weaknesses(res.scores[diag_items], n=n_sw, groups=peers)
rec.table("strengths_weaknesses", sw.table, title={"zh": f"各单位相对同类的优势与短板({diag_zh})", "en": f"Each unit's strengths and weaknesses against its peers ({diag_en}s)"})
weak_counts = sw.table[sw.table["kind"] == "weakness"].groupby("item").size().sort_values(ascending=False)
common = weak_counts.index[0]
among_zh = "前三短板" if n_sw == 3 else "最大短板"
among_en = "among their three weakest" if n_sw == 3 else "as their weakest"
peers_zh = "" if peers is not None else "(相对全体单位)"
peers_en = "" if peers is not None else " (against all units)"
shares_zh = ",".join(f"{run.label(i)} {v}" for i, v in weak_counts.items())
shares_en = ", ".join(f"{run.label(i)} {v}" for i, v in weak_counts.items())
rec.finding(
    f"最常见的短板{diag_zh}是{run.label(common)}:{weak_counts.iloc[0]} 个单位将其列为{among_zh}{peers_zh}" + (f"(各{diag_zh}:{shares_zh})" if n_sw == 1 else "") + "。每个单位的优势与短板见表 strengths_weaknesses。",
    f"The most common weak {diag_en} is {run.label(common)}: {weak_counts.iloc[0]} units have it {among_en}{peers_en}" + (f" (by {diag_en}: {shares_en})" if n_sw == 1 else "") + ". Each unit's strengths and weaknesses are in the table strengths_weaknesses.",
)

# %% [markdown]
# ## 3. 同类比较 · Peer groups
# Each unit against its peer groups (the config's `groups`, e.g. province and administrative tier):
# rank within the group and distance from the group mean; group averages side by side. Skipped when
# the run has no peer-group columns.

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
if not groups:
    print(t("本次运行没有同类分组列,跳过同类比较。", "No peer-group columns in this run; peer comparison skipped."))
else:
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
# the goalposts bounds outliers), so a change in score is a change in performance, provided the data
# themselves are in fixed units (checked in 4b). Skipped when the panel has a single year. With
# the config's `panel_impute`, the years are built from the filled panel, like the headline index:
# a filled cell repeats another year's value and so shows no change there.

# %%
if len(run.years) >= 2:
    yearly = build_years(run.panel_input, run.meta, run.build, weights=override)
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
else:
    print(t("数据只有一个年份,跳过年度变化。", "The panel has a single year; year-on-year change skipped."))

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
# ### 4b. 年度可比性:数据是否逐年重新标准化? · Year-to-year comparability: are the data rescaled every year?
# Fixed goalposts help only if the data are in fixed units. Many published indices (the UN EGDI and
# its components since 2012) are min-max rescaled within each edition on that year's worst and best
# unit: the best unit scores 1 whatever its progress, and a change of level mixes the unit's own
# change with the movement of the anchors (and with any change of method between editions); ranks
# survive, levels do not. `methods.index.comparability.rescaling_drift` checks every indicator (turned so
# that higher is better) and year: do the year's minimum and maximum both sit on the ends of the
# indicator's scale (the framework's bounds; an unbounded indicator cannot be pinned)? And between
# consecutive years of the panel: how many units' scores fell, how many fell while their rank rose
# (or rose while it fell: "discordant"), and the rank correlation. Raw indicators in their own units
# (such as the example data) are not rescaled, and nothing should be pinned.

# %%
if len(run.years) >= 2:
    drift = comparability.framework_rescaling_drift(run.panel, run.meta, list(run.framework.indicator_codes))
    anchors, transitions, discordant = drift.anchors, drift.transitions, drift.discordant.copy()
    names = run.panel.set_index(["unit_id", "year"])["unit_name"]
    discordant.insert(4, "unit_name", [names.get((u, y), u) for u, y in zip(discordant["unit"], discordant["year_to"], strict=True)])
    rec.table("rescaling_anchors", anchors, index=False,
              title={"zh": "各指标各年的最小值与最大值(锚点)", "en": "Each indicator's minimum and maximum by year (anchors)"})
    rec.table("rescaling_transitions", transitions, index=False, note=True,
              title={"zh": "相邻年份之间得分与名次的变化", "en": "Change of scores and ranks between consecutive years"})
    rec.table("rescaling_discordant", discordant, index=False,
              title={"zh": "得分与名次反向变化的单位", "en": "Units whose score and rank moved in opposite directions"})
    display(transitions[["indicator", "year_from", "year_to", "n_common", "share_down", "n_down_rank_up",
                         "n_up_rank_down", "spearman", "pinned"]])
else:
    print(t("数据只有一个年份,跳过年度可比性检查。", "The panel has a single year; year-to-year comparability check skipped."))

# %%
if len(run.years) >= 2:
    rescaled, n_years, n_ind = list(drift.rescaled), drift.n_years, len(drift.pinned_years)
    rec.result("rescaled_indicators", rescaled,
               label={"zh": "逐年重新标准化(锚点落在量表两端)的指标", "en": "Indicators rescaled within each year (anchors on the scale's ends)"})
    rec.result("max_share_discordant", round(float(transitions["share_discordant"].max()), 6),
               label={"zh": "得分与名次反向变化的单位最高占比", "en": "Largest share of units whose score and rank moved in opposite directions"})
    if rescaled:
        def _years(c: str) -> tuple[str, str]:
            ys = drift.unpinned_years(c)
            if not ys:
                return f"{c} 全部 {n_years[c]} 年", f"{c} all {n_years[c]} years"
            return (f"{c} {n_years[c] - len(ys)}/{n_years[c]} 年(除 {', '.join(map(str, ys))})",
                    f"{c} {n_years[c] - len(ys)} of {n_years[c]} years (not {', '.join(map(str, ys))})")
        which_zh = ";".join(_years(c)[0] for c in rescaled)
        which_en = "; ".join(_years(c)[1] for c in rescaled)
        y0, y1 = transitions["year_from"].max(), transitions["year_to"].max()
        tr = transitions[(transitions["year_to"] == y1) & transitions["indicator"].isin(rescaled)]
        tr = tr.sort_values("share_discordant", ascending=False, kind="stable").head(3)
        moves_zh, moves_en = [], []
        for _, r in tr.iterrows():
            if r["n_down"] >= r["n_up"]:
                moves_zh.append(f"{r['indicator']} {r['n_down']}/{r['n_common']} 个单位“下降”,其中 {r['n_down_rank_up']} 个名次反而上升")
                moves_en.append(f"{r['indicator']} 'fell' for {r['n_down']} of {r['n_common']} units, {r['n_down_rank_up']} of them while moving up the ranking")
            else:
                moves_zh.append(f"{r['indicator']} {r['n_up']}/{r['n_common']} 个单位“上升”,其中 {r['n_up_rank_down']} 个名次反而下降")
                moves_en.append(f"{r['indicator']} 'rose' for {r['n_up']} of {r['n_common']} units, {r['n_up_rank_down']} of them while moving down the ranking")
        last_disc = discordant[(discordant["year_to"] == y1) & discordant["indicator"].isin(tr["indicator"])]
        fell = last_disc[last_disc["change"] < 0].sort_values("rank_gain", ascending=False, kind="stable")
        if not fell.empty:
            u = fell.iloc[0]
            eg_zh = f"。例如{u['unit_name']}的 {u['indicator']} 从 {u['score_from']:.4g} 降到 {u['score_to']:.4g},名次却从第 {u['rank_from']:.0f} 升到第 {u['rank_to']:.0f}"
            eg_en = f". E.g. {u['unit_name']}'s {u['indicator']} went from {u['score_from']:.4g} to {u['score_to']:.4g} while its rank rose from {u['rank_from']:.0f} to {u['rank_to']:.0f}"
        else:
            eg_zh = eg_en = ""
        rho = f"{tr['spearman'].min():.2f}–{tr['spearman'].max():.2f}"
        rec.finding(
            f"{len(rescaled)}/{n_ind} 项指标逐年重新标准化(当年最差单位落在量表下端、最好单位落在上端):{which_zh}。其水平值跨年不可比,只有位次可比。"
            f"{y0}→{y1} 年:" + ";".join(moves_zh) + f"{eg_zh};而两年名次的 Spearman 相关为 {rho}。"
            "上面固定目标值下的年度变化也不能消除这一点:目标值固定,但其所用的数据已逐年重新标准化;跨年比较应看名次,或从原始分项指标重建。",
            f"{len(rescaled)} of {n_ind} indicators are rescaled within each year (the year's worst unit sits at the bottom of the scale, its best at the top): {which_en}. "
            f"Their levels do not compare across years; only positions do. From {y0} to {y1}: " + "; ".join(moves_en) + f"{eg_en}; yet the two years' rank correlations are {rho}. "
            "The fixed-goalpost changes above do not undo this: the goalposts are fixed, but the data they are applied to were rescaled every year. "
            "Compare ranks across years, or rebuild from the raw sub-indicators.",
            level="warning",
        )
    else:
        rec.finding(
            f"没有逐年重新标准化的指标:{n_ind} 项指标中没有任何一项在两个以上年份的最小值和最大值同时落在量表两端(无上界的指标不可能如此)。"
            f"水平值以各自单位计,上面固定目标值下的变化就是表现的变化。得分与名次反向变化的单位最多占 {transitions['share_discordant'].max():.0%}(他人进步更快),"
            f"相邻年份名次的 Spearman 相关最低 {transitions['spearman'].min():.2f}。(此检查针对逐年 min-max 重新标准化的公开数据,如联合国 EGDI;示例数据是原始单位,没有这一问题。)",
            f"No indicator is rescaled within each year: for none of the {n_ind} indicators do the minimum and maximum both sit on the ends of its scale in two or more years "
            f"(an unbounded indicator cannot). Levels are in their own units, so the fixed-goalpost changes above are changes in performance. "
            f"Score and rank moved in opposite directions for at most {transitions['share_discordant'].max():.0%} of units (others moving further), and the lowest rank "
            f"correlation between consecutive years is {transitions['spearman'].min():.2f}. (The check is about published data rescaled min-max within each year, such as the UN EGDI; "
            "raw indicators, like the example data, do not have this problem.)",
        )

# %% [markdown]
# ## 5. 投入、产出与成效的权重占比 · Weight on input, output and outcome indicators
# The nominal weight of each indicator category under each node, from the weights the build used.
# The source text asks that actual use and results outweigh spending and availability; effective
# importance (how much each indicator actually drives the ranking) is in 04.

# %%
shares = dg.weight_shares(run.meta, weights=res.weights)
rec.table("weight_shares_kind", shares.round(4), note=True, title={"zh": "各节点下投入/产出/成效指标的名义权重占比", "en": "Nominal weight share of input/output/outcome indicators under each node"})
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
