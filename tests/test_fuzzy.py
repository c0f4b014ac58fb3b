"""Fuzzy comprehensive evaluation (methods.evaluation.fuzzy) against an independent implementation.

Reference values: R package mathmodels 0.0.11 (``fuzzy_eval`` types 1-4, ``compute_mf``,
``defuzzify``) on its own documented example and a second matrix, produced by
``tests/reference/cn_mathmodels.R``. Published examples with printed results (M(∧,∨): 陈水利
ch. 5, a clothing example) are in ``tests/test_published_examples.py``; the statistical
membership (``membership_from_ratings``) is checked by counting.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from methods import MethodError, MethodTypeError, MethodWarning
from methods.evaluation.fuzzy import (
    fuzzy_evaluation,
    membership_from_ratings,
    membership_from_values,
)

REF = Path(__file__).parent / "reference"
TOL = 1e-9
TYPES = {1: "min_max", 2: "product_max", 3: "weighted_average", 4: "bounded_min_sum"}


@pytest.fixture(scope="module")
def ref() -> dict:
    return json.loads((REF / "cn_fuzzy_mathmodels.json").read_text(encoding="utf-8"))


def _membership(r_grades_by_factors) -> pd.DataFrame:
    r = np.asarray(r_grades_by_factors, dtype=float).T  # factors x grades
    return pd.DataFrame(r, index=[f"f{j + 1}" for j in range(r.shape[0])],
                        columns=[f"g{k + 1}" for k in range(r.shape[1])])


@pytest.mark.parametrize("example", ["ex1", "ex2"])
@pytest.mark.parametrize("rtype", [1, 2, 3, 4])
def test_composition_matches_mathmodels(ref, example, rtype):
    mem = _membership(ref[example]["R_grades_by_factors"])
    res = fuzzy_evaluation(mem, ref[example]["w"], operator=TYPES[rtype])
    want = np.asarray(ref["composed"][f"{example}_type{rtype}"])
    dev = np.max(np.abs(res.b.to_numpy().ravel() - want))
    assert dev <= TOL, f"B ({TYPES[rtype]}, {example}): max deviation {dev:.3g}"
    assert res.verdict.iloc[0] == mem.columns[int(np.argmax(want))]


def test_membership_from_values_matches_compute_mf(ref):
    m = ref["membership"]
    x = pd.DataFrame({"v": m["values"]}, index=[f"u{i}" for i in range(len(m["values"]))])
    mem = membership_from_values(x, m["knots"], ["差", "中", "良", "优"])
    dev = np.max(np.abs(mem.to_numpy() - np.asarray(m["mf"])))
    assert dev <= TOL, f"triangular membership: max deviation {dev:.3g}"
    assert np.allclose(mem.sum(axis=1), 1.0)


def test_score_matches_defuzzify(ref):
    s = ref["score"]
    mem = pd.DataFrame([s["mu"]], index=["only"], columns=["差", "中", "良", "优"])
    res = fuzzy_evaluation(mem, None, grade_scores=s["scores"])
    assert res.score.iloc[0] == pytest.approx(s["weighted_average"], abs=TOL)


def test_several_objects_and_ratings():
    ratings = pd.DataFrame({"效率": ["优", "良", "良", "中", "优"],
                            "态度": ["良", "良", "差", "中", "中"]})
    mem = membership_from_ratings(ratings, ["优", "良", "中", "差"])
    assert mem.loc["效率"].tolist() == [0.4, 0.4, 0.2, 0.0]
    assert mem.loc["态度"].tolist() == [0.0, 0.4, 0.4, 0.2]
    # two objects through the (object, factor) layout equal two single evaluations
    both = pd.concat({"A": mem, "B": mem.iloc[::-1]}, names=["unit", "factor"])
    res = fuzzy_evaluation(both, {"效率": 0.6, "态度": 0.4},
                           grade_scores={"优": 95, "良": 85, "中": 70, "差": 50})
    single = fuzzy_evaluation(mem, {"效率": 0.6, "态度": 0.4})
    assert np.allclose(res.b.loc["A"], single.b.iloc[0])
    assert np.allclose(res.b.loc["B"], single.b.iloc[0])  # factor order does not matter
    assert res.verdict["A"] == "良"
    want = (0.24 * 95 + 0.4 * 85 + 0.28 * 70 + 0.08 * 50)
    assert res.score["A"] == pytest.approx(want, abs=1e-12)


def test_membership_by_object_counts_each_objects_raters():
    ratings = pd.DataFrame({"unit": ["A", "A", "B", "B", "B"], "q1": [5, 4, 3, 3, 2],
                            "q2": [4, 4, 2, 3, np.nan]})
    mem = membership_from_ratings(ratings, [1, 2, 3, 4, 5], by="unit", allow_missing=True)
    assert mem.index.names == ["unit", "factor"]
    assert mem.loc[("A", "q1")].tolist() == [0, 0, 0, 0.5, 0.5]
    assert mem.loc[("B", "q2")].tolist() == [0, 0.5, 0.5, 0, 0]  # missing rating skipped
    res = fuzzy_evaluation(mem, grade_scores=[1, 2, 3, 4, 5])
    # weighted-average score with comment values = mean over items of the item mean ratings
    assert res.score["A"] == pytest.approx((4.5 + 4.0) / 2)
    assert res.score["B"] == pytest.approx((8 / 3 + 2.5) / 2)
    same = membership_from_ratings(ratings.drop(columns="unit"), [1, 2, 3, 4, 5],
                                   by=ratings["unit"], allow_missing=True)
    pd.testing.assert_frame_equal(mem, same)
    with pytest.raises(MethodError, match="object 'A': factor 'q2' has no rating"):
        membership_from_ratings(ratings.assign(q2=[np.nan, np.nan, 2, 3, 1]), [1, 2, 3, 4, 5],
                                by="unit", allow_missing=True)
    with pytest.raises(MethodTypeError, match="column name of ratings or a pandas Series"):
        membership_from_ratings(ratings.drop(columns="unit"), [1, 2, 3, 4, 5], by=["A"] * 5)
    with pytest.raises(MethodError, match="no rater"):
        membership_from_ratings(ratings.iloc[:0], [1, 2, 3, 4, 5], by="unit")
    with pytest.raises(MethodError, match="'region' is not a column"):
        membership_from_ratings(ratings, [1, 2, 3, 4, 5], by="region")
    with pytest.raises(MethodError, match=r"rater\(s\) \[1\] have no object"):
        membership_from_ratings(ratings.drop(columns="unit"), [1, 2, 3, 4, 5],
                                by=ratings["unit"].where(ratings.index != 1), allow_missing=True)


def test_tie_is_flagged():
    mem = pd.DataFrame([[0.5, 0.5, 0.0]], index=["f"], columns=["优", "良", "中"])
    with pytest.warns(MethodWarning, match="maximum membership"):
        res = fuzzy_evaluation(mem)
    assert bool(res.verdict_ties.iloc[0])


def test_bad_inputs():
    mem = pd.DataFrame([[0.5, 0.6]], index=["f"], columns=["优", "差"])
    mem.iloc[0, 1] = 1.2
    with pytest.raises(MethodError, match="outside"):
        fuzzy_evaluation(mem)
    ok = pd.DataFrame([[0.5, 0.5]], index=["f"], columns=["优", "差"])
    with pytest.raises(MethodError, match="operator"):
        fuzzy_evaluation(ok, operator="max_min")
    with pytest.raises(MethodError, match="grade_scores"):
        fuzzy_evaluation(ok, grade_scores=[1.0])
    with pytest.raises(MethodError, match="not in the comment set"):
        membership_from_ratings(pd.DataFrame({"q": ["优", "好"]}), ["优", "差"])
    with pytest.raises(MethodError, match="rater 1"):
        membership_from_ratings(pd.DataFrame({"q": ["优", None]}), ["优", "差"])
    with pytest.raises(MethodError, match="increasing"):
        membership_from_values(pd.DataFrame({"v": [1.0]}), [3, 2, 1], ["a", "b", "c"])
    with pytest.raises(MethodError, match="all-zero"):
        fuzzy_evaluation(pd.DataFrame([[0.0, 0.0]], index=["f"], columns=["优", "差"]))
    with pytest.raises(MethodTypeError):
        fuzzy_evaluation([[0.5, 0.5]])
