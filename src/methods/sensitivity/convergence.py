r"""Was N enough? Monte Carlo error of the uncertainty analysis, and its estimates against N.

- :func:`proportion_interval`, :func:`quantile_interval`: percentile-bootstrap intervals (over the
  Monte Carlo samples) of a probability and of a sample quantile, computed exactly (the limit of
  infinitely many resamples) from counts, so they cost nothing at national scale;
- :func:`rank_statistic_intervals`: those intervals for every rank quantile, top/bottom-k and band
  probability an :class:`~methods.sensitivity.UncertaintyResult` reports (its ``mc_intervals``);
- :func:`outside_interval`: the units whose nominal rank lies outside their 5%-95% interval;
- :func:`convergence`: Sobol' indices and rank intervals recomputed on nested subsets of the
  samples (the first n base samples, n = N/32 ... N; no new evaluations), and the N from which
  they stay within a tolerance of the full-N values (:class:`Convergence`).

Exact bootstrap
---------------
Resampling n samples with replacement, the count of resampled values at most x is
:math:`\mathrm{Bin}(n, \hat F(x))`. Hence a resampled proportion is :math:`\mathrm{Bin}(n,
\hat p)/n`, and the k-th order statistic of a resample satisfies
:math:`P^*(X^*_{(k)} \le x) = P(\mathrm{Bin}(n, \hat F(x)) \ge k) = I_{\hat F(x)}(k, n-k+1)`, so
its :math:`\alpha` percentile is the smallest sample value x with :math:`\hat F(x) \ge
\mathrm{Beta}^{-1}(\alpha; k, n-k+1)` (Hutson & Ernst 2000). The type-7 quantile at p lies
between the order statistics :math:`k = \lfloor (n-1)p \rfloor + 1` and k + 1; its interval is
the lower percentile of the first and the upper percentile of the second (conservative by at
most one order statistic). The bootstrap treats the samples as independent: for a Saltelli
design's quasi-random A and B rows it overstates the error slightly. A probability estimated as
0 or 1 has a zero-width bootstrap interval: with n samples, the rule of three bounds it by 3/n.

References
----------
1. Efron, B. & Tibshirani, R. J. (1993). An Introduction to the Bootstrap, ch. 13. Chapman & Hall.
2. Hutson, A. D. & Ernst, M. D. (2000). The exact bootstrap mean and variance of an L-estimator.
   JRSS B 62(1), 89-94.
3. Saltelli, A. et al. (2008). Global Sensitivity Analysis: The Primer, sec. 4.6 (convergence).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from methods._errors import MethodError
from methods.sensitivity.sobol import sobol_indices
from methods.summary import Result, Summary

__all__ = ["Convergence", "convergence", "outside_interval", "proportion_interval",
           "quantile_interval", "rank_statistic_intervals"]


def _check_conf(conf_level: float) -> float:
    if not 0 < float(conf_level) < 1:
        raise MethodError(f"conf_level = {conf_level!r}; expected in (0, 1)")
    return float(conf_level)


def proportion_interval(count: np.ndarray | float, n: np.ndarray | float,
                        conf_level: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact percentile-bootstrap interval of a proportion :math:`\hat p = c / n`.

    A resample's proportion is :math:`\mathrm{Bin}(n, \hat p) / n`; the interval is its
    :math:`(1 \mp \text{conf})/2` quantiles. NaN where n = 0.

    Examples
    --------
    >>> lo, hi = proportion_interval(300, 1000, 0.9)
    >>> float(lo), float(hi)
    (0.276, 0.324)
    """
    conf = _check_conf(conf_level)
    c, m = np.asarray(count, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(m > 0, c / np.where(m > 0, m, 1), np.nan)
        nn = np.where(m > 0, m, 1)
        lo = stats.binom.ppf((1 - conf) / 2, nn, np.nan_to_num(p)) / nn
        hi = stats.binom.ppf((1 + conf) / 2, nn, np.nan_to_num(p)) / nn
    bad = ~(m > 0)
    return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)


