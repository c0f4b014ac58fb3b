"""methods.index.treat: COINr 1.1.14 Treat() on ASEM, moments, force_win, alternatives, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from methods import MethodError, MethodWarning
from methods.index.treat import kurtosis, skewness, treat
from tests._index_asem import ASEM, max_abs_diff, ref_csv

TOL = 1e-9


def _screened() -> pd.DataFrame:
    return ref_csv("dset_Screened.csv")


@pytest.fixture(scope="module")
def default_treat():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        return treat(_screened(), "jrc", winmax=5)


def test_values_match_coinr_default(default_treat):
    d, where = max_abs_diff(default_treat.data, ref_csv("dset_Treated.csv"))
    assert d <= TOL, f"treated values: max diff {d:g} at {where}"


def test_details_match_coinr_default(default_treat):
    ref = pd.read_csv(ASEM / "treat_details.csv").set_index("iCode")
    mine = default_treat.details.loc[ref.index]
    for col, rcol in [("skew", "check_SkewKurt0.Skew"), ("kurtosis", "check_SkewKurt0.Kurt")]:
        d = np.max(np.abs(mine[col] - ref[rcol]))
        assert d <= TOL, f"{col} before treatment: max diff {d:g}"
    failed = ~ref["check_SkewKurt0.Pass"].astype(bool)
    assert (mine["failed"] == failed).all(), "indicators failing the rule differ"
    nwin = ref["winsorise.nwin"].fillna(0).astype(int)
    diff = mine["n_winsorised"] != nwin
    assert not diff.any(), f"points winsorised differ for {list(mine.index[diff])}"
    d = np.nanmax(np.abs(mine.loc[failed, "skew_winsorised"] - ref.loc[failed,
                                                                       "check_SkewKurt1.Skew"]))
    assert d <= TOL, f"skew after winsorisation: max diff {d:g}"


def test_point_flags_match_coinr(default_treat):
    ref = pd.read_csv(ASEM / "treat_points.csv", keep_default_na=False).set_index("uCode")
    flags = ref.stack()
    flags = flags[flags != ""]
    mine = default_treat.points.set_index(["unit", "indicator"])["treatment"]
    expect = flags.map({"winhi": "winsorised_high", "winlo": "winsorised_low"})
    expect.index.names = ["unit", "indicator"]
    assert set(mine.index) == set(expect.index), "treated cells differ from COINr's flags"
    assert (mine[expect.index] == expect).all()


def test_log_path_matches_coinr_winmax1():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        res = treat(_screened(), "jrc", winmax=1)
    d, where = max_abs_diff(res.data, ref_csv("treat_winmax1.csv"))
    assert d <= TOL, f"winmax=1 treated values: max diff {d:g} at {where}"
    ref = pd.read_csv(ASEM / "treat_winmax1_details.csv").set_index("iCode")
    logged = ref["check_SkewKurt2.Pass"].notna()
    mine = res.details.loc[ref.index]
    assert (mine.loc[logged, "transform"] == "log").all()
    assert (mine.loc[~logged, "transform"] == "").all()
    d = np.max(np.abs(mine.loc[logged, "skew_final"] - ref.loc[logged, "check_SkewKurt2.Skew"]))
    assert d <= TOL, f"skew after log: max diff {d:g}"
    # ForPort still fails after the log, as in COINr
    assert "ForPort" in res.still_failing


def test_moments_match_scipy_bias_corrected():
    rng = np.random.default_rng(0)
    x = rng.lognormal(size=40)
    assert skewness(x) == pytest.approx(stats.skew(x, bias=False), rel=1e-12)
    assert kurtosis(x) == pytest.approx(stats.kurtosis(x, bias=False), rel=1e-12)
    x[3] = np.nan
    assert skewness(x) == pytest.approx(stats.skew(x[~np.isnan(x)], bias=False), rel=1e-12)


def _skewed():
    base = np.linspace(1, 2, 30)
    base[-1] = 100.0
    base[-2] = 100.0  # a tie at the top
    return pd.DataFrame({"s": base, "ok": np.linspace(0, 1, 30)},
                        index=[f"u{i}" for i in range(30)])


def test_ties_move_together():
    res = treat(_skewed(), "winsorise", winmax=5)
    assert res.details.loc["s", "n_winsorised"] == 2
    assert res.data["s"].max() == pytest.approx(_skewed()["s"].iloc[-3])
    pts = res.points[res.points["indicator"] == "s"]
    assert sorted(pts["unit"]) == ["u28", "u29"]
    assert (pts["treatment"] == "winsorised_high").all()


def test_force_win_applies_to_passing_indicator():
    x = _skewed()
    res = treat(x, "jrc", winmax=3, force_win=["ok"])
    assert not res.details.loc["ok", "failed"]
    assert res.details.loc["ok", "n_winsorised"] >= 3
    assert res.data["ok"].max() < x["ok"].max()
    plain = treat(x, "jrc", winmax=3)
    assert plain.details.loc["ok", "n_winsorised"] == 0


def test_log_and_boxcox_alternatives():
    x = _skewed()
    with pytest.warns(MethodWarning, match="still fail"):
        lg = treat(x, "log")
    s = x["s"]
    expect = np.log(s - s.min() + 0.01 * (s.max() - s.min()))
    assert np.allclose(lg.data["s"], expect, rtol=0, atol=1e-12)
    assert (lg.data["ok"] == x["ok"]).all(), "a passing indicator must be left alone"
    bc = treat(x, "boxcox")
    lam = bc.details.loc["s", "boxcox_lambda"]
    ref, ref_lam = stats.boxcox(s - s.min() + 1)
    assert lam == pytest.approx(ref_lam)
    assert np.allclose(bc.data["s"], ref)
    assert (treat(x, "none").data == x).all().all()


def test_indicator_specs_override():
    res = treat(_skewed(), "jrc", indicator_specs={"s": "none"})
    assert (res.data["s"] == _skewed()["s"]).all()


def test_constant_indicator_is_left_untreated():
    x = pd.DataFrame({"c": np.ones(10), "v": np.arange(10.0)})
    res = treat(x)
    assert not res.details.loc["c", "failed"]
    assert (res.data["c"] == 1).all()


@pytest.mark.parametrize(
    "kwargs,needle",
    [({"method": "trim"}, "unknown method 'trim'"),
     ({"winmax": -1}, "winmax"),
     ({"force_win": ["zz"]}, "zz"),
     ({"indicator_specs": {"zz": "none"}}, "zz")],
)
def test_bad_input(kwargs, needle):
    with pytest.raises(MethodError, match=needle):
        treat(_skewed(), **kwargs)


def test_non_numeric_cell_named():
    x = _skewed().astype(object)
    x.loc["u3", "s"] = "n/a"
    with pytest.raises(MethodError, match=r"'n/a'.*'s'.*'u3'"):
        treat(x)
