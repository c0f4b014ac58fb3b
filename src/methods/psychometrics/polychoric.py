r"""Polychoric and tetrachoric correlations (two-step maximum likelihood, as R ``psych``).

An ordinal item :math:`x` with categories :math:`1..K` is read as a coarsened standard-normal latent
variable :math:`z`: :math:`x = k` when :math:`\tau_{k-1} < z \le \tau_k` (:math:`\tau_0 = -\infty`,
:math:`\tau_K = \infty`). For two items the latent pair is bivariate normal with correlation
:math:`\rho`, so a cell of their contingency table has the probability

.. math:: \pi_{ab}(\rho) = \Phi_2(\tau_a, \tau'_b; \rho) - \Phi_2(\tau_{a-1}, \tau'_b; \rho)
          - \Phi_2(\tau_a, \tau'_{b-1}; \rho) + \Phi_2(\tau_{a-1}, \tau'_{b-1}; \rho).

Two-step estimation (Olsson 1979): the thresholds come from each item's marginal distribution,
:math:`\tau_k = \Phi^{-1}(\text{cumulative proportion of categories} \le k)`, then :math:`\rho`
maximises :math:`\sum_{ab} p_{ab}\ln \pi_{ab}(\rho)` over :math:`(-1, 1)` with the thresholds held.
The tetrachoric correlation is the case :math:`K = 2`.

=========================  =======================================================  ==========
function                   matches                                                   measured
=========================  =======================================================  ==========
:func:`polychoric`         ``psych::polychoric(x)`` (global thresholds, smoothed)     1e-9
:func:`tetrachoric`        ``psych::tetrachoric(x)`` (``correct = 0.5``, smoothed)    1e-9
:func:`cor_smooth`         ``psych::cor.smooth(r)``                                   1e-12
:func:`bivariate_normal_cdf`  Genz (2004) ``bvnl``; ``mnormt::sadmvn`` for 2 dimensions   1e-15
=========================  =======================================================  ==========

Like psych, :math:`\rho` is found by Brent's minimiser with R ``optimize``'s default tolerance
(:math:`\varepsilon^{1/4} \approx 1.2\times10^{-4}`; the same algorithm, step by step, so the same
numbers); pass a smaller ``tol`` for the maximum-likelihood estimate to more digits (it moves
:math:`\rho` by less than about :math:`10^{-4}`).

References
----------
1. Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation coefficient.
   Psychometrika 44, 443-460.
2. Revelle, W. (2024). psych: Procedures for Psychological, Psychometric, and Personality Research.
   R package 2.2.9 (``polychoric``, ``tetrachoric``, ``cor.smooth``).
3. Genz, A. (2004). Numerical computation of rectangular bivariate and trivariate normal and t
   probabilities. Statistics and Computing 14, 251-260.
4. Brent, R. P. (1973). Algorithms for Minimization without Derivatives, ch. 5. Prentice-Hall.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from scipy import special

from methods._checks import as_item_frame
from methods._errors import MethodError, MethodWarning
from methods.summary import Result, Summary

__all__ = [
    "PolychoricResult",
    "bivariate_normal_cdf",
    "cor_smooth",
    "polychoric",
    "tetrachoric",
]

R_OPTIMIZE_TOL = float(np.finfo(float).eps ** 0.25)  # R optimize()'s default tolerance


# --------------------------------------------------------------------------------------------------
# Bivariate normal distribution function (Genz 2004, after Drezner & Wesolowsky 1990)
# --------------------------------------------------------------------------------------------------


def _gauss_legendre_half(n: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(n)
    keep = x > 0
    return x[keep], w[keep]


_GL = {6: _gauss_legendre_half(6), 12: _gauss_legendre_half(12), 20: _gauss_legendre_half(20)}


def _phid(x: np.ndarray) -> np.ndarray:
    return special.ndtr(x)


def _bvnu(h: np.ndarray, k: np.ndarray, r: float) -> np.ndarray:
    """P(X > h, Y > k) for finite h, k and a correlation r (Genz's ``bvnu``)."""
    x, w = _GL[6 if abs(r) < 0.3 else 12 if abs(r) < 0.75 else 20]
    hk = h * k
    if abs(r) < 0.925:
        hs = (h * h + k * k) / 2
        asr = np.arcsin(r)
        sn = np.sin(asr * np.concatenate([1 - x, 1 + x]) / 2)[:, None]
        ww = np.concatenate([w, w])[:, None]
        bvn = (ww * np.exp((sn * hk - hs) / (1 - sn * sn))).sum(axis=0)
        return bvn * asr / (4 * np.pi) + _phid(-h) * _phid(-k)
    if r < 0:
        k = -k
        hk = -hk
    bvn = np.zeros_like(h)
    if abs(r) < 1:
        a_s = (1 - r) * (1 + r)
        a = np.sqrt(a_s)
        bs = (h - k) ** 2
        c = (4 - hk) / 8
        d = (12 - hk) / 16
        asr = -(bs / a_s + hk) / 2
        with np.errstate(over="ignore", under="ignore"):
            bvn = np.where(asr > -100, a * np.exp(asr) * (1 - c * (bs - a_s) * (1 - d * bs / 5) / 3
                                                          + c * d * a_s * a_s / 5), 0.0)
            b = np.sqrt(bs)
            sp = np.sqrt(2 * np.pi) * _phid(-b / a)
            bvn = bvn - np.where(hk > -100, np.exp(-hk / 2) * sp * b
                                 * (1 - c * bs * (1 - d * bs / 5) / 3), 0.0)
            a = a / 2
            for xi, wi in zip(x, w, strict=True):
                for sign in (-1.0, 1.0):
                    xs = (a + a * sign * xi) ** 2
                    rs = np.sqrt(1 - xs)
                    asr = -(bs / xs + hk) / 2
                    sp = 1 + c * xs * (1 + d * xs)
                    ep = np.exp(-hk * xs / (2 * (1 + rs) ** 2)) / rs
                    bvn = bvn + np.where(asr > -100, a * wi * np.exp(asr) * (ep - sp), 0.0)
        bvn = -bvn / (2 * np.pi)
    if r > 0:
        return bvn + _phid(-np.maximum(h, k))
    low = np.where(h < 0, _phid(k) - _phid(h), _phid(-h) - _phid(-k))
    return np.where(h >= k, -bvn, low - bvn)


def bivariate_normal_cdf(h: np.ndarray | float, k: np.ndarray | float, rho: float) -> np.ndarray:
    r"""Standard bivariate normal distribution function :math:`\Phi_2(h, k; \rho) = P(X \le h, Y \le k)`.

    Genz's (2004) algorithm ``bvnl`` (Drezner & Wesolowsky 1990 with Gauss-Legendre quadrature of
    6, 12 or 20 points by :math:`|\rho|`), accurate to about :math:`10^{-15}`; vectorised over
    ``h`` and ``k`` (broadcast), which may be :math:`\pm\infty`. The same algorithm is used by
    ``mnormt::sadmvn`` in two dimensions (psych's polychoric).

    Example
    -------
    >>> round(float(bivariate_normal_cdf(0.0, 0.0, 0.5)), 12)  # 1/4 + arcsin(0.5)/(2 pi) = 1/3
    0.333333333333
    """
    if not -1 <= rho <= 1:
        raise MethodError(f"bivariate_normal_cdf: rho must be in [-1, 1], got {rho!r}")
    hh, kk = np.broadcast_arrays(np.asarray(h, dtype=float), np.asarray(k, dtype=float))
    out = np.zeros(hh.shape)
    fin = np.isfinite(hh) & np.isfinite(kk)
    if fin.any():
        out[fin] = _bvnu(-hh[fin], -kk[fin], float(rho))
    out = np.where(np.isposinf(hh), _phid(kk), out)
    out = np.where(np.isposinf(kk), _phid(hh), out)
    out = np.where(np.isneginf(hh) | np.isneginf(kk), 0.0, out)
    return np.clip(out, 0.0, 1.0)


# --------------------------------------------------------------------------------------------------
# Brent's minimiser, R's optimize() (src/library/stats/src/optimize.c, Brent_fmin)
# --------------------------------------------------------------------------------------------------


def _brent_min(f: Callable[[float], float], ax: float, bx: float, tol: float) -> float:
    """Minimise ``f`` on [ax, bx] by golden section and parabolic interpolation (R's Brent_fmin)."""
    c = (3.0 - np.sqrt(5.0)) * 0.5
    eps = np.sqrt(np.finfo(float).eps)
    a, b = ax, bx
    v = w = x = a + c * (b - a)
    d = e = 0.0
    fv = fw = fx = f(x)
    tol3 = tol / 3.0
    while True:
        xm = (a + b) * 0.5
        tol1 = eps * abs(x) + tol3
        t2 = tol1 * 2.0
        if abs(x - xm) <= t2 - (b - a) * 0.5:
            return x
        p = q = r = 0.0
        if abs(e) > tol1:  # fit a parabola
            r = (x - w) * (fx - fv)
            q = (x - v) * (fx - fw)
            p = (x - v) * q - (x - w) * r
            q = (q - r) * 2.0
            if q > 0.0:
                p = -p
            else:
                q = -q
            r = e
            e = d
        if abs(p) >= abs(q * 0.5 * r) or p <= q * (a - x) or p >= q * (b - x):
            e = (b - x) if x < xm else (a - x)  # golden-section step
            d = c * e
        else:  # parabolic-interpolation step
            d = p / q
            u = x + d
            if u - a < t2 or b - u < t2:
                d = tol1 if x < xm else -tol1
        u = x + d if abs(d) >= tol1 else (x + tol1 if d > 0.0 else x - tol1)
        fu = f(u)
        if fu <= fx:
            if u < x:
                b = x
            else:
                a = x
            v, w, x = w, x, u
            fv, fw, fx = fw, fx, fu
        else:
            if u < x:
                a = u
            else:
                b = u
            if fu <= fw or w == x:
                v, fv, w, fw = w, fw, u, fu
            elif fu <= fv or v == x or v == w:
                v, fv = u, fu


# --------------------------------------------------------------------------------------------------
# Smoothing a non-positive-definite correlation matrix (psych::cor.smooth)
# --------------------------------------------------------------------------------------------------


def _smooth(r: np.ndarray, eig_tol: float) -> tuple[np.ndarray, bool]:
    vals, vecs = np.linalg.eigh(r)
    if vals.min() >= np.finfo(float).eps:
        return r, False
    vals = np.where(vals < eig_tol, 100 * eig_tol, vals)
    vals = vals * r.shape[0] / vals.sum()
    out = (vecs * vals) @ vecs.T
    d = 1.0 / np.sqrt(np.diag(out))
    out = out * d[:, None] * d[None, :]
    np.fill_diagonal(out, 1.0)
    return out, True


def cor_smooth(r: pd.DataFrame | np.ndarray, *, eig_tol: float = 1e-12) -> pd.DataFrame | np.ndarray:
    r"""Make a correlation matrix positive definite by eigenvalue smoothing, as ``psych::cor.smooth``.

    With :math:`R = V\,\mathrm{diag}(\lambda)\,V^\top`: if the smallest eigenvalue is below machine
    epsilon, eigenvalues below ``eig_tol`` are set to :math:`100\,` ``eig_tol``, all are rescaled to
    sum to :math:`p`, and :math:`V\,\mathrm{diag}(\lambda')\,V^\top` is rescaled to unit diagonal
    (``cov2cor``). A positive-definite matrix is returned unchanged. Pairwise estimates
    (polychoric, tetrachoric, pairwise-complete Pearson) need not be jointly positive definite;
    factor analysis by ML and the inverse in KMO need them to be.

    Matches ``psych::cor.smooth`` 2.2.9 to 1e-12 (tests/reference/psych_polychoric.R).

    Example
    -------
    >>> r = np.array([[1, .9, .9], [.9, 1, .2], [.9, .2, 1]])
    >>> bool(np.linalg.eigvalsh(cor_smooth(r))[0] > 0)
    True
    """
    arr = np.asarray(r, dtype=float)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or not np.allclose(arr, arr.T):
        raise MethodError(f"cor_smooth: expected a symmetric square matrix, got shape {arr.shape}")
    out, _ = _smooth(arr, eig_tol)
    if isinstance(r, pd.DataFrame):
        return pd.DataFrame(out, index=r.index, columns=r.columns)
    return out


# --------------------------------------------------------------------------------------------------
# Polychoric and tetrachoric correlations
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolychoricResult(Result):
    """Polychoric or tetrachoric correlations.

    ``rho`` (items x items), ``thresholds`` (items x thresholds 1..K-1, on the z scale; ±inf for an
    empty extreme category), ``n_obs`` (rows of the input, psych's ``n.obs``), ``n_pairs`` (rows each
    pair shares), ``kind`` ("polychoric" or "tetrachoric"), ``smoothed`` (the matrix was not
    positive definite and was smoothed by :func:`cor_smooth`), ``global_thresholds`` (thresholds
    from each item's marginal; False when items differ in their highest category, as psych),
    ``corrected`` (pairs whose table had an empty cell replaced by the continuity correction).
    """

    rho: pd.DataFrame
    thresholds: pd.DataFrame
    n_obs: int
    n_pairs: pd.DataFrame
    kind: str
    smoothed: bool
    global_thresholds: bool
    corrected: tuple[tuple[str, str], ...]

    def to_frame(self) -> pd.DataFrame:
        """The correlation matrix."""
        return self.rho

    def summary(self) -> Summary:
        """What was estimated, with any smoothing or correction; the correlations and thresholds."""
        notes = []
        if self.smoothed:
            notes.append("not positive definite: smoothed (psych cor.smooth)")
        if self.corrected:
            notes.append(f"{len(self.corrected)} pair(s) with an empty cell corrected")
        line = (f"{self.kind} correlations of {len(self.rho)} items, n = {self.n_obs}"
                + ("" if not notes else " [" + "; ".join(notes) + "]"))
        return Summary(f"{self.kind.capitalize()} correlations", [line],
                       [self.rho, self.thresholds])


def _cell_probabilities(rc: np.ndarray, cc: np.ndarray, rho: float) -> np.ndarray:
    """Probabilities of the cells cut by thresholds ``rc`` (rows) and ``cc`` (columns)."""
    rows = np.concatenate([[-np.inf], rc, [np.inf]])
    cols = np.concatenate([[-np.inf], cc, [np.inf]])
    g = bivariate_normal_cdf(rows[:, None], cols[None, :], rho)
    return g[1:, 1:] - g[:-1, 1:] - g[1:, :-1] + g[:-1, :-1]


def _poly_objective(rho: float, rc: np.ndarray, cc: np.ndarray, tab: np.ndarray) -> float:
    """psych's polyF: minus the sum of p_ab ln pi_ab over cells of positive probability."""
    prob = _cell_probabilities(rc, cc, rho)
    ok = prob > 0
    return float(-np.sum(tab[ok] * np.log(prob[ok])))


def _integer_codes(frame: pd.DataFrame, what: str) -> np.ndarray:
    x = frame.to_numpy(dtype=float)
    frac = np.abs(x - np.round(x))
    bad = np.nan_to_num(frac, nan=0.0) > 1e-9
    if bad.any():
        cols = [str(c) for c, f in zip(frame.columns, bad.any(axis=0), strict=True) if f]
        raise MethodError(f"{what}: items {cols} have non-integer values; expected ordered "
                          "categories coded as integers")
    return np.round(x)


def _pair_table(xi: np.ndarray, xj: np.ndarray, k: int) -> np.ndarray:
    """Counts of (xi, xj) over the rows where both are observed (codes 0..k-1), k x k."""
    both = ~(np.isnan(xi) | np.isnan(xj))
    codes = xi[both].astype(int) * k + xj[both].astype(int)
    return np.bincount(codes, minlength=k * k).reshape(k, k).astype(float)


def _local_fit(tab: np.ndarray, correct: float, tol: float) -> tuple[float, bool]:
    """psych's polyc with global = FALSE: thresholds from the pair's own table."""
    tot = tab.sum()
    t = tab / tot
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    fixed = False
    if correct > 0 and (t == 0).any():
        fixed = True
        t = np.where(t == 0, correct / tot, t)
    if min(t.shape) < 2:
        return np.nan, fixed
    rc = special.ndtri(np.cumsum(t.sum(axis=1))[:-1])
    cc = special.ndtri(np.cumsum(t.sum(axis=0))[:-1])
    return _brent_min(partial(_poly_objective, rc=rc, cc=cc, tab=t), -1.0, 1.0, tol), fixed


def _finish(kind: str, names: list[str], mat: np.ndarray, npair: np.ndarray, tau: np.ndarray,
            n_obs: int, smooth: bool, global_: bool, corrected: list[tuple[str, str]]
            ) -> PolychoricResult:
    """Check for undefined pairs, smooth, and wrap the result."""
    if np.isnan(mat).any():
        i, j = np.argwhere(np.isnan(mat))[0]
        raise MethodError(f"{kind}: the correlation of {names[i]!r} and {names[j]!r} cannot be "
                          "estimated (too few shared answers or a single category in their table)")
    smoothed = False
    if smooth:
        mat, smoothed = _smooth(mat, 1e-12)
        if smoothed:
            warnings.warn(f"{kind}: the correlation matrix was not positive definite and was "
                          "smoothed (psych cor.smooth)", MethodWarning, stacklevel=3)
    cols = [str(k + 1) for k in range(tau.shape[1])]
    return PolychoricResult(
        rho=pd.DataFrame(mat, index=names, columns=names),
        thresholds=pd.DataFrame(tau, index=names, columns=cols), n_obs=n_obs,
        n_pairs=pd.DataFrame(npair, index=names, columns=names), kind=kind, smoothed=smoothed,
        global_thresholds=global_, corrected=tuple(corrected))


def _check_tol(tol: float, correct: float, what: str) -> None:
    if not 0 < tol < 1:
        raise MethodError(f"{what}: tol must be in (0, 1), got {tol!r}")
    if correct < 0:
        raise MethodError(f"{what}: correct must be >= 0, got {correct!r}")


def polychoric(
    data: pd.DataFrame | np.ndarray,
    *,
    smooth: bool = True,
    correct: float = 0.5,
    max_categories: int = 8,
    tol: float = R_OPTIMIZE_TOL,
) -> PolychoricResult:
    r"""Polychoric correlations of ordinal items (two-step ML), as ``psych::polychoric``.

    Items are integer-coded categories; the codes are shifted so that the smallest answer over all
    items is category 1, and :math:`K` = highest minus lowest code + 1 (at most
    ``max_categories``, psych's 8). Thresholds :math:`\tau_{ik} = \Phi^{-1}(\sum_{c \le k} n_{ic}/n_i)`
    from each item's answers, then for every pair

    .. math:: \hat\rho = \arg\max_\rho \sum_{a,b} p_{ab} \ln \pi_{ab}(\rho;\tau_i,\tau_j)

    (module docstring), :math:`p_{ab}` the pair's table as proportions. When the items differ in
    their highest answered category, psych switches to thresholds from each pair's own table
    (``global = FALSE``), drops its empty rows and columns and replaces empty cells by
    ``correct`` / n; so does this function (with a :class:`MethodWarning`).

    Missing data: pairwise (each pair's table uses the rows where both items are answered;
    thresholds use every answer of the item). ``smooth``: a matrix that is not positive definite
    is smoothed by :func:`cor_smooth` (psych's default), flagged in ``smoothed`` and warned.

    Matches ``psych::polychoric`` 2.2.9 on 10 bfi items (pairwise missing) to 1e-9 (rho) and 1e-12
    (thresholds); tests/reference/psych_polychoric.R.

    References: Olsson (1979); psych (module docstring).

    Example
    -------
    >>> rng = np.random.default_rng(1)
    >>> z = rng.multivariate_normal([0, 0], [[1, .6], [.6, 1]], size=2000)
    >>> x = pd.DataFrame(np.digitize(z, [-1, 0, 1]) + 1, columns=["q1", "q2"])
    >>> round(float(polychoric(x).rho.loc["q1", "q2"]), 3)   # simulated with rho = 0.6
    0.586
    """
    frame = as_item_frame(data, what="polychoric", min_items=2)
    _check_tol(tol, correct, "polychoric")
    x = _integer_codes(frame, "polychoric")
    names = [str(c) for c in frame.columns]
    x = x - np.nanmin(x)
    k = int(np.nanmax(x)) + 1
    if k > max_categories:
        raise MethodError(f"polychoric: {k} categories (codes {np.nanmin(frame.to_numpy()):g} to "
                          f"{np.nanmax(frame.to_numpy()):g}) exceed max_categories = "
                          f"{max_categories}; treat the items as continuous (Pearson)")
    item_max = np.nanmax(x, axis=0)
    global_ = bool(item_max.min() == item_max.max())
    if not global_:
        warnings.warn("polychoric: the items do not all reach the same highest category; "
                      "thresholds are estimated per pair (psych global = FALSE)",
                      MethodWarning, stacklevel=2)
    p = x.shape[1]
    tau = np.empty((p, k - 1))
    for i in range(p):
        col = x[~np.isnan(x[:, i]), i].astype(int)
        cum = np.cumsum(np.bincount(col, minlength=k)) / col.size
        tau[i] = special.ndtri(cum[:-1])
    mat = np.eye(p)
    npair = np.zeros((p, p), dtype=np.int64)
    corrected: list[tuple[str, str]] = []
    for i in range(p):
        npair[i, i] = int((~np.isnan(x[:, i])).sum())
        for j in range(i):
            tab = _pair_table(x[:, i], x[:, j], k)
            npair[i, j] = npair[j, i] = int(tab.sum())
            if tab.sum() == 0:
                mat[i, j] = mat[j, i] = np.nan
                continue
            if global_:
                t = tab / tab.sum()
                ti, tj = tau[i], tau[j]
                rho = _brent_min(partial(_poly_objective, rc=ti, cc=tj, tab=t), -1.0, 1.0, tol)
            else:
                rho, fixed = _local_fit(tab, correct, tol)
                if fixed:
                    corrected.append((names[i], names[j]))
            mat[i, j] = mat[j, i] = rho
    return _finish("polychoric", names, mat, npair, tau, len(data), smooth, global_, corrected)


def _tetra_objective(rho: float, tau_i: float, tau_j: float, tab: np.ndarray) -> float:
    """psych's tetraF: minus the log-likelihood of a 2 x 2 table (rows item i, columns item j)."""
    p11 = float(bivariate_normal_cdf(tau_j, tau_i, rho))
    pi, pj = float(special.ndtr(tau_i)), float(special.ndtr(tau_j))
    p12 = pi - p11
    prob = np.array([[p11, p12], [pj - p11, 1.0 - pj - p12]])
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.sum(tab.T * np.log(prob.T)))


