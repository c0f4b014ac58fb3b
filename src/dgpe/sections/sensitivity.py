"""Notebook 04's questions: which rank differences survive plausible alternative builds, and which
methodological choice drives the rest (uncertainty and sensitivity analysis).

:func:`uncertainty` runs the Monte Carlo analysis of the run config's ``sensitivity:`` block on the
plan's nominal build (its spec and resolved weights); the sections after it read its result:
:func:`rank_intervals`, :func:`top_bottom`, :func:`tiers`, :func:`drivers`, :func:`importance` and
:func:`bands`. :func:`leave_one_out` works on the nominal build alone. :func:`verdict` states what
the report should publish.

>>> from dgpe.session import open_run                                          # doctest: +SKIP
>>> run = open_run("configs/default.yaml", notebook="04_sensitivity", overrides=["sensitivity.n=64"])  # doctest: +SKIP
>>> ua = uncertainty(run)                                                       # doctest: +SKIP
>>> tiers(run, ua).get_result("n_tiers") > 0                                    # doctest: +SKIP
True
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from dgpe.catalogue import message_text
from dgpe.plan import scale_label
from dgpe.sections.base import Section, localise_bands, requires
from dgpe.text import Text

__all__ = ["uncertainty", "rank_intervals", "top_bottom", "tiers", "drivers", "interactions",
           "convergence", "audit_plots", "importance", "leave_one_out", "bands", "verdict",
           "INPUT_NAMES"]

#: The uncertain inputs of :mod:`methods.sensitivity`, named for readers.
INPUT_NAMES: dict[str, Text] = {
    "weights": Text("权重", "weights"), "weight_set": Text("权重方案", "weight set"),
    "normalise": Text("标准化方法", "normalisation"), "aggregate": Text("加权汇总方法", "aggregation"),
    "treat": Text("离群值处理", "outlier treatment"), "impute": Text("缺失值插补", "imputation"),
    "exclude": Text("剔除指标/维度", "exclusion"),
}
KIND_NAMES: dict[str, Text] = {"input": Text("投入", "input"), "output": Text("产出", "output"),
                               "outcome": Text("结果/实际使用", "outcome")}
STEP_NAMES: dict[str, Text] = {"normalise": Text("标准化方法", "normalisation"), "aggregate": Text("加权汇总方法", "aggregation")}
SCORE_COLUMNS = ("score_mean", "score_sd", "score_q05", "score_q95")


def input_name(code: str) -> Text:
    """An uncertain input's name (the code itself when it has none)."""
    return INPUT_NAMES.get(code, Text(code, code))


def unit_name(run: Any, unit: Any) -> str:
    """A unit's name as the data give it (the unit id when there is none)."""
    names = run.units["unit_name"] if "unit_name" in run.units else pd.Series(dtype=object)
    return str(names.get(unit, unit))


def _unsampled_nominal(run: Any) -> dict[str, tuple[str, str]]:
    """The steps whose sampled alternatives leave out the nominal build's method: step ->
    (nominal method, alternatives), from the run config's ``sensitivity.uncertainties``."""
    wanted = run.plan.sensitivity.get("uncertainties") or {}
    spec = run.plan.spec
    nominal = {"normalise": dict(spec.normalise).get("method", "minmax"),
               "aggregate": dict(spec.aggregate).get("default", "arithmetic")}
    key = {"normalise": "method", "aggregate": "default"}
    out = {}
    for step, method in nominal.items():
        alts = wanted.get(step)
        if not isinstance(alts, list):
            continue
        methods = [str(a.get(key[step], "")) if isinstance(a, dict) else str(a) for a in alts]
        if str(method) not in methods:
            out[step] = (str(method), ", ".join(methods))
    return out


def _result(ua: Section) -> Any:
    return ua.data.get("result")


def _skip_after(name: str, title: tuple[str, str], ua: Section) -> Section | None:
    if _result(ua) is None:
        return Section.skip(name, title, "sensitivity.skipped_no_uncertainty")
    return None


# -- the analysis --------------------------------------------------------------------------------


@requires("index", "sensitivity.uncertainty")
def uncertainty(run: Any) -> Section:
    """Which methodological choices are uncertain, and how many alternative builds were evaluated.

    Runs :func:`methods.sensitivity.uncertainty_analysis` on the plan's nominal build (its spec and
    resolved weights, with AHP as a named weight set when the run has AHP matrices, and the grade
    bands only when they fit the index's scale). ``data["result"]`` holds the
    :class:`methods.sensitivity.UncertaintyResult`; ``data["notes"]`` how the method resolved the
    alternatives and which samples the score statistics use."""
    name, title = "sensitivity.uncertainty", ("不确定的方法选择", "Uncertain choices")
    if not run.plan.has("sensitivity"):
        return Section.skip(name, title, run.plan.why_not("sensitivity").key)
    from methods import MethodError
    from methods import sensitivity as sa

    spec = sa.SensitivitySpec.from_dict(run.plan.sensitivity)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = sa.uncertainty_analysis(
                run.data, run.meta, run.plan.spec, seed=run.seed, bands=run.plan.bands,
                weights=run.plan.weights_override, weight_sets=run.plan.weight_sets, **spec.kwargs())
    except MethodError as exc:
        return Section.skip(name, title, "sensitivity.skipped_failed", error=str(exc))
    sec = Section(name, Text(*title))
    sec.findings.extend(run.plan.sensitivity_dropped)
    sec.table("uncertain_inputs", res.inputs, ("不确定的方法选择及其备选方案", "Uncertain choices and their alternatives"))
    sec.result("n_evaluations", int(res.n_evaluations), ("指数重算次数", "Index evaluations"))
    sec.result("n_ua_samples", int(res.units["n_samples"].max()), ("不确定性分析样本数", "Uncertainty-analysis samples"))
    sec.data["result"] = res
    sec.data["notes"] = [*res.notes, f"score statistics and bands: {res.band_basis}"]
    return sec


