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
# # 00 数据审计 · Data audit
#
# Before any indicator is weighted or aggregated, the data must be fit for it. This notebook asks, for
# the run's year: how complete are the data (by indicator and by unit)? Which indicators are so skewed
# that a few units would dominate a min-max scale (the JRC rule: |skewness| > 2 and kurtosis > 3.5)?
# Which sit at a ceiling and no longer discriminate (e.g. 好评率 ≥ 0.99)? Do indicators correlate with
# their own dimension more than with others? And, the source text's complaint, where does availability
# ("可网办") run ahead of actual use ("实际网办")?

# %% tags=["parameters"]
config = "../configs/default.yaml"  # run config (paths inside it are relative to the config file)
output_dir = None  # report folder; None: display only (interactive use)
lang = None  # "zh" or "en"; None: the config's

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

from dgpe import plotting
from dgpe.session import open_run
from methods.index import audit

run = open_run(config, notebook="00_data_audit", output_dir=output_dir, lang=lang)
rec, t = run.rec, run.t
meta = run.meta.set_index("code")
dimension_of = run.framework.dimension_of()  # indicator → the index's child that holds it
print(t(f"年份 {run.year}: {run.X.shape[0]} 个单位 × {run.X.shape[1]} 项指标",
        f"Year {run.year}: {run.X.shape[0]} units × {run.X.shape[1]} indicators"))

# %% [markdown]
# ## 1. 数据完整性 · Coverage
# Share of missing cells by indicator and by unit. A unit below the availability threshold would be
# ranked on too little evidence; an indicator with much missing data leans on imputation.

# %%
cov = audit.coverage(run.X, min_coverage=0.66)
rec.result("n_units", run.X.shape[0], label={"zh": "评估单位数", "en": "Units assessed"})
rec.result("n_indicators", run.X.shape[1], label={"zh": "指标数", "en": "Indicators"})
rec.result("share_missing", round(cov.overall_missing, 6), label={"zh": "缺失单元格占比", "en": "Share of missing cells"})
rec.table("coverage_by_indicator", cov.by_indicator, title={"zh": "各指标缺失情况", "en": "Missing data by indicator"})
rec.table("coverage_by_unit", cov.by_unit.sort_values("share_available"), title={"zh": "各单位数据可得性", "en": "Data availability by unit"})
fig = plotting.bar(
    cov.by_indicator["share_missing"].rename(index=lambda c: f"{c} {run.label(c)}"),
    title=t("各指标缺失比例", "Share missing by indicator"),
    xlabel=t("缺失比例", "share missing"),
)
rec.figure("missing_by_indicator", fig, title={"zh": "各指标缺失比例", "en": "Share missing by indicator"})
plt.show()

# %%
if cov.units_below:
    rec.finding(
        f"{len(cov.units_below)} 个单位数据可得性低于 66%: {', '.join(cov.units_below[:10])}",
        f"{len(cov.units_below)} unit(s) have less than 66% of the data: {', '.join(cov.units_below[:10])}",
        level="warning",
    )
else:
    rec.finding(
        f"所有单位的数据可得性均不低于 66%;缺失单元格占 {cov.overall_missing:.1%}。",
        f"Every unit has at least 66% of the data; {cov.overall_missing:.1%} of cells are missing.",
    )

# %% [markdown]
# ## 2. 分布与离群值 · Distributions and the JRC outlier rule
# Skewness and kurtosis are the small-sample statistics (e1071 type 2) that COINr's treatment rule uses.

# %%
dist = audit.distribution_table(run.X)
rec.table("distributions", dist, title={"zh": "指标分布与离群标记", "en": "Indicator distributions and outlier flags"})
flagged = list(dist.index[dist["outlier_flag"]])
rec.result("n_outlier_flags", len(flagged), label={"zh": "需处理离群值的指标数", "en": "Indicators needing outlier treatment"})

codes = list(run.X.columns)
ncol = 6
nrow = int(np.ceil(len(codes) / ncol))
fig, axes = plt.subplots(nrow, ncol, figsize=(2.6 * ncol, 1.9 * nrow))
for ax, c in zip(axes.flat, codes, strict=False):
    v = run.X[c].dropna()
    ax.hist(v, bins=20, color=plotting.PALETTE[3] if c in flagged else plotting.PALETTE[0])
    ax.set_title(c, fontsize=9)
    ax.tick_params(labelsize=7)
for ax in list(axes.flat)[len(codes):]:
    ax.set_visible(False)
