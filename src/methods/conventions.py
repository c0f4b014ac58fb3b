"""Conventions: the project's defaults (``"dgpe"``) or SPSSAU's documented defaults (``"spssau"``).

A Chinese user who checks a result against SPSSAU (在线 SPSS) gets different numbers unless the
preprocessing matches. Four evaluation methods take ``convention=``; each switches only what
SPSSAU's help pages document as its default:

=============================  ==============================  ================================
method                         ``"dgpe"`` (default)            ``"spssau"``
=============================  ==============================  ================================
grey relational analysis       均值化 (divide by the mean)     no scaling (data used as given)
grey relational evaluation     oriented min–max to [0, 1]      no scaling (data used as given)
coupling coordination          scores must lie in [0, 1]       each column rescaled to
                                                               [0.01, 0.99] (数据区间化)
entropy weights                values must be ≥ 0              a column with a value ≤ 0 is
                                                               shifted by |min| + 0.01 (非负平移)
entropy-weighted TOPSIS        min–max, then vector norm.      shift, entropy weights, data × w,
                                                               TOPSIS on that (no normalisation)
TOPSIS                         vector normalisation            no normalisation
=============================  ==============================  ================================

Sources (SPSSAU help, retrieved 2026-11): ``spssau.net/helps/grey.html`` ("By default, no
dimensionalization is applied"), ``coupling.html`` ("Data Intervalization: selected by default.
Each column's data will be scaled within the range of 0.01 to 0.99", the interval
``a + (b − a)(X − min)/(max − min)``), ``entropy.html`` ("if any column contains values ≤ 0, a
shift of the absolute value of the minimum plus 0.01 is applied"), ``entropy_topsis.html`` (shift,
entropy weights, weighted data, TOPSIS on the weighted data) and ``topsis.html`` ("SPSSAU does
not include this step [dimensionalization] in the TOPSIS algorithm"). See ``docs/methods-cn.md``.
"""

from __future__ import annotations

from typing import Literal, TypeVar

import numpy as np
import pandas as pd

from methods._errors import MethodError

T = TypeVar("T")

__all__ = ["CONVENTIONS", "Convention", "check_convention", "convention_default", "spssau_interval", "spssau_shift"]

Convention = Literal["dgpe", "spssau"]
#: The conventions, the project's first (the default everywhere).
CONVENTIONS: tuple[str, ...] = ("dgpe", "spssau")


def convention_default(convention: object, value: T | None, dgpe: T, spssau: T, where: str = "convention") -> T:
    """``value`` when given, else the ``convention``'s default (``dgpe`` or ``spssau``); the
    convention is checked either way (:func:`check_convention`).

    >>> convention_default("spssau", None, "mean", "none"), convention_default("dgpe", "none", "mean", "none")
    ('none', 'none')
    """
    checked = check_convention(convention, where)
    if value is not None:
        return value
    return dgpe if checked == "dgpe" else spssau


def check_convention(convention: object, where: str = "convention") -> str:
    """``convention`` if it is one of :data:`CONVENTIONS`, else a MethodError naming ``where``.

    >>> check_convention("spssau")
    'spssau'
    """
    if convention not in CONVENTIONS:
        raise MethodError(f"{where}: {convention!r}; expected one of {', '.join(CONVENTIONS)}")
    return str(convention)


def spssau_shift(x: pd.DataFrame, *, offset: float = 0.01) -> pd.DataFrame:
    r"""SPSSAU's non-negative shift (非负平移) of the entropy method.

    Each column :math:`j` that has a value :math:`\le 0` becomes
    :math:`x_{ij} + |\min_i x_{ij}| + 0.01`; columns whose values are all positive are unchanged
    (SPSSAU ``entropy.html``, step 2). Missing values stay missing.

    >>> spssau_shift(pd.DataFrame({"a": [0.0, 1.0], "b": [-2.0, 3.0], "c": [1.0, 2.0]}))
          a     b    c
    0  0.01  0.01  1.0
    1  1.01  5.01  2.0
    """
    out = x.astype(float).copy()
    lo = out.min()
    shift = [c for c in out.columns if lo[c] <= 0]
    for c in shift:
        out[c] = out[c] + abs(float(lo[c])) + offset
    return out


def spssau_interval(
    x: pd.DataFrame, *, low: float = 0.01, high: float = 0.99, name: str = "x"
) -> pd.DataFrame:
    r"""SPSSAU's data intervalization (区间化) of the coupling coordination model.

    :math:`a + (b-a)\,(x_{ij} - \min_i x_{ij})/(\max_i x_{ij} - \min_i x_{ij})` with
    :math:`a = 0.01`, :math:`b = 0.99`, column by column (SPSSAU ``coupling.html``). A constant
    column cannot be rescaled and raises a MethodError naming it.

    >>> spssau_interval(pd.DataFrame({"a": [0.0, 5.0, 10.0]}))["a"].round(2).tolist()
    [0.01, 0.5, 0.99]
    """
    vals = x.astype(float)
    rng = vals.max() - vals.min()
    const = [c for c in vals.columns if not np.isfinite(rng[c]) or rng[c] == 0]
    if const:
        raise MethodError(
            f"{name}: column(s) {const} are constant and cannot be rescaled to "
            f"[{low}, {high}] (SPSSAU's 区间化)"
        )
    return low + (high - low) * (vals - vals.min()) / rng
