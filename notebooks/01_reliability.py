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
# of their scores, per round)? Every statistic is computed by `methods.psychometrics.reliability`, which reproduces
# R psych (alpha, omega, ICC) to 1e-6.

# %% tags=["parameters"]
config = "../configs/default.yaml"  # run config (paths inside it are relative to the config file)
output_dir = None                   # report folder; None: display only (interactive use)
lang = None                         # "zh" or "en"; None: the config's

# %%
from dgpe.session import open_run

run = open_run(config, notebook="01_reliability", output_dir=output_dir, lang=lang)

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from dgpe import plotting
from methods.psychometrics import reliability

rec, t = run.rec, run.t
scales = list(run.framework.scales)

# %% [markdown]
# ## 1. 问卷量表 · Survey scales
# Reverse-keyed items (e.g. "I often have to re-submit documents") are recoded as min + max − x first.
# Missing answers: pairwise-complete covariances (as R psych). Verdict labels follow George & Mallery:
# α ≥ .9 excellent, ≥ .8 good, ≥ .7 acceptable, ≥ .6 questionable. An item is flagged when its
# corrected item-total correlation (r_drop) is below .3 or when α would rise without it.

# %%
if run.survey is not None and scales:
    survey_scales = {s.code: run.survey[list(s.items)] for s in scales}
    survey_verdicts, survey_items = reliability.reliability_table(
        survey_scales,
        reverse={s.code: list(s.reverse) for s in scales},
        likert={s.code: tuple(s.likert) for s in scales},
    )
    survey_verdicts.insert(0, "name", [run.label(c) for c in survey_verdicts.index])
    rec.table("survey_reliability", survey_verdicts,
              title={"zh": "问卷量表信度", "en": "Reliability of the survey scales"}, note=True)
    rec.table("survey_items", survey_items,
              title={"zh": "问卷题项分析", "en": "Item analysis of the survey scales"})
    display(survey_verdicts[["name", "n_items", "alpha", "ci_low", "ci_high", "omega_total",
                             "flagged_items"]])
else:
    survey_verdicts = pd.DataFrame()
    rec.finding("本次运行没有问卷数据,跳过量表信度。", "No survey data in this run; scale reliability skipped.")

# %%
if not survey_verdicts.empty:
    fig = plotting.bar(
        survey_verdicts["alpha"].rename(index=lambda c: f"{c} {run.label(c)}"),
        title=t("问卷量表 Cronbach α", "Cronbach's alpha of the survey scales"),
        xlabel="α", threshold=0.7, threshold_label=t("可接受 (.70)", "acceptable (.70)"),
    )
    rec.figure("survey_alpha", fig, title={"zh": "问卷量表 α", "en": "Survey scale alpha"})
    plt.show()
    for code, row in survey_verdicts.iterrows():
        level = "warning" if row["alpha"] < 0.7 or row["flagged_items"] else "info"
        rec.finding(f"量表 {code} {run.framework.name(code, 'zh')}: {row['verdict_zh']}。",
                    f"Scale {code} {run.framework.name(code, 'en')}: {row['verdict_en']}.", level=level)

# %% [markdown]
# ## 2. 框架维度与子维度 · Framework dimensions and sub-dimensions
# Indicators are taken as the index uses them (imputed and outlier-treated per the run's build), turned
# so that higher is better (negative indicators × −1) and standardised. A dimension is a child of the
# index; its block is every indicator below it, and a sub-dimension is a child of a dimension that
# holds indicators. When the index sits directly over its indicators (a flat framework such as the
# UN EGDI over OSI, TII, HCI) the one block is the whole index, and there are no sub-dimensions.
# A dimension whose indicators do not correlate is not a scale, and α is then low by construction:
# for a formative dimension (indicators that define rather than reflect it) a low α is not a defect,
# but it says the dimension score mixes different things. ω_h (general-factor saturation) is given
# for dimensions with at least nine indicators.

# %%
prepared = run.prepared  # imputed and outlier-treated by the config's build
fw = run.framework
sub_of = fw.subdimension_of()
dims = reliability.indicator_blocks(prepared, run.meta, by=fw.dimension_of())
subdims = reliability.indicator_blocks(prepared, run.meta, by=sub_of)
empty = pd.DataFrame(columns=["name", "n_items", "alpha", "ci_low", "omega_total", "omega_h", "flagged_items",
                              "verdict_zh", "verdict_en"])
