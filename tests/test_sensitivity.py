"""methods.sensitivity: spec, applicability errors, the vectorised engine against build_index,
SALib's sampler and estimators, analytic indices (linear index, Ishigami), COINr's
get_sensitivity and remove_elements on ASEM, streamed statistics against plain numpy."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml
from SALib.analyze import sobol as salib_analyze
from SALib.sample import sobol as salib_sample

from methods import MethodError, MethodWarning
from methods.index import IndexSpec, build_index
from methods.index.diagnosis import assign_bands
from methods.sensitivity import (
    IndexSampler,
    SensitivitySpec,
    Uncertainties,
    correlation_ratio,
    effective_importance,
    leave_one_out,
    optimise_weights,
    random_design,
    saltelli_design,
    sobol_indices,
    uncertainty_analysis,
)
from methods.sensitivity.engine import rank_rows
from tests._index_asem import COINR_DEFAULT_SPEC, asem_data, asem_meta
from tests.conftest import REFERENCE, ROOT

#: COINr's "Sensitivity Analysis" vignette: four assumptions on its ASEM example
COINR_VIGNETTE = {
    "treat": {"winmax": [1, 2, 3, 4, 5]},
    "normalise": [{"method": "minmax", "range": [1, 100]},
                  {"method": "zscore", "mean_sd": [10, 2]}],
    "weights": {"noise": 0.25, "levels": [2, 3]},
    "aggregate": ["arithmetic", "geometric"],
}
COINR_NAMES = {"Winmax": "treat", "Normalisation": "normalise", "Weights": "weights",
               "Aggregation": "aggregate"}


@pytest.fixture(scope="module", autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)  # ASEM: denominators missing, as in COINr
        yield


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load((ROOT / "configs" / "default.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def example(panel, framework, config):
    data = panel[panel["year"] == 2025].set_index("unit_id")
    return data, framework.to_meta(), config["build"]


@pytest.fixture(scope="module")
def asem_sa():
    """Our run of the vignette's analysis (Saltelli design, N = 4096: 24,576 evaluations)."""
    return uncertainty_analysis(asem_data(), asem_meta(), COINR_DEFAULT_SPEC,
                                uncertainties=COINR_VIGNETTE, n=4096, seed=20261126,
                                n_boot=200, importance=False)


# ---------------------------------------------------------------------------- spec


def test_config_section_round_trip(config):
    sa = SensitivitySpec.from_dict(config["sensitivity"])
    assert sa.n == config["sensitivity"]["n"]
    assert sa.uncertainties.names == ["weights", "normalise", "aggregate", "treat"]
    again = SensitivitySpec.from_dict(json.loads(json.dumps(sa.to_dict())))
    assert again == sa
    assert Uncertainties.from_dict(sa.uncertainties.to_dict()) == sa.uncertainties


def test_weight_alternatives_and_noise_are_two_inputs():
    u = Uncertainties.from_dict({"weights": {"alternatives": ["expert", "equal"], "noise": 0.1,
                                             "levels": [2]}})
    assert u.names == ["weight_set", "weights"]
    assert u.inputs[1].parameters == {"noise": {2: 0.1}}


@pytest.mark.parametrize(
    "bad,needle",
    [({"normalize": ["minmax", "zscore"]}, "unknown input"),
     ({"normalise": ["minmax"]}, "at least two"),
     ({"normalise": ["minmax", "minmax"]}, "repeated"),
     ({"normalise": ["minmax", "zcore"]}, "unknown method 'zcore'"),
     ({"aggregate": "geometric"}, "list of at least two"),
     ({"weights": {"noise": 0.25}}, "needs levels"),
     ({"weights": {"noise": 1.5, "levels": [2]}}, "0 < noise < 1"),
     ({"weights": {"noise": 0.2, "dirichlet": 10, "levels": [2]}}, "one of noise"),
     ({"weights": {"ranges": {"A": [0.5, 0.2]}}}, "low < high"),
     ({"treat": {"winmax": [-1, 2]}}, "winmax -1"),
     ({"treat": {"winmx": [1, 2]}}, "unknown key"),
     ({"exclude": {"level": 0}}, "expected >= 1"),
     ({}, "nothing varies")],
)
def test_bad_uncertainties_are_named(bad, needle):
    with pytest.raises(MethodError, match=needle):
        Uncertainties.from_dict(bad)


