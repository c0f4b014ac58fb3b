"""Fuzzy AHP (methods.weights.fahp).

Geometric mean (Buckley 1985) with centroid defuzzification: compared with pyDecision 5.1.8
(``fuzzy_ahp_method``) and pyfdm 1.2.1 (``fAHP``), values produced by
``tests/reference/cn_python_peers.py``. Published examples (Kilic et al. 2014, Sun 2010 for the
geometric mean; Saputro et al. for extent analysis, which prints the weights but not S_i or V) are
in ``tests/test_published_examples.py``. Extent analysis is also compared, stage by stage, with a
brute-force computation written here from the definitions: V(M1 >= M2) = sup_{x >= y} min(mu1(x), mu2(y)) evaluated on a grid, and
S_i = sum_j M_ij (x) (sum_ij M_ij)^-1 by fuzzy arithmetic.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from methods import MethodError, MethodTypeError, MethodWarning
from methods.weights.fahp import (
    aggregate_tfn,
    fuzzy_ahp,
    fuzzy_ahp_hierarchy,
    possibility_degree,
    tfn_from_crisp,
)

REF = Path(__file__).parent / "reference"
TOL = 1e-9


@pytest.fixture(scope="module")
def peers() -> dict:
    return json.loads((REF / "cn_fahp_pypeers.json").read_text(encoding="utf-8"))


def _as_mapping(mat) -> dict[str, pd.DataFrame]:
    a = np.asarray(mat, dtype=float)
    labels = [f"C{i + 1}" for i in range(a.shape[0])]
    return {k: pd.DataFrame(a[..., i], index=labels, columns=labels)
            for i, k in enumerate("lmu")}


@pytest.mark.parametrize("example", ["pyfdm_doc_3x3", "saaty_4x4_delta1"])
def test_geometric_mean_matches_peers(peers, example):
    ex = peers["examples"][example]
    res = fuzzy_ahp(_as_mapping(ex["matrix"]), method="geometric_mean")
    for peer, key in (("pyDecision", "pydecision_weights"), ("pyfdm", "pyfdm_centroid_normalised")):
        dev = np.max(np.abs(res.weights.to_numpy() - np.asarray(ex[key])))
        assert dev <= TOL, f"FAHP weights vs {peer}: max deviation {dev:.3g}"
    dev = np.max(np.abs(res.fuzzy.to_numpy() - np.asarray(ex["pyfdm_fuzzy_weights"])))
    assert dev <= TOL, f"fuzzy weights vs pyfdm: max deviation {dev:.3g}"
    dev = np.max(np.abs(res.fuzzy.to_numpy() - np.asarray(ex["pydecision_fuzzy_weights"])))
    assert dev <= TOL, f"fuzzy weights vs pyDecision: max deviation {dev:.3g}"


def test_saaty_scale_fuzzification_matches_peer_matrix(peers):
    crisp = pd.DataFrame(
        [[1, 3, 5, 2], [1 / 3, 1, 2, 1 / 2], [1 / 5, 1 / 2, 1, 1 / 3], [1 / 2, 2, 3, 1]],
        index=["C1", "C2", "C3", "C4"], columns=["C1", "C2", "C3", "C4"])
    tfn = tfn_from_crisp(crisp)
    want = _as_mapping(peers["examples"]["saaty_4x4_delta1"]["matrix"])
    for k in "lmu":
        assert np.allclose(tfn[k].to_numpy(), want[k].to_numpy(), atol=1e-12), k


def _mu(x: np.ndarray, t: tuple[float, float, float]) -> np.ndarray:
    lo, m, u = t
    left = np.where(m > lo, (x - lo) / max(m - lo, 1e-300), (x >= m).astype(float))
    right = np.where(u > m, (u - x) / max(u - m, 1e-300), (x <= m).astype(float))
    return np.clip(np.minimum(left, right), 0, 1) * ((x >= lo) & (x <= u))


def _v_bruteforce(a, b, grid: np.ndarray) -> float:
    """sup over x >= y of min(mu_a(x), mu_b(y)), on a grid."""
    best_b_below = np.maximum.accumulate(_mu(grid, b))  # max of mu_b(y) for y <= x
    return float(np.max(np.minimum(_mu(grid, a), best_b_below)))


@pytest.mark.parametrize("example", ["pyfdm_doc_3x3", "saaty_4x4_delta1"])
def test_extent_analysis_matches_bruteforce(peers, example):
    mat = np.asarray(peers["examples"][example]["matrix"], dtype=float)
    n = mat.shape[0]
    # fuzzy arithmetic written out element by element
    rows = [tuple(sum(mat[i][j][c] for j in range(n)) for c in range(3)) for i in range(n)]
    tot = [sum(r[c] for r in rows) for c in range(3)]
    s = [(r[0] / tot[2], r[1] / tot[1], r[2] / tot[0]) for r in rows]
    grid = np.linspace(0, max(t[2] for t in s) * 1.01, 400_001)
    d = [min(_v_bruteforce(s[i], s[k], grid) for k in range(n) if k != i) for i in range(n)]
    want = np.asarray(d) / sum(d)
    with warnings.catch_warnings():  # the 4x4 example gives C3 zero weight (flagged)
        warnings.simplefilter("ignore", MethodWarning)
        res = fuzzy_ahp(_as_mapping(mat), method="extent")
    assert np.max(np.abs(res.fuzzy.to_numpy() - np.asarray(s))) <= 1e-12
    dev = np.max(np.abs(res.weights.to_numpy() - want))
    assert dev <= 1e-4, f"extent-analysis weights vs brute force: max deviation {dev:.3g}"


def test_possibility_degree_cases():
    assert possibility_degree((1, 2, 3), (0, 1, 2)) == 1.0
    assert possibility_degree((0, 1, 2), (3, 4, 5)) == 0.0
    # symmetric overlap of (0,1,2) and (1,2,3): intersection height 0.5
    assert possibility_degree((0, 1, 2), (1, 2, 3)) == pytest.approx(0.5)


def test_extent_zero_weight_is_flagged():
    crisp = pd.DataFrame([[1, 9, 9], [1 / 9, 1, 1], [1 / 9, 1, 1]],
                         index=list("abc"), columns=list("abc"))
    with pytest.warns(MethodWarning, match="zero weight"):
        res = fuzzy_ahp(tfn_from_crisp(crisp), method="extent")
    assert res.zero_weight == ["b", "c"]
    gm = fuzzy_ahp(tfn_from_crisp(crisp), method="geometric_mean")
    assert (gm.weights > 0).all()


def test_graded_mean_and_group():
    crisp = pd.DataFrame([[1, 2, 4], [1 / 2, 1, 3], [1 / 4, 1 / 3, 1]],
                         index=list("abc"), columns=list("abc"))
    t = tfn_from_crisp(crisp)
    res = fuzzy_ahp(t, defuzzify="graded_mean")
    fw = res.fuzzy.to_numpy()
    crisp_w = (fw[:, 0] + 4 * fw[:, 1] + fw[:, 2]) / 6
    assert np.allclose(res.weights, crisp_w / crisp_w.sum())
    # the group matrix of two identical experts is the expert's matrix
    g = aggregate_tfn([t, t])
    for k in "lmu":
        assert np.allclose(g[k], t[k])


def test_bad_inputs():
    with pytest.raises(MethodError, match="reciprocal_rtol"):
        fuzzy_ahp(tfn_from_crisp(pd.DataFrame([[1, 3], [1 / 3, 1]], index=["a", "b"],
                                              columns=["a", "b"])), reciprocal_rtol=1.5)
    crisp = pd.DataFrame([[1, 2], [1 / 2, 1]], index=list("ab"), columns=list("ab"))
    t = tfn_from_crisp(crisp)
    broken = {k: v.copy() for k, v in t.items()}
    broken["m"].loc["a", "b"] = 3.5  # m > u
    with pytest.raises(MethodError, match=r"\('a', 'b'\)"):
        fuzzy_ahp(broken)
    nonrecip = {k: v.copy() for k, v in t.items()}
    for k in "lmu":
        nonrecip[k].loc["b", "a"] = 1.0
    with pytest.raises(MethodError, match="reciprocal"):
        fuzzy_ahp(nonrecip)
    with pytest.raises(MethodTypeError):
        fuzzy_ahp({"l": crisp, "m": crisp})
    with pytest.raises(MethodError, match="method"):
        fuzzy_ahp(t, method="lambda_max")
    neg = crisp.copy()
    neg.loc["a", "b"] = -2
    with pytest.raises(MethodError, match="positive"):
        tfn_from_crisp(neg)


def _tree_meta():
    return pd.DataFrame({
        "code": ["a", "b", "c", "d", "X", "Y", "I"],
        "parent": ["X", "X", "X", "Y", "I", "I", None],
        "level": [1, 1, 1, 1, 2, 2, 3],
        "weight": [1, 1, 2, 1, 1, 1, 1],
        "direction": [1, 1, 1, 1, np.nan, np.nan, np.nan],
    })


def test_hierarchy_delta_zero_is_the_row_geometric_mean():
    """With δ = 0 the TFNs are crisp and Buckley's weights are the normalised row geometric
    means of the experts' geometric-mean matrix; nodes without matrices keep meta weights."""
    m1 = pd.DataFrame([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]], index=list("abc"),
                      columns=list("abc"))
    m2 = pd.DataFrame([[1, 2, 4], [1 / 2, 1, 3], [1 / 4, 1 / 3, 1]], index=list("abc"),
                      columns=list("abc"))
    w = fuzzy_ahp_hierarchy({("e1", "X"): m1, ("e2", "X"): m2}, _tree_meta(), delta=0.0)
    g = np.sqrt(m1.to_numpy() * m2.to_numpy())
    rgm = np.exp(np.log(g).mean(axis=1))
    assert np.allclose(w[["a", "b", "c"]].to_numpy(), rgm / rgm.sum(), atol=1e-12)
    assert w["d"] == 1.0 and w["X"] == w["Y"] == 0.5  # no matrices: meta weights
    # δ = 1: the same as composing the public functions by hand
    by_hand = fuzzy_ahp(aggregate_tfn([tfn_from_crisp(m1), tfn_from_crisp(m2)])).weights
    w1 = fuzzy_ahp_hierarchy({("e1", "X"): m1, ("e2", "X"): m2}, _tree_meta())
    assert np.allclose(w1[["a", "b", "c"]].to_numpy(), by_hand.to_numpy(), atol=1e-15)
    with pytest.raises(MethodError, match=r"expert 'e1'.*node 'Y'"):
        fuzzy_ahp_hierarchy({("e1", "Y"): m1}, _tree_meta())


