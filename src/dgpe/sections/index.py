"""Notebook 05's questions: the index's scores and ranks, each unit's diagnosis, peers, change
over the years, the comparability of the years and the weight on outcome indicators.

Every section reads the index the plan built (``run.plan.index``) on the plan's score scale
(``run.plan.scale``): scores are printed with 3 decimals on a scale spanning at most 1 (e.g. a
published 0–1 index), 2 on an unbounded scale (z-scores) and 1 otherwise; grade bands appear only
when the plan has bands valid on that scale. Year-on-year views stop at the ranked year.

>>> from dgpe.session import open_run                                   # doctest: +SKIP
>>> from dgpe.sections import index
>>> run = open_run("configs/default.yaml", notebook="05_index")
>>> index.ranking(run).get_result("index_top_unit")
'P2-022'
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from dgpe import plotting
from dgpe.catalogue import message_text
from dgpe.plan import scale_label
from dgpe.record import file_stem
from dgpe.sections.base import Finding, Section, band_label, localise_bands, requires
from dgpe.tablefmt import column_label
from dgpe.text import Text
from methods import MethodError
from methods.index import comparability as cmp
from methods.index import diagnosis as dg

__all__ = ["ranking", "cards", "peers", "years", "comparability", "weight_shares", "score_digits", "diagnosis_items"]

Run = Any  # dgpe.session.Run (not imported: the session imports the sections' base)

#: Strengths and weaknesses listed per unit when the framework has enough diagnosis items.
N_LISTED = 3
#: Names of the usual peer-group columns; any other column is named by itself.
GROUP_NAMES = {"province": Text("省份", "province"), "tier": Text("行政层级", "tier")}
#: What the diagnosis items are: sub-dimensions (True) or indicators (False).
DIAG_NOUN = {True: Text("二级指标", "sub-dimension"), False: Text("指标", "indicator")}
SW_TITLE = {
    True: Text("各单位相对同类的优势与短板（二级指标）",
               "Each unit's strengths and weaknesses against its peers (sub-dimensions)"),
    False: Text("各单位相对同类的优势与短板（指标）",
                "Each unit's strengths and weaknesses against its peers (indicators)"),
}


def score_digits(scale: Any) -> int:
    """Decimals of an index score: 3 on a scale spanning at most 1, 2 on an unbounded scale, else 1.

    >>> from types import SimpleNamespace as S
    >>> score_digits(S(low=0.0, high=100.0, bounded=True)), score_digits(S(low=0.0, high=1.0, bounded=True))
    (1, 3)
    """
    if not scale.bounded:
        return 2
    return 3 if scale.high - scale.low <= 1 else 1


def _joined(items: list[Text], zh: str = "，", en: str = ", ") -> Text:
    """Catalogue fragments joined the way the findings always joined them."""
    return Text(zh.join(t.zh for t in items), en.join(t.en for t in items))


def _ranked(run: Run) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The long score table of every node, and the index rows with unit attributes by rank."""
    res = run.plan.index
    table = dg.score_table(res.scores, run.meta, bands=run.plan.bands)
    if run.plan.bands:
        table["band"] = localise_bands(table["band"], run.plan.bands, run.lang)
    top = table[table["node"] == res.index_code].set_index("unit")
    top = top.join(run.units[["unit_name", *run.plan.groups]])
    return table, top.sort_values("rank")


def _band_text(run: Run, shown: str) -> Text:
    """The band shown in the table (in the report's language) as a Text of both languages."""
    bands = run.plan.bands or {}
    below = band_label("<" + min(bands, key=lambda k: float(bands[k])), bands) if bands else None
    return below if below is not None and shown == below(run.lang) else band_label(shown, bands)


def _dims(run: Run) -> tuple[str, list[str]]:
    root = run.plan.index.index_code
    return root, list(run.framework.children(root))


# -- 1. scores and ranks --------------------------------------------------------------------------


