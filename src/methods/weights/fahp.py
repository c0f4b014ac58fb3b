"""Fuzzy AHP with triangular fuzzy numbers (模糊层次分析法, FAHP).

Two variants, both widely used and giving different weights on the same judgements:

* ``method="extent"`` — Chang's (1996) extent analysis: fuzzy synthetic extents, degree of
  possibility, normalised minimum degrees. Known flaw (Wang, Luo & Hua 2008): it can give a
  criterion zero weight although its judgements are not all dominated; flagged here.
* ``method="geometric_mean"`` — Buckley's (1985) fuzzy geometric mean of each row, fuzzy
  weights, defuzzified by the centroid (l+m+u)/3 (default) or the graded mean (l+4m+u)/6, then
  normalised.

A triangular fuzzy number (TFN) is :math:`(l, m, u)` with :math:`l \\le m \\le u`. A judgement
matrix is given as three square DataFrames ``{"l": L, "m": M, "u": U}`` labelled by the
criteria, or built from a crisp Saaty matrix by :func:`tfn_from_crisp`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from methods._errors import MethodError, MethodTypeError, MethodWarning
from methods._meta import hierarchy_from_meta
from methods.summary import Result, Summary, weights_line
from methods.weights.core import ahp

__all__ = [
    "FuzzyAHPResult",
    "aggregate_tfn",
    "fuzzy_ahp",
    "fuzzy_ahp_consistency",
    "fuzzy_ahp_hierarchy",
    "possibility_degree",
    "tfn_from_crisp",
]

TFNMatrix = Mapping[str, pd.DataFrame]


def _check_tfn_matrix(
    matrix: TFNMatrix, name: str = "matrix", *, rtol: float = 1e-6
) -> tuple[list[object], np.ndarray]:
    """Validate a TFN judgement matrix; return labels and an (n, n, 3) array."""
    if not isinstance(matrix, Mapping) or set(matrix) != {"l", "m", "u"}:
        raise MethodTypeError(
            f"{name} must be a mapping with keys 'l', 'm', 'u' of square DataFrames"
        )
    parts = []
    labels: list[object] | None = None
    for key in ("l", "m", "u"):
        df = matrix[key]
        if not isinstance(df, pd.DataFrame):
            raise MethodTypeError(f"{name}[{key!r}] must be a DataFrame, got {type(df).__name__}")
        if df.shape[0] != df.shape[1] or df.shape[0] < 2:
            raise MethodError(f"{name}[{key!r}] must be square with >= 2 criteria, got {df.shape}")
        if list(df.index) != list(df.columns):
            raise MethodError(f"{name}[{key!r}] must have the same labels on rows and columns")
        if labels is None:
            labels = list(df.index)
        elif list(df.index) != labels:
            raise MethodError(f"{name}['l'], ['m'], ['u'] must be labelled by the same criteria")
        vals = pd.DataFrame(df).apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(vals) | (vals <= 0)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            raise MethodError(
                f"{name}[{key!r}] cell ({labels[i]!r}, {labels[j]!r}) is {df.iat[i, j]!r}; "
                "expected a positive number"
            )
        parts.append(vals)
    if labels is None:  # unreachable: the loop above always runs
        raise MethodError(f"{name} is empty")
    a = np.stack(parts, axis=-1)
    order = (a[..., 0] <= a[..., 1] + 1e-12) & (a[..., 1] <= a[..., 2] + 1e-12)
    if not order.all():
        i, j = np.argwhere(~order)[0]
        raise MethodError(
            f"{name} cell ({labels[i]!r}, {labels[j]!r}) = {tuple(a[i, j])} is not a TFN "
            "(need l <= m <= u)"
        )
    n = len(labels)
    for i in range(n):
        if not np.allclose(a[i, i], 1.0):
            raise MethodError(f"{name} diagonal cell {labels[i]!r} must be (1, 1, 1)")
        for j in range(i + 1, n):
            recip = 1.0 / a[j, i][::-1]
            if not np.allclose(a[i, j], recip, rtol=rtol, atol=1e-9):
                raise MethodError(
                    f"{name} is not reciprocal at ({labels[i]!r}, {labels[j]!r}): "
                    f"{tuple(np.round(a[i, j], 6))} vs 1/{tuple(np.round(a[j, i], 6))}; "
                    f"expected a_ij = (1/u_ji, 1/m_ji, 1/l_ji) within rtol={rtol:g}"
                )
    return labels, a


def tfn_from_crisp(matrix: pd.DataFrame, *, delta: float = 1.0) -> dict[str, pd.DataFrame]:
    r"""Fuzzify a crisp Saaty judgement matrix into TFNs.

    A judgement :math:`a \ge 1` becomes :math:`(\max(1, a-\delta), a, \min(9, a+\delta))`
    (so 1 stays (1, 1, 1) and 9 becomes (8, 9, 9) for δ = 1); a judgement :math:`a<1` becomes
    the reciprocal of the fuzzified :math:`1/a`. This is the usual 1–9 TFN scale of Chinese
    FAHP practice.

    Parameters
    ----------
    matrix : pd.DataFrame
        Positive reciprocal judgement matrix with equal row and column labels.
    delta : float, default 1.0
        Spread of the TFN around the crisp judgement.

    Returns
    -------
    dict
        ``{"l": L, "m": M, "u": U}``, a valid input of :func:`fuzzy_ahp`.
    """
    if not isinstance(matrix, pd.DataFrame):
        raise MethodTypeError(f"matrix must be a DataFrame, got {type(matrix).__name__}")
    if matrix.shape[0] != matrix.shape[1] or list(matrix.index) != list(matrix.columns):
        raise MethodError("matrix must be square with the same labels on rows and columns")
    if not np.isfinite(delta) or delta < 0:
        raise MethodError(f"delta must be a finite number >= 0, got {delta!r}")
    a = matrix.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    labels = list(matrix.index)
    if (~np.isfinite(a) | (a <= 0)).any():
        i, j = np.argwhere(~np.isfinite(a) | (a <= 0))[0]
        raise MethodError(f"matrix cell ({labels[i]!r}, {labels[j]!r}) must be a positive number")
    big = np.where(a >= 1, a, 1.0 / a)
    lo = np.maximum(1.0, big - delta)
    hi = np.minimum(9.0, big + delta)
    hi = np.maximum(hi, big)
    lo = np.where(big == 1, 1.0, lo)
    hi = np.where(big == 1, 1.0, hi)
    inv = a < 1
    l_ = np.where(inv, 1.0 / hi, lo)
    m_ = np.where(inv, 1.0 / big, big)
    u_ = np.where(inv, 1.0 / lo, hi)
    mk = lambda v: pd.DataFrame(v, index=labels, columns=labels)  # noqa: E731
    return {"l": mk(l_), "m": mk(m_), "u": mk(u_)}


def aggregate_tfn(matrices: Sequence[TFNMatrix]) -> dict[str, pd.DataFrame]:
    """Group judgement by the element-wise geometric mean of l, m and u over experts.

    Keeps reciprocity (the geometric mean of reciprocals is the reciprocal of the geometric
    mean), as in Buckley (1985).
    """
    mats = list(matrices)
    if not mats:
        raise MethodError("matrices is empty; give at least one expert's TFN matrix")
    checked = [_check_tfn_matrix(m, name=f"matrices[{k}]") for k, m in enumerate(mats)]
    labels = checked[0][0]
    for k, (lab, _) in enumerate(checked):
        if lab != labels:
            raise MethodError(f"matrices[{k}] is labelled {lab}, matrices[0] {labels}")
    stack = np.stack([a for _, a in checked])
    g = np.exp(np.log(stack).mean(axis=0))
    return {
        key: pd.DataFrame(g[..., i], index=labels, columns=labels)
        for i, key in enumerate(("l", "m", "u"))
    }


def possibility_degree(
    a: tuple[float, float, float], b: tuple[float, float, float]
) -> float:
    r"""Degree of possibility :math:`V(A \ge B)` of TFNs :math:`A=(l_1,m_1,u_1)`, :math:`B=(l_2,m_2,u_2)`.

    :math:`V=1` if :math:`m_1\ge m_2`; :math:`0` if :math:`l_2\ge u_1`; otherwise the height of
    the intersection :math:`(l_2-u_1)/((m_1-u_1)-(m_2-l_2))` (Chang 1996, eq. 11).
    """
    l1, m1, u1 = a
    l2, m2, u2 = b
    if m1 >= m2:
        return 1.0
    if l2 >= u1:
        return 0.0
    return (l2 - u1) / ((m1 - u1) - (m2 - l2))


@dataclass(frozen=True)
class FuzzyAHPResult(Result):
    r"""Fuzzy AHP weights.

    Attributes
    ----------
    weights : pd.Series
        Crisp normalised weights (sum 1).
    fuzzy : pd.DataFrame
        Criteria × (l, m, u): the synthetic extents S_i (extent analysis) or the fuzzy weights
        (geometric mean).
    method : str
        "extent" or "geometric_mean".
    defuzzify : str or None
        Defuzzification of the geometric-mean fuzzy weights (None for extent analysis).
    possibility : pd.DataFrame or None
        Extent analysis: V(S_i >= S_k) (rows i, columns k).
    zero_weight : list
        Criteria given zero weight (the known flaw of extent analysis).
    geometric_means : pd.DataFrame or None
        Geometric mean: criteria × (l, m, u) row geometric means :math:`r_i` (None for extent
        analysis).
    crisp : pd.Series or None
        Geometric mean: the defuzzified fuzzy weights before normalisation (e.g. the centroid
        :math:`(l+m+u)/3`); extent analysis: the degrees :math:`d_i=\min_k V(S_i\ge S_k)`.
    consistency_ratio : float or None
        Saaty's CR of the middle matrix :math:`(m_{ij})` (see :func:`fuzzy_ahp`, Notes).
    """

    weights: pd.Series
    fuzzy: pd.DataFrame
    method: str
    defuzzify: str | None
    possibility: pd.DataFrame | None
    zero_weight: list[object]
    geometric_means: pd.DataFrame | None = None
    crisp: pd.Series | None = None
    consistency_ratio: float | None = None

    def to_frame(self) -> pd.DataFrame:
        """Per criterion: l, m, u and the crisp weight."""
        out = self.fuzzy.copy()
        out["weight"] = self.weights
        return out

    def summary(self) -> Summary:
        """Method, the weights and any zero weight; l, m, u and weight per criterion."""
        how = self.method + (f", defuzzified by {self.defuzzify}" if self.defuzzify else "")
        lines = [how, weights_line(self.weights)]
        if self.zero_weight:
            lines.append(f"zero weight: {', '.join(map(str, self.zero_weight))}")
        if self.consistency_ratio is not None:
            lines.append(f"CR of the middle matrix = {self.consistency_ratio:.4f}")
        return Summary("Fuzzy AHP", lines, [self.to_frame()])


def fuzzy_ahp(
    matrix: TFNMatrix,
    *,
    method: Literal["extent", "geometric_mean"] = "geometric_mean",
    defuzzify: Literal["centroid", "graded_mean"] = "centroid",
    reciprocal_rtol: float = 1e-6,
) -> FuzzyAHPResult:
    r"""Crisp criterion weights from a triangular fuzzy judgement matrix.

    **Extent analysis** (Chang 1996): with :math:`M_{ij}=(l_{ij},m_{ij},u_{ij})`,

    .. math::

        S_i = \Big(\frac{\sum_j l_{ij}}{\sum_{k,j} u_{kj}},
                   \frac{\sum_j m_{ij}}{\sum_{k,j} m_{kj}},
                   \frac{\sum_j u_{ij}}{\sum_{k,j} l_{kj}}\Big),\quad
        d_i = \min_{k\ne i} V(S_i \ge S_k),\quad w_i = d_i/\sum_k d_k,

    with :math:`V` the degree of possibility (:func:`possibility_degree`). ``defuzzify`` is
    not used.

    **Geometric mean** (Buckley 1985): :math:`r_i = (\prod_j l_{ij})^{1/n}, \dots` per
    component, fuzzy weight
    :math:`\tilde w_i = (r^l_i/\sum_k r^u_k,\; r^m_i/\sum_k r^m_k,\; r^u_i/\sum_k r^l_k)`,
    defuzzified by the centroid :math:`(l+m+u)/3` (``"centroid"``, Chou & Chang 2008) or the
    graded mean :math:`(l+4m+u)/6` (``"graded_mean"``, Chen & Hsieh), then normalised.

    Parameters
    ----------
    matrix : mapping
        ``{"l": L, "m": M, "u": U}``: square DataFrames with the criteria as labels;
        reciprocal (:math:`a_{ji} = (1/u_{ij}, 1/m_{ij}, 1/l_{ij})`) with (1, 1, 1) diagonal.
    method : {"geometric_mean", "extent"}, default "geometric_mean"
    defuzzify : {"centroid", "graded_mean"}, default "centroid"
    reciprocal_rtol : float, default 1e-6
        Relative tolerance of the reciprocity check. A matrix printed in a paper with rounded
        entries (e.g. to 2 decimals) is reciprocal only to a few per cent; loosen it to use
        such a matrix as printed (its cells are then used as given, not symmetrised).

    Returns
    -------
    FuzzyAHPResult

    Notes
    -----
    Consistency: ``consistency_ratio`` is Saaty's :math:`CR = (\lambda_{max}-n)/((n-1)RI(n))`
    of the **middle matrix** :math:`(m_{ij})`, not of a defuzzified one. Why: the middle matrix
    is reciprocal (:math:`m_{ji} = 1/m_{ij}`), so :math:`\lambda_{max} \ge n` and Saaty's
    random index RI, computed for reciprocal matrices, applies; a fuzzy matrix is consistent
    when its middle matrix is (Buckley 1985; Csutora & Buckley 2001); and for judgements
    fuzzified from crisp Saaty judgements (:func:`tfn_from_crisp`) the middle matrix *is* the
    expert's crisp matrix, so the 0.1 rule means what it means for the crisp AHP. A matrix
    defuzzified cell by cell (centroid, graded mean) is not reciprocal (the graded mean of
    (2, 3, 4) is 3 but that of its reciprocal (1/4, 1/3, 1/2) is 0.347, not 1/3), so its
    eigenvalue has no RI to be compared with (pyDecision's ``fuzzy_ahp_method`` nonetheless
    reports one; ``tests/test_fahp.py`` shows the difference). Missing judgements are not
    allowed.

    The geometric mean with centroid matches ``pyDecision.fuzzy_ahp_method`` 5.1.8 and
    ``pyfdm`` 1.2.1 (fAHP, centroid) to 1e-12; extent analysis matches a brute-force
    computation of the degree of possibility from the membership functions
    (``tests/test_fahp.py``). Published examples (``tests/test_published_examples.py``):
    Kilic, Zaim & Delen (2014, *Decision Support Systems*), four matrices: geometric means,
    fuzzy weights, centroids and weights at their printed 2–3 decimals (two weights of
    their Table 9 differ from the same paper's Table 11, which we match); Sun (2010, *ESWA*) fuzzy
    weights within 7e-4 of the values listed in pyfdm's tests, from a matrix printed to 2
    decimals (``reciprocal_rtol=0.08``); Saputro, Figueira & Almada-Lobo (supplier selection),
    extent-analysis weights at 3 decimals (S_i and V are not printed there).

    Examples
    --------
    A crisp Saaty matrix fuzzified with δ = 1, then both variants (extent analysis gives the
    dominated criterion zero weight, with a MethodWarning):

    >>> import pandas as pd
    >>> from methods.weights.fahp import fuzzy_ahp, tfn_from_crisp
    >>> crisp = pd.DataFrame([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]],
    ...                      index=["input", "output", "outcome"],
    ...                      columns=["input", "output", "outcome"])
    >>> tfn = tfn_from_crisp(crisp)
    >>> fuzzy_ahp(tfn).to_frame().round(4)
                    l       m       u  weight
    criterion
    input      0.4306  0.6370  0.9185  0.6295
    output     0.1709  0.2583  0.4012  0.2632
    outcome    0.0746  0.1047  0.1592  0.1073
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     fuzzy_ahp(tfn, method="extent").weights.round(4)
    criterion
    input      0.8205
    output     0.1795
    outcome    0.0000
    Name: weight, dtype: float64

    References
    ----------
    1. Chang, D.-Y. (1996). Applications of the extent analysis method on fuzzy AHP.
       *European Journal of Operational Research* 95(3), 649–655.
    2. Buckley, J. J. (1985). Fuzzy hierarchical analysis. *Fuzzy Sets and Systems* 17(3),
       233–247.
    3. Wang, Y.-M., Luo, Y., Hua, Z. (2008). On the extent analysis method for fuzzy AHP and
       its applications. *European Journal of Operational Research* 186(2), 735–747.
    """
    if not 0 <= reciprocal_rtol < 1:
        raise MethodError(f"reciprocal_rtol must lie in [0, 1), got {reciprocal_rtol!r}")
    labels, a = _check_tfn_matrix(matrix, rtol=reciprocal_rtol)
    idx = pd.Index(labels, name="criterion")
    if method == "extent":
        w, fuzzy, poss, crisp_s = _extent_weights(a, idx)
        defz = None
        gmeans = None
    elif method == "geometric_mean":
        w, fuzzy, gmeans, crisp_s = _geometric_mean_weights(a, idx, defuzzify)
        poss = None
        defz = defuzzify
    else:
        raise MethodError(f"method must be 'extent' or 'geometric_mean', got {method!r}")
    weights = pd.Series(w, index=idx, name="weight")
    zero = [lab for lab, wi in zip(labels, w, strict=True) if wi <= 0]
    if zero:
        warnings.warn(
            f"extent analysis gives zero weight to {zero}: their synthetic extents are entirely "
            "dominated (a known flaw of Chang's method, Wang et al. 2008); consider "
            "method='geometric_mean'",
            MethodWarning,
            stacklevel=2,
        )
    return FuzzyAHPResult(
        weights=weights,
        fuzzy=fuzzy,
        method=method,
        defuzzify=defz,
        possibility=poss,
        zero_weight=zero,
        geometric_means=gmeans,
        crisp=crisp_s,
        consistency_ratio=middle_cr(a, reciprocal_rtol),
    )


def middle_cr(a: np.ndarray, reciprocal_rtol: float = 1e-6) -> float:
    """Saaty's CR of the middle matrix of an (n, n, 3) TFN array (see :func:`fuzzy_ahp`); the
    AHP's inconsistency warning is not repeated (the CR is on the result).

    >>> one, three = (1, 1, 1), (2, 3, 4)
    >>> third = (1 / 4, 1 / 3, 1 / 2)
    >>> middle_cr(np.array([[one, three], [third, one]]))  # two criteria: always consistent
    0.0
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        return float(ahp(a[..., 1], reciprocal_rtol=max(reciprocal_rtol, 1e-6)).cr)


