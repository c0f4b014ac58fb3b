r"""Factor structure: sampling adequacy, sphericity, parallel analysis, EFA, CFA and validity.

One public function per statistic; pandas in, frozen dataclasses out. Every function states its
missing-data policy and the R call whose numbers it reproduces (see ``tests/reference/*.R``).

=========================  =====================================================  ===============
function                   matches                                                 measured
=========================  =====================================================  ===============
:func:`kmo`                ``psych::KMO`` (pairwise correlations)                  closed form
:func:`bartlett_sphericity` ``psych::cortest.bartlett(cor(na.omit(x)), n)``        closed form
:func:`parallel_analysis`  ``psych::fa.parallel`` observed eigenvalues             closed form
:func:`efa`                ``psych::fa`` (minres/ml/pa x none/varimax/oblimin/     iterative
                           promax)
:func:`cfa`                ``lavaan::cfa(model, data, std.lv = FALSE)``            iterative
:func:`htmt`               Henseler et al. (2015) (semTools::htmt's formula)       closed form
=========================  =====================================================  ===============
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from methods._checks import as_item_frame
from methods._errors import MethodError, MethodTypeError, MethodWarning
from methods.psychometrics._linalg import Moments, check_positive_definite, moments, smc
from methods.psychometrics.efa_core import METHOD_PREFIX, fit_correlation, ml_objective
from methods.psychometrics.efa_core import dof as _efa_dof
from methods.psychometrics.model_syntax import (
    MeasurementModel,
    check_model,
    model_from_dict,
    parse_model,
)
from methods.psychometrics.polychoric import polychoric, tetrachoric
from methods.summary import Result, Summary, one_row

__all__ = [
    "AdequacyResult",
    "BartlettResult",
    "CFAResult",
    "EFAResult",
    "KMOResult",
    "ParallelResult",
    "ave",
    "bartlett_sphericity",
    "cfa",
    "composite_reliability",
    "efa",
    "first_component_share",
    "fit_verdict",
    "fornell_larcker",
    "htmt",
    "kmo",
    "kmo_label",
    "loading_flags",
    "parallel_analysis",
    "sampling_adequacy",
    "validity_table",
]

_METHODS = ("minres", "ml", "pa")
_ROTATIONS = ("varimax", "oblimin", "promax", None)


# --------------------------------------------------------------------------------------------------
# KMO and Bartlett
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KMOResult(Result):
    """Kaiser-Meyer-Olkin measure of sampling adequacy.

    ``overall`` (MSA of the whole matrix), ``per_item`` (MSA_i, a Series by item), ``n_obs``.
    """

    overall: float
    per_item: pd.Series
    n_obs: int

    def to_frame(self, *, min_msa: float = 0.6) -> pd.DataFrame:
        """Per-item MSA with Kaiser's (1974) verbal label and a ``low`` flag (MSA < ``min_msa``)."""
        return pd.DataFrame({"msa": self.per_item, "label": self.per_item.map(kmo_label),
                             "low": self.per_item < min_msa})

    def summary(self, *, min_msa: float = 0.6) -> Summary:
        """Overall KMO with Kaiser's label, the items below ``min_msa``; per-item MSA."""
        table = self.to_frame(min_msa=min_msa)
        low = [str(i) for i in table.index[table["low"].to_numpy()]]
        lines = [f"KMO = {self.overall:.3f} ({kmo_label(self.overall)}), "
                 f"{len(self.per_item)} items, n = {self.n_obs}",
                 f"items with MSA < {min_msa:g}: {', '.join(low) if low else 'none'}"]
        return Summary("Kaiser-Meyer-Olkin sampling adequacy", lines, [table])


def kmo_label(value: float) -> str:
    """Kaiser's (1974) labels: marvelous (≥ .9), meritorious, middling, mediocre, miserable, unacceptable (< .5)."""
    for cut, label in ((0.9, "marvelous"), (0.8, "meritorious"), (0.7, "middling"),
                       (0.6, "mediocre"), (0.5, "miserable")):
        if value >= cut:
            return label
    return "unacceptable"


def kmo(data: pd.DataFrame | np.ndarray, *, missing: str = "pairwise") -> KMOResult:
    r"""Kaiser-Meyer-Olkin measure of sampling adequacy (overall and per item).

    With :math:`R` the correlation matrix and :math:`Q` the anti-image (partial) correlations
    :math:`q_{ij} = -\,(R^{-1})_{ij}/\sqrt{(R^{-1})_{ii}(R^{-1})_{jj}}`,

    .. math:: \mathrm{MSA} = \frac{\sum_{i\neq j} r_{ij}^2}{\sum_{i\neq j} r_{ij}^2 + \sum_{i\neq j} q_{ij}^2},
              \qquad \mathrm{MSA}_i = \frac{\sum_{j\neq i} r_{ij}^2}{\sum_{j\neq i} r_{ij}^2 + \sum_{j\neq i} q_{ij}^2}.

    (the sign of :math:`q_{ij}` does not matter as it is squared).

    Missing data (``missing``): ``"pairwise"`` (default) pairwise-complete correlations (R
    ``cor(x, use = "pairwise")``), as psych::KMO on raw data; ``"complete"`` the rows with every
    item answered (psych ``KMO(na.omit(x))``); ``n_obs`` counts the rows used.
    A singular correlation matrix raises :class:`MethodError` naming the collinear items (psych
    falls back to R itself and prints a message).

    Matches ``psych::KMO`` 2.2.9 to 1e-12 (tests/reference/psych_reference.R; both ``missing``
    options on the ICAR ability items in tests/reference/psych_polychoric.R).

    Example
    -------
    >>> rng = np.random.default_rng(0)
    >>> x = pd.DataFrame(rng.standard_normal((200, 1)) + rng.standard_normal((200, 4)))
    >>> round(kmo(x).overall, 3)
    0.793

    References
    ----------
    1. Kaiser, H. F. (1970). A second generation little jiffy. Psychometrika 35, 401-415.
    2. Kaiser, H. F. (1974). An index of factorial simplicity. Psychometrika 39, 31-36.
    """
    frame = _missing_policy(as_item_frame(data, what="kmo", min_items=2), missing, "kmo")
    mom = moments(frame, what="kmo")
    r = mom.cor
    check_positive_definite(r, mom.names, what="kmo")
    inv = np.linalg.inv(r)
    d = 1.0 / np.sqrt(np.diag(inv))
    q = inv * d[:, None] * d[None, :]
    np.fill_diagonal(q, 0.0)
    r0 = r.copy()
    np.fill_diagonal(r0, 0.0)
    r2 = r0 * r0
    q2 = q * q
    overall = float(r2.sum() / (r2.sum() + q2.sum()))
    per = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    return KMOResult(overall, pd.Series(per, index=list(mom.names), name="msa"), mom.n_obs)


@dataclass(frozen=True)
class BartlettResult(Result):
    """Bartlett's test of sphericity: ``chi2``, ``dof``, ``p_value``, ``n_obs`` (complete cases)."""

    chi2: float
    dof: int
    p_value: float
    n_obs: int

    def to_frame(self) -> pd.DataFrame:
        """One row: chi2, dof, p_value, n_obs."""
        return one_row(chi2=self.chi2, dof=self.dof, p_value=self.p_value, n_obs=self.n_obs)

    def summary(self) -> Summary:
        """The test in one line."""
        line = (f"chi2({self.dof}) = {self.chi2:.2f}, p = {self.p_value:.3g}, n = {self.n_obs}: "
                + ("the correlations differ from identity" if self.p_value < 0.05
                   else "no evidence against an identity correlation matrix"))
        return Summary("Bartlett's test of sphericity", [line], [self.to_frame()])


def bartlett_sphericity(data: pd.DataFrame | np.ndarray, *, missing: str = "complete"
                        ) -> BartlettResult:
    r"""Bartlett's (1951) test that the correlation matrix is an identity matrix.

    .. math:: \chi^2 = -\left(n - 1 - \frac{2p + 5}{6}\right)\ln|R|, \qquad df = p(p-1)/2.

    Missing data (``missing``): ``"complete"`` (default) the rows with every item observed give
    :math:`R` and :math:`n`; ``"pairwise"`` pairwise-complete correlations with :math:`n` the
    number of rows of the input, as ``psych::cortest.bartlett(x)`` on raw data (a pairwise matrix
    has no single :math:`n`; psych takes all rows). A singular :math:`R` (|R| = 0) raises
    :class:`MethodError`.

    Matches ``psych::cortest.bartlett(cor(na.omit(x)), n = nrow(na.omit(x)))`` 2.2.9 to 1e-10, and
    ``cortest.bartlett(cor(x, use = "pairwise"), n = nrow(x))`` (tests/reference/psych_polychoric.R).

    Example
    -------
    >>> rng = np.random.default_rng(0)
    >>> x = pd.DataFrame(rng.standard_normal((200, 1)) + rng.standard_normal((200, 4)))
    >>> res = bartlett_sphericity(x)
    >>> res.dof, res.n_obs, res.p_value < 0.001
    (6, 200, True)

    References
    ----------
    1. Bartlett, M. S. (1951). The effect of standardization on a chi square approximation in factor
       analysis. Biometrika 38, 337-344.
    """
    frame = as_item_frame(data, what="bartlett_sphericity", min_items=2)
    if _check_missing(missing, "bartlett_sphericity") == "pairwise":
        return _bartlett(moments(frame, what="bartlett_sphericity"), len(data))
    complete = frame.dropna()
    p = frame.shape[1]
    if complete.shape[0] <= p:
        raise MethodError(
            f"bartlett_sphericity: {complete.shape[0]} complete rows for {p} items; needs more "
            "complete rows than items"
        )
    as_item_frame(complete, what="bartlett_sphericity (complete cases)", min_items=2)
    return _bartlett(moments(complete, what="bartlett_sphericity"), complete.shape[0])


