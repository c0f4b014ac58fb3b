"""methods.index.normalise against COINr 1.1.14 n_* functions on ASEM, goalposts, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from methods import MethodError
from methods.index.normalise import goalposts_from_data, normalise, normalise_array
from tests._index_asem import asem_meta, max_abs_diff, ref_csv

TOL = 1e-9


def _treated() -> pd.DataFrame:
    return ref_csv("dset_Treated.csv")


@pytest.mark.parametrize(
    "method,params,ref_file",
    [("minmax", {"range": (0, 100)}, "dset_Normalised.csv"),
     ("minmax", {"range": (1, 100)}, "geo_Normalised.csv"),
     ("zscore", {"mean_sd": (10, 2)}, "norm_zscore.csv"),
     ("rank", {}, "norm_rank.csv"),
     ("percentile", {}, "norm_prank.csv"),
     ("distance_max", {}, "norm_dist2max.csv"),
     ("fraction_max", {}, "norm_fracmax.csv")],
)
def test_matches_coinr(method, params, ref_file):
    x = _treated()
    if method == "fraction_max":  # x / max of -x is undefined for negative indicators
        dirs = asem_meta().set_index("code")["direction"]
        x = x[[c for c in x.columns if dirs[c] > 0]]
    res = normalise(x, method, directions=asem_meta(), **params)
    d, where = max_abs_diff(res.data, ref_csv(ref_file)[list(x.columns)])
    assert d <= TOL, f"normalise({method}) vs COINr {ref_file}: max diff {d:g} at {where}"


@pytest.mark.parametrize("method", ["minmax", "zscore", "rank", "percentile"])
def test_fast_array_path_equals_labelled(method):
    x = _treated()
    dirs = asem_meta().set_index("code").loc[x.columns, "direction"].to_numpy()
    a = normalise_array(x.to_numpy(), dirs, method)
    b = normalise(x, method, directions=asem_meta()).data.to_numpy()
    assert np.max(np.abs(a - b)) < 1e-12


def _toy():
    return pd.DataFrame({"pos": [0.2, 0.5, 1.2], "neg": [10.0, 20.0, 40.0]},
                        index=["u1", "u2", "u3"])


def test_goalposts_fixed_and_clipped_both_directions():
    gp = {"pos": (0.0, 1.0), "neg": (0.0, 30.0)}
    res = normalise(_toy(), "goalposts", directions={"pos": 1, "neg": -1}, goalposts=gp)
    assert res.data["pos"].tolist() == pytest.approx([20.0, 50.0, 100.0])  # 1.2 clipped
    assert res.data["neg"].tolist() == pytest.approx([100 * 20 / 30, 100 * 10 / 30, 0.0])
    unclipped = normalise(_toy(), "goalposts", directions={"pos": 1, "neg": -1}, goalposts=gp,
                          clip=False, scale=1)
    assert unclipped.data.loc["u3", "pos"] == pytest.approx(1.2)
    assert res.parameters.loc["neg", "high"] == 30.0


def test_distance_target_and_reference():
    x = _toy()
    t = normalise(x, "distance_target", directions={"pos": 1, "neg": -1},
                  targets={"pos": 1.0, "neg": 10.0})
    assert t.data["pos"].tolist() == pytest.approx([0, 0.3 / 0.8, 1.0 / 0.8])
    assert t.data["neg"].tolist() == pytest.approx([1.0, 20 / 30, 0.0])
    r = normalise(x, "distance_reference", reference="u2")
    assert r.data.loc["u2"].tolist() == pytest.approx([1.0, 1.0])


def test_overrides_per_indicator():
    res = normalise(_toy(), "minmax", overrides={"neg": {"method": "rank"}})
    assert res.data["neg"].tolist() == [1.0, 2.0, 3.0]
    assert res.parameters.loc["neg", "method"] == "rank"


def test_missing_values_stay_missing():
    x = _toy()
    x.loc["u2", "pos"] = np.nan
    res = normalise(x, "minmax")
    assert np.isnan(res.data.loc["u2", "pos"])
    assert res.data["pos"].dropna().tolist() == [0.0, 100.0]


def test_goalposts_from_data():
    gp = goalposts_from_data(_toy(), margin=0.1)
    assert gp["neg"] == pytest.approx((7.0, 43.0))


@pytest.mark.parametrize(
    "x,kwargs,needle",
    [(pd.DataFrame({"c": [1.0, 1.0, 1.0], "v": [1.0, 2, 3]}), {}, "'c' has no variance"),
     (pd.DataFrame({"c": [1.0, 1.0, 1.0], "v": [1.0, 2, 3]}), {"method": "zscore"},
      "'c' has no variance"),
     (_toy(), {"method": "l2"}, "unknown method 'l2'"),
     (_toy(), {"directions": {"pos": 1, "neg": 2}}, "'neg' has direction 2"),
     (_toy(), {"directions": {"pos": 1}}, "no direction given for indicator 'neg'"),
     (_toy(), {"method": "goalposts", "goalposts": {"pos": (0, 1)}}, "'neg'"),
     (_toy(), {"method": "goalposts", "goalposts": {"pos": (1, 0), "neg": (0, 1)}},
      "low < high"),
     (_toy(), {"range": (100, 0)}, "lower < upper")],
)
def test_bad_input(x, kwargs, needle):
    with pytest.raises(MethodError, match=needle):
        normalise(x, **kwargs)
