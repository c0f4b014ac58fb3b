"""Outlier treatment of indicators: the JRC skew-kurtosis rule and its alternatives.

The JRC rule (OECD/JRC Handbook 2008; JRC audits; COINr ``Treat()`` default): an indicator is
flagged when :math:`|\\text{skew}| \\ge 2` *and* :math:`\\text{kurtosis} \\ge 3.5` (sample skewness and
excess kurtosis with the small-sample adjustment, e1071 type 2). A flagged indicator is winsorised one
point at a time from the side of the skew (tied values move together) until it passes or ``winmax``
points have been moved; if it still fails, the *original* values are log-transformed,
:math:`\\log(x - \\min x + 0.01(\\max x - \\min x))`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from methods._checks import numeric_frame
from methods._errors import MethodError, MethodWarning
from methods.registry import MethodInfo, Param, Registry
from methods.summary import Result, Summary

__all__ = [
    "TREATMENT",
    "TREAT_METHODS",
    "TreatmentResult",
    "kurtosis",
    "skewness",
    "treat",
]



def skewness(x: np.ndarray | pd.Series) -> float:
    r"""Sample skewness with the small-sample adjustment (e1071 ``skewness(type = 2)``, SAS/SPSS G1).

    .. math:: G_1 = \frac{\sqrt{n(n-1)}}{n-2}\,
              \frac{\sqrt{n}\sum (x_i-\bar x)^3}{\left(\sum (x_i-\bar x)^2\right)^{3/2}}

    Missing values are dropped; NaN when fewer than 3 values or no variance.
    """
    a = np.asarray(x, dtype=float)
    a = a[~np.isnan(a)]
    n = a.size
    if n < 3:
        return float("nan")
    d = a - a.mean()
    s2 = float(np.sum(d**2))
    if s2 == 0:
        return float("nan")
    y = np.sqrt(n) * np.sum(d**3) / s2**1.5
    return float(y * np.sqrt(n * (n - 1)) / (n - 2))


def kurtosis(x: np.ndarray | pd.Series) -> float:
    r"""Sample excess kurtosis with the small-sample adjustment (e1071 ``kurtosis(type = 2)``, G2).

    .. math:: G_2 = \frac{(n-1)\left((n+1)(r-3)+6\right)}{(n-2)(n-3)},\quad
              r = \frac{n\sum (x_i-\bar x)^4}{\left(\sum (x_i-\bar x)^2\right)^2}

    Missing values are dropped; NaN when fewer than 4 values or no variance.
    """
    a = np.asarray(x, dtype=float)
    a = a[~np.isnan(a)]
    n = a.size
    if n < 4:
        return float("nan")
    d = a - a.mean()
    s2 = float(np.sum(d**2))
    if s2 == 0:
        return float("nan")
    r = n * np.sum(d**4) / s2**2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def _passes(a: np.ndarray, skew_thresh: float, kurt_thresh: float) -> tuple[bool, float, float]:
    sk, kt = skewness(a), kurtosis(a)
    if np.isnan(sk) or np.isnan(kt):
        return True, sk, kt
    return bool(abs(sk) < skew_thresh or kt < kurt_thresh), sk, kt


def _winsorise(
    a: np.ndarray,
    winmax: int | None,
    skew_thresh: float,
    kurt_thresh: float,
    force: bool,
) -> tuple[np.ndarray, int]:
    """COINr 1.1.14 ``winsorise()`` logic (without its bugs): returns new values and points moved."""
    x = a.copy()
    passing = _passes(x, skew_thresh, kurt_thresh)[0]
    imax = np.array([], dtype=int)
    imin = np.array([], dtype=int)
    nwin = 0
    below = winmax is None or nwin < winmax
    while (not passing or force) and below:
        obs = ~np.isnan(x)
        if np.unique(x[obs]).size < 2:
            break
        if skewness(x) >= 0:
            top = np.nanmax(x)
            imax = np.flatnonzero(x == top)
            rest = np.delete(x, imax)
            x[imax] = np.nanmax(rest)
        else:
            bot = np.nanmin(x)
            imin = np.flatnonzero(x == bot)
            rest = np.delete(x, imin)
            x[imin] = np.nanmin(rest)
        nwin = imax.size + imin.size
        below = winmax is None or nwin < winmax
        passing = _passes(x, skew_thresh, kurt_thresh)[0]
    return x, nwin


def _log_ct(a: np.ndarray) -> np.ndarray:
    lo, hi = np.nanmin(a), np.nanmax(a)
    return np.log(a - lo + 0.01 * (hi - lo))


@dataclass(frozen=True)
class TreatmentResult(Result):
    """Result of :func:`treat`.

    Attributes
    ----------
    data : DataFrame
        Treated indicator values (same shape and labels as the input).
    details : DataFrame
        One row per indicator: ``method``, ``skew``, ``kurtosis``, ``failed`` (the rule before
        treatment), ``n_winsorised``, ``skew_winsorised``, ``kurtosis_winsorised``, ``transform``
        (``""``, ``"log"``, ``"boxcox"``), ``boxcox_lambda``, ``skew_final``, ``kurtosis_final``,
        ``passes_final``.
    points : DataFrame
        One row per changed value: ``unit``, ``indicator``, ``original``, ``treated``,
        ``treatment`` (``winsorised_high``, ``winsorised_low``, ``log``, ``boxcox``).
    """

    data: pd.DataFrame
    details: pd.DataFrame
    points: pd.DataFrame
    method: str
    parameters: Mapping[str, object] = field(default_factory=dict)

    @property
    def still_failing(self) -> list[str]:
        """Indicators that fail the skew-kurtosis rule after treatment."""
        d = self.details
        return d.index[~d["passes_final"].astype(bool)].tolist()

    def summary(self) -> Summary:
        """Counts in lines; the table: the indicators that failed the rule or were winsorised."""
        d = self.details
        still = self.still_failing
        lines = [f"{self.method}: {int(d['failed'].sum())} of {len(d)} indicators failed the rule; "
                 f"{len(self.points)} values changed",
                 f"still failing: {', '.join(still) if still else 'none'}"]
        return Summary("Outlier treatment", lines, [d[d["failed"] | (d["n_winsorised"] > 0)]])


def treat(
    x: pd.DataFrame,
    method: str = "jrc",
    *,
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    force_win: bool | Iterable[str] = False,
    apply_to: str = "failing",
    boxcox_lambda: float | None = None,
    indicator_specs: Mapping[str, Mapping[str, object] | str] | None = None,
) -> TreatmentResult:
    r"""Treat outliers indicator by indicator.

    Parameters
    ----------
    x : DataFrame
        Units x indicators (numeric).
    method : {"jrc", "winsorise", "log", "boxcox", "none"}
        ``jrc``: winsorise up to ``winmax`` points, then, if the indicator still fails, log of the
        original values (COINr ``Treat()`` default). ``winsorise``: winsorisation only.
        ``log``: :math:`\log(x-\min x+0.01(\max x-\min x))` without winsorisation. ``boxcox``:
        Box-Cox of :math:`x-\min x+1` with :math:`\lambda` by maximum likelihood
        (:func:`scipy.stats.boxcox`) or ``boxcox_lambda``. ``none``: no change.
    winmax : int or None
        Most points winsorised per indicator (None = no limit). A tie group moves as a whole, so
        the count can exceed ``winmax`` by the size of the last tie group, as in COINr.
    skew_thresh, kurt_thresh : float
        An indicator fails when ``|skew| >= skew_thresh`` and ``kurtosis >= kurt_thresh``.
    force_win : bool or iterable of indicator codes
        Winsorise ``winmax`` points even if the indicator passes (for all, or for the named
        indicators). COINr 1.1.14 ignores this option for indicators that pass (COINr issue 53);
        here it is applied.
    apply_to : {"failing", "all"}
        For ``log`` and ``boxcox``: transform only failing indicators (default) or all.
    indicator_specs : mapping
        Per-indicator overrides, e.g. ``{"D1.1": "none", "A2.4": {"method": "log"}}``; keys of the
        inner mapping are this function's keyword arguments.

    Returns
    -------
    TreatmentResult

    Notes
    -----
    Missing values are ignored in the statistics and stay missing. An indicator with fewer than 4
    values or no variance cannot be tested and is left untreated (``failed`` False). COINr
    1.1.14's ``log_GII`` returns its input unchanged (a bug); it is not offered here.

    Matches COINr 1.1.14 ``Treat(global_specs = list(f1_para = list(winmax = 5)))`` on the ASEM
    example to 1e-9 (values and the number of points winsorised), and with ``winmax = 1`` (log
    path) likewise (tests/test_treat.py).

    References
    ----------
    1. OECD/JRC (2008). Handbook on Constructing Composite Indicators, §1.5 and Box 1.2.
    2. Becker, W. et al. (2022). COINr. JOSS 7(78); COINr 1.1.14 ``Treat``, ``winsorise``,
       ``log_CT``, ``check_SkewKurt``.
    3. Box, G. E. P. & Cox, D. R. (1964). An analysis of transformations. JRSS B 26, 211-252.
    """
    if method not in TREAT_METHODS:
        raise MethodError(f"treat: unknown method {method!r}; expected one of {TREAT_METHODS}")
    if apply_to not in ("failing", "all"):
        raise MethodError(f"treat: apply_to={apply_to!r}; expected 'failing' or 'all'")
    if winmax is not None and (int(winmax) != winmax or winmax < 0):
        raise MethodError(f"treat: winmax={winmax!r}; expected a non-negative integer or None")
    vals = numeric_frame(x, name="x")
    specs = dict(indicator_specs or {})
    unknown = [k for k in specs if k not in vals.columns]
    if unknown:
        raise MethodError(f"treat: indicator_specs names unknown indicator(s) {unknown}")
    forced = set(vals.columns) if force_win is True else (
        set() if force_win is False else set(force_win)
    )
    bad_forced = forced - set(vals.columns)
    if bad_forced:
        raise MethodError(f"treat: force_win names unknown indicator(s) {sorted(bad_forced)}")
    base: dict[str, Any] = {
        "method": method, "winmax": winmax, "skew_thresh": skew_thresh,
        "kurt_thresh": kurt_thresh, "apply_to": apply_to, "boxcox_lambda": boxcox_lambda,
    }
    raw = vals.to_numpy(dtype=float)
    treated = raw.copy()  # written column by column, one frame at the end
    rows: list[dict[str, Any]] = []
    points: list[dict[str, Any]] = []
    for j, c in enumerate(vals.columns):
        sp = _indicator_spec(c, base, specs.get(c))
        s = specs.get(c)
        force = bool(s.get("force_win")) if isinstance(s, Mapping) and "force_win" in s else (
            c in forced
        )
        a = np.ascontiguousarray(raw[:, j])
        new, row = _treat_one(c, a, sp, force)
        rows.append(row)
        treated[:, j] = new
        points.extend(_changed_points(c, vals.index, a, new, str(row["transform"])))
    out = pd.DataFrame(treated, index=vals.index, columns=vals.columns)
    details = pd.DataFrame(rows).set_index("indicator")
    details["failed"] = details["failed"].astype(bool)
    details["passes_final"] = details["passes_final"].astype(bool)
    pts = pd.DataFrame(points, columns=["unit", "indicator", "original", "treated", "treatment"])
    still = details.index[
        details["failed"] & ~details["passes_final"] & (details["method"] != "none")
    ].tolist()
    if still:
        warnings.warn(
            f"treat: indicator(s) {still} still fail the skew-kurtosis rule after treatment",
            MethodWarning,
            stacklevel=2,
        )
    return TreatmentResult(out, details, pts, method, {**base, "force_win": sorted(forced)})


def _indicator_spec(c: str, base: Mapping[str, Any], s: Any) -> dict[str, Any]:
    """The treatment parameters of one indicator: the defaults with its ``indicator_specs``."""
    sp = dict(base)
    if isinstance(s, str):
        sp["method"] = s
    elif s is not None:
        bad = set(s) - set(base) - {"force_win"}
        if bad:
            raise MethodError(f"treat: indicator_specs[{c!r}] has unknown key(s) {sorted(bad)}")
        sp.update({k: v for k, v in s.items() if k != "force_win"})
    if sp["method"] not in TREAT_METHODS:
        raise MethodError(f"treat: indicator {c!r} has unknown method {sp['method']!r}")
    return sp


def _treat_one(c: str, a: np.ndarray, sp: Mapping[str, Any], force: bool) -> tuple[np.ndarray, dict[str, Any]]:
    """One indicator's treatment (values and the row of the details table)."""
    ok0, sk0, kt0 = _passes(a, sp["skew_thresh"], sp["kurt_thresh"])
    testable = not (np.isnan(sk0) or np.isnan(kt0))
    failed = testable and not ok0
    row: dict[str, Any] = {
        "indicator": c, "method": sp["method"], "skew": sk0, "kurtosis": kt0,
        "failed": failed, "n_winsorised": 0, "skew_winsorised": np.nan,
        "kurtosis_winsorised": np.nan, "transform": "", "boxcox_lambda": np.nan,
    }
    new = a
    m = sp["method"]
    if testable and m in ("jrc", "winsorise") and (failed or force):
        w, nwin = _winsorise(a, sp["winmax"], sp["skew_thresh"], sp["kurt_thresh"], force)
        ok1, sk1, kt1 = _passes(w, sp["skew_thresh"], sp["kurt_thresh"])
        row.update(n_winsorised=nwin, skew_winsorised=sk1, kurtosis_winsorised=kt1)
        new = w
        if m == "jrc" and not ok1:
            new = _log_ct(a)
            row["transform"] = "log"
    elif testable and m == "log" and (failed or sp["apply_to"] == "all"):
        new = _log_ct(a)
        row["transform"] = "log"
    elif testable and m == "boxcox" and (failed or sp["apply_to"] == "all"):
        new, lam = _boxcox(a, sp["boxcox_lambda"])
        row.update(transform="boxcox", boxcox_lambda=lam)
    okf, skf, ktf = _passes(new, sp["skew_thresh"], sp["kurt_thresh"])
    row.update(skew_final=skf, kurtosis_final=ktf, passes_final=okf)
    return new, row


