"""methods.weights: AHP against Saaty's published examples, entropy/CRITIC against pymcdm and
explicit loops, PCA against base R, tree weights, bad input."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from methods import MethodError, MethodWarning
from methods.psychometrics.rotation import varimax
from methods.weights import (
    SAATY_RI,
    ahp,
    ahp_group,
    ahp_hierarchy,
    combine_weights,
    critic_weights,
    cv_weights,
    data_weights,
    effective_weights,
    entropy_weights,
    equal_weights,
    expert_weights,
    meta_with_weights,
    pca_weights,
)
from tests._index_asem import REF, pymcdm_ref, ref_csv


def _m(rows: str) -> np.ndarray:
    return np.array([[float(Fraction(v)) for v in r.split()] for r in rows.strip().splitlines()])


# Saaty (1990), How to make a decision: the analytic hierarchy process, EJOR 48, 9-26:
# the house example. Criteria: size, transportation, neighbourhood, age, yard, modern facilities,
# general condition, financing. Published: lambda_max 9.669, CI 0.238, CR 0.169, and weights
# .173 .054 .188 .018 .031 .036 .167 .333 (three decimals).
SAATY_HOUSE = _m("""
1 5 3 7 6 6 1/3 1/4
1/5 1 1/3 5 3 3 1/5 1/7
1/3 3 1 6 3 4 6 1/5
1/7 1/5 1/6 1 1/3 1/4 1/7 1/8
1/6 1/3 1/3 3 1 1/2 1/5 1/6
1/6 1/3 1/4 4 2 1 1/5 1/6
3 5 1/6 7 5 5 1 1/2
4 7 5 8 6 6 2 1
""")
SAATY_HOUSE_W = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
# Same paper, houses A, B, C compared on size of house: .754 .181 .065, lambda 3.136, CR .117.
SAATY_SIZE = _m("""
1 6 8
1/6 1 4
1/8 1/4 1
""")


def test_ahp_saaty_house_example():
    with pytest.warns(MethodWarning, match="inconsistent"):
        r = ahp(SAATY_HOUSE)
    assert r.lambda_max == pytest.approx(9.669, abs=5e-4), "lambda_max"
    assert r.ci == pytest.approx(0.238, abs=5e-4), "CI"
    assert r.cr == pytest.approx(0.169, abs=5e-4), "CR"
    assert r.weights.to_numpy() == pytest.approx(SAATY_HOUSE_W, abs=5e-4), "weights"
    assert not r.consistent
    assert r.ri == SAATY_RI[8] == 1.41


def test_ahp_saaty_size_example():
    with pytest.warns(MethodWarning):
        r = ahp(SAATY_SIZE)
    assert r.weights.to_numpy() == pytest.approx([0.754, 0.181, 0.065], abs=5e-4)
    assert r.lambda_max == pytest.approx(3.136, abs=5e-4)
    assert r.cr == pytest.approx(0.117, abs=5e-4)


def test_ahp_consistent_matrix_exact():
    w = np.array([0.5, 0.3, 0.2])
    a = w[:, None] / w[None, :]
    r = ahp(pd.DataFrame(a, index=list("xyz"), columns=list("xyz")))
    assert r.weights.to_numpy() == pytest.approx(w, abs=1e-12)
    assert r.cr == pytest.approx(0, abs=1e-12)
    assert r.consistent
    assert list(r.weights.index) == ["x", "y", "z"]


def test_ahp_worst_judgements_point_at_the_perturbed_entry():
    w = np.array([0.4, 0.3, 0.2, 0.1])
    a = w[:, None] / w[None, :]
    a[0, 3], a[3, 0] = 1 / 4, 4.0  # reverse one judgement
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        r = ahp(a)
    top = r.worst_judgements.iloc[0]
    assert (top["i"], top["j"]) == ("0", "3")
    with pytest.raises(MethodError, match=r"CR = .* revisit first: a\(0, 3\)"):
        ahp(a, refuse_inconsistent=True)


@pytest.mark.parametrize(
    "matrix,needle",
    [([[1, 2], [0.4, 1]], "not reciprocal"),
     ([[1, -2], [-0.5, 1]], "positive"),
     ([[1, 2, 3], [0.5, 1, 2]], "square"),
     ([[2, 2], [0.5, 1]], "diagonal"),
     ([[1, np.nan], [1, 1]], "positive")],
)
def test_ahp_bad_matrices(matrix, needle):
    with pytest.raises(MethodError, match=needle):
        ahp(matrix, node="A")


def test_ahp_error_names_node():
    with pytest.raises(MethodError, match="node 'B1'"):
        ahp([[1, 2], [0.4, 1]], node="B1")


def test_ahp_group_aij_and_aip():
    m1 = np.array([[1, 3], [1 / 3, 1]])
    m2 = np.array([[1, 1 / 3], [3, 1]])
    g = ahp_group({"e1": m1, "e2": m2}, method="aij")
    assert g.weights.to_numpy() == pytest.approx([0.5, 0.5])
    p = ahp_group([m1, SAATY_SIZE[:2, :2]], method="aip")
    w1, w2 = np.array([0.75, 0.25]), np.array([6 / 7, 1 / 7])
    gm = np.sqrt(w1 * w2)
    assert p.weights.to_numpy() == pytest.approx(gm / gm.sum())
    with pytest.raises(MethodError, match="compares"):
        ahp_group({"a": pd.DataFrame(m1, index=list("xy"), columns=list("xy")),
                   "b": pd.DataFrame(m1, index=list("xz"), columns=list("xz"))})


def _meta():
    return pd.DataFrame({
        "code": ["a", "b", "c", "d", "X", "Y", "I"],
        "parent": ["X", "X", "Y", "Y", "I", "I", None],
        "level": [1, 1, 1, 1, 2, 2, 3],
        "weight": [1, 1, 2, 1, 3, 1, 1],
        "direction": [1, 1, 1, -1, np.nan, np.nan, np.nan],
        "kind": ["input", "outcome", "output", "outcome", None, None, None],
    })


def test_ahp_hierarchy_and_wrong_size():
    m = pd.DataFrame([[1, 3], [1 / 3, 1]], index=["X", "Y"], columns=["X", "Y"])
    w, cons = ahp_hierarchy({("e1", "I"): m, ("e2", "I"): m}, _meta())
    assert w["X"] == pytest.approx(0.75)
    assert w["a"] == pytest.approx(0.5)  # no matrix: meta weights
    assert set(cons["expert"]) == {"e1", "e2", "group"}
    with pytest.raises(MethodError, match=r"node 'X' has 2 children"):
        ahp_hierarchy({("e1", "X"): SAATY_SIZE}, _meta())
    bad = pd.DataFrame([[1, 3], [1 / 3, 1]], index=["a", "q"], columns=["a", "q"])
    with pytest.raises(MethodError, match="children of 'X'"):
        ahp_hierarchy({"X": bad}, _meta())


def _asem_subset():
    ref = pymcdm_ref()
    return ref_csv("geo_Normalised.csv")[ref["indicators"]], ref


def _entropy_loop(x: np.ndarray) -> np.ndarray:
    n, p = x.shape
    e = []
    for j in range(p):
        tot = sum(x[i, j] for i in range(n))
        h = 0.0
        for i in range(n):
            q = x[i, j] / tot
            if q > 0:
                h -= q * np.log(q)
        e.append(h / np.log(n))
    d = [1 - v for v in e]
    return np.array([v / sum(d) for v in d])


def test_entropy_matches_pymcdm_and_loop():
    x, ref = _asem_subset()
    w = entropy_weights(x).weights
    assert np.max(np.abs(w.to_numpy() - ref["entropy_weights"])) < 1e-12, "entropy vs pymcdm"
    z = ref_csv("dset_Normalised.csv")[ref["indicators"]]  # has zeros: 0 ln 0 = 0
    assert np.max(np.abs(entropy_weights(z).weights.to_numpy() - _entropy_loop(z.to_numpy()))) \
        < 1e-12, "entropy vs explicit loop"


def test_critic_matches_pymcdm_and_is_scale_free():
    x, ref = _asem_subset()
    w = critic_weights(x).weights
    assert np.max(np.abs(w.to_numpy() - ref["critic_weights"])) < 1e-12, "CRITIC vs pymcdm"
    w2 = critic_weights(x * 3 + 7).weights
    assert np.max(np.abs(w - w2)) < 1e-12


def test_cv_weights_by_hand():
    x = pd.DataFrame({"a": [1.0, 2, 3], "b": [10.0, 10, 13]})
    cv = np.array([1 / 2, np.std([10, 10, 13], ddof=1) / 11])
    assert cv_weights(x).weights.to_numpy() == pytest.approx(cv / cv.sum())


def test_pca_weights_match_base_r():
    ref = pd.read_csv(REF / "pca_asem.csv").set_index("indicator")
    eig = pd.read_csv(REF / "pca_asem_eigen.csv")
    x = ref_csv("dset_Normalised.csv")[list(ref.index)]
    r = pca_weights(x)
    assert np.max(np.abs(r.eigenvalues.to_numpy() - eig["eigenvalue"].to_numpy())) < 1e-10
    d = np.max(np.abs(r.weights[ref.index].to_numpy() - ref["weight"].to_numpy()))
    assert d < 1e-6, f"PCA weights vs R eigen()+varimax(): max diff {d:g}"
    # factors are unlabelled: the partition of indicators must agree
    mine = r.assignment[ref.index]
    pairs = {(a, b) for a, b in zip(mine, ref["factor"], strict=True)}
    assert len(pairs) == mine.nunique() == ref["factor"].nunique()


def test_varimax_keeps_communalities_and_is_orthogonal():
    rng = np.random.default_rng(2)
    load = rng.normal(size=(8, 3))
    res = varimax(load)
    rot, t = res.loadings, res.rotmat
    assert np.allclose(t @ t.T, np.eye(3))
    assert np.allclose(np.sum(rot**2, axis=1), np.sum(load**2, axis=1))


@pytest.mark.parametrize("fn", [entropy_weights, critic_weights, cv_weights, pca_weights])
def test_data_weights_bad_input(fn):
    x = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [5.0, 5, 5, 5], "c": [1.0, 3, 2, 5]})
    with pytest.raises(MethodError, match="'b' has no variance"):
        fn(x)
    neg = pd.DataFrame({"a": [1.0, -2, 3, 4], "c": [1.0, 3, 2, 5]})
    with pytest.raises(MethodError, match=r"'a' is negative for unit 1"):
        fn(neg)


def test_tree_weights():
    meta = _meta()
    ew = expert_weights(meta).weights
    assert ew["c"] == pytest.approx(2 / 3) and ew["X"] == pytest.approx(0.75)
    eq = equal_weights(meta).weights
    assert eq["c"] == 0.5 and eq["X"] == 0.5
    eff = effective_weights(meta)
    assert eff["c"] == pytest.approx(0.25 * 2 / 3)
    assert eff[["a", "b", "c", "d"]].sum() == pytest.approx(1)
    m2 = meta_with_weights(meta, {"X": 1})
    assert effective_weights(m2)["a"] == pytest.approx(0.25)


def test_data_weights_on_tree():
    x = pd.DataFrame({"a": [1.0, 2, 3, 9], "b": [5.0, 6, 5, 6], "c": [1.0, 3, 2, 5],
                      "d": [4.0, 1, 2, 3]})
    w = data_weights(x, _meta(), "entropy", scope="group")
    ent = entropy_weights(x[["a", "b"]]).weights
    assert w["a"] == pytest.approx(ent["a"])
    assert w["X"] == pytest.approx(0.75)  # above indicators: meta weights
    wa = data_weights(x, _meta(), "entropy", scope="all")
    assert wa["a"] + wa["b"] == pytest.approx(1)


def test_data_weights_independence_over_all_indicators():
    """1 − R² over all four indicators, renormalised within each sub-dimension."""
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.normal(size=(30, 4)), columns=["a", "b", "c", "d"])
    x["b"] += 0.8 * x["a"]
    w = data_weights(x, _meta(), "independence", scope="all")
    unique = {}
    for c in x.columns:  # 1 − R² by its definition: OLS with intercept on the other three
        others = np.column_stack([np.ones(len(x)), x.drop(columns=c).to_numpy()])
        beta, *_ = np.linalg.lstsq(others, x[c].to_numpy(), rcond=None)
        resid = x[c].to_numpy() - others @ beta
        unique[c] = resid @ resid / ((x[c] - x[c].mean()) ** 2).sum()
    assert w["a"] == pytest.approx(unique["a"] / (unique["a"] + unique["b"]), abs=1e-12)
    assert w["d"] == pytest.approx(unique["d"] / (unique["c"] + unique["d"]), abs=1e-12)
    assert w["X"] == pytest.approx(0.75)
    with pytest.raises(MethodError, match="at least 3"):
        data_weights(x, _meta(), "independence", scope="group")  # two indicators per set


def test_combine_weights():
    a = pd.Series({"x": 0.5, "y": 0.5})
    b = pd.Series({"x": 0.8, "y": 0.2})
    assert combine_weights([a, b]).weights.tolist() == pytest.approx([0.8, 0.2])
    assert combine_weights([a, b], method="linear", alpha=0.25).weights.tolist() == \
        pytest.approx([0.725, 0.275])
    with pytest.raises(MethodError, match="sums to 0.9"):
        combine_weights([a, pd.Series({"x": 0.7, "y": 0.2})])
    with pytest.raises(MethodError, match="-0.2"):
        combine_weights([a, pd.Series({"x": 1.2, "y": -0.2})])


@pytest.mark.parametrize(
    "change,needle",
    [({"weight": [1, -1, 2, 1, 3, 1, 1]}, "node 'b' has weight -1"),
     ({"weight": [0, 0, 2, 1, 3, 1, 1]}, "children of node 'X' sum to 0"),
     ({"parent": ["X", "Q", "Y", "Y", "I", "I", None]}, "'Q'"),
     ({"direction": [1, 1, 1, 0, np.nan, np.nan, np.nan]}, "'d' has direction 0")],
)
def test_bad_meta(change, needle):
    meta = _meta().assign(**change)
    with pytest.raises(MethodError, match=needle):
        expert_weights(meta)
