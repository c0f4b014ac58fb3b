"""Data audit of an indicator matrix: coverage, distributions, outlier flags, bounds, correlations.

The statistical audit that the JRC's Competence Centre on Composite Indicators runs before building
an index (OECD/JRC Handbook 2008, step 4; Saisana & Saltelli's JRC audits): how complete the data are,
which indicators are so skewed that a few units would dominate a min-max scale, which sit at a ceiling,
and whether indicators correlate with their own dimension more than with others.

All functions take a units × indicators DataFrame of floats (NaN = missing) and, where needed, the meta
frame (``code, parent, level, weight, direction``). Missing data policy: each statistic uses the
non-missing values of its indicator (correlations: pairwise complete observations).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from methods._errors import MethodError, MethodTypeError
from methods.index.treat import kurtosis, skewness  # the statistics of the JRC rule (e1071 type 2)
from methods.summary import Result, Summary

__all__ = [
    "skewness",
    "kurtosis",
    "CoverageResult",
    "coverage",
    "coverage_by_year",
    "distribution_table",
    "bounds_table",
    "oriented",
    "correlation_structure",
    "CorrelationResult",
    "pair_divergence",
    "PairDivergence",
]


def _check_matrix(x: pd.DataFrame, name: str = "x") -> pd.DataFrame:
    if not isinstance(x, pd.DataFrame):
        raise MethodTypeError(f"{name} must be a pandas DataFrame (units × indicators), got {type(x).__name__}")
    if x.shape[1] == 0 or x.shape[0] == 0:
        raise MethodError(f"{name} is empty: expected units in rows and indicators in columns")
    bad = [c for c in x.columns if not pd.api.types.is_numeric_dtype(x[c])]
    if bad:
        raise MethodError(f"{name}: column(s) {bad} are not numeric; convert them or drop them first")
    return x.astype(float)


@dataclass(frozen=True)
class CoverageResult(Result):
    """Data availability.

    Attributes
    ----------
    by_indicator : DataFrame (indicator × ``n``, ``n_missing``, ``share_missing``)
    by_unit : DataFrame (unit × ``n``, ``n_missing``, ``share_available``)
    overall_missing : share of missing cells in the matrix
    units_below : units whose share of available data is below ``min_coverage``
    """

    by_indicator: pd.DataFrame
    by_unit: pd.DataFrame
    overall_missing: float
    min_coverage: float
    units_below: tuple[str, ...]

    def summary(self) -> Summary:
        """Missing share and units below the threshold in lines; the table (column ``value``):
        n_units, n_indicators, overall_missing, indicators_with_missing,
        units_below_min_coverage."""
        table = pd.Series(
            {
                "n_units": self.by_unit.shape[0],
                "n_indicators": self.by_indicator.shape[0],
                "overall_missing": self.overall_missing,
                "indicators_with_missing": int((self.by_indicator["n_missing"] > 0).sum()),
                "units_below_min_coverage": len(self.units_below),
            }, name="value"
        )
        below = ", ".join(map(str, self.units_below[:10])) + (" ..." if len(self.units_below) > 10 else "")
        lines = [f"{self.overall_missing:.1%} of the cells missing "
                 f"({self.by_unit.shape[0]} units x {self.by_indicator.shape[0]} indicators)",
                 f"{len(self.units_below)} units below {self.min_coverage:.0%} coverage"
                 + (f": {below}" if below else "")]
        return Summary("Data coverage", lines, [table.to_frame()])


def coverage(x: pd.DataFrame, *, min_coverage: float = 0.66) -> CoverageResult:
    """Missing cells by indicator and by unit.

    ``min_coverage`` is the data-availability threshold for a unit (the JRC commonly asks for about
    two thirds of the indicators; COINr's ``Screen(dat_thresh=)`` applies the same idea).
    """
    x = _check_matrix(x)
    if not 0 <= min_coverage <= 1:
        raise MethodError(f"min_coverage must lie in [0, 1], got {min_coverage}")
    miss = x.isna()
    by_ind = pd.DataFrame(
        {"n": x.notna().sum(), "n_missing": miss.sum(), "share_missing": miss.mean()}
    ).rename_axis("indicator")
    by_unit = pd.DataFrame(
        {"n": x.notna().sum(axis=1), "n_missing": miss.sum(axis=1), "share_available": 1 - miss.mean(axis=1)}
    )
    below = tuple(str(u) for u in by_unit.index[by_unit["share_available"] < min_coverage])
    return CoverageResult(by_ind, by_unit, float(miss.to_numpy().mean()), min_coverage, below)


def coverage_by_year(
    panel: pd.DataFrame, indicators: Sequence[str], *, unit: str = "unit_id", year: str = "year"
) -> pd.DataFrame:
    """Units observed and the share of missing indicator cells in each year of a long panel.

    Returns a frame indexed by year with ``units`` (distinct units), ``share_missing`` (missing
    cells over units × indicators of that year) and ``complete_units`` (units with every
    indicator observed). Year-on-year comparisons need the same units each year. Each
    (unit, year) must appear once and every row must have a year (MethodError names the rows).
    """
    if not isinstance(panel, pd.DataFrame):
        raise MethodTypeError(f"panel must be a pandas DataFrame, got {type(panel).__name__}")
    if isinstance(indicators, str):
        raise MethodTypeError("indicators must be a sequence of column names, not one string")
    indicators = list(indicators)
    if not indicators:
        raise MethodError("coverage_by_year: no indicators given")
    missing = [c for c in (unit, year, *indicators) if c not in panel.columns]
    if missing:
        raise MethodError(f"coverage_by_year: panel has no column(s) {missing}")
    no_year = panel.index[panel[year].isna()]
    if len(no_year):
        raise MethodError(f"coverage_by_year: row(s) {list(no_year[:5])} have no {year!r}")
    dup = panel.duplicated([unit, year], keep=False)
    if dup.any():
        pairs = panel.loc[dup, [unit, year]].drop_duplicates().head(5).itertuples(index=False)
        raise MethodError(
            f"coverage_by_year: (unit, year) pair(s) {[tuple(p) for p in pairs]} appear more "
            "than once; expected one row per unit and year"
        )
    vals = _check_matrix(panel[indicators], "panel indicators")
    na = vals.isna()
    grouped = na.groupby(panel[year])
    out = pd.DataFrame({
        "units": panel.groupby(year)[unit].nunique(),
        "share_missing": grouped.sum().sum(axis=1) / grouped.size() / len(indicators),
        "complete_units": (~na.any(axis=1)).groupby(panel[year]).sum().astype(int),
    })
    out.index.name = year
    return out


def distribution_table(
    x: pd.DataFrame, *, skew_threshold: float = 2.0, kurt_threshold: float = 3.5
) -> pd.DataFrame:
    """Per indicator: n, mean, sd, min, quartiles, max, skewness, kurtosis and the JRC outlier flag.

    The flag follows the JRC rule used by COINr: an indicator needs treatment when
    ``|skewness| > skew_threshold`` **and** ``kurtosis > kurt_threshold`` (:func:`skewness`,
    :func:`kurtosis`). ``sd`` uses ``n − 1``.
    """
    x = _check_matrix(x)
    rows = []
    for c in x.columns:
        v = x[c].dropna().to_numpy()
        sk, ku = skewness(v), kurtosis(v)
        rows.append(
            {
                "indicator": c,
                "n": v.size,
                "mean": v.mean() if v.size else np.nan,
                "sd": v.std(ddof=1) if v.size > 1 else np.nan,
                "min": v.min() if v.size else np.nan,
                "p25": np.percentile(v, 25) if v.size else np.nan,
                "median": np.median(v) if v.size else np.nan,
                "p75": np.percentile(v, 75) if v.size else np.nan,
                "max": v.max() if v.size else np.nan,
                "skewness": sk,
                "kurtosis": ku,
                "outlier_flag": bool(abs(sk) > skew_threshold and ku > kurt_threshold)
                if np.isfinite(sk) and np.isfinite(ku)
                else False,
            }
        )
    return pd.DataFrame(rows).set_index("indicator")


def bounds_table(
    x: pd.DataFrame,
    low: pd.Series | None = None,
    high: pd.Series | None = None,
    *,
    ceiling: float = 0.99,
    share_flag: float = 0.5,
) -> pd.DataFrame:
    """Values at or near their bounds.

    For each indicator with a finite upper bound ``high`` (ratios: 1), the share of units at or above
    ``low + ceiling · (high − low)`` (e.g. 好评率 ≥ 0.99); likewise near the lower bound. An indicator
    is flagged when that share exceeds ``share_flag``: it no longer discriminates between units and is
    a candidate for a rank, logit or distance-to-target transform.
    """
    x = _check_matrix(x)
    low = pd.Series(np.nan, index=x.columns) if low is None else low.reindex(x.columns)
    high = pd.Series(np.nan, index=x.columns) if high is None else high.reindex(x.columns)
    rows = []
    for c in x.columns:
        v = x[c].dropna()
        lo, hi = float(low[c]), float(high[c])
        row = {"indicator": c, "low": lo, "high": hi, "share_at_ceiling": np.nan, "share_at_floor": np.nan}
        if np.isfinite(hi):
            base = lo if np.isfinite(lo) else 0.0
            row["share_at_ceiling"] = float((v >= base + ceiling * (hi - base)).mean()) if v.size else np.nan
        if np.isfinite(lo) and np.isfinite(hi):
            row["share_at_floor"] = float((v <= lo + (1 - ceiling) * (hi - lo)).mean()) if v.size else np.nan
        row["ceiling_flag"] = bool(np.nan_to_num(row["share_at_ceiling"]) > share_flag)
        row["floor_flag"] = bool(np.nan_to_num(row["share_at_floor"]) > share_flag)
        rows.append(row)
    return pd.DataFrame(rows).set_index("indicator")


def oriented(x: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """Multiply each indicator by its direction (+1/−1) from the meta frame: higher is better."""
    x = _check_matrix(x)
    m = meta.set_index("code")
    missing = [c for c in x.columns if c not in m.index]
    if missing:
        raise MethodError(f"indicator(s) {missing} are not in the meta frame")
    d = m.loc[list(x.columns), "direction"].astype(float)
    if d.isna().any():
        raise MethodError(f"indicator(s) {list(d.index[d.isna()])} have no direction (+1/−1) in the meta frame")
    return x * d.to_numpy()


@dataclass(frozen=True)
class CorrelationResult(Result):
    """Correlations of oriented indicators and how each sits within the framework.

    Attributes
    ----------
    matrix : indicator × indicator correlation (oriented: higher is better for all)
    by_indicator : per indicator the mean correlation with the other indicators of its own group
        (``own``), the highest mean correlation with another group (``best_other``, ``best_other_group``),
        the count of correlations below ``negative_tol`` within its group (shown, not flagged on its
        own), and ``flag``: the indicator correlates with another group by more than ``margin``
        above its own (``best_other - own > margin``) or against its own group on average
        (``own < negative_tol``); ``reason`` says which
    between_groups : group × group mean correlation (diagonal: mean within-group correlation)
    """

    matrix: pd.DataFrame
    by_indicator: pd.DataFrame
    between_groups: pd.DataFrame
    method: str

    def to_frame(self) -> pd.DataFrame:
        """The correlation matrix."""
        return self.matrix

    def summary(self) -> Summary:
        """Flagged indicators in a line; the per-indicator and between-group tables."""
        flagged = [str(i) for i in self.by_indicator.index[self.by_indicator["flag"].astype(bool)]]
        line = (f"{self.method} correlations of {len(self.matrix)} indicators; flagged: "
                f"{', '.join(flagged) if flagged else 'none'}")
        return Summary("Correlations within the framework", [line],
                       [self.by_indicator, self.between_groups])


def correlation_structure(
    x: pd.DataFrame, groups: pd.Series, *, method: str = "pearson", negative_tol: float = -0.1,
    margin: float = 0.1,
) -> CorrelationResult:
    r"""Correlations within and across groups (dimensions or sub-dimensions).

    ``x`` should already be oriented (:func:`oriented`). ``groups`` maps each indicator to its group.
    Pairwise complete observations (``pandas.DataFrame.corr``). With :math:`\bar r_{own}` the mean
    correlation of an indicator with the other members of its group and :math:`\bar r_{g}` its
    mean correlation with the members of group :math:`g`, the indicator is flagged as possibly
    misplaced (the JRC/OECD Handbook's check that an indicator "belongs" to its dimension) when

    .. math:: \max_{g \ne own} \bar r_g - \bar r_{own} > \text{margin} \quad\text{or}\quad
              \bar r_{own} < \text{negative\_tol}

    (``reason`` says which: ``other_group`` or ``against_own``).

    The margin keeps sampling noise from flagging indicators of dimensions whose groups correlate
    about equally (heterogeneous dimensions such as COINr's ASEM sub-indices); single negative
    correlations within a group are counted (``n_negative_own``, below ``negative_tol``) but do
    not flag an indicator by themselves: a dimension may legitimately combine indicators that
    trade off (OECD/JRC Handbook, 2008, step 4; COINr ``get_corr_flags`` reports them apart).

    >>> import pandas as pd
    >>> x = pd.DataFrame({"a1": [1, 2, 3, 4.0], "a2": [1, 2, 4, 3.0], "b1": [4, 3, 2, 1.0]})
    >>> r = correlation_structure(x, pd.Series({"a1": "A", "a2": "A", "b1": "B"}))
    >>> bool(r.by_indicator.loc["b1", "flag"]), bool(r.by_indicator.loc["a1", "flag"])
    (False, False)
    """
    if not np.isfinite(margin) or margin < 0:
        raise MethodError(f"margin must be a number >= 0, got {margin!r}")
    x = _check_matrix(x)
    if method not in ("pearson", "spearman", "kendall"):
        raise MethodError(f"method must be 'pearson', 'spearman' or 'kendall', got {method!r}")
    g = groups.reindex(x.columns)
    if g.isna().any():
        raise MethodError(f"no group for indicator(s) {list(g.index[g.isna()])}")
    r = x.corr(method=method)
    names = list(dict.fromkeys(g.tolist()))
    rows = []
    for c in x.columns:
        own_members = [o for o in x.columns if g[o] == g[c] and o != c]
        own = r.loc[c, own_members].mean() if own_members else np.nan
        others = {}
        for name in names:
            if name == g[c]:
                continue
            members = [o for o in x.columns if g[o] == name]
            others[name] = r.loc[c, members].mean()
        best = max(others, key=lambda k: others[k]) if others else None
        n_neg = int((r.loc[c, own_members] < negative_tol).sum()) if own_members else 0
        rows.append(
            {
                "indicator": c,
                "group": g[c],
                "own": own,
                "best_other": others.get(best, np.nan) if best else np.nan,
                "best_other_group": best,
                "n_negative_own": n_neg,
                "flag": bool(np.isfinite(own) and (
                    (best is not None and others[best] - own > margin) or own < negative_tol)),
                "reason": ("against_own" if np.isfinite(own) and own < negative_tol
                           else "other_group" if best is not None and np.isfinite(own) and others[best] - own > margin
                           else ""),
            }
        )
    between = pd.DataFrame(index=names, columns=names, dtype=float)
    for a in names:
        ia = [c for c in x.columns if g[c] == a]
        for b in names:
            ib = [c for c in x.columns if g[c] == b]
            block = r.loc[ia, ib].to_numpy()
            if a == b:
                block = block[~np.eye(len(ia), dtype=bool)] if len(ia) > 1 else np.array([np.nan])
            between.loc[a, b] = float(np.nanmean(block)) if block.size else np.nan
    return CorrelationResult(r, pd.DataFrame(rows).set_index("indicator"), between, method)


@dataclass(frozen=True)
class PairDivergence(Result):
    """Availability versus actual use.

    Attributes
    ----------
    pairs : per pair the Spearman correlation, and the number of units whose availability percentile
        exceeds their use percentile by more than ``gap``
    units : per unit and pair the two percentile ranks and the gap (availability − use)
    """

    pairs: pd.DataFrame
    units: pd.DataFrame
    gap: float


def pair_divergence(
    x: pd.DataFrame, pairs: Sequence[tuple[str, str]], *, gap: float = 0.4
) -> PairDivergence:
    """Where availability (input) runs ahead of actual use (outcome): "可网办 ≠ 实际网办".

    For each pair ``(available, used)`` of oriented indicators, units are ranked by percentile
    (``rank(pct=True)``, average ties) on each; the gap is availability percentile minus use
    percentile. A unit with gap > ``gap`` offers the service but its residents do not use it.
    Units missing either value are left out of that pair.
    """
    x = _check_matrix(x)
    if not 0 < gap < 1:
        raise MethodError(f"gap must lie in (0, 1), got {gap}")
    rows, units = [], []
    for a, b in pairs:
        for c in (a, b):
            if c not in x.columns:
                raise MethodError(f"pair ({a}, {b}): indicator {c} is not a column of x")
        sub = x[[a, b]].dropna()
        pa, pb = sub[a].rank(pct=True), sub[b].rank(pct=True)
        diff = pa - pb
        rho = stats.spearmanr(sub[a], sub[b]).statistic if len(sub) > 2 else np.nan
        rows.append(
            {"available": a, "used": b, "n": len(sub), "spearman": float(rho), "n_gap": int((diff > gap).sum())}
        )
        units.append(
            pd.DataFrame({"available": a, "used": b, "pct_available": pa, "pct_used": pb, "gap": diff})
        )
    unit_df = pd.concat(units).rename_axis("unit").reset_index() if units else pd.DataFrame()
    return PairDivergence(pd.DataFrame(rows), unit_df, gap)
