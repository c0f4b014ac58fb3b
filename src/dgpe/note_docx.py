"""The method note in Word: ``method-note.docx`` from the note's blocks (see :mod:`dgpe.method_note`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from dgpe.note_markdown import cell_text, note_columns

__all__ = ["write_docx"]


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def write_docx(path: Path, blocks: list[tuple[str, Any]], lang: str, max_rows: int = 30) -> None:
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
            df, dropped = note_columns(full, lang)
            shown = df.head(max_rows)
            table = doc.add_table(rows=1, cols=len(shown.columns))
            table.style = "Light Grid Accent 1"
            for cell, col in zip(table.rows[0].cells, shown.columns, strict=True):
                cell.text = str(col)
            for _, row in shown.iterrows():
                cells = table.add_row().cells
                for cell, v in zip(cells, row, strict=True):
                    cell.text = "" if pd.isna(v) else cell_text(v)
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


