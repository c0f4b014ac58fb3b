"""The Malmquist index (methods.efficiency.malmquist) against R Benchmarking and DEAP.

References:
* ``tests/reference/dea/benchmarking.json`` — R Benchmarking 0.33 ``malmq`` (``RTS="crs"`` and
  ``"vrs"``, input and output orientation) on the seeded random panel ``panel.csv`` (40 units,
  3 inputs, 2 outputs, 2021–2023), written by ``dea_reference.R``;
* Coelli (1996), *A Guide to DEAP Version 2.1*, CEPA Working Paper 96/08, example EG4
  (output-oriented Malmquist DEA, 5 firms, 3 years; printed distances and indices, 3 decimals).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from methods import MethodError
from methods.efficiency import malmquist

REF = Path(__file__).parent / "reference" / "dea"
R = json.loads((REF / "benchmarking.json").read_text())
TOL = 1e-6


def panel() -> pd.DataFrame:
    return pd.read_csv(REF / "panel.csv")


def _arr(values: list) -> np.ndarray:
    return np.array([np.nan if v is None or v in ("Inf", "-Inf", "NaN", "NA") else v
                     for v in values], dtype=float)


@pytest.mark.parametrize("orientation", ["input", "output"])
def test_matches_benchmarking_malmq(orientation):
    p = panel()
    res = malmquist(p[["unit", "x1", "x2", "x3"]].set_index("unit"),
                    p[["unit", "y1", "y2"]].set_index("unit"),
                    periods=pd.Series(p["period"].to_numpy()), orientation=orientation)
    ori = "in" if orientation == "input" else "out"
    for a, b in ((2021, 2022), (2022, 2023)):
        ref = R["malmquist"][f"{ori}_{a}_{b}"]
        got = res.table().query("`from` == @a and to == @b").set_index("unit").loc[ref["id"]]
        # Benchmarking: Farrell efficiencies, θ (input, index > 1 = progress) or φ (output,
        # index < 1 = progress); ours: θ or 1/φ, > 1 = progress in both orientations
        inv = 1.0 if orientation == "input" else -1.0
        for ours, theirs in (("tfpch", "m"), ("techch", "tc"), ("effch", "ec")):
            np.testing.assert_allclose(got[ours], np.power(ref[theirs], inv), atol=TOL,
                                       err_msg=f"{orientation} {a}-{b} {ours}")
        pech = np.power(np.divide(ref["vrs_e11"], ref["vrs_e00"]), inv)
        np.testing.assert_allclose(got["pech"], pech, atol=TOL, err_msg=f"{a}-{b} pech")
        np.testing.assert_allclose(got["sech"], got["effch"] / pech, atol=TOL)


def test_vrs_frontier_and_infeasible_cross_period():
    """rts="vrs" as Benchmarking's default; infeasible cross-period programmes give NaN."""
    p = panel().set_index("unit")
    res = malmquist(p[["x1", "x2", "x3", "period"]], p[["y1", "y2"]], periods="period",
                    rts="vrs")
    t = res.table()
    n_bad = 0
    for a, b in ((2021, 2022), (2022, 2023)):
        ref = R["malmquist"][f"in_{a}_{b}"]
        got = t.query("`from` == @a and to == @b").set_index("unit").loc[ref["id"]]
        m = _arr(ref["vrs_m"])
        # infeasible: Benchmarking's cross-period efficiency is Inf (its index then 0 or Inf)
        ok = np.isfinite(_arr(ref["vrs_e01"])) & np.isfinite(_arr(ref["vrs_e10"]))
        assert (ok == got["tfpch"].notna().to_numpy()).all(), f"{a}-{b} infeasible units"
        np.testing.assert_allclose(got["tfpch"].to_numpy()[ok], m[ok], atol=TOL)
        np.testing.assert_allclose(got["techch"].to_numpy()[ok], _arr(ref["vrs_tc"])[ok],
                                   atol=TOL)
        np.testing.assert_allclose(got["effch"], ref["vrs_ec"], atol=TOL)
        n_bad += int((~ok).sum())
    assert n_bad > 0, "the reference panel should contain an infeasible VRS cross-period case"
    assert len(res.notes) >= 1 and "infeasible" in res.notes[0]
    np.testing.assert_allclose(t["sech"], 1.0)


