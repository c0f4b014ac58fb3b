"""methods.index.aggregate: COINr a_amean/a_gmean/a_hmean on ASEM, TOPSIS vs pymcdm and a loop,
Copeland vs a loop, missing data, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from methods import MethodError, MethodWarning
from methods.index.aggregate import AggregationPlan, aggregate, copeland, topsis
from tests._index_asem import asem_meta, max_abs_diff, pymcdm_ref, ref_csv

TOL = 1e-9


@pytest.mark.parametrize(
    "norm_file,method,ref_file",
    [("dset_Normalised.csv", "arithmetic", "dset_Aggregated.csv"),
     ("geo_Normalised.csv", "geometric", "geo_Aggregated.csv"),
     ("geo_Normalised.csv", "harmonic", "agg_hmean.csv")],
)
def test_matches_coinr(norm_file, method, ref_file):
    res = aggregate(ref_csv(norm_file), asem_meta(), method=method)
    d, where = max_abs_diff(res.scores, ref_csv(ref_file))
    assert d <= TOL, f"aggregate({method}) vs COINr: max diff {d:g} at {where}"


def test_plan_evaluate_equals_aggregate():
    x = ref_csv("dset_Normalised.csv")
    plan = AggregationPlan.from_meta(asem_meta())
    fast = plan.evaluate(x[list(plan.indicators)].to_numpy())
    assert np.max(np.abs(fast - aggregate(x, asem_meta()).scores[list(plan.codes)].to_numpy())) \
        < 1e-12


def _topsis_loop(x: np.ndarray, w: np.ndarray) -> list[float]:
    n, p = x.shape
    norms = [np.sqrt(sum(x[i, j] ** 2 for i in range(n))) for j in range(p)]
    v = [[w[j] * x[i, j] / norms[j] for j in range(p)] for i in range(n)]
    best = [max(v[i][j] for i in range(n)) for j in range(p)]
    worst = [min(v[i][j] for i in range(n)) for j in range(p)]
    out = []
    for i in range(n):
        dp = np.sqrt(sum((v[i][j] - best[j]) ** 2 for j in range(p)))
        dm = np.sqrt(sum((v[i][j] - worst[j]) ** 2 for j in range(p)))
        out.append(dm / (dp + dm))
    return out


def test_topsis_matches_pymcdm_and_loop():
    ref = pymcdm_ref()
    x = ref_csv("geo_Normalised.csv").loc[ref["units"], ref["indicators"]]
    p = len(ref["indicators"])
    eq = np.full(p, 1 / p)
    r = topsis(x, eq)
    assert np.max(np.abs(r.scores.to_numpy() - ref["topsis_equal_weights"])) < 1e-12
    we = np.array(ref["entropy_weights"])
    r2 = topsis(x, we)
    assert np.max(np.abs(r2.scores.to_numpy() - ref["topsis_entropy_weights"])) < 1e-12
    assert np.max(np.abs(r2.scores.to_numpy() - _topsis_loop(x.to_numpy(), we))) < 1e-12
    assert r2.ranks.min() == 1


def test_topsis_cost_criteria_equal_flipped_benefit():
    x = pd.DataFrame({"a": [1.0, 2, 3], "b": [3.0, 1, 2]})
    r = topsis(x, [0.5, 0.5], directions={"a": 1, "b": -1}, normalisation="minmax")
    r2 = topsis(x.assign(b=3 - x["b"]), [0.5, 0.5], normalisation="minmax")
    assert np.allclose(r.scores, r2.scores)


def _copeland_loop(x: np.ndarray, w: np.ndarray) -> list[int]:
    n = x.shape[0]
    out = []
    for a in range(n):
        s = 0
        for b in range(n):
            if a == b:
                continue
            e = sum(w[j] * (1.0 if x[a, j] > x[b, j] else 0.5 if x[a, j] == x[b, j] else 0.0)
                    for j in range(x.shape[1]))
            s += 1 if e > 0.5 + 1e-9 else -1 if e < 0.5 - 1e-9 else 0
        out.append(s)
    return out


def test_copeland_matches_loop():
    rng = np.random.default_rng(5)
    x = pd.DataFrame(rng.integers(0, 4, size=(12, 5)).astype(float))
    w = np.array([0.3, 0.2, 0.2, 0.2, 0.1])
    r = copeland(x, w)
    assert r.scores.tolist() == _copeland_loop(x.to_numpy(), w)


def test_copeland_missing_pairwise():
    x = pd.DataFrame({"a": [1.0, 2.0, np.nan], "b": [3.0, 1.0, 2.0]})
    r = copeland(x, [0.5, 0.5])
    # unit 2 vs 0 only on b (2 < 3): loses; vs 1 only on b (2 > 1): wins
    assert r.outranking.loc[2, 0] == 0.0 and r.outranking.loc[2, 1] == 1.0


def _meta():
    return pd.DataFrame({
        "code": ["a", "b", "c", "d", "X", "Y", "I"],
        "parent": ["X", "X", "Y", "Y", "I", "I", None],
        "level": [1, 1, 1, 1, 2, 2, 3],
        "weight": [1, 3, 1, 1, 1, 1, 1],
        "direction": [1, 1, 1, 1, np.nan, np.nan, np.nan],
    })


def _x():
    return pd.DataFrame({"a": [10.0, 50, 90], "b": [20.0, np.nan, 60], "c": [30.0, 40, 50],
                         "d": [40.0, 60, 80]}, index=["u1", "u2", "u3"])


def test_missing_values_reweighted_and_threshold():
    res = aggregate(_x(), _meta())
    assert res.scores.loc["u1", "X"] == pytest.approx(0.25 * 10 + 0.75 * 20)
    assert res.scores.loc["u2", "X"] == pytest.approx(50.0)  # only a observed
    with pytest.warns(MethodWarning, match="left missing"):
        r2 = aggregate(_x(), _meta(), dat_thresh=0.75)
    assert np.isnan(r2.scores.loc["u2", "X"])
    assert {"unit": "u2", "node": "X"}.items() <= r2.missing.iloc[0].to_dict().items()


def test_methods_per_level_and_node():
    res = aggregate(_x(), _meta(), method={"default": "arithmetic", "I": "geometric"})
    x = res.scores
    assert x.loc["u1", "I"] == pytest.approx(np.sqrt(x.loc["u1", "X"] * x.loc["u1", "Y"]))
    gen = aggregate(_x(), _meta(), method="generalised", p=2)
    assert gen.scores.loc["u1", "Y"] == pytest.approx(np.sqrt((30**2 + 40**2) / 2))
    tp = aggregate(_x().fillna(30), _meta(), method={"2": "topsis"})
    assert tp.scores[["X", "Y"]].max().max() <= 1
    assert tp.methods["X"] == "topsis" and tp.methods["I"] == "arithmetic"


def test_ranks_ties_min():
    x = pd.DataFrame({"a": [1.0, 2, 2], "b": [1.0, 2, 2], "c": [1.0, 1, 1], "d": [1.0, 1, 1]})
    r = aggregate(x, _meta())
    assert r.ranks["I"].tolist() == [3.0, 1.0, 1.0]


def test_geometric_zero_error_names_unit_and_indicator():
    x = _x().fillna(1)
    x.loc["u2", "c"] = 0.0
    with pytest.raises(MethodError, match=r"node 'Y'.*unit 'u2' has 'c' = 0.*range=\(1, 100\)"):
        aggregate(x, _meta(), method="geometric")


@pytest.mark.parametrize(
    "kwargs,needle",
    [({"weights": {"b": -1}}, "node 'b' has weight -1"),
     ({"weights": {"c": 0, "d": 0}}, "children of node 'Y' sum to 0"),
     ({"weights": {"zz": 1}}, "'zz'"),
     ({"method": "median"}, "median"),
     ({"method": {"7": "geometric"}}, "'7'")],
)
def test_bad_input(kwargs, needle):
    with pytest.raises(MethodError, match=needle):
        aggregate(_x(), _meta(), **kwargs)


def test_all_missing_unit_error():
    x = _x()
    x.loc["u3"] = np.nan
    with pytest.raises(MethodError, match="unit 'u3' has no indicator value"):
        aggregate(x, _meta())


def test_topsis_weights_must_sum_to_one():
    with pytest.raises(MethodError, match="sum to 0.9"):
        topsis(_x().fillna(1), [0.3, 0.3, 0.2, 0.1])
    with pytest.raises(MethodError, match="missing value for unit 'u2'"):
        topsis(_x(), [0.25] * 4)


def test_plan_evaluate_wrong_shapes():
    plan = AggregationPlan.from_meta(_meta())
    with pytest.raises(MethodError, match="expected \\(units, 4\\)"):
        plan.evaluate(np.ones((3, 3)))
    with pytest.raises(MethodError, match="one per node"):
        plan.evaluate(np.ones((3, 4)), np.ones(3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = plan.evaluate(np.ones((2, 4)), np.arange(1, 8, dtype=float))
    assert np.allclose(out, 1.0)


def test_topsis_node_ignores_a_child_weighted_zero():
    """Excluding an indicator (weight 0) under a TOPSIS node equals removing it: its missing
    value no longer drops the unit and its column no longer enters the norms."""
    plan = AggregationPlan.from_meta(_meta(), {"default": "arithmetic", "2": "topsis"})
    w = plan.weight_vector({"b": 0.0})
    out = plan.evaluate(_x().to_numpy(), w)
    alone = topsis(_x()[["a"]], [1.0]).scores.to_numpy()
    x_pos = plan.codes.index("X")
    assert np.allclose(out[:, x_pos], alone, atol=1e-12)  # u2 (b missing) is scored
    assert not np.isnan(out[:, x_pos]).any()
