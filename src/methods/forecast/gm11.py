r"""The grey model GM(1,1) (灰色预测模型): a short-series forecast with its accuracy tests.

:func:`gm11` fits one series; :func:`gm11_targets` fits one indicator's panel (years × units), all
units of the same length at once, and proposes next-year targets where the model is usable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from methods._checks import label_repr
from methods._errors import MethodError, MethodTypeError
from methods.summary import Result, Summary

__all__ = ["GM11Result", "GM11TargetsResult", "GRADES", "gm11", "gm11_targets"]

#: Accuracy grades of the posterior-variance test: (grade, label zh, label en, max C, min P).
#: 刘思峰 等《灰色系统理论及其应用》(科学出版社), table of the posterior-variance test.
GRADES: tuple[tuple[int, str, str, float, float], ...] = (
    (1, "好", "good", 0.35, 0.95),
    (2, "合格", "qualified", 0.50, 0.80),
    (3, "勉强", "barely", 0.65, 0.70),
    (4, "不合格", "fail", np.inf, 0.0),
)


@dataclass(frozen=True)
class GM11Result(Result):
    """A fitted GM(1,1) model.

    Attributes
    ----------
    a, b : float
        Development coefficient and grey input of :math:`x^{(0)}(k)+a z^{(1)}(k)=b`.
    fitted : pd.Series
        :math:`\\hat x^{(0)}(k)`, k = 1..n (the first equals the observation).
    residuals : pd.Series
        :math:`e(k)=x^{(0)}(k)-\\hat x^{(0)}(k)`.
    relative_errors : pd.Series
        :math:`|e(k)|/x^{(0)}(k)`.
    mean_relative_error : float
        Mean of the relative errors over k = 2..n.
    C, P : float
        Posterior-variance ratio and small-error probability.
    grade : int
        1 好 good, 2 合格 qualified, 3 勉强 barely, 4 不合格 fail (:data:`GRADES`).
    class_ratios : pd.Series
        :math:`\\lambda(k)=x^{(0)}(k-1)/x^{(0)}(k)`, k = 2..n.
    ratio_bounds : tuple[float, float]
        :math:`(e^{-2/(n+1)}, e^{2/(n+2)})`.
    applicable : bool
        Every class ratio inside the bounds.
    shift : float
        0 when applicable; else the smallest constant c such that every class ratio of
        x + c is inside the bounds (add a constant larger than this, fit, subtract it again).
    forecast : pd.Series
        The next ``horizon`` values, k = n+1..n+horizon.
    """

    a: float
    b: float
    fitted: pd.Series
    residuals: pd.Series
    relative_errors: pd.Series
    mean_relative_error: float
    C: float
    P: float
    grade: int
    class_ratios: pd.Series
    ratio_bounds: tuple[float, float]
    applicable: bool
    shift: float
    forecast: pd.Series

    @property
    def grade_label(self) -> str:
        """The grade in words, zh and en (e.g. ``"好 good"``)."""
        g = GRADES[self.grade - 1]
        return f"{g[1]} {g[2]}"

    def to_frame(self) -> pd.DataFrame:
        """Per period: observed, fitted, residual, relative error; then the forecasts."""
        observed = self.fitted + self.residuals
        fit = pd.DataFrame({"observed": observed, "fitted": self.fitted,
                            "residual": self.residuals, "relative_error": self.relative_errors})
        return pd.concat([fit, self.forecast.rename("fitted").to_frame()])

    def summary(self) -> Summary:
        """Parameters, tests and the fit table."""
        lines = [f"a = {self.a:.6g}, b = {self.b:.6g}",
                 f"C = {self.C:.4f}, P = {self.P:.4f}, grade {self.grade} ({self.grade_label})",
                 f"mean relative error = {self.mean_relative_error:.4%}",
                 f"class-ratio test {'passed' if self.applicable else 'failed'}"
                 + ("" if self.applicable else f"; shift the series by more than {self.shift:.6g}")]
        return Summary("GM(1,1)", lines, [self.to_frame()])


@dataclass(frozen=True)
class GM11TargetsResult(Result):
    """GM(1,1) per unit of one indicator's panel.

    Attributes
    ----------
    targets : pd.DataFrame
        Per unit fitted: ``forecast`` (the value ``horizon`` periods after the last year),
        ``year`` (that period), ``n`` (years used), ``a``, ``b``, ``C``, ``P``, ``grade``,
        ``mean_relative_error``, ``applicable`` (class-ratio test).
    skipped : pd.Series
        Unit → why it was not fitted (too few years, a value ≤ 0).
    """

    targets: pd.DataFrame
    skipped: pd.Series

    def summary(self) -> Summary:
        """Counts by grade; the target table and the skipped units."""
        t = self.targets
        lines = [f"{len(t)} units fitted, {len(self.skipped)} skipped"]
        if len(t):
            counts = t["grade"].value_counts().sort_index()
            lines.append("grades: " + ", ".join(f"{GRADES[int(g) - 1][2]} {int(n)}"
                                                for g, n in counts.items()))
            lines.append(f"class-ratio test failed for {int((~t['applicable']).sum())} unit(s)")
        return Summary("GM(1,1) targets", lines, [t, self.skipped.rename("reason").to_frame()])


def gm11(series: Sequence[float] | pd.Series, *, horizon: int = 1) -> GM11Result:
    r"""Fit the grey model GM(1,1) to a short positive series and forecast ``horizon`` steps.

    Parameters
    ----------
    series : sequence or pd.Series
        At least 4 positive, equally spaced observations (a Series keeps its index; a numeric
        index is extended by its last step for the forecasts).
    horizon : int
        Number of periods to forecast (≥ 0).

    Returns
    -------
    GM11Result

    Notes
    -----
    With :math:`x^{(1)}(k)=\sum_{i\le k}x^{(0)}(i)` and :math:`z^{(1)}(k)=\tfrac12
    (x^{(1)}(k)+x^{(1)}(k-1))`, the least-squares fit of :math:`x^{(0)}(k)+a z^{(1)}(k)=b`
    (k = 2..n) gives the time response

    .. math::

        \hat x^{(1)}(k+1)=\Big(x^{(0)}(1)-\frac ba\Big)e^{-ak}+\frac ba,\qquad
        \hat x^{(0)}(k+1)=\hat x^{(1)}(k+1)-\hat x^{(1)}(k).

    Residual tests: :math:`e(k)=x^{(0)}(k)-\hat x^{(0)}(k)`; relative error :math:`|e(k)|/
    x^{(0)}(k)`, averaged over k = 2..n; :math:`S_1`, :math:`S_2` the standard deviations
    (divisor n) of :math:`x^{(0)}(k)` and :math:`e(k)`, k = 1..n; :math:`C=S_2/S_1`;
    :math:`P=\#\{k:|e(k)-\bar e|<0.6745S_1\}/n`. Grades (:data:`GRADES`, 刘思峰 等): 1 好
    C ≤ 0.35 and P ≥ 0.95; 2 合格 C ≤ 0.5 and P ≥ 0.8; 3 勉强 C ≤ 0.65 and P ≥ 0.7; else 4
    不合格. Class-ratio test (级比检验): every :math:`\lambda(k)=x^{(0)}(k-1)/x^{(0)}(k)` in
    :math:`(e^{-2/(n+1)}, e^{2/(n+2)})` (司守奎; R mathmodels uses :math:`e^{2/(n+1)}` as
    upper bound); when it fails, ``shift`` gives the translation that would pass.

    Missing data: none; n < 4, values ≤ 0 and non-finite values raise :class:`MethodError`.

    Tested against R mathmodels ``GM11()`` (张敬信, 0.0.11: a, b, fitted values, forecasts,
    to 1e-9), the Python package greytheory 2.0.5 (``GreyGM11``: the same and the mean
    relative error) and a second computation of the residual tests written in R from the formulas
    above (not a peer package; ``tests/reference/gm11/``), on seven series including the
    textbook series of 司守奎 (road noise, the example below) and 刘思峰 (2.874 … 3.679).
    Published worked examples, at their printed precision (``tests/test_gm11.py``): the shipping
    capacity series of 《国际干散货航运市场船舶运力的预测以及浅析》 (printed a = −0.0749,
    b = 2.5948, P = 1; https://mtoou.info/tubiao/992967.html); the four-year profit example of
    the teaching text at https://xueke.org/wenku/42327_8.html (printed S1 = 3051.74, C = 0.011,
    P = 1, mean relative error 0.068 % averaged over k = 1..n, i.e. this function's value ×
    (n − 1)/n; its S2 = 32.66 squares deviations rounded to whole numbers, this function's
    unrounded S2 is 32.59); and the class ratios of 司守奎's noise example (0.982 … 1.0056, as
    reproduced in course slides); and the printed output of mathmodels' help example (fitted
    values and forecasts of 100 … 210). No source with a visible printed a and b for the noise or
    the 刘思峰 series was found.

    Examples
    --------
    >>> from methods.forecast import gm11
    >>> res = gm11([71.1, 72.4, 72.4, 72.1, 71.4, 72.0, 71.6], horizon=2)
    >>> round(res.a, 6), round(res.b, 4)
    (0.002344, 72.6573)
    >>> round(res.C, 4), round(res.P, 4), res.grade, res.applicable
    (0.4807, 0.8571, 2, True)
    >>> res.forecast.round(4).tolist()
    [71.3946, 71.2275]

    References
    ----------
    1. 邓聚龙 (Deng Julong) (1987). 《灰色系统基本方法》. 华中工学院出版社.
    2. 刘思峰 等. 《灰色系统理论及其应用》. 科学出版社.
    3. 司守奎, 孙玺菁. 《数学建模算法与应用》(第2版). 国防工业出版社.
    """
    x, index = _checked_series(series)
    h = _checked_horizon(horizon)
    return _result(x, index, _fit_rows(x[None, :], h), h)


def _result(x: np.ndarray, index: pd.Index, fit: dict, h: int) -> GM11Result:
    """:func:`gm11`'s result from the one-row fit of :func:`_fit_rows`."""
    n = len(x)
    out_index = _extend_index(index, h)
    lo, hi = fit["bounds"]
    return GM11Result(
        a=float(fit["a"][0]), b=float(fit["b"][0]),
        fitted=pd.Series(fit["fitted"][0], index=index, name="fitted"),
        residuals=pd.Series(fit["residuals"][0], index=index, name="residual"),
        relative_errors=pd.Series(fit["relerr"][0], index=index, name="relative_error"),
        mean_relative_error=float(fit["mre"][0]),
        C=float(fit["C"][0]), P=float(fit["P"][0]), grade=int(fit["grade"][0]),
        class_ratios=pd.Series(x[:-1] / x[1:], index=index[1:], name="class_ratio"),
        ratio_bounds=(float(lo), float(hi)),
        applicable=bool(fit["applicable"][0]), shift=float(fit["shift"][0]),
        forecast=pd.Series(fit["forecast"][0], index=out_index[n:], name="forecast"),
    )


