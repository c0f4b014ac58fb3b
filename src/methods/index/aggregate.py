"""Aggregation of normalised indicators up a hierarchy, level by level.

``aggregate`` is the labelled entry point; :class:`AggregationPlan` precomputes the hierarchy's
structure once so that :meth:`AggregationPlan.evaluate` aggregates a plain numpy matrix with any
weight vector in a few matrix products (the fast path for uncertainty analysis). ``topsis`` and
``copeland`` are also usable on their own.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from methods._checks import numeric_frame, rank_desc, weight_vector
from methods._errors import MethodError, MethodWarning
from methods._meta import Hierarchy, hierarchy_from_meta
from methods.conventions import convention_default
from methods.index.aggregation_kernels import AGGREGATION, canonical_method, kernel_of
from methods.registry import AggregationKernel
from methods.summary import Result, Summary, ranking_line

__all__ = [
    "AGGREGATION",
    "AGGREGATION_METHODS",
    "AggregationPlan",
    "AggregationResult",
    "CopelandResult",
    "TopsisResult",
    "aggregate",
    "copeland",
    "topsis",
]

#: Names of the aggregation methods: a live view of :data:`AGGREGATION` (the registry).
AGGREGATION_METHODS = AGGREGATION.view()
_NEEDS_POSITIVE = {"geometric": "geometric mean (uses log x)", "harmonic": "harmonic mean (uses 1/x)"}


# ---------------------------------------------------------------------------- TOPSIS / Copeland


def _weight_vector(weights: pd.Series | Sequence[float] | np.ndarray, columns: Sequence[str],
                   fn: str) -> np.ndarray:
    """The weights aligned with ``columns`` (checked by :func:`methods._checks.weight_vector`);
    TOPSIS and Copeland take them as given, so they must already sum to 1."""
    arr = weight_vector(weights, columns, name=f"{fn}: weights", rescale=False)
    if abs(arr.sum() - 1) > 1e-6:
        raise MethodError(
            f"{fn}: weights sum to {arr.sum():.6g}; expected 1 (rescale with w / w.sum())"
        )
    return arr


@dataclass(frozen=True)
class TopsisResult(Result):
    """Result of :func:`topsis`: ``scores`` (relative closeness :math:`C_i \\in [0,1]`),
    ``ranks`` (1 = best, ties "min"), distances ``d_plus``/``d_minus``, ``ideal``/``anti_ideal``."""

    scores: pd.Series
    ranks: pd.Series
    d_plus: pd.Series
    d_minus: pd.Series
    ideal: pd.Series
    anti_ideal: pd.Series
    weighted: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Per unit: closeness, rank and the two distances, best first."""
        out = pd.DataFrame({"score": self.scores, "rank": self.ranks, "d_plus": self.d_plus,
                            "d_minus": self.d_minus})
        return out.sort_values("rank")

    def summary(self) -> Summary:
        """The ranking in a line; closeness, rank and distances per unit."""
        return Summary("TOPSIS", [ranking_line(self.scores, self.ranks, "closeness")],
                       [self.to_frame()])


