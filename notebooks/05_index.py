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
# # 05 指数：得分、排名与各单位诊断
#
# 本次运行的构建（插补、离群值处理、标准化、权重、汇总；记录在配置的 `build:` 中）把各项指标转化为框架各层级的得分。本笔记本按评估的三项功能报告结果：排名与等级（“指挥棒”），各单位相对同类的优势与短板（“诊断仪”），以及在固定目标值下相对往年的变化（“推进器”）。最后给出成效类指标在名义权重中的占比：框架承诺实际使用与成效重于投入与可办性。

# %% [markdown] tags=["en"]
# # 05 The index: scores, ranks and each unit's diagnosis
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
from dgpe.sections import index as sections
from dgpe.session import open_run

run = open_run(config, notebook="05_index", output_dir=output_dir, lang=lang)

# %% [markdown] tags=["zh"]
# ## 1. 各层级得分与排名
# 指数按分析计划构建（`run.plan.index`），使用计划的得分量表。名次：1 为最好，并列取较好名次。只有当配置给出的等级界值适合该得分量表时才划分等级（在 z 分数上固定界值没有意义）。

# %% [markdown] tags=["en"]
# ## 1. Scores and ranks at every level
# The index as the plan built it (`run.plan.index`), on the plan's score scale. Ranks: 1 = best,
# ties share the better rank. Grade bands, as published with the results, only when the config has
# bands that fit the score scale (fixed cut-offs mean nothing on z-scores).

# %%
ranking = run.show(sections.ranking(run))

# %% [markdown] tags=["zh"]
# ## 2. 单位诊断卡
# 排名第一、居中与末位的单位：各维度得分与平均水平及同类组的对照，以及相对同类表现最好与最差的二级指标（在第一个同类组内的百分位名次；运行没有同类组时在全体单位中）。指数直接由指标构成时，画像与优势短板即为这些指标。项目足够多时（目录阈值 `index.strengths_min_items`）列出三项最强与最弱，否则只列单项最好与最差。诊断卡的文字还列出该单位障碍度最大的几项指标（障碍度模型，见 06 第 4 节）。在无界量表（z 分数）上，雷达图按数据的实际范围绘制，结论中会说明。

# %% [markdown] tags=["en"]
# ## 2. Unit diagnosis cards
# For the first-, middle- and last-ranked units: the dimension profile against the average and the
# peer group, and the sub-dimensions where the unit stands best and worst against its peers
# (percentile ranks within its first peer group, or among all units when the run has no peer
# groups). When the index sits directly over its indicators, the profile and the strengths and
# weaknesses are those indicators. The three strongest and weakest items are listed when there are
# enough of them (catalogue threshold `index.strengths_min_items`), else the single best and worst.
# The cards' text also lists the unit's largest obstacles (the obstacle-degree model, 06, section 4).
# On an unbounded scale (z-scores) the radar charts span the data's range, as the finding states.

# %%
cards = run.show(sections.cards(run))

# %% [markdown] tags=["zh"]
# ## 3. 同类比较
# 每个单位与其同类组（配置的 `groups`，如省份与行政层级）比较：组内名次与相对组均值的差距；各组平均得分并列。运行没有同类组字段时跳过。

# %% [markdown] tags=["en"]
# ## 3. Peer groups
# Each unit against its peer groups (the config's `groups`, e.g. province and administrative tier):
# rank within the group and distance from the group mean; group averages side by side. Skipped when
# the run has no peer-group columns.

# %%
peers = run.show(sections.peers(run))

# %% [markdown] tags=["zh"]
# ## 4. 年度变化（固定目标值）
# 若每年各自做 min-max 标准化，每年最好的单位都得 100，水平值无法跨年比较（联合国 EGDI 的问题）。这里各年使用同一组目标值（各指标历年的最小值与最大值，DESI 做法；不做离群值处理，因为截断到目标值已限制了离群值），因此得分变化就是表现的变化——前提是数据本身以固定单位计（见 4b）。只计算截至排名年份的年份：对较早年份的报告不会“预知未来”。没有更早年份时跳过。配置了 `panel_impute` 时，与主指数一样由填补后的面板构建：被填补的单元格重复其他年份的值，因此在那里不显示变化。变化以目标值自身的量表（0–100）计，与主指数的量表无关。

