"""Entropy-weighted TOPSIS (熵权TOPSIS): min–max normalisation, then the project's
:func:`methods.weights.entropy_weights` and :func:`methods.index.aggregate.topsis` (composed, not
copied).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from methods._checks import complete_frame, direction_vector
from methods._errors import MethodError
from methods.conventions import Convention, check_convention, spssau_shift
from methods.index.aggregate import topsis
from methods.summary import Result, Summary, ranking_line
from methods.weights.core import entropy_weights

__all__ = ["EntropyTopsisResult", "entropy_topsis"]


@dataclass(frozen=True)
class EntropyTopsisResult(Result):
    """Entropy-weighted TOPSIS (熵权TOPSIS).

    Attributes
    ----------
    weights : pd.Series
        Entropy weights (from ``methods.weights.entropy_weights``).
    closeness : pd.Series
        TOPSIS relative closeness to the ideal (from ``methods.index.aggregate.topsis``).
    ranks : pd.Series
        1 = closest to the ideal.
    normalised : pd.DataFrame
        The data both steps used: oriented min–max values (``preprocess="minmax"``) or the raw
        values (``preprocess="raw"``).
    preprocess : str
    """

    weights: pd.Series
    closeness: pd.Series
    ranks: pd.Series
    normalised: pd.DataFrame
    preprocess: str = "minmax"

    def to_frame(self) -> pd.DataFrame:
        """Per unit: closeness and rank, best first."""
        return pd.DataFrame({"closeness": self.closeness, "rank": self.ranks}).sort_values(
            "rank"
        )

    @property
    def scores(self) -> pd.Series:
        """The closeness to the ideal (the shared name of evaluation scores)."""
        return self.closeness

    def summary(self) -> Summary:
        """The ranking in a line; closeness and rank per unit, and the entropy weights."""
        lines = [ranking_line(self.closeness, self.ranks, "closeness"),
                 f"{len(self.weights)} indicators, entropy weights; preprocess = {self.preprocess}"]
        return Summary("Entropy-weighted TOPSIS", lines,
                       [self.to_frame(), self.weights.rename("weight").to_frame()])


def entropy_topsis(
    x: pd.DataFrame,
    *,
    directions: Mapping[str, float] | pd.Series | pd.DataFrame | Sequence[float] | None = None,
    preprocess: Literal["minmax", "raw"] | None = None,
    convention: Convention = "dgpe",
) -> EntropyTopsisResult:
    r"""Entropy-weighted TOPSIS: weight by entropy, rank by TOPSIS closeness.

    Two variants are published, and they give different weights:

    * ``preprocess="minmax"`` (default; the usual 熵权TOPSIS of Chinese texts):
      orient and min–max normalise each indicator,
      :math:`z_{ij}=(x_{ij}-\min_i x_{ij})/(\max_i x_{ij}-\min_i x_{ij})` (reversed for
      negative indicators); entropy weights of :math:`Z`; TOPSIS closeness of :math:`Z`
      (vector normalisation) with those weights.
    * ``preprocess="raw"`` (Hwang & Yoon's decision-matrix form, used e.g. by Ersoy 2021):
      entropy weights on the raw matrix, :math:`p_{ij}=x_{ij}/\sum_i x_{ij}`, needing
      non-negative values; TOPSIS on the raw matrix (vector normalisation) with the directions
      choosing the ideal (max for benefit, min for cost indicators).

    Both compose the project's own entropy (:math:`e_j=-\sum_i p_{ij}\ln p_{ij}/\ln m`,
    :math:`0\ln 0 = 0`, :math:`w_j\propto 1-e_j`) and TOPSIS (vector normalisation,
    Euclidean distances, :math:`C_i=D_i^-/(D_i^++D_i^-)`); see their docstrings.

    Parameters
    ----------
    x : pd.DataFrame
        Units × indicators, raw values.
    directions : optional
        +1/-1 per indicator; all +1 by default.
    preprocess : {"minmax", "raw"}, optional
        See above; default ``"minmax"``. Not used with ``convention="spssau"``.
    convention : {"dgpe", "spssau"}, default "dgpe"
        ``"spssau"``: SPSSAU's 熵权TOPSIS (``spssau.net/helps/entropy_topsis.html``): no
        normalisation; a column with a value :math:`\le 0` is shifted by
        :math:`|\min| + 0.01` (非负平移, :func:`methods.conventions.spssau_shift`); entropy
        weights of the shifted data :math:`X'`; TOPSIS on :math:`X'` weighted,
        :math:`v_{ij} = w_j x'_{ij}`, with the ideal the column maximum (no normalisation). SPSSAU
        expects negative indicators reversed beforehand, so ``directions`` must be all +1.

    Returns
    -------
    EntropyTopsisResult

    Notes
    -----
    Missing data: none allowed; constant indicators raise MethodError. Tested against a loop
    implementation of the whole chain (``tests/test_weights_cn.py``) and, for
    ``preprocess="raw"``, against the published example of Ersoy (2021): weights and
    closeness equal the printed values at their 3 decimals.

    Examples
    --------
    >>> import pandas as pd
    >>> from methods.evaluation.topsis import entropy_topsis
    >>> raw = pd.DataFrame({"staff": [12, 30, 18, 25], "spend": [1.2, 4.5, 2.0, 2.2],
    ...                     "online": [0.61, 0.72, 0.65, 0.70]}, index=list("ABCD"))
    >>> res = entropy_topsis(raw, directions={"staff": 1, "spend": -1, "online": 1})
    >>> res.to_frame().round(4)
       closeness  rank
    D     0.7479   1.0
    B     0.6554   2.0
    C     0.4428   3.0
    A     0.3446   4.0

    References
    ----------
    1. Hwang, C.-L., Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer.
    2. 郭亚军 (2007). 《综合评价理论、方法及应用》, 科学出版社 (熵值法).
    3. Ersoy, Y. (2021). Equipment selection for an e-commerce company using entropy-based
       TOPSIS, EDAS and CODAS methods during the COVID-19. *LogForum* 17(3), 341–358.
    """
    if check_convention(convention) == "spssau":
        if preprocess is not None:
            raise MethodError("entropy_topsis: preprocess is not used with convention='spssau' "
                              "(SPSSAU shifts and does not normalise); leave it unset")
        return _spssau_entropy_topsis(x, directions)
    preprocess = "minmax" if preprocess is None else preprocess
    if preprocess not in ("minmax", "raw"):
        raise MethodError(f"preprocess must be 'minmax' or 'raw', got {preprocess!r}")
    data = complete_frame(x, name="x", min_rows=2, min_cols=2)
    cols = list(data.columns)
    d = direction_vector(directions, cols)
    if preprocess == "raw":
        neg = np.argwhere(data.to_numpy() < 0)
        if len(neg):
            i, j = neg[0]
            raise MethodError(
                f"preprocess='raw' takes entropy of x/Σx and needs non-negative values; unit "
                f"{data.index[i]!r}, indicator {cols[j]!r} is {data.iat[i, j]!r}"
            )
        z = data  # entropy_weights rejects constant columns, naming them
        w = entropy_weights(z).weights
        close = topsis(z, w, normalisation="vector",
                       directions=dict(zip(cols, d, strict=True))).scores.rename("closeness")
    else:
        rng = data.max() - data.min()
        const = [c for c in cols if rng[c] == 0]
        if const:
            raise MethodError(f"indicator(s) {const} are constant across units; drop them")
        z = (data - data.min()) / rng
        negative = [c for c, s in zip(cols, d, strict=True) if s < 0]
        if negative:
            z[negative] = 1.0 - z[negative]
        w = entropy_weights(z).weights
        close = topsis(z, w, normalisation="vector").scores.rename("closeness")
    return EntropyTopsisResult(
        weights=w,
        closeness=close,
        ranks=close.rank(ascending=False, method="min").rename("rank"),
        normalised=z,
        preprocess=preprocess,
    )


def _spssau_entropy_topsis(
    x: pd.DataFrame,
    directions: Mapping[str, float] | pd.Series | pd.DataFrame | Sequence[float] | None,
) -> EntropyTopsisResult:
    """SPSSAU's 熵权TOPSIS: shift, entropy weights, TOPSIS on the weighted shifted data."""
    data = complete_frame(x, name="x", min_rows=2, min_cols=2)
    cols = list(data.columns)
    d = direction_vector(directions, cols)
    negative = [c for c, s in zip(cols, d, strict=True) if s < 0]
    if negative:
        raise MethodError(
            f"convention='spssau' takes the data as given, so negative indicators {negative} must "
            "be reversed first (SPSSAU: 数据处理 → 生成变量 → 逆向化); or use convention='dgpe'"
        )
    z = spssau_shift(data)
    w = entropy_weights(z).weights
    close = topsis(z, w, normalisation="none").scores.rename("closeness")
    return EntropyTopsisResult(
        weights=w,
        closeness=close,
        ranks=close.rank(ascending=False, method="min").rename("rank"),
        normalised=z,
        preprocess="spssau",
    )
