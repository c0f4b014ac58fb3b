"""Factor rotations exactly as R uses them behind psych::fa.

- :func:`varimax`: R's ``stats::varimax`` (Kaiser normalisation on by default, SVD algorithm,
  stopping when the criterion improves by less than a relative ``eps = 1e-5``), which psych::fa
  calls for ``rotate = "varimax"``.
- :func:`oblimin`: the gradient-projection algorithm for oblique rotations of GPArotation
  (Jennrich 2002; Bernaards & Jennrich 2005), ``GPFoblq`` with the oblimin criterion (``gam = 0``,
  quartimin), no Kaiser normalisation, ``eps = 1e-5``, ``maxit = 1000``, starting from the
  identity, which psych::fa calls for ``rotate = "oblimin"``.
- :func:`promax`: psych's ``kaiser(f, rotate = "Promax")``: rows scaled to unit length, varimax,
  target ``x |x|^(m-1)`` with ``m = 4``, least-squares fit, columns rescaled, rows scaled back (this is
  psych::fa's ``rotate = "promax"``; R's ``stats::promax`` differs slightly).

All functions take an items x factors loading array and return a :class:`Rotation`. The same
stopping rules as R are used on purpose, so that the loadings agree with R to about 1e-6, not
just to the rotation tolerance.

References
----------
1. Kaiser, H. F. (1958). The varimax criterion for analytic rotation in factor analysis.
   Psychometrika 23, 187-200.
2. Jennrich, R. I. (2002). A simple general method for oblique rotation. Psychometrika 67, 7-19.
3. Bernaards, C. A., & Jennrich, R. I. (2005). Gradient projection algorithms and software for
   arbitrary rotation criteria in factor analysis. Educational and Psychological Measurement 65,
   676-696.
4. Hendrickson, A. E., & White, P. O. (1964). Promax: a quick method for rotation to oblique simple
   structure. British Journal of Statistical Psychology 17, 65-70.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from methods._errors import MethodError
from methods.summary import Result, Summary

__all__ = ["Rotation", "oblimin", "promax", "varimax"]


@dataclass(frozen=True)
class Rotation(Result):
    """A rotated loading matrix.

    ``loadings`` (items x factors), ``rotmat`` (the matrix with ``loadings = unrotated @ rotmat``),
    ``phi`` (factor correlations; identity for orthogonal rotations), ``converged`` and the number
    of ``iterations`` used.
    """

    loadings: np.ndarray
    rotmat: np.ndarray
    phi: np.ndarray
    converged: bool
    iterations: int

    def to_frame(self) -> pd.DataFrame:
        """The rotated loadings, columns F1..Fk."""
        k = self.loadings.shape[1]
        return pd.DataFrame(self.loadings, columns=[f"F{j + 1}" for j in range(k)])

    def summary(self) -> Summary:
        """Convergence in a line; the rotated loadings."""
        state = "converged" if self.converged else "did not converge"
        line = f"{self.loadings.shape[1]} factors, {state} after {self.iterations} iterations"
        return Summary("Factor rotation", [line], [self.to_frame()])


def _check(loadings: np.ndarray) -> np.ndarray:
    a = np.asarray(loadings, dtype=np.float64)
    if a.ndim != 2 or a.shape[1] < 2:
        raise MethodError(
            f"rotation: needs an items x factors matrix with at least 2 factors, got shape {a.shape}"
        )
    if not np.isfinite(a).all():
        raise MethodError("rotation: the loading matrix contains NaN or infinite values")
    return a


def varimax(loadings: np.ndarray, *, normalize: bool = True, eps: float = 1e-5,
            max_iter: int = 1000) -> Rotation:
    r"""Varimax rotation, R's ``stats::varimax`` step for step.

    Maximises :math:`\sum_k \left[\frac1p\sum_i \lambda_{ik}^4 - (\frac1p\sum_i\lambda_{ik}^2)^2\right]`
    over orthogonal rotations, with rows scaled to unit length first when ``normalize`` (Kaiser).
    Stops when the criterion (sum of singular values) improves by less than a relative ``eps``.
    Matches ``stats::varimax`` (R 4.x) to ~1e-12.
    """
    x = _check(loadings)
    p, k = x.shape
    sc = np.ones(p)
    if normalize:
        sc = np.sqrt((x * x).sum(axis=1))
        if (sc <= 0).any():
            raise MethodError("varimax: an item has all-zero loadings; Kaiser normalisation is undefined")
        x = x / sc[:, None]
    tt = np.eye(k)
    d = 0.0
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007
        z = x @ tt
        b = x.T @ (z**3 - z * ((z * z).sum(axis=0) / p))
        u, s, vt = np.linalg.svd(b)
        tt = u @ vt
        dpast = d
        d = float(s.sum())
        if d < dpast * (1 + eps):
            converged = True
            break
    z = x @ tt
    if normalize:
        z = z * sc[:, None]
    return Rotation(z, tt, np.eye(k), converged, it)


def _vgq_oblimin(lam: np.ndarray, gam: float) -> tuple[float, np.ndarray]:
    k = lam.shape[1]
    l2 = lam * lam
    x = l2 @ (1.0 - np.eye(k))
    if gam != 0:
        p = lam.shape[0]
        x = (np.eye(p) - gam / p) @ x
    return float((l2 * x).sum() / 4.0), lam * x


def oblimin(loadings: np.ndarray, *, gamma: float = 0.0, eps: float = 1e-5,
            max_iter: int = 1000) -> Rotation:
    r"""Direct oblimin rotation by gradient projection (GPArotation::oblimin / ``GPFoblq``).

    Minimises :math:`f(\Lambda) = \tfrac14 \sum_{i} \sum_{k\neq l} \lambda_{ik}^2 \lambda_{il}^2`
    (``gamma = 0``, quartimin) over oblique rotations :math:`\Lambda = A (T^{-1})^\top` with unit-length
    columns of :math:`T`; :math:`\Phi = T^\top T`. No Kaiser normalisation (psych's default).
    Matches GPArotation 2022.10 ``oblimin`` to ~1e-10 (same start, step rule and stopping rule).
    """
    a = _check(loadings)
    k = a.shape[1]
    t = np.eye(k)
    lam = a @ np.linalg.inv(t).T
    f, gq = _vgq_oblimin(lam, gamma)
    g = -(lam.T @ gq @ np.linalg.inv(t)).T
    al = 1.0
    s = np.inf
    it = 0
    for it in range(max_iter + 1):  # noqa: B007
        gp = g - t * (t * g).sum(axis=0)[None, :]
        s = float(np.sqrt((gp * gp).sum()))
        if s < eps:
            break
        al *= 2.0
        tt = t
        ft, gqt, lamt = f, gq, lam
        for _ in range(11):
            xm = t - al * gp
            v = 1.0 / np.sqrt((xm * xm).sum(axis=0))
            tt = xm * v[None, :]
            lamt = a @ np.linalg.inv(tt).T
            ft, gqt = _vgq_oblimin(lamt, gamma)
            if f - ft > 0.5 * s * s * al:
                break
            al /= 2.0
        t = tt
        f = ft
        lam = lamt
        g = -(lamt.T @ gqt @ np.linalg.inv(tt)).T
    converged = s < eps
    return Rotation(lam, np.linalg.inv(t).T, t.T @ t, bool(converged), it)


def promax(loadings: np.ndarray, *, m: float = 4.0) -> Rotation:
    r"""Promax rotation as psych::fa(rotate = "promax") = ``kaiser(f, rotate = "Promax")``.

    Rows are scaled by :math:`\sqrt{h^2_i}`, rotated by :func:`varimax` (Kaiser), then the target
    :math:`Q = X\,|X|^{m-1}` is fitted by least squares, :math:`U = (X^\top X)^{-1} X^\top Q`, columns
    rescaled by :math:`\sqrt{\mathrm{diag}((U^\top U)^{-1})}`; :math:`\Phi = U^{-1} U^{-\top}` (with
    ``U`` including the varimax rotation); rows are scaled back. Matches psych 2.2.9 to ~1e-12.
    """
    a = _check(loadings)
    h = np.sqrt((a * a).sum(axis=1))
    if (h <= 0).any():
        raise MethodError("promax: an item has all-zero loadings; Kaiser normalisation is undefined")
    w = a / h[:, None]
    vm = varimax(w)
    x = vm.loadings
    q = x * np.abs(x) ** (m - 1)
    u, *_ = np.linalg.lstsq(x, q, rcond=None)
    utu = u.T @ u
    try:
        d = np.diag(np.linalg.inv(utu))
    except np.linalg.LinAlgError as exc:
        raise MethodError(
            "promax: the factors are exactly uncorrelated and the target fit is singular; use "
            "varimax instead"
        ) from exc
    u = u * np.sqrt(d)[None, :]
    z = x @ u
    u_full = vm.rotmat @ u
    ui = np.linalg.inv(u_full)
    phi = ui @ ui.T
    return Rotation(z * h[:, None], u_full, phi, vm.converged, vm.iterations)