fig.suptitle(t("指标分布(红色:需离群值处理)", "Indicator distributions (red: outlier treatment needed)"))
fig.tight_layout()
rec.figure("histograms", fig, title={"zh": "指标分布", "en": "Indicator distributions"})
plt.show()

# %%
if flagged:
    rec.finding(
        f"{len(flagged)} 项指标偏度与峰度超出 JRC 阈值,需在构建指数前处理离群值: {', '.join(flagged)}",
        f"{len(flagged)} indicator(s) exceed the JRC skewness/kurtosis thresholds and need outlier treatment: {', '.join(flagged)}",
        level="warning",
    )

# %% [markdown]
# ## 3. 边界与天花板 · Bounds and ceilings
# An indicator where most units sit at the top of its range (e.g. 好评率 ≥ 0.99) no longer separates
# good from poor performers; it is a candidate for a rank, logit or distance-to-target transform.

# %%
bt = audit.bounds_table(run.X, meta["bound_low"], meta["bound_high"], ceiling=0.99, share_flag=0.5)
rec.table("bounds", bt, title={"zh": "边界与天花板检查", "en": "Bounds and ceilings"})
ceiling = list(bt.index[bt["ceiling_flag"]])
rec.result("ceiling_indicators", ceiling, label={"zh": "触顶指标", "en": "Indicators at a ceiling"})
for c in ceiling:
    rec.finding(
        f"{c} {run.framework.name(c, 'zh')}: {bt.at[c, 'share_at_ceiling']:.0%} 的单位达到上限的 99% 以上,区分度不足。",
        f"{c} {run.framework.name(c, 'en')}: {bt.at[c, 'share_at_ceiling']:.0%} of units are within 1% of the maximum; it barely discriminates.",
        level="warning",
    )

# %% [markdown]
# ## 4. 相关结构 · Correlations within and across dimensions
# Indicators are oriented first (negative indicators multiplied by −1), so a positive correlation
# always means "better together". Within a dimension we expect positive correlations; an indicator
# that correlates more with another dimension, or negatively with its own, may be misplaced.

# %%
Xo = audit.oriented(run.X, run.meta)
groups = pd.Series(dimension_of)
corr = audit.correlation_structure(Xo, groups, method="spearman")
rec.table("correlation_matrix", corr.matrix.round(10), title={"zh": "指标相关矩阵(Spearman,已统一方向)", "en": "Indicator correlations (Spearman, oriented)"})
rec.table("correlation_by_indicator", corr.by_indicator, title={"zh": "指标与本维度及其他维度的平均相关", "en": "Mean correlation with own and other dimensions"})
rec.table("correlation_between_dimensions", corr.between_groups, title={"zh": "维度内与维度间平均相关", "en": "Mean correlation within and between dimensions"}, note=True)
fig = plotting.correlation_heatmap(corr.matrix, title=t("指标相关矩阵(按维度分块)", "Indicator correlations (blocks = dimensions)"), groups=groups.reindex(corr.matrix.index).tolist())
rec.figure("correlation_heatmap", fig, title={"zh": "指标相关矩阵", "en": "Indicator correlations"}, note=True)
plt.show()

# %%
mis = corr.by_indicator[corr.by_indicator["flag"]]
for c, row in mis.iterrows():
    rec.finding(
        f"{c} {run.framework.name(c, 'zh')}: 与本维度平均相关 {row['own']:.2f},与维度 {row['best_other_group']} 平均相关 {row['best_other']:.2f};本维度内负相关 {row['n_negative_own']} 个。请核查其归属。",
        f"{c} {run.framework.name(c, 'en')}: mean correlation {row['own']:.2f} with its own dimension, {row['best_other']:.2f} with {row['best_other_group']}; {row['n_negative_own']} negative correlation(s) within its dimension. Check where it belongs.",
        level="warning",
    )
if mis.empty:
    rec.finding("所有指标与本维度的相关均高于与其他维度的相关。", "Every indicator correlates more with its own dimension than with any other.")

# %% [markdown]
# ## 5. 可办 ≠ 实办 · Availability versus actual use
# Each pair plots an availability indicator (input) against its actual-use counterpart (outcome).
# Units in red offer the service but their residents do not use it: their availability percentile
# exceeds their use percentile by more than 0.4 (重投入轻产出).