def test_bad_section_keys():
    with pytest.raises(MethodError, match="unknown key"):
        SensitivitySpec.from_dict({"n": 100, "N": 5, "uncertainties": {"normalise": ["minmax",
                                                                                   "zscore"]}})
    with pytest.raises(MethodError, match="design"):
        SensitivitySpec.from_dict({"design": "lhs", "uncertainties": {"normalise": [
            "minmax", "zscore"]}})


# ---------------------------------------------------------------- alternatives must apply


def _sampler(spec, unc, data=None, **kw):
    return IndexSampler(asem_data() if data is None else data, asem_meta(), spec, unc, **kw)


@pytest.mark.parametrize(
    "spec_change,unc,needle",
    [({"treat": None}, {"treat": {"winmax": [1, 2]}}, "no treatment step"),
     ({"treat": {"method": "log"}}, {"treat": {"winmax": [1, 2]}}, "does not apply"),
     ({"impute": None}, {"impute": ["mean", "median"]}, "no imputation step"),
     ({}, {"weights": {"noise": 0.1, "levels": [4]}}, "level 4 has no weights"),
     ({}, {"weights": {"noise": 0.1, "levels": [7]}}, "level 7 has no weights"),
     ({}, {"exclude": {"codes": ["Index"]}}, "the index itself"),
     ({}, {"exclude": {"codes": ["Nope"]}}, "unknown node"),
     ({}, {"weights": {"alternatives": ["expert", "ahp"]}}, "'ahp' needs the AHP weights"),
     ({}, {"weights": {"alternatives": ["expert", "mine"]}}, "unknown weight set 'mine'"),
     ({}, {"aggregate": ["arithmetic", "electre"]}, "electre"),
     ({}, {"aggregate": ["arithmetic", "geometric"],
           "normalise": [{"method": "zscore"}, {"method": "minmax", "range": [1, 100]}]},
      "needs positive values")],
)
def test_alternative_that_does_not_apply_is_an_error(spec_change, unc, needle):
    spec = IndexSpec.from_dict({**COINR_DEFAULT_SPEC, **spec_change})
    with pytest.raises(MethodError, match=needle):
        _sampler(spec, unc)


def test_mean_above_a_joint_ranking_is_an_error():
    """Copeland counts can be negative and TOPSIS closeness 0: a geometric mean above them is
    refused up front (build_index refuses it too)."""
    spec = {**COINR_DEFAULT_SPEC, "normalise": {"method": "minmax", "range": [1, 100]}}
    with pytest.raises(MethodError, match=r"geometric mean at node '\w+' of copeland scores at node"):
        _sampler(spec, {"aggregate": ["arithmetic", {"default": "geometric", "2": "copeland"}]})


def test_scores_and_bands_leave_out_joint_rankings():
    """Score statistics and band probabilities use only samples on the nominal score scale: a
    TOPSIS closeness or Copeland count is not an index score."""
    unc = {"aggregate": ["arithmetic", "copeland"], "weights": {"noise": 0.2, "levels": [2]}}
    res = uncertainty_analysis(asem_data(), asem_meta(), COINR_DEFAULT_SPEC, uncertainties=unc,
                               n=64, seed=5, design="random", importance=False,
                               keep_samples=True, bands={"high": 60, "mid": 40})
    assert "not a mean" in res.band_basis
    mean_rows = (res.samples["aggregate"] == "arithmetic").to_numpy()
    assert 0 < mean_rows.sum() < len(mean_rows)
    want = res.scores.to_numpy()[mean_rows].mean(axis=0)
    got = res.units.loc[res.scores.columns, "score_mean"].to_numpy()
    assert np.allclose(got, want, atol=1e-9)
    assert res.units["score_mean"].between(0, 100).all()


