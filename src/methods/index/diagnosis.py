"""Diagnosis of an index: scores and ranks at every level, each unit's strengths and weaknesses
against its peers, peer-group views, year-on-year change, and the nominal weight resting on input,
output and outcome indicators (the "baton" test of framework-notes.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from methods._checks import rank_desc
from methods._errors import MethodError
from methods._meta import as_meta, hierarchy_from_meta
from methods.summary import Result, Summary
from methods.weights import effective_weights

__all__ = [
    "RankAgreement",
    "StrengthsResult",
    "UnitProfile",
    "assign_bands",
    "peer_view",
    "percentile_ranks",
    "ranking_agreement",
    "score_table",
    "strengths_weaknesses",
    "unit_profile",
    "weight_shares",
    "year_on_year",
]


def assign_bands(scores: pd.Series, bands: Mapping[str, float]) -> pd.Series:
    """Grade band of each score: the band with the highest lower bound that the score reaches
    (``{"非常高": 90, "高": 80, "中": 60}``); below every bound: ``"<lowest"``. Missing stays
    missing."""
    if not bands:
        raise MethodError("assign_bands: no bands given")
    order = sorted(bands.items(), key=lambda kv: -float(kv[1]))
    lowest = order[-1][0]

    def one(v: float) -> object:
        if pd.isna(v):
            return pd.NA
        for name, lo in order:
            if v >= float(lo):
                return name
        return f"<{lowest}"

    return scores.map(one)


def score_table(
    scores: pd.DataFrame, meta: pd.DataFrame, *, bands: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Long table of every unit's score and rank (1 = best, ties "min") at every node.

    Columns: ``unit``, ``node``, ``level``, ``score``, ``rank``, ``n_ranked``, and ``band`` (for
    the top node, when ``bands`` are given).
    """
    hier = hierarchy_from_meta(meta)
    missing = [c for c in hier.codes if c not in scores.columns]
    if missing:
        raise MethodError(f"score_table: scores lack node column(s) {missing[:5]}")
    ranks = rank_desc(scores[list(hier.codes)])
    long = scores[list(hier.codes)].stack(future_stack=True).rename("score").to_frame()
    long["rank"] = ranks.stack(future_stack=True)
    long.index.names = ["unit", "node"]
    long = long.reset_index()
    long["level"] = long["node"].map(hier.level)
    long["n_ranked"] = long["node"].map(scores[list(hier.codes)].notna().sum())
    if bands:
        root = hier.roots[0] if hier.roots else hier.codes[-1]
        b = assign_bands(scores[root], bands)
        long["band"] = pd.NA
        is_root = long["node"] == root
        long.loc[is_root, "band"] = long.loc[is_root, "unit"].map(b).to_numpy()
    return long[["unit", "node", "level", "score", "rank", "n_ranked",
                 *(["band"] if bands else [])]]


def percentile_ranks(x: pd.DataFrame, groups: pd.Series | None = None) -> pd.DataFrame:
    r"""Percentile rank of each unit on each column, :math:`(r_i - 1)/(n - 1)` with average ranks
    for ties (0 = worst, 1 = best), among all units or within each unit's group."""
    if groups is None:
        r = x.rank(method="average", na_option="keep")
        n = x.notna().sum()
        return (r - 1) / (n - 1).where(n > 1)
    g = pd.Series(groups).reindex(x.index)
    if g.isna().any():
        raise MethodError(f"percentile_ranks: no group for unit {g[g.isna()].index[0]!r}")
    r = x.groupby(g).rank(method="average", na_option="keep")
    n = x.groupby(g).transform("count")
    return (r - 1) / (n - 1).where(n > 1)


@dataclass(frozen=True)
class StrengthsResult(Result):
    """Result of :func:`strengths_weaknesses`.

    Attributes
    ----------
    percentiles : DataFrame
        Units x items, percentile rank against the peers (0 worst, 1 best).
    table : DataFrame
        Long: ``unit``, ``kind`` (``strength``/``weakness``), ``order`` (1 = most extreme),
        ``item``, ``score``, ``percentile``.
    """

    percentiles: pd.DataFrame
    table: pd.DataFrame

    def of(self, unit: object) -> pd.DataFrame:
        return self.table[self.table["unit"] == unit]

    def to_frame(self) -> pd.DataFrame:
        """The long table of strengths and weaknesses."""
        return self.table

    def summary(self) -> Summary:
        """Size in a line; the long table."""
        line = (f"{self.percentiles.shape[0]} units, {self.percentiles.shape[1]} items; "
                f"{len(self.table)} strengths and weaknesses")
        return Summary("Strengths and weaknesses", [line], [self.table])


