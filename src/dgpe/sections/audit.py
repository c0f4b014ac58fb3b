"""The data audit (notebook 00): are the run's data fit to be weighted and aggregated?

Each section answers one question about the indicators of the ranked year as delivered
(:attr:`dgpe.session.Run.X`): how complete they are (:func:`coverage`), which are skewed enough to
need outlier treatment (:func:`distributions`), which sit at a ceiling (:func:`bounds`), whether
indicators correlate with their own dimension (:func:`correlations`), where availability runs ahead
of actual use (:func:`pairs`), how the years compare (:func:`years`), which cells ``panel_impute``
filled from other years (:func:`panel_filled`) and what dividing by a denominator (population, GDP …,
the build's ``denominate``) does to the values (:func:`denominators`). The statistics are
:mod:`methods.audit`'s; the thresholds are the catalogue's (``src/dgpe/catalogue/audit.yaml``,
overridable with ``options: {audit: {...}}``).

>>> from dgpe.session import open_run
>>> run = open_run("configs/default.yaml", notebook="00_data_audit")
>>> coverage(run).get_result("n_units")
150
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from dgpe import plotting
from dgpe.sections.base import Section, requires
from dgpe.text import Text
from methods.index import audit
from methods.index.correlations import correlation_table

if TYPE_CHECKING:
    from dgpe.session import Run

__all__ = ["coverage", "distributions", "bounds", "correlations", "pairs", "years", "panel_filled",
           "denominators"]


def _limit(run: Run, name: str) -> Any:
    return run.plan.threshold(f"audit.{name}")


@requires("index", "audit.coverage")
def coverage(run: Run) -> Section:
    """How complete are the ranked year's data, by indicator and by unit?"""
    sec = Section("audit.coverage", Text("数据完整性", "Coverage"))
    x = run.X
    min_cov = _limit(run, "min_coverage")
    cov = audit.coverage(x, min_coverage=min_cov)
    sec.result("n_units", x.shape[0], ("评估单位数", "Units assessed"))
    sec.result("n_indicators", x.shape[1], ("指标数", "Indicators"))
    sec.result("share_missing", round(cov.overall_missing, 6), ("缺失单元格占比", "Share of missing cells"))
    sec.table("coverage_by_indicator", cov.by_indicator, ("各指标缺失情况", "Missing data by indicator"))
    sec.table("coverage_by_unit", cov.by_unit.sort_values("share_available"),
              ("各单位数据可得性", "Data availability by unit"))
    title = Text("各指标缺失比例", "Share missing by indicator")
    fig = plotting.bar(
        cov.by_indicator["share_missing"].rename(index=lambda c: f"{c} {run.label(c)}"),
        title=title(run.lang), xlabel=Text("缺失比例", "share missing")(run.lang),
    )
    sec.figure("missing_by_indicator", fig, title)
    if cov.units_below:
        sec.finding("audit.coverage_low", n=len(cov.units_below), min_coverage=min_cov,
                    units=", ".join(cov.units_below[:10]))
    else:
        sec.finding("audit.coverage_ok", min_coverage=min_cov, share_missing=cov.overall_missing)
    return sec


@requires("index", "audit.distributions")
def distributions(run: Run) -> Section:
    """Which indicators are so skewed that a few units would dominate a min-max scale (JRC rule)?"""
    sec = Section("audit.distributions", Text("分布与离群值", "Distributions and outliers"))
    dist = audit.distribution_table(run.X_denominated, skew_threshold=_limit(run, "skew"),
                                    kurt_threshold=_limit(run, "kurtosis"))
    sec.table("distributions", dist, ("指标分布与离群标记", "Indicator distributions and outlier flags"))
    flagged = [str(c) for c in dist.index[dist["outlier_flag"]]]
    sec.result("n_outlier_flags", len(flagged), ("需处理离群值的指标数", "Indicators needing outlier treatment"))
    sec.figure("histograms", _histograms(run, flagged), ("指标分布", "Indicator distributions"))
    if flagged:
        sec.finding("audit.outliers", n=len(flagged), codes=", ".join(flagged))
    return sec


def _histograms(run: Run, flagged: list[str]) -> Any:
    codes = list(run.X_denominated.columns)
    ncol = 6
    nrow = max(1, int(np.ceil(len(codes) / ncol)))
    fig, axes = plt.subplots(nrow, ncol, figsize=(2.6 * ncol, 1.9 * nrow), squeeze=False)
    for ax, c in zip(axes.flat, codes, strict=False):
        ax.hist(run.X_denominated[c].dropna(), bins=20, color=plotting.PALETTE[3] if c in flagged else plotting.PALETTE[0])
        ax.set_title(c, fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(codes):]:
        ax.set_visible(False)
    fig.suptitle(Text("指标分布（红色：需离群值处理）", "Indicator distributions (red: outlier treatment needed)")(run.lang))
    fig.tight_layout()
    return fig


