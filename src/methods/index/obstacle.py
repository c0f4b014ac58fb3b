r"""Obstacle degree model (障碍度模型): which indicators hold each unit back most.

For units scored on indicators where higher is better, the obstacle degree of an indicator is
its share of the unit's weighted shortfall from the best score. It is the usual diagnosis step
after an entropy- or AHP-weighted index in Chinese regional and public-administration studies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from methods._checks import label_repr
from methods._errors import MethodError, MethodTypeError
from methods.summary import Result, Summary

__all__ = ["ObstacleResult", "obstacle_degree"]


@dataclass(frozen=True)
class ObstacleResult(Result):
    """Obstacle degrees (障碍度) per unit.

    Attributes
    ----------
    indicator : pd.DataFrame
        Units × indicators, :math:`O_{ij}` as shares (each row sums to 1; multiply by 100 for %).
        Rows of units without any shortfall are NaN (see ``notes``).
    dimension : pd.DataFrame
        Units × groups, :math:`U_{ik}=\\sum_{j\\in k}O_{ij}` (empty columns when no groups given).
    top : pd.DataFrame
        Long frame, columns ``unit``, ``rank`` (1..top), ``indicator``, ``obstacle``,
        ``dimension`` (missing when no groups); units with NaN obstacles are left out.
    factor : pd.Series
        Factor contribution :math:`F_j`, the weights rescaled to sum to 1.
    deviation : pd.DataFrame
        Deviation :math:`I_{ij}=1-x'_{ij}` (0 = at the best of the scale).
    notes : tuple[str, ...]
        What was left out and why.
    """

    indicator: pd.DataFrame
    dimension: pd.DataFrame
    top: pd.DataFrame
    factor: pd.Series
    deviation: pd.DataFrame
    notes: tuple[str, ...] = ()

    def top_for(self, unit: object) -> pd.DataFrame:
        """The top obstacles of one unit (rank, indicator, obstacle, dimension), largest first.

        Raises :class:`MethodError` for a unit that is not in the result; a unit without any
        shortfall gives an empty frame.
        """
        if unit not in self.indicator.index:
            raise MethodError(f"unit {unit!r} is not in the obstacle result")
        rows = self.top[self.top["unit"] == unit]
        return rows.drop(columns="unit").reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """The long table of top obstacles per unit."""
        return self.top

    def summary(self) -> Summary:
        """A line on the most frequent first obstacle; the top table and mean obstacles."""
        first = self.top[self.top["rank"] == 1]["indicator"]
        lines = [f"{len(self.indicator)} units × {self.indicator.shape[1]} indicators"]
        if len(first):
            counts = first.value_counts()
            lines.append(f"most frequent first obstacle: {counts.index[0]} "
                         f"({int(counts.iloc[0])} of {len(first)} units)")
        lines.extend(self.notes)
        mean = self.indicator.mean().rename("mean obstacle").sort_values(ascending=False)
        return Summary("Obstacle degree", lines, [self.top, mean.to_frame()])


def obstacle_degree(
    scores: pd.DataFrame,
    weights: pd.Series | Mapping[str, float],
    *,
    groups: Mapping[str, str] | pd.Series | None = None,
    scale: tuple[float, float] = (0, 1),
    top: int = 3,
) -> ObstacleResult:
    r"""Obstacle degree of each indicator and dimension per unit (障碍度模型).

    Parameters
    ----------
    scores : pd.DataFrame
        Units × indicators, normalised so that higher is better, on ``scale`` (e.g. min–max
        scores on (0, 100)). Missing values are refused, naming the unit and indicator.
    weights : pd.Series or mapping
        Each indicator's effective (overall) weight, e.g. the product of the weights down the
        hierarchy; non-negative, one per column of ``scores``. Rescaled to sum to 1.
    groups : mapping or pd.Series, optional
        Indicator → dimension (or any parent node) for the dimension obstacle degrees.
    scale : (low, high)
        The range of the scores; ``high`` is the best. Scores outside it are refused.
    top : int
        How many obstacles per unit the ``top`` table lists.

    Returns
    -------
    ObstacleResult

    Notes
    -----
    With :math:`x'_{ij}=(x_{ij}-\text{low})/(\text{high}-\text{low})` the score on [0, 1]:

    .. math::

        F_j = w_j,\quad I_{ij} = 1 - x'_{ij},\quad
        O_{ij} = \frac{F_j I_{ij}}{\sum_j F_j I_{ij}},\quad U_{ik} = \sum_{j\in k} O_{ij}.

    A unit at the best score on every indicator with positive weight has no shortfall: its
    obstacles are NaN and ``notes`` names it (the ratio is 0/0). Ties in the top table keep
    the column order of ``scores``.

    Tested against the R package mathmodels (张敬信, ``obstacle_degree(..., scaled = TRUE)``,
    0.0.11) on its documentation example and a 12 × 7 set with three dimensions, to 1e-12
    (``tests/reference/obstacle/``), and against the printed output of that package's published
    example (its reference page "System Evaluation Functions for Coupling and Obstacle
    Analysis", https://zhjx19.github.io/mathmodels/reference/system_evaluation.html: 6 units ×
    3 scores, equal weights and 0.4/0.3/0.3, printed to 3 significant digits). That page prints
    the unscaled :math:`F_j I_{ij}` (``scaled = FALSE``), i.e. ``factor * deviation`` here; the
    shares :math:`O_{ij}` are those products over their row sum. No paper or textbook with a
    small complete example (data, weights and printed obstacle degrees) was found.

    Examples
    --------
    >>> import pandas as pd
    >>> from methods.index.obstacle import obstacle_degree
    >>> x = pd.DataFrame({"a": [80, 100], "b": [40, 90], "c": [100, 50]}, index=["P", "Q"])
    >>> res = obstacle_degree(x, pd.Series({"a": 0.5, "b": 0.3, "c": 0.2}),
    ...                       groups={"a": "D1", "b": "D1", "c": "D2"}, scale=(0, 100))
    >>> res.indicator.round(4)
            a       b       c
    P  0.3571  0.6429  0.0000
    Q  0.0000  0.2308  0.7692
    >>> res.top_for("Q").round(4)
       rank indicator  obstacle dimension
    0     1         c    0.7692        D2
    1     2         b    0.2308        D1
    2     3         a    0.0000        D1

    References
    ----------
    1. 张敬信, R package mathmodels (Mathematical Modeling Algorithms), ``obstacle_degree()``,
       https://github.com/zhjx19/mathmodels.
    """
    x = _checked_scores(scores, scale)
    factor = _checked_weights(weights, list(x.columns))
    group_of = _checked_groups(groups, list(x.columns))
    if isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 1:
        raise MethodError(f"top must be a positive integer, got {top!r}")
    dev, ind, none = _shares(x, factor, scale)
    notes: tuple[str, ...] = ()
    if none.any():
        units = [str(u) for u in x.index[none]]
        notes = (f"{len(units)} unit(s) at the best score on every weighted indicator have no "
                 f"obstacle (NaN, left out of the top table): {units}",)
    if group_of is None:
        dim = pd.DataFrame(index=x.index)
    else:
        order = list(dict.fromkeys(group_of[c] for c in x.columns))
        dim = ind.T.groupby(pd.Series(group_of)[x.columns].to_numpy(), sort=False).sum(
            min_count=1).T.reindex(columns=order)
    return ObstacleResult(
        indicator=ind, dimension=dim, top=_top_table(ind, group_of, min(top, ind.shape[1])),
        factor=factor, deviation=pd.DataFrame(dev, index=x.index, columns=x.columns),
        notes=notes,
    )


def _checked_scores(scores: pd.DataFrame, scale: tuple[float, float]) -> pd.DataFrame:
    if not isinstance(scores, pd.DataFrame):
        raise MethodTypeError(f"scores must be a pandas DataFrame, got {type(scores).__name__}")
    if scores.shape[0] < 1 or scores.shape[1] < 1:
        raise MethodError(f"scores needs at least one unit and one indicator, got {scores.shape}")
    if len(scale) != 2 or not float(scale[1]) > float(scale[0]):
        raise MethodError(f"scale must be (low, high) with high > low, got {scale!r}")
    bad = [c for c in scores.columns if not pd.api.types.is_numeric_dtype(scores[c])]
    if bad:
        raise MethodTypeError(f"scores has non-numeric column(s) {bad}")
    x = scores.astype(float)
    values = x.to_numpy()
    miss = np.argwhere(~np.isfinite(values))
    if len(miss):
        i, j = miss[0]
        raise MethodError(
            f"scores has {len(miss)} missing or infinite value(s), first: unit {label_repr(x.index[i])}, "
            f"indicator {label_repr(x.columns[j])}; impute or drop them before the obstacle degree")
    low, high = float(scale[0]), float(scale[1])
    tol = 1e-9 * (high - low)
    out = np.argwhere((values < low - tol) | (values > high + tol))
    if len(out):
        i, j = out[0]
        raise MethodError(
            f"score of unit {label_repr(x.index[i])}, indicator {label_repr(x.columns[j])} is {float(values[i, j]):g}, "
            f"outside the scale {scale!r}; pass the scale the scores are on")
    return x.clip(lower=low, upper=high)


def _shares(x: pd.DataFrame, factor: pd.Series, scale: tuple[float, float]
            ) -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
    """Deviations :math:`1 - (x - l)/(h - l)`, obstacle shares (NaN for a unit without any
    obstacle) and which units have none."""
    low, high = float(scale[0]), float(scale[1])
    dev = 1.0 - (x.to_numpy(dtype=float) - low) / (high - low)
    contrib = dev * factor.to_numpy()
    total = contrib.sum(axis=1)
    none = total <= 0
    with np.errstate(invalid="ignore", divide="ignore"):
        share = contrib / np.where(none, np.nan, total)[:, None]
    return dev, pd.DataFrame(share, index=x.index, columns=x.columns), none


def _checked_weights(weights: pd.Series | Mapping[str, float], cols: list[str]) -> pd.Series:
    w = pd.Series(weights, dtype=float) if not isinstance(weights, pd.Series) else weights
    missing = [c for c in cols if c not in w.index]
    extra = [c for c in w.index if c not in cols]
    if missing or extra:
        raise MethodError(
            f"weights must name exactly the indicators of scores; missing {missing}, "
            f"not in scores {extra}")
    w = w[cols].astype(float)
    bad = [c for c in cols if not np.isfinite(w[c]) or w[c] < 0]
    if bad:
        raise MethodError(f"weight(s) of {bad} are negative or not finite: {w[bad].tolist()}")
    if w.sum() <= 0:
        raise MethodError("weights sum to 0; at least one indicator needs a positive weight")
    return (w / w.sum()).rename("factor")


def _checked_groups(groups: Mapping[str, str] | pd.Series | None,
                    cols: list[str]) -> dict[str, str] | None:
    if groups is None:
        return None
    g = dict(groups.items()) if isinstance(groups, pd.Series) else dict(groups)
    missing = [c for c in cols if c not in g or pd.isna(g[c])]
    if missing:
        raise MethodError(f"groups gives no dimension for indicator(s) {missing}")
    return {c: str(g[c]) for c in cols}


def _top_table(ind: pd.DataFrame, group_of: dict[str, str] | None, top: int) -> pd.DataFrame:
    values = ind.to_numpy()
    keep = ~np.isnan(values).all(axis=1)
    v = values[keep]
    # stable sort on the negated values: ties keep the column order
    order = np.argsort(-v, axis=1, kind="stable")[:, :top]
    cols = np.asarray(ind.columns, dtype=object)
    units = np.repeat(np.asarray(ind.index[keep], dtype=object), top)
    names = cols[order].ravel()
    out = pd.DataFrame({
        "unit": units,
        "rank": np.tile(np.arange(1, top + 1), int(keep.sum())),
        "indicator": names,
        "obstacle": np.take_along_axis(v, order, axis=1).ravel(),
        "dimension": [group_of[c] for c in names] if group_of else pd.NA,
    })
    return out
