"""Vectorised numerics of :mod:`methods.sensitivity`, :mod:`methods.sensitivity.sobol` and
:mod:`methods.sensitivity.importance` (private).

- :class:`Tree`: a hierarchy as positions (the order of ``Hierarchy.codes``: indicators first, each
  parent after its children);
- :class:`BranchMatrix`: one treated-and-normalised indicator matrix with its transforms (log, 1/x,
  x^p) computed once;
- :func:`vector_methods`: an aggregation plan's methods by node position, checked to be vectorised;
- :func:`aggregate_batch`: the index of S samples at once (per-sample weights, one aggregation
  alternative), as matrix products (indicator children) and vectorised sums (aggregate children);
  TOPSIS and Copeland nodes rank the units jointly, per sample, on stacked children values;
- :func:`rank_rows`: ranks of each row (1 = best, ties "min", NaN kept), numpy only;
- :class:`UAAccumulator` and :class:`SobolAccumulator`: streaming statistics, so memory is bounded
  by the chunk size and not by the number of samples.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from methods._errors import MethodError
from methods._meta import Hierarchy
from methods.index.aggregation_kernels import AGGREGATION, canonical_method, kernel_of
from methods.registry import AggregationKernel

__all__ = [
    "JOINT_KINDS",
    "POSITIVE_KINDS",
    "VECTOR_KINDS",
    "BranchMatrix",
    "SobolAccumulator",
    "Tree",
    "UAAccumulator",
    "abs_shift_of",
    "aggregate_batch",
    "bootstrap_counts",
    "rank_rows",
    "sobol_from_sums",
    "vector_methods",
]

#: Aggregation methods the engine evaluates (every registered one with a kernel), those that need
#: positive values, and those that rank the units jointly: live views of the registry.
VECTOR_KINDS = AGGREGATION.view(lambda i: i.kernel is not None)
POSITIVE_KINDS = AGGREGATION.view(lambda i: i.input_domain() == "positive")
JOINT_KINDS = AGGREGATION.view(lambda i: i.kernel is not None and i.kernel.joint)


class Tree:
    """A hierarchy as integer positions (``codes`` order: indicators first)."""

    def __init__(self, hier: Hierarchy) -> None:
        self.hier = hier
        self.codes: tuple[str, ...] = hier.codes
        self.pos = {c: i for i, c in enumerate(self.codes)}
        self.n_ind = len(hier.indicators)
        if tuple(self.codes[: self.n_ind]) != tuple(hier.indicators):
            raise MethodError("sensitivity: internal error, indicators are not first in the codes")
        if len(hier.roots) != 1:
            raise MethodError(
                f"sensitivity: the hierarchy has {len(hier.roots)} top nodes {list(hier.roots)}; "
                "one index (a single root) is expected"
            )
        self.root_code = hier.roots[0]
        self.root = self.pos[self.root_code]
        self.parents: list[int] = [self.pos[c] for c in self.codes if hier.level[c] > 1]
        self.kids: dict[int, np.ndarray] = {}
        self.ind_kids: dict[int, np.ndarray] = {}
        self.agg_kids: dict[int, np.ndarray] = {}
        for p in self.parents:
            k = np.array([self.pos[c] for c in hier.children[self.codes[p]]], dtype=int)
            self.kids[p] = k
            self.ind_kids[p] = k[k < self.n_ind]
            self.agg_kids[p] = k[k >= self.n_ind]
        self.level = np.array([hier.level[c] for c in self.codes], dtype=np.int64)
        self.parent = np.array([-1 if (pc := hier.parent[c]) is None else self.pos[pc]
                                for c in self.codes], dtype=np.int64)

    def aggregates_below(self, p: int) -> list[int]:
        """Positions of the aggregate nodes below node position ``p`` (not ``p`` itself)."""
        out = []
        for c in range(self.n_ind, len(self.codes)):
            a = self.parent[c]
            while a >= 0:
                if a == p:
                    out.append(c)
                    break
                a = self.parent[a]
        return out

    def descendants(self, p: int) -> np.ndarray:
        """Indicator positions below node position ``p``."""
        return np.array([self.pos[c] for c in self.hier.descendants(self.codes[p])], dtype=int)


class BranchMatrix:
    """A treated and normalised indicator matrix (units x indicators), with the transforms that the
    aggregation methods need, each computed once and stored transposed (indicators x units)."""

    def __init__(self, x: np.ndarray) -> None:
        self.x = np.ascontiguousarray(x, dtype=float)
        self.avail = ~np.isnan(self.x)
        self.col_missing = ~self.avail.all(axis=0)
        self.availT = np.ascontiguousarray(self.avail.T, dtype=float)
        self._t: dict[tuple[str, float], np.ndarray] = {}

    def transformed(self, kind: str, p: float = 1.0) -> np.ndarray:
        """The generator f of the mean ``kind`` applied to the observed values (0 elsewhere),
        transposed (indicators x units)."""
        kind = canonical_method(kind, p)
        key = (kind, float(p))
        if key not in self._t:
            kern = kernel_of(kind, p, field="sensitivity")
            if kern.joint:
                raise MethodError(f"sensitivity: aggregation {kind!r} is not a mean")
            t = kern.transform(np.where(self.avail, self.x, 1.0), p)  # type: ignore[misc]
            self._t[key] = np.ascontiguousarray(np.where(self.avail, t, 0.0).T)
        return self._t[key]


def vector_methods(tree: Tree, methods: Mapping[str, str], where: str) -> dict[int, str]:
    """``{node code: method}`` of an aggregation plan as ``{node position: method}``; a method
    that :func:`aggregate_batch` does not evaluate is a :class:`MethodError` naming ``where``."""
    out = {tree.pos[c]: k for c, k in methods.items()}
    for k in out.values():
        if k not in VECTOR_KINDS:
            raise MethodError(f"{where}: aggregation {k!r} is not supported")
    return out


def aggregate_batch(
    tree: Tree,
    bm: BranchMatrix,
    weights: np.ndarray,
    methods: Mapping[int, str],
    *,
    p: float = 1.0,
    dat_thresh: float | None = None,
    keep: Sequence[int] = (),
) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Index scores (S x units) of S weight vectors (rows of ``weights``, ``codes`` order, raw:
    rescaled within siblings here) on one branch matrix, with one method per aggregate node.

    Same arithmetic as :meth:`methods.index.aggregate.AggregationPlan.evaluate`: weights rescaled over
    the children observed for the unit, a node whose observed children weigh 0 is missing,
    ``dat_thresh`` on the share of observed children. Also returns the scores of the node
    positions in ``keep``.

    Nodes that cannot be missing (no missing indicator below, no sample whose children all weigh
    0, no ``dat_thresh``) take a fast path: weights normalised per sample first, geometric means
    kept in log space between geometric levels.
    """
    kinds = {canonical_method(methods[par], p) for par in tree.parents}
    if (len(kinds) == 1 and not keep and dat_thresh is None and not bm.col_missing.any()
            and not kernel_of(next(iter(kinds)), p).joint):
        out = _collapsed(tree, bm, weights, kinds.pop(), p)
        if out is not None:
            return out, {}
    st = _BatchState(tree, bm, weights, p, dat_thresh)
    for par in tree.parents:
        kind = canonical_method(methods[par], p)
        kern = kernel_of(kind, p)
        ka = tree.agg_kids[par]
        if kern.joint:
            st.joint(par, kern)
        elif st.can_be_fast(par):
            st.fast_mean(par, kind, kern)
        else:
            st.mean(par, kind, kern)
        for c in ka:
            if c not in keep and c != tree.root:
                st.vals.pop(c, None)
    return st.linear(tree.root), {k: st.linear(k) for k in keep if k in st.vals}