@requires("index", "sensitivity.rank_intervals")
def rank_intervals(run: Any, ua: Section) -> Section:
    """How far each unit's rank moves over the alternative builds (median and 5%–95% interval).

    Score statistics (``score_*``) come only from samples on the index's own score scale; when no
    alternative keeps it, they are left out and a finding says so."""
    name, title = "sensitivity.rank_intervals", ("排名区间", "Rank intervals")
    if (skip := _skip_after(name, title, ua)) is not None:
        return skip
    res = _result(ua)
    sec = Section(name, Text(*title))
    s = res.units
    sec.figure("rank_intervals", _rank_interval_figure(s, run.lang), ("排名区间（按名义排名排序）", "Rank intervals ordered by nominal rank"), note=True)
    table = s.copy()
    table.insert(0, "unit_name", [unit_name(run, u) for u in table.index])
    table["interval_width"] = table["q95"] - table["q05"]
    off_scale = table["score_mean"].isna().all()
    if off_scale:
        table = table.drop(columns=[c for c in SCORE_COLUMNS if c in table.columns])
    sec.table("rank_uncertainty", table.round(6), ("各单位排名的不确定性", "Rank uncertainty by unit"), note=True, show=15)
    width = table["interval_width"]
    sec.result("mean_abs_rank_shift", round(res.mean_abs_shift, 6), ("平均绝对排名变动", "Mean absolute rank shift"), tol=1e-9)
    sec.result("median_interval_width", float(width.median()), ("排名区间宽度中位数", "Median width of the rank interval"))
    sec.finding("sensitivity.rank_shift", n=int(s["n_samples"].max()), shift=res.mean_abs_shift,
                width=width.median(), widest=width.max(), unit=unit_name(run, width.idxmax()))
    if off_scale:
        sec.finding("sensitivity.scores_off_scale", scale=scale_label(run.plan.scale))
    for step, (nominal, alternatives) in _unsampled_nominal(run).items():
        sec.finding("sensitivity.nominal_not_sampled", step=STEP_NAMES[step], nominal=nominal, alternatives=alternatives)
    _outside_finding(run, res, sec)
    sec.data["table"] = table
    return sec


def _outside_finding(run: Any, res: Any, sec: Section) -> None:
    """Flag the units whose nominal rank lies outside their 5%–95% interval."""
    out = res.outside_interval()
    sec.result("units_nominal_outside", len(out), ("名义排名落在 5%–95% 区间之外的单位数", "Units whose nominal rank lies outside their 5%–95% interval"))
    if out.empty:
        sec.finding("sensitivity.nominal_inside", n=len(res.units))
        return
    table = out.copy()
    table.insert(0, "unit_name", [unit_name(run, u) for u in table.index])
    sec.table("nominal_outside_interval", table, ("名义排名落在 5%–95% 区间之外的单位", "Units whose nominal rank lies outside their 5%–95% interval"))
    names = ", ".join(f"{unit_name(run, u)} (#{int(r.nominal_rank)}, {r.q05:g}–{r.q95:g})" for u, r in out.head(8).iterrows())
    sec.finding("sensitivity.nominal_outside", level="warning", count=len(out), units=names)


@requires("index", "sensitivity.top_bottom")
def top_bottom(run: Any, ua: Section) -> Section:
    """How sure the candidates for the first and the last k places are."""
    name, title = "sensitivity.top_bottom", ("前 k 名与后 k 名的概率", "Probability of the top k and the bottom k")
    if (skip := _skip_after(name, title, ua)) is not None:
        return skip
    res = _result(ua)
    k, sure, chance = res.top_k, run.plan.threshold("sensitivity.sure_share"), run.plan.threshold("sensitivity.chance_share")
    s = res.units
    labels = {u: f"{u} {unit_name(run, u)} (#{int(r)})" for u, r in s["nominal_rank"].items()}
    top = s.loc[s["p_top_k"] > chance, "p_top_k"].sort_values(ascending=False)
    bottom = s.loc[s["p_bottom_k"] > chance, "p_bottom_k"].sort_values(ascending=False)
    sec = Section(name, Text(*title))
    fig = _top_bottom_figure(top, bottom, labels, sure, (Text(f"进入前 {k} 名的概率", f"P(top {k})")(run.lang),
                                                         Text(f"落入后 {k} 名的概率", f"P(bottom {k})")(run.lang)))
    sec.figure("top_bottom_k", fig, (f"前 {k} 名与后 {k} 名的概率", f"Probability of the top {k} and the bottom {k}"), note=True)
    n_top, n_bottom = int((top >= sure).sum()), int((bottom >= sure).sum())
    sec.result("units_surely_top_k", n_top, (f"以 ≥{sure:.0%} 概率位列前 {k} 的单位数", f"Units in the top {k} with probability >= {sure:.0%}"))
    sec.finding("sensitivity.top_bottom", k=k, n_top=n_top, n_chance=len(top), n_bottom=n_bottom, sure=sure, chance=chance)
    return sec


