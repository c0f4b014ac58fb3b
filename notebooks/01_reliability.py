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
# # 01 信度分析 · Reliability
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

# %% [markdown]
# ## 1. 问卷量表 · Survey scales
# Reverse-keyed items (e.g. "I often have to re-submit documents") are recoded as min + max − x first.
# Missing answers: pairwise-complete covariances (as R psych). Verdict labels follow George & Mallery:
# α ≥ .9 excellent, ≥ .8 good, ≥ .7 acceptable, ≥ .6 questionable. An item is flagged when its
# corrected item-total correlation (r_drop) is below .3 or when α would rise without it; a scale below
# the acceptable .70 (`options.reliability.alpha_acceptable`) or with a flagged item is a warning.
# Binary (0/1) items: α is KR-20. ω uses `options.reliability.omega_factors` group factors (default:
# 3 for nine or more items, else 1). Skipped when the run has no survey data.

# %%
survey = run.show(reliability.survey_scales(run))

# %% [markdown]
# ## 2. 框架维度与子维度 · Framework dimensions and sub-dimensions
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

# %% [markdown]
# ## 3. 专家一致性 · Expert agreement (Delphi)
# For each Delphi round the experts' importance scores form an indicators × experts table.
# Kendall's W (tie-corrected) asks whether experts rank the indicators alike (χ² test: W > 0);
# ICC(2,k) asks how reliable the panel's mean score is (two-way random effects, absolute agreement).
# Labels: W after Schmidt (1997), ICC after Koo & Li (2016). Agreement should rise from round to round.
# Skipped when the run has no Delphi ratings.

# %%
delphi = run.show(reliability.delphi(run))

# %% [markdown]
# ## 4. 结论 · Verdicts
# One line per scale and (sub-)dimension: the coefficient, its interval and what to review.

# %%
verdicts = run.show(reliability.verdicts(run, survey, blocks))