def quantile_interval(counts: np.ndarray, prob: float,
                      conf_level: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact percentile-bootstrap interval of the type-7 sample quantile at ``prob`` of values
    1, 2, ..., m given as counts (rows: one distribution each, e.g. a unit's rank histogram).

    Parameters
    ----------
    counts : array (units, m)
        ``counts[u, r-1]``: how many samples have value r.
    prob : float
        The quantile (0.05 for the 5% rank).

    Returns
    -------
    (low, high) : arrays (units,)
        Values (ranks) bounding the quantile's bootstrap distribution (module docstring). NaN for
        a row without samples.

    Examples
    --------
    >>> h = np.array([[10, 60, 20, 10]])  # ranks 1-4
    >>> quantile_interval(h, 0.5, 0.9)
    (array([2.]), array([2.]))
    """
    conf = _check_conf(conf_level)
    h = np.atleast_2d(np.asarray(counts, dtype=float))
    cum = np.cumsum(h, axis=1)
    n = cum[:, -1]
    lo = np.full(h.shape[0], np.nan)
    hi = np.full(h.shape[0], np.nan)
    for i in np.flatnonzero(n > 0):
        ni = int(n[i])
        pos = (ni - 1) * float(prob)
        k_lo = int(np.floor(pos)) + 1
        k_hi = min(k_lo + (pos > np.floor(pos)), ni)
        f_lo = stats.beta.ppf((1 - conf) / 2, k_lo, ni - k_lo + 1)
        f_hi = stats.beta.ppf((1 + conf) / 2, k_hi, ni - k_hi + 1)
        # smallest value whose empirical cdf reaches the threshold (cum counts are exact integers)
        lo[i] = np.searchsorted(cum[i], f_lo * ni - 1e-9 * ni, side="left") + 1
        hi[i] = np.searchsorted(cum[i], f_hi * ni - 1e-9 * ni, side="left") + 1
    return lo, hi


def rank_statistic_intervals(
    hist: np.ndarray, units: Sequence[Any], *, top_k: int, conf_level: float = 0.9,
    probs: Mapping[str, float] | None = None,
    band_counts: np.ndarray | None = None, band_n: int = 0, band_names: Sequence[str] = (),
) -> pd.DataFrame:
    """Bootstrap intervals of every reported rank statistic, from the rank histograms.

    Parameters
    ----------
    hist : array (units, units)
        ``hist[u, r-1]``: samples in which unit u has rank r.
    units : sequence
        Unit ids in the rows' order.
    top_k : int
        For ``p_top_k`` (rank <= k) and ``p_bottom_k`` (rank > units - k).
    probs : mapping
        Quantiles reported, name -> probability (default ``median`` 0.5, ``q05``, ``q95``).
    band_counts, band_n, band_names
        Grade-band counts (units x bands, lowest band first) over ``band_n`` samples.

    Returns
    -------
    DataFrame
        Long: ``unit``, ``statistic``, ``estimate``, ``low``, ``high``, ``half_width``
        (``(high - low) / 2``), ``n_samples``.
    """
    h = np.asarray(hist, dtype=float)
    u = h.shape[0]
    n = h.sum(axis=1)
    probs = dict(probs or {"median": 0.5, "q05": 0.05, "q95": 0.95})
    rows: list[pd.DataFrame] = []

    def add(name: str, est: np.ndarray, lo: np.ndarray, hi: np.ndarray, m: np.ndarray) -> None:
        rows.append(pd.DataFrame({"unit": list(units), "statistic": name, "estimate": est,
                                  "low": lo, "high": hi, "half_width": (hi - lo) / 2,
                                  "n_samples": m}))

    cum = np.cumsum(h, axis=1)
    for name, p in probs.items():
        lo, hi = quantile_interval(h, p, conf_level)
        add(name, _type7(cum, n, p), lo, hi, n)
    k = max(0, min(int(top_k), u))
    for name, c in (("p_top_k", h[:, :k].sum(axis=1)), ("p_bottom_k", h[:, u - k:].sum(axis=1))):
        lo, hi = proportion_interval(c, n, conf_level)
        with np.errstate(invalid="ignore", divide="ignore"):
            add(name, c / n, lo, hi, n)
    if band_counts is not None and band_n:
        bc = np.asarray(band_counts, dtype=float)
        for j, name in enumerate(band_names):
            lo, hi = proportion_interval(bc[:, j], band_n, conf_level)
            add(f"band {name}", bc[:, j] / band_n, lo, hi, np.full(u, band_n))
    return pd.concat(rows, ignore_index=True)


def _type7(cum: np.ndarray, n: np.ndarray, p: float) -> np.ndarray:
    """Type-7 quantile of values 1..m from cumulative counts (as UAAccumulator.quantiles)."""
    out = np.full(cum.shape[0], np.nan)
    for i in np.flatnonzero(n > 0):
        pos = (int(n[i]) - 1) * p
        lo = int(np.floor(pos))
        hi = min(lo + 1, int(n[i]) - 1)
        vlo = np.searchsorted(cum[i], lo, side="right") + 1
        vhi = np.searchsorted(cum[i], hi, side="right") + 1
        out[i] = vlo + (pos - lo) * (vhi - vlo)
    return out


def outside_interval(units: pd.DataFrame) -> pd.DataFrame:
    """The units whose nominal rank lies outside their 5%-95% rank interval (``units`` of an
    :class:`~methods.sensitivity.UncertaintyResult`): the published build is itself an outlier
    among the plausible builds for them. Columns ``nominal_rank``, ``q05``, ``median``, ``q95``,
    ``side`` (``better`` when the nominal rank is better than q05, else ``worse``) and
    ``distance`` (ranks from the nearer end of the interval)."""
    need = {"nominal_rank", "q05", "q95", "median"}
    if not need <= set(units.columns):
        raise MethodError(f"outside_interval: columns {sorted(need - set(units.columns))} missing")
    nom, lo, hi = units["nominal_rank"], units["q05"], units["q95"]
    out = units.loc[(nom < lo) | (nom > hi), ["nominal_rank", "q05", "median", "q95"]].copy()
    out["side"] = np.where(out["nominal_rank"] < out["q05"], "better", "worse")
    out["distance"] = np.where(out["side"] == "better", out["q05"] - out["nominal_rank"],
                               out["nominal_rank"] - out["q95"])
    return out


# ------------------------------------------------------------------------------- convergence


@dataclass(frozen=True)
class Convergence(Result):
    """Estimates of an uncertainty analysis on nested subsets of its samples (:func:`convergence`).

    Attributes
    ----------
    sobol : DataFrame or None
        Long: ``n`` (base samples), ``input``, ``first``, ``first_low``, ``first_high``,
        ``total``, ``total_low``, ``total_high`` (design ``saltelli`` only).
    ranks : DataFrame or None
        Per ``n``: ``samples`` (rank samples used), ``mean_width`` and ``median_width`` of the
        5%-95% intervals, ``mean_change`` (mean over units and both ends of the change against
        the full sample), ``max_change`` (when the samples were kept).
    stable_n : dict
        ``sobol`` and ``ranks``: the smallest n from which every later estimate stays within the
        tolerance of the full-N value (NaN without that part).
    n : int
        The full base sample size N.
    tol_index, tol_rank : float
        The tolerances: absolute, on Sobol' indices; in ranks, on ``mean_change``.
    max_half_width : float
        The largest bootstrap half-width of a total-order index at N.
    enough : bool
        True when both parts were stable by N/2 and no total-order index has a half-width above
        ``tol_index``.
    """

    sobol: pd.DataFrame | None
    ranks: pd.DataFrame | None
    stable_n: dict[str, float]
    n: int
    tol_index: float
    tol_rank: float
    max_half_width: float
    enough: bool

    def to_frame(self) -> pd.DataFrame:
        """The rank-interval table (or the Sobol' table for an analysis without kept ranks)."""
        return self.ranks if self.ranks is not None else self.sobol

    def summary(self) -> Summary:
        """The stable N of each part and the verdict."""
        lines = [f"N = {self.n}; Sobol' indices stable (within {self.tol_index:g}) from n = "
                 f"{self.stable_n.get('sobol')}, rank intervals (within {self.tol_rank:g} rank) "
                 f"from n = {self.stable_n.get('ranks')}",
                 "N looks enough" if self.enough else "N looks too small"]
        return Summary("Convergence", lines, [t for t in (self.sobol, self.ranks) if t is not None])


def nested_sizes(n: int, smallest: int = 16) -> list[int]:
    """Nested base sample sizes N/32, N/16, ..., N/2, 3N/4, N (those >= ``smallest``)."""
    fr = (1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 3 / 4, 1)
    return sorted({int(n * f) for f in fr if int(n * f) >= min(smallest, n)} | {int(n)})


def _stable_from(sizes: Sequence[int], change: Sequence[float], tol: float) -> float:
    """The smallest size from which every change stays within ``tol``."""
    ok = np.asarray(change, dtype=float) <= tol
    if not ok[-1]:
        return float("nan")
    first = len(ok) - 1
    while first > 0 and ok[first - 1]:
        first -= 1
    return float(sizes[first])


def _sobol_path(result: Any, sizes: Sequence[int]) -> pd.DataFrame:
    names = list(result.sobol.index)
    g = len(names)
    y = np.asarray(result.design_target, dtype=float)
    problem = {"num_vars": g, "names": names}
    frames = []
    for m in sizes:
        f = sobol_indices(y[: m * (g + 2)], problem, n_boot=result.n_boot,
                          conf_level=result.conf_level, seed=result.seeds[1])
        f = f.drop(columns=[c for c in f.columns if c.endswith("_conf")]).reset_index()
        f.insert(0, "n", m)
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def _rank_path(result: Any, sizes: Sequence[int]) -> pd.DataFrame:
    r = result.ranks.to_numpy(dtype=float)
    per = r.shape[0] // result.n  # rank samples per base sample (2: A and B rows; 1: random)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        full = np.nanquantile(r, [0.05, 0.95], axis=0)
        rows = []
        for m in sizes:
            q = np.nanquantile(r[: m * per], [0.05, 0.95], axis=0)
            ch = np.abs(q - full)
            w = q[1] - q[0]
            rows.append({"n": m, "samples": m * per, "mean_width": float(np.nanmean(w)),
                         "median_width": float(np.nanmedian(w)),
                         "mean_change": float(np.nanmean(ch)), "max_change": float(np.nanmax(ch))})
    return pd.DataFrame(rows)


def convergence(result: Any, *, tol_index: float = 0.05, tol_rank: float = 1.0,
                sizes: Sequence[int] | None = None) -> Convergence:
    r"""Sobol' indices and rank intervals of an uncertainty analysis against the sample size.

    The estimates are recomputed on the first n base samples of the design, for nested n
    (:func:`nested_sizes`), from the outputs the analysis kept: no new evaluations. An estimate
    is *stable from n* when its values at n and every larger size lie within the tolerance of
    its value at N: :math:`\max_j |\hat S_j(m) - \hat S_j(N)| \le` ``tol_index`` for every first-
    and total-order index, and the mean over units and interval ends of
    :math:`|\hat q(m) - \hat q(N)|` at most ``tol_rank`` ranks for the 5% and 95% ranks.

    Parameters
    ----------
    result : UncertaintyResult
        With ``design_target`` (for the indices; ``design="saltelli"``) and/or ``ranks``
        (``keep_samples=True``, for the rank intervals).
    tol_index : float
        Absolute tolerance on the indices (0.05: an index read to one decimal).
    tol_rank : float
        Tolerance in ranks on the mean change of the interval ends.
    sizes : sequence of int
        Base sample sizes (default N/32 ... N).

    Returns
    -------
    Convergence
        ``enough`` is False — N looks too small — when a part is stable only at N itself (its
        estimates still moved beyond the tolerance between N/2 and N) or a total-order index has
        a bootstrap half-width above ``tol_index``.

    Notes
    -----
    Nested subsets of one run understate the variability of independent runs at each n (they
    share their first samples) but show whether the estimates have settled; the bootstrap
    intervals at N give the Monte Carlo error itself. The Primer (Saltelli et al. 2008, 4.6)
    recommends doubling N until the indices of interest stop moving.
    """
    if tol_index <= 0 or tol_rank <= 0:
        raise MethodError(f"convergence: tolerances must be positive (got {tol_index}, {tol_rank})")
    n = int(result.n)
    sizes = sorted({int(s) for s in (sizes or nested_sizes(n)) if 2 <= int(s) <= n} | {n})
    has_sobol = result.design == "saltelli" and getattr(result, "design_target", None) is not None
    sob = _sobol_path(result, sizes) if has_sobol else None
    ranks = _rank_path(result, sizes) if result.ranks is not None else None
    stable: dict[str, float] = {"sobol": float("nan"), "ranks": float("nan")}
    half = float("nan")
    if sob is not None:
        full = sob[sob["n"] == n].set_index("input")
        dev = [float(np.nanmax(np.abs(sob[sob["n"] == m].set_index("input")[["first", "total"]]
                                      - full[["first", "total"]]).to_numpy())) for m in sizes]
        stable["sobol"] = _stable_from(sizes, dev, tol_index)
        if "total_low" in full:
            half = float(np.nanmax((full["total_high"] - full["total_low"]) / 2))
    if ranks is not None:
        stable["ranks"] = _stable_from(sizes, ranks["mean_change"].tolist(), tol_rank)
    half_n = max(s for s in sizes if s <= n / 2) if any(s <= n / 2 for s in sizes) else n
    parts = [v for v in stable.values() if not np.isnan(v)]
    enough = bool(parts) and all(v <= half_n for v in parts) and not (half > tol_index)
    return Convergence(sobol=sob, ranks=ranks, stable_n=stable, n=n, tol_index=tol_index,
                       tol_rank=tol_rank, max_half_width=half, enough=enough)
