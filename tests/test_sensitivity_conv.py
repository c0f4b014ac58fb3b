"""methods.sensitivity: second-order indices (SALib, Ishigami, an additive model), the exact
bootstrap intervals of rank statistics (coverage, brute-force bootstrap), the nominal-rank flag and
the convergence view."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml
from SALib.sample import sobol as salib_sample
from scipy import stats

from methods import MethodWarning
from methods.sensitivity import (
    IndexSampler,
    saltelli_design,
    second_order_indices,
    uncertainty_analysis,
)
from methods.sensitivity.convergence import (
    outside_interval,
    proportion_interval,
    quantile_interval,
)
from methods.sensitivity.engine import rank_rows
from tests.conftest import REFERENCE, ROOT

SALIB = json.loads((REFERENCE / "salib_second_order.json").read_text(encoding="utf-8"))


def _ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def _grouped(x: np.ndarray) -> np.ndarray:
    return x[:, 0] * x[:, 1] + x[:, 2] + 2 * x[:, 3] * x[:, 4]


MODELS = {"ishigami": _ishigami, "grouped": _grouped}


def _upper(m: list[list[float]]) -> np.ndarray:
    a = np.asarray(m, dtype=float)
    return np.array([a[j, k] for j in range(a.shape[0]) for k in range(j + 1, a.shape[0])])


# ----------------------------------------------------------------- second order


@pytest.mark.parametrize("case", sorted(SALIB["cases"]))
def test_second_order_design_equals_salib(case):
    c = SALIB["cases"][case]
    mine = saltelli_design(c["problem"], c["n"], seed=c["sample_seed"], calc_second_order=True)
    ref = salib_sample.sample(dict(c["problem"]), c["n"], calc_second_order=True,
                              seed=c["sample_seed"])
    assert np.max(np.abs(mine - ref)) == 0.0


@pytest.mark.parametrize("case", sorted(SALIB["cases"]))
def test_second_order_indices_equal_salib(case):
    c = SALIB["cases"][case]
    x = saltelli_design(c["problem"], c["n"], seed=c["sample_seed"], calc_second_order=True)
    got = second_order_indices(MODELS[case](x), c["problem"], n_boot=SALIB["num_resamples"],
                               conf_level=SALIB["conf_level"], seed=SALIB["analyze_seed"])
    for mine, ref in (("second", "S2"), ("second_conf", "S2_conf")):
        d = np.max(np.abs(got[mine].to_numpy() - _upper(c[ref])))
        assert d <= 1e-10, f"{case}: {mine} differs from SALib's {ref} by {d:g}"


def test_second_order_design_keeps_first_order_rows():
    p = {"num_vars": 3, "names": ["a", "b", "c"], "groups": ["g", "h", "g"]}
    one = saltelli_design(p, 32, seed=4).reshape(32, 4, 3)
    two = saltelli_design(p, 32, seed=4, calc_second_order=True).reshape(32, 6, 3)
    assert np.array_equal(one[:, :3], two[:, :3]) and np.array_equal(one[:, 3], two[:, 5])


def test_ishigami_known_second_order():
    p = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    x = saltelli_design(p, 2**14, seed=2, calc_second_order=True)
    got = second_order_indices(_ishigami(x), p, n_boot=0)["second"].to_numpy()
    # a = 7, b = 0.1: only x1 and x3 interact, V13 = b^2 pi^8 (1/18 - 1/50)
    v = 49 / 8 + 0.1 * np.pi**4 / 5 + 0.01 * np.pi**8 / 18 + 0.5
    want = np.array([0.0, 0.01 * np.pi**8 * (1 / 18 - 1 / 50) / v, 0.0])  # (1,2) (1,3) (2,3)
    assert np.max(np.abs(got - want)) <= 0.02, f"Ishigami S_ij {got.round(4)} vs {want.round(4)}"


def test_additive_model_has_no_interactions():
    p = {"num_vars": 4, "names": list("abcd")}
    x = saltelli_design(p, 2**13, seed=7, calc_second_order=True)
    y = x[:, 0] + 2 * x[:, 1] ** 2 + np.sin(3 * x[:, 2]) + 0.5 * x[:, 3]
    s2 = second_order_indices(y, p, n_boot=100, conf_level=0.95, seed=1)
    assert np.max(np.abs(s2["second"])) <= 0.01
    assert ((s2["second_low"] <= 0) & (s2["second_high"] >= 0)).all()


# ----------------------------------------------------------------- exact bootstrap


def test_proportion_interval_covers_at_its_level():
    rng = np.random.default_rng(3)
    p, n, reps = 0.3, 400, 2000
    c = rng.binomial(n, p, size=reps)
    lo, hi = proportion_interval(c, n, 0.9)
    cover = np.mean((lo <= p) & (p <= hi))
    assert 0.87 <= cover <= 0.95, f"coverage {cover:.3f} of a 90% interval"


def test_quantile_interval_covers_at_its_level():
    # ranks 1..200 from a binomial: the true 5% and 95% ranks are closed-form
    rng = np.random.default_rng(5)
    dist = stats.binom(199, 0.4)
    n, reps = 1000, 600
    draws = dist.rvs(size=(reps, n), random_state=rng) + 1
    hist = np.stack([np.bincount(d - 1, minlength=200) for d in draws])
    for prob in (0.05, 0.5, 0.95):
        true = dist.ppf(prob) + 1
        lo, hi = quantile_interval(hist, prob, 0.9)
        cover = np.mean((lo <= true) & (true <= hi))
        assert cover >= 0.87, f"coverage {cover:.3f} of the {prob} quantile's 90% interval"


def test_quantile_interval_equals_resampling():
    rng = np.random.default_rng(8)
    x = rng.integers(1, 41, size=500) // 3 + 1  # ties, ranks 1..14
    hist = np.bincount(x - 1, minlength=14)[None, :]
    boot = np.quantile(x[rng.integers(0, x.size, size=(20000, x.size))], 0.05, axis=1)
    lo, hi = quantile_interval(hist, 0.05, 0.9)
    q = np.quantile(boot, [0.05, 0.95])
    assert lo[0] <= q[0] and q[1] <= hi[0] and hi[0] - lo[0] <= q[1] - q[0] + 2


def test_outside_interval_flags_the_nominal_outliers():
    units = pd.DataFrame({"nominal_rank": [1, 2, 3, 9], "q05": [1, 3, 2, 4], "median": [1, 4, 3, 5],
                          "q95": [2, 6, 4, 7]}, index=["a", "b", "c", "d"])
    out = outside_interval(units)
    assert list(out.index) == ["b", "d"]
    assert out["side"].tolist() == ["better", "worse"] and out["distance"].tolist() == [1, 2]


# ----------------------------------------------------------------- the analysis


@pytest.fixture(scope="module")
def example(panel, framework):
    cfg = yaml.safe_load((ROOT / "configs" / "default.yaml").read_text(encoding="utf-8"))
    data = panel[panel["year"] == 2025].set_index("unit_id")
    return data, framework.to_meta(), cfg["build"], cfg["sensitivity"]["uncertainties"]


@pytest.fixture(scope="module")
def example_sa(example):
    data, meta, build, unc = example
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        return uncertainty_analysis(data, meta, build, uncertainties=unc, n=128, seed=9,
                                    bands={"high": 80, "mid": 60}, second_order=True,
                                    importance=False, n_boot=50)


def test_second_order_leaves_the_rest_unchanged(example, example_sa):
    data, meta, build, unc = example
    plain = uncertainty_analysis(data, meta, build, uncertainties=unc, n=128, seed=9,
                                 bands={"high": 80, "mid": 60}, importance=False, n_boot=50)
    assert plain.sobol_second is None and example_sa.sobol_second is not None
    pd.testing.assert_frame_equal(plain.sobol, example_sa.sobol)
    pd.testing.assert_frame_equal(plain.units, example_sa.units)
    assert example_sa.n_second_order_evaluations == 128 * 4


def test_second_order_of_the_analysis_equals_full_design(example, example_sa):
    data, meta, build, unc = example
    sampler = IndexSampler(data, meta, build, unc)
    x = saltelli_design(sampler.problem, 128, seed=example_sa.seeds[0], calc_second_order=True)
    rk = rank_rows(sampler.evaluate(x))
    y = np.nanmean(np.abs(rk - sampler.nominal_rank[None, :]), axis=1)
    ref = second_order_indices(y, {"num_vars": 4, "names": list(example_sa.sobol.index)},
                               n_boot=50, conf_level=example_sa.conf_level,
                               seed=example_sa.seeds[1])
    got = example_sa.sobol_second
    assert np.allclose(got["second"], ref["second"], atol=1e-10)
    assert np.allclose(got["second_low"], ref["second_low"], atol=1e-10)


def test_mc_intervals_bracket_the_reported_statistics(example_sa):
    mc = example_sa.mc_intervals.set_index(["unit", "statistic"])
    u = example_sa.units
    for stat in ("median", "q05", "q95", "p_top_k", "p_bottom_k"):
        est = mc.xs(stat, level="statistic").loc[u.index, "estimate"]
        assert np.allclose(est, u[stat], equal_nan=True), stat
    band = mc.xs("band high", level="statistic").loc[u.index]
    assert np.allclose(band["estimate"], example_sa.band_probability.loc[u.index, "high"])
    assert (mc["low"] <= mc["estimate"] + 1e-12).all() and (mc["estimate"] <= mc["high"] + 1e-12).all()


def test_convergence_ends_at_the_analysis(example_sa):
    conv = example_sa.convergence()
    last = conv.sobol[conv.sobol["n"] == 128].set_index("input")
    cols = ["first", "first_low", "first_high", "total", "total_low", "total_high"]
    assert np.allclose(last[cols], example_sa.sobol[cols], atol=1e-10)
    assert conv.ranks["n"].tolist() == [16, 32, 64, 96, 128]
    assert conv.ranks["mean_change"].iloc[-1] == 0
    assert conv.stable_n["sobol"] <= 128 and not np.isnan(conv.stable_n["ranks"])
    strict = example_sa.convergence(tol_index=1e-9, tol_rank=1e-9)
    assert not strict.enough and strict.stable_n["sobol"] == 128
