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
# # 03 权重：权重的选择有多大影响？
#
# 综合指数可以采用专家的名义权重（框架给定的权重）、AHP 两两比较判断（分专家及合并）或由数据本身确定的权重（熵权、CRITIC、PCA，以及国内实践中常用的信息量权重与独立性权重）。这些权重对各维度的侧重不同，而排名又与预算挂钩，因此关键在于各单位的先后顺序是否随权重而改变。本笔记本将候选权重并列，检查每个 AHP 判断矩阵的一致性（Saaty 的 CR < 0.1），度量由此得到的排名与本次运行自身权重下的排名相差多远，并汇总遴选指标的各轮德尔菲咨询：共识程度（均值、变异系数、满分比）、专家间一致性（Kendall's W）、专家权威程度，以及按各轮保留规则（均值 ≥ 3.5 且变异系数 ≤ 0.25）会被剔除的指标。

# %% [markdown] tags=["en"]
# # 03 Weights: how much does the choice of weights matter?
#
# The index can be weighted by the experts' nominal weights (the framework's), by AHP pairwise
# judgements (per expert and pooled), or by the data themselves (entropy, CRITIC, PCA, and the
# information and independence weights of Chinese practice). These put different emphasis on the
# dimensions, and, because rankings feed budgets, the question is whether the units' order changes
# with them. This notebook sets the candidate weights side by side, checks the consistency of every
# AHP matrix (Saaty's CR < 0.1), measures how far apart the resulting rankings are from the ranking
# under the run's own weights, and summarises the Delphi rounds that selected the indicators:
# consensus (mean, CV, full-score ratio), agreement among experts (Kendall's W), expert authority,
# and the indicators each round's retention rule (mean ≥ 3.5 and CV ≤ 0.25) would drop.

# %% tags=["parameters"]
config = "../configs/default.yaml"  # run config (paths inside it are relative to the config file)
output_dir = None                   # report folder; None: display only (interactive use)
lang = None                         # "zh" or "en"; None: the config's

# %%
from dgpe.sections import weights
from dgpe.session import open_run

run = open_run(config, notebook="03_weights", output_dir=output_dir, lang=lang)

# %% [markdown] tags=["zh"]
# ## 1. AHP 判断矩阵的一致性
# 每位专家对部分节点的下级节点做两两比较。权重为判断矩阵的主特征向量；CR = CI / RI（Saaty 的 RI，1980）须小于 0.1。群组权重以各判断矩阵的几何平均合并（AIJ，Forman & Peniwati 1998）。运行没有 AHP 判断矩阵时跳过。

# %% [markdown] tags=["en"]
# ## 1. Consistency of the AHP judgements
# Each expert compared the children of some nodes pairwise. The weights are the principal
# eigenvector; CR = CI / RI (Saaty's RI, 1980) must stay below 0.1. Group weights pool the
# judgements by the geometric mean of the matrices (AIJ, Forman & Peniwati 1998). Skipped when the
# run has no AHP matrices.

# %%
ahp = run.show(weights.ahp_consistency(run))

# %% [markdown] tags=["zh"]
# 本次运行采用模糊 AHP 权重（`build.weights: fahp`）时，另列各专家模糊判断矩阵的一致性比率：取中间值矩阵计算（中间值矩阵互反，Saaty 的 RI 适用；由清晰判断模糊化时它就是专家的原判断矩阵，故与上表相同）。

# %% [markdown] tags=["en"]
# When the run uses fuzzy AHP weights (`build.weights: fahp`), the consistency ratio of each
# expert's fuzzy matrix follows: that of the middle matrix (reciprocal, so Saaty's RI applies; for
# judgements fuzzified from crisp ones it is the expert's own matrix, hence the table above).

# %%
fahp = run.show(weights.fahp_consistency(run)) if run.plan.weights_method == "fahp" else None

# %% [markdown] tags=["zh"]
# ## 2. 候选权重
# 各维度在综合指数中的有效权重（沿树逐级相乘的权重）在每种赋权方案下的取值，以及本次运行实际采用的方案。数据驱动的权重（熵权、CRITIC、PCA）在每个子维度内部计算，维度与子维度的权重仍沿用专家权重。这些方法要求数据非负：本次运行的标准化数据非负时（min-max，与默认运行相同）直接使用，否则（z 分数）使用处理后数据在 [0, 1] 上的 min-max 重标度，本节会对此加以说明。存在判断矩阵的节点使用 AHP 权重。另有两种国内实践中的赋权方法与之并列：信息量权重（变异系数，基于处理后的原始值，因为变异系数需要有意义的零点）与独立性权重（每项指标对其余全部指标回归的 1 − R²，在全部指标上计算，以便计入跨子维度的冗余，再在每个子维度内重新归一）。存在 AHP 判断矩阵时，模糊 AHP 与普通 AHP 并列：同样的判断表示为三角模糊数（δ = 1），以几何平均合并，用 Buckley 法求权重并按重心去模糊（笔记本 07 将其与 Chang 的范围分析法比较）。数据条件不允许的方案（变异系数所依据的数值围绕零分布、单位数太少无法回归）不予采用，并在结论中说明原因。

