"""methods.sensitivity: the assumptions beyond discrete method choices (issue 15, item 3), each
against a case whose answer is known in closed form or by exact enumeration."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from methods import MethodError, MethodWarning
from methods.index import IndexSpec, build_index
from methods.sensitivity import (
    IndexSampler,
    SensitivitySpec,
    Uncertainties,
    random_design,
    uncertainty_analysis,
)
from methods.sensitivity.assumptions import (
    impute_draws,
    noise_draws,
    parameter_grid,
    parameter_quantile,
)
from tests._index_asem import COINR_DEFAULT_SPEC, asem_data, asem_meta


@pytest.fixture(scope="module", autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)  # ASEM: denominators missing, as in COINr
        yield


def _tiny(identical_b: bool = False, n: int = 6) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Index <- A (a1, a2), B (b1, b2): raw weights 1 each; n units."""
    rng = np.random.default_rng(3)
    codes = ["a1", "a2", "b1", "b2"]
    x = pd.DataFrame(rng.uniform(1, 10, size=(n, 4)), columns=codes,
                     index=[f"u{i}" for i in range(n)])
    if identical_b:
        x["b2"] = x["b1"]
    meta = pd.DataFrame({"code": [*codes, "A", "B", "Index"],
                         "parent": ["A", "A", "B", "B", "Index", "Index", None],
                         "level": [1, 1, 1, 1, 2, 2, 3], "weight": [1.0] * 7,
                         "direction": [1, 1, 1, 1, np.nan, np.nan, np.nan]})
    return x, meta


# ------------------------------------------------------------------------ schema


def test_schema_round_trip_and_errors():
    d = {"parameters": {"p": {"dist": "normal", "mean": 2, "sd": 0.5, "low": 0.5},
                        "dat_thresh": {"dist": "triangular", "low": 0.5, "mode": 0.6, "high": 0.8}},
         "impute": {"stochastic": "pmm", "draws": 10},
         "data": {"noise": {"a1": 0.3}},
         "exclude": {"level": 1, "keep": 0.8},
         "weights": {"noise": 0.2, "levels": [1], "groups": 2}}
    sa = SensitivitySpec.from_dict({"n": 64, "uncertainties": d})
    assert sa.uncertainties.names == ["p", "dat_thresh", "impute", "data", "exclude", "weights"]
    assert Uncertainties.from_dict(sa.uncertainties.to_dict()) == sa.uncertainties
    for bad, needle in [({"parameters": {"q": {"dist": "uniform", "low": 0, "high": 1}}},
                         "unknown parameter"),
                        ({"parameters": {"dat_thresh": {"dist": "uniform", "low": 0.5,
                                                        "high": 1.5}}}, "must lie in"),
                        ({"parameters": {"p": {"dist": "beta"}}}, "uniform|normal|triangular"),
                        ({"impute": {"stochastic": "hotdeck"}}, "stochastic"),
                        ({"exclude": {"level": 1, "keep": 1.0}}, "0 < q < 1"),
                        ({"data": {"noise": {"a1": -1}}}, "sd > 0"),
                        ({"weights": {"noise": 0.2, "levels": [1], "groups": 1}}, "level >= 2"),
                        ({"weights": {"noise": 0.2, "levels": [1], "scale": "raw"}}, "ranges")]:
        with pytest.raises(MethodError, match=needle):
            Uncertainties.from_dict(bad)


# --------------------------------------------------------------- stochastic imputation


