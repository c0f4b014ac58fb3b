"""The method note in Word: ``method-note.docx`` from the note's blocks (see :mod:`dgpe.method_note`).

The document follows Chinese report conventions (and reads as an ordinary English report with
``lang="en"``):

- A4 portrait, margins 2.54 cm top and bottom, 2.8 cm left, 2.6 cm right;
- 宋体 body (小四, 12 pt) and 黑体 headings (title 二号, 22 pt; 一级 三号; 二级 四号), Times New
  Roman / Arial for Latin letters and digits. The fonts are set explicitly on ``w:rFonts`` of every
  style and of the document defaults, with the theme attributes (``w:eastAsiaTheme`` …) removed:
  Word lets a theme font override an explicit one, and the default theme's East Asian font is a
  Japanese one. Text is tagged ``w:lang w:eastAsia="zh-CN"`` (Latin text ``en-US``);
- a plain black title, a table of contents field (``TOC \\o "1-3" \\h``) that Word fills when the
  file is opened (``w:updateFields``; the entries are pre-filled so a converter that does not update
  fields, e.g. LibreOffice, still lists the headings), page numbers in the footer (``PAGE``);
- three-line tables (三线表) with header rows repeated on every page, rows never split across pages,
  captions above tables kept with them and captions below figures kept with their figure; headers
  and numbers through :func:`dgpe.tablefmt.display_frame`;
- figures at their print size (the PNG's own size at its dpi), narrowed to the text width only
  when wider;
- ``code`` spans of the text in a monospace font, without the Markdown backticks.

>>> import tempfile, pandas as pd
>>> from pathlib import Path
>>> out = Path(tempfile.mkdtemp()) / "n.docx"
>>> write_docx(out, [("title", "示例"), ("h1", "1 数据"), ("table", ("表 1 示例", pd.DataFrame({"n": [13470.0]})))], "zh")
>>> from docx import Document
>>> Document(str(out)).tables[0].cell(1, 0).text
'13,470'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt

from dgpe.note_markdown import note_columns
from dgpe.tablefmt import column_kind, display_frame

__all__ = ["write_docx", "FONTS", "PAGE_MARGINS_CM"]

#: (Latin body, East Asian body, Latin headings, East Asian headings, monospace) by language
FONTS: dict[str, tuple[str, str, str, str, str]] = {
    "zh": ("Times New Roman", "宋体", "Arial", "黑体", "Courier New"),
    "en": ("Times New Roman", "宋体", "Arial", "黑体", "Courier New"),
}
#: top, bottom, left, right
PAGE_MARGINS_CM = (2.54, 2.54, 2.8, 2.6)
#: point sizes: body, title, heading 1, 2, 3, caption, table
_SIZES = {"zh": (12, 22, 16, 14, 12, 10.5, 9), "en": (11, 20, 14, 12, 11, 10, 9)}
_HEADING_STYLES = ("Title", "Heading 1", "Heading 2", "Heading 3", "Caption", "TOC Heading")
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_CODE = re.compile(r"`([^`]+)`")


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _set_fonts(rpr: Any, latin: str, east: str) -> None:
    """Explicit fonts on a ``w:rPr``: Latin (ascii, hAnsi, cs) and East Asian, no theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east)


def _plain_colour(rpr: Any) -> None:
    for colour in rpr.findall(qn("w:color")):
        rpr.remove(colour)
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "000000")
    rpr.append(colour)


