"""Input checks shared by the methods (private).

* :func:`numeric_frame`, :func:`directions_series`, :func:`rank_desc` — the index pipeline;
* :func:`complete_frame`, :func:`direction_vector`, :func:`weight_vector` — the evaluation methods
  that need complete data (grey, fuzzy, RSR, coupling, fuzzy AHP, precedence-chart weights...);
* :func:`as_item_frame` — respondents x items for reliability and factor analysis.

Every check raises :class:`~methods.MethodError` / :class:`~methods.MethodTypeError` naming the
offending cell, indicator, item or unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from methods._errors import MethodError, MethodTypeError

__all__ = [
    "as_item_frame",
    "complete_frame",
    "direction_vector",
    "directions_series",
    "label_repr",
    "numeric_frame",
    "rank_desc",
    "weight_vector",
]


def label_repr(value: object) -> str:
    """repr of an index label for an error message, numpy scalars as plain Python values.

    >>> import numpy as np
    >>> label_repr(np.int64(2022)), label_repr("A1")
    ('2022', "'A1'")
    """
    item = getattr(value, "item", None)
    return repr(item() if callable(item) else value)


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
    numeric = [pd.api.types.is_bool_dtype(t) or pd.api.types.is_numeric_dtype(t)
               for t in x.dtypes]
    if all(numeric) and x.columns.is_unique:
        res = x.astype(float)  # one conversion, not one per column
        res.columns = pd.Index(list(x.columns))
        return _no_inf(res, name)
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
    return _no_inf(pd.DataFrame(out, index=x.index), name)


def _no_inf(res: pd.DataFrame, name: str) -> pd.DataFrame:
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


def complete_frame(
    x: pd.DataFrame | np.ndarray, *, name: str = "x", min_rows: int = 2, min_cols: int = 1
) -> pd.DataFrame:
    """A float copy of ``x`` with no missing, non-numeric or infinite cell.

    The methods of this family have no missing-data policy of their own: impute first
    (``methods.index.prepare.impute``). The first offending cell is named (row, column).
    """
    if isinstance(x, np.ndarray):
        if x.ndim != 2:
            raise MethodError(f"{name} must be two-dimensional, got an array of shape {x.shape}")
        x = pd.DataFrame(x)
    if not isinstance(x, pd.DataFrame):
        raise MethodTypeError(f"{name} must be a pandas DataFrame, got {type(x).__name__}")
    if x.shape[0] < min_rows:
        raise MethodError(f"{name} needs at least {min_rows} rows (units), got {x.shape[0]}")
    if x.shape[1] < min_cols:
        raise MethodError(f"{name} needs at least {min_cols} columns, got {x.shape[1]}")
    if x.columns.duplicated().any():
        dup = list(x.columns[x.columns.duplicated()])
        raise MethodError(f"{name} has duplicated column(s) {dup}")
    out = numeric_frame(x, name=name)
    missing = out.isna().to_numpy()
    if missing.any():
        r, c = np.argwhere(missing.T)[0][::-1]
        raise MethodError(
            f"{name} has a missing value in column {out.columns[c]!r}, row {out.index[r]!r}; this "
            "method needs complete data (impute first, e.g. methods.index.prepare.impute)"
        )
    return out


def direction_vector(
    directions: Mapping[str, float] | pd.Series | pd.DataFrame | Sequence[float] | None,
    columns: Sequence[object],
) -> np.ndarray:
    """Directions (+1 = higher is better, -1 = lower is better) aligned with ``columns``.

    ``directions`` may be None (all +1), a mapping or Series indexed by column, a meta frame with
    ``code`` and ``direction`` columns (all three handled by :func:`methods._checks.directions_series`),
    or a sequence in column order.
    """
    cols = list(columns)
    if directions is None or isinstance(directions, Mapping | pd.Series | pd.DataFrame):
        return directions_series(directions, [str(c) for c in cols]).to_numpy()
    vals = list(directions)
    if len(vals) != len(cols):
        raise MethodError(f"directions has {len(vals)} entries for {len(cols)} indicators {cols}")
    return directions_series(dict(zip(map(str, cols), vals, strict=True)), [str(c) for c in cols]).to_numpy()


def weight_vector(
    weights: Mapping[str, float] | pd.Series | Sequence[float] | None,
    columns: Sequence[object],
    *,
    name: str = "weights",
    rescale: bool = True,
) -> np.ndarray:
    """Non-negative weights aligned with ``columns``, rescaled to sum to 1 (None = equal).

    ``rescale=False`` returns them as given (still checked), e.g. a fuzzy set of factor
    importances for Zadeh's max–min composition.
    """
    cols = list(columns)
    if weights is None:
        return np.full(len(cols), 1.0 / len(cols))
    if isinstance(weights, Mapping):
        weights = pd.Series(weights)
    if isinstance(weights, pd.Series):
        missing = [c for c in cols if c not in weights.index]
        if missing:
            raise MethodError(f"{name} lacks an entry for {missing}")
        extra = [c for c in weights.index if c not in cols]
        if extra:
            raise MethodError(f"{name} has entries {extra} that match no column of the data")
        vals = [weights[c] for c in cols]
    else:
        vals = list(np.asarray(weights, dtype=object).ravel())
        if len(vals) != len(cols):
            raise MethodError(f"{name} has {len(vals)} entries for {len(cols)} columns {cols}")
    w = np.empty(len(cols))
    for i, (c, v) in enumerate(zip(cols, vals, strict=True)):
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise MethodError(f"{name} for {c!r} is {v!r}; expected a number") from None
        if not np.isfinite(f) or f < 0:
            raise MethodError(f"{name} for {c!r} is {v!r}; expected a finite number >= 0")
        w[i] = f
    total = w.sum()
    if total <= 0:
        raise MethodError(f"{name} sum to 0; at least one must be positive")
    return w / total if rescale else w


def as_item_frame(
    data: pd.DataFrame | np.ndarray,
    *,
    what: str = "items",
    min_items: int = 2,
    min_obs: int = 3,
    allow_constant: bool = False,
) -> pd.DataFrame:
    """Return ``data`` as a float DataFrame of respondents x items, or raise naming the problem.

    Accepts a DataFrame (numeric columns) or a 2-D array (columns named ``item1``, ``item2``, ...).
    Infinite values are errors; NaN is missing. Rows where every item is missing are dropped.
    """
    if isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise MethodTypeError(f"{what}: expected a 2-D array (rows x {what}), got {data.ndim}-D")
        data = pd.DataFrame(data, columns=[f"item{j + 1}" for j in range(data.shape[1])])
    if not isinstance(data, pd.DataFrame):
        raise MethodTypeError(
            f"{what}: expected a pandas DataFrame or a 2-D numpy array, got {type(data).__name__}"
        )
    if data.columns.duplicated().any():
        dup = [str(c) for c in data.columns[data.columns.duplicated()]]
        raise MethodError(f"{what}: duplicated column names {dup}")
    bad = [str(c) for c in data.columns if not pd.api.types.is_numeric_dtype(data[c].dtype)]
    if bad:
        raise MethodTypeError(
            f"{what}: columns {bad} are not numeric (expected numbers; NaN for missing)"
        )
    all_int = all(pd.api.types.is_integer_dtype(t) or pd.api.types.is_bool_dtype(t)
                  for t in data.dtypes)
    values = data.to_numpy(dtype=np.float64)   # one copy (none for a float frame)
    frame_cols = [str(c) for c in data.columns]
    if values.shape[1] < min_items:
        raise MethodError(
            f"{what}: needs at least {min_items} columns, got {values.shape[1]} ({frame_cols})"
        )
    has_missing = False
    if not all_int:  # integer columns cannot hold NaN or inf
        if np.isinf(values).any():
            cols = [c for c, flag in zip(frame_cols, np.isinf(values).any(axis=0), strict=True)
                    if flag]
            raise MethodError(f"{what}: columns {cols} contain infinite values")
        missing = np.isnan(values)
        has_missing = bool(missing.any())
        if has_missing:
            empty_cols = [c for c, flag in zip(frame_cols, missing.all(axis=0), strict=True)
                          if flag]
            if empty_cols:
                raise MethodError(f"{what}: columns {empty_cols} have no observed values")
            keep = ~missing.all(axis=1)
            if not keep.all():
                values = values[keep]
                data = data.loc[keep]
    frame = pd.DataFrame(values, index=data.index, columns=data.columns, copy=False)
    n_obs = values.shape[0]
    if n_obs < min_obs:
        raise MethodError(f"{what}: needs at least {min_obs} rows with data, got {n_obs}")
    if not allow_constant:
        if has_missing:
            with np.errstate(invalid="ignore"):
                lo, hi = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
            n_seen = (~np.isnan(values)).sum(axis=0)
        else:
            lo, hi = values.min(axis=0), values.max(axis=0)
            n_seen = np.full(values.shape[1], n_obs)
        const = [c for c, a, b, k in zip(frame_cols, lo, hi, n_seen, strict=True)
                 if a == b or k < 2]
        if const:
            raise MethodError(
                f"{what}: columns {const} are constant (zero variance); drop them before the "
                "analysis"
            )
    return frame