# %% [markdown] tags=["en"]
# ## 4. Year-on-year change on fixed goalposts
# Per-year min-max rescaling would make every year's best unit 100, so levels would not compare
# (the UN EGDI problem). Here every year is normalised on the same goalposts (each indicator's
# minimum and maximum over the years, DESI style; outlier treatment is dropped because clipping to
# the goalposts bounds outliers), so a change in score is a change in performance, provided the data
# themselves are in fixed units (checked in 4b). Only the years up to the ranked year count: a
# report on an earlier year does not look ahead. Skipped when no earlier year exists. With the
# config's `panel_impute`, the years are built from the filled panel, like the headline index: a
# filled cell repeats another year's value and so shows no change there. The changes are on the
# goalposts' own scale (0–100), whatever the headline index's scale.

# %%
years = run.show(sections.years(run))

# %% [markdown] tags=["zh"]
# ### 4b. 年度可比性：数据是否逐年重新标准化？
# 固定目标值只有在数据以固定单位计时才有用。许多已发布的指数（2012 年以来的联合国 EGDI 及其分项）在每一期内按当年最差与最好的单位做 min-max 重标度：最好的单位无论进步与否都得 1，水平值的变化混合了单位自身的变化与锚点的移动（以及各期方法的变化）；名次可比，水平值不可比。`methods.comparability.rescaling_drift` 检查每项指标（已统一为越高越好）在截至排名年份的每一年：当年的最小值和最大值是否同时落在指标量表的两端（框架给出的上下限；无界指标无法判断）？相邻两年之间：多少单位得分下降，其中多少名次反而上升（或得分上升而名次下降，即“反向”），以及名次相关。以原始单位计的指标（如示例数据）没有逐年重新标准化，不应有任何指标落在两端。

# %% [markdown] tags=["en"]
# ### 4b. Year-to-year comparability: are the data rescaled every year?
# Fixed goalposts help only if the data are in fixed units. Many published indices (the UN EGDI and
# its components since 2012) are min-max rescaled within each edition on that year's worst and best
# unit: the best unit scores 1 whatever its progress, and a change of level mixes the unit's own
# change with the movement of the anchors (and with any change of method between editions); ranks
# survive, levels do not. `methods.comparability.rescaling_drift` checks every indicator (turned so
# that higher is better) and year up to the ranked one: do the year's minimum and maximum both sit
# on the ends of the indicator's scale (the framework's bounds; an unbounded indicator cannot be
# pinned)? And between consecutive years: how many units' scores fell, how many fell while their
# rank rose (or rose while it fell: "discordant"), and the rank correlation. Raw indicators in their
# own units (such as the example data) are not rescaled, and nothing should be pinned.

# %%
drift = run.show(sections.comparability(run))

# %% [markdown] tags=["zh"]
# ## 5. 投入、产出与成效的权重占比
# 各节点下各类指标的名义权重，按构建所用的权重计算。原文要求实际使用与成效重于投入与可办性；只有当框架把指标标为投入、产出或成效（且投入与成效都存在）时才给出结论。有效重要性（各指标实际对排名的影响）见 04。

# %% [markdown] tags=["en"]
# ## 5. Weight on input, output and outcome indicators
# The nominal weight of each indicator category under each node, from the weights the build used.
# The source text asks that actual use and results outweigh spending and availability; the verdict
# is given only when the framework tags its indicators as input, output or outcome (and both inputs
# and outcomes are present). Effective importance (how much each indicator actually drives the
# ranking) is in 04.

# %%
shares = run.show(sections.weight_shares(run))
