"""Weights: equal, expert (from the meta frame), AHP (single and group), data-driven (entropy,
CRITIC, coefficient of variation, PCA/FA), combinations, and effective weights down a tree.

Data-driven weights take ``x``: normalised, oriented data (higher is better, non-negative), units in
rows and indicators in columns. Every function returns a frozen result with a ``.weights`` Series
that sums to one.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from methods._checks import numeric_frame
from methods._errors import MethodError, MethodTypeError, MethodWarning
from methods._meta import hierarchy_from_meta
from methods.conventions import Convention, check_convention, spssau_shift
from methods.psychometrics import rotation as rotations
from methods.summary import Result, Summary, weights_line

__all__ = [
    "SAATY_RI",
    "AHPResult",
    "AHPGroupResult",
    "PCAWeightsResult",
    "WeightsResult",
    "ahp",
    "ahp_group",
    "ahp_hierarchy",
    "combine_weights",
    "critic_weights",
    "cv_weights",
    "effective_weights",
    "entropy_weights",
    "equal_weights",
    "expert_weights",
    "meta_with_weights",
    "pca_weights",
    "varimax",
]

#: Saaty's random consistency index RI(n), n = 1..15: mean consistency index of random reciprocal
#: matrices with entries from the 1/9..9 scale (Saaty 1980, *The Analytic Hierarchy Process*,
#: McGraw-Hill, p. 21; reprinted in Saaty 1990, EJOR 48, 9-26). n = 1, 2 are always consistent.
SAATY_RI: Mapping[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
    11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
}


@dataclass(frozen=True)
class WeightsResult(Result):
    """Weights of one method: ``.weights`` (Series summing to 1) and method-specific details."""

    weights: pd.Series
    method: str
    details: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        df = self.weights.rename("weight").to_frame()
        if self.details is not None:
            df = df.join(self.details, how="left")
        return df

    def summary(self) -> Summary:
        """The method and the largest and smallest weights; the weights with any details."""
        return Summary(f"Weights ({self.method})", [weights_line(self.weights)], [self.to_frame()])


def _check_x(x: pd.DataFrame, fn: str, *, allow_zero_mean: bool = True) -> pd.DataFrame:
    vals = numeric_frame(x, name="x")
    if vals.shape[1] < 2:
        raise MethodError(f"{fn}: needs at least 2 indicators, got {vals.shape[1]}")
    for c in vals.columns:
        col = vals[c].dropna()
        if len(col) < 2:
            raise MethodError(f"{fn}: indicator {c!r} has fewer than 2 observed values")
        if (col < 0).any():
            u = col.index[(col < 0).to_numpy()][0]
            raise MethodError(
                f"{fn}: indicator {c!r} is negative for unit {u!r} ({col[u]}); expected "
                "normalised, oriented, non-negative data (e.g. min-max to [0, 100])"
            )
        if col.max() == col.min():
            raise MethodError(
                f"{fn}: indicator {c!r} has no variance (all values {col.iloc[0]}); it carries "
                "no information for data-driven weights: drop it"
            )
    return vals


def entropy_weights(x: pd.DataFrame, *, convention: Convention = "dgpe") -> WeightsResult:
    r"""Entropy weights.

    .. math:: p_{ij} = \frac{x_{ij}}{\sum_i x_{ij}},\quad
              e_j = -\frac{1}{\ln n_j}\sum_i p_{ij}\ln p_{ij}\ (0\ln 0 = 0),\quad
              w_j = \frac{1-e_j}{\sum_k (1-e_k)}

    Parameters
    ----------
    x : DataFrame
        Normalised, oriented, non-negative data (units x indicators).
    convention : {"dgpe", "spssau"}, default "dgpe"
        ``"dgpe"``: ``x`` as given; a negative value is an error (0 ln 0 = 0 handles zeros).
        ``"spssau"``: SPSSAU's 非负平移 first: a column with a value :math:`\le 0` is shifted
        by :math:`|\min_j| + 0.01` (``spssau.net/helps/entropy.html``;
        :func:`methods.conventions.spssau_shift`). Min-max data (a 0 in every column) then give
        slightly different weights from the project's.

    Returns
    -------
    WeightsResult
        ``.details`` has ``entropy`` and ``divergence`` (:math:`1-e_j`) per indicator.

    Notes
    -----
    Missing values are left out per indicator (:math:`n_j` = observed units). The weights depend on
    the normalisation (min-max to [0, 100] or to [1, 100] give different weights). Agrees with
    pymcdm 1.4.0 ``entropy_weights`` to 1e-12 on data without zeros (pymcdm sets the entropy of a
    column with a zero to 0, which is not the 0 ln 0 = 0 convention used here); tested also
    against an explicit loop, and on raw decision matrices against the published weights of Xu
    (2004, *EJOR* 156:530), Zavadskas & Podvezko (2016, *IJITDM* 15:267) and Lee & Chang
    (2018, *RSER* 92:883) at their 3–4 decimals, as listed (with these citations) in the
    tests of pyrepo-mcda; the papers themselves were not retrieved
    (``tests/test_published_examples.py``).

    References
    ----------
    1. Shannon, C. E. (1948). A mathematical theory of communication. Bell Syst. Tech. J. 27.
    2. Zeleny, M. (1982). Multiple Criteria Decision Making. McGraw-Hill (entropy weights).
    """
    if check_convention(convention) == "spssau":
        x = spssau_shift(numeric_frame(x, name="x"))
    vals = _check_x(x, "entropy_weights")
    ent = {}
    for c in vals.columns:
        col = vals[c].dropna().to_numpy()
        total = col.sum()
        p = col / total
        nz = p > 0
        ent[c] = float(-np.sum(p[nz] * np.log(p[nz])) / np.log(col.size))
    e = pd.Series(ent)
    d = 1 - e
    w = d / d.sum()
    return WeightsResult(w, "entropy", pd.DataFrame({"entropy": e, "divergence": d}))


def critic_weights(x: pd.DataFrame) -> WeightsResult:
    r"""CRITIC weights (Criteria Importance Through Intercriteria Correlation).

    .. math:: C_j = \sigma_j \sum_k (1 - r_{jk}),\qquad w_j = C_j / \sum_k C_k

    with :math:`\sigma_j` the standard deviation of indicator :math:`j` and :math:`r_{jk}` the
    Pearson correlation. Diakoulaki et al. min-max scale each indicator to [0, 1] first; this
    function does the same, so any normalised input gives the same weights.

    Notes
    -----
    Missing values: units with any missing value are dropped (complete cases). Agrees with pymcdm
    1.4.0 ``critic_weights`` to 1e-12 (tests/test_weights.py).

    References
    ----------
    1. Diakoulaki, D., Mavrotas, G. & Papayannakis, L. (1995). Determining objective weights in
       multiple criteria problems: the CRITIC method. Computers & OR 22(7), 763-770.
    """
    vals = _check_x(x, "critic_weights").dropna()
    if len(vals) < 3:
        raise MethodError("critic_weights: fewer than 3 units with complete data")
    z = (vals - vals.min()) / (vals.max() - vals.min())
    if (z.std(ddof=1) == 0).any():
        c = z.columns[(z.std(ddof=1) == 0).to_numpy()][0]
        raise MethodError(f"critic_weights: indicator {c!r} has no variance on complete cases")
    sd = z.std(ddof=1)
    r = z.corr()
    conflict = (1 - r).sum()
    info = sd * conflict
    w = info / info.sum()
    return WeightsResult(w, "critic", pd.DataFrame({"sd": sd, "conflict": conflict, "information": info}))


def cv_weights(x: pd.DataFrame) -> WeightsResult:
    r"""Coefficient-of-variation weights, :math:`w_j \propto \sigma_j / \bar x_j` (sample sd).

    Notes
    -----
    Missing values are left out per indicator. Depends on the normalisation's origin (use data
    with a meaningful zero, e.g. min-max to [1, 100] or raw ratio-scale data).
    """
    vals = _check_x(x, "cv_weights")
    mean = vals.mean()
    if (mean <= 0).any():
        c = mean.index[(mean <= 0).to_numpy()][0]
        raise MethodError(f"cv_weights: indicator {c!r} has mean {mean[c]}; expected a positive mean")
    cv = vals.std(ddof=1) / mean
    return WeightsResult(cv / cv.sum(), "cv", pd.DataFrame({"mean": mean, "cv": cv}))


@dataclass(frozen=True)
class PCAWeightsResult(Result):
    """Result of :func:`pca_weights`.

    Attributes
    ----------
    weights : Series
    eigenvalues : Series
        All eigenvalues of the correlation matrix.
    loadings : DataFrame
        Rotated loadings of the retained factors (indicators x factors).
    scaled_squared_loadings : DataFrame
        Squared rotated loadings scaled to unity sum within each factor.
    factor_weights : Series
        Each retained factor's share of the variance explained by the retained factors.
    assignment : Series
        Factor each indicator is assigned to.
    """

    weights: pd.Series
    eigenvalues: pd.Series
    loadings: pd.DataFrame
    scaled_squared_loadings: pd.DataFrame
    factor_weights: pd.Series
    assignment: pd.Series
    method: str = "pca"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"weight": self.weights, "factor": self.assignment})

    def summary(self) -> Summary:
        """Retained factors with their shares; weights and factor of each indicator."""
        shares = ", ".join(f"{k} {v:.1%}" for k, v in self.factor_weights.items())
        lines = [f"{len(self.factor_weights)} factors retained ({shares})",
                 weights_line(self.weights)]
        return Summary(f"Weights ({self.method})", lines, [self.to_frame()])


def pca_weights(
    x: pd.DataFrame,
    *,
    min_eigenvalue: float = 1.0,
    n_factors: int | None = None,
    rotation: str | None = "varimax",
) -> PCAWeightsResult:
    r"""Weights from principal components, following the OECD/JRC Handbook (2008) §6.1.

    1. Principal components of the correlation matrix; keep those with eigenvalue > 1 (or
       ``n_factors``).
    2. Loadings :math:`l_{jf} = v_{jf}\sqrt{\lambda_f}`, varimax-rotated (Kaiser normalisation,
       :func:`methods.psychometrics.rotation.varimax`).
    3. Squared loadings scaled to unity sum within each factor: :math:`s_{jf} = l_{jf}^2/\sum_j
       l_{jf}^2`.
    4. Each indicator is assigned to the factor with its largest :math:`s_{jf}`, and gets weight
       :math:`s_{jf}\,\cdot\,\text{EV}_f/\sum_g \text{EV}_g` (EV: variance explained by the rotated
       factor, :math:`\sum_j l_{jf}^2`); the weights are then scaled to sum to one.

    Notes
    -----
    Missing values: complete cases. With a single retained factor there is nothing to rotate and
    the weights are the scaled squared loadings. The eigen decomposition and varimax match R
    ``eigen()`` and ``stats::varimax()`` (tests/test_weights.py, reference produced by
    tests/reference/pca_asem.R).

    References
    ----------
    1. OECD/JRC (2008). Handbook on Constructing Composite Indicators, §6.1, Tables 6.2-6.3.
    2. Nicoletti, G., Scarpetta, S. & Boylaud, O. (2000). Summary indicators of product market
       regulation. OECD ECO WP 226.
    3. Kaiser, H. F. (1958). The varimax criterion for analytic rotation. Psychometrika 23.
    """
    vals = _check_x(x, "pca_weights").dropna()
    p = vals.shape[1]
    if len(vals) <= p:
        warnings.warn(
            f"pca_weights: {len(vals)} complete units for {p} indicators; the correlation matrix "
            "is singular and the result unstable",
            MethodWarning,
            stacklevel=2,
        )
    r = np.corrcoef(vals.to_numpy(), rowvar=False)
    lam, vec = np.linalg.eigh(r)
    order = np.argsort(lam)[::-1]
    lam, vec = lam[order], vec[:, order]
    k = int(n_factors) if n_factors is not None else int(np.sum(lam > min_eigenvalue))
    if k < 1:
        raise MethodError(f"pca_weights: no eigenvalue above {min_eigenvalue}")
    if k > p:
        raise MethodError(f"pca_weights: n_factors={k} exceeds the number of indicators {p}")
    load = vec[:, :k] * np.sqrt(lam[:k])
    if rotation == "varimax" and k > 1:
        load = rotations.varimax(load).loadings
    elif rotation not in (None, "varimax", "none"):
        raise MethodError(f"pca_weights: rotation={rotation!r}; expected 'varimax' or None")
    sq = load**2
    ev = sq.sum(axis=0)
    scaled = sq / ev
    fw = ev / ev.sum()
    assign = np.argmax(scaled, axis=1)
    w = scaled[np.arange(p), assign] * fw[assign]
    w = w / w.sum()
    fac = [f"F{i + 1}" for i in range(k)]
    cols = list(vals.columns)
    return PCAWeightsResult(
        weights=pd.Series(w, index=cols),
        eigenvalues=pd.Series(lam, index=[f"PC{i + 1}" for i in range(p)]),
        loadings=pd.DataFrame(load, index=cols, columns=fac),
        scaled_squared_loadings=pd.DataFrame(scaled, index=cols, columns=fac),
        factor_weights=pd.Series(fw, index=fac),
        assignment=pd.Series([fac[i] for i in assign], index=cols),
    )


# ----------------------------------------------------------------------------------------- AHP


@dataclass(frozen=True)
class AHPResult(Result):
    """Result of :func:`ahp`.

    Attributes
    ----------
    weights : Series
        Principal right eigenvector, normalised to sum to 1.
    lambda_max : float
    ci : float
        Consistency index :math:`(\\lambda_{max}-n)/(n-1)`.
    cr : float
        Consistency ratio CI / RI(n) (0 for n <= 2).
    ri : float
    consistent : bool
        ``cr < threshold``.
    worst_judgements : DataFrame
        Upper-triangle judgements sorted by :math:`|\\ln(a_{ij} w_j / w_i)|`, with the value the
        weights imply (:math:`w_i/w_j`): the entries to revisit first when CR is too high.
    """

    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float
    ri: float
    n: int
    consistent: bool
    threshold: float
    worst_judgements: pd.DataFrame
    node: str | None = None

    def summary(self) -> Summary:
        """The consistency verdict and the weights; the table (column ``value``): n,
        lambda_max, ci, cr, consistent."""
        verdict = "consistent" if self.consistent else "NOT consistent: revise the judgements"
        where = f" at node {self.node}" if self.node is not None else ""
        lines = [f"CR = {self.cr:.4f} ({'<' if self.consistent else '>='} {self.threshold:g}): "
                 f"{verdict}{where}",
                 f"lambda_max = {self.lambda_max:.4f}, CI = {self.ci:.4f}, n = {self.n}",
                 weights_line(self.weights)]
        table = pd.Series(
            {"n": self.n, "lambda_max": self.lambda_max, "ci": self.ci, "cr": self.cr,
             "consistent": self.consistent}, name="value"
        )
        return Summary("AHP", lines, [table.to_frame()])

    def to_frame(self) -> pd.DataFrame:
        """The weights (column ``weight``)."""
        return self.weights.rename("weight").to_frame()


def _as_matrix(matrix: pd.DataFrame | np.ndarray | Sequence[Sequence[float]], where: str) -> pd.DataFrame:
    if isinstance(matrix, pd.DataFrame):
        m = matrix.copy()
        if list(map(str, m.index)) != list(map(str, m.columns)):
            raise MethodError(
                f"AHP matrix{where}: row labels {list(m.index)} differ from column labels "
                f"{list(m.columns)}"
            )
        m.index = m.columns = [str(c) for c in m.columns]
    else:
        try:
            arr = np.asarray(matrix, dtype=float)
        except (TypeError, ValueError):
            raise MethodTypeError(f"AHP matrix{where} is not numeric") from None
        if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
            raise MethodError(f"AHP matrix{where} must be square, got shape {arr.shape}")
        m = pd.DataFrame(arr)
        m.index = m.columns = [str(i) for i in range(arr.shape[1])]
    if m.shape[0] != m.shape[1]:
        raise MethodError(f"AHP matrix{where} must be square, got shape {m.shape}")
    try:
        m = m.astype(float)
    except (TypeError, ValueError):
        raise MethodTypeError(f"AHP matrix{where} has non-numeric entries") from None
    return m


def _validate_pairwise(m: pd.DataFrame, where: str, rtol: float) -> np.ndarray:
    a = m.to_numpy()
    labels = list(m.index)
    bad = ~np.isfinite(a) | (a <= 0)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise MethodError(
            f"AHP matrix{where}: entry ({labels[i]}, {labels[j]}) = {a[i, j]}; expected a positive "
            "number (Saaty scale 1/9..9)"
        )
    diag = np.abs(np.diag(a) - 1) > rtol
    if diag.any():
        i = int(np.flatnonzero(diag)[0])
        raise MethodError(f"AHP matrix{where}: diagonal entry ({labels[i]}, {labels[i]}) = "
                          f"{a[i, i]}; expected 1")
    prod = a * a.T
    nonrec = np.abs(prod - 1) > rtol
    if nonrec.any():
        i, j = np.argwhere(np.triu(nonrec, 1))[0]
        raise MethodError(
            f"AHP matrix{where} is not reciprocal: a({labels[i]}, {labels[j]}) = {a[i, j]:g} but "
            f"a({labels[j]}, {labels[i]}) = {a[j, i]:g}; expected a_ji = 1/a_ij"
        )
    return a


def ahp(
    matrix: pd.DataFrame | np.ndarray | Sequence[Sequence[float]],
    *,
    threshold: float = 0.1,
    refuse_inconsistent: bool = False,
    ri: Mapping[int, float] | None = None,
    node: str | None = None,
    reciprocal_rtol: float = 0.01,
) -> AHPResult:
    r"""Weights from one pairwise comparison matrix by the principal eigenvector (Saaty).

    .. math:: A w = \lambda_{max} w,\quad CI = \frac{\lambda_{max}-n}{n-1},\quad CR = CI/RI(n)

    Parameters
    ----------
    matrix : square DataFrame (labelled by the compared items) or array
        Positive reciprocal matrix, :math:`a_{ij}` = importance of i over j.
    threshold : float
        CR at or above which the matrix counts as inconsistent (Saaty: 0.1).
    refuse_inconsistent : bool
        Raise :class:`MethodError` (naming the worst judgements) instead of warning.
    ri : mapping n -> RI
        Random index table; default :data:`SAATY_RI` (Saaty 1980).
    node : str
        Name used in messages (the parent node the matrix belongs to).
    reciprocal_rtol : float
        Tolerance for :math:`a_{ij}a_{ji} = 1` (experts write 1/3 as 0.33).

    Returns
    -------
    AHPResult

    Notes
    -----
    Reproduces Saaty (1990), EJOR 48, 9-26, Table 2 (house example, 8 criteria: lambda_max 9.669,
    CI 0.238, CR 0.169, weights .173 .054 .188 .018 .031 .036 .167 .333) and the 3x3 "size of
    house" matrix (lambda_max 3.136, CR 0.117) (tests/test_weights.py).

    References
    ----------
    1. Saaty, T. L. (1980). The Analytic Hierarchy Process. McGraw-Hill.
    2. Saaty, T. L. (1990). How to make a decision: the analytic hierarchy process. EJOR 48, 9-26.
    """
    where = f" for node {node!r}" if node else ""
    m = _as_matrix(matrix, where)
    a = _validate_pairwise(m, where, reciprocal_rtol)
    n = a.shape[0]
    labels = list(m.index)
    table = dict(SAATY_RI if ri is None else ri)
    if n == 1:
        w = np.array([1.0])
        lam = 1.0
    else:
        vals, vecs = np.linalg.eig(a)
        k = int(np.argmax(vals.real))
        lam = float(vals[k].real)
        v = np.abs(vecs[:, k].real)
        w = v / v.sum()
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ci = max(ci, 0.0) if abs(ci) < 1e-12 else ci
    if n <= 2:
        ri_n = 0.0
        cr = 0.0
    else:
        if n not in table:
            raise MethodError(f"AHP matrix{where}: no random index for n = {n}; pass ri=")
        ri_n = float(table[n])
        cr = ci / ri_n
    rows = []
    for i in range(n):
        for j in range(i + 1, n):
            e = a[i, j] * w[j] / w[i]
            rows.append({"i": labels[i], "j": labels[j], "judgement": a[i, j],
                         "implied": w[i] / w[j], "log_deviation": abs(np.log(e))})
    worst = pd.DataFrame(rows, columns=["i", "j", "judgement", "implied", "log_deviation"])
    worst = worst.sort_values("log_deviation", ascending=False, kind="stable").reset_index(drop=True)
    consistent = bool(cr < threshold)
    if not consistent:
        top = "; ".join(
            f"a({r.i}, {r.j}) = {r.judgement:g} (weights imply {r.implied:.2f})"
            for r in worst.head(3).itertuples()
        )
        msg = (f"AHP matrix{where} is inconsistent: CR = {cr:.3f} >= {threshold}; revisit first: "
               f"{top}")
        if refuse_inconsistent:
            raise MethodError(msg)
        warnings.warn(msg, MethodWarning, stacklevel=2)
    return AHPResult(
        weights=pd.Series(w, index=labels),
        lambda_max=lam, ci=float(ci), cr=float(cr), ri=ri_n, n=n, consistent=consistent,
        threshold=threshold, worst_judgements=worst, node=node,
    )


@dataclass(frozen=True)
class AHPGroupResult(Result):
    """Result of :func:`ahp_group`.

    Attributes
    ----------
    weights : Series
        Group weights.
    individual : DataFrame
        Each expert's weights (experts x items).
    consistency : DataFrame
        Each expert's ``lambda_max``, ``ci``, ``cr``, ``consistent``.
    group : AHPResult or None
        For ``aij``: the AHP result of the aggregated matrix (its CR is the group's).
    method : str
    """

    weights: pd.Series
    individual: pd.DataFrame
    consistency: pd.DataFrame
    group: AHPResult | None
    method: str
    excluded: tuple[str, ...] = field(default_factory=tuple)

    def to_frame(self) -> pd.DataFrame:
        """Items x (``group`` weight, then each expert's weight)."""
        return pd.concat([self.weights.rename("group"), self.individual.T], axis=1)

    def summary(self) -> Summary:
        """Method, experts, group consistency; group and individual weights, consistency."""
        lines = [f"{self.method}: {len(self.individual)} experts"
                 + (f", excluded {', '.join(self.excluded)}" if self.excluded else ""),
                 weights_line(self.weights)]
        if self.group is not None:
            lines.append(f"group matrix CR = {self.group.cr:.4f}")
        return Summary("Group AHP", lines, [self.to_frame(), self.consistency])


def ahp_group(
    matrices: Mapping[str, pd.DataFrame | np.ndarray] | Sequence[pd.DataFrame | np.ndarray],
    *,
    method: str = "aij",
    expert_weights: Mapping[str, float] | None = None,
    exclude_inconsistent: bool = False,
    threshold: float = 0.1,
    node: str | None = None,
) -> AHPGroupResult:
    r"""Group AHP: aggregate individual judgements (AIJ) or individual priorities (AIP).

    - ``aij``: element-wise weighted geometric mean of the matrices,
      :math:`a^G_{ij} = \prod_k a_{ij,k}^{\alpha_k}` (reciprocal again), then :func:`ahp`;
    - ``aip``: weighted geometric mean of each expert's eigenvector weights, normalised.

    Parameters
    ----------
    matrices : mapping expert -> matrix, or a list
        Same items in the same order for every expert.
    expert_weights : mapping
        :math:`\alpha_k` (rescaled to sum to 1); default equal.
    exclude_inconsistent : bool
        Leave out experts with CR >= ``threshold`` (listed in ``.excluded``).

    References
    ----------
    1. Forman, E. & Peniwati, K. (1998). Aggregating individual judgments and priorities with the
       analytic hierarchy process. EJOR 108, 165-169.
    2. Aczél, J. & Saaty, T. L. (1983). Procedures for synthesizing ratio judgements. J. Math.
       Psychol. 27, 93-102.
    """
    if method not in ("aij", "aip"):
        raise MethodError(f"ahp_group: method={method!r}; expected 'aij' or 'aip'")
    items = dict(matrices) if isinstance(matrices, Mapping) else {
        f"expert_{i + 1}": m for i, m in enumerate(matrices)
    }
    if not items:
        raise MethodError("ahp_group: no matrices given")
    where = f" for node {node!r}" if node else ""
    mats = {str(k): _as_matrix(v, f"{where} (expert {k!r})") for k, v in items.items()}
    first = next(iter(mats.values()))
    for k, m in mats.items():
        if list(m.index) != list(first.index):
            raise MethodError(
                f"ahp_group{where}: expert {k!r} compares {list(m.index)}, expected "
                f"{list(first.index)}"
            )
    indiv = {}
    cons = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        for k, m in mats.items():
            r = ahp(m, threshold=threshold, node=node)
            indiv[k] = r.weights
            cons.append({"expert": k, "lambda_max": r.lambda_max, "ci": r.ci, "cr": r.cr,
                         "consistent": r.consistent})
    cons_df = pd.DataFrame(cons).set_index("expert")
    use = list(mats)
    excluded: tuple[str, ...] = ()
    if exclude_inconsistent:
        excluded = tuple(k for k in use if not cons_df.loc[k, "consistent"])
        use = [k for k in use if k not in excluded]
        if not use:
            raise MethodError(f"ahp_group{where}: every expert's matrix has CR >= {threshold}")
    if expert_weights is None:
        alpha = pd.Series(1.0, index=use)
    else:
        missing = [k for k in use if k not in expert_weights]
        if missing:
            raise MethodError(f"ahp_group: no expert weight for {missing}")
        alpha = pd.Series({k: float(expert_weights[k]) for k in use})
        if (alpha < 0).any() or alpha.sum() <= 0:
            raise MethodError("ahp_group: expert weights must be non-negative with a positive sum")
    alpha = alpha / alpha.sum()
    group = None
    if method == "aij":
        logs = sum(alpha[k] * np.log(mats[k].to_numpy()) for k in use)
        g = pd.DataFrame(np.exp(logs), index=first.index, columns=first.columns)
        group = ahp(g, threshold=threshold, node=node)
        w = group.weights
    else:
        lw = sum(alpha[k] * np.log(indiv[k]) for k in use)
        w = np.exp(lw)
        w = w / w.sum()
    return AHPGroupResult(
        weights=w, individual=pd.DataFrame(indiv).T, consistency=cons_df, group=group,
        method=method, excluded=excluded,
    )


def ahp_hierarchy(
    matrices: Mapping[tuple[str, str], pd.DataFrame] | Mapping[str, pd.DataFrame],
    meta: pd.DataFrame,
    *,
    method: str = "aij",
    expert_weights: Mapping[str, float] | None = None,
    exclude_inconsistent: bool = False,
    threshold: float = 0.1,
) -> tuple[pd.Series, pd.DataFrame]:
    """AHP weights for every node of a hierarchy that has matrices.

    Parameters
    ----------
    matrices : mapping
        ``{(expert, parent_code): matrix}`` (several experts, grouped with :func:`ahp_group`) or
        ``{parent_code: matrix}`` (one judgement per node). Each matrix is labelled by the
        parent's child codes.
    meta : DataFrame
        Meta frame; nodes without matrices keep their meta weight.

    Returns
    -------
    weights : Series
        A weight for every node (children of each parent sum to 1).
    consistency : DataFrame
        Per (parent, expert): ``lambda_max``, ``ci``, ``cr``, ``consistent``; expert "group" is the
        aggregated matrix (AIJ).

    Raises
    ------
    MethodError
        When a matrix's size or labels do not match the parent's children (naming the node).
    """
    hier = hierarchy_from_meta(meta)
    by_node: dict[str, dict[str, pd.DataFrame]] = {}
    for key, m in matrices.items():
        expert, parent = (key if isinstance(key, tuple) else ("expert", key))
        by_node.setdefault(str(parent), {})[str(expert)] = m
    weights = hier.group_weights()
    rows = []
    for parent, mats in by_node.items():
        if parent not in hier.children:
            raise MethodError(f"ahp_hierarchy: node {parent!r} has no children in the meta frame")
        kids = list(hier.children[parent])
        for expert, m in mats.items():
            mm = m if isinstance(m, pd.DataFrame) else pd.DataFrame(np.asarray(m, dtype=float))
            if mm.shape != (len(kids), len(kids)):
                raise MethodError(
                    f"ahp_hierarchy: expert {expert!r}'s matrix for node {parent!r} is "
                    f"{mm.shape[0]}x{mm.shape[1]}; node {parent!r} has {len(kids)} children {kids}"
                )
            if isinstance(m, pd.DataFrame) and sorted(map(str, m.index)) != sorted(kids):
                raise MethodError(
                    f"ahp_hierarchy: expert {expert!r}'s matrix for node {parent!r} compares "
                    f"{list(m.index)}; the children of {parent!r} are {kids}"
                )
        g = ahp_group(mats, method=method, expert_weights=expert_weights,
                      exclude_inconsistent=exclude_inconsistent, threshold=threshold, node=parent)
        for k in kids:
            weights[k] = float(g.weights[k]) if k in g.weights.index else float(
                g.weights.iloc[kids.index(k)])
        for e, r in g.consistency.iterrows():
            rows.append({"node": parent, "expert": e, **r.to_dict()})
        if g.group is not None:
            rows.append({"node": parent, "expert": "group", "lambda_max": g.group.lambda_max,
                         "ci": g.group.ci, "cr": g.group.cr, "consistent": g.group.consistent})
    cons = pd.DataFrame(rows, columns=["node", "expert", "lambda_max", "ci", "cr", "consistent"])
    return pd.Series(weights)[list(hier.codes)].drop(list(hier.roots)), cons


# ------------------------------------------------------------------------------- tree weights


def equal_weights(meta: pd.DataFrame) -> WeightsResult:
    """Equal weights among siblings at every node (each group sums to 1)."""
    hier = hierarchy_from_meta(meta)
    w = {}
    for kids in hier.children.values():
        for k in kids:
            w[k] = 1.0 / len(kids)
    return WeightsResult(pd.Series(w)[[c for c in hier.codes if c in w]], "equal")


def expert_weights(meta: pd.DataFrame) -> WeightsResult:
    """The meta frame's ``weight`` column, rescaled to sum to 1 within each group of siblings.

    Raises :class:`MethodError` for a negative weight or a group whose weights sum to 0.
    """
    hier = hierarchy_from_meta(meta)
    gw = hier.group_weights()
    return WeightsResult(pd.Series(gw)[[c for c in hier.codes if c not in hier.roots]], "expert")


def effective_weights(meta: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.Series:
    r"""Nominal effective weight of every node in the whole index: the product of the
    sibling-normalised weights on the path from the root, :math:`\prod_{a \in path} w_a`.

    Indicators' effective weights sum to 1 per root. ``weights`` overrides the meta weights.
    """
    hier = hierarchy_from_meta(meta)
    gw = hier.group_weights(None if weights is None else {**hier.weight, **dict(weights)})
    out = {}
    for c in hier.codes:
        w, p = gw[c], hier.parent[c]
        while p is not None:
            w *= gw[p]
            p = hier.parent[p]
        out[c] = w
    return pd.Series(out)


def meta_with_weights(meta: pd.DataFrame, weights: Mapping[str, float] | pd.Series) -> pd.DataFrame:
    """A copy of ``meta`` whose ``weight`` column takes the given values (other nodes unchanged).

    Raises :class:`MethodError` for codes not in meta or negative weights.
    """
    m = meta.copy()
    code_col = "code" if "code" in m.columns else "iCode"
    wcol = "weight" if "weight" in m.columns else "Weight"
    codes = set(m[code_col].astype(str))
    w = pd.Series(weights, dtype=float)
    unknown = [c for c in w.index if c not in codes]
    if unknown:
        raise MethodError(f"meta_with_weights: unknown node code(s) {unknown}")
    neg = w[(w < 0) | ~np.isfinite(w)]
    if len(neg):
        raise MethodError(f"meta_with_weights: node {neg.index[0]!r} has weight {neg.iloc[0]}; "
                          "expected a finite non-negative number")
    m[wcol] = [float(w[c]) if c in w.index else v for c, v in
               zip(m[code_col].astype(str), m[wcol], strict=True)]
    return m


def varimax(loadings: np.ndarray, *, normalize: bool = True,
            eps: float = 1e-5) -> tuple[np.ndarray, np.ndarray]:
    """Varimax rotation as this module returned it before: ``(rotated loadings, rotation matrix)``.

    Kept for existing code; :func:`methods.psychometrics.rotation.varimax` (the same algorithm,
    R's ``stats::varimax``) returns the full :class:`~methods.psychometrics.rotation.Rotation`.

    >>> import numpy as np
    >>> lo, t = varimax(np.array([[0.8, 0.3], [0.7, 0.4], [0.2, 0.9], [0.3, 0.8]]))
    >>> lo.shape, t.shape
    ((4, 2), (2, 2))
    """
    r = rotations.varimax(loadings, normalize=normalize, eps=eps)
    return r.loadings, r.rotmat


def combine_weights(
    weights: Sequence[pd.Series | WeightsResult],
    *,
    method: str = "multiplicative",
    alpha: float | Sequence[float] = 0.5,
) -> WeightsResult:
    r"""Combine subjective and objective weights.

    - ``multiplicative``: :math:`w_j = \prod_k w_{jk} / \sum_j \prod_k w_{jk}`;
    - ``linear``: :math:`w_j = \sum_k \alpha_k w_{jk}` with :math:`\sum_k\alpha_k = 1` (for two
      sets, ``alpha`` is the first set's share).

    Each input must be non-negative, cover the same items and sum to 1 (within 1e-6).
    """
    series = [w.weights if isinstance(w, WeightsResult) else pd.Series(w, dtype=float)
              for w in weights]
    if len(series) < 2:
        raise MethodError("combine_weights: needs at least two weight sets")
    idx = series[0].index
    for k, s in enumerate(series):
        if set(s.index) != set(idx):
            raise MethodError(
                f"combine_weights: weight set {k} covers {sorted(s.index)}, set 0 covers "
                f"{sorted(idx)}"
            )
        if (s < 0).any() or not np.isfinite(s).all():
            bad = s.index[((s < 0) | ~np.isfinite(s)).to_numpy()][0]
            raise MethodError(f"combine_weights: weight set {k} has weight {s[bad]} for {bad!r}; "
                              "expected non-negative")
        if abs(s.sum() - 1) > 1e-6:
            raise MethodError(f"combine_weights: weight set {k} sums to {s.sum():.6g}; expected 1")
    series = [s.reindex(idx) for s in series]
    if method == "multiplicative":
        prod = np.prod(np.column_stack(series), axis=1)
        if prod.sum() <= 0:
            raise MethodError("combine_weights: the products of the weights are all zero")
        w = pd.Series(prod / prod.sum(), index=idx)
    elif method == "linear":
        a = ([float(alpha), 1 - float(alpha)] if isinstance(alpha, int | float | np.number)
             else [float(v) for v in alpha])
        if len(a) != len(series):
            raise MethodError(f"combine_weights: {len(a)} alpha values for {len(series)} weight sets")
        if any(v < 0 for v in a) or abs(sum(a) - 1) > 1e-9:
            raise MethodError(f"combine_weights: alpha {a} must be non-negative and sum to 1")
        w = sum(ak * s for ak, s in zip(a, series, strict=True))
    else:
        raise MethodError(f"combine_weights: method={method!r}; expected 'multiplicative' or 'linear'")
    return WeightsResult(pd.Series(w, index=idx), f"combined_{method}")
