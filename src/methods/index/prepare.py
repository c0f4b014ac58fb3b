"""Preparing indicator data: denomination, imputation of missing values, screening of units.

These are the first steps of building an index (OECD/JRC Handbook 2008, steps 3 and 5; COINr's
``Denominate``, ``Impute`` and ``Screen``). Every function returns a frozen result that keeps the
new data *and* a table of what it changed, so a report can say which values were estimated.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from methods._checks import numeric_frame
from methods._errors import MethodError, MethodWarning
from methods._meta import Hierarchy, hierarchy_from_meta
from methods.registry import MethodInfo, Param, Registry
from methods.summary import Result, Summary

__all__ = [
    "IMPUTATION",
    "DenominationResult",
    "ImputationResult",
    "ScreeningResult",
    "IMPUTE_METHODS",
    "denominate",
    "impute",
    "screen_units",
]

@dataclass(frozen=True)
class DenominationResult(Result):
    """Result of :func:`denominate`.

    Attributes
    ----------
    data : DataFrame
        ``data`` with each denominated indicator replaced by ``scale * value / denominator``.
    table : DataFrame
        One row per denominated indicator: ``indicator``, ``denominator``, ``scale``.
    missing : DataFrame
        Cells that became missing because the denominator was missing (``unit``, ``indicator``).
    """

    data: pd.DataFrame
    table: pd.DataFrame
    missing: pd.DataFrame

    def summary(self) -> Summary:
        """Counts in a line; the table: one row per denominated indicator."""
        line = (f"{len(self.table)} indicators denominated; {len(self.missing)} cells missing "
                "for want of a denominator")
        return Summary("Denomination", [line], [self.table])


def denominate(
    data: pd.DataFrame,
    denominators: Mapping[str, str],
    *,
    scale: float | Mapping[str, float] = 1.0,
) -> DenominationResult:
    r"""Divide indicators by a size variable (GDP, population, area ...).

    .. math:: x'_{ij} = s_j \, x_{ij} / d_{i,k(j)}

    where :math:`d_{\cdot,k(j)}` is the denominator column assigned to indicator :math:`j` and
    :math:`s_j` an optional scale factor (e.g. 1000 for "per 1,000 residents").

    Parameters
    ----------
    data : DataFrame
        Units in rows; indicator columns and the denominator columns.
    denominators : mapping
        ``{indicator: denominator column}``. Indicators not named are left as they are.
    scale : float or mapping
        A factor for every denominated indicator, or ``{indicator: factor}`` (default 1).

    Returns
    -------
    DenominationResult

    Notes
    -----
    Missing policy: a missing indicator value stays missing; a missing denominator makes the
    result missing (listed in ``.missing`` and warned about). A zero denominator is an error
    naming the unit, because the ratio is undefined. Matches COINr 1.1.14 ``Denominate()`` to
    1e-9 on its ASEM example (tests/test_prepare.py).

    References
    ----------
    1. OECD/JRC (2008). Handbook on Constructing Composite Indicators, §1.3 (step 3).
    2. Becker, W. et al. (2022). COINr: an R package for developing composite indicators. JOSS 7(78).
    """
    if not isinstance(denominators, Mapping):
        raise MethodError("denominators must be a mapping {indicator: denominator column}")
    out = data.copy()
    rows = []
    missing: list[dict[str, Any]] = []
    for ind, den in denominators.items():
        if ind not in data.columns:
            raise MethodError(f"denominate: indicator column {ind!r} not found in the data")
        if den not in data.columns:
            raise MethodError(
                f"denominate: denominator column {den!r} (for indicator {ind!r}) not found in "
                "the data"
            )
        s = float(scale[ind]) if isinstance(scale, Mapping) and ind in scale else (
            1.0 if isinstance(scale, Mapping) else float(scale)
        )
        num = numeric_frame(data[[ind]], name="data")[ind]
        d = numeric_frame(data[[den]], name="data")[den]
        zero = d == 0
        if zero.any():
            unit = zero[zero].index[0]
            raise MethodError(
                f"denominate: denominator {den!r} is zero for unit {unit!r} (indicator {ind!r}); "
                "the ratio is undefined"
            )
        newly = d.isna() & num.notna()
        missing.extend({"unit": u, "indicator": ind} for u in newly[newly].index)
        out[ind] = s * num / d
        rows.append({"indicator": ind, "denominator": den, "scale": s})
    miss = pd.DataFrame(missing, columns=["unit", "indicator"])
    if len(miss):
        warnings.warn(
            f"denominate: {len(miss)} value(s) became missing because the denominator is missing "
            f"(first: unit {miss['unit'].iloc[0]!r}, indicator {miss['indicator'].iloc[0]!r})",
            MethodWarning,
            stacklevel=2,
        )
    return DenominationResult(
        data=out,
        table=pd.DataFrame(rows, columns=["indicator", "denominator", "scale"]),
        missing=miss,
    )


@dataclass(frozen=True)
class ImputationResult(Result):
    """Result of :func:`impute`.

    Attributes
    ----------
    data : DataFrame
        The input with missing indicator values filled where possible.
    filled : DataFrame
        One row per filled cell: ``unit`` (plus ``year`` for panel methods), ``indicator``,
        ``value``, ``method`` (panel methods also ``uses_later``: the value depends on a later
        observation, as interpolation does and ``panel_constant`` before a unit's first one).
    unfilled : DataFrame
        Cells still missing and why (``unit``, ``indicator``, ``reason``).
    method : str
    """

    data: pd.DataFrame
    filled: pd.DataFrame
    unfilled: pd.DataFrame
    method: str
    parameters: Mapping[str, object] = field(default_factory=dict)

    @property
    def n_filled(self) -> int:
        return len(self.filled)

    def summary(self) -> Summary:
        """Counts in a line; the table: number of filled and unfilled cells per indicator."""
        a = self.filled.groupby("indicator").size().rename("filled")
        b = self.unfilled.groupby("indicator").size().rename("unfilled")
        line = f"{self.method}: {self.n_filled} values filled, {len(self.unfilled)} left missing"
        return Summary("Imputation", [line], [pd.concat([a, b], axis=1).fillna(0).astype(int)])


def _group_series(x: pd.DataFrame, groups: pd.Series | str | None, method: str) -> pd.Series:
    if groups is None:
        raise MethodError(f"impute(method={method!r}) needs groups= (a column name or a Series)")
    if isinstance(groups, str):
        if groups not in x.columns:
            raise MethodError(f"impute: group column {groups!r} not found in the data")
        return x[groups]
    g = pd.Series(groups)
    missing = x.index.difference(g.index)
    if len(missing):
        raise MethodError(f"impute: groups has no entry for unit(s) {list(missing[:5])}")
    return g.reindex(x.index)


def impute(
    x: pd.DataFrame,
    method: str = "mean",
    *,
    groups: pd.Series | str | None = None,
    meta: pd.DataFrame | None = None,
    indicators: Iterable[str] | None = None,
    unit_col: str = "unit_id",
    time_col: str = "year",
    max_time: int | None = None,
) -> ImputationResult:
    r"""Fill missing indicator values.

    Methods
    -------
    ``mean`` / ``median``
        The indicator's mean (median) over all units.
    ``mean_group`` / ``median_group``
        The indicator's mean (median) within the unit's group (``groups``: a column of ``x`` or a
        Series, e.g. province or tier). Units whose group is missing are left as they are, as
        COINr ``i_mean_grp`` does.
    ``rowmean_dimension``
        The unit's mean on the indicator's siblings (same parent in ``meta``) after min-max
        scaling each sibling to [0, 1] in its ``direction``, mapped back to the indicator's scale:
        :math:`\hat x_{ij} = \min_j + \bar r_i (\max_j - \min_j)` (reversed for negative indicators).
        This is COINr's row imputation with ``normalise_first = TRUE``.
    ``regression``
        Ordinary least squares of the indicator on the siblings (all other indicators when no
        ``meta``) that are complete, fitted on the units where the indicator is observed.
    ``panel_latest``
        The unit's latest earlier observation (within ``max_time`` earlier time points), as
        COINr ``impute_panel(imp_type = "latest")``.
    ``panel_linear`` / ``panel_constant``
        Linear (step) interpolation along time within a unit, constant beyond the first/last
        observation, as R ``stats::approx(rule = 2)``.

    Parameters
    ----------
    x : DataFrame
        Units in rows (index = unit id) for the cross-sectional methods; for the panel methods a
        long-in-time wide frame with columns ``unit_col`` and ``time_col``.
    method : str
        One of :data:`IMPUTE_METHODS`.
    groups : str or Series
        Grouping for the ``*_group`` methods.
    meta : DataFrame
        Meta frame (``code``, ``parent``, ``level``, ``weight``, ``direction``), for
        ``rowmean_dimension`` and ``regression``.
    indicators : iterable of str
        Columns to impute (default: every numeric column except ``unit_col``/``time_col`` and the
        group column; with ``meta``, its indicators).

    Returns
    -------
    ImputationResult
        ``.data``, ``.filled`` (what was filled, with value and method), ``.unfilled``.

    Notes
    -----
    Missing policy: cells that cannot be filled (a group with no observation, a unit with no
    observation in a panel, no complete predictor) stay missing, are listed in ``.unfilled`` and
    raise a :class:`MethodWarning`. ``mean_group`` matches COINr 1.1.14
    ``Impute(f_i = "i_mean_grp")`` to 1e-9 on the ASEM example.

    References
    ----------
    1. OECD/JRC (2008). Handbook on Constructing Composite Indicators, §1.4 (imputation).
    2. Becker, W. et al. (2022). COINr. JOSS 7(78); COINr 1.1.14 ``Impute``, ``impute_panel``.
    """
    if method not in IMPUTE_METHODS:
        raise MethodError(f"impute: unknown method {method!r}; expected one of {IMPUTE_METHODS}")
    hier = hierarchy_from_meta(meta) if meta is not None else None
    panel = method.startswith("panel_")
    cols = _impute_columns(x, hier, indicators, groups, {unit_col, time_col} if panel else set())
    vals = numeric_frame(x, name="x", columns=cols)
    f = _Fill(x, vals, vals.copy(), cols, method, hier, groups, unit_col, time_col, max_time)
    fill = cast("Callable[[_Fill], None]", IMPUTATION.get(method).kernel)  # the method's kernel
    fill(f)
    out = x.copy()
    for c in cols:
        out[c] = f.new[c]
    base = ["unit", "year"] if panel else ["unit"]
    extra = ["uses_later"] if panel else []
    filled_df = pd.DataFrame(f.filled, columns=[*base, "indicator", "value", "method", *extra])
    if panel:
        filled_df["uses_later"] = filled_df["uses_later"].astype(bool)
    unfilled_df = pd.DataFrame(f.unfilled, columns=[*base, "indicator", "reason"])
    if len(unfilled_df):
        first = unfilled_df.iloc[0]
        warnings.warn(
            f"impute(method={method!r}): {len(unfilled_df)} value(s) could not be filled (first: "
            f"unit {first['unit']!r}, indicator {first['indicator']!r}: {first['reason']})",
            MethodWarning,
            stacklevel=2,
        )
    params = {"groups": groups if isinstance(groups, str) else None, "max_time": max_time}
    return ImputationResult(out, filled_df, unfilled_df, method, params)


def _impute_columns(x: pd.DataFrame, hier: Hierarchy | None, indicators: Iterable[str] | None,
                    groups: Any, exclude: set[str]) -> list[str]:
    """The columns to impute: those given, else the meta's indicators, else every numeric column
    but the key and group columns."""
    if isinstance(groups, str):
        exclude = exclude | {groups}
    if indicators is not None:
        return list(indicators)
    if hier is not None:
        absent = [c for c in hier.indicators if c not in x.columns]
        if absent:
            raise MethodError(f"impute: indicator column(s) {absent} of meta not in the data")
        return [c for c in hier.indicators if c in x.columns]
    return [c for c in x.columns if c not in exclude and pd.api.types.is_numeric_dtype(x[c])]


@dataclass
class _Fill:
    """What an imputation kernel reads (the data, the columns, the options) and writes (``new``,
    and the records of the cells it filled or could not fill)."""

    x: pd.DataFrame
    vals: pd.DataFrame
    new: pd.DataFrame
    cols: list[str]
    method: str
    hier: Hierarchy | None
    groups: Any
    unit_col: str
    time_col: str
    max_time: int | None
    filled: list[dict[str, Any]] = field(default_factory=list)
    unfilled: list[dict[str, Any]] = field(default_factory=list)


def _fill_panel(f: _Fill) -> None:
    """Fill each unit's gaps from its other years (latest earlier, linear, or step)."""
    x, method = f.x, f.method
    for c in (f.unit_col, f.time_col):
        if c not in x.columns:
            raise MethodError(f"impute(method={method!r}) needs a {c!r} column in x")
    key = x[[f.unit_col, f.time_col]]
    if key.duplicated().any():
        dup = key[key.duplicated()].iloc[0]
        raise MethodError(
            f"impute: duplicate row for unit {dup[f.unit_col]!r}, {f.time_col} {dup[f.time_col]!r}"
        )
    times_all = np.sort(pd.unique(x[f.time_col].to_numpy()))
    for unit, idx in x.groupby(f.unit_col, sort=False).groups.items():
        sub_t = x.loc[idx, f.time_col].to_numpy(dtype=float)
        order = np.argsort(sub_t)
        rows = np.asarray(idx)[order]
        t = sub_t[order]
        for c in f.cols:
            _fill_unit_series(f, unit, c, rows, t, times_all)


def _fill_unit_series(f: _Fill, unit: Any, c: str, rows: np.ndarray, t: np.ndarray,
                      times_all: np.ndarray) -> None:
    y = f.vals.loc[rows, c].to_numpy()
    na = np.isnan(y)
    if not na.any():
        return
    if na.all():
        f.unfilled.extend({"unit": unit, "year": tt, "indicator": c, "reason": "no observation"}
                          for tt in t)
        return
    ty, yy = t[~na], y[~na]
    for k in np.flatnonzero(na):
        if f.method == "panel_latest":
            earlier = ty < t[k]
            if f.max_time is not None:
                allowed = times_all[times_all < t[k]][::-1][:f.max_time]
                earlier &= np.isin(ty, allowed)
            if not earlier.any():
                f.unfilled.append({"unit": unit, "year": t[k], "indicator": c,
                                   "reason": "no earlier observation"})
                continue
            v = yy[earlier][-1]
            used_later = False
        elif f.method == "panel_linear":
            v = float(np.interp(t[k], ty, yy))
            used_later = bool((ty > t[k]).any())  # between two, or before the first
        else:  # constant: value of the last observation at or before t, else the first
            before = ty <= t[k]
            v = yy[before][-1] if before.any() else yy[0]
            used_later = not before.any()
        f.new.loc[rows[k], c] = v
        f.filled.append({"unit": unit, "year": t[k], "indicator": c, "value": v,
                         "method": f.method, "uses_later": used_later})


def _fill_overall(f: _Fill) -> None:
    """Fill with the indicator's mean or median over all units."""
    for c in f.cols:
        col = f.vals[c]
        na = col.isna()
        if not na.any():
            continue
        if na.all():
            f.unfilled.extend({"unit": u, "indicator": c, "reason": "indicator all missing"}
                              for u in col.index)
            continue
        v = float(col.mean()) if f.method == "mean" else float(col.median())
        f.new.loc[na, c] = v
        f.filled.extend({"unit": u, "indicator": c, "value": v, "method": f.method}
                        for u in na[na].index)


def _fill_group(f: _Fill) -> None:
    """Fill with the indicator's mean or median within the unit's group (one vectorised write
    per indicator; the records in unit order)."""
    g = _group_series(f.x, f.groups, f.method)
    for c in f.cols:
        col = f.vals[c]
        na = col.isna().to_numpy()
        if not na.any():
            continue
        stat = col.groupby(g).mean() if f.method == "mean_group" else col.groupby(g).median()
        units = col.index[na]
        grp = g.loc[units].to_numpy()
        no_group = pd.isna(grp)
        v = pd.Series(grp).map(stat).to_numpy(dtype=float)
        ok = ~no_group & ~np.isnan(v)
        if ok.any():
            f.new.loc[units[ok], c] = v[ok]
        for u, gr, val, miss_g, good in zip(units, grp, v, no_group, ok, strict=True):
            if good:
                f.filled.append({"unit": u, "indicator": c, "value": float(val),
                                 "method": f"{f.method}[{gr}]"})
            elif miss_g:
                f.unfilled.append({"unit": u, "indicator": c, "reason": "group missing"})
            else:
                f.unfilled.append(
                    {"unit": u, "indicator": c, "reason": f"no observation in group {gr!r}"})


def _fill_rowmean(f: _Fill) -> None:
    """Fill with the unit's mean over the indicator's siblings, min-max scaled and back."""
    hier, vals, cols = f.hier, f.vals, f.cols
    if hier is None:
        raise MethodError("impute(method='rowmean_dimension') needs meta=")
    lo, hi = vals.min(), vals.max()
    span = hi - lo
    scaled = (vals - lo) / span.replace(0, np.nan)
    for c in cols:
        if hier.direction.get(c, 1) < 0:
            scaled[c] = 1 - scaled[c]
    for c in cols:
        na = vals[c].isna()
        if not na.any():
            continue
        p = hier.parent.get(c)
        sibs = [s for s in hier.children.get(p, ()) if s != c and s in cols] if p else []
        for u in na[na].index:
            r = scaled.loc[u, sibs].mean() if sibs else np.nan
            if pd.isna(r) or pd.isna(lo[c]):
                f.unfilled.append({"unit": u, "indicator": c,
                                   "reason": "no sibling observed for this unit"})
                continue
            rr = r if hier.direction.get(c, 1) > 0 else 1 - r
            v = float(lo[c] + rr * span[c])
            f.new.loc[u, c] = v
            f.filled.append({"unit": u, "indicator": c, "value": v, "method": f.method})


def _fill_regression(f: _Fill) -> None:
    """Fill with an OLS fit on the complete sibling indicators."""
    hier, vals, cols = f.hier, f.vals, f.cols
    complete = [c for c in cols if vals[c].notna().all()]
    for c in cols:
        na = vals[c].isna()
        if not na.any():
            continue
        parent = hier.parent.get(c) if hier is not None else None
        if hier is not None and parent:
            pool = [s for s in hier.children[parent] if s != c]
        else:
            pool = [s for s in cols if s != c]
        preds = [s for s in pool if s in complete]
        obs = ~na
        if not preds or obs.sum() <= len(preds) + 1:
            f.unfilled.extend({"unit": u, "indicator": c,
                               "reason": "no complete predictor or too few observations"}
                              for u in na[na].index)
            continue
        a = np.column_stack([np.ones(int(obs.sum())), vals.loc[obs, preds].to_numpy()])
        beta, *_ = np.linalg.lstsq(a, vals.loc[obs, c].to_numpy(), rcond=None)
        b = np.column_stack([np.ones(int(na.sum())), vals.loc[na, preds].to_numpy()])
        pred = b @ beta
        f.new.loc[na, c] = pred
        f.filled.extend({"unit": u, "indicator": c, "value": float(v), "method": f.method}
                        for u, v in zip(na[na].index, pred, strict=True))


@dataclass(frozen=True)
class ScreeningResult(Result):
    """Result of :func:`screen_units`.

    Attributes
    ----------
    data : DataFrame
        The kept units.
    coverage : Series
        Share of indicators observed, per unit (all units).
    dropped : DataFrame
        The dropped units with their coverage and reason.
    """

    data: pd.DataFrame
    coverage: pd.Series
    dropped: pd.DataFrame
    min_coverage: float

    @property
    def kept(self) -> list[object]:
        return list(self.data.index)

    def summary(self) -> Summary:
        """Kept and dropped units in a line; the dropped units."""
        line = (f"{len(self.data)} of {len(self.coverage)} units kept (coverage >= "
                f"{self.min_coverage:g}); {len(self.dropped)} dropped")
        return Summary("Unit screening", [line], [self.dropped])


def screen_units(
    x: pd.DataFrame,
    min_coverage: float,
    *,
    indicators: Iterable[str] | None = None,
    force_include: Iterable[object] = (),
    force_exclude: Iterable[object] = (),
) -> ScreeningResult:
    r"""Drop units with too little data.

    A unit is kept when its coverage :math:`n_{obs,i}/p \ge` ``min_coverage`` (COINr
    ``Screen(unit_screen = "byNA", dat_thresh = ...)``), unless forced in or out.

    Parameters
    ----------
    x : DataFrame
        Units in rows.
    min_coverage : float
        Minimum share of indicators observed, in [0, 1].
    indicators : iterable of str
        Columns counted (default: all numeric columns).
    force_include, force_exclude : iterables of unit ids

    Returns
    -------
    ScreeningResult

    Notes
    -----
    Raises :class:`MethodError` when no unit remains, naming the best coverage found.
    """
    if not 0 <= float(min_coverage) <= 1:
        raise MethodError(f"screen_units: min_coverage={min_coverage!r}; expected a share in [0, 1]")
    cols = list(indicators) if indicators is not None else [
        c for c in x.columns if pd.api.types.is_numeric_dtype(x[c])
    ]
    vals = numeric_frame(x, name="x", columns=cols)
    cov = vals.notna().mean(axis=1)
    keep = cov >= min_coverage
    for u in force_include:
        if u not in keep.index:
            raise MethodError(f"screen_units: forced unit {u!r} is not in the data")
        keep[u] = True
    for u in force_exclude:
        if u not in keep.index:
            raise MethodError(f"screen_units: forced unit {u!r} is not in the data")
        keep[u] = False
    if not keep.any():
        raise MethodError(
            f"screen_units: no unit has coverage >= {min_coverage}; the best is "
            f"{cov.max():.3f} (unit {cov.idxmax()!r})"
        )
    fe = set(force_exclude)
    dropped = pd.DataFrame(
        {
            "unit": keep.index[~keep.to_numpy()],
            "coverage": cov[~keep].to_numpy(),
            "reason": ["forced" if u in fe else f"coverage < {min_coverage}"
                       for u in keep.index[~keep.to_numpy()]],
        }
    )
    return ScreeningResult(x.loc[keep], cov, dropped, float(min_coverage))


# ------------------------------------------------------------------------------ the registry


def _imp(name: str, needs: str, kernel: Any, en: str, zh: str, f_en: str, f_zh: str,
         params: tuple[Param, ...] = ()) -> MethodInfo:
    return MethodInfo(name, "imputation", function=impute, params=params, needs=needs,
                      kernel=kernel,
                      label={"en": name.replace("_", " "), "zh": zh}, label_long={"en": en,
                      "zh": zh}, formula={"en": f_en, "zh": f_zh})


_BY = (Param("by", None, "str", None, "group column"),)
_MAX_T = (Param("max_time", None, "int", None, "most earlier time points used"),)

#: The imputation methods (the only list of their names); ``needs`` is ``cross`` (one year) or
#: ``panel`` (along time within a unit).
IMPUTATION = Registry("imputation", {"en": "imputation method", "zh": "缺失值插补方法"}, [
    _imp("mean", "cross", _fill_overall, "mean of the indicator over all units", "全体均值插补",
         "x_ij = mean_i x_ij", "x_ij = 全体单位的均值"),
    _imp("median", "cross", _fill_overall, "median of the indicator over all units", "全体中位数插补",
         "x_ij = median_i x_ij", "x_ij = 全体单位的中位数"),
    _imp("mean_group", "cross", _fill_group, "mean of the indicator within the unit's group", "组内均值插补",
         "x_ij = mean of the group", "x_ij = 所在组的均值", _BY),
    _imp("median_group", "cross", _fill_group, "median of the indicator within the unit's group",
         "组内中位数插补", "x_ij = median of the group", "x_ij = 所在组的中位数", _BY),
    _imp("rowmean_dimension", "cross", _fill_rowmean, "the unit's mean on the indicator's siblings (min-max "
         "scaled)", "同维度行均值插补", "min_j + mean_r (max_j - min_j)",
         "min_j + 行均值 × (max_j − min_j)"),
    _imp("regression", "cross", _fill_regression, "OLS on the complete sibling indicators", "回归插补",
         "x_ij = OLS fit on the siblings", "x_ij = 同级指标的最小二乘拟合值"),
    _imp("panel_latest", "panel", _fill_panel, "the unit's latest earlier observation", "面板：最近值",
         "x_it = x_i,t-k, smallest k", "x_it = 最近一期观测值", _MAX_T),
    _imp("panel_linear", "panel", _fill_panel, "linear interpolation along time within a unit",
         "面板：线性插值", "linear in t, constant beyond the ends", "按时间线性插值，两端取常数"),
    _imp("panel_constant", "panel", _fill_panel, "step interpolation along time within a unit",
         "面板：阶梯插值", "step in t, constant beyond the ends", "按时间阶梯插值，两端取常数"),
])
#: Names of the imputation methods: a live view of :data:`IMPUTATION`.
IMPUTE_METHODS = IMPUTATION.view()