@requires("index", "sensitivity.tiers")
def tiers(run: Any, ua: Section) -> Section:
    """Which units cannot be told apart: tiers formed from the top, a tier being its leader and
    every following unit not reliably behind it."""
    name, title = "sensitivity.tiers", ("无法区分的单位", "Units that cannot be told apart")
    if (skip := _skip_after(name, title, ua)) is not None:
        return skip
    res = _result(ua)
    table = res.rank_groups.copy()
    table["unit_names"] = [", ".join(unit_name(run, u.strip()) for u in row.split(",")) for row in table["units"]]
    sec = Section(name, Text(*title))
    sec.table("rank_tiers", table, ("无法区分的排名梯队", "Tiers of units that cannot be told apart"), show=12)
    adjacent = res.pairs[res.pairs["offset"] == 1]
    sec.result("adjacent_pairs_told_apart", int(adjacent["distinguishable"].sum()), ("可区分的相邻名次对数", "Adjacent pairs told apart"))
    sec.result("n_tiers", len(table), ("梯队数", "Number of tiers"))
    sec.data["tiers"] = table
    return sec


@requires("index", "sensitivity.drivers")
def drivers(run: Any, ua: Section) -> Section:
    """Which methodological choice drives the rank changes: first- and total-order Sobol' indices
    of the mean absolute rank shift, and of every unit's rank."""
    name, title = "sensitivity.drivers", ("哪项方法选择驱动排名变化", "Which choice drives the rank changes")
    if (skip := _skip_after(name, title, ua)) is not None:
        return skip
    res = _result(ua)
    if res.sobol is None:
        return Section.skip(name, title, "sensitivity.skipped_no_sobol")
    lang = run.lang
    sec = Section(name, Text(*title))
    so = res.sobol.rename(index=lambda c: input_name(c)(lang))
    sec.figure("sobol_indices", _sobol_figure(so, lang), ("各方法选择的 Sobol 敏感性指数", "Sobol' indices of the methodological choices"), note=True)
    sec.table("sobol_indices", res.sobol, ("Sobol 一阶与总效应指数（含自助法区间）", "First- and total-order Sobol' indices (bootstrap intervals)"), note=True)
    ranked = res.sobol["total"].sort_values(ascending=False)
    sec.result("main_driver", ranked.index[0], ("最主要的方法选择", "Choice that matters most"))
    if res.sobol_units is not None:
        never = Text("排名始终不变", "rank never changes")(lang)  # units whose rank never varies have no driver
        driver = res.main_drivers("rank", "total").map(lambda k: input_name(k)(lang) if isinstance(k, str) else never)
        sec.table("unit_main_driver", driver.value_counts().rename("units").to_frame(), ("各单位排名变化的主要来源", "Main driver of each unit's rank variance"))
        sec.table("unit_sobol_rank_total", res.sobol_table("rank", "total").round(6), ("各单位排名的总效应指数", "Total-order indices of each unit's rank"), show=0)
    sec.data["ranked"] = ranked
    return sec


@requires("index", "sensitivity.importance")
def importance(run: Any, ua: Section) -> Section:
    """How much each indicator and dimension actually moves the index (its correlation ratio S,
    Paruolo, Saisana & Saltelli 2013) against its nominal weight; by kind when the framework tags
    input, output and outcome indicators."""
    name, title = "sensitivity.importance", ("有效重要性与名义权重", "Effective importance versus nominal weight")
    if (skip := _skip_after(name, title, ua)) is not None:
        return skip
    imp = _result(ua).effective_importance
    if imp is None:
        return Section.skip(name, title, "sensitivity.skipped_no_importance")
    lang = run.lang
    sec = Section(name, Text(*title))
    table = imp.table.copy()
    table.insert(0, "name", [run.label(c) for c in table.index])
    sec.table("effective_importance", table.round(6), ("有效重要性与名义权重", "Effective importance and nominal weight"), show=0)
    fig = _importance_figure(table, run.plan.threshold("sensitivity.importance_label_ratio"), lang)
    sec.figure("importance_vs_weight", fig, ("有效重要性与名义权重", "Effective importance versus nominal weight"), note=True)
    if imp.by_kind is not None and run.plan.has("kinds"):
        by_kind = imp.by_kind.rename(index=lambda k: KIND_NAMES[k](lang) if k in KIND_NAMES else k)
        sec.table("importance_by_kind", by_kind.round(6), ("投入、产出与成效类指标的权重与有效重要性", "Weight and effective importance of input, output and outcome indicators"))
    return sec


