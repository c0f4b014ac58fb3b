"""methods.registry: one registry per family, the only list of names; every name builds on the
example data; errors name the field and suggest a name; score scales; a toy aggregation added in
a test is accepted by IndexSpec and varied by the sensitivity engine with no other code."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from methods import MethodError, MethodWarning
from methods.index import IndexSpec, build_index
from methods.index.aggregate import AGGREGATION_METHODS, aggregate
from methods.index.aggregation_kernels import AGGREGATION
from methods.index.normalisation_kernels import NORMALISATION
from methods.index.normalise import NORMALISE_METHODS, normalise
from methods.index.prepare import IMPUTATION, IMPUTE_METHODS
from methods.index.treat import TREAT_METHODS, TREATMENT
from methods.registry import (
    AggregationKernel,
    MethodInfo,
    Registry,
    ScoreScale,
    registries,
    registry,
)
from methods.sensitivity import IndexSampler, random_design
from methods.weights.practice import independence_weights
from methods.weights.registry import WEIGHTING, judgement_weights
from tests._index_asem import COINR_DEFAULT_SPEC, asem_data, asem_meta


@pytest.fixture(scope="module", autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        yield


@pytest.fixture(scope="module")
def example(panel, framework):
    data = panel[panel["year"] == 2025].drop(columns=["year"]).set_index("unit_id")
    return data, framework.to_meta()


@pytest.fixture(scope="module")
def ahp(framework, example_dir):
    from dgpe.data import load_ahp

    return load_ahp(example_dir / "ahp.csv", framework)


BASE = {"impute": {"method": "mean_group", "by": "province"}}


# ------------------------------------------------------------------------------ the registry


def test_registry_api_and_views():
    assert set(registries()) == {"normalisation", "weighting", "aggregation", "imputation",
                                 "treatment"}
    assert registry("aggregation") is AGGREGATION
    # the old constants are live views of the registries
    assert tuple(NORMALISE_METHODS) == NORMALISATION.names()
    assert tuple(AGGREGATION_METHODS) == AGGREGATION.names()
    assert tuple(IMPUTE_METHODS) == IMPUTATION.names()
    assert tuple(TREAT_METHODS) == TREATMENT.names()
    assert WEIGHTING.names(needs="judgements") == ("ahp", "fahp")
    assert set(WEIGHTING.names(needs="data")) == {"entropy", "critic", "cv", "pca", "pca_coinr",
                                                  "independence"}
    for reg in registries().values():
        for lang in ("zh", "en"):
            assert all(reg.labels(lang).values()) and all(reg.formulas(lang).values())
        assert list(reg.to_frame().index) == list(reg.names())
    with pytest.raises(MethodError, match="did you mean 'normalisation'"):
        registry("normalization")


def test_get_error_names_field_and_suggests():
    with pytest.raises(MethodError, match=r"^build\.weights: 'fooo' is not a weighting method; "
                                          r"known: .*entropy.*"):
        IndexSpec.from_dict({"weights": "fooo"})
    with pytest.raises(MethodError, match=r"build\.weights: 'entropi' .*did you mean 'entropy'\?"):
        IndexSpec.from_dict({"weights": "entropi"})
    with pytest.raises(MethodError, match=r"build\.weights\.method: 'critc'.*did you mean 'critic'"):
        IndexSpec.from_dict({"weights": {"method": "critc", "scope": "all"}})
    with pytest.raises(MethodError, match=r"build\.aggregate\.2: 'geometrc'.*'geometric'"):
        IndexSpec.from_dict({"aggregate": {"default": "arithmetic", 2: "geometrc"}})
    with pytest.raises(MethodError, match=r"build\.normalise\.method: 'minmx'.*'minmax'"):
        IndexSpec.from_dict({"normalise": {"method": "minmx"}})
    with pytest.raises(MethodError, match=r"build\.treat\.method: 'winsorize'.*'winsorise'"):
        IndexSpec.from_dict({"treat": {"method": "winsorize"}})
    with pytest.raises(MethodError, match=r"build\.impute\.method: 'meen'.*'mean'"):
        IndexSpec.from_dict({"impute": {"method": "meen"}})
    with pytest.raises(MethodError, match=r"build\.weights\.scope"):
        IndexSpec.from_dict({"weights": {"method": "entropy", "scope": "everything"}})


def test_register_checks_family_and_duplicates():
    r = Registry("demo")
    r.register(MethodInfo("a", "demo"))
    with pytest.raises(MethodError, match="already registered"):
        r.register(MethodInfo("a", "demo"))
    with pytest.raises(MethodError, match="declares family"):
        r.register(MethodInfo("b", "other"))
    view = r.view()
    r.register(MethodInfo("c", "demo"))
    assert "c" in view and len(view) == 2
    with pytest.raises(MethodError, match="transform and finish"):
        AggregationKernel()


# -------------------------------------------------------------------------- score scales


@pytest.mark.parametrize("method,params,scale", [
    ("minmax", {}, ScoreScale(0.0, 100.0, True, 1)),
    ("minmax", {"range": [1, 100]}, ScoreScale(1.0, 100.0, True, 1)),
    ("minmax", {"range": (0, 1)}, ScoreScale(0.0, 1.0, True, 3)),
    ("zscore", {}, ScoreScale(None, None, False, 2, centre=0.0)),
    ("zscore", {"mean_sd": [10, 2]}, ScoreScale(None, None, False, 2, centre=10.0)),
    ("rank", {}, ScoreScale(1.0, None, False, 0, kind="rank")),
    ("percentile", {}, ScoreScale(0.0, 1.0, True, 3, kind="share")),
    ("distance_max", {}, ScoreScale(0.0, 1.0, True, 3)),
    ("fraction_max", {}, ScoreScale(None, 1.0, False, 3)),
    ("distance_target", {}, ScoreScale(0.0, None, False, 3)),
    ("distance_target", {"cap": True}, ScoreScale(0.0, 1.0, True, 3)),
    ("distance_reference", {"cap": True}, ScoreScale(0.0, 1.0, True, 3)),
    ("goalposts", {}, ScoreScale(0.0, 100.0, True, 1)),
    ("goalposts", {"clip": False, "scale": 1}, ScoreScale(None, None, False, 3)),
    ("none", {}, ScoreScale(None, None, False, 2, kind="raw")),
])
def test_normalisation_score_scales(method, params, scale):
    assert NORMALISATION.get(method).score_scale(params) == scale


def test_every_normalisation_has_a_scale_that_holds(X2025):
    x = X2025.fillna(X2025.mean())
    opts = {"distance_target": {"targets": (x.max() * 1.5 + 1).to_dict()},
            "distance_reference": {"reference": x.index[0], "cap": True},
            "goalposts": {"goalposts": {c: (x[c].min(), x[c].max()) for c in x.columns}}}
    assert set(NORMALISATION.names()) <= {*opts, "minmax", "zscore", "rank", "percentile",
                                          "distance_max", "fraction_max", "none"}
    for m in NORMALISATION.names():
        y = normalise(x, m, **opts.get(m, {})).data.to_numpy()
        sc = NORMALISATION.get(m).score_scale(opts.get(m, {}))
        tol = 1e-9
        assert sc.low is None or np.nanmin(y) >= sc.low - tol, m
        assert sc.high is None or np.nanmax(y) <= sc.high + tol, m


def test_aggregation_declarations():
    assert AGGREGATION.get("arithmetic").keeps_scale
    assert not AGGREGATION.get("topsis").keeps_scale
    assert AGGREGATION.get("topsis").score_scale() == ScoreScale(0.0, 1.0, True, 3,
                                                                 kind="closeness")
    assert AGGREGATION.get("copeland").score_scale().kind == "count"
    dom = {m: AGGREGATION.get(m).input_domain({"p": 0.5}) for m in AGGREGATION.names()}
    assert dom == {"arithmetic": "any", "geometric": "positive", "harmonic": "positive",
                   "generalised": "nonnegative", "topsis": "any", "copeland": "any"}
    assert AGGREGATION.get("generalised").input_domain({"p": -1}) == "positive"


def test_index_result_scale_from_spec(example):
    data, meta = example
    r = build_index(data, meta, {**BASE})
    assert r.scale == ScoreScale(0.0, 100.0, True, 1)
    assert r.to_dict()["scale"]["high"] == 100.0
    r2 = build_index(data, meta, {**BASE, "aggregate": {"default": "arithmetic",
                                                        "4": "topsis"}})
    assert r2.scale.kind == "closeness" and r2.scales["A"] == ScoreScale(0.0, 100.0, True, 1)


# --------------------------------------------------------------------- compatibility check


def test_geometric_over_minmax_0_100_is_reported_before_the_run(example):
    spec = IndexSpec.from_dict({"aggregate": {"default": "arithmetic", "3": "geometric"}})
    probs = spec.check_compatibility()
    assert [p.field for p in probs] == ["build.aggregate.3"]
    assert "positive" in probs[0].message and "[0, 100]" in str(probs[0])
    _, meta = example
    by_node = spec.check_compatibility(meta)  # one problem per level-3 node
    assert by_node and {p.field for p in by_node} == {"build.aggregate.3"}
    ok = spec.with_changes(normalise={"method": "minmax", "range": [1, 100]})
    assert ok.check_compatibility() == [] and ok.check_compatibility(meta) == []
    # a geometric mean above a joint ranking (closeness can be 0) is caught with the meta
    joint = IndexSpec.from_dict({"normalise": {"method": "minmax", "range": [1, 100]},
                                 "aggregate": {"default": "arithmetic", "2": "topsis",
                                               "3": "geometric"}})
    assert joint.check_compatibility() == []
    probs = joint.check_compatibility(meta)
    assert probs and all(p.field == "build.aggregate.3" for p in probs)
    assert IndexSpec(normalise={"method": "zscore"}, aggregate={"default": "harmonic"}
                     ).check_compatibility()[0].field == "build.aggregate.default"


# ------------------------------------------------------------- every name through the build


def _norm_section(m: str, data: pd.DataFrame, meta: pd.DataFrame) -> dict:
    inds = list(meta.loc[meta["level"] == 1, "code"])
    x = data[inds]
    if m == "distance_target":
        return {"method": m, "targets": (x.abs().max() * 2 + 1).to_dict()}
    if m == "distance_reference":
        return {"method": m, "reference": x.dropna().index[0], "cap": True}
    if m == "goalposts":
        return {"method": m, "goalposts": {c: [float(x[c].min()) - 1, float(x[c].max()) + 1]
                                           for c in inds}}
    return {"method": m}


@pytest.mark.parametrize("method", NORMALISATION.names())
def test_every_normalisation_builds(example, method):
    data, meta = example
    if method == "fraction_max" and (meta["direction"] < 0).any():
        # x / max of an oriented negative-direction indicator (-x < 0) would rank it backwards
        with pytest.raises(MethodError, match="backwards"):
            build_index(data, meta, {**BASE, "normalise": _norm_section(method, data, meta)})
        return
    r = build_index(data, meta, {**BASE, "normalise": _norm_section(method, data, meta)})
    assert r.scores[r.index_code].notna().all()


@pytest.mark.parametrize("method", AGGREGATION.names())
def test_every_aggregation_builds(example, method):
    data, meta = example
    spec = IndexSpec.from_dict({**BASE, "normalise": {"method": "minmax", "range": [1, 100]},
                                "aggregate": {"default": method}})
    assert spec.check_compatibility(meta) == []
    r = build_index(data, meta, spec)
    assert r.scores[r.index_code].notna().all()


@pytest.mark.parametrize("method", IMPUTATION.names(needs="cross"))
def test_every_imputation_builds(example, method):
    data, meta = example
    imp = {"method": method, **({"by": "province"} if method.endswith("_group") else {})}
    r = build_index(data, meta, {"impute": imp})
    assert r.scores[r.index_code].notna().all()


@pytest.mark.parametrize("method", TREATMENT.names())
def test_every_treatment_builds(example, method):
    data, meta = example
    r = build_index(data, meta, {**BASE, "treat": {"method": method}})
    assert r.scores[r.index_code].notna().all()


@pytest.mark.parametrize("method", WEIGHTING.names())
def test_every_weighting_builds(example, ahp, method):
    data, meta = example
    info = WEIGHTING.get(method)
    given = judgement_weights(method, ahp, meta) if info.needs == "judgements" else None
    w = {"values": {"A": 2.0}} if method == "values" else (
        {"method": method, "scope": "all"} if info.needs == "data" else method)
    r = build_index(data, meta, {**BASE, "weights": w}, weights=given)
    assert r.scores[r.index_code].notna().all()
    assert np.isclose(r.weights[[c for c in r.weights.index if c in "ABCD"]].sum(), 1.0)


def test_judgement_methods_need_their_weights(example):
    data, meta = example
    for m in ("ahp", "fahp"):
        with pytest.raises(MethodError, match=rf"build\.weights={m!r} needs .*judgement_weights"):
            build_index(data, meta, {**BASE, "weights": m})
    with pytest.raises(MethodError, match="judgement_weights: method: 'entropy'"):
        judgement_weights("entropy", {}, meta)


def test_independence_weights_in_the_build_equal_weights_cn(example):
    data, meta = example
    r = build_index(data, meta, {**BASE, "weights": {"method": "independence", "scope": "all"}})
    inds = list(meta.loc[meta["level"] == 1, "code"])
    ref = independence_weights(r.stages["normalised"][inds]).weights
    hier_parent = meta.set_index("code")["parent"]
    for parent, kids in ref.groupby(hier_parent[ref.index]):
        want = kids / kids.sum()
        np.testing.assert_allclose(r.weights[want.index], want, rtol=1e-12, err_msg=parent)


def test_fahp_weights_equal_fuzzy_ahp_hierarchy(example, ahp):
    from methods.weights import ahp_hierarchy
    from methods.weights.fahp import fuzzy_ahp_hierarchy

    _, meta = example
    pd.testing.assert_series_equal(judgement_weights("fahp", ahp, meta),
                                   fuzzy_ahp_hierarchy(ahp, meta).rename("weight"))
    pd.testing.assert_series_equal(judgement_weights("ahp", ahp, meta),
                                   ahp_hierarchy(ahp, meta)[0].rename("weight"))


# ---------------------------------------------------- a new aggregation: one registry entry


def _lehmer_like_transform(x: np.ndarray, p: float) -> np.ndarray:
    return np.sqrt(x)


def _lehmer_like_finish(num: np.ndarray, den: np.ndarray, p: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (num / den) ** 2


def _median_node(v: np.ndarray, w: np.ndarray, p: float) -> np.ndarray:
    """Unweighted median of the children weighted > 0 (a toy joint method)."""
    act = (w > 0)[:, None, :]
    return np.nanmedian(np.where(act, v, np.nan), axis=2)


@pytest.fixture
def toy_aggregations():
    added = [
        AGGREGATION.register(MethodInfo(
            "root_mean_square_root", "aggregation", requires="nonnegative",
            kernel=AggregationKernel(_lehmer_like_transform, _lehmer_like_finish),
            label={"en": "power mean 1/2", "zh": "1/2 次幂平均"},
            formula={"en": "(sum w sqrt x)^2", "zh": "(Σ w √x)²"})),
        AGGREGATION.register(MethodInfo(
            "median_toy", "aggregation", keeps_scale=True,
            kernel=AggregationKernel(node=_median_node), label={"en": "median", "zh": "中位数"})),
    ]
    yield added
    for a in added:
        AGGREGATION.unregister(a.name)


def test_toy_aggregation_is_accepted_and_varied(toy_aggregations):
    data, meta = asem_data(), asem_meta()
    spec = IndexSpec.from_dict({**COINR_DEFAULT_SPEC,
                                "aggregate": {"default": "root_mean_square_root"}})
    assert "root_mean_square_root" in AGGREGATION_METHODS
    r = build_index(data, meta, spec)
    gen = build_index(data, meta, {**COINR_DEFAULT_SPEC,
                                   "aggregate": {"default": "generalised", "p": 0.5}})
    np.testing.assert_allclose(r.scores["Index"], gen.scores["Index"], rtol=1e-12)
    plain = aggregate(r.stages["normalised"], meta, method="median_toy")
    assert plain.scores["Index"].notna().all()
    unc = {"aggregate": ["arithmetic", "root_mean_square_root", "median_toy",
                         {"default": "arithmetic", "2": "median_toy"}],
           "weights": {"noise": 0.3, "levels": [2]}}
    s = IndexSampler(data, meta, COINR_DEFAULT_SPEC, unc)
    x = random_design(s.problem, 16, seed=5)
    y = s.evaluate(x)
    dec = s.decode(x)
    labels = s.labels(x)["aggregate"]
    assert set(labels) >= {"root_mean_square_root", "median_toy"}
    for i in range(x.shape[0]):
        sp, w = s.build_spec({k: v[i] for k, v in dec.items()})
        want = build_index(data, meta, sp, weights=w).scores["Index"].loc[s.units].to_numpy()
        np.testing.assert_allclose(y[i], want, rtol=0, atol=1e-9, err_msg=f"sample {i}")


# ------------------------------------------------------ a new weighting method: one registry entry


def _rank_weights(x: pd.DataFrame) -> Any:
    """A toy data-driven weighting: weights proportional to each indicator's number of distinct
    values (returns an object with ``.weights`` like the real ones)."""
    from types import SimpleNamespace

    n = x.nunique().astype(float)
    return SimpleNamespace(weights=n / n.sum())


@pytest.fixture
def toy_weighting():
    from methods.registry import Param
    from methods.weights import WEIGHTING

    info = WEIGHTING.register(MethodInfo(
        "distinct_toy", "weighting", function=_rank_weights, needs="data",
        params=(Param("scope", "group", "str", ("group", "all"), "scope"),),
        label={"en": "distinct values", "zh": "取值个数"}))
    yield info
    WEIGHTING.unregister(info.name)


def test_toy_weighting_is_built_planned_compared_and_varied(toy_weighting, example):
    """A weighting method is its function plus one registry entry: the build, the plan's config
    check, notebook 03's scheme comparison and the sensitivity analysis take it with no more code."""
    from dgpe.config import load_run_config
    from dgpe.plan import resolve_plan
    from dgpe.sections import weights as weight_sections
    from methods.sensitivity.spec import weight_set_names

    data, meta = example
    r = build_index(data, meta, {**BASE, "weights": "distinct_toy"})
    assert r.scores[r.index_code].notna().all()
    plan = resolve_plan(load_run_config(Path(__file__).resolve().parents[1] / "configs" / "default.yaml", ["build.weights=distinct_toy"]))
    assert plan.weights_method == "distinct_toy"
    assert "distinct_toy" in weight_sections.schemes()
    assert "distinct_toy" in weight_set_names()
    s = IndexSampler(data, meta, BASE, {"weights": {"alternatives": ["nominal", "distinct_toy"]}})
    y = s.evaluate(random_design(s.problem, 8, seed=1))
    assert np.isfinite(y).all()
