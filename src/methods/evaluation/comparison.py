"""Compare the rankings that several evaluation methods give the same units."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from methods._checks import complete_frame
from methods._errors import MethodError
from methods.index.diagnosis import ranking_agreement
from methods.summary import Result, Summary

__all__ = ["RankComparison", "compare_rankings"]


@dataclass(frozen=True)
class RankComparison(Result):
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

    def summary(self) -> Summary:
        """Agreement with the reference method; the table of :meth:`to_frame`."""
        table = self.to_frame()
        lines = [f"{self.ranks.shape[1]} methods, {self.ranks.shape[0]} units; "
                 f"reference {self.reference}"]
        if len(table):
            low = table["spearman"].idxmin()
            lines.append(f"lowest Spearman with the reference: {low} "
                         f"({table.loc[low, 'spearman']:.3f})")
        return Summary("Rank comparison", lines, [table])


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
    Missing scores are not allowed (a unit must be scored by every method). Ranks and the
    Spearman and Kendall (tau-b) correlations are those of
    :func:`methods.index.diagnosis.ranking_agreement`; this adds the movers.
    """
    s = complete_frame(scores, name="scores", min_rows=3, min_cols=2)
    ref = reference if reference is not None else s.columns[0]
    if ref not in s.columns:
        raise MethodError(f"reference {ref!r} is not a column of scores {list(s.columns)}")
    agreement = ranking_agreement(s, reference=ref)
    ranks = agreement.ranks
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
        spearman=agreement.spearman,
        kendall=agreement.kendall,
        movers=movers,
        reference=str(ref),
    )
