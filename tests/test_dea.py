"""DEA (methods.efficiency.dea) against R Benchmarking / deaR and published examples.

References:
* ``tests/reference/dea/benchmarking.json`` — R Benchmarking 0.33 ``dea(..., SLACK=TRUE)``,
  ``sdea`` and deaR 1.5.3 ``model_sbmeff``, written by ``tests/reference/dea/dea_reference.R``
  for the 12 hospitals of Cooper, Seiford & Tone (2007) and a seeded random 40-unit panel;
* Coelli (1996), *A Guide to DEAP Version 2.1*, CEPA Working Paper 96/08, example EG1 (printed
  efficiencies, slacks, peers, peer weights and targets, 3 decimals);
* Tone (2001), *EJOR* 130, 498–509, p. 505: SBM efficiencies of the five-unit example (as
  reproduced by deaR's documented example "Replication of results in Tone (2001, p.505)").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from methods import MethodError
from methods.efficiency import dea, scale_efficiency

REF = Path(__file__).parent / "reference" / "dea"
SRC = Path(__file__).resolve().parents[1] / "src"
R = json.loads((REF / "benchmarking.json").read_text())
TOL = 1e-6
MODELS = {"crs_in": ("ccr", "input"), "vrs_in": ("bcc", "input"),
          "crs_out": ("ccr", "output"), "vrs_out": ("bcc", "output")}


def hospitals() -> tuple[pd.DataFrame, pd.DataFrame]:
    idx = list("ABCDEFGHIJKL")
    x = pd.DataFrame({"doctors": [20, 19, 25, 27, 22, 55, 33, 31, 30, 50, 53, 38],
                      "nurses": [151, 131, 160, 168, 158, 255, 235, 206, 244, 268, 306, 284]},
                     index=idx)
    y = pd.DataFrame({"outpatients": [100, 150, 160, 180, 94, 230, 220, 152, 190, 250, 260, 250],
                      "inpatients": [90, 50, 55, 72, 66, 90, 88, 80, 100, 100, 147, 120]},
                     index=idx)
    return x, y


def panel_2021() -> tuple[pd.DataFrame, pd.DataFrame]:
    p = pd.read_csv(REF / "panel.csv")
    p = p[p["period"] == 2021].set_index("unit")
    return p[["x1", "x2", "x3"]], p[["y1", "y2"]]


DATA = {"hospital": hospitals, "panel_2021": panel_2021}


def _r_float(values: list) -> np.ndarray:
    return np.array([np.inf if v in ("Inf", "-Inf") else np.nan if v is None else v
                     for v in values], dtype=float)


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("key", MODELS)
def test_radial_matches_benchmarking(data, key):
    x, y = DATA[data]()
    model, orientation = MODELS[key]
    ref = R[data][key]
    res = dea(x, y, model=model, orientation=orientation, super_efficiency=True)
    farrell = res.efficiency if orientation == "input" else res.phi
    np.testing.assert_allclose(farrell, ref["eff"], atol=TOL, err_msg=f"{data} {key} efficiency")
    np.testing.assert_allclose(res.input_slacks, np.array(ref["sx"]), atol=TOL,
                               err_msg=f"{data} {key} input slacks")
    np.testing.assert_allclose(res.output_slacks, np.array(ref["sy"]), atol=TOL,
                               err_msg=f"{data} {key} output slacks")
    # super-efficiency: Benchmarking gives θ (input) or φ (output), ±Inf when infeasible
    sup = _r_float(ref["super"])
    ours = res.super_efficiency.to_numpy()
    assert (np.isinf(sup) == np.isinf(ours)).all(), f"{data} {key} infeasible units differ"
    fin = np.isfinite(sup)
    expect = sup[fin] if orientation == "input" else 1.0 / sup[fin]
    np.testing.assert_allclose(ours[fin], expect, atol=TOL, err_msg=f"{data} {key} super")
    if (~fin).any():
        assert any("infeasible" in n for n in res.notes)


@pytest.mark.parametrize("data", DATA)
def test_targets_lie_on_the_frontier(data):
    x, y = DATA[data]()
    res = dea(x, y, model="bcc", orientation="output")
    proj = dea(res.targets[x.columns], res.targets[y.columns], model="bcc",
               orientation="output")
    np.testing.assert_allclose(proj.efficiency, 1.0, atol=1e-7)
    lam = res.lambdas.reindex(columns=x.index, fill_value=0.0).to_numpy()
    np.testing.assert_allclose(lam @ x.to_numpy(), res.targets[x.columns], atol=1e-6)
    np.testing.assert_allclose(lam @ y.to_numpy(), res.targets[y.columns], atol=1e-6)


@pytest.mark.parametrize("data", DATA)
def test_sbm_matches_dear(data):
    x, y = DATA[data]()
    ref = R[data]["sbm_crs"]
    res = dea(x, y, model="sbm")
    assert res.orientation == "none"
    np.testing.assert_allclose(res.efficiency, ref["eff"], atol=TOL, err_msg=f"{data} SBM")
    np.testing.assert_allclose(res.input_slacks, np.array(ref["sx"]), atol=TOL)
    np.testing.assert_allclose(res.output_slacks, np.array(ref["sy"]), atol=TOL)


def tone2001() -> tuple[pd.DataFrame, pd.DataFrame]:
    idx = list("ABCDE")
    x = pd.DataFrame({"x1": [4, 6, 8, 8, 2], "x2": [3, 3, 1, 1, 4]}, index=idx)
    y = pd.DataFrame({"y1": [2, 2, 6, 6, 1], "y2": [3, 3, 2, 1, 4]}, index=idx)
    return x, y


def test_sbm_published_tone2001():
    """Tone (2001), p. 505: ρ* = 0.798, 0.568, 1, 0.667, 1."""
    res = dea(*tone2001(), model="sbm")
    np.testing.assert_allclose(res.efficiency.round(3), [0.798, 0.568, 1.0, 0.667, 1.0])


def test_sbm_zero_output_as_dear():
    """A zero output becomes 1/100 of the output's smallest positive value (Tone 2001, deaR)."""
    x, y = tone2001()
    y.loc["A", "y2"] = 0
    np.testing.assert_allclose(dea(x, y, model="sbm").efficiency,
                               R["sbm_zero_output"]["eff"], atol=TOL)


