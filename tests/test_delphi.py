"""methods.weights.delphi: round statistics by hand, Kendall's W vs Friedman, retention rule, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from methods import MethodError
from methods.psychometrics.reliability import kendall_w
from methods.weights.delphi import RetentionRule, delphi_rounds, expert_authority


def _scores():
    r1 = {  # indicator -> scores of experts e1..e4
        "i1": [5, 5, 4, 5], "i2": [3, 2, 4, 3], "i3": [4, 4, 4, 5], "i4": [5, 1, 5, 2],
    }
    r2 = {"i1": [5, 5, 5, 5], "i3": [4, 5, 4, 5], "i4": [4, 2, 4, 3]}
    rows = []
    for rnd, tab in ((1, r1), (2, r2)):
        for ind, sc in tab.items():
            for k, s in enumerate(sc):
                rows.append({"expert": f"e{k + 1}", "round": rnd, "indicator": ind, "score": s})
    return pd.DataFrame(rows)


def _experts():
    return pd.DataFrame({"expert": ["e1", "e2", "e3", "e4"], "ca": [0.9, 0.8, 1.0, 0.6],
                         "cs": [0.8, 0.8, 0.6, 0.6]})


def test_round_statistics_by_hand():
    res = delphi_rounds(_scores(), experts=_experts())
    s = res.stats.set_index(["round", "indicator"])
    sc = np.array([5, 1, 5, 2.0])
    assert s.loc[(1, "i4"), "mean"] == pytest.approx(sc.mean())
    assert s.loc[(1, "i4"), "sd"] == pytest.approx(sc.std(ddof=1))
    assert s.loc[(1, "i4"), "cv"] == pytest.approx(sc.std(ddof=1) / sc.mean())
    assert s.loc[(1, "i1"), "full_score_ratio"] == pytest.approx(0.75)
    cr = np.array([0.85, 0.8, 0.8, 0.6])
    assert s.loc[(1, "i2"), "weighted_mean"] == pytest.approx(
        np.sum(cr * [3, 2, 4, 3]) / cr.sum())
    assert res.mean_authority == pytest.approx(cr.mean())


def test_retention_rule_drops_per_round():
    res = delphi_rounds(_scores())
    assert res.dropped[1] == ["i2", "i4"]  # i2: mean 3 < 3.5; i4: CV 0.6 > 0.25
    assert res.dropped[2] == ["i4"]  # mean 3.25
    assert res.retained == ["i1", "i3"]
    loose = delphi_rounds(_scores(), rule=RetentionRule(min_mean=3.0, max_cv=None))
    assert loose.dropped[1] == []
    custom = delphi_rounds(_scores(), rule=lambda t: t["full_score_ratio"] >= 0.5)
    assert custom.dropped[2] == ["i4"]


def test_kendall_w_equals_friedman():
    rng = np.random.default_rng(7)
    ratings = pd.DataFrame(rng.integers(1, 6, size=(8, 5)))  # 8 objects, 5 raters (ties)
    k = kendall_w(ratings)
    chi2, p = stats.friedmanchisquare(*[ratings.iloc[i] for i in range(8)])
    assert k.chi2 == pytest.approx(chi2)
    assert k.w == pytest.approx(chi2 / (5 * 7))
    assert k.p_value == pytest.approx(p)


def test_concordance_per_round_and_missing_expert():
    s = _scores()
    s = s[~((s["expert"] == "e4") & (s["round"] == 2) & (s["indicator"] == "i1"))]
    res = delphi_rounds(s)
    assert res.concordance.loc[2, "n_experts"] == 3
    assert res.concordance.loc[2, "experts_excluded"] == ["e4"]
    assert res.concordance.loc[1, "n_indicators"] == 4
    assert 0 <= res.concordance.loc[1, "w"] <= 1


def test_expert_authority():
    a = expert_authority(_experts())
    assert a.loc["e1", "cr"] == pytest.approx(0.85)


@pytest.mark.parametrize(
    "mutate,needle",
    [(lambda s: s.drop(columns="round"), "columns"),
     (lambda s: pd.concat([s, s.iloc[[0]]]), "twice"),
     (lambda s: s.assign(score=s["score"].astype(object).where(s.index != 3, "x")),
      "non-numeric score 'x'"),
     (lambda s: s.assign(score=s["score"].where(s.index != 2, 7)), "above max_score")],
)
def test_bad_scores(mutate, needle):
    with pytest.raises(MethodError, match=needle):
        delphi_rounds(mutate(_scores()))


def test_bad_authority():
    e = _experts()
    e.loc[1, "ca"] = 1.4
    with pytest.raises(MethodError, match="'e2' has ca = 1.4"):
        delphi_rounds(_scores(), experts=e)
    with pytest.raises(MethodError, match="no authority"):
        delphi_rounds(_scores(), experts=_experts().iloc[:3])
