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
from dgpe.session import open_run

run = open_run(config, notebook="02_factor_structure", output_dir=output_dir, lang=lang)

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from dgpe import plotting
from methods.psychometrics import factor, reliability

rec, t = run.rec, run.t

# %% [markdown]
# ## 0. 数据 · The two instruments
# **Indicators**: as the index uses them (imputed and outlier-treated per the run's build), turned so
# that higher is better and standardised; the intended structure is the framework's dimensions (the
# index's children; a flat index directly over its indicators is one intended factor, the index itself).
# **Survey**: the Likert items with reverse-keyed items recoded; the intended structure is the scales.
# Factor analyses use pairwise correlations (EFA, KMO) or complete cases (Bartlett, CFA, HTMT).

# %%
prepared = run.prepared  # imputed and outlier-treated by the config's build
fw = run.framework
sub_of = fw.subdimension_of()
dims = reliability.indicator_blocks(prepared, run.meta, by=fw.dimension_of())
subdims = reliability.indicator_blocks(prepared, run.meta, by=sub_of)
sets = {"indicators": (pd.concat(dims.values(), axis=1), {d: list(b.columns) for d, b in dims.items()})}
scales = list(run.framework.scales)
if run.survey is not None and scales:
    survey = pd.concat(
        [reliability.recode_reverse(run.survey[list(s.items)], list(s.reverse), tuple(s.likert)) for s in scales],
        axis=1,
    )
    sets["survey"] = (survey, {s.code: list(s.items) for s in scales})
set_name = {"indicators": t("指标体系", "indicator set"), "survey": t("满意度问卷", "satisfaction survey")}
pd.DataFrame({k: {"rows": x.shape[0], "columns": x.shape[1], "intended factors": len(m),
                  "complete rows": int(x.dropna().shape[0])} for k, (x, m) in sets.items()})

# %% [markdown]
# ## 1. 抽样适切性 · Sampling adequacy: KMO and Bartlett
# KMO (Kaiser-Meyer-Olkin) compares correlations with partial correlations: ≥ .80 is meritorious,
# < .60 mediocre (Kaiser 1974); an indicator with MSA < .60 shares little with the rest. Bartlett's test
# asks whether the correlation matrix differs from identity (it nearly always does in large samples).

# %%
tests_ = {key: factor.sampling_adequacy(x, min_msa=0.6) for key, (x, _model) in sets.items()}
adequacy = pd.DataFrame({key: a.summary() for key, a in tests_.items()}).T
msa = pd.concat([a.to_frame().assign(set=key) for key, a in tests_.items()])
rec.table("adequacy", adequacy, title={"zh": "KMO 与 Bartlett 球形检验", "en": "KMO and Bartlett's test of sphericity"}, note=True)
rec.table("msa_by_item", msa, title={"zh": "各指标/题项的抽样适切性 (MSA)", "en": "Sampling adequacy (MSA) by indicator / item"})
adequacy

# %%
for key, row in adequacy.iterrows():
    low = list(msa.index[(msa["set"] == key) & msa["low"]])
    rec.finding(
        f"{set_name[key]}: KMO = {row['kmo']:.3f}({row['kmo_label']}),Bartlett χ²({row['bartlett_df']}) = {row['bartlett_chi2']:.1f},p = {row['bartlett_p']:.3g}"
        + (f";MSA < .60 的: {', '.join(low)}。" if low else ";所有 MSA ≥ .60,适合做因子分析。"),
        f"{key}: KMO = {row['kmo']:.3f} ({row['kmo_label']}), Bartlett chi2({row['bartlett_df']}) = {row['bartlett_chi2']:.1f}, p = {row['bartlett_p']:.3g}"
        + (f"; MSA < .60 for {', '.join(low)}." if low else "; every MSA ≥ .60: suitable for factor analysis."),
        level="warning" if low or row["kmo"] < 0.6 else "info",
    )

