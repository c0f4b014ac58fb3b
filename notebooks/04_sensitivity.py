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
# # 04 不确定性与敏感性 · Which rank differences are real, and what drives them
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

# %% [markdown]
# ## 0. 不确定的方法选择 · The uncertain choices
# The alternatives of every uncertain choice, as the sampler resolved them against the published
# build (its spec and its weights — AHP or fuzzy AHP weights when the build uses them; the AHP
# weights join the weight alternatives only when the run has AHP judgement matrices). The notes
# below the table say how named alternatives were adapted (e.g. a min-max range that starts at 1,
# so that a geometric mean is defined) and which samples the score statistics and band
# probabilities use: only those on the index's own score scale.

# %%
ua = run.show(sa_sections.uncertainty(run))
print(*ua.data.get("notes", []), sep="\n")

# %% [markdown]
# ## 1. 排名区间 · Rank intervals, ordered by nominal rank
# For every unit: the nominal rank (the published build), the median rank over the samples and the
# 5%–95% interval. A long bar means the unit's place depends on choices nobody can call wrong.
# A unit whose nominal rank lies outside its own interval is flagged: for it, the published build is
# itself an extreme among the plausible ones.

# %%
intervals = run.show(sa_sections.rank_intervals(run, ua))

# %% [markdown]
# ## 2. 前 k 名与后 k 名的概率 · Probability of being in the top k and the bottom k
# Rewards and warnings often go to the first and last few. Here is how sure each candidate is.

# %%
top_k = run.show(sa_sections.top_bottom(run, ua))

# %% [markdown]
# ## 3. 无法区分的单位 · Units that cannot be told apart
# Two units are told apart when one ranks ahead of the other in at least
# `pair_confidence` (95%) of the samples. Tiers are formed from the top: a tier is its leader and
# every following unit that is not reliably behind it. Units in one tier should not be ranked apart
# (publish them as one group, or in alphabetical order).

# %%
tiers = run.show(sa_sections.tiers(run, ua))

# %% [markdown]
# ## 4. 哪项方法选择驱动排名变化 · Which choice drives the rank changes (Sobol' indices)
# Target: the mean absolute rank shift of a build against the nominal ranks (COINr's). First
# order: the share of its variance due to the choice alone; total: including its interactions with
# the other choices. Bars show 5%–95% bootstrap intervals. The second table gives, for every unit's
# own rank, the choice with the largest total-order index (how many units each choice drives). A
# random design (`sensitivity.design: random`) estimates no Sobol' indices.

# %%
drivers = run.show(sa_sections.drivers(run, ua))

# %% [markdown]
# ### 4a. 交互作用 · Interactions (second-order indices)
# Where a choice's total-order index exceeds its first order, it acts through interactions. The
# second-order index of a pair is the share of the rank-shift variance due to the two choices
# together, beyond their separate effects (Saltelli 2002; `sensitivity.second_order: true` adds the
# N·d design rows it needs). Intervals are bootstrap percentiles, not clipped: a negative value is
# estimation error around zero.

# %%
inter = run.show(sa_sections.interactions(run, ua))

# %% [markdown]
# ### 4b. 审计图 · The plots of an audit
# The mean absolute rank shift of every sampled build against each uncertain input (diamonds: the
# mean under each alternative — the spread of these means is what the first-order index
# measures); the rank shifts of all units under each alternative (box: quartiles, whiskers 5%–95%);
# and how often each unit takes each rank (red: its nominal rank).

# %%
plots = run.show(sa_sections.audit_plots(run, ua))

# %% [markdown]
# ## 5. 有效重要性与名义权重 · Effective importance versus nominal weight
# A weight is a trade-off, not an importance: correlations and unequal spreads decide how much an
# indicator actually moves the index. The correlation ratio S (non-parametric, first-order effect
# on the index across units) is compared with the effective nominal weight, both as shares within
# their level. Where the framework tags its indicators as input, output or outcome, a table sums
# both shares by kind: the framework promises that actual use and results ("实际网办") outweigh
# availability and spending ("可网办").

# %%
importance = run.show(sa_sections.importance(run, ua))

# %% [markdown]
# Weights that would make each dimension as important as its stated weight (COINr's "balance",
# on the correlation ratio): how far the nominal weights are from delivering what they promise.

# %%
balance = run.show(sa_sections.balance(run))

# %% [markdown]
# ## 6. 逐一剔除 · Leave one out
# Each indicator and each (sub-)dimension removed in turn, the other weights rescaled: the mean
# absolute rank change says how much the ranking leans on it.

# %%
loo = run.show(sa_sections.leave_one_out(run))

# %% [markdown]
# ## 7. 等级的稳定性 · Stability of the published grade bands
# Where results are published as grade bands, the probability of each band over the samples that
# keep the nominal score scale. Bands are graded only when the run config sets them and their
# cut-offs lie on the index's score scale (not on z-scores).

# %%
bands = run.show(sa_sections.bands(run, ua))

# %% [markdown]
# ## 8. 样本量是否足够 · Was N enough
# Every probability and rank quantile above is itself an estimate from a finite number of samples.
# The first table gives its Monte Carlo error: the half-width of its bootstrap interval over the
# samples (exact, at the level of the Sobol' intervals). The figure recomputes the Sobol' indices
# and the rank intervals on the first N/32, N/16, … of the samples (no new evaluations): N is
# enough when they have settled — within 0.05 for an index, one rank on average for the interval
# ends — by N/2, and no total-order index has an interval half-width above 0.05. Otherwise the
# verdict says so: double `sensitivity.n` and run again.

# %%
conv = run.show(sa_sections.convergence(run, ua))

# %% [markdown]
# ## 9. 结论 · Verdict
# What the ranking can bear: tiers rather than single ranks where units cannot be told apart, the
# methodological choice that most deserves an explicit decision, and — when the framework tags
# kinds — whether the outcome indicators weigh in the index as much as their weights promise.

# %%
verdict = run.show(sa_sections.verdict(run, ua, loo))
