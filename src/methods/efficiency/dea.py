r"""Data envelopment analysis (数据包络分析): CCR, BCC and SBM efficiency, slacks, targets, peers,
super-efficiency and scale efficiency.

Each unit :math:`o` is compared with every convex (BCC) or conic (CCR) combination
:math:`\lambda` of the units. Input-oriented envelopment programme (Charnes, Cooper & Rhodes 1978;
Banker, Charnes & Cooper 1984):

.. math::
   \theta_o = \min\theta \quad\text{s.t.}\quad \sum_j\lambda_j x_{ij}\le\theta x_{io},\
   \sum_j\lambda_j y_{rj}\ge y_{ro},\ \lambda\ge0\ (\text{BCC: }\textstyle\sum_j\lambda_j=1).

Output orientation maximises :math:`\varphi` with :math:`\sum_j\lambda_j x_{ij}\le x_{io}`,
:math:`\sum_j\lambda_j y_{rj}\ge\varphi y_{ro}`; its efficiency is reported as
:math:`1/\varphi\le1`. A second phase keeps :math:`\theta^*` (:math:`\varphi^*`) and maximises
the sum of slacks (in the data's units, as R ``Benchmarking::slack``); targets are
:math:`(\theta^* x_o - s^-, y_o + s^+)` (output: :math:`(x_o - s^-, \varphi^* y_o + s^+)`).
Super-efficiency (Andersen & Petersen 1993) solves the same programme without unit :math:`o`.
SBM (Tone 2001) is non-oriented:
:math:`\rho_o=\min\bigl(1-\frac1m\sum_i s^-_i/x_{io}\bigr)/\bigl(1+\frac1s\sum_r s^+_r/y_{ro}\bigr)`.

The programmes are solved with HiGHS by column generation over the units (see
:mod:`methods.efficiency.lp`): exact, and fast for thousands of units.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from methods._checks import numeric_frame
from methods._errors import MethodError
from methods.efficiency.frontier import Technology, evaluation_order
from methods.efficiency.lp import OPTIMAL
from methods.summary import Result, Summary, ranking_line

__all__ = ["DEAResult", "ScaleEfficiencyResult", "dea", "scale_efficiency", "check_io",
           "MODELS", "ORIENTATIONS"]

MODELS = ("ccr", "bcc", "sbm")
ORIENTATIONS = ("input", "output")
TOL = 1e-9
#: returns to scale of each model
MODEL_RTS = {"ccr": "crs", "bcc": "vrs", "sbm": "crs"}


def check_io(inputs: pd.DataFrame, outputs: pd.DataFrame, min_units: int = 2
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate DEA data: units × variables, same index, finite, non-negative, every unit with
    a positive input and a positive output, distinct variable names. Returns float copies.

    >>> x, y = check_io(pd.DataFrame({"staff": [2, 4]}, index=["A", "B"]),
    ...                 pd.DataFrame({"cases": [1, 3]}, index=["A", "B"]))
    >>> x.dtypes.tolist()
    [dtype('float64')]
    >>> check_io(pd.DataFrame({"staff": [2, -1]}), pd.DataFrame({"cases": [1, 3]}))
    Traceback (most recent call last):
    ...
    methods._errors.MethodError: inputs has a negative value in column 'staff', unit 1; DEA needs non-negative numbers
    """
    x = numeric_frame(inputs, name="inputs")
    y = numeric_frame(outputs, name="outputs")
    if not x.index.equals(y.index):
        only = [u for u in x.index if u not in y.index] or [u for u in y.index if u not in x.index]
        raise MethodError(
            "inputs and outputs must have the same units in the same order; "
            + (f"unit {only[0]!r} is in one frame only" if only else "the order differs"))
    if not x.index.is_unique:
        raise MethodError(f"unit {x.index[x.index.duplicated()][0]!r} appears twice")
    both = set(x.columns) & set(y.columns)
    if both:
        raise MethodError(f"variable {sorted(map(str, both))[0]!r} is both an input and an output")
    if x.shape[1] < 1 or y.shape[1] < 1:
        raise MethodError("DEA needs at least one input column and one output column")
    if len(x) < min_units:
        raise MethodError(f"DEA needs at least {min_units} units, got {len(x)}")
    for name, f in (("inputs", x), ("outputs", y)):
        a = f.to_numpy()
        bad = np.argwhere(np.isnan(a) | (a < 0))
        if len(bad):
            i, j = bad[0]
            raise MethodError(
                f"{name} has {'a missing' if np.isnan(a[i, j]) else 'a negative'} value in column "
                f"{f.columns[j]!r}, unit {f.index[i]!r}; DEA needs non-negative numbers")
        empty = np.flatnonzero(~(a > 0).any(axis=1))
        if len(empty):
            raise MethodError(
                f"unit {f.index[empty[0]]!r} has no positive {name[:-1]}; every unit needs at "
                "least one positive input and one positive output")
    return x, y