# %% [markdown]
# ## 2. 因子个数 · How many factors? Scree and parallel analysis
# Horn's parallel analysis keeps a factor while its eigenvalue exceeds the 95th percentile of the
# eigenvalues of random normal data of the same size (factor eigenvalues: SMCs on the diagonal).
# The framework's intended number of dimensions (or scales) is the benchmark.

# %%
parallel = {key: factor.parallel_analysis(x, n_iter=100, seed=run.rng(2)) for key, (x, _) in sets.items()}
fig, axes = plt.subplots(1, len(parallel), figsize=(6 * len(parallel), 4.2), squeeze=False)
for ax, (key, pa) in zip(axes.flat, parallel.items(), strict=False):
    tab = pa.table.head(min(15, len(pa.table)))
    ax.plot(tab.index, tab["pc_observed"], "o-", color=plotting.PALETTE[0], label=t("主成分(观测)", "components (observed)"))
    ax.plot(tab.index, tab["fa_observed"], "s-", color=plotting.PALETTE[2], label=t("因子(观测)", "factors (observed)"))
    ax.plot(tab.index, tab["pc_sim_q"], "--", color=plotting.PALETTE[0], alpha=0.7, label=t("主成分 随机 95%", "components, random 95%"))
    ax.plot(tab.index, tab["fa_sim_q"], "--", color=plotting.PALETTE[2], alpha=0.7, label=t("因子 随机 95%", "factors, random 95%"))
    ax.axvline(len(sets[key][1]) + 0.5, color=plotting.PALETTE[3], lw=1, ls=":", label=t("预设维度数", "intended number"))
    ax.set_title(f"{set_name[key]}: {t('建议', 'suggests')} {pa.n_factors} {t('个因子', 'factors')}")
    ax.set_xlabel(t("序号", "number"))
    ax.set_ylabel(t("特征值", "eigenvalue"))
    ax.legend(fontsize=8)
fig.tight_layout()
rec.figure("scree_parallel", fig, title={"zh": "碎石图与平行分析", "en": "Scree plot and parallel analysis"}, note=True)
plt.show()

# %%
n_factors = {key: pa.n_factors for key, pa in parallel.items()}
rec.result("parallel_n_factors", n_factors, label={"zh": "平行分析建议的因子数", "en": "Factors suggested by parallel analysis"})
for key, pa in parallel.items():
    rec.table(f"parallel_{key}", pa.table, title={"zh": f"平行分析({set_name[key]})", "en": f"Parallel analysis ({key})"})
    intended = len(sets[key][1])
    same = pa.n_factors == intended
    rec.finding(
        f"{set_name[key]}: 平行分析建议 {pa.n_factors} 个因子({pa.n_components} 个主成分),预设 {intended} 个{'——一致' if same else ',不一致'}。",
        f"{key}: parallel analysis suggests {pa.n_factors} factor(s) ({pa.n_components} component(s)); the framework intends {intended}{' (agrees)' if same else ' (differs)'}.",
        level="info" if same else "warning",
    )

# %% [markdown]
# ## 3. 探索性因子分析 · Exploratory factor analysis against the intended structure
# Minres extraction with the intended number of factors, oblimin rotation (factors may correlate, as
# dimensions of one index do). Each intended dimension is matched to the factor on which its items load
# most; an indicator is flagged if its own loading is below .40 or another loading exceeds .30.

# %%
efas, flags = {}, []
for key, (x, model) in sets.items():
    efas[key] = factor.efa(x, len(model), method="minres", rotation="oblimin")
    fl = factor.loading_flags(efas[key].loadings, model, own_min=0.4, cross_max=0.3)
    flags.append(fl.join(efas[key].loadings.round(12)).assign(set=key))
flags = pd.concat(flags)
rec.table("efa_loadings", flags, title={"zh": "探索性因子载荷与预设结构", "en": "EFA loadings against the intended structure"}, note=True)
for key, e in efas.items():
    rec.table(f"efa_phi_{key}", e.phi, title={"zh": f"因子相关({set_name[key]})", "en": f"Factor correlations ({key})"})
