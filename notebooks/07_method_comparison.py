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
# # 07 评价方法比较 · Do the evaluation methods of Chinese practice rank the localities alike?
#
# Chinese evaluation reports often rank localities by grey relational analysis (灰色关联),
# entropy-weighted TOPSIS (熵权TOPSIS), the rank-sum ratio (秩和比 RSR) or fuzzy comprehensive
# evaluation (模糊综合评价) rather than by the JRC/OECD composite (normalise, weight, aggregate).
# If the rankings agree, the choice is presentation; if they do not, a locality's place (and the
# budget or appraisal tied to it) depends on the method. This notebook ranks the config year's
# units by each method on the same prepared data (imputed and treated as in the run's build; the
# run's index weights wherever a method takes weights; entropy-TOPSIS uses its own entropy
# weights by design), reports the rank correlations between methods and the units whose
# rank moves most, compares the Chinese weighting methods with the expert weights, and asks
# with the coupling coordination degree (耦合协调度) whether inputs are matched by outputs and
# outcomes (重投入轻产出).

# %% tags=["parameters"]
config = "../configs/default.yaml"  # run config (paths inside it are relative to the config file)
output_dir = None  # report folder; None: display only (interactive use)
lang = None  # "zh" or "en"; None: the config's

# %%
from dgpe.sections import comparison
from dgpe.session import open_run

run = open_run(config, notebook="07_method_comparison", output_dir=output_dir, lang=lang)

# %% [markdown]
# ## 1. 参照与中国常用评价方法 · The reference and the methods of Chinese practice
# The reference is the run's own index (the build recorded in the config's `build:`; for the
# example data imputation, JRC outlier treatment, min-max 0-100, expert weights, arithmetic means),
# and the same build with geometric means (on a 1-100 scale, as the geometric mean needs positive
# values) as a second standard variant. Against them: the grey relational grade with the ideal unit
# (ρ = 0.5), entropy-weighted TOPSIS, the integer and the non-integer RSR (the latter with probit
# grading), and the weighted-average fuzzy evaluation on the comment set 差/中/良/优 with
# characteristic values 30/50/70/90 on a 0-100 scale. Grey relations, TOPSIS and RSR rescale or
# rank the treated indicators themselves. The fuzzy evaluation (and the coupling of section 5)
# grade values against fixed numbers, so they need the indicators on a known bounded scale: the
# index's normalised indicators mapped linearly from its score scale to 0-100 (the default min-max
# 0-100 build is used as it is); when the scale has no fixed bounds (z-scores, ranks, data used
# as delivered), a min-max 0-100 rescaling of the treated indicators, and the section says so.
# Z-scores are never graded against 0-100 comment values.
#
# The variants used, and the published worked examples each is tested against
# (`tests/test_published_examples.py`):
#
# | method | variant here | other variants offered | published example reproduced |
# |---|---|---|---|
# | grey relational (灰色关联) | min-max oriented, ideal reference, ρ = 0.5, Δmin/Δmax over all units and indicators, index-weighted grade | initial-value / mean scaling (`grey_relational_analysis`), any ρ, anti-ideal closeness | Abifarin & Abifarin, *Environ. Sci. Pollut. Res.* (Taguchi-GRA) |
# | entropy-TOPSIS (熵权TOPSIS) | min-max first, then entropy and vector TOPSIS | `preprocess="raw"` (entropy and TOPSIS on the raw matrix) | Ersoy (2021), *LogForum* (raw variant); entropy: Xu (2004), Zavadskas & Podvezko (2016), Lee & Chang (2018) |
# | rank-sum ratio (RSR) | integer ranks, and non-integer ranks with probit regression (last point 1 − 1/(4n)), 3 grades | weights, any number of grades | 戈早川 & 徐春华 regression (consistency check) |
# | fuzzy evaluation (模糊综合评价) | M(·,⊕) weighted average, triangular memberships, maximum-membership verdict and a score | M(∧,∨), M(·,∨), M(∧,⊕); unrescaled fuzzy set A | SPSSAU clothing case; 陈水利 ch. 5; a two-class clothing example |
# | fuzzy AHP | Buckley geometric mean, centroid; Chang extent analysis | graded-mean defuzzification | Kilic, Zaim & Delen (2014); Sun (2010); Saputro et al. (extent) |
# | coupling coordination (耦合协调度) | Wang et al. (2021) corrected C, equal α | the standard n-system C | *Math. Probl. Eng.* 2022 Table 4 (standard); Wang et al. Table 8 (consistency) |
# | information / independence weights | CV / ΣCV; 1 − R² | 1/R | *Math. Probl. Eng.* 2015 Table 3 (CV step); none found for independence weights or the precedence chart |

# %%
ranks = run.show(comparison.rankings(run))

# %% [markdown]
# Reading the table: the non-integer RSR with the same weights is an affine transform of the
# min-max arithmetic composite whenever the build normalises by min-max and aggregates
# arithmetically at every level, so it must then agree exactly with `jrc_arithmetic` (a check, not
# a finding); the integer RSR shows what the rank transform alone changes. Entropy-TOPSIS differs
# most because it also changes the weights.
#
# ## 2. 秩和比分档与模糊评语 · RSR grades and fuzzy verdicts
# RSR cuts the units into three grades through the probit regression; the fuzzy evaluation gives
# each unit the comment of maximum membership. How do they sit against each other?

# %%
grading = run.show(comparison.grades(run, ranks))

# %% [markdown]
# ## 3. 权重方法比较 · Weights: precedence of information over judgement?
# Independence (1 − R²) and information (coefficient of variation, on the treated values) weights
# of the indicators, and the entropy weights of entropy-TOPSIS, against the framework's nominal
# expert weights; and the dimension weights from the experts' AHP matrices by crisp group AHP and by
# fuzzy AHP (geometric mean and extent analysis), when the run has AHP matrices for the index's
# children.

# %%
run.show(comparison.indicator_weights(run, ranks))
fahp = run.show(comparison.fuzzy_ahp(run))

# %% [markdown]
# ## 4. 投入与产出是否协调 · Are inputs matched by outputs and outcomes?
# Coupling coordination (Wang et al. 2021 corrected C) between two subsystems built from the
# framework's indicator kinds: the input indicators (infrastructure, staff, funds, and for the UN
# EGDI telecommunication infrastructure and human capital) and the output and outcome indicators
# (services delivered, use and results), each the weighted mean of its indicators on the 0-100
# scale of section 1, divided by 100. A unit whose output side lags its input side (output/input
# < 0.9) invests without matching outputs (重投入轻产出). With min-max normalisation both sides are
# relative to this year's units, so "lags" is relative to the peers, not an absolute level.
# Skipped when the framework does not tag its indicators with both kinds.

# %%
coupled = run.show(comparison.coupling(run, ranks))

# %% [markdown]
# ## 5. 调查评语的模糊综合评价 · Fuzzy evaluation from the satisfaction survey
# The textbook use of fuzzy comprehensive evaluation: each respondent rates each item on the
# comment set 1–5 (很不满意 … 很满意; reverse-keyed items recoded); a locality's membership in
# each comment is the share of its respondents choosing it (模糊统计法); items weigh equally
# within their scale and the scales equally; the weighted-average operator gives the locality's
# evaluation vector, its maximum-membership verdict and a score (comment values 1–5, which for
# this operator is the weighted mean rating). Do the residents' verdicts agree with the
# indicator-based ranking? Skipped when the run has no survey with unit ids (or its scales use
# different Likert ranges).

# %%
survey = run.show(comparison.survey_fuzzy(run))