def test_bayesian_regression_draw_is_the_posterior_predictive_t():
    """One missing cell of a bivariate normal sample: with the predictor complete, each ``norm``
    draw follows y_hat + s sqrt(1 + x0'(X'X)^-1 x0) t_{n-2} (Rubin 1987, p. 167)."""
    rng = np.random.default_rng(1)
    n = 25
    xy = rng.multivariate_normal([1.0, 2.0], [[1.0, 0.6], [0.6, 2.0]], size=n)
    xy[0, 1] = np.nan
    draws = np.array([d[0, 1] for d in impute_draws(xy, "norm", 3000, seed=7)])
    X = np.column_stack([np.ones(n - 1), xy[1:, 0]])
    y = xy[1:, 1]
    beta, rss = np.linalg.lstsq(X, y, rcond=None)[:2]
    x0 = np.array([1.0, xy[0, 0]])
    s = np.sqrt(rss[0] / (n - 3))
    scale = s * np.sqrt(1 + x0 @ np.linalg.inv(X.T @ X) @ x0)
    ks = stats.kstest(draws, stats.t(df=n - 3, loc=x0 @ beta, scale=scale).cdf)
    assert ks.pvalue > 1e-3, f"KS p = {ks.pvalue:.2g}"
    assert np.all(np.delete(np.array(impute_draws(xy, "norm", 2, seed=7))[:, :, :], 0, axis=1)
                  [:, :, 1] == xy[1:, 1])  # observed cells unchanged


@pytest.mark.parametrize("method", ["norm", "pmm"])
def test_constant_column_is_imputed_by_its_constant(method):
    rng = np.random.default_rng(2)
    x = np.column_stack([rng.normal(size=30), np.full(30, 4.5), rng.normal(size=30)])
    x[[3, 7], 1] = np.nan
    x[5, 0] = np.nan
    for d in impute_draws(x, method, 20, seed=3):
        assert np.all(d[[3, 7], 1] == 4.5)
        if method == "pmm":
            assert d[5, 0] in np.delete(x[:, 0], 5)  # donors' observed values only


def test_stochastic_imputation_in_the_sampler():
    s = IndexSampler(asem_data(), asem_meta(), COINR_DEFAULT_SPEC,
                     {"impute": {"stochastic": "pmm", "draws": 4}}, seed=11)
    screened = [a.value.screened.loc[s.units].to_numpy() for a in s.imp_alts]
    nominal = s.evaluator.screened.loc[s.units].to_numpy()
    probe = IndexSampler(asem_data(), asem_meta(), COINR_DEFAULT_SPEC,
                         {"impute": {"stochastic": "pmm", "draws": 4}}, seed=11)
    assert all(np.array_equal(a, b) for a, b in
               zip(screened, [a.value.screened.loc[s.units].to_numpy() for a in probe.imp_alts],
                   strict=True)), "same seed, same draws"
    filled = np.isclose(screened[0], nominal) | np.isclose(screened[1], nominal)
    assert not filled.all(), "draws differ from the nominal (mean_group) imputation somewhere"
    assert len({a.tobytes() for a in screened}) == 4
    y = s.evaluate(random_design(s.problem, 8, seed=1))
    assert not np.isnan(y).any()


# ---------------------------------------------------------------- continuous parameters


def test_degenerate_p_equals_the_arithmetic_build():
    spec = {**COINR_DEFAULT_SPEC, "aggregate": {"default": "generalised", "p": 3}}
    s = IndexSampler(asem_data(), asem_meta(), spec,
                     {"parameters": {"p": {"dist": "uniform", "low": 1, "high": 1}},
                      "weights": {"noise": 0.2, "levels": [2]}})
    x = random_design(s.problem, 5, seed=2)
    y = s.evaluate(x)
    w = s.decode(x)["weights"]
    arith = {**COINR_DEFAULT_SPEC, "aggregate": {"default": "arithmetic"}}
    for i in range(5):
        wi = pd.Series(w[i], index=list(s.tree.codes)).drop(s.tree.root_code)
        ref = build_index(asem_data(), asem_meta(), arith, weights=wi)
        assert np.abs(ref.scores["Index"].loc[s.units].to_numpy() - y[i]).max() <= 1e-9


@pytest.mark.parametrize("prm", [{"dist": "triangular", "low": 0.5, "mode": 1.0, "high": 3.0},
                                 {"dist": "normal", "mean": 2.0, "sd": 0.5, "low": 1.0},
                                 {"dist": "uniform", "low": -1.0, "high": 4.0}])
