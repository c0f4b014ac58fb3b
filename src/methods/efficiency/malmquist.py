r"""The Malmquist productivity index (Malmquist 生产率指数) between adjacent periods of a panel.

With :math:`E^a(b)` the efficiency of unit :math:`o`'s period-:math:`b` data against the
period-:math:`a` frontier (input: Farrell :math:`\theta`; output: :math:`1/\varphi`; both
:math:`\le1` against their own period), Färe, Grosskopf, Norris & Zhang (1994):

.. math::
   \text{tfpch} = \sqrt{\frac{E^t(t+1)}{E^t(t)}\cdot\frac{E^{t+1}(t+1)}{E^{t+1}(t)}}
   = \underbrace{\frac{E^{t+1}(t+1)}{E^t(t)}}_{\text{effch}}\times
     \underbrace{\sqrt{\frac{E^t(t+1)}{E^{t+1}(t+1)}\cdot\frac{E^t(t)}{E^{t+1}(t)}}}_{\text{techch}},

all under constant returns to scale; the efficiency change splits into pure efficiency change
:math:`\text{pech} = E^{t+1}_{VRS}(t+1)/E^t_{VRS}(t)` and scale change
:math:`\text{sech} = \text{effch}/\text{pech}`. Values above 1 mean progress.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from methods._errors import MethodError
from methods.efficiency.dea import ORIENTATIONS, check_io
from methods.efficiency.frontier import Technology
from methods.summary import Result, Summary

__all__ = ["MalmquistResult", "malmquist", "panel_frames"]

COMPONENTS = ("effch", "techch", "pech", "sech", "tfpch")


@dataclass(frozen=True)
class MalmquistResult(Result):
    """Malmquist index and its decomposition per unit and pair of adjacent periods.

    Attributes
    ----------
    index : pd.DataFrame
        One row per unit and pair of periods: ``unit``, ``from``, ``to``, ``effch``,
        ``techch``, ``pech``, ``sech``, ``tfpch`` (NaN where a cross-period programme is
        infeasible, see ``notes``).
    distances : pd.DataFrame
        The efficiencies behind it: ``e_from_from``, ``e_from_to`` (the ``to`` data against the
        ``from`` frontier), ``e_to_from``, ``e_to_to`` (CRS, or the chosen ``rts``) and
        ``vrs_from``, ``vrs_to``.
    orientation, rts : str
    notes : tuple of str
    """

    index: pd.DataFrame
    distances: pd.DataFrame
    orientation: str
    rts: str
    notes: tuple[str, ...] = field(default=())

    def table(self) -> pd.DataFrame:
        """Columns unit, from, to, effch, techch, pech, sech, tfpch."""
        return self.index

    def to_frame(self) -> pd.DataFrame:
        """The :meth:`table`."""
        return self.index

    def by_period(self) -> pd.DataFrame:
        """Geometric mean of each component over the units, per pair of periods."""
        g = self.index.groupby(["from", "to"], sort=True)[list(COMPONENTS)]
        return g.agg(lambda v: float(np.exp(np.log(v.dropna()).mean())) if v.notna().any()
                     else np.nan)

    def summary(self) -> Summary:
        """Orientation, returns to scale, the geometric means per pair of periods."""
        lines = [f"Malmquist index (Färe et al. 1994), {self.orientation} orientation, "
                 f"{self.rts.upper()} frontier", *self.notes]
        return Summary("Malmquist productivity index", lines, [self.by_period(), self.index])


def panel_frames(inputs: pd.DataFrame, outputs: pd.DataFrame,
                 periods: pd.Series | str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Inputs and outputs indexed by (unit, period), from a MultiIndex, a period column of either
    frame (named by ``periods``) or a Series of periods aligned with the rows.

    >>> x = pd.DataFrame({"staff": [2, 4], "year": [2023, 2024]}, index=["A", "A"])
    >>> y = pd.DataFrame({"cases": [1, 3]}, index=["A", "A"])
    >>> panel_frames(x, y, "year")[0]
                staff
    unit period
    A    2023       2
         2024       4
    """
    if isinstance(periods, str):
        src = inputs if periods in inputs.columns else outputs
        if periods not in src.columns:
            raise MethodError(f"period column {periods!r} is in neither inputs nor outputs")
        per = src[periods].to_numpy()
        inputs = inputs.drop(columns=[periods], errors="ignore")
        outputs = outputs.drop(columns=[periods], errors="ignore")
    elif isinstance(periods, pd.Series):
        if len(periods) != len(inputs):
            raise MethodError(f"periods has {len(periods)} values for {len(inputs)} rows")
        per = periods.to_numpy()
    elif periods is None:
        if inputs.index.nlevels != 2:
            raise MethodError("give periods (a column name or a Series), or index the rows by "
                              "(unit, period)")
        return inputs, outputs
    else:
        raise MethodError(f"periods must be a column name, a Series or None, got "
                          f"{type(periods).__name__}")
    if pd.isna(per).any():
        raise MethodError(f"periods has a missing value at row {int(np.flatnonzero(pd.isna(per))[0])}")
    mi = pd.MultiIndex.from_arrays([inputs.index, per], names=["unit", "period"])
    x, y = inputs.copy(), outputs.copy()
    x.index, y.index = mi, mi
    return x, y


