r"""The normalisation formulas, column-wise on a float array, and the normalisation registry.

One implementation of each formula, shared by :func:`methods.index.normalise.normalise` (labelled,
per-indicator options, one column at a time) and :func:`methods.index.normalise.normalise_array` (a
whole matrix at once, for repeated evaluation). Each kernel takes the oriented values
:math:`x' = d_j x` (units x indicators), a :class:`Columns` context and the options, and returns
the normalised array and the anchors used (one value per column).

Each registry entry also declares the :class:`methods.registry.ScoreScale` its scores lie on
given its parameters (min-max to [a, b] gives [a, b]; z-scores are unbounded, centred on the
mean asked for).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from methods._errors import MethodError
from methods.registry import MethodInfo, Param, Registry, ScoreScale

__all__ = ["NORMALISATION", "Columns", "decimals_for", "vectorisable"]

Info = dict[str, np.ndarray]


@dataclass(frozen=True)
class Columns:
    """What a kernel needs besides the oriented values: the raw values (``goalposts`` anchors
    in the indicator's units), the directions, the column names (for errors and per-indicator
    options), the unit index (``distance_reference``) and the caller's name (for errors)."""

    raw: np.ndarray
    directions: np.ndarray
    names: Sequence[str]
    index: pd.Index | None = None
    where: str = "normalise"

    def error(self, j: int, method: str, what: str) -> MethodError:
        return MethodError(f"{self.where}(method={method!r}): indicator {self.names[j]!r} {what}")


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _no_variance(cols: Columns, j: int, method: str) -> MethodError:
    return cols.error(j, method, "has no variance (all values equal); it cannot be rescaled: "
                                 "drop it or use goalposts")


def _pair(opts: Mapping[str, Any], key: str, default: tuple[float, float]) -> tuple[float, float]:
    v = opts.get(key, default)
    return float(v[0]), float(v[1])


def minmax(x: np.ndarray, cols: Columns, opts: Mapping[str, Any], method: str = "minmax"
           ) -> tuple[np.ndarray, Info]:
    r""":math:`l + (u-l)(x'-\min x')/(\max x'-\min x')`; ``distance_max`` is (l, u) = (0, 1)."""
    lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    if np.any(hi == lo):
        raise _no_variance(cols, _first(hi == lo), method)
    low, up = (0.0, 1.0)
    if method == "minmax":
        low, up = _pair(opts, "range", (0.0, 100.0))
        if not up > low:
            raise MethodError(f"{cols.where}: range={opts.get('range')!r}; expected (lower, "
                              "upper), lower < upper")
    d = cols.directions
    return (x - lo) / (hi - lo) * (up - low) + low, {"low": lo * d, "high": hi * d}


def distance_max(x: np.ndarray, cols: Columns, opts: Mapping[str, Any]) -> tuple[np.ndarray, Info]:
    r""":math:`1-(\max x'-x')/(\max x'-\min x')` (min-max to [0, 1])."""
    return minmax(x, cols, opts, "distance_max")


def zscore(x: np.ndarray, cols: Columns, opts: Mapping[str, Any]) -> tuple[np.ndarray, Info]:
    r""":math:`m + s(x'-\bar x')/\mathrm{sd}(x')`, sample sd."""
    m, s = _pair(opts, "mean_sd", (0.0, 1.0))
    if not s > 0:
        raise MethodError(f"{cols.where}: mean_sd={opts.get('mean_sd')!r}; the sd must be positive")
    mu = np.nanmean(x, axis=0)
    sd = np.nanstd(x, axis=0, ddof=1)
    if np.any(~(sd > 0)):
        raise _no_variance(cols, _first(~(sd > 0)), "zscore")
    return (x - mu) / sd * s + m, {"mean": mu * cols.directions, "sd": sd}


def rank(x: np.ndarray, cols: Columns, opts: Mapping[str, Any]) -> tuple[np.ndarray, Info]:
    """Rank of :math:`x'` (1 = worst), ties ``ties`` (``min``)."""
    ties = str(opts.get("ties", "min"))
    return pd.DataFrame(x).rank(method=ties, na_option="keep").to_numpy(), {}


