"""The method note: Markdown and Word, assembled from what the notebooks recorded.

The note follows the order of an annual method statement — framework, data, reliability, validity,
weights, sensitivity, results, limitations — one section per notebook, each with the notebook's key
results, its findings in words, and the tables and figures the notebook marked ``note=True``, numbered
(表 1, 图 1 / Table 1, Figure 1) with their titles as captions. Nothing in the note is typed by hand:
rerunning the report rewrites it from the new records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from dgpe.config import RunConfig
from dgpe.framework import load_framework
from dgpe.record import read_recorded_table

__all__ = ["write_method_note", "SECTIONS", "framework_summary", "framework_title", "scales_summary",
           "skipped_analyses"]

#: notebook → (section title zh, section title en, what the section answers zh, en)
SECTIONS: dict[str, tuple[str, str, str, str]] = {
    "00_data_audit": ("数据与数据质量", "Data and data quality",
                      "数据是否完整、分布是否适合构建指数、可办与实办是否脱节。",
                      "Are the data complete, fit for aggregation, and does availability match actual use?"),
    "01_reliability": ("信度", "Reliability",
                       "量表与各维度的内部一致性，以及专家评分的一致性。",
                       "Internal consistency of the survey scales and dimensions; agreement among experts."),
    "02_factor_structure": ("结构效度", "Construct validity",
                            "数据的因子结构是否与指标体系的设计一致。",
                            "Does the factor structure of the data match the framework's design?"),
    "03_weights": ("权重", "Weights",
                   "不同赋权方法的结果及其差异，德尔菲法的指标筛选。",
                   "Candidate weights side by side, how far apart they are, and the Delphi screening."),
    "04_sensitivity": ("不确定性与敏感性", "Uncertainty and sensitivity",
                       "哪些排名差异在合理的方法选择下依然成立，哪个方法选择影响最大。",
                       "Which rank differences survive plausible methodological choices, and which choice matters most."),
    "05_index": ("指数结果与诊断", "Index results and diagnosis",
                 "各单位的得分、排名、强弱项与年度变化。",
                 "Scores, ranks, strengths and weaknesses, and year-on-year change of each unit."),
    "07_method_comparison": ("评价方法比较", "Evaluation methods compared",
                             "灰色关联、模糊综合评价、RSR、熵权 TOPSIS 等方法与合成指数的排名是否一致；耦合协调度。",
                             "Do grey relational analysis, fuzzy evaluation, RSR and entropy-TOPSIS rank units as the composite does? Coupling coordination."),
}  # fmt: skip

_EXAMPLE_LIMIT = {
    "zh": "示例数据由潜变量模型生成，不代表任何真实地区；用于真实评估前须替换为实测数据。",
    "en": "The example data come from a latent model and describe no real place; replace them with measured data before any real evaluation.",
}
_LIMITS = {
    "zh": [
        "排名区间反映的是方法选择(权重、标准化、聚合、离群值处理)带来的不确定性,不包括测量误差与抽样误差。",
        "投入、产出、成效的分类依据指标设计意图,部分指标兼具多种属性。",
    ],
    "en": [
        "Rank intervals reflect methodological choices (weights, normalisation, aggregation, outlier treatment), not measurement or sampling error.",
        "The input/output/outcome tags follow each indicator's design intent; some indicators have more than one character.",
    ],
}


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _caption(entry: dict[str, Any], lang: str, fallback: str) -> str:
    t = entry.get("title") or entry.get("label")
    if isinstance(t, dict):
        return t.get(lang) or t.get("en") or fallback
    return fallback


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, list):
        return "、".join(_fmt(x) for x in v[:15]) + (" …" if len(v) > 15 else "") if v else "—"
    if isinstance(v, dict):
        return "; ".join(f"{k}: {_fmt(x)}" for k, x in list(v.items())[:8])
    return str(v)


def framework_summary(cfg: RunConfig, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Dimensions with their indicator counts and nominal weights; the nominal weight by kind."""
    fw = load_framework(cfg.framework)
    meta = fw.to_meta().set_index("code")
    eff: dict[str, float] = {}

    def walk(code: str, w: float) -> None:
        eff[code] = w
        kids = fw.children(code)
        total = sum(meta.loc[k, "weight"] for k in kids)
        for k in kids:
            walk(k, w * meta.loc[k, "weight"] / total if total > 0 else 0.0)

    walk(fw.root.code, 1.0)
    rows = []
    for dim in fw.dimensions:
        leaves = [n for n in dim.walk() if n.is_indicator]
        rows.append(
            {
                _t(lang, "维度", "Dimension"): f"{dim.code} {dim.name.get(lang)}",
                _t(lang, "二级指标数", "Sub-dimensions"): sum(1 for c in dim.children if c.children),
                _t(lang, "指标数", "Indicators"): len(leaves),
                _t(lang, "名义权重", "Nominal weight"): round(eff[dim.code], 4),
            }
        )
    kinds = pd.Series({n.code: n.kind or "—" for n in fw.indicators})
    share = pd.Series({c: eff[c] for c in kinds.index}).groupby(kinds).sum()
    names = {"input": _t(lang, "投入", "input"), "output": _t(lang, "产出", "output"), "outcome": _t(lang, "成效", "outcome")}
    by_kind = pd.DataFrame(
        {
            _t(lang, "指标类型", "Kind"): [names.get(k, k) for k in share.index],
            _t(lang, "指标数", "Indicators"): kinds.value_counts().reindex(share.index).to_numpy(),
            _t(lang, "名义权重合计", "Nominal weight"): share.round(4).to_numpy(),
        }
    )
    return pd.DataFrame(rows), by_kind


