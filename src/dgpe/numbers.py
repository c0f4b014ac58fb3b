"""Numbers as people type them: the decimal mark decided by rule, magnitudes the methods can take.

A comma in a number is a thousands separator or a decimal mark. Each cell is one of

- **thousands** for certain: ``1,234.5``, ``12,345,678`` (groups of three before a point, or several);
- **decimal comma** for certain: ``1,5``, ``0,25``, ``0,125``, ``1234,5``, ``1.234,5``,
  ``1.234.567`` (not groups of three, or a point grouping before a comma);
- **point decimal** for certain: ``0.25``, ``1.5``, ``0.125`` (not a group of three after a point);
- **ambiguous**: ``1,234`` and ``1.234`` (one group of three after the mark): 1234 or 1.234.

Certain cells are read as they are. Ambiguous cells follow the convention of the columns read
together (one file's indicators, one scale's items): decimal commas and no point decimals or
thousands groups make ``,`` the decimal mark (``1,234`` = 1.234, ``1.234`` = 1234); otherwise
``,`` groups thousands (``1,234`` = 1234, ``1.234`` = 1.234), dgpe's convention. Where the
columns write decimals both ways, an ambiguous cell is refused, naming the cell. Reading any
decimal comma adds a note.

A finite value whose magnitude lies outside [:data:`SMALLEST`, :data:`LARGEST`] (other than 0) is
refused: its square, its range with another value or a ratio with it overflows double precision
(1e308 made min-max normalisation return inf/NaN for every other unit).

>>> parse_numbers(pd.Series(["1,5", "2", None])).values.tolist()
[1.5, 2.0, nan]
>>> parse_numbers(pd.Series(["1,234", "12"])).values.tolist()
[1234.0, 12.0]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["LARGEST", "SMALLEST", "ParsedNumbers", "parse_numbers", "parse_frame", "magnitude_problem"]

#: The largest magnitude a value may have (squares and sums of squares stay finite).
LARGEST = 1e100
#: The smallest non-zero magnitude a value may have (ratios with it stay finite).
SMALLEST = 1e-100

_SIGN = r"[+-]?"
_THOUSANDS = re.compile(_SIGN + r"[1-9]\d{0,2}(?:,\d{3})+\.\d+|" + _SIGN + r"[1-9]\d{0,2}(?:,\d{3}){2,}")
_AMBIGUOUS_COMMA = re.compile(_SIGN + r"[1-9]\d{0,2},\d{3}")
_AMBIGUOUS_POINT = re.compile(_SIGN + r"[1-9]\d{0,2}\.\d{3}")
_DECIMAL_COMMA = re.compile(_SIGN + r"\d+,\d+|" + _SIGN + r"[1-9]\d{0,2}(?:\.\d{3})+,\d+|"
                            + _SIGN + r"[1-9]\d{0,2}(?:\.\d{3}){2,}")
_POINT_DECIMAL = re.compile(_SIGN + r"\d*\.\d+(?:[eE][+-]?\d+)?")
_COMMA_RULES = (("thousands", _THOUSANDS), ("ambiguous-comma", _AMBIGUOUS_COMMA), ("decimal-comma", _DECIMAL_COMMA))
_POINT_RULES = (("ambiguous-point", _AMBIGUOUS_POINT), ("decimal-comma", _DECIMAL_COMMA), ("point", _POINT_DECIMAL))


@dataclass
class ParsedNumbers:
    """What :func:`parse_frame` read: the values, the cells it refused and its notes.

    Attributes
    ----------
    values : the columns as floats (NaN where empty or refused)
    refused : (row position, column, message) of each refused cell
    decimal_comma : the first cell read with ``,`` as its decimal mark ('' when none)
    """

    values: pd.DataFrame
    refused: list[tuple[int, str, str]] = field(default_factory=list)
    decimal_comma: str = ""


def parse_numbers(raw: pd.Series) -> pd.Series:
    """One column of text cells as floats by the rules of the module doc (refused cells are NaN)."""
    return parse_frame(raw.to_frame("x")).values["x"]


def parse_frame(raw: pd.DataFrame) -> ParsedNumbers:
    """The columns of ``raw`` (text cells) as floats, under one decimal convention."""
    kinds = {c: raw[c].map(_kind) for c in raw.columns}
    comma = _first(kinds, raw, "decimal-comma")
    point = _first(kinds, raw, "thousands") or _first(kinds, raw, "point")
    out = pd.DataFrame(index=raw.index)
    refused: list[tuple[int, str, str]] = []
    for c in raw.columns:
        text, kind = raw[c], kinds[c]
        as_comma = kind.eq("decimal-comma") | (kind.isin(["ambiguous-comma", "ambiguous-point"]) & bool(comma and not point))
        no_commas = kind.eq("thousands") | (kind.eq("ambiguous-comma") & (not comma or bool(point)))
        text = text.copy()
        text[as_comma] = text[as_comma].map(_as_point)  # only text cells have a kind other than "other"
        text[no_commas] = text[no_commas].map(_no_commas)
        vals = pd.to_numeric(text, errors="coerce").astype(float)
        if comma and point:
            for i in map(int, np.flatnonzero(kind.isin(["ambiguous-comma", "ambiguous-point"]).to_numpy())):
                refused.append((i, c, f"ambiguous: {raw[c].iloc[i]} could be 1000 times larger or smaller, "
                                      f"and the file writes decimals both ways ({comma}; {point}); write it "
                                      "without a thousands separator"))
                vals.iloc[i] = np.nan
        out[c] = vals
    return ParsedNumbers(out, refused, comma)


def _first(kinds: dict[str, pd.Series], raw: pd.DataFrame, kind: str) -> str:
    """'1,5 on row 4 of column A1.4': the first cell of a kind (rows as Excel shows them), or ''."""
    for c, k in kinds.items():
        hits = np.flatnonzero(k.eq(kind).to_numpy())
        if len(hits):
            return f"{raw[c].iloc[hits[0]]} on row {int(hits[0]) + 2} of column {c}"
    return ""


def _as_point(v: str) -> str:
    return v.replace(".", "").replace(",", ".")


def _no_commas(v: str) -> str:
    return v.replace(",", "")


def _kind(v: object) -> str:
    """The kind of one cell (see the module doc), or "other"."""
    if not isinstance(v, str):
        return "other"
    s = v.strip()
    rules = _COMMA_RULES if "," in s else _POINT_RULES if "." in s else ()
    for kind, rx in rules:
        if rx.fullmatch(s):
            return kind
    return "other"


def magnitude_problem(value: float) -> str | None:
    """Why a finite value is refused for its magnitude, or None.

    >>> magnitude_problem(1e308) is not None, magnitude_problem(0.0), magnitude_problem(1e9)
    (True, None, None)
    """
    size = abs(value)
    if size > LARGEST:
        return (f"the value's magnitude exceeds {LARGEST:g}: its square or its range with other values "
                "overflows; check the column's unit")
    if 0 < size < SMALLEST:
        return (f"the value's magnitude is below {SMALLEST:g} (not 0): a ratio with it overflows; "
                "check the column's unit or write 0")
    return None
