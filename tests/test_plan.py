"""The analysis plan: every documented option resolves or is refused before any notebook, naming the field."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dgpe.config import load_run_config
from dgpe.errors import ConfigError
from dgpe.plan import CAPABILITIES, resolve_plan

ROOT = Path(__file__).resolve().parents[1]
CONFIG = str(ROOT / "configs" / "default.yaml")


def _plan(*overrides: str):
    return resolve_plan(load_run_config(CONFIG, list(overrides)))


@pytest.fixture(scope="module")
def default_plan():
    return _plan()


def test_default_plan_builds_once_and_serialises(default_plan):
    p = default_plan
    assert p.index is p.index  # cached
    assert p.weights_method == "expert" and p.weights_override is None
    assert (p.scale.low, p.scale.high, p.scale.bounded) == (0.0, 100.0, True)
    assert p.bands == {"非常高": 90.0, "高": 80.0, "中": 60.0}
    assert all(p.has(c) for c in CAPABILITIES if c != "forecast")
    # three years of example data: GM(1,1) targets need four (options.efficiency.forecast_min_years)
    assert p.why_not("forecast").key == "efficiency.skipped_few_years_forecast"
    d = json.loads(json.dumps(p.to_dict(), default=str))
    assert d["weights_method"] == "expert" and d["build"]["normalise"]["method"] == "minmax"
    assert [s["step"] for s in d["build_log"]][:2] == [s["step"] for s in p.index.log][:2]


@pytest.mark.parametrize("method", ["ahp", "fahp"])
def test_judgement_weights_are_resolved_by_the_plan(method, default_plan):
    p = _plan(f"build.weights={method}")
    assert p.weights_method == method
    w = p.weights_override
    assert w is not None and (w > 0).all()
    # the build used the judgement weights, not the expert ones
    top = p.index.weights[default_plan.framework.children(p.index.index_code)]
    assert top.round(6).tolist() != default_plan.index.weights[top.index].round(6).tolist()


def test_judgement_weights_without_matrices_name_the_field():
    with pytest.raises(ConfigError) as exc:
        _plan("build.weights=ahp", "data.ahp=null")
    assert "field build.weights" in str(exc.value) and "data.ahp" in str(exc.value)


def test_unknown_weighting_method_names_the_field():
    with pytest.raises(ConfigError) as exc:
        _plan("build.weights=entropyy")
    assert "field build" in str(exc.value)


def test_geometric_mean_over_zeros_is_refused_before_any_notebook():
    with pytest.raises(ConfigError) as exc:
        _plan("build.aggregate={default: geometric}")
    text = str(exc.value)
    assert "field build.aggregate.default" in text and "range: [1, 100]" in text and "1 problem" in text


def test_geometric_mean_on_a_positive_scale_runs():
    p = _plan("build.aggregate={default: geometric}", "build.normalise={method: minmax, range: [1, 100]}")
    assert (p.scale.low, p.scale.high) == (1.0, 100.0)
    assert p.bands is not None


@pytest.mark.parametrize("norm", ["zscore", "rank"])
def test_bands_are_not_applied_on_an_unbounded_scale(norm):
    p = _plan(f"build.normalise={{method: {norm}}}")
    assert not p.scale.bounded
    assert p.bands is None and not p.has("bands")
    reason = p.why_not("bands")
    assert reason.key == "plan.skipped_unbounded_scale" and ("z-scores" if norm == "zscore" else "ranks") in reason("en")


def test_bands_outside_a_bounded_scale_are_refused_with_a_reason():
    p = _plan("build.normalise={method: minmax, range: [0, 1]}")
    assert p.bands is None and p.why_not("bands").key == "plan.bands_off_scale"
    assert "90" in p.why_not("bands")("zh") and "。" in p.why_not("bands")("zh")


@pytest.mark.parametrize(
    ("override", "capability"),
    [("data.survey=null", "survey"), ("data.ahp=null", "ahp"), ("data.delphi=null", "delphi"),
     ("data.experts=null", "experts"), ("sensitivity={}", "sensitivity"), ("bands=null", "bands")],
)
def test_capabilities_follow_the_data_present(override, capability):
    p = _plan(override)
    assert not p.has(capability)
    assert p.why_not(capability)("zh") and p.why_not(capability)("en")
    others = [c for c in CAPABILITIES if c not in (capability, "forecast")]  # forecast: 3 years < 4
    assert all(p.has(c) for c in others)


def test_year_on_year_stops_at_the_ranked_year():
    p = _plan("year=2024")
    assert max(p.build_years()) == 2024


def test_unknown_option_names_the_field_and_known_ones():
    with pytest.raises(ConfigError) as exc:
        _plan("options.plan.nonsense=3")
    assert "options.plan.nonsense" in str(exc.value)


def test_weights_from_a_file(tmp_path, default_plan):
    codes = default_plan.framework.children(default_plan.index.index_code)
    (tmp_path / "w.csv").write_text("code,weight\n" + "\n".join(f"{c},{i + 1}" for i, c in enumerate(codes)),
                                    encoding="utf-8")
    p = _plan(f"build.weights={{file: {tmp_path / 'w.csv'}}}")
    w = p.index.weights[codes]
    assert w.tolist() == pytest.approx([(i + 1) / sum(range(1, len(codes) + 1)) for i in range(len(codes))])


def test_a_missing_weights_file_names_the_field(tmp_path):
    with pytest.raises(ConfigError) as exc:
        _plan(f"build.weights={{file: {tmp_path / 'none.csv'}}}")
    assert "field build.weights.file" in str(exc.value)


def test_fraction_of_max_on_negative_direction_indicators_is_refused_naming_the_field():
    """x / max of an oriented negative-direction indicator (-x <= 0) ranks it backwards."""
    with pytest.raises(ConfigError) as exc:
        _plan("build.normalise={method: fraction_max}")
    assert "field build.normalise" in str(exc.value) and "backwards" in str(exc.value)


@pytest.mark.parametrize("norm", ["zscore", "rank"])
@pytest.mark.parametrize("weights", ["entropy", "critic", "cv", "pca"])
def test_data_driven_weights_do_not_depend_on_the_normalisation(norm, weights):
    """On z-scores (negative values) data-driven weights use the min-max rescaled indicators,
    which equals min-max of the treated data: the same weights as the min-max build."""
    ref = _plan(f"build.weights={weights}").index.weights
    p = _plan(f"build.weights={weights}", f"build.normalise={{method: {norm}}}")
    if norm == "zscore":
        assert (p.index.weights - ref).abs().max() < 1e-12
        assert "rescaled" in [s for s in p.index.log if s["step"] == "weights"][0]["summary"]
    else:  # ranks are not affine in the data: other weights, but a build that runs
        assert p.index.weights.notna().all()


def test_a_mean_over_children_on_different_scales_is_refused():
    with pytest.raises(ConfigError) as exc:
        _plan("build.aggregate={default: arithmetic, A: topsis}")
    assert "field build.aggregate.default" in str(exc.value) and "different scales" in str(exc.value)


def test_sensitivity_alternatives_that_do_not_apply_are_left_out_with_a_finding():
    p = _plan("build.treat={method: log}")
    assert "treat" not in p.sensitivity["uncertainties"] and "weights" in p.sensitivity["uncertainties"]
    (f,) = p.sensitivity_dropped
    assert f.params["step"] == "treat" and f.severity == "warning" and "treat" in f("zh")
    assert p.has("sensitivity")


def test_years_keep_the_headline_weights_and_the_normalisation_range():
    p = _plan("build.weights=entropy", "build.normalise={method: minmax, range: [1, 100]}",
              "build.aggregate={default: geometric}")
    yearly = p.build_years()
    for res in yearly.values():
        # data-driven weights are not derived again from each year's goalpost data
        assert (res.weights - p.index.weights).abs().max() < 1e-12
        assert (res.scale.low, res.scale.high) == (1.0, 100.0)


def test_a_weights_file_written_from_a_plan_reads_back(tmp_path, default_plan):
    """plan.json's weights (every node, the index included) are a valid weights file."""
    w = default_plan.index.weights
    (tmp_path / "w.csv").write_text("code,weight\n" + "\n".join(f"{c},{v!r}" for c, v in w.items()),
                                    encoding="utf-8")
    p = _plan(f"build.weights={{file: {tmp_path / 'w.csv'}}}")
    assert (p.index.weights - w).abs().max() < 1e-12
    pd.testing.assert_series_equal(p.index.scores[p.index.index_code],
                                   default_plan.index.scores[default_plan.index.index_code])


