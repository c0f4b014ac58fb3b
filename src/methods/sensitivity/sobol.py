"""Variance-based sensitivity analysis: Saltelli's sampling design and the Sobol' index estimators.

Steps 2 and 4 of :mod:`methods.sensitivity`, usable on any vectorised model (SALib's scheme:
problem -> sample -> evaluate -> analyse):

- :func:`saltelli_design`: Saltelli's design on scrambled Sobol' points, vectorised (identical to
  ``SALib.sample.sobol.sample(..., calc_second_order=False)``);
- :func:`random_design`: plain Monte Carlo (uncertainty analysis only);
- :func:`sobol_indices`: first-order (Saltelli et al. 2010) and total-order (Jansen 1999) indices
  with bootstrap intervals, vectorised over many outputs (SALib 1.6's estimators, from the streamed
  sums of :class:`methods.sensitivity.engine.SobolAccumulator`).

A problem is SALib's dict: ``num_vars``, optional ``names``, ``groups``, ``bounds``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from methods._errors import MethodError
from methods.sensitivity.engine import SobolAccumulator, bootstrap_counts

__all__ = ["random_design", "saltelli_design", "sobol_indices"]


# ------------------------------------------------------------------------------- designs


def _problem_groups(problem: Mapping[str, Any]) -> tuple[int, list[str], np.ndarray]:
    try:
        d = int(problem["num_vars"])
    except (KeyError, TypeError, ValueError):
        raise MethodError("problem needs num_vars (SALib's problem dict)") from None
    names = list(problem.get("names") or [f"x{i + 1}" for i in range(d)])
    groups = problem.get("groups") or names
    if len(groups) != d or len(names) != d:
        raise MethodError(f"problem: {len(names)} names / {len(groups)} groups for {d} variables")
    gnames = list(pd.unique(np.array(groups, dtype=object)))
    gidx = np.array([gnames.index(g) for g in groups], dtype=int)
    return d, [str(g) for g in gnames], gidx


def _scale(x: np.ndarray, problem: Mapping[str, Any]) -> np.ndarray:
    b = problem.get("bounds")
    if b is None:
        return x
    b = np.asarray(b, dtype=float)
    if b.shape != (x.shape[1], 2) or np.any(b[:, 1] <= b[:, 0]):
        raise MethodError(f"problem bounds {b.tolist()}; expected one [low, high] per variable")
    return b[:, 0] + x * (b[:, 1] - b[:, 0])


def saltelli_design(
    problem: Mapping[str, Any], n: int, *, seed: int | np.random.Generator | None = None,
    scramble: bool = True,
) -> np.ndarray:
    """Saltelli's design for first- and total-order indices on scrambled Sobol' points.

    Rows per base sample i: :math:`A_i`, :math:`A_B^{(1)}_i, \\dots, A_B^{(G)}_i` (A with the
    columns of group g taken from B), :math:`B_i`: ``n (G + 2)`` rows, G the number of groups.

    Parameters
    ----------
    problem : dict
        SALib's problem: ``num_vars``, optional ``names``, ``groups``, ``bounds`` (default [0, 1]).
    n : int
        Base sample size N (a power of 2 keeps the Sobol' points balanced; any n works).

    Notes
    -----
    Equal, element by element, to ``SALib.sample.sobol.sample(problem, n,
    calc_second_order=False, scramble=scramble, seed=seed)`` of SALib 1.6 (tested), without its
    Python loop over rows. The Sobol' sequence needs ``2 num_vars <= 21201``.

    References
    ----------
    1. Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. Design and
       estimator for the total sensitivity index. Computer Physics Communications 181, 259-270.
    2. Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models and their
       Monte Carlo estimates. Mathematics and Computers in Simulation 55, 271-280.
    """
    d, gnames, gidx = _problem_groups(problem)
    if int(n) != n or n < 2:
        raise MethodError(f"saltelli_design: n = {n!r}; expected an integer >= 2")
    g = len(gnames)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*balance properties of Sobol.*")
        base = qmc.Sobol(d=2 * d, scramble=scramble, seed=seed).random(int(n))
    a, b = base[:, :d], base[:, d:]
    x = np.empty((int(n), g + 2, d))
    x[:, 0] = a
    for k in range(g):
        x[:, k + 1] = np.where(gidx[None, :] == k, b, a)
    x[:, -1] = b
    return _scale(x.reshape(-1, d), problem)


def random_design(
    problem: Mapping[str, Any], n: int, *, seed: int | np.random.Generator | None = None
) -> np.ndarray:
    """``n`` independent uniform samples of the problem's variables (Monte Carlo, as COINr's
    ``SA_type = "UA"``), from :func:`numpy.random.default_rng`."""
    d, _, _ = _problem_groups(problem)
    if int(n) != n or n < 1:
        raise MethodError(f"random_design: n = {n!r}; expected an integer >= 1")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    return _scale(rng.random((int(n), d)), problem)


# ------------------------------------------------------------------------------- estimators


def sobol_frame(res: Mapping[str, np.ndarray], names: Sequence[str], conf_level: float,
                 column: int) -> pd.DataFrame:
    z = stats.norm.ppf(0.5 + conf_level / 2)
    lo_q, hi_q = (1 - conf_level) / 2, (1 + conf_level) / 2
    out = {"first": res["first"][:, column], "total": res["total"][:, column]}
    if "first_boot" in res:
        for k in ("first", "total"):
            bt = res[f"{k}_boot"][:, :, column]
            out[f"{k}_low"] = np.nanquantile(bt, lo_q, axis=1)
            out[f"{k}_high"] = np.nanquantile(bt, hi_q, axis=1)
            out[f"{k}_conf"] = z * np.nanstd(bt, axis=1, ddof=1)
    df = pd.DataFrame(out, index=pd.Index(list(names), name="input"))
    cols = [c for c in ("first", "first_low", "first_high", "first_conf", "total", "total_low",
                        "total_high", "total_conf") if c in df.columns]
    return df[cols]


def sobol_indices(
    y: np.ndarray | pd.Series | pd.DataFrame,
    problem: Mapping[str, Any],
    *,
    n_boot: int = 100,
    conf_level: float = 0.95,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    r"""First-order and total-order Sobol' indices from model outputs on a :func:`saltelli_design`.

    .. math:: S_j = \frac{\frac1N\sum_i f(B)_i\,(f(A_B^{(j)})_i - f(A)_i)}{V},\qquad
              S_{Tj} = \frac{\frac1{2N}\sum_i (f(A)_i - f(A_B^{(j)})_i)^2}{V}

    (Saltelli et al. 2010 first order; Jansen 1999 total order), :math:`V` the variance of the
    outputs of A and B, outputs centred on their overall mean as in SALib.

    Parameters
    ----------
    y : array (rows,) or (rows, K)
        Outputs in the design's row order; K outputs are estimated at once (vectorised).
    problem : dict
        The problem the design was drawn for (``num_vars``, ``names``, ``groups``).
    n_boot : int
        Bootstrap resamples of the N base samples (0: none).
    conf_level : float
        Level of the bootstrap intervals: percentile ``*_low``/``*_high`` and SALib's normal
        half-width ``*_conf`` (:math:`z \cdot` sd of the resamples).

    Returns
    -------
    DataFrame
        One row per input (group): ``first``, ``first_low``, ``first_high``, ``first_conf``,
        ``total``, ``total_low``, ``total_high``, ``total_conf``; for K > 1 outputs a long frame
        with an ``output`` column (the column label of ``y`` or its position).

    Notes
    -----
    Matches ``SALib.analyze.sobol.analyze(problem, y, calc_second_order=False,
    num_resamples=n_boot, conf_level=conf_level, seed=seed)`` of SALib 1.6 (point estimates and
    ``*_conf``, to 1e-10; tested), using the same resampling draws. A constant output has no
    defined index: NaN (SALib returns 0 with a warning).

    References
    ----------
    1. Saltelli, A. et al. (2010). Computer Physics Communications 181, 259-270.
    2. Jansen, M. J. W. (1999). Analysis of variance designs for model output. Computer Physics
       Communications 117, 35-43.
    3. Herman, J. & Usher, W. (2017). SALib: an open-source Python library for sensitivity
       analysis. JOSS 2(9), 97.
    """
    _, gnames, _ = _problem_groups(problem)
    labels: list[Any]
    if isinstance(y, pd.DataFrame):
        labels = list(y.columns)
        arr = y.to_numpy(dtype=float)
    else:
        arr = np.asarray(y, dtype=float)
        labels = [0] if arr.ndim == 1 else list(range(arr.shape[1]))
    one = arr.ndim == 1
    if one:
        arr = arr[:, None]
    dg = len(gnames)
    if arr.shape[0] % (dg + 2):
        raise MethodError(
            f"sobol_indices: {arr.shape[0]} outputs; expected N ({dg} + 2) rows of a "
            "saltelli_design with calc_second_order=False"
        )
    if np.isnan(arr).any():
        raise MethodError("sobol_indices: missing output values; every design row is needed")
    n = arr.shape[0] // (dg + 2)
    counts = bootstrap_counts(n, n_boot, seed) if n_boot else None
    acc = SobolAccumulator(n, dg, arr[0].copy(), counts)
    acc.update(arr)
    res = acc.result()
    res["first"] = np.where(res["constant"][None, :], np.nan, res["first"])
    res["total"] = np.where(res["constant"][None, :], np.nan, res["total"])
    if one:
        return sobol_frame(res, gnames, conf_level, 0)
    frames = []
    for j, lab in enumerate(labels):
        f = sobol_frame(res, gnames, conf_level, j).reset_index()
        f.insert(0, "output", lab)
        frames.append(f)
    return pd.concat(frames, ignore_index=True)
