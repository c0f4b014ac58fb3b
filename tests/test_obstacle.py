"""Obstacle degree (methods.index.obstacle) against an independent implementation.

Reference values: R package mathmodels 0.0.11 (张敬信), ``obstacle_degree(..., scaled = TRUE)``,
on the package's own documentation example and on a 12 × 7 set with three dimensions, a unit at
the worst score everywhere and one at the best everywhere; produced by
``tests/reference/obstacle/obstacle_mathmodels.R`` (see the README there). At the end, the
printed output of that package's published documentation example, at the printed precision.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from methods import MethodError, MethodTypeError
from methods.index import ObstacleResult, obstacle_degree

REF = Path(__file__).parent / "reference" / "obstacle"
TOL = 1e-12  # closed form


@pytest.fixture(scope="module")
def ref() -> dict:
    return json.loads((REF / "obstacle_mathmodels.json").read_text(encoding="utf-8"))


def _case(ref: dict, name: str) -> tuple[pd.DataFrame, pd.Series, dict[str, str], dict]:
    c = ref[name]
    data = pd.DataFrame(c["data"]).set_index("ID")
    w = pd.Series(c["weights"], index=data.columns, dtype=float)
    return data, w, dict(zip(data.columns, c["groups"], strict=True)), c


def _expected(values: list, index, columns) -> pd.DataFrame:
    arr = np.array([[np.nan if v == "NaN" else v for v in row] for row in values], dtype=float)
    return pd.DataFrame(arr, index=index, columns=columns)


@pytest.mark.parametrize("name", ["doc_example", "random"])
def test_matches_mathmodels(ref, name):
    data, w, groups, c = _case(ref, name)
    res = obstacle_degree(data, w, groups=groups)
    want = _expected(c["indicator"], data.index, data.columns)
    pd.testing.assert_frame_equal(res.indicator, want, rtol=0, atol=TOL, check_names=False)
    dims = _expected(c["dimension"], data.index, c["dimension_names"])
    pd.testing.assert_frame_equal(res.dimension, dims, rtol=0, atol=TOL, check_names=False)


def test_scale_and_weight_units_do_not_matter(ref):
    """Scores on (0, 100) with scale=(0, 100), or weights in other units, give the same shares;
    the factor contributions are the weights rescaled to sum to 1."""
    data, w, groups, _ = _case(ref, "random")
    base = obstacle_degree(data, w, groups=groups)
    other = obstacle_degree(data * 100, w * 7, groups=groups, scale=(0, 100))
    pd.testing.assert_frame_equal(base.indicator, other.indicator, rtol=0, atol=TOL)
    pd.testing.assert_series_equal(base.factor, w / w.sum(), check_names=False, rtol=0, atol=TOL)
    pd.testing.assert_frame_equal(base.deviation, 1 - data, rtol=0, atol=TOL)
    shifted = obstacle_degree(data * 50 + 50, w, groups=groups, scale=(50, 100))
    pd.testing.assert_frame_equal(base.indicator, shifted.indicator, rtol=0, atol=1e-12)


def test_rows_sum_to_one_and_unit_without_shortfall(ref):
    data, w, groups, _ = _case(ref, "random")
    res = obstacle_degree(data, w, groups=groups)
    sums = res.indicator.sum(axis=1, min_count=1)
    assert np.allclose(sums.drop("u12"), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.dimension.sum(axis=1, min_count=1).drop("u12"), 1.0,
                               rtol=0, atol=1e-12)
    assert res.indicator.loc["u12"].isna().all() and res.dimension.loc["u12"].isna().all()
    assert "u12" not in set(res.top["unit"]) and "['u12']" in res.notes[0]
    assert res.top_for("u12").empty
    # a unit at the worst everywhere: the obstacles are the weights
    np.testing.assert_allclose(res.indicator.loc["u05"], w / w.sum(), rtol=0, atol=1e-12)


def test_top_table(ref):
    data, w, groups, _ = _case(ref, "random")
    res = obstacle_degree(data, w, groups=groups, top=3)
    assert list(res.top.columns) == ["unit", "rank", "indicator", "obstacle", "dimension"]
    assert len(res.top) == 3 * 11  # u12 has none
    for unit, rows in res.top.groupby("unit", sort=False):
        full = res.indicator.loc[unit].sort_values(ascending=False, kind="stable")
        assert rows["indicator"].tolist() == list(full.index[:3]), unit
        np.testing.assert_allclose(rows["obstacle"], full.iloc[:3], rtol=0, atol=0)
        assert rows["rank"].tolist() == [1, 2, 3]
        assert rows["dimension"].tolist() == [groups[i] for i in full.index[:3]]
    one = res.top_for("u03")
    assert list(one.columns) == ["rank", "indicator", "obstacle", "dimension"] and len(one) == 3
    # u01 (1, 1, 0.5, 1, 0, 1, 1): only x3 and x5 hold it back, x5 by far (weight 0.25, deviation 1)
    first = res.top_for("u01")
    assert first["indicator"].tolist()[:2] == ["x5", "x3"]
    assert first["obstacle"].iloc[0] == pytest.approx(0.25 / (0.25 + 0.15 * 0.5), abs=1e-12)
    # top larger than the number of indicators lists them all; ties keep the column order
    allres = obstacle_degree(data, w, top=20)
    assert allres.top.groupby("unit").size().eq(7).all() and allres.top["dimension"].isna().all()
    assert allres.dimension.shape == (12, 0)
    tie = obstacle_degree(pd.DataFrame({"p": [0.5], "q": [0.5], "r": [0.9]}, index=["T"]),
                          {"p": 1, "q": 1, "r": 1}, top=2)
    assert tie.top_for("T")["indicator"].tolist() == ["p", "q"]


def test_summary_and_repr(ref):
    data, w, groups, _ = _case(ref, "doc_example")
    res = obstacle_degree(data, w, groups=groups)
    assert isinstance(res, ObstacleResult)
    text = res.summary().as_text()
    assert "most frequent first obstacle" in text and len(repr(res)) < 300
    assert res.to_frame() is res.top


def test_refusals(ref):
    data, w, groups, _ = _case(ref, "doc_example")
    gap = data.copy()
    gap.loc["C", "s2"] = np.nan
    with pytest.raises(MethodError, match="unit 'C', indicator 's2'"):
        obstacle_degree(gap, w)
    with pytest.raises(MethodError, match=r"unit 'A', indicator 's1' is 1.62, outside the scale"):
        obstacle_degree(data * 100, w)
    with pytest.raises(MethodError, match=r"missing \['s3'\], not in scores \['zz'\]"):
        obstacle_degree(data, {"s1": 1, "s2": 1, "zz": 1})
    with pytest.raises(MethodError, match="negative or not finite"):
        obstacle_degree(data, {"s1": 1, "s2": -1, "s3": 1})
    with pytest.raises(MethodError, match="sum to 0"):
        obstacle_degree(data, {"s1": 0, "s2": 0, "s3": 0})
    with pytest.raises(MethodError, match=r"no dimension for indicator\(s\) \['s3'\]"):
        obstacle_degree(data, w, groups={"s1": "D1", "s2": "D1"})
    with pytest.raises(MethodError, match="top must be a positive integer"):
        obstacle_degree(data, w, top=0)
    with pytest.raises(MethodError, match="high > low"):
        obstacle_degree(data, w, scale=(1, 0))
    with pytest.raises(MethodTypeError, match="DataFrame"):
        obstacle_degree(data.to_numpy(), w)  # type: ignore[arg-type]
    with pytest.raises(MethodTypeError, match="non-numeric"):
        obstacle_degree(data.assign(s1="x"), w)


# --- The package's published example with its printed numbers -------------------------------
# mathmodels' pkgdown reference page "System Evaluation Functions for Coupling and Obstacle
# Analysis" (https://zhjx19.github.io/mathmodels/reference/system_evaluation.html; in the
# repository as docs/reference/system_evaluation.html, commit 0dbfe69, site version 0.0.9) prints
# the result of its example, obstacle_degree(df, id_cols = "ID") with equal weights and
# obstacle_degree(df, c(0.4, 0.3, 0.3), id_cols = "ID"), as tibbles with 3 significant digits.
# Those calls use the default scaled = FALSE: the printed values are F_j I_ij = w_j (1 - x_ij)
# before the division by the row sum, i.e. ``factor * deviation`` of ObstacleResult (the weights
# printed there already sum to 1). The shares O_ij are checked as those printed products divided
# by their row sums, to the precision that the printed digits allow.
DOC_SCORES = {"s1": [0.0162, 0.1782, 0.5490, 0.6730, 0.0207, 0.9875],
              "s2": [0.2720, 0.6824, 0.0593, 0.4812, 0.8891, 0.5573],
              "s3": [0.2655, 0.3721, 0.5729, 0.9082, 0.2017, 0.8984]}
DOC_PRINTED = {
    "equal": ["0.328 0.243 0.245", "0.274 0.106 0.209", "0.150 0.314 0.142",
              "0.109 0.173 0.0306", "0.326 0.0370 0.266", "0.00417 0.148 0.0339"],
    "0.4/0.3/0.3": ["0.394 0.218 0.220", "0.329 0.0953 0.188", "0.180 0.282 0.128",
                    "0.131 0.156 0.0275", "0.392 0.0333 0.239", "0.00500 0.133 0.0305"],
}


def _half_unit(text: str) -> float:
    """Half a unit in the last printed digit of ``text``."""
    return 0.5 * 10.0 ** -len(text.split(".")[1])


@pytest.mark.parametrize(("case", "weights"), [("equal", {"s1": 1, "s2": 1, "s3": 1}),
                                               ("0.4/0.3/0.3", {"s1": 0.4, "s2": 0.3, "s3": 0.3})])
def test_mathmodels_published_example(case, weights):
    data = pd.DataFrame(DOC_SCORES, index=list("ABCDEF"))
    res = obstacle_degree(data, weights)
    product = res.deviation * res.factor  # F_j I_ij, what the page prints (scaled = FALSE)
    for unit, line in zip(data.index, DOC_PRINTED[case], strict=True):
        printed = line.split()
        for col, text in zip(data.columns, printed, strict=True):
            got = product.loc[unit, col]
            assert abs(got - float(text)) <= _half_unit(text), (case, unit, col, got, text)
        # the shares: the printed products over their row sum, within the printed rounding
        want = np.array([float(t) for t in printed])
        err = np.array([_half_unit(t) for t in printed])
        lo = (want - err) / (want + err).sum()
        hi = (want + err) / (want - err).sum()
        share = res.indicator.loc[unit].to_numpy()
        assert np.all((share >= lo) & (share <= hi)), (case, unit, share, lo, hi)
