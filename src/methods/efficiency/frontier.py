r"""A DEA technology (reference units, returns to scale) and its programmes, one unit at a time.

:class:`Technology` holds the reference units' inputs :math:`X` (:math:`n \times m`) and outputs
:math:`Y` (:math:`n \times s`), each variable rescaled by its mean (radial scores, SBM scores and
the λ are invariant to that; slacks are returned in the original units), and solves for any
evaluated point :math:`(x_o, y_o)`:

* :meth:`Technology.radial` — the envelopment programme, input
  (:math:`\min\theta:\ X^\top\lambda\le\theta x_o,\ Y^\top\lambda\ge y_o`) or output
  (:math:`\max\varphi:\ X^\top\lambda\le x_o,\ Y^\top\lambda\ge\varphi y_o`) oriented;
* :meth:`Technology.max_slacks` — the second phase: the largest sum of slacks (in the data's
  units, as R ``Benchmarking::slack``) that keeps the radial projection;
* :meth:`Technology.sbm` — Tone's (2001) slacks-based measure, linearised.

Returns to scale: ``"crs"`` (no constraint on :math:`\sum\lambda`), ``"vrs"``
(:math:`\sum\lambda=1`), ``"nirs"`` (:math:`\sum\lambda\le1`). Each programme is a
:class:`methods.efficiency.lp.UnitLP` (column generation over the reference units, exact).
"""

from __future__ import annotations

import numpy as np

from methods.efficiency.lp import INF, OPTIMAL, LPSolution, UnitLP

__all__ = ["Technology", "evaluation_order", "frontier_seed"]

RTS = ("crs", "vrs", "nirs")
_ONE = np.ones(1)


def frontier_seed(x: np.ndarray, y: np.ndarray, n_directions: int = 64,
                  seed: int = 0) -> np.ndarray:
    """Units certainly on the frontier, found without an LP.

    For random positive weights :math:`(u, v)` the unit maximising :math:`u^\\top y / v^\\top x`
    is CRS-efficient and the unit maximising :math:`u^\\top y - v^\\top x` is VRS-efficient
    (each is the touching point of a supporting hyperplane). The union over ``n_directions``
    weight vectors seeds the column generation; any unit would be correct, frontier units
    make it converge in fewer rounds.

    >>> x = np.array([[1.0], [2.0], [4.0]])
    >>> y = np.array([[1.0], [3.0], [3.0]])
    >>> frontier_seed(x, y).tolist()  # unit 2 (more input, same output as 1) is not on it
    [0, 1]
    """
    rng = np.random.default_rng(seed)
    v = rng.exponential(size=(x.shape[1], n_directions))
    u = rng.exponential(size=(y.shape[1], n_directions))
    xv, yu = x @ v, y @ u
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(xv > 0, yu / xv, -INF)
    picks = np.r_[np.argmax(ratio, axis=0), np.argmax(yu - xv, axis=0),
                  np.argmax(y, axis=0), np.argmin(np.where(x > 0, x, INF), axis=0)]
    return np.unique(picks)


