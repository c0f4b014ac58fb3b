"""Grey relational analysis (灰色关联分析, Deng Julong's grey incidence).

Two uses, one computation:

* :func:`grey_relational_analysis` — *factor analysis*: how closely does each comparison
  sequence (a factor observed over years or over units) follow a reference sequence (an outcome)?
  Sequences are columns; each is made dimensionless on its own (初值化 / 均值化 / 区间化).
* :func:`grey_relational_evaluation` — *evaluation*: units × indicators, each indicator
  oriented and min–max normalised across units, every unit compared with the ideal unit
  (best value of each indicator); the weighted grade ranks the units (灰色关联综合评价).

Both use Deng's relational coefficient with the two-level minimum and maximum differences
(两级最小差、两级最大差) and the distinguishing coefficient ρ (分辨系数, 0.5 by default).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from methods._checks import complete_frame, direction_vector, weight_vector
from methods._errors import MethodError, MethodTypeError
from methods.conventions import Convention, convention_default
from methods.summary import Result, Summary, ranking_line

__all__ = [
    "GreyRelationalResult",
    "GreyEvaluationResult",
    "grey_relational_analysis",
    "grey_relational_evaluation",
]

SequenceScaling = Literal["mean", "initial", "minmax", "none"]


def _check_rho(rho: float) -> float:
    try:
        r = float(rho)
    except (TypeError, ValueError):
        raise MethodTypeError(f"rho must be a number in (0, 1], got {rho!r}") from None
    if not 0 < r <= 1:
        raise MethodError(f"rho (distinguishing coefficient) must lie in (0, 1], got {rho!r}")
    return r


def _coefficients(ref: np.ndarray, cmp: np.ndarray, rho: float) -> tuple[np.ndarray, float, float]:
    """Deng's coefficients ξ_i(k) for reference ``ref`` (k,) and comparison ``cmp`` (k, i)."""
    delta = np.abs(cmp - ref[:, None])
    dmin = float(delta.min())
    dmax = float(delta.max())
    if dmax == 0:
        # every sequence equals the reference: perfect relation by definition
        return np.ones_like(delta), dmin, dmax
    return (dmin + rho * dmax) / (delta + rho * dmax), dmin, dmax


@dataclass(frozen=True)
class GreyRelationalResult(Result):
    """Grey relational grades of comparison sequences with a reference sequence.

    Attributes
    ----------
    grades : pd.Series
        Relational grade γ of each comparison sequence (factor), in (0, 1].
    coefficients : pd.DataFrame
        Relational coefficients ξ (points × factors).
    scaled : pd.DataFrame
        The dimensionless sequences, reference first (column ``reference_name``).
    delta_min, delta_max : float
        Two-level minimum and maximum absolute differences.
    rho : float
        Distinguishing coefficient.
    scaling : str
        How each sequence was made dimensionless.
    """

    grades: pd.Series
    coefficients: pd.DataFrame
    scaled: pd.DataFrame
    delta_min: float
    delta_max: float
    rho: float
    scaling: str

    def to_frame(self) -> pd.DataFrame:
        """Grades with their order (1 = most closely related), most related first."""
        out = pd.DataFrame(
            {"grade": self.grades, "order": self.grades.rank(ascending=False, method="min")}
        )
        return out.sort_values("grade", ascending=False)

    @property
    def scores(self) -> pd.Series:
        """The relational grades (the shared name of evaluation scores)."""
        return self.grades

    @property
    def ranks(self) -> pd.Series:
        """Order of the grades, 1 = most closely related (ties "min")."""
        return self.grades.rank(ascending=False, method="min")

    def summary(self) -> Summary:
        """The most and least related sequences; grades and order."""
        lines = [ranking_line(self.grades, self.ranks, "grade", "sequences"),
                 f"rho = {self.rho:g}, scaling = {self.scaling}"]
        return Summary("Grey relational analysis", lines, [self.to_frame()])


