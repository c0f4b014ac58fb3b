"""methods.index: the COINr ASEM build stage by stage, the spec, the fast evaluator."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from methods import MethodError, MethodWarning
from methods.index import IndexEvaluator, IndexSpec, build_index, build_years
from tests._index_asem import (
    ASEM,
    COINR_DEFAULT_SPEC,
    STAGE_FILES,
    asem_data,
    asem_meta,
    max_abs_diff,
    ref_csv,
)

TOL = 1e-9


@pytest.fixture(scope="module")
def coinr_build():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)  # LAO/Elec: denominator missing, as in COINr
        return build_index(asem_data(), asem_meta(), COINR_DEFAULT_SPEC)


@pytest.mark.parametrize("stage", list(STAGE_FILES))
def test_coinr_default_build_stage(coinr_build, stage):
    ref = ref_csv(STAGE_FILES[stage])
    mine = coinr_build.stages[stage]
    assert sorted(mine.index) == sorted(ref.index), f"{stage}: units differ"
    d, where = max_abs_diff(mine, ref)
    assert d <= TOL, f"stage {stage}: max |dgpe - COINr| = {d:g} at {where}"


def test_coinr_default_index_ranks(coinr_build):
    ref = pd.read_csv(ASEM / "index_scores_ranks.csv")
    ref = ref.set_index("uCode")
    rank_col = [c for c in ref.columns if "rank" in c.lower()][0]
    mine = coinr_build.ranks.loc[ref.index, "Index"]
    assert (mine.to_numpy() == ref[rank_col].to_numpy()).all(), "Index ranks differ from COINr"
    d = np.max(np.abs(coinr_build.scores.loc[ref.index, "Index"] - ref["Index"]))
    assert d <= TOL, f"Index score: max diff {d:g}"


@pytest.mark.parametrize("stage,ref_file", [("normalised", "geo_Normalised.csv"),
                                            ("aggregated", "geo_Aggregated.csv")])
def test_coinr_geometric_variant(stage, ref_file):
    spec = {**COINR_DEFAULT_SPEC, "normalise": {"method": "minmax", "range": [1, 100]},
            "aggregate": {"default": "geometric"}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        res = build_index(asem_data(), asem_meta(), spec)
    d, where = max_abs_diff(res.stages[stage], ref_csv(ref_file))
    assert d <= TOL, f"geometric variant, {stage}: max diff {d:g} at {where}"


def test_spec_round_trip_json():
    spec = IndexSpec.from_dict(COINR_DEFAULT_SPEC)
    d = spec.to_dict()
    assert IndexSpec.from_dict(json.loads(json.dumps(d))) == spec
    assert d["normalise"]["range"] == [0, 100]


def test_spec_accepts_config_aliases():
    spec = IndexSpec.from_dict({"impute": {"method": "mean", "group": "province"}})
    assert spec.impute == {"method": "mean_group", "by": "province"}


@pytest.mark.parametrize(
    "bad,needle",
    [({"normalize": {}}, "unknown section"),
     ({"treat": {"method": "jrc", "winmx": 3}}, "winmx"),
     ({"aggregate": {"default": "median"}}, "median"),
     ({"weights": "magic"}, "magic"),
     ({"impute": {"method": "panel_latest"}}, "panel")],
)
def test_spec_rejects_bad_input(bad, needle):
    with pytest.raises(MethodError, match=needle):
        IndexSpec.from_dict(bad)


def test_with_changes_merges_sections():
    spec = IndexSpec.from_dict(COINR_DEFAULT_SPEC).with_changes(treat={"winmax": 2})
    assert spec.treat == {"method": "jrc", "winmax": 2}


def test_evaluator_matches_build_index(coinr_build):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        ev = IndexEvaluator(asem_data(), asem_meta(), COINR_DEFAULT_SPEC)
    s = ev.scores()
    ref = coinr_build.scores.loc[ev.units, ev.codes].to_numpy()
    assert np.max(np.abs(s - ref)) < 1e-12


def test_evaluator_new_weights_and_methods_match_build_index():
    rng = np.random.default_rng(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        ev = IndexEvaluator(asem_data(), asem_meta(), COINR_DEFAULT_SPEC)
        w = ev.base_weights * rng.uniform(0.5, 1.5, ev.base_weights.size)
        x = ev.normalised(treat={"winmax": 2}, normalise={"range": [1, 100]})
        fast = ev.scores(x, w, methods={"Index": "geometric", "Conn": "harmonic"})
        spec = IndexSpec.from_dict(COINR_DEFAULT_SPEC).with_changes(
            treat={"winmax": 2}, normalise={"range": [1, 100]},
            aggregate={"Index": "geometric", "Conn": "harmonic"})
        slow = build_index(asem_data(), asem_meta(), spec,
                           weights=dict(zip(ev.codes, w, strict=True)))
    ref = slow.scores.loc[ev.units, ev.codes].to_numpy()
    assert np.max(np.abs(fast - ref)) < 1e-10


def test_evaluator_fast_path_equals_full_normalise():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)
        ev = IndexEvaluator(asem_data(), asem_meta(), COINR_DEFAULT_SPEC)
        fast = ev.normalised(treat={"method": "none"}, normalise={"method": "zscore"})
        spec = IndexSpec.from_dict(COINR_DEFAULT_SPEC).with_changes(
            treat=None, normalise={"method": "zscore"})
        spec = IndexSpec.from_dict({**spec.to_dict(), "treat": None,
                                    "normalise": {"method": "zscore"}})
        slow = build_index(asem_data(), asem_meta(), spec).stages["normalised"]
    assert np.max(np.abs(fast - slow.loc[ev.units, ev.indicators].to_numpy())) < 1e-12


def _toy():
    meta = pd.DataFrame({
        "code": ["a", "b", "c", "d", "X", "Y", "I"],
        "parent": ["X", "X", "Y", "Y", "I", "I", None],
        "level": [1, 1, 1, 1, 2, 2, 3],
        "weight": [1, 1, 2, 1, 1, 1, 1],
        "direction": [1, 1, 1, -1, np.nan, np.nan, np.nan],
    })
    return meta


def test_build_index_weights_ahp_needs_values():
    meta = _toy()
    data = pd.DataFrame({"a": [1.0, 2, 3], "b": [3.0, 1, 2], "c": [1.0, 5, 2], "d": [2.0, 1, 3]},
                        index=["u1", "u2", "u3"])
    with pytest.raises(MethodError, match="ahp"):
        build_index(data, meta, {"weights": "ahp"})
    res = build_index(data, meta, {"weights": "ahp"}, weights={"X": 3, "Y": 1})
    assert res.weights["X"] == pytest.approx(0.75)


def test_build_index_duplicate_units_error():
    meta = _toy()
    data = pd.DataFrame({"a": [1.0, 2], "b": [3.0, 1], "c": [1.0, 5], "d": [2.0, 1]},
                        index=["u1", "u1"])
    with pytest.raises(MethodError, match="duplicate unit id 'u1'"):
        build_index(data, meta)


def test_build_years_fixed_goalposts_compare_levels():
    meta = _toy()
    y1 = pd.DataFrame({"unit_id": ["u1", "u2", "u3"], "year": 2024, "a": [1.0, 2, 3],
                       "b": [3.0, 1, 2], "c": [1.0, 5, 2], "d": [2.0, 1, 3]})
    y2 = y1.assign(year=2025, a=y1["a"] + 1)  # everyone improves on a
    res = build_years(pd.concat([y1, y2]), meta)
    s24, s25 = res[2024].scores, res[2025].scores
    # goalposts pooled over both years: a in [1, 4]
    assert s24.loc["u1", "a"] == pytest.approx(0.0)
    assert s25.loc["u1", "a"] == pytest.approx(100 / 3)
    assert (s25["I"] > s24["I"]).all()
    # negative indicator d: high goalpost maps to 0
    assert s24.loc["u3", "d"] == pytest.approx(0.0)