@requires("index", "index.ranking")
def ranking(run: Run) -> Section:
    """How do the units score and rank on the index and its dimensions (and in which grade bands)?"""
    sec = Section("index.ranking", Text("各层级得分与排名", "Scores and ranks at every level"))
    sec.findings.extend(run.plan.build_warnings)  # numerical warnings of the build (dgpe.plan)
    res = run.plan.index
    root, dims = _dims(run)
    table, top = _ranked(run)
    sec.table("index_ranking", top.drop(columns=["node", "level"]),
              ("综合指数得分与排名", "Index scores and ranks"), note=True)
    wide = res.scores[[root, *dims]].join(res.ranks[[root, *dims]].add_suffix("_rank"))
    sec.table("dimension_scores", wide.round(4), ("各维度得分与排名", "Dimension scores and ranks"), show=0)
    sec.table("all_scores", table, ("全部层级得分与排名（长表）", "Scores and ranks at every level (long)"), show=0)
    sec.figure("index_distribution", _distribution(run, res.scores[root]), ("综合指数分布", "Distribution of the index"))
    contributions, additive = _contributions(run, top)
    sec.figure("ranking_contributions", contributions, CONTRIBUTION_TITLE[additive])
    best, worst = top.index[0], top.index[-1]
    mean = float(res.scores[root].mean())
    sec.result("index_mean", round(mean, 6), ("综合指数均值", "Mean index score"))
    sec.result("index_top_unit", str(best), ("排名第一的单位", "Top-ranked unit"))
    digits = score_digits(run.plan.scale)
    shown = round(mean, digits) + 0.0  # no "-0.00" for a mean of z-scores
    params: dict[str, Any] = {"n": len(top), "mean": shown, "digits": digits,
              "high": float(top["score"].iloc[0]), "best": str(top.loc[best, "unit_name"]),
              "low": float(top["score"].iloc[-1]), "worst": str(top.loc[worst, "unit_name"])}
    if run.plan.bands is None:
        sec.finding("index.summary", **params)
        if run.config.bands:  # the config asked for bands the index's scale cannot carry
            sec.findings.append(run.plan.why_not("bands"))
        return sec
    order = [name for name, _ in sorted(run.plan.bands.items(), key=lambda kv: -float(kv[1]))]
    order += [b for b in dict.fromkeys(top["band"].dropna()) if b not in order]  # the band below all
    bands = pd.Series(pd.Categorical(top["band"], categories=order, ordered=True), index=top.index, name="band")
    counts = bands.value_counts(sort=False)  # every band, the highest first
    sec.table("band_counts", counts.rename("units").to_frame(), ("各等级单位数", "Units per grade band"))
    bands = _joined([message_text("index.band_count", band=_band_text(run, str(k)), n=int(v))
                     for k, v in counts.items() if v])
    sec.finding("index.summary_bands", bands=bands, **params)
    return sec


def _distribution(run: Run, scores: pd.Series) -> Any:
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.hist(scores.dropna(), bins=20, color=plotting.PALETTE[0])
    for name, lo in (run.plan.bands or {}).items():
        ax.axvline(lo, color=plotting.PALETTE[3], ls="--", lw=1)
        ax.text(lo, ax.get_ylim()[1] * 0.95, str(name), fontsize=8, ha="left")
    ax.set_xlabel(Text("综合指数得分", "index score")(run.lang))
    ax.set_ylabel(Text("单位数", "units")(run.lang))
    ax.set_title(Text("综合指数分布", "Distribution of the index")(run.lang))
    return fig


CONTRIBUTION_TITLE = {
    True: Text("全部单位的排名与各维度的贡献", "Every unit's rank with the contributions of the dimensions"),
    False: Text("全部单位的排名与各维度得分", "Every unit's rank with its dimension scores"),
}
#: Units per panel of the ranking figure (at most three panels side by side).
ROWS_PER_PANEL = 70