def scales_summary(cfg: RunConfig, lang: str) -> pd.DataFrame:
    """The survey scales: items, item type, response range and reverse-keyed items."""
    fw = load_framework(cfg.framework)
    return pd.DataFrame([{
        _t(lang, "量表", "Scale"): f"{s.code} {s.name.get(lang)}",
        _t(lang, "题项数", "Items"): len(s.items),
        _t(lang, "题项类型", "Item type"): s.type,
        _t(lang, "取值范围", "Range"): "—" if s.bounds is None else f"{s.bounds[0]:g}–{s.bounds[1]:g}",
        _t(lang, "反向题", "Reverse-keyed"): ", ".join(s.reverse) or "—",
    } for s in fw.scales])


def _framework_blocks(cfg: RunConfig, lang: str, num: _Numbering) -> list[tuple[str, Any]]:
    """Section 1: the index tree (dimensions, nominal weights, kinds) and/or the survey scales."""
    out: list[tuple[str, Any]] = []
    fw = load_framework(cfg.framework)
    table = _t(lang, "表", "Table")
    if fw.has_index:
        dims, kinds = framework_summary(cfg, lang)
        out.append(("p", _t(lang, "指标体系的维度、指标数与名义权重如下；名义权重按各层级权重逐级相乘得到。",
                            "The framework's dimensions, indicator counts and nominal weights (the product of weights down the tree):")))
        num.table += 1
        out.append(("table", (f"{table} {num.table} {_t(lang, '指标体系结构', 'Structure of the framework')}", dims)))
        num.table += 1
        out.append(("table", (f"{table} {num.table} {_t(lang, '投入、产出、成效指标的名义权重', 'Nominal weight on input, output and outcome indicators')}", kinds)))
    else:
        out.append(("p", _t(lang, "指标体系只有问卷量表，没有指数层级树：本次运行分析量表的信度与因子结构，不构建指数。",
                            "The framework has survey scales and no index tree: the run analyses the scales' reliability "
                            "and factor structure and builds no index.")))
        num.table += 1
        out.append(("table", (f"{table} {num.table} {_t(lang, '问卷量表', 'Survey scales')}", scales_summary(cfg, lang))))
    return out


def _for_note(df: pd.DataFrame, lang: str, max_cols: int = 7) -> tuple[pd.DataFrame, int]:
    """The columns that fit a page: drop the other language's columns (``*_en`` in a zh note), keep
    at most ``max_cols``; return the frame and how many columns were left out."""
    other = "_en" if lang == "zh" else "_zh"
    keep = [c for c in df.columns if not str(c).endswith(other)]
    dropped = len(keep) - max_cols if len(keep) > max_cols else 0
    return df[keep[:max_cols]], dropped


class _Numbering:
    def __init__(self) -> None:
        self.table = 0
        self.figure = 0


def framework_title(cfg: RunConfig, lang: str) -> str | None:
    """The framework's ``title:`` in the report's language (None when it has none)."""
    title = load_framework(cfg.framework).title
    return title.get(lang).strip() or None if title is not None else None


