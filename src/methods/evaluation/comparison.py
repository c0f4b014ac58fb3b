"""Compare the rankings that several evaluation methods give the same units."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from methods._checks import complete_frame
from methods._errors import MethodError

__all__ = ["RankComparison", "compare_rankings"]


@dataclass(frozen=True)
class RankComparison:
    """Rankings of the same units by several methods.

    Attributes
    ----------
    ranks : pd.DataFrame
        Units × methods, 1 = best (ties share the lowest rank).
    spearman : pd.DataFrame
        Spearman rank correlations between methods (methods × methods).
    kendall : pd.DataFrame
        Kendall's tau-b between methods.
    movers : pd.DataFrame
        Per unit: best and worst rank over methods, their difference ``range``, the reference
        method's rank and the largest absolute shift from it; sorted by ``range`` descending.
    reference : str
        The method the shifts are measured from.
    """

    ranks: pd.DataFrame
    spearman: pd.DataFrame
    kendall: pd.DataFrame
    movers: pd.DataFrame
    reference: str

    def to_frame(self) -> pd.DataFrame:
        """Correlations with the reference method: Spearman, Kendall, mean |rank shift|."""
        ref = self.ranks[self.reference]
        shift = self.ranks.sub(ref, axis=0).abs().mean()
        out = pd.DataFrame(
            {
                "spearman": self.spearman[self.reference],
                "kendall": self.kendall[self.reference],
                "mean_abs_shift": shift,
            }
        )
        return out.drop(index=self.reference)


def compare_rankings(scores: pd.DataFrame, *, reference: str | None = None) -> RankComparison:
    """Rank units by each method's score (higher is better) and compare the rankings.

    Parameters
    ----------
    scores : pd.DataFrame
        Units × methods; each column a score where higher is better.
    reference : str, optional
        Column the rank shifts are measured from; the first column by default.

    Returns
    -------
    RankComparison

    Notes
    -----
    Missing scores are not allowed (a unit must be scored by every method). Correlations are
    those of ``scipy.stats.spearmanr`` and ``kendalltau`` (tau-b) on the scores.
    """
    s = complete_frame(scores, name="scores", min_rows=3, min_cols=2)
    ref = reference if reference is not None else s.columns[0]
    if ref not in s.columns:
        raise MethodError(f"reference {ref!r} is not a column of scores {list(s.columns)}")
    ranks = s.rank(ascending=False, method="min")
    cols = list(s.columns)
    k = len(cols)
    rho = np.eye(k)
    tau = np.eye(k)
    for i in range(k):
        for j in range(i + 1, k):
            rho[i, j] = rho[j, i] = stats.spearmanr(s.iloc[:, i], s.iloc[:, j]).statistic
            tau[i, j] = tau[j, i] = stats.kendalltau(s.iloc[:, i], s.iloc[:, j]).statistic
    shift = ranks.sub(ranks[ref], axis=0)
    movers = pd.DataFrame(
        {
            "best_rank": ranks.min(axis=1),
            "worst_rank": ranks.max(axis=1),
            "range": ranks.max(axis=1) - ranks.min(axis=1),
            f"rank_{ref}": ranks[ref],
            "max_abs_shift": shift.abs().max(axis=1),
            "method_of_max_shift": shift.abs().idxmax(axis=1),
        }
    ).sort_values(["range", "max_abs_shift"], ascending=False)
    return RankComparison(
        ranks=ranks,
        spearman=pd.DataFrame(rho, index=cols, columns=cols),
        kendall=pd.DataFrame(tau, index=cols, columns=cols),
        movers=movers,
        reference=str(ref),
    )
