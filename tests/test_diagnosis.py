"""methods.index.diagnosis: score tables with ties, strengths and weaknesses, peer views, year-on-year,
weight shares by kind, unit cards."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from methods import MethodError
from methods.index.aggregate import aggregate
from methods.index.diagnosis import (
    assign_bands,
    peer_view,
    percentile_ranks,
    ranking_agreement,
    score_table,
    strengths_weaknesses,
    unit_profile,
    weight_shares,
    year_on_year,
)


def _meta():
    return pd.DataFrame({
        "code": ["a", "b", "c", "d", "X", "Y", "I"],
        "parent": ["X", "X", "Y", "Y", "I", "I", None],
        "level": [1, 1, 1, 1, 2, 2, 3],
        "weight": [1, 3, 1, 1, 3, 1, 1],
        "direction": [1, 1, 1, 1, np.nan, np.nan, np.nan],
        "kind": ["input", "outcome", "output", "outcome", None, None, None],
    })


def _scores():
    x = pd.DataFrame({"a": [10.0, 50, 90, 50], "b": [20.0, 40, 60, 40], "c": [90.0, 40, 50, 40],
                      "d": [40.0, 60, 80, 60]}, index=["u1", "u2", "u3", "u4"])
    return aggregate(x, _meta()).scores


def test_score_table_ties_and_bands():
    t = score_table(_scores(), _meta(), bands={"high": 60, "mid": 40})
    top = t[t["node"] == "I"].set_index("unit")
    assert top.loc["u2", "rank"] == top.loc["u4", "rank"] == 2  # tie: "min"
    assert top.loc["u3", "rank"] == 1
    assert top.loc["u3", "band"] == "high"
    assert set(t["level"]) == {1, 2, 3}


def test_assign_bands():
    b = assign_bands(pd.Series([95.0, 85, 10, np.nan]), {"非常高": 90, "高": 80, "中": 60})
    assert b.iloc[:3].tolist() == ["非常高", "高", "<中"]
    assert pd.isna(b.iloc[3])


def test_percentiles_and_strengths():
    s = _scores()[["a", "b", "c", "d"]]
    p = percentile_ranks(s)
    assert p.loc["u3", "a"] == 1.0 and p.loc["u1", "a"] == 0.0
    assert p.loc["u2", "a"] == pytest.approx(0.5)  # tie with u4: average rank 2.5
    sw = strengths_weaknesses(s, n=1)
    u1 = sw.of("u1").set_index("kind")
    assert u1.loc["strength", "item"] == "c"
    assert u1.loc["weakness", "item"] in {"a", "b", "d"}
    g = pd.Series({"u1": "p", "u2": "p", "u3": "q", "u4": "q"})
    pg = percentile_ranks(s, g)
    assert pg.loc["u3", "c"] == 1.0 and pg.loc["u4", "c"] == 0.0


def test_peer_view():
    s = _scores()["I"]
    g = pd.Series({"u1": "p", "u2": "p", "u3": "q", "u4": "q"})
    pv = peer_view(s, g)
    assert pv.loc["u3", "rank_in_group"] == 1 and pv.loc["u4", "rank_in_group"] == 2
    assert pv.loc["u1", "group_mean"] == pytest.approx((s["u1"] + s["u2"]) / 2)
    with pytest.raises(MethodError, match="no group for unit 'u4'"):
        peer_view(s, g.drop("u4"))


def test_year_on_year():
    s1 = _scores()
    s2 = s1 + 5
    s2.loc["u1", "I"] = 100
    yoy = year_on_year({2024: s1, 2025: s2}, nodes=["I"]).set_index("unit")
    assert yoy.loc["u2", "change"] == pytest.approx(5)
    assert yoy.loc["u1", "rank_change"] == yoy.loc["u1", "rank_from"] - 1
    with pytest.raises(MethodError, match="two years"):
        year_on_year({2024: s1})


def test_weight_shares_by_kind():
    ws = weight_shares(_meta())
    # X: a (1/4, input), b (3/4, outcome); Y: c output 1/2, d outcome 1/2; I: X 3/4, Y 1/4
    assert ws.loc["X", "outcome"] == pytest.approx(0.75)
    assert ws.loc["I", "input"] == pytest.approx(0.75 * 0.25)
    assert ws.loc["I", "outcome"] == pytest.approx(0.75 * 0.75 + 0.25 * 0.5)
    assert ws[["input", "output", "outcome"]].sum(axis=1).to_numpy() == pytest.approx(1)
    ws2 = weight_shares(_meta(), weights={"X": 1})
    assert ws2.loc["I", "input"] == pytest.approx(0.5 * 0.25)
    with pytest.raises(MethodError, match="no column 'tier'"):
        weight_shares(_meta(), by="tier")


def test_unit_profile_text():
    g = pd.Series({"u1": "p", "u2": "p", "u3": "q", "u4": "q"})
    prof = unit_profile("u1", _scores(), _meta(), groups=g, n=2, bands={"high": 60})
    assert prof.rank == 4 and prof.n_units == 4
    assert list(prof.dimensions.index) == ["X", "Y"]
    zh = prof.text("zh", names={"c": "指标C"})
    assert "指标C" in zh and "排名第 4" in zh
    en = prof.text("en")
    assert "rank 4 of 4" in en
    score = float(_scores().loc["u1", prof.index_code])
    assert f"scores {score:.1f}," in en
    assert f"scores {score:.3f}," in prof.text("en", digits=3)
    assert f"综合得分 {score:.3f}，" in prof.text("zh", digits=3)
    with pytest.raises(MethodError, match="'u9'"):
        unit_profile("u9", _scores(), _meta())


def test_ranking_agreement():
    s = pd.DataFrame({"base": [4.0, 3, 2, 1], "same": [40.0, 30, 20, 10],
                      "swap": [3.0, 4, 2, 1]}, index=list("pqrs"))
    ra = ranking_agreement(s)
    assert ra.spearman.loc["base", "same"] == pytest.approx(1.0)
    assert ra.spearman.loc["base", "swap"] == pytest.approx(0.8)
    assert ra.shifts.loc["swap", "max_abs_shift"] == 1 and ra.shifts.loc["same", "mean_abs_shift"] == 0
    with pytest.raises(MethodError, match="two variants"):
        ranking_agreement(s[["base"]])
