"""Off-path verdicts that once misled: scores of a joint ranking are not summarised on a scale,
and a ranking relative to each year is not compared across years."""

from __future__ import annotations

from pathlib import Path

import pytest

from dgpe.sections import index as index_sections
from dgpe.sections import sensitivity as sa_sections
from dgpe.session import open_run

CONFIG = str(Path(__file__).resolve().parents[1] / "configs" / "default.yaml")


@pytest.fixture(scope="module", params=["topsis", "copeland"])
def joint_run(request):
    bands = "bands={high: 0.8, mid: 0.5}" if request.param == "topsis" else "bands=null"
    return open_run(CONFIG, notebook="t",
                    overrides=[f"build.aggregate={{default: {request.param}}}", bands, "sensitivity.n=64"])


def test_no_score_statistics_or_bands_from_samples_when_the_index_is_a_joint_ranking(joint_run):
    ua = sa_sections.uncertainty(joint_run)
    res = ua.data["result"]
    assert "score_mean" not in res.units.columns or res.units["score_mean"].isna().all()
    assert res.band_probability is None or res.band_probability.isna().all().all()
    assert "jointly" in res.band_basis


def test_a_joint_ranking_is_not_compared_across_years(joint_run):
    sec = index_sections.years(joint_run)
    assert sec.skipped is not None and sec.skipped.key == "index.skipped_years_joint"


def test_methods_needing_complete_data_are_skipped_with_the_reason_when_the_build_leaves_gaps():
    from dgpe.sections import comparison

    run = open_run(CONFIG, notebook="t", overrides=["build.impute=null"])
    ranks = comparison.rankings(run)
    assert ranks.skipped is not None and ranks.skipped.key == "comparison.skipped_incomplete"
    assert "build.impute" in ranks.skipped("en")
    for sec in (comparison.grades(run, ranks), comparison.indicator_weights(run, ranks),
                comparison.coupling(run, ranks)):
        assert sec.skipped is not None and sec.skipped.key == "comparison.skipped_incomplete"


def test_the_outcome_share_is_stated_for_the_weights_the_run_uses():
    from dgpe.sections import weights as weight_sections

    run = open_run(CONFIG, notebook="t", overrides=["build.weights=entropy"])
    (f,) = weight_sections.by_kind(run).findings
    assert f.key == "weights.outcome_share_run" and f.params["scheme"] == "entropy"


@pytest.mark.parametrize(("override", "field"), [
    ("options.comparison.fuzzy_knots=5", "options.comparison.fuzzy_knots"),
    ("options.comparison.fuzzy_knots=[90, 70, 50, 30]", "options.comparison.fuzzy_knots"),
    ("options.reliability.min_items=2.5", "options.reliability.min_items"),
    ('build.aggregate={default: arithmetic, "1": copeland}', "build.aggregate"),
    ("build.weights={values: {A: 0.7, B: 0.3}}", "build.weights"),
])
def test_options_the_plan_cannot_honour_are_refused_naming_the_field(override, field):
    from dgpe.errors import ConfigError

    with pytest.raises(ConfigError) as exc:
        open_run(CONFIG, notebook="t", overrides=[override])
    assert f"field {field}" in str(exc.value)