@requires("index", "sensitivity.balance")
def balance(run: Any) -> Section:
    """The dimension weights that would make each dimension as important as its nominal weight
    (COINr's "balance", on the correlation ratio), from the nominal build."""
    from methods import sensitivity as sa

    sec = Section("sensitivity.balance", Text("平衡权重", "Balanced weights"))
    root = run.plan.index.index_code
    level = int(run.meta.loc[run.meta["code"] == root, "level"].iloc[0]) - 1
    opt = sa.optimise_weights(run.data, run.meta, run.plan.spec, level=level, target="nominal",
                              weights=run.plan.weights_override)
    table = opt.table.copy()
    table.insert(0, "name", [run.label(c) for c in table.index])
    sec.table("balanced_weights", table.round(6), ("使有效重要性等于名义权重的维度权重", "Dimension weights that give each dimension its nominal importance"))
    return sec


@requires("index", "sensitivity.leave_one_out")
def leave_one_out(run: Any) -> Section:
    """How much the ranking leans on each indicator and (sub-)dimension: each removed in turn, the
    other weights rescaled, the mean absolute rank change."""
    from methods import sensitivity as sa

    lang = run.lang
    sec = Section("sensitivity.leave_one_out", Text("逐一剔除", "Leave one out"))
    loo = sa.leave_one_out(run.data, run.meta, run.plan.spec, weights=run.plan.weights_override)
    table = loo.table.copy()
    table.insert(0, "name", [run.label(c) for c in table.index])
    sec.table("leave_one_out", table.round(6), ("逐一剔除指标与维度后的排名变化", "Rank change with each indicator or dimension removed"))
    sec.table("leave_one_out_rank_change", loo.rank_change, ("逐一剔除后各单位的排名变化", "Rank change per unit with each node removed"), show=0)
    sec.figure("leave_one_out", _leave_one_out_figure(table, lang), ("逐一剔除的平均绝对排名变化", "Mean absolute rank change when one node is removed"), note=True)
    shift = table["mean_abs_shift"]
    sec.data["top_indicator"] = shift[table["level"] == 1].idxmax()
    sec.data["top_dimension"] = shift[table["level"] > 1].idxmax() if (table["level"] > 1).any() else None
    return sec


@requires("index", "sensitivity.bands")
def bands(run: Any, ua: Section) -> Section:
    """How sure each unit's published grade band is, over the samples on the index's score scale."""
    name, title = "sensitivity.bands", ("等级的稳定性", "Stability of the grade bands")
    if not run.plan.has("bands"):
        return Section.skip(name, title, run.plan.why_not("bands").key, **run.plan.why_not("bands").params)
    if (skip := _skip_after(name, title, ua)) is not None:
        return skip
    res = _result(ua)
    bp = res.band_probability
    if bp is None or bp.isna().all().all():
        return Section.skip(name, title, "sensitivity.scores_off_scale", scale=scale_label(run.plan.scale))
    sure = run.plan.threshold("sensitivity.band_sure_share")
    unsure = bp[bp.max(axis=1) < sure]
    table = bp.copy()
    table.columns = localise_bands(table.columns, run.plan.bands, run.lang)
    table.insert(0, "unit_name", [unit_name(run, u) for u in table.index])
    sec = Section(name, Text(*title))
    sec.table("band_probability", table.round(6), ("各单位落入各等级的概率", "Probability of each grade band"), show=15)
    sec.result("units_band_uncertain", len(unsure), (f"等级不确定（最大概率 < {sure:.0%}）的单位数", f"Units whose band is uncertain (max probability < {sure:.0%})"))
    return sec


@requires("index", "sensitivity.verdict")
def verdict(run: Any, ua: Section, loo: Section) -> Section:
    """What the report should publish: tiers rather than single ranks where units cannot be told
    apart; which choice most deserves a decision; whether the outcome indicators weigh in the index
    as much as their weights promise (only when the framework tags kinds)."""
    name, title = "sensitivity.verdict", ("结论", "Verdict")
    if (skip := _skip_after(name, title, ua)) is not None:
        return skip
    res = _result(ua)
    sec = Section(name, Text(*title))
    _tier_finding(run, res, sec)
    code, dim = loo.data["top_indicator"], loo.data["top_dimension"]
    removal = (message_text("sensitivity.loo_indicator", code=code, name=run.name(code)) if dim is None else
               message_text("sensitivity.loo_indicator_dimension", code=code, name=run.name(code),
                            dim_code=dim, dim_name=run.name(dim)))
    if res.sobol is not None:
        ranked = res.sobol["total"].sort_values(ascending=False)
        main = res.sobol.loc[ranked.index[0]]
        after = (message_text("sensitivity.driver_next", name=input_name(ranked.index[1]), total=ranked.iloc[1])
                 if len(ranked) > 1 else Text("", ""))
        sec.finding("sensitivity.driver", main=input_name(ranked.index[0]), total=main["total"],
                    low=main["total_low"], high=main["total_high"], first=main["first"], next=after, loo=removal)
    else:
        sec.finding("sensitivity.loo_indicator" if dim is None else "sensitivity.loo_indicator_dimension",
                    code=code, name=run.name(code), **({} if dim is None else {"dim_code": dim, "dim_name": run.name(dim)}))
    imp = res.effective_importance
    if imp is not None and imp.by_kind is not None and run.plan.has("kinds"):
        _kind_finding(run, imp.by_kind, sec)
    return sec