def topsis(
    x: pd.DataFrame,
    weights: pd.Series | Sequence[float] | np.ndarray,
    *,
    normalisation: str | None = None,
    directions: Mapping[str, float] | pd.Series | None = None,
    convention: str = "dgpe",
) -> TopsisResult:
    r"""TOPSIS (Technique for Order Preference by Similarity to Ideal Solution).

    .. math:: r_{ij} = x_{ij}/\sqrt{\textstyle\sum_i x_{ij}^2},\ v_{ij} = w_j r_{ij},\
              D_i^{\pm} = \lVert v_i - v^{\pm}\rVert_2,\ C_i = \frac{D_i^-}{D_i^+ + D_i^-}

    with :math:`v^+_j = \max_i v_{ij}` (``min`` for cost indicators) and :math:`v^-` the opposite.

    Parameters
    ----------
    x : DataFrame
        Units x indicators, complete.
    weights : Series or array
        Non-negative, summing to 1.
    normalisation : {"vector", "minmax", "none"}, optional
        ``vector`` is Hwang & Yoon's; ``none`` for data that are already normalised. Default:
        the ``convention``'s, ``vector`` (dgpe) or ``none`` (spssau).
    directions : mapping
        +1 benefit / -1 cost per indicator (default all +1; oriented data need none).
    convention : {"dgpe", "spssau"}, default "dgpe"
        Only sets the default ``normalisation``: SPSSAU's TOPSIS adds no normalisation of its
        own ("SPSSAU does not include this step in the TOPSIS algorithm",
        ``spssau.net/helps/topsis.html``); the user normalises first.

    Notes
    -----
    No missing values allowed (an error names the first missing cell). Agrees with pymcdm 1.4.0
    ``TOPSIS(vector_normalization)`` to 1e-12 and with an explicit loop implementation
    (tests/test_aggregate.py); reproduces the closeness of Papathanasiou & Ploskas (2018,
    *Multiple Criteria Decision Aid*, ch. 1) at 3 decimals, as listed in the tests of
    distance-metrics-for-mcda (tests/test_published_examples.py).

    References
    ----------
    1. Hwang, C.-L. & Yoon, K. (1981). Multiple Attribute Decision Making. Springer, pp. 128-140.
    """
    normalisation = convention_default(convention, normalisation, "vector", "none", "topsis: convention")
    vals = numeric_frame(x, name="x")
    if vals.isna().any().any():
        r, c = np.argwhere(vals.isna().to_numpy())[0]
        raise MethodError(
            f"topsis: missing value for unit {vals.index[r]!r}, indicator {vals.columns[c]!r}; "
            "impute first"
        )
    cols = list(vals.columns)
    w = _weight_vector(weights, cols, "topsis")
    r = _topsis_normalised(vals.to_numpy(), cols, normalisation)
    d = np.ones(len(cols)) if directions is None else np.array(
        [float(pd.Series(directions)[c]) for c in cols])
    v = r * w
    ideal = np.where(d > 0, v.max(axis=0), v.min(axis=0))
    anti = np.where(d > 0, v.min(axis=0), v.max(axis=0))
    dp = np.sqrt(np.sum((v - ideal) ** 2, axis=1))
    dm = np.sqrt(np.sum((v - anti) ** 2, axis=1))
    tot = dp + dm
    c = np.divide(dm, tot, out=np.full_like(dm, 0.5), where=tot > 0)
    idx = vals.index
    scores = pd.Series(c, index=idx, name="topsis")
    return TopsisResult(
        scores=scores, ranks=rank_desc(scores), d_plus=pd.Series(dp, index=idx),
        d_minus=pd.Series(dm, index=idx), ideal=pd.Series(ideal, index=cols),
        anti_ideal=pd.Series(anti, index=cols), weighted=pd.DataFrame(v, index=idx, columns=cols),
    )


def _topsis_normalised(a: np.ndarray, cols: list[str], normalisation: str) -> np.ndarray:
    """TOPSIS's normalised matrix: vector (column / its Euclidean norm), min-max or as given."""
    if normalisation == "vector":
        norm = np.sqrt(np.sum(a**2, axis=0))
        if np.any(norm == 0):
            c = cols[int(np.flatnonzero(norm == 0)[0])]
            raise MethodError(f"topsis: indicator {c!r} is all zero")
        return a / norm
    if normalisation == "minmax":
        span = a.max(axis=0) - a.min(axis=0)
        if np.any(span == 0):
            c = cols[int(np.flatnonzero(span == 0)[0])]
            raise MethodError(f"topsis: indicator {c!r} has no variance")
        return (a - a.min(axis=0)) / span
    if normalisation == "none":
        return a
    raise MethodError(f"topsis: normalisation={normalisation!r}; expected vector|minmax|none")


