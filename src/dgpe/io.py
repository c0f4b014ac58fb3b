"""Reading tables the way users keep them: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030, or the encoding
stated) and XLSX, every reading decision either certain or refused.

Cells are read as text so that validation can quote exactly what the user typed; row numbers are
those Excel shows (the header is row 1, the first data row is row 2). What is certain and what is
refused:

- the encoding (:mod:`dgpe.encodings`): UTF-8 and GB18030 text of common Chinese characters are
  read; anything else is refused naming the likely encoding and how to state it;
- the separator: ``,`` (``;`` or tab when the header holds no comma, as European Excel writes);
- the sheet of a workbook and its formula and merged cells (:mod:`dgpe.sheets`);
- the header: every column with values has a name, and no name is given twice (both named with
  their column numbers as written in the file);
- the path: a folder, an unreadable file or a workbook saved under a ``.csv`` name is named as such.

Choices that were not the only one (which sheet was read) are notes, collected by
:func:`collect_notes` and printed by ``dgpe validate``.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import pandas as pd

from dgpe.encodings import control_character_line, guess_encoding
from dgpe.errors import DataError, DgpeError, Problem
from dgpe.sheets import column_letter, read_sheet

__all__ = ["read_table", "detect_encoding", "decode_text", "check_file", "collect_notes", "add_notes", "sha256_file",
           "MISSING_TOKENS"]

MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "—", "--", "缺失", "无数据"})
_NOTES: ContextVar[list[Problem] | None] = ContextVar("dgpe_read_notes", default=None)
_HOW = ("state the encoding with --encoding {enc} (dgpe validate) or data.encoding: {enc} in the run "
        "config, or save the file as UTF-8")


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def collect_notes() -> Iterator[list[Problem]]:
    """Collect the notes :func:`read_table` makes on the choices it took (which sheet was read).

    >>> with collect_notes() as notes:
    ...     pass
    >>> notes
    []
    """
    notes: list[Problem] = []
    token = _NOTES.set(notes)
    try:
        yield notes
    finally:
        _NOTES.reset(token)


def add_notes(problems: list[Problem]) -> None:
    """Hand notes to the :func:`collect_notes` block around the call (dropped when there is none)."""
    sink = _NOTES.get()
    if sink is not None:
        sink.extend(p for p in problems if p not in sink)


def detect_encoding(raw: bytes) -> str:
    """The encoding to read ``raw`` with when it is certain (``utf-8-sig``, ``utf-16``, ``gb18030``);
    raises :class:`UnicodeDecodeError` otherwise (see :mod:`dgpe.encodings`).

    >>> detect_encoding("单位".encode("gbk"))
    'gb18030'
    """
    g = guess_encoding(raw)
    if g.encoding is None:
        raise UnicodeDecodeError("gb18030", raw[:1], 0, 1, g.reason)
    return g.encoding


def check_file(path: Path, error: type[DgpeError] = DataError) -> None:
    """Refuse a path that is missing, a folder or unreadable, saying which."""
    if not path.exists():
        raise error([Problem(str(path), "", "file not found")])
    if path.is_dir():
        raise error([Problem(str(path), "", "is a folder, not a file; give the path of the file itself")])
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise error([Problem(str(path), "", f"cannot open the file: {exc.strerror}")]) from None


def decode_text(raw: bytes, file: str, encoding: str | None = None) -> str:
    """The text of a CSV file: in ``encoding`` when given, else in the certain encoding, else refused.

    A UTF-8 byte-order mark before text in another encoding (some Excel/WPS exports) is dropped."""
    if raw.startswith(b"\xef\xbb\xbf") and not (encoding or "").lower().replace("_", "-").startswith("utf"):
        try:
            raw[3:].decode("utf-8")
        except UnicodeDecodeError:
            raw = raw[3:]
    if encoding:
        try:
            text = raw.decode(encoding.strip())
        except LookupError:
            raise DataError([Problem(file, "", "unknown encoding name; use e.g. utf-8, gb18030, big5 or latin-1",
                                     encoding)]) from None
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise DataError([Problem(file, f"line {line}", f"cannot decode the file as {encoding} (byte "
                                     f"0x{raw[exc.start]:02x}); expected UTF-8, UTF-8 with BOM or GBK/GB18030, "
                                     "or the encoding given")]) from None
    else:
        g = guess_encoding(raw)
        if g.encoding is None:
            how = (f"it looks like {g.guess}; " if g.guess else "") + _HOW.format(enc=g.guess or "NAME")
            raise DataError([Problem(file, "", f"cannot tell the file's encoding: {g.reason}; {how}; "
                                     "expected UTF-8, UTF-8 with BOM or GBK/GB18030")])
        text = raw.decode(g.encoding)
    text = text.removeprefix("\ufeff")
    control = control_character_line(text)
    if control is not None:
        raise DataError([Problem(file, f"line {control}", "holds a control character: not a text table "
                                 "(a binary file, or text in another encoding)")])
    return text


def read_table(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    dtype: type | None = str,
) -> pd.DataFrame:
    """Read a CSV/TSV/XLSX file into a DataFrame of text cells (NaN for empty cells).

    ``sheet`` names the worksheet of a workbook (default: the active visible one, see
    :mod:`dgpe.sheets`). Raises :class:`DataError` naming the file (and line, sheet, cell or column)
    when the file is missing, a folder, empty, in an uncertain encoding, of an unknown type, or
    its header has an unnamed or duplicated column. Header names are stripped of surrounding white
    space; cells too, and the :data:`MISSING_TOKENS` become ``None``. ``dtype`` other than ``str``
    keeps the cells as read.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("unit_id,A1.1\\nP1,0.5\\nP2,n/a\\n", encoding="utf-8")
    >>> read_table(p).to_dict("list")
    {'unit_id': ['P1', 'P2'], 'A1.1': ['0.5', nan]}
    """
    p = Path(path)
    check_file(p)
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        notes: list[Problem] = []
        rows = read_sheet(p, sheet, notes)
        add_notes(notes)
    elif suffix in (".csv", ".txt", ".tsv"):
        rows = _csv_rows(p, encoding, suffix)
    else:
        raise DataError([Problem(p.name, "", "unknown file type; expected .csv, .tsv or .xlsx", p.suffix)])
    if not rows:
        raise DataError([Problem(p.name, "", "the file is empty")])
    df = _frame(rows, p.name)
    if dtype is str:
        df = df.map(lambda v: None if (not isinstance(v, str) or v.strip().lower() in MISSING_TOKENS) else v.strip())
    return df


def _csv_rows(p: Path, encoding: str | None, suffix: str) -> list[list[Any]]:
    raw = p.read_bytes()
    if not raw.strip():
        raise DataError([Problem(p.name, "", "the file is empty")])
    if raw.startswith(b"PK\x03\x04"):
        raise DataError([Problem(p.name, "", "this is an Excel workbook (XLSX) named like a text file; "
                                 "rename it to .xlsx, or save it as CSV")])
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError([Problem(p.name, "", "this is an Excel 97-2003 .xls workbook named like a text file; "
                                 "save it as .xlsx or CSV")])
    text = decode_text(raw, p.name, encoding)
    sep = "\t" if suffix == ".tsv" else _separator(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, header=None, keep_default_na=False,
                            na_values=[])
    except pd.errors.EmptyDataError:
        raise DataError([Problem(p.name, "", "the file is empty")]) from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataError([Problem(p.name, "", f"cannot read the table: {str(exc).strip()[:300]}")]) from None
    return frame.to_numpy(dtype=object).tolist()


def _separator(text: str) -> str:
    """``,``; or ``;``/tab when the header line holds none of ``,`` but one of those."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    if "," not in header:
        for sep in (";", "\t"):
            if sep in header:
                return sep
    return ","