def _bartlett(mom: Moments, n: int) -> BartlettResult:
    """Bartlett's statistic for the correlation matrix of ``mom`` and ``n`` observations."""
    p = len(mom.names)
    sign, logdet = np.linalg.slogdet(mom.cor)
    if sign <= 0 or not np.isfinite(logdet):
        check_positive_definite(mom.cor, mom.names, what="bartlett_sphericity")
    chi2 = float(-logdet * (n - 1 - (2 * p + 5) / 6))
    df = p * (p - 1) // 2
    return BartlettResult(chi2, df, float(stats.chi2.sf(chi2, df)), n)


_MISSING = ("pairwise", "complete")
_CORS = ("pearson", "polychoric", "tetrachoric")


def _check_missing(missing: str, what: str) -> str:
    if missing not in _MISSING:
        raise MethodError(f"{what}: missing must be one of {list(_MISSING)}, got {missing!r}")
    return missing


def _missing_policy(frame: pd.DataFrame, missing: str, what: str) -> pd.DataFrame:
    """``frame`` itself (pairwise) or its complete rows (checked again as items)."""
    if _check_missing(missing, what) == "pairwise":
        return frame
    return as_item_frame(frame.dropna(), what=f"{what} (complete cases)", min_items=2)


def _correlation(frame: pd.DataFrame, n_rows: int, cor: str, what: str
                 ) -> tuple[np.ndarray, list[str], int]:
    """The correlation matrix ``cor`` of ``frame``, its item names and n: Pearson (pairwise, rows
    with an answer) or polychoric / tetrachoric (psych's defaults, n = the rows of the input)."""
    if cor not in _CORS:
        raise MethodError(f"{what}: cor must be one of {list(_CORS)}, got {cor!r}")
    if cor == "pearson":
        mom = moments(frame, what=what)
        return mom.cor, list(mom.names), mom.n_obs
    fun = polychoric if cor == "polychoric" else tetrachoric
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)   # smoothing is reported by the caller
        res = fun(frame)
    if res.smoothed:
        warnings.warn(f"{what}: the {cor} correlation matrix was not positive definite and was "
                      "smoothed (psych cor.smooth)", MethodWarning, stacklevel=3)
    return res.rho.to_numpy(), [str(c) for c in res.rho.columns], n_rows


@dataclass(frozen=True)
class AdequacyResult(Result):
    """KMO and Bartlett's test together: is a correlation matrix worth factoring?

    ``kmo`` (:class:`KMOResult`), ``bartlett`` (:class:`BartlettResult`), ``min_msa``.
    """

    kmo: KMOResult
    bartlett: BartlettResult
    min_msa: float

    @property
    def low_items(self) -> list[str]:
        """Items whose MSA is below ``min_msa``."""
        per = self.kmo.per_item
        return [str(i) for i in per.index[(per < self.min_msa).to_numpy()]]

    def summary(self) -> Summary:
        """KMO and Bartlett in two lines; the table (column ``value``): overall KMO with Kaiser's
        label, items below ``min_msa``, Bartlett χ², df, p, n."""
        row = pd.Series({
            "kmo": self.kmo.overall, "kmo_label": kmo_label(self.kmo.overall),
            f"items_msa_below_{self.min_msa:g}": len(self.low_items),
            "bartlett_chi2": self.bartlett.chi2, "bartlett_df": self.bartlett.dof,
            "bartlett_p": self.bartlett.p_value, "bartlett_n": self.bartlett.n_obs,
        }, name="value")
        b = self.bartlett
        lines = [f"KMO = {self.kmo.overall:.3f} ({kmo_label(self.kmo.overall)}); items with MSA < "
                 f"{self.min_msa:g}: {', '.join(self.low_items) if self.low_items else 'none'}",
                 f"Bartlett chi2({b.dof}) = {b.chi2:.2f}, p = {b.p_value:.3g}, n = {b.n_obs}"]
        return Summary("Sampling adequacy (KMO and Bartlett)", lines, [row.to_frame()])

    def to_frame(self) -> pd.DataFrame:
        """Per-item MSA, label and ``low`` flag (:meth:`KMOResult.to_frame`)."""
        return self.kmo.to_frame(min_msa=self.min_msa)


def sampling_adequacy(data: pd.DataFrame | np.ndarray, *, min_msa: float = 0.6) -> AdequacyResult:
    r""":func:`kmo` (pairwise correlations) and :func:`bartlett_sphericity` (complete cases) at once.

    ``min_msa`` flags items with :math:`\mathrm{MSA}_i` below it (0.6: Kaiser's "mediocre").
    """
    if not 0 <= min_msa <= 1:
        raise MethodError(f"sampling_adequacy: min_msa={min_msa!r}; expected a value in [0, 1]")
    return AdequacyResult(kmo(data), bartlett_sphericity(data), float(min_msa))


# --------------------------------------------------------------------------------------------------
# Parallel analysis
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParallelResult(Result):
    """Horn's parallel analysis.

    ``table`` (index 1..p): observed PCA eigenvalues (``pc_observed``), the mean and the
    ``quantile`` of the simulated ones (``pc_sim_mean``, ``pc_sim_q``), and the same for the factor
    eigenvalues (``fa_*``). ``n_factors`` / ``n_components``: leading observed eigenvalues above the
    simulated quantile.
    """

    n_factors: int
    n_components: int
    table: pd.DataFrame
    n_iter: int
    quantile: float
    fa_communalities: str
    n_obs: int

    def to_frame(self) -> pd.DataFrame:
        """The eigenvalue table (observed, simulated mean and quantile, PCA and FA)."""
        return self.table

    def summary(self) -> Summary:
        """The suggested numbers of factors and components; the eigenvalue table."""
        line = (f"suggested: {self.n_factors} factors, {self.n_components} components "
                f"(observed eigenvalues above the {self.quantile:.0%} quantile of {self.n_iter} "
                f"simulations, n = {self.n_obs})")
        return Summary("Parallel analysis", [line], [self.table])


def _fa_eigenvalues(r: np.ndarray, how: str) -> np.ndarray:
    if how == "smc":
        red = r.copy()
        np.fill_diagonal(red, smc(r))
        return np.linalg.eigvalsh(red)[::-1]
    fit = fit_correlation(r, 1, "minres", None)
    return fit.reduced_eigenvalues