def evaluation_order(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""An order of the points in which neighbours have similar input and output mixes.

    Each programme starts from the previous one's basis and held units, so similar
    consecutive points need fewer simplex iterations and fewer new columns. The mixes
    (inputs and outputs over the sum of the inputs, after scaling each variable by its mean)
    are projected on their first two principal components and read in a snake over a grid of
    about :math:`\sqrt n/2` stripes. The order changes no score.

    >>> x = np.array([[1.0, 1.0], [2.0, 1.0], [1.0, 2.0], [3.0, 1.0]])
    >>> sorted(evaluation_order(x, np.ones((4, 1))).tolist())  # a permutation of the units
    [0, 1, 2, 3]
    """
    n = len(x)
    if n < 3:
        return np.arange(n)
    xs, ys = x / _scale(x), y / _scale(y)
    tot = xs.sum(axis=1, keepdims=True)
    z = np.hstack([xs, ys]) / np.where(tot > 0, tot, 1.0)
    z -= z.mean(axis=0)
    vecs = np.linalg.eigh(z.T @ z)[1][:, ::-1]  # principal axes, largest first
    pc = z @ vecs[:, :2]
    stripes = max(1, int(round(np.sqrt(n) / 2)))
    band = np.minimum(np.argsort(np.argsort(pc[:, 0])) * stripes // n, stripes - 1)
    return np.lexsort((np.where(band % 2 == 0, pc[:, 1], -pc[:, 1]), band))


class Technology:
    """Reference units and returns to scale; see the module docstring."""

    def __init__(self, x: np.ndarray, y: np.ndarray, rts: str = "crs") -> None:
        if rts not in RTS:
            raise ValueError(f"rts must be one of {RTS}, got {rts!r}")
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self.x_scale = _scale(x)
        self.y_scale = _scale(y)
        self.x, self.y = x / self.x_scale, y / self.y_scale
        self.n, self.m = self.x.shape
        self.s = self.y.shape[1]
        self.rts = rts
        self.seed = frontier_seed(self.x, self.y)
        with np.errstate(invalid="ignore"):
            small = np.nanmin(np.where(self.y > 0, self.y, np.nan), axis=0, initial=np.inf)
        self._y_small = np.where(np.isfinite(small), small, 1.0) / 100.0
        _, rl, ru = self._rts_rows()
        self._k = len(rl)
        self._lower = np.concatenate([np.full(self.m + self.s, -INF), rl])
        self._upper = np.concatenate([np.full(self.m + self.s, INF), ru])
        self._models: dict[str, UnitLP] = {}

    # rows: m inputs, s outputs, then the returns-to-scale row (not under crs)
    def _rts_rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self.rts == "crs":
            return np.zeros((0, self.n)), np.zeros(0), np.zeros(0)
        lower = np.array([1.0 if self.rts == "vrs" else -INF])
        return np.ones((1, self.n)), lower, np.array([1.0])

    def _model(self, key: str, extra_rows: int, n_extra: int) -> UnitLP:
        if key not in self._models:
            rts_block = self._rts_rows()[0]
            units = np.vstack([self.x.T, self.y.T, rts_block, np.zeros((extra_rows, self.n))])
            self._models[key] = UnitLP(units, n_extra, self.seed)
        return self._models[key]

    def radial(self, x_o: np.ndarray, y_o: np.ndarray, orientation: str = "input",
               exclude: int | None = None, own: int | None = None) -> LPSolution:
        """θ (input) or φ (output) of the point; ``objective`` carries it.

        ``own``: the index of the point among the reference units (it is one of them);
        ``exclude``: a reference unit left out (super-efficiency).
        """
        m, s = self.m, self.s
        extra = np.zeros((m + s + self._k, 1))
        lower, upper = self._lower.copy(), self._upper.copy()
        if orientation == "input":
            extra[:m, 0] = -x_o / self.x_scale
            lower[m:m + s] = y_o / self.y_scale
            upper[:m] = 0.0
            cost = _ONE
        else:
            extra[m:m + s, 0] = -y_o / self.y_scale
            lower[m:m + s] = 0.0
            upper[:m] = x_o / self.x_scale
            cost = -_ONE
        sol = self._model(f"radial-{orientation}", 0, 1).solve(
            extra, cost, lower, upper, exclude, own)
        if sol.status != OPTIMAL:
            return sol
        return LPSolution(sol.status, float(sol.extra[0]), sol.extra, sol.lambdas, sol.duals)

    def scores(self, x_eval: np.ndarray, y_eval: np.ndarray, orientation: str = "input",
               own: bool = False) -> np.ndarray:
        """θ (input) or φ (output) of each point, NaN where infeasible; ``own``: the points are
        the reference units themselves, in the same order."""
        out = np.full(len(x_eval), np.nan)
        for i in evaluation_order(x_eval, y_eval):
            sol = self.radial(x_eval[i], y_eval[i], orientation, own=int(i) if own else None)
            if sol.status == OPTIMAL:
                out[i] = sol.objective
        return out

    def max_slacks(self, x_target: np.ndarray, y_target: np.ndarray, support: np.ndarray,
                   exclude: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Input slacks, output slacks (original units) and λ maximising the slack sum.

        ``support``: the reference units of a feasible λ (the radial solution's peers), held as
        columns first so that the reduced programme is feasible.
        """
        xt, yt = x_target / self.x_scale, y_target / self.y_scale
        _, rl, ru = self._rts_rows()
        m, s, k = self.m, self.s, len(rl)
        extra = np.zeros((m + s + k, m + s))
        extra[:m, :m] = np.eye(m)
        extra[m:m + s, m:] = -np.eye(s)
        cost = -np.r_[self.x_scale, self.y_scale]  # the sum of slacks in the data's units
        model = self._model("slacks", 0, m + s)
        model.hold(support)
        sol = model.solve(
            extra, cost, np.r_[xt, yt, rl], np.r_[xt, yt, ru], exclude)
        if sol.status != OPTIMAL:
            nan = np.full(m, np.nan), np.full(s, np.nan), sol.lambdas
            return nan
        sx = np.maximum(sol.extra[:m], 0.0) * self.x_scale
        sy = np.maximum(sol.extra[m:], 0.0) * self.y_scale
        return sx, sy, sol.lambdas

    def sbm(self, x_o: np.ndarray, y_o: np.ndarray, own: int | None = None
            ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        r"""Tone's SBM :math:`\rho`, λ, input and output slacks (original units).

        Charnes–Cooper form, variables :math:`t, \Lambda, S^-, S^+ \ge 0`:
        :math:`\min t - \frac1m\sum_i S^-_i/x_{io}` s.t.
        :math:`t + \frac1s\sum_r S^+_r/y_{ro} = 1`, :math:`X^\top\Lambda + S^- = t x_o`,
        :math:`Y^\top\Lambda - S^+ = t y_o` (VRS: :math:`\sum\Lambda = t`); then
        :math:`\lambda=\Lambda/t`, :math:`s=S/t`. A zero output of the evaluated unit is
        replaced by 1/100 of that output's smallest positive value (Tone 2001, §2, as R
        ``deaR::model_sbmeff``); a zero input's term is left out and :math:`m` counts the
        remaining ones.
        """
        xo, yo = x_o / self.x_scale, y_o / self.y_scale
        yo = np.where(yo > 0, yo, self._y_small)
        m, s = self.m, self.s
        k = 0 if self.rts == "crs" else 1
        rows = m + s + k + 1
        extra = np.zeros((rows, 1 + m + s))
        extra[:m, 0], extra[m:m + s, 0] = -xo, -yo
        extra[:m, 1:1 + m] = np.eye(m)
        extra[m:m + s, 1 + m:] = -np.eye(s)
        if k:
            extra[m + s, 0] = -1.0
        pos_y = yo > 0
        extra[-1, 0] = 1.0
        extra[-1, 1 + m:][pos_y] = 1.0 / (pos_y.sum() * yo[pos_y])
        pos_x = xo > 0
        cost = np.zeros(1 + m + s)
        cost[0] = 1.0
        cost[1:1 + m][pos_x] = -1.0 / (pos_x.sum() * xo[pos_x])
        bounds = np.r_[np.zeros(m + s), np.zeros(k), 1.0]
        upper = bounds.copy()
        if self.rts == "nirs":
            bounds[m + s] = -INF
        sol = self._model("sbm", 1, 1 + m + s).solve(extra, cost, bounds, upper, own=own)
        if sol.status != OPTIMAL:
            return np.nan, sol.lambdas, np.full(m, np.nan), np.full(s, np.nan)
        t = sol.extra[0]
        sx = np.maximum(sol.extra[1:1 + m], 0.0) / t * self.x_scale
        sy = np.maximum(sol.extra[1 + m:], 0.0) / t * self.y_scale
        return float(sol.objective), sol.lambdas / t, sx, sy


def _scale(a: np.ndarray) -> np.ndarray:
    """Mean of each column's positive values (1 for a column without any)."""
    pos = np.where(a > 0, a, np.nan)
    with np.errstate(all="ignore"):
        sc = np.nanmean(pos, axis=0) if a.shape[0] else np.ones(a.shape[1])
    return np.where(np.isfinite(sc) & (sc > 0), sc, 1.0)
