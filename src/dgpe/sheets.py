"""Reading an XLSX worksheet as the user sees it in Excel, or refusing it with the cell named.

- The sheet read is the one named (``sheet=``, ``--sheet``, ``data.sheet``), else the sheet Excel
  opens on (the active one) when it is visible, else the first visible one; hidden sheets are never
  read unless named. When other visible sheets hold data too, or hidden sheets exist, a note says
  which sheet was read (:func:`dgpe.io.collect_notes`).
- A formula cell is read by its saved value; a formula with no saved value (the workbook was
  written by a program that does not calculate, e.g. a script) is refused with its address, since
  reading it as empty would silently drop a value Excel shows.
- Merged cells in the table are refused with their range (only the first cell holds the value).
- Cells become text as pandas would write them (``2025``, ``0.1``, ``2025-01-01 00:00:00``);
  Excel error values (``#DIV/0!``) stay as written so that the loaders name them.

>>> from dgpe.sheets import column_letter
>>> column_letter(28)
'AB'
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from dgpe.errors import DataError, Problem

__all__ = ["read_sheet", "column_letter"]


def column_letter(number: int) -> str:
    """The Excel letter of a 1-based column number (1 → A, 27 → AA)."""
    letters = ""
    while number > 0:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_sheet(path: Path, sheet: str | int | None, notes: list[Problem]) -> list[list[str | None]]:
    """The rows of the sheet to read (header first) as text cells, trailing empty rows dropped.

    Raises :class:`DataError` naming the file, the sheet and the cell; appends to ``notes`` which
    sheet was read when the choice was not the only one."""
    wb = _open(path, data_only=False)
    ws = _pick(wb, sheet, path.name, notes)
    problems: list[Problem] = []
    where = f"sheet {ws.title!r}"
    for rng in ws.merged_cells.ranges:
        problems.append(Problem(path.name, f"{where}, cells {rng.coord}", "merged cells: only the first "
                                "cell holds the value; unmerge them and fill every cell"))
    formulas = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.data_type == "f"}
    cached: dict[str, Any] = {}
    if formulas:
        values_ws = _open(path, data_only=True)[ws.title]
        for coord, formula in formulas.items():
            value = values_ws[coord].value
            cached[coord] = value
            if value is None and '""' not in str(formula):
                problems.append(Problem(path.name, f"{where}, cell {coord}", "formula without a saved value "
                                        "(the workbook was written by a program that does not calculate); "
                                        "open and save it in Excel or WPS, or paste the values", str(formula)))
    if problems:
        raise DataError(problems, title=f"{path.name}: {len(problems)} problem(s) in the workbook")
    rows = [[_text(cached.get(c.coordinate) if c.coordinate in formulas else c.value) for c in row]
            for row in ws.iter_rows()]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows


def _open(path: Path, *, data_only: bool) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(path, data_only=data_only)
    except Exception as exc:  # any failure of the parser means the file is not a workbook it can read
        raise DataError([Problem(path.name, "", f"not a valid XLSX workbook ({_why(path, exc)}); save it "
                                                "from Excel as .xlsx, or as CSV")]) from None


def _why(path: Path, exc: Exception) -> str:
    """What the file is instead of a workbook, from its first bytes."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError as err:
        return f"cannot read it: {err.strerror}"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an Excel 97-2003 .xls workbook or another old Office file"
    if b"<html" in head.lower() or b"<table" in head.lower():
        return "an HTML page saved with a workbook's name"
    if head and not head.startswith(b"PK"):
        return "it is a text or other file, not a ZIP-based workbook; a CSV file must be named .csv"
    return type(exc).__name__ + (f": {str(exc)[:120]}" if str(exc) else "")


def _pick(wb: Any, sheet: str | int | None, file: str, notes: list[Problem]) -> Any:
    """The worksheet to read (see the module doc)."""
    sheets = list(wb.worksheets)
    names = [ws.title for ws in sheets]
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(sheets):
            raise DataError([Problem(file, f"sheet {sheet}", f"no such sheet; the workbook has {len(sheets)} "
                                     f"worksheet(s): {', '.join(names)}")])
        return sheets[sheet]
    if sheet is not None:
        if sheet not in names:
            raise DataError([Problem(file, f"sheet {sheet!r}", f"no such sheet; the workbook's worksheets "
                                     f"are {', '.join(repr(n) for n in names)}")])
        return wb[sheet]
    visible = [ws for ws in sheets if ws.sheet_state == "visible"]
    if not visible:
        raise DataError([Problem(file, "", "every worksheet is hidden; name the sheet to read (--sheet, data.sheet)")])
    active = wb.active
    ws = active if active in visible else visible[0]
    others = [w.title for w in visible if w is not ws and w.max_row >= 2 and w.max_column >= 2]
    hidden = [w.title for w in sheets if w.sheet_state != "visible"]
    if others or hidden:
        text = f"read sheet {ws.title!r}" + (" (the active one)" if ws is active else " (the first visible one)")
        if others:
            text += f"; other sheets with data, not read: {', '.join(repr(n) for n in others)}"
        if hidden:
            text += f"; hidden sheets, not read: {', '.join(repr(n) for n in hidden)}"
        notes.append(Problem(file, f"sheet {ws.title!r}", text + "; name another with --sheet or data.sheet"))
    return ws


def _text(v: Any) -> str | None:
    """A cell's value as text, as pandas' ``read_excel(dtype=str)`` writes it."""
    if v is None:
        return None
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v)
    if isinstance(v, dt.datetime | dt.date | dt.time | dt.timedelta):
        return str(v)
    return str(v)