def _boxcox(a: np.ndarray, lam: float | None) -> tuple[np.ndarray, float]:
    """Box-Cox of the values shifted to a minimum of 1 (lambda by maximum likelihood if None)."""
    shifted = a - np.nanmin(a) + 1
    obs = ~np.isnan(shifted)
    new = np.full_like(a, np.nan)
    if lam is None:
        new[obs], lam = stats.boxcox(shifted[obs])
    else:
        lam = float(lam)
        new[obs] = stats.boxcox(shifted[obs], lmbda=lam)
    return new, float(lam)


def _changed_points(c: str, units: pd.Index, a: np.ndarray, new: np.ndarray, transform: str) -> list[dict[str, Any]]:
    """The treated points of one indicator (a transformation changes every observed value)."""
    if transform:
        changed = ~np.isnan(a)
        kind = [transform] * int(changed.sum())
    else:
        changed = ~np.isnan(a) & (new != a)
        kind = ["winsorised_high" if nv < ov else "winsorised_low"
                for nv, ov in zip(new[changed], a[changed], strict=True)]
    return [{"unit": u, "indicator": c, "original": ov, "treated": nv, "treatment": k}
            for u, ov, nv, k in zip(units[changed].tolist(), a[changed].tolist(),
                                    new[changed].tolist(), kind, strict=True)]