def _setup_styles(doc: Any, lang: str) -> None:
    """Fonts, sizes, colours and spacing of the styles the note uses (see the module docstring)."""
    latin, east, head_latin, head_east, _ = FONTS[lang]
    body, title, h1, h2, h3, cap, _ = _SIZES[lang]
    root = doc.styles.element
    for rpr in root.iter(qn("w:rPr")):  # every style and the document defaults: no theme fonts
        if rpr.find(qn("w:rFonts")) is not None:
            _set_fonts(rpr, latin, east)
    for lang_el in root.iter(qn("w:lang")):
        lang_el.set(qn("w:val"), "en-US")
        lang_el.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr(), latin, east)
    normal.font.size = Pt(body)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.25 if lang == "zh" else 1.15
    text = doc.styles["Body Text"]
    text.paragraph_format.space_after = Pt(4)
    if lang == "zh":  # 首行缩进两字符
        ind = text.element.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), "200")
        ind.set(qn("w:firstLine"), str(int(2 * body * 20)))
    sizes = {"Title": title, "Heading 1": h1, "Heading 2": h2, "Heading 3": h3, "Caption": cap, "TOC Heading": h1}
    for name in _HEADING_STYLES:
        style = doc.styles[name]
        rpr = style.element.get_or_add_rPr()
        _set_fonts(rpr, head_latin, head_east)
        _plain_colour(rpr)
        style.font.size = Pt(sizes[name])
        style.font.italic = False
        style.font.bold = lang == "en"  # 黑体 is heavy enough; Latin headings are bold
        ppr = style.element.get_or_add_pPr()
        for border in ppr.findall(qn("w:pBdr")):  # the Title's blue rule
            ppr.remove(border)
    for name, before, after in (("Heading 1", 18, 8), ("Heading 2", 12, 6), ("Heading 3", 8, 4)):
        fmt = doc.styles[name].paragraph_format
        fmt.space_before, fmt.space_after, fmt.keep_with_next = Pt(before), Pt(after), True
    title_fmt = doc.styles["Title"].paragraph_format
    title_fmt.alignment, title_fmt.space_before, title_fmt.space_after = WD_ALIGN_PARAGRAPH.CENTER, Pt(24), Pt(18)
    cap_fmt = doc.styles["Caption"].paragraph_format
    cap_fmt.alignment, cap_fmt.space_before, cap_fmt.space_after = WD_ALIGN_PARAGRAPH.CENTER, Pt(6), Pt(4)
    doc.styles["List Bullet"].paragraph_format.space_after = Pt(2)


def _setup_page(doc: Any) -> None:
    """A4 portrait with the margins of :data:`PAGE_MARGINS_CM`."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    top, bottom, left, right = PAGE_MARGINS_CM
    section.top_margin, section.bottom_margin = Cm(top), Cm(bottom)
    section.left_margin, section.right_margin = Cm(left), Cm(right)
    section.footer_distance = Cm(1.5)


def _setup_settings(doc: Any) -> None:
    """Word updates the fields (the table of contents) on opening; Chinese as the East Asian
    language of the theme fonts."""
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    after = ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids")
    anchor = next((el for el in settings if el.tag in {qn(a) for a in after}), None)
    if anchor is not None:
        anchor.addprevious(update)
    else:
        settings.append(update)
    theme = settings.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:eastAsia"), "zh-CN")


def _fld_char(paragraph: Any, kind: str) -> None:
    """A ``w:fldChar`` of ``kind`` (begin, separate, end) in a run of its own."""
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        el.set(qn("w:dirty"), "true")  # Word recomputes it
    paragraph.add_run()._r.append(el)


def _field_start(paragraph: Any, instruction: str) -> None:
    """The start of a complex field: begin, the instruction, separate (its result follows)."""
    _fld_char(paragraph, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    _fld_char(paragraph, "separate")


def _field(paragraph: Any, instruction: str, shown: str = "") -> None:
    """A complex field ``{instruction}`` with ``shown`` as its current result."""
    _field_start(paragraph, instruction)
    if shown:
        paragraph.add_run(shown)
    _fld_char(paragraph, "end")


def _footer(doc: Any) -> None:
    """The page number, centred in the footer."""
    footer = doc.sections[0].footer
    par = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(par, "PAGE", "1")
    for run in par.runs:
        run.font.size = Pt(9)


def _toc(doc: Any, headings: list[tuple[int, str]], lang: str) -> None:
    """目录 / Contents: a TOC field over heading levels 1–3, pre-filled with the headings (without
    page numbers; Word puts them in when it updates the field on opening), then a page break."""
    head = doc.add_paragraph(_t(lang, "目  录", "Contents"), style="TOC Heading")
    head.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    first = doc.add_paragraph()
    _field_start(first, 'TOC \\o "1-3" \\h \\z \\u')
    par = first
    for i, (level, text) in enumerate(headings):
        if i:
            par = doc.add_paragraph()
        par.paragraph_format.left_indent = Cm(0.74 * (level - 1))
        par.paragraph_format.space_after = Pt(2)
        par.add_run(text)
    _fld_char(par, "end")
    par.add_run().add_break(WD_BREAK.PAGE)


def _text(paragraph: Any, text: str, mono: str) -> Any:
    """Add ``text`` to ``paragraph``; ``code`` spans in ``mono`` without the backticks."""
    for i, part in enumerate(_CODE.split(str(text))):
        if not part:
            continue
        run = paragraph.add_run(part)
        if i % 2:
            run.font.name = mono
            _set_fonts(run._r.get_or_add_rPr(), mono, mono)
    return paragraph


def _widths(frame: pd.DataFrame, text_width: int) -> list[int]:
    """Column widths (EMU) in proportion to the longest text of each column (a CJK character
    counts double; headers may wrap), together the text width."""
    def length(s: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)

    want = []
    for i, col in enumerate(frame.columns):
        cells = [length(str(col)) / 1.6] + [length(str(v)) for v in frame.iloc[:, i]]
        want.append(min(max(max(cells), 4), 36) + 4)  # + cell margins
    total = sum(want)
    return [int(w * text_width / total) for w in want]  # 三线表 span the text width


def _borders(table: Any) -> None:
    """三线表: a heavy rule above and below the table, a thin one under the header, nothing else."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        heavy = side in ("top", "bottom")
        el.set(qn("w:val"), "single" if heavy else "nil")
        if heavy:
            el.set(qn("w:sz"), "12")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)
    for cell in table.rows[0].cells:
        tc_pr = cell._tc.get_or_add_tcPr()
        tc_borders = OxmlElement("w:tcBorders")
        bottom = OxmlElement("w:bottom")
        for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")):
            bottom.set(qn(k), v)
        tc_borders.append(bottom)
        tc_pr.append(tc_borders)


