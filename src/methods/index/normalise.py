"""Normalisation of indicators to a common scale, with their directions applied.

Every method first orients the data: an indicator with direction -1 is multiplied by -1 (as COINr
``Normalise()`` does), so that after normalisation higher is always better. ``goalposts`` and
``distance_target`` take their anchors in the indicator's own units and handle the direction in the
formula.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from methods._checks import directions_series, numeric_frame
from methods._errors import MethodError
from methods.summary import Result, Summary

__all__ = [
    "NORMALISE_METHODS",
    "NormalisationResult",
    "goalposts_from_data",
    "normalise",
    "normalise_array",
]

NORMALISE_METHODS = (
    "minmax",
    "zscore",
    "rank",
    "percentile",
    "distance_max",
    "fraction_max",
    "distance_target",
    "distance_reference",
    "goalposts",
    "none",
)


@dataclass(frozen=True)
class NormalisationResult(Result):
    """Result of :func:`normalise`.

    Attributes
    ----------
    data : DataFrame
        Normalised, oriented values (higher is better).
    parameters : DataFrame
        Per indicator: ``method``, ``direction`` and the anchors used (``low``, ``high`` for
        min-max and goalposts, ``mean``, ``sd`` for z-scores, ``target``, ``reference``), so the
        same transformation can be applied to another year.
    """

    data: pd.DataFrame
    parameters: pd.DataFrame
    method: str
    options: Mapping[str, object] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The normalised, oriented values."""
        return self.data

    def summary(self) -> Summary:
        """Method and size in a line; the parameters per indicator."""
        line = (f"{self.method}: {self.data.shape[1]} indicators, {self.data.shape[0]} units"
                + (f"; options {dict(self.options)}" if self.options else ""))
        return Summary("Normalisation", [line], [self.parameters])


def _no_variance(c: str, method: str) -> MethodError:
    return MethodError(
        f"normalise(method={method!r}): indicator {c!r} has no variance (all values equal); "
        "it cannot be rescaled: drop it or use goalposts"
    )


def _one(
    a: np.ndarray, c: str, d: float, method: str, opts: Mapping[str, object], index: pd.Index
) -> tuple[np.ndarray, dict[str, float]]:
    x = a * d
    obs = ~np.isnan(x)
    if not obs.any():
        raise MethodError(f"normalise: indicator {c!r} has no observed value")
    info: dict[str, float] = {}
    if method == "none":
        return x, info
    if method in ("minmax", "distance_max"):
        lo_, hi_ = np.nanmin(x), np.nanmax(x)
        if hi_ == lo_:
            raise _no_variance(c, method)
        low, up = (0.0, 100.0) if method == "minmax" else (0.0, 1.0)
        if method == "minmax":
            rng = opts.get("range", (0.0, 100.0))
            low, up = float(rng[0]), float(rng[1])  # type: ignore[index]
            if not up > low:
                raise MethodError(f"normalise: range={rng!r}; expected (lower, upper), lower < upper")
        info = {"low": lo_ * d, "high": hi_ * d}
        return (x - lo_) / (hi_ - lo_) * (up - low) + low, info
    if method == "zscore":
        ms = opts.get("mean_sd", (0.0, 1.0))
        m, s = float(ms[0]), float(ms[1])  # type: ignore[index]
        if not s > 0:
            raise MethodError(f"normalise: mean_sd={ms!r}; the sd must be positive")
        mu = np.nanmean(x)
        sd = np.nanstd(x, ddof=1)
        if sd == 0 or np.isnan(sd):
            raise _no_variance(c, method)
        info = {"mean": mu * d, "sd": sd}
        return (x - mu) / sd * s + m, info
    if method in ("rank", "percentile"):
        ties = str(opts.get("ties", "min"))
        r = pd.Series(x).rank(method=ties, na_option="keep").to_numpy()  # type: ignore[arg-type]
        if method == "rank":
            return r, info
        n = int(obs.sum())
        if n < 2:
            raise MethodError(f"normalise: indicator {c!r} has fewer than 2 values")
        return (r - 1) / (n - 1), info
    if method == "fraction_max":
        mx = np.nanmax(x)
        if mx == 0:
            raise MethodError(f"normalise(method='fraction_max'): indicator {c!r} has max 0")
        return x / mx, info
    if method == "distance_target":
        targets = opts.get("targets")
        if not isinstance(targets, Mapping) or c not in targets:
            raise MethodError(
                f"normalise(method='distance_target') needs targets= with an entry for {c!r}"
            )
        t = float(targets[c]) * d
        mn = np.nanmin(x)
        if t == mn:
            raise MethodError(
                f"normalise: the target of {c!r} equals its worst value; the distance is undefined"
            )
        y = (x - mn) / (t - mn)
        if opts.get("cap", False):
            y = np.minimum(y, 1.0)
        info = {"target": t * d, "low": mn * d}
        return y, info
    if method == "distance_reference":
        ref = opts.get("reference")
        if ref not in index:
            raise MethodError(
                f"normalise(method='distance_reference'): reference unit {ref!r} not in the data"
            )
        xr = x[index.get_loc(ref)]
        mn = np.nanmin(x)
        if np.isnan(xr) or xr == mn:
            raise MethodError(
                f"normalise: reference unit {ref!r} is missing or worst on {c!r}; the distance "
                "is undefined"
            )
        y = 1 - (xr - x) / (xr - mn)
        if opts.get("cap", False):
            y = np.minimum(y, 1.0)
        info = {"reference": xr * d, "low": mn * d}
        return y, info
    if method == "goalposts":
        gp = opts.get("goalposts")
        if gp is None or c not in gp:  # type: ignore[operator]
            raise MethodError(
                f"normalise(method='goalposts') needs goalposts= with (low, high) for {c!r}"
            )
        low, high = (float(v) for v in gp[c])  # type: ignore[index]
        if not high > low:
            raise MethodError(
                f"normalise: goalposts of {c!r} are ({low}, {high}); expected low < high in the "
                "indicator's units"
            )
        raw = a
        y = (raw - low) / (high - low) if d > 0 else (high - raw) / (high - low)
        if opts.get("clip", True):
            y = np.clip(y, 0.0, 1.0)
        scale = float(opts.get("scale", 100.0))  # type: ignore[arg-type]
        info = {"low": low, "high": high}
        return y * scale, info
    raise MethodError(f"normalise: unknown method {method!r}; expected one of {NORMALISE_METHODS}")


