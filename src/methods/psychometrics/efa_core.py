"""Factor extraction on a correlation matrix, step for step as psych::fa (``fac``) does it.

Private: :func:`methods.psychometrics.factor.efa` and :func:`methods.psychometrics.reliability.omega` validate their input and
call :func:`fit_correlation`. Everything here works on numpy arrays.

- minres: minimise the residual sum of squares of :math:`R - \\Psi - \\Lambda\\Lambda^\\top` over the
  uniquenesses :math:`\\psi_i \\in [0.005, 1]` (L-BFGS-B, start :math:`1 - \\mathrm{SMC}`), loadings
  from the top eigenvectors of :math:`R - \\Psi`. psych minimises the off-diagonal residuals with the
  gradient of this full objective; both have the same minimiser (at the optimum the diagonal residual
  is zero), so the solutions agree to the optimiser's tolerance.
- ml: psych's ``FAfn``/``FAgr`` (Joereskog's concentrated likelihood in :math:`\\Psi`), L-BFGS-B on
  :math:`[0.005, 1]`.
- pa: iterated principal axes from SMC communalities, stopping when the sum of communalities changes
  by less than ``min_err = 0.001`` or after ``max_iter = 50`` iterations (psych's rule).

Signs, rotation, re-signing and sorting follow ``fac``: columns with a negative sum are flipped
before and after rotation (Phi re-signed with them), then factors are ordered by
:math:`\\mathrm{diag}(\\Phi\\Lambda^\\top\\Lambda)` (variance accounted for) in decreasing order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from methods._errors import MethodError
from methods.psychometrics._linalg import smc
from methods.psychometrics.rotation import oblimin, promax, varimax

__all__ = ["CoreFit", "fit_correlation", "METHOD_PREFIX"]

LOWER = 0.005
METHOD_PREFIX = {"minres": "MR", "ml": "ML", "pa": "PA"}
_EPS = np.finfo(float).eps


@dataclass(frozen=True)
class CoreFit:
    loadings: np.ndarray          # items x factors, rotated, signed, sorted
    phi: np.ndarray               # factors x factors (identity if orthogonal / unrotated)
    communality: np.ndarray       # diag(L Phi L')
    eigenvalues: np.ndarray       # of R
    reduced_eigenvalues: np.ndarray  # of R with the fitted communalities on the diagonal
    uniquenesses_fit: np.ndarray  # psi of the optimiser (minres/ml) or 1 - communality (pa)
    converged: bool
    rotation_converged: bool
    iterations: int
    heywood: np.ndarray           # bool per item: psi at its lower bound or communality >= 1


def _eigh_desc(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    vals, vecs = np.linalg.eigh(a)
    return vals[::-1], vecs[:, ::-1]


def _loadings_from(s_reduced: np.ndarray, nf: int) -> tuple[np.ndarray, np.ndarray]:
    vals, vecs = _eigh_desc(s_reduced)
    lam = vecs[:, :nf] * np.sqrt(np.maximum(vals[:nf], 0.0))[None, :]
    return lam, vals


def _minres(r: np.ndarray, nf: int) -> tuple[np.ndarray, np.ndarray, bool, int]:
    start = 1.0 - smc(r)
    eye = np.eye(r.shape[0])

    def fun(psi: np.ndarray) -> tuple[float, np.ndarray]:
        s = r - psi * eye
        vals, vecs = _eigh_desc(s)
        top = np.maximum(vals[:nf], 0.0)
        lam = vecs[:, :nf] * np.sqrt(top)[None, :]
        resid = s - lam @ lam.T
        f = float((resid * resid).sum())
        grad = -2.0 * np.diag(resid)
        return f, grad

    res = optimize.minimize(
        fun, np.clip(start, LOWER, 1.0), jac=True, method="L-BFGS-B",
        bounds=[(LOWER, 1.0)] * r.shape[0],
        options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000},
    )
    psi = res.x
    lam, _ = _loadings_from(r - np.diag(psi), nf)
    return lam, psi, bool(res.success), int(res.nit)


def _ml(r: np.ndarray, nf: int) -> tuple[np.ndarray, np.ndarray, bool, int]:
    start = 1.0 - smc(r)
    p = r.shape[0]

    def fun(psi: np.ndarray) -> tuple[float, np.ndarray]:
        sc = 1.0 / np.sqrt(psi)
        sstar = r * sc[:, None] * sc[None, :]
        vals, vecs = _eigh_desc(sstar)
        e = vals[nf:]
        if (e <= 0).any():
            return np.inf, np.zeros(p)
        f = -(float(np.sum(np.log(e) - e)) - nf + p)
        load = vecs[:, :nf] * np.sqrt(np.maximum(vals[:nf] - 1.0, 0.0))[None, :]
        load = load * np.sqrt(psi)[:, None]
        g = load @ load.T + np.diag(psi) - r
        return f, np.diag(g) / psi**2

    res = optimize.minimize(
        fun, np.clip(start, LOWER, 1.0), jac=True, method="L-BFGS-B",
        bounds=[(LOWER, 1.0)] * p,
        options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000},
    )
    psi = res.x
    sc = 1.0 / np.sqrt(psi)
    vals, vecs = _eigh_desc(r * sc[:, None] * sc[None, :])
    lam = vecs[:, :nf] * np.sqrt(np.maximum(vals[:nf] - 1.0, 0.0))[None, :]
    lam = lam * np.sqrt(psi)[:, None]
    return lam, psi, bool(res.success), int(res.nit)


def _pa(r: np.ndarray, nf: int, min_err: float, max_iter: int
        ) -> tuple[np.ndarray, np.ndarray, bool, int, np.ndarray]:
    rmat = r.copy()
    np.fill_diagonal(rmat, smc(r))
    comm = float(np.trace(rmat))
    err = comm
    i = 1
    converged = True
    lam = np.zeros((r.shape[0], nf))
    vals = np.zeros(r.shape[0])
    while err > min_err:
        vals, vecs = _eigh_desc(rmat)
        if (vals[:nf] < 0).any():
            raise MethodError(
                f"efa(method='pa'): the reduced correlation matrix has a negative eigenvalue among the "
                f"first {nf}; too many factors for principal axes (try fewer factors or minres)"
            )
        lam = vecs[:, :nf] * np.sqrt(vals[:nf])[None, :]
        new = (lam * lam).sum(axis=1)
        comm1 = float(new.sum())
        np.fill_diagonal(rmat, new)
        err = abs(comm - comm1)
        comm = comm1
        i += 1
        if i > max_iter:
            converged = err <= min_err
            err = 0.0
    h2 = (lam * lam).sum(axis=1)
    return lam, 1.0 - h2, converged, i - 1, vals


def fit_correlation(
    r: np.ndarray,
    nf: int,
    method: str,
    rotation: str | None,
    *,
    pa_min_err: float = 0.001,
    pa_max_iter: int = 50,
) -> CoreFit:
    """Extract, sign, rotate, re-sign and sort as psych::fa on the correlation matrix ``r``."""
    evals = _eigh_desc(r)[0]
    if method == "minres":
        lam, psi, conv, nit = _minres(r, nf)
    elif method == "ml":
        lam, psi, conv, nit = _ml(r, nf)
    elif method == "pa":
        lam, psi, conv, nit, _ = _pa(r, nf, pa_min_err, pa_max_iter)
    else:  # pragma: no cover - validated by callers
        raise MethodError(f"unknown factor method {method!r}")
    # reduced eigenvalues (psych's $values): R with the model communalities on the diagonal
    red = r.copy()
    np.fill_diagonal(red, (lam * lam).sum(axis=1))
    reduced = _eigh_desc(red)[0]
    # sign the unrotated solution by column sums
    if nf > 1:
        sgn = np.sign(lam.sum(axis=0))
        sgn[sgn == 0] = 1.0
        lam = lam * sgn[None, :]
    elif lam.sum() < 0:
        lam = -lam
    lam = np.where(lam == 0, 1e-15, lam)
    phi = np.eye(nf)
    rot_conv = True
    if rotation is not None and nf > 1:
        if rotation == "varimax":
            rot = varimax(lam)
        elif rotation == "oblimin":
            rot = oblimin(lam)
        elif rotation == "promax":
            rot = promax(lam)
        else:  # pragma: no cover - validated by callers
            raise MethodError(f"unknown rotation {rotation!r}")
        lam, phi, rot_conv = rot.loadings, rot.phi, rot.converged
    sgn = np.sign(lam.sum(axis=0))
    sgn[sgn == 0] = 1.0
    lam = lam * sgn[None, :]
    phi = phi * sgn[:, None] * sgn[None, :]
    if nf > 1:
        ev = np.diag(phi @ lam.T @ lam)
        order = np.argsort(-ev, kind="stable")
        lam = lam[:, order]
        phi = phi[np.ix_(order, order)]
    comm = np.einsum("ij,jk,ik->i", lam, phi, lam)
    heywood = (psi <= LOWER + 1e-6) | (comm >= 1.0 - 1e-8) if method != "pa" else (comm >= 1.0)
    return CoreFit(
        loadings=lam, phi=phi, communality=comm, eigenvalues=evals,
        reduced_eigenvalues=reduced, uniquenesses_fit=psi, converged=conv,
        rotation_converged=rot_conv, iterations=nit, heywood=np.asarray(heywood, dtype=bool),
    )


def dof(p: int, nf: int) -> float:
    """Degrees of freedom of an exploratory factor model (psych's ``dof``)."""
    return p * (p - 1) / 2 - p * nf + nf * (nf - 1) / 2


def ml_objective(r: np.ndarray, lam: np.ndarray, phi: np.ndarray) -> float | None:
    """psych ``fa.stats`` objective: tr(M^{-1}R) - log det(M^{-1}R) - p with M = L Phi L' + diag(1-h2)."""
    model = lam @ phi @ lam.T
    np.fill_diagonal(model, np.diag(r))
    try:
        mr = np.linalg.solve(model, r)
    except np.linalg.LinAlgError:
        return None
    sign, logdet = np.linalg.slogdet(mr)
    if sign <= 0:
        return None
    return float(np.trace(mr) - logdet - r.shape[0])
