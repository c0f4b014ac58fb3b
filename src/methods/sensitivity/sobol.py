r"""Variance-based sensitivity analysis: Saltelli's sampling design and the Sobol' index estimators.

Steps 2 and 4 of :mod:`methods.sensitivity`, usable on any vectorised model (SALib's scheme:
problem -> sample -> evaluate -> analyse):

- :func:`saltelli_design`: Saltelli's design on scrambled Sobol' points, vectorised (identical to
  ``SALib.sample.sobol.sample(...)``, with or without the rows for second-order indices);
- :func:`random_design`: plain Monte Carlo (uncertainty analysis only);
- :func:`sobol_indices`: first-order (Saltelli et al. 2010) and total-order (Jansen 1999) indices
  with bootstrap intervals, vectorised over many outputs (SALib 1.6's estimators, from the streamed
  sums of :class:`methods.sensitivity.engine.SobolAccumulator`);
- :func:`second_order_indices`: second-order (interaction) indices of Saltelli (2002) from a
  design with ``calc_second_order=True`` (SALib 1.6's estimator and bootstrap).

The first-order estimator and COINr's
--------------------------------------
COINr 1.1's ``SA_estimate`` (R/sensitivity.R, used by ``get_sensitivity``) has the same
Saltelli (2010) first-order and Jansen total-order formulas, but differs in four ways that show at
small N (they vanish as N grows, which is why both agree on ASEM at N = 2000-4096):

1. **No centring.** COINr computes :math:`\frac1N\sum_i y_{B,i}(y_{AB_j,i} - y_{A,i}) / V` on
   the raw outputs; this module (as SALib) first subtracts the overall mean :math:`m`. The
   uncentred estimate carries the extra term :math:`m\,\overline{(y_{AB_j} - y_A)} / V`, zero in
   expectation but with standard deviation about :math:`|m|\,\mathrm{sd}(y_{AB_j}-y_A)/(V\sqrt
   N)`. For the mean absolute rank shift (all values positive, mean several times its standard
   deviation) this term dominates the error at small N. Measured on the example data's mean rank
   shift (mean 3.25, sd 1.32; the default config's four inputs), over 64 disjoint subsets of
   N = 32 base samples, the first-order estimates' standard deviation is 0.09-0.12 centred and
   0.13-0.20 uncentred (COINr's formula), at N = 128 0.02-0.07 and 0.05-0.08. The total-order
   estimator is a sum of squared differences and is not affected.
2. **Variance.** COINr divides by R's ``var`` (denominator 2N - 1), this module by the
   population variance (2N): every index differs by the factor (2N - 1) / 2N.
3. **Bootstrap.** COINr resamples the per-sample terms of each input separately and keeps V
   fixed; this module (as SALib) resamples the base samples, the same draws for every input,
   and recomputes V (the variance's own sampling error enters the interval). COINr reports the 5% and 95%
   percentiles; here ``*_low``/``*_high`` are the percentiles at ``conf_level`` and ``*_conf``
   SALib's normal half-width.
4. **Design.** COINr draws A and B as plain uniform random numbers (``runif``) and stacks the
   rows as A, B, AB_1, ..., AB_d; here A and B are scrambled Sobol' points (lower error at the
   same N) and rows are interleaved per base sample (SALib's order).

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

__all__ = ["random_design", "saltelli_design", "second_order_indices", "sobol_indices"]


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
    scramble: bool = True, calc_second_order: bool = False,
) -> np.ndarray:
    """Saltelli's design for first- and total-order indices on scrambled Sobol' points.

    Rows per base sample i: :math:`A_i`, :math:`A_B^{(1)}_i, \\dots, A_B^{(G)}_i` (A with the
    columns of group g taken from B), :math:`B_i`: ``n (G + 2)`` rows, G the number of groups.
    With ``calc_second_order``, :math:`B_A^{(1)}_i, \\dots, B_A^{(G)}_i` (B with the columns of
    group g taken from A) come before :math:`B_i`: ``n (2G + 2)`` rows, for
    :func:`second_order_indices`. A, B and the :math:`A_B` rows are the same either way.

    Parameters
    ----------
    problem : dict
        SALib's problem: ``num_vars``, optional ``names``, ``groups``, ``bounds`` (default [0, 1]).
    n : int
        Base sample size N (a power of 2 keeps the Sobol' points balanced; any n works).

    Notes
    -----
    Equal, element by element, to ``SALib.sample.sobol.sample(problem, n,
    calc_second_order=calc_second_order, scramble=scramble, seed=seed)`` of SALib 1.6 (tested), without its
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
    x = np.empty((int(n), 2 * g + 2 if calc_second_order else g + 2, d))
    x[:, 0] = a
    for k in range(g):
        x[:, k + 1] = np.where(gidx[None, :] == k, b, a)
        if calc_second_order:
            x[:, g + k + 1] = np.where(gidx[None, :] == k, a, b)
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


def _second_order_terms(ya: np.ndarray, yb: np.ndarray, yab: np.ndarray,
                        yba: np.ndarray) -> np.ndarray:
    """S_jk (Saltelli 2002) for every pair j < k; arrays ``ya``, ``yb`` (N, ...) and ``yab``,
    ``yba`` (N, G, ...), outputs already centred; returns (pairs, ...)."""
    var = np.var(np.concatenate([ya, yb], axis=0), axis=0)
    tiny = np.finfo(float).eps
    ok = var > tiny
    den = np.where(ok, var, 1.0)
    first = np.mean(yb[:, None] * (yab - ya[:, None]), axis=0) / den
    g = yab.shape[1]
    out = []
    for j in range(g):
        for k in range(j + 1, g):
            vjk = np.mean(yba[:, j] * yab[:, k] - ya * yb, axis=0) / den
            out.append(np.where(ok, vjk - first[j] - first[k], np.nan))
    return np.array(out)


def second_order_indices(
    y: np.ndarray | pd.Series,
    problem: Mapping[str, Any],
    *,
    n_boot: int = 100,
    conf_level: float = 0.95,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    r"""Second-order (interaction) Sobol' indices from outputs on a
    ``saltelli_design(..., calc_second_order=True)``.

    .. math:: S_{jk} = \frac{\frac1N\sum_i f(B_A^{(j)})_i\, f(A_B^{(k)})_i - f(A)_i\, f(B)_i}{V}
              - S_j - S_k

    (Saltelli 2002, Theorem 2: :math:`B_A^{(j)}` and :math:`A_B^{(k)}` share exactly the columns
    of j and k), :math:`S_j` the first-order estimator of :func:`sobol_indices`, :math:`V` the
    variance of the outputs of A and B; outputs standardised on all rows first, as SALib does.
    :math:`S_{jk}` is the share of variance due to the interaction of j and k alone (beyond their
    main effects); :math:`S_{Tj} - S_j` bounds the sum of all interactions involving j.

    Parameters
    ----------
    y : array (rows,)
        One output per design row, ``N (2G + 2)`` rows in the design's order.
    problem : dict
        The problem the design was drawn for (``num_vars``, ``names``, ``groups``).
    n_boot, conf_level, seed
        Bootstrap resamples of the N base samples (SALib's draws for ``seed``), their level.

    Returns
    -------
    DataFrame
        One row per pair (``input_a``, ``input_b``, a before b in problem order): ``second``,
        ``second_low``, ``second_high`` (bootstrap percentiles at ``conf_level``),
        ``second_conf`` (SALib's normal half-width, :math:`z \cdot` sd of the resamples).
        Estimates are not clipped: a negative value is estimation error around a small index.

    Notes
    -----
    Equals ``SALib.analyze.sobol.analyze(problem, y, calc_second_order=True,
    num_resamples=n_boot, conf_level=conf_level, seed=seed)['S2']`` and ``['S2_conf']`` of
    SALib 1.6 (tests/reference/salib_second_order.json, made by salib_second_order.py beside it).
    A constant output has no defined index: NaN (SALib returns 0 with a warning).

    References
    ----------
    1. Saltelli, A. (2002). Making best use of model evaluations to compute sensitivity indices.
       Computer Physics Communications 145, 280-297.
    2. Herman, J. & Usher, W. (2017). SALib. JOSS 2(9), 97.

    Examples
    --------
    >>> problem = {"num_vars": 3, "names": ["x1", "x2", "x3"]}
    >>> x = saltelli_design(problem, 1024, seed=1, calc_second_order=True)
    >>> s2 = second_order_indices(x[:, 0] * x[:, 1] + x[:, 2], problem, n_boot=0)
    >>> s2["second"].round(2).tolist()  # analytic: S_12 = 1/19, the other pairs 0
    [0.05, 0.0, 0.0]
    """
    _, gnames, _ = _problem_groups(problem)
    arr = np.asarray(y, dtype=float)
    g = len(gnames)
    if arr.ndim != 1 or arr.size % (2 * g + 2):
        raise MethodError(
            f"second_order_indices: {arr.shape} outputs; expected N ({2 * g} + 2) values of a "
            "saltelli_design with calc_second_order=True"
        )
    if np.isnan(arr).any():
        raise MethodError("second_order_indices: missing output values; every design row is needed")
    if g < 2:
        raise MethodError("second_order_indices: needs at least two inputs (groups)")
    n = arr.size // (2 * g + 2)
    sd = arr.std()
    z3 = ((arr - arr.mean()) / (sd if sd > 0 else 1.0)).reshape(n, 2 * g + 2)
    ya, yb, yab, yba = z3[:, 0], z3[:, -1], z3[:, 1:g + 1], z3[:, g + 1:2 * g + 1]
    pairs = [(gnames[j], gnames[k]) for j in range(g) for k in range(j + 1, g)]
    out = pd.DataFrame(pairs, columns=["input_a", "input_b"])
    out["second"] = _second_order_terms(ya, yb, yab, yba)
    if n_boot:
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        r = rng.integers(n, size=(n, n_boot))  # SALib 1.6's draws
        bt = _second_order_terms(ya[r], yb[r], yab[r].transpose(0, 2, 1),
                                 yba[r].transpose(0, 2, 1))  # pairs x n_boot
        z = stats.norm.ppf(0.5 + conf_level / 2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out["second_low"] = np.nanquantile(bt, (1 - conf_level) / 2, axis=1)
            out["second_high"] = np.nanquantile(bt, (1 + conf_level) / 2, axis=1)
            out["second_conf"] = z * np.nanstd(bt, axis=1, ddof=1)
    return out
