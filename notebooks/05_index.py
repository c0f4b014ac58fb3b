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
# # 05 指数 · The index: scores, ranks and each unit's diagnosis
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

# %% [markdown]
# ## 1. 各层级得分与排名 · Scores and ranks at every level
# The index as the plan built it (`run.plan.index`), on the plan's score scale. Ranks: 1 = best,
# ties share the better rank. Grade bands, as published with the results, only when the config has
# bands that fit the score scale (fixed cut-offs mean nothing on z-scores).

# %%
ranking = run.show(sections.ranking(run))

# %% [markdown]
# ## 2. 单位诊断卡 · Unit diagnosis cards
# For the first-, middle- and last-ranked units: the dimension profile against the average and the
# peer group, and the sub-dimensions where the unit stands best and worst against its peers
# (percentile ranks within its first peer group, or among all units when the run has no peer
# groups). When the index sits directly over its indicators, the profile and the strengths and
# weaknesses are those indicators. The three strongest and weakest items are listed when there are
# enough of them (catalogue threshold `index.strengths_min_items`), else the single best and worst.
# On an unbounded scale (z-scores) the radar charts span the data's range, as the finding states.

# %%
cards = run.show(sections.cards(run))

# %% [markdown]
# ## 3. 同类比较 · Peer groups
# Each unit against its peer groups (the config's `groups`, e.g. province and administrative tier):
# rank within the group and distance from the group mean; group averages side by side. Skipped when
# the run has no peer-group columns.

# %%
peers = run.show(sections.peers(run))

# %% [markdown]
# ## 4. 年度变化 · Year-on-year change on fixed goalposts
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

# %% [markdown]
# ### 4b. 年度可比性:数据是否逐年重新标准化? · Year-to-year comparability: are the data rescaled every year?
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

# %% [markdown]
# ## 5. 投入、产出与成效的权重占比 · Weight on input, output and outcome indicators
# The nominal weight of each indicator category under each node, from the weights the build used.
# The source text asks that actual use and results outweigh spending and availability; the verdict
# is given only when the framework tags its indicators as input, output or outcome (and both inputs
# and outcomes are present). Effective importance (how much each indicator actually drives the
# ranking) is in 04.

# %%
shares = run.show(sections.weight_shares(run))
