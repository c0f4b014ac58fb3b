"""CFA models in lavaan syntax (methods.psychometrics.model_syntax and factor.cfa) against R lavaan
0.6-14: tests/reference/lavaan_syntax.json, written by tests/reference/lavaan_syntax.R (lavaan's
PoliticalDemocracy data, Bollen 1989, stored as political_democracy.csv; Holzinger-Swineford,
hs.csv); the tests do not need R.

Tolerances as the dict-model CFA tests in test_factor.py: chi2, logL, AIC, BIC relative 1e-10;
CFI, TLI, RMSEA 2e-9; SRMR and the RMSEA interval 5e-8 (they move with the estimates, which lavaan
stops at its own convergence tolerance); std.all loadings and residual covariances 5e-6, raw
estimates 3e-5, standard errors 1e-6.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from methods import MethodError, MethodTypeError, MethodWarning
from methods.psychometrics.factor import cfa
from methods.psychometrics.model_syntax import (
    Covariance,
    Loading,
    MeasurementModel,
    model_from_dict,
    parse_model,
)

REF = Path(__file__).resolve().parent / "reference"
HS_MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"],
            "speed": ["x7", "x8", "x9"]}
CASES = ["political_democracy", "hs_cross", "hs_marker"]
RELATIVE = ("chisq", "logl", "aic", "bic")
ABS = {"cfi": 2e-9, "tli": 2e-9, "rmsea": 2e-9, "srmr": 5e-8, "rmsea.ci.lower": 5e-8,
       "rmsea.ci.upper": 5e-8}


@pytest.fixture(scope="module")
def ref() -> dict:
    return json.loads((REF / "lavaan_syntax.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fits(ref) -> dict:
    data = {"political_democracy": pd.read_csv(REF / "political_democracy.csv"),
            "hs_cross": pd.read_csv(REF / "hs.csv"), "hs_marker": pd.read_csv(REF / "hs.csv")}
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)   # hs_marker: x9's residual variance < 0
        for case in CASES:
            out[case] = cfa(data[case], ref[case]["syntax"])
    return out


def params(ref: dict, case: str) -> pd.DataFrame:
    return pd.DataFrame(ref[case]["params"])


# ------------------------------------------------------------------------------------------------
# against lavaan
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_fit_measures_match_lavaan(case, fits, ref):
    got = fits[case].fit_table()
    want = ref[case]["fit"]
    assert got["npar"] == want["npar"] and got["df"] == want["df"], "npar / df as lavaan"
    assert got["ntotal"] == want["ntotal"]
    for m in RELATIVE:
        assert got[m] == pytest.approx(want[m], rel=1e-10), m
    for m, tol in ABS.items():
        assert abs(got[m] - want[m]) <= tol, f"{m}: {got[m]} vs lavaan {want[m]}"
    assert fits[case].converged


@pytest.mark.parametrize("case", CASES)
def test_estimates_match_lavaan(case, fits, ref):
    res, pe = fits[case], params(ref, case)
    ld = pe[pe["op"] == "=~"].reset_index(drop=True)
    assert res.loadings["factor"].tolist() == ld["lhs"].tolist()
    assert res.loadings["item"].tolist() == ld["rhs"].tolist()
    assert np.max(np.abs(res.loadings["est"] - ld["est"])) < 3e-5
    assert np.max(np.abs(res.loadings["se"] - ld["se"])) < 1e-6
    assert np.max(np.abs(res.loadings["std_all"] - ld["std_all"])) < 5e-6
    items = list(res.residual_variances.index)
    rv = pe[(pe["op"] == "~~") & (pe["lhs"] == pe["rhs"]) & pe["lhs"].isin(items)]
    rv = rv.set_index("lhs").loc[items]
    assert np.max(np.abs(res.residual_variances["est"] - rv["est"])) < 3e-5
    assert np.max(np.abs(res.residual_variances["std_all"] - rv["std_all"])) < 5e-6
    rc = pe[(pe["op"] == "~~") & (pe["lhs"] != pe["rhs"]) & pe["lhs"].isin(items)]
    got = res.residual_covariances
    assert got[["item1", "item2"]].to_numpy().tolist() == rc[["lhs", "rhs"]].to_numpy().tolist()
    for col, tol in (("est", 3e-5), ("se", 1e-6), ("std_all", 5e-6)):
        assert np.max(np.abs(got[col].to_numpy() - rc[col].to_numpy()), initial=0) < tol, col
    fv = pe[(pe["op"] == "~~") & pe["lhs"].isin(res.phi.index)]
    for _, row in fv.iterrows():
        assert res.phi.loc[row["lhs"], row["rhs"]] == pytest.approx(row["est"], abs=3e-5)


def test_political_democracy_has_the_tutorial_fit(fits, ref):
    """lavaan's SEM tutorial prints chi2 = 38.125 on 35 df (p = 0.329) for the political
    democracy model; its structural part is saturated, so the CFA with free factor covariances
    has the same fit (https://lavaan.ugent.be/tutorial/sem.html)."""
    res = fits["political_democracy"]
    assert round(res.chi2, 3) == 38.125 and res.dof == 35 and round(res.p_value, 3) == 0.329
    sem = ref["political_democracy_sem_fit"]
    assert res.chi2 == pytest.approx(sem["chisq"], rel=1e-10) and res.dof == sem["df"]


def test_heywood_case_of_the_marker_model_flagged(ref):
    with pytest.warns(MethodWarning, match="x9"):
        res = cfa(pd.read_csv(REF / "hs.csv"), ref["hs_marker"]["syntax"])
    assert res.heywood == ("x9",)
    assert res.phi.loc["visual", "visual"] == 1.0 and res.phi.loc["textual", "speed"] == 0.0


def test_syntax_and_dict_give_identical_numbers():
    hs = pd.read_csv(REF / "hs.csv")
    a = cfa(hs, HS_MODEL)
    b = cfa(hs, "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9")
    c = cfa(hs, model_from_dict(HS_MODEL))
    for other in (b, c):
        assert a.fit_table().equals(other.fit_table())
        assert a.loadings.equals(other.loadings)
        assert a.residual_variances.equals(other.residual_variances)
    assert a.model == {k: tuple(v) for k, v in HS_MODEL.items()}
    assert a.residual_covariances.empty
    assert parse_model(a.syntax) == model_from_dict(HS_MODEL)


# ------------------------------------------------------------------------------------------------
# the parser
# ------------------------------------------------------------------------------------------------


def test_parse_model_statements():
    m = parse_model("""
        # a comment
        f1 =~ NA*a + b + 0.8*c   ! also a comment
        f2 =~ d + e; f2 =~ c      # a second line for f2 and a cross-loading
        f1 ~~ 1*f1; f1 ~~ 0*f2
        a ~~ d + e
        b ~~ 0.5*b
    """)
    assert m.loadings == (Loading("f1", "a", None), Loading("f1", "b", None),
                          Loading("f1", "c", 0.8), Loading("f2", "d", 1.0),
                          Loading("f2", "e", None), Loading("f2", "c", None))
    assert m.covariances == (Covariance("f1", "f1", 1.0), Covariance("f1", "f2", 0.0),
                             Covariance("a", "d", None), Covariance("a", "e", None),
                             Covariance("b", "b", 0.5))
    assert m.factor_items() == {"f1": ("a", "b", "c"), "f2": ("d", "e", "c")}
    assert parse_model(m.to_syntax()) == m
    assert parse_model("f =~ 2*a + b + c").loadings[0] == Loading("f", "a", 2.0)


@pytest.mark.parametrize("text, match", [
    ("f =~ a + b + c\nf ~ x", r"line 2: regressions .* same fit as a saturated structural part"),
    ("f =~ a + b + c\nz := 2*a", r"line 2: defined parameters"),
    ("f =~ a + b + lab*c", r"line 1: modifier 'lab' in 'lab\*c' is not supported"),
    ("f =~ a + b + c; a == b", r"line 1: equality constraints"),
    ("f =~ a + b + c\n\nx | t1", r"line 3: thresholds"),
    ("f =~ a + + c", r"line 1: empty term"),
    ("f g =~ a + b", r"left-hand side 'f g'"),
    ("f =~ a + 1x", r"'1x' is not a variable name"),
    ("a + b", r"no operator"),
    ("f =~ a + b + a", r"'a' is listed twice under 'f'"),
    ("f =~ NA*a + b + c", r"factor 'f' has no scale"),
    ("f =~ a + b + c\nf ~~ a", r"between a factor and an indicator"),
    ("f =~ a + b + c\nf ~~ g", r"\['g'\] is neither a factor nor an indicator"),
    ("f =~ a + b + c\ng =~ f + d + e", r"second-order factors"),
    ("f =~ a + b + c\na ~~ b\nb ~~ a", r"stated twice"),
    ("# nothing", r"no factor is defined"),
])
def test_parse_model_errors_name_line_and_token(text, match):
    with pytest.raises(MethodError, match=match):
        parse_model(text)


def test_cfa_syntax_errors_against_data():
    hs = pd.read_csv(REF / "hs.csv")
    with pytest.raises(MethodError, match=r"\['x10'\] of factor 'visual'"):
        cfa(hs, "visual =~ x1 + x2 + x10")
    with pytest.raises(MethodError, match="factor name 'f'"):
        cfa(hs.assign(f=hs["x1"]), "f =~ x1 + x2 + x3")
    with pytest.raises(MethodError, match="not identified"):
        cfa(hs, "f =~ x1 + x2 + x3\nx1 ~~ x2\nx1 ~~ x3")
    with pytest.raises(MethodTypeError, match="lavaan syntax"):
        cfa(hs, 42)  # type: ignore[arg-type]
    with pytest.raises(MethodTypeError):
        parse_model(42)  # type: ignore[arg-type]
    bad = MeasurementModel((Loading("f", "x1", None), Loading("f", "x2", None)))
    with pytest.raises(MethodError, match="no scale"):
        cfa(hs, bad)