def normalise(
    x: pd.DataFrame,
    method: str = "minmax",
    *,
    directions: Mapping[str, float] | pd.Series | pd.DataFrame | None = None,
    overrides: Mapping[str, Mapping[str, object]] | None = None,
    **params: object,
) -> NormalisationResult:
    r"""Bring indicators to a common, oriented scale.

    With :math:`x' = d_j x` (:math:`d_j = \pm 1` the direction):

    - ``minmax``: :math:`l + (u-l)(x'-\min x')/(\max x'-\min x')`, ``range=(l, u)``, default
      (0, 100);
    - ``zscore``: :math:`m + s(x'-\bar x')/\mathrm{sd}(x')` (sample sd), ``mean_sd=(m, s)``;
    - ``rank``: rank of :math:`x'` (1 = worst), ties ``ties="min"``;
    - ``percentile``: :math:`(\mathrm{rank}-1)/(n-1)`;
    - ``distance_max``: :math:`1-(\max x'-x')/(\max x'-\min x')`; ``fraction_max``: :math:`x'/\max x'`;
    - ``distance_target``: :math:`(x'-\min x')/(d_j t_j-\min x')`, ``targets={code: t}`` in the
      indicator's units, ``cap=True`` caps at 1;
    - ``distance_reference``: :math:`1-(x'_r-x')/(x'_r-\min x')`, ``reference=unit``;
    - ``goalposts``: fixed anchors in the indicator's units, ``goalposts={code: (low, high)}``:
      :math:`(x-\text{low})/(\text{high}-\text{low})` for positive and
      :math:`(\text{high}-x)/(\text{high}-\text{low})` for negative indicators, clipped to [0, 1]
      (``clip``) and times ``scale`` (100). Scores then compare across years (DESI);
    - ``none``: :math:`x'` only.

    Parameters
    ----------
    x : DataFrame
        Units x indicators.
    method : str
        One of :data:`NORMALISE_METHODS`.
    directions : mapping, Series or meta frame
        +1/-1 per indicator (default all +1).
    overrides : mapping
        Per-indicator method and options, e.g. ``{"D1.1": {"method": "rank"}}``.
    **params
        Options of the method (``range``, ``mean_sd``, ``ties``, ``targets``, ``cap``,
        ``reference``, ``goalposts``, ``clip``, ``scale``).

    Returns
    -------
    NormalisationResult

    Notes
    -----
    Missing values stay missing and are ignored in the statistics. An indicator without variance
    is an error for the methods that divide by a range or sd. Matches COINr 1.1.14 ``n_minmax``,
    ``n_zscore``, ``n_rank``, ``n_prank``, ``n_dist2max`` and ``n_fracmax`` (with directions) to
    1e-9 on the ASEM example (tests/test_normalise.py).

    References
    ----------
    1. OECD/JRC (2008). Handbook on Constructing Composite Indicators, §1.6, Table 3.
    2. European Commission (2022). DESI methodological note (fixed min-max goalposts).
    """
    method = {"target": "distance_target"}.get(method, method)  # DESIGN.md's short name
    if method not in NORMALISE_METHODS:
        raise MethodError(f"normalise: unknown method {method!r}; expected one of {NORMALISE_METHODS}")
    vals = numeric_frame(x, name="x")
    dirs = directions_series(directions, vals.columns)
    ov = dict(overrides or {})
    unknown = [k for k in ov if k not in vals.columns]
    if unknown:
        raise MethodError(f"normalise: overrides name unknown indicator(s) {unknown}")
    out = {}
    rows = []
    for c in vals.columns:
        m = method
        opts: dict[str, object] = dict(params)
        if c in ov:
            o = dict(ov[c])
            m = str(o.pop("method", method))
            if m not in NORMALISE_METHODS:
                raise MethodError(f"normalise: indicator {c!r} has unknown method {m!r}")
            opts.update(o)
        y, info = _one(vals[c].to_numpy(dtype=float), c, dirs[c], m, opts, vals.index)
        out[c] = y
        rows.append({"indicator": c, "method": m, "direction": int(dirs[c]), **info})
    params_df = pd.DataFrame(rows).set_index("indicator")
    return NormalisationResult(pd.DataFrame(out, index=vals.index), params_df, method, params)