@dataclass(frozen=True)
class DEAResult(Result):
    """Efficiency of each unit by data envelopment analysis.

    Attributes
    ----------
    efficiency : pd.Series
        Farrell input efficiency θ (input orientation), 1/φ (output orientation) or SBM ρ;
        all in (0, 1], 1 = on the frontier.
    phi : pd.Series or None
        Output orientation: the output expansion factor φ ≥ 1.
    lambdas : pd.DataFrame
        Units × peer units (the units that serve as a peer of some unit): the intensity weights
        of the second-phase (max-slack) solution; SBM: of its own programme.
    input_slacks, output_slacks : pd.DataFrame
        Slacks in the data's units.
    targets : pd.DataFrame
        Projected inputs and outputs (columns of both frames).
    peers : pd.Series
        Per unit, the tuple of reference units with λ > 0.
    model, orientation, rts : str
    super_efficiency : pd.Series or None
        Andersen–Petersen scores (input: θ may exceed 1; output: 1/φ); ``inf`` where the
        programme without the unit is infeasible (see ``notes``).
    notes : tuple of str
    """

    efficiency: pd.Series
    lambdas: pd.DataFrame
    input_slacks: pd.DataFrame
    output_slacks: pd.DataFrame
    targets: pd.DataFrame
    peers: pd.Series
    model: str
    orientation: str
    rts: str
    phi: pd.Series | None = None
    super_efficiency: pd.Series | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def efficient(self) -> pd.Series:
        """Pareto–Koopmans efficient: score 1 and no slack."""
        slack = (self.input_slacks.sum(axis=1) + self.output_slacks.sum(axis=1)) > 1e-7
        return (self.efficiency >= 1 - 1e-7) & ~slack

    @property
    def ranks(self) -> pd.Series:
        """1 = best; by super-efficiency when computed, else by efficiency (ties share)."""
        key = self.super_efficiency if self.super_efficiency is not None else self.efficiency
        return key.rank(ascending=False, method="min")

    def table(self) -> pd.DataFrame:
        """Per unit: efficiency, (super-efficiency), rank, efficient flag and peers."""
        cols: dict[str, pd.Series] = {"efficiency": self.efficiency}
        if self.super_efficiency is not None:
            cols["super_efficiency"] = self.super_efficiency
        cols.update(rank=self.ranks.astype(int), efficient=self.efficient,
                    peers=self.peers.map(lambda p: ", ".join(map(str, p))))
        return pd.DataFrame(cols)

    def to_frame(self) -> pd.DataFrame:
        """The :meth:`table`."""
        return self.table()

    def summary(self) -> Summary:
        """Model, how many units are efficient, the ranking; the table."""
        head = f"{self.model.upper()} ({self.rts.upper()}, {self.orientation})"
        lines = [head, f"{int(self.efficient.sum())} of {len(self.efficiency)} units efficient",
                 ranking_line(self.efficiency, self.ranks, "efficiency"), *self.notes]
        return Summary("Data envelopment analysis", lines, [self.table()])