def _checked_series(series: Sequence[float] | pd.Series) -> tuple[np.ndarray, pd.Index]:
    if isinstance(series, pd.Series):
        index = series.index
        values = series.to_numpy()
    elif isinstance(series, str | bytes) or not isinstance(series, Sequence | np.ndarray):
        raise MethodTypeError(f"series must be a sequence of numbers or a pandas Series, "
                              f"got {type(series).__name__}")
    else:
        values = np.asarray(series)
        index = pd.RangeIndex(1, len(values) + 1)
    try:
        x = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise MethodTypeError(f"series must be numeric: {exc}") from None
    if x.ndim != 1:
        raise MethodError(f"series must be one-dimensional, got shape {x.shape}")
    if len(x) < 4:
        raise MethodError(f"GM(1,1) needs at least 4 observations, got {len(x)}")
    bad = np.flatnonzero(~np.isfinite(x) | (x <= 0))
    if len(bad):
        i = bad[0]
        raise MethodError(f"GM(1,1) needs positive finite values; period {label_repr(index[i])} is {float(x[i]):g} "
                          f"({len(bad)} such value(s))")
    return x, index


def _checked_horizon(horizon: int) -> int:
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 0:
        raise MethodError(f"horizon must be a non-negative integer, got {horizon!r}")
    return int(horizon)