def _row_props(row: Any, *, header: bool) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _table(doc: Any, frame: pd.DataFrame, kinds: list[str], lang: str, text_width: int) -> Any:
    """``frame`` (already text) as a three-line table; headers and numbers centred, text left."""
    size = _SIZES[lang][6]
    mono = FONTS[lang][4]
    table = doc.add_table(rows=1, cols=len(frame.columns))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _widths(frame, text_width)
    keep = len(frame) <= 15  # a short table stays on one page
    rows = [list(frame.columns)] + frame.astype(str).values.tolist()
    for r, values in enumerate(rows):
        cells = table.rows[0].cells if r == 0 else table.add_row().cells
        _row_props(table.rows[r], header=r == 0)
        for c, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.width = Emu(widths[c])
            par = cell.paragraphs[0]
            _text(par, str(value), mono)
            fmt = par.paragraph_format
            fmt.line_spacing, fmt.first_line_indent = 1.0, Pt(0)
            fmt.space_before, fmt.space_after = Pt(1.5), Pt(1.5)
            fmt.keep_with_next = keep and r < len(rows) - 1
            if r == 0 or kinds[c] != "text":
                fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in par.runs:
                run.font.size = Pt(size)
                run.font.bold = r == 0 or None
    for col, width in zip(table.columns, widths, strict=True):
        col.width = Emu(width)
    _borders(table)
    return table


def _numeric(values: pd.Series) -> bool:
    """Whether a column holds numbers (all non-empty values parse as numbers)."""
    vals = values.dropna()
    return len(vals) > 0 and bool(pd.to_numeric(vals, errors="coerce").notna().all())