def dea(inputs: pd.DataFrame, outputs: pd.DataFrame, *, model: str = "ccr",
        orientation: str = "input", super_efficiency: bool = False) -> DEAResult:
    r"""Data envelopment analysis: CCR, BCC (radial, input or output oriented) or SBM.

    Parameters
    ----------
    inputs, outputs : pd.DataFrame
        Units × input variables and units × output variables, same index; non-negative, no
        missing values, every unit with a positive input and a positive output.
    model : {"ccr", "bcc", "sbm"}
        CCR: constant returns to scale; BCC: variable returns to scale; SBM: Tone's
        slacks-based measure under constant returns (non-oriented).
    orientation : {"input", "output"}
        Radial models only (ignored by SBM, whose result says ``"none"``).
    super_efficiency : bool
        Also compute the Andersen–Petersen super-efficiency (radial models).

    Returns
    -------
    DEAResult

    Notes
    -----
    Programmes (module docstring): CCR/BCC envelopment form, second phase maximising the sum of
    slacks; SBM in Charnes–Cooper form. Under BCC, super-efficiency can be infeasible (no
    combination of the other units produces the unit's outputs, or uses no more of its inputs);
    those units get ``inf`` (ranked first) and a note. Tested against R ``Benchmarking`` 0.33
    (``dea(..., SLACK=TRUE)``, ``sdea``) and deaR 1.5.3 (``model_sbmeff``) on the 12 hospitals
    of Cooper, Seiford & Tone (2007) and a random panel (within 1e-6, slacks included), and
    against the printed results of Coelli's DEAP guide (1996, example EG1: scores, slacks,
    peers, targets) and Tone (2001, p. 505: SBM scores).

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"staff": [2, 3, 3, 4, 5, 5, 6, 8]}, index=list("ABCDEFGH"))
    >>> y = pd.DataFrame({"sales": [1, 3, 2, 3, 4, 2, 3, 5]}, index=list("ABCDEFGH"))
    >>> res = dea(x, y, model="ccr")
    >>> res.efficiency.round(4).tolist()
    [0.5, 1.0, 0.6667, 0.75, 0.8, 0.4, 0.5, 0.625]
    >>> res = dea(x, y, model="bcc", super_efficiency=True)
    >>> res.table().round(4).head(4)
       efficiency  super_efficiency  rank  efficient peers
    A      1.0000            1.5000     2       True     A
    B      1.0000            1.3333     3       True     B
    C      0.8333            0.8333     5      False  A, B
    D      0.7500            0.7500     6      False     B
    >>> float(res.super_efficiency["H"])  # no other unit reaches H's output: infeasible
    inf

    References
    ----------
    1. Charnes, A., Cooper, W. W., Rhodes, E. (1978). Measuring the efficiency of decision making
       units. *European Journal of Operational Research* 2(6), 429–444.
    2. Banker, R. D., Charnes, A., Cooper, W. W. (1984). Some models for estimating technical and
       scale inefficiencies in data envelopment analysis. *Management Science* 30(9), 1078–1092.
    3. Andersen, P., Petersen, N. C. (1993). A procedure for ranking efficient units in data
       envelopment analysis. *Management Science* 39(10), 1261–1264.
    4. Tone, K. (2001). A slacks-based measure of efficiency in data envelopment analysis.
       *European Journal of Operational Research* 130(3), 498–509.
    5. Cooper, W. W., Seiford, L. M., Tone, K. (2007). *Data Envelopment Analysis*, 2nd ed.
       Springer.
    """
    if model not in MODELS:
        raise MethodError(f"model must be one of {MODELS}, got {model!r}")
    if model != "sbm" and orientation not in ORIENTATIONS:
        raise MethodError(f"orientation must be one of {ORIENTATIONS}, got {orientation!r}")
    if model == "sbm" and super_efficiency:
        raise MethodError("super_efficiency is available for the radial models (ccr, bcc), "
                          "not for sbm")
    x, y = check_io(inputs, outputs)
    tech = Technology(x.to_numpy(), y.to_numpy(), MODEL_RTS[model])
    if model == "sbm":
        return _sbm_result(x, y, tech)
    return _radial_result(x, y, tech, model, orientation, super_efficiency)