dim_verdicts, dim_items = reliability.reliability_table(dims) if dims else (empty, pd.DataFrame())
sub_verdicts, sub_items = reliability.reliability_table(subdims) if subdims else (empty, pd.DataFrame())
for v in (dim_verdicts, sub_verdicts):
    if "name" not in v.columns:
        v.insert(0, "name", [run.label(c) for c in v.index])
if dims:
    rec.table("dimension_reliability", dim_verdicts,
              title={"zh": "维度信度(指标已统一方向并标准化)", "en": "Reliability of the dimensions (oriented, standardised indicators)"})
if subdims:
    rec.table("subdimension_reliability", sub_verdicts,
              title={"zh": "子维度信度", "en": "Reliability of the sub-dimensions"})
else:
    print(t("框架没有子维度(指数或维度直接由指标构成),跳过子维度信度。",
            "The framework has no sub-dimensions (indicators sit directly under the index or a dimension); sub-dimension reliability skipped."))
if dims or subdims:
    rec.table("dimension_items", pd.concat([dim_items, sub_items]),
              title={"zh": "维度与子维度的指标分析", "en": "Indicator analysis within dimensions and sub-dimensions"})
both = pd.concat([v for v in (dim_verdicts, sub_verdicts) if not v.empty]) if dims or subdims else empty
both[["name", "n_items", "alpha", "ci_low", "omega_total", "omega_h", "flagged_items"]]

# %%
if not both.empty:
    fig = plotting.bar(
        both["alpha"].rename(index=lambda c: f"{c} {run.label(c)}"),
        title=t("维度与子维度 Cronbach α", "Cronbach's alpha of dimensions and sub-dimensions"),
        xlabel="α", threshold=0.7, threshold_label=t("可接受 (.70)", "acceptable (.70)"),
    )
    rec.figure("dimension_alpha", fig, title={"zh": "维度与子维度 α", "en": "Dimension alpha"}, note=True)
    plt.show()
else:
    print(t("没有含两个以上指标的维度,跳过。", "No dimension with two or more indicators; skipped."))

# %%
if not both.empty:
    weak = both[both["alpha"] < 0.7]
    flagged = both[both["flagged_items"].astype(bool)]
    rec.result("dimension_alpha", dim_verdicts["alpha"].round(12).to_dict(),
               label={"zh": "各维度 α", "en": "Alpha by dimension"})
    if not weak.empty:
        rec.finding(
            f"{len(weak)} 个(子)维度 α < .70: "
            + "; ".join(f"{c} {run.framework.name(c, 'zh')} α = {a:.2f}" for c, a in weak["alpha"].items())
            + "。若这些指标是形成性的(共同定义而非共同反映该维度),低 α 不是缺陷,但其得分合并了不同内容。",
            f"{len(weak)} (sub-)dimension(s) have alpha < .70: "
            + "; ".join(f"{c} {run.framework.name(c, 'en')} alpha = {a:.2f}" for c, a in weak["alpha"].items())
            + ". If these indicators are formative (defining rather than reflecting the dimension), low alpha is no defect, but the score mixes different things.",
            level="warning",
        )
    for code, row in flagged.iterrows():
        rec.finding(f"{code} {run.framework.name(code, 'zh')}: 需复核指标 {row['flagged_items']}(校正项总相关 < .30 或删除后 α 上升)。",
                    f"{code} {run.framework.name(code, 'en')}: review indicator(s) {row['flagged_items']} (corrected item-total r < .30, or alpha rises without it).",
                    level="warning")
    if weak.empty and flagged.empty:
        what_zh = "所有维度与子维度" if subdims else ("指数的各成分指标" if list(dims) == [fw.index.code] else "所有维度")
        what_en = "Every dimension and sub-dimension" if subdims else ("The index's component indicators" if list(dims) == [fw.index.code] else "Every dimension")
        alphas_zh = "; ".join(f"{c} α = {a:.2f}" for c, a in both["alpha"].items())
        alphas_en = "; ".join(f"{c} alpha = {a:.2f}" for c, a in both["alpha"].items())
        rec.finding(f"{what_zh} α ≥ .70({alphas_zh}),且没有需复核的指标。",
                    f"{what_en}: alpha ≥ .70 ({alphas_en}) and no indicator is flagged.")