def test_sampled_parameter_follows_its_distribution(prm):
    k = 400
    u = Uncertainties.from_dict({"parameters": {"p": {**prm, "levels": k}}})
    spec = {**COINR_DEFAULT_SPEC, "normalise": {"method": "minmax", "range": [1, 100]},
            "aggregate": {"default": "generalised", "p": 2}}
    s = IndexSampler(asem_data(), asem_meta(), spec, u)
    n = 20000
    x = random_design(s.problem, n, seed=5)
    v = s.decode(x)["p"]
    parsed = u.inputs[0].parameters
    want = parameter_quantile(parsed, (np.floor(x[:, 0] * k) + 0.5) / k)
    assert np.allclose(v, want, rtol=0, atol=1e-12)
    cdf = {"triangular": lambda t: stats.triang.cdf(t, 0.2, loc=0.5, scale=2.5),
           "normal": lambda t: stats.truncnorm.cdf(t, -2, np.inf, loc=2, scale=0.5),
           "uniform": lambda t: stats.uniform.cdf(t, loc=-1, scale=5)}[prm["dist"]]
    d = stats.kstest(v, cdf).statistic
    assert d <= 1 / (2 * k) + 1.63 / np.sqrt(n), f"KS distance {d:.4f}"  # 99% KS bound + grid
    qs = np.quantile(v, [0.05, 0.25, 0.5, 0.75, 0.95])
    assert np.allclose(cdf(qs), [0.05, 0.25, 0.5, 0.75, 0.95], atol=1 / k + 0.012)


def test_parameter_grid_is_stratum_medians():
    g = parameter_grid({"dist": "normal", "mean": 0.0, "sd": 1.0, "levels": 3})
    assert np.allclose(g, stats.norm.ppf([1 / 6, 0.5, 5 / 6]))


@pytest.mark.parametrize("case", ["treat-thresholds", "range-geometric", "dat-thresh-p"])
def test_parameters_equal_build_index(case):
    """Each sample of a continuous parameter is the build with that value (to 1e-9)."""
    if case == "treat-thresholds":
        spec = COINR_DEFAULT_SPEC
        unc = {"parameters": {"skew_thresh": {"dist": "uniform", "low": 1, "high": 3, "levels": 5},
                              "kurt_thresh": {"dist": "triangular", "low": 2, "mode": 3.5,
                                              "high": 6, "levels": 3}},
               "treat": {"winmax": [1, 5, "none"]}}
    elif case == "range-geometric":
        spec = {**COINR_DEFAULT_SPEC, "normalise": {"method": "minmax", "range": [1, 100]}}
        unc = {"parameters": {"range_low": {"dist": "uniform", "low": 0.5, "high": 20, "levels": 4},
                              "range_high": {"dist": "normal", "mean": 100, "sd": 10, "levels": 3}},
               "aggregate": ["arithmetic", "geometric"]}
    else:
        spec = {**COINR_DEFAULT_SPEC, "impute": None, "screen": None,
                "normalise": {"method": "minmax", "range": [1, 100]},
                "aggregate": {"default": "generalised", "p": 2}}
        unc = {"parameters": {"dat_thresh": {"dist": "uniform", "low": 0.5, "high": 0.95,
                                             "levels": 6},
                              "p": {"dist": "uniform", "low": -1, "high": 3, "levels": 5}}}
    s = IndexSampler(asem_data(), asem_meta(), spec, unc)
    x = random_design(s.problem, 10, seed=3)
    y = s.evaluate(x)
    dec = s.decode(x)
    for i in range(x.shape[0]):
        sp, w = s.build_spec({k: v[i] for k, v in dec.items()})
        for name in unc["parameters"]:
            got = {"skew_thresh": (sp.treat or {}).get("skew_thresh"),
                   "kurt_thresh": (sp.treat or {}).get("kurt_thresh"),
                   "range_low": sp.normalise.get("range", [None])[0],
                   "range_high": sp.normalise.get("range", [None, None])[1],
                   "dat_thresh": sp.aggregate.get("dat_thresh"), "p": sp.aggregate.get("p")}[name]
            if got is not None or sp.treat != {"method": "none"}:
                assert got == pytest.approx(dec[name][i]), f"{case}: {name}"
        ref = build_index(asem_data(), asem_meta(), sp, weights=w)
        want = ref.scores[s.tree.root_code].loc[s.units].to_numpy()
        assert np.array_equal(np.isnan(want), np.isnan(y[i])), f"{case}, sample {i}"
        assert np.nanmax(np.abs(want - y[i])) <= 1e-9, f"{case}, sample {i}"