# ------------------------------------------------------------------------------ the registry

_WIN = (Param("winmax", 5, "int", None, "most points winsorised per indicator"),
        Param("skew_thresh", 2.0, "float", None, "|skewness| threshold"),
        Param("kurt_thresh", 3.5, "float", None, "kurtosis threshold"))
_APPLY = (Param("apply_to", "failing", "str", ("failing", "all"), "indicators transformed"),)

#: The outlier treatments (the only list of their names).
TREATMENT = Registry("treatment", {"en": "treatment method", "zh": "异常值处理方法"}, [
    MethodInfo("jrc", "treatment", function=treat, params=_WIN,
               label={"en": "JRC rule", "zh": "JRC 规则"},
               label_long={"en": "winsorise up to winmax points, then log if still skewed "
                                 "(COINr default)",
                           "zh": "先缩尾至多 winmax 个点，仍偏态则取对数（COINr 默认）"},
               formula={"en": "fails if |skew| >= 2 and kurtosis >= 3.5",
                        "zh": "|偏度| ≥ 2 且峰度 ≥ 3.5 判为异常"}),
    MethodInfo("winsorise", "treatment", function=treat, params=_WIN,
               label={"en": "winsorise", "zh": "缩尾"},
               label_long={"en": "winsorisation only", "zh": "仅缩尾处理"},
               formula={"en": "extreme values set to the next value", "zh": "极端值替换为次极值"}),
    MethodInfo("log", "treatment", function=treat, params=_APPLY,
               label={"en": "log", "zh": "对数"},
               label_long={"en": "log transform without winsorisation", "zh": "对数变换（不缩尾）"},
               formula={"en": "log(x - min + 0.01 (max - min))",
                        "zh": "log(x − min + 0.01 (max − min))"}),
    MethodInfo("boxcox", "treatment", function=treat,
               params=_APPLY + (Param("boxcox_lambda", None, "float", None, "lambda (None: ML)"),),
               label={"en": "Box-Cox", "zh": "Box-Cox 变换"},
               label_long={"en": "Box-Cox transform of x - min + 1", "zh": "对 x − min + 1 作 Box-Cox 变换"},
               formula={"en": "((x - min + 1)^lambda - 1)/lambda",
                        "zh": "((x − min + 1)^λ − 1)/λ"}),
    MethodInfo("none", "treatment", function=treat, label={"en": "none", "zh": "不处理"},
               label_long={"en": "no treatment", "zh": "不作异常值处理"},
               formula={"en": "x", "zh": "x"}),
])
#: Names of the treatments: a live view of :data:`TREATMENT`.
TREAT_METHODS = TREATMENT.view()