# ------------------------------------------------- consistency ratio of the middle matrix
_CR_DIR = Path(__file__).parent / "reference" / "fahp_cr"


def _cr_matrices() -> dict[str, dict[str, pd.DataFrame]]:
    raw = json.loads((_CR_DIR / "matrices.json").read_text())
    out = {}
    for name, m in raw.items():
        if name == "_about":
            continue
        a = np.array(m, dtype=float)
        labels = [f"c{i + 1}" for i in range(a.shape[0])]
        out[name] = {k: pd.DataFrame(a[..., i], index=labels, columns=labels) for i, k in enumerate("lmu")}
    return out


@pytest.mark.parametrize("name", ["pyfdm3", "crisp4_delta1", "crisp5_delta1"])
def test_fahp_cr_of_the_middle_matrix_matches_r_eigen(name: str) -> None:
    ref = json.loads((_CR_DIR / "fahp_cr_r.json").read_text())[name]
    tfn = _cr_matrices()[name]
    for method in ("geometric_mean", "extent"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fuzzy_ahp(tfn, method=method)
        assert res.consistency_ratio == pytest.approx(ref["cr"], abs=1e-10), (name, method)
    assert "CR of the middle matrix" in "\n".join(fuzzy_ahp(tfn).summary().lines)


def test_fahp_cr_is_not_pydecisions_defuzzified_cr() -> None:
    """pyDecision reports the CR of the graded-mean matrix (not reciprocal): on pyfdm's example ten
    times the middle matrix's. Stored to document the choice, not to match it."""
    peer = json.loads((_CR_DIR / "fahp_cr_pydecision.json").read_text())
    ours = fuzzy_ahp(_cr_matrices()["pyfdm3"]).consistency_ratio
    assert ours is not None and peer["pyfdm3"]["rc"] / ours > 5


def test_fahp_cr_equals_crisp_ahp_cr_and_per_expert_table() -> None:
    from methods.weights.core import ahp
    from methods.weights.fahp import fuzzy_ahp_consistency

    mats = _cr_matrices()
    crisp4 = mats["crisp4_delta1"]["m"]
    with pytest.warns(MethodWarning, match="inconsistent"):
        crisp_cr = ahp(crisp4).cr
    assert fuzzy_ahp(tfn_from_crisp(crisp4)).consistency_ratio == pytest.approx(crisp_cr, abs=1e-12)
    crisp5 = mats["crisp5_delta1"]["m"]
    table = fuzzy_ahp_consistency({("e1", "X"): crisp4, ("e2", "X"): crisp4.T, ("e1", "Y"): crisp5})
    assert list(table.columns) == ["expert", "node", "n", "cr", "consistent"]
    assert set(table.expert) == {"e1", "e2", "group"}
    row = table[(table.expert == "e1") & (table.node == "X")].iloc[0]
    assert row.cr == pytest.approx(0.807930527945288, abs=1e-10) and not row.consistent
    assert table[(table.expert == "e1") & (table.node == "Y")].iloc[0].consistent


def test_weights_section_shows_fahp_cr_per_expert() -> None:
    """The report's FAHP consistency section on the example run: per-expert CRs equal the AHP
    section's (the middle matrix is the crisp judgement), a finding in both languages."""
    from dgpe.sections import weights as ws
    from dgpe.session import open_run

    root = Path(__file__).resolve().parents[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = open_run(root / "configs" / "default.yaml", notebook="t", lang="en", overrides=["build.weights=fahp"])
        sec = ws.fahp_consistency(run)
        ahp_sec = ws.ahp_consistency(run)
    table = sec.get_table("fahp_cr")
    pd.testing.assert_frame_equal(table, ahp_sec.get_table("ahp_cr"), check_names=False)
    f = sec.findings[0]
    assert f("en") and f("zh")
    n_bad = sec.get_result("fahp_inconsistent_matrices")
    assert n_bad == int((table >= 0.1).sum().sum())
    assert f.key == ("weights.fahp_consistency" if n_bad else "weights.fahp_consistent")
    no_ahp = open_run(root / "configs" / "default.yaml", notebook="t", lang="en", overrides=["data.ahp=null"])
    assert ws.fahp_consistency(no_ahp).skipped is not None