def test_imputation_alternatives_need_missing_values():
    data = asem_data().copy()
    meta = asem_meta()
    inds = meta.loc[meta["level"] == 1, "code"]
    data[inds] = data[inds].fillna(data[inds].mean())
    spec = {**COINR_DEFAULT_SPEC, "denominate": None}
    with pytest.raises(MethodError, match="no missing indicator values"):
        _sampler(spec, {"impute": ["mean_group", "median_group"]}, data=data)


def test_geometric_error_names_unit_and_indicator():
    with pytest.raises(MethodError) as e:
        _sampler(COINR_DEFAULT_SPEC, {"aggregate": ["arithmetic", "geometric"],
                                      "normalise": [{"method": "zscore"}, "minmax"]})
    msg = str(e.value)
    assert "indicator '" in msg and "of unit '" in msg and "range: [1, 100]" in msg


def test_named_scales_move_to_positive_and_say_so(example):
    data, meta, build = example
    s = IndexSampler(data, meta, build, {"normalise": ["minmax", "zscore"],
                                         "aggregate": ["arithmetic", "geometric"]})
    labels = [a.label for a in s.norm_alts]
    assert labels[0] == "minmax [1, 100]"
    assert labels[1].startswith("zscore (") and float(labels[1][8:].split(",")[0]) >= 10
    assert any("[1, 100]" in n for n in s.notes)
    assert all(np.nanmin(b.x) >= 1 - 1e-9 for b in s.branches.values())


# ----------------------------------------------------------------- engine vs build_index


@pytest.mark.parametrize("case", ["treat-norm-weights-agg-exclude", "missing-values",
                                  "imputation-dirichlet-sets", "topsis-copeland",
                                  "topsis-copeland-missing"])
def test_engine_equals_build_index(case):
    if case == "treat-norm-weights-agg-exclude":
        spec = COINR_DEFAULT_SPEC
        unc = {**COINR_VIGNETTE, "treat": {"winmax": [0, 3, 5, "none"]},
               "normalise": [{"method": "minmax", "range": [1, 100]},
                             {"method": "zscore", "mean_sd": [30, 2]}],
               "aggregate": ["arithmetic", "geometric",
                             {"default": "arithmetic", "3": "harmonic"}],
               "exclude": {"level": 1}}
    elif case == "missing-values":  # no imputation: reweighting over observed children
        spec = {**COINR_DEFAULT_SPEC, "impute": None, "screen": None}
        unc = {"normalise": [{"method": "minmax", "range": [1, 100]},
                             {"method": "rank"}],
               "aggregate": ["arithmetic", "geometric"],
               "weights": {"noise": 0.5, "levels": [1, 2, 3]}, "exclude": {"level": 2}}
    elif case == "topsis-copeland":  # non-compensatory and distance-based alternatives
        spec = COINR_DEFAULT_SPEC
        unc = {"aggregate": ["arithmetic", "copeland", {"default": "arithmetic", "3": "topsis"},
                             {"default": "arithmetic", "2": "copeland"}, "topsis"],
               "weights": {"noise": 0.5, "levels": [1, 2, 3]}, "exclude": {"level": 2}}
    elif case == "topsis-copeland-missing":  # units with missing children, dat_thresh
        spec = {**COINR_DEFAULT_SPEC, "impute": None, "screen": None,
                "aggregate": {"default": "arithmetic", "dat_thresh": 0.5}}
        unc = {"aggregate": ["arithmetic", {"default": "arithmetic", "2": "copeland"},
                             {"default": "arithmetic", "2": "topsis"}],
               "weights": {"noise": 0.5, "levels": [1, 2]}}
    else:
        spec = COINR_DEFAULT_SPEC
        unc = {"impute": ["mean_group", "median_group", "mean"],
               "weights": {"alternatives": ["nominal", "equal", "entropy"], "dirichlet": 20,
                           "levels": [1, 2]}}
    s = _sampler(spec, unc)
    x = random_design(s.problem, 12, seed=7)
    y = s.evaluate(x)
    dec = s.decode(x)
    for i in range(x.shape[0]):
        row = {k: v[i] for k, v in dec.items()}
        sp, w = s.build_spec(row)
        ref = build_index(asem_data(), asem_meta(), sp, weights=w)
        want = ref.scores[s.tree.root_code].loc[s.units].to_numpy()
        assert np.array_equal(np.isnan(want), np.isnan(y[i])), f"{case}, sample {i}: NaN pattern"
        d = np.nanmax(np.abs(want - y[i]))
        assert d <= 1e-9, f"{case}, sample {i}: max |engine - build_index| = {d:g}"