def _extend_index(index: pd.Index, horizon: int) -> pd.Index:
    """``index`` with ``horizon`` more labels: its last step for a numeric index, else n+1.."""
    n = len(index)
    if pd.api.types.is_numeric_dtype(index) and n >= 2:
        step = index[-1] - index[-2]
        return index.append(pd.Index([index[-1] + step * (i + 1) for i in range(horizon)]))
    if isinstance(index, pd.RangeIndex) or not horizon:
        return index.append(pd.RangeIndex(n + 1, n + horizon + 1))
    return index.append(pd.Index([f"+{i + 1}" for i in range(horizon)]))


def _fit_rows(x: np.ndarray, horizon: int) -> dict[str, np.ndarray]:
    """GM(1,1) for each row of ``x`` (units × n, positive): parameters, fit, tests, forecast."""
    m, n = x.shape
    x1 = np.cumsum(x, axis=1)
    z = 0.5 * (x1[:, 1:] + x1[:, :-1])
    y = x[:, 1:]
    # least squares of y = -a z + b, closed form per row
    zm, ym = z.mean(axis=1), y.mean(axis=1)
    szz = ((z - zm[:, None]) ** 2).sum(axis=1)
    szy = ((z - zm[:, None]) * (y - ym[:, None])).sum(axis=1)
    a = -szy / szz
    b = ym + a * zm
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        c = (b / a)[:, None]
        k = np.arange(n + horizon)[None, :]
        x1_hat = (x[:, :1] - c) * np.exp(-a[:, None] * k) + c
    x0_hat = np.concatenate([x[:, :1], np.diff(x1_hat, axis=1)], axis=1)
    fitted = x0_hat[:, :n]
    res = x - fitted
    relerr = np.abs(res) / x
    s1 = x.std(axis=1)
    s2 = res.std(axis=1)
    C = s2 / s1
    P = (np.abs(res - res.mean(axis=1, keepdims=True)) < 0.6745 * s1[:, None]).mean(axis=1)
    lo, hi = np.exp(-2.0 / (n + 1)), np.exp(2.0 / (n + 2))
    lam = x[:, :-1] / x[:, 1:]
    applicable = ((lam > lo) & (lam < hi)).all(axis=1)
    return {"a": a, "b": b, "fitted": fitted, "residuals": res, "relerr": relerr,
            "mre": relerr[:, 1:].mean(axis=1), "C": C, "P": P, "grade": _grades(C, P),
            "bounds": np.array([lo, hi]), "applicable": applicable,
            "shift": _shift(x, lo, hi), "forecast": x0_hat[:, n:]}