def _extent_weights(a: np.ndarray, idx: pd.Index
                    ) -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame, pd.Series]:
    """Chang's extent analysis of the (n, n, 3) TFN array: weights, synthetic extents S_i,
    degrees of possibility V(S_i >= S_k) and degrees d_i."""
    n = len(idx)
    row = a.sum(axis=1)  # (n, 3)
    tot = a.sum(axis=(0, 1))  # (3,)
    ext = np.column_stack([row[:, 0] / tot[2], row[:, 1] / tot[1], row[:, 2] / tot[0]])
    v = np.ones((n, n))
    for i in range(n):
        for k in range(n):
            if i != k:
                v[i, k] = possibility_degree(tuple(ext[i]), tuple(ext[k]))
    d = v.min(axis=1)
    if d.sum() <= 0:
        raise MethodError("extent analysis gave every criterion a zero degree")
    w = d / d.sum()
    fuzzy = pd.DataFrame(ext, index=idx, columns=["l", "m", "u"])
    poss = pd.DataFrame(v, index=idx, columns=idx)
    crisp_s = pd.Series(d, index=idx, name="degree")
    return w, fuzzy, poss, crisp_s


def _geometric_mean_weights(a: np.ndarray, idx: pd.Index, defuzzify: str
                            ) -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame, pd.Series]:
    """Buckley's geometric mean of the (n, n, 3) TFN array: weights, fuzzy weights, row
    geometric means and the defuzzified (centroid or graded mean) weights."""
    r = np.exp(np.log(a).mean(axis=1))  # (n, 3)
    tot = r.sum(axis=0)
    fw = np.column_stack([r[:, 0] / tot[2], r[:, 1] / tot[1], r[:, 2] / tot[0]])
    if defuzzify == "centroid":
        crisp = fw.sum(axis=1) / 3.0
    elif defuzzify == "graded_mean":
        crisp = (fw[:, 0] + 4 * fw[:, 1] + fw[:, 2]) / 6.0
    else:
        raise MethodError(f"defuzzify must be 'centroid' or 'graded_mean', got {defuzzify!r}")
    w = crisp / crisp.sum()
    fuzzy = pd.DataFrame(fw, index=idx, columns=["l", "m", "u"])
    gmeans = pd.DataFrame(r, index=idx, columns=["l", "m", "u"])
    crisp_s = pd.Series(crisp, index=idx, name="crisp")
    return w, fuzzy, gmeans, crisp_s