def _blocks(folder: Path, cfg: RunConfig, records: dict[str, dict[str, Any]]) -> list[tuple[str, Any]]:
    """The note as a list of blocks: ('h1'|'h2'|'p'|'li'|'table'|'figure', payload)."""
    lang = cfg.lang
    num = _Numbering()
    out: list[tuple[str, Any]] = []
    own = framework_title(cfg, lang)
    title = (_t(lang, f"{own}方法说明", f"{own}: method note") if own else
             _t(lang, "地方政府数字政务绩效评估方法说明", "Local digital government performance evaluation: method note"))
    out.append(("title", title))
    manifest_line = _t(
        lang,
        f"运行 {cfg.name}，评估年份 {cfg.year or '—'}，随机种子 {cfg.seed}。本说明由 dgpe 根据各分析笔记本记录的结果自动生成；所有数字均可用 `dgpe verify` 复核。",
        f"Run {cfg.name}, year {cfg.year or '—'}, seed {cfg.seed}. This note is generated by dgpe from the results the analysis notebooks recorded; every number can be re-checked with `dgpe verify`.",
    )
    out.append(("p", manifest_line))

    out.append(("h1", _t(lang, "1 指标体系", "1 The indicator framework")))
    out.extend(_framework_blocks(cfg, lang, num))

    section_no = 1
    for nb in cfg.notebooks:
        rec = records.get(nb)
        if rec is None:
            continue
        section_no += 1
        zh, en, qzh, qen = SECTIONS.get(nb, (nb, nb, "", ""))
        out.append(("h1", f"{section_no} {_t(lang, zh, en)}"))
        if qzh:
            out.append(("p", _t(lang, qzh, qen)))
        if not (rec.get("results") or rec.get("tables") or any(not f.get("skipped") for f in rec.get("findings", []))):
            out.append(("p", _t(lang, "本节的分析均未进行（原因见“局限”）。", "None of this section's analyses ran (see Limitations for why).")))
        results = rec.get("results", {})
        if results:
            df = pd.DataFrame(
                [{_t(lang, "结果", "Result"): _caption(e, lang, k), _t(lang, "数值", "Value"): _fmt(e.get("value"))} for k, e in results.items()]
            )
            num.table += 1
            out.append(("table", (f"{_t(lang, '表', 'Table')} {num.table} {_t(lang, zh, en)}:{_t(lang, '关键结果', 'key results')}", df)))
        for name, entry in rec.get("tables", {}).items():
            if entry.get("note") and entry.get("file"):
                df = read_recorded_table(folder, entry)
                num.table += 1
                out.append(("table", (f"{_t(lang, '表', 'Table')} {num.table} {_caption(entry, lang, name)}", df)))
        for name, entry in rec.get("figures", {}).items():
            if entry.get("note") and entry.get("file"):
                num.figure += 1
                out.append(("figure", (f"{_t(lang, '图', 'Figure')} {num.figure} {_caption(entry, lang, name)}", folder / entry["file"])))
        findings = [f for f in rec.get("findings", []) if not f.get("skipped")]
        if findings:
            out.append(("h2", _t(lang, "结论", "Findings")))
            for f in sorted(findings, key=lambda f: 0 if f.get("level") == "warning" else 1):
                out.append(("li", f.get(lang) or f.get("en", "")))
    section_no += 1
    out.append(("h1", f"{section_no} {_t(lang, '局限', 'Limitations')}"))
    data = cfg.data.indicators or cfg.data.survey
    if cfg.data.indicators is not None and (Path(cfg.data.indicators).parent / "truth").is_dir():  # `dgpe example`
        out.append(("li", _EXAMPLE_LIMIT[lang]))
    elif data is not None:
        out.append(("li", _t(lang, f"数据来源：{Path(data).name}（见 manifest.json 中的文件哈希）。",
                             f"Data: {Path(data).name} (file hashes in manifest.json).")))
    for line in _LIMITS[lang] if cfg.data.indicators is not None else []:  # both are about the index
        out.append(("li", line))
    for nb, text, sections in skipped_analyses(records, lang):
        label = _t(lang, "未做的分析", "Not analysed")
        where = f"{nb}: {', '.join(sections)}"
        out.append(("li", f"{label}({where}):{text}" if lang == "zh" else f"{label} ({where}): {text}"))
    return out


