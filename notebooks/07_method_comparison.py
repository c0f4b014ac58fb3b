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
# # 07 评价方法比较：国内常用的评价方法对各地的排名是否一致？
#
# 国内的评价报告常用灰色关联分析、熵权 TOPSIS、秩和比（RSR）或模糊综合评价对各地排名，而不是采用 JRC/OECD 的综合指数方法（标准化、赋权、汇总）。如果各种排名一致，方法的选择只是呈现方式的问题；如果不一致，一个地方的位置（以及与之挂钩的预算或考核）就取决于所用的方法。本笔记本在同一份预处理数据上（按本次运行的构建做过插补和处理；凡需要权重的方法都使用本次运行的指数权重；熵权 TOPSIS 按其设计使用自身的熵权），用每种方法对配置年份的单位排名，报告方法之间的排名相关以及名次变动最大的单位，将国内常用的赋权方法与专家权重比较，并借助耦合协调度考察投入是否有相应的产出与成效（是否重投入轻产出）。

# %% [markdown] tags=["en"]
# # 07 Method comparison: do the evaluation methods of Chinese practice rank the localities alike?
#
# Chinese evaluation reports often rank localities by grey relational analysis, entropy-weighted
# TOPSIS, the rank-sum ratio (RSR) or fuzzy comprehensive evaluation rather than by the JRC/OECD
# composite (normalise, weight, aggregate). If the rankings agree, the choice is presentation; if
# they do not, a locality's place (and the budget or appraisal tied to it) depends on the method.
# This notebook ranks the config year's units by each method on the same prepared data (imputed and
# treated as in the run's build; the run's index weights wherever a method takes weights;
# entropy-TOPSIS uses its own entropy weights by design), reports the rank correlations between
# methods and the units whose rank moves most, compares the Chinese weighting methods with the
# expert weights, and asks with the coupling coordination degree whether inputs are matched by
# outputs and outcomes (or the spending is heavy and the outputs light).

# %% tags=["parameters"]
config = "../configs/default.yaml"  # run config (paths inside it are relative to the config file)
output_dir = None  # report folder; None: display only (interactive use)
lang = None  # "zh" or "en"; None: the config's

# %%
from dgpe.sections import comparison
from dgpe.session import open_run

run = open_run(config, notebook="07_method_comparison", output_dir=output_dir, lang=lang)

# %% [markdown] tags=["zh"]
# ## 1. 参照与国内常用评价方法
# 参照是本次运行自身的指数（构建记录在配置的 `build:` 中；示例数据为插补、JRC 离群值处理、min-max 0-100、专家权重、算术平均），以及改用几何平均的同一构建，作为第二个标准变体（采用 1-100 量表，因为几何平均需要正值）。与之比较的有：以理想单位为参考序列的灰色关联度（ρ = 0.5）、熵权 TOPSIS、整秩 RSR 与非整秩 RSR（后者按 Probit 分档），以及在评语集“差/中/良/优”上、特征值为 30/50/70/90（0-100 量表）的加权平均型模糊综合评价。灰色关联、TOPSIS 和 RSR 自行对处理后的指标做重标度或取秩。模糊综合评价（以及第 4 节的耦合协调度）要把数值与固定数值对照分级，因此要求指标位于已知的有界量表上：将指数标准化后的指标从其得分量表线性映射到 0-100（默认的 min-max 0-100 构建按原样使用）；量表没有固定边界时（z 分数、名次、按原样使用的数据），改用处理后指标的 min-max 0-100 重标度，本节会对此加以说明。z 分数绝不会与 0-100 的评语值对照分级。
#
# 下表列出所用的变体，以及每种方法对照检验过的已发表算例（`tests/test_published_examples.py`）：
#
# | 方法 | 本笔记本所用变体 | 另外提供的变体 | 复现的已发表算例 |
# |---|---|---|---|
# | 灰色关联 | min-max 同向化，理想参考序列，ρ = 0.5，Δmin/Δmax 取自全部单位与指标，按指数权重计算关联度 | 初值化、均值化（`grey_relational_analysis`），任意 ρ，负理想贴近度 | Abifarin & Abifarin，*Environ. Sci. Pollut. Res.*（Taguchi-GRA） |
# | 熵权 TOPSIS | 先做 min-max，再计算熵权并做向量 TOPSIS | `preprocess="raw"`（在原始矩阵上计算熵权与 TOPSIS） | Ersoy（2021），*LogForum*（原始矩阵变体）；熵权：Xu（2004）、Zavadskas & Podvezko（2016）、Lee & Chang（2018） |
# | 秩和比（RSR） | 整秩，以及采用 Probit 回归的非整秩（最后一点取 1 − 0.25/n），分 3 档 | 加权，任意档数 | 戈早川、徐春华的回归（一致性检验） |
# | 模糊综合评价 | M(·,⊕) 加权平均型，三角隶属函数，最大隶属度结论及得分 | M(∧,∨)、M(·,∨)、M(∧,⊕)；不归一化的模糊集 A | SPSSAU 服装案例；陈水利第 5 章；一个两类服装算例 |
# | 模糊 AHP | Buckley 几何平均法，重心去模糊；Chang 范围分析法 | 分级均值去模糊 | Kilic 等（2014）；Sun（2010）；Saputro 等（范围分析法） |
# | 耦合协调度 | Wang 等（2021）修正的 C，各子系统 α 相等 | 标准的 n 系统 C | *Math. Probl. Eng.* 2022 表 4（标准形式）；Wang 等表 8（一致性检验） |
# | 信息量权重、独立性权重 | CV / ΣCV；1 − R² | 1/R | *Math. Probl. Eng.* 2015 表 3（CV 步骤）；独立性权重与优序图法未找到已发表算例 |

