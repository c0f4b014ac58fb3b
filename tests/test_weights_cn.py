"""Weights of Chinese practice (methods.weights.practice) and entropy-weighted TOPSIS
(methods.evaluation.topsis).

* Precedence chart (优序图法): no published worked example with numbers was found; checked
  against a chart computed by hand below and against an independent loop over experts.
* Independence weights (独立性权重): R² of each indicator on the others from statsmodels OLS
  (a separate regression per indicator) and from the inverse-correlation identity
  R²_j = 1 − 1/(R⁻¹)_jj.
* Information weights (信息量权重): R package mathmodels 0.0.11 ``cv_weight`` on the RSR
  textbook data (``tests/reference/cn_mathmodels.R``).
* Entropy-TOPSIS (熵权TOPSIS): composes methods.weights.entropy_weights and
  methods.index.aggregate.topsis; checked against a loop implementation of the whole chain written
  here (no peer uses the same entropy convention on min–max data: pymcdm treats a zero
  proportion differently, mathmodels shifts the data by 0.002); the raw-data variant against
  Ersoy (2021) in ``tests/test_published_examples.py``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from methods import MethodError, MethodTypeError, MethodWarning
from methods.evaluation.topsis import entropy_topsis
from methods.weights.practice import (
    independence_weights,
    information_weights,
    precedence_chart_from_values,
    precedence_chart_weights,
)

REF = Path(__file__).parent / "reference"


def _chart(rows: list[list[float]], labels: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, index=labels, columns=labels, dtype=float)


LAB = ["A1", "B1", "C1", "D1"]
# A > B, A > C, A = D, B > C, B < D, C < D   (diagonal ignored)
CHART = _chart([[0, 1, 1, 0.5], [0, 0, 1, 0], [0, 0, 0, 0], [0.5, 1, 1, 0]], LAB)


def test_precedence_chart_by_hand():
    res = precedence_chart_weights(CHART, diagonal="half")
    # totals with diagonal 0.5: A 3.0, B 1.5, C 0.5, D 3.0; sum 8 = n^2/2
    assert res.totals.tolist() == [3.0, 1.5, 0.5, 3.0]
    assert np.allclose(res.weights, [3 / 8, 1.5 / 8, 0.5 / 8, 3 / 8])
    with pytest.warns(MethodWarning, match="C1"):
        ex = precedence_chart_weights(CHART)
    # without the diagonal: A 2.5, B 1, C 0, D 2.5; sum 6 = n(n-1)/2
    assert np.allclose(ex.weights, [2.5 / 6, 1 / 6, 0, 2.5 / 6])
    assert ex.zero_weight == ["C1"]


def test_precedence_chart_from_values():
    # means A 4.2, B 3.1, C 2.0, D 4.2 give the chart above (A = D, both beat B and C, B > C)
    chart = precedence_chart_from_values(pd.Series({"A1": 4.2, "B1": 3.1, "C1": 2.0, "D1": 4.2}))
    off = ~np.eye(4, dtype=bool)
    assert np.array_equal(chart.to_numpy()[off], CHART.to_numpy()[off])
    assert np.all(np.diag(chart.to_numpy()) == 0.5)
    with pytest.raises(MethodError, match="missing"):
        precedence_chart_from_values(pd.Series({"A1": 1.0, "B1": np.nan}))
    with pytest.raises(MethodError, match="at least 2"):
        precedence_chart_from_values({"A1": 1.0})
    with pytest.raises(MethodError, match=r"\['B1'\] are not numbers"):
        precedence_chart_from_values(pd.Series({"A1": 1.0, "B1": "high"}))
    with pytest.raises(MethodTypeError, match="Series or a mapping"):
        precedence_chart_from_values([1.0, 2.0])
    with pytest.raises(MethodError, match="duplicated"):
        precedence_chart_from_values(pd.Series([1.0, 2.0], index=["A1", "A1"]))
    near = precedence_chart_from_values({"p": 0.1 + 0.2, "q": 0.3})  # equal within atol
    assert near.loc["p", "q"] == near.loc["q", "p"] == 0.5
    # the chart feeds the weights; diagonal 0.5 as software building it from means does
    res = precedence_chart_weights(chart, diagonal="half")
    assert np.allclose(res.weights, [3 / 8, 1.5 / 8, 0.5 / 8, 3 / 8])


def test_precedence_chart_experts_loop():
    second = _chart([[0, 1, 1, 1], [0, 0, 0.5, 0], [0, 0.5, 0, 0], [0, 1, 1, 0]], LAB)
    res = precedence_chart_weights([CHART, second])
    totals = {lab: 0.0 for lab in LAB}
    for chart in (CHART, second):
        for i in LAB:
            for j in LAB:
                if i != j:
                    totals[i] += float(chart.loc[i, j])
    want = np.array([totals[k] for k in LAB]) / sum(totals.values())
    assert np.allclose(res.weights.to_numpy(), want, atol=1e-12)
    assert res.n_experts == 2


def test_precedence_chart_bad_inputs():
    bad = CHART.copy()
    bad.loc["A1", "B1"] = 0.7
    with pytest.raises(MethodError, match=r"\('A1', 'B1'\)"):
        precedence_chart_weights(bad)
    inconsistent = CHART.copy()
    inconsistent.loc["B1", "A1"] = 1.0
    with pytest.raises(MethodError, match="add up to 1"):
        precedence_chart_weights(inconsistent)
    with pytest.raises(MethodError, match="indicators"):
        precedence_chart_weights([CHART, CHART.rename(index={"A1": "X"}, columns={"A1": "X"})])


@pytest.fixture(scope="module")
def correlated() -> pd.DataFrame:
    rng = np.random.default_rng(20261126)
    f = rng.normal(size=(60, 1))
    x = np.hstack([f + 0.3 * rng.normal(size=(60, 1)), f + 0.8 * rng.normal(size=(60, 1)),
                   rng.normal(size=(60, 1)), 2 * f + rng.normal(size=(60, 1)),
                   rng.normal(size=(60, 1)) + 0.5 * f])
    return pd.DataFrame(x, columns=["a", "b", "c", "d", "e"])


def test_independence_weights_against_statsmodels(correlated):
    res = independence_weights(correlated)
    r2 = {}
    for c in correlated:
        others = sm.add_constant(correlated.drop(columns=c))
        r2[c] = sm.OLS(correlated[c], others).fit().rsquared
    want = pd.Series(r2)
    assert np.max(np.abs(res.r_squared - want)) <= 1e-9, "R² vs statsmodels OLS"
    inv = np.linalg.inv(correlated.corr().to_numpy())
    assert np.allclose(res.r_squared, 1 - 1 / np.diag(inv), atol=1e-9)
    assert np.allclose(res.weights, (1 - want) / (1 - want).sum(), atol=1e-9)
    pub = independence_weights(correlated, method="reciprocal_r")
    assert np.allclose(pub.weights, (1 / np.sqrt(want)) / (1 / np.sqrt(want)).sum(), atol=1e-9)


def test_independence_weights_collinear_and_bad(correlated):
    x = correlated.copy()
    x["f"] = x["a"] + x["b"]
    with pytest.warns(MethodWarning, match="linear combinations"):
        res = independence_weights(x)
    assert set(res.collinear) >= {"f"}
    with pytest.raises(MethodError, match="more units than indicators"):
        independence_weights(correlated.iloc[:5])
    const = correlated.copy()
    const["c"] = 1.0
    with pytest.raises(MethodError, match="'c'"):
        independence_weights(const)


def test_information_weights_matches_mathmodels():
    ref = json.loads((REF / "cn_information_mathmodels.json").read_text(encoding="utf-8"))
    x = pd.DataFrame(ref["data"])
    res = information_weights(x)
    dev = np.max(np.abs(res.weights.to_numpy() - np.asarray(ref["cv_weight"])))
    assert dev <= 1e-9, f"information weights vs mathmodels cv_weight: {dev:.3g}"
    with pytest.raises(MethodError, match="'X1'"):
        information_weights(x.assign(X1=-x["X1"]))


def _entropy_topsis_loop(x: pd.DataFrame, directions: list[float]) -> list[float]:
    cols = list(x.columns)
    n = len(x)
    z = {}
    for c, d in zip(cols, directions, strict=True):
        lo, hi = min(x[c]), max(x[c])
        z[c] = [((v - lo) if d > 0 else (hi - v)) / (hi - lo) for v in x[c]]
    div = {}
    for c in cols:
        s = sum(z[c])
        e = 0.0
        for v in z[c]:
            p = v / s
            if p > 0:
                e -= p * math.log(p)
        div[c] = 1 - e / math.log(n)
    w = {c: div[c] / sum(div.values()) for c in cols}
    v = {c: [w[c] * t / math.sqrt(sum(u * u for u in z[c])) for t in z[c]] for c in cols}
    out = []
    for i in range(n):
        dp = math.sqrt(sum((v[c][i] - max(v[c])) ** 2 for c in cols))
        dm = math.sqrt(sum((v[c][i] - min(v[c])) ** 2 for c in cols))
        out.append(dm / (dp + dm))
    return out


def test_entropy_topsis_against_loop():
    ref = json.loads((REF / "cn_rsr_mathmodels.json").read_text(encoding="utf-8"))
    x = pd.DataFrame(ref["data"]).set_index("ID")
    res = entropy_topsis(x, directions=ref["directions"])
    want = _entropy_topsis_loop(x, ref["directions"])
    dev = np.max(np.abs(res.closeness.to_numpy() - np.asarray(want)))
    assert dev <= 1e-12, f"entropy-TOPSIS closeness vs loop: {dev:.3g}"
    assert res.ranks[res.closeness.idxmax()] == 1
    with pytest.raises(MethodError, match="'X1'"):
        entropy_topsis(x.assign(X1=1.0))


def test_entropy_topsis_raw_variant_against_loop():
    """preprocess="raw": entropy of x/Σx, TOPSIS of the raw matrix with cost columns' ideal at
    their minimum, by a plain loop."""
    ref = json.loads((REF / "cn_rsr_mathmodels.json").read_text(encoding="utf-8"))
    x = pd.DataFrame(ref["data"]).set_index("ID")
    d = ref["directions"]
    res = entropy_topsis(x, directions=d, preprocess="raw")
    cols, n = list(x.columns), len(x)
    div = {}
    for c in cols:
        tot = sum(x[c])
        div[c] = 1 + sum((v / tot) * math.log(v / tot) for v in x[c] if v > 0) / math.log(n)
    w = {c: div[c] / sum(div.values()) for c in cols}
    v = {c: [w[c] * t / math.sqrt(sum(u * u for u in x[c])) for t in x[c]] for c in cols}
    best = {c: (max if dc > 0 else min)(v[c]) for c, dc in zip(cols, d, strict=True)}
    worst = {c: (min if dc > 0 else max)(v[c]) for c, dc in zip(cols, d, strict=True)}
    want = []
    for i in range(n):
        dp = math.sqrt(sum((v[c][i] - best[c]) ** 2 for c in cols))
        dm = math.sqrt(sum((v[c][i] - worst[c]) ** 2 for c in cols))
        want.append(dm / (dp + dm))
    assert np.max(np.abs(res.closeness.to_numpy() - want)) <= 1e-12
    assert res.preprocess == "raw" and res.normalised.equals(x.astype(float))
    with pytest.raises(MethodError, match=r"non-negative values; unit .* indicator 'X1'"):
        entropy_topsis(x.assign(X1=-x["X1"]), preprocess="raw")
    with pytest.raises(MethodError, match="'X1' has no variance"):
        entropy_topsis(x.assign(X1=5.0), directions=d, preprocess="raw")
    with pytest.raises(MethodError, match="preprocess"):
        entropy_topsis(x, preprocess="zscore")