class _BatchState:
    """Node values of one :func:`aggregate_batch` call (S x units each), stored linear or, for
    a mean whose kernel chains (log-space geometric means), in the mean's transformed space."""

    def __init__(self, tree: Tree, bm: BranchMatrix, weights: np.ndarray, p: float,
                 dat_thresh: float | None) -> None:
        self.tree, self.bm, self.weights, self.p, self.dat_thresh = tree, bm, weights, p, dat_thresh
        self.s, self.nu = weights.shape[0], bm.x.shape[0]
        self.vals: dict[int, tuple[np.ndarray, str | None]] = {}  # node -> (values, space)
        self.maybe_nan: dict[int, bool] = {}

    def linear(self, c: int) -> np.ndarray:
        v, space = self.vals[c]
        return v if space is None else kernel_of(space, self.p).finish(v, 1.0, self.p)  # type: ignore[misc,arg-type]

    def transformed(self, c: int, kind: str, kern: AggregationKernel) -> np.ndarray:
        """Child ``c``'s values through the generator of ``kind``."""
        v, space = self.vals[c]
        if space == kind:
            return v
        return kern.transform(self.linear(c), self.p)  # type: ignore[misc]

    def can_be_fast(self, par: int) -> bool:
        """No missing value below, no sample whose children all weigh 0, no dat_thresh."""
        tree = self.tree
        wsum = self.weights[:, tree.kids[par]].sum(axis=1)
        return (self.dat_thresh is None and not self.bm.col_missing[tree.ind_kids[par]].any()
                and not any(self.maybe_nan[c] for c in tree.agg_kids[par])
                and bool(np.all(wsum > 0)))

    def joint(self, par: int, kern: AggregationKernel) -> None:
        """A node that ranks the units jointly, per sample, on stacked children values."""
        tree, s, nu = self.tree, self.s, self.nu
        kids = tree.kids[par]
        parts = [np.broadcast_to(self.bm.x[:, c], (s, nu)) if c < tree.n_ind
                 else self.linear(int(c)) for c in kids]  # S x units each, ``kids`` order
        v = np.stack(parts, axis=2)
        wk = self.weights[:, kids]
        av = ~np.isnan(v)
        den_o = np.einsum("suk,sk->su", av.astype(float), wk)
        pos = wk.sum(axis=1) > 0
        res = np.full((s, nu), np.nan)
        if pos.any():
            res[pos] = kern.node(v[pos], wk[pos], self.p)  # type: ignore[misc]
        if self.dat_thresh is not None:
            res = np.where(av.sum(axis=2) / kids.size < self.dat_thresh, np.nan, res)
        self.vals[par] = (np.where(den_o == 0, np.nan, res), None)
        self.maybe_nan[par] = True

    def fast_mean(self, par: int, kind: str, kern: AggregationKernel) -> None:
        """A mean node that cannot be missing: weights normalised per sample first."""
        tree, p = self.tree, self.p
        ki, ka, kids = tree.ind_kids[par], tree.agg_kids[par], tree.kids[par]
        wn = self.weights[:, kids] / self.weights[:, kids].sum(axis=1)[:, None]
        col = {int(c): j for j, c in enumerate(kids)}
        acc: np.ndarray | float = 0.0
        if ki.size:
            acc = wn[:, [col[int(c)] for c in ki]] @ self.bm.transformed(kind, p)[ki]
        for c in ka:
            acc = acc + wn[:, col[int(c)]][:, None] * self.transformed(int(c), kind, kern)
        acc = np.asarray(np.broadcast_to(np.asarray(acc, dtype=float), (self.s, self.nu)))
        self.vals[par] = (acc, kind) if kern.chain else (kern.finish(acc, 1.0, p), None)  # type: ignore[misc,arg-type]
        self.maybe_nan[par] = False

    def mean(self, par: int, kind: str, kern: AggregationKernel) -> None:
        """A mean node reweighted over the children observed for each unit and sample."""
        tree, bm, p, weights = self.tree, self.bm, self.p, self.weights
        ki, ka, kids = tree.ind_kids[par], tree.agg_kids[par], tree.kids[par]
        num: np.ndarray | float = 0.0
        den: np.ndarray | float = 0.0
        cnt: np.ndarray | float = 0.0
        if ki.size:
            wk = weights[:, ki]
            num = wk @ bm.transformed(kind, p)[ki]
            if bm.col_missing[ki].any():
                den = wk @ bm.availT[ki]
                cnt = bm.availT[ki].sum(axis=0)
            else:
                den = wk.sum(axis=1)[:, None]
                cnt = float(ki.size)
        for c in ka:
            v = self.linear(int(c))
            w = weights[:, c][:, None]
            if not self.maybe_nan[c]:
                num = num + w * kern.transform(v, p)  # type: ignore[misc]
                den = den + w
                cnt = cnt + 1.0
            else:
                av = ~np.isnan(v)
                num = num + w * np.where(av, kern.transform(np.where(av, v, 1.0), p), 0.0)  # type: ignore[misc]
                den = den + w * av
                cnt = cnt + av
        num_a = np.broadcast_to(np.asarray(num, dtype=float), (self.s, self.nu))
        den_a = np.broadcast_to(np.asarray(den, dtype=float), (self.s, self.nu))
        res = np.where(den_a > 0, kern.finish(num_a, den_a, p), np.nan)  # type: ignore[misc]
        if self.dat_thresh is not None:
            share = np.broadcast_to(np.asarray(cnt, dtype=float) / kids.size, res.shape)
            res = np.where(share < self.dat_thresh, np.nan, res)
        self.vals[par] = (res, None)
        self.maybe_nan[par] = True