@dataclass(frozen=True)
class CopelandResult(Result):
    """Result of :func:`copeland`: ``scores`` (wins minus losses), ``ranks``, and the weighted
    ``outranking`` matrix :math:`e_{ab}` (share of weight on which a beats b, ties half)."""

    scores: pd.Series
    ranks: pd.Series
    outranking: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Per unit: score (wins minus losses) and rank, best first."""
        return pd.DataFrame({"score": self.scores, "rank": self.ranks}).sort_values("rank")

    def summary(self) -> Summary:
        """The ranking in a line; score and rank per unit."""
        return Summary("Copeland", [ranking_line(self.scores, self.ranks)], [self.to_frame()])


def copeland(x: pd.DataFrame, weights: pd.Series | Sequence[float] | np.ndarray) -> CopelandResult:
    r"""Copeland's non-compensatory ranking (Munda & Nardo).

    .. math:: e_{ab} = \sum_j w_j\left(1[x_{aj} > x_{bj}] + \tfrac12 1[x_{aj} = x_{bj}]\right),\quad
              \text{score}_a = \#\{b: e_{ab} > \tfrac12\} - \#\{b: e_{ab} < \tfrac12\}

    Parameters
    ----------
    x : DataFrame
        Oriented data (higher is better), units x indicators.
    weights : Series or array
        Non-negative, summing to 1 (read as importance coefficients, not trade-offs).

    Notes
    -----
    Missing values: each pair of units is compared on the indicators both have, with the
    weights of those indicators rescaled to sum to 1; a pair with no common indicator counts as a
    tie; an outranking share within 1e-12 of 1/2 is a tie. Tested against an explicit double loop.

    References
    ----------
    1. Munda, G. & Nardo, M. (2009). Noncompensatory/nonlinear composite indicators for ranking
       countries: a defensible setting. Applied Economics 41(12), 1513-1523.
    2. OECD/JRC (2008). Handbook on Constructing Composite Indicators, §6.2 (Box 6.6).
    """
    vals = numeric_frame(x, name="x")
    cols = list(vals.columns)
    w = _weight_vector(weights, cols, "copeland")
    a = vals.to_numpy()
    n = a.shape[0]
    num = np.zeros((n, n))
    den = np.zeros((n, n))
    for j in range(a.shape[1]):
        col = a[:, j]
        both = ~np.isnan(col)[:, None] & ~np.isnan(col)[None, :]
        diff = col[:, None] - col[None, :]
        score = np.where(diff > 0, 1.0, np.where(diff == 0, 0.5, 0.0))
        num += np.where(both, w[j] * score, 0.0)
        den += np.where(both, w[j], 0.0)
    e = np.divide(num, den, out=np.full((n, n), 0.5), where=den > 0)
    np.fill_diagonal(e, 0.5)
    tol = 1e-12  # weights like 0.3 + 0.2 vs 0.2 + 0.2 + 0.1: a tie, whatever the rounding
    s = np.sum(e > 0.5 + tol, axis=1) - np.sum(e < 0.5 - tol, axis=1)
    scores = pd.Series(s.astype(float), index=vals.index, name="copeland")
    return CopelandResult(scores, rank_desc(scores),
                          pd.DataFrame(e, index=vals.index, columns=vals.index))


# ----------------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class _Step:
    level: int
    parents: tuple[str, ...]
    parent_pos: np.ndarray  # positions in plan.codes
    child_pos: np.ndarray  # positions in plan.codes of all children of these parents
    membership: np.ndarray  # (n_child, n_parent) 0/1
    n_children: np.ndarray  # per parent


@dataclass(frozen=True)
class AggregationPlan:
    """The hierarchy's structure, precomputed for fast repeated aggregation.

    Build with :meth:`from_meta`; then :meth:`evaluate` takes an (units x indicators) numpy matrix in
    ``indicators`` order and a weight vector in ``codes`` order, and returns (units x nodes) scores
    in ``codes`` order. Weights are rescaled within each group of siblings inside ``evaluate``, so
    any non-negative vector (e.g. a perturbed one) can be passed.
    """

    codes: tuple[str, ...]
    indicators: tuple[str, ...]
    levels: tuple[int, ...]
    steps: tuple[_Step, ...]
    weights: np.ndarray
    methods: Mapping[str, str]
    hierarchy: Hierarchy = field(repr=False)

    @classmethod
    def from_meta(
        cls,
        meta: pd.DataFrame,
        method: str | Mapping[str | int, str] = "arithmetic",
        *,
        weights: Mapping[str, float] | pd.Series | None = None,
    ) -> AggregationPlan:
        """Build a plan. ``method`` is one name, or a mapping with keys ``"default"``, a level
        (int or its string, e.g. ``2`` or ``"2"``) or a node code; node beats level beats default.
        """
        hier = hierarchy_from_meta(meta)
        codes = hier.codes
        pos = {c: i for i, c in enumerate(codes)}
        w = dict(hier.weight)
        if weights is not None:
            ws = pd.Series(weights, dtype=float)
            unknown = [c for c in ws.index if c not in pos]
            if unknown:
                raise MethodError(f"aggregate: weights name unknown node(s) {unknown}")
            w.update(ws.to_dict())
        warr = np.array([w[c] for c in codes], dtype=float)
        bad = ~np.isfinite(warr) | (warr < 0)
        if bad.any():
            c = codes[int(np.flatnonzero(bad)[0])]
            raise MethodError(f"aggregate: node {c!r} has weight {w[c]}; expected non-negative")
        methods = _resolve_methods(hier, method)
        steps = []
        for lv in hier.levels:
            if lv == 1:
                continue
            parents = hier.nodes_at(lv)
            kids = [k for p in parents for k in hier.children[p]]
            mem = np.zeros((len(kids), len(parents)))
            r = 0
            for j, p in enumerate(parents):
                for _ in hier.children[p]:
                    mem[r, j] = 1.0
                    r += 1
                tot = sum(w[k] for k in hier.children[p])
                if tot <= 0:
                    raise MethodError(
                        f"aggregate: the weights of the children of node {p!r} sum to {tot}; "
                        "expected a positive sum"
                    )
            steps.append(_Step(
                level=lv, parents=parents,
                parent_pos=np.array([pos[p] for p in parents]),
                child_pos=np.array([pos[k] for k in kids]),
                membership=mem,
                n_children=mem.sum(axis=0),
            ))
        return cls(codes, hier.indicators, hier.levels, tuple(steps), warr, methods, hier)

    def weight_vector(self, weights: Mapping[str, float] | pd.Series) -> np.ndarray:
        """A weight array in ``codes`` order: the plan's weights updated with ``weights``."""
        out = self.weights.copy()
        pos = {c: i for i, c in enumerate(self.codes)}
        for k, v in pd.Series(weights, dtype=float).items():
            if k not in pos:
                raise MethodError(f"aggregate: weights name unknown node {k!r}")
            out[pos[k]] = v
        return out

    def evaluate(
        self,
        x: np.ndarray,
        weights: np.ndarray | None = None,
        *,
        methods: Mapping[str, str] | None = None,
        dat_thresh: float | None = None,
        p: float = 1.0,
        check: bool = True,
    ) -> np.ndarray:
        """Scores of every node (units x ``codes``) for indicator matrix ``x`` (units x
        ``indicators``).

        ``weights`` (``codes`` order, default the plan's) and ``methods`` (node -> method; default
        the plan's) may vary between calls; nothing else is recomputed. ``check=False`` skips the
        positivity checks of geometric/harmonic means (NaN then signals the problem).
        """
        x = np.asarray(x, dtype=float)
        if x.ndim != 2 or x.shape[1] != len(self.indicators):
            raise MethodError(
                f"AggregationPlan.evaluate: x has shape {x.shape}; expected (units, "
                f"{len(self.indicators)})"
            )
        w = self.weights if weights is None else np.asarray(weights, dtype=float)
        if w.shape != (len(self.codes),):
            raise MethodError(
                f"AggregationPlan.evaluate: {w.size} weights; expected one per node "
                f"({len(self.codes)})"
            )
        meth = self.methods if methods is None else {**self.methods, **methods}
        n = x.shape[0]
        out = np.full((n, len(self.codes)), np.nan)
        out[:, : len(self.indicators)] = x
        for st in self.steps:
            xc = out[:, st.child_pos]
            wc = w[st.child_pos]
            avail = ~np.isnan(xc)
            den = (avail * wc) @ st.membership
            res = np.full((n, len(st.parents)), np.nan)
            kinds = np.array([canonical_method(meth[pp], p) for pp in st.parents])
            for kind in np.unique(kinds):
                cols = np.flatnonzero(kinds == kind)
                kern = kernel_of(str(kind), p, field="aggregate")
                if check:
                    self._check_domain(out, st, cols, str(kind), p)
                if kern.joint:
                    self._joint_nodes(kern, xc, wc, st, cols, res, p)
                    continue
                mem = st.membership[:, cols]
                t = np.where(avail, kern.transform(np.where(avail, xc, 1.0), p), 0.0)  # type: ignore[misc]
                res[:, cols] = kern.finish((t * wc) @ mem, den[:, cols], p)  # type: ignore[misc]
            if dat_thresh is not None:
                share = (avail.astype(float) @ st.membership) / st.n_children
                res[share < dat_thresh] = np.nan
            res[den == 0] = np.nan
            out[:, st.parent_pos] = res
        return out

    @staticmethod
    def _joint_nodes(kern: AggregationKernel, xc: np.ndarray, wc: np.ndarray, st: _Step,
                     cols: np.ndarray, res: np.ndarray, p: float) -> None:
        """Joint nodes (TOPSIS, Copeland ...) by the shared kernel, one sample; a child weighted
        0 (e.g. excluded) takes no part, not even through its missing values or a zero
        column."""
        for j in cols:
            kid_idx = np.flatnonzero(st.membership[:, j] > 0)
            kid_idx = kid_idx[wc[kid_idx] > 0]
            ww = wc[kid_idx]  # raw, as the sensitivity engine passes them
            if ww.sum() <= 0:
                continue
            res[:, j] = kern.node(xc[None, :, kid_idx], ww[None, :], p)[0]  # type: ignore[misc]

    def _check_domain(self, out: np.ndarray, st: _Step, cols: np.ndarray, kind: str,
                      p: float) -> None:
        """The input domain the registry declares for ``kind`` (positive, non-negative)."""
        domain = AGGREGATION.get(kind).input_domain({"p": p})
        if domain == "any":
            return
        rows_k = st.membership[:, cols].sum(axis=1) > 0
        sub = out[:, st.child_pos[rows_k]]
        obs = sub[~np.isnan(sub)]
        if domain == "positive" and np.any(obs <= 0):
            self._positive_error(out, st, rows_k, kind)
        if domain == "nonnegative" and np.any(obs < 0):
            raise MethodError(f"aggregate: {AGGREGATION.get(kind).text('label')} needs "
                              "non-negative values")

    def _positive_error(self, out: np.ndarray, st: _Step, rows_k: np.ndarray, kind: str) -> None:
        kid_pos = st.child_pos[rows_k]
        sub = out[:, kid_pos]
        bad = ~np.isnan(sub) & (sub <= 0)
        r, c = np.argwhere(bad)[0]
        code = self.codes[kid_pos[c]]
        parent = self.hierarchy.parent[code]
        raise MethodError(
            f"aggregate: the {_NEEDS_POSITIVE.get(kind, kind)} at node {parent!r} needs positive "
            f"values, but unit #{r} has {code!r} = {sub[r, c]:g}; shift the data first, e.g. "
            "normalise(method='minmax', range=(1, 100))"
        )