# %% [markdown] tags=["en"]
# ## 2. Candidate weights side by side
# Effective weight of each dimension in the index (product of the weights down the tree) under each
# weighting scheme, and the scheme the run itself uses. Data-driven weights (entropy, CRITIC, PCA)
# are computed within each sub-dimension; dimension and sub-dimension weights then stay the
# experts'. They need non-negative data: they take the run's normalised data when these are
# non-negative (min-max, as in the default run) and otherwise (z-scores) a min-max rescaling of the
# treated data to [0, 1], which the section then says. AHP weights apply where matrices exist.
# Two weightings of Chinese practice stand beside them: information weights (the coefficient of
# variation, on the treated raw values since a CV needs a meaningful zero) and independence weights
# (1 − R² of each indicator regressed on all the others, computed over all indicators so that
# redundancy across sub-dimensions counts, then renormalised within each sub-dimension). Where AHP
# matrices exist, fuzzy AHP stands beside crisp AHP: the same judgements as triangular fuzzy numbers
# (δ = 1), pooled by their geometric mean, Buckley's weights with the centroid (notebook 07 compares
# it with Chang's extent analysis). A scheme the data do not allow (a CV of values around zero, too
# few units for the regressions) is left out with a finding that says why.

# %%
schemes = run.show(weights.candidates(run)).data.get("weights")  # None when the run builds no index

# %% [markdown] tags=["zh"]
# 数据驱动的方案只在子维度内部重新分配指标权重，因此上面的维度权重几乎不变；它们真正改变的是投入、产出与成效类指标的权重，因为这些指标在每个子维度内部被重新赋权。在整个指数上加总，正是原文所关注的平衡（重实效、轻投入）。框架未把指标标为投入、产出或成效时跳过。

# %% [markdown] tags=["en"]
# Data-driven schemes reweight indicators only within their sub-dimension, so the dimension
# weights above hardly move; what they do move is the weight of input, output and outcome
# indicators, by reweighting them within each sub-dimension. Summed over the whole index, this is
# the balance the source text is about (results first, inputs second). Skipped when the framework
# does not tag its indicators as input, output or outcome.

# %%
kinds = run.show(weights.by_kind(run, schemes))

# %% [markdown] tags=["zh"]
# ## 3. 排名差异
# 用每组权重按本次运行的方式对同一份预处理数据进行汇总；给出各排名之间的 Spearman 秩相关系数，以及每种方案相对本次运行自身权重（默认运行中为专家权重）下排名的平均名次变动与最大名次变动。最低相关系数低于 0.9 即视为权重对排名有实质影响。

# %% [markdown] tags=["en"]
# ## 3. How far apart are the rankings?
# The same prepared data aggregated as the run does with each weight set; Spearman's rho between the
# rankings, and each scheme's mean and largest rank shift against the ranking under the run's own
# weights (the experts' in the default run). A lowest correlation below 0.9 counts as weights that
# matter for the ranking.

# %%
ranks = run.show(weights.rankings(run, schemes))

# %% [markdown] tags=["zh"]
# ## 4. 德尔菲轮次
# 按轮次和指标给出：重要性均值（1–5）、变异系数、满分比；反映专家一致性的 Kendall's W；权威系数 Cr = (Ca + Cs) / 2（仅在有专家自评时计算；Cr ≥ 0.7 视为足够）。保留规则（均值 ≥ 3.5 且变异系数 ≤ 0.25）列出各轮会被剔除的指标。运行没有德尔菲数据时跳过。

# %% [markdown] tags=["en"]
# ## 4. Delphi rounds
# Per round and indicator: mean importance (1–5), coefficient of variation, share of full scores;
# Kendall's W for the experts' agreement; authority Cr = (Ca + Cs) / 2 (only with the experts'
# self-ratings; Cr ≥ 0.7 counts as adequate). The retention rule (mean ≥ 3.5 and CV ≤ 0.25) lists the
# indicators each round would drop. Skipped when the run has no Delphi data.

# %%
delphi = run.show(weights.delphi(run))