def normalise_array(
    x: np.ndarray, directions: np.ndarray, method: str = "minmax", **params: object
) -> np.ndarray:
    """Fast column-wise ``minmax``/``zscore``/``rank``/``percentile`` on a float array.

    Same formulas as :func:`normalise` without labels or per-indicator options, for repeated
    evaluation (uncertainty analysis). Missing values allowed.
    """
    x = np.asarray(x, dtype=float) * np.asarray(directions, dtype=float)
    if method == "minmax":
        lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
        rng = params.get("range", (0.0, 100.0))
        low, up = float(rng[0]), float(rng[1])  # type: ignore[index]
        span = hi - lo
        if np.any(span == 0):
            raise MethodError(f"normalise_array: column(s) {np.flatnonzero(span == 0).tolist()} "
                              "have no variance")
        return (x - lo) / span * (up - low) + low
    if method == "zscore":
        ms = params.get("mean_sd", (0.0, 1.0))
        sd = np.nanstd(x, axis=0, ddof=1)
        if np.any(sd == 0):
            raise MethodError(f"normalise_array: column(s) {np.flatnonzero(sd == 0).tolist()} "
                              "have no variance")
        return (x - np.nanmean(x, axis=0)) / sd * float(ms[1]) + float(ms[0])  # type: ignore[index]
    if method in ("rank", "percentile"):
        r = pd.DataFrame(x).rank(method="min", na_option="keep").to_numpy()
        if method == "rank":
            return r
        n = np.sum(~np.isnan(x), axis=0)
        return (r - 1) / (n - 1)
    raise MethodError(f"normalise_array: method {method!r} not supported; use normalise()")


def goalposts_from_data(
    x: pd.DataFrame,
    *,
    quantiles: tuple[float, float] = (0.0, 1.0),
    margin: float = 0.0,
) -> dict[str, tuple[float, float]]:
    """Fixed goalposts (low, high) per indicator from a reference data set (e.g. a base year or all
    years of a panel): the given quantiles, widened by ``margin`` times the range on each side.

    Use the result as ``normalise(..., method="goalposts", goalposts=...)`` for every year so that
    scores compare across years.
    """
    vals = numeric_frame(x, name="x")
    out: dict[str, tuple[float, float]] = {}
    for c in vals.columns:
        lo, hi = vals[c].quantile(quantiles[0]), vals[c].quantile(quantiles[1])
        if pd.isna(lo) or hi == lo:
            raise MethodError(f"goalposts_from_data: indicator {c!r} has no range to anchor on")
        pad = margin * (hi - lo)
        out[c] = (float(lo - pad), float(hi + pad))
    return out
