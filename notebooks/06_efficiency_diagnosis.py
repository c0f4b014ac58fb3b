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
# # 06 效率诊断：谁把投入转化成了结果？
#
# 原文的核心批评是“重投入轻产出”：考核奖励的是建设投入和“可办”，而不是群众实际使用的服务和取得的成效。综合指数把投入类指标也算作成绩，因此一个地方可以靠投入排到前面。本笔记本回答省级主管部门接下来会问的问题（“诊断仪”与“推进器”）：哪些单位把投入转化成了产出与成效，哪些投入多而结果少？方法是国内公共管理研究常用的数据包络分析（DEA）及其跨年的 Malmquist 生产率指数；再用障碍度模型找出每个单位的主要障碍指标（并列入 05 的诊断卡），最后在年份足够时用灰色 GM(1,1) 模型为下一期提出目标值。这些分析放在单独的笔记本中而不是 05 里：它们回答的是另一个问题（效率而非水平），需要框架标注指标类型，并且在不满足条件时整体略过而不影响 05。

# %% [markdown] tags=["en"]
# # 06 Efficiency diagnosis: who turns inputs into results?
#
# The source text's central complaint is "heavy inputs, light results": appraisal
# rewards spending and "available online" rather than services people actually use and the results
# they bring. The composite index counts input indicators as merit too, so a place can rank high by
# spending. This notebook asks the question a provincial office asks next (the diagnostic instrument
# and the propeller): which units turn their inputs into outputs and outcomes, and which spend without
# results? It uses data envelopment analysis (DEA), the usual tool of Chinese public-administration
# research, and the Malmquist productivity index over the years; the obstacle-degree model then names
# each unit's main obstacles (also shown on the unit cards of 05), and, where the data have enough
# years, grey GM(1,1) forecasts propose targets for the next period. These analyses live in their own
# notebook rather than in 05: they answer another question (efficiency, not level), they need the
# framework's indicator kinds, and when their conditions are not met they are skipped as a whole
# without touching 05.

# %% tags=["parameters"]
config = "../configs/default.yaml"  # run config (paths inside it are relative to the config file)
output_dir = None  # report folder; None: display only (interactive use)
lang = None  # "zh" or "en"; None: the config's

# %%
from dgpe.sections import efficiency
from dgpe.session import open_run

run = open_run(config, notebook="06_efficiency_diagnosis", output_dir=output_dir, lang=lang)

# %% [markdown] tags=["zh"]
# ## 1. DEA 的投入与产出变量
# 投入是框架中标为投入（`kind: input`）的指标，产出是标为产出或成效（`output`、`outcome`）的指标；取值为本次构建的标准化得分（0–100，越高越好，已按构建做过插补与离群值处理），年份为排名年份。默认示例框架有 13 项投入、5 项产出与 24 项成效指标，而只有 150 个单位：逐项指标做 DEA 时变量太多，按经验法则 n ≥ max(m·s, 3(m + s)) 需要 377 个单位，多数单位都会被判为有效。因此默认（`options.efficiency.variables: dimension`）每个维度给出一个投入（该维度投入类指标得分的均值）和一个产出（产出与成效类指标得分的均值）；产出与成效合在一起，因为两者都是投入所要换来的结果。DEA 要求取值为正，所以各变量经 1 + 0.99x 映射到 [1, 100]。默认模型为产出导向的 BCC（规模报酬可变）：标准化得分是相对位置而不是可以按比例放大的数量，规模报酬不变的假设没有依据；BCC 模型的有效单位集合对任何变量的平移不变，产出导向的效率值对投入的平移不变（Ali 与 Seiford，1990；Pastor，1996），所以上述平移不改变结论。产出导向问的是：在投入不增加的前提下，结果还能提高多少——已经投入的资金收不回来。

# %% [markdown] tags=["en"]
# ## 1. DEA's inputs and outputs
# Inputs are the indicators the framework tags as inputs (`kind: input`), outputs those tagged as
# outputs or outcomes (`output`, `outcome`); the values are the build's normalised scores (0–100,
# higher is better, imputed and treated as in the build) of the ranked year. The default example
# framework has 13 input, 5 output and 24 outcome indicators for 150 units: DEA on every indicator
# would have far too many variables (the rule of thumb n ≥ max(m·s, 3(m + s)) asks for 377 units)
# and would call most units efficient. By default (`options.efficiency.variables: dimension`) each
# dimension therefore gives one input (the mean score of its input indicators) and one output (the
# mean score of its output and outcome indicators); outputs and outcomes go together because both
# are what the inputs are meant to buy. DEA needs positive values, so every variable is mapped onto
# [1, 100] by 1 + 0.99x. The default model is the output-oriented BCC model (variable returns to
# scale): normalised scores are relative positions, not quantities that scale in proportion, so
# constant returns to scale have no ground; the BCC efficient set is invariant to translating any
# variable, and its output-oriented score to translating the inputs (Ali and Seiford 1990; Pastor
# 1996), so the shift does not change the verdicts. Output orientation asks how much higher the
# results could be with no more input: money already spent cannot be unspent.

# %%
variables = run.show(efficiency.variables(run))