def parallel_analysis(
    data: pd.DataFrame | np.ndarray,
    *,
    n_iter: int = 100,
    seed: int | np.random.Generator | None = None,
    quantile: float = 0.95,
    fa_communalities: str = "smc",
    cor: str = "pearson",
) -> ParallelResult:
    r"""Horn's (1965) parallel analysis for the number of components and factors.

    Observed eigenvalues of the correlation matrix (PCA) and of the reduced correlation matrix (FA)
    are compared with those of ``n_iter`` correlation matrices of independent standard-normal data
    of the same shape (rows x items). A component/factor is retained while its observed eigenvalue
    exceeds the ``quantile`` (default 95th percentile, Glorfeld 1995) of the simulated ones; the
    count stops at the first one that does not.

    ``fa_communalities`` sets the diagonal of the reduced matrix: ``"smc"`` (squared multiple
    correlations, Humphreys & Montanelli 1975; psych ``fa.parallel(SMC = TRUE)``) or ``"minres"``
    (communalities of a one-factor minres solution, psych's default ``SMC = FALSE``).

    Missing data: pairwise-complete correlations (psych's default); the simulated data have the
    number of rows of the input (rows with at least one value). Simulation is normal data only
    (psych also resamples the observed data; its simulated values therefore differ in detail).

    ``cor``: the observed matrix, ``"pearson"`` (default), ``"polychoric"`` or ``"tetrachoric"``
    (:func:`efa`'s option); the simulated matrices stay Pearson correlations of normal data.

    Observed eigenvalues match ``psych::fa.parallel`` 2.2.9 to 1e-10 (PCA, SMC) and 1e-6 (minres).

    References
    ----------
    1. Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis.
       Psychometrika 30, 179-185.
    2. Glorfeld, L. W. (1995). An improvement on Horn's parallel analysis methodology for selecting
       the correct number of factors to retain. Educational and Psychological Measurement 55, 377-393.
    """
    frame = as_item_frame(data, what="parallel_analysis", min_items=3)
    if not isinstance(n_iter, int | np.integer) or n_iter < 2:
        raise MethodError(f"parallel_analysis: n_iter must be an integer >= 2, got {n_iter!r}")
    if not 0 < quantile < 1:
        raise MethodError(f"parallel_analysis: quantile must be in (0, 1), got {quantile!r}")
    if fa_communalities not in ("smc", "minres"):
        raise MethodError(
            f"parallel_analysis: fa_communalities must be 'smc' or 'minres', got {fa_communalities!r}"
        )
    r_obs, names, n = _correlation(frame, len(frame), cor, "parallel_analysis")
    p = len(names)
    pc_obs = np.linalg.eigvalsh(r_obs)[::-1]
    fa_obs = _fa_eigenvalues(r_obs, fa_communalities)
    rng = np.random.default_rng(seed)
    pc_sim = np.empty((n_iter, p))
    fa_sim = np.empty((n_iter, p))
    for it in range(n_iter):
        z = rng.standard_normal((n, p))
        z -= z.mean(axis=0)
        c = z.T @ z
        d = 1.0 / np.sqrt(np.diag(c))
        rs = c * d[:, None] * d[None, :]
        pc_sim[it] = np.linalg.eigvalsh(rs)[::-1]
        fa_sim[it] = _fa_eigenvalues(rs, fa_communalities)
    table = pd.DataFrame(
        {
            "pc_observed": pc_obs,
            "pc_sim_mean": pc_sim.mean(axis=0),
            "pc_sim_q": np.quantile(pc_sim, quantile, axis=0),
            "fa_observed": fa_obs,
            "fa_sim_mean": fa_sim.mean(axis=0),
            "fa_sim_q": np.quantile(fa_sim, quantile, axis=0),
        },
        index=pd.RangeIndex(1, p + 1, name="number"),
    )

    def count(obs: np.ndarray, ref: np.ndarray) -> int:
        above = obs > ref
        return int(p if above.all() else np.argmin(above))

    return ParallelResult(
        n_factors=count(fa_obs, table["fa_sim_q"].to_numpy()),
        n_components=count(pc_obs, table["pc_sim_q"].to_numpy()),
        table=table, n_iter=int(n_iter), quantile=float(quantile),
        fa_communalities=fa_communalities, n_obs=n,
    )


# --------------------------------------------------------------------------------------------------
# EFA
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EFAResult(Result):
    """An exploratory factor solution (as psych::fa).

    ``loadings`` (items x factors, pattern matrix), ``phi`` (factor correlations; identity for
    orthogonal or unrotated solutions), ``structure`` (loadings @ phi), ``communalities``
    (diag(L Φ Lᵀ)), ``uniquenesses`` (1 - communalities), ``variance`` (SS loadings, proportion,
    cumulative; for oblique solutions diag(Φ LᵀL) as psych), ``eigenvalues`` of R,
    ``dof``/``objective``/``chi2``/``p_value`` (psych's likelihood-ratio statistic with Bartlett's
    correction; ``None`` when dof = 0 or undefined), ``converged`` (extraction),
    ``rotation_converged``, ``heywood`` (items whose uniqueness reached the 0.005 bound or whose
    communality is >= 1).
    """

    loadings: pd.DataFrame
    communalities: pd.Series
    uniquenesses: pd.Series
    phi: pd.DataFrame
    structure: pd.DataFrame
    variance: pd.DataFrame
    eigenvalues: pd.Series
    method: str
    rotation: str | None
    n_factors: int
    n_obs: int
    dof: float
    objective: float | None
    chi2: float | None
    p_value: float | None
    converged: bool
    rotation_converged: bool
    heywood: tuple[str, ...]
    iterations: int

    def to_frame(self) -> pd.DataFrame:
        """Loadings with communality (h2) and uniqueness (u2) columns."""
        out = self.loadings.copy()
        out["h2"] = self.communalities
        out["u2"] = self.uniquenesses
        return out

    def summary(self) -> Summary:
        """Method, fit and warnings in a line; loadings with h2/u2, and the variance table."""
        return Summary("Exploratory factor analysis", [self.headline()],
                       [self.to_frame(), self.variance])

    def headline(self) -> str:
        """Method, rotation, factors, n, dof and the chi-square test, with any warning."""
        rot = self.rotation or "none"
        flags = []
        if not self.converged:
            flags.append("extraction did not converge")
        if not self.rotation_converged:
            flags.append("rotation did not converge")
        if self.heywood:
            flags.append(f"Heywood case: {', '.join(self.heywood)}")
        head = (f"EFA {self.method}/{rot}, {self.n_factors} factors, n = {self.n_obs}, "
                f"dof = {self.dof:g}")
        if self.chi2 is not None and self.p_value is not None:
            head += f", chi2 = {self.chi2:.2f}, p = {self.p_value:.3g}"
        return head + ("" if not flags else " [" + "; ".join(flags) + "]")


def efa(
    data: pd.DataFrame | np.ndarray,
    n_factors: int,
    *,
    method: str = "minres",
    rotation: str | None = "oblimin",
    pa_min_err: float = 0.001,
    pa_max_iter: int = 50,
    cor: str = "pearson",
) -> EFAResult:
    r"""Exploratory factor analysis of the correlation matrix, as psych::fa.

    Model :math:`R = \Lambda\Phi\Lambda^\top + \Psi`. Extraction (``method``):

    - ``"minres"`` (default, psych's): minimise :math:`\sum_{i<j}(r_{ij} - (\Lambda\Lambda^\top)_{ij})^2`
      over :math:`\Psi` with :math:`\psi_i \in [0.005, 1]`, L-BFGS-B from :math:`1 - \mathrm{SMC}`;
    - ``"ml"``: maximum likelihood, minimising :math:`-\sum_{k>m}(\ln e_k - e_k) - m + p` with
      :math:`e_k` the eigenvalues of :math:`\Psi^{-1/2} R\, \Psi^{-1/2}` (Jöreskog 1967), same bounds;
    - ``"pa"``: iterated principal axes from SMC communalities until the sum of communalities
      changes by less than ``pa_min_err`` (psych: 0.001, at most ``pa_max_iter`` = 50 iterations).

    Rotation: ``"varimax"`` (R ``stats::varimax``, Kaiser-normalised), ``"oblimin"`` (GPArotation,
    quartimin, not normalised; psych's default), ``"promax"`` (psych: Kaiser-normalised varimax, m = 4),
    or ``None``. Columns are signed so that each sums positive (Φ re-signed with them) and sorted by
    variance accounted for, :math:`\mathrm{diag}(\Phi\Lambda^\top\Lambda)`, as psych::fa does.
    Fit: psych's objective :math:`\mathrm{tr}(M^{-1}R) - \ln|M^{-1}R| - p` and
    :math:`\chi^2 = (n - 1 - (2p+5)/6 - 2m/3)\,F` on :math:`p(p-1)/2 - pm + m(m-1)/2` df.

    Missing data: pairwise-complete correlations (psych's default ``use = "pairwise"``); ``n_obs``
    is the number of rows with at least one value (psych uses all rows).

    ``cor``: the matrix factored: ``"pearson"`` (default), ``"polychoric"`` or ``"tetrachoric"``
    (:mod:`methods.psychometrics.polychoric`, psych's defaults: pairwise, ``correct = 0.5``,
    smoothed if not positive definite), as ``psych::fa(x, cor = "poly" / "tet")``; then ``n_obs``
    is the number of rows of the input (psych's ``n.obs``). Matches psych 2.2.9 on 10 bfi items
    (2 factors, polychoric) and the 16 ICAR ability items (4 factors, tetrachoric), minres/oblimin:
    loadings, Φ and communalities to 1e-5, chi2 to a relative 2e-6 (tests/test_factor.py).

    Bad input: fewer than 3 items, constant items, more factors than the degrees of freedom allow
    (dof < 0) or ``n_factors >= n_items`` raise :class:`MethodError`; a singular correlation matrix
    raises for ``"ml"`` and warns (:class:`MethodWarning`) for minres/pa; non-convergence and Heywood
    cases warn and are flagged (``converged``, ``rotation_converged``, ``heywood``).

    Matches psych::fa 2.2.9 (with GPArotation 2022.10) on Holzinger-Swineford (3 factors) and bfi
    (5 factors, pairwise) for all 12 method x rotation combinations, in psych's column order and
    signs: loadings, Φ and communalities to < 1e-5 for minres/ml (psych's optimiser stops earlier;
    our objective is lower at our solution) and 1e-14 for pa; chi2 to a relative 2e-6. Columns are
    named MR1/ML1/PA1... in sorted order (psych keeps the names from before sorting, e.g. PA2 PA1).

    References
    ----------
    1. Revelle, W. (2024). psych: Procedures for Psychological, Psychometric, and Personality
       Research. R package 2.2.9 (``fa``).
    2. Harman, H. H., & Jones, W. H. (1966). Factor analysis by minimizing residuals (minres).
       Psychometrika 31, 351-368.
    3. Jöreskog, K. G. (1967). Some contributions to maximum likelihood factor analysis.
       Psychometrika 32, 443-482.
    """
    frame = as_item_frame(data, what="efa", min_items=3)
    p = frame.shape[1]
    n_factors, df = _efa_check_options(p, n_factors, method, rotation)
    r, names, n_obs = _correlation(frame, len(data), cor, "efa")
    try:
        check_positive_definite(r, names, what="efa")
    except MethodError as exc:
        if method == "ml":
            raise
        warnings.warn(str(exc), MethodWarning, stacklevel=2)
    fit = fit_correlation(r, n_factors, method, rotation, pa_min_err=pa_min_err,
                          pa_max_iter=pa_max_iter)
    cols = [f"{METHOD_PREFIX[method]}{k + 1}" for k in range(n_factors)]
    loadings = pd.DataFrame(fit.loadings, index=names, columns=cols)
    phi = pd.DataFrame(fit.phi, index=cols, columns=cols)
    comm = pd.Series(fit.communality, index=names, name="communality")
    ss = np.diag(fit.phi @ fit.loadings.T @ fit.loadings)
    variance = pd.DataFrame(
        {"ss_loadings": ss, "proportion": ss / p, "cumulative": np.cumsum(ss) / p,
         "proportion_explained": ss / ss.sum()}, index=cols
    ).T
    objective = ml_objective(r, fit.loadings, fit.phi)
    chi2, pval = _efa_chi2(objective, n_obs, p, n_factors, df)
    heywood = tuple(n for n, h in zip(names, fit.heywood, strict=True) if h)
    if not fit.converged:
        warnings.warn(f"efa({method}): extraction did not converge after {fit.iterations} "
                      "iterations; results are approximate", MethodWarning, stacklevel=2)
    if not fit.rotation_converged:
        warnings.warn(f"efa: the {rotation} rotation did not converge", MethodWarning, stacklevel=2)
    if heywood:
        warnings.warn(
            f"efa({method}): Heywood case for items {list(heywood)} (uniqueness at its 0.005 bound "
            "or communality >= 1); too many factors or too few items per factor?",
            MethodWarning, stacklevel=2,
        )
    return EFAResult(
        loadings=loadings, communalities=comm,
        uniquenesses=pd.Series(1.0 - fit.communality, index=names, name="uniqueness"),
        phi=phi, structure=pd.DataFrame(fit.loadings @ fit.phi, index=names, columns=cols),
        variance=variance, eigenvalues=pd.Series(fit.eigenvalues, index=range(1, p + 1),
                                                 name="eigenvalue"),
        method=method, rotation=rotation, n_factors=n_factors, n_obs=n_obs, dof=df,
        objective=objective, chi2=chi2, p_value=pval, converged=fit.converged,
        rotation_converged=fit.rotation_converged, heywood=heywood, iterations=fit.iterations,
    )


