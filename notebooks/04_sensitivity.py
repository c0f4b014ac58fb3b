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
# # 04 不确定性与敏感性：哪些排名差异是真实的，又由什么驱动
#
# 本指数的排名将用于引导预算安排和考核评价。在奖励或问责任何单位之前，本笔记本先要问：如果方法上的选择换一种做法——但仍然合理——哪些名次还能成立？运行配置的 `sensitivity:` 一节列出了不确定的方法选择（在专家权重附近扰动的权重、标准化、汇总、离群值处理……）。在这些选择的数千种组合下重新构建指数（Saltelli 设计）；每个单位的名次分布给出其**排名区间**，经常互换位置的单位对**无法区分**，基于方差的 **Sobol 指数**说明哪项选择造成了名次的离散（一阶：该选择单独的作用；总效应：包括它与其他选择的交互作用）。每项指标和每个维度的有效重要性（它对指数的一阶效应，Paruolo、Saisana & Saltelli 2013）与其名义权重并列比较，并依次剔除每项指标和每个维度（逐一剔除）。

# %% [markdown] tags=["en"]
# # 04 Uncertainty and sensitivity: which rank differences are real, and what drives them
#
# Rankings from this index will steer budgets and appraisals. Before any unit is rewarded or
# blamed, this notebook asks: if the methodological choices had been made differently — but still
# plausibly — which ranks would survive? The run config's `sensitivity:` section lists the
# uncertain choices (weights perturbed around the expert weights, normalisation, aggregation,
# outlier treatment …). The index is rebuilt under thousands of combinations of them (a Saltelli
# design); each unit's rank distribution gives its **rank interval**, pairs of units that swap
# places too often **cannot be told apart**, and variance-based **Sobol' indices** say which
# choice drives the spread (first order: the choice alone; total: with its interactions).
# The effective importance of every indicator and dimension (its first-order effect on the index,
# Paruolo, Saisana & Saltelli 2013) is set beside its nominal weight, and every indicator and
# dimension is removed in turn (leave-one-out).

# %% tags=["parameters"]
config = "../configs/default.yaml"  # run config (paths inside it are relative to the config file)
output_dir = None                   # report folder; None: display only (interactive use)
lang = None                         # "zh" or "en"; None: the config's

# %%
from dgpe.sections import sensitivity as sa_sections
from dgpe.session import open_run

run = open_run(config, notebook="04_sensitivity", output_dir=output_dir, lang=lang)

# %% [markdown] tags=["zh"]
# ## 0. 不确定的方法选择
# 每项不确定选择的备选方案，即抽样器依据已发布构建解析后的结果（已发布构建的设定与权重——构建使用 AHP 或模糊 AHP 权重时即为这些权重；只有当运行有 AHP 判断矩阵时，AHP 权重才加入权重的备选方案）。表下的说明指出具名备选方案作了哪些调整（例如 min-max 的范围从 1 开始，使几何平均有定义），以及得分统计量和等级概率使用哪些样本：只使用保持指数自身得分量表的样本。

# %% [markdown] tags=["en"]
# ## 0. The uncertain choices
# The alternatives of every uncertain choice, as the sampler resolved them against the published
# build (its spec and its weights — AHP or fuzzy AHP weights when the build uses them; the AHP
# weights join the weight alternatives only when the run has AHP judgement matrices). The notes
# below the table say how named alternatives were adapted (e.g. a min-max range that starts at 1,
# so that a geometric mean is defined) and which samples the score statistics and band
# probabilities use: only those on the index's own score scale.

# %%
ua = run.show(sa_sections.uncertainty(run))
print(*ua.data.get("notes", []), sep="\n")

# %% [markdown] tags=["zh"]
# ## 1. 排名区间（按名义排名排序）
# 每个单位的名义排名（已发布的构建）、各样本中名次的中位数以及 5%–95% 区间。条形越长，说明该单位的位置越取决于那些谁也不能说是错误的方法选择。名义排名落在自身区间之外的单位会被标出：对它而言，已发布的构建本身就是各种合理构建中的极端情形。

# %% [markdown] tags=["en"]
# ## 1. Rank intervals, ordered by nominal rank
# For every unit: the nominal rank (the published build), the median rank over the samples and the
# 5%–95% interval. A long bar means the unit's place depends on choices nobody can call wrong.
# A unit whose nominal rank lies outside its own interval is flagged: for it, the published build is
# itself an extreme among the plausible ones.

# %%
intervals = run.show(sa_sections.rank_intervals(run, ua))