def _scale_sequences(frame: pd.DataFrame, scaling: str) -> pd.DataFrame:
    if scaling == "none":
        return frame
    if scaling == "initial":
        first = frame.iloc[0]
        zero = first[first == 0]
        if len(zero):
            raise MethodError(
                f"initial-value scaling (初值化) divides by the first point, which is 0 for "
                f"{list(zero.index)}; use scaling='mean' or 'minmax'"
            )
        return frame / first
    if scaling == "mean":
        mean = frame.mean()
        zero = mean[mean == 0]
        if len(zero):
            raise MethodError(
                f"mean scaling (均值化) divides by the mean, which is 0 for {list(zero.index)}; "
                "use scaling='minmax'"
            )
        return frame / mean
    if scaling == "minmax":
        rng = frame.max() - frame.min()
        const = rng[rng == 0]
        if len(const):
            raise MethodError(
                f"min-max scaling (区间化) needs variation; sequence(s) {list(const.index)} are "
                "constant"
            )
        return (frame - frame.min()) / rng
    raise MethodError(
        f"scaling must be 'mean', 'initial', 'minmax' or 'none', got {scaling!r}"
    )


def grey_relational_analysis(
    reference: pd.Series,
    comparison: pd.DataFrame,
    *,
    rho: float = 0.5,
    scaling: SequenceScaling | None = None,
    weights: Mapping[object, float] | pd.Series | Sequence[float] | None = None,
    convention: Convention = "dgpe",
) -> GreyRelationalResult:
    r"""Deng's grey relational grade of each comparison sequence with a reference sequence.

    Each sequence (the reference and every column of ``comparison``) is made dimensionless on
    its own (``scaling``), then for every point :math:`k` and factor :math:`i`

    .. math::

        \Delta_i(k) = |x_0(k) - x_i(k)|,\qquad
        \xi_i(k) = \frac{\min_i\min_k \Delta_i(k) + \rho\,\max_i\max_k \Delta_i(k)}
                        {\Delta_i(k) + \rho\,\max_i\max_k \Delta_i(k)},\qquad
        \gamma_i = \sum_k w_k\,\xi_i(k),

    with the two-level minimum and maximum differences taken over all factors and points,
    :math:`\rho` the distinguishing coefficient (0.5 by default) and point weights
    :math:`w_k` (equal, i.e. the mean, by default).

    Parameters
    ----------
    reference : pd.Series
        The reference (system behaviour) sequence, indexed by point (year or unit).
    comparison : pd.DataFrame
        One column per comparison sequence (factor), same index as ``reference``.
    rho : float, default 0.5
        Distinguishing coefficient in (0, 1].
    scaling : {"mean", "initial", "minmax", "none"}, optional
        均值化 (divide by the sequence mean), 初值化 (divide by the first point),
        区间化 (min–max to [0, 1]) or none (data already comparable). Default: the
        ``convention``'s, ``"mean"`` (dgpe) or ``"none"`` (spssau).
    weights : optional
        Weights of the points (length = number of points); equal by default.
    convention : {"dgpe", "spssau"}, default "dgpe"
        Only sets the default ``scaling``: the project scales by the mean (均值化, comparable
        sequences of different units); SPSSAU applies no scaling unless asked
        (``spssau.net/helps/grey.html``: "By default, no dimensionalization is applied").

    Returns
    -------
    GreyRelationalResult

    Notes
    -----
    Missing data: none allowed (a MethodError names the cell). The reference and comparison
    sequences must share their index exactly.

    Matches ``mathmodels::grey_corr`` (R, J. Zhang, 0.0.11) to 1e-12 on the data of
    Si Shoukui's example 14.5 (``tests/reference/cn_grey_mathmodels.json``).

    References
    ----------
    1. Deng, J. (1982). Control problems of grey systems. *Systems & Control Letters* 1(5),
       288–294.
    2. 刘思峰 等 (2017). 《灰色系统理论及其应用》第 8 版, 科学出版社, 第 3 章.
    """
    if not isinstance(reference, pd.Series):
        raise MethodTypeError(f"reference must be a pandas Series, got {type(reference).__name__}")
    cmp = complete_frame(comparison, name="comparison")
    ref = complete_frame(reference.to_frame(name="reference"), name="reference")["reference"]
    if not ref.index.equals(cmp.index):
        raise MethodError(
            "reference and comparison must share their index (the points, e.g. years); "
            f"reference has {list(ref.index)[:5]}..., comparison {list(cmp.index)[:5]}..."
        )
    r = _check_rho(rho)
    how: str = convention_default(convention, scaling, "mean", "none")
    both = pd.concat([ref.rename("reference"), cmp], axis=1)
    if "reference" in cmp.columns:
        raise MethodError("comparison has a column named 'reference'; rename it")
    scaled = _scale_sequences(both, how)
    w = weight_vector(weights, list(cmp.index), name="weights (of the points)")
    xi, dmin, dmax = _coefficients(
        scaled["reference"].to_numpy(), scaled[cmp.columns].to_numpy(), r
    )
    coef = pd.DataFrame(xi, index=cmp.index, columns=cmp.columns)
    grades = pd.Series(w @ xi, index=cmp.columns, name="grade")
    return GreyRelationalResult(
        grades=grades,
        coefficients=coef,
        scaled=scaled,
        delta_min=dmin,
        delta_max=dmax,
        rho=r,
        scaling=how,
    )