@requires("index", "audit.bounds")
def bounds(run: Run) -> Section:
    """Which bounded indicators have most units at their ceiling, so that they barely discriminate?"""
    sec = Section("audit.bounds", Text("边界与天花板", "Bounds and ceilings"))
    meta = run.meta.set_index("code")
    ceiling = _limit(run, "ceiling")
    bt = audit.bounds_table(run.X, meta["bound_low"], meta["bound_high"], ceiling=ceiling,
                            share_flag=_limit(run, "ceiling_share"))
    sec.table("bounds", bt, ("边界与天花板检查", "Bounds and ceilings"))
    at_ceiling = [str(c) for c in bt.index[bt["ceiling_flag"]]]
    sec.result("ceiling_indicators", at_ceiling, ("触顶指标", "Indicators at a ceiling"))
    for c in at_ceiling:
        sec.finding("audit.ceiling", code=c, name=run.name(c), share=bt.at[c, "share_at_ceiling"],
                    ceiling=ceiling, within=1 - ceiling)
    return sec


def correlation_groups(run: Run) -> pd.Series:
    """Indicator → its group for the correlation check: the dimension (``audit.correlation_level``
    0, the default) or its ancestor at framework level k (k >= 2; the nearest ancestor above when
    a branch of an unbalanced tree skips that level)."""
    level = int(_limit(run, "correlation_level"))
    if level == 0:
        return pd.Series(run.framework.dimension_of())
    meta = run.meta.set_index("code")
    parent, lev = meta["parent"].to_dict(), meta["level"].to_dict()
    out = {}
    for code in run.framework.indicator_codes:
        node = parent.get(code)
        while node is not None and isinstance(node, str) and lev.get(node, level) < level and parent.get(node):
            node = parent[node]
        out[code] = node
    return pd.Series(out)


@requires("index", "audit.correlations")
def correlations(run: Run) -> Section:
    """Do the oriented indicators correlate more with their own group than with the others?"""
    sec = Section("audit.correlations", Text("相关结构", "Correlations within and across dimensions"))
    groups = correlation_groups(run)
    margin = float(_limit(run, "misplaced_margin"))
    negative_tol = float(_limit(run, "negative_correlation"))
    corr = audit.correlation_structure(audit.oriented(run.X_denominated, run.meta), groups, method="spearman",
                                       negative_tol=negative_tol, margin=margin)
    sec.table("correlation_matrix", corr.matrix.round(10),
              ("指标相关矩阵（Spearman，已统一方向）", "Indicator correlations (Spearman, oriented)"))
    sec.table("correlation_by_indicator", corr.by_indicator,
              ("指标与本维度及其他维度的平均相关", "Mean correlation with own and other dimensions"))
    sec.table("correlation_between_dimensions", corr.between_groups,
              ("维度内与维度间平均相关", "Mean correlation within and between dimensions"), note=True)
    if run.plan.setting("audit.correlation_pvalues"):
        sig = correlation_table(audit.oriented(run.X_denominated, run.meta), "spearman")
        sec.table("correlation_pvalues", sig.to_frame().round(6),
                  ("指标两两相关的显著性（Spearman 的 r、双侧 p 值与成对样本数 n）",
                   "Significance of the pairwise correlations (Spearman r, two-sided p, pairs n)"))
    fig = plotting.correlation_heatmap(
        corr.matrix, title=Text("指标相关矩阵（按维度分块）", "Indicator correlations (blocks = dimensions)")(run.lang),
        groups=groups.reindex(corr.matrix.index).tolist(),
    )
    sec.figure("correlation_heatmap", fig, ("指标相关矩阵", "Indicator correlations"), note=True)
    mis = corr.by_indicator[corr.by_indicator["flag"]]
    for c, row in mis.iterrows():
        sec.finding("audit.misplaced" if row["reason"] == "other_group" else "audit.against_own", code=c, name=run.name(str(c)), own=row["own"], other=row["best_other"],
                    group=row["group"], other_group=row["best_other_group"], margin=margin,
                    negative_tol=negative_tol, n_negative=int(row["n_negative_own"]))
    if mis.empty and groups.nunique() > 1:
        sec.finding("audit.own_dimension", margin=margin)
    elif mis.empty:
        sec.finding("audit.one_block")
    return sec


@requires("index", "audit.pairs")
def pairs(run: Run) -> Section:
    """Where does availability (an input indicator) run ahead of actual use (its outcome pair)?"""
    title = Text("可办与实办", "Availability versus actual use")
    pair_list = list(run.framework.pairs)
    if not pair_list:
        return Section.skip("audit.pairs", title, "audit.skipped_no_pairs")
    sec = Section("audit.pairs", title)
    div = audit.pair_divergence(audit.oriented(run.X_denominated, run.meta), pair_list, gap=_limit(run, "pair_gap"))
    sec.table("pairs", div.pairs, ("可办与实办指标对", "Availability and use pairs"), note=True)
    gaps = div.units[div.units["gap"] > div.gap].sort_values("gap", ascending=False)
    sec.table("pair_gaps", gaps, ("可办远超实办的单位", "Units where availability far exceeds use"), index=False)
    sec.figure("pairs", _pair_scatter(run, div, pair_list), ("可办与实办", "Availability versus use"), note=True)
    need = int(_limit(run, "pair_repeat"))
    counts = gaps["unit"].value_counts()
    repeat = [str(u) for u in counts.index[counts >= need]]
    sec.result("units_available_not_used", repeat,
               ("多对指标中可办远超实办的单位", "Units where availability exceeds use in two or more pairs"))
    key = "audit.available_not_used" if need == 2 else "audit.available_not_used_n"
    sec.finding(key, level="warning" if repeat else "info", n=len(repeat), pairs=need,
                units=", ".join(repeat[:12]))
    return sec


