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
from dgpe.sections import audit
from dgpe.session import open_run

run = open_run(config, notebook="00_data_audit", output_dir=output_dir, lang=lang)

# %% [markdown]
# ## 1. 数据完整性 · Coverage
# Share of missing cells by indicator and by unit, for the ranked year as delivered. A unit with less
# than about two thirds of the indicators (the JRC's usual availability threshold,
# `options.audit.min_coverage`) would be ranked on too little evidence; an indicator with much missing
# data leans on imputation.

# %%
coverage = run.show(audit.coverage(run))

# %% [markdown]
# ## 2. 分布与离群值 · Distributions and the JRC outlier rule
# Skewness and kurtosis are the small-sample statistics (e1071 type 2) that COINr's treatment rule
# uses: an indicator needs outlier treatment when |skewness| > 2 and kurtosis > 3.5. Red histograms
# mark those indicators.

# %%
distributions = run.show(audit.distributions(run))

# %% [markdown]
# ## 3. 边界与天花板 · Bounds and ceilings
# An indicator where most units sit at the top of its range (e.g. 好评率 ≥ 0.99 of its maximum for
# more than half of the units) no longer separates good from poor performers; it is a candidate for a
# rank, logit or distance-to-target transform. Only indicators with a declared upper bound are checked.

# %%
bounds = run.show(audit.bounds(run))

# %% [markdown]
# ## 4. 相关结构 · Correlations within and across dimensions
# Indicators are oriented first (negative indicators multiplied by −1), so a positive correlation
# always means "better together" (Spearman, pairwise complete). Within a dimension we expect positive
# correlations; an indicator that correlates more with another dimension, or below −0.1 with a member
# of its own, may be misplaced.

# %%
correlations = run.show(audit.correlations(run))

# %% [markdown]
# ## 5. 可办 ≠ 实办 · Availability versus actual use
# Each pair plots an availability indicator (input) against its actual-use counterpart (outcome).
# Units in red offer the service but their residents do not use it: their availability percentile
# exceeds their use percentile by more than 0.4 (重投入轻产出). Units with that gap in two or more
# pairs are listed. The section is skipped when the framework declares no pairs.

# %%
pairs = run.show(audit.pairs(run))

# %% [markdown]
# ## 6. 多年数据 · Years
# Units observed and missing cells per year; year-on-year comparisons need the same units and fixed
# goalposts. Skipped when the data have a single year.

# %%
years = run.show(audit.years(run))

# %% [markdown]
# ## 7. 跨年填补 · Cells filled from other years
# When the run config asks for `panel_impute`, a unit's missing value in the assessed year is
# taken from its own other years (latest earlier value, or interpolation) before the build; the
# audit above describes the data as delivered, the build sees the filled cells. A filled value
# repeats an old measurement: it hides, rather than measures, any change since.

# %%
panel_filled = run.show(audit.panel_filled(run))

# %% [markdown]
# ## 8. 分母 · Denominators
# When the run config asks for `build.denominate`, indicators measured in totals (trade, flights,
# students…) are divided by a size variable, an auxiliary column of the data (GDP, population,
# area, energy…) named by the indicator's `denominator` in the framework, before imputation and
# treatment. The table gives each such indicator's median before and after; the sections above
# describe the values as delivered. Skipped when the build does not denominate.

# %%
denominators = run.show(audit.denominators(run))