def percentile(x: np.ndarray, cols: Columns, opts: Mapping[str, Any]) -> tuple[np.ndarray, Info]:
    r""":math:`(\mathrm{rank}-1)/(n-1)`."""
    r, _ = rank(x, cols, opts)
    n = np.sum(~np.isnan(x), axis=0)
    if np.any(n < 2):
        raise MethodError(f"{cols.where}: indicator {cols.names[_first(n < 2)]!r} has fewer than "
                          "2 values")
    return (r - 1) / (n - 1), {}


def fraction_max(x: np.ndarray, cols: Columns, opts: Mapping[str, Any]) -> tuple[np.ndarray, Info]:
    r""":math:`x'/\max x'`, for ratio-scale data. The oriented maximum must be positive: a
    negative-direction indicator of positive values, oriented as :math:`-x`, has a negative
    maximum, and dividing by it would rank the indicator backwards."""
    mx = np.nanmax(x, axis=0)
    if np.any(mx < 0):
        raise cols.error(_first(mx < 0), "fraction_max",
                         "has a negative maximum once oriented (a negative-direction indicator is "
                         "-x), so x / max would rank it backwards; use distance_max or minmax")
    if np.any(mx == 0):
        raise cols.error(_first(mx == 0), "fraction_max", "has max 0")
    return x / mx, {}


def _per_column(opts: Mapping[str, Any], key: str, cols: Columns, method: str) -> list[Any]:
    table = opts.get(key)
    what = "(low, high)" if key == "goalposts" else "an entry"
    for c in cols.names:
        if not isinstance(table, Mapping) or c not in table:
            raise MethodError(f"{cols.where}(method={method!r}) needs {key}= with {what} for {c!r}")
    return [table[c] for c in cols.names]  # type: ignore[index]


def distance_target(x: np.ndarray, cols: Columns, opts: Mapping[str, Any]
                    ) -> tuple[np.ndarray, Info]:
    r""":math:`(x'-\min x')/(d_j t_j-\min x')`, capped at 1 with ``cap``."""
    d = cols.directions
    t = np.array(_per_column(opts, "targets", cols, "distance_target"), dtype=float) * d
    mn = np.nanmin(x, axis=0)
    if np.any(t == mn):
        raise MethodError(f"{cols.where}: the target of {cols.names[_first(t == mn)]!r} equals "
                          "its worst value; the distance is undefined")
    y = (x - mn) / (t - mn)
    if opts.get("cap", False):
        y = np.minimum(y, 1.0)
    return y, {"target": t * d, "low": mn * d}


def distance_reference(x: np.ndarray, cols: Columns, opts: Mapping[str, Any]
                       ) -> tuple[np.ndarray, Info]:
    r""":math:`1-(x'_r-x')/(x'_r-\min x')`, ``reference`` a unit; capped at 1 with ``cap``."""
    ref = opts.get("reference")
    if cols.index is None or ref not in cols.index:
        raise MethodError(f"{cols.where}(method='distance_reference'): reference unit {ref!r} "
                          "not in the data")
    xr = x[cols.index.get_loc(ref)]
    mn = np.nanmin(x, axis=0)
    bad = np.isnan(xr) | (xr == mn)
    if np.any(bad):
        raise MethodError(f"{cols.where}: reference unit {ref!r} is missing or worst on "
                          f"{cols.names[_first(bad)]!r}; the distance is undefined")
    y = 1 - (xr - x) / (xr - mn)
    if opts.get("cap", False):
        y = np.minimum(y, 1.0)
    return y, {"reference": xr * cols.directions, "low": mn * cols.directions}