def _tier_finding(run: Any, res: Any, sec: Section) -> None:
    table = res.rank_groups
    n = len(res.units)
    first = res.units.index[0]
    p_top = float((res.ranks[first] == 1).mean()) if res.ranks is not None else float("nan")
    adjacent = res.pairs[res.pairs["offset"] == 1]
    common = {"n": n, "n_apart": int(adjacent["distinguishable"].sum()), "n_adjacent": n - 1,
              "conf": res.pair_confidence, "top": unit_name(run, first), "p_top": p_top}
    big = table[table["size"] > 1]
    if big.empty:
        sec.finding("sensitivity.tiers_all_apart", **common)
        return
    largest = table.loc[table["size"].idxmax()]
    sec.finding("sensitivity.tiers", level="warning", n_tiers=len(table), n_big=len(big),
                first=int(largest["first_rank"]), last=int(largest["last_rank"]), size=int(largest["size"]), **common)


def _kind_finding(run: Any, by_kind: pd.DataFrame, sec: Section) -> None:
    parts = [message_text("sensitivity.kind_share", kind=KIND_NAMES.get(str(k), Text(str(k), str(k))),
                          weight=r["weight_share"], importance=r["importance_share"]) for k, r in by_kind.iterrows()]
    shares = Text("；".join(p.zh for p in parts), "; ".join(p.en for p in parts))
    if "outcome" not in by_kind.index:
        sec.finding("sensitivity.kinds_no_outcome", shares=shares)
        return
    o = by_kind.loc["outcome"]
    delivered = o["importance_share"] >= o["weight_share"] - run.plan.threshold("sensitivity.outcome_share_slack")
    sec.finding("sensitivity.kinds_outcome_delivered" if delivered else "sensitivity.kinds_outcome_short", shares=shares)


# -- figures -------------------------------------------------------------------------------------


def _rank_interval_figure(s: pd.DataFrame, lang: str) -> Any:
    import matplotlib.pyplot as plt

    from dgpe import plotting

    x = np.arange(1, len(s) + 1)
    fig, ax = plt.subplots(figsize=(min(16, 4 + 0.08 * len(s)), 5))
    ax.vlines(x, s["q05"], s["q95"], color=plotting.PALETTE[0], lw=1.6, alpha=0.7, label=Text("5%–95% 区间", "5%–95% interval")(lang))
    ax.scatter(x, s["median"], s=10, color=plotting.PALETTE[1], zorder=3, label=Text("中位排名", "median rank")(lang))
    ax.scatter(x, s["nominal_rank"], s=10, marker="_", color="black", zorder=4, label=Text("名义排名", "nominal rank")(lang))
    ax.invert_yaxis()
    ax.set_xlabel(Text("单位（按名义排名）", "units (by nominal rank)")(lang))
    ax.set_ylabel(Text("排名", "rank")(lang))
    ax.set_title(Text("综合指数的排名区间", "Rank intervals of the index")(lang))
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def _top_bottom_figure(top: pd.Series, bottom: pd.Series, labels: dict[Any, str], sure: float,
                       titles: tuple[str, str]) -> Any:
    import matplotlib.pyplot as plt

    from dgpe import plotting

    fig, axes = plt.subplots(1, 2, figsize=(11, max(3, 0.22 * max(len(top), len(bottom)) + 1.2)))
    for ax, part, color, ttl in zip(axes, (top, bottom), plotting.PALETTE[2:4], titles, strict=True):
        ax.barh([labels[u] for u in part.index], part.to_numpy(), color=color)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.axvline(sure, color="grey", ls="--", lw=1)
        ax.set_title(ttl)
        ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    return fig


def _sobol_figure(so: pd.DataFrame, lang: str) -> Any:
    """First- and total-order indices with their bootstrap intervals, as estimated: not clipped
    to [0, 1] (a negative first-order index or an interval beyond 1 is Monte Carlo error)."""
    import matplotlib.pyplot as plt

    from dgpe import plotting

    fig, ax = plt.subplots(figsize=(7, 0.6 * len(so) + 1.5))
    y = np.arange(len(so))
    for off, key, color, label in ((-0.18, "first", plotting.PALETTE[0], Text("一阶效应", "first order")),
                                   (0.18, "total", plotting.PALETTE[1], Text("总效应", "total order"))):
        ax.barh(y + off, so[key], height=0.36, color=color, label=label(lang))
        if f"{key}_low" in so:
            # percentile intervals need not contain the estimate (small n): drawn as lines
            ax.hlines(y + off, so[f"{key}_low"], so[f"{key}_high"], color="black", lw=1.2)
            for end in ("low", "high"):
                ax.vlines(so[f"{key}_{end}"], y + off - 0.08, y + off + 0.08, color="black", lw=1.2)
    for ref in (0, 1):
        ax.axvline(ref, color="grey", lw=0.8, ls="-" if ref == 0 else "--")
    ax.set_yticks(y, so.index)
    ax.invert_yaxis()
    ax.set_xlabel(Text("敏感性指数（平均绝对排名变动；区间未截断）", "Sobol' index (mean absolute rank shift; intervals not clipped)")(lang))
    ax.set_title(Text("Sobol 指数及其自助法区间", "Sobol' indices and their bootstrap intervals")(lang))
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def _importance_figure(table: pd.DataFrame, label_ratio: float, lang: str) -> Any:
    import matplotlib.pyplot as plt

    from dgpe import plotting

    levels = sorted(table["level"].unique())
    fig, axes = plt.subplots(1, len(levels), figsize=(4.2 * len(levels), 4))
    for ax, lv in zip(np.atleast_1d(axes), levels, strict=True):
        part = table[table["level"] == lv]
        ax.scatter(part["weight_share"], part["share"], s=18, color=plotting.PALETTE[0])
        lim = max(part["weight_share"].max(), part["share"].max()) * 1.1
        ax.plot([0, lim], [0, lim], color="grey", ls="--", lw=1)
        for c, r in part.iterrows():
            if abs(r["ratio"] - 1) > label_ratio or lv > 1:
                ax.annotate(c, (r["weight_share"], r["share"]), fontsize=7)
        ax.set_xlabel(Text("名义有效权重占比", "nominal weight share")(lang))
        ax.set_ylabel(Text("有效重要性占比", "importance share")(lang))
        ax.set_title(Text(f"第 {lv} 层", f"level {lv}")(lang))
    fig.tight_layout()
    return fig


