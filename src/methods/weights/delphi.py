"""Delphi rounds: per-indicator consensus statistics, Kendall's W across experts, expert
authority, and which indicators a retention rule drops in each round.

The statistics are the ones Chinese indicator-system studies report for each Delphi round (均值,
标准差, 变异系数, 满分比, 肯德尔协调系数 W, 专家权威系数 Cr = (Ca + Cs)/2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from methods._errors import MethodError
from methods.psychometrics.reliability import kendall_w
from methods.summary import Result, Summary

__all__ = ["DelphiResult", "RetentionRule", "delphi_rounds", "expert_authority"]


def _kendall(ratings: pd.DataFrame) -> dict[str, float]:
    r = kendall_w(ratings)
    return {"w": float(r.w), "chi2": float(r.chi2), "dof": float(r.dof),
            "p_value": float(r.p_value)}


@dataclass(frozen=True)
class RetentionRule:
    """When an indicator is kept after a round: ``mean >= min_mean`` and ``cv <= max_cv`` (and,
    if given, ``full_score_ratio >= min_full_score_ratio``). Common defaults in Chinese Delphi
    studies on a 1-5 importance scale: mean >= 3.5, CV <= 0.25."""

    min_mean: float | None = 3.5
    max_cv: float | None = 0.25
    min_full_score_ratio: float | None = None

    def keep(self, table: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=table.index)
        if self.min_mean is not None:
            ok &= table["mean"] >= self.min_mean
        if self.max_cv is not None:
            ok &= table["cv"] <= self.max_cv
        if self.min_full_score_ratio is not None:
            ok &= table["full_score_ratio"] >= self.min_full_score_ratio
        return ok

    def describe(self) -> str:
        parts = []
        if self.min_mean is not None:
            parts.append(f"mean >= {self.min_mean}")
        if self.max_cv is not None:
            parts.append(f"CV <= {self.max_cv}")
        if self.min_full_score_ratio is not None:
            parts.append(f"full-score ratio >= {self.min_full_score_ratio}")
        return " and ".join(parts) or "keep all"


def expert_authority(experts: pd.DataFrame) -> pd.DataFrame:
    r"""Expert authority coefficient :math:`C_r = (C_a + C_s)/2` (judgement basis :math:`C_a`,
    familiarity :math:`C_s`, each in [0, 1]).

    Returns the frame indexed by expert with ``ca``, ``cs``, ``cr``. Values outside [0, 1] or
    missing are errors naming the expert.
    """
    need = {"expert", "ca", "cs"}
    if not need <= set(experts.columns):
        raise MethodError(f"expert_authority: experts needs columns {sorted(need)}")
    e = experts.set_index("expert")[["ca", "cs"]].astype(float)
    bad = e.isna() | (e < 0) | (e > 1)
    if bad.any().any():
        r, c = np.argwhere(bad.to_numpy())[0]
        raise MethodError(
            f"expert_authority: expert {e.index[r]!r} has {e.columns[c]} = "
            f"{e.iloc[r, c]:g}; expected a number in [0, 1]"
        )
    e["cr"] = (e["ca"] + e["cs"]) / 2
    return e


@dataclass(frozen=True)
class DelphiResult(Result):
    """Result of :func:`delphi_rounds`.

    Attributes
    ----------
    stats : DataFrame
        One row per (round, indicator): ``n``, ``mean``, ``sd`` (sample), ``cv``,
        ``full_score_ratio``, ``weighted_mean`` (by authority, if given), ``retained``.
    concordance : DataFrame
        Per round: Kendall's ``w``, ``chi2``, ``dof``, ``p_value``, ``n_experts``,
        ``n_indicators``, ``experts_excluded`` (experts with a missing score that round).
    authority : DataFrame or None
        Per expert ``ca``, ``cs``, ``cr``.
    dropped : dict
        Round -> indicators the rule drops in that round.
    retained : list
        Indicators the rule keeps in the last round.
    rule : str
    """

    stats: pd.DataFrame
    concordance: pd.DataFrame
    authority: pd.DataFrame | None
    dropped: Mapping[int, list[str]]
    retained: list[str]
    rule: str
    max_score: float = field(default=5.0)

    @property
    def mean_authority(self) -> float:
        return float("nan") if self.authority is None else float(self.authority["cr"].mean())

    def to_frame(self) -> pd.DataFrame:
        """The statistics per round and indicator."""
        return self.stats

    def summary(self) -> Summary:
        """Rounds, rule, retained indicators, concordance; the concordance per round."""
        c = self.concordance
        lines = [f"{len(c)} rounds; rule: {self.rule}; {len(self.retained)} indicators retained",
                 f"Kendall's W in the last round = {c['w'].iloc[-1]:.3f} "
                 f"(p = {c['p_value'].iloc[-1]:.3g})" if len(c) else "no round"]
        if self.authority is not None:
            lines.append(f"mean authority Cr = {self.mean_authority:.3f}")
        return Summary("Delphi rounds", lines, [c])


def delphi_rounds(
    scores: pd.DataFrame,
    *,
    experts: pd.DataFrame | None = None,
    max_score: float = 5.0,
    rule: RetentionRule | Callable[[pd.DataFrame], pd.Series] | None = None,
) -> DelphiResult:
    r"""Summarise Delphi rounds and apply a retention rule.

    Per round and indicator: :math:`\bar x`, sample SD, :math:`CV = SD/\bar x`, full-score ratio
    (share of experts giving ``max_score``); per round Kendall's W over the indicators (tie
    corrected; experts with a missing score in the round are left out of W).

    Parameters
    ----------
    scores : DataFrame
        Long: ``expert``, ``round``, ``indicator``, ``score``.
    experts : DataFrame
        ``expert``, ``ca``, ``cs`` (authority); optional.
    max_score : float
        Top of the rating scale (for the full-score ratio).
    rule : RetentionRule or callable
        Table of one round -> boolean Series (True = keep). Default :class:`RetentionRule()`.

    Returns
    -------
    DelphiResult

    Notes
    -----
    Missing scores are left out of that indicator's statistics. Kendall's W is the shared
    ``methods.psychometrics.reliability.kendall_w`` when available, else a private implementation (tie-corrected,
    equal to Friedman's chi-square / (m (n - 1)); tested against ``scipy.stats.friedmanchisquare``).

    References
    ----------
    1. Kendall, M. G. & Babington Smith, B. (1939). The problem of m rankings. Ann. Math. Stat. 10.
    2. Hsu, C.-C. & Sandford, B. A. (2007). The Delphi technique: making sense of consensus.
       PARE 12(10).
    3. 曾光 (1994). 现代流行病学方法与应用 (expert authority Cr = (Ca + Cs)/2).
    """
    df = _delphi_scores(scores, max_score)
    auth = expert_authority(experts) if experts is not None else None
    keep_rule = rule if rule is not None else RetentionRule()
    rows = []
    conc = []
    dropped: dict[int, list[str]] = {}
    last_keep: list[str] = []
    for rnd, sub in df.groupby("round", sort=True):
        wide = sub.pivot(index="indicator", columns="expert", values="score")
        tab = _delphi_round_table(wide, max_score, auth)
        keep = keep_rule.keep(tab) if isinstance(keep_rule, RetentionRule) else keep_rule(tab)
        tab["retained"] = pd.Series(keep, index=tab.index).astype(bool)
        dropped[int(rnd)] = tab.index[~tab["retained"]].tolist()
        last_keep = tab.index[tab["retained"]].tolist()
        tab.insert(0, "round", int(rnd))
        rows.append(tab.reset_index())
        conc.append(_delphi_concordance(wide, int(rnd)))
    if not rows:
        raise MethodError("delphi_rounds: no scores")
    desc = keep_rule.describe() if isinstance(keep_rule, RetentionRule) else "custom rule"
    return DelphiResult(
        stats=pd.concat(rows, ignore_index=True),
        concordance=pd.DataFrame(conc).set_index("round"),
        authority=auth,
        dropped=dropped,
        retained=last_keep,
        rule=desc,
        max_score=max_score,
    )


def _delphi_scores(scores: pd.DataFrame, max_score: float) -> pd.DataFrame:
    """The long scores table (expert, round, indicator, numeric score), checked for the
    columns, non-numeric and duplicated scores and scores above ``max_score``."""
    need = {"expert", "round", "indicator", "score"}
    if not need <= set(scores.columns):
        raise MethodError(f"delphi_rounds: scores needs columns {sorted(need)}, got "
                          f"{list(scores.columns)}")
    df = scores[["expert", "round", "indicator", "score"]].copy()
    df["score"] = pd.to_numeric(df["score"], errors="coerce")
    bad = df["score"].isna() & scores["score"].notna()
    if bad.any():
        r = df[bad].iloc[0]
        raise MethodError(f"delphi_rounds: non-numeric score {scores.loc[r.name, 'score']!r} "
                          f"(expert {r['expert']!r}, round {r['round']}, indicator "
                          f"{r['indicator']!r})")
    dup = df.duplicated(["expert", "round", "indicator"])
    if dup.any():
        r = df[dup].iloc[0]
        raise MethodError(f"delphi_rounds: expert {r['expert']!r} scored indicator "
                          f"{r['indicator']!r} twice in round {r['round']}")
    out_of_scale = df["score"] > max_score
    if out_of_scale.any():
        r = df[out_of_scale].iloc[0]
        raise MethodError(f"delphi_rounds: score {r['score']} above max_score {max_score} "
                          f"(expert {r['expert']!r}, indicator {r['indicator']!r})")
    return df


def _delphi_round_table(wide: pd.DataFrame, max_score: float, auth: pd.DataFrame | None
                        ) -> pd.DataFrame:
    """Per indicator of one round (indicators x experts): n, mean, SD, CV, full-score ratio and,
    with expert authority, the authority-weighted mean."""
    g = wide
    tab = pd.DataFrame({
        "n": g.notna().sum(axis=1),
        "mean": g.mean(axis=1),
        "sd": g.std(axis=1, ddof=1),
    })
    tab["cv"] = tab["sd"] / tab["mean"]
    tab["full_score_ratio"] = (g == max_score).sum(axis=1) / tab["n"]
    if auth is not None:
        missing = [e for e in g.columns if e not in auth.index]
        if missing:
            raise MethodError(f"delphi_rounds: no authority (ca, cs) for expert(s) {missing}")
        cr = auth.loc[list(g.columns), "cr"].to_numpy()
        vals = g.to_numpy(dtype=float)
        obs = ~np.isnan(vals)
        tab["weighted_mean"] = np.nansum(vals * cr, axis=1) / (obs * cr).sum(axis=1)
    return tab


def _delphi_concordance(wide: pd.DataFrame, rnd: int) -> dict[str, object]:
    """Kendall's W of one round over the experts who scored every indicator (NaN with fewer
    than 2 such experts or 3 indicators)."""
    complete = wide.dropna(axis=1, how="any")
    excluded = [e for e in wide.columns if e not in complete.columns]
    if complete.shape[1] >= 2 and complete.shape[0] >= 3:
        k = _kendall(complete)
    else:
        k = {"w": float("nan"), "chi2": float("nan"), "dof": float("nan"),
             "p_value": float("nan")}
    return {"round": rnd, **k, "n_experts": complete.shape[1],
            "n_indicators": complete.shape[0], "experts_excluded": excluded}