# %% [markdown]
# ## 3. 专家一致性 · Expert agreement (Delphi)
# For each Delphi round the experts' importance scores form an indicators × experts table.
# Kendall's W (tie-corrected) asks whether experts rank the indicators alike (χ² test: W > 0);
# ICC(2,k) asks how reliable the panel's mean score is (two-way random effects, absolute agreement).
# Labels: W after Schmidt (1997), ICC after Koo & Li (2016). Agreement should rise from round to round.

# %%
if run.delphi is not None:
    agreement = reliability.delphi_agreement(run.delphi)
    rec.table("delphi_agreement", agreement,
              title={"zh": "各轮专家意见协调程度", "en": "Expert agreement per Delphi round"}, note=True)
    last = agreement.index.max()
    wide = run.delphi[run.delphi["round"] == last].pivot(index="indicator", columns="expert", values="score")
    icc_last = reliability.icc(wide)
    rec.table("delphi_icc_last_round", icc_last,
              title={"zh": f"第 {last} 轮专家评分的组内相关系数", "en": f"Intraclass correlations of the experts' scores, round {last}"})
    display(agreement[["n_experts", "n_indicators", "kendall_w", "chi2", "p_value", "icc2k", "icc2k_ci_low", "icc2k_ci_high"]])
else:
    agreement = pd.DataFrame()
    rec.finding("本次运行没有德尔菲数据,跳过专家一致性。", "No Delphi data in this run; expert agreement skipped.")

# %%
if not agreement.empty:
    rec.result("kendall_w_by_round", agreement["kendall_w"].round(12).to_dict(),
               label={"zh": "各轮 Kendall W", "en": "Kendall's W by round"})
    for rnd, row in agreement.iterrows():
        sig_zh = "显著" if row["p_value"] < 0.05 else "不显著"
        sig_en = "significant" if row["p_value"] < 0.05 else "not significant"
        rec.finding(
            f"第 {rnd} 轮: {row['n_experts']} 位专家对 {row['n_indicators']} 项指标的 Kendall W = {row['kendall_w']:.3f}"
            f"({row['w_label_zh']},χ²({row['dof']}) = {row['chi2']:.1f},p = {row['p_value']:.3g},{sig_zh});"
            f"专家均值的 ICC(2,k) = {row['icc2k']:.3f} [{row['icc2k_ci_low']:.3f}, {row['icc2k_ci_high']:.3f}]({row['icc2k_label_zh']})。",
            f"Round {rnd}: Kendall's W = {row['kendall_w']:.3f} for {row['n_experts']} experts and {row['n_indicators']} indicators "
            f"({row['w_label_en']}; chi2({row['dof']}) = {row['chi2']:.1f}, p = {row['p_value']:.3g}, {sig_en}); "
            f"ICC(2,k) of the panel mean = {row['icc2k']:.3f} [{row['icc2k_ci_low']:.3f}, {row['icc2k_ci_high']:.3f}] ({row['icc2k_label_en']}).",
            level="info" if row["p_value"] < 0.05 else "warning",
        )
    if len(agreement) > 1:
        w = agreement["kendall_w"]
        up = bool(w.iloc[-1] > w.iloc[0])
        rec.finding(
            f"Kendall W 从第 {w.index[0]} 轮的 {w.iloc[0]:.3f} {'升至' if up else '降至'}第 {w.index[-1]} 轮的 {w.iloc[-1]:.3f},专家意见{'趋于一致' if up else '未趋于一致'}。",
            f"Kendall's W moved from {w.iloc[0]:.3f} (round {w.index[0]}) to {w.iloc[-1]:.3f} (round {w.index[-1]}): the panel {'converged' if up else 'did not converge'}.",
            level="info" if up else "warning",
        )

# %% [markdown]
# ## 4. 结论 · Verdicts
# One line per scale and (sub-)dimension: the coefficient, its interval and what to review.

# %%
parts = [(survey_verdicts, "survey scale"), (dim_verdicts, "dimension"), (sub_verdicts, "sub-dimension")]
verdicts = pd.concat([v.assign(kind=k) for v, k in parts if not v.empty] or [empty.assign(kind=None)])
verdict_table = pd.DataFrame({
    "name": verdicts["name"],
    "kind": verdicts["kind"],
    "alpha": verdicts["alpha"],
    "omega_total": verdicts["omega_total"],
    "verdict": verdicts["verdict_zh"] if run.lang == "zh" else verdicts["verdict_en"],
})
rec.table("verdicts", verdict_table, title={"zh": "信度结论", "en": "Reliability verdicts"}, note=True)
verdict_table