def goalposts(x: np.ndarray, cols: Columns, opts: Mapping[str, Any]) -> tuple[np.ndarray, Info]:
    r"""Fixed anchors in the indicator's units: :math:`(x-\text{low})/(\text{high}-\text{low})`
    (positive) or :math:`(\text{high}-x)/(\text{high}-\text{low})` (negative), clipped to [0, 1]
    (``clip``), times ``scale`` (or mapped onto ``range`` ``(a, b)`` as :math:`a + (b-a)y`)."""
    gp = np.array([[float(v) for v in g] for g in _per_column(opts, "goalposts", cols,
                                                              "goalposts")]).reshape(-1, 2)
    low, high = gp[:, 0], gp[:, 1]
    if np.any(~(high > low)):
        j = _first(~(high > low))
        raise MethodError(f"{cols.where}: goalposts of {cols.names[j]!r} are ({low[j]}, "
                          f"{high[j]}); expected low < high in the indicator's units")
    raw = cols.raw
    y = np.where(cols.directions > 0, (raw - low) / (high - low), (high - raw) / (high - low))
    if opts.get("clip", True):
        y = np.clip(y, 0.0, 1.0)
    if opts.get("range") is not None:
        a, b = (float(v) for v in opts["range"])
        return a + (b - a) * y, {"low": low, "high": high}
    return y * float(opts.get("scale", 100.0)), {"low": low, "high": high}


def none(x: np.ndarray, cols: Columns, opts: Mapping[str, Any]) -> tuple[np.ndarray, Info]:
    """:math:`x'` only (oriented)."""
    return x, {}


# ----------------------------------------------------------------------------- scales


def decimals_for(span: float) -> int:
    """Decimals worth showing for scores spread over ``span``: 1 for 0-100, 3 for 0-1."""
    if not span > 0 or not math.isfinite(span):
        return 2
    return max(0, 3 - math.ceil(math.log10(span)))


def _minmax_scale(p: Mapping[str, Any]) -> ScoreScale:
    lo, hi = _pair(p, "range", (0.0, 100.0))
    return ScoreScale(lo, hi, True, decimals_for(hi - lo))


def _zscore_scale(p: Mapping[str, Any]) -> ScoreScale:
    m, s = _pair(p, "mean_sd", (0.0, 1.0))
    return ScoreScale(None, None, False, decimals_for(4 * s), centre=m)


def _capped(p: Mapping[str, Any]) -> ScoreScale:
    return ScoreScale(0.0, 1.0, True, 3) if p.get("cap") else ScoreScale(0.0, None, False, 3)


def _reference_scale(p: Mapping[str, Any]) -> ScoreScale:
    # the worst unit scores 0 and the reference 1; better units exceed 1 unless capped
    return ScoreScale(0.0, 1.0, True, 3) if p.get("cap") else ScoreScale(0.0, None, False, 3)


def _goalposts_scale(p: Mapping[str, Any]) -> ScoreScale:
    if p.get("range") is not None and p.get("clip", True):
        a, b = (float(v) for v in p["range"])
        return ScoreScale(a, b, True, decimals_for(b - a))
    sc = float(p.get("scale", 100.0))
    if p.get("clip", True):
        return ScoreScale(0.0, sc, True, decimals_for(sc))
    return ScoreScale(None, None, False, decimals_for(sc))


def _info(name: str, fn: Any, scale: Any, params: tuple[Param, ...], en: str, zh: str,
          long_en: str, long_zh: str, f_en: str, f_zh: str) -> MethodInfo:
    return MethodInfo(name, "normalisation", function=fn, params=params, scale=scale,
                      label={"en": en, "zh": zh}, label_long={"en": long_en, "zh": long_zh},
                      formula={"en": f_en, "zh": f_zh})


_TIES = Param("ties", "min", "str", ("min", "max", "average", "first", "dense"),
              "how tied values are ranked")
_CAP = Param("cap", False, "bool", None, "cap the scores at 1")

