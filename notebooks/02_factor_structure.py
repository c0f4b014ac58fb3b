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
# # 02 因子结构
#
# 框架规定了哪些指标属于哪个维度，问卷规定了哪些题项测量哪个构念。数据是否支持这些划分？本笔记本对指标集和满意度问卷分别检查：相关是否强到足以做因子分析（KMO、Bartlett 检验）；数据支持几个因子（碎石图与 Horn 平行分析）；探索性因子解是否把每项指标归入其所属维度（在本维度因子上的载荷 ≥ .40，在其他因子上 ≤ .30）；预设结构作为验证性模型是否拟合（CFI/TLI ≥ .95，RMSEA ≤ .06，SRMR ≤ .08；Hu & Bentler 1999）；各维度内部是否收敛（组合信度 ≥ .70，AVE ≥ .50）、彼此是否可区分（Fornell-Larcker 准则，HTMT ≤ .85）；以及单个主成分能概括各维度的多少信息。这些方法与 R psych（EFA、KMO、平行分析）和 lavaan（CFA）的结果一致到 1e-6。

# %% [markdown] tags=["en"]
# # 02 Factor structure
#
# The framework says which indicators belong to which dimension, and the survey says which items
# measure which construct. Do the data agree? This notebook checks, for the indicator set and for the
# satisfaction survey: whether the correlations are strong enough for factor analysis at all (KMO,
# Bartlett); how many factors the data support (scree and Horn's parallel analysis); whether an
# exploratory solution puts each indicator with its own dimension (loading ≥ .40 on its own factor,
# ≤ .30 elsewhere); whether the intended structure fits as a confirmatory model (CFI/TLI ≥ .95,
# RMSEA ≤ .06, SRMR ≤ .08; Hu & Bentler 1999); whether the dimensions are internally convergent
# (composite reliability ≥ .70, AVE ≥ .50) and distinct from each other (Fornell-Larcker, HTMT ≤ .85);
# and how much of each dimension a single component captures. The methods reproduce R psych (EFA,
# KMO, parallel analysis) and lavaan (CFA) to 1e-6.

# %% tags=["parameters"]
config = "../configs/default.yaml"  # run config (paths inside it are relative to the config file)
output_dir = None                   # report folder; None: display only (interactive use)
lang = None                         # "zh" or "en"; None: the config's

# %%
from dgpe.sections import factor
from dgpe.session import open_run

run = open_run(config, notebook="02_factor_structure", output_dir=output_dir, lang=lang)

# %% [markdown] tags=["zh"]
# ## 0. 数据：两种测量工具
# **指标**：按综合指数使用的形式取用（按本次运行的构建做过插补和离群值处理），统一为越高越好并标准化；预设结构为框架的维度（综合指数的下一级节点；直接由指标构成的扁平指数只有一个预设因子，即指数本身）。
#
# **问卷**：李克特题项，反向计分题已重新编码；预设结构为各量表。没有问卷的运行（或没有量表的框架）只检查指标。
#
# 因子分析使用成对相关（EFA、KMO）或完整观测（Bartlett 检验、CFA、HTMT）。数据无法支持的分析（单位数相对指标数太少、相关矩阵奇异）会如实说明；某一节的分析全部无法运行时，跳过该节并说明原因。

# %% [markdown] tags=["en"]
# ## 0. The two instruments
# **Indicators**: as the index uses them (imputed and outlier-treated per the run's build), turned so
# that higher is better and standardised; the intended structure is the framework's dimensions (the
# index's children; a flat index directly over its indicators is one intended factor, the index itself).
# **Survey**: the Likert items with reverse-keyed items recoded; the intended structure is the scales.
# A run without a survey (or a framework without scales) examines the indicators only.
# Factor analyses use pairwise correlations (EFA, KMO) or complete cases (Bartlett, CFA, HTMT). An
# analysis the data cannot support (too few units for the indicators, a singular correlation matrix)
# is reported as such, and a section none of whose analyses can run is skipped with the reason.

# %%
sets = run.show(factor.instruments(run)).data["sets"]
sets.overview()

# %% [markdown] tags=["zh"]
# ## 1. 抽样适切性：KMO 与 Bartlett 检验
# KMO（Kaiser-Meyer-Olkin）比较相关系数与偏相关系数：≥ .80 为良好，< .60 为一般（Kaiser 1974）；MSA < .60 的指标与其余指标的共同部分很少。Bartlett 球形检验检验相关矩阵是否不同于单位矩阵（大样本中几乎总是如此）。

# %% [markdown] tags=["en"]
# ## 1. Sampling adequacy: KMO and Bartlett
# KMO (Kaiser-Meyer-Olkin) compares correlations with partial correlations: ≥ .80 is meritorious,
# < .60 mediocre (Kaiser 1974); an indicator with MSA < .60 shares little with the rest. Bartlett's test
# asks whether the correlation matrix differs from identity (it nearly always does in large samples).

# %%
adequacy = run.show(factor.adequacy(run, sets))

# %% [markdown] tags=["zh"]
# ## 2. 因子个数：碎石图与平行分析
# Horn 平行分析保留一个因子的条件是：其特征值超过同样规模的随机正态数据特征值的第 95 百分位数（因子特征值：对角线取平方多重相关 SMC）。框架预设的维度数（或量表数）作为参照。