def _leave_one_out_figure(table: pd.DataFrame, lang: str) -> Any:
    import matplotlib.pyplot as plt

    from dgpe import plotting

    parts = [(table[table["level"] == 1], Text("指标", "indicators")(lang))]
    if (table["level"] > 1).any():
        parts.append((table[table["level"] > 1], Text("维度与子维度", "dimensions and sub-dimensions")(lang)))
    height = max(3, 0.2 * (table["level"] == 1).sum() + 1)
    fig, axes = plt.subplots(1, len(parts), figsize=(6 * len(parts), height), squeeze=False)
    for ax, (part, ttl) in zip(axes[0], parts, strict=True):
        part = part.sort_values("mean_abs_shift")
        ax.barh([f"{c} {n}" for c, n in zip(part.index, part["name"], strict=True)], part["mean_abs_shift"], color=plotting.PALETTE[4])
        ax.set_title(ttl)
        ax.set_xlabel(Text("平均绝对排名变化", "mean absolute rank change")(lang))
        ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    return fig


# -- interactions, convergence and the audit's plots ---------------------------------------------


@requires("index", "sensitivity.interactions")
def interactions(run: Any, ua: Section) -> Section:
    """Which pairs of choices interact: second-order Sobol' indices of the mean absolute rank shift
    (``sensitivity.second_order: true``), with their bootstrap intervals, not clipped."""
    name, title = "sensitivity.interactions", ("方法选择之间的交互作用", "Interactions between the choices")
    if (skip := _skip_after(name, title, ua)) is not None:
        return skip
    res = _result(ua)
    if res.sobol_second is None:
        return Section.skip(name, title, "sensitivity.skipped_no_second_order")
    lang = run.lang
    s2 = res.sobol_second.copy()
    sec = Section(name, Text(*title))
    sec.table("sobol_second_order", s2.round(6), ("二阶 Sobol 指数（含自助法区间）", "Second-order Sobol' indices (bootstrap intervals)"), note=True)
    sec.figure("sobol_second_order", _second_order_figure(s2, lang), ("二阶 Sobol 指数", "Second-order Sobol' indices"), note=True)
    sec.result("n_second_order_evaluations", int(res.n_second_order_evaluations), ("二阶指数追加的指数重算次数", "Index evaluations added for the second-order indices"))
    top = s2.loc[s2["second"].idxmax()]
    real = bool("second_low" in s2 and top["second_low"] > 0)
    first_sum = float(res.sobol["first"].sum())
    sec.finding("sensitivity.interaction" if real else "sensitivity.interaction_none",
                a=input_name(top["input_a"]), b=input_name(top["input_b"]), s2=float(top["second"]),
                low=float(top.get("second_low", np.nan)), high=float(top.get("second_high", np.nan)),
                first_sum=first_sum, second_sum=float(s2["second"].sum()))
    return sec


@requires("index", "sensitivity.convergence")
def convergence(run: Any, ua: Section) -> Section:
    """Was N enough: the Monte Carlo error of the reported rank statistics (exact bootstrap
    intervals) and the Sobol' indices and rank intervals against N, from nested subsets of the
    samples (no new evaluations)."""
    name, title = "sensitivity.convergence", ("样本量是否足够", "Was the sample large enough")
    if (skip := _skip_after(name, title, ua)) is not None:
        return skip
    res = _result(ua)
    lang = run.lang
    conv = res.convergence()
    sec = Section(name, Text(*title))
    mc = res.mc_intervals
    worst = mc.groupby("statistic")["half_width"].agg(["mean", "max"])
    sec.table("mc_error", worst.round(6), ("各统计量的蒙特卡罗误差（自助法区间半宽）", "Monte Carlo error of each statistic (half-width of the bootstrap interval)"), note=True)
    sec.table("mc_intervals", mc.round(6), ("各单位统计量的自助法区间", "Bootstrap intervals of every unit's statistics"), show=0)
    sec.figure("convergence", _convergence_figure(conv, lang), ("Sobol 指数与排名区间随样本量的变化", "Sobol' indices and rank intervals against N"), note=True)
    if conv.sobol is not None:
        sec.table("convergence_sobol", conv.sobol.round(6), ("嵌套子样本上的 Sobol 指数", "Sobol' indices on nested subsets"), show=0)
    if conv.ranks is not None:
        sec.table("convergence_ranks", conv.ranks.round(6), ("嵌套子样本上的排名区间", "Rank intervals on nested subsets"))
    q = mc[mc["statistic"].isin(["q05", "q95"])]["half_width"]
    p = mc[mc["statistic"].isin(["p_top_k", "p_bottom_k"])]["half_width"]
    params = {"n": res.n, "stable_sobol": _n_text(conv.stable_n["sobol"]), "stable_ranks": _n_text(conv.stable_n["ranks"]),
              "tol_index": conv.tol_index, "tol_rank": conv.tol_rank, "half": conv.max_half_width,
              "q_half": float(q.max()), "p_half": float(p.max())}
    sec.result("n_enough", bool(conv.enough), ("样本量是否足够", "Sample size enough"))
    sec.finding("sensitivity.n_enough" if conv.enough else "sensitivity.n_too_small",
                level=None if conv.enough else "warning", **params)
    sec.data["convergence"] = conv
    return sec