def test_nominal_ranks_equal_build_index():
    s = _sampler(COINR_DEFAULT_SPEC, COINR_VIGNETTE)
    ref = build_index(asem_data(), asem_meta(), COINR_DEFAULT_SPEC)
    assert np.array_equal(s.nominal_rank, ref.ranks.loc[s.units, "Index"].to_numpy())


def test_rank_rows_matches_pandas_min_ties():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 6, size=(50, 30)).astype(float)
    y[3, 4] = np.nan
    y[7, :5] = np.nan
    mine = rank_rows(y)
    ref = pd.DataFrame(y.T).rank(ascending=False, method="min").to_numpy().T
    assert np.array_equal(np.isnan(mine), np.isnan(ref))
    assert np.array_equal(mine[~np.isnan(mine)], ref[~np.isnan(ref)])


# ----------------------------------------------------------------- sampler and estimators


PROBLEM = {"num_vars": 5, "names": ["a", "b", "c", "d", "e"],
           "groups": ["g1", "g2", "g1", "g3", "g2"], "bounds": [[0, 1]] * 4 + [[-2, 3]]}


def test_saltelli_design_equals_salib():
    mine = saltelli_design(PROBLEM, 64, seed=11)
    ref = salib_sample.sample(PROBLEM, 64, calc_second_order=False, seed=11)
    assert mine.shape == ref.shape == (64 * 5, 5)
    assert np.max(np.abs(mine - ref)) == 0.0


def _ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}


def test_sobol_indices_equal_salib_analyze():
    x = saltelli_design(ISHIGAMI, 1024, seed=3)
    y = _ishigami(x)
    mine = sobol_indices(y, ISHIGAMI, n_boot=50, conf_level=0.95, seed=5)
    ref = salib_analyze.analyze(ISHIGAMI, y, calc_second_order=False, num_resamples=50,
                                conf_level=0.95, seed=5)
    for mk, rk in (("first", "S1"), ("total", "ST"), ("first_conf", "S1_conf"),
                   ("total_conf", "ST_conf")):
        d = np.max(np.abs(mine[mk].to_numpy() - np.asarray(ref[rk])))
        assert d <= 1e-10, f"{mk} differs from SALib's {rk} by {d:g}"


def test_sobol_indices_vectorised_over_outputs():
    x = saltelli_design(ISHIGAMI, 256, seed=3)
    y = np.column_stack([_ishigami(x), _ishigami(x, a=2.0), x[:, 0] + 0.1 * x[:, 2]])
    long = sobol_indices(y, ISHIGAMI, n_boot=20, seed=1)
    for j in range(3):
        one = sobol_indices(y[:, j], ISHIGAMI, n_boot=20, seed=1)
        got = long[long["output"] == j].set_index("input")
        assert np.allclose(got[one.columns].to_numpy(), one.to_numpy(), atol=1e-10)


def test_ishigami_known_indices():
    x = saltelli_design(ISHIGAMI, 2**14, seed=2)
    res = sobol_indices(_ishigami(x), ISHIGAMI, n_boot=0)
    # a = 7, b = 0.1: V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2
    v = 49 / 8 + 0.1 * np.pi**4 / 5 + 0.01 * np.pi**8 / 18 + 0.5
    v1 = 0.5 * (1 + 0.1 * np.pi**4 / 5) ** 2
    v2 = 49 / 8
    v13 = 0.01 * np.pi**8 * (1 / 18 - 1 / 50)
    first = np.array([v1, v2, 0]) / v
    total = np.array([v1 + v13, v2, v13]) / v
    for name, got, want in (("first", res["first"], first), ("total", res["total"], total)):
        d = np.max(np.abs(got.to_numpy() - want))
        assert d <= 0.02, f"Ishigami {name}-order: {got.round(4).tolist()} vs {want.round(4)}"


