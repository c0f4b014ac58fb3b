"""Assumptions beyond discrete choices among deterministic methods (issue 15, item 3).

Pure numerics used by :class:`methods.sensitivity.IndexSampler` and parsed by
:class:`methods.sensitivity.spec.Uncertainties`:

- **continuous parameters** with a distribution (:func:`parse_parameter`, :func:`parameter_grid`,
  :func:`grid_index`): the generalised-mean exponent ``p``, the aggregation ``dat_thresh``, the
  JRC treatment's ``skew_thresh`` and ``kurt_thresh``, the min-max range ends ``range_low`` and
  ``range_high``. A parameter is drawn at ``levels`` equiprobable quantiles (stratified inverse-CDF
  sampling), so that the branches it feeds are computed once;
- **stochastic imputation** (:func:`impute_draws`): M draws of the missing cells from a model
  (predictive mean matching, Bayesian linear regression, or scikit-learn's ``IterativeImputer``
  with ``sample_posterior=True``), the multiple imputation of Rubin (1987);
- **uncertainty in the data** (:func:`noise_draws`): M replicates of the data with each listed
  indicator perturbed by N(0, sd²);
- **random indicator subsets** (:func:`kept`): each listed node kept with probability q;
- **per-dimension weight groups** (:func:`weight_groups`): one Sobol' group per node at a level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import linalg, stats

from methods._errors import MethodError

__all__ = [
    "DISTRIBUTIONS",
    "IMPUTE_DRAW_METHODS",
    "PARAMETERS",
    "grid_index",
    "impute_draws",
    "kept",
    "noise_draws",
    "parameter_grid",
    "parameter_quantile",
    "parse_parameter",
    "weight_groups",
]

#: Distributions of continuous parameters and their keys (``levels`` besides).
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "uniform": ("low", "high"),
    "normal": ("mean", "sd"),  # optional low / high truncate
    "triangular": ("low", "mode", "high"),
}
#: Continuous parameters: the build step each one changes and its admissible values.
PARAMETERS: dict[str, tuple[str, tuple[float, float]]] = {
    "p": ("aggregate", (-np.inf, np.inf)),
    "dat_thresh": ("aggregate", (0.0, 1.0)),
    "skew_thresh": ("treat", (0.0, np.inf)),
    "kurt_thresh": ("treat", (0.0, np.inf)),
    "range_low": ("normalise", (-np.inf, np.inf)),
    "range_high": ("normalise", (-np.inf, np.inf)),
}
#: Stochastic imputation models of :func:`impute_draws`.
IMPUTE_DRAW_METHODS = ("pmm", "norm", "iterative")
_DEFAULT_LEVELS = 20


def parse_parameter(name: str, d: Any) -> dict[str, Any]:
    """Check one ``parameters`` entry, e.g. ``{dist: uniform, low: 0.5, high: 2, levels: 20}``.

    ``uniform`` (low <= high; low == high is a fixed value), ``normal`` (mean, sd > 0; optional
    ``low``/``high`` truncate it), ``triangular`` (low <= mode <= high, low < high). ``levels``
    (default 20): number of equiprobable quantiles the parameter is drawn at. Every quantile must
    lie in the parameter's admissible range (``dat_thresh`` in [0, 1], thresholds > 0).

    >>> parse_parameter("p", {"dist": "uniform", "low": 1, "high": 2})["levels"]
    20
    """
    where = f"sensitivity.uncertainties.parameters.{name}"
    if name not in PARAMETERS:
        raise MethodError(f"{where}: unknown parameter; expected one of {list(PARAMETERS)}")
    if not isinstance(d, Mapping) or d.get("dist") not in DISTRIBUTIONS:
        raise MethodError(
            f"{where}: expected {{dist: uniform|normal|triangular, ...}}, got {d!r}")
    dist = d["dist"]
    need = DISTRIBUTIONS[dist]
    allowed = {"dist", "levels", *need, *(("low", "high") if dist == "normal" else ())}
    bad = sorted(set(map(str, d)) - allowed)
    missing = [k for k in need if k not in d]
    if bad or missing:
        raise MethodError(f"{where}: {dist} needs {list(need)} (and optionally levels); "
                          f"unknown {bad}, missing {missing}")
    out: dict[str, Any] = {"dist": dist, **{k: float(d[k]) for k in allowed
                                            if k in d and k not in ("dist", "levels")}}
    lv = d.get("levels", _DEFAULT_LEVELS)
    if not isinstance(lv, int) or isinstance(lv, bool) or lv < 1:
        raise MethodError(f"{where}.levels: {lv!r}; expected an integer >= 1")
    out["levels"] = lv
    _check_shape(where, out)
    lo, hi = PARAMETERS[name][1]
    g = parameter_grid(out)
    if g.min() < lo or g.max() > hi or (name != "dat_thresh" and lo == 0 and g.min() <= 0):
        raise MethodError(f"{where}: values from {g.min():g} to {g.max():g}; {name} must lie in "
                          f"{'(' if lo == 0 and name != 'dat_thresh' else '['}{lo:g}, {hi:g}]")
    return out


def _check_shape(where: str, prm: Mapping[str, Any]) -> None:
    dist = prm["dist"]
    if dist == "uniform" and not prm["low"] <= prm["high"]:
        raise MethodError(f"{where}: low {prm['low']:g} > high {prm['high']:g}")
    if dist == "normal":
        if not prm["sd"] > 0:
            raise MethodError(f"{where}: sd {prm['sd']:g}; expected > 0")
        if prm.get("low", -np.inf) >= prm.get("high", np.inf):
            raise MethodError(f"{where}: truncation low >= high")
    if dist == "triangular" and not (prm["low"] <= prm["mode"] <= prm["high"]
                                     and prm["low"] < prm["high"]):
        raise MethodError(f"{where}: expected low <= mode <= high and low < high")


def parameter_quantile(prm: Mapping[str, Any], q: np.ndarray | float) -> np.ndarray:
    r"""Inverse CDF :math:`F^{-1}(q)` of a parsed parameter distribution.

    Uniform: :math:`a + q(b - a)`; normal: :math:`\mu + \sigma\Phi^{-1}(q)`, truncated to
    [low, high] when given (``scipy.stats.truncnorm``); triangular: ``scipy.stats.triang``.

    >>> float(parameter_quantile({"dist": "uniform", "low": 1.0, "high": 3.0}, 0.25))
    1.5
    """
    q = np.asarray(q, dtype=float)
    dist = prm["dist"]
    if dist == "uniform":
        return prm["low"] + q * (prm["high"] - prm["low"])
    if dist == "normal":
        mu, sd = prm["mean"], prm["sd"]
        a = (prm.get("low", -np.inf) - mu) / sd
        b = (prm.get("high", np.inf) - mu) / sd
        return np.asarray(stats.truncnorm.ppf(q, a, b, loc=mu, scale=sd))
    lo, hi = prm["low"], prm["high"]
    return np.asarray(stats.triang.ppf(q, (prm["mode"] - lo) / (hi - lo), loc=lo, scale=hi - lo))


def parameter_grid(prm: Mapping[str, Any]) -> np.ndarray:
    r"""The K = ``levels`` values a parameter is drawn at: :math:`F^{-1}((k + 1/2)/K)`,
    k = 0..K-1, the medians of K equiprobable strata. A design coordinate u in [0, 1) picks
    stratum :math:`\lfloor uK \rfloor` (:func:`grid_index`), so each value has probability 1/K and
    every quantile of the drawn parameter is within 1/(2K) (in probability) of the distribution's.

    >>> parameter_grid({"dist": "uniform", "low": 0.0, "high": 1.0, "levels": 4}).tolist()
    [0.125, 0.375, 0.625, 0.875]
    """
    k = int(prm["levels"])
    return parameter_quantile(prm, (np.arange(k) + 0.5) / k)


def grid_index(u: np.ndarray, k: int) -> np.ndarray:
    """Stratum of design coordinates ``u`` in [0, 1) among ``k`` equiprobable ones."""
    return np.minimum((np.asarray(u, dtype=float) * k).astype(int), k - 1)


def kept(u: np.ndarray, q: float) -> np.ndarray:
    """Which nodes are kept: ``u < q`` (each independently with probability q for uniform u).

    >>> kept(np.array([[0.1, 0.95]]), 0.9).tolist()
    [[True, False]]
    """
    return np.asarray(u) < q


def weight_groups(codes: Sequence[str], ancestor_at: Mapping[str, str | None]) -> list[str]:
    """Sobol' group names of weighted nodes: ``weights[<ancestor>]`` where ``ancestor_at`` gives
    the node's ancestor (or itself) at the grouping level, ``weights`` for nodes above it.

    >>> weight_groups(["A1", "B"], {"A1": "A", "B": None})
    ['weights[A]', 'weights']
    """
    return [f"weights[{a}]" if (a := ancestor_at.get(c)) is not None else "weights"
            for c in codes]


# ------------------------------------------------------------------------- data replicates


def noise_draws(x: np.ndarray, sd: np.ndarray, draws: int,
                seed: int | np.random.SeedSequence | None) -> list[np.ndarray]:
    r"""``draws`` replicates of a units x indicators matrix, column j plus
    :math:`\varepsilon \sim N(0, sd_j^2)` in every observed cell (sd 0: unchanged; missing cells
    stay missing). Replicate m uses the m-th child of ``SeedSequence(seed)``.

    >>> out = noise_draws(np.ones((3, 2)), np.array([0.0, 1.0]), 2, seed=1)
    >>> [bool(np.all(o[:, 0] == 1)) for o in out]
    [True, True]
    """
    sd = np.asarray(sd, dtype=float)
    out = []
    for ss in _children(seed, draws):
        rng = np.random.default_rng(ss)
        out.append(x + rng.standard_normal(x.shape) * sd[None, :])
    return out


def _children(seed: int | np.random.SeedSequence | None, n: int) -> list[np.random.SeedSequence]:
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return ss.spawn(n)


def impute_draws(x: np.ndarray, method: str = "pmm", draws: int = 20, *,
                 seed: int | np.random.SeedSequence | None = None, iterations: int = 5,
                 donors: int = 5) -> list[np.ndarray]:
    r"""``draws`` stochastic imputations of the missing cells of a units x indicators matrix.

    Each column with missing cells is imputed from all other columns by fully conditional
    specification (van Buuren 2018): start from column means, then ``iterations`` sweeps over
    the incomplete columns; a sweep regresses column j (observed rows) on the current values of
    the others and redraws its missing cells:

    - ``norm`` (Bayesian linear regression, mice's ``norm``; Rubin 1987, p. 167): with
      :math:`\hat\beta = (X'X)^{-1}X'y`, residual sum of squares RSS, n observed rows and k
      columns of X (with intercept), draw :math:`\sigma^2 = RSS/\chi^2_{n-k}`,
      :math:`\beta \sim N(\hat\beta, \sigma^2 (X'X)^{-1})`, :math:`y_{mis} = X_{mis}\beta +
      \sigma z`. With complete predictors each draw of a missing cell follows the posterior
      predictive :math:`\hat y + s\sqrt{1 + x'(X'X)^{-1}x}\,t_{n-k}`, :math:`s^2 = RSS/(n-k)`;
    - ``pmm`` (predictive mean matching, mice's default): :math:`\beta` drawn as for ``norm``;
      each missing cell takes the observed value of one of the ``donors`` observed rows whose
      prediction :math:`x\hat\beta` is closest to its own :math:`x_{mis}\beta`, chosen at random
      (imputed values are observed values);
    - ``iterative``: scikit-learn's ``IterativeImputer(sample_posterior=True,
      max_iter=iterations, random_state=...)`` (BayesianRidge, posterior draws).

    A constant column is imputed by its constant. Draw m uses the m-th child of
    ``SeedSequence(seed)``: same seed, same draws.

    Returns
    -------
    list of ndarray
        ``draws`` completed copies of ``x`` (observed cells unchanged).

    References
    ----------
    1. Rubin, D. B. (1987). Multiple Imputation for Nonresponse in Surveys. Wiley.
    2. van Buuren, S. (2018). Flexible Imputation of Missing Data, 2nd ed., sections 3.2, 3.4.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0], [2.0, 2.0], [3.0, np.nan], [4.0, 2.0]])
    >>> [float(d[2, 1]) for d in impute_draws(x, "norm", 2, seed=0)]
    [2.0, 2.0]
    """
    if method not in IMPUTE_DRAW_METHODS:
        raise MethodError(f"impute_draws: method {method!r}; expected one of "
                          f"{list(IMPUTE_DRAW_METHODS)}")
    x = np.asarray(x, dtype=float)
    miss = np.isnan(x)
    bad = [j for j in range(x.shape[1]) if miss[:, j].all()]
    if bad:
        raise MethodError(f"impute_draws: column {bad[0]} has no observed value")
    out = []
    for ss in _children(seed, draws):
        rng = np.random.default_rng(ss)
        if method == "iterative":
            out.append(_iterative(x, iterations, int(rng.integers(2**31 - 1))))
        else:
            out.append(_fcs(x, miss, method, rng, iterations, donors))
    return out


def _iterative(x: np.ndarray, iterations: int, state: int) -> np.ndarray:
    from sklearn.experimental import enable_iterative_imputer  # noqa: F401
    from sklearn.impute import IterativeImputer

    imp = IterativeImputer(sample_posterior=True, max_iter=iterations, random_state=state)
    return np.where(np.isnan(x), imp.fit_transform(x), x)


def _fcs(x: np.ndarray, miss: np.ndarray, method: str, rng: np.random.Generator,
         iterations: int, donors: int) -> np.ndarray:
    """Fully conditional specification: mean start, then sweeps of regression draws."""
    cur = np.where(miss, np.nanmean(x, axis=0)[None, :], x)
    cols = [j for j in range(x.shape[1]) if miss[:, j].any()]
    for _ in range(iterations if len(cols) > 1 or _has_missing_predictors(miss, cols) else 1):
        for j in cols:
            m = miss[:, j]
            others = np.delete(cur, j, axis=1)
            design = np.column_stack([np.ones(x.shape[0]), _standardise(others)])
            cur[m, j] = _draw_column(x[~m, j], design[~m], design[m], method, rng, donors)
    return cur


def _has_missing_predictors(miss: np.ndarray, cols: list[int]) -> bool:
    return any(miss[:, [k for k in range(miss.shape[1]) if k != j]].any() for j in cols)


def _standardise(z: np.ndarray) -> np.ndarray:
    sd = z.std(axis=0)
    keep = sd > 0
    return (z[:, keep] - z[:, keep].mean(axis=0)) / sd[keep]


def _draw_column(y: np.ndarray, xo: np.ndarray, xm: np.ndarray, method: str,
                 rng: np.random.Generator, donors: int) -> np.ndarray:
    """One regression draw of the missing cells of a column (``norm`` or ``pmm``)."""
    n = y.size
    if np.ptp(y) == 0:
        return np.full(xm.shape[0], y[0])
    # ridge of 1e-5 times the diagonal (not the intercept's) keeps X'X positive definite with
    # collinear predictors (mice's ridge)
    xtx = xo.T @ xo
    xtx[np.diag_indices_from(xtx)] += 1e-5 * np.diag(xtx) * (np.arange(xtx.shape[0]) > 0)
    chol = linalg.cholesky(xtx, lower=True)
    beta_hat = linalg.cho_solve((chol, True), xo.T @ y)
    resid = y - xo @ beta_hat
    dof = max(1, n - xo.shape[1])
    sigma = np.sqrt(float(resid @ resid) / rng.chisquare(dof))
    # beta ~ N(beta_hat, sigma^2 (X'X)^-1): beta_hat + sigma L'^-1 z with X'X = L L'
    beta = beta_hat + sigma * linalg.solve_triangular(chol, rng.standard_normal(beta_hat.size),
                                                      lower=True, trans="T")
    if method == "norm":
        return xm @ beta + sigma * rng.standard_normal(xm.shape[0])
    pred_obs, pred_mis = xo @ beta_hat, xm @ beta
    k = max(1, min(donors, n))
    near = np.argsort(np.abs(pred_obs[None, :] - pred_mis[:, None]), axis=1, kind="stable")[:, :k]
    pick = near[np.arange(xm.shape[0]), rng.integers(k, size=xm.shape[0])]
    return y[pick]