# %% [markdown] tags=["zh"]
# ## 2. 进入前 k 名与后 k 名的概率
# 奖励与预警往往落在排名最前和最后的几个单位上。这里给出每个候选单位有多大把握。

# %% [markdown] tags=["en"]
# ## 2. Probability of being in the top k and the bottom k
# Rewards and warnings often go to the first and last few. Here is how sure each candidate is.

# %%
top_k = run.show(sa_sections.top_bottom(run, ua))

# %% [markdown] tags=["zh"]
# ## 3. 无法区分的单位
# 若一个单位在至少 `pair_confidence`（95%）的样本中排在另一个单位之前，两者即可区分。梯队从排名最前开始划分：一个梯队由领头单位及其后所有不能可靠判定落后于它的单位组成。同一梯队内的单位不应分出名次高下（作为一组公布，或按名称排序）。

# %% [markdown] tags=["en"]
# ## 3. Units that cannot be told apart
# Two units are told apart when one ranks ahead of the other in at least
# `pair_confidence` (95%) of the samples. Tiers are formed from the top: a tier is its leader and
# every following unit that is not reliably behind it. Units in one tier should not be ranked apart
# (publish them as one group, or in alphabetical order).

# %%
tiers = run.show(sa_sections.tiers(run, ua))

# %% [markdown] tags=["zh"]
# ## 4. 哪项方法选择驱动排名变化（Sobol 指数）
# 目标量：某一构建相对名义排名的平均绝对名次变动（与 COINr 相同）。一阶：其方差中由该选择单独造成的比例；总效应：包括它与其他选择的交互作用。条形上标出 5%–95% 自助法区间。第二张表针对每个单位自身的名次，给出总效应指数最大的选择（即每项选择分别驱动多少个单位）。随机设计（`sensitivity.design: random`）不估计 Sobol 指数。

# %% [markdown] tags=["en"]
# ## 4. Which choice drives the rank changes (Sobol' indices)
# Target: the mean absolute rank shift of a build against the nominal ranks (COINr's). First
# order: the share of its variance due to the choice alone; total: including its interactions with
# the other choices. Bars show 5%–95% bootstrap intervals. The second table gives, for every unit's
# own rank, the choice with the largest total-order index (how many units each choice drives). A
# random design (`sensitivity.design: random`) estimates no Sobol' indices.

# %%
drivers = run.show(sa_sections.drivers(run, ua))

# %% [markdown] tags=["zh"]
# ### 4a. 交互作用（二阶指数）
# 若某项选择的总效应指数超过其一阶指数，它就在通过交互作用发挥影响。一对选择的二阶指数，是名次变动方差中由两者共同造成、超出各自单独效应的部分所占的比例（Saltelli 2002；`sensitivity.second_order: true` 会加入所需的 N·d 行设计）。区间为自助法百分位区间，不做截断：负值是零附近的估计误差。

# %% [markdown] tags=["en"]
# ### 4a. Interactions (second-order indices)
# Where a choice's total-order index exceeds its first order, it acts through interactions. The
# second-order index of a pair is the share of the rank-shift variance due to the two choices
# together, beyond their separate effects (Saltelli 2002; `sensitivity.second_order: true` adds the
# N·d design rows it needs). Intervals are bootstrap percentiles, not clipped: a negative value is
# estimation error around zero.

# %%
inter = run.show(sa_sections.interactions(run, ua))

# %% [markdown] tags=["zh"]
# ### 4b. 审计图
# 每个抽样构建的平均绝对名次变动对各项不确定输入作图（菱形：各备选方案下的均值——这些均值的离散正是一阶指数所度量的）；各备选方案下全部单位的名次变动（箱体：四分位数，须线：5%–95%）；以及每个单位取得各个名次的频率（红色：其名义排名）。

# %% [markdown] tags=["en"]
# ### 4b. The plots of an audit
# The mean absolute rank shift of every sampled build against each uncertain input (diamonds: the
# mean under each alternative — the spread of these means is what the first-order index
# measures); the rank shifts of all units under each alternative (box: quartiles, whiskers 5%–95%);
# and how often each unit takes each rank (red: its nominal rank).

# %%
plots = run.show(sa_sections.audit_plots(run, ua))