# %%
pairs = list(run.framework.pairs)
if pairs:
    div = audit.pair_divergence(Xo, pairs, gap=0.4)
    rec.table("pairs", div.pairs, title={"zh": "可办与实办指标对", "en": "Availability and use pairs"}, note=True)
    gaps = div.units[div.units["gap"] > div.gap].sort_values("gap", ascending=False)
    rec.table("pair_gaps", gaps, index=False, title={"zh": "可办远超实办的单位", "en": "Units where availability far exceeds use"})
    ncol = min(4, len(pairs))
    nrow = int(np.ceil(len(pairs) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.6 * nrow), squeeze=False)
    for ax, (a, b) in zip(axes.flat, pairs, strict=False):
        sub = div.units[(div.units["available"] == a) & (div.units["used"] == b)].set_index("unit")
        plotting.scatter_pair(
            run.X.loc[sub.index, a], run.X.loc[sub.index, b],
            xlabel=f"{a} {run.label(a)}", ylabel=f"{b} {run.label(b)}",
            highlight=sub["gap"] > div.gap, highlight_label=t("可办远超实办", "available, not used"), ax=ax,
        )
    for ax in list(axes.flat)[len(pairs):]:
        ax.set_visible(False)
    fig.tight_layout()
    rec.figure("pairs", fig, title={"zh": "可办与实办", "en": "Availability versus use"}, note=True)
    plt.show()
    counts = gaps["unit"].value_counts()
    repeat = list(counts.index[counts >= 2])
    rec.result("units_available_not_used", repeat, label={"zh": "多对指标中可办远超实办的单位", "en": "Units where availability exceeds use in two or more pairs"})
    rec.finding(
        f"{len(repeat)} 个单位在两对及以上指标中“可办远超实办”,应核查其服务的实际使用: {', '.join(repeat[:12])}",
        f"{len(repeat)} unit(s) show availability far ahead of use in two or more pairs; check actual use there: {', '.join(repeat[:12])}",
        level="warning" if repeat else "info",
    )

# %% [markdown]
# ## 6. 多年数据 · Years
# Units observed per year; year-on-year comparisons need the same units and fixed goalposts.

# %%
if "year" in run.panel.columns:
    per_year = audit.coverage_by_year(run.panel, run.framework.indicator_codes)
    rec.table("years", per_year, title={"zh": "各年度单位数与缺失", "en": "Units and missing data per year"})
    per_year

# %% [markdown]
# ## 7. 跨年填补 · Cells filled from other years
# When the run config asks for `panel_impute`, a unit's missing value in the assessed year is
# taken from its own other years (latest earlier value, or interpolation) before the build; the
# audit above describes the data as delivered, the build sees the filled cells. A filled value
# repeats an old measurement: it hides, rather than measures, any change since.

# %%
imp = run.panel_imputation
if imp is not None:
    this_year = imp.filled[imp.filled["year"] == run.year]
    missing_any = run.X.columns[run.X.isna().any()]
    per_ind = pd.DataFrame({
        "missing": run.X[missing_any].isna().sum(),
        "filled": this_year.groupby("indicator").size().reindex(missing_any, fill_value=0),
        "from_later_years": this_year[this_year["uses_later"]].groupby("indicator").size().reindex(missing_any, fill_value=0),
        "still_missing": run.X_input[missing_any].isna().sum(),
    })
    rec.table("panel_filled", per_ind, title={"zh": "本年度由其他年份填补的单元格(按指标)", "en": "Cells of this year filled from other years, by indicator"})
    n_missing, n_later = int(per_ind["missing"].sum()), int(per_ind["from_later_years"].sum())
    rec.result("panel_filled_cells", len(this_year), label={"zh": "跨年填补的单元格数", "en": "Cells filled from other years"})
    rec.finding(
        f"{run.year} 年缺失的 {n_missing} 个单元格中,{len(this_year)} 个由同一单位其他年份的数据填补"
        f"(方法 {run.config.panel_impute.method}),其中 {n_later} 个用到更晚年份的数据(新一期数据到来后这些得分会变);"
        f"其余 {int(per_ind['still_missing'].sum())} 个留给构建中的截面插补。",
        f"Of the {n_missing} missing cells of {run.year}, {len(this_year)} were filled from the same unit's other years "
        f"(method {run.config.panel_impute.method}), {n_later} of them from later years (their scores change when a later edition arrives); "
        f"the other {int(per_ind['still_missing'].sum())} are left to the build's cross-sectional imputation.",
        level="warning" if n_later else "info",
    )
    display(per_ind)
else:
    print(t("运行配置未设置 panel_impute:构建只用本年度数据。", "The run config sets no panel_impute: the build uses this year's data only."))
