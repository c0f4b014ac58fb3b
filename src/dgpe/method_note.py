"""The method note: Markdown and Word, assembled from the plan and what the notebooks recorded.

The note follows the order of an annual method statement (its chapters are written by
:mod:`dgpe.note`): purpose and framework, data and processing, weights, aggregation and bands,
reliability and validity, robustness, results, limitations, appendix; tables and figures numbered
(表 1, 图 1 / Table 1, Figure 1) with their titles as captions. Nothing in the note is typed by hand:
rerunning the report rewrites it from the new plan and records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dgpe.config import RunConfig
from dgpe.framework import load_framework
from dgpe.note import note_blocks
from dgpe.note_docx import write_docx
from dgpe.note_markdown import write_markdown

__all__ = ["write_method_note", "framework_title", "skipped_analyses", "node_names", "SECTIONS"]

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
    "06_efficiency_diagnosis": ("效率诊断", "Efficiency diagnosis",
                                "哪些单位把投入转化为产出与成效（DEA、Malmquist），各单位的主要障碍，下一期的目标值。",
                                "Which units turn inputs into outputs and outcomes (DEA, Malmquist), each unit's main obstacles, "
                                "next-period targets."),
    "07_method_comparison": ("评价方法比较", "Evaluation methods compared",
                             "灰色关联、模糊综合评价、RSR、熵权 TOPSIS 等方法与合成指数的排名是否一致；耦合协调度。",
                             "Do grey relational analysis, fuzzy evaluation, RSR and entropy-TOPSIS rank units as the composite does? Coupling coordination."),
}  # fmt: skip


def framework_title(cfg: RunConfig, lang: str) -> str | None:
    """The framework's ``title:`` in the report's language (None when it has none)."""
    title = load_framework(cfg.framework).title
    return title.get(lang).strip() or None if title is not None else None


def _blocks(folder: Path, cfg: RunConfig, records: dict[str, dict[str, Any]]) -> list[tuple[str, Any]]:
    """The note as a list of blocks (see :func:`dgpe.note.note_blocks`)."""
    return note_blocks(folder, cfg, records)


def skipped_analyses(records: dict[str, dict[str, Any]], lang: str) -> list[tuple[str, str, list[str]]]:
    """The skipped sections as ``(notebook, reason, [section, …])``: one entry per notebook and reason."""
    out: dict[tuple[str, str], list[str]] = {}
    for nb, rec in records.items():
        for f in rec.get("findings", []):
            if f.get("skipped"):
                out.setdefault((nb, f.get(lang) or f.get("en", "")), []).append(str(f.get("section") or ""))
    return [(nb, text, sections) for (nb, text), sections in out.items()]


def node_names(cfg: RunConfig, lang: str) -> dict[str, str]:
    """The framework's dimension and sub-dimension names by code (``{"A": "A 服务供给"}``), to
    label table columns that are codes; indicators keep their codes (their names are long)."""
    fw = load_framework(cfg.framework)
    if not fw.has_index:
        return {}
    return {n.code: f"{n.code} {n.name.get(lang)}" for n in fw.root.walk() if not n.is_indicator and n is not fw.root}


def write_method_note(folder: Path, cfg: RunConfig, records: dict[str, dict[str, Any]]) -> list[Path]:
    """Write ``method-note.md`` and ``method-note.docx`` into the report folder."""
    blocks = _blocks(folder, cfg, records)
    md = folder / "method-note.md"
    docx_path = folder / "method-note.docx"
    names = node_names(cfg, cfg.lang)
    write_markdown(md, blocks, cfg.lang, names=names)
    write_docx(docx_path, blocks, cfg.lang, names=names)
    return [md, docx_path]
