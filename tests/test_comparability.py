"""methods.index.comparability.rescaling_drift and framework_rescaling_drift on hand-computable panels,
and their bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from methods import MethodError, MethodTypeError
from methods.index.comparability import framework_rescaling_drift, rescaling_drift


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
    s = r.summary().to_frame()["value"]
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


@pytest.fixture
def framework_panel() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three indicators over three years: ``x`` (higher is better, on [0, 1]) min-max rescaled
    within every year; ``y`` (lower is better, on [0, 1]) rescaled in years 1 and 3 only;
    ``z`` (unbounded) in raw units."""
    raw = pd.DataFrame(
        {"unit_id": list("ABCD") * 3, "year": [1] * 4 + [2] * 4 + [3] * 4,
         "x": [0.0, 5.0, 6.0, 10.0, 2.0, 5.5, 5.2, 18.0, 1.0, 3.0, 7.0, 9.0],
         "y": [3.0, 1.0, 2.0, 0.0, 0.8, 0.3, 0.5, 0.1, 4.0, 2.0, 1.0, 0.0],
         "z": [10.0, 20.0, 30.0, 40.0, 12.0, 18.0, 35.0, 41.0, 11.0, 25.0, 33.0, 39.0]}
    )  # fmt: skip
    raw["x"] = raw.groupby("year")["x"].transform(_minmax)
    y13 = raw["year"] != 2
    raw.loc[y13, "y"] = raw[y13].groupby("year")["y"].transform(_minmax)
    meta = pd.DataFrame(
        {"code": ["I", "x", "y", "z"], "level": [2, 1, 1, 1], "direction": [np.nan, 1, -1, 1],
         "bound_low": [np.nan, 0.0, 0.0, np.nan], "bound_high": [np.nan, 1.0, 1.0, np.nan]}
    )  # fmt: skip
    return raw, meta


def test_framework_matches_indicatorwise_drift(framework_panel):
    panel, meta = framework_panel
    r = framework_rescaling_drift(panel, meta, ["z", "y", "x"])
    # tables follow the order asked for, each block equal to rescaling_drift on oriented data
    assert list(pd.unique(r.anchors["indicator"])) == ["z", "y", "x"]
    assert list(pd.unique(r.transitions["indicator"])) == ["z", "y", "x"]
    flipped = panel.assign(y=-panel["y"])
    for code, scale in (("x", (0.0, 1.0)), ("y", (-1.0, 0.0)), ("z", (-np.inf, np.inf))):
        one = rescaling_drift(flipped, [code], scale=scale)
        for name in ("anchors", "transitions", "discordant"):
            got = getattr(r, name)
            got = got[got["indicator"] == code].reset_index(drop=True)
            pd.testing.assert_frame_equal(got, getattr(one, name).reset_index(drop=True),
                                          check_dtype=False, obj=f"{name} of {code}")
    assert r.scales.loc["y"].tolist() == [-1.0, 0.0]
    assert r.scales.loc["z"].tolist() == [-np.inf, np.inf]
    assert r.pinned_years == {"z": (), "y": (1, 3), "x": (1, 2, 3)}
    assert r.rescaled == ("y", "x")
    assert r.unpinned_years("y") == [2] and r.unpinned_years("x") == []
    assert r.n_years.to_dict() == {"z": 3, "y": 3, "x": 3}
    assert r.summary().to_frame().loc["n_rescaled", "value"] == 2
    # default indicators: meta's level-1 codes, in meta order; a stricter rule drops y
    strict = framework_rescaling_drift(panel, meta, min_pinned_years=3)
    assert list(pd.unique(strict.anchors["indicator"])) == ["x", "y", "z"]
    assert strict.rescaled == ("x",)


def test_framework_bad_inputs(framework_panel):
    panel, meta = framework_panel
    with pytest.raises(MethodTypeError, match="meta must be a pandas DataFrame"):
        framework_rescaling_drift(panel, meta.to_numpy())  # type: ignore[arg-type]
    with pytest.raises(MethodError, match=r"no row for indicator\(s\) \['w'\]"):
        framework_rescaling_drift(panel, meta, ["x", "w"])
    with pytest.raises(MethodError, match=r"\['z'\]: direction must be \+1 or -1"):
        framework_rescaling_drift(panel, meta.assign(direction=[np.nan, 1, -1, 0]))
    with pytest.raises(MethodError, match="no column 'direction'"):
        framework_rescaling_drift(panel, meta.drop(columns="direction"))
    with pytest.raises(MethodError, match="min_pinned_years"):
        framework_rescaling_drift(panel, meta, min_pinned_years=0)
    with pytest.raises(MethodError, match="no indicator 'w'"):
        framework_rescaling_drift(panel, meta).unpinned_years("w")
    # no bound columns at all: every indicator unbounded, never pinned
    r = framework_rescaling_drift(panel, meta.drop(columns=["bound_low", "bound_high"]))
    assert r.rescaled == () and not r.anchors["pinned_high"].any()