def _n_text(v: float) -> str:
    return "—" if np.isnan(v) else f"{int(v)}"


@requires("index", "sensitivity.audit_plots")
def audit_plots(run: Any, ua: Section) -> Section:
    """The plots of a JRC audit: the mean rank shift against each uncertain input (with each
    alternative's mean), the rank shifts under each alternative (box plots) and the rank-frequency
    heatmap (units × ranks)."""
    name, title = "sensitivity.audit_plots", ("审计图", "Audit plots")
    if (skip := _skip_after(name, title, ua)) is not None:
        return skip
    res = _result(ua)
    if res.ranks is None or res.samples is None:
        return Section.skip(name, title, "sensitivity.skipped_no_samples")
    lang = run.lang
    sec = Section(name, Text(*title))
    sec.figure("shift_vs_inputs", _input_scatter_figure(res, lang), ("平均绝对排名变动与各不确定输入", "Mean absolute rank shift against each uncertain input"), note=True)
    sec.figure("rank_shift_boxplots", _rank_shift_box_figure(res, lang), ("各备选方案下的排名变动", "Rank shifts under each alternative"), note=True)
    sec.figure("rank_frequency", _rank_frequency_figure(res, lang), ("排名频率热图", "Rank-frequency heatmap"), note=True)
    return sec


def _second_order_figure(s2: pd.DataFrame, lang: str) -> Any:
    import matplotlib.pyplot as plt

    from dgpe import plotting

    labels = [f"{input_name(a)(lang)} × {input_name(b)(lang)}" for a, b in zip(s2["input_a"], s2["input_b"], strict=True)]
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(s2) + 1.5))
    y = np.arange(len(s2))
    ax.barh(y, s2["second"], height=0.5, color=plotting.PALETTE[2])
    if "second_low" in s2:
        ax.hlines(y, s2["second_low"], s2["second_high"], color="black", lw=1.2)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel(Text("二阶指数（区间未截断）", "second-order index (intervals not clipped)")(lang))
    ax.set_title(Text("方法选择两两之间的交互作用", "Interactions of pairs of choices")(lang))
    fig.tight_layout()
    return fig


def _convergence_figure(conv: Any, lang: str) -> Any:
    import matplotlib.pyplot as plt

    from dgpe import plotting

    panels = int(conv.sobol is not None) * 2 + int(conv.ranks is not None)
    fig, grid = plt.subplots(1, max(panels, 1), figsize=(4.3 * max(panels, 1), 3.8), squeeze=False)
    axes = list(grid[0])
    if conv.sobol is not None:
        for key, ttl in (("first", Text("一阶效应", "first order")), ("total", Text("总效应", "total order"))):
            ax = axes.pop(0)
            for i, (inp, part) in enumerate(conv.sobol.groupby("input", sort=False)):
                c = plotting.PALETTE[i % len(plotting.PALETTE)]
                ax.plot(part["n"], part[key], marker="o", ms=3, color=c, label=input_name(inp)(lang))
                if f"{key}_low" in part:
                    ax.fill_between(part["n"], part[f"{key}_low"], part[f"{key}_high"], color=c, alpha=0.15)
            ax.set_xscale("log", base=2)
            ax.axhline(0, color="grey", lw=0.6)
            ax.set_xlabel(Text("基础样本量 N", "base sample size N")(lang))
            ax.set_title(Text("Sobol 指数：", "Sobol' index: ")(lang) + ttl(lang))
            ax.legend(fontsize=7)
    if conv.ranks is not None:
        ax = axes.pop(0)
        r = conv.ranks
        ax.plot(r["n"], r["mean_width"], marker="o", ms=3, color=plotting.PALETTE[0], label=Text("区间平均宽度", "mean interval width")(lang))
        ax.plot(r["n"], r["mean_change"], marker="s", ms=3, color=plotting.PALETTE[1], label=Text("区间端点平均变化", "mean change of the ends")(lang))
        ax.axhline(conv.tol_rank, color="grey", ls="--", lw=0.8)
        ax.set_xscale("log", base=2)
        ax.set_xlabel(Text("基础样本量 N", "base sample size N")(lang))
        ax.set_ylabel(Text("排名", "ranks")(lang))
        ax.set_title(Text("5%–95% 排名区间", "5%–95% rank intervals")(lang))
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def _input_columns(res: Any) -> list[tuple[str, Any, bool]]:
    """Each uncertain input's sampled value: (input, values, discrete)."""
    out = []
    for inp in res.inputs.index:
        if inp in res.samples:
            order = [a.strip() for a in str(res.inputs.loc[inp, "alternatives"]).split(" | ")]
            seen = set(res.samples[inp].astype(str))
            cats = [a for a in order if a in seen] + sorted(seen - set(order))
            out.append((inp, pd.Categorical(res.samples[inp].astype(str), categories=cats), True))
        elif res.design_rows is not None:
            cols = [c for c in res.design_rows.columns if c == inp or c.startswith(f"{inp}[")]
            if cols:
                out.append((inp, res.design_rows[cols].mean(axis=1), False))
    return out


