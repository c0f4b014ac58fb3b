"""One place for how the report writes a table for people: column labels and numbers.

Every deliverable that shows a table to a reader (the method note in Word, the landing page, the
workbook, the notebooks' HTML) takes its column headers from :func:`column_label` and its numbers
from :func:`format_value`, so a header reads the same everywhere and in the report's language, and
a p-value is never printed as ``0`` or ``4.11e-37``. The labels live in
``catalogue/columns/labels.yaml`` (zh and en, with the *kind* of number a column holds); a column
not listed there is labelled by the method registries (``entropy`` → 熵权法), then by the
framework's node names when a ``names`` mapping is given, else shown as it is.

Kinds of numbers (:data:`KINDS`):

========  =====================================================  ====================
kind      written as                                             example
========  =====================================================  ====================
``p``     ``< 0.001`` below 0.001, else 3 decimals               ``< 0.001``, ``0.042``
``int``   whole number, thousands separated                      ``13,470``
``share`` a fraction, 3 decimals                                 ``0.034``
``score`` 2 decimals, thousands separated                        ``1,234.57``
``stat``  3 decimals                                             ``0.812``
``text``  as it is                                               ``优``
========  =====================================================  ====================

A column of unknown kind is guessed from its name (``rank…``/``n_…`` whole numbers, ``share…``
fractions, ``p``/``…_p`` p-values) and otherwise from its values (whole numbers stay whole; other
numbers get 3 significant decimals, thousands separated).

>>> column_label("kmo_label", "zh")
'KMO 评价'
>>> format_value(4.11e-37, "bartlett_p")
'< 0.001'
>>> format_value(13470.0, "n")
'13,470'
>>> format_value(0.81234, "alpha")
'0.812'
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from dgpe.yamlsafe import safe_load

__all__ = ["KINDS", "column_label", "column_kind", "format_value", "display_frame", "labels", "readable_value", "yes_no"]

KINDS = ("p", "int", "share", "score", "stat", "text")


@functools.cache
def labels() -> dict[str, dict[str, str]]:
    """The column catalogue: ``{column: {"zh": …, "en": …, "kind": …}}``."""
    text = resources.files("dgpe.catalogue").joinpath("columns", "labels.yaml").read_text(encoding="utf-8")
    raw = safe_load(text) or {}  # duplicated keys refused
    return {str(k): {kk: str(vv) for kk, vv in v.items()} for k, v in raw.items()}


@functools.cache
def _registry_labels(lang: str) -> dict[str, str]:
    from methods.registry import FAMILIES, registry

    out: dict[str, str] = {}
    for family in FAMILIES:
        out.update(registry(family).labels(lang))
    return out


def column_label(column: Any, lang: str, names: Mapping[str, str] | None = None) -> str:
    """The header of ``column`` in ``lang``: the column catalogue, the registries' labels (scheme
    and method ids), ``names`` (e.g. the framework's node names), else the column itself."""
    key = str(column)
    entry = labels().get(key)
    if entry is not None:
        return entry.get(lang) or entry.get("en") or key
    reg = _registry_labels(lang)
    if key in reg:
        return reg[key]
    if names is not None and key in names:
        return str(names[key])
    return key


_P_NAME = re.compile(r"^(p|pvalue|p_value)$|_p$|^p_(?!top|bottom)")
_INT_NAME = re.compile(r"^(n|rank|df|dof|npar|ntotal|year|level|round)$|^n_|_rank$|^rank_|_n$|^number")
_SHARE_NAME = re.compile(r"^share|_share$|^pct_|^p_(top|bottom)")


def column_kind(column: Any) -> str:
    """The kind of number a column holds (:data:`KINDS`), from the catalogue or its name; '' when
    neither says (the values decide)."""
    key = str(column)
    entry = labels().get(key)
    if entry is not None and entry.get("kind") in KINDS:
        return entry["kind"]
    if _P_NAME.search(key):
        return "p"
    if _INT_NAME.search(key):
        return "int"
    if _SHARE_NAME.search(key):
        return "share"
    return ""


def format_value(value: Any, column: Any = None, kind: str | None = None) -> str:
    """``value`` as the report writes it in column ``column`` (or of ``kind``); '' for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return str(value)
    kind = kind or column_kind(column)
    if not isinstance(value, int | float) or kind == "text":
        try:
            if pd.isna(value):
                return ""
        except (TypeError, ValueError):
            pass
        return str(value)
    v = float(value)
    if not math.isfinite(v):
        return "∞" if v > 0 else ("−∞" if v < 0 else "")
    if kind == "p":
        return "< 0.001" if v < 0.001 else f"{v:.3f}"
    if kind == "int" or (not kind and v.is_integer() and abs(v) < 1e15):
        return f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}"
    if kind == "share":
        return f"{v:.3f}"
    if kind == "score":
        return f"{v:,.2f}"
    if kind == "stat":
        return f"{v:.3f}"
    return _significant(v)


def _significant(v: float) -> str:
    """3 decimals for ordinary magnitudes, fewer for large numbers, more for small ones."""
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.1f}"
    if a >= 0.01 or a == 0:
        return f"{v:.3f}"
    return f"{v:.2e}"


def _column_kind_of_values(values: pd.Series, column: Any) -> str | None:
    """The kind of a column the catalogue and its name say nothing about, from all its values: a
    column of fractions writes its whole numbers with decimals too (a correlation matrix's diagonal
    as ``1.000``, not ``1``). None: decide value by value."""
    if column_kind(column) or not pd.api.types.is_float_dtype(values):
        return None
    finite = values[np.isfinite(values.to_numpy(dtype=float))]
    if len(finite) and not all(float(v).is_integer() for v in finite):
        return "real"  # not a kind of KINDS: format_value writes it with 3 significant decimals
    return None


#: Method and scheme ids (``jrc_arithmetic``, ``entropy``, ``decreasing``) that a text cell may hold.
_ID = re.compile(r"[a-z][a-z0-9_]*")
#: Columns that hold the data's own identifiers (units, indicators, items): their cells are names
#: from the user's files and are never relabelled, whatever they look like (an item called ``p``).
IDENTIFIER_COLUMNS = frozenset({"unit_id", "unit", "unit_name", "indicator", "item", "code", "node", "scale",
                                "var1", "var2", "variable", "parent", "child", "expert", "name"})


def yes_no(value: bool, lang: str) -> str:
    """A yes/no result in words: 是/否 in Chinese, yes/no in English.

    >>> yes_no(True, "zh"), yes_no(False, "en")
    ('是', 'no')
    """
    return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")


def readable_value(value: Any, lang: str) -> Any:
    """A cell as readers see it: a boolean (Python or numpy) in words (:func:`yes_no`), a method,
    scheme or category id by its catalogue label (:func:`column_label`); anything else unchanged.

    >>> readable_value(True, "zh"), readable_value("decreasing", "en"), readable_value("P1-001", "zh")
    ('是', 'Decreasing', 'P1-001')
    """
    if isinstance(value, bool | np.bool_):
        return yes_no(bool(value), lang)
    if isinstance(value, str) and _ID.fullmatch(value):
        return column_label(value, lang)
    return value


def display_frame(frame: pd.DataFrame, lang: str, *, names: Mapping[str, str] | None = None,
                  index: bool = True, kinds: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A copy of ``frame`` for readers: every value formatted as text by its column's kind and the
    headers (and a named index, kept as the first column when ``index``) labelled in ``lang``;
    yes/no results and method ids in words (:func:`readable_value`), except in the columns of the
    data's own identifiers (:data:`IDENTIFIER_COLUMNS`) and for the codes ``names`` lists.
    ``kinds`` gives the kind of columns the catalogue does not know (e.g. dimension scores).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"kmo": [0.8123], "bartlett_p": [0.0]}, index=pd.Index(["survey"], name="set"))
    >>> display_frame(df, "en").to_dict("records")
    [{'Set': 'survey', 'KMO': '0.812', 'Bartlett p': '< 0.001'}]
    """
    df = frame.copy()
    if index:
        df = df.reset_index() if (df.index.name is not None or isinstance(df.index, pd.MultiIndex)
                                  or not isinstance(df.index, pd.RangeIndex)) else df
    kinds = kinds or {}

    def cell(v: Any, c: Any) -> Any:
        if str(c) in IDENTIFIER_COLUMNS or (names is not None and isinstance(v, str) and v in names):
            return v  # the data's own names (unit ids, indicator codes, items) stay as written
        return readable_value(v, lang)

    out = pd.DataFrame({i: [format_value(cell(v, c), c,
                                         kind=kinds.get(str(c)) or _column_kind_of_values(df.iloc[:, i], c))
                            for v in df.iloc[:, i].tolist()]
                        for i, c in enumerate(df.columns)}, index=range(len(df)))
    out.columns = [column_label(c, lang, names) for c in df.columns]
    return out