flags[["construct", "factor", "own", "max_cross", "cross_factor", "low_own", "cross_loading"]]

# %%
for key in sets:
    f = flags[flags["set"] == key]
    bad = f[f["low_own"] | f["cross_loading"]]
    if bad.empty and len(sets[key][1]) == 1:
        lo = f["own"].abs().min()
        rec.finding(f"{set_name[key]}: 预设单一因子,所有指标在该因子上载荷 ≥ .40(最低 {lo:.2f});只有一个因子,无交叉载荷可查。",
                    f"{key}: one intended factor; every item loads ≥ .40 on it (lowest {lo:.2f}); with a single factor there are no cross-loadings to check.")
    elif bad.empty:
        rec.finding(f"{set_name[key]}: 探索性因子分析与预设结构一致,所有指标在本维度因子上载荷 ≥ .40 且交叉载荷 ≤ .30。",
                    f"{key}: the EFA reproduces the intended structure; every item loads ≥ .40 on its own factor and ≤ .30 elsewhere.")
    else:
        lines_zh = [f"{i}(本维度 {r['construct']} 载荷 {r['own']:.2f},{r['cross_factor']} 上 {r['max_cross']:.2f})" for i, r in bad.iterrows()]
        lines_en = [f"{i} (own {r['construct']} {r['own']:.2f}, {r['cross_factor']} {r['max_cross']:.2f})" for i, r in bad.iterrows()]
        rec.finding(f"{set_name[key]}: {len(bad)} 项与预设结构不符: " + "; ".join(lines_zh) + "。",
                    f"{key}: {len(bad)} item(s) do not follow the intended structure: " + "; ".join(lines_en) + ".",
                    level="warning")

# %% [markdown]
# ## 4. 验证性因子分析 · Confirmatory factor analysis of the intended structure
# Maximum likelihood as lavaan `cfa(model, data)` (first loading fixed to 1, correlated factors,
# complete cases). Cut-offs after Hu & Bentler (1999); with few units and many indicators the χ² test
# and RMSEA are strict, and CFI/TLI penalise the many small cross-loadings an index tolerates. A model
# with no degrees of freedom (one factor over three indicators, as a flat index of three components)
# is just-identified: it fits perfectly by construction, and only its loadings say anything.

# %%
cfas, fit_rows, verdict_rows = {}, {}, []
for key, (x, model) in sets.items():
    cfas[key] = factor.cfa(x, model)
    fit_rows[key] = cfas[key].fit_table()
    verdict_rows.append(factor.fit_verdict(cfas[key]).assign(set=key))
fit = pd.DataFrame(fit_rows).T
verdict = pd.concat(verdict_rows)
rec.table("cfa_fit", fit, title={"zh": "验证性因子分析拟合指标", "en": "CFA fit measures"}, note=True)
rec.table("cfa_fit_verdict", verdict, title={"zh": "拟合指标与 Hu & Bentler 标准", "en": "Fit against Hu & Bentler's cut-offs"})
for key, c in cfas.items():
    rec.table(f"cfa_loadings_{key}", c.loadings, index=False, title={"zh": f"标准化载荷({set_name[key]})", "en": f"CFA loadings ({key})"})
display(verdict)
fit