def _contributions(run: Run, top: pd.DataFrame) -> tuple[Any, bool]:
    """Every ranked unit, best first: under an arithmetic mean at the index, bars stacked by each
    dimension's contribution (its weight times its score, summing to the index score); under any
    other aggregation, the dimension scores as dots beside the index score. Returns the figure and
    whether it shows contributions (additive)."""
    res = run.plan.index
    root, dims = _dims(run)
    order = [u for u in top.index if pd.notna(res.scores.loc[u, root])]
    scores = res.scores.loc[order, dims]
    additive = str(res.details["aggregation"].methods.get(root, "")) == "arithmetic"
    w = res.weights[dims] / float(res.weights[dims].sum())
    values = scores * w if additive else scores
    panels = max(1, min(3, -(-len(order) // ROWS_PER_PANEL)))
    per = -(-len(order) // panels)
    fig, axes = plt.subplots(1, panels, figsize=(3.6 * panels + 1.5, max(3.0, 0.11 * per + 1.2)), squeeze=False,
                             sharex=True)
    names = top.loc[order, "unit_name"].astype(str) if "unit_name" in top else pd.Series(order, index=order)
    for k, ax in enumerate(axes[0]):
        part = values.iloc[k * per:(k + 1) * per]
        y = range(len(part))
        left = pd.Series(0.0, index=part.index)
        for i, d in enumerate(dims):
            colour = plotting.PALETTE[i % len(plotting.PALETTE)]
            label = run.label(d) if k == 0 else None
            if additive:
                ax.barh(list(y), part[d].fillna(0.0), left=left, color=colour, label=label, height=0.8)
                left = left + part[d].fillna(0.0)
            else:
                ax.scatter(part[d], list(y), s=8, color=colour, label=label)
        if not additive:
            ax.scatter(res.scores.loc[part.index, root], list(y), marker="|", s=40, color="black",
                       label=Text("综合指数", "index")(run.lang) if k == 0 else None)
        ax.set_yticks(list(y))
        ax.set_yticklabels([f"{int(top.loc[u, 'rank'])} {names[u]}" for u in part.index], fontsize=5.5)
        ax.set_ylim(len(part) - 0.5, -0.5)
        ax.tick_params(axis="x", labelsize=7)
        ax.set_xlabel(Text("对综合得分的贡献", "contribution to the index score")(run.lang) if additive
                      else Text("得分", "score")(run.lang), fontsize=8)
    fig.legend(loc="upper center", ncol=min(len(dims) + 1, 5), fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.97 - 0.3 / fig.get_figheight()))
    return fig, additive


# -- 2. diagnosis cards ---------------------------------------------------------------------------


def diagnosis_items(run: Run) -> tuple[list[str], int, bool]:
    """The items units are diagnosed on: the dimensions' children (sub-dimensions, or indicators
    under a three-level framework), or the dimensions themselves when the index sits directly over
    its indicators; with their level and whether they are sub-dimensions."""
    _, dims = _dims(run)
    items = [c for d in dims for c in run.framework.children(d)] or list(dims)
    level = int(run.meta.set_index("code").loc[items[0], "level"])
    return items, level, level > 1


@requires("index", "index.cards")
def cards(run: Run) -> Section:
    """Where does each unit stand best and worst against its peers? Cards of the first-, middle-
    and last-ranked units, every unit's strengths and weaknesses, and the most common weakness."""
    sec = Section("index.cards", Text("单位诊断卡", "Unit diagnosis cards"))
    res, scale = run.plan.index, run.plan.scale
    items, level, sub = diagnosis_items(run)
    n_sw = N_LISTED if len(items) >= run.plan.threshold("index.strengths_min_items") else 1
    peers = run.units[run.plan.groups[0]] if run.plan.groups else None
    _, top = _ranked(run)
    _, dims = _dims(run)
    limits = (scale.low, scale.high) if scale.bounded else _data_range(res.scores[dims])
    rows = []
    for u in [top.index[0], top.index[len(top) // 2], top.index[-1]]:
        prof = dg.unit_profile(u, res.scores, run.meta, groups=peers, level=level, n=n_sw, bands=run.plan.bands)
        name = str(run.units.loc[u, "unit_name"])
        sec.figure(file_stem(f"card_{u}"), _radar(run, u, prof, peers, limits), message_text("index.title_card", unit=name))
        rows.append({"unit": u, "unit_name": run.units.loc[u, "unit_name"],
                     "text": localise_bands(prof.text(run.lang, names=run.label, unit_name=name,
                                                      digits=score_digits(scale)), run.plan.bands, run.lang)})
    card_text = pd.DataFrame(rows).set_index("unit")
    from dgpe.sections.efficiency import card_obstacles  # the obstacle degrees of notebook 06

    card_text["obstacles"] = card_obstacles(run, list(card_text.index))
    sec.table("unit_cards", card_text, ("单位诊断卡（文字）", "Unit diagnosis cards (text)"), show=None)
    sw = dg.strengths_weaknesses(res.scores[items], n=n_sw, groups=peers)
    sec.table("strengths_weaknesses", sw.table, SW_TITLE[sub])
    _weakness_finding(sec, run, sw.table, sub, n_sw, peers is not None)
    if not scale.bounded:
        sec.finding("index.radar_range", scale=scale_label(scale), low=limits[0], high=limits[1])
    return sec


def _data_range(scores: pd.DataFrame) -> tuple[float, float]:
    return float(scores.min().min()), float(scores.max().max())


def _radar(run: Run, unit: Any, prof: Any, peers: pd.Series | None, limits: tuple[float, float]) -> Any:
    res = run.plan.index
    _, dims = _dims(run)
    name = str(run.units.loc[unit, "unit_name"])
    vals = {name: prof.dimensions["score"].tolist(),
            Text("全体平均", "all units")(run.lang): res.scores[dims].mean().tolist()}
    if peers is not None:
        same = peers[peers == peers[unit]].index
        label = message_text("index.legend_group_mean", group=str(peers[unit]))(run.lang)
        vals[label] = res.scores.loc[same, dims].mean().tolist()
    fig = plotting.radar(vals, [run.label(d) for d in dims], title=name, vmax=limits[1])
    fig.axes[0].set_ylim(*limits)
    return fig


def _weakness_finding(sec: Section, run: Run, table: pd.DataFrame, sub: bool, n_sw: int, has_peers: bool) -> None:
    weak = table[table["kind"] == "weakness"].groupby("item").size().sort_values(ascending=False)
    if weak.empty:
        return
    params = {"diag": DIAG_NOUN[sub], "item": run.name(weak.index[0]), "count": int(weak.iloc[0]),
              "peers": Text("", "") if has_peers else message_text("index.against_all_units")}
    if n_sw == N_LISTED:
        sec.finding("index.weak_common", **params)
        return
    shares = [message_text("index.item_count", item=run.name(i), n=int(v)) for i, v in weak.items()]
    sec.finding("index.weak_common_single", shares=_joined(shares), **params)


# -- 3. peer groups -------------------------------------------------------------------------------


@requires("index", "index.peers")
def peers(run: Run) -> Section:
    """How does each unit compare within its peer groups (the config's ``groups``)?"""
    title = Text("同类比较", "Peer groups")
    if not run.plan.has("groups"):
        return Section("index.peers", title, skipped=run.plan.why_not("groups"))
    sec = Section("index.peers", title)
    res = run.plan.index
    root, dims = _dims(run)
    for g in run.plan.groups:
        name = GROUP_NAMES.get(g, Text(g, g))
        blank = run.units.index[run.units[g].isna()]
        if len(blank):  # a unit without a group has no peers: left out of this grouping, said so
            sec.finding("index.peers_ungrouped", level="warning", group=name, n=len(blank),
                        units=", ".join(map(str, blank[:10])) + (" …" if len(blank) > 10 else ""))
        pv = dg.peer_view(res.scores[root].drop(blank), run.units[g].drop(blank))
        sec.table(file_stem(f"peers_{g}"), pv.join(run.units[["unit_name"]]).sort_values(["group", "rank_in_group"]),
                  message_text("index.title_peers", group=name))
        summary = res.scores[[root, *dims]].groupby(run.units[g]).mean()
        sec.table(file_stem(f"group_means_{g}"), summary.round(4), message_text("index.title_group_means", group=name))
        title_bars = message_text("index.title_group_bars", group=name)
        sec.figure(file_stem(f"group_means_{g}"), _bars(run, summary[dims], title_bars), title_bars)
    g = run.plan.groups[0]
    means = res.scores[root].groupby(run.units[g]).mean().sort_values()
    sec.finding("index.peers_extremes", group=GROUP_NAMES.get(g, Text(g, g)),
                top=str(means.index[-1]), top_mean=float(means.iloc[-1]),
                bottom=str(means.index[0]), bottom_mean=float(means.iloc[0]),
                digits=score_digits(run.plan.scale))
    return sec


def _bars(run: Run, summary: pd.DataFrame, title: Text) -> Any:
    fig, ax = plt.subplots(figsize=(7, 3.8))
    summary.rename(columns=run.label).rename_axis(columns=None).plot.bar(ax=ax)
    group = summary.index.name
    ax.set_xlabel(GROUP_NAMES.get(group, Text(str(group), str(group)))(run.lang) if group else "")
    ax.set_ylabel(Text("平均得分", "mean score")(run.lang))
    ax.set_title(title(run.lang))
    ax.legend(fontsize=8, bbox_to_anchor=(1.02, 1), loc="upper left")
    fig.tight_layout()
    return fig


# -- 4. year-on-year ------------------------------------------------------------------------------


def _joint_aggregation(run: Run) -> str:
    """The label of a joint aggregation (TOPSIS, Copeland) the build uses anywhere, else ''."""
    from methods.index.aggregation_kernels import AGGREGATION

    methods = [m for k, m in run.plan.spec.aggregate.items() if k not in ("dat_thresh", "p")]
    for m in methods:
        info = AGGREGATION.get(str(m))
        if info.kernel is not None and info.kernel.joint:
            return info.text("label", run.lang)
    return ""


def _years_skip(run: Run, name: str, title: Text) -> Section | None:
    """The skipped section when no earlier year than the ranked one exists (else None)."""
    if not run.plan.has("years"):
        return Section.skip(name, title, run.plan.why_not("years").key)
    if run.plan.year is not None and not any(y < run.plan.year for y in run.plan.years):
        return Section.skip(name, title, "index.skipped_first_year", year=run.plan.year)
    return None


@requires("index", "index.years")
def years(run: Run) -> Section:
    """How did the units' scores change from year to year, on fixed goalposts, up to the ranked
    year?"""
    title = Text("年度变化（固定目标值）", "Year-on-year change on fixed goalposts")
    skipped = _years_skip(run, "index.years", title)
    if skipped is not None:
        return skipped
    joint = _joint_aggregation(run)
    if joint:  # a TOPSIS closeness or a Copeland count is relative to each year's units
        return Section.skip("index.years", title, "index.skipped_years_joint", method=joint)
    try:
        yearly = run.plan.build_years()
    except MethodError as exc:  # e.g. a geometric mean on goalposts that put the worst unit at 0
        return Section("index.years", title, skipped=Finding("index.skipped_years_build", {"error": str(exc)}, "warning"))
    sec = Section("index.years", title)
    root, dims = _dims(run)
    scores_by_year = {y: r.scores for y, r in yearly.items()}
    yoy = dg.year_on_year(scores_by_year, nodes=[root, *dims])
    last = yoy[(yoy["year_to"] == max(scores_by_year)) & (yoy["node"] == root)].set_index("unit")
    last = last.join(run.units[["unit_name"]]).sort_values("change")
    sec.table("year_on_year", yoy, ("年度变化（固定目标值）", "Year-on-year change (fixed goalposts)"))
    means = pd.DataFrame({y: s[[root, *dims]].mean() for y, s in scores_by_year.items()}).T
    sec.table("yearly_means", means.round(4), ("各年平均得分（固定目标值）", "Mean scores by year (fixed goalposts)"))
    sec.figure("yearly_means", _yearly(run, means), ("各年平均得分", "Mean scores by year"))
    mean_change = float(last["change"].mean())
    sec.result("mean_change_last_year", round(mean_change, 6),
               ("最近一年综合得分平均变化", "Mean change of the index in the last year"))
    moved = last.dropna(subset=["change"])
    if moved.empty:
        return sec
    # fixed goalposts score on their own scale (0-100 by default), whatever the headline's scale
    up, down, digits = moved.index[-1], moved.index[0], score_digits(yearly[max(yearly)].scale)
    sec.finding("index.year_change", year_from=int(last["year_from"].iloc[0]), year_to=int(last["year_to"].iloc[0]),
                mean=mean_change, mean_digits=digits + 1, digits=digits,
                up=str(moved.loc[up, "unit_name"]), up_change=float(moved.loc[up, "change"]),
                down=str(moved.loc[down, "unit_name"]), down_change=float(moved.loc[down, "change"]))
    return sec


def _yearly(run: Run, means: pd.DataFrame) -> Any:
    fig, ax = plt.subplots(figsize=(7, 4))
    means.rename(columns=run.label).rename_axis(index=None, columns=None).plot(ax=ax, marker="o")
    ax.set_xlabel(Text("年份", "year")(run.lang))
    ax.set_xticks(list(means.index))
    ax.set_ylabel(Text("平均得分", "mean score")(run.lang))
    ax.set_title(Text("各年平均得分（固定目标值）", "Mean scores by year (fixed goalposts)")(run.lang))
    ax.legend(fontsize=8, bbox_to_anchor=(1.02, 1), loc="upper left")
    fig.tight_layout()
    return fig


# -- 4b. comparability of the years ---------------------------------------------------------------


@requires("index", "index.comparability")
def comparability(run: Run) -> Section:
    """Are the data rescaled within each year (min-max on that year's worst and best unit), so that
    levels do not compare across years? Checked on the years up to the ranked one."""
    title = Text("年度可比性：数据是否逐年重新标准化?", "Year-to-year comparability: are the data rescaled every year?")
    skipped = _years_skip(run, "index.comparability", title)
    if skipped is not None:
        return skipped
    sec = Section("index.comparability", title)
    panel = run.panel if run.plan.year is None else run.panel[run.panel["year"] <= run.plan.year]
    codes = list(run.framework.indicator_codes)
    empty = [c for c in codes if panel.groupby("year")[c].count().eq(0).any()]
    if empty:  # no anchors in a year where the indicator has no value: checked on the others
        sec.finding("index.comparability_unobserved", level="warning", indicators=", ".join(empty))
        codes = [c for c in codes if c not in empty]
    drift = cmp.framework_rescaling_drift(panel, run.meta, codes)
    transitions, discordant = drift.transitions, drift.discordant.copy()
    names = panel.set_index(["unit_id", "year"])["unit_name"]
    discordant.insert(4, "unit_name", [names.get((u, y), u) for u, y in
                                       zip(discordant["unit"], discordant["year_to"], strict=True)])
    sec.table("rescaling_anchors", drift.anchors, ("各指标各年的最小值与最大值（锚点）",
              "Each indicator's minimum and maximum by year (anchors)"), index=False, show=0)
    sec.table("rescaling_transitions", transitions, ("相邻年份之间得分与名次的变化",
              "Change of scores and ranks between consecutive years"), index=False, note=True)
    sec.table("rescaling_discordant", discordant, ("得分与名次反向变化的单位",
              "Units whose score and rank moved in opposite directions"), index=False, show=0)
    rescaled = list(drift.rescaled)
    sec.result("rescaled_indicators", rescaled, ("逐年重新标准化（锚点落在量表两端）的指标",
               "Indicators rescaled within each year (anchors on the scale's ends)"))
    sec.result("max_share_discordant", round(float(transitions["share_discordant"].max()), 6),
               ("得分与名次反向变化的单位最高占比",
                "Largest share of units whose score and rank moved in opposite directions"))
    if rescaled:
        _rescaled_finding(sec, drift, discordant)
    else:
        sec.finding("index.not_rescaled_no_years" if _joint_aggregation(run) else "index.not_rescaled", n_ind=len(drift.pinned_years),
                    share=float(transitions["share_discordant"].max()), rho=float(transitions["spearman"].min()))
    return sec


def _rescaled_finding(sec: Section, drift: Any, discordant: pd.DataFrame) -> None:
    transitions, rescaled = drift.transitions, list(drift.rescaled)
    which = []
    for c in rescaled:
        ys, n = drift.unpinned_years(c), drift.n_years[c]
        which.append(message_text("index.rescaled_some_years", code=c, k=n - len(ys), n=n,
                                  years=", ".join(map(str, ys))) if ys else
                     message_text("index.rescaled_all_years", code=c, n=n))
    y0, y1 = int(transitions["year_from"].max()), int(transitions["year_to"].max())
    tr = transitions[(transitions["year_to"] == y1) & transitions["indicator"].isin(rescaled)]
    tr = tr.sort_values("share_discordant", ascending=False, kind="stable").head(3)
    moves = [message_text("index.rescaled_fell", code=r["indicator"], n_down=r["n_down"], n_common=r["n_common"],
                          n_discordant=r["n_down_rank_up"]) if r["n_down"] >= r["n_up"] else
             message_text("index.rescaled_rose", code=r["indicator"], n_up=r["n_up"], n_common=r["n_common"],
                          n_discordant=r["n_up_rank_down"]) for _, r in tr.iterrows()]
    last = discordant[(discordant["year_to"] == y1) & discordant["indicator"].isin(tr["indicator"])]
    fell = last[last["change"] < 0].sort_values("rank_gain", ascending=False, kind="stable")
    example = Text("", "")
    if not fell.empty:
        u = fell.iloc[0]
        example = message_text("index.rescaled_example", unit=str(u["unit_name"]), code=u["indicator"],
                               score_from=float(u["score_from"]), score_to=float(u["score_to"]),
                               rank_from=float(u["rank_from"]), rank_to=float(u["rank_to"]))
    sec.finding("index.rescaled", n_rescaled=len(rescaled), n_ind=len(drift.pinned_years),
                which=_joined(which, "；", "; "), year_from=y0, year_to=y1, moves=_joined(moves, "；", "; "),
                example=example, rho_low=float(tr["spearman"].min()), rho_high=float(tr["spearman"].max()))


# -- 5. weight on input, output and outcome --------------------------------------------------------


@requires("index", "index.weight_shares")
def weight_shares(run: Run) -> Section:
    """Does the framework's nominal weight put results (outcome indicators) ahead of spending
    (input indicators)? Only for a framework that tags its indicators' kinds."""
    title = Text("投入、产出与成效的权重占比", "Weight on input, output and outcome indicators")
    if not run.plan.has("kinds"):
        return Section.skip("index.weight_shares", title, run.plan.why_not("kinds").key)
    sec = Section("index.weight_shares", title)
    res = run.plan.index
    meta = run.meta.copy()
    untagged = (meta["level"] == 1) & meta["kind"].isna()
    meta.loc[untagged, "kind"] = "untagged"
    shares = dg.weight_shares(meta, weights=res.weights)
    sec.table("weight_shares_kind", shares.round(4), ("各节点下投入/产出/成效指标的名义权重占比",
              "Nominal weight share of input/output/outcome indicators under each node"), note=True)
    upper = shares[shares["level"] >= shares["level"].max() - 1].drop(columns="level")
    sec.figure("weight_shares_kind", _shares_figure(run, upper), ("投入/产出/成效权重占比", "Weight share by indicator kind"))
    root = res.index_code
    out_share = float(shares.loc[root].get("outcome", 0.0))
    in_share = float(shares.loc[root].get("input", 0.0))
    sec.result("outcome_weight_share", round(out_share, 6), ("成效类指标名义权重占比", "Nominal weight share of outcome indicators"))
    if run.plan.setting("verdicts.outcome_share"):  # options.verdicts.outcome_share: false turns it off
        _outcome_verdict(run, sec, shares, out_share, in_share)
    return sec


def _outcome_verdict(run: Run, sec: Section, shares: pd.DataFrame, out_share: float, in_share: float) -> None:
    """Whether the weights put outcome indicators ahead of input indicators (or which kind is absent)."""
    if {"input", "outcome"} <= set(shares.columns):
        key = "index.outcome_ahead" if out_share > in_share else "index.outcome_behind"
        if run.plan.weights_method != "expert":  # the verdict is on the weights the run used
            key += "_run"
            sec.finding(key, outcome=out_share, input=in_share, scheme=run.plan.weights_method)
        else:
            sec.finding(key, outcome=out_share, input=in_share)
    else:
        missing = Text("成效", "outcome") if "outcome" not in shares.columns else Text("投入", "input")
        sec.finding("index.kinds_one_sided", missing=missing, outcome=out_share, input=in_share)


def _shares_figure(run: Run, upper: pd.DataFrame) -> Any:
    fig, ax = plt.subplots(figsize=(7, 3.8))
    shown = upper.rename(index=lambda c: f"{c} {run.label(c)}", columns=lambda k: column_label(k, run.lang))
    shown.rename_axis(index=None, columns=None).plot.barh(stacked=True, ax=ax)
    ax.set_xlabel(Text("名义权重占比", "nominal weight share")(run.lang))
    ax.set_title(Text("投入/产出/成效权重占比", "Weight share by indicator kind")(run.lang))
    ax.invert_yaxis()
    ax.legend(fontsize=8, bbox_to_anchor=(1.02, 1), loc="upper left")
    fig.tight_layout()
    return fig
