"""Notebook 07's sections (dgpe.sections.comparison) on the default run and off it.

Each Run is opened once (no papermill). The checks: the sections read the run's own index (its
weights, normalisation and aggregation) and never rebuild it; the fuzzy evaluation and the coupling
grade indicators on a bounded 0-100 scale mapped from the index's scale, or on a min-max rescaling
of the treated data (with a finding) when the scale is unbounded, so z-scores are never graded
against 0-100 knots; sections without their inputs are skipped with a reason.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dgpe.sections import comparison as cmp
from dgpe.sections.base import Finding

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = str(ROOT / "configs" / "default.yaml")
EGDI = str(ROOT / "configs" / "egdi.yaml")


@functools.cache
def run_of(config: str, *overrides: str):
    from dgpe.session import open_run

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return open_run(config, notebook="t", overrides=list(overrides))


@functools.cache
def ranked(config: str, *overrides: str):
    """The run and its rankings section (which holds the evaluation)."""
    run = run_of(config, *overrides)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run, cmp.rankings(run)


def keys(sec) -> list[str]:
    return [f.key for f in sec.findings]


def minmax100(run) -> pd.DataFrame:
    """The treated indicators, oriented and min-max rescaled to [0, 100], by hand."""
    x = run.plan.index.stages["treated"][list(run.framework.indicator_codes)]
    d = run.meta.set_index("code").loc[x.columns, "direction"].astype(float)
    xo = x * d
    return (xo - xo.min()) / (xo.max() - xo.min()) * 100.0


# -- the default run ---------------------------------------------------------------------------------


def test_default_run_reads_the_index_as_it_is():
    run, sec = ranked(DEFAULT)
    ev = sec.data["evaluation"]
    res = run.plan.index
    assert ev.rescaled is None and "comparison.rescaled_unbounded" not in keys(sec)
    pd.testing.assert_frame_equal(ev.graded, res.stages["normalised"][ev.indicators])  # 0-100: mapped as is
    pd.testing.assert_series_equal(ev.scores["jrc_arithmetic"], res.scores[res.index_code], check_names=False)
    assert list(ev.scores.columns) == ["jrc_arithmetic", "jrc_geometric", "grey_relational", "entropy_topsis",
                                       "rsr_integer", "rsr_non_integer", "fuzzy_score"]
    agree = sec.get_table("agreement_with_jrc")
    assert agree.loc["rsr_non_integer", "spearman"] == pytest.approx(1.0)  # affine in the composite
    assert sec.get_result("min_spearman_with_jrc") == pytest.approx(float(agree["spearman"].min()), abs=1e-4)
    assert [t.name for t in sec.tables] == ["rank_correlations", "agreement_with_jrc", "biggest_movers"]


def test_default_run_every_section():
    run, sec = ranked(DEFAULT)
    g = cmp.grades(run, sec)
    assert g.get_table("rsr_grade_vs_fuzzy_verdict").to_numpy().sum() == len(run.units)
    w = cmp.indicator_weights(run, sec).get_table("indicator_weights_cn")
    assert w.sum().to_numpy() == pytest.approx(np.ones(4), abs=1e-4)
    f = cmp.fuzzy_ahp(run)
    assert f.skipped is None and list(f.get_table("dimension_weights_fahp").columns) == [
        "ahp_group", "fahp_geometric_mean", "fahp_extent"]
    c = cmp.coupling(run, sec)
    lag = c.data["coupling"].lagging
    assert c.get_result("share_output_lagging") == pytest.approx(float((lag == "output").mean()), abs=1e-6)
    assert keys(c) == ["comparison.output_lag"]


def test_survey_fuzzy_in_english():
    run = run_of(DEFAULT, "lang=en")
    sec = cmp.survey_fuzzy(run)
    verdicts = sec.get_table("survey_fuzzy_verdicts")
    assert verdicts["units"].sum() == len(run.units)
    assert set(verdicts.index) <= {"very dissatisfied", "dissatisfied", "neutral", "satisfied", "very satisfied"}
    corr = sec.get_table("survey_fuzzy_vs_index")["spearman"]
    assert corr.drop(run.plan.index.index_code).idxmax() == "D"
    text = sec.findings[0]("en")
    assert run.framework.name("D", "en") in text and run.framework.name("D", "zh") not in text


# -- the index's scale -------------------------------------------------------------------------------

NORMALISE = ["zscore", "rank", "percentile", "distance_max", "none"]


@pytest.mark.parametrize("method", NORMALISE)
def test_unbounded_scales_are_rescaled_with_a_finding(method):
    run, sec = ranked(DEFAULT, f"build.normalise.method={method}")
    ev = sec.data["evaluation"]
    if run.plan.scale.bounded:  # a scale the plan knows (after the registries land): mapped linearly
        lo, hi = run.plan.scale.low, run.plan.scale.high
        x = run.plan.index.stages["normalised"][ev.indicators]
        pd.testing.assert_frame_equal(ev.graded, (x - lo) * (100.0 / (hi - lo)))
        return
    assert ev.rescaled == "comparison.rescaled_unbounded"
    assert keys(sec)[0] == "comparison.rescaled_unbounded"
    assert "min-max 0-100 rescaling of the treated indicators" in sec.findings[0]("en")
    pd.testing.assert_frame_equal(ev.graded, minmax100(run), atol=1e-9, check_names=False)
    assert ev.fuzzy.verdict.nunique() > 1  # z-scores against 0-100 knots graded every unit 差
    assert ev.scores["jrc_arithmetic"].equals(run.plan.index.scores[run.plan.index.index_code])
    c = cmp.coupling(run, sec)
    assert c.skipped is None and 0.0 <= c.get_result("share_output_lagging") <= 1.0


def test_geometric_index_on_1_100_maps_its_scale():
    run, sec = ranked(DEFAULT, "build.aggregate.default=geometric", "build.normalise.range=[1,100]")
    ev = sec.data["evaluation"]
    assert (run.plan.scale.low, run.plan.scale.high) == (1.0, 100.0) and ev.rescaled is None
    x = run.plan.index.stages["normalised"][ev.indicators]
    pd.testing.assert_frame_equal(ev.graded, (x - 1.0) * (100.0 / 99.0))
    assert ev.graded.min().min() == pytest.approx(0.0) and ev.graded.max().max() == pytest.approx(100.0)
    assert list(ev.scores.columns[:2]) == ["jrc_geometric", "jrc_arithmetic"]
    res = run.plan.index
    assert ev.scores["jrc_geometric"].equals(res.scores[res.index_code])
    assert "JRC/OECD geometric composite" in sec.findings[0]("en")
    assert sec.findings[0]("zh").count("几何合成") == 1


def test_a_ranking_index_is_compared_with_the_arithmetic_variant():
    run, sec = ranked(DEFAULT, "build.aggregate.default=topsis")
    ev = sec.data["evaluation"]
    assert list(ev.scores.columns[:2]) == ["jrc_topsis", "jrc_arithmetic"] and ev.variant == "jrc_arithmetic"
    assert "JRC/OECD TOPSIS composite" in sec.findings[0]("en")
    assert sec.get_table("agreement_with_jrc").index[0] == "jrc_arithmetic"


def test_a_variant_the_data_refuse_is_left_out_with_a_warning(monkeypatch):
    from methods import MethodError

    run, _ = ranked(DEFAULT)

    def refuse(*args, **kwargs):
        raise MethodError("refused")

    monkeypatch.setattr(run.plan, "build", refuse)
    sec = cmp.rankings(run)
    assert "jrc_geometric" not in sec.data["evaluation"].scores.columns
    assert sec.findings[0].key == "comparison.variant_refused" and sec.findings[0].severity == "warning"


def test_an_indicator_normalised_onto_another_scale_is_refused_by_the_plan():
    """One z-scored indicator beside min-max ones under a mean: the plan refuses it (its weights
    would not mean what they say), so no section grades on a scale the data are not on."""
    from dgpe.errors import ConfigError

    with pytest.raises(ConfigError, match="field build.normalise"):
        run_of(DEFAULT, "build.normalise.overrides={A1.1: {method: zscore}}")


# -- the run's weights -------------------------------------------------------------------------------


@pytest.mark.parametrize("weights", ["equal", "ahp", "entropy", "critic", "pca", "cv"])
def test_methods_take_the_index_weights(weights):
    from methods import weights as wt

    run = run_of(DEFAULT, f"build.weights={weights}")
    ev = cmp.evaluate(run)
    res = run.plan.index
    expected = wt.effective_weights(run.meta, res.weights)[ev.indicators]
    pd.testing.assert_series_equal(ev.weights, expected)
    assert ev.weights.sum() == pytest.approx(1.0)
    assert ev.scores["jrc_arithmetic"].equals(res.scores[res.index_code])
    # with the index's weights the non-integer RSR is affine in the min-max arithmetic composite
    rho = ev.scores.corr(method="spearman").loc["rsr_non_integer", "jrc_arithmetic"]
    assert rho == pytest.approx(1.0, abs=1e-9)
    expert = cmp.indicator_weights(run, None).get_table("indicator_weights_cn")["expert"]
    assert expert.to_numpy() == pytest.approx(wt.effective_weights(run.meta)[ev.indicators].round(5).to_numpy())


# -- absent inputs -------------------------------------------------------------------------------------


def test_no_survey_skips_the_survey_evaluation():
    run = run_of(DEFAULT, "data.survey=null")
    sec = cmp.survey_fuzzy(run)
    assert sec.skipped is not None and sec.skipped.key == "plan.skipped_no_survey"
    assert "Section skipped" in sec.markdown("en")


def test_no_ahp_skips_fuzzy_ahp():
    run = run_of(DEFAULT, "data.ahp=null")
    sec = cmp.fuzzy_ahp(run)
    assert sec.skipped is not None and sec.skipped.key == "plan.skipped_no_ahp"


def test_no_kinds_skips_the_coupling(monkeypatch):
    run, sec = ranked(DEFAULT)
    caps = {**run.plan.capabilities, "kinds": Finding("plan.skipped_no_kinds", {}, "info")}
    monkeypatch.setattr(run.plan, "capabilities", caps)
    c = cmp.coupling(run, sec)
    assert c.skipped is not None and c.skipped.key == "plan.skipped_no_kinds" and not c.tables


def test_one_missing_kind_skips_the_coupling(monkeypatch):
    run, sec = ranked(DEFAULT)
    meta = run.meta.copy()
    meta.loc[meta["kind"] == "input", "kind"] = "output"
    monkeypatch.setattr(run.plan, "meta", meta)
    c = cmp.coupling(run, sec)
    assert c.skipped is not None and c.skipped.key == "comparison.skipped_missing_kind"
    assert c.skipped("en") == "The framework has no indicators of inputs; coupling coordination skipped."


def test_egdi_flat_framework_without_survey_or_ahp():
    """The UN EGDI: components already on 0-1 used as delivered (normalise: none, an unbounded
    scale): min-max rescaled (each component spans 0 to 1, so the same values x 100), OSI the output
    against TII and HCI the inputs; no survey, no AHP."""
    run, sec = ranked(EGDI)
    ev = sec.data["evaluation"]
    assert ev.rescaled == "comparison.rescaled_unbounded"
    raw = run.plan.index.stages["treated"][ev.indicators]
    pd.testing.assert_frame_equal(ev.graded, raw * 100.0, atol=1e-9)
    c = cmp.coupling(run, sec)
    rel = raw["OSI"] / raw[["TII", "HCI"]].mean(axis=1)
    assert c.get_result("share_output_lagging") == pytest.approx(float((rel < 0.9).mean()), abs=1e-6)
    assert cmp.survey_fuzzy(run).skipped.key == "plan.skipped_no_survey"
    assert cmp.fuzzy_ahp(run).skipped.key == "plan.skipped_no_ahp"
    assert cmp.grades(run, sec).findings and cmp.indicator_weights(run, sec).tables


def test_a_unit_at_zero_on_both_sides_skips_the_coupling():
    import dataclasses

    from dgpe.sections.base import Section

    run, sec = ranked(DEFAULT)
    ev = sec.data["evaluation"]
    graded = ev.graded.copy()
    graded.iloc[0] = 0.0
    base = Section("comparison.rankings", sec.title, data={"evaluation": dataclasses.replace(ev, graded=graded)})
    c = cmp.coupling(run, base)
    assert c.skipped is not None and c.skipped.key == "comparison.skipped_coupling_undefined"
    assert str(graded.index[0]) in c.skipped("en")
