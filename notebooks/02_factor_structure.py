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
# # 02 因子结构 · Factor structure
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

# %% [markdown]
# ## 0. 数据 · The two instruments
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

# %% [markdown]
# ## 1. 抽样适切性 · Sampling adequacy: KMO and Bartlett
# KMO (Kaiser-Meyer-Olkin) compares correlations with partial correlations: ≥ .80 is meritorious,
# < .60 mediocre (Kaiser 1974); an indicator with MSA < .60 shares little with the rest. Bartlett's test
# asks whether the correlation matrix differs from identity (it nearly always does in large samples).

# %%
adequacy = run.show(factor.adequacy(run, sets))

# %% [markdown]
# ## 2. 因子个数 · How many factors? Scree and parallel analysis
# Horn's parallel analysis keeps a factor while its eigenvalue exceeds the 95th percentile of the
# eigenvalues of random normal data of the same size (factor eigenvalues: SMCs on the diagonal).
# The framework's intended number of dimensions (or scales) is the benchmark.

# %%
parallel = run.show(factor.parallel(run, sets))

# %% [markdown]
# ## 3. 探索性因子分析 · Exploratory factor analysis against the intended structure
# Minres extraction with the intended number of factors, oblimin rotation (factors may correlate, as
# dimensions of one index do); `options.factor.efa_factors`, `efa_extraction` and `efa_rotation` change
# these. The survey's correlations follow its item types: binary items tetrachoric, ordinal items
# polychoric, Likert items Pearson (or polychoric with `options.factor.likert_correlation`). Each intended dimension is matched to the factor on which its items load
# most; an indicator is flagged if its own loading is below .40 or another loading exceeds .30.

# %%
efa = run.show(factor.efa(run, sets))

# %% [markdown]
# ## 4. 验证性因子分析 · Confirmatory factor analysis of the intended structure
# Maximum likelihood as lavaan `cfa(model, data)` (first loading fixed to 1, correlated factors,
# complete cases). A model of one's own in lavaan syntax (`options.cfa.model` or `model_file`: residual
# covariances, fixed loadings, cross-loadings) replaces the intended structure of the set it names. Cut-offs after Hu & Bentler (1999): CFI and TLI ≥ .95, RMSEA ≤ .06, SRMR ≤ .08; with
# few units and many indicators the χ² test and RMSEA are strict, and CFI/TLI penalise the many small
# cross-loadings an index tolerates. A model with no degrees of freedom (one factor over three
# indicators, as a flat index of three components) is just-identified: it fits perfectly by
# construction, and only its loadings say anything.

# %%
cfa = run.show(factor.cfa(run, sets))

# %% [markdown]
# ## 5. 收敛与区分效度 · Convergent and discriminant validity
# Composite reliability (CR ≥ .70) and average variance extracted (AVE ≥ .50) from the standardized
# CFA loadings; Fornell-Larcker: √AVE above every correlation with another dimension; HTMT (Henseler et
# al. 2015): the mean between-dimension correlation relative to the within-dimension ones, ≤ .85.
# The last two compare dimensions, so they need at least two.

# %%
validity = run.show(factor.validity(run, sets, cfa.data.get("cfas")))

# %% [markdown]
# ## 6. 各维度的单维性 · One component per dimension?
# The share of variance the first principal component captures within each dimension, sub-dimension
# and scale. A high share means a dimension score summarises its indicators well; a low share means the
# dimension bundles distinct aspects (fine for a formative dimension, but then its weights matter more).

# %%
unidimensionality = run.show(factor.unidimensionality(run, sets))
