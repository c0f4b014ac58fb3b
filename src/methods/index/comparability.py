"""Year-to-year comparability of scores that are rescaled within each year.

Many published indices (the UN EGDI and its components, most rankings built on min-max scores)
rescale every edition on its own: :math:`s_{it} = (x_{it} - m_t)/(M_t - m_t)` with the year's
worst and best unit as anchors :math:`m_t, M_t`. Ranks survive this, levels do not: a change of
:math:`s_{it}` mixes the unit's own change with the movement of the anchors (and with any change of
method between editions), and the best unit scores 1 whatever its actual level. This module
measures how far that goes in a panel; it does not (and cannot, without the raw data) undo it — for
that, build every year on fixed goalposts (:func:`methods.index.build_years`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from methods._checks import rank_desc
from methods._errors import MethodError, MethodTypeError
from methods.summary import Result, Summary

__all__ = ["FrameworkRescaling", "RescalingDrift", "framework_rescaling_drift", "rescaling_drift"]


@dataclass(frozen=True)
class RescalingDrift(Result):
    """Result of :func:`rescaling_drift`.

    Attributes
    ----------
    anchors : DataFrame
        One row per indicator and year: ``n``, ``min``, ``max``, ``mean``, ``median``,
        ``unit_min``, ``unit_max`` (first unit in id order at the minimum / maximum),
        ``n_at_max``, ``pinned_low``, ``pinned_high`` (the minimum / maximum equals the scale's
        end: the year's scale is anchored on its own worst / best unit).
    transitions : DataFrame
        One row per indicator and pair of consecutive years of the panel, over the units observed
        in both: ``n_common``, ``n_down``, ``n_up``, ``n_unchanged``, ``share_down``,
        ``mean_change``, ``median_change``, ``n_down_rank_up`` (score fell, rank improved),
        ``n_up_rank_down``, ``share_discordant`` (their sum over ``n_common``), ``spearman``
        (rank correlation of the two years' scores), ``same_leader`` (a unit at the maximum in
        both years), ``pinned`` (both anchors pinned in both years).
    discordant : DataFrame
        The units behind ``n_down_rank_up`` and ``n_up_rank_down``: ``indicator``, ``year_from``,
        ``year_to``, ``unit``, ``score_from``, ``score_to``, ``change``, ``rank_from``,
        ``rank_to``, ``rank_gain`` (positive = moved up); in indicator and year order, each
        block sorted by ``rank_gain`` (largest first).
    scale : (low, high) used for the ``pinned`` flags
    """

    anchors: pd.DataFrame
    transitions: pd.DataFrame
    discordant: pd.DataFrame
    scale: tuple[float, float]

    def to_frame(self) -> pd.DataFrame:
        """The transitions table."""
        return self.transitions

    def transition(self, indicator: str, year_from: object, year_to: object) -> pd.Series:
        """One row of :attr:`transitions`."""
        t = self.transitions
        hit = t[
            (t["indicator"] == indicator)
            & (t["year_from"] == year_from)
            & (t["year_to"] == year_to)
        ]
        if hit.empty:
            raise MethodError(
                f"no transition {indicator!r} {_show(year_from)}→{_show(year_to)}; consecutive "
                f"years of the panel: {[(_show(a), _show(b)) for a, b in zip(t['year_from'], t['year_to'], strict=True)][:8]}"
            )
        return hit.iloc[0]

    def summary(self) -> Summary:
        """Pinned years and discordant moves in lines; the table (column ``value``):
        n_indicators, n_years, share_years_pinned, n_transitions, max_share_down, n_discordant,
        max_share_discordant."""
        s = self.overview()
        lines = [f"{s['n_indicators']} indicators over {s['n_years']} years; "
                 f"{s['share_years_pinned']:.0%} of indicator-years pinned at both ends",
                 f"{s['n_discordant']} units moved against their rank (score down, rank up or "
                 f"the reverse); at most {s['max_share_discordant']:.0%} in a transition"]
        return Summary("Rescaling drift", lines, [s.rename("value").to_frame()])

    def overview(self) -> pd.Series:
        """The figures of :meth:`summary` as a Series."""
        a, t = self.anchors, self.transitions
        return pd.Series(
            {
                "n_indicators": int(a["indicator"].nunique()),
                "n_years": int(a["year"].nunique()),
                "share_years_pinned": float((a["pinned_low"] & a["pinned_high"]).mean()),
                "n_transitions": len(t),
                "max_share_down": float(t["share_down"].max()),
                "n_discordant": int(len(self.discordant)),
                "max_share_discordant": float(t["share_discordant"].max()),
            }
        )


def _show(v: object) -> str:
    """repr of a label without numpy's wrapper (``1``, not ``np.int64(1)``)."""
    return repr(v.item() if hasattr(v, "item") else v)


def _check_panel(
    panel: pd.DataFrame, indicators: Sequence[str] | None, unit_col: str, year_col: str
) -> tuple[pd.DataFrame, list[str]]:
    if not isinstance(panel, pd.DataFrame):
        raise MethodTypeError(f"panel must be a pandas DataFrame, got {type(panel).__name__}")
    for c in (unit_col, year_col):
        if c not in panel.columns:
            raise MethodError(
                f"panel has no column {c!r}; expected {unit_col!r}, {year_col!r} and indicators"
            )
    if indicators is None:
        indicators = [
            c for c in panel.columns
            if c not in (unit_col, year_col) and pd.api.types.is_numeric_dtype(panel[c])
        ]  # fmt: skip
    inds = list(indicators)
    if not inds:
        raise MethodError("panel has no indicator column")
    missing = [c for c in inds if c not in panel.columns]
    if missing:
        raise MethodError(f"panel lacks indicator column(s) {missing}")
    bad = [c for c in inds if not pd.api.types.is_numeric_dtype(panel[c])]
    if bad:
        raise MethodError(f"panel: indicator column(s) {bad} are not numeric")
    if panel[unit_col].isna().any() or panel[year_col].isna().any():
        raise MethodError(f"panel: every row needs a {unit_col!r} and a {year_col!r}")
    dup = panel.duplicated(subset=[unit_col, year_col])
    if dup.any():
        row = panel[dup].iloc[0]
        raise MethodError(
            f"panel: duplicate row for unit {_show(row[unit_col])}, year {_show(row[year_col])}"
        )
    if panel[year_col].nunique() < 2:
        raise MethodError("panel: at least two years are needed to compare levels across years")
    return panel, inds


def rescaling_drift(
    panel: pd.DataFrame,
    indicators: Sequence[str] | None = None,
    *,
    unit_col: str = "unit_id",
    year_col: str = "year",
    scale: tuple[float, float] = (0.0, 1.0),
    atol: float = 1e-9,
) -> RescalingDrift:
    r"""How within-year rescaling makes score levels non-comparable across years.

    For each indicator (higher = better) and year :math:`t`: the anchors :math:`m_t = \min_i
    s_{it}`, :math:`M_t = \max_i s_{it}` and whether they sit on the scale's ends (``pinned``: the
    year was rescaled on its own worst and best unit). For each pair of consecutive years
    :math:`(t, t')` over the units observed in both, with ranks :math:`r` (1 = best, ties "min")
    computed among those units:

    .. math::

        \Delta s_i = s_{it'} - s_{it}, \qquad g_i = r_{it} - r_{it'} \;(\text{rank gain}),

    ``n_down`` = :math:`\#\{\Delta s_i < 0\}` and the discordant units, whose score and rank move
    in opposite directions: :math:`\Delta s_i < 0 < g_i` or :math:`g_i < 0 < \Delta s_i`
    (changes within ``atol`` count as none).

    Ranks are invariant to any increasing rescaling of a year, levels are not. When the anchors
    are pinned, the best unit scores :math:`M` in every year whatever its actual progress, and a
    change of :math:`s_{it}` is the unit's change *plus* the movement of :math:`m_t, M_t` (and of
    any method change). Symptoms in a panel: most units "falling" (or rising) together while the
    ranks hardly move (high ``spearman``), and scores falling for units that overtake others. On
    a fixed scale discordance can also occur (others moved further), so it is a symptom; the
    pinned anchors are the mechanism.

    Parameters
    ----------
    panel : DataFrame
        Long-wide panel: ``unit_col``, ``year_col`` and indicator columns (one row per unit-year).
    indicators : column names; default all numeric columns but the unit and year columns.
    scale : (low, high) of the published scale, for the ``pinned`` flags.
    atol : tolerance for "equal" (anchors at the scale's ends, unchanged scores).

    Returns
    -------
    RescalingDrift

    Notes
    -----
    Missing data: each year's anchors use the units observed that year; each transition uses the
    units observed in both years (ranks recomputed among them, so entries and exits of units do
    not move ranks). An indicator with no observed value in a year, or a transition with fewer than
    two common units, is an error.

    No peer package computes this; ``tests/test_comparability.py`` checks it by hand on a small
    panel and ``tests/test_egdi.py`` against a direct pandas computation on the UN EGDI panel.

    References
    ----------
    1. OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, section 5 (min-max
       normalisation and comparability over time).
    2. UN DESA (2024). *UN E-Government Survey 2024*, Annex: Methodology (EGDI components are
       normalised within each edition; "the EGDI is a relative measure").
    """
    panel, inds = _check_panel(panel, indicators, unit_col, year_col)
    low, high = float(scale[0]), float(scale[1])
    if not high > low:
        raise MethodError(f"scale={scale!r}; expected (low, high) with low < high")
    years = sorted(pd.unique(panel[year_col]))
    wide = {
        c: panel.pivot(index=unit_col, columns=year_col, values=c).astype(float).sort_index()
        for c in inds
    }
    arows = _drift_anchor_rows(wide, inds, years, low, high, atol)
    anchors = pd.DataFrame(arows)
    pinned = {(r["indicator"], r["year"]): r["pinned_low"] and r["pinned_high"] for r in arows}
    trows: list[dict[str, object]] = []
    drows: list[pd.DataFrame] = []
    for c in inds:
        w = wide[c]
        for y0, y1 in zip(years[:-1], years[1:], strict=True):
            trow, block = _drift_transition(c, w, y0, y1, atol)
            trow["pinned"] = bool(pinned[(c, y0)] and pinned[(c, y1)])
            trows.append(trow)
            if block is not None:
                drows.append(block)
    cols = ["indicator", "year_from", "year_to", "unit", "score_from", "score_to", "change",
            "rank_from", "rank_to", "rank_gain"]  # fmt: skip
    discordant = pd.concat(drows, ignore_index=True) if drows else pd.DataFrame(columns=cols)
    return RescalingDrift(
        anchors=anchors, transitions=pd.DataFrame(trows), discordant=discordant, scale=(low, high)
    )


def _drift_anchor_rows(
    wide: dict[str, pd.DataFrame], inds: list[str], years: list[object], low: float, high: float,
    atol: float,
) -> list[dict[str, object]]:
    """One row per indicator and year: the anchors (min, max, their units), location and whether
    the year sits on the scale's ends; raises when an indicator has no value in a year."""
    arows: list[dict[str, object]] = []
    for c in inds:
        for y in years:
            s = wide[c][y].dropna()
            if s.empty:
                raise MethodError(f"indicator {c!r} has no observed value in year {_show(y)}")
            mn, mx = float(s.min()), float(s.max())
            arows.append(
                {
                    "indicator": c, "year": y, "n": int(s.size), "min": mn, "max": mx,
                    "mean": float(s.mean()), "median": float(s.median()),
                    "unit_min": s.index[s.to_numpy() <= mn + atol][0],
                    "unit_max": s.index[s.to_numpy() >= mx - atol][0],
                    "n_at_max": int((s.to_numpy() >= mx - atol).sum()),
                    "pinned_low": bool(abs(mn - low) <= atol),
                    "pinned_high": bool(abs(mx - high) <= atol),
                }
            )  # fmt: skip
    return arows


def _drift_transition(
    c: str, w: pd.DataFrame, y0: object, y1: object, atol: float
) -> tuple[dict[str, object], pd.DataFrame | None]:
    """The transition row of indicator ``c`` from ``y0`` to ``y1`` over the units observed in
    both (without its ``pinned`` flag) and its discordant units, best rank gain first (None if
    there are none)."""
    both = w[[y0, y1]].dropna()
    if len(both) < 2:
        raise MethodError(
            f"indicator {c!r}: fewer than two units observed in both {_show(y0)} and {_show(y1)}"
        )
    a, b = both[y0], both[y1]
    ra, rb = rank_desc(a), rank_desc(b)
    change = b - a
    gain = ra - rb
    down, up = change < -atol, change > atol
    d_ru, u_rd = down & (gain > 0), up & (gain < 0)
    top0 = set(a.index[a.to_numpy() >= a.max() - atol])
    top1 = set(b.index[b.to_numpy() >= b.max() - atol])
    n = len(both)
    trow: dict[str, object] = {
        "indicator": c, "year_from": y0, "year_to": y1, "n_common": n,
        "n_down": int(down.sum()), "n_up": int(up.sum()),
        "n_unchanged": int(n - down.sum() - up.sum()),
        "share_down": float(down.mean()),
        "mean_change": float(change.mean()), "median_change": float(change.median()),
        "n_down_rank_up": int(d_ru.sum()), "n_up_rank_down": int(u_rd.sum()),
        "share_discordant": float((d_ru | u_rd).mean()),
        "spearman": float(a.rank().corr(b.rank())),
        "same_leader": bool(top0 & top1),
    }  # fmt: skip
    sel = d_ru | u_rd
    if not sel.any():
        return trow, None
    block = pd.DataFrame(
        {
            "indicator": c, "year_from": y0, "year_to": y1,
            "unit": both.index[sel], "score_from": a[sel].to_numpy(),
            "score_to": b[sel].to_numpy(), "change": change[sel].to_numpy(),
            "rank_from": ra[sel].to_numpy(), "rank_to": rb[sel].to_numpy(),
            "rank_gain": gain[sel].to_numpy(),
        }
    )  # fmt: skip
    return trow, block.sort_values("rank_gain", ascending=False, kind="stable")


@dataclass(frozen=True)
class FrameworkRescaling(Result):
    """Result of :func:`framework_rescaling_drift`.

    Attributes
    ----------
    anchors, transitions, discordant : DataFrame
        As in :class:`RescalingDrift`, over all indicators of the framework, in the framework's
        indicator order (then year; discordant units within a transition by rank gain).
    scales : DataFrame
        Index indicator; ``low``, ``high``: the oriented scale used for the ``pinned`` flags
        (``-inf`` / ``inf`` where the framework gives no bound).
    pinned_years : mapping indicator → tuple of the years whose minimum *and* maximum sit on the
        scale's ends (empty tuple: never pinned).
    n_years : Series, years observed per indicator.
    rescaled : tuple of the indicators pinned in at least ``min_pinned_years`` years, in
        framework order: rescaled within each year.
    min_pinned_years : int
    """

    anchors: pd.DataFrame
    transitions: pd.DataFrame
    discordant: pd.DataFrame
    scales: pd.DataFrame
    pinned_years: Mapping[str, tuple[object, ...]]
    n_years: pd.Series
    rescaled: tuple[str, ...]
    min_pinned_years: int

    def to_frame(self) -> pd.DataFrame:
        """The transitions table."""
        return self.transitions

    def unpinned_years(self, indicator: str) -> list[object]:
        """The years of ``indicator`` whose anchors are not both on the scale's ends."""
        if indicator not in self.pinned_years:
            raise MethodError(
                f"no indicator {indicator!r}; expected one of {list(self.pinned_years)[:8]}"
            )
        years = self.anchors.loc[self.anchors["indicator"] == indicator, "year"]
        return [y for y in years if y not in self.pinned_years[indicator]]

    def summary(self) -> Summary:
        """Rescaled indicators and agreement in lines; the table (column ``value``):
        n_indicators, n_rescaled, n_transitions, max_share_discordant, min_spearman."""
        s = self.overview()
        lines = [f"{s['n_rescaled']} of {s['n_indicators']} indicators rescaled within each year "
                 f"(pinned in at least {self.min_pinned_years} years)"
                 + (f": {', '.join(self.rescaled)}" if self.rescaled else ""),
                 f"{s['n_transitions']} transitions; lowest year-to-year Spearman "
                 f"{s['min_spearman']:.3f}, largest discordant share "
                 f"{s['max_share_discordant']:.0%}"]
        return Summary("Framework rescaling drift", lines, [s.rename("value").to_frame()])

    def overview(self) -> pd.Series:
        """The figures of :meth:`summary` as a Series."""
        t = self.transitions
        return pd.Series(
            {
                "n_indicators": len(self.pinned_years),
                "n_rescaled": len(self.rescaled),
                "n_transitions": len(t),
                "max_share_discordant": float(t["share_discordant"].max()),
                "min_spearman": float(t["spearman"].min()),
            }
        )


def _oriented_scales(
    meta: pd.DataFrame, indicators: Sequence[str] | None
) -> tuple[pd.DataFrame, list[str]]:
    """Indicator rows of ``meta`` (index code) with ``direction`` checked, and their order."""
    if not isinstance(meta, pd.DataFrame):
        raise MethodTypeError(f"meta must be a pandas DataFrame, got {type(meta).__name__}")
    for c in ("code", "direction"):
        if c not in meta.columns:
            raise MethodError(f"meta has no column {c!r}; expected code, direction (and bounds)")
    m = meta.set_index("code")
    if indicators is None:
        if "level" not in m.columns:
            raise MethodError("meta has no column 'level'; pass indicators= or a meta with levels")
        inds = [str(c) for c in m.index[m["level"] == 1]]
    else:
        inds = list(indicators)
    if not inds:
        raise MethodError("no indicator to check")
    missing = [c for c in inds if c not in m.index]
    if missing:
        raise MethodError(f"meta has no row for indicator(s) {missing}")
    m = m.loc[inds]
    bad = [c for c, d in m["direction"].items() if d not in (1, -1)]
    if bad:
        raise MethodError(f"indicator(s) {bad}: direction must be +1 or -1")
    for c in ("bound_low", "bound_high"):
        if c not in m.columns:
            m = m.assign(**{c: np.nan})
    return m, inds


def framework_rescaling_drift(
    panel: pd.DataFrame,
    meta: pd.DataFrame,
    indicators: Sequence[str] | None = None,
    *,
    unit_col: str = "unit_id",
    year_col: str = "year",
    atol: float = 1e-9,
    min_pinned_years: int = 2,
) -> FrameworkRescaling:
    r"""Within-year rescaling of every indicator of a framework, each on its own scale.

    Runs :func:`rescaling_drift` on the panel's indicators turned so that higher is better
    (:math:`x \mapsto d\,x` with direction :math:`d = \pm 1`) and on each indicator's scale
    from the framework's bounds, oriented the same way:

    .. math::

        [\ell, h] = [b_{low}, b_{high}] \;(d = +1), \qquad [\ell, h] = [-b_{high}, -b_{low}]
        \;(d = -1),

    with a missing bound taken as :math:`\mp\infty` (an unbounded indicator cannot be pinned).
    Indicators sharing a scale are checked together; the tables are then put back in the
    framework's indicator order. An indicator is *rescaled* when its year's minimum and maximum
    both sit on the scale's ends (``pinned``) in at least ``min_pinned_years`` years.

    Parameters
    ----------
    panel : DataFrame
        ``unit_col``, ``year_col`` and the indicator columns, one row per unit-year.
    meta : DataFrame
        The framework's meta frame: ``code``, ``direction`` (+1/-1), optional ``bound_low``,
        ``bound_high`` (absent or NaN: unbounded) and ``level`` (1 = indicator; used when
        ``indicators`` is None).
    indicators : codes to check, in the order of the tables; default meta's level-1 codes.
    atol : tolerance for "equal", as in :func:`rescaling_drift`.
    min_pinned_years : pinned years needed to call an indicator rescaled.

    Returns
    -------
    FrameworkRescaling

    Notes
    -----
    Missing data as in :func:`rescaling_drift`. A direction other than +1/-1 is an error.
    No peer package computes this; ``tests/test_comparability.py`` checks it against
    :func:`rescaling_drift` run indicator by indicator on hand-oriented data.

    References
    ----------
    1. OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, section 5.
    2. UN DESA (2024). *UN E-Government Survey 2024*, Annex: Methodology.
    """
    if not isinstance(min_pinned_years, int | np.integer) or min_pinned_years < 1:
        raise MethodError(f"min_pinned_years={min_pinned_years!r}; expected an integer >= 1")
    m, inds = _oriented_scales(meta, indicators)
    panel, inds = _check_panel(panel, inds, unit_col, year_col)
    oriented = panel[[unit_col, year_col, *inds]].copy()
    neg = list(m.index[m["direction"] < 0])
    oriented[neg] = -oriented[neg]
    pos = m["direction"] > 0
    scales = pd.DataFrame({
        "low": m["bound_low"].where(pos, -m["bound_high"]).fillna(-np.inf),
        "high": m["bound_high"].where(pos, -m["bound_low"]).fillna(np.inf),
    })  # fmt: skip
    scales.index.name = "indicator"
    drifts = [
        rescaling_drift(
            oriented, list(g.index), unit_col=unit_col, year_col=year_col, scale=key, atol=atol
        )
        for key, g in scales.groupby(["low", "high"], sort=False)
    ]
    order = {c: i for i, c in enumerate(inds)}

    def _cat(frames: list[pd.DataFrame], by: list[str]) -> pd.DataFrame:
        df = pd.concat(frames, ignore_index=True)
        return df.sort_values(
            by, key=lambda c: c.map(order) if c.name == "indicator" else c, kind="stable",
            ignore_index=True,
        )  # fmt: skip

    anchors = _cat([d.anchors for d in drifts], ["indicator", "year"])
    transitions = _cat([d.transitions for d in drifts], ["indicator", "year_from"])
    discordant = _cat([d.discordant for d in drifts], ["indicator", "year_from"])
    pinned = anchors[anchors["pinned_low"] & anchors["pinned_high"]]
    pinned_years = {c: tuple(pinned.loc[pinned["indicator"] == c, "year"]) for c in inds}
    n_years = anchors.groupby("indicator")["year"].nunique().reindex(inds)
    rescaled = tuple(c for c in inds if len(pinned_years[c]) >= min_pinned_years)
    return FrameworkRescaling(
        anchors=anchors, transitions=transitions, discordant=discordant, scales=scales,
        pinned_years=pinned_years, n_years=n_years, rescaled=rescaled,
        min_pinned_years=int(min_pinned_years),
    )  # fmt: skip
