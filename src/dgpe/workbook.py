"""The report's workbook ``tables/tables.xlsx``: every recorded table on a sheet of its own.

What a reader gets (Excel or LibreOffice, zh or en):

- a first sheet 目录 / Contents listing every table (number, sheet, title, notebook, rows, columns,
  CSV file) with a hyperlink to its sheet; every table sheet has a link back in its cell A1;
- short readable sheet names in the report's language, built from the tables' titles — ``05 综合指数
  得分与排名``, ``05 Index scores and ranks`` — within Excel's 31 characters without cutting a word
  (filler words dropped first, then common words abbreviated, then whole words only), unique;
- headers labelled through :func:`dgpe.tablefmt.column_label`, numbers kept as numbers with a
  display format by the column's kind (:func:`dgpe.tablefmt.column_kind`): p-values ``0.000``
  showing ``< 0.001`` below 0.001, whole numbers ``#,##0``, scores ``#,##0.00``, statistics and
  shares ``0.000``; columns of unknown kind are formatted cell by cell as
  :func:`dgpe.tablefmt.format_value` writes them;
- column widths fitted to the content (a CJK character counts as two), the title and header rows
  frozen (and the row labels when the table has them), an autofilter over the header, and a print
  set-up that fits the width of a page and repeats the header row.

Each table sheet: row 1 holds the back link and the table's title, row 2 the header, the data from
row 3 (read it with ``pandas.read_excel(path, sheet_name=…, header=1)``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from dgpe.record import read_recorded_table
from dgpe.tablefmt import column_kind, column_label, format_value

__all__ = ["excel_sheet_name", "sheet_name_for", "number_format", "display_width", "write_workbook"]

SHEET_LIMIT = 31
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
_FILLER = frozenset(
    "a an the of and by per each with in for to on at from under against between within its their "
    "every whose which where that is are or vs".split()
)
_WEAK_END = frozenset("be cannot can first far most give gives would moved told fixed long".split())
_ABBREVIATIONS = {
    "indicators": "ind.", "indicator": "ind.", "correlations": "corr.", "correlation": "corr.",
    "dimensions": "dims", "dimension": "dim.", "sub-dimensions": "sub-dims", "probability": "prob.",
    "coordination": "coord.", "regression": "regr.", "statistics": "stats", "distributions": "distr.",
    "availability": "avail.", "minimum": "min", "maximum": "max", "consecutive": "consec.",
    "percentage": "pct", "importance": "imp.", "subsystems": "subsystems",
}  # fmt: skip
_P_FORMAT = '[<0.001]"< 0.001";0.000'
_KIND_FORMATS = {"p": _P_FORMAT, "int": "#,##0", "score": "#,##0.00", "stat": "0.000", "share": "0.000"}
_MAX_WIDTH = 60
_HEADER_FILL = "EEF3F7"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet: a wide (CJK) character counts as two.

    >>> display_width("得分"), display_width("score")
    (4, 5)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", _BAD_SHEET.sub(" ", str(text))).strip().strip("'")


def _words(text: str) -> list[str]:
    """Words of a title, brackets and trailing commas dropped (a qualifier becomes plain words)."""
    text = re.sub("[()\uff08\uff09,\uff0c;\uff1b:\uff1a]", " ", text)  # ASCII and full-width
    return [w for w in text.split() if w]


def _fit_words(words: list[str], limit: int) -> str:
    """Whole words from the start while they fit in ``limit`` characters, not ending on a word
    that only makes sense with the next one."""
    out: list[str] = []
    for w in words:
        if len(" ".join([*out, w])) > limit:
            break
        out.append(w)
    while len(out) > 2 and out[-1].lower() in _WEAK_END:
        out.pop()
    return " ".join(out)


def _fit_cjk(text: str, limit: int) -> str:
    """A Chinese title in ``limit`` characters: the qualifier in brackets dropped first, then cut
    after a punctuation mark or before a Latin word, else (Chinese has no spaces) at a character."""
    base = re.sub("[(\uff08][^)\uff09]*[)\uff09]", "", text).strip()
    if len(base) <= limit:
        return base
    cut = base[:limit]
    stops = [m.end() for m in re.finditer(r"[、,，;；:：与和及的]|\s", cut)]
    good = [s for s in stops if s >= limit // 2]
    if good:
        cut = cut[: good[-1]]
    elif base[limit].isascii() and base[limit].isalnum():  # at a character, not inside a Latin word
        cut = re.sub(r"[A-Za-z0-9'’-]+$", "", cut)
    return cut.rstrip("、,，;；:：与和及的 ") or base[:limit]


def sheet_name_for(prefix: str, title: str, limit: int = SHEET_LIMIT) -> str:
    """``prefix title`` shortened to ``limit`` characters without cutting a word.

    >>> sheet_name_for("04", "Rank change per unit with each node removed")
    '04 Rank change unit node'
    >>> sheet_name_for("05", "综合指数得分与排名")
    '05 综合指数得分与排名'
    """
    head = f"{prefix} " if prefix else ""
    # Excel refuses a sheet name that begins or ends with an apostrophe ("experts'", "Sobol'")
    return (head + _shorten(_clean(title), limit - len(head))).rstrip(" '")


def _shorten(text: str, room: int) -> str:
    if len(text) <= room:
        return text
    if any(unicodedata.east_asian_width(ch) in "WF" for ch in text):
        return _fit_cjk(text, room)
    kept = [w for i, w in enumerate(_words(text)) if i == 0 or w.lower() not in _FILLER]
    short = kept[:1] + [_ABBREVIATIONS.get(w.lower(), w) for w in kept[1:]]
    for cand in (kept, short):
        if len(" ".join(cand)) <= room:
            return " ".join(cand)
    return _fit_words(short, room) or short[0][:room]


def excel_sheet_name(text: str, taken: set[str], prefix: str = "") -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, no ``[]:*?/\\``, not 'History') from a
    title; ``taken`` holds the lower-cased names already used and receives this one.

    >>> taken = set()
    >>> excel_sheet_name("Parallel analysis (indicators)", taken, "02")
    '02 Parallel analysis indicators'
    >>> excel_sheet_name("Parallel analysis (indicators)", taken, "02")
    '02 Parallel analysis ind. 2'
    """
    name = sheet_name_for(prefix, text) or "Sheet"
    if name.lower() == "history":
        name = "History 2"
    n = 2
    while name.lower() in taken:
        suffix = f" {n}"
        name = sheet_name_for(prefix, text, SHEET_LIMIT - len(suffix)) + suffix
        n += 1
    taken.add(name.lower())
    return name