def _efa_check_options(p: int, n_factors: int, method: str, rotation: str | None
                       ) -> tuple[int, float]:
    """Check ``efa``'s options for ``p`` items; returns ``n_factors`` as an int and the model's
    degrees of freedom."""
    if not isinstance(n_factors, int | np.integer) or isinstance(n_factors, bool) or n_factors < 1:
        raise MethodError(f"efa: n_factors must be a positive integer, got {n_factors!r}")
    n_factors = int(n_factors)
    if method not in _METHODS:
        raise MethodError(f"efa: method must be one of {list(_METHODS)}, got {method!r}")
    if rotation not in _ROTATIONS:
        raise MethodError(f"efa: rotation must be one of {list(_ROTATIONS)}, got {rotation!r}")
    df = _efa_dof(p, n_factors)
    if n_factors >= p or df < 0:
        max_nf = max(k for k in range(1, p) if _efa_dof(p, k) >= 0) if p >= 3 else 0
        raise MethodError(
            f"efa: {n_factors} factors are too many for {p} items (degrees of freedom "
            f"{df:g} < 0); at most {max_nf} factors can be identified"
        )
    return n_factors, df


def _efa_chi2(objective: float | None, n_obs: int, p: int, n_factors: int, df: float
              ) -> tuple[float | None, float | None]:
    """psych's chi2 ``(n - 1 - (2p+5)/6 - 2m/3) F`` and its p-value; None without an objective
    or degrees of freedom."""
    chi2 = pval = None
    if objective is not None:
        chi2 = max(objective * ((n_obs - 1) - (2 * p + 5) / 6 - 2 * n_factors / 3), 0.0)
        if df > 0:
            pval = float(stats.chi2.sf(chi2, df))
        else:
            chi2 = None
    return chi2, pval


def loading_flags(
    loadings: pd.DataFrame,
    intended: Mapping[str, Sequence[str]],
    *,
    own_min: float = 0.4,
    cross_max: float = 0.3,
) -> pd.DataFrame:
    """Compare an EFA pattern matrix with the intended item → construct structure.

    Each intended construct is matched to one factor by maximising the total absolute loading of its
    items (Hungarian assignment, so two constructs never share a factor; needs at least as many
    factors as constructs). Per item: ``construct``, matched ``factor``, ``own`` loading,
    ``max_cross`` (largest absolute loading elsewhere, with its factor), and the flags
    ``low_own`` (|own| < ``own_min``) and ``cross_loading`` (max_cross > ``cross_max``).
    """
    if not isinstance(loadings, pd.DataFrame):
        raise MethodTypeError("loading_flags: loadings must be a DataFrame (items x factors)")
    constructs = list(intended)
    if len(constructs) > loadings.shape[1]:
        raise MethodError(
            f"loading_flags: {len(constructs)} intended constructs but only {loadings.shape[1]} "
            "factors; extract at least one factor per construct"
        )
    missing = [i for c in constructs for i in intended[c] if i not in loadings.index]
    if missing:
        raise MethodError(f"loading_flags: items {missing} are not in the loading matrix")
    a = np.abs(loadings.to_numpy())
    idx = {n: k for k, n in enumerate(loadings.index)}
    score = np.array([[a[[idx[i] for i in intended[c]], f].sum() for f in range(a.shape[1])]
                      for c in constructs])
    rows, cols = optimize.linear_sum_assignment(-score)
    match = {constructs[r]: int(c) for r, c in zip(rows, cols, strict=True)}
    out = []
    for c in constructs:
        f = match[c]
        for item in intended[c]:
            row = loadings.loc[item].to_numpy()
            others = np.delete(np.abs(row), f)
            other_names = np.delete(np.asarray(loadings.columns), f)
            k = int(np.argmax(others)) if others.size else 0
            max_cross = float(others[k]) if others.size else 0.0
            out.append({
                "item": item, "construct": c, "factor": loadings.columns[f],
                "own": float(row[f]), "max_cross": max_cross,
                "cross_factor": other_names[k] if others.size else "",
                "low_own": bool(abs(row[f]) < own_min),
                "cross_loading": bool(max_cross > cross_max),
            })
    return pd.DataFrame(out).set_index("item")


def first_component_share(data: pd.DataFrame | np.ndarray) -> float:
    r"""Share of total variance of the first principal component of the correlation matrix,
    :math:`\lambda_1 / p` (pairwise-complete correlations). A crude unidimensionality check."""
    frame = as_item_frame(data, what="first_component_share", min_items=2)
    r = moments(frame, what="first_component_share").cor
    return float(np.linalg.eigvalsh(r)[-1] / r.shape[0])


