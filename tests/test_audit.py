"""methods.index.audit against R (e1071 skewness/kurtosis type 2, cor spearman) and by construction."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from methods import MethodError, MethodTypeError
from methods.index import audit

from .conftest import REFERENCE


@pytest.fixture(scope="module")
def r_ref():
    return json.loads((REFERENCE / "e1071_audit_example.json").read_text(encoding="utf-8"))


def test_skewness_kurtosis_match_e1071_type2(X2025, r_ref):
    dist = audit.distribution_table(X2025)
    for code in X2025.columns:
        assert dist.at[code, "skewness"] == pytest.approx(r_ref["skewness"][code], abs=1e-10), code
        assert dist.at[code, "kurtosis"] == pytest.approx(r_ref["kurtosis"][code], abs=1e-10), code


def test_spearman_pairwise_matches_r(X2025, r_ref):
    groups = pd.Series({c: c[0] for c in X2025.columns})
    res = audit.correlation_structure(X2025, groups, method="spearman")
    ref = np.array(r_ref["spearman"], dtype=float)
    np.testing.assert_allclose(res.matrix.loc[r_ref["codes"], r_ref["codes"]].to_numpy(), ref, atol=1e-12)


def test_textbook_skewness():
    # G1 and G2 by hand for 1..5 plus 10: m2, m3, m4 central moments
    v = np.array([1, 2, 3, 4, 5, 10.0])
    n = v.size
    d = v - v.mean()
    m2, m3, m4 = (d**2).mean(), (d**3).mean(), (d**4).mean()
    g1 = m3 / m2**1.5
    g2 = m4 / m2**2 - 3
    assert audit.skewness(v) == pytest.approx(g1 * np.sqrt(n * (n - 1)) / (n - 2))
    assert audit.kurtosis(v) == pytest.approx(((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3)))


def test_outlier_flag_rule():
    rng = np.random.default_rng(1)
    x = pd.DataFrame({"normal": rng.normal(size=200), "spiky": np.r_[rng.normal(size=195), [30, 35, 40, 45, 50]]})
    dist = audit.distribution_table(x)
    assert not dist.at["normal", "outlier_flag"] and dist.at["spiky", "outlier_flag"]


def test_coverage_counts():
    x = pd.DataFrame({"a": [1, np.nan, 3, 4], "b": [np.nan, np.nan, 1, 2], "c": [1, 2, 3, 4.0]}, index=list("pqrs"))
    cov = audit.coverage(x, min_coverage=0.5)
    assert cov.by_indicator.loc["b", "n_missing"] == 2
    assert cov.by_unit.loc["q", "share_available"] == pytest.approx(1 / 3)
    assert cov.units_below == ("q",)
    assert cov.overall_missing == pytest.approx(3 / 12)


def test_coverage_by_year_by_hand():
    panel = pd.DataFrame({
        "unit_id": ["p", "q", "r", "p", "q"],
        "year": [2023, 2023, 2023, 2024, 2024],
        "a": [1.0, np.nan, 3, 4, 5],
        "b": [np.nan, np.nan, 1, 2, 3],
    })
    got = audit.coverage_by_year(panel, ["a", "b"])
    assert got.loc[2023].tolist() == pytest.approx([3, 3 / 6, 1])  # 3 of 6 cells missing; r complete
    assert got.loc[2024].tolist() == pytest.approx([2, 0.0, 2])
    with pytest.raises(MethodError, match=r"no column\(s\) \['c'\]"):
        audit.coverage_by_year(panel, ["a", "c"])
    assert audit.coverage_by_year(panel, pd.Index(["a", "b"])).equals(got)
    with pytest.raises(MethodTypeError, match="not one string"):
        audit.coverage_by_year(panel, "ab")
    twice = pd.concat([panel, panel.iloc[[0]]], ignore_index=True)
    with pytest.raises(MethodError, match=r"\('p', 2023\).*more than once"):
        audit.coverage_by_year(twice, ["a", "b"])
    with pytest.raises(MethodError, match=r"row\(s\) \[1\] have no 'year'"):
        audit.coverage_by_year(panel.assign(year=[2023, None, 2023, 2024, 2024]), ["a", "b"])


def test_bounds_ceiling():
    x = pd.DataFrame({"rate": [0.995, 0.999, 1.0, 0.5], "count": [1, 2, 3, 4.0]})
    bt = audit.bounds_table(x, pd.Series({"rate": 0.0, "count": 0.0}), pd.Series({"rate": 1.0, "count": np.inf}))
    assert bt.at["rate", "share_at_ceiling"] == 0.75 and bt.at["rate", "ceiling_flag"]
    assert np.isnan(bt.at["count", "share_at_ceiling"]) and not bt.at["count", "ceiling_flag"]


def test_misplaced_indicator_is_flagged():
    rng = np.random.default_rng(3)
    f1, f2 = rng.normal(size=(2, 300))
    x = pd.DataFrame({
        "a1": f1 + rng.normal(scale=0.5, size=300), "a2": f1 + rng.normal(scale=0.5, size=300),
        "a3": f2 + rng.normal(scale=0.5, size=300),  # belongs to b
        "b1": f2 + rng.normal(scale=0.5, size=300), "b2": f2 + rng.normal(scale=0.5, size=300),
    })
    res = audit.correlation_structure(x, pd.Series({"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B"}))
    assert res.by_indicator.loc["a3", "flag"] and res.by_indicator.loc["a3", "best_other_group"] == "B"
    assert not res.by_indicator.loc["b1", "flag"]
    assert res.between_groups.loc["B", "B"] > 0.6


def test_oriented_and_errors(framework, X2025):
    meta = framework.to_meta()
    xo = audit.oriented(X2025, meta)
    assert (xo["A2.5"] == -X2025["A2.5"]).all() | xo["A2.5"].isna().any()
    with pytest.raises(MethodError, match="not in the meta frame"):
        audit.oriented(X2025.rename(columns={"A1.1": "ZZ"}), meta)
    with pytest.raises(MethodTypeError, match="pandas DataFrame"):
        audit.coverage(X2025.to_numpy())
    with pytest.raises(MethodError, match="not numeric"):
        audit.coverage(pd.DataFrame({"a": ["x", "y"]}))
    with pytest.raises(MethodError, match="pair"):
        audit.pair_divergence(X2025, [("A1.1", "nope")])


def test_one_negative_correlation_within_a_dimension_does_not_flag_an_indicator():
    """A dimension may combine indicators that trade off: a single negative pair is counted,
    not flagged (it flagged 48 of ASEM's 49 indicators under the old rule)."""
    rng = np.random.default_rng(5)
    f, g = rng.normal(size=(2, 400))
    x = pd.DataFrame({
        "a1": f + rng.normal(scale=0.6, size=400), "a2": f + rng.normal(scale=0.6, size=400),
        "a3": f + g + rng.normal(scale=0.3, size=400),
        "a4": f - 2 * g + rng.normal(scale=0.3, size=400),  # trades off against a3
        "b1": rng.normal(size=400), "b2": rng.normal(size=400),
    })
    groups = pd.Series({"a1": "A", "a2": "A", "a3": "A", "a4": "A", "b1": "B", "b2": "B"})
    res = audit.correlation_structure(x, groups)
    assert res.by_indicator.loc["a4", "n_negative_own"] >= 1
    assert not res.by_indicator.loc["a4", "flag"]
    assert not res.by_indicator["flag"].any()


def test_misplaced_flag_needs_the_margin():
    """own 0.30 against 0.35 elsewhere: flagged with margin 0, not with the default 0.1."""
    r = np.array([[1, .3, .35, .35], [.3, 1, .3, .3], [.35, .3, 1, .6], [.35, .3, .6, 1]])
    z = np.random.default_rng(2).multivariate_normal(np.zeros(4), r, size=20000)
    x = pd.DataFrame(z, columns=["a1", "a2", "b1", "b2"])
    groups = pd.Series({"a1": "A", "a2": "A", "b1": "B", "b2": "B"})
    assert audit.correlation_structure(x, groups, margin=0.0).by_indicator.loc["a1", "flag"]
    assert not audit.correlation_structure(x, groups).by_indicator.loc["a1", "flag"]
    with pytest.raises(MethodError, match="margin"):
        audit.correlation_structure(x, groups, margin=-1)


def test_an_indicator_against_its_own_group_is_flagged_as_such():
    """Mean correlation with its own group below negative_tol: reason 'against_own' (checked before
    the margin); about zero: not flagged."""
    rng = np.random.default_rng(11)
    f, g = rng.normal(size=(2, 500))
    x = pd.DataFrame({"a1": f + rng.normal(scale=0.5, size=500), "a2": f + rng.normal(scale=0.5, size=500),
                      "a3": -f + rng.normal(scale=0.5, size=500), "a4": rng.normal(size=500),
                      "b1": g + rng.normal(scale=0.5, size=500), "b2": g + rng.normal(scale=0.5, size=500)})
    res = audit.correlation_structure(x, pd.Series({"a1": "A", "a2": "A", "a3": "A", "a4": "A", "b1": "B", "b2": "B"}))
    assert res.by_indicator.loc["a3", "reason"] == "against_own" and res.by_indicator.loc["a3", "flag"]
    assert not res.by_indicator.loc["a4", "flag"] and res.by_indicator.loc["a4", "reason"] == ""
