"""Coupling coordination degree (methods.evaluation.coupling).

Formulas: standard n-system form and the corrected coupling degree of 王淑佳 等 (2021,
《自然资源学报》 36(3): 793-810). Reference values: R package mathmodels 0.0.11
(``coupling_degree``, type "standard" and "adjusted", the latter citing the same paper) on its
documented example, produced by ``tests/reference/cn_mathmodels.R``. Published tables (a paper
printing U, C, T and D for the standard form; the joint consistency of Wang et al.'s Table 8,
which prints both C's but not U) are in ``tests/test_published_examples.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from methods import MethodError
from methods.evaluation.coupling import coordination_band, coupling_coordination, kind_subsystems

REF = Path(__file__).parent / "reference"
TOL = 1e-9


@pytest.fixture(scope="module")
def ref() -> dict:
    return json.loads((REF / "cn_coupling_mathmodels.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("variant", ["standard", "adjusted"])
@pytest.mark.parametrize("weighting", ["equal", "unequal"])
@pytest.mark.parametrize("n", [2, 3])
def test_matches_mathmodels(ref, variant, weighting, n):
    u = pd.DataFrame(ref["data"])[["s1", "s2", "s3"][:n]]
    w = None if weighting == "equal" else ref[f"weights_n{n}"]
    ours = coupling_coordination(u, weights=w,
                                 variant="standard" if variant == "standard" else "wang2021")
    want = ref["results"][f"{variant}_{weighting}_n{n}"]
    for q, series in (("C", ours.coupling), ("T", ours.development), ("D", ours.coordination)):
        dev = np.max(np.abs(series.to_numpy() - np.asarray(want[q])))
        assert dev <= TOL, f"{q} ({variant}, {weighting}, n={n}): max deviation {dev:.3g}"


def test_two_system_closed_forms():
    u = pd.DataFrame({"A": [0.28, 0.5, 0.9], "B": [0.31, 0.5, 0.3]})
    std = coupling_coordination(u, variant="standard")
    a, b = u["A"].to_numpy(), u["B"].to_numpy()
    assert np.allclose(std.coupling, 2 * np.sqrt(a * b) / (a + b))
    wang = coupling_coordination(u, variant="wang2021")
    assert np.allclose(wang.coupling,
                       np.sqrt((1 - np.abs(a - b)) * np.minimum(a, b) / np.maximum(a, b)))
    # the standard form crowds near 1 (0.9987 for U = (0.28, 0.31)); the correction does not
    assert std.coupling.iloc[0] > 0.998 and wang.coupling.iloc[0] < 0.95
    assert std.coupling.iloc[1] == 1.0 and wang.coupling.iloc[1] == 1.0
    assert np.allclose(wang.coordination, np.sqrt(wang.coupling * (a + b) / 2))
    assert list(wang.lagging) == ["A", "balanced", "B"]  # 0.31/0.28 = 1.107 > 1.1


def test_bands():
    d = pd.Series([0.0, 0.05, 0.1, 0.1000001, 0.55, 0.9, 0.95, 1.0])
    assert list(coordination_band(d)) == ["极度失调", "极度失调", "极度失调", "严重失调",
                                          "勉强协调", "良好协调", "优质协调", "优质协调"]
    assert coordination_band(0.65, lang="en") == "primary coordination"
    res = coupling_coordination(pd.DataFrame({"A": [0.2, 0.8], "B": [0.3, 0.7]}))
    assert res.summary().to_frame()["n"].sum() == 2


def test_bad_inputs():
    with pytest.raises(MethodError, match=r"unit 1 in subsystem 'B'"):
        coupling_coordination(pd.DataFrame({"A": [0.2, 0.5], "B": [0.3, 50.0]}))
    with pytest.raises(MethodError, match="every subsystem"):
        coupling_coordination(pd.DataFrame({"A": [0.0, 0.5], "B": [0.0, 0.4]}))
    with pytest.raises(MethodError, match="variant"):
        coupling_coordination(pd.DataFrame({"A": [0.2], "B": [0.3]}), variant="liao")
    with pytest.raises(MethodError, match="at least 2 columns"):
        coupling_coordination(pd.DataFrame({"A": [0.2, 0.4]}))
    with pytest.raises(MethodError, match="missing"):
        coupling_coordination(pd.DataFrame({"A": [0.2, np.nan], "B": [0.3, 0.4]}))


def test_kind_subsystems_by_hand():
    x = pd.DataFrame({"i1": [20.0, 60.0], "o1": [40.0, 100.0], "i2": [80.0, 0.0], "u1": [10.0, 50.0]},
                     index=["A", "B"])
    kind = {"i1": "input", "i2": "input", "o1": "output", "u1": "outcome"}
    w = pd.Series({"i1": 0.1, "i2": 0.3, "o1": 0.2, "u1": 0.4})
    res = kind_subsystems(x, kind, w)
    assert res.members == {"input": ("i1", "i2"), "output": ("o1", "u1")}
    # A: input (0.1*20 + 0.3*80)/0.4/100 = 0.65; output (0.2*40 + 0.4*10)/0.6/100 = 0.2
    assert np.allclose(res.scores.loc["A"], [0.65, 0.2], atol=1e-12)
    assert np.allclose(res.scores.loc["B"], [0.15, (0.2 * 100 + 0.4 * 50) / 0.6 / 100], atol=1e-12)
    tab = res.to_frame()
    assert list(tab.index) == ["input", "output"] and tab.loc["input", "indicators"] == "i1, i2"
    assert np.allclose(tab["nominal_weight"], [0.4, 0.6])
    assert res.empty == ()
    # custom sides and an empty one: no scores, the empty side named
    only = kind_subsystems(x[["i1", "i2"]], kind, w)
    assert only.scores is None and only.empty == ("output",)
    three = kind_subsystems(x, kind, w, sides={"in": ["input"], "out": ["output"], "res": ["outcome"]})
    assert list(three.scores.columns) == ["in", "out", "res"]
    assert np.allclose(three.scores["res"], [0.1, 0.5])


def test_kind_subsystems_bad_inputs():
    x = pd.DataFrame({"i1": [20.0, 60.0], "o1": [40.0, 100.0]})
    kind = {"i1": "input", "o1": "output"}
    with pytest.raises(MethodError, match=r"weights has no entry for indicator\(s\) \['o1'\]"):
        kind_subsystems(x, kind, {"i1": 1.0})
    with pytest.raises(MethodError, match=r"kind has no entry for indicator\(s\) \['i1'\]"):
        kind_subsystems(x, {"o1": "output"}, {"i1": 1.0, "o1": 1.0})
    with pytest.raises(MethodError, match=r"\['i1'\] are negative"):
        kind_subsystems(x, kind, {"i1": -1.0, "o1": 1.0})
    with pytest.raises(MethodError, match=r"subsystem\(s\) \['input'\]: the weights"):
        kind_subsystems(x, kind, {"i1": 0.0, "o1": 1.0})
    with pytest.raises(MethodError, match="scale"):
        kind_subsystems(x, kind, {"i1": 1.0, "o1": 1.0}, scale=0.0)