def fuzzy_ahp_hierarchy(
    matrices: Mapping[tuple[str, str], pd.DataFrame] | Mapping[str, pd.DataFrame],
    meta: pd.DataFrame,
    *,
    method: Literal["extent", "geometric_mean"] = "geometric_mean",
    defuzzify: Literal["centroid", "graded_mean"] = "centroid",
    delta: float = 1.0,
) -> pd.Series:
    """Fuzzy AHP weights for every node of a hierarchy that has crisp judgement matrices.

    For each node, each expert's crisp Saaty matrix is fuzzified (:func:`tfn_from_crisp`,
    spread ``delta``), the experts' TFN matrices are pooled by their geometric mean
    (:func:`aggregate_tfn`) and :func:`fuzzy_ahp` gives the children's weights. Nodes without
    matrices keep their meta weights: the fuzzy counterpart of
    :func:`methods.weights.ahp_hierarchy` (same input, same output layout).

    Parameters
    ----------
    matrices : mapping
        ``{(expert, parent_code): matrix}`` or ``{parent_code: matrix}``, each labelled by the
        parent's child codes.
    meta : DataFrame
        Meta frame (``code``, ``parent``, ``level``, ``weight``).

    Returns
    -------
    pd.Series
        A weight for every node except the root (children of each parent sum to 1).

    Notes
    -----
    Zero weights of extent analysis are kept (with its MethodWarning naming the node's
    criteria). A matrix whose labels are not the node's children raises MethodError naming
    the node and expert.
    """
    hier = hierarchy_from_meta(meta)
    by_node: dict[str, dict[str, pd.DataFrame]] = {}
    for key, m in matrices.items():
        expert, parent = key if isinstance(key, tuple) else ("expert", key)
        by_node.setdefault(str(parent), {})[str(expert)] = m
    weights = dict(hier.group_weights())
    for parent, mats in by_node.items():
        if parent not in hier.children:
            raise MethodError(f"fuzzy_ahp_hierarchy: node {parent!r} has no children in the meta frame")
        kids = list(hier.children[parent])
        tfns = []
        for expert, m in mats.items():
            if not isinstance(m, pd.DataFrame) or sorted(map(str, m.index)) != sorted(kids):
                got = list(m.index) if isinstance(m, pd.DataFrame) else type(m).__name__
                raise MethodError(
                    f"fuzzy_ahp_hierarchy: expert {expert!r}'s matrix for node {parent!r} compares "
                    f"{got}; the children of {parent!r} are {kids}"
                )
            tfns.append(tfn_from_crisp(m.loc[kids, kids], delta=delta))
        res = fuzzy_ahp(aggregate_tfn(tfns), method=method, defuzzify=defuzzify)
        for k in kids:
            weights[k] = float(res.weights[k])
    return pd.Series(weights)[list(hier.codes)].drop(list(hier.roots)).rename("weight")