def test_linear_model_first_order_equals_analytic():
    w = np.array([1.0, 2.0, 0.5, 3.0])
    sd = np.array([1.0, 0.5, 2.0, 0.3])
    prob = {"num_vars": 4, "names": list("abcd")}
    x = saltelli_design(prob, 2**13, seed=4)
    y = (x - 0.5) @ (w * sd * np.sqrt(12))  # X_i with variance sd_i^2
    res = sobol_indices(y, prob, n_boot=100, seed=1)
    want = w**2 * sd**2 / np.sum(w**2 * sd**2)
    d = np.max(np.abs(res["first"].to_numpy() - want))
    assert d <= 0.01, f"first order {res['first'].round(4).tolist()} vs {want.round(4)}"
    assert np.all((res["first_low"] <= want + 0.01) & (want - 0.01 <= res["first_high"]))


def test_linear_index_effective_importance_equals_analytic():
    rng = np.random.default_rng(12)
    n = 3000
    sd = np.array([1.0, 2.0, 0.5, 1.5, 1.0])
    w = np.array([0.3, 0.1, 0.25, 0.2, 0.15])
    codes = [f"I{i}" for i in range(5)]
    x = pd.DataFrame(rng.normal(size=(n, 5)) * sd + 10, columns=codes,
                     index=[f"u{i}" for i in range(n)])
    meta = pd.DataFrame({"code": [*codes, "Index"], "parent": ["Index"] * 5 + [None],
                         "level": [1] * 5 + [2], "weight": [*w, 1.0],
                         "direction": [1] * 5 + [np.nan]})
    spec = {"normalise": {"method": "none"}, "aggregate": {"default": "arithmetic"}}
    imp = effective_importance(x, meta, spec).table
    s = x.std(ddof=0).to_numpy()
    want = w**2 * s**2 / np.sum(w**2 * s**2)  # independent indicators (sample variances)
    got = imp.loc[codes, "importance"].to_numpy()
    d = np.max(np.abs(got - want))
    assert d <= 0.03, f"correlation ratios {got.round(3)} vs analytic {want.round(3)}"


def test_correlation_ratio_nonlinear_and_discrete():
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, 4000)
    y = np.sin(x) + rng.normal(0, 0.5, x.size)
    want = np.var(np.sin(x)) / np.var(y)
    assert abs(correlation_ratio(x, y) - want) < 0.02
    assert abs(correlation_ratio(x, y) - np.corrcoef(x, y)[0, 1] ** 2) > 0.1  # not linear
    g = rng.integers(0, 3, 500).astype(float)
    yy = g**2 + rng.normal(0, 1, 500)
    means = pd.Series(yy).groupby(g).transform("mean").to_numpy()
    assert correlation_ratio(g, yy) == pytest.approx(np.var(means) / np.var(yy), abs=1e-12)


# ------------------------------------------------------------------- the analysis itself


