"""Chapters 5–8 and the appendix of the method note: reliability and validity, robustness, the
results (the complete ranking), the limitations, and the run's parameters, software and how to
re-check it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from dgpe.note.common import NoteBuilder, cjk, joined, method_label, number

__all__ = ["validity_chapter", "robustness_chapter", "results_chapter", "limits_chapter", "appendix",
           "ranking_table", "uncertainty_design"]

#: notebook → (part title zh, en)
PARTS = {"01_reliability": ("信度", "Reliability"), "02_factor_structure": ("结构效度", "Construct validity"),
         "04_sensitivity": ("不确定性与敏感性分析", "Uncertainty and sensitivity analysis"),
         "07_method_comparison": ("与其他评价方法的比较", "Other evaluation methods compared")}

_EXAMPLE_LIMIT = (
    "示例数据由潜变量模型生成，不代表任何真实地区；用于真实评估前须替换为实测数据。",
    "The example data come from a latent model and describe no real place; replace them with measured data "
    "before any real evaluation.",
)
_INDEX_LIMITS = [
    ("排名区间反映的是方法选择（权重、标准化、聚合、异常值处理）带来的不确定性，不包括测量误差与抽样误差。",
     "Rank intervals reflect methodological choices (weights, normalisation, aggregation, outlier treatment), "
     "not measurement or sampling error."),
    ("投入、产出、成效的分类依据指标设计意图，部分指标兼具多种属性。",
     "The input/output/outcome tags follow each indicator's design intent; some indicators have more than one character."),
]


def notebook_part(nb: NoteBuilder, notebook: str, *, skip: tuple[str, ...] = ()) -> bool:
    """A notebook's tables and figures marked for the note, and its findings, under a sub-heading;
    False (nothing added) when the notebook did not run."""
    rec = nb.records.get(notebook)
    if rec is None:
        return False
    nb.h2(*PARTS.get(notebook, (notebook, notebook)))
    dims = nb.names(nb.framework.children(nb.framework.root.code)) if nb.framework.has_index else {}
    shown = False
    for name, entry in rec.get("tables", {}).items():
        if entry.get("note") and name not in skip:
            shown |= nb.recorded_table(notebook, name, dims) is not None
    for name, entry in rec.get("figures", {}).items():
        if entry.get("note") and name not in skip:
            shown |= nb.recorded_figure(notebook, name) is not None
    found = nb.findings(notebook)
    for text in found:
        nb.li(text)
    if not (shown or found):
        nb.p(nb.t("本部分的分析均未进行（原因见“局限”）。", "None of these analyses ran (see Limitations for why)."))
    return True


def validity_chapter(nb: NoteBuilder) -> None:
    """5 信度与效度：notebooks 01 and 02."""
    if not any(n in nb.records for n in ("01_reliability", "02_factor_structure")):
        return
    nb.h1("信度与效度", "Reliability and validity")
    nb.p(nb.t("信度检验量表与各维度的内部一致性及专家评分的一致性；结构效度检验数据的因子结构是否与指标体系的设计一致。",
              "Reliability: the internal consistency of the scales and dimensions and the agreement among experts. "
              "Construct validity: whether the factor structure of the data matches the framework's design."))
    notebook_part(nb, "01_reliability")
    notebook_part(nb, "02_factor_structure")


def uncertainty_design(nb: NoteBuilder) -> list[str]:
    """The sensitivity block of the plan in words, one line per uncertain input."""
    unc = (nb.plan.get("sensitivity") or {}).get("uncertainties") or {}
    fam = {"normalise": "normalisation", "aggregate": "aggregation", "impute": "imputation", "treat": "treatment"}
    step = {"weights": ("权重", "weights"), "normalise": ("标准化方法", "normalisation"),
            "aggregate": ("汇总方法", "aggregation"), "impute": ("插补方法", "imputation"),
            "treat": ("异常值处理", "outlier treatment"), "exclude": ("剔除指标", "excluded indicators")}
    lines = []
    for key, value in unc.items():
        what = nb.words(step.get(key, (key, key)))
        if key == "weights" and isinstance(value, dict) and "noise" in value:
            levels = value.get("levels")
            where = nb.t(f"第 {joined(levels, 'zh')} 层" if levels else "各层", f"at level(s) {joined(levels, 'en')}" if levels else "at every level")
            text = nb.t(f"{where}权重在名义值 ±{number(value['noise'], 'pct')} 范围内随机扰动",
                        f"{where}, each weight varies at random within ±{number(value['noise'], 'pct')} of its nominal value")
        elif isinstance(value, list):
            alts = []
            for v in value:
                m = v.get("method") if isinstance(v, dict) else v
                extra = {k: x for k, x in v.items() if k != "method"} if isinstance(v, dict) else {}
                label = method_label(fam[key], str(m), nb.lang) if key in fam else str(m)
                alts.append(label + (f"({json.dumps(extra, ensure_ascii=False)})" if extra else ""))
            text = nb.t(f"在{cjk(joined(alts, 'zh'))}之间选择", f"one of {joined(alts, 'en')}")
        elif isinstance(value, dict):
            text = joined([f"{k} ∈ {{{', '.join(map(str, v)) if isinstance(v, list) else v}}}" for k, v in value.items()], nb.lang)
        else:
            text = str(value)
        lines.append(f"{what}:{text}" if nb.lang == "zh" else f"{what}: {text}")
    return lines


def robustness_chapter(nb: NoteBuilder) -> None:
    """6 稳健性：the uncertainty design，rank intervals，Sobol indices；other evaluation methods."""
    sens = "04_sensitivity" in nb.records
    if not (sens or "07_method_comparison" in nb.records) or not nb.built:
        return
    nb.h1("稳健性", "Robustness")
    design = uncertainty_design(nb)
    if design and sens:
        n = (nb.plan.get("sensitivity") or {}).get("n")
        evals = nb.result("04_sensitivity", "n_evaluations")
        nb.p(nb.t(f"不确定性分析同时改变以下方法选择，按 Sobol 设计抽样（基础样本 n = {n}，共计算 {number(evals, 'int')} 次指数），"
                  "得到每个单位名次的分布（90% 区间为第 5 至第 95 百分位）和各方法选择对名次变动的一阶与总效应 Sobol 指数：",
                  f"The uncertainty analysis varies these choices together in a Sobol design (base sample n = {n}, "
                  f"{number(evals, 'int')} index evaluations), giving each unit's rank distribution (the 90% interval "
                  "runs from the 5th to the 95th percentile) and the first-order and total Sobol indices of each choice:"))
        for line in design:
            nb.li(line)
        for f in nb.plan.get("sensitivity_dropped") or []:
            nb.li(nb.t(f"未纳入：{f}", f"Left out: {f}"))
    notebook_part(nb, "04_sensitivity", skip=("rank_uncertainty",))
    if "04_sensitivity" in nb.records:
        nb.p(nb.t("每个单位的名次区间列在第 7 章的排名表中。", "Each unit's rank interval is in the ranking table of chapter 7."))
    notebook_part(nb, "07_method_comparison")


def ranking_table(nb: NoteBuilder) -> pd.DataFrame | None:
    """Every ranked unit: rank, name, index score, dimension scores, band and 90% rank interval."""
    top = nb.recorded_frame("05_index", "index_ranking")
    if top is None:
        return None
    top = top.rename(columns={"": "unit"}).set_index("unit")
    out = pd.DataFrame({"rank": top["rank"].astype("Int64"), "unit_name": top.get("unit_name", top.index.to_series()),
                        "score": top["score"]})
    dims = nb.recorded_frame("05_index", "dimension_scores")
    codes = list(nb.framework.children(nb.framework.root.code))
    if dims is not None:
        dims = dims.set_index(dims.columns[0])
        for c in codes:
            if c in dims.columns:
                out[c] = dims[c].reindex(out.index)
    if "band" in top.columns and top["band"].notna().any():
        out["band"] = top["band"]
    unc = nb.recorded_frame("04_sensitivity", "rank_uncertainty")
    if unc is not None and {"unit", "q05", "q95"} <= set(unc.columns):
        q = unc.set_index("unit")
        lo, hi = q["q05"].reindex(out.index), q["q95"].reindex(out.index)
        out["rank_interval"] = [f"{int(a)}–{int(b)}" if pd.notna(a) and pd.notna(b) else "" for a, b in zip(lo, hi, strict=True)]
    out = out.sort_values("rank", kind="stable").reset_index(drop="unit_name" in top.columns)
    out.attrs["names"] = nb.names(codes)
    small = bool(out[["score", *[c for c in codes if c in out]]].abs().max().max() <= 1.0)
    out.attrs["kinds"] = dict.fromkeys(["score", *codes], "stat" if small else "score")  # 0.975, 89.21
    out.attrs["full"] = True  # the complete ranking: a writer shows every row
    return out


def results_chapter(nb: NoteBuilder) -> None:
    """7 结果: the complete ranking and the figures a paper carries (distribution, ranking with the
    dimensions' contributions, group comparison), the diagnosis, year-on-year change."""
    table = ranking_table(nb) if nb.built else None
    if table is None:
        return
    nb.h1("评价结果", "Results")
    rec = "05_index"
    nb.list_findings(rec, ["index.ranking"])
    cols = [nb.t("名次、单位、综合得分", "rank, unit, index score"), nb.t("各一级指标得分", "the dimension scores")]
    if "band" in table.columns:
        cols.append(nb.t("等级", "band"))
    if "rank_interval" in table.columns:
        cols.append(nb.t("方法选择不确定性下的 90% 名次区间", "the 90% rank interval under the methodological choices"))
    label = nb.table(nb.t(f"{nb.plan.get('year') or ''} 年全部 {len(table)} 个单位的评价结果", f"Results of all {len(table)} units, {nb.plan.get('year') or ''}").replace("  ", " "),
                     table)
    nb.p(nb.t(f"{label} 按名次列出全部单位：{joined(cols, 'zh')}。", f"{label} lists every unit by rank: {joined(cols, 'en')}."))
    for name in ("index_distribution", "ranking_contributions"):
        nb.recorded_figure(rec, name)
    groups = nb.plan.get("groups") or []
    if groups and nb.recorded_figure(rec, f"group_means_{groups[0]}"):
        nb.list_findings(rec, ["index.peers"])
    nb.list_findings(rec, ["index.cards"])
    if nb.record(rec).get("tables", {}).get("weight_shares_kind", {}).get("note"):
        nb.h2("投入、产出与成效的权重占比", "Weight on input, output and outcome indicators")
        nb.recorded_table(rec, "weight_shares_kind", nb.names([]))
        nb.list_findings(rec, ["index.weight_shares"])
    if nb.findings(rec, ["index.years", "index.comparability"]):
        nb.h2("年度变化", "Change over the years")
        nb.recorded_figure(rec, "yearly_means")
        nb.list_findings(rec, ["index.years", "index.comparability"])


def limits_chapter(nb: NoteBuilder) -> None:
    """8 局限: what the data are, what the intervals leave out, the analyses not done and why."""
    nb.h1("局限", "Limitations")
    cfg = nb.cfg
    data = cfg.data.indicators or cfg.data.survey
    if cfg.data.indicators is not None and (Path(cfg.data.indicators).parent / "truth").is_dir():  # `dgpe example`
        nb.li(nb.words(_EXAMPLE_LIMIT))
    elif data is not None:
        nb.li(nb.t(f"数据来源：{Path(data).name}（文件哈希见 manifest.json）。", f"Data: {Path(data).name} (file hashes in manifest.json)."))
    if nb.built:
        for pair in _INDEX_LIMITS:
            nb.li(nb.words(pair))
    seen: dict[tuple[str, str], list[str]] = {}
    for notebook, rec in nb.records.items():
        for f in rec.get("findings", []):
            if f.get("skipped"):
                seen.setdefault((notebook, str(f.get(nb.lang) or f.get("en") or "")), []).append(str(f.get("section") or ""))
    for (notebook, text), sections in seen.items():
        where = f"{notebook}: {', '.join(sections)}"
        nb.li(nb.t(f"未做的分析（{where}）：{text}", f"Not analysed ({where}): {text}"))
    _numerical_warnings(nb)


def _numerical_warnings(nb: NoteBuilder) -> None:
    """The numerical warnings the methods raised (``section.method_warning``, see
    :mod:`dgpe.sections.guard`), each with the section it came from."""
    for notebook, rec in nb.records.items():
        for f in rec.get("findings", []):
            if str(f.get("key", "")).startswith("section.") and not f.get("skipped"):
                where = f"{notebook}: {f.get('section') or ''}"
                text = str(f.get(nb.lang) or f.get("en") or "")
                nb.li(nb.t(f"数值警告（{where}）：{text}", f"Numerical warning ({where}): {text}"))


def _parameters(nb: NoteBuilder) -> pd.DataFrame:
    cfg = nb.cfg

    def compact(v: Any) -> str:
        return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)

    rows: list[tuple[str, Any]] = [("name", cfg.name), ("framework", Path(cfg.framework).name)]
    rows += [(f"data.{k}", Path(v).name) for k, v in cfg.data.model_dump().items() if v is not None]
    rows += [("year", nb.plan.get("year") or cfg.year), ("lang", cfg.lang), ("seed", cfg.seed),
             ("groups", cfg.groups), ("notebooks", cfg.notebooks)]
    if nb.built:
        rows += [(f"build.{k}", v) for k, v in (nb.plan.get("build") or {}).items() if v is not None]
        rows += [("weights_method", nb.plan.get("weights_method"))]
    for key in ("panel_impute", "bands", "sensitivity", "options"):
        v = getattr(cfg, key)
        if v:
            rows.append((key, v.model_dump() if hasattr(v, "model_dump") else v))
    return pd.DataFrame([{"parameter": k, "value": compact(v)} for k, v in rows])


