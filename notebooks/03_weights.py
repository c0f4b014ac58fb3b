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
# # 03 权重 · Weights: how much does the choice of weights matter?
#
# The index can be weighted by the experts' nominal weights (the framework's), by AHP pairwise
# judgements (per expert and pooled), or by the data themselves (entropy, CRITIC, PCA, and the
# information and independence weights of Chinese practice). These put different emphasis on the
# dimensions, and, because rankings feed budgets, the question is whether the units' order changes
# with them. This notebook sets the candidate weights side by side,
# checks the consistency of every AHP matrix (Saaty's CR < 0.1), measures how far apart the
# resulting rankings are from the ranking under the run's own weights, and summarises the Delphi rounds that selected the indicators: consensus
# (mean, CV, full-score ratio), agreement among experts (Kendall's W), expert authority, and the
# indicators each round's retention rule (mean ≥ 3.5 and CV ≤ 0.25) would drop.

# %% tags=["parameters"]
config = "../configs/default.yaml"  # run config (paths inside it are relative to the config file)
output_dir = None                   # report folder; None: display only (interactive use)
lang = None                         # "zh" or "en"; None: the config's

# %%
from dgpe.sections import weights
from dgpe.session import open_run

run = open_run(config, notebook="03_weights", output_dir=output_dir, lang=lang)

# %% [markdown]
# ## 1. AHP 判断矩阵的一致性 · Consistency of the AHP judgements
# Each expert compared the children of some nodes pairwise. The weights are the principal
# eigenvector; CR = CI / RI (Saaty's RI, 1980) must stay below 0.1. Group weights pool the
# judgements by the geometric mean of the matrices (AIJ, Forman & Peniwati 1998). Skipped when the
# run has no AHP matrices.

# %%
ahp = run.show(weights.ahp_consistency(run))

# %% [markdown]
# ## 2. 候选权重 · Candidate weights side by side
# Effective weight of each dimension in the index (product of the weights down the tree) under each
# weighting scheme, and the scheme the run itself uses. Data-driven weights (entropy, CRITIC, PCA)
# are computed within each sub-dimension; dimension and sub-dimension weights then stay the
# experts'. They need non-negative data: they take the run's normalised data when these are
# non-negative (min-max, as in the default run) and otherwise (z-scores) a min-max rescaling of the
# treated data to [0, 1], which the section then says. AHP weights apply where matrices exist.
# Two weightings of Chinese practice stand beside them: information weights (信息量权重, the
# coefficient of variation, on the treated raw values since a CV needs a meaningful zero) and
# independence weights (独立性权重, 1 − R² of each indicator regressed on all the others, computed
# over all indicators so that redundancy across sub-dimensions counts, then renormalised within
# each sub-dimension). Where AHP matrices exist, fuzzy AHP stands beside crisp AHP: the same
# judgements as triangular fuzzy numbers (δ = 1), pooled by their geometric mean, Buckley's
# weights with the centroid (notebook 07 compares it with Chang's extent analysis). A scheme the
# data do not allow (a CV of values around zero, too few units for the regressions) is left out
# with a finding that says why.

# %%
schemes = run.show(weights.candidates(run)).data.get("weights")  # None when the run builds no index

# %% [markdown]
# Data-driven schemes reweight indicators only within their sub-dimension, so the dimension
# weights above hardly move; what they do move is the weight of input, output and outcome
# indicators, by reweighting them within each sub-dimension. Summed over the whole index, this is
# the balance the source text is about (重实效、轻投入). Skipped when the framework does not tag
# its indicators as input, output or outcome.

# %%
kinds = run.show(weights.by_kind(run, schemes))

# %% [markdown]
# ## 3. 排名差异 · How far apart are the rankings?
# The same prepared data aggregated as the run does with each weight set; Spearman's rho between the
# rankings, and each scheme's mean and largest rank shift against the ranking under the run's own
# weights (the experts' in the default run). A lowest correlation below 0.9 counts as weights that
# matter for the ranking.

# %%
ranks = run.show(weights.rankings(run, schemes))

# %% [markdown]
# ## 4. 德尔菲轮次 · Delphi rounds
# Per round and indicator: mean importance (1–5), coefficient of variation, share of full scores;
# Kendall's W for the experts' agreement; authority Cr = (Ca + Cs) / 2 (only with the experts'
# self-ratings; Cr ≥ 0.7 counts as adequate). The retention rule (mean ≥ 3.5 and CV ≤ 0.25) lists the
# indicators each round would drop. Skipped when the run has no Delphi data.

# %%
delphi = run.show(weights.delphi(run))