# --------------------------------------------------------------------------------------------------
# CFA
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CFAResult(Result):
    """A confirmatory factor model fitted by maximum likelihood (lavaan defaults).

    Fit: ``chi2``, ``dof``, ``p_value``, ``cfi``, ``tli``, ``rmsea``, ``rmsea_ci`` (90%),
    ``srmr`` (Bentler), ``aic``, ``bic``, ``loglik`` (and ``loglik_unrestricted``), ``npar``,
    ``baseline_chi2``/``baseline_dof``. Estimates: ``loadings`` (long frame: factor, item, est,
    se, std_all), ``std_loadings`` (items x factors, std.all, 0 where not free), ``phi``
    (factor covariances), ``factor_correlations``, ``residual_variances`` (est, se and std_all),
    ``residual_covariances`` (long frame: item1, item2, est, se, std_all = residual correlation;
    empty without ``~~`` statements), ``model`` (factor -> items), ``syntax`` (the fitted model in
    lavaan syntax), ``n_obs`` (complete cases used), ``converged``, ``heywood`` (negative residual
    variances or non-positive-definite Φ). Fixed parameters are reported with se 0, as lavaan.
    """

    chi2: float
    dof: int
    p_value: float
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci: tuple[float, float]
    srmr: float
    aic: float
    bic: float
    loglik: float
    loglik_unrestricted: float
    npar: int
    baseline_chi2: float
    baseline_dof: int
    loadings: pd.DataFrame
    std_loadings: pd.DataFrame
    phi: pd.DataFrame
    factor_correlations: pd.DataFrame
    residual_variances: pd.DataFrame
    model: dict[str, tuple[str, ...]]
    n_obs: int
    converged: bool
    iterations: int
    heywood: tuple[str, ...] = field(default=())
    residual_covariances: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["item1", "item2", "est", "se", "std_all"]))
    syntax: str = ""

    def fit_table(self) -> pd.Series:
        """The fit measures as a Series (lavaan's names)."""
        return pd.Series({
            "chisq": self.chi2, "df": self.dof, "pvalue": self.p_value, "cfi": self.cfi,
            "tli": self.tli, "rmsea": self.rmsea, "rmsea.ci.lower": self.rmsea_ci[0],
            "rmsea.ci.upper": self.rmsea_ci[1], "srmr": self.srmr, "aic": self.aic,
            "bic": self.bic, "logl": self.loglik, "npar": self.npar, "ntotal": self.n_obs,
        })

    def to_frame(self) -> pd.DataFrame:
        """The loadings (long: factor, item, est, se, std_all)."""
        return self.loadings

    def summary(self) -> Summary:
        """The fit in a line; the fit measures and the loadings."""
        lo, hi = self.rmsea_ci
        line = (f"CFA (ML, n = {self.n_obs}): chi2({self.dof}) = {self.chi2:.3f}, "
                f"p = {self.p_value:.3g}, CFI = {self.cfi:.3f}, TLI = {self.tli:.3f}, "
                f"RMSEA = {self.rmsea:.3f} [{lo:.3f}, {hi:.3f}], SRMR = {self.srmr:.3f}")
        lines = [line] + ([f"Heywood case: {', '.join(self.heywood)}"] if self.heywood else [])
        return Summary("Confirmatory factor analysis", lines,
                       [self.fit_table().rename("value").to_frame(), self.loadings])


def _validate_model(model: Mapping[str, Sequence[str]], columns: Sequence[str]
                    ) -> dict[str, tuple[str, ...]]:
    if not isinstance(model, Mapping) or not model:
        raise MethodTypeError("cfa: model must be a non-empty dict {factor: [items]}, a string in "
                              "lavaan syntax or a MeasurementModel")
    out: dict[str, tuple[str, ...]] = {}
    for f, items in model.items():
        if isinstance(items, str) or not isinstance(items, Sequence):
            raise MethodTypeError(f"cfa: the items of factor {f!r} must be a list of column names")
        items = tuple(str(i) for i in items)
        if len(items) < 2:
            raise MethodError(
                f"cfa: factor {f!r} has {len(items)} item(s); a factor needs at least 2 indicators "
                "(3 for a factor of its own to be identified)"
            )
        if len(set(items)) != len(items):
            raise MethodError(f"cfa: factor {f!r} lists an item twice: {list(items)}")
        unknown = [i for i in items if i not in columns]
        if unknown:
            raise MethodError(f"cfa: items {unknown} of factor {f!r} are not columns of the data")
        if str(f) in columns:
            raise MethodError(f"cfa: factor name {f!r} is also a column of the data")
        out[str(f)] = items
    return out