def _input_scatter_figure(res: Any, lang: str) -> Any:
    import matplotlib.pyplot as plt

    from dgpe import plotting

    cols = _input_columns(res)
    y = res.shift.to_numpy()
    fig, axes = plt.subplots(1, len(cols), figsize=(3.4 * len(cols), 3.6), sharey=True, squeeze=False)
    rng = np.random.default_rng(0)
    for ax, (inp, vals, discrete) in zip(axes[0], cols, strict=True):
        if discrete:
            cats = list(vals.categories)
            pos = vals.codes.astype(float)
            ax.scatter(pos + rng.uniform(-0.25, 0.25, pos.size), y, s=3, alpha=0.25, color=plotting.PALETTE[0])
            means = pd.Series(y).groupby(pos).mean()
            ax.scatter(means.index, means.to_numpy(), marker="D", s=40, color=plotting.PALETTE[1], zorder=3,
                       label=Text("备选方案均值", "alternative's mean")(lang))
            ax.set_xticks(range(len(cats)), cats, rotation=30, ha="right", fontsize=7)
        else:
            x = vals.to_numpy()
            ax.scatter(x, y, s=3, alpha=0.25, color=plotting.PALETTE[0])
            bins = pd.cut(x, 10)
            m = pd.Series(y).groupby(bins, observed=True).mean()
            ax.plot([b.mid for b in m.index], m.to_numpy(), color=plotting.PALETTE[1], marker="D", ms=4,
                    label=Text("分箱均值", "binned mean")(lang))
            ax.set_xlabel(Text("扰动（0–1，各权重平均）", "perturbation (0–1, mean over weights)")(lang), fontsize=8)
        ax.set_title(input_name(inp)(lang))
        ax.legend(fontsize=7)
    axes[0][0].set_ylabel(Text("平均绝对排名变动", "mean absolute rank shift")(lang))
    fig.tight_layout()
    return fig


def _rank_shift_box_figure(res: Any, lang: str) -> Any:
    import matplotlib.pyplot as plt

    shift = res.ranks.to_numpy(dtype=float) - res.units["nominal_rank"].reindex(res.ranks.columns).to_numpy()[None, :]
    cols = [(inp, v) for inp, v, discrete in _input_columns(res) if discrete]
    fig, axes = plt.subplots(1, max(1, len(cols)), figsize=(3.4 * max(1, len(cols)), 3.8), sharey=True, squeeze=False)
    for ax, (inp, vals) in zip(axes[0], cols, strict=False):
        cats = list(vals.categories)
        data = []
        for c in cats:
            d = shift[np.asarray(vals == c)].ravel()
            d = d[~np.isnan(d)]
            data.append(d[:: max(1, d.size // 200_000)])  # at most ~200,000 values a box
        ax.boxplot(data, whis=(5, 95), showfliers=False)
        ax.set_xticks(range(1, len(cats) + 1), cats, rotation=30, ha="right", fontsize=7)
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_title(input_name(inp)(lang))
    axes[0][0].set_ylabel(Text("排名变动（样本排名 − 名义排名）", "rank shift (sample − nominal)")(lang))
    fig.suptitle(Text("须线：5%–95%", "whiskers: 5%–95%")(lang), fontsize=8)
    fig.tight_layout()
    return fig


def _rank_frequency_figure(res: Any, lang: str, max_units: int = 60) -> Any:
    import matplotlib.pyplot as plt

    units = list(res.units.index[:max_units])
    r = res.ranks[units].to_numpy(dtype=float)
    n_rank = int(np.nanmax(r))
    freq = np.stack([np.bincount(r[~np.isnan(r[:, j]), j].astype(int) - 1, minlength=n_rank) for j in range(len(units))])
    freq = freq / np.maximum(freq.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(min(14, 3 + 0.1 * n_rank), 2 + 0.16 * len(units)))
    im = ax.imshow(freq, aspect="auto", cmap="Blues", interpolation="nearest",
                   extent=(0.5, n_rank + 0.5, len(units) - 0.5, -0.5))
    ax.scatter(res.units["nominal_rank"].iloc[:max_units], np.arange(len(units)), marker="|", s=30, color="red",
               label=Text("名义排名", "nominal rank")(lang))
    ax.set_yticks(np.arange(len(units)), [str(u) for u in units], fontsize=6)
    ax.set_xlabel(Text("排名", "rank")(lang))
    ax.set_title(Text(f"排名频率（名义前 {len(units)} 个单位）", f"Rank frequency (nominal top {len(units)} units)")(lang))
    ax.legend(fontsize=7, loc="lower right")
    fig.colorbar(im, ax=ax, label=Text("样本占比", "share of samples")(lang))
    fig.tight_layout()
    return fig
