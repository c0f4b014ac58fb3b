"""Weighting methods of Chinese evaluation practice.

* :func:`precedence_chart_weights` — 优序图法 (precedence chart): experts compare every pair of
  indicators (1 = row more important, 0.5 = equal, 0 = less); weights are normalised row totals.
* :func:`independence_weights` — 独立性权重: an indicator that the others predict well carries
  repeated information and gets less weight (1 − R², or the reciprocal of the multiple
  correlation R as published in SPSSAU's documentation).
* :func:`information_weights` — 信息量权重 (coefficient-of-variation weights).

Entropy-weighted TOPSIS (熵权TOPSIS), formerly here, is :func:`methods.evaluation.topsis.entropy_topsis`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from methods._checks import complete_frame
from methods._errors import MethodError, MethodTypeError, MethodWarning
from methods.summary import Result, Summary, weights_line

__all__ = [
    "IndependenceWeightsResult",
    "InformationWeightsResult",
    "PrecedenceChartResult",
    "independence_weights",
    "information_weights",
    "precedence_chart_from_values",
    "precedence_chart_weights",
]


# --------------------------------------------------------------------------- 优序图法


@dataclass(frozen=True)
class PrecedenceChartResult(Result):
    """Precedence-chart (优序图) weights.

    Attributes
    ----------
    weights : pd.Series
        Normalised weights (sum 1).
    totals : pd.Series
        Row totals T_i (summed over experts).
    chart : pd.DataFrame
        The (summed) precedence chart, diagonal as used (NaN when excluded).
    n_experts : int
    diagonal : str
    zero_weight : list
        Indicators with zero weight (they lost every comparison; ``diagonal="exclude"``).
    """

    weights: pd.Series
    totals: pd.Series
    chart: pd.DataFrame
    n_experts: int
    diagonal: str
    zero_weight: list[object]

    def to_frame(self) -> pd.DataFrame:
        """Per indicator: total and weight."""
        return pd.DataFrame({"total": self.totals, "weight": self.weights})

    def summary(self) -> Summary:
        """Experts, diagonal rule, zero weights; totals and weights."""
        lines = [f"{self.n_experts} experts, diagonal {self.diagonal}", weights_line(self.weights)]
        if self.zero_weight:
            lines.append(f"zero weight: {', '.join(map(str, self.zero_weight))}")
        return Summary("Precedence-chart weights", lines, [self.to_frame()])


def _check_chart(chart: pd.DataFrame, k: int) -> np.ndarray:
    name = f"charts[{k}]"
    if not isinstance(chart, pd.DataFrame):
        raise MethodTypeError(f"{name} must be a DataFrame, got {type(chart).__name__}")
    if chart.shape[0] != chart.shape[1] or chart.shape[0] < 2:
        raise MethodError(f"{name} must be square with >= 2 indicators, got {chart.shape}")
    if list(chart.index) != list(chart.columns):
        raise MethodError(f"{name} must have the same indicator labels on rows and columns")
    labels = list(chart.index)
    a = chart.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    n = len(labels)
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            v = a[i, j]
            if v not in (0.0, 0.5, 1.0):
                raise MethodError(
                    f"{name} cell ({labels[i]!r}, {labels[j]!r}) is {chart.iat[i, j]!r}; expected "
                    "1 (row more important), 0.5 (equal) or 0 (less important)"
                )
            if j > i and a[i, j] + a[j, i] != 1.0:
                raise MethodError(
                    f"{name} is inconsistent at ({labels[i]!r}, {labels[j]!r}): "
                    f"{a[i, j]} and {a[j, i]} must add up to 1"
                )
    return a


def precedence_chart_weights(
    charts: pd.DataFrame | Sequence[pd.DataFrame],
    *,
    diagonal: Literal["exclude", "half"] = "exclude",
) -> PrecedenceChartResult:
    r"""Weights from one or several experts' precedence charts (优序图法).

    Cell :math:`a_{ij}` (:math:`i \ne j`) is 1 if indicator :math:`i` is more important than
    :math:`j`, 0.5 if equally important, 0 if less; :math:`a_{ij}+a_{ji}=1`. Totals
    :math:`T_i=\sum_{j\ne i} a_{ij}` (summed over experts) give
    :math:`w_i = T_i / \sum_k T_k`; with one expert :math:`\sum_k T_k = n(n-1)/2`.

    ``diagonal="half"`` counts the diagonal as 0.5 (a variant found in some texts, which keeps
    every weight positive; totals then add up to :math:`n^2/2` per expert).

    Parameters
    ----------
    charts : DataFrame or sequence of DataFrames
        Square charts with the indicators as row and column labels (diagonal ignored).
    diagonal : {"exclude", "half"}, default "exclude"

    Returns
    -------
    PrecedenceChartResult

    Notes
    -----
    Missing comparisons are not allowed. An indicator that loses every comparison gets weight
    0 with ``diagonal="exclude"``: a MethodWarning is issued and the result lists it.
    Software that builds the chart from the indicators' mean values (SPSSAU's "优序图权重";
    see :func:`precedence_chart_from_values`) is described by third-party re-implementations
    as counting the diagonal as 0.5, i.e. ``diagonal="half"``; this could not be checked
    against a printed example. No published worked example with numbers was retrievable; the
    tests compare a hand-computed chart and an independent loop.

    Examples
    --------
    A chart built from mean expert scores, then weighted without and with the diagonal:

    >>> from methods.weights.practice import precedence_chart_from_values, precedence_chart_weights
    >>> chart = precedence_chart_from_values({"use": 4.6, "quality": 4.1, "spend": 3.2})
    >>> chart
    indicator  use  quality  spend
    indicator
    use        0.5      1.0    1.0
    quality    0.0      0.5    1.0
    spend      0.0      0.0    0.5
    >>> precedence_chart_weights(chart, diagonal="half").weights.round(4)
    indicator
    use        0.5556
    quality    0.3333
    spend      0.1111
    Name: weight, dtype: float64

    References
    ----------
    1. 穆瑞田 等 (2004). 优序图法在确定评价指标权重中的应用. 《河北建筑科技学院学报》.
    2. SPSSAU 帮助手册, "优序图权重" (https://spssau.com).
    """
    charts_list = [charts] if isinstance(charts, pd.DataFrame) else list(charts)
    if not charts_list:
        raise MethodError("charts is empty; give at least one expert's chart")
    arrays = [_check_chart(c, k) for k, c in enumerate(charts_list)]
    labels = list(charts_list[0].index)
    for k, c in enumerate(charts_list[1:], start=1):
        if list(c.index) != labels:
            raise MethodError(f"charts[{k}] has indicators {list(c.index)}, charts[0] {labels}")
    if diagonal not in ("exclude", "half"):
        raise MethodError(f"diagonal must be 'exclude' or 'half', got {diagonal!r}")
    n = len(labels)
    total = np.zeros((n, n))
    for a in arrays:
        b = a.copy()
        np.fill_diagonal(b, 0.5 if diagonal == "half" else 0.0)
        total += b
    totals = total.sum(axis=1)
    w = totals / totals.sum()
    shown = total.copy()
    if diagonal == "exclude":
        np.fill_diagonal(shown, np.nan)
    idx = pd.Index(labels, name="indicator")
    zero = [lab for lab, wi in zip(labels, w, strict=True) if wi == 0]
    if zero:
        warnings.warn(
            f"indicator(s) {zero} lost every comparison and get weight 0; use "
            "diagonal='half' to keep them, or drop them",
            MethodWarning,
            stacklevel=2,
        )
    return PrecedenceChartResult(
        weights=pd.Series(w, index=idx, name="weight"),
        totals=pd.Series(totals, index=idx, name="total"),
        chart=pd.DataFrame(shown, index=idx, columns=idx),
        n_experts=len(arrays),
        diagonal=diagonal,
        zero_weight=zero,
    )


def precedence_chart_from_values(
    values: pd.Series | Mapping[object, float], *, atol: float = 1e-12
) -> pd.DataFrame:
    r"""A precedence chart from one value per indicator (e.g. mean expert scores or data means).

    :math:`a_{ij} = 1` if :math:`v_i > v_j`, 0.5 if :math:`|v_i - v_j| \le` ``atol``, 0 if
    :math:`v_i < v_j` (diagonal 0.5). Pass the result to :func:`precedence_chart_weights`.
    """
    if isinstance(values, Mapping):
        values = pd.Series(values)
    if not isinstance(values, pd.Series):
        raise MethodTypeError(
            "values must be a pandas Series or a mapping indicator -> value (labels name the "
            f"chart's rows), got {type(values).__name__}"
        )
    if values.index.duplicated().any():
        raise MethodError(f"duplicated indicator(s) {list(values.index[values.index.duplicated()])}")
    v = pd.to_numeric(values, errors="coerce")
    bad = [k for k in values.index if pd.isna(v[k]) and not pd.isna(values[k])]
    if bad:
        raise MethodError(f"values of {bad} are not numbers: {[values[k] for k in bad]}")
    if v.isna().any():
        raise MethodError(f"values are missing for {list(v.index[v.isna()])}")
    if len(v) < 2:
        raise MethodError("a precedence chart needs at least 2 indicators")
    a = v.to_numpy(dtype=float)
    diff = a[:, None] - a[None, :]
    chart = np.where(np.abs(diff) <= atol, 0.5, np.where(diff > 0, 1.0, 0.0))
    idx = pd.Index(list(v.index), name="indicator")
    return pd.DataFrame(chart, index=idx, columns=idx)


# --------------------------------------------------------------------------- 独立性权重


@dataclass(frozen=True)
class IndependenceWeightsResult(Result):
    """Independence weights (独立性权重).

    Attributes
    ----------
    weights : pd.Series
        Normalised weights (sum 1).
    r_squared : pd.Series
        R² of each indicator regressed (OLS with intercept) on all the others.
    multiple_r : pd.Series
        Multiple correlation R = sqrt(R²).
    method : str
    collinear : list
        Indicators the others predict exactly (R² = 1 within 1e-10).
    """

    weights: pd.Series
    r_squared: pd.Series
    multiple_r: pd.Series
    method: str
    collinear: list[object]

    def to_frame(self) -> pd.DataFrame:
        """Per indicator: R², R and weight."""
        return pd.DataFrame(
            {"r_squared": self.r_squared, "multiple_r": self.multiple_r, "weight": self.weights}
        )

    def summary(self) -> Summary:
        """The weights and any collinear indicators; R², R and weight per indicator."""
        lines = [f"method {self.method}; {weights_line(self.weights)}"]
        if self.collinear:
            lines.append(f"predicted exactly by the others: {', '.join(map(str, self.collinear))}")
        return Summary("Independence weights", lines, [self.to_frame()])


def independence_weights(
    x: pd.DataFrame,
    *,
    method: Literal["one_minus_r2", "reciprocal_r"] = "one_minus_r2",
) -> IndependenceWeightsResult:
    r"""Independence weights from the multiple correlation of each indicator with the others.

    Each indicator :math:`j` is regressed by OLS (with intercept) on all other indicators;
    :math:`R_j^2` is the share of its variance they explain, i.e. repeated information.

    * ``method="one_minus_r2"`` (default): :math:`w_j \propto 1-R_j^2` (the unexplained,
      unique share of variance; equals :math:`1/(\mathbf{R}^{-1})_{jj}` for the correlation
      matrix :math:`\mathbf R`).
    * ``method="reciprocal_r"``: :math:`w_j \propto 1/R_j`, the multiple-correlation variant
      (复相关系数 R 越大重复信息越多; SPSSAU's help regresses each indicator on the others and uses
      R; re-implementations of SPSSPRO normalise 1/R. Their printed weighting step could not be
      retrieved, so this attribution is unverified).

    Parameters
    ----------
    x : pd.DataFrame
        Units × indicators (at least 3 indicators and more units than indicators).
    method : {"one_minus_r2", "reciprocal_r"}

    Returns
    -------
    IndependenceWeightsResult

    Notes
    -----
    Missing data: none allowed. An indicator explained exactly by the others (R² = 1) gets
    weight 0 with ``one_minus_r2`` and is listed in ``collinear`` with a MethodWarning;
    ``reciprocal_r`` cannot use an indicator with R = 0 (MethodError names it). Tested against
    per-indicator OLS by statsmodels and the inverse-correlation identity.

    Examples
    --------
    Two indicators that repeat each other share the weight a unique third one keeps:

    >>> import numpy as np
    >>> import pandas as pd
    >>> from methods.weights.practice import independence_weights
    >>> z = np.random.default_rng(1).normal(size=(40, 3))
    >>> x = pd.DataFrame({"a": z[:, 0], "b": 0.8 * z[:, 0] + 0.6 * z[:, 1], "c": z[:, 2]})
    >>> independence_weights(x).to_frame().round(4)
               r_squared  multiple_r  weight
    indicator
    a             0.6668      0.8166  0.2004
    b             0.6665      0.8164  0.2006
    c             0.0044      0.0663  0.5989

    References
    ----------
    1. SPSSAU 帮助手册, "独立性权重" (https://spssau.com).
    2. 苏为华 (2000). 《多指标综合评价理论与方法问题研究》, 厦门大学博士论文 (复相关系数法).
    """
    data = complete_frame(x, name="x", min_rows=3, min_cols=3)
    cols = list(data.columns)
    n, m = data.shape
    if n <= m:
        raise MethodError(
            f"independence weights regress each indicator on the {m - 1} others and need more "
            f"units than indicators; got {n} units for {m} indicators"
        )
    sd = data.std(ddof=0)
    const = [c for c in cols if sd[c] == 0]
    if const:
        raise MethodError(f"indicator(s) {const} are constant; drop them")
    z = ((data - data.mean()) / sd).to_numpy()
    r2 = np.empty(m)
    for j in range(m):
        others = np.delete(z, j, axis=1)
        beta, *_ = np.linalg.lstsq(others, z[:, j], rcond=None)
        resid = z[:, j] - others @ beta
        r2[j] = 1.0 - float(resid @ resid) / float(z[:, j] @ z[:, j])
    r2 = np.clip(r2, 0.0, 1.0)
    collinear = [c for c, v in zip(cols, r2, strict=True) if v > 1 - 1e-10]
    if method == "one_minus_r2":
        score = 1.0 - r2
        if score.sum() <= 0:
            raise MethodError("every indicator is explained exactly by the others (all R² = 1)")
    elif method == "reciprocal_r":
        r = np.sqrt(r2)
        zero = [c for c, v in zip(cols, r, strict=True) if v <= 1e-12]
        if zero:
            raise MethodError(
                f"indicator(s) {zero} are uncorrelated with the others (R = 0): the "
                "reciprocal-R weight is infinite; use method='one_minus_r2'"
            )
        score = 1.0 / r
    else:
        raise MethodError(f"method must be 'one_minus_r2' or 'reciprocal_r', got {method!r}")
    if collinear:
        warnings.warn(
            f"indicator(s) {collinear} are linear combinations of the others (R² = 1)",
            MethodWarning,
            stacklevel=2,
        )
    idx = pd.Index(cols, name="indicator")
    return IndependenceWeightsResult(
        weights=pd.Series(score / score.sum(), index=idx, name="weight"),
        r_squared=pd.Series(r2, index=idx, name="r_squared"),
        multiple_r=pd.Series(np.sqrt(r2), index=idx, name="multiple_r"),
        method=method,
        collinear=collinear,
    )


# --------------------------------------------------------------------------- 信息量权重


@dataclass(frozen=True)
class InformationWeightsResult(Result):
    """Information (coefficient-of-variation) weights (信息量权重).

    Attributes
    ----------
    weights : pd.Series
        Normalised weights (sum 1).
    cv : pd.Series
        Coefficient of variation of each indicator (sample SD, ddof = 1, over the mean).
    """

    weights: pd.Series
    cv: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """Per indicator: CV and weight."""
        return pd.DataFrame({"cv": self.cv, "weight": self.weights})

    def summary(self) -> Summary:
        """The weights; CV and weight per indicator."""
        return Summary("Information (CV) weights", [weights_line(self.weights)], [self.to_frame()])


def information_weights(x: pd.DataFrame) -> InformationWeightsResult:
    r"""Information weights: :math:`w_j = CV_j/\sum_k CV_k`, :math:`CV_j = s_j/\bar x_j`.

    An indicator that varies more, relative to its level, separates units more and carries more
    information (信息量权重, also called 变异系数法). Computed on the raw (positive, ratio-scale)
    indicator values: after min–max normalisation a CV has no meaning.

    Parameters
    ----------
    x : pd.DataFrame
        Units × indicators, raw values with a positive mean.

    Returns
    -------
    InformationWeightsResult

    Notes
    -----
    Missing data: none allowed. A non-positive mean raises MethodError naming the indicator.
    The SD convention cancels in the weights. Matches ``mathmodels::cv_weight`` (R, 0.0.11) to
    1e-12; the CV → weight step reproduces *Math. Probl. Eng.* 2015, art. 239634, Table 3 at
    its 4 printed decimals (20 of 21 indices; index 19 is inconsistent within the table). The same statistic as ``methods.weights.cv_weights`` (if the data are passed raw);
    this function exists under the name Chinese texts use and insists on raw data.

    Examples
    --------
    >>> import pandas as pd
    >>> from methods.weights.practice import information_weights
    >>> raw = pd.DataFrame({"staff": [12, 30, 18, 25], "spend": [1.2, 4.5, 2.0, 2.2],
    ...                     "online": [0.61, 0.72, 0.65, 0.70]}, index=list("ABCD"))
    >>> information_weights(raw).to_frame().round(4)
                   cv  weight
    indicator
    staff      0.3713  0.3647
    spend      0.5727  0.5625
    online     0.0741  0.0728

    References
    ----------
    1. SPSSAU 帮助手册, "信息量权重" (https://spssau.com).
    2. 郭亚军 (2007). 《综合评价理论、方法及应用》, 科学出版社.
    """
    data = complete_frame(x, name="x", min_rows=2)
    mean = data.mean()
    bad = [c for c in data.columns if mean[c] <= 0]
    if bad:
        raise MethodError(
            f"indicator(s) {bad} have a mean <= 0; the coefficient of variation needs raw, "
            "positive, ratio-scale values"
        )
    cv = data.std(ddof=1) / mean
    if cv.sum() <= 0:
        raise MethodError("every indicator is constant; no information to weight")
    idx = pd.Index(list(data.columns), name="indicator")
    cv.index = idx
    return InformationWeightsResult(
        weights=(cv / cv.sum()).rename("weight"), cv=cv.rename("cv")
    )


def __getattr__(name: str) -> object:
    """``entropy_topsis`` and its result moved to :mod:`methods.evaluation.topsis`; the old path
    ``methods.weights_cn`` (an alias of this module) still gives them."""
    if name in ("entropy_topsis", "EntropyTopsisResult"):
        from methods.evaluation import topsis

        return getattr(topsis, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