def number_format(value: Any, column: Any) -> str | None:
    """The Excel number format of ``value`` in ``column`` (None: not a number, leave it as it is).

    >>> number_format(0.0004, "bartlett_p"), number_format(13470, "n"), number_format(0.81, "alpha")
    ('[<0.001]"< 0.001";0.000', '#,##0', '0.000')
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    kind = column_kind(column)
    if kind == "int" and not float(value).is_integer():
        return "#,##0.00"
    if kind in _KIND_FORMATS:
        return _KIND_FORMATS[kind]
    v = abs(float(value))
    if float(value).is_integer() and v < 1e15:
        return "#,##0"
    if v >= 1000:
        return "#,##0"
    if v >= 100:
        return "0.0"
    if v >= 0.01 or v == 0:
        return "0.000"
    return "0.00E+00"


@dataclass
class _Sheet:
    name: str
    title: str
    notebook: str
    csv: str
    frame: pd.DataFrame
    index: bool


def _cell_value(value: Any) -> Any:
    """A cell's value for openpyxl: numpy scalars as Python numbers, missing as empty, ±inf as text."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "∞" if value > 0 else "−∞"
    return value


def _title_of(entry: dict[str, Any], lang: str, fallback: str) -> str:
    t = entry.get("title")
    if isinstance(t, dict):
        return t.get(lang) or t.get("en") or fallback
    return fallback


def _collect_sheets(folder: Path, records: dict[str, dict[str, Any]], lang: str, taken: set[str]) -> list[_Sheet]:
    sheets = []
    for nb, rec in records.items():
        for name, entry in rec.get("tables", {}).items():
            if not entry.get("file"):
                continue
            title = _title_of(entry, lang, name)
            sheet = excel_sheet_name(title, taken, prefix=nb[:2])
            sheets.append(_Sheet(sheet, title, nb, entry["file"], read_recorded_table(folder, entry),
                                 bool(entry.get("index", True))))
    return sheets


def _link(cell: Any, sheet: str, target: str = "A1") -> None:
    from openpyxl.worksheet.hyperlink import Hyperlink

    location = "'" + sheet.replace("'", "''") + "'!" + target
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=location, display=str(cell.value))
    cell.style = "Hyperlink"