def skipped_analyses(records: dict[str, dict[str, Any]], lang: str) -> list[tuple[str, str, list[str]]]:
    """The skipped sections as ``(notebook, reason, [section, …])``: one entry per notebook and reason."""
    out: dict[tuple[str, str], list[str]] = {}
    for nb, rec in records.items():
        for f in rec.get("findings", []):
            if f.get("skipped"):
                out.setdefault((nb, f.get(lang) or f.get("en", "")), []).append(str(f.get("section") or ""))
    return [(nb, text, sections) for (nb, text), sections in out.items()]


def _md_table(df: pd.DataFrame, max_rows: int, lang: str = "en") -> str:
    df, dropped = _for_note(df, lang, max_cols=12)
    shown = df.head(max_rows)
    cols = [str(c) for c in shown.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in shown.iterrows():
        lines.append("| " + " | ".join(_fmt(v) if not pd.isna(v) else "" for v in row) + " |")
    if len(df) > max_rows or dropped:
        lines.append(f"\n({len(df) - min(len(df), max_rows)} more rows and {dropped} more columns in the CSV)")
    return "\n".join(lines)


def _write_markdown(path: Path, blocks: list[tuple[str, Any]], lang: str, max_rows: int = 30) -> None:
    parts: list[str] = []
    for kind, payload in blocks:
        if kind == "title":
            parts.append(f"# {payload}\n")
        elif kind == "h1":
            parts.append(f"\n## {payload}\n")
        elif kind == "h2":
            parts.append(f"\n### {payload}\n")
        elif kind == "p":
            parts.append(f"{payload}\n")
        elif kind == "li":
            parts.append(f"- {payload}")
        elif kind == "table":
            caption, df = payload
            parts.append(f"\n**{caption}**\n\n{_md_table(df, max_rows, lang)}\n")
        elif kind == "figure":
            caption, file = payload
            rel = Path(file).relative_to(path.parent)
            parts.append(f"\n![{caption}]({rel.as_posix()})\n\n*{caption}*\n")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def _write_docx(path: Path, blocks: list[tuple[str, Any]], lang: str, max_rows: int = 30) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    core = doc.core_properties
    core.author = "dgpe"
    core.title = next((p for k, p in blocks if k == "title"), "method note")
    # Chinese text: East Asian font for every style we use (Word substitutes where it is missing)
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption", "List Bullet"):
        style = doc.styles[style_name]
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), "宋体" if style_name in ("Normal", "Caption", "List Bullet") else "黑体")
    doc.styles["Normal"].font.size = Pt(10.5)
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2.2)

    def caption(text: str) -> None:
        p = doc.add_paragraph(text, style="Caption")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    for kind, payload in blocks:
        if kind == "title":
            doc.add_heading(payload, level=0)
        elif kind == "h1":
            doc.add_heading(payload, level=1)
        elif kind == "h2":
            doc.add_heading(payload, level=2)
        elif kind == "p":
            doc.add_paragraph(payload)
        elif kind == "li":
            doc.add_paragraph(payload, style="List Bullet")
        elif kind == "table":
            cap, full = payload
            caption(cap)
            df, dropped = _for_note(full, lang)
            shown = df.head(max_rows)
            table = doc.add_table(rows=1, cols=len(shown.columns))
            table.style = "Light Grid Accent 1"
            for cell, col in zip(table.rows[0].cells, shown.columns, strict=True):
                cell.text = str(col)
            for _, row in shown.iterrows():
                cells = table.add_row().cells
                for cell, v in zip(cells, row, strict=True):
                    cell.text = "" if pd.isna(v) else _fmt(v)
            for row in table.rows:
                for cell in row.cells:
                    for par in cell.paragraphs:
                        for run in par.runs:
                            run.font.size = Pt(8)
            if len(df) > max_rows or dropped:
                more_rows = max(0, len(df) - max_rows)
                doc.add_paragraph(
                    _t(lang, f"（另有 {more_rows} 行、{dropped} 列，见 CSV 表格）", f"({more_rows} more rows and {dropped} more columns in the CSV)")
                )
        elif kind == "figure":
            cap, file = payload
            doc.add_picture(str(file), width=Cm(15))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            caption(cap)
    doc.save(str(path))


def write_method_note(folder: Path, cfg: RunConfig, records: dict[str, dict[str, Any]]) -> list[Path]:
    """Write ``method-note.md`` and ``method-note.docx`` into the report folder."""
    blocks = _blocks(folder, cfg, records)
    md = folder / "method-note.md"
    docx_path = folder / "method-note.docx"
    _write_markdown(md, blocks, cfg.lang)
    _write_docx(docx_path, blocks, cfg.lang)
    return [md, docx_path]
