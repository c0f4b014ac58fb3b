"""Reading tables the way users keep them: CSV in UTF-8, UTF-8 with BOM or GBK/GB18030, and XLSX.

Cells are read as text so that validation can quote exactly what the user typed; row numbers are
those Excel shows (the header is row 1, the first data row is row 2).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pandas as pd

from dgpe.errors import DataError, Problem

__all__ = ["read_table", "detect_encoding", "sha256_file", "MISSING_TOKENS"]

MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "—", "--", "缺失", "无数据"})
_ENCODINGS = ("utf-8-sig", "gb18030")


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def detect_encoding(raw: bytes) -> str:
    """UTF-8 (with or without BOM) if the bytes decode as UTF-8, else GB18030 (a superset of GBK).

    A UTF-8 byte-order mark followed by GBK text (written by some Excel/WPS exports) is read as
    GB18030 after the mark: :func:`read_table` strips it.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            raw[3:].decode("utf-8")
            return "utf-8-sig"
        except UnicodeDecodeError:
            raw = raw[3:]
    for enc in _ENCODINGS:
        try:
            raw.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("gb18030", raw[:1], 0, 1, "neither UTF-8 nor GBK/GB18030")


def read_table(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | int | None = 0,
    dtype: type | None = str,
) -> pd.DataFrame:
    """Read a CSV/TSV/XLSX file into a DataFrame of text cells (``None``/NaN for empty cells).

    Raises :class:`DataError` naming the file when it is missing, empty, in an unknown encoding or of
    an unknown type. Header names are stripped of surrounding white space.
    """
    p = Path(path)
    if not p.exists():
        raise DataError([Problem(str(p), "", "file not found")])
    suffix = p.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm", ".xls"):
            df = pd.read_excel(p, sheet_name=sheet, dtype=dtype, engine="openpyxl")
        elif suffix in (".csv", ".txt", ".tsv"):
            raw = p.read_bytes()
            if not raw.strip():
                raise DataError([Problem(p.name, "", "the file is empty")])
            try:
                enc = encoding or detect_encoding(raw)
                if enc == "gb18030" and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                text = raw.decode(enc)
            except (UnicodeDecodeError, LookupError):
                raise DataError(
                    [
                        Problem(
                            p.name,
                            "",
                            "cannot decode the file: expected UTF-8, UTF-8 with BOM or GBK/GB18030"
                            + (f" (encoding={encoding!r} was given)" if encoding else ""),
                        )
                    ]
                ) from None
            sep = "\t" if suffix == ".tsv" else ","
            df = pd.read_csv(
                io.StringIO(text), sep=sep, dtype=dtype, keep_default_na=False, na_values=[]
            )
        else:
            raise DataError(
                [Problem(p.name, "", "unknown file type; expected .csv, .tsv or .xlsx", p.suffix)]
            )
    except DataError:
        raise
    except (zipfile.BadZipFile, OSError):
        raise DataError([Problem(p.name, "", "not a valid XLSX workbook; save it from Excel as .xlsx, or as CSV")]) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, KeyError) as exc:
        raise DataError([Problem(p.name, "", f"cannot read the table: {exc}")]) from None
    df.columns = [str(c).strip() for c in df.columns]
    if dtype is str:
        df = df.map(lambda v: None if (not isinstance(v, str) or v.strip().lower() in MISSING_TOKENS) else v.strip())
    return df
