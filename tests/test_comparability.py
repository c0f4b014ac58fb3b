"""methods.comparability.rescaling_drift on hand-computable panels, and its bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from methods import MethodError, MethodTypeError
from methods.comparability import rescaling_drift


def _minmax(x: pd.Series) -> pd.Series:
    return (x - x.min()) / (x.max() - x.min())


@pytest.fixture
def rescaled_panel() -> pd.DataFrame:
    """Raw levels on a fixed scale that *all rise* from year 1 to year 2, published min-max
    rescaled within each year (as the EGDI components are)."""
    raw = pd.DataFrame(
        {"unit_id": list("ABCD") * 2, "year": [1] * 4 + [2] * 4,
         "x": [0.0, 5.0, 6.0, 10.0, 2.0, 5.5, 5.2, 18.0]}
    )  # fmt: skip
    raw["x"] = raw.groupby("year")["x"].transform(_minmax)
    return raw


def test_hand_computed(rescaled_panel):
    r = rescaling_drift(rescaled_panel)
    # year 1: A 0, B .5, C .6, D 1; year 2 (range 2..18): A 0, B .21875, C .2, D 1
    a = r.anchors.set_index("year")
    assert a["pinned_low"].all() and a["pinned_high"].all()
    assert list(a["unit_max"]) == ["D", "D"] and list(a["unit_min"]) == ["A", "A"]
    t = r.transition("x", 1, 2)
    assert (t["n_common"], t["n_down"], t["n_up"], t["n_unchanged"]) == (4, 2, 0, 2)
    # B: score .5 → .21875 while it overtakes C (rank 3 → 2); every raw level rose
    assert (t["n_down_rank_up"], t["n_up_rank_down"]) == (1, 0)
    assert t["share_discordant"] == 0.25 and t["same_leader"] and t["pinned"]
    d = r.discordant.iloc[0]
    assert (d["unit"], d["rank_from"], d["rank_to"], d["rank_gain"]) == ("B", 3, 2, 1)
    assert d["change"] == pytest.approx(0.21875 - 0.5, abs=1e-12)
    assert t["spearman"] == pytest.approx(0.8, abs=1e-12)  # 1 - 6*2/(4*15)
    assert t["median_change"] == pytest.approx(np.median([0, 0.21875 - 0.5, 0.2 - 0.6, 0]))
    s = r.summary()
    assert s["share_years_pinned"] == 1.0 and s["n_discordant"] == 1


def test_fixed_scale_is_not_pinned_and_missing_units_are_left_out():
    p = pd.DataFrame(
        {"unit_id": ["A", "B", "C", "A", "B", "C", "A", "B", "C"],
         "year": [2020] * 3 + [2021] * 3 + [2022] * 3,
         "x": [0.2, 0.4, 0.6, 0.3, np.nan, 0.7, 0.35, 0.5, 0.72]}
    )  # fmt: skip
    r = rescaling_drift(p, ["x"])
    assert not r.anchors["pinned_low"].any() and not r.anchors["pinned_high"].any()
    assert list(r.anchors["n"]) == [3, 2, 3]
    t = r.transition("x", 2020, 2021)
    assert (t["n_common"], t["n_up"], t["n_down"]) == (2, 2, 0)
    assert r.discordant.empty and list(r.discordant.columns)[:4] == [
        "indicator",
        "year_from",
        "year_to",
        "unit",
    ]


def test_bad_inputs(rescaled_panel):
    with pytest.raises(MethodTypeError, match="DataFrame"):
        rescaling_drift(rescaled_panel.to_numpy())  # type: ignore[arg-type]
    with pytest.raises(MethodError, match="no column 'year'"):
        rescaling_drift(rescaled_panel.drop(columns="year"))
    with pytest.raises(MethodError, match="duplicate row for unit 'A', year 1"):
        rescaling_drift(pd.concat([rescaled_panel, rescaled_panel.head(1)]))
    with pytest.raises(MethodError, match="at least two years"):
        rescaling_drift(rescaled_panel[rescaled_panel["year"] == 1])
    with pytest.raises(MethodError, match=r"lacks indicator column\(s\) \['y'\]"):
        rescaling_drift(rescaled_panel, ["y"])
    bad = rescaled_panel.copy()
    bad.loc[bad["year"] == 2, "x"] = np.nan
    with pytest.raises(MethodError, match="'x' has no observed value in year 2"):
        rescaling_drift(bad)
    bad = rescaled_panel.copy()
    bad.loc[(bad["year"] == 2) & (bad["unit_id"] != "A"), "x"] = np.nan
    bad.loc[(bad["year"] == 1) & (bad["unit_id"] != "B"), "x"] = np.nan
    with pytest.raises(MethodError, match="fewer than two units observed in both 1 and 2"):
        rescaling_drift(bad)
    with pytest.raises(MethodError, match="scale"):
        rescaling_drift(rescaled_panel, scale=(1.0, 0.0))
    with pytest.raises(MethodError, match="no transition 'x' 2→3"):
        rescaling_drift(rescaled_panel).transition("x", 2, 3)