def _resolve_methods(hier: Hierarchy, method: str | Mapping[str | int, str]) -> dict[str, str]:
    if isinstance(method, str):
        spec: dict[str, str] = {"default": method}
    else:
        spec = {str(k): str(v) for k, v in dict(method).items()}
    default = spec.pop("default", "arithmetic")
    known_levels = {str(lv) for lv in hier.levels}
    for k, v in spec.items():
        AGGREGATION.check(v, field=f"aggregate: method for {k!r}")
        key = k.removeprefix("level_")
        if key not in known_levels and k not in hier.level:
            raise MethodError(f"aggregate: method key {k!r} is neither a level nor a node code")
        if key == "1" or hier.level.get(k) == 1:
            raise MethodError(f"aggregate: method key {k!r} names the indicators, which are not "
                              f"aggregated; levels of aggregate nodes are {sorted(known_levels - {'1'})}")
    AGGREGATION.check(default, field="aggregate: method")
    out = {}
    for c in hier.aggregates:
        lv = str(hier.level[c])
        out[c] = spec.get(c) or spec.get(lv) or spec.get(f"level_{lv}") or default
    return out


# ------------------------------------------------------------------------------ labelled API


@dataclass(frozen=True)
class AggregationResult(Result):
    """Result of :func:`aggregate`.

    Attributes
    ----------
    scores : DataFrame
        Units x every node (indicators first, then each level up to the index).
    ranks : DataFrame
        Ranks of ``scores`` (1 = best, ties "min").
    weights : Series
        Weights used, rescaled within each group of siblings.
    methods : Series
        Aggregation method of each aggregate node.
    missing : DataFrame
        Aggregate scores left missing (``unit``, ``node``, ``reason``).
    """

    scores: pd.DataFrame
    ranks: pd.DataFrame
    weights: pd.Series
    methods: pd.Series
    missing: pd.DataFrame
    plan: AggregationPlan = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The scores of every node (units x nodes)."""
        return self.scores

    def summary(self) -> Summary:
        """Methods used, missing scores, the top node's ranking; that node's scores and ranks."""
        top = self.scores.columns[-1]
        used = ", ".join(f"{m} {n}" for m, n in self.methods.value_counts().items())
        lines = [f"{self.scores.shape[0]} units, {self.scores.shape[1]} nodes; methods: {used}",
                 f"{len(self.missing)} aggregate scores missing",
                 f"{top}: " + ranking_line(self.scores[top], self.ranks[top])]
        table = pd.DataFrame({"score": self.scores[top], "rank": self.ranks[top]})
        return Summary("Aggregation", lines, [table.sort_values("rank")])


def aggregate(
    x: pd.DataFrame,
    meta: pd.DataFrame,
    *,
    method: str | Mapping[str | int, str] = "arithmetic",
    weights: Mapping[str, float] | pd.Series | None = None,
    dat_thresh: float | None = None,
    p: float = 1.0,
) -> AggregationResult:
    r"""Aggregate normalised indicators up the hierarchy, level by level.

    At each aggregate node :math:`g` with children :math:`c` and weights rescaled to sum to one
    over the children that are observed for the unit (:math:`\tilde w_c`):

    - ``arithmetic``: :math:`\sum_c \tilde w_c x_c`;
    - ``geometric``: :math:`\prod_c x_c^{\tilde w_c}` (needs :math:`x > 0`);
    - ``harmonic``: :math:`1/\sum_c (\tilde w_c / x_c)` (needs :math:`x > 0`);
    - ``generalised``: :math:`(\sum_c \tilde w_c x_c^p)^{1/p}` (``p``);
    - ``topsis``: relative closeness of the children (:func:`topsis`, in [0, 1]);
    - ``copeland``: Copeland score (:func:`copeland`).

    Parameters
    ----------
    x : DataFrame
        Normalised, oriented indicators (units x indicator codes of ``meta``).
    meta : DataFrame
        Meta frame (``code``, ``parent``, ``level``, ``weight``).
    method : str or mapping
        One method, or per level / node: ``{"default": "arithmetic", 2: "geometric",
        "Index": "topsis"}``.
    weights : mapping
        Node weights overriding the meta weights (any subset of nodes).
    dat_thresh : float
        Minimum share of a node's children that must be observed (else the score is missing).
    p : float
        Exponent of the generalised mean.

    Returns
    -------
    AggregationResult

    Notes
    -----
    Missing values: reweighting over the observed children (COINr's policy); a unit with no
    indicator at all is an error; scores left missing by ``dat_thresh`` are listed in
    ``.missing`` with a warning. Negative weights or a group of siblings whose weights sum to 0
    are errors naming the node. Matches COINr 1.1.14 ``Aggregate`` with ``a_amean`` (default ASEM
    build), ``a_gmean`` and ``a_hmean`` (min-max [1, 100]) to 1e-9 (tests/test_aggregate.py).

    References
    ----------
    1. OECD/JRC (2008). Handbook on Constructing Composite Indicators, §1.7 and ch. 6.
    2. Becker, W. et al. (2022). COINr. JOSS 7(78).
    """
    plan = AggregationPlan.from_meta(meta, method, weights=weights)
    vals = numeric_frame(x, name="x", columns=plan.indicators)
    empty = vals.isna().all(axis=1)
    if empty.any():
        raise MethodError(
            f"aggregate: unit {empty[empty].index[0]!r} has no indicator value at all; remove it "
            "(screen_units) or impute"
        )
    try:
        s = plan.evaluate(vals.to_numpy(), dat_thresh=dat_thresh, p=p)
    except MethodError as e:
        msg = str(e)
        if "unit #" in msg:
            r = int(msg.split("unit #")[1].split(" ")[0])
            msg = msg.replace(f"unit #{r}", f"unit {vals.index[r]!r}")
        raise MethodError(msg) from None
    scores = pd.DataFrame(s, index=vals.index, columns=list(plan.codes))
    miss = []
    for c in plan.hierarchy.aggregates:
        na = scores[c].isna()
        for u in na[na].index:
            kids = plan.hierarchy.children[c]
            share = float(scores.loc[u, list(kids)].notna().mean())
            miss.append({"unit": u, "node": c,
                         "reason": f"{share:.0%} of children observed"})
    miss_df = pd.DataFrame(miss, columns=["unit", "node", "reason"])
    if len(miss_df):
        warnings.warn(
            f"aggregate: {len(miss_df)} aggregate score(s) left missing (first: unit "
            f"{miss_df['unit'].iloc[0]!r}, node {miss_df['node'].iloc[0]!r}: "
            f"{miss_df['reason'].iloc[0]})",
            MethodWarning,
            stacklevel=2,
        )
    gw = plan.hierarchy.group_weights(dict(zip(plan.codes, plan.weights, strict=True)))
    return AggregationResult(
        scores=scores,
        ranks=rank_desc(scores),
        weights=pd.Series(gw)[[c for c in plan.codes if c in gw]],
        methods=pd.Series(plan.methods),
        missing=miss_df,
        plan=plan,
    )
