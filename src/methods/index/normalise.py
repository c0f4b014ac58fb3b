"""Normalisation of indicators to a common scale, with their directions applied.

Every method first orients the data: an indicator with direction -1 is multiplied by -1 (as COINr
``Normalise()`` does), so that after normalisation higher is always better. ``goalposts`` and
``distance_target`` take their anchors in the indicator's own units and handle the direction in the
formula.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from methods._checks import directions_series, numeric_frame
from methods._errors import MethodError
from methods.index.normalisation_kernels import NORMALISATION, Columns
from methods.summary import Result, Summary

__all__ = [
    "NORMALISATION",
    "NORMALISE_METHODS",
    "NormalisationResult",
    "goalposts_from_data",
    "normalise",
    "normalise_array",
]

#: Names of the normalisation methods: a live view of :data:`NORMALISATION` (the registry).
NORMALISE_METHODS = NORMALISATION.view()


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


def _one(
    a: np.ndarray, c: str, d: float, method: str, opts: Mapping[str, object], index: pd.Index
) -> tuple[np.ndarray, dict[str, float]]:
    """One indicator by the registry's kernel (the formulas of :func:`normalise_array`)."""
    x = a * d
    if not (~np.isnan(x)).any():
        raise MethodError(f"normalise: indicator {c!r} has no observed value")
    kernel = NORMALISATION.get(method, field=f"normalise: indicator {c!r}").function
    cols = Columns(a[:, None], np.array([d], dtype=float), [c], index)
    y, info = kernel(x[:, None], cols, opts)  # type: ignore[misc]
    return y[:, 0], {k: v[0] for k, v in info.items()}


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
    if method not in NORMALISATION:
        raise MethodError(f"normalise: unknown method {method!r}; {NORMALISATION.known(method)}")
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
            if m not in NORMALISATION:
                raise MethodError(f"normalise: indicator {c!r} has unknown method {m!r}; "
                                  f"{NORMALISATION.known(m)}")
            opts.update(o)
        y, info = _one(vals[c].to_numpy(dtype=float), c, dirs[c], m, opts, vals.index)
        out[c] = y
        rows.append({"indicator": c, "method": m, "direction": int(dirs[c]), **info})
    params_df = pd.DataFrame(rows).set_index("indicator")
    return NormalisationResult(pd.DataFrame(out, index=vals.index), params_df, method, params)


def normalise_array(
    x: np.ndarray, directions: np.ndarray, method: str = "minmax", *,
    names: Sequence[str] | None = None, index: pd.Index | None = None, **params: object
) -> np.ndarray:
    """Column-wise normalisation of a float array by the same formulas as :func:`normalise`
    (the registry's kernels), without labels or per-indicator overrides, for repeated
    evaluation (uncertainty analysis). Missing values allowed.

    ``names`` (column names, default their positions) key per-indicator options such as
    ``targets`` or ``goalposts`` and name columns in errors; ``index`` gives the unit ids for
    ``distance_reference``.

    >>> normalise_array(np.array([[1.0, 5.0], [3.0, 1.0]]), np.array([1.0, -1.0]))
    array([[  0.,   0.],
           [100., 100.]])
    """
    raw = np.asarray(x, dtype=float)
    d = np.asarray(directions, dtype=float)
    kernel = NORMALISATION.get(method, field="normalise_array: method").function
    cols = Columns(raw, d, [str(c) for c in (names if names is not None else range(raw.shape[1]))],
                   index, where="normalise_array")
    y, _ = kernel(raw * d, cols, params)  # type: ignore[misc]
    return np.asarray(y)


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