# %% [markdown] tags=["en"]
# ## 1. The reference and the methods of Chinese practice
# The reference is the run's own index (the build recorded in the config's `build:`; for the
# example data imputation, JRC outlier treatment, min-max 0-100, expert weights, arithmetic means),
# and the same build with geometric means (on a 1-100 scale, as the geometric mean needs positive
# values) as a second standard variant. Against them: the grey relational grade with the ideal unit
# (ρ = 0.5), entropy-weighted TOPSIS, the integer and the non-integer RSR (the latter with probit
# grading), and the weighted-average fuzzy evaluation on the comment set poor/fair/good/excellent
# with characteristic values 30/50/70/90 on a 0-100 scale. Grey relations, TOPSIS and RSR rescale or
# rank the treated indicators themselves. The fuzzy evaluation (and the coupling of section 4)
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
# | grey relational | min-max oriented, ideal reference, ρ = 0.5, Δmin/Δmax over all units and indicators, index-weighted grade | initial-value / mean scaling (`grey_relational_analysis`), any ρ, anti-ideal closeness | Abifarin & Abifarin, *Environ. Sci. Pollut. Res.* (Taguchi-GRA) |
# | entropy-TOPSIS | min-max first, then entropy and vector TOPSIS | `preprocess="raw"` (entropy and TOPSIS on the raw matrix) | Ersoy (2021), *LogForum* (raw variant); entropy: Xu (2004), Zavadskas & Podvezko (2016), Lee & Chang (2018) |
# | rank-sum ratio (RSR) | integer ranks, and non-integer ranks with probit regression (last point 1 − 1/(4n)), 3 grades | weights, any number of grades | Ge Zaochuan & Xu Chunhua regression (consistency check) |
# | fuzzy comprehensive evaluation | M(·,⊕) weighted average, triangular memberships, maximum-membership verdict and a score | M(∧,∨), M(·,∨), M(∧,⊕); unrescaled fuzzy set A | SPSSAU clothing case; Chen Shuili, ch. 5; a two-class clothing example |
# | fuzzy AHP | Buckley geometric mean, centroid; Chang extent analysis | graded-mean defuzzification | Kilic, Zaim & Delen (2014); Sun (2010); Saputro et al. (extent) |
# | coupling coordination | Wang et al. (2021) corrected C, equal α | the standard n-system C | *Math. Probl. Eng.* 2022 Table 4 (standard); Wang et al. Table 8 (consistency) |
# | information / independence weights | CV / ΣCV; 1 − R² | 1/R | *Math. Probl. Eng.* 2015 Table 3 (CV step); none found for independence weights or the precedence chart |

# %%
ranks = run.show(comparison.rankings(run))

# %% [markdown] tags=["zh"]
# 阅读上表：当构建在每一层级都采用 min-max 标准化和算术汇总时，采用相同权重的非整秩 RSR 是 min-max 算术综合指数的仿射变换，因此必然与 `jrc_arithmetic` 完全一致（这是一项校验，而不是发现）；整秩 RSR 显示的是仅由秩变换带来的变化。熵权 TOPSIS 的差异最大，因为它同时改变了权重。
#
# ## 2. 秩和比分档与模糊评语
# RSR 通过 Probit 回归把单位分为三档；模糊综合评价给每个单位赋予隶属度最大的评语。两者相互对照的情况如何？