#: The normalisation methods (the only list of their names).
NORMALISATION = Registry("normalisation", {"en": "normalisation method", "zh": "标准化方法"}, [
    _info("minmax", minmax, _minmax_scale,
          (Param("range", (0.0, 100.0), "pair", None, "(lower, upper) of the scores"),),
          "min-max", "极差标准化", "min-max rescaling to a range (default 0-100)",
          "极差标准化（默认 0–100）", "l + (u - l)(x - min)/(max - min)",
          "l + (u − l)(x − min)/(max − min)"),
    _info("zscore", zscore, _zscore_scale,
          (Param("mean_sd", (0.0, 1.0), "pair", None, "(mean, sd) of the scores"),),
          "z-score", "Z 分数", "standardised scores (z-scores)", "Z 分数标准化",
          "m + s (x - mean)/sd", "m + s (x − 均值)/标准差"),
    _info("rank", rank, ScoreScale(1.0, None, False, 0, kind="rank"), (_TIES,),
          "rank", "排序", "rank of each unit (1 = worst)", "位次（1 = 最差）",
          "rank(x), ties min", "rank(x)，并列取最小"),
    _info("percentile", percentile, ScoreScale(0.0, 1.0, True, 3, kind="share"), (_TIES,),
          "percentile rank", "百分位", "percentile rank in [0, 1]", "百分位位次 [0, 1]",
          "(rank - 1)/(n - 1)", "(rank − 1)/(n − 1)"),
    _info("distance_max", distance_max, ScoreScale(0.0, 1.0, True, 3), (),
          "distance to max", "距最优值", "distance to the best value, in [0, 1]",
          "与最优值的距离 [0, 1]", "1 - (max - x)/(max - min)", "1 − (max − x)/(max − min)"),
    _info("fraction_max", fraction_max, ScoreScale(None, 1.0, False, 3), (),
          "fraction of max", "占最优值比例", "fraction of the best value (ratio-scale data)",
          "占最优值的比例（比率尺度数据）", "x / max", "x / max"),
    _info("distance_target", distance_target, _capped,
          (Param("targets", None, "mapping", None, "{indicator: target} in its units"), _CAP),
          "distance to target", "距目标值", "distance from the worst value to a target",
          "从最差值到目标值的距离", "(x - min)/(target - min)", "(x − min)/(目标 − min)"),
    _info("distance_reference", distance_reference, _reference_scale,
          (Param("reference", None, "unit", None, "the reference unit"), _CAP),
          "distance to reference", "距参照单位", "distance to a reference unit",
          "与参照单位的距离", "1 - (x_ref - x)/(x_ref - min)", "1 − (x_参照 − x)/(x_参照 − min)"),
    _info("goalposts", goalposts, _goalposts_scale,
          (Param("goalposts", None, "mapping", None, "{indicator: (low, high)} in its units"),
           Param("clip", True, "bool", None, "clip to the goalposts"),
           Param("scale", 100.0, "float", None, "scores times this"),
           Param("range", None, "sequence", None, "(a, b): map the goalposts onto [a, b] instead")),
          "goalposts", "固定阈值", "fixed goalposts (comparable across years)",
          "固定阈值标准化（可跨年比较）", "scale * (x - low)/(high - low), clipped",
          "scale × (x − low)/(high − low)，截断"),
    _info("none", none, ScoreScale(None, None, False, 2, kind="raw"), (),
          "none", "不标准化", "no normalisation (oriented values)", "不标准化（仅统一方向）",
          "d * x", "d × x"),
])


def vectorisable(section: Mapping[str, Any]) -> bool:
    """Whether a normalise section can be computed on a whole matrix at once
    (:func:`methods.index.normalise.normalise_array`): a registered method without per-indicator
    parameters (targets, goalposts, a reference unit) and no per-indicator overrides.

    >>> vectorisable({"method": "zscore", "mean_sd": [10, 2]}), vectorisable({"method": "goalposts"})
    (True, False)
    """
    info = NORMALISATION.get(section.get("method", "minmax"), None)
    if info is None or any(p.type in ("mapping", "unit") for p in info.params):
        return False
    return set(section) - {"method"} <= set(info.param_names)