def _add_table(doc: Any, caption: str, full: pd.DataFrame, lang: str, names: Mapping[str, str] | None,
               max_rows: int, text_width: int) -> None:
    """Caption (kept with the table), the table through :func:`display_frame`, and a note when
    rows or columns were left out."""
    cap = doc.add_paragraph(style="Caption")
    _text(cap, caption, FONTS[lang][4]).paragraph_format.keep_with_next = True
    complete = bool(full.attrs.get("full"))  # e.g. the ranking: every row and column
    df, dropped = note_columns(full, lang, max_cols=len(full.columns) if complete else 7)
    max_rows = len(df) if complete else max_rows
    shown = df.head(max_rows)
    kinds = ["text" if column_kind(c) == "text" or not _numeric(shown[c]) else "number" for c in shown.columns]
    names = {**(names or {}), **full.attrs.get("names", {})}
    frame = display_frame(shown, lang, names=names, index=False,
                          kinds=full.attrs.get("kinds"))
    table = _table(doc, frame, kinds, lang, text_width)
    more = max(0, len(df) - max_rows)
    parts = []
    if more:
        parts.append(_t(lang, f"仅列出前 {max_rows} 行（共 {len(df)} 行）", f"the first {max_rows} of {len(df)} rows"))
    if dropped:
        parts.append(_t(lang, f"另有 {dropped} 列未列出", f"{dropped} more columns not shown"))
    if parts:  # the note stays with the table's last row
        for cell in table.rows[-1].cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True
        text = _t(lang, "注：" + "；".join(parts) + "。完整表格见报告 tables 文件夹中的 CSV 文件。",
                  "Note: " + "; ".join(parts) + ". The full table is in the report's tables folder (CSV).")
        note = doc.add_paragraph(text)
        note.paragraph_format.space_before = Pt(2)
        for run in note.runs:
            run.font.size = Pt(_SIZES[lang][6])
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _add_figure(doc: Any, caption: str, file: Path, lang: str, text_width: int, text_height: int) -> None:
    """The figure at its print size (the PNG's pixels at its dpi), narrowed to the text width (or
    to 3/4 of the text height) when larger, with its caption below, kept together."""
    from docx.image.image import Image

    image = Image.from_file(str(file))  # width and height: EMU at the image's own dpi
    scale = min(1.0, text_width / image.width, 0.75 * text_height / image.height)
    doc.add_picture(str(file), width=Emu(int(image.width * scale)))
    pic = doc.paragraphs[-1]
    pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pic.paragraph_format.keep_with_next = True
    pic.paragraph_format.space_before = Pt(6)
    cap = doc.add_paragraph(style="Caption")
    _text(cap, caption, FONTS[lang][4])
    cap.paragraph_format.space_after = Pt(10)


def write_docx(path: Path, blocks: list[tuple[str, Any]], lang: str, max_rows: int = 30,
               names: Mapping[str, str] | None = None) -> None:
    """Write the note's ``blocks`` as a Word document at ``path`` (conventions: module docstring).

    ``names`` labels columns that are framework codes (``{"A": "A 服务供给"}``); ``max_rows`` is
    the longest table shown (a note says how many rows the CSV has).
    """
    lang = "zh" if lang == "zh" else "en"
    doc = Document()
    doc.core_properties.author = "dgpe"
    doc.core_properties.title = next((str(p) for k, p in blocks if k == "title"), "method note")
    doc.core_properties.language = "zh-CN" if lang == "zh" else "en-US"
    _setup_page(doc)
    _setup_styles(doc, lang)
    _setup_settings(doc)
    _footer(doc)
    section = doc.sections[0]
    page_w, page_h = int(section.page_width or 0), int(section.page_height or 0)
    text_width = page_w - int(section.left_margin or 0) - int(section.right_margin or 0)
    text_height = page_h - int(section.top_margin or 0) - int(section.bottom_margin or 0)
    mono = FONTS[lang][4]
    levels = {"h1": 1, "h2": 2, "h3": 3}
    headings = [(levels[k], str(p)) for k, p in blocks if k in levels]
    toc_done = False
    for kind, payload in blocks:
        if kind in levels and not toc_done:
            _toc(doc, headings, lang)
            toc_done = True
        if kind == "title":
            _text(doc.add_paragraph(style="Title"), payload, mono)
        elif kind in levels:
            _text(doc.add_paragraph(style=f"Heading {levels[kind]}"), payload, mono)
        elif kind == "li":
            _text(doc.add_paragraph(style="List Bullet"), payload, mono)
        elif kind == "table":
            _add_table(doc, payload[0], payload[1], lang, names, max_rows, text_width)
        elif kind == "figure":
            _add_figure(doc, payload[0], Path(payload[1]), lang, text_width, text_height)
        else:  # "p" and any kind this writer does not know
            _text(doc.add_paragraph(style="Body Text"), str(payload), mono)
    doc.save(str(path))