def _style_header(ws: Any, row: int, n_cols: int) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    fill = PatternFill("solid", start_color=_HEADER_FILL, end_color=_HEADER_FILL)
    for c in range(1, n_cols + 1):
        cell = ws.cell(row=row, column=c)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = Border(bottom=Side(style="thin"))


def _fit_widths(ws: Any, widths: Iterable[int]) -> None:
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(_MAX_WIDTH, max(6, w + 2))


def _print_setup(ws: Any, header_row: int, n_cols: int) -> None:
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape" if n_cols > 6 else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _write_table(ws: Any, sheet: _Sheet, lang: str, back: tuple[str, str]) -> None:
    """One table: back link and title (row 1), labelled header (row 2), formatted data."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    df = sheet.frame
    ws.cell(row=1, column=1, value="← " + back[0])
    _link(ws.cell(row=1, column=1), back[0], back[1])
    ws.cell(row=1, column=2, value=sheet.title).font = Font(bold=True, size=12)
    columns = list(df.columns)
    headers = [column_label(c, lang) if str(c) else "" for c in columns]
    widths = [display_width(h) for h in headers]
    for j, h in enumerate(headers, start=1):
        ws.cell(row=2, column=j, value=h)
    _style_header(ws, 2, len(columns))
    # numbers right-aligned with a space on their right, so a text column after them stays apart
    right = Alignment(horizontal="right", indent=1)
    for j, col in enumerate(columns, start=1):
        if pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col]):
            ws.cell(row=2, column=j).alignment = Alignment(horizontal="right", indent=1, wrap_text=True,
                                                           vertical="center")
    for i, row in enumerate(df.itertuples(index=False, name=None), start=3):
        for j, (col, raw) in enumerate(zip(columns, row, strict=True), start=1):
            value = _cell_value(raw)
            if value is None:
                continue
            cell = ws.cell(row=i, column=j, value=value)
            fmt = number_format(value, col)
            if fmt is not None:
                cell.number_format = fmt
                cell.alignment = right
            shown = format_value(value, col) if fmt is not None else str(value)
            widths[j - 1] = max(widths[j - 1], display_width(shown) + (1 if fmt is not None else 0))
    widths[0] = max(widths[0], display_width(ws.cell(row=1, column=1).value) - 1)
    _fit_widths(ws, widths)
    last = get_column_letter(max(1, len(columns)))
    ws.auto_filter.ref = f"A2:{last}{len(df) + 2}"
    ws.freeze_panes = "B3" if sheet.index and len(columns) > 2 else "A3"
    _print_setup(ws, 2, len(columns))


def _write_contents(ws: Any, sheets: list[_Sheet], lang: str) -> None:
    """The 目录 / Contents sheet: one row per table, its sheet name linked to the sheet."""
    from openpyxl.styles import Alignment

    keys = ["number", "sheet", "title", "notebook", "n_rows", "n_columns", "csv_file"]
    headers = [column_label(k, lang) for k in keys]
    for j, h in enumerate(headers, start=1):
        ws.cell(row=1, column=j, value=h)
    _style_header(ws, 1, len(keys))
    widths = [display_width(h) for h in headers]
    for i, s in enumerate(sheets, start=2):
        values = [i - 1, s.name, s.title, s.notebook, len(s.frame), s.frame.shape[1], s.csv]
        for j, v in enumerate(values, start=1):
            cell = ws.cell(row=i, column=j, value=v)
            if isinstance(v, int):  # centred: a right-aligned number would run into the next text
                cell.number_format = "#,##0"
                cell.alignment = Alignment(horizontal="center")
            widths[j - 1] = max(widths[j - 1], display_width(str(v)))
        _link(ws.cell(row=i, column=2), s.name)
    _fit_widths(ws, widths)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:G{len(sheets) + 1}"
    _print_setup(ws, 1, len(keys))


def write_workbook(folder: Path, records: dict[str, dict[str, Any]], lang: str) -> Path:
    """All recorded tables in ``tables/tables.xlsx``: a 目录/Contents sheet, then a sheet per table
    (see the module docstring for what each holds)."""
    from openpyxl import Workbook

    path = Path(folder) / "tables" / "tables.xlsx"
    contents = "目录" if lang == "zh" else "Contents"
    taken = {contents.lower()}
    sheets = _collect_sheets(Path(folder), records, lang, taken)
    wb = Workbook()
    ws = wb.active
    ws.title = contents
    _write_contents(ws, sheets, lang)
    for row, s in enumerate(sheets, start=2):
        _write_table(wb.create_sheet(s.name), s, lang, (contents, f"B{row}"))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