def _radial_result(x: pd.DataFrame, y: pd.DataFrame, tech: Technology, model: str,
                   orientation: str, super_eff: bool) -> DEAResult:
    xa, ya = x.to_numpy(), y.to_numpy()
    n = len(xa)
    score = np.empty(n)
    lam = _Lambdas(n)
    sx, sy = np.zeros(xa.shape), np.zeros(ya.shape)
    for o in evaluation_order(xa, ya):
        sol = tech.radial(xa[o], ya[o], orientation, own=int(o))
        # a unit's own score is θ ≤ 1 (φ ≥ 1): drop the solver's rounding beyond it
        score[o] = min(sol.objective, 1.0) if orientation == "input" else max(sol.objective, 1.0)
        xt, yt = (score[o] * xa[o], ya[o]) if orientation == "input" else (
            xa[o], score[o] * ya[o])
        sx[o], sy[o], lam[o] = tech.max_slacks(xt, yt, np.flatnonzero(sol.lambdas > TOL))
    eff = score if orientation == "input" else 1.0 / score
    idx = x.index
    targets = pd.concat([pd.DataFrame(xa * (eff[:, None] if orientation == "input" else 1) - sx,
                                      index=idx, columns=x.columns),
                         pd.DataFrame(ya * (score[:, None] if orientation == "output" else 1)
                                      + sy, index=idx, columns=y.columns)], axis=1)
    notes: list[str] = []
    sup = _super(tech, xa, ya, orientation, idx, notes) if super_eff else None
    return DEAResult(
        efficiency=pd.Series(eff, index=idx, name="efficiency"),
        lambdas=lam.frame(idx), input_slacks=pd.DataFrame(sx, index=idx, columns=x.columns),
        output_slacks=pd.DataFrame(sy, index=idx, columns=y.columns), targets=targets,
        peers=lam.peers(idx), model=model, orientation=orientation, rts=tech.rts,
        phi=pd.Series(score, index=idx, name="phi") if orientation == "output" else None,
        super_efficiency=sup, notes=tuple(notes))


def _super(tech: Technology, xa: np.ndarray, ya: np.ndarray, orientation: str,
           idx: pd.Index, notes: list[str]) -> pd.Series:
    out = np.empty(len(xa))
    for o in evaluation_order(xa, ya):
        sol = tech.radial(xa[o], ya[o], orientation, exclude=int(o))
        if sol.status != OPTIMAL:
            out[o] = np.inf
        else:
            out[o] = sol.objective if orientation == "input" else 1.0 / sol.objective
    bad = idx[~np.isfinite(out)].tolist()
    if bad:
        notes.append(
            f"super-efficiency infeasible for {len(bad)} unit(s) ({', '.join(map(str, bad[:10]))}"
            f"{', ...' if len(bad) > 10 else ''}): no combination of the other units reaches "
            "them; reported as inf")
    return pd.Series(out, index=idx, name="super_efficiency")


def _sbm_result(x: pd.DataFrame, y: pd.DataFrame, tech: Technology) -> DEAResult:
    xa, ya = x.to_numpy(), y.to_numpy()
    n = len(xa)
    rho = np.empty(n)
    lam = _Lambdas(n)
    sx, sy = np.zeros(xa.shape), np.zeros(ya.shape)
    for o in evaluation_order(xa, ya):
        rho[o], lam[o], sx[o], sy[o] = tech.sbm(xa[o], ya[o], own=int(o))
    rho = np.minimum(rho, 1.0)
    idx = x.index
    targets = pd.concat([pd.DataFrame(xa - sx, index=idx, columns=x.columns),
                         pd.DataFrame(ya + sy, index=idx, columns=y.columns)], axis=1)
    return DEAResult(
        efficiency=pd.Series(rho, index=idx, name="efficiency"), lambdas=lam.frame(idx),
        input_slacks=pd.DataFrame(sx, index=idx, columns=x.columns),
        output_slacks=pd.DataFrame(sy, index=idx, columns=y.columns), targets=targets,
        peers=lam.peers(idx), model="sbm", orientation="none", rts=tech.rts)


class _Lambdas:
    """Each unit's positive intensity weights, kept sparse (n × n would not fit at scale)."""

    def __init__(self, n: int) -> None:
        self.rows: list[tuple[np.ndarray, np.ndarray]] = [(np.zeros(0, int), np.zeros(0))] * n

    def __setitem__(self, o: int, lam: np.ndarray) -> None:
        pos = np.flatnonzero(lam > TOL)
        self.rows[o] = (pos, lam[pos])

    def frame(self, idx: pd.Index) -> pd.DataFrame:
        """Units × the units that are someone's peer."""
        used = np.unique(np.concatenate([p for p, _ in self.rows])).astype(int)
        col = {u: k for k, u in enumerate(used)}
        out = np.zeros((len(self.rows), len(used)))
        for o, (pos, val) in enumerate(self.rows):
            out[o, [col[p] for p in pos]] = val
        return pd.DataFrame(out, index=idx, columns=idx[used])

    def peers(self, idx: pd.Index) -> pd.Series:
        return pd.Series([tuple(idx[p]) for p, _ in self.rows], index=idx, name="peers",
                         dtype=object)