def malmquist(inputs: pd.DataFrame, outputs: pd.DataFrame, *,
              periods: pd.Series | str | None = None, orientation: str = "input",
              rts: str = "crs") -> MalmquistResult:
    r"""Malmquist productivity index between adjacent periods, with its decomposition.

    Parameters
    ----------
    inputs, outputs : pd.DataFrame
        A panel: one row per unit and period. Rows indexed by (unit, period), or by unit with
        ``periods`` naming a column of either frame or giving the period of each row.
    periods : str, pd.Series or None
    orientation : {"input", "output"}
    rts : {"crs", "vrs"}
        The frontier of the index: ``"crs"`` (Färe et al. 1994, the default; pech and sech
        come from extra VRS programmes) or ``"vrs"`` (as R ``Benchmarking::malmq``'s default;
        then pech = effch and sech = 1).

    Returns
    -------
    MalmquistResult

    Notes
    -----
    Each period's frontier is built from the units observed in it; a unit enters a pair of
    periods when it is observed in both. A cross-period programme can be infeasible (under VRS:
    no convex combination of the other period's units produces the unit's outputs, or uses as
    little of its inputs); its components are NaN and the result's notes list the units.
    Tested against R ``Benchmarking`` 0.33 ``malmq`` (``RTS="crs"`` and ``"vrs"``).

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"staff": [2, 4, 3, 2, 4, 2]}, index=list("ABCABC"))
    >>> y = pd.DataFrame({"cases": [2, 3, 2, 3, 4, 3]}, index=list("ABCABC"))
    >>> res = malmquist(x, y, periods=pd.Series([2023] * 3 + [2024] * 3))
    >>> res.table().round(4)
      unit  from    to   effch  techch  pech    sech   tfpch
    0    A  2023  2024  1.0000     1.5   1.0  1.0000  1.5000
    1    B  2023  2024  0.8889     1.5   1.0  0.8889  1.3333
    2    C  2023  2024  1.5000     1.5   1.5  1.0000  2.2500

    References
    ----------
    1. Färe, R., Grosskopf, S., Norris, M., Zhang, Z. (1994). Productivity growth, technical
       progress, and efficiency change in industrialized countries. *American Economic Review*
       84(1), 66–83.
    2. Caves, D. W., Christensen, L. R., Diewert, W. E. (1982). The economic theory of index
       numbers and the measurement of input, output, and productivity. *Econometrica* 50(6),
       1393–1414.
    """
    if orientation not in ORIENTATIONS:
        raise MethodError(f"orientation must be one of {ORIENTATIONS}, got {orientation!r}")
    if rts not in ("crs", "vrs"):
        raise MethodError(f"rts must be 'crs' or 'vrs', got {rts!r}")
    data = _periods(*panel_frames(inputs, outputs, periods))
    order = list(data)
    techs = {(p, r): Technology(data[p][0].to_numpy(), data[p][1].to_numpy(), r)
             for p in order for r in {rts, "vrs"}}
    own = {(p, r): _efficiency(techs[p, r], data[p], orientation, True)
           for p in order for r in {rts, "vrs"}}
    rows_out, dist, notes = [], [], []
    for a, b in zip(order[:-1], order[1:], strict=True):
        d = _pair(data, techs, own, a, b, orientation, rts)
        if d.empty:
            notes.append(f"{a}→{b}: no unit is observed in both periods")
        dist.append(d)
        rows_out.append(_components(d, rts))
        bad = d.loc[~np.isfinite(d["e_from_to"]) | ~np.isfinite(d["e_to_from"]), "unit"].tolist()
        if bad:
            notes.append(f"{a}→{b}: cross-period programme infeasible for {len(bad)} unit(s) "
                         f"({', '.join(map(str, bad[:10]))}{', ...' if len(bad) > 10 else ''}); "
                         "their techch and tfpch are NaN")
    return MalmquistResult(pd.concat(rows_out, ignore_index=True),
                           pd.concat(dist, ignore_index=True), orientation, rts, tuple(notes))


