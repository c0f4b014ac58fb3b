"""Shared input validation and one-pass moment computations for reliability and factor analysis.

Private module: public functions in :mod:`methods.psychometrics.reliability` and
:mod:`methods.psychometrics.factor` validate their input with :func:`methods._checks.as_item_frame`
(so every method names the offending item in the same words) and compute here the
pairwise-complete covariance and correlation matrices in a single pass over the data.

Pairwise-complete moments follow R's ``cov(x, use = "pairwise")`` and ``cor(x, use = "pairwise")``:
for every pair of items only the rows where both are observed are used, with that subset's means
(and, for the correlation, that subset's standard deviations). Note that psych::alpha uses
``cov2cor(cov(x, use = "pairwise"))`` (diagonal from all available values of each item), which
differs from ``cor(x, use = "pairwise")`` when data are missing; both are available here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from methods._errors import MethodError

__all__ = [
    "Moments",
    "check_positive_definite",
    "cov2cor",
    "moments",
    "reverse_items",
    "smc",
]

_MIN_PAIR = 3  # fewest rows two items must share for a pairwise covariance


def reverse_items(
    frame: pd.DataFrame,
    reverse: Sequence[str] | None,
    likert: tuple[float, float] | None,
    *,
    what: str = "items",
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Reverse-key the named columns as ``min + max - x``.

    ``likert=(min, max)`` gives the response range; without it the observed minimum and maximum over
    all columns are used (as psych::alpha does with ``keys``).
    """
    if not reverse:
        return frame, ()
    if isinstance(reverse, str):
        reverse = [reverse]
    unknown = [str(r) for r in reverse if r not in frame.columns]
    if unknown:
        raise MethodError(
            f"{what}: reverse-keyed items {unknown} are not among the columns "
            f"{[str(c) for c in frame.columns]}"
        )
    if likert is None:
        values = frame.to_numpy()
        lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    else:
        if len(likert) != 2 or not likert[0] < likert[1]:
            raise MethodError(f"{what}: likert must be (min, max) with min < max, got {likert!r}")
        lo, hi = float(likert[0]), float(likert[1])
        sub = frame[list(reverse)].to_numpy()
        outside = (sub < lo) | (sub > hi)
        if outside.any():
            cols = [str(c) for c, f in zip(reverse, outside.any(axis=0), strict=True) if f]
            raise MethodError(
                f"{what}: reverse-keyed items {cols} have values outside the likert range "
                f"[{lo:g}, {hi:g}]"
            )
    out = frame.copy()
    out[list(reverse)] = lo + hi - out[list(reverse)]
    return out, tuple(str(r) for r in reverse)


@dataclass(frozen=True)
class Moments:
    """Pairwise-complete moments of a data matrix (one pass).

    ``cov`` is R's ``cov(x, use = "pairwise")``; ``cor`` is ``cor(x, use = "pairwise")``;
    ``n_pair`` the number of rows each pair shares; ``mean``/``var`` per column over all its values;
    ``complete`` whether the data had no missing value.
    """

    names: tuple[str, ...]
    n_obs: int
    mean: np.ndarray
    var: np.ndarray
    cov: np.ndarray
    cor: np.ndarray
    n_pair: np.ndarray
    complete: bool


def moments(frame: pd.DataFrame, *, what: str = "items") -> Moments:
    """Pairwise-complete covariance and correlation of ``frame`` from one pass over the data.

    Without missing values this is one centred cross-product (BLAS); with missing values four
    cross-products of the zero-filled data and the observation mask give, for every pair, the count,
    sums and sums of squares of the shared rows.
    """
    x = frame.to_numpy(dtype=np.float64, copy=True)
    names = tuple(str(c) for c in frame.columns)
    n, p = x.shape
    mask = ~np.isnan(x)
    complete = bool(mask.all())
    if complete:
        mean = x.mean(axis=0)
        x -= mean
        cp = x.T @ x
        cov = cp / (n - 1)
        var = np.diag(cov).copy()
        cor = cov2cor(cov)
        n_pair = np.full((p, p), n, dtype=np.int64)
        return Moments(names, n, mean, var, cov, cor, n_pair, True)
    # centre by the available means first (better conditioning), zero-fill missing
    mean = np.nanmean(x, axis=0)
    x -= mean
    x[~mask] = 0.0
    m = mask.astype(np.float64)
    npair = m.T @ m                         # rows shared by i and j
    sx = x.T @ m                            # sx[i, j]: sum of x_i over rows where j observed
    sxy = x.T @ x                           # sum of x_i x_j over shared rows
    sxx = (x * x).T @ m                     # sxx[i, j]: sum of x_i^2 over rows shared with j
    small = npair < _MIN_PAIR
    if small.any():
        i, j = np.argwhere(small)[0]
        raise MethodError(
            f"{what}: items {names[i]!r} and {names[j]!r} are observed together in only "
            f"{int(npair[i, j])} rows (need at least {_MIN_PAIR} for a pairwise covariance)"
        )
    sy = sx.T                               # sum of x_j over rows where i observed
    cov = (sxy - sx * sy / npair) / (npair - 1)
    var_i = (sxx - sx * sx / npair) / (npair - 1)    # var of i over rows shared with j
    var_j = var_i.T
    with np.errstate(invalid="ignore", divide="ignore"):
        cor = cov / np.sqrt(var_i * var_j)
    var = np.diag(cov).copy()
    bad = ~np.isfinite(cor)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise MethodError(
            f"{what}: the correlation of {names[i]!r} and {names[j]!r} is undefined (one of them is "
            "constant on the rows they share)"
        )
    np.fill_diagonal(cor, 1.0)
    mean_all = mean + np.zeros(p)
    return Moments(names, n, mean_all, var, cov, cor, npair.astype(np.int64), False)


def cov2cor(cov: np.ndarray) -> np.ndarray:
    """Scale a covariance matrix to a correlation matrix (R's ``cov2cor``)."""
    d = 1.0 / np.sqrt(np.diag(cov))
    out = cov * d[:, None] * d[None, :]
    np.fill_diagonal(out, 1.0)
    return out


def check_positive_definite(r: np.ndarray, names: Sequence[str], *, what: str) -> None:
    """Raise :class:`MethodError` if ``r`` is not positive definite, naming the most collinear item."""
    try:
        np.linalg.cholesky(r)
    except np.linalg.LinAlgError:
        pass
    else:
        evals = np.linalg.eigvalsh(r)
        if evals[0] > 1e-10 * max(evals[-1], 1.0):
            return
    evals, vecs = np.linalg.eigh(r)
    worst = np.argsort(-np.abs(vecs[:, 0]))[:2]
    culprits = [str(names[k]) for k in worst]
    raise MethodError(
        f"{what}: the correlation matrix is singular or not positive definite (smallest eigenvalue "
        f"{evals[0]:.3g}); items {culprits} are (nearly) linearly dependent on others — drop "
        "redundant items or use complete cases"
    )


def smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlations ``1 - 1/diag(R^{-1})`` (psych::smc, pseudo-inverse, clipped to [0, 1])."""
    inv = np.linalg.pinv(r, hermitian=True)
    out = 1.0 - 1.0 / np.diag(inv)
    return np.clip(out, 0.0, 1.0)
