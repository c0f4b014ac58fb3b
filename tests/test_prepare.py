"""methods.index.prepare: COINr Denominate/Impute/Screen on ASEM, the other imputations, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from methods import MethodError, MethodWarning
from methods.index.prepare import denominate, impute, screen_units
from tests._index_asem import asem_data, asem_meta, indicators, max_abs_diff, ref_csv

TOL = 1e-9


def _denoms() -> dict[str, str]:
    m = asem_meta()
    sub = m[m["denominator"].notna()]
    return dict(zip(sub["code"], sub["denominator"], strict=True))


def test_denominate_matches_coinr():
    data = asem_data().set_index("uCode")
    with pytest.warns(MethodWarning, match="LAO"):
        res = denominate(data, _denoms())
    d, where = max_abs_diff(res.data[indicators()], ref_csv("dset_Denominated.csv"))
    assert d <= TOL, f"denominated: max diff {d:g} at {where}"
    assert len(res.table) == len(_denoms())
    assert {"unit": "LAO", "indicator": "Elec"} in res.missing.to_dict("records")


def test_impute_mean_group_matches_coinr():
    den = ref_csv("dset_Denominated.csv")
    grp = asem_data().set_index("uCode").loc[den.index, "EurAsia_group"]
    res = impute(den, "mean_group", groups=grp)
    d, where = max_abs_diff(res.data, ref_csv("dset_Imputed.csv"))
    assert d <= TOL, f"imputed: max diff {d:g} at {where}"
    assert res.n_filled == int(den.isna().sum().sum())
    row = res.filled.iloc[0]
    expect = den.loc[grp == grp[row["unit"]], row["indicator"]].mean()
    assert row["value"] == pytest.approx(expect)


def test_screen_matches_coinr_and_lists_dropped():
    imp = ref_csv("dset_Imputed.csv")
    res = screen_units(imp, 0.9)
    assert list(res.data.index) == list(ref_csv("dset_Screened.csv").index)
    den = ref_csv("dset_Denominated.csv")
    res2 = screen_units(den, 0.9)
    cov = den.notna().mean(axis=1)
    assert sorted(res2.dropped["unit"]) == sorted(cov[cov < 0.9].index)
    assert "BRN" in set(res2.dropped["unit"])


def _frame():
    return pd.DataFrame(
        {"a": [1.0, np.nan, 3.0, 5.0], "b": [2.0, 4.0, np.nan, 8.0], "g": ["x", "x", "y", "y"]},
        index=["u1", "u2", "u3", "u4"],
    )


def test_impute_mean_median():
    res = impute(_frame(), "mean", indicators=["a", "b"])
    assert res.data.loc["u2", "a"] == pytest.approx(3.0)
    assert res.data.loc["u3", "b"] == pytest.approx(14 / 3)
    med = impute(_frame(), "median", indicators=["a", "b"])
    assert med.data.loc["u3", "b"] == pytest.approx(4.0)
    assert set(res.filled.columns) == {"unit", "indicator", "value", "method"}


def test_impute_group_with_empty_group_warns_and_lists():
    f = _frame()
    f.loc["u1", "a"] = np.nan  # group x has no 'a' at all
    with pytest.warns(MethodWarning, match="could not be filled"):
        res = impute(f, "mean_group", groups="g", indicators=["a", "b"])
    assert set(res.unfilled["unit"]) == {"u1", "u2"}
    assert res.data.loc["u3", "b"] == pytest.approx(8.0)


def test_impute_regression_recovers_linear_relation():
    rng = np.random.default_rng(3)
    z = rng.normal(size=30)
    df = pd.DataFrame({"p": z, "q": 2 + 3 * z})
    df.loc[5, "q"] = np.nan
    res = impute(df, "regression")
    assert res.data.loc[5, "q"] == pytest.approx(2 + 3 * z[5])


def test_impute_rowmean_dimension():
    meta = pd.DataFrame({"code": ["a", "b", "c", "X"], "parent": ["X", "X", "X", None],
                         "level": [1, 1, 1, 2], "weight": 1.0,
                         "direction": [1, 1, -1, np.nan]})
    df = pd.DataFrame({"a": [0.0, 10, 5], "b": [0.0, 1, np.nan], "c": [100.0, 0, 50]},
                      index=["u1", "u2", "u3"])
    res = impute(df, "rowmean_dimension", meta=meta)
    # u3: a scaled 0.5, c (negative) scaled 0.5 -> b = 0 + 0.5 * 1
    assert res.data.loc["u3", "b"] == pytest.approx(0.5)


def test_impute_panel_methods():
    p = pd.DataFrame({"unit_id": ["u"] * 4 + ["v"] * 4, "year": [2021, 2022, 2023, 2024] * 2,
                      "a": [1.0, np.nan, 3.0, np.nan, np.nan, 2.0, np.nan, 6.0]})
    with pytest.warns(MethodWarning, match="no earlier observation"):
        latest = impute(p, "panel_latest")
    assert latest.data["a"].tolist()[:4] == [1.0, 1.0, 3.0, 3.0]
    assert np.isnan(latest.data["a"].iloc[4])  # v has no earlier value in 2021
    lin = impute(p, "panel_linear")
    assert lin.data["a"].tolist() == [1.0, 2.0, 3.0, 3.0, 2.0, 2.0, 4.0, 6.0]
    const = impute(p, "panel_constant")
    assert const.data["a"].tolist() == [1.0, 1.0, 3.0, 3.0, 2.0, 2.0, 2.0, 6.0]
    with pytest.warns(MethodWarning):
        lim = impute(p, "panel_latest", max_time=1)
    assert lim.data["a"].iloc[3] == 3.0
    assert {"year"} <= set(lin.filled.columns)


@pytest.mark.parametrize(
    "call,needle",
    [(lambda: impute(_frame(), "hotdeck"), "unknown method 'hotdeck'"),
     (lambda: impute(_frame(), "mean_group", indicators=["a"]), "needs groups"),
     (lambda: impute(_frame(), "mean_group", groups="zz", indicators=["a"]), "'zz'"),
     (lambda: impute(_frame(), "panel_linear", indicators=["a"]), "'unit_id'"),
     (lambda: screen_units(_frame()[["a", "b"]], 1.5), "min_coverage"),
     (lambda: screen_units(pd.DataFrame({"a": [np.nan, np.nan], "b": [1.0, np.nan]}), 0.9),
      "no unit has coverage"),
     (lambda: denominate(_frame(), {"a": "zz"}), "'zz'"),
     (lambda: denominate(_frame().assign(d=[1.0, 0, 1, 1]), {"a": "d"}),
      "zero for unit 'u2'")],
)
def test_bad_input(call, needle):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        with pytest.raises(MethodError, match=needle):
            call()