def test_streamed_sobol_equals_sobol_indices_on_full_outputs():
    n = 128
    res = uncertainty_analysis(asem_data(), asem_meta(), COINR_DEFAULT_SPEC,
                               uncertainties=COINR_VIGNETTE, n=n, seed=9, n_boot=30,
                               importance=False, batch_size=6 * 20)
    s = _sampler(COINR_DEFAULT_SPEC, COINR_VIGNETTE)
    x = saltelli_design(s.problem, n, seed=res.seeds[0])
    sc = s.evaluate(x)
    rk = rank_rows(sc)
    target = np.mean(np.abs(rk - s.nominal_rank[None, :]), axis=1)
    prob = {"num_vars": s.problem["num_vars"], "names": s.problem["names"],
            "groups": s.problem["groups"]}
    ref = sobol_indices(target, prob, n_boot=30, conf_level=0.9, seed=res.seeds[1])
    cols = ["first", "total", "first_low", "first_high", "total_low", "total_high"]
    assert np.allclose(res.sobol[cols].to_numpy(), ref[cols].to_numpy(), atol=1e-9), (
        "mean absolute rank shift: streamed Sobol' indices differ from sobol_indices")
    u = s.units.index("AUT")
    one = sobol_indices(rk[:, u].astype(float), prob, n_boot=30, conf_level=0.9,
                        seed=res.seeds[1])
    got = res.sobol_units.query("unit == 'AUT' and output == 'rank'").set_index("input")
    assert np.allclose(got[cols].to_numpy(), one[cols].to_numpy(), atol=1e-9), "unit AUT rank"
    drivers = res.main_drivers("rank", "total")
    table = res.sobol_table("rank", "total")
    assert drivers["AUT"] == got["total"].idxmax()
    for unit, row in table.iterrows():  # the largest index by a plain loop; NaN when rank is fixed
        vals = {k: v for k, v in row.items() if not np.isnan(v)}
        want = max(vals, key=vals.get) if vals else None
        assert (drivers[unit] if isinstance(drivers[unit], str) else None) == want, unit


def test_streamed_rank_statistics_equal_numpy(asem_sa):
    r = asem_sa
    ranks = r.ranks.to_numpy(dtype=float)
    summ = r.units.loc[r.ranks.columns]
    q = np.quantile(ranks, [0.5, 0.05, 0.95], axis=0)
    assert np.array_equal(summ["median"].to_numpy(), q[0])
    assert np.allclose(summ["q05"].to_numpy(), q[1], atol=1e-12)
    assert np.allclose(summ["q95"].to_numpy(), q[2], atol=1e-12)
    assert np.allclose(summ["mean"].to_numpy(), ranks.mean(axis=0), atol=1e-9)
    assert np.allclose(summ["p_top_k"].to_numpy(), (ranks <= r.top_k).mean(axis=0))
    nom = summ["nominal_rank"].to_numpy()
    assert np.allclose(summ["mean_abs_shift"].to_numpy(), np.abs(ranks - nom).mean(axis=0))
    assert r.mean_abs_shift == pytest.approx(np.abs(ranks - nom).mean(), abs=1e-9)
    p = r.pairs.iloc[0]
    a, b = ranks[:, r.ranks.columns.get_loc(p["unit_a"])], ranks[:, r.ranks.columns.get_loc(
        p["unit_b"])]
    assert p["p_a_ahead"] == pytest.approx(np.mean(a < b) + 0.5 * np.mean(a == b))


def test_same_seed_same_numbers_and_threads_do_not_matter():
    kw = dict(uncertainties=COINR_VIGNETTE, n=64, seed=3, importance=False, n_boot=20)
    a = uncertainty_analysis(asem_data(), asem_meta(), COINR_DEFAULT_SPEC, **kw)
    b = uncertainty_analysis(asem_data(), asem_meta(), COINR_DEFAULT_SPEC, n_threads=1, **kw)
    c = uncertainty_analysis(asem_data(), asem_meta(), COINR_DEFAULT_SPEC, batch_size=6 * 7,
                             **kw)
    for attr in ("units", "sobol", "sobol_units", "pairs"):
        pd.testing.assert_frame_equal(getattr(a, attr), getattr(b, attr), check_exact=True)
    pd.testing.assert_frame_equal(a.units, c.units, atol=1e-12, rtol=0)
    pd.testing.assert_frame_equal(a.sobol, c.sobol, atol=1e-9, rtol=0)
    d = uncertainty_analysis(asem_data(), asem_meta(), COINR_DEFAULT_SPEC,
                             **{**kw, "seed": 4})
    assert not a.sobol.equals(d.sobol)