def eg4() -> tuple[pd.DataFrame, pd.DataFrame]:
    """DEAP EG4 data: year 1 as EG2, years 2 and 3 alike."""
    y = [1, 2, 3, 4, 5] + [1, 3, 4, 3, 5] * 2
    x = [2, 4, 3, 5, 6] + [2, 4, 3, 5, 5] * 2
    idx = pd.MultiIndex.from_product([[1, 2, 3], [1, 2, 3, 4, 5]], names=["year", "firm"])
    idx = idx.swaplevel()
    return pd.DataFrame({"x": x}, index=idx), pd.DataFrame({"y": y}, index=idx)


def test_published_deap_eg4():
    """Coelli (1996), DEAP 2.1 guide, EG4 (output-oriented Malmquist), printed at 3 decimals."""
    x, y = eg4()
    res = malmquist(x, y, orientation="output")
    t = res.table().set_index(["from", "unit"])
    y2 = t.loc[1]
    np.testing.assert_allclose(y2["effch"], [0.750, 1.125, 1.000, 0.562, 0.900], atol=6e-4)
    np.testing.assert_allclose(y2["techch"], 1.333, atol=5e-4)
    np.testing.assert_allclose(y2["pech"], [1.000, 1.222, 1.000, 0.650, 1.000], atol=5e-4)
    np.testing.assert_allclose(y2["sech"], [0.750, 0.920, 1.000, 0.865, 0.900], atol=5e-4)
    np.testing.assert_allclose(y2["tfpch"], [1.000, 1.500, 1.333, 0.750, 1.200], atol=5e-4)
    np.testing.assert_allclose(t.loc[2, ["effch", "techch", "pech", "sech", "tfpch"]], 1.0)
    d = res.distances.set_index(["from", "unit"]).loc[1]
    np.testing.assert_allclose(d["e_from_from"], [0.5, 0.5, 1.0, 0.8, 0.833], atol=5e-4)
    np.testing.assert_allclose(d["e_to_from"], [0.375, 0.375, 0.75, 0.6, 0.625], atol=5e-4)
    np.testing.assert_allclose(d["e_from_to"], [0.5, 0.75, 1.333, 0.6, 1.0], atol=5e-4)
    np.testing.assert_allclose(d["vrs_from"], [1.0, 0.545, 1.0, 0.923, 1.0], atol=5e-4)
    means = res.by_period()
    assert means.loc[(1, 2), "techch"] == pytest.approx(4 / 3)


def test_panel_forms_agree_and_units_missing_in_a_period_are_left_out():
    p = panel()
    x_mi = p.set_index(["unit", "period"])[["x1", "x2", "x3"]]
    y_mi = p.set_index(["unit", "period"])[["y1", "y2"]]
    a = malmquist(x_mi, y_mi).table()
    b = malmquist(p.set_index("unit")[["x1", "x2", "x3", "period"]],
                  p.set_index("unit")[["y1", "y2"]], periods="period").table()
    pd.testing.assert_frame_equal(a, b)
    drop = ~((p["unit"] == "u03") & (p["period"] == 2022))
    c = malmquist(x_mi[drop.to_numpy()], y_mi[drop.to_numpy()]).table()
    assert "u03" not in set(c["unit"]) and len(c) == len(a) - 2


def test_bad_panels_are_refused():
    p = panel()
    one = p[p["period"] == 2021].set_index(["unit", "period"])
    with pytest.raises(MethodError, match="two periods"):
        malmquist(one[["x1"]], one[["y1"]])
    with pytest.raises(MethodError, match="periods"):
        malmquist(p.set_index("unit")[["x1"]], p.set_index("unit")[["y1"]])
    with pytest.raises(MethodError, match="neither"):
        malmquist(p.set_index("unit")[["x1"]], p.set_index("unit")[["y1"]], periods="year")
    with pytest.raises(MethodError, match="rts"):
        malmquist(p.set_index(["unit", "period"])[["x1"]],
                  p.set_index(["unit", "period"])[["y1"]], rts="nirs")