# %% [markdown] tags=["en"]
# ## 2. How many factors? Scree and parallel analysis
# Horn's parallel analysis keeps a factor while its eigenvalue exceeds the 95th percentile of the
# eigenvalues of random normal data of the same size (factor eigenvalues: SMCs on the diagonal).
# The framework's intended number of dimensions (or scales) is the benchmark.

# %%
parallel = run.show(factor.parallel(run, sets))

# %% [markdown] tags=["zh"]
# ## 3. 探索性因子分析与预设结构的对照
# 采用 minres 提取、预设的因子个数和 oblimin 斜交旋转（因子之间可以相关，正如同一指数的各维度那样）；`options.factor.efa_factors`、`efa_extraction` 和 `efa_rotation` 可以修改这些设置。问卷的相关系数按题项类型选取：二分题项用四分相关，有序题项用多分格相关，李克特题项用 Pearson 相关（或通过 `options.factor.likert_correlation` 改用多分格相关）。每个预设维度对应其题项载荷最高的因子；若某指标在本维度因子上的载荷低于 .40，或在其他因子上的载荷超过 .30，则标记该指标。

# %% [markdown] tags=["en"]
# ## 3. Exploratory factor analysis against the intended structure
# Minres extraction with the intended number of factors, oblimin rotation (factors may correlate, as
# dimensions of one index do); `options.factor.efa_factors`, `efa_extraction` and `efa_rotation` change
# these. The survey's correlations follow its item types: binary items tetrachoric, ordinal items
# polychoric, Likert items Pearson (or polychoric with `options.factor.likert_correlation`). Each
# intended dimension is matched to the factor on which its items load most; an indicator is flagged if
# its own loading is below .40 or another loading exceeds .30.

# %%
efa = run.show(factor.efa(run, sets))

# %% [markdown] tags=["zh"]
# ## 4. 预设结构的验证性因子分析
# 采用最大似然估计，与 lavaan `cfa(model, data)` 相同（第一个载荷固定为 1，因子间相关，完整观测）。用 lavaan 语法自定义的模型（`options.cfa.model` 或 `model_file`：残差协方差、固定载荷、交叉载荷）替代其所指集合的预设结构。临界值依照 Hu & Bentler（1999）：CFI 与 TLI ≥ .95，RMSEA ≤ .06，SRMR ≤ .08；单位少而指标多时，χ² 检验与 RMSEA 偏严，CFI/TLI 则会惩罚综合指数所能容忍的大量小的交叉载荷。没有自由度的模型（一个因子对三项指标，如由三个分项构成的扁平指数）恰好识别：它按构造完全拟合，只有载荷能说明问题。

# %% [markdown] tags=["en"]
# ## 4. Confirmatory factor analysis of the intended structure
# Maximum likelihood as lavaan `cfa(model, data)` (first loading fixed to 1, correlated factors,
# complete cases). A model of one's own in lavaan syntax (`options.cfa.model` or `model_file`: residual
# covariances, fixed loadings, cross-loadings) replaces the intended structure of the set it names.
# Cut-offs after Hu & Bentler (1999): CFI and TLI ≥ .95, RMSEA ≤ .06, SRMR ≤ .08; with few units and
# many indicators the χ² test and RMSEA are strict, and CFI/TLI penalise the many small
# cross-loadings an index tolerates. A model with no degrees of freedom (one factor over three
# indicators, as a flat index of three components) is just-identified: it fits perfectly by
# construction, and only its loadings say anything.

# %%
cfa = run.show(factor.cfa(run, sets))

# %% [markdown] tags=["zh"]
# ## 5. 收敛效度与区分效度
# 组合信度（CR ≥ .70）与平均方差提取量（AVE ≥ .50）由 CFA 的标准化载荷计算；Fornell-Larcker 准则：√AVE 高于该维度与其他任一维度的相关；HTMT（Henseler 等 2015）：维度间平均相关相对于维度内相关的比值，应 ≤ .85。后两项是维度之间的比较，因此至少需要两个维度。

# %% [markdown] tags=["en"]
# ## 5. Convergent and discriminant validity
# Composite reliability (CR ≥ .70) and average variance extracted (AVE ≥ .50) from the standardized
# CFA loadings; Fornell-Larcker: √AVE above every correlation with another dimension; HTMT (Henseler et
# al. 2015): the mean between-dimension correlation relative to the within-dimension ones, ≤ .85.
# The last two compare dimensions, so they need at least two.

# %%
validity = run.show(factor.validity(run, sets, cfa.data.get("cfas")))

# %% [markdown] tags=["zh"]
# ## 6. 各维度的单维性
# 第一主成分在每个维度、子维度和量表内所解释的方差比例。比例高，说明维度得分能很好地概括其指标；比例低，说明该维度捆绑了不同的方面（对形成性维度无妨，但此时其权重更为关键）。

# %% [markdown] tags=["en"]
# ## 6. One component per dimension?
# The share of variance the first principal component captures within each dimension, sub-dimension
# and scale. A high share means a dimension score summarises its indicators well; a low share means the
# dimension bundles distinct aspects (fine for a formative dimension, but then its weights matter more).

# %%
unidimensionality = run.show(factor.unidimensionality(run, sets))