def test_published_deap_eg1():
    """Coelli (1996), DEAP 2.1 guide, EG1: CRS input-oriented, 5 firms, 1 output, 2 inputs."""
    idx = [1, 2, 3, 4, 5]
    y = pd.DataFrame({"y": [1, 2, 3, 1, 2]}, index=idx)
    x = pd.DataFrame({"x1": [2, 2, 6, 3, 6], "x2": [5, 4, 6, 2, 2]}, index=idx)
    res = dea(x, y, model="ccr", orientation="input")
    np.testing.assert_allclose(res.efficiency.round(3), [0.5, 1.0, 0.833, 0.714, 1.0])
    np.testing.assert_allclose(res.input_slacks.round(3),
                               [[0, 0.5], [0, 0], [0, 0], [0, 0], [0, 0]])
    np.testing.assert_allclose(res.output_slacks.to_numpy().ravel(), 0.0, atol=1e-9)
    assert [set(p) for p in res.peers] == [{2}, {2}, {5, 2}, {5, 2}, {5}]
    lam = res.lambdas
    np.testing.assert_allclose([lam.at[1, 2], lam.at[3, 5], lam.at[3, 2], lam.at[4, 5],
                                lam.at[4, 2]], [0.5, 0.5, 1.0, 0.286, 0.214], atol=5e-4)
    np.testing.assert_allclose(res.targets[["x1", "x2"]].round(3),
                               [[1, 2], [2, 4], [5, 5], [2.143, 1.429], [6, 2]])


def test_table_and_flags():
    x, y = hospitals()
    res = dea(x, y, model="ccr", super_efficiency=True)
    t = res.table()
    assert list(t.columns) == ["efficiency", "super_efficiency", "rank", "efficient", "peers"]
    assert t.loc["A", "rank"] == 1  # the largest super-efficiency
    assert set(t.index[t["efficient"]]) == {"A", "B", "D"}
    assert "Data envelopment analysis" in str(res.summary())
    assert res.model == "ccr" and res.rts == "crs"