# %%
for key, c in cfas.items():
    v = verdict[verdict["set"] == key]
    failed = list(v.index[~v["meets"]])
    if c.dof == 0:
        std = c.loadings.set_index("item")["std_all"]
        rec.finding(
            f"{set_name[key]}: 模型恰好识别(自由度 0,如单因子三指标),拟合指标恒为完美,不检验任何结构;只有标准化载荷有信息: "
            + ", ".join(f"{i} {v_:.2f}" for i, v_ in std.items()) + "。",
            f"{key}: the model is just-identified (df = 0, e.g. one factor with three indicators), so its fit is perfect by construction and tests nothing; "
            "only the standardised loadings inform: " + ", ".join(f"{i} {v_:.2f}" for i, v_ in std.items()) + ".",
        )
        continue
    rec.finding(
        f"{set_name[key]}: χ²({c.dof}) = {c.chi2:.1f},CFI = {c.cfi:.3f},TLI = {c.tli:.3f},RMSEA = {c.rmsea:.3f} [{c.rmsea_ci[0]:.3f}, {c.rmsea_ci[1]:.3f}],SRMR = {c.srmr:.3f}"
        + (f";未达标: {', '.join(failed)}。" if failed else ";全部达到 Hu & Bentler 标准。"),
        f"{key}: chi2({c.dof}) = {c.chi2:.1f}, CFI = {c.cfi:.3f}, TLI = {c.tli:.3f}, RMSEA = {c.rmsea:.3f} [{c.rmsea_ci[0]:.3f}, {c.rmsea_ci[1]:.3f}], SRMR = {c.srmr:.3f}"
        + (f"; below the cut-offs: {', '.join(failed)}." if failed else "; every index meets Hu & Bentler's cut-offs."),
        level="warning" if failed else "info",
    )
    if c.heywood or not c.converged:
        rec.finding(f"{set_name[key]}: 模型解不恰当(Heywood 或未收敛): {', '.join(c.heywood)}",
                    f"{key}: improper solution (Heywood case or non-convergence): {', '.join(c.heywood)}", level="warning")

# %% [markdown]
# ## 5. 收敛与区分效度 · Convergent and discriminant validity
# Composite reliability (CR ≥ .70) and average variance extracted (AVE ≥ .50) from the standardized
# CFA loadings; Fornell-Larcker: √AVE above every correlation with another dimension; HTMT (Henseler et
# al. 2015): the mean between-dimension correlation relative to the within-dimension ones, ≤ .85.
# The last two compare dimensions, so they need at least two.

# %%
validity = pd.concat([factor.validity_table(c, sets[key][0]).assign(set=key) for key, c in cfas.items()])
validity.insert(0, "name", [run.label(f) for f in validity.index])
rec.table("validity", validity, title={"zh": "组合信度、AVE、Fornell-Larcker 与 HTMT", "en": "Composite reliability, AVE, Fornell-Larcker and HTMT"}, note=True)
single = [key for key, (_, model) in sets.items() if len(model) < 2]
for key, c in cfas.items():
    if key in single:
        print(t(f"{set_name[key]}: 只有一个预设因子,区分效度(Fornell-Larcker、HTMT)不适用。",
                f"{key}: a single intended factor; discriminant validity (Fornell-Larcker, HTMT) does not apply."))
        continue
    rec.table(f"htmt_{key}", factor.htmt(sets[key][0], sets[key][1]), title={"zh": f"HTMT 矩阵({set_name[key]})", "en": f"HTMT matrix ({key})"})
    rec.table(f"fornell_larcker_{key}", factor.fornell_larcker(c), title={"zh": f"Fornell-Larcker 表({set_name[key]})", "en": f"Fornell-Larcker table ({key})"})
validity

# %%
for f, row in validity.iterrows():
    problems_zh, problems_en = [], []
    discriminant = row["set"] not in single
    if not row["cr_ok"]:
        problems_zh.append(f"CR = {row['composite_reliability']:.2f} < .70")
        problems_en.append(f"CR = {row['composite_reliability']:.2f} < .70")
    if not row["ave_ok"]:
        problems_zh.append(f"AVE = {row['ave']:.2f} < .50")
        problems_en.append(f"AVE = {row['ave']:.2f} < .50")
    if discriminant and not row["fornell_larcker_ok"]:
        problems_zh.append(f"√AVE = {row['sqrt_ave']:.2f} 不高于与 {row['max_correlation_with']} 的相关 {row['max_correlation']:.2f}")
        problems_en.append(f"sqrt(AVE) = {row['sqrt_ave']:.2f} not above its correlation with {row['max_correlation_with']} ({row['max_correlation']:.2f})")
    if discriminant and not row["htmt_ok"]:
        problems_zh.append(f"与 {row['max_htmt_with']} 的 HTMT = {row['max_htmt']:.2f} > .85")
        problems_en.append(f"HTMT with {row['max_htmt_with']} = {row['max_htmt']:.2f} > .85")
    if problems_zh:
        rec.finding(f"{f} {run.framework.name(f, 'zh')}: " + ";".join(problems_zh) + "。",
                    f"{f} {run.framework.name(f, 'en')}: " + "; ".join(problems_en) + ".", level="warning")