# %% [markdown] tags=["zh"]
# ## 5. 有效重要性与名义权重
# 权重是一种取舍，而不是重要性：指标间的相关和离散程度的差异决定了一项指标实际能在多大程度上影响指数。将相关比 S（非参数的，即指标在各单位间对指数的一阶效应）与有效名义权重相比较，两者都以所在层级内的占比表示。框架把指标标为投入、产出或成效时，另有一张表按类别汇总两种占比：框架承诺实际使用与成效（“实际网办”）重于可办性与投入（“可网办”）。

# %% [markdown] tags=["en"]
# ## 5. Effective importance versus nominal weight
# A weight is a trade-off, not an importance: correlations and unequal spreads decide how much an
# indicator actually moves the index. The correlation ratio S (non-parametric, first-order effect
# on the index across units) is compared with the effective nominal weight, both as shares within
# their level. Where the framework tags its indicators as input, output or outcome, a table sums
# both shares by kind: the framework promises that actual use and results (services actually
# handled online) outweigh availability and spending (services that can be handled online).

# %%
importance = run.show(sa_sections.importance(run, ua))

# %% [markdown] tags=["zh"]
# 使各维度的重要性与其声明权重相符所需的权重（COINr 的“平衡”权重，基于相关比）：反映名义权重离兑现其承诺还有多远。

# %% [markdown] tags=["en"]
# Weights that would make each dimension as important as its stated weight (COINr's "balance",
# on the correlation ratio): how far the nominal weights are from delivering what they promise.

# %%
balance = run.show(sa_sections.balance(run))

# %% [markdown] tags=["zh"]
# ## 6. 逐一剔除
# 依次剔除每项指标和每个（子）维度，其余权重按比例重新调整：平均绝对名次变化说明排名在多大程度上依赖于它。

# %% [markdown] tags=["en"]
# ## 6. Leave one out
# Each indicator and each (sub-)dimension removed in turn, the other weights rescaled: the mean
# absolute rank change says how much the ranking leans on it.

# %%
loo = run.show(sa_sections.leave_one_out(run))

# %% [markdown] tags=["zh"]
# ## 7. 等级的稳定性
# 以等级公布结果时，在保持名义得分量表的样本中计算每个等级的概率。只有当运行配置设定了等级、且其界值位于指数的得分量表上（而不是 z 分数上）时，才划分等级。

# %% [markdown] tags=["en"]
# ## 7. Stability of the published grade bands
# Where results are published as grade bands, the probability of each band over the samples that
# keep the nominal score scale. Bands are graded only when the run config sets them and their
# cut-offs lie on the index's score scale (not on z-scores).

# %%
bands = run.show(sa_sections.bands(run, ua))

# %% [markdown] tags=["zh"]
# ## 8. 样本量是否足够
# 以上每个概率和名次分位数本身都是由有限样本得到的估计。第一张表给出其蒙特卡罗误差：基于样本的自助法区间半宽（精确计算，置信水平与 Sobol 指数的区间相同）。图中在前 N/32、N/16……个样本上重新计算 Sobol 指数和排名区间（无需新的模型运算）：若到 N/2 时它们已经稳定——指数变化在 0.05 以内，区间端点平均变化不超过一个名次——且没有总效应指数的区间半宽超过 0.05，则 N 足够。否则结论会提示：将 `sensitivity.n` 加倍后重新运行。

# %% [markdown] tags=["en"]
# ## 8. Was N enough
# Every probability and rank quantile above is itself an estimate from a finite number of samples.
# The first table gives its Monte Carlo error: the half-width of its bootstrap interval over the
# samples (exact, at the level of the Sobol' intervals). The figure recomputes the Sobol' indices
# and the rank intervals on the first N/32, N/16, … of the samples (no new evaluations): N is
# enough when they have settled — within 0.05 for an index, one rank on average for the interval
# ends — by N/2, and no total-order index has an interval half-width above 0.05. Otherwise the
# verdict says so: double `sensitivity.n` and run again.

# %%
conv = run.show(sa_sections.convergence(run, ua))

# %% [markdown] tags=["zh"]
# ## 9. 结论
# 排名能承受什么：在单位无法区分之处以梯队代替单一名次；最值得作出明确决定的方法选择；以及——框架标注了指标类别时——成效类指标在指数中的分量是否与其权重所承诺的相当。

# %% [markdown] tags=["en"]
# ## 9. Verdict
# What the ranking can bear: tiers rather than single ranks where units cannot be told apart, the
# methodological choice that most deserves an explicit decision, and — when the framework tags
# kinds — whether the outcome indicators weigh in the index as much as their weights promise.

# %%
verdict = run.show(sa_sections.verdict(run, ua, loo))
