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
# # 01 信度分析
#
# 综合指数的可信程度取决于它所汇总的内容。本笔记本回答三个问题：满意度问卷各量表的题项是否一致地测量同一事物（Cronbach's α 及其 Feldt 区间、McDonald's ω、题项–总分相关）？框架归入同一维度或子维度的指标在统一方向（越高越好）之后是否彼此一致？德尔菲专家对指标重要性的判断是否一致（各轮评分的 Kendall's W 与组内相关系数）？所有统计量都由 `methods.reliability` 计算，与 R psych（alpha、omega、ICC）的结果一致到 1e-6。

# %% [markdown] tags=["en"]
# # 01 Reliability
#
# An index is only as trustworthy as what it adds up. This notebook asks three questions. Do the items
# of each satisfaction-survey scale measure one thing consistently (Cronbach's α with its Feldt
# interval, McDonald's ω, item-total correlations)? Do the indicators that the framework groups into a
# dimension or sub-dimension hang together once they point the same way (higher = better)? And do the
# Delphi experts agree on how important the indicators are (Kendall's W and the intraclass correlation
# of their scores, per round)? Every statistic is computed by `methods.reliability`, which reproduces
# R psych (alpha, omega, ICC) to 1e-6.

# %% tags=["parameters"]
config = "../configs/default.yaml"  # run config (paths inside it are relative to the config file)
output_dir = None                   # report folder; None: display only (interactive use)
lang = None                         # "zh" or "en"; None: the config's

# %%
from dgpe.sections import reliability
from dgpe.session import open_run

run = open_run(config, notebook="01_reliability", output_dir=output_dir, lang=lang)

# %% [markdown] tags=["zh"]
# ## 1. 问卷量表
# 反向计分题（如“我经常需要重复提交材料”）先按 min + max − x 重新编码。缺失回答：采用成对完整观测的协方差（与 R psych 相同）。结论标签依照 George & Mallery：α ≥ .9 为优秀，≥ .8 为良好，≥ .7 为可接受，≥ .6 为存疑。若某题项的校正题项–总分相关（r_drop）低于 .3，或删除该题项后 α 会上升，则标记该题项；量表的 α 低于可接受水平 .70（`options.reliability.alpha_acceptable`）或含有被标记的题项时给出警告。二分（0/1）题项的 α 即 KR-20。ω 使用 `options.reliability.omega_factors` 个群因子（默认：题项不少于九个时为 3，否则为 1）。运行没有问卷数据时跳过。

# %% [markdown] tags=["en"]
# ## 1. Survey scales
# Reverse-keyed items (e.g. "I often have to re-submit documents") are recoded as min + max − x first.
# Missing answers: pairwise-complete covariances (as R psych). Verdict labels follow George & Mallery:
# α ≥ .9 excellent, ≥ .8 good, ≥ .7 acceptable, ≥ .6 questionable. An item is flagged when its
# corrected item-total correlation (r_drop) is below .3 or when α would rise without it; a scale below
# the acceptable .70 (`options.reliability.alpha_acceptable`) or with a flagged item is a warning.
# Binary (0/1) items: α is KR-20. ω uses `options.reliability.omega_factors` group factors (default:
# 3 for nine or more items, else 1). Skipped when the run has no survey data.

# %%
survey = run.show(reliability.survey_scales(run))

# %% [markdown] tags=["zh"]
# ## 2. 框架维度与子维度
# 指标按综合指数使用的形式取用（按本次运行的构建做过插补和离群值处理），统一为越高越好（逆向指标 × −1）并标准化。维度是综合指数的下一级节点，其指标块是它下面的全部指标；子维度是维度的下一级、直接包含指标的节点。综合指数直接由指标构成时（扁平框架，如由 OSI、TII、HCI 构成的联合国 EGDI），唯一的指标块就是整个指数，没有子维度。一个指标块至少需要三项指标（ω 需要三项），且其中没有在各单位间取值恒定的指标；不满足条件的指标块会列出名称并排除在外。指标之间不相关的维度不构成量表，此时 α 必然偏低：对形成性维度（指标定义维度而非反映维度）而言，α 低并不是缺陷，但它说明该维度得分混合了不同的内容。指标不少于九项的维度另给出 ω_h（一般因子饱和度）。

# %% [markdown] tags=["en"]
# ## 2. Framework dimensions and sub-dimensions
# Indicators are taken as the index uses them (imputed and outlier-treated per the run's build), turned
# so that higher is better (negative indicators × −1) and standardised. A dimension is a child of the
# index; its block is every indicator below it, and a sub-dimension is a child of a dimension that
# holds indicators. When the index sits directly over its indicators (a flat framework such as the
# UN EGDI over OSI, TII, HCI) the one block is the whole index, and there are no sub-dimensions.
# A block needs at least three indicators (ω needs three), none of them constant across units; a
# block that does not qualify is named and left out.
# A dimension whose indicators do not correlate is not a scale, and α is then low by construction:
# for a formative dimension (indicators that define rather than reflect it) a low α is not a defect,
# but it says the dimension score mixes different things. ω_h (general-factor saturation) is given
# for dimensions with at least nine indicators.

# %%
blocks = run.show(reliability.dimensions(run))

# %% [markdown] tags=["zh"]
# ## 3. 专家一致性（德尔菲）
# 每一轮德尔菲咨询中，专家的重要性评分构成一张“指标 × 专家”表。Kendall's W（经同秩校正）检验专家对指标的排序是否相近（χ² 检验：W > 0）；ICC(2,k) 衡量专家组平均分的可靠程度（双向随机效应，绝对一致性）。标签：W 依照 Schmidt（1997），ICC 依照 Koo & Li（2016）。一致性应逐轮提高。运行没有德尔菲评分时跳过。

# %% [markdown] tags=["en"]
# ## 3. Expert agreement (Delphi)
# For each Delphi round the experts' importance scores form an indicators × experts table.
# Kendall's W (tie-corrected) asks whether experts rank the indicators alike (χ² test: W > 0);
# ICC(2,k) asks how reliable the panel's mean score is (two-way random effects, absolute agreement).
# Labels: W after Schmidt (1997), ICC after Koo & Li (2016). Agreement should rise from round to round.
# Skipped when the run has no Delphi ratings.

# %%
delphi = run.show(reliability.delphi(run))

# %% [markdown] tags=["zh"]
# ## 4. 结论
# 每个量表和每个（子）维度一行：系数、区间以及需要复核的内容。

# %% [markdown] tags=["en"]
# ## 4. Verdicts
# One line per scale and (sub-)dimension: the coefficient, its interval and what to review.

# %%
verdicts = run.show(reliability.verdicts(run, survey, blocks))
