"""Input checks shared by the index-building modules (private)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from methods._errors import MethodError, MethodTypeError

__all__ = ["numeric_frame", "directions_series", "rank_desc"]


def numeric_frame(
    x: pd.DataFrame, *, name: str = "x", columns: Iterable[str] | None = None
) -> pd.DataFrame:
    """Return a float copy of ``x`` (or of its ``columns``), naming any non-numeric cell."""
    if isinstance(x, np.ndarray):
        x = pd.DataFrame(x)
    if not isinstance(x, pd.DataFrame):
        raise MethodTypeError(f"{name} must be a pandas DataFrame, got {type(x).__name__}")
    if columns is not None:
        cols = list(columns)
        missing = [c for c in cols if c not in x.columns]
        if missing:
            raise MethodError(f"{name} lacks indicator column(s) {missing}")
        x = x[cols]
    out = {}
    for c in x.columns:
        col = x[c]
        if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
            out[c] = col.astype(float)
            continue
        conv = pd.to_numeric(col, errors="coerce")
        bad = conv.isna() & col.notna()
        if bad.any():
            unit = bad[bad].index[0]
            raise MethodError(
                f"{name} has a non-numeric value {col[unit]!r} in column {c!r}, row {unit!r}; "
                "expected numbers"
            )
        out[c] = conv.astype(float)
    res = pd.DataFrame(out, index=x.index)
    inf = np.isinf(res.to_numpy())
    if inf.any():
        r, c = np.argwhere(inf)[0]
        raise MethodError(
            f"{name} has an infinite value in column {res.columns[c]!r}, row {res.index[r]!r}"
        )
    return res


def directions_series(
    directions: Mapping[str, float] | pd.Series | pd.DataFrame | None, columns: Iterable[str]
) -> pd.Series:
    """Directions (+1/-1) for ``columns``; a meta frame, a mapping, a Series or None (all +1)."""
    cols = list(columns)
    if directions is None:
        return pd.Series(1.0, index=cols)
    if isinstance(directions, pd.DataFrame):
        m = directions.rename(columns={c: c.lower() for c in directions.columns})
        code = "code" if "code" in m.columns else "icode"
        directions = pd.Series(m["direction"].to_numpy(), index=m[code].astype(str))
    d = pd.Series(directions, dtype=float) if not isinstance(directions, pd.Series) else directions
    out = {}
    for c in cols:
        if c not in d.index:
            raise MethodError(f"no direction given for indicator {c!r}; expected +1 or -1")
        v = d[c]
        if pd.isna(v) or float(v) not in (1.0, -1.0):
            shown = repr(v) if pd.isna(v) else f"{float(v):g}"
            raise MethodError(f"indicator {c!r} has direction {shown}; expected +1 or -1")
        out[c] = float(v)
    return pd.Series(out)


def rank_desc(scores: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    """Rank with 1 = highest score, ties share the lowest rank ("min"), NaN stays NaN."""
    return scores.rank(ascending=False, method="min", na_option="keep")