def _grades(C: np.ndarray, P: np.ndarray) -> np.ndarray:
    grade = np.full(C.shape, 4, dtype=int)
    for g, _zh, _en, cmax, pmin in reversed(GRADES[:-1]):
        grade = np.where((C <= cmax) & (P >= pmin), g, grade)
    return grade


def _shift(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Smallest c ≥ 0 with every (x(k-1)+c)/(x(k)+c) in (lo, hi): the infimum, per row."""
    prev, cur = x[:, :-1], x[:, 1:]
    need_down = (prev - hi * cur) / (hi - 1.0)  # falling series: ratio must stay below hi
    need_up = (lo * cur - prev) / (1.0 - lo)  # rising series: ratio must stay above lo
    return np.maximum(np.maximum(need_down, need_up).max(axis=1), 0.0)


def gm11_targets(panel: pd.DataFrame, *, min_years: int = 4, horizon: int = 1) -> GM11TargetsResult:
    r"""GM(1,1) forecast of one indicator for every unit with enough years.

    Parameters
    ----------
    panel : pd.DataFrame
        Either years × units (index = years, one column per unit), or long with columns
        ``unit``, ``year``, ``value``. Years must be equally spaced.
    min_years : int
        Fewest consecutive observed years (ending in the panel's last year) to fit a unit; at
        least 4.
    horizon : int
        The target is the forecast ``horizon`` periods after the last year (≥ 1).

    Returns
    -------
    GM11TargetsResult

    Notes
    -----
    Each unit uses its run of consecutive observed years that ends in the panel's last year;
    units with no value in the last year, fewer than ``min_years`` years in that run, or a
    value ≤ 0 in it are listed in ``skipped`` with the reason. Units with runs of the same
    length are fitted together (vectorised); each fit equals :func:`gm11` on that run.

    Examples
    --------
    >>> import pandas as pd
    >>> from methods.forecast import gm11_targets
    >>> panel = pd.DataFrame({"A": [50, 53, 57, 60, 64], "B": [None, None, 10, 12, 13]},
    ...                      index=[2019, 2020, 2021, 2022, 2023])
    >>> res = gm11_targets(panel)
    >>> t = res.targets.loc["A"]
    >>> int(t["year"]), round(float(t["forecast"]), 2), int(t["grade"])
    (2024, 68.04, 1)
    >>> res.skipped.tolist()
    ['3 consecutive years up to 2023, fewer than min_years = 4']
    """
    if isinstance(min_years, bool) or not isinstance(min_years, int | np.integer) or min_years < 4:
        raise MethodError(f"min_years must be an integer ≥ 4 (GM(1,1) needs 4 values), "
                          f"got {min_years!r}")
    h = _checked_horizon(horizon)
    if h < 1:
        raise MethodError(f"horizon must be ≥ 1 for a target, got {horizon!r}")
    wide = _wide_panel(panel)
    years = wide.index
    values = wide.to_numpy(dtype=float)
    ok = np.isfinite(values)
    # length of the run of observed years ending in the last year
    run = np.cumprod(ok[::-1], axis=0).sum(axis=0)
    skipped: dict[object, str] = {}
    lengths: dict[int, list[int]] = {}
    for j, unit in enumerate(wide.columns):
        r = int(run[j])
        tail = values[len(years) - r:, j]
        if r == 0:
            skipped[unit] = f"no value in the last year {years[-1]}"
        elif r < min_years:
            skipped[unit] = (f"{r} consecutive years up to {years[-1]}, fewer than "
                             f"min_years = {min_years}")
        elif (tail <= 0).any():
            skipped[unit] = "a value ≤ 0 in its years (GM(1,1) needs positive values)"
        else:
            lengths.setdefault(r, []).append(j)
    frames = [_targets_block(wide.iloc[len(years) - r:, cols], h) for r, cols in lengths.items()]
    cols = ["year", "forecast", "n", "a", "b", "C", "P", "grade", "mean_relative_error",
            "applicable"]
    targets = (pd.concat(frames) if frames else pd.DataFrame(columns=cols))
    order = [u for u in wide.columns if u in targets.index]
    targets = targets.reindex(order)
    targets.index.name = "unit"
    return GM11TargetsResult(targets=targets,
                             skipped=pd.Series(skipped, dtype=object, name="reason"))


def _targets_block(block: pd.DataFrame, horizon: int) -> pd.DataFrame:
    fit = _fit_rows(block.to_numpy(dtype=float).T, horizon)
    year = _extend_index(block.index, horizon)[-1]
    return pd.DataFrame({
        "year": year, "forecast": fit["forecast"][:, -1], "n": len(block),
        "a": fit["a"], "b": fit["b"], "C": fit["C"], "P": fit["P"], "grade": fit["grade"],
        "mean_relative_error": fit["mre"], "applicable": fit["applicable"],
    }, index=block.columns)


def _wide_panel(panel: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(panel, pd.DataFrame):
        raise MethodTypeError(f"panel must be a pandas DataFrame, got {type(panel).__name__}")
    if {"unit", "year", "value"} <= set(panel.columns):
        dup = panel.duplicated(["unit", "year"])
        if dup.any():
            first = panel.loc[dup, ["unit", "year"]].iloc[0].tolist()
            raise MethodError(f"panel has more than one value for unit/year {first}")
        wide = panel.pivot(index="year", columns="unit", values="value")
    else:
        wide = panel.copy()
    wide = wide.sort_index()
    bad = [c for c in wide.columns if not pd.api.types.is_numeric_dtype(wide[c])]
    if bad:
        raise MethodTypeError(f"panel has non-numeric unit column(s) {bad[:5]}")
    if len(wide) >= 3 and pd.api.types.is_numeric_dtype(wide.index):
        steps = np.diff(wide.index.to_numpy(dtype=float))
        if not np.allclose(steps, steps[0]):
            raise MethodError(f"panel years are not equally spaced: {list(wide.index)}; "
                              "GM(1,1) assumes equal steps")
    return wide