def _pair_scatter(run: Run, div: Any, pair_list: list[tuple[str, str]]) -> Any:
    ncol = min(4, len(pair_list))
    nrow = int(np.ceil(len(pair_list) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.6 * nrow), squeeze=False)
    for ax, (a, b) in zip(axes.flat, pair_list, strict=False):
        sub = div.units[(div.units["available"] == a) & (div.units["used"] == b)].set_index("unit")
        plotting.scatter_pair(
            run.X_denominated.loc[sub.index, a], run.X_denominated.loc[sub.index, b],
            xlabel=f"{a} {run.label(a)}", ylabel=f"{b} {run.label(b)}", highlight=sub["gap"] > div.gap,
            highlight_label=Text("可办远超实办", "available, not used")(run.lang), ax=ax,
        )
    for ax in list(axes.flat)[len(pair_list):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


@requires("index", "audit.years")
def years(run: Run) -> Section:
    """How many units does each year observe, and how complete is each year?"""
    title = Text("多年数据", "Years")
    if not run.plan.has("years"):
        return Section.skip("audit.years", title, run.plan.why_not("years").key)
    sec = Section("audit.years", title)
    per_year = audit.coverage_by_year(run.panel, run.framework.indicator_codes)
    sec.table("years", per_year, ("各年度单位数与缺失", "Units and missing data per year"))
    return sec


@requires("index", "audit.panel_filled")
def panel_filled(run: Run) -> Section:
    """Which of the ranked year's missing cells did ``panel_impute`` fill from the unit's other years,
    and how many of them from later years (scores that change when a later edition arrives)?"""
    title = Text("跨年填补", "Cells filled from other years")
    imp, spec = run.panel_imputation, run.config.panel_impute
    if imp is None or spec is None:
        return Section.skip("audit.panel_filled", title, "audit.skipped_no_panel_impute")
    sec = Section("audit.panel_filled", title)
    this_year = imp.filled[imp.filled["year"] == run.year]
    missing_any = run.X.columns[run.X.isna().any()]
    later = this_year[this_year["uses_later"]]
    per_ind = pd.DataFrame({
        "missing": run.X[missing_any].isna().sum(),
        "filled": this_year.groupby("indicator").size().reindex(missing_any, fill_value=0),
        "from_later_years": later.groupby("indicator").size().reindex(missing_any, fill_value=0),
        "still_missing": run.X_input[missing_any].isna().sum(),
    })
    sec.table("panel_filled", per_ind, ("本年度由其他年份填补的单元格（按指标）",
                                        "Cells of this year filled from other years, by indicator"))
    sec.result("panel_filled_cells", len(this_year), ("跨年填补的单元格数", "Cells filled from other years"))
    n_later = int(per_ind["from_later_years"].sum())
    sec.finding("audit.panel_filled", level="warning" if n_later else "info", year=run.year,
                n_missing=int(per_ind["missing"].sum()), n_filled=len(this_year),
                method=spec.method, n_later=n_later,
                n_left=int(per_ind["still_missing"].sum()))
    return sec


@requires("index", "audit.denominators")
def denominators(run: Run) -> Section:
    """Which indicators does the build divide by a denominator (``build.denominate``), and what are
    their values before and after (medians over the ranked year's units)?"""
    title = Text("分母与比值", "Denominators")
    res = run.plan.index
    den = res.details.get("denomination")
    if den is None:
        return Section.skip("audit.denominators", title, "audit.skipped_no_denominate")
    sec = Section("audit.denominators", title)
    raw, ratio = res.stages["raw"], res.stages["denominated"]
    lost = den.missing.groupby("indicator").size()
    table = pd.DataFrame([
        {"indicator": ind, "name": run.label(ind), "denominator": d, "denominator_name": run.label(d),
         "scale": scale, "raw_median": raw[ind].median(), "denominated_median": ratio[ind].median(),
         "missing_denominator": int(lost.get(ind, 0))}
        for ind, d, scale in den.table[["indicator", "denominator", "scale"]].itertuples(index=False)
    ]).set_index("indicator")
    sec.table("denominators", table,
              ("分母：原始值与比值的中位数", "Denominators: medians of the raw and denominated values"))
    sec.result("n_denominated", len(table), ("除以分母的指标数", "Indicators divided by a denominator"))
    by = table.groupby("denominator").size()
    sec.finding("audit.denominated", n=len(table), by=", ".join(f"{d} ({n})" for d, n in by.items()))
    if len(den.missing):
        cells = ", ".join(f"{u}/{i}" for u, i in den.missing[["unit", "indicator"]].head(10).itertuples(index=False))
        sec.finding("audit.denominator_missing", n=len(den.missing), cells=cells)
    return sec