def tetrachoric(
    data: pd.DataFrame | np.ndarray,
    *,
    correct: float = 0.5,
    smooth: bool = True,
    tol: float = R_OPTIMIZE_TOL,
) -> PolychoricResult:
    r"""Tetrachoric correlations of binary items (two-step ML), as ``psych::tetrachoric``.

    Each item takes two adjacent integer values (0/1, or 1/2...; shifted by its minimum).
    Threshold :math:`\tau_i = -\Phi^{-1}(\bar x_i)` (:math:`\bar x_i` the proportion of 1s among
    the item's answers); for every pair, with the 2 x 2 table :math:`n_{ab}` of the rows where both
    are answered,

    .. math:: \hat\rho = \arg\max_\rho \sum_{a,b \in \{0,1\}} n_{ab}\ln\pi_{ab}(\rho),\qquad
              \pi_{00} = \Phi_2(\tau_i, \tau_j; \rho).

    An empty cell (a pair that never disagrees one way) would put :math:`\hat\rho` at ±1; psych's
    continuity correction replaces the empty cell's count by ``correct`` (0.5; 0 turns it off);
    the thresholds stay those of the marginals. The corrected pairs are listed in ``corrected``.
    A pair sharing 2 rows or fewer raises :class:`MethodError`. ``smooth``: as :func:`polychoric`.
    For 0/1 items this is the polychoric correlation with :math:`K = 2`.

    Matches ``psych::tetrachoric`` 2.2.9 on the 16 ICAR ability items (1525 persons, pairwise
    missing) and on its first 60 persons (5 pairs with an empty cell, smoothed) to 1e-9 (rho)
    and 1e-12 (thresholds); tests/reference/psych_polychoric.R.

    References: Pearson, K. (1900). Mathematical contributions to the theory of evolution VII.
    Phil. Trans. R. Soc. A 195, 1-47; Olsson (1979); psych (module docstring).

    Example
    -------
    >>> rng = np.random.default_rng(2)
    >>> z = rng.multivariate_normal([0, 0], [[1, .5], [.5, 1]], size=4000)
    >>> x = pd.DataFrame((z > [0.3, -0.2]).astype(int), columns=["a", "b"])
    >>> round(float(tetrachoric(x).rho.loc["a", "b"]), 3)   # simulated with rho = 0.5
    0.475
    """
    frame = as_item_frame(data, what="tetrachoric", min_items=2)
    _check_tol(tol, correct, "tetrachoric")
    x = _integer_codes(frame, "tetrachoric")
    names = [str(c) for c in frame.columns]
    x = x - np.nanmin(x, axis=0)
    wide = np.nanmax(x, axis=0) > 1
    if wide.any():
        raise MethodError(f"tetrachoric: items {[n for n, w in zip(names, wide, strict=True) if w]}"
                          " have more than two values; expected binary (0/1) items")
    tau = -special.ndtri(np.nanmean(x, axis=0))
    p = x.shape[1]
    mat = np.eye(p)
    npair = np.diag((~np.isnan(x)).sum(axis=0)).astype(np.int64)
    corrected: list[tuple[str, str]] = []
    for i in range(p):
        for j in range(i):
            tab = _pair_table(x[:, i], x[:, j], 2)
            npair[i, j] = npair[j, i] = int(tab.sum())
            if tab.sum() <= 2:
                mat[i, j] = mat[j, i] = np.nan
                continue
            if tab.min() == 0 and correct > 0:
                tab = np.where(tab == 0, correct, tab)
                corrected.append((names[i], names[j]))
            ti, tj = float(tau[i]), float(tau[j])
            mat[i, j] = mat[j, i] = _brent_min(
                partial(_tetra_objective, tau_i=ti, tau_j=tj, tab=tab), -1.0, 1.0, tol)
    return _finish("tetrachoric", names, mat, npair, tau[:, None], len(data), smooth, True,
                   corrected)