def test_parameter_that_changes_nothing_is_an_error():
    with pytest.raises(MethodError, match="generalised"):
        IndexSampler(asem_data(), asem_meta(), COINR_DEFAULT_SPEC,
                     {"parameters": {"p": {"dist": "uniform", "low": 1, "high": 2}}})
    with pytest.raises(MethodError, match="low value must lie below"):
        IndexSampler(asem_data(), asem_meta(), COINR_DEFAULT_SPEC,
                     {"parameters": {"range_low": {"dist": "uniform", "low": 50, "high": 150}}})


# ------------------------------------------------------------------------ data noise


def test_data_noise_replicates_are_normal_with_the_given_sd():
    x = np.tile(np.arange(5.0)[:, None], (1, 3))
    x[1, 2] = np.nan
    reps = noise_draws(x, np.array([0.0, 0.5, 2.0]), 400, seed=4)
    e = np.array([r - x for r in reps])
    assert np.all(e[:, :, 0] == 0) and np.isnan(e[:, 1, 2]).all()
    for j, sd in [(1, 0.5), (2, 2.0)]:
        z = e[:, :, j][~np.isnan(e[:, :, j])] / sd
        assert stats.kstest(z, "norm").pvalue > 1e-3


def test_data_noise_in_the_sampler_changes_only_the_listed_indicator():
    x, meta = _tiny(n=8)
    s = IndexSampler(x, meta, {"normalise": {"method": "minmax", "range": [0, 100]}},
                     {"data": {"noise": {"b1": 0.5}, "draws": 5}}, seed=2)
    assert len(s.imp_alts) == 5
    for a in s.imp_alts:
        d = a.value.screened.loc[s.units] - x.loc[s.units]
        assert (d[["a1", "a2", "b2"]] == 0).all().all() and (d["b1"] != 0).all()
    lab = s.labels(random_design(s.problem, 50, seed=1))
    assert set(lab["data"]) == {f"draw {m}" for m in range(1, 6)}


# -------------------------------------------------------------------- random subsets


