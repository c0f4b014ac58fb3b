"""Linear programmes of data envelopment analysis, solved exactly against a growing frontier.

Every DEA programme of this package has the same shape: a few *extra* columns that depend on the
unit evaluated (the radial factor θ or φ, the slacks, SBM's scaling variable t) and one column
per reference unit, :math:`A_j`, that does not. :class:`UnitLP` keeps one HiGHS model per
programme, changes only the extra columns, row bounds and costs from one unit to the next (the
simplex starts from the previous basis), and carries the reference units as columns **only once
they are needed** (column generation):

1. solve with the reference columns held so far (seeded with units known to lie on the
   frontier);
2. price out every reference unit with the row duals :math:`y`: the reduced cost
   :math:`\\bar c_j = 0 - A_j^\\top y` (unit columns cost nothing); a unit with
   :math:`\\bar c_j < -10^{-9}` could still improve the objective and is added;
3. repeat until no unit prices out. The duals are then feasible for the full programme and the
   primal solution is feasible for it, so the objective equals the full programme's optimum
   (LP duality), and the held set grows across units, so later units rarely add any.

When the reduced programme is infeasible or unbounded (possible in super-efficiency and
cross-period programmes) every remaining reference unit is added before the status is believed.

The solver is HiGHS through its official Python package ``highspy`` (a declared dependency,
pinned in ``requirements/constraints.txt``): one :class:`highspy.Highs` model per programme,
changed in place so that each solve restarts from the last basis. There is no fallback solver.
The pin is HiGHS 1.12, the version scipy 1.17 bundles: the scores are bit for bit those of its
HiGHS. HiGHS 1.16 gives the same scores (SBM's objective may differ in the last bit) but runs
these many small programmes 15-20% slower (it inspects the CPU topology at every run).
``tests/test_dea.py`` checks the scores against R Benchmarking / deaR and against
``scipy.optimize.linprog`` on the full programme.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np

__all__ = ["LPSolution", "UnitLP", "OPTIMAL", "INFEASIBLE", "UNBOUNDED"]

OPTIMAL, INFEASIBLE, UNBOUNDED = "optimal", "infeasible", "unbounded"
PRICE_TOL = 1e-9
#: column management: every PURGE_EVERY solves, drop held units unused for WINDOW solves
#: (when at least PURGE_MIN of them)
PURGE_EVERY, WINDOW, PURGE_MIN = 32, 128, 16
INF = np.inf


@dataclass(frozen=True)
class LPSolution:
    """Status, objective, values of the extra columns and of every reference unit's column,
    and the row duals (HiGHS sign convention: reduced cost :math:`c - A^\top y`)."""

    status: str
    objective: float
    extra: np.ndarray
    lambdas: np.ndarray
    duals: np.ndarray = field(default_factory=lambda: np.zeros(0))


class _QuietHighs(highspy.Highs):
    """:class:`highspy.Highs` that never logs: ``Highs.__init__`` registers its callbacks
    (:meth:`enableCallbacks`), which prints HiGHS's banner to stdout unless ``output_flag`` is
    already off, so it is switched off first."""

    def enableCallbacks(self) -> None:
        self.setOptionValue("output_flag", False)
        super().enableCallbacks()


class _HighsModel:
    """A HiGHS model changed in place: rows fixed in number, extra columns first."""

    def __init__(self, n_rows: int, n_extra: int) -> None:
        h = _QuietHighs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("simplex_scale_strategy", 0)  # the data come scaled (frontier.py)
        # the dual simplex runs on one thread anyway; a fixed count skips HiGHS's thread-pool
        # set-up at every run (about a tenth of the time of these small warm-started solves)
        h.setOptionValue("threads", 1)
        self.one_thread = True
        self.h, self.inf = h, highspy.kHighsInf
        self.n_rows, self.n_extra = n_rows, n_extra
        self.lower = np.full(n_rows, -INF)
        self.upper = np.full(n_rows, INF)
        self.extra = np.zeros((n_rows, n_extra))
        self.cost = np.zeros(n_extra)
        self.n_cols = n_extra
        h.addRows(n_rows, np.full(n_rows, -self.inf), np.full(n_rows, self.inf), 0,
                  np.zeros(1, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
        h.addCols(n_extra, np.zeros(n_extra), np.zeros(n_extra), np.full(n_extra, self.inf), 0,
                  np.zeros(n_extra, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))

    def add_columns(self, block: np.ndarray) -> None:
        k = block.shape[1]
        rows, cols = np.nonzero(block.T)  # column-wise
        starts = np.searchsorted(rows, np.arange(k)).astype(np.int32)
        self.h.addCols(k, np.zeros(k), np.zeros(k), np.full(k, self.inf), len(rows), starts,
                       cols.astype(np.int32), block.T[rows, cols].astype(float))
        self.n_cols += k

    def set_problem(self, extra: np.ndarray, cost: np.ndarray, lower: np.ndarray,
                    upper: np.ndarray) -> None:
        h = self.h
        flat = extra.ravel()
        diff = np.flatnonzero(flat != self.extra.ravel())
        if diff.size:
            rows, cols = np.divmod(diff, extra.shape[1])
            for i, j, v in zip(rows.tolist(), cols.tolist(), flat[diff].tolist(), strict=True):
                h.changeCoeff(i, j, v)
        for j in np.flatnonzero(cost != self.cost).tolist():
            h.changeColCost(j, float(cost[j]))
        rows = np.flatnonzero((lower != self.lower) | (upper != self.upper))
        if rows.size:
            lo_, up_ = lower[rows], upper[rows]
            if self.inf != INF:  # HiGHS's infinity has been IEEE inf; map ours if it is not
                lo_, up_ = np.maximum(lo_, -self.inf), np.minimum(up_, self.inf)
            for i, lo, up in zip(rows.tolist(), lo_.tolist(), up_.tolist(), strict=True):
                h.changeRowBounds(i, lo, up)
        self.extra, self.cost = extra.copy(), cost.copy()
        self.lower, self.upper = lower.copy(), upper.copy()

    def delete_columns(self, cols: np.ndarray) -> None:
        self.h.deleteCols(len(cols), np.asarray(cols, dtype=np.int32))
        self.n_cols -= len(cols)

    def fix_column(self, col: int, upper: float) -> None:
        self.h.changeColBounds(col, 0.0, self.inf if upper == INF else upper)

    def run(self) -> None:
        """Run HiGHS. Its thread pool is shared by the process: when another HiGHS model has
        already started it with more threads, ``threads=1`` is refused before anything is solved
        (an error, the model status left unset); this model then runs with that pool."""
        h = self.h
        if (h.run() == highspy.HighsStatus.kError and self.one_thread
                and h.getModelStatus() == highspy.HighsModelStatus.kNotset):
            self.one_thread = False
            h.setOptionValue("threads", 0)
            h.run()

    def solve(self) -> tuple[str, float, np.ndarray, np.ndarray]:
        h = self.h
        self.run()
        status = h.getModelStatus()
        s = highspy.HighsModelStatus
        if status == s.kOptimal:
            sol = h.getSolution()
            return (OPTIMAL, h.getObjectiveValue(), np.asarray(sol.col_value),
                    np.asarray(sol.row_dual))
        if status == s.kInfeasible:
            return INFEASIBLE, np.nan, np.zeros(0), np.zeros(0)
        if status in (s.kUnbounded, s.kUnboundedOrInfeasible):
            # rerun from scratch to tell the two apart
            h.clearSolver()
            h.setOptionValue("presolve", "off")
            self.run()
            st = h.getModelStatus()
            h.setOptionValue("presolve", "choose")
            return (INFEASIBLE if st == s.kInfeasible else UNBOUNDED, np.nan, np.zeros(0),
                    np.zeros(0))
        # a numerical failure: retry once from a fresh factorisation
        h.clearSolver()
        self.run()
        if h.getModelStatus() == s.kOptimal:
            sol = h.getSolution()
            return (OPTIMAL, h.getObjectiveValue(), np.asarray(sol.col_value),
                    np.asarray(sol.row_dual))
        raise RuntimeError(f"HiGHS ended with status {h.modelStatusToString(h.getModelStatus())}")


class UnitLP:
    r"""min :math:`c^\top e` over extra columns :math:`e \ge 0` and unit weights :math:`\lambda \ge 0`,
    subject to :math:`l \le E e + A \lambda \le u`, by column generation over the units.

    ``units`` is the rows × reference-units matrix :math:`A` (fixed); each :meth:`solve` passes
    the extra block :math:`E`, its costs, the row bounds and optionally a unit to leave out.
    ``seed`` lists units to hold as columns from the start.
    """

    def __init__(self, units: np.ndarray, n_extra: int, seed: np.ndarray | None = None) -> None:
        self.units = np.asarray(units, dtype=float)
        n_rows, self.n = self.units.shape
        # one more extra column: the evaluated unit's own column (see solve's ``own``)
        self.model = _HighsModel(n_rows, n_extra + 1)
        self.n_extra = n_extra
        self.held: list[int] = []  # reference units held as columns, in column order
        self.held_arr = np.zeros(0, dtype=np.intp)
        self.is_held = np.zeros(self.n, dtype=bool)
        self.last_used = np.zeros(self.n, dtype=np.int64)
        self.count = 0
        if seed is not None and len(seed):
            self.hold(np.asarray(seed, dtype=int))

    def hold(self, units: np.ndarray) -> None:
        """Hold these reference units as columns from now on."""
        units = np.unique(np.asarray(units, dtype=int))
        units = units[~self.is_held[units]]
        if not len(units):
            return
        self.model.add_columns(self.units[:, units])
        self.held.extend(int(u) for u in units)
        self.held_arr = np.asarray(self.held, dtype=np.intp)
        self.is_held[units] = True
        self.last_used[units] = self.count

    def _purge(self) -> None:
        """Drop the held units not used in the last :data:`WINDOW` solves (pricing will bring
        back any that a later unit needs), so that each programme stays small."""
        held = np.asarray(self.held, dtype=int)
        stale = self.last_used[held] < self.count - WINDOW
        if stale.sum() < PURGE_MIN:
            return
        self.model.delete_columns(self.n_extra + 1 + np.flatnonzero(stale))
        self.is_held[held[stale]] = False
        self.held = held[~stale].tolist()
        self.held_arr = np.asarray(self.held, dtype=np.intp)

    def solve(self, extra: np.ndarray, cost: np.ndarray, lower: np.ndarray, upper: np.ndarray,
              exclude: int | None = None, own: int | None = None,
              max_add: int = 25) -> LPSolution:
        """Solve to the optimum of the programme over *all* units (but ``exclude``).

        ``own``: the evaluated unit, a member of the reference set; its column is put in a
        spare extra column, so that the reduced programme is feasible whatever units are held.
        """
        full = np.zeros((extra.shape[0], extra.shape[1] + 1))
        full[:, :-1] = extra
        if own is not None:
            full[:, -1] = self.units[:, own]
        self.model.set_problem(full, np.append(cost, 0.0), lower, upper)
        col = None
        if exclude is not None and self.is_held[exclude]:
            col = self.n_extra + 1 + self.held.index(exclude)
            self.model.fix_column(col, 0.0)
        try:
            sol = self._generate(exclude, max_add)
        finally:
            if col is not None:
                self.model.fix_column(col, INF)
        if own is not None and sol.status == OPTIMAL:
            sol.lambdas[own] += sol.extra[-1]
        self.count += 1
        if self.count % PURGE_EVERY == 0:
            self._purge()
        return LPSolution(sol.status, sol.objective, sol.extra[:-1], sol.lambdas, sol.duals)

    def _generate(self, exclude: int | None, max_add: int) -> LPSolution:
        k = self.n_extra + 1
        while True:
            status, obj, x, dual = self.model.solve()
            blocked = self.is_held.copy()
            if exclude is not None:
                blocked[exclude] = True
            if status != OPTIMAL:
                rest = np.flatnonzero(~blocked)
                if len(rest):
                    self.hold(rest)
                    continue
                return LPSolution(status, np.nan, np.full(k, np.nan), np.full(self.n, np.nan))
            # reduced cost of unit j: 0 - A_j' y; it may enter when negative
            gain = dual @ self.units
            enter = np.flatnonzero((gain > PRICE_TOL) & ~blocked)
            if not len(enter):
                lam = np.zeros(self.n)
                used = x[k:] > 0
                lam[self.held_arr[used]] = x[k:][used]
                self.last_used[self.held_arr[used]] = self.count + 1
                if exclude is not None:
                    lam[exclude] = 0.0
                return LPSolution(OPTIMAL, obj, x[:k], lam, dual)
            if len(enter) > max_add:
                enter = enter[np.argsort(-gain[enter])[:max_add]]
            self.hold(enter)
