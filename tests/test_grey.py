"""Grey relational analysis (methods.evaluation.grey) against independent implementations.

Reference data: Si Shoukui & Sun Xijing, 《数学建模算法与应用》 (2nd ed., 2015), example 14.5
(9 indicators x 6 objects; benefit and cost indicators, min-max normalisation, ideal reference,
rho = 0.5). Reference values: R package mathmodels 0.0.11 (``grey_corr``), produced by
``tests/reference/cn_mathmodels.R``, and pyDecision 5.1.8 (``gra_method``), produced by
``tests/reference/cn_python_peers.py``. No printed grades of the textbook example were available,
so the textbook supplies the data and the peers the numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from methods import MethodError, MethodTypeError
from methods.evaluation.grey import grey_relational_analysis, grey_relational_evaluation

REF = Path(__file__).parent / "reference"
TOL = 1e-9  # closed form


def _load(name: str) -> dict:
    return json.loads((REF / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ref() -> dict:
    return _load("cn_grey_mathmodels.json")


@pytest.fixture(scope="module")
def ex145(ref) -> tuple[pd.DataFrame, list[float]]:
    ev = ref["evaluation"]
    a = np.asarray(ev["data"], dtype=float).T  # objects x indicators
    x = pd.DataFrame(a, index=[f"o{i + 1}" for i in range(6)],
                     columns=[f"i{j + 1}" for j in range(9)])
    return x, ev["directions"]


def _close(actual, expected, what: str, tol: float = TOL) -> None:
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    dev = np.max(np.abs(actual - expected))
    assert dev <= tol, f"{what}: max deviation {dev:.3g} > {tol}"


@pytest.mark.parametrize(
    ("weights_key", "rho", "quantity"),
    [(None, 0.5, "grade_equal"), ("weights_unequal", 0.5, "grade_unequal"),
     (None, 0.3, "grade_rho03")],
)
def test_evaluation_matches_mathmodels(ref, ex145, weights_key, rho, quantity):
    x, d = ex145
    w = ref["evaluation"][weights_key] if weights_key else None
    res = grey_relational_evaluation(x, weights=w, directions=d, rho=rho)
    _close(res.grades, ref["evaluation"][quantity], f"grey grade ({quantity})")


def test_anti_ideal_and_closeness(ref, ex145):
    x, d = ex145
    w = ref["evaluation"]["weights_unequal"]
    res = grey_relational_evaluation(x, weights=w, directions=d)
    _close(res.grades_anti_ideal, ref["evaluation"]["grade_anti_unequal"], "anti-ideal grade")
    gp = np.asarray(ref["evaluation"]["grade_unequal"])
    gn = np.asarray(ref["evaluation"]["grade_anti_unequal"])
    _close(res.closeness, gp / (gp + gn), "grey relational closeness")
    assert list(res.to_frame().index)[0] == res.grades.idxmax()


def test_evaluation_matches_pydecision(ex145):
    x, d = ex145
    peer = _load("cn_grey_pydecision.json")
    res = grey_relational_evaluation(x, weights=peer["weights"], directions=d)
    _close(res.grades, peer["grade_times_n_units"], "grey grade vs pyDecision")


@pytest.mark.parametrize(("scaling", "quantity"), [("mean", "grade_mean"),
                                                  ("initial", "grade_initial")])
def test_factor_analysis_matches_mathmodels(ref, scaling, quantity):
    fa = ref["factor"]
    reference = pd.Series(fa["reference"], name="x0")
    factors = pd.DataFrame(fa["factors"])
    res = grey_relational_analysis(reference, factors, scaling=scaling)
    _close(res.grades, fa[quantity], f"grey relational grade ({scaling} scaling)")
    assert res.to_frame()["order"].min() == 1


def test_coefficients_by_definition():
    """Slow element-wise computation of Deng's coefficient, written out by the definition."""
    ref = pd.Series([1.0, 2.0, 3.0, 4.0])
    cmp = pd.DataFrame({"a": [1.5, 2.5, 2.0, 4.0], "b": [0.0, 2.0, 5.0, 3.0]})
    res = grey_relational_analysis(ref, cmp, scaling="none", rho=0.4)
    deltas = [abs(ref[k] - cmp[c][k]) for c in cmp for k in range(4)]
    lo, hi = min(deltas), max(deltas)
    for c in cmp:
        for k in range(4):
            want = (lo + 0.4 * hi) / (abs(ref[k] - cmp[c][k]) + 0.4 * hi)
            assert res.coefficients.loc[k, c] == pytest.approx(want, abs=1e-12)
        assert res.grades[c] == pytest.approx(res.coefficients[c].mean(), abs=1e-12)


def test_identical_sequences_have_grade_one():
    ref = pd.Series([1.0, 2.0, 3.0])
    res = grey_relational_analysis(ref, pd.DataFrame({"a": [1.0, 2.0, 3.0]}), scaling="none")
    assert res.grades["a"] == 1.0


def test_bad_inputs(ex145):
    x, d = ex145
    with pytest.raises(MethodError, match="rho"):
        grey_relational_evaluation(x, directions=d, rho=0)
    bad = x.copy()
    bad.iloc[2, 3] = np.nan
    with pytest.raises(MethodError, match=r"'i4', row 'o3'"):
        grey_relational_evaluation(bad, directions=d)
    const = x.copy()
    const["i1"] = 1.0
    with pytest.raises(MethodError, match="i1"):
        grey_relational_evaluation(const, directions=d)
    with pytest.raises(MethodError, match="direction"):
        grey_relational_evaluation(x, directions=[1] * 8 + [0])
    with pytest.raises(MethodError, match="weights lacks"):
        grey_relational_evaluation(x, weights={"i1": 1.0})
    with pytest.raises(MethodError, match="share their index"):
        grey_relational_analysis(pd.Series([1.0, 2.0]), pd.DataFrame({"a": [1.0, 2.0, 3.0]}))
    with pytest.raises(MethodError, match="初值化"):
        grey_relational_analysis(pd.Series([0.0, 2.0]), pd.DataFrame({"a": [1.0, 2.0]}),
                                 scaling="initial")
    with pytest.raises(MethodTypeError):
        grey_relational_analysis([1.0, 2.0], pd.DataFrame({"a": [1.0, 2.0]}))