# %% [markdown] tags=["zh"]
# ## 2. 效率与综合指数名次
# 每个单位的 DEA 效率（1 = 位于前沿）、规模效率（CRS 与 VRS 效率之比）与规模报酬，并与其综合指数名次和投入水平（DEA 投入变量的均值）对照。散点图横轴为指数名次、纵轴为效率名次（均以 1 为最好；有效单位并列第 1），虚线把单位分为三等份（目录阈值 `efficiency.tercile`）。标记三类单位：投入水平居前三分之一而效率居后三分之一的是“重投入轻产出”；指数居前三分之一而效率居后三分之一的，其名次在相当程度上靠投入支撑；投入水平居后三分之一而效率居前三分之一的是节俭高效的单位。“重投入”按投入水平而不是指数名次来判断，因为投入多而结果少的单位在指数中往往只居中游：结果少拉低了它的指数。

# %% [markdown] tags=["en"]
# ## 2. Efficiency against the index rank
# Each unit's DEA efficiency (1 = on the frontier), scale efficiency (CRS over VRS efficiency) and
# returns to scale, beside its index rank and its input level (the mean of its DEA inputs). The
# scatter plots the index rank against the efficiency rank (1 = best for both; efficient units tie
# at 1), with dashed lines cutting the units into thirds (catalogue threshold `efficiency.tercile`).
# Three kinds of unit are marked: in the top third by input level but the bottom third by efficiency,
# heavy inputs and light results; in the top third of the index but the bottom third by
# efficiency, a rank that rests largely on inputs; in the bottom third by input level but the top
# third by efficiency, frugal performers. "Heavy inputs" is judged by the input level rather than the
# index rank because a unit that spends much and achieves little usually sits mid-table in the
# index: its poor results pull its index down.

# %%
scores = run.show(efficiency.scores(run))

# %% [markdown] tags=["zh"]
# ## 3. Malmquist 生产率指数
# 截至排名年份的相邻两年之间，每个单位的 Malmquist 全要素生产率指数（TFPCH）及其分解：技术效率变化（EFFCH，离前沿更近还是更远）乘以技术变化（TECHCH，前沿本身的移动）。各年使用 05 第 4 节的固定目标值（各指标历年的最小值与最大值），否则每年最好的单位都得 100，前沿的移动无从谈起。距离函数按规模报酬不变计算（Färe 等，1994）。只有一年数据、或框架没有投入与产出标注时跳过。

# %% [markdown] tags=["en"]
# ## 3. Malmquist productivity index
# Between consecutive years up to the ranked one, each unit's Malmquist total factor productivity
# change (TFPCH) and its parts: efficiency change (EFFCH, moving closer to the frontier or further
# away) times technical change (TECHCH, the frontier itself moving). Every year is normalised on the
# fixed goalposts of 05, section 4 (each indicator's minimum and maximum over the years); otherwise
# every year's best unit would score 100 and the frontier could not move. The distance functions
# are under constant returns to scale (Färe et al. 1994). Skipped with a single year, or without
# input and output tags.

# %%
productivity = run.show(efficiency.malmquist(run))

# %% [markdown] tags=["zh"]
# ## 4. 障碍度：各单位的主要障碍
# 障碍度模型（国内评价研究的常用做法）：因子贡献度取各指标在指数中的有效权重，偏离度为 1 减去标准化得分（0–1），障碍度为两者之积在该单位全部指标中的占比；维度的障碍度是其指标障碍度之和。每个单位列出障碍度最大的几项指标（`options.efficiency.top_obstacles`，默认 3 项），这些也列在 05 的诊断卡中。障碍度大的指标是权重大且得分低的指标，也就是提高指数最有效的着力点。

# %% [markdown] tags=["en"]
# ## 4. Obstacle degree: what holds each unit back
# The obstacle-degree model, common in Chinese evaluation studies: the factor contribution is each
# indicator's effective weight in the index, the deviation is 1 minus its normalised score (0–1),
# and the obstacle degree is their product as a share of the unit's total; a dimension's obstacle
# degree is the sum over its indicators. Each unit's largest obstacles are listed
# (`options.efficiency.top_obstacles`, 3 by default); they are also on the unit cards of 05. An
# indicator with a large obstacle degree carries much weight and scores low: where effort would
# raise the index most.

# %%
obstacles = run.show(efficiency.obstacles(run))

# %% [markdown] tags=["zh"]
# ## 5. GM(1,1) 下一期目标值
# 灰色 GM(1,1) 模型用每个单位每项指标截至排名年份的连续年份（原始单位，至少 `options.efficiency.forecast_min_years` 年，默认 4 年）预测下一期的值，作为目标值的参考；给出后验差比 C、小误差概率 P 与精度等级，以及级比检验（序列是否适合 GM(1,1)）。负向指标的目标值越低越好。示例数据只有三年，本节略过并说明原因；联合国 EGDI 示例（configs/egdi.yaml）有 2010–2024 年各期，可以运行。

# %% [markdown] tags=["en"]
# ## 5. GM(1,1) targets for the next period
# The grey GM(1,1) model forecasts the next period's value of each unit's indicator from its
# consecutive years up to the ranked one (in the indicator's own unit; at least
# `options.efficiency.forecast_min_years` years, 4 by default), as a reference for targets; with
# the posterior variance ratio C, the small-error probability P and the accuracy grade, and the
# class-ratio test of whether a series suits GM(1,1). For a negative indicator, a lower target is
# better. The example data have three years, so this part is skipped with the reason; the UN EGDI
# example (configs/egdi.yaml) has the editions 2010–2024 and runs it.

# %%
targets = run.show(efficiency.forecasts(run))
