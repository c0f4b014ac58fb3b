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

import pandas as pd

from dgpe.config import RunConfig
from dgpe.framework import load_framework
from dgpe.note import note_blocks

__all__ = ["write_method_note", "framework_title", "skipped_analyses"]


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, list):
        return "、".join(_fmt(x) for x in v[:15]) + (" …" if len(v) > 15 else "") if v else "—"
    if isinstance(v, dict):
        return "; ".join(f"{k}: {_fmt(x)}" for k, x in list(v.items())[:8])
    return str(v)


def _for_note(df: pd.DataFrame, lang: str, max_cols: int = 7) -> tuple[pd.DataFrame, int]:
    """The columns that fit a page: drop the other language's columns (``*_en`` in a zh note), keep
    at most ``max_cols``; return the frame and how many columns were left out."""
    other = "_en" if lang == "zh" else "_zh"
    keep = [c for c in df.columns if not str(c).endswith(other)]
    dropped = len(keep) - max_cols if len(keep) > max_cols else 0
    return df[keep[:max_cols]], dropped


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
                    _t(lang, f"(另有 {more_rows} 行、{dropped} 列,见 CSV 表格)", f"({more_rows} more rows and {dropped} more columns in the CSV)")
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