@dataclass(frozen=True)
class ScaleEfficiencyResult(Result):
    """CRS, VRS and scale efficiency with the returns to scale of each unit.

    Attributes
    ----------
    crs, vrs, scale : pd.Series
        CCR and BCC efficiency and SE = CRS/VRS (≤ 1).
    returns_to_scale : pd.Series
        ``"constant"`` (SE = 1), ``"increasing"`` (NIRS score ≠ VRS score) or ``"decreasing"``
        (NIRS score = VRS score < CRS ... ).
    orientation : str
    """

    crs: pd.Series
    vrs: pd.Series
    scale: pd.Series
    nirs: pd.Series
    returns_to_scale: pd.Series
    orientation: str

    def table(self) -> pd.DataFrame:
        """Per unit: crs, vrs, scale, returns_to_scale."""
        return pd.DataFrame({"crs": self.crs, "vrs": self.vrs, "scale": self.scale,
                             "returns_to_scale": self.returns_to_scale})

    def to_frame(self) -> pd.DataFrame:
        """The :meth:`table`."""
        return self.table()


def scale_efficiency(inputs: pd.DataFrame, outputs: pd.DataFrame, *,
                     orientation: str = "input") -> ScaleEfficiencyResult:
    r"""Scale efficiency SE = CRS / VRS efficiency and returns to scale by the NIRS test.

    With :math:`E_{CRS}\le E_{NIRS}\le E_{VRS}` (non-increasing returns: :math:`\sum\lambda\le1`),
    a unit with SE = 1 is at constant returns; otherwise it operates under increasing returns
    when :math:`E_{NIRS} = E_{CRS}` (too small) and decreasing returns when
    :math:`E_{NIRS} = E_{VRS}` (too large) (Färe, Grosskopf & Lovell 1985; Coelli et al. 2005,
    §6.5). Orientation as in :func:`dea`.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"staff": [2, 3, 3, 4, 5, 5, 6, 8]}, index=list("ABCDEFGH"))
    >>> y = pd.DataFrame({"sales": [1, 3, 2, 3, 4, 2, 3, 5]}, index=list("ABCDEFGH"))
    >>> scale_efficiency(x, y).table().loc[["A", "B", "H"]].round(4)
         crs  vrs  scale returns_to_scale
    A  0.500  1.0  0.500       increasing
    B  1.000  1.0  1.000         constant
    H  0.625  1.0  0.625       decreasing

    References
    ----------
    1. Färe, R., Grosskopf, S., Lovell, C. A. K. (1985). *The Measurement of Efficiency of
       Production*. Kluwer.
    2. Coelli, T. J., Rao, D. S. P., O'Donnell, C. J., Battese, G. E. (2005). *An Introduction to
       Efficiency and Productivity Analysis*, 2nd ed. Springer.
    """
    if orientation not in ORIENTATIONS:
        raise MethodError(f"orientation must be one of {ORIENTATIONS}, got {orientation!r}")
    x, y = check_io(inputs, outputs)
    xa, ya = x.to_numpy(), y.to_numpy()
    scores = {}
    for rts in ("crs", "vrs", "nirs"):
        s = Technology(xa, ya, rts).scores(xa, ya, orientation, own=True)
        s = np.minimum(s, 1.0) if orientation == "input" else np.maximum(s, 1.0)
        scores[rts] = pd.Series(s if orientation == "input" else 1.0 / s, index=x.index, name=rts)
    se = (scores["crs"] / scores["vrs"]).rename("scale")
    tol = 1e-7
    rts_label = np.where(se >= 1 - tol, "constant",
                         np.where((scores["nirs"] - scores["crs"]).abs() <= tol, "increasing",
                                  "decreasing"))
    return ScaleEfficiencyResult(scores["crs"], scores["vrs"], se, scores["nirs"],
                                 pd.Series(rts_label, index=x.index, name="returns_to_scale"),
                                 orientation)