def test_years_of_a_goalposts_build_use_its_own_goalposts(default_plan):
    x = default_plan.panel[default_plan.framework.indicator_codes]
    gp = {c: [float(x[c].min()) - 1, float(x[c].max()) + 1] for c in x.columns}
    p = resolve_plan(load_run_config(CONFIG, [f"build.normalise={json.dumps({'method': 'goalposts', 'goalposts': gp})}",
                                              "build.treat=null"]))
    ranked = p.build_years()[p.year]
    # no treatment, same goalposts: the year view of the ranked year is the headline index
    assert (ranked.scores[p.index.index_code] - p.index.scores[p.index.index_code]).abs().max() < 1e-9


def test_inconsistent_judgements_behind_the_weights_are_a_finding_without_notebook_03(tmp_path):
    """Every expert's top-level AHP matrix made circular (A > B > C > A): when the build takes the
    AHP weights and notebook 03 (which reports consistency) is not run, the ranking carries the
    warning; with 03 it is left to 03's consistency section."""
    import pandas as pd

    ahp = pd.read_csv(ROOT / "data" / "example" / "ahp.csv", dtype=str)
    for row, col in [("A", "B"), ("B", "C"), ("C", "A")]:
        top = ahp["parent"] == "DGPE"
        ahp.loc[top & (ahp["row"] == row) & (ahp["col"] == col), "value"] = "9"
        ahp.loc[top & (ahp["row"] == col) & (ahp["col"] == row), "value"] = "1/9"
    ahp.to_csv(tmp_path / "ahp.csv", index=False)
    over = ["build.weights=ahp", f"data.ahp={tmp_path / 'ahp.csv'}"]
    alone = resolve_plan(load_run_config(CONFIG, [*over, "notebooks=[05_index]"]))
    assert any("inconsistent" in f("en") and "DGPE" in f("en") for f in alone.build_warnings)
    with_03 = resolve_plan(load_run_config(CONFIG, [*over, "notebooks=[03_weights, 05_index]"]))
    assert not any("inconsistent" in f("en") for f in with_03.build_warnings)