def _versions(nb: NoteBuilder) -> pd.DataFrame:
    path = nb.folder / "manifest.json"
    packages: dict[str, Any] = {}
    if path.is_file():
        packages = json.loads(path.read_text(encoding="utf-8")).get("packages") or {}
    if not packages:
        from dgpe.manifest import package_versions

        packages = package_versions()
    return pd.DataFrame([{"package": k, "version": v} for k, v in packages.items()])


def appendix(nb: NoteBuilder) -> None:
    """附录: the run's parameters, software versions and how to re-check and rerun it."""
    nb.blocks.append(("h1", nb.t("附录 运行参数与复核", "Appendix: parameters and re-checking")))
    nb.section = 0
    nb.table(nb.t("运行参数", "Run parameters"), _parameters(nb))
    nb.table(nb.t("软件版本", "Software versions"), _versions(nb))
    report = nb.folder.name.split(".incomplete-")[0].lstrip(".")
    nb.p(nb.t("复核：在项目目录下运行以下命令，按 manifest.json 记录的配置、输入与随机种子重新运行全部分析，并逐项比较"
              "记录的表格与结果（不一致之处逐条列出）：",
              "To re-check: run the command below in the project folder; it reruns every analysis with the config, "
              "inputs and seed recorded in manifest.json and compares every recorded table and result (listing any "
              "difference):"))
    nb.p(f"dgpe verify reports/{report}")
    nb.p(nb.t("以修改后的配置重新生成报告：", "To produce the report again, with a changed config if needed:"))
    nb.p(f"dgpe run reports/{report}/config.yaml" + nb.t("（或 configs/ 下的原配置，可加 -p 参数覆盖任一字段）",
                                               " (or the original config under configs/; -p overrides any field)"))
