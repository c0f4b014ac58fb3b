"""Correlation tables with significance: r, p and n for every pair of indicators.

The audit's correlation matrix (:func:`methods.index.audit.correlation_structure`) says how
strongly indicators move together; this table adds whether each correlation could be noise
(p-value) and on how many units it rests (pairwise complete observations), and can blank the
insignificant ones as COINr's ``get_corr(pval = 0.05)`` does for its heatmaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from methods._checks import numeric_frame
from methods._errors import MethodError
from methods.summary import Result, Summary

__all__ = ["CorrelationTable", "correlation_table"]

CorrelationMethod = Literal["pearson", "spearman", "kendall"]


@dataclass(frozen=True)
class CorrelationTable(Result):
    """Result of :func:`correlation_table`.

    Attributes
    ----------
    r, p, n : DataFrame
        Correlation, two-sided p-value and number of complete pairs (indicators × indicators;
        diagonal r = 1, p = 0, n = the indicator's observed units). ``p`` is None when
        ``pvalues=False``.
    pairs : DataFrame
        One row per pair (``var1``, ``var2``, ``r``, ``p``, ``n``), in column order.
    display : DataFrame
        ``r`` with the correlations whose p exceeds ``alpha`` set to NaN (``r`` itself when
        ``alpha`` is None).
    method : str
    alpha : float or None
        The blanking level.
    """

    r: pd.DataFrame
    p: pd.DataFrame | None
    n: pd.DataFrame
    pairs: pd.DataFrame
    display: pd.DataFrame
    method: str
    alpha: float | None

    def to_frame(self) -> pd.DataFrame:
        """The pairs table."""
        return self.pairs

    def summary(self) -> Summary:
        """How many pairs are significant at ``alpha`` (0.05 when not set); the pairs table."""
        level = 0.05 if self.alpha is None else self.alpha
        line = f"{self.method} correlations of {len(self.r)} indicators, {len(self.pairs)} pairs"
        if self.p is not None:
            sig = int((self.pairs["p"] <= level).sum())
            line += f"; {sig} significant at {level:g}"
        return Summary("Correlation table", [line], [self.pairs])


def _pair(a: np.ndarray, b: np.ndarray, method: str) -> tuple[float, float, int]:
    ok = ~(np.isnan(a) | np.isnan(b))
    n = int(ok.sum())
    if n < 3 or np.ptp(a[ok]) == 0 or np.ptp(b[ok]) == 0:
        return np.nan, np.nan, n
    x, y = a[ok], b[ok]
    if method == "kendall":
        res = stats.kendalltau(x, y, method="asymptotic")
        return float(res.statistic), float(res.pvalue), n
    if method == "spearman":
        x, y = stats.rankdata(x), stats.rankdata(y)
    r = float(np.clip(np.corrcoef(x, y)[0, 1], -1.0, 1.0))
    if abs(r) == 1.0:
        return r, 0.0, n
    t = r * np.sqrt((n - 2) / (1.0 - r * r))
    return r, float(2 * stats.t.sf(abs(t), n - 2)), n


def _check_correlation_args(x: pd.DataFrame, method: str, pvalues: bool,
                            blank_insignificant: float | None) -> pd.DataFrame:
    """:func:`correlation_table`'s arguments checked; the data as a numeric frame."""
    if method not in ("pearson", "spearman", "kendall"):
        raise MethodError(f"method must be 'pearson', 'spearman' or 'kendall', got {method!r}")
    if blank_insignificant is not None:
        if not pvalues:
            raise MethodError("blank_insignificant needs pvalues=True")
        if not 0 < float(blank_insignificant) < 1:
            raise MethodError(f"blank_insignificant must be a level in (0, 1), got {blank_insignificant!r}")
    vals = numeric_frame(x, name="x")
    if vals.shape[1] < 2:
        raise MethodError(f"correlation_table: needs at least 2 indicators, got {vals.shape[1]}")
    return vals


def correlation_table(
    x: pd.DataFrame,
    method: CorrelationMethod = "pearson",
    *,
    pvalues: bool = True,
    blank_insignificant: float | None = None,
) -> CorrelationTable:
    r"""Pairwise correlations with two-sided p-values and the number of units behind each.

    Pearson: :math:`t = r\sqrt{(n-2)/(1-r^2)}` on :math:`n-2` degrees of freedom. Spearman: the
    same on the ranks (the t approximation R's ``cor.test(method = "spearman", exact = FALSE)``
    uses, and uses anyway when there are ties). Kendall: :math:`\tau_b` with the normal
    approximation corrected for ties (``cor.test(method = "kendall", exact = FALSE)``).

    Parameters
    ----------
    x : DataFrame
        Units × indicators (orient them first for signs that read "better with better").
    method : {"pearson", "spearman", "kendall"}
    pvalues : bool, default True
        False skips the p-values (``p`` is None; blanking is then impossible).
    blank_insignificant : float or None
        A significance level α in (0, 1): ``display`` blanks (NaN) every correlation with
        :math:`p > α`, as COINr ``get_corr(pval = α)`` does. None keeps them all.

    Returns
    -------
    CorrelationTable

    Notes
    -----
    Missing data: pairwise complete observations (``n`` per pair). A pair with fewer than 3
    complete units or a constant indicator on them has r = p = NaN. Spearman p-values for
    untied data of fewer than 1290 units differ from R's default ``cor.test``, which then uses
    the exact/Edgeworth distribution (AS 89); they equal ``exact = FALSE``.

    Tested against R 4.2.2 ``cor.test`` (``exact = FALSE``) for all three methods and COINr
    1.1.14 ``get_corr(pval = 0.05)`` blanking on COINr's ASEM raw data with its missing values,
    to 1e-10 (``tests/reference/correlation_p/``).

    Examples
    --------
    >>> import pandas as pd
    >>> from methods.index.correlations import correlation_table
    >>> x = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [2.0, 1, 4, 3, 6, 5],
    ...                   "c": [6.0, 1, 5, 2, 4, 3]})
    >>> correlation_table(x).pairs.round(4)
      var1 var2       r       p  n
    0    a    b  0.8286  0.0416  6
    1    a    c -0.2571  0.6228  6
    2    b    c  0.2571  0.6228  6
    """
    vals = _check_correlation_args(x, method, pvalues, blank_insignificant)
    cols = list(vals.columns)
    k = len(cols)
    arr = vals.to_numpy()
    r, p = np.eye(k), np.zeros((k, k))
    n = np.diag((~np.isnan(arr)).sum(axis=0)).astype(float)
    rows = []
    for i, j in combinations(range(k), 2):
        rij, pij, nij = _pair(arr[:, i], arr[:, j], method)
        r[i, j] = r[j, i] = rij
        p[i, j] = p[j, i] = pij
        n[i, j] = n[j, i] = nij
        rows.append({"var1": cols[i], "var2": cols[j], "r": rij, "p": pij, "n": nij})
    frame = pd.DataFrame(rows, columns=["var1", "var2", "r", "p", "n"])
    rf = pd.DataFrame(r, index=cols, columns=cols)
    pf = pd.DataFrame(p, index=cols, columns=cols) if pvalues else None
    if not pvalues:
        frame = frame.drop(columns="p")
    display = rf if blank_insignificant is None or pf is None else rf.where(~(pf > blank_insignificant))
    return CorrelationTable(r=rf, p=pf, n=pd.DataFrame(n.astype(int), index=cols, columns=cols),
                            pairs=frame, display=display, method=method, alpha=blank_insignificant)