def test_random_subsets_by_exact_enumeration():
    """Each indicator kept with probability q: on the 16 corners of the design every subset
    appears once and equals the hand-computed index; over random samples the mean index equals
    the enumerated expectation sum_S q^|S| (1-q)^(4-|S|) I(S)."""
    x, meta = _tiny()
    spec = {"normalise": {"method": "minmax", "range": [0, 100]}}
    q = 0.7
    s = IndexSampler(x, meta, spec, {"exclude": {"level": 1, "keep": q}})
    z = s.evaluator.normalised()  # units x a1 a2 b1 b2
    ind = list(s.hier.indicators)

    def index_of(keep: tuple[bool, ...]) -> np.ndarray:
        dims = []
        for cols in ([0, 1], [2, 3]):
            k = [c for c in cols if keep[ind.index(["a1", "a2", "b1", "b2"][c])]]
            dims.append(z[:, k].mean(axis=1) if k else np.full(z.shape[0], np.nan))
        return np.nanmean(np.column_stack(dims), axis=1)

    corners = np.array(list(itertools.product([0.35, 0.85], repeat=4)))  # < q: kept
    y = s.evaluate(corners)
    for row, u in zip(y, corners, strict=True):
        keep = tuple(u < q)
        if not any(keep):
            assert np.isnan(row).all()
        else:
            assert np.allclose(row, index_of(keep), atol=1e-9, equal_nan=True)
    n = 40000
    xs = random_design(s.problem, n, seed=9)
    ys = s.evaluate(xs)
    subsets = list(itertools.product([True, False], repeat=4))
    prob = np.array([q ** sum(k) * (1 - q) ** (4 - sum(k)) for k in subsets])
    vals = np.array([index_of(k) if any(k) else np.full(z.shape[0], np.nan) for k in subsets])
    ok = [i for i, k in enumerate(subsets) if any(k)]
    want = (prob[ok, None] * vals[ok]).sum(axis=0) / prob[ok].sum()
    got = np.nanmean(ys, axis=0)
    se = np.nanstd(ys, axis=0) / np.sqrt(n)
    assert np.all(np.abs(got - want) <= 4.5 * se + 1e-12)
    none_removed = (s.labels(xs)["exclude"] == "none").mean()
    assert abs(none_removed - q**4) <= 4.5 * np.sqrt(q**4 * (1 - q**4) / n)


# ------------------------------------------------------------------- weight groups


def test_per_dimension_weight_groups():
    """B's two indicators are identical, so B's indicator weights change nothing: their Sobol'
    group has total index 0 exactly, while A's indicator weights matter."""
    x, meta = _tiny(identical_b=True, n=12)
    spec = {"normalise": {"method": "minmax", "range": [0, 100]}}
    unc = {"weights": {"noise": 0.5, "levels": [1], "groups": 2},
           "normalise": ["minmax", "zscore"]}
    res = uncertainty_analysis(x, meta, spec, uncertainties=unc, n=256, seed=1, n_boot=0,
                               importance=False)
    assert list(res.sobol.index) == ["weights[A]", "weights[B]", "normalise"]
    assert abs(res.sobol.loc["weights[B]", "total"]) <= 1e-9
    assert res.sobol.loc["weights[A]", "total"] > 0.01
    one = uncertainty_analysis(x, meta, spec, uncertainties={**unc, "weights": {
        "noise": 0.5, "levels": [1]}}, n=256, seed=1, n_boot=0, importance=False)
    assert list(one.sobol.index) == ["weights", "normalise"]


# ------------------------------------------------------------------- weight ranges


def test_ranges_on_rescaled_weights_warn_and_raw_scale_is_explicit():
    x, meta = _tiny()
    spec = {"normalise": {"method": "minmax", "range": [0, 100]}}
    rg = {"weights": {"ranges": {"a1": [0.5, 2.0]}}}
    with pytest.warns(MethodWarning, match="scale: raw"):
        IndexSampler(x, meta, spec, rg)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MethodWarning)
        IndexSampler(x, meta, spec, {"weights": {**rg["weights"], "scale": "rescaled"}})
        s = IndexSampler(x, meta, spec, {"weights": {**rg["weights"], "scale": "raw"}})
    u = random_design(s.problem, 200, seed=1)
    w = s.decode(u)["weights"]
    pos = {c: i for i, c in enumerate(s.tree.codes)}
    raw = 0.5 + u[:, 0] * 1.5  # the raw weight of a1 against a2's raw weight 1
    assert np.allclose(w[:, pos["a1"]] / (w[:, pos["a1"]] + w[:, pos["a2"]]), raw / (raw + 1))


def test_ranges_raw_scale_needs_meta_weights():
    x, meta = _tiny()
    spec = {"normalise": {"method": "minmax", "range": [0, 100]},
            "weights": {"values": {"a1": 3.0, "a2": 1.0}}}
    with pytest.raises(MethodError, match="not the meta frame's weights"):
        IndexSampler(x, meta, IndexSpec.from_dict(spec),
                     {"weights": {"ranges": {"a1": [0.5, 2.0]}, "scale": "raw"}})