def _collapsed(tree: Tree, bm: BranchMatrix, weights: np.ndarray, kind: str,
               p: float) -> np.ndarray | None:
    """The index when every node uses the same quasi-arithmetic mean (generator f) and nothing is
    missing: a mean of means with weights rescaled within siblings is one mean of the indicators
    with the products of the weights along each path, :math:`f^{-1}(\\sum_i w^{eff}_i f(x_i))`:
    one matrix product per batch. None when some group of siblings weighs 0 in some sample."""
    gsum = {}
    for par in tree.parents:
        g = weights[:, tree.kids[par]].sum(axis=1)
        if not np.all(g > 0):
            return None
        gsum[par] = g
    s = weights.shape[0]
    eff = np.empty((s, len(tree.codes)))
    eff[:, tree.root] = 1.0
    for c in range(len(tree.codes) - 1, -1, -1):
        par = tree.parent[c]
        if par < 0:
            eff[:, c] = 1.0
            continue
        eff[:, c] = eff[:, par] * weights[:, c] / gsum[par]
    acc = eff[:, : tree.n_ind] @ bm.transformed(kind, p)
    return kernel_of(kind, p).finish(acc, 1.0, p)  # type: ignore[misc,arg-type]


def rank_rows(y: np.ndarray) -> np.ndarray:
    """Rank each row of ``y`` (S x units): 1 = highest, ties share the lowest rank ("min", as
    pandas ``rank(ascending=False, method="min")`` and R ``rank(-x, ties.method="min")``), NaN
    stays NaN. Returns float32 (exact for up to 16 million units)."""
    y = np.asarray(y, dtype=float)
    s, u = y.shape
    neg = -y
    order = np.argsort(neg, axis=1)  # NaN last; the order among tied values does not matter
    sv = np.sort(neg, axis=1)  # = neg in ``order``; a sort is faster than the gather
    tied = sv[:, 1:] == sv[:, :-1]
    nan = np.isnan(sv)
    pos = np.broadcast_to(np.arange(1, u + 1, dtype=np.float32)[None, :], (s, u))
    if tied.any() or nan.any():
        start = np.ones((s, u), dtype=bool)
        start[:, 1:] = ~tied
        r = np.maximum.accumulate(np.where(start, pos, np.float32(0)), axis=1)
        r[nan] = np.nan
    else:
        r = pos
    out = np.empty((s, u), dtype=np.float32)
    order += (np.arange(s, dtype=order.dtype) * u)[:, None]  # put_along_axis, flat, in place
    out.reshape(-1)[order] = r
    return out


