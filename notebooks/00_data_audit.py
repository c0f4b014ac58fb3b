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

# %% [markdown] tags=["zh"]
# # 00 数据审计
#
# 在对任何指标赋权或汇总之前，先要确认数据经得起这样做。本笔记本针对本次运行的年份回答以下问题：数据完整程度如何（按指标与按单位）？哪些指标偏态严重，以致少数单位会主导 min-max 量表（JRC 规则：|偏度| > 2 且峰度 > 3.5）？哪些指标已触及天花板、不再具有区分度（如好评率 ≥ 0.99）？各指标与本维度的相关是否高于与其他维度的相关？以及原文所批评的问题：哪些地方的“可网办”跑在了“实际网办”前面？

# %% [markdown] tags=["en"]
# # 00 Data audit
#
# Before any indicator is weighted or aggregated, the data must be fit for it. This notebook asks, for
# the run's year: how complete are the data (by indicator and by unit)? Which indicators are so skewed
# that a few units would dominate a min-max scale (the JRC rule: |skewness| > 2 and kurtosis > 3.5)?
# Which sit at a ceiling and no longer discriminate (e.g. a satisfaction rate ≥ 0.99)? Do indicators
# correlate with their own dimension more than with others? And, the source text's complaint, where
# does availability (services that can be handled online) run ahead of actual use (services actually
# handled online)?

# %% tags=["parameters"]
config = "../configs/default.yaml"  # run config (paths inside it are relative to the config file)
output_dir = None  # report folder; None: display only (interactive use)
lang = None  # "zh" or "en"; None: the config's

# %%
from dgpe.sections import audit
from dgpe.session import open_run

run = open_run(config, notebook="00_data_audit", output_dir=output_dir, lang=lang)

# %% [markdown] tags=["zh"]
# ## 1. 数据完整性
# 按指标和按单位统计排名年份原始数据中缺失单元格的比例。若某单位拥有的指标不足约三分之二（JRC 常用的可得性阈值，`options.audit.min_coverage`），其排名依据过少；缺失较多的指标则要依赖插补。

# %% [markdown] tags=["en"]
# ## 1. Coverage
# Share of missing cells by indicator and by unit, for the ranked year as delivered. A unit with less
# than about two thirds of the indicators (the JRC's usual availability threshold,
# `options.audit.min_coverage`) would be ranked on too little evidence; an indicator with much missing
# data leans on imputation.

# %%
coverage = run.show(audit.coverage(run))

# %% [markdown] tags=["zh"]
# ## 2. 分布与离群值
# 偏度与峰度采用 COINr 离群值处理规则所用的小样本统计量（e1071 第 2 类）：当 |偏度| > 2 且峰度 > 3.5 时，指标需要做离群值处理（JRC 规则）。红色直方图标出这些指标。

# %% [markdown] tags=["en"]
# ## 2. Distributions and the JRC outlier rule
# Skewness and kurtosis are the small-sample statistics (e1071 type 2) that COINr's treatment rule
# uses: an indicator needs outlier treatment when |skewness| > 2 and kurtosis > 3.5. Red histograms
# mark those indicators.

# %%
distributions = run.show(audit.distributions(run))

# %% [markdown] tags=["zh"]
# ## 3. 边界与天花板
# 若大多数单位处在某项指标取值范围的顶端（如超过半数单位的好评率达到其最大值的 0.99 以上），该指标就不再能区分表现好与差的单位，可考虑改用名次、logit 或距目标距离变换。只检查声明了上限的指标。

# %% [markdown] tags=["en"]
# ## 3. Bounds and ceilings
# An indicator where most units sit at the top of its range (e.g. a satisfaction rate ≥ 0.99 of its
# maximum for more than half of the units) no longer separates good from poor performers; it is a
# candidate for a rank, logit or distance-to-target transform. Only indicators with a declared upper
# bound are checked.

# %%
bounds = run.show(audit.bounds(run))

# %% [markdown] tags=["zh"]
# ## 4. 相关结构
# 先统一指标方向（逆向指标乘以 −1），使正相关始终表示“同向变好”（Spearman 相关，成对完整观测）。维度内部应为正相关；若某指标与其他维度的相关更高，或与本维度某项指标的相关低于 −0.1，则可能归错了维度。

# %% [markdown] tags=["en"]
# ## 4. Correlations within and across dimensions
# Indicators are oriented first (negative indicators multiplied by −1), so a positive correlation
# always means "better together" (Spearman, pairwise complete). Within a dimension we expect positive
# correlations; an indicator that correlates more with another dimension, or below −0.1 with a member
# of its own, may be misplaced.

# %%
correlations = run.show(audit.correlations(run))

# %% [markdown] tags=["zh"]
# ## 5. 可办 ≠ 实办
# 每一对图把一项可办性指标（投入）与对应的实际使用指标（成效）画在一起。红色单位提供了服务，但居民并不使用：其可办性百分位比使用百分位高出 0.4 以上（重投入轻产出）。在两对及以上指标中存在这种差距的单位另行列出。框架未声明指标对时跳过本节。

# %% [markdown] tags=["en"]
# ## 5. Availability versus actual use
# Each pair plots an availability indicator (input) against its actual-use counterpart (outcome).
# Units in red offer the service but their residents do not use it: their availability percentile
# exceeds their use percentile by more than 0.4 (heavy on inputs, light on outputs). Units with that
# gap in two or more pairs are listed. The section is skipped when the framework declares no pairs.

# %%
pairs = run.show(audit.pairs(run))

# %% [markdown] tags=["zh"]
# ## 6. 多年数据
# 每年观测到的单位数与缺失单元格数；跨年比较需要相同的单位和固定的目标值。数据只有一年时跳过。

# %% [markdown] tags=["en"]
# ## 6. Years
# Units observed and missing cells per year; year-on-year comparisons need the same units and fixed
# goalposts. Skipped when the data have a single year.

# %%
years = run.show(audit.years(run))

# %% [markdown] tags=["zh"]
# ## 7. 跨年填补
# 运行配置要求 `panel_impute` 时，某单位在评估年份的缺失值在构建之前由该单位其他年份的数据填补（此前最近一年的值，或插值）；上面的审计描述的是原始数据，构建使用的则是填补后的单元格。填补值重复的是旧的测量：它掩盖而不是测量此后发生的任何变化。

# %% [markdown] tags=["en"]
# ## 7. Cells filled from other years
# When the run config asks for `panel_impute`, a unit's missing value in the assessed year is
# taken from its own other years (latest earlier value, or interpolation) before the build; the
# audit above describes the data as delivered, the build sees the filled cells. A filled value
# repeats an old measurement: it hides, rather than measures, any change since.

# %%
panel_filled = run.show(audit.panel_filled(run))

# %% [markdown] tags=["zh"]
# ## 8. 分母
# 运行配置要求 `build.denominate` 时，以总量计的指标（贸易额、航班、学生数……）在插补和离群值处理之前先除以一个规模变量，即数据中的一个辅助列（GDP、人口、面积、能源……），由框架中该指标的 `denominator` 指定。表中给出每个此类指标处理前后的中位数；以上各节描述的是原始数值。构建不做分母处理时跳过。

# %% [markdown] tags=["en"]
# ## 8. Denominators
# When the run config asks for `build.denominate`, indicators measured in totals (trade, flights,
# students…) are divided by a size variable, an auxiliary column of the data (GDP, population,
# area, energy…) named by the indicator's `denominator` in the framework, before imputation and
# treatment. The table gives each such indicator's median before and after; the sections above
# describe the values as delivered. Skipped when the build does not denominate.

# %%
denominators = run.show(audit.denominators(run))
