"""Input checks shared by the evaluation methods of Chinese practice (private).

Used by :mod:`methods.grey`, :mod:`methods.fuzzy`, :mod:`methods.rsr`, :mod:`methods.fahp`,
:mod:`methods.coupling` and :mod:`methods.weights_cn`. Every check raises
:class:`~methods.MethodError` / :class:`~methods.MethodTypeError` naming the offending cell,
indicator or unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from methods._errors import MethodError, MethodTypeError
from methods._frames import directions_series

__all__ = ["complete_frame", "direction_vector", "weight_vector"]


def complete_frame(
    x: pd.DataFrame | np.ndarray, *, name: str = "x", min_rows: int = 2, min_cols: int = 1
) -> pd.DataFrame:
    """A float copy of ``x`` with no missing, non-numeric or infinite cell.

    The methods of this family have no missing-data policy of their own: impute first
    (``methods.prepare.impute``). The first offending cell is named (row, column).
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
    out: dict[object, pd.Series] = {}
    for c in x.columns:
        col = x[c]
        if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
            conv = col.astype(float)
        else:
            conv = pd.to_numeric(col, errors="coerce").astype(float)
            bad = conv.isna() & col.notna()
            if bad.any():
                row = bad[bad].index[0]
                raise MethodError(
                    f"{name} has a non-numeric value {col[row]!r} in column {c!r}, row {row!r}; "
                    "expected numbers"
                )
        if conv.isna().any():
            row = conv[conv.isna()].index[0]
            raise MethodError(
                f"{name} has a missing value in column {c!r}, row {row!r}; this method needs "
                "complete data (impute first, e.g. methods.prepare.impute)"
            )
        if np.isinf(conv.to_numpy()).any():
            row = conv[np.isinf(conv)].index[0]
            raise MethodError(f"{name} has an infinite value in column {c!r}, row {row!r}")
        out[c] = conv
    return pd.DataFrame(out, index=x.index)


def direction_vector(
    directions: Mapping[str, float] | pd.Series | pd.DataFrame | Sequence[float] | None,
    columns: Sequence[object],
) -> np.ndarray:
    """Directions (+1 = higher is better, -1 = lower is better) aligned with ``columns``.

    ``directions`` may be None (all +1), a mapping or Series indexed by column, a meta frame with
    ``code`` and ``direction`` columns (all three handled by :func:`methods._frames.directions_series`),
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
