"""Numbers as people type them: the decimal mark decided by rule, magnitudes the methods can take.

A comma in a number is a thousands separator or a decimal mark. Each cell with a comma is one of

- **thousands** for certain: ``1,234.5``, ``12,345,678`` (groups of three before a point, or several);
- **decimal** for certain: ``1,5``, ``0,25``, ``1234,5``, ``1.234,5`` (not a group of three);
- **ambiguous**: ``1,234`` (one group of three), read by the convention the same columns show.

The columns read together (one file's indicators, one scale's items) follow one convention: a
decimal comma anywhere makes ``,`` the decimal mark (``1,234`` = 1.234, ``1.234`` = 1234, and a
note says so); otherwise ``,`` groups thousands (``1,234`` = 1234), dgpe's convention. A decimal
comma in columns that also write ``0.25`` or ``1,234.5`` is refused, naming the cell, since one of
the two readings would be wrong.

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
_THOUSANDS = re.compile(_SIGN + r"\d{1,3}(?:,\d{3})+\.\d+|" + _SIGN + r"\d{1,3}(?:,\d{3}){2,}")
_AMBIGUOUS = re.compile(_SIGN + r"\d{1,3},\d{3}")
_DECIMAL = re.compile(_SIGN + r"\d+,\d+|" + _SIGN + r"\d{1,3}(?:\.\d{3})+,\d+")
_DOT_GROUPS = re.compile(_SIGN + r"[1-9]\d{0,2}(?:\.\d{3})+")
_DOT_DECIMAL = re.compile(_SIGN + r"\d*\.\d+(?:[eE][+-]?\d+)?")


@dataclass
class ParsedNumbers:
    """What :func:`parse_frame` read: the values, the cells it refused and its notes.

    Attributes
    ----------
    values : the columns as floats (NaN where empty or refused)
    refused : (row position, column, message) of each refused cell
    decimal_comma : whether ``,`` was read as the decimal mark
    """

    values: pd.DataFrame
    refused: list[tuple[int, str, str]] = field(default_factory=list)
    decimal_comma: bool = False


def parse_numbers(raw: pd.Series) -> pd.Series:
    """One column of text cells as floats by the rules of the module doc (refused cells are NaN)."""
    return parse_frame(raw.to_frame("x")).values["x"]


def parse_frame(raw: pd.DataFrame) -> ParsedNumbers:
    """The columns of ``raw`` (text cells) as floats, under one decimal convention."""
    kinds = {c: raw[c].map(_kind) for c in raw.columns}
    decimal = any((k == "decimal").any() for k in kinds.values())
    dotted = [(c, int(i)) for c, k in kinds.items() for i in np.flatnonzero(k.isin(["thousands", "dot"]).to_numpy())]
    comma_decimal = decimal and not dotted
    swap = ["decimal", "ambiguous", "dot-groups"] if comma_decimal else ["thousands", "ambiguous"]
    out = pd.DataFrame(index=raw.index)
    refused: list[tuple[int, str, str]] = []
    for c in raw.columns:
        text, kind = raw[c], kinds[c]
        mask = kind.isin(swap)
        if mask.any():
            text = text.where(~mask, text[mask].map(_as_point if comma_decimal else _no_commas))
        vals = pd.to_numeric(text, errors="coerce").astype(float)
        if decimal and dotted:
            c0, i0 = dotted[0]
            example = f"{raw[c0].iloc[i0]!s} on row {i0 + 2}" + ("" if c0 == c else f" of column {c0}")
            for i in map(int, np.flatnonzero((kind == "decimal").to_numpy())):
                refused.append((i, c, f"a decimal comma where other values use '.' as the decimal mark "
                                      f"(e.g. {example}): write every number one way"))
                vals.iloc[i] = np.nan
        out[c] = vals
    return ParsedNumbers(out, refused, comma_decimal)


def _as_point(v: str) -> str:
    return v.replace(".", "").replace(",", ".")


def _no_commas(v: str) -> str:
    return v.replace(",", "")


def _kind(v: object) -> str:
    """The kind of one cell: thousands, ambiguous, decimal, dot-groups, dot or plain."""
    if not isinstance(v, str):
        return "plain"
    s = v.strip()
    if "," in s:
        for kind, rx in (("thousands", _THOUSANDS), ("ambiguous", _AMBIGUOUS), ("decimal", _DECIMAL)):
            if rx.fullmatch(s):
                return kind
        return "plain"
    if _DOT_GROUPS.fullmatch(s):
        return "dot-groups" if s.count(".") == 1 else "decimal"
    if _DOT_DECIMAL.fullmatch(s):
        return "dot"
    return "plain"


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