def _periods(x: pd.DataFrame, y: pd.DataFrame) -> dict:
    """Each period's checked (inputs, outputs), indexed by unit, in period order."""
    order = sorted(pd.unique(x.index.get_level_values(1)))
    if len(order) < 2:
        raise MethodError(f"the Malmquist index needs at least two periods, got {order}")
    data = {}
    for p in order:
        rows = x.index.get_level_values(1) == p
        data[p] = check_io(x[rows].droplevel(1), y[rows].droplevel(1))
    return data


def _efficiency(tech: Technology, xy: tuple[pd.DataFrame, pd.DataFrame], orientation: str,
                own: bool) -> pd.Series:
    """Efficiency (θ, or 1/φ) of the points ``xy`` against ``tech``, by unit."""
    x, y = xy
    sc = tech.scores(x.to_numpy(), y.to_numpy(), orientation, own=own)
    if own:  # against its own period's frontier θ ≤ 1 (φ ≥ 1): drop the solver's rounding
        sc = np.minimum(sc, 1.0) if orientation == "input" else np.maximum(sc, 1.0)
    return pd.Series(sc if orientation == "input" else 1.0 / sc, index=x.index)


def _pair(data: dict, techs: dict, own: dict, a: object, b: object, orientation: str,
          rts: str) -> pd.DataFrame:
    (xa, ya), (xb, yb) = data[a], data[b]
    common = xa.index.intersection(xb.index, sort=False)
    ca, cb = (xa.loc[common], ya.loc[common]), (xb.loc[common], yb.loc[common])
    d = pd.DataFrame({
        "unit": list(common), "from": a, "to": b,
        "e_from_from": own[a, rts][common].to_numpy(),
        "e_from_to": _efficiency(techs[a, rts], cb, orientation, False).to_numpy(),
        "e_to_from": _efficiency(techs[b, rts], ca, orientation, False).to_numpy(),
        "e_to_to": own[b, rts][common].to_numpy(),
        "vrs_from": own[a, "vrs"][common].to_numpy(),
        "vrs_to": own[b, "vrs"][common].to_numpy()})
    return d


def _components(d: pd.DataFrame, rts: str) -> pd.DataFrame:
    effch = d["e_to_to"] / d["e_from_from"]
    techch = np.sqrt(d["e_from_to"] / d["e_to_to"] * d["e_from_from"] / d["e_to_from"])
    pech = d["vrs_to"] / d["vrs_from"] if rts == "crs" else effch
    return pd.DataFrame({"unit": d["unit"], "from": d["from"], "to": d["to"], "effch": effch,
                         "techch": techch, "pech": pech, "sech": effch / pech,
                         "tfpch": effch * techch})