multi = validity[~validity["set"].isin(single)]
if validity[["cr_ok", "ave_ok"]].all().all() and multi[["fornell_larcker_ok", "htmt_ok"]].all().all():
    if multi.empty:
        cr_ave = "; ".join(f"{f} CR = {r['composite_reliability']:.2f}, AVE = {r['ave']:.2f}" for f, r in validity.iterrows())
        rec.finding(f"组合信度与 AVE 均达标({cr_ave});只有一个预设因子,区分效度不适用。",
                    f"Composite reliability and AVE meet the criteria ({cr_ave}); with a single intended factor, discriminant validity does not apply.")
    else:
        rec.finding("所有维度与量表的组合信度、AVE、Fornell-Larcker 与 HTMT 均达标。",
                    "Every dimension and scale meets the CR, AVE, Fornell-Larcker and HTMT criteria.")

# %% [markdown]
# ## 6. 各维度的单维性 · One component per dimension?
# The share of variance the first principal component captures within each dimension, sub-dimension
# and scale. A high share means a dimension score summarises its indicators well; a low share means the
# dimension bundles distinct aspects (fine for a formative dimension, but then its weights matter more).

# %%
blocks = {**dims, **subdims}
if "survey" in sets:
    blocks.update({s.code: sets["survey"][0][list(s.items)] for s in scales})
share = pd.DataFrame({
    "name": [run.label(c) for c in blocks],
    "n_items": [b.shape[1] for b in blocks.values()],
    "first_component_share": [factor.first_component_share(b) for b in blocks.values()],
    "equal_share": [1 / b.shape[1] for b in blocks.values()],
}, index=pd.Index(list(blocks), name="block"))
rec.table("first_component_share", share, title={"zh": "各维度第一主成分解释的方差比例", "en": "Variance share of the first principal component by block"})
fig = plotting.bar(
    share["first_component_share"].rename(index=lambda c: f"{c} {run.label(c)}"),
    title=t("第一主成分解释的方差比例", "Variance share of the first principal component"),
    xlabel=t("比例", "share"), threshold=0.5, threshold_label=t("一半", "one half"),
)
rec.figure("first_component_share", fig, title={"zh": "第一主成分方差比例", "en": "First component share"})
plt.show()

# %%
low = share[share["first_component_share"] < 0.5]
rec.result("first_component_share", share["first_component_share"].round(12).to_dict(),
           label={"zh": "第一主成分方差比例", "en": "First component share"})
if not low.empty:
    rec.finding(
        "第一主成分解释不足一半方差的: " + "、".join(f"{c} {run.framework.name(c, 'zh')} ({v:.0%})" for c, v in low["first_component_share"].items()) + "。这些维度合并了不同方面,其得分对权重更敏感。",
        "Blocks whose first component explains less than half the variance: " + ", ".join(f"{c} {run.framework.name(c, 'en')} ({v:.0%})" for c, v in low["first_component_share"].items()) + ". These bundle distinct aspects; their scores depend more on the weights.",
        level="info",
    )
else:
    lows = ", ".join(f"{c} {v:.0%}" for c, v in share["first_component_share"].items())
    rec.finding(f"每个维度、子维度和量表的第一主成分都解释了至少一半的方差({lows})。",
                f"In every dimension, sub-dimension and scale the first component explains at least half the variance ({lows}).")