def _frame(rows: list[list[Any]], file: str) -> pd.DataFrame:
    """Header row + body → DataFrame; unnamed columns without values dropped, unnamed ones with
    values and duplicated names refused (with their column numbers and letters)."""
    width = max(len(r) for r in rows)
    rows = [list(r) + [None] * (width - len(r)) for r in rows]
    names = [_name(v) for v in rows[0]]
    body = rows[1:]
    problems: list[Problem] = []
    keep: list[int] = []
    seen: dict[str, list[int]] = {}
    for j, name in enumerate(names):
        if not name:
            if any(_filled(r[j]) for r in body):
                problems.append(Problem(file, f"column {j + 1} ({column_letter(j + 1)})",
                                        "the column has values but no name in the header row (row 1)"))
            continue
        keep.append(j)
        seen.setdefault(name, []).append(j + 1)
    for name, cols in seen.items():
        if len(cols) > 1:
            where = ", ".join(f"{c} ({column_letter(c)})" for c in cols)
            problems.append(Problem(file, f"header, columns {where}", f"the column name {name!r} is given "
                                    f"{len(cols)} times; rename or remove all but one"))
    if problems:
        raise DataError(problems, title=f"{file}: {len(problems)} problem(s) in the header")
    return pd.DataFrame([[r[j] for j in keep] for r in body], columns=[names[j] for j in keep], dtype=object)


def _name(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip().removeprefix("\ufeff").strip()


def _filled(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and v != v) and str(v).strip() != ""