def strengths_weaknesses(
    x: pd.DataFrame,
    *,
    n: int = 3,
    groups: pd.Series | None = None,
    strong: float = 0.5,
    weak: float = 0.5,
) -> StrengthsResult:
    """Each unit's ``n`` best and ``n`` worst items by percentile rank against its peers.

    Parameters
    ----------
    x : DataFrame
        Oriented scores (higher is better): normalised indicators or sub-dimension scores.
    groups : Series
        Peer group of each unit (province, tier); default: all units are peers.
    strong, weak : float
        A strength must have percentile >= ``strong``, a weakness <= ``weak`` (so a unit that is
        good at everything gets no "weakness" above the median).

    Notes
    -----
    Missing scores are not ranked and never listed.
    """
    if n < 1:
        raise MethodError(f"strengths_weaknesses: n={n}; expected >= 1")
    pct = percentile_ranks(x, groups)
    rows = []
    for u in pct.index:
        p = pct.loc[u].dropna()
        best = p[p >= strong].sort_values(ascending=False, kind="stable").head(n)
        worst = p[p <= weak].sort_values(ascending=True, kind="stable").head(n)
        for kind, sel in (("strength", best), ("weakness", worst)):
            for k, (item, v) in enumerate(sel.items(), start=1):
                rows.append({"unit": u, "kind": kind, "order": k, "item": item,
                             "score": x.loc[u, item], "percentile": float(v)})
    table = pd.DataFrame(rows, columns=["unit", "kind", "order", "item", "score", "percentile"])
    return StrengthsResult(pct, table)