def fuzzy_ahp_consistency(
    matrices: Mapping[tuple[str, str], pd.DataFrame] | Mapping[str, pd.DataFrame],
    *,
    delta: float = 1.0,
    threshold: float = 0.1,
) -> pd.DataFrame:
    """Consistency ratio of every expert's fuzzified matrix and of the pooled matrix per node.

    Each crisp matrix is fuzzified as :func:`fuzzy_ahp_hierarchy` does (:func:`tfn_from_crisp`,
    spread ``delta``) and pooled by :func:`aggregate_tfn`; the CR is that of the middle matrix
    (see :func:`fuzzy_ahp`, Notes), so an expert's FAHP CR equals the CR of the same crisp
    matrix in the AHP, and the pooled one that of the geometric-mean (AIJ) matrix.

    Returns
    -------
    DataFrame
        Columns ``expert`` (``"group"`` for the pooled matrix), ``node``, ``n``, ``cr``,
        ``consistent`` (``cr < threshold``), one row per matrix.

    >>> import pandas as pd
    >>> m = pd.DataFrame([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]], index=list("abc"),
    ...                  columns=list("abc"))
    >>> fuzzy_ahp_consistency({("e1", "A"): m}).round(4).to_dict("records")[0]
    {'expert': 'e1', 'node': 'A', 'n': 3, 'cr': 0.0332, 'consistent': True}
    """
    by_node: dict[str, dict[str, dict[str, pd.DataFrame]]] = {}
    for key, m in matrices.items():
        expert, parent = key if isinstance(key, tuple) else ("expert", key)
        by_node.setdefault(str(parent), {})[str(expert)] = tfn_from_crisp(m, delta=delta)
    rows = []
    for node, tfns in by_node.items():
        for expert, tfn in [*tfns.items(), ("group", aggregate_tfn(list(tfns.values())))]:
            _, a = _check_tfn_matrix(tfn, name=f"matrix of {expert!r} for node {node!r}")
            cr = middle_cr(a)
            rows.append({"expert": expert, "node": node, "n": a.shape[0], "cr": cr,
                         "consistent": bool(cr < threshold)})
    return pd.DataFrame(rows, columns=["expert", "node", "n", "cr", "consistent"])