# ------------------------------------------------------------------------------- accumulators


class UAAccumulator:
    """Streaming statistics of the rank (and score) distribution of every unit.

    ``hist[u, r-1]`` counts the samples in which unit u has rank r: exact quantiles, means and
    top-k probabilities follow from it. ``pairs`` count, for units adjacent in the nominal order
    (offset 1..window), how often the nominally better unit is ranked ahead (ties count 1/2).
    """

    def __init__(
        self, nominal_rank: np.ndarray, nominal_score: np.ndarray, *, window: int,
        band_edges: np.ndarray | None = None,
    ) -> None:
        u = nominal_rank.size
        self.u = u
        self.nominal_rank = nominal_rank.astype(float)
        self.nominal_score = nominal_score.astype(float)
        self.hist = np.zeros(u * u, dtype=np.int64)
        self.lock = threading.Lock()
        self.n_rank = np.zeros(u, dtype=np.int64)
        self.sum_abs_shift = np.zeros(u)
        self.score_n = np.zeros(u, dtype=np.int64)
        self.score_sum = np.zeros(u)
        self.score_sq = np.zeros(u)
        # nominal order: best first; ties by position
        self.order = np.lexsort((np.arange(u), np.nan_to_num(nominal_rank, nan=np.inf)))
        self.window = int(max(0, min(window, u - 1)))
        self.ahead = np.zeros((u, self.window))
        self.pair_n = np.zeros((u, self.window), dtype=np.int64)
        self.band_edges = band_edges
        nb = 0 if band_edges is None else band_edges.size + 1
        self.band_counts = np.zeros((u, nb), dtype=np.int64)
        self.band_n = 0
        self.n = 0

    def partial(self, ranks: np.ndarray, scores: np.ndarray,
                scale_rows: np.ndarray | None = None,
                abs_shift: np.ndarray | None = None, hist: bool = True) -> dict[str, Any]:
        """Statistics of a block of samples (``ranks``, ``scores``: b x units), to :meth:`add`
        (pure: blocks can be computed in parallel). Score statistics and bands use the rows in
        ``scale_rows`` (samples on the nominal score scale; default all). ``abs_shift``: the
        block's :math:`|r - r_{nominal}|` if the caller has it (float32, as :func:`abs_shift`)."""
        u = self.u
        b = ranks.shape[0]
        out: dict[str, Any] = {"n": b}
        valid = ~np.isnan(ranks)
        anynan = not bool(valid.all())
        if hist:  # else counted by :meth:`count_ranks`
            out["hist"] = self._hist(ranks, valid, anynan)
        out["n_rank"] = valid.sum(axis=0) if anynan else np.full(u, b, dtype=np.int64)
        dr = abs_shift_of(ranks, self.nominal_rank) if abs_shift is None else abs_shift
        out["sum_abs_shift"] = (np.nansum(dr, axis=0, dtype=float) if anynan
                                else dr.sum(axis=0, dtype=float))
        sc = scores if scale_rows is None else scores[scale_rows]
        if sc.shape[0]:
            out.update(self._score_sums(sc))
        out["ahead"], out["pair_n"] = self._pairs(ranks, anynan)
        if self.band_edges is not None and sc.shape[0]:
            out["band_counts"] = self._band_counts(sc)
            out["band_n"] = int(sc.shape[0])
        return out

    def _hist(self, ranks: np.ndarray, valid: np.ndarray, anynan: bool) -> np.ndarray:
        """Counts of (unit, rank) in a block, flattened units x ranks."""
        u = self.u
        base = (np.arange(u, dtype=np.int64) * u - 1)[None, :]
        if anynan:
            idx = (base + np.where(valid, ranks, 1).astype(np.int64))[valid]
        else:
            idx = (base + ranks.astype(np.int64)).ravel()
        return np.bincount(idx, minlength=u * u)

    def _score_sums(self, sc: np.ndarray) -> dict[str, np.ndarray]:
        """Counts, sums and sums of squares of the scores' differences from the nominal ones."""
        sv = ~np.isnan(sc)
        d = sc - self.nominal_score[None, :]
        if not sv.all():
            d = np.where(sv, d, 0.0)
        return {"score_n": sv.sum(axis=0), "score_sum": d.sum(axis=0),
                "score_sq": (d * d).sum(axis=0)}

    def _pairs(self, ranks: np.ndarray, anynan: bool) -> tuple[np.ndarray, np.ndarray]:
        """For units ``k`` places apart in the nominal order: how often the first ranks ahead
        (ties 1/2) and how many samples rank both. Without missing ranks, from the signs of the
        rank differences: count(a < c) + count(a == c) / 2 = (b + sum sign(c - a)) / 2, exact
        (integers), on 16-bit ranks when they fit."""
        u, b = self.u, ranks.shape[0]
        ahead = np.zeros((u, self.window))
        pair_n = np.zeros((u, self.window), dtype=np.int64)
        if not anynan:
            ro: Any = ranks[:, self.order].astype(np.int16 if u < 2**15 else np.int32)
            for k in range(1, self.window + 1):
                sgn = np.sign(ro[:, k:] - ro[:, :-k])
                ahead[: u - k, k - 1] = 0.5 * (b + sgn.sum(axis=0, dtype=np.int64))
                pair_n[: u - k, k - 1] = b
            return ahead, pair_n
        rf: Any = ranks[:, self.order]
        for k in range(1, self.window + 1):
            a, c = rf[:, :-k], rf[:, k:]
            ahead[: u - k, k - 1] = (np.count_nonzero(a < c, axis=0)
                                     + 0.5 * np.count_nonzero(a == c, axis=0))
            pair_n[: u - k, k - 1] = np.count_nonzero(~np.isnan(a) & ~np.isnan(c), axis=0)
        return ahead, pair_n

    def _band_counts(self, sc: np.ndarray) -> np.ndarray:
        """Units x bands: how many scores reach each band and not the next (missing: none).
        A score is in band i when it reaches i thresholds (``searchsorted(side="right")``)."""
        edges = np.asarray(self.band_edges, dtype=float)
        reach = [np.count_nonzero(~np.isnan(sc), axis=0)]
        reach += [np.count_nonzero(sc >= e, axis=0) for e in edges]
        reach.append(np.zeros(self.u, dtype=reach[0].dtype))
        return np.column_stack([reach[i] - reach[i + 1] for i in range(edges.size + 1)]
                               ).astype(np.int64)

    def add(self, part: Mapping[str, Any]) -> None:
        """Add a block's statistics (``hist`` may be left out: see :meth:`add_hist`)."""
        self.n += part["n"]
        if "hist" in part:
            self.hist += part["hist"]
        self.n_rank += part["n_rank"]
        self.sum_abs_shift += part["sum_abs_shift"]
        if "score_n" in part:
            self.score_n += part["score_n"]
            self.score_sum += part["score_sum"]
            self.score_sq += part["score_sq"]
        self.ahead += part["ahead"]
        self.pair_n += part["pair_n"]
        if "band_counts" in part:
            self.band_counts += part["band_counts"]
            self.band_n += part["band_n"]

    def count_ranks(self, ranks: np.ndarray) -> None:
        """Add a block's ranks to the histogram in place (integer counts: any order, from any
        thread, under :attr:`lock`; no block-sized histogram is made). The block's ``partial``
        is then called with ``hist=False``."""
        valid = ~np.isnan(ranks)
        u = self.u
        base = (np.arange(u, dtype=np.int64) * u - 1)[None, :]
        if valid.all():
            idx = (base + ranks.astype(np.int64)).ravel()
        else:
            idx = (base + np.where(valid, ranks, 1).astype(np.int64))[valid]
        with self.lock:
            np.add.at(self.hist, idx, 1)

    def update(self, ranks: np.ndarray, scores: np.ndarray,
               scale_rows: np.ndarray | None = None) -> None:
        self.add(self.partial(ranks, scores, scale_rows))

    def histogram(self) -> np.ndarray:
        return self.hist.reshape(self.u, self.u)

    def quantiles(self, probs: Sequence[float]) -> np.ndarray:
        """Exact sample quantiles of each unit's rank (R type 7 / numpy "linear") from the
        histogram: units x len(probs)."""
        h = self.histogram()
        cum = np.cumsum(h, axis=1)
        out = np.full((self.u, len(probs)), np.nan)
        for i in range(self.u):
            n = int(cum[i, -1])
            if n == 0:
                continue
            for j, pr in enumerate(probs):
                hpos = (n - 1) * float(pr)
                lo = int(np.floor(hpos))
                hi = min(lo + 1, n - 1)
                # order statistic k (0-based) = first rank whose cumulative count exceeds k
                vlo = int(np.searchsorted(cum[i], lo, side="right")) + 1
                vhi = int(np.searchsorted(cum[i], hi, side="right")) + 1
                out[i, j] = vlo + (hpos - lo) * (vhi - vlo)
        return out

    def mean_rank(self) -> np.ndarray:
        h = self.histogram()
        with np.errstate(invalid="ignore", divide="ignore"):
            return (h * np.arange(1, self.u + 1)).sum(axis=1) / self.n_rank

    def p_rank_at_most(self, k: int) -> np.ndarray:
        h = self.histogram()
        with np.errstate(invalid="ignore", divide="ignore"):
            return h[:, : max(0, min(k, self.u))].sum(axis=1) / self.n_rank

    def p_rank_at_least(self, r: int) -> np.ndarray:
        h = self.histogram()
        with np.errstate(invalid="ignore", divide="ignore"):
            return h[:, max(0, r - 1):].sum(axis=1) / self.n_rank


