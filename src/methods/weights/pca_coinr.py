"""COINr-style PCA weights: the first principal component's loadings within a group.

The OECD/JRC variant (:func:`methods.weights.core.pca_weights`) squares rotated loadings, so its
weights are never negative. COINr's ``get_PCA()`` takes the loadings of the first principal
component (PC1) as they are: the weights that maximise the variance of the weighted sum.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from methods._checks import numeric_frame
from methods._errors import MethodError, MethodWarning
from methods.summary import Result, Summary, weights_line

__all__ = ["PCACoinrResult", "pca_weights_coinr"]


@dataclass(frozen=True)
class PCACoinrResult(Result):
    """Result of :func:`pca_weights_coinr`.

    Attributes
    ----------
    weights : Series
        PC1 loadings scaled to sum to one.
    loadings : Series
        PC1 loadings (unit-length eigenvector of the correlation matrix, COINr's ``Weight``
        column), oriented so that they sum to a positive number.
    eigenvalue : float
        PC1's eigenvalue (variance of the first component of the standardised data).
    explained : float
        PC1's share of the total variance (eigenvalue / number of indicators).
    flipped : bool
        True when the eigenvector was multiplied by −1 to orient it.
    n_units : int
        Complete units the PCA used.
    """

    weights: pd.Series
    loadings: pd.Series
    eigenvalue: float
    explained: float
    flipped: bool
    n_units: int
    method: str = "pca_coinr"

    def to_frame(self) -> pd.DataFrame:
        """Per indicator: its weight and its loading on the first component."""
        return pd.DataFrame({"weight": self.weights, "loading": self.loadings})

    def summary(self) -> Summary:
        """PC1's share of the variance and the weights."""
        lines = [f"PC1 explains {self.explained:.1%} of the variance ({self.n_units} units)",
                 weights_line(self.weights)]
        return Summary("Weights (PCA, COINr: PC1 loadings)", lines, [self.to_frame()])


def _refuse_negative(loadings: pd.Series) -> None:
    neg = loadings[loadings < 0]
    if neg.empty:
        return
    listed = ", ".join(f"{k} ({v:.3f})" for k, v in neg.items())
    raise MethodError(
        f"pca_weights_coinr: PC1 loadings have mixed signs; negative for {listed}. PC1 is the "
        "direction of greatest variance: an indicator that correlates negatively with the others "
        "loads against them, and COINr's approach (weights = PC1 loadings) would give it a "
        "negative weight, so that a better value lowers the aggregate. Check the indicator's "
        "direction (a cost indicator not reversed?), drop it from the group, or use the OECD/JRC "
        "PCA weights ('pca', squared rotated loadings, never negative) or another method"
    )


def pca_weights_coinr(x: pd.DataFrame) -> PCACoinrResult:
    r"""Weights from the first principal component's loadings, as COINr's ``get_PCA()``.

    The eigenvector :math:`v_1` of the correlation matrix with the largest eigenvalue (R
    ``prcomp(x, center = TRUE, scale = TRUE)$rotation[, 1]``) gives the loadings;
    the weights are :math:`w_j = v_{1j} / \sum_k v_{1k}`. Call it on one group of sibling
    indicators at a time (COINr's ``by_groups = TRUE``; the registry's ``scope: group``).

    Sign convention: an eigenvector's sign is arbitrary. COINr imposes none (it keeps what
    ``prcomp``'s SVD returns, and warns that "PCA may arbitrarily flip the axes"); here PC1 is
    oriented so that its loadings sum to a positive number, so a group whose loadings all share
    one sign always gets positive weights (COINr's ``Weight`` with the sign of their sum). A
    group whose loadings still have mixed signs is refused with a MethodError that names the
    negative indicators and says why and
    what to do.

    Parameters
    ----------
    x : DataFrame
        Units × indicators of one group (normalised, oriented). Units with a missing value are
        left out, as COINr does (``na.omit``), with a warning.

    Returns
    -------
    PCACoinrResult

    Notes
    -----
    Tested against COINr 1.1.14 ``get_PCA(coin, dset = "Normalised", Level = 1, by_groups =
    TRUE)`` and at Level 2 on COINr's ASEM example: loadings equal to 1e-10 up to the sign of
    each group (``tests/reference/coinr_pca/``).

    Examples
    --------
    >>> import pandas as pd
    >>> from methods.weights.pca_coinr import pca_weights_coinr
    >>> x = pd.DataFrame({"a": [1.0, 2, 3, 4, 6], "b": [2.0, 1, 4, 3, 5], "c": [1.0, 3, 2, 5, 4]})
    >>> pca_weights_coinr(x).weights.round(4).tolist()
    [0.382, 0.319, 0.299]

    References
    ----------
    1. Becker, W., Caperna, G., Del Sorbo, M., Norlén, H., Papadimitriou, E., Saisana, M. (2022).
       COINr: an R package for developing composite indicators. *JOSS* 7(78), 4567.
    2. Becker, W., Benavente, D., Dominguez Torreiro, M., Tacao Moura, C., Fragoso Neves, A.,
       Saisana, M., Vertesy, D. (2021). Exploring the link between Asia and Europe connectivity
       and sustainable development. *Research in Globalization* 3, 100045.
    """
    vals = numeric_frame(x, name="x")
    if vals.shape[1] < 2:
        raise MethodError(f"pca_weights_coinr: needs at least 2 indicators, got {vals.shape[1]}")
    full = vals.dropna()
    if len(full) < len(vals):
        warnings.warn(f"pca_weights_coinr: {len(vals) - len(full)} unit(s) with missing values "
                      "left out of the PCA (as COINr's na.omit)", MethodWarning, stacklevel=2)
    if len(full) < 3:
        raise MethodError("pca_weights_coinr: fewer than 3 units with complete data")
    sd = full.std(ddof=1)
    const = list(sd.index[sd.to_numpy() == 0])
    if const:
        raise MethodError(f"pca_weights_coinr: indicator(s) {const} have no variance; drop them")
    lam, vec = np.linalg.eigh(np.corrcoef(full.to_numpy(), rowvar=False))
    v1 = vec[:, int(np.argmax(lam))]
    flipped = bool(v1.sum() < 0)
    loadings = pd.Series(-v1 if flipped else v1, index=list(full.columns), name="loading")
    _refuse_negative(loadings)
    return PCACoinrResult(
        weights=(loadings / loadings.sum()).rename("weight"),
        loadings=loadings,
        eigenvalue=float(lam.max()),
        explained=float(lam.max() / len(loadings)),
        flipped=flipped,
        n_units=len(full),
    )