def peer_view(scores: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """Each unit against its peer group on one score.

    Columns: ``group``, ``score``, ``rank`` (overall), ``rank_in_group``, ``group_size``,
    ``group_mean``, ``diff_from_group_mean``, ``percentile_in_group``.
    """
    g = pd.Series(groups).reindex(scores.index)
    if g.isna().any():
        raise MethodError(f"peer_view: no group for unit {g[g.isna()].index[0]!r}")
    df = pd.DataFrame({"group": g, "score": scores})
    df["rank"] = rank_desc(scores)
    df["rank_in_group"] = df.groupby("group")["score"].rank(ascending=False, method="min")
    df["group_size"] = df.groupby("group")["score"].transform("count")
    df["group_mean"] = df.groupby("group")["score"].transform("mean")
    df["diff_from_group_mean"] = df["score"] - df["group_mean"]
    df["percentile_in_group"] = percentile_ranks(scores.to_frame("s"), g)["s"]
    return df


def year_on_year(
    scores_by_year: Mapping[int, pd.DataFrame], *, nodes: Sequence[str] | None = None
) -> pd.DataFrame:
    """Change of scores and ranks between consecutive years, for units present in both.

    ``scores_by_year`` maps year -> scores (units x nodes) computed on **fixed goalposts** (see
    :func:`methods.index.build_years`): with per-year min-max the level of a score does not
    compare across years, only its rank does.

    Columns: ``unit``, ``node``, ``year_from``, ``year_to``, ``score_from``, ``score_to``,
    ``change``, ``rank_from``, ``rank_to``, ``rank_change`` (positive = moved up).
    """
    years = sorted(scores_by_year)
    if len(years) < 2:
        raise MethodError("year_on_year: needs at least two years")
    rows = []
    for a, b in zip(years[:-1], years[1:], strict=True):
        sa, sb = scores_by_year[a], scores_by_year[b]
        cols = list(nodes) if nodes is not None else [c for c in sa.columns if c in sb.columns]
        units = sa.index.intersection(sb.index)
        ra, rb = rank_desc(sa[cols]), rank_desc(sb[cols])
        for c in cols:
            part = pd.DataFrame({
                "unit": units, "node": c, "year_from": a, "year_to": b,
                "score_from": sa.loc[units, c].to_numpy(), "score_to": sb.loc[units, c].to_numpy(),
                "rank_from": ra.loc[units, c].to_numpy(), "rank_to": rb.loc[units, c].to_numpy(),
            })
            rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    out["change"] = out["score_to"] - out["score_from"]
    out["rank_change"] = out["rank_from"] - out["rank_to"]
    return out[["unit", "node", "year_from", "year_to", "score_from", "score_to", "change",
                "rank_from", "rank_to", "rank_change"]]


def weight_shares(
    meta: pd.DataFrame,
    *,
    by: str = "kind",
    weights: Mapping[str, float] | pd.Series | None = None,
) -> pd.DataFrame:
    """Nominal weight share of each indicator category under every aggregate node.

    For node :math:`g`, the share of category :math:`k` is the sum over the indicators below
    :math:`g` of their effective weight relative to :math:`g`, for indicators with
    ``meta[by] == k``. Rows: aggregate nodes (with ``level``); columns: categories (sum to 1).
    ``weights`` overrides meta weights (e.g. AHP or entropy weights).
    """
    m = as_meta(meta)
    if by not in m.columns:
        raise MethodError(f"weight_shares: meta has no column {by!r}")
    hier = hierarchy_from_meta(m)
    kinds = m.set_index("code")[by]
    missing = [c for c in hier.indicators if pd.isna(kinds.get(c))]
    if missing:
        raise MethodError(f"weight_shares: indicator(s) {missing[:5]} have no {by!r}")
    eff = effective_weights(m, weights)
    found = {str(kinds[c]) for c in hier.indicators}
    known = [k for k in ("input", "output", "outcome") if k in found]
    cats = known + sorted(found - set(known))
    rows = []
    for g in hier.aggregates:
        desc = hier.descendants(g)
        tot = sum(eff[d] for d in desc)
        row: dict[str, object] = {"node": g, "level": hier.level[g]}
        for k in cats:
            row[k] = sum(eff[d] for d in desc if str(kinds[d]) == k) / tot if tot > 0 else np.nan
        rows.append(row)
    return pd.DataFrame(rows).set_index("node").sort_values("level", ascending=False, kind="stable")


@dataclass(frozen=True)
class UnitProfile(Result):
    """One unit's diagnosis card: index score and rank, dimension scores and ranks, peer-group
    rank, strengths and weaknesses (items with percentile against peers)."""

    unit: object
    index_code: str
    score: float
    rank: float
    n_units: int
    band: str | None
    dimensions: pd.DataFrame
    strengths: pd.DataFrame
    weaknesses: pd.DataFrame
    group: object | None
    rank_in_group: float | None
    group_size: int | None

    def to_frame(self) -> pd.DataFrame:
        """The dimension scores and ranks."""
        return self.dimensions

    def summary(self) -> Summary:
        """The card in English words; dimensions, strengths and weaknesses."""
        return Summary(f"Profile of {self.unit}", [self.text("en")],
                       [self.dimensions, self.strengths, self.weaknesses])

    def text(self, lang: str = "zh", names: Mapping[str, str] | Callable[[str], str] | None = None,
             unit_name: str | None = None, digits: int = 1) -> str:
        """The card in words (``lang`` "zh" or "en"); ``names`` labels node codes; ``digits``
        decimals of the score (1 for a 0-100 scale, 3 for an index on 0-1)."""
        def nm(c: str) -> str:
            if names is None:
                return c
            return names(c) if callable(names) else str(names.get(c, c))

        who = unit_name or str(self.unit)
        paren = ("（", "）") if lang == "zh" else (" (", ")")
        s_items = [f"{nm(r.item)}{paren[0]}{r.percentile:.0%}{paren[1]}" for r in self.strengths.itertuples()]
        w_items = [f"{nm(r.item)}{paren[0]}{r.percentile:.0%}{paren[1]}" for r in self.weaknesses.itertuples()]
        best = self.dimensions.sort_values("score", ascending=False).index
        if lang == "zh":
            parts = [f"{who}综合得分 {self.score:.{digits}f}，在 {self.n_units} 个单位中排名第 "
                     f"{self.rank:.0f}"]
            if self.band:
                parts[0] += f"（等级：{self.band}）"
            if self.group is not None and self.rank_in_group is not None:
                parts.append(f"在{self.group}（{self.group_size} 个单位）中排名第 "
                             f"{self.rank_in_group:.0f}")
            if len(best):
                parts.append(f"最强维度为{nm(best[0])}，最弱维度为{nm(best[-1])}")
            if s_items:
                parts.append("相对同类的优势指标：" + "、".join(s_items))
            if w_items:
                parts.append("短板指标：" + "、".join(w_items))
            return "；".join(parts) + "。（括号内为相对同类的百分位）"
        parts = [f"{who} scores {self.score:.{digits}f}, rank {self.rank:.0f} of {self.n_units}"]
        if self.band:
            parts[0] += f" (band: {self.band})"
        if self.group is not None and self.rank_in_group is not None:
            parts.append(f"rank {self.rank_in_group:.0f} of {self.group_size} in {self.group}")
        if len(best):
            parts.append(f"strongest dimension {nm(best[0])}, weakest {nm(best[-1])}")
        if s_items:
            parts.append("strengths against peers: " + ", ".join(s_items))
        if w_items:
            parts.append("weaknesses: " + ", ".join(w_items))
        return "; ".join(parts) + ". (Percentile against peers in brackets.)"


def unit_profile(
    unit: object,
    scores: pd.DataFrame,
    meta: pd.DataFrame,
    *,
    groups: pd.Series | None = None,
    level: int = 1,
    n: int = 3,
    bands: Mapping[str, float] | None = None,
) -> UnitProfile:
    """Diagnosis card of one unit from the index scores (units x every node).

    Strengths and weaknesses are the ``n`` items at ``level`` (1 = indicators, 2 = sub-dimensions)
    with the highest/lowest percentile rank against the unit's peer group (``groups``) or all
    units. ``dimensions`` are the nodes just below the index with score and rank.
    """
    hier = hierarchy_from_meta(meta)
    if unit not in scores.index:
        raise MethodError(f"unit_profile: unit {unit!r} not in the scores")
    root = hier.roots[0] if hier.roots else hier.codes[-1]
    dims = list(hier.children.get(root, ()))
    ranks = rank_desc(scores[[root, *dims]])
    dim_df = pd.DataFrame({"score": scores.loc[unit, dims], "rank": ranks.loc[unit, dims]})
    items = list(hier.nodes_at(level))
    sw = strengths_weaknesses(scores[items], n=n, groups=groups).of(unit)
    g = grp_rank = gsize = None
    if groups is not None:
        pv = peer_view(scores[root], groups)
        g = pv.loc[unit, "group"]
        grp_rank = float(pv.loc[unit, "rank_in_group"])
        gsize = int(pv.loc[unit, "group_size"])
    band = None
    if bands:
        band = assign_bands(scores[[root]].loc[[unit], root], bands).iloc[0]
    return UnitProfile(
        unit=unit, index_code=root, score=float(scores.loc[unit, root]),
        rank=float(ranks.loc[unit, root]), n_units=int(scores[root].notna().sum()),
        band=None if band is None or pd.isna(band) else str(band), dimensions=dim_df,
        strengths=sw[sw["kind"] == "strength"].set_index("order"),
        weaknesses=sw[sw["kind"] == "weakness"].set_index("order"),
        group=g, rank_in_group=grp_rank, group_size=gsize,
    )


@dataclass(frozen=True)
class RankAgreement(Result):
    """Result of :func:`ranking_agreement`.

    Attributes
    ----------
    ranks : DataFrame
        Units x variants, rank 1 = best (ties "min").
    spearman, kendall : DataFrame
        Variant x variant rank correlations (Spearman's rho, Kendall's tau-b).
    shifts : DataFrame
        Per variant against ``reference``: ``mean_abs_shift``, ``max_abs_shift`` (in ranks) and
        ``share_top10_kept`` (share of the reference's top 10 still in the variant's top 10).
    """

    ranks: pd.DataFrame
    spearman: pd.DataFrame
    kendall: pd.DataFrame
    shifts: pd.DataFrame
    reference: str

    def to_frame(self) -> pd.DataFrame:
        """Rank shifts of each variant against the reference."""
        return self.shifts

    def summary(self) -> Summary:
        """The least agreeing variant in a line; the shifts and the Spearman matrix."""
        rho = self.spearman[self.reference].drop(self.reference, errors="ignore")
        lines = [f"{self.ranks.shape[1]} variants, {self.ranks.shape[0]} units; "
                 f"reference {self.reference}"]
        if len(rho):
            lines.append(f"lowest Spearman with the reference: {rho.idxmin()} ({rho.min():.3f})")
        return Summary("Ranking agreement", lines, [self.shifts, self.spearman])


def ranking_agreement(scores: pd.DataFrame, *, reference: str | None = None) -> RankAgreement:
    """How far apart the rankings of several variants of an index are.

    ``scores`` has units in rows and one column per variant (e.g. the index under expert, AHP,
    entropy, CRITIC and PCA weights); ``reference`` (default the first column) is the baseline for
    the rank shifts.
    """
    if scores.shape[1] < 2:
        raise MethodError("ranking_agreement: needs at least two variants (columns)")
    ref = str(reference) if reference is not None else str(scores.columns[0])
    if ref not in scores.columns:
        raise MethodError(f"ranking_agreement: reference {ref!r} is not a column of scores")
    ranks = rank_desc(scores)
    sp = scores.corr(method="spearman")
    kd = scores.corr(method="kendall")
    base = ranks[ref]
    top = set(base[base <= 10].index)
    rows = {}
    for c in scores.columns:
        d = (ranks[c] - base).abs()
        kept = set(ranks[c][ranks[c] <= 10].index)
        rows[c] = {"mean_abs_shift": float(d.mean()), "max_abs_shift": float(d.max()),
                   "share_top10_kept": len(top & kept) / len(top) if top else np.nan}
    return RankAgreement(ranks, sp, kd, pd.DataFrame(rows).T, ref)