def test_scale_efficiency():
    x, y = hospitals()
    se = scale_efficiency(x, y)
    crs = dea(x, y, model="ccr").efficiency
    vrs = dea(x, y, model="bcc").efficiency
    np.testing.assert_allclose(se.crs, crs, atol=1e-9)
    np.testing.assert_allclose(se.scale, crs / vrs, atol=1e-9)
    assert ((se.nirs >= se.crs - 1e-9) & (se.nirs <= se.vrs + 1e-9)).all()
    assert set(se.returns_to_scale) <= {"constant", "increasing", "decreasing"}
    # one input, one output: below the most productive scale IRS, above it DRS
    xs = pd.DataFrame({"x": [2.0, 3, 8]}, index=list("abc"))
    ys = pd.DataFrame({"y": [1.0, 3, 5]}, index=list("abc"))
    assert scale_efficiency(xs, ys).returns_to_scale.tolist() == [
        "increasing", "constant", "decreasing"]


def test_solver_prints_nothing():
    """HiGHS prints a banner on a process's first model unless its output is off beforehand."""
    code = ("import pandas as pd; from methods.efficiency import dea; "
            "dea(pd.DataFrame({'x': [1.0, 2, 3]}), pd.DataFrame({'y': [1.0, 3, 2]}))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(SRC)})
    assert run.stdout == "" and run.stderr == ""


def test_another_highs_model_in_the_process():
    """HiGHS's thread pool is process-wide: started first by another model with 2 threads, it
    makes ``threads=1`` an error; the scores must come out all the same."""
    code = ("import json, highspy, pandas as pd; from methods.efficiency import dea; "
            "g = highspy.Highs(); g.silent(); g.setOptionValue('threads', 2); "
            "g.addCol(1.0, 0.0, 1.0, 0, [], []); g.addRow(-highspy.kHighsInf, 1.0, 1, [0], [1.0]); "
            "g.run(); x = pd.DataFrame({'x': [2.0, 3, 8, 4]}); y = pd.DataFrame({'y': [1.0, 3, 5, 2]}); "
            "print(json.dumps(dea(x, y, model='bcc').efficiency.tolist()))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(SRC)})
    x = pd.DataFrame({"x": [2.0, 3, 8, 4]})
    y = pd.DataFrame({"y": [1.0, 3, 5, 2]})
    assert json.loads(run.stdout) == dea(x, y, model="bcc").efficiency.tolist()


def test_column_generation_equals_the_full_programme():
    """Many units (the held set is purged and regrown): every score equals scipy's full LP."""
    from scipy.optimize import linprog

    rng = np.random.default_rng(7)
    n = 400
    x = pd.DataFrame(rng.uniform(1, 10, (n, 3)), columns=["a", "b", "c"])
    y = pd.DataFrame((x.to_numpy() ** 0.5) @ rng.uniform(0.2, 1, (3, 2))
                     * rng.uniform(0.5, 1, (n, 1)), columns=["p", "q"])
    res = dea(x, y, model="bcc", orientation="input")
    xa, ya = x.to_numpy(), y.to_numpy()
    for o in range(0, n, 37):
        c = np.r_[1.0, np.zeros(n)]
        a_ub = np.block([[-xa[[o]].T, xa.T], [np.zeros((2, 1)), -ya.T]])
        b_ub = np.r_[np.zeros(3), -ya[o]]
        full = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=np.r_[0.0, np.ones(n)][None], b_eq=[1.0],
                       method="highs")
        assert res.efficiency.iloc[o] == pytest.approx(full.fun, abs=1e-8)


@pytest.mark.parametrize("change, message", [
    (lambda x, y: (x.assign(doctors=x["doctors"].where(x.index != "C")), y), "missing.*'C'"),
    (lambda x, y: (x.assign(nurses=-x["nurses"]), y), "negative.*nurses"),
    (lambda x, y: (x, y.drop(index="B")), "'B'"),
    (lambda x, y: (x.iloc[:1], y.iloc[:1]), "at least 2 units"),
    (lambda x, y: (x, y.assign(outpatients=0, inpatients=y["inpatients"].where(
        y.index != "D", 0))), "unit 'D' has no positive output"),
    (lambda x, y: (x, y.rename(columns={"inpatients": "doctors"})), "both an input"),
])
def test_bad_inputs_are_refused(change, message):
    x, y = change(*hospitals())
    with pytest.raises(MethodError, match=message):
        dea(x, y)


def test_bad_options_are_refused():
    x, y = hospitals()
    with pytest.raises(MethodError, match="model"):
        dea(x, y, model="ddf")
    with pytest.raises(MethodError, match="orientation"):
        dea(x, y, orientation="graph")
    with pytest.raises(MethodError, match="super_efficiency"):
        dea(x, y, model="sbm", super_efficiency=True)