# %% [markdown] tags=["en"]
# Reading the table: the non-integer RSR with the same weights is an affine transform of the
# min-max arithmetic composite whenever the build normalises by min-max and aggregates
# arithmetically at every level, so it must then agree exactly with `jrc_arithmetic` (a check, not
# a finding); the integer RSR shows what the rank transform alone changes. Entropy-TOPSIS differs
# most because it also changes the weights.
#
# ## 2. RSR grades and fuzzy verdicts
# RSR cuts the units into three grades through the probit regression; the fuzzy evaluation gives
# each unit the comment of maximum membership. How do they sit against each other?

# %%
grading = run.show(comparison.grades(run, ranks))

# %% [markdown] tags=["zh"]
# ## 3. 权重方法比较：客观信息优先于主观判断？
# 将指标的独立性权重（1 − R²）和信息量权重（变异系数，基于处理后的数值）以及熵权 TOPSIS 的熵权，与框架的名义专家权重对照；运行有针对指数下一级节点的 AHP 判断矩阵时，再比较由专家判断矩阵经普通群组 AHP 和模糊 AHP（几何平均法与范围分析法）得到的维度权重。

# %% [markdown] tags=["en"]
# ## 3. Weights: precedence of information over judgement?
# Independence (1 − R²) and information (coefficient of variation, on the treated values) weights
# of the indicators, and the entropy weights of entropy-TOPSIS, against the framework's nominal
# expert weights; and the dimension weights from the experts' AHP matrices by crisp group AHP and by
# fuzzy AHP (geometric mean and extent analysis), when the run has AHP matrices for the index's
# children.

# %%
run.show(comparison.indicator_weights(run, ranks))
fahp = run.show(comparison.fuzzy_ahp(run))

# %% [markdown] tags=["zh"]
# ## 4. 投入与产出是否协调
# 在按框架指标类别构建的两个子系统之间计算耦合协调度（Wang 等 2021 修正的 C）：一是投入类指标（基础设施、人员、经费；联合国 EGDI 中为电信基础设施与人力资本），二是产出与成效类指标（提供的服务、使用与结果），各自为其指标在第 1 节 0-100 量表上的加权平均，再除以 100。产出侧落后于投入侧（产出/投入 < 0.9）的单位有投入而无相应的产出（重投入轻产出）。采用 min-max 标准化时，两侧都是相对于本年度各单位而言的，因此“落后”是相对同类而言，而不是绝对水平。框架未给指标同时标注这两类时跳过。

# %% [markdown] tags=["en"]
# ## 4. Are inputs matched by outputs and outcomes?
# Coupling coordination (Wang et al. 2021 corrected C) between two subsystems built from the
# framework's indicator kinds: the input indicators (infrastructure, staff, funds, and for the UN
# EGDI telecommunication infrastructure and human capital) and the output and outcome indicators
# (services delivered, use and results), each the weighted mean of its indicators on the 0-100
# scale of section 1, divided by 100. A unit whose output side lags its input side (output/input
# < 0.9) invests without matching outputs (heavy on inputs, light on outputs). With min-max
# normalisation both sides are relative to this year's units, so "lags" is relative to the peers,
# not an absolute level. Skipped when the framework does not tag its indicators with both kinds.

# %%
coupled = run.show(comparison.coupling(run, ranks))

# %% [markdown] tags=["zh"]
# ## 5. 调查评语的模糊综合评价
# 模糊综合评价的教科书用法：每位受访者在评语集 1–5（很不满意……很满意；反向计分题已重新编码）上对每个题项作答；一个地方对每个评语的隶属度是选择该评语的受访者比例（模糊统计法）；题项在所属量表内等权，各量表之间也等权；加权平均型算子给出该地的评价向量、最大隶属度结论和得分（评语值取 1–5，对该算子而言即加权平均评分）。居民的评价与基于指标的排名是否一致？运行没有带单位编号的问卷（或各量表的李克特量程不同）时跳过。

# %% [markdown] tags=["en"]
# ## 5. Fuzzy evaluation from the satisfaction survey
# The textbook use of fuzzy comprehensive evaluation: each respondent rates each item on the
# comment set 1–5 (very dissatisfied … very satisfied; reverse-keyed items recoded); a locality's
# membership in each comment is the share of its respondents choosing it (fuzzy statistics); items
# weigh equally within their scale and the scales equally; the weighted-average operator gives the
# locality's evaluation vector, its maximum-membership verdict and a score (comment values 1–5,
# which for this operator is the weighted mean rating). Do the residents' verdicts agree with the
# indicator-based ranking? Skipped when the run has no survey with unit ids (or its scales use
# different Likert ranges).

# %%
survey = run.show(comparison.survey_fuzzy(run))