@dataclass(frozen=True)
class GreyEvaluationResult(Result):
    """Grey relational evaluation of units against the ideal (and anti-ideal) unit.

    Attributes
    ----------
    grades : pd.Series
        Weighted relational grade of each unit with the ideal unit (higher is better).
    ranks : pd.Series
        1 = best grade; ties share the lowest rank.
    coefficients : pd.DataFrame
        Relational coefficients with the ideal (units × indicators).
    grades_anti_ideal : pd.Series
        Weighted grade with the anti-ideal unit (worst value of each indicator).
    closeness : pd.Series
        Relative closeness γ⁺ / (γ⁺ + γ⁻) (grey relational TOPSIS).
    normalised : pd.DataFrame
        Oriented min–max normalised data that were compared.
    weights : pd.Series
        Indicator weights used (sum 1).
    rho : float
        Distinguishing coefficient.
    """

    grades: pd.Series
    ranks: pd.Series
    coefficients: pd.DataFrame
    grades_anti_ideal: pd.Series
    closeness: pd.Series
    normalised: pd.DataFrame
    weights: pd.Series
    rho: float

    def to_frame(self) -> pd.DataFrame:
        """Per unit: grade, rank, anti-ideal grade and closeness, best first."""
        out = pd.DataFrame(
            {
                "grade": self.grades,
                "rank": self.ranks,
                "grade_anti_ideal": self.grades_anti_ideal,
                "closeness": self.closeness,
            }
        )
        return out.sort_values("rank")

    @property
    def scores(self) -> pd.Series:
        """The grades with the ideal (the shared name of evaluation scores)."""
        return self.grades

    def summary(self) -> Summary:
        """The ranking in a line; grades, ranks and closeness per unit."""
        lines = [ranking_line(self.grades, self.ranks, "grade"),
                 f"{len(self.weights)} indicators, rho = {self.rho:g}"]
        return Summary("Grey relational evaluation", lines, [self.to_frame()])


