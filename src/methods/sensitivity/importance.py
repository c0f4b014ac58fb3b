"""Effective importance of indicators and aggregates in the nominal index, and weights that
reach target importances.

Weights are trade-offs, not importances (Paruolo, Saisana & Saltelli 2013): the first-order effect
of a node's score on the index across units can differ from its nominal weight when indicators are
correlated or have unequal variances. This module measures it and corrects for it:

- :func:`correlation_ratio`: Pearson's correlation ratio :math:`\\eta^2` by penalised-spline
  regression (group means for discrete x);
- :func:`effective_importance` (:class:`EffectiveImportance`): the correlation ratio of every node
  with the index, beside its effective nominal weight;
- :func:`optimise_weights` (:class:`WeightOptimisation`): the weights of one level that give its
  nodes target importance shares (COINr's ``get_opt_weights``).

All work on the nominal build alone (one :class:`methods.index.IndexEvaluator`); the index is
re-aggregated with the vectorised engine of :mod:`methods.sensitivity.engine`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.interpolate import BSpline
from threadpoolctl import threadpool_limits

from methods._errors import MethodError
from methods._meta import Hierarchy, as_meta, hierarchy_from_meta
from methods.index.build import IndexEvaluator, IndexSpec
from methods.sensitivity.engine import BranchMatrix, Tree, aggregate_batch, vector_methods
from methods.summary import Result, Summary
from methods.weights import effective_weights

__all__ = [
    "EffectiveImportance",
    "WeightOptimisation",
    "correlation_ratio",
    "effective_importance",
    "optimise_weights",
]


# ------------------------------------------------------------------ correlation ratio (P-spline)


def _pspline_basis(x: np.ndarray, nseg: int = 20, deg: int = 3) -> np.ndarray:
    lo, hi = float(np.min(x)), float(np.max(x))
    dx = (hi - lo) / nseg
    knots = lo + dx * np.arange(-deg, nseg + deg + 1)
    xc = np.clip(x, lo, hi - 1e-12 * max(1.0, abs(hi)))
    return BSpline.design_matrix(xc, knots, deg).toarray()


def _pspline_parts(x: np.ndarray, nseg: int = 20) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                           float]:
    b = _pspline_basis(x, nseg)
    k = b.shape[1]
    dmat = np.diff(np.eye(k), n=2, axis=0)
    pen = dmat.T @ dmat
    btb = b.T @ b
    scale = float(np.trace(btb) / np.trace(pen))
    return b, btb, pen, scale


#: The GCV grid of the smoothing parameter (times the scale of B'B against the penalty)
_LAMBDAS = 10.0 ** np.linspace(-8, 4, 37)


def _pspline_gcv(x: np.ndarray, y: np.ndarray, nseg: int = 20) -> tuple[np.ndarray, float]:
    """P-spline fit (cubic B-splines on ``nseg`` segments, 2nd-order difference penalty; Eilers &
    Marx 1996), smoothing parameter by GCV over a grid. Returns (fitted, lambda); every step works
    on k x k matrices (k = nseg + 3), so the cost is O(n k^2) whatever the grid."""
    return _pspline_gcv_many([(x, y)], nseg)[0]


def _pspline_gcv_many(pairs: list[tuple[np.ndarray, np.ndarray]],
                      nseg: int = 20) -> list[tuple[np.ndarray, float]]:
    """:func:`_pspline_gcv` of many (x, y) pairs at once: the bases of equal x are built once and
    the penalised systems of every pair and grid value are solved in one batched call (the same
    LAPACK solve per system as one at a time, so the same numbers); BLAS single-threaded (its
    threads only contend on these small products)."""
    if not pairs:
        return []
    with threadpool_limits(limits=1, user_api="blas"):
        parts: dict[bytes, tuple[np.ndarray, np.ndarray, np.ndarray, float]] = {}
        systems, rhs, info = [], [], []
        for x, y in pairs:
            key = x.tobytes()
            if key not in parts:
                parts[key] = _pspline_parts(x, nseg)
            b, btb, pen, scale = parts[key]
            k = b.shape[1]
            yc = y - y.mean()
            bty = b.T @ yc
            r = np.column_stack([bty, btb])
            ridge = 1e-10 * scale * np.eye(k)
            systems.append(np.stack([btb + lm * scale * pen + ridge for lm in _LAMBDAS]))
            rhs.append(np.broadcast_to(r, (_LAMBDAS.size, *r.shape)))
            info.append((key, bty, float(yc @ yc), x.size))
        sols = np.linalg.solve(np.stack(systems), np.stack(rhs))
        final_a, final_b, lams = [], [], []
        for (key, bty, yty, n), sol_p in zip(info, sols, strict=True):
            _, btb, pen, scale = parts[key]
            lam = _gcv_choice(sol_p, bty, btb, yty, n)
            final_a.append(btb + lam * scale * pen + 1e-10 * scale * np.eye(btb.shape[0]))
            final_b.append(bty)
            lams.append(lam)
        coefs = np.linalg.solve(np.stack(final_a), np.stack(final_b)[:, :, None])[:, :, 0]
        return [(parts[key][0] @ coef + y.mean(), lam) for (_, y), (key, *_), coef, lam
                in zip(pairs, info, coefs, lams, strict=True)]


def _gcv_choice(sols: np.ndarray, bty: np.ndarray, btb: np.ndarray, yty: float, n: int) -> float:
    """The grid value with the smallest GCV score :math:`n\\,RSS/(n-\\mathrm{edf})^2`, from the
    solutions of the penalised systems (grid x k x (1 + k): coefficients, hat-matrix factor)."""
    best = (np.inf, 1.0)
    for lm, sol in zip(_LAMBDAS, sols, strict=True):
        coef = sol[:, 0]
        edf = float(np.trace(sol[:, 1:]))
        rss = max(yty - 2 * float(coef @ bty) + float(coef @ btb @ coef), 0.0)
        gcv = n * rss / max(n - edf, 1e-9) ** 2
        if gcv < best[0]:
            best = (gcv, float(lm))
    return best[1]


def _pspline_operator(x: np.ndarray, lam: float, nseg: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """(B, Q) with fitted values ``B @ (Q @ y)`` for the P-spline at smoothing ``lam``."""
    b, btb, pen, scale = _pspline_parts(x, nseg)
    k = b.shape[1]
    q = np.linalg.solve(btb + lam * scale * pen + 1e-10 * scale * np.eye(k), b.T)
    return b, q


def _group_mean_fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    _, inv = np.unique(x, return_inverse=True)
    sums = np.bincount(inv, weights=y)
    cnt = np.bincount(inv)
    return (sums / cnt)[inv]


def correlation_ratio(
    x: np.ndarray | pd.Series, y: np.ndarray | pd.Series, *, max_groups: int = 10
) -> float:
    r"""Pearson's correlation ratio :math:`\eta^2 = \mathrm{Var}(E[Y\mid X]) / \mathrm{Var}(Y)`,
    the first-order sensitivity index of :math:`Y` to :math:`X` over the units.

    :math:`E[Y\mid X]` is estimated by a penalised cubic B-spline regression (20 segments, second
    order difference penalty, smoothing by generalised cross-validation; Eilers & Marx 1996), or by
    the group means when X takes at most ``max_groups`` distinct values.

    Missing values: pairs with a missing x or y are dropped. NaN (flagged by the caller) when
    fewer than 3 complete pairs or Y is constant.

    Notes
    -----
    For a linear index :math:`Y=\sum_i w_i X_i` of independent indicators,
    :math:`\eta^2_i = w_i^2\sigma_i^2 / \sum_j w_j^2\sigma_j^2` (tested within sampling error).

    References
    ----------
    1. Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or science?
       JRSS A 176(3), 609-634.
    2. Eilers, P. H. C. & Marx, B. D. (1996). Flexible smoothing with B-splines and penalties.
       Statistical Science 11(2), 89-121.
    """
    return _correlation_ratios([(x, y)], max_groups)[0]


def _correlation_ratios(pairs: list[tuple[Any, Any]], max_groups: int = 10) -> list[float]:
    """:func:`correlation_ratio` of every (x, y) pair, the P-spline fits in one batch."""
    clean: list[tuple[np.ndarray, np.ndarray] | None] = []
    for x, y in pairs:
        xa = np.asarray(x, dtype=float)
        ya = np.asarray(y, dtype=float)
        if xa.shape != ya.shape or xa.ndim != 1:
            raise MethodError(
                f"correlation_ratio: x {xa.shape} and y {ya.shape} must be 1-D, same size")
        ok = ~np.isnan(xa) & ~np.isnan(ya)
        xa, ya = xa[ok], ya[ok]
        clean.append(None if xa.size < 3 or np.ptp(ya) == 0 else (xa, ya))
    spline = [i for i, c in enumerate(clean)
              if c is not None and np.unique(c[0]).size > max_groups]
    pairs = [c for i in spline if (c := clean[i]) is not None]
    fits = dict(zip(spline, (f for f, _ in _pspline_gcv_many(pairs)),
                    strict=True))
    out = []
    for i, c in enumerate(clean):
        if c is None:
            out.append(float("nan"))
            continue
        fit = fits[i] if i in fits else _group_mean_fit(*c)
        out.append(float(np.var(fit) / np.var(c[1])))
    return out


# ------------------------------------------------------------------ importance in the nominal build


@dataclass(frozen=True)
class EffectiveImportance(Result):
    """Result of :func:`effective_importance`.

    Attributes
    ----------
    table : DataFrame
        One row per node below the index (index: code): ``level``, ``parent``, ``kind``,
        ``weight`` (nominal, within siblings), ``effective_weight`` (product of the weights on the
        path to the index), ``importance`` (correlation ratio :math:`S_i` with the index),
        ``importance_parent`` (with the parent), ``pearson`` (correlation with the index),
        ``share`` (importance / sum over the level), ``weight_share`` (effective weight / sum over
        the level), ``ratio`` (share / weight_share: < 1 the node matters less than its weight
        says), ``share_in_parent`` (importance_parent / sum over siblings).
    by_kind : DataFrame or None
        Indicators grouped by ``kind`` (input/output/outcome): ``n``, ``weight_share``,
        ``importance_share`` (None when the meta frame has no ``kind``).
    """

    table: pd.DataFrame
    by_kind: pd.DataFrame | None
    index_code: str

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def summary(self) -> Summary:
        """The node whose importance falls furthest below its weight; the table (and by kind)."""
        t = self.table
        lines = [f"{len(t)} nodes below the index {self.index_code}"]
        ratio = t["ratio"].dropna() if "ratio" in t else pd.Series(dtype=float)
        if len(ratio):
            lo, hi = ratio.idxmin(), ratio.idxmax()
            lines.append(f"importance share / weight share: lowest {lo} ({ratio[lo]:.2f}), "
                         f"highest {hi} ({ratio[hi]:.2f})")
        tables = [t] + ([self.by_kind] if self.by_kind is not None else [])
        return Summary("Effective importance", lines, tables)


def node_importance(scores: pd.DataFrame, meta: pd.DataFrame, tree: Tree,
                weights: np.ndarray) -> EffectiveImportance:
    hier = tree.hier
    root = tree.root_code
    y = scores[root].to_numpy()
    wmap = {c: float(weights[tree.pos[c]]) for c in tree.codes}
    gw = hier.group_weights(wmap)
    eff = effective_weights(meta, {c: v for c, v in wmap.items() if c != root})
    m = as_meta(meta).set_index("code")
    codes = [c for c in tree.codes if c != root]
    ratios = _correlation_ratios([p for c in codes for p in (
        (scores[c].to_numpy(), y), (scores[c].to_numpy(), scores[hier.parent[c]].to_numpy()))])
    rows = []
    for i, c in enumerate(codes):
        x = scores[c].to_numpy()
        ok = ~np.isnan(x) & ~np.isnan(y)
        r = float(np.corrcoef(x[ok], y[ok])[0, 1]) if ok.sum() > 2 and np.ptp(x[ok]) > 0 else np.nan
        rows.append({
            "code": c, "level": hier.level[c], "parent": hier.parent[c],
            "kind": m.loc[c, "kind"] if "kind" in m.columns else None,
            "weight": gw[c], "effective_weight": float(eff[c]),
            "importance": ratios[2 * i], "importance_parent": ratios[2 * i + 1],
            "pearson": r,
        })
    t = pd.DataFrame(rows).set_index("code")
    t["share"] = t["importance"] / t.groupby("level")["importance"].transform("sum")
    t["weight_share"] = t["effective_weight"] / t.groupby("level")["effective_weight"].transform(
        "sum")
    t["ratio"] = t["share"] / t["weight_share"]
    t["share_in_parent"] = t["importance_parent"] / t.groupby("parent")[
        "importance_parent"].transform("sum")
    by_kind = None
    if "kind" in m.columns:
        ind = t[t["level"] == 1]
        if ind["kind"].notna().any():
            g = ind.groupby(ind["kind"].fillna("(none)"))
            by_kind = pd.DataFrame({
                "n": g.size(),
                "weight_share": g["effective_weight"].sum() / ind["effective_weight"].sum(),
                "importance_share": g["importance"].sum() / ind["importance"].sum(),
            })
            by_kind["ratio"] = by_kind["importance_share"] / by_kind["weight_share"]
    return EffectiveImportance(t, by_kind, root)


def effective_importance(
    data: pd.DataFrame,
    meta: pd.DataFrame,
    spec: IndexSpec | Mapping[str, Any] | None = None,
    *,
    weights: Mapping[str, float] | pd.Series | None = None,
    unit_col: str | None = None,
) -> EffectiveImportance:
    r"""Effective importance of every indicator and aggregate: the first-order effect of its
    (normalised) score on the index across units, beside its nominal weight.

    :math:`S_i = \mathrm{Var}(E[Y\mid x_i])/\mathrm{Var}(Y)` (Pearson's correlation ratio, by
    :func:`correlation_ratio`), :math:`Y` the index. Shares of :math:`S_i` within a level are
    compared with the shares of the effective nominal weights (Paruolo et al. 2013: a weight is a
    trade-off, not an importance; correlated indicators and unequal variances make the two
    differ). With ``kind`` in the meta frame, the shares of importance and of weight falling on
    input, output and outcome indicators.

    Missing values: units with a missing score are left out of that node's ratio.

    References
    ----------
    1. Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or science?
       JRSS A 176(3), 609-634.
    2. Becker, W., Saisana, M., Paruolo, P. & Vandecasteele, I. (2017). Weights and importance in
       composite indicators: closing the gap. Ecological Indicators 80, 12-22.
    """
    ev = IndexEvaluator(data, meta, spec, weights=weights, unit_col=unit_col)
    m = as_meta(meta)
    tree = Tree(hierarchy_from_meta(m))
    scores = pd.DataFrame(ev.scores(), index=ev.units, columns=list(ev.codes))
    return node_importance(scores, m, tree, ev.base_weights)


@dataclass(frozen=True)
class WeightOptimisation(Result):
    """Result of :func:`optimise_weights`.

    Attributes
    ----------
    weights : Series
        Every node's weight (within siblings) with the optimised level.
    table : DataFrame
        Per node of the level: ``nominal_weight``, ``optimised_weight`` (within siblings),
        ``target`` (share), ``importance_nominal``, ``importance_optimised`` (shares).
    success : bool
    cost : float
        Sum of squared differences between importance shares and targets at the optimum.
    message : str
    """

    weights: pd.Series
    table: pd.DataFrame
    success: bool
    cost: float
    message: str
    measure: str

    def to_frame(self) -> pd.DataFrame:
        """Per node of the level: nominal and optimised weights, targets and importances."""
        return self.table

    def summary(self) -> Summary:
        """Outcome of the optimisation in a line; the per-node table."""
        line = (f"{'converged' if self.success else 'did not converge'} ({self.message}); "
                f"cost = {self.cost:.3g}, measure = {self.measure}")
        return Summary("Weight optimisation", [line], [self.table])


def optimise_weights(
    data: pd.DataFrame,
    meta: pd.DataFrame,
    spec: IndexSpec | Mapping[str, Any] | None = None,
    *,
    level: int,
    target: str | Mapping[str, float] | pd.Series = "nominal",
    measure: str = "corr_ratio",
    weights: Mapping[str, float] | pd.Series | None = None,
    unit_col: str | None = None,
    max_nfev: int = 500,
) -> WeightOptimisation:
    r"""Weights of one level that give its nodes target importances in the index (COINr's
    ``get_opt_weights(optype = "balance")``).

    Finds weights :math:`w` of the nodes at ``level`` minimising
    :math:`\sum_i (s_i(w) - t_i)^2`, :math:`s_i` the importance shares of these nodes in the index
    and :math:`t_i` the targets (shares). ``measure="corr_ratio"``: :math:`S_i` (correlation ratio,
    the smoothing of each node's regression fixed at its nominal GCV value); ``"pearson"``: the
    Pearson correlations, as COINr. ``target``: ``"nominal"`` (the nominal effective weights: make
    each node as important as its stated weight), ``"equal"``, or a mapping node -> target.

    Solved by :func:`scipy.optimize.least_squares` on log-weights (positive), from the nominal
    weights; nodes below the level keep their scores. Weights are reported within siblings.

    References
    ----------
    1. Becker, W. et al. (2017). Weights and importance in composite indicators: closing the gap.
       Ecological Indicators 80, 12-22.
    2. COINr 1.1.14 ``get_opt_weights``.
    """
    if measure not in ("corr_ratio", "pearson"):
        raise MethodError(f"optimise_weights: measure={measure!r}; expected corr_ratio|pearson")
    ev = IndexEvaluator(data, meta, spec, weights=weights, unit_col=unit_col)
    m = as_meta(meta)
    hier = hierarchy_from_meta(m)
    tree = Tree(hier)
    nodes = _level_nodes(hier, tree, level)
    pos = np.array([tree.pos[c] for c in nodes])
    w0 = ev.base_weights
    t = _target_shares(target, nodes, m, tree, w0)
    bm = BranchMatrix(ev.normalised())
    methods = vector_methods(tree, ev.plan.methods, "optimise_weights")
    y0, nodes_sc = aggregate_batch(tree, bm, w0[None, :], methods, p=ev.p,
                                   dat_thresh=ev.dat_thresh, keep=list(pos))
    xs = [(nodes_sc[p][0] if p >= tree.n_ind else bm.x[:, p]) for p in pos]
    ops = _importance_ops(xs, y0[0], measure)

    def importance(w: np.ndarray) -> np.ndarray:
        y = aggregate_batch(tree, bm, w[None, :], methods, p=ev.p, dat_thresh=ev.dat_thresh)[0][0]
        return _importance_shares(y, ops)

    def resid(theta: np.ndarray) -> np.ndarray:
        w = w0.copy()
        w[pos] = np.exp(theta)
        return importance(w) - t

    theta0 = np.log(np.maximum(w0[pos], 1e-6))
    imp0 = importance(w0)
    sol = optimize.least_squares(resid, theta0, method="trf", max_nfev=max_nfev, x_scale=1.0)
    wopt = w0.copy()
    wopt[pos] = np.exp(sol.x)
    gw_nom = hier.group_weights({c: float(w0[tree.pos[c]]) for c in tree.codes})
    gw_opt = hier.group_weights({c: float(wopt[tree.pos[c]]) for c in tree.codes})
    table = pd.DataFrame({
        "nominal_weight": [gw_nom[c] for c in nodes],
        "optimised_weight": [gw_opt[c] for c in nodes],
        "target": t, "importance_nominal": imp0, "importance_optimised": importance(wopt),
    }, index=pd.Index(nodes, name="code"))
    wser = pd.Series({c: gw_opt[c] for c in tree.codes if c != tree.root_code})
    return WeightOptimisation(wser, table, bool(sol.success), float(2 * sol.cost),
                              str(sol.message), measure)


def _level_nodes(hier: Hierarchy, tree: Tree, level: int) -> list[str]:
    """The nodes at ``level`` (a level below the index with at least two nodes)."""
    top = hier.level[tree.root_code]
    nodes = [c for c in tree.codes if hier.level[c] == level]
    if level >= top or len(nodes) < 2:
        raise MethodError(
            f"optimise_weights: level {level} has {len(nodes)} node(s) below the index; expected a "
            f"level with at least two nodes (levels below the index: "
            f"{sorted(x for x in set(hier.level.values()) if x < top)})"
        )
    return nodes


def _target_shares(target: str | Mapping[str, float] | pd.Series, nodes: list[str],
                   m: pd.DataFrame, tree: Tree, w0: np.ndarray) -> np.ndarray:
    """The target importance shares of ``nodes`` (``nominal``: their effective weights)."""
    eff = effective_weights(m, {c: float(w0[tree.pos[c]]) for c in tree.codes
                                if c != tree.root_code})
    if isinstance(target, str):
        if target == "nominal":
            t = np.array([float(eff[c]) for c in nodes])
        elif target == "equal":
            t = np.ones(len(nodes))
        else:
            raise MethodError(f"optimise_weights: target={target!r}; expected nominal, equal or a "
                              "mapping node -> target")
    else:
        ts = pd.Series(target, dtype=float)
        missing = [c for c in nodes if c not in ts.index]
        if missing or (ts < 0).any():
            raise MethodError(f"optimise_weights: target lacks node(s) {missing} or is negative")
        t = ts[nodes].to_numpy()
    return t / t.sum()


def _importance_ops(xs: list[np.ndarray], y0: np.ndarray,
                    measure: str) -> list[tuple[str, Any, Any, Any]]:
    """Per node, what its importance needs from each candidate index ``y``: the spline smoother
    (its smoothing fixed at the nominal GCV value), its groups (few distinct values) or its
    values (Pearson); with the rows where the node is observed."""
    ops: list[tuple[str, Any, Any, Any]] = []
    for x in xs:
        ok = ~np.isnan(x)
        if measure == "corr_ratio" and np.unique(x[ok]).size > 10:
            lam = _pspline_gcv(x[ok], y0[ok])[1]
            b, q = _pspline_operator(x[ok], lam)
            ops.append(("spline", ok, b, q))
        elif measure == "corr_ratio":
            ops.append(("groups", ok, x[ok], None))
        else:
            ops.append(("pearson", ok, x[ok], None))
    return ops


def _importance_shares(y: np.ndarray, ops: list[tuple[str, Any, Any, Any]]) -> np.ndarray:
    """The nodes' importances in the index ``y`` (as :func:`_importance_ops`), as shares."""
    out = np.empty(len(ops))
    for i, (kind, ok, a, q) in enumerate(ops):
        yy = y[ok]
        if kind == "spline":
            fit = a @ (q @ (yy - yy.mean()))
            out[i] = np.var(fit) / np.var(yy)
        elif kind == "groups":
            out[i] = np.var(_group_mean_fit(a, yy)) / np.var(yy)
        else:
            out[i] = np.corrcoef(a, yy)[0, 1]
    return out / out.sum()