def abs_shift_of(ranks: np.ndarray, nominal_rank: np.ndarray) -> np.ndarray:
    """:math:`|r - r_{nominal}|` of ranks (S x units, float32 as :func:`rank_rows`); exact
    (integers below 2^24)."""
    return np.abs(ranks - nominal_rank[None, :].astype(np.float32))


def bootstrap_counts(n: int, n_boot: int, seed: int | np.random.Generator | None) -> np.ndarray:
    """Resampling counts (n_boot x n): row b counts how often each base sample is drawn in
    resample b. The draws are SALib 1.6's, ``default_rng(seed).integers(n, size=(n, n_boot))``,
    so that the bootstrap equals ``SALib.analyze.sobol.analyze(..., seed=seed)``."""
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    r = rng.integers(n, size=(n, n_boot))
    counts = np.zeros((n_boot, n))
    for b in range(n_boot):
        counts[b] = np.bincount(r[:, b], minlength=n)
    return counts


class SobolAccumulator:
    """Streaming sums for the Saltelli (2010) first-order and Jansen total-order estimators of K
    outputs, with bootstrap resamples given as counts (see :func:`bootstrap_counts`).

    Rows arrive in SALib's layout (per base sample i: A_i, AB_i1..AB_iD, B_i); whole base samples
    per update. Outputs are shifted by ``shift`` (e.g. the nominal values) for accuracy; the
    estimators are invariant to the shift once centred on the overall mean, as SALib centres.
    """

    def __init__(self, n_base: int, d: int, shift: np.ndarray, counts: np.ndarray | None) -> None:
        k = shift.size
        self.n_base, self.d, self.k = n_base, d, k
        self.shift = shift.astype(float)
        self.counts = counts
        self.seen = 0
        z = np.zeros
        self.s_all = z(k)
        self.s_a, self.s_b, self.s_a2, self.s_b2 = z(k), z(k), z(k), z(k)
        self.s_f, self.s_dd, self.s_t = z((d, k)), z((d, k)), z((d, k))
        self.ymin = np.full(k, np.inf)
        self.ymax = np.full(k, -np.inf)
        if counts is not None:
            r = counts.shape[0]
            self.c_a, self.c_b, self.c_a2, self.c_b2 = z((r, k)), z((r, k)), z((r, k)), z((r, k))
            self.c_f, self.c_dd, self.c_t = z((d, r, k)), z((d, r, k)), z((d, r, k))

    def partial(self, y: np.ndarray, start: int, *, overwrite: bool = False) -> dict[str, Any]:
        """Sums over a block ``y`` ((nb * (d + 2)) x K outputs) of nb consecutive base samples,
        the first being base sample ``start``; pure (``overwrite``: ``y``, float64, may be
        shifted in place), to :meth:`add`."""
        d = self.d
        nb = y.shape[0] // (d + 2)
        if nb * (d + 2) != y.shape[0]:
            raise MethodError("sensitivity: internal error, block not aligned to base samples")
        y = np.asarray(y, dtype=float)
        y = np.subtract(y, self.shift[None, :], out=y if overwrite else None)
        if np.isnan(y).any():
            raise MethodError(
                "sensitivity: an output is missing in some samples (a unit's index score is "
                "undefined under one of the alternatives); Sobol indices need every sample"
            )
        out: dict[str, Any] = {"nb": nb, "start": start, "ymin": y.min(axis=0),
                               "ymax": y.max(axis=0), "s_all": y.sum(axis=0)}
        y3 = y.reshape(nb, d + 2, self.k)
        ya, yb = y3[:, 0, :], y3[:, -1, :]
        out["s_a"], out["s_b"] = ya.sum(axis=0), yb.sum(axis=0)
        out["s_a2"], out["s_b2"] = (ya * ya).sum(axis=0), (yb * yb).sum(axis=0)
        cb = None if self.counts is None else self.counts[:, start:start + nb]
        if cb is not None:
            out["c_a"], out["c_b"] = cb @ ya, cb @ yb
            out["c_a2"], out["c_b2"] = cb @ (ya * ya), cb @ (yb * yb)
        sf, sdd, st = np.zeros((d, self.k)), np.zeros((d, self.k)), np.zeros((d, self.k))
        if cb is not None:
            r = cb.shape[0]
            cf, cdd, ct = np.zeros((d, r, self.k)), np.zeros((d, r, self.k)), np.zeros(
                (d, r, self.k))
        for j in range(d):
            dd = y3[:, j + 1, :] - ya
            f = yb * dd
            t = dd * dd
            sf[j], sdd[j], st[j] = f.sum(axis=0), dd.sum(axis=0), t.sum(axis=0)
            if cb is not None:
                cf[j], cdd[j], ct[j] = cb @ f, cb @ dd, cb @ t
        out["s_f"], out["s_dd"], out["s_t"] = sf, sdd, st
        if cb is not None:
            out["c_f"], out["c_dd"], out["c_t"] = cf, cdd, ct
        return out

    def add(self, part: Mapping[str, Any]) -> None:
        self.seen += part["nb"]
        self.ymin = np.minimum(self.ymin, part["ymin"])
        self.ymax = np.maximum(self.ymax, part["ymax"])
        for k in ("s_all", "s_a", "s_b", "s_a2", "s_b2", "s_f", "s_dd", "s_t"):
            setattr(self, k, getattr(self, k) + part[k])
        if self.counts is not None:
            for k in ("c_a", "c_b", "c_a2", "c_b2", "c_f", "c_dd", "c_t"):
                setattr(self, k, getattr(self, k) + part[k])

    def update(self, y: np.ndarray) -> None:
        """Add the rows of the next base samples (sequential use)."""
        self.add(self.partial(y, self.seen))

    def result(self) -> dict[str, np.ndarray]:
        """Point estimates (d x K) and bootstrap replicates (d x R x K) of S1 and ST, and a flag
        for constant outputs."""
        if self.seen != self.n_base:
            raise MethodError("sensitivity: internal error, not every base sample was seen")
        n = self.n_base
        m = self.s_all / (n * (self.d + 2))
        constant = (self.ymax - self.ymin) <= np.finfo(float).eps
        out = sobol_from_sums(n, m, self.s_a, self.s_b, self.s_a2, self.s_b2, self.s_f,
                              self.s_dd, self.s_t)
        res = {"first": out[0], "total": out[1], "constant": constant}
        if self.counts is not None:
            bf, bt = sobol_from_sums(n, m[None, :], self.c_a, self.c_b, self.c_a2, self.c_b2,
                                     self.c_f, self.c_dd, self.c_t)
            res["first_boot"], res["total_boot"] = bf, bt
        return res


def sobol_from_sums(
    n: int, m: np.ndarray, s_a: np.ndarray, s_b: np.ndarray, s_a2: np.ndarray, s_b2: np.ndarray,
    s_f: np.ndarray, s_dd: np.ndarray, s_t: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    r"""First-order (Saltelli et al. 2010) and total-order (Jansen 1999) indices from sums.

    With outputs centred on their overall mean :math:`m` (as SALib does),
    :math:`S_j = \frac{1}{N}\sum_i (y_{B,i}-m)(y_{AB_j,i}-y_{A,i}) / V` and
    :math:`S_{Tj} = \frac{1}{2N}\sum_i (y_{A,i}-y_{AB_j,i})^2 / V`, :math:`V` the (population)
    variance of the 2N values of A and B.
    """
    mean_ab = (s_a + s_b) / (2 * n)
    var = (s_a2 + s_b2) / (2 * n) - mean_ab**2
    tiny = np.finfo(float).eps
    with np.errstate(divide="ignore", invalid="ignore"):
        first = ((s_f - m * s_dd) / n) / var
        total = (0.5 * s_t / n) / var
    first = np.where(var > tiny, first, np.nan)
    total = np.where(var > tiny, total, np.nan)
    return first, total