def grey_relational_evaluation(
    x: pd.DataFrame,
    *,
    weights: Mapping[object, float] | pd.Series | Sequence[float] | None = None,
    directions: Mapping[str, float] | pd.Series | pd.DataFrame | Sequence[float] | None = None,
    rho: float = 0.5,
    normalise: bool | None = None,
    convention: Convention = "dgpe",
) -> GreyEvaluationResult:
    r"""Grey relational comprehensive evaluation (灰色关联综合评价) of units.

    Each indicator is oriented (``directions``) and min–max normalised across units
    (:math:`z_{ij} = (x_{ij}-\min_i x_{ij})/(\max_i x_{ij}-\min_i x_{ij})`, reversed for
    negative indicators). The reference sequence is the ideal unit
    :math:`z_{0j} = \max_i z_{ij} = 1`; Deng's coefficient with two-level min/max differences
    taken over all units and indicators is

    .. math:: \xi_{ij} = \frac{\Delta_{\min} + \rho\Delta_{\max}}{|z_{0j}-z_{ij}| + \rho\Delta_{\max}},
              \qquad \gamma_i = \sum_j w_j \xi_{ij},

    the weighted relational grade (关联度). The grade with the anti-ideal unit
    (:math:`\min_i z_{ij}`) gives the relative closeness
    :math:`\gamma_i^+/(\gamma_i^+ + \gamma_i^-)` as in grey relational TOPSIS.

    Parameters
    ----------
    x : pd.DataFrame
        Units × indicators, raw or already oriented.
    weights : optional
        Indicator weights (Series/mapping by indicator or sequence); equal by default.
    directions : optional
        +1/-1 per indicator (mapping, Series, sequence or meta frame); all +1 by default.
    rho : float, default 0.5
        Distinguishing coefficient in (0, 1].
    normalise : bool, optional
        False if ``x`` is already oriented and on a common [0, 1] scale (then ``directions``
        must be None). Default: the ``convention``'s, True (dgpe) or False (spssau).
    convention : {"dgpe", "spssau"}, default "dgpe"
        Only sets the default ``normalise``: SPSSAU compares the data as given (no
        dimensionalization by default, ``spssau.net/helps/grey.html``), so negative indicators
        must be reversed and the units made comparable beforehand.

    Returns
    -------
    GreyEvaluationResult

    Notes
    -----
    Missing data: none allowed. A constant indicator cannot be min–max normalised and raises
    a MethodError naming it.

    Matches ``mathmodels::grey_corr(ref = ideal, cmp = t(Z), w = w)`` (R, 0.0.11) to 1e-12
    and ``pyDecision.gra_method`` 5.1.8 (up to its division by the number of units) on Si
    Shoukui's example 14.5 (``tests/reference/cn_grey_mathmodels.json``). Reproduces the
    published Taguchi–grey relational example of Abifarin & Abifarin (Environ. Sci. Pollut.
    Res.): normalised sequences and 34 of 36 coefficients at their 3 printed decimals (the
    other two are the paper's printing slips, checked as such), and the ANOVA sums of squares
    of the grades at 6 (``tests/test_published_examples.py``).

    Examples
    --------
    Three units, one negative indicator (days of waiting):

    >>> import pandas as pd
    >>> from methods.evaluation.grey import grey_relational_evaluation
    >>> x = pd.DataFrame({"online_rate": [0.92, 0.75, 0.60], "wait_days": [2.0, 5.0, 3.0],
    ...                   "satisfaction": [88.0, 90.0, 70.0]}, index=["A", "B", "C"])
    >>> res = grey_relational_evaluation(x, directions={"online_rate": 1, "wait_days": -1,
    ...                                                 "satisfaction": 1})
    >>> res.to_frame().round(4)
        grade  rank  grade_anti_ideal  closeness
    A  0.9444   1.0            0.3413     0.7346
    B  0.6061   2.0            0.6165     0.4957
    C  0.4222   3.0            0.8095     0.3428

    References
    ----------
    1. Deng, J. (1989). Introduction to grey system theory. *The Journal of Grey System* 1(1),
       1–24.
    2. 司守奎, 孙玺菁 (2015). 《数学建模算法与应用》第 2 版, 国防工业出版社, 第 14 章
       (灰色关联分析, 例 14.5).
    """
    data = complete_frame(x, name="x")
    cols = list(data.columns)
    r = _check_rho(rho)
    w = weight_vector(weights, cols)
    normalise = convention_default(convention, normalise, True, False)
    if normalise:
        d = direction_vector(directions, cols)
        rng = data.max() - data.min()
        const = [c for c in cols if rng[c] == 0]
        if const:
            raise MethodError(
                f"indicator(s) {const} are constant across units and cannot be min-max "
                "normalised; drop them"
            )
        z = (data - data.min()) / rng
        neg = [c for c, s in zip(cols, d, strict=True) if s < 0]
        if neg:
            z[neg] = 1.0 - z[neg]
    else:
        if directions is not None:
            raise MethodError("directions are only used with normalise=True")
        z = data
    zz = z.to_numpy().T  # indicators × units
    xi_pos, _, _ = _coefficients(zz.max(axis=1), zz, r)
    xi_neg, _, _ = _coefficients(zz.min(axis=1), zz, r)
    g_pos = pd.Series(w @ xi_pos, index=data.index, name="grade")
    g_neg = pd.Series(w @ xi_neg, index=data.index, name="grade_anti_ideal")
    close = (g_pos / (g_pos + g_neg)).rename("closeness")
    return GreyEvaluationResult(
        grades=g_pos,
        ranks=g_pos.rank(ascending=False, method="min").rename("rank"),
        coefficients=pd.DataFrame(xi_pos.T, index=data.index, columns=cols),
        grades_anti_ideal=g_neg,
        closeness=close,
        normalised=z,
        weights=pd.Series(w, index=cols, name="weight"),
        rho=r,
    )