def test_band_probabilities_equal_assign_bands(example):
    data, meta, build = example
    bands = {"非常高": 90, "高": 80, "中": 60}
    unc = {"normalise": ["minmax", "zscore"], "weights": {"noise": 0.25, "levels": [2, 3]}}
    r = uncertainty_analysis(data, meta, build, uncertainties=unc, n=100, seed=1,
                             design="random", bands=bands, importance=False)
    assert "minmax [0, 100]" in r.band_basis  # arithmetic only: the nominal scale is kept
    on_scale = (r.samples["normalise"] == "minmax [0, 100]").to_numpy()
    sc = r.scores[on_scale]
    for unit in list(sc.columns[:5]):
        got = r.band_probability.loc[unit]
        want = assign_bands(sc[unit], bands).value_counts(normalize=True)
        for band, p in want.items():
            assert got[band] == pytest.approx(p), f"{unit} band {band}"


def test_other_minmax_ranges_are_read_on_the_nominal_scale(example):
    """Min-max on [1, 100] or [0, 10] is an affine map of the nominal [0, 100]: with nothing else
    varying, every sample read back on the nominal scale is the nominal score, so the score mean
    is the nominal score, its sd 0 and each unit's nominal band has probability 1 (issue 15: the
    [1, 100] samples counted as [0, 100], 1 + 0.99 x the nominal score)."""
    data, meta, build = example
    bands = {"非常高": 90, "高": 80, "中": 60}
    unc = {"normalise": [{"method": "minmax", "range": [1, 100]},
                         {"method": "minmax", "range": [0, 10]}]}
    r = uncertainty_analysis(data, meta, build, uncertainties=unc, n=40, seed=2,
                             design="random", bands=bands, importance=False)
    u = r.units
    assert np.allclose(u["score_mean"], u["nominal_score"], rtol=0, atol=1e-9)
    assert np.allclose(u["score_sd"], 0, atol=1e-9)
    assert np.allclose(u["score_q05"], u["nominal_score"], rtol=0, atol=1e-9)
    nominal_band = assign_bands(u["nominal_score"], bands)
    for unit, band in nominal_band.items():
        assert r.band_probability.loc[unit, band] == pytest.approx(1.0), unit
    assert "[1, 100]" in r.band_basis and "[0, 10]" in r.band_basis


def test_geometric_alternative_scores_are_mapped_to_the_nominal_scale(example):
    """The issue's case: a geometric mean among the alternatives moves min-max to [1, 100]; its
    samples enter the score statistics and bands read on [0, 100] ((s - 1) / 0.99), z-score samples
    do not."""
    data, meta, build = example
    bands = {"非常高": 90, "高": 80, "中": 60}
    unc = {"normalise": ["minmax", "zscore"], "aggregate": ["arithmetic", "geometric"]}
    r = uncertainty_analysis(data, meta, build, uncertainties=unc, n=200, seed=1,
                             design="random", bands=bands, importance=False)
    on_scale = (r.samples["normalise"] == "minmax [1, 100]").to_numpy()
    assert 0 < on_scale.sum() < len(on_scale)
    mapped = (r.scores[on_scale] - 1.0) / 0.99
    got = r.units.loc[mapped.columns]
    assert np.allclose(got["score_mean"], mapped.mean(), rtol=0, atol=1e-9)
    assert np.allclose(got["score_sd"], mapped.std(), rtol=0, atol=1e-9)
    assert np.allclose(got["score_q95"], mapped.quantile(0.95), rtol=0, atol=1e-9)
    arith = on_scale & (r.samples["aggregate"] == "arithmetic").to_numpy()
    assert np.allclose((r.scores[arith] - 1.0) / 0.99, r.units.loc[r.scores.columns,
                       "nominal_score"].to_numpy()[None, :], rtol=0, atol=1e-9)
    for unit in list(mapped.columns[:20]):
        want = assign_bands(mapped[unit], bands).value_counts(normalize=True)
        for band, p in want.items():
            assert r.band_probability.loc[unit, band] == pytest.approx(p), f"{unit} {band}"
    assert "['minmax [1, 100]'], read on the nominal scale" in r.band_basis
    assert "not the samples with normalisation ['zscore" in r.band_basis


# ------------------------------------------------------------------ agreement with COINr


@pytest.fixture(scope="module")
def coinr_rankstats():
    return pd.read_csv(REFERENCE / "coinr_sa_asem_rankstats.csv").set_index("uCode")


