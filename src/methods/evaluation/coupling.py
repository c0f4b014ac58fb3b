"""Coupling coordination degree (耦合协调度) between subsystems.

For every unit, the development scores :math:`U_1,\\dots,U_n \\in [0,1]` of :math:`n`
subsystems (here: dimensions of the index, e.g. A 基础支撑 as input and B 服务效能 as output)
give a coupling degree :math:`C` (how evenly they develop), a comprehensive development index
:math:`T=\\sum_i \\alpha_i U_i` and the coordination degree :math:`D=\\sqrt{C\\,T}`, reported in
the usual ten bands (极度失调 … 优质协调). For two subsystems the result also says which one lags
(相对发展度), which answers whether a locality invests in support without matching service
outcomes (重投入轻产出).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np
import pandas as pd

from methods._checks import complete_frame, weight_vector
from methods._errors import MethodError, MethodTypeError
from methods.conventions import Convention, check_convention, spssau_interval
from methods.summary import Result, Summary, ranking_line

__all__ = [
    "COORDINATION_BANDS",
    "INPUT_OUTPUT_SIDES",
    "CouplingResult",
    "KindSubsystems",
    "coordination_band",
    "coupling_coordination",
    "kind_subsystems",
]

#: Ten equal bands of D (lower bound inclusive except the first), as widely used in Chinese
#: studies (e.g. 廖重斌 1999; 田深圳 等 2021, 地理学报 76(4) 表1). Each: (upper bound, zh, en).
COORDINATION_BANDS: tuple[tuple[float, str, str], ...] = (
    (0.1, "极度失调", "extreme imbalance"),
    (0.2, "严重失调", "serious imbalance"),
    (0.3, "中度失调", "moderate imbalance"),
    (0.4, "轻度失调", "mild imbalance"),
    (0.5, "濒临失调", "on the verge of imbalance"),
    (0.6, "勉强协调", "barely coordinated"),
    (0.7, "初级协调", "primary coordination"),
    (0.8, "中级协调", "intermediate coordination"),
    (0.9, "良好协调", "good coordination"),
    (1.0, "优质协调", "high-quality coordination"),
)


def coordination_band(d: float | np.ndarray | pd.Series, lang: str = "zh") -> object:
    """Band label(s) of coordination degree(s) ``d`` in [0, 1] (intervals (a, b], first [0, 0.1])."""
    if lang not in ("zh", "en"):
        raise MethodError(f"lang must be 'zh' or 'en', got {lang!r}")
    uppers = np.array([b[0] for b in COORDINATION_BANDS])
    labels = [b[1] if lang == "zh" else b[2] for b in COORDINATION_BANDS]
    arr = np.asarray(d, dtype=float)
    if np.isnan(arr).any() or (arr < 0).any() or (arr > 1 + 1e-12).any():
        raise MethodError("coordination degrees must lie in [0, 1]")
    pos = np.searchsorted(uppers + 1e-12, arr, side="left")
    pos = np.minimum(pos, len(labels) - 1)
    if isinstance(d, pd.Series):
        return pd.Series([labels[p] for p in pos], index=d.index, name="band")
    if arr.ndim == 0:
        return labels[int(pos)]
    return np.array([labels[p] for p in pos.ravel()], dtype=object).reshape(arr.shape)


@dataclass(frozen=True)
class CouplingResult(Result):
    """Coupling coordination per unit.

    Attributes
    ----------
    coupling : pd.Series
        Coupling degree C in [0, 1].
    development : pd.Series
        Comprehensive development index T.
    coordination : pd.Series
        Coupling coordination degree D = sqrt(C·T).
    band : pd.Series
        Band of D (zh labels; see :data:`COORDINATION_BANDS` for en).
    relative : pd.Series or None
        Two subsystems only: U_2 / U_1 (second over first subsystem); NaN-free (U_1 > 0 is
        required for it, else None).
    lagging : pd.Series or None
        Two subsystems only: which subsystem lags: the first column's name, the second's, or
        "balanced" when |U_2/U_1 − 1| <= ``tolerance``.
    variant : str
        "standard" or "wang2021".
    weights : pd.Series
        Subsystem weights α (sum 1).
    """

    coupling: pd.Series
    development: pd.Series
    coordination: pd.Series
    band: pd.Series
    relative: pd.Series | None
    lagging: pd.Series | None
    variant: str
    weights: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """Per unit: C, T, D, band and, for two subsystems, relative development and lag."""
        out = pd.DataFrame(
            {
                "C": self.coupling,
                "T": self.development,
                "D": self.coordination,
                "band": self.band,
            }
        )
        if self.relative is not None and self.lagging is not None:
            out["relative"] = self.relative
            out["lagging"] = self.lagging
        return out

    @property
    def scores(self) -> pd.Series:
        """The coupling coordination degree D (the shared name of evaluation scores)."""
        return self.coordination

    @property
    def ranks(self) -> pd.Series:
        """Ranks of D, 1 = best coordinated (ties "min")."""
        return self.coordination.rank(ascending=False, method="min")

    def summary(self) -> Summary:
        """Mean C, T, D and the ranking by D; the table: number and share of units per band, in
        band order."""
        order = [b[1] for b in COORDINATION_BANDS]
        counts = self.band.value_counts().reindex(order, fill_value=0)
        lines = [f"mean C = {self.coupling.mean():.3f}, T = {self.development.mean():.3f}, "
                 f"D = {self.coordination.mean():.3f} ({self.variant}, "
                 f"{len(self.weights)} subsystems)",
                 ranking_line(self.coordination, self.ranks, "D")]
        return Summary("Coupling coordination", lines,
                       [pd.DataFrame({"n": counts, "share": counts / counts.sum()})])


def coupling_coordination(
    scores: pd.DataFrame,
    *,
    weights: Mapping[object, float] | pd.Series | Sequence[float] | None = None,
    variant: Literal["standard", "wang2021"] = "wang2021",
    tolerance: float = 0.1,
    convention: Convention = "dgpe",
) -> CouplingResult:
    r"""Coupling degree, development index and coupling coordination degree.

    ``variant="standard"`` — the normative n-system form (Wang et al. 2021, eq. 2):

    .. math:: C = n\Big[\frac{\prod_{i=1}^n U_i}{\big(\sum_{i=1}^n U_i\big)^n}\Big]^{1/n},

    which for two systems is :math:`2\sqrt{U_1U_2}/(U_1+U_2)`. Its values crowd near 1 (0.9987
    for :math:`U=(0.28, 0.31)`), so it hardly separates units.

    ``variant="wang2021"`` (default) — the corrected coupling degree of 王淑佳 等 (2021):

    .. math::

        C = \sqrt{\Big[1 - \frac{\sum_{i>j}|U_i-U_j|}{\sum_{m=1}^{n-1} m}\Big]
                  \times \Big(\prod_{i=1}^n \frac{U_i}{\max_i U_i}\Big)^{\frac{1}{n-1}}},

    for two systems :math:`\sqrt{(1-|U_2-U_1|)\,\min(U)/\max(U)}`.

    Then :math:`T = \sum_i \alpha_i U_i` (equal :math:`\alpha` by default) and
    :math:`D = \sqrt{C\,T}`, banded by :data:`COORDINATION_BANDS`.

    Parameters
    ----------
    scores : pd.DataFrame
        Units × subsystems, development scores in [0, 1] (e.g. dimension scores / 100). The
        column order matters only for ``relative`` (second over first).
    weights : optional
        Subsystem weights α; equal by default.
    variant : {"wang2021", "standard"}, default "wang2021"
    tolerance : float, default 0.1
        Two subsystems: band of U_2/U_1 around 1 called "balanced".
    convention : {"dgpe", "spssau"}, default "dgpe"
        ``"dgpe"``: the scores are used as given and must lie in [0, 1]. ``"spssau"``: SPSSAU's
        default 数据区间化, each column rescaled to [0.01, 0.99] by
        :math:`0.01 + 0.98\,(x - \min)/(\max - \min)` first (any finite scores;
        :func:`methods.conventions.spssau_interval`). The coupling formula stays ``variant``'s.

    Returns
    -------
    CouplingResult

    Notes
    -----
    Missing data: none allowed. Scores outside [0, 1] raise MethodError naming unit and
    subsystem; so does a unit whose scores are all 0 (C is 0/0 there: rescale, e.g. to
    [0.01, 1]).

    Matches ``mathmodels::coupling_degree`` (R, 0.0.11; ``type = "standard"`` and
    ``"adjusted"``) to 1e-12 (``tests/reference/cn_coupling_mathmodels.json``). Published
    tables (``tests/test_published_examples.py``): ``"standard"`` reproduces C, T and D of *Math. Probl. Eng.* 2022, art.
    2969206, Table 4 (3 decimals, within the rounding of its printed inputs); Wang et al.'s
    Table 8 prints both C's of 91 city-years but no U: every pair is attainable by scores in
    [0, 1] under ``"standard"`` and ``"wang2021"`` (a falsifiable check, not a reproduction).

    Examples
    --------
    Input and output subsystems of three units (the corrected C separates unit A, whose outputs
    lag its inputs, far more than the standard C does):

    >>> import pandas as pd
    >>> from methods.evaluation.coupling import coupling_coordination
    >>> u = pd.DataFrame({"input": [0.80, 0.50, 0.30], "output": [0.40, 0.50, 0.35]},
    ...                  index=["A", "B", "C"])
    >>> coupling_coordination(u).to_frame().round(4)
            C      T       D  band  relative   lagging
    A  0.5477  0.600  0.5733  勉强协调    0.5000    output
    B  1.0000  0.500  0.7071  中级协调    1.0000  balanced
    C  0.9024  0.325  0.5415  勉强协调    1.1667     input
    >>> coupling_coordination(u, variant="standard").coupling.round(4)
    A    0.9428
    B    1.0000
    C    0.9970
    Name: C, dtype: float64

    References
    ----------
    1. 王淑佳, 孔伟, 任亮, 治丹丹, 戴彬婷 (2021). 国内耦合协调度模型的误区及修正.
       《自然资源学报》 36(3), 793–810. doi:10.31497/zrzyxb.20210319
    2. 廖重斌 (1999). 环境与经济协调发展的定量评判及其分类体系. 《热带地理》 19(2), 171–177.
    3. 刘春林 (2017). 耦合度计算的常见错误分析. 《淮阴师范学院学报(自然科学版)》 16(1), 18–22.
    """
    u = _checked_scores(scores, convention, tolerance)
    cols = list(u.columns)
    vals = u.to_numpy()
    n = len(cols)
    c = _coupling_degree(vals, variant)
    c = np.clip(c, 0.0, 1.0)
    alpha = weight_vector(weights, cols)
    t = vals @ alpha
    d = np.sqrt(c * t)
    idx = u.index
    coupling = pd.Series(c, index=idx, name="C")
    coordination = pd.Series(d, index=idx, name="D")
    relative = lagging = None
    if n == 2 and (vals[:, 0] > 0).all():
        rel = vals[:, 1] / vals[:, 0]
        relative = pd.Series(rel, index=idx, name="relative")
        lab = np.where(
            rel < 1 - tolerance, str(cols[1]), np.where(rel > 1 + tolerance, str(cols[0]), "balanced")
        )
        lagging = pd.Series(lab, index=idx, name="lagging", dtype=object)
    return CouplingResult(
        coupling=coupling,
        development=pd.Series(t, index=idx, name="T"),
        coordination=coordination,
        band=coordination_band(coordination),
        relative=relative,
        lagging=lagging,
        variant=variant,
        weights=pd.Series(alpha, index=cols, name="weight"),
    )


def _checked_scores(scores: pd.DataFrame, convention: str, tolerance: float) -> pd.DataFrame:
    """:func:`coupling_coordination`'s scores (SPSSAU: rescaled to [0, 1] first) checked: in
    [0, 1], no unit at 0 in every subsystem; and a valid ``tolerance``."""
    u = complete_frame(scores, name="scores", min_rows=1, min_cols=2)
    if check_convention(convention) == "spssau":
        u = spssau_interval(u, name="scores")
    cols = list(u.columns)
    vals = u.to_numpy()
    out_of_range = (vals < 0) | (vals > 1)
    if out_of_range.any():
        i, j = np.argwhere(out_of_range)[0]
        raise MethodError(
            f"score of unit {u.index[i]!r} in subsystem {cols[j]!r} is {vals[i, j]!r}; "
            "expected a value in [0, 1] (divide 0-100 scores by 100)"
        )
    allzero = (vals == 0).all(axis=1)
    if allzero.any():
        bad = list(u.index[allzero])
        raise MethodError(
            f"unit(s) {bad[:5]} score 0 in every subsystem, where the coupling degree is "
            "undefined (0/0); rescale the scores to e.g. [0.01, 1]"
        )
    if not np.isfinite(tolerance) or tolerance < 0:
        raise MethodError(f"tolerance must be a finite number >= 0, got {tolerance!r}")
    return u


def _coupling_degree(vals: np.ndarray, variant: str) -> np.ndarray:
    """The coupling degree C of each row (before clipping to [0, 1]), by ``variant``."""
    n = vals.shape[1]
    if variant == "standard":
        gm = np.exp(np.log(np.where(vals > 0, vals, 1.0)).mean(axis=1))
        gm = np.where((vals > 0).all(axis=1), gm, 0.0)
        return n * gm / vals.sum(axis=1)
    if variant == "wang2021":
        pairs = list(combinations(range(n), 2))
        spread = sum(np.abs(vals[:, i] - vals[:, j]) for i, j in pairs) / (n * (n - 1) / 2)
        ratio = vals / vals.max(axis=1, keepdims=True)
        return np.sqrt((1.0 - spread) * np.prod(ratio, axis=1) ** (1.0 / (n - 1)))
    raise MethodError(f"variant must be 'standard' or 'wang2021', got {variant!r}")


#: Default subsystems of :func:`kind_subsystems`: inputs against outputs and outcomes.
INPUT_OUTPUT_SIDES: dict[str, tuple[str, ...]] = {"input": ("input",), "output": ("output", "outcome")}


@dataclass(frozen=True)
class KindSubsystems(Result):
    """Result of :func:`kind_subsystems`.

    Attributes
    ----------
    members : mapping subsystem → tuple of its indicator codes (in column order).
    nominal_weight : Series, the summed nominal weight of each subsystem's indicators.
    empty : tuple of the subsystems with no indicator (then ``scores`` is None).
    scores : DataFrame or None
        Units × subsystems, the development scores :math:`U` for
        :func:`coupling_coordination`; None when a subsystem is empty.
    """

    members: Mapping[str, tuple[str, ...]]
    nominal_weight: pd.Series
    empty: tuple[str, ...]
    scores: pd.DataFrame | None

    def to_frame(self) -> pd.DataFrame:
        """One row per subsystem: its indicators (comma-separated) and nominal weight."""
        return pd.DataFrame(
            {
                "indicators": [", ".join(v) for v in self.members.values()],
                "nominal_weight": list(self.nominal_weight),
            },
            index=pd.Index(list(self.members), name="subsystem"),
        )

    def summary(self) -> Summary:
        """Subsystems and their sizes; the empty ones."""
        lines = [", ".join(f"{k}: {len(v)} indicators" for k, v in self.members.items())]
        if self.empty:
            lines.append(f"empty (no development scores): {', '.join(self.empty)}")
        return Summary("Subsystems by indicator kind", lines, [self.to_frame()])


def kind_subsystems(
    scores: pd.DataFrame,
    kind: Mapping[str, str] | pd.Series,
    weights: Mapping[str, float] | pd.Series,
    *,
    sides: Mapping[str, Sequence[str]] | None = None,
    scale: float = 100.0,
) -> KindSubsystems:
    r"""Subsystem development scores from indicator kinds (input / output / outcome).

    Each subsystem :math:`S` gathers the indicators whose kind is in ``sides[S]``; its score is
    the weighted mean of their normalised scores, divided by ``scale`` to land in [0, 1]:

    .. math:: U_{S,u} = \frac{1}{\text{scale}}\,
              \frac{\sum_{j \in S} w_j\, x_{uj}}{\sum_{j \in S} w_j}.

    With the default sides (inputs against outputs and outcomes) this is the input-output
    coupling of the evaluation (重投入轻产出): the two columns go to
    :func:`coupling_coordination`.

    Parameters
    ----------
    scores : DataFrame
        Units × indicators, normalised (e.g. min-max on 0-100).
    kind : indicator code → kind (e.g. ``meta.set_index("code")["kind"]``); every column of
        ``scores`` needs one.
    weights : indicator code → nominal (effective) weight, non-negative; every column needs one.
    sides : subsystem name → kinds it gathers; default ``{"input": ("input",),
        "output": ("output", "outcome")}``.
    scale : divisor that puts the scores on [0, 1] (100 for 0-100 scores).

    Returns
    -------
    KindSubsystems
        ``scores`` is None (and ``empty`` names the subsystem) when a subsystem has no indicator.

    Notes
    -----
    Missing data: a missing cell adds nothing to the numerator while its weight stays in the
    denominator (impute first); a unit with no observed indicator of a subsystem gets NaN.
    No peer computes this aggregation; ``tests/test_coupling.py`` checks it by hand.

    References
    ----------
    1. 王淑佳, 孔伟, 任亮, 治丹丹, 戴彬婷 (2021). 国内耦合协调度模型的误区及修正.
       《自然资源学报》 36(3): 793-810 (subsystem scores as weighted sums of normalised indicators).
    """
    if not isinstance(scores, pd.DataFrame):
        raise MethodTypeError(f"scores must be a pandas DataFrame, got {type(scores).__name__}")
    kind = pd.Series(kind) if not isinstance(kind, pd.Series) else kind
    weights = pd.Series(weights, dtype=float) if not isinstance(weights, pd.Series) else weights
    cols = [str(c) for c in scores.columns]
    for name, ser in (("kind", kind), ("weights", weights)):
        missing = [c for c in cols if c not in ser.index]
        if missing:
            raise MethodError(f"{name} has no entry for indicator(s) {missing[:8]}")
    neg = [c for c in cols if not float(weights[c]) >= 0]
    if neg:
        raise MethodError(f"weights of indicator(s) {neg[:8]} are negative or missing; expected >= 0")
    if not (np.isfinite(scale) and scale > 0):
        raise MethodError(f"scale={scale!r}; expected a positive number")
    sides = dict(INPUT_OUTPUT_SIDES if sides is None else sides)
    if not sides:
        raise MethodError("sides is empty; expected subsystem name → kinds")
    members = {k: tuple(c for c in cols if kind[c] in tuple(v)) for k, v in sides.items()}
    nominal = pd.Series({k: float(weights[list(v)].sum()) for k, v in members.items()}, dtype=float)
    empty = tuple(k for k, v in members.items() if not v)
    if empty:
        return KindSubsystems(members=members, nominal_weight=nominal, empty=empty, scores=None)
    zero = [k for k, v in members.items() if not nominal[k] > 0]
    if zero:
        raise MethodError(f"subsystem(s) {zero}: the weights of their indicators sum to 0")
    u = pd.DataFrame({
        k: (scores[list(v)] * weights[list(v)]).sum(axis=1, min_count=1) / weights[list(v)].sum()
        for k, v in members.items()
    }) / scale  # fmt: skip
    return KindSubsystems(members=members, nominal_weight=nominal, empty=(), scores=u)