class _CFAModel:
    """Parameter bookkeeping. The parameter vector is [free loadings (model order) | free Φ entries
    (lower triangle, row by row) | free residual variances (item order) | free residual
    covariances (statement order)]; fixed values (markers, ``0.8*x``, ``f1 ~~ 0*f2``) sit in the
    matrices. With a dict model (markers only) this is the layout of the original code."""

    def __init__(self, model: MeasurementModel, items: list[str]):
        self.items = items
        self.factors = list(model.factors)
        p, m = len(items), len(self.factors)
        self.p, self.m = p, m
        pos = {it: k for k, it in enumerate(items)}
        fpos = {f: k for k, f in enumerate(self.factors)}
        self.free_load: list[tuple[int, int]] = []
        self.fixed_load: list[tuple[int, int, float]] = []
        for ld in model.loadings:
            if ld.value is None:
                self.free_load.append((pos[ld.item], fpos[ld.factor]))
            else:
                self.fixed_load.append((pos[ld.item], fpos[ld.factor], ld.value))
        fixed_cov = {frozenset((c.lhs, c.rhs)): c.value for c in model.covariances
                     if c.value is not None}
        self.phi_fixed = {(a, b): v for a in range(m) for b in range(a + 1)
                          if (v := fixed_cov.get(frozenset((self.factors[a], self.factors[b]))))
                          is not None}
        self.phi_idx = [(a, b) for a in range(m) for b in range(a + 1)
                        if (a, b) not in self.phi_fixed]
        self.psi_fixed = {i: v for i in range(p)
                          if (v := fixed_cov.get(frozenset((items[i],)))) is not None}
        self.psi_idx = [i for i in range(p) if i not in self.psi_fixed]
        self.resid_free: list[tuple[int, int]] = []
        self.resid_fixed: list[tuple[int, int, float]] = []
        for c in model.covariances:
            if c.lhs in pos and c.rhs in pos and c.lhs != c.rhs:
                i, j = pos[c.lhs], pos[c.rhs]
                if c.value is None:
                    self.resid_free.append((i, j))
                else:
                    self.resid_fixed.append((i, j, c.value))
        self.nl, self.nphi, self.npsi = len(self.free_load), len(self.phi_idx), len(self.psi_idx)
        self.npar = self.nl + self.nphi + self.npsi + len(self.resid_free)

    @property
    def psi_slice(self) -> slice:
        """Where the free residual variances sit in the parameter vector."""
        return slice(self.nl + self.nphi, self.nl + self.nphi + self.npsi)

    @property
    def resid_slice(self) -> slice:
        """Where the free residual covariances sit in the parameter vector."""
        return slice(self.nl + self.nphi + self.npsi, self.npar)

    def unpack(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Λ (p x m), Φ (m x m) and Θ (p x p) at ``theta``."""
        lam = np.zeros((self.p, self.m))
        for i, f, v in self.fixed_load:
            lam[i, f] = v
        for k, (i, f) in enumerate(self.free_load):
            lam[i, f] = theta[k]
        phi = np.zeros((self.m, self.m))
        for (a, b), v in self.phi_fixed.items():
            phi[a, b] = phi[b, a] = v
        for k, (a, b) in enumerate(self.phi_idx):
            phi[a, b] = phi[b, a] = theta[self.nl + k]
        psi = np.zeros(self.p)
        for i, v in self.psi_fixed.items():
            psi[i] = v
        psi[self.psi_idx] = theta[self.psi_slice]
        big_theta = np.diag(psi)
        for i, j, v in self.resid_fixed:
            big_theta[i, j] = big_theta[j, i] = v
        for (i, j), v in zip(self.resid_free, theta[self.resid_slice], strict=True):
            big_theta[i, j] = big_theta[j, i] = v
        return lam, phi, big_theta

    def sigma(self, theta: np.ndarray) -> np.ndarray:
        lam, phi, big_theta = self.unpack(theta)
        return lam @ phi @ lam.T + big_theta

    def derivatives(self, theta: np.ndarray) -> np.ndarray:
        """dΣ/dθ_k for every parameter, shape (npar, p, p)."""
        lam, phi, _ = self.unpack(theta)
        out = np.zeros((self.npar, self.p, self.p))
        lp = lam @ phi
        for k, (i, f) in enumerate(self.free_load):
            out[k, i, :] += lp[:, f]
            out[k, :, i] += lp[:, f]
        for k, (a, b) in enumerate(self.phi_idx):
            d = np.outer(lam[:, a], lam[:, b])
            out[self.nl + k] = d + d.T if a != b else d
        base = self.nl + self.nphi
        for k, i in enumerate(self.psi_idx):
            out[base + k, i, i] = 1.0
        base += self.npsi
        for k, (i, j) in enumerate(self.resid_free):
            out[base + k, i, j] = out[base + k, j, i] = 1.0
        return out

    def start(self, s: np.ndarray) -> np.ndarray:
        """Per factor: one-factor principal-axis loadings of its block, scaled so that its first
        fixed loading has its value (or, without one, by its fixed variance)."""
        lam0 = np.zeros(self.nl)
        phi0 = np.zeros(self.nphi)
        psi0 = 0.5 * np.diag(s)[self.psi_idx]
        for f in range(self.m):
            fixed = [(i, v) for i, ff, v in self.fixed_load if ff == f and v != 0.0]
            rows = [i for i, _ in fixed] + [i for i, ff in self.free_load if ff == f]
            block = s[np.ix_(rows, rows)]
            vals, vecs = np.linalg.eigh(block)
            v = vecs[:, -1] * np.sqrt(max(vals[-1], 1e-6))
            if fixed:
                if abs(v[0]) < 1e-8:
                    v[0] = 1e-8
                scale = v[0] / fixed[0][1]
            else:
                scale = np.sign(v.sum() or 1.0) * np.sqrt(self.phi_fixed[(f, f)])
            for k, (i, ff) in enumerate(self.free_load):
                if ff == f:
                    lam0[k] = v[rows.index(i)] / scale
            if (f, f) in self.phi_idx:
                phi0[self.phi_idx.index((f, f))] = scale**2 * 0.9
        return np.concatenate([lam0, phi0, psi0, np.zeros(len(self.resid_free))])


def _ml_discrepancy(sigma: np.ndarray, s: np.ndarray, logdet_s: float) -> float:
    sign, logdet = np.linalg.slogdet(sigma)
    if sign <= 0:
        return np.inf
    return float(logdet + np.trace(np.linalg.solve(sigma, s)) - logdet_s - s.shape[0])


def cfa(
    data: pd.DataFrame,
    model: Mapping[str, Sequence[str]] | str | MeasurementModel,
    *,
    max_iter: int = 500,
    tol: float = 1e-10,
) -> CFAResult:
    r"""Confirmatory factor analysis by maximum likelihood, with lavaan's defaults for
    ``cfa(model, data, std.lv = FALSE)``.

    ``model`` is a dict ``{factor: [items]}``, a string in lavaan syntax (``f =~ x1 + x2 + x3``,
    cross-loadings, fixed loadings ``0.8*x2``, a free marker ``NA*x1``, residual covariances
    ``x1 ~~ x5``, fixed factor (co)variances ``f1 ~~ 0*f2``; see
    :mod:`methods.psychometrics.model_syntax`) or a parsed
    :class:`~methods.psychometrics.model_syntax.MeasurementModel`.

    Model :math:`\Sigma(\theta) = \Lambda\Phi\Lambda^\top + \Theta`, the first loading of each factor
    fixed to 1 (unless stated otherwise), factor (co)variances and residual variances free unless
    fixed, :math:`\Theta` diagonal plus the stated residual covariances, no mean structure. The
    number of free parameters :math:`q` and :math:`df = p(p+1)/2 - q` are lavaan's.
    :math:`S` is the covariance matrix with divisor :math:`N` and

    .. math:: F_{ML} = \ln|\Sigma| + \mathrm{tr}(S\Sigma^{-1}) - \ln|S| - p,\qquad \chi^2 = N F_{ML},

    minimised by Fisher scoring with step halving (expected information
    :math:`\tfrac12\mathrm{tr}(\Sigma^{-1}\Sigma_a\Sigma^{-1}\Sigma_b)`). Fit measures as lavaan 0.6:
    :math:`\mathrm{CFI} = 1 - \max(\chi^2-df,0)/\max(\chi^2-df, \chi^2_0-df_0, 0)`,
    :math:`\mathrm{TLI} = (\chi^2_0/df_0 - \chi^2/df)/(\chi^2_0/df_0 - 1)` against the independence
    model, :math:`\mathrm{RMSEA} = \sqrt{\max(\chi^2-df, 0)/(df\,N)}` (N, not N - 1) with a 90% interval
    from the non-central :math:`\chi^2`, SRMR (Bentler): root mean square of
    :math:`(s_{ij}-\hat\sigma_{ij})/\sqrt{s_{ii}s_{jj}}` over :math:`i \le j`,
    :math:`\ln L = -\tfrac N2(p\ln 2\pi + \ln|\Sigma| + \mathrm{tr}(S\Sigma^{-1}))`,
    AIC :math:`= -2\ln L + 2q`, BIC :math:`= -2\ln L + q\ln N`. Standard errors from the expected
    information (lavaan's ``se = "standard"``); std.all loadings
    :math:`\lambda_{if}\sqrt{\phi_{ff}}/\sqrt{\hat\sigma_{ii}}`.

    Missing data: listwise deletion (lavaan's default ``missing = "listwise"``); ``n_obs`` is the
    number of complete cases of the model's items.

    Example
    -------
    >>> rng = np.random.default_rng(0)
    >>> f = rng.standard_normal((500, 2))
    >>> x = pd.DataFrame(np.hstack([f[:, [0]] + rng.standard_normal((500, 3)),
    ...                             f[:, [1]] + rng.standard_normal((500, 3))]),
    ...                  columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> res = cfa(x, "A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3\na1 ~~ b1")
    >>> res.dof, res.npar
    (7, 14)

    Bad input: unknown items, a factor with fewer than 2 items, negative degrees of freedom (model
    not identified), a singular sample covariance matrix raise :class:`MethodError`; non-convergence
    and Heywood cases (negative residual variance, non-positive-definite Φ) warn and are flagged.

    Matches lavaan 0.6-14 on Holzinger-Swineford (3 factors, 9 items) and bfi (5 x 5 items,
    reverse-keyed items flipped, listwise): chi2, logL, AIC, BIC to a relative 1e-10, CFI, TLI,
    RMSEA (and its interval), SRMR to 2e-9, std.all loadings to 5e-6 and raw loadings to 3e-5
    (lavaan's own convergence tolerance; tests/reference/lavaan_reference.R). Models in syntax
    (tests/reference/lavaan_syntax.R): lavaan's PoliticalDemocracy measurement model with six
    residual covariances (chi2 = 38.125, df = 35, the tutorial's SEM fit) and two
    Holzinger-Swineford models (a cross-loading and a fixed loading; a free marker with a fixed
    factor variance, a fixed factor covariance and a residual covariance): chi2, logL, AIC, BIC to
    a relative 1e-10, CFI, TLI, RMSEA to 2e-9, SRMR and the RMSEA interval to 5e-8, residual
    covariances (est, se, std.all) and loadings as above. semopy 2.3 differs
    (RMSEA with N - 1, AIC/BIC/logL on another scale, no SRMR).

    References
    ----------
    1. Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. Journal of
       Statistical Software 48(2), 1-36.
    2. Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance structure
       analysis. Structural Equation Modeling 6, 1-55.
    3. Browne, M. W., & Cudeck, R. (1993). Alternative ways of assessing model fit. In Bollen & Long
       (eds.), Testing Structural Equation Models, 136-162.
    """
    if not isinstance(data, pd.DataFrame):
        raise MethodTypeError(f"cfa: data must be a pandas DataFrame, got {type(data).__name__}")
    spec = _cfa_spec(model, [str(c) for c in data.columns])
    items, par, s, logdet_s, n, df = _cfa_sample(data, spec)
    theta, fmin, converged, it, grad = _cfa_fisher_scoring(par, s, logdet_s, max_iter, tol)
    _, phi, big_theta = par.unpack(theta)
    psi = np.diag(big_theta).copy()
    sig = par.sigma(theta)
    se = _cfa_standard_errors(par, theta, n)
    fit = _cfa_fit_measures(s, sig, logdet_s, fmin, n, df, par.npar)
    factors = par.factors
    load_df, std, corr = _cfa_loading_tables(par, spec, items, theta, se)
    phi_df = pd.DataFrame(phi, index=factors, columns=factors)
    se_psi = np.zeros(len(items))
    se_psi[par.psi_idx] = se[par.psi_slice]
    resid_df = pd.DataFrame({"est": psi, "se": se_psi, "std_all": psi / np.diag(sig)}, index=items)
    rcov_df = _cfa_residual_covariances(par, items, big_theta, se)
    heywood = [it_ for it_, v in zip(items, psi, strict=True) if v < 0]
    if np.linalg.eigvalsh(phi)[0] <= 0:
        heywood.append("Phi (factor covariance matrix not positive definite)")
    if not converged:
        warnings.warn(f"cfa: ML estimation did not converge in {it} iterations (max |gradient| "
                      f"{np.max(np.abs(grad)):.2g}); results are approximate",
                      MethodWarning, stacklevel=2)
    if heywood:
        warnings.warn(f"cfa: Heywood case / improper solution: {heywood}", MethodWarning,
                      stacklevel=2)
    return CFAResult(
        **fit, loadings=load_df, std_loadings=std, phi=phi_df,
        factor_correlations=pd.DataFrame(corr, index=factors, columns=factors),
        residual_variances=resid_df, model=spec.factor_items(), n_obs=int(n),
        converged=converged, iterations=it, heywood=tuple(heywood),
        residual_covariances=rcov_df, syntax=spec.to_syntax(),
    )


def _cfa_spec(model: Mapping[str, Sequence[str]] | str | MeasurementModel, columns: list[str]
              ) -> MeasurementModel:
    """The model as a :class:`MeasurementModel`, its items checked against the data's columns."""
    if isinstance(model, MeasurementModel):
        check_model(model)
        spec = model
    elif isinstance(model, str):
        spec = parse_model(model)
    else:
        return model_from_dict(_validate_model(model, columns))
    for f, items in spec.factor_items().items():
        unknown = [i for i in items if i not in columns]
        if unknown:
            raise MethodError(f"cfa: items {unknown} of factor {f!r} are not columns of the data")
        if f in columns:
            raise MethodError(f"cfa: factor name {f!r} is also a column of the data")
    return spec


def _cfa_residual_covariances(par: _CFAModel, items: list[str], big_theta: np.ndarray,
                              se: np.ndarray) -> pd.DataFrame:
    """Residual covariances (free, then fixed): est, se (0 if fixed) and std_all, the residual
    correlation θ_ij/√(θ_ii θ_jj) (lavaan's std.all with its default cov.std = TRUE)."""
    rows = []
    free_se = se[par.resid_slice]
    pairs = [(i, j, float(free_se[k])) for k, (i, j) in enumerate(par.resid_free)]
    pairs += [(i, j, 0.0) for i, j, _ in par.resid_fixed]
    for i, j, s_e in pairs:
        est = float(big_theta[i, j])
        with np.errstate(invalid="ignore", divide="ignore"):
            std = est / np.sqrt(big_theta[i, i] * big_theta[j, j])
        rows.append((items[i], items[j], est, s_e, float(std)))
    return pd.DataFrame(rows, columns=["item1", "item2", "est", "se", "std_all"])


def _cfa_sample(
    data: pd.DataFrame, spec: MeasurementModel
) -> tuple[list[str], _CFAModel, np.ndarray, float, int, int]:
    """The model's items, its parameterisation, the ML covariance (divisor N) of the complete
    cases, its log-determinant, N and the degrees of freedom; raises on an unidentified model, too
    few cases or a singular covariance matrix."""
    items = list(spec.items)
    frame = as_item_frame(data[items], what="cfa", min_items=3)
    complete = frame.dropna()
    n = complete.shape[0]
    p = len(items)
    par = _CFAModel(spec, items)
    df = p * (p + 1) // 2 - par.npar
    if df < 0:
        raise MethodError(
            f"cfa: the model has {par.npar} free parameters but only {p * (p + 1) // 2} variances "
            f"and covariances (degrees of freedom {df}); it is not identified — add items or "
            "constraints"
        )
    if n <= p:
        raise MethodError(f"cfa: {n} complete cases for {p} items; needs more cases than items")
    as_item_frame(complete, what="cfa (complete cases)", min_items=3)
    x = complete.to_numpy()
    xc = x - x.mean(axis=0)
    s = xc.T @ xc / n
    sign_s, logdet_s = np.linalg.slogdet(s)
    if sign_s <= 0:
        check_positive_definite(s / np.sqrt(np.outer(np.diag(s), np.diag(s))), items, what="cfa")
    return items, par, s, logdet_s, n, df


def _cfa_fisher_scoring(
    par: _CFAModel, s: np.ndarray, logdet_s: float, max_iter: int, tol: float
) -> tuple[np.ndarray, float, bool, int, np.ndarray]:
    """Minimise F_ML by Fisher scoring with step halving; returns the estimates, the minimum,
    whether it converged, the iterations used and the last gradient."""
    theta = par.start(s)
    f_old = _ml_discrepancy(par.sigma(theta), s, logdet_s)
    if not np.isfinite(f_old):
        theta[par.psi_slice] = np.diag(s)[par.psi_idx]
        theta[par.resid_slice] = 0.0
        f_old = _ml_discrepancy(par.sigma(theta), s, logdet_s)
    converged = False
    it = 0
    grad = np.zeros(par.npar)
    for it in range(1, max_iter + 1):  # noqa: B007
        sig = par.sigma(theta)
        sinv = np.linalg.inv(sig)
        deriv = par.derivatives(theta)
        a = np.einsum("ij,kjl->kil", sinv, deriv)          # Σ^-1 Σ_k
        g_mat = sinv - sinv @ s @ sinv
        grad = np.einsum("ij,kji->k", g_mat, deriv)
        info = np.einsum("aij,bji->ab", a, a)
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(info, grad, rcond=None)[0]
        theta, f_new, t = _cfa_halving_step(par, s, logdet_s, theta, step, f_old)
        change = f_old - f_new
        f_old = f_new
        if np.max(np.abs(grad)) < tol or (0 <= change < 1e-15 and t >= 1.0):
            converged = True
            break
        if t < 1e-10:
            break
    return theta, f_old, converged, it, grad


def _cfa_halving_step(
    par: _CFAModel, s: np.ndarray, logdet_s: float, theta: np.ndarray, step: np.ndarray,
    f_old: float,
) -> tuple[np.ndarray, float, float]:
    """Halve the Fisher step until F_ML does not increase; below 1e-10 keep ``theta``."""
    t = 1.0
    while True:
        cand = theta - t * step
        f_new = _ml_discrepancy(par.sigma(cand), s, logdet_s)
        if np.isfinite(f_new) and f_new <= f_old + 1e-14 * abs(f_old):
            break
        t /= 2.0
        if t < 1e-10:
            cand, f_new = theta, f_old
            break
    return cand, f_new, t


def _cfa_standard_errors(par: _CFAModel, theta: np.ndarray, n: int) -> np.ndarray:
    """Standard errors from the expected information ``N/2 tr(Σ⁻¹Σ_a Σ⁻¹Σ_b)`` (NaN if singular)."""
    sig = par.sigma(theta)
    sinv = np.linalg.inv(sig)
    deriv = par.derivatives(theta)
    a = np.einsum("ij,kjl->kil", sinv, deriv)
    info = 0.5 * n * np.einsum("aij,bji->ab", a, a)
    try:
        cov_theta = np.linalg.inv(info)
        se = np.sqrt(np.clip(np.diag(cov_theta), 0.0, None))
    except np.linalg.LinAlgError:
        se = np.full(par.npar, np.nan)
    return se


def _cfa_fit_measures(
    s: np.ndarray, sig: np.ndarray, logdet_s: float, fmin: float, n: int, df: int, npar: int
) -> dict[str, Any]:
    """lavaan's fit measures (chi2, CFI, TLI, RMSEA and its interval, SRMR, logL, AIC, BIC) as
    :class:`CFAResult` fields."""
    p = s.shape[0]
    chi2 = max(n * fmin, 0.0)
    pval = float(stats.chi2.sf(chi2, df)) if df > 0 else 1.0
    logl_sat = -0.5 * n * (p * np.log(2 * np.pi) + logdet_s + p)
    logl = logl_sat - 0.5 * n * fmin
    base_chi2 = float(n * (np.sum(np.log(np.diag(s))) - logdet_s))
    base_df = p * (p - 1) // 2
    denom = max(chi2 - df, base_chi2 - base_df, 0.0)
    cfi = 1.0 - max(chi2 - df, 0.0) / denom if denom > 0 else 1.0
    if df > 0 and base_df > 0 and base_chi2 / base_df != 1.0:
        tli = (base_chi2 / base_df - chi2 / df) / (base_chi2 / base_df - 1.0)
    else:
        tli = 1.0
    rmsea = float(np.sqrt(max(chi2 - df, 0.0) / (df * n))) if df > 0 else 0.0
    rmsea_ci = _rmsea_ci(chi2, df, n)
    d = np.sqrt(np.diag(s))
    resid = (s - sig) / np.outer(d, d)
    srmr = float(np.sqrt(np.mean(resid[np.tril_indices(p)] ** 2)))
    aic = -2 * logl + 2 * npar
    bic = -2 * logl + np.log(n) * npar
    return dict(
        chi2=float(chi2), dof=int(df), p_value=pval, cfi=float(cfi), tli=float(tli),
        rmsea=rmsea, rmsea_ci=rmsea_ci, srmr=srmr, aic=float(aic), bic=float(bic),
        loglik=float(logl), loglik_unrestricted=float(logl_sat), npar=int(npar),
        baseline_chi2=base_chi2, baseline_dof=int(base_df),
    )


def _cfa_loading_tables(
    par: _CFAModel, spec: MeasurementModel, items: list[str], theta: np.ndarray,
    se: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """The loadings in model order (est, se, std.all), the item x factor std.all matrix and the
    factor correlation matrix."""
    lam, phi, _ = par.unpack(theta)
    sig = par.sigma(theta)
    factors = par.factors
    sd_lv = np.sqrt(np.clip(np.diag(phi), 0.0, None))
    sd_ov = np.sqrt(np.diag(sig))
    rows = []
    for i, f, v in par.fixed_load:
        rows.append((factors[f], items[i], v, 0.0, lam[i, f] * sd_lv[f] / sd_ov[i]))
    for k, (i, f) in enumerate(par.free_load):
        rows.append((factors[f], items[i], lam[i, f], se[k], lam[i, f] * sd_lv[f] / sd_ov[i]))
    order = {(ld.factor, ld.item): k for k, ld in enumerate(spec.loadings)}
    rows.sort(key=lambda r: order[(r[0], r[1])])
    load_df = pd.DataFrame(rows, columns=["factor", "item", "est", "se", "std_all"])
    std = pd.DataFrame(0.0, index=items, columns=factors)
    for r in rows:
        std.loc[r[1], r[0]] = r[4]
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = phi / np.outer(sd_lv, sd_lv)
    np.fill_diagonal(corr, 1.0)
    return load_df, std, corr


def _rmsea_ci(chi2: float, df: int, n: int, level: float = 0.90) -> tuple[float, float]:
    """lavaan's RMSEA interval: non-centrality λ with P(χ²_df(λ) ≤ X²) = 0.95 / 0.05."""
    if df < 1:
        return (0.0, 0.0)
    upper_p, lower_p = 1 - (1 - level) / 2, (1 - level) / 2

    def cdf(lam: float) -> float:
        return float(stats.ncx2.cdf(chi2, df, lam)) if lam > 0 else float(stats.chi2.cdf(chi2, df))

    if cdf(0.0) < upper_p:
        lo = 0.0
    else:
        lam = optimize.brentq(lambda x: cdf(x) - upper_p, 0.0, chi2, xtol=1e-12)
        lo = float(np.sqrt(lam / (n * df)))
    n_rmsea = max(n, chi2 * 4)
    if cdf(n_rmsea) - lower_p > 0 or cdf(0.0) < lower_p:
        hi = 0.0
    else:
        lam = optimize.brentq(lambda x: cdf(x) - lower_p, 0.0, n_rmsea, xtol=1e-12)
        hi = float(np.sqrt(lam / (n * df)))
    return (lo, hi)


def composite_reliability(result: CFAResult) -> pd.Series:
    r"""Composite (construct) reliability per factor from the standardized solution,

    .. math:: \mathrm{CR}_f = \frac{(\sum_i \lambda^*_{if})^2}{(\sum_i \lambda^*_{if})^2 + \sum_i \theta^*_{i}}

    with :math:`\lambda^*` the std.all loadings and :math:`\theta^*` the standardized residual
    variances of the factor's items (Jöreskog 1971; Fornell & Larcker 1981; equal to Raykov's ρ for
    congeneric items). Matches the formula applied to lavaan's standardizedSolution to 1e-6.
    """
    if not isinstance(result, CFAResult):
        raise MethodTypeError("composite_reliability: expected the result of cfa()")
    out = {}
    for f, items in result.model.items():
        lam = result.std_loadings.loc[list(items), f].to_numpy()
        theta = result.residual_variances.loc[list(items), "std_all"].to_numpy()
        out[f] = float(lam.sum() ** 2 / (lam.sum() ** 2 + theta.sum()))
    return pd.Series(out, name="composite_reliability")


def ave(result: CFAResult) -> pd.Series:
    r"""Average variance extracted per factor, :math:`\mathrm{AVE}_f = \frac1{k_f}\sum_i \lambda^{*2}_{if}`
    (std.all loadings; Fornell & Larcker 1981). Convention: AVE ≥ .5 supports convergent validity."""
    if not isinstance(result, CFAResult):
        raise MethodTypeError("ave: expected the result of cfa()")
    out = {}
    for f, items in result.model.items():
        lam = result.std_loadings.loc[list(items), f].to_numpy()
        out[f] = float(np.mean(lam**2))
    return pd.Series(out, name="ave")


def fornell_larcker(result: CFAResult) -> pd.DataFrame:
    r"""Fornell-Larcker table: :math:`\sqrt{\mathrm{AVE}}` on the diagonal, factor correlations off it.

    Discriminant validity holds for a factor when its :math:`\sqrt{\mathrm{AVE}}` exceeds its
    correlations with every other factor (Fornell & Larcker 1981).
    """
    if not isinstance(result, CFAResult):
        raise MethodTypeError("fornell_larcker: expected the result of cfa()")
    table = result.factor_correlations.copy()
    sq = np.sqrt(ave(result))
    for f in table.index:
        table.loc[f, f] = sq[f]
    return table


def htmt(data: pd.DataFrame, model: Mapping[str, Sequence[str]], *, absolute: bool = True
         ) -> pd.DataFrame:
    r"""Heterotrait-monotrait ratio of correlations (Henseler, Ringle & Sarstedt 2015).

    .. math:: \mathrm{HTMT}_{ij} = \frac{\overline{r}_{ij}}{\sqrt{\overline{r}_{ii}\,\overline{r}_{jj}}}

    with :math:`\overline{r}_{ij}` the mean correlation between the items of constructs *i* and *j*
    (heterotrait-heteromethod) and :math:`\overline{r}_{ii}` the mean correlation among the items
    of construct *i* (monotrait-heteromethod, off-diagonal). ``absolute=True`` uses absolute
    correlations (semTools' default; robust to reverse-keyed items), ``False`` the signed ones
    (Henseler's definition for consistently keyed items). Diagonal is 1. Values below .85 (strict)
    or .90 support discriminant validity.

    Missing data: complete cases of the model's items (as :func:`cfa`). Every construct needs at
    least 2 items.

    Matches the formula written out in base R (tests/reference/lavaan_reference.R) to 1e-12.
    """
    if not isinstance(data, pd.DataFrame):
        raise MethodTypeError(f"htmt: data must be a pandas DataFrame, got {type(data).__name__}")
    spec = _validate_model(model, [str(c) for c in data.columns])
    items: list[str] = []
    for its in spec.values():
        items.extend(i for i in its if i not in items)
    frame = as_item_frame(data[items], what="htmt", min_items=2).dropna()
    frame = as_item_frame(frame, what="htmt (complete cases)", min_items=2)
    r = moments(frame, what="htmt").cor
    if absolute:
        r = np.abs(r)
    pos = {it: k for k, it in enumerate(items)}
    names = list(spec)
    mono = {}
    for f, its in spec.items():
        idx = [pos[i] for i in its]
        block = r[np.ix_(idx, idx)]
        mono[f] = block[np.tril_indices(len(idx), -1)].mean()
        if mono[f] <= 0:
            raise MethodError(
                f"htmt: the mean correlation among the items of {f!r} is {mono[f]:.3g} (<= 0); "
                "HTMT is undefined (reverse-keyed items? use absolute=True)"
            )
    out = np.eye(len(names))
    for a, fa_ in enumerate(names):
        for b, fb in enumerate(names):
            if a != b:
                het = r[np.ix_([pos[i] for i in spec[fa_]], [pos[i] for i in spec[fb]])].mean()
                out[a, b] = het / np.sqrt(mono[fa_] * mono[fb])
    return pd.DataFrame(out, index=names, columns=names)


_HU_BENTLER = (("cfi", ">=", 0.95), ("tli", ">=", 0.95), ("rmsea", "<=", 0.06), ("srmr", "<=", 0.08))


def fit_verdict(result: CFAResult) -> pd.DataFrame:
    """CFA fit against the Hu & Bentler (1999) cut-offs (CFI, TLI ≥ .95; RMSEA ≤ .06; SRMR ≤ .08).

    One row per index: ``value``, ``cutoff``, ``rule`` (">=" or "<="), ``meets`` (bool).
    """
    if not isinstance(result, CFAResult):
        raise MethodTypeError("fit_verdict: expected the result of cfa()")
    rows = []
    for name, rule, cut in _HU_BENTLER:
        v = float(getattr(result, name))
        rows.append({"index": name, "value": v, "rule": rule, "cutoff": cut,
                     "meets": bool(v >= cut if rule == ">=" else v <= cut)})
    return pd.DataFrame(rows).set_index("index")


def validity_table(
    result: CFAResult,
    data: pd.DataFrame,
    *,
    cr_min: float = 0.7,
    ave_min: float = 0.5,
    htmt_max: float = 0.85,
) -> pd.DataFrame:
    """Convergent and discriminant validity per factor of a CFA, with verdict flags.

    Columns: ``composite_reliability`` (flag ``cr_ok``: ≥ ``cr_min``), ``ave`` (``ave_ok``: ≥
    ``ave_min``), ``sqrt_ave`` and ``max_correlation`` with another factor (``fornell_larcker_ok``:
    sqrt(AVE) > every correlation), ``max_htmt`` with its partner (``htmt_ok``: ≤ ``htmt_max``,
    Henseler et al.'s strict .85; absolute correlations). ``data`` must be the data the CFA was
    fitted on (HTMT uses its complete cases).
    """
    if not isinstance(result, CFAResult):
        raise MethodTypeError("validity_table: expected the result of cfa()")
    cr = composite_reliability(result)
    av = ave(result)
    corr = result.factor_correlations.copy()
    factors = list(result.model)
    h = htmt(data, result.model) if len(factors) > 1 else pd.DataFrame(1.0, factors, factors)
    rows = []
    for f in factors:
        others = [g for g in factors if g != f]
        mc = float(corr.loc[f, others].abs().max()) if others else 0.0
        mc_with = str(corr.loc[f, others].abs().idxmax()) if others else ""
        mh = float(h.loc[f, others].max()) if others else 0.0
        mh_with = str(h.loc[f, others].idxmax()) if others else ""
        rows.append({
            "factor": f, "n_items": len(result.model[f]),
            "composite_reliability": float(cr[f]), "cr_ok": bool(cr[f] >= cr_min),
            "ave": float(av[f]), "ave_ok": bool(av[f] >= ave_min),
            "sqrt_ave": float(np.sqrt(av[f])), "max_correlation": mc, "max_correlation_with": mc_with,
            "fornell_larcker_ok": bool(np.sqrt(av[f]) > mc),
            "max_htmt": mh, "max_htmt_with": mh_with, "htmt_ok": bool(mh <= htmt_max),
        })
    return pd.DataFrame(rows).set_index("factor")