def test_coinr_nominal_ranks(asem_sa, coinr_rankstats):
    mine = asem_sa.units["nominal_rank"]
    ref = coinr_rankstats["Nominal"]
    assert (mine.loc[ref.index].to_numpy() == ref.to_numpy()).all()


@pytest.mark.parametrize("stat,col,max_diff,mean_diff", [
    ("median", "Median", 1.0, 0.25), ("q05", "Q5", 1.0, 0.25), ("q95", "Q95", 1.0, 0.25),
    ("mean", "Mean", 0.3, 0.1)])
def test_coinr_rank_distribution_within_sampling_error(asem_sa, coinr_rankstats, stat, col,
                                                       max_diff, mean_diff):
    """Both runs sample the same distribution with different streams (8192 and 4000 samples):
    per unit, quantiles of the (integer) ranks agree to one rank, means to sampling error."""
    mine = asem_sa.units.loc[coinr_rankstats.index, stat].to_numpy()
    ref = coinr_rankstats[col].to_numpy()
    d = np.abs(mine - ref)
    worst = coinr_rankstats.index[int(np.argmax(d))]
    assert d.max() <= max_diff, f"{stat}: max |dgpe - COINr| = {d.max():g} ranks ({worst})"
    assert d.mean() <= mean_diff, f"{stat}: mean |dgpe - COINr| = {d.mean():.3f} ranks"


def test_coinr_order_of_total_order_indices(asem_sa):
    ref = pd.read_csv(REFERENCE / "coinr_sa_asem_sobol.csv").set_index("Variable")
    ref.index = [COINR_NAMES[v] for v in ref.index]
    mine = asem_sa.sobol["total"]
    assert list(mine.sort_values().index) == list(ref["STi"].sort_values().index), (
        f"order of total-order indices: dgpe {mine.round(3).to_dict()}, COINr "
        f"{ref['STi'].round(3).to_dict()}")
    # COINr's 5%-95% bootstrap intervals of STi contain our estimates
    for v in mine.index:
        lo, hi = ref.loc[v, "STi_q5"], ref.loc[v, "STi_q95"]
        assert lo - 0.02 <= mine[v] <= hi + 0.02, f"total-order {v}: {mine[v]:.3f} vs COINr [{lo:.3f}, {hi:.3f}]"


# --------------------------------------------------------------- leave-one-out, balance


def test_leave_one_out_equals_coinr_remove_elements():
    ref = pd.read_csv(REFERENCE / "coinr_sa_asem_remove.csv")
    loo = leave_one_out(asem_data(), asem_meta(), COINR_DEFAULT_SPEC, levels=[1, 2])
    for (lev, el), g in ref.groupby(["level", "removed"]):
        mine = loo.ranks.loc[g["uCode"], el].to_numpy()
        assert np.array_equal(mine, g["rank"].to_numpy()), f"level {lev}, {el} removed: ranks"
        got = loo.table.loc[el, "mean_abs_shift"]
        assert got == pytest.approx(g["mean_abs_diff"].iloc[0], abs=1e-12), f"{el}: MeanAbsDiff"
    assert (loo.table["level"] <= 2).all()


def test_optimise_weights_reaches_target_importances(example):
    data, meta, build = example
    opt = optimise_weights(data, meta, build, level=3, target="equal")
    t = opt.table
    assert opt.success
    assert np.max(np.abs(t["importance_optimised"] - 0.25)) < 1e-3, t
    assert np.max(np.abs(t["importance_nominal"] - 0.25)) > 0.01  # it had to move
    assert t["optimised_weight"].sum() == pytest.approx(1.0)


def test_example_importance_by_kind(example):
    data, meta, build = example
    imp = effective_importance(data, meta, build)
    bk = imp.by_kind
    assert set(bk.index) == {"input", "output", "outcome"}
    assert bk["weight_share"].sum() == pytest.approx(1.0)
    assert bk["importance_share"].sum() == pytest.approx(1.0)
    t = imp.table
    assert t.groupby("level")["share"].sum().round(12).eq(1).all()
