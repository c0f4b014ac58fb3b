"""The reliability sections (dgpe.sections.reliability) on the default run and off it: survey scales
only with a survey, Delphi agreement only with Delphi ratings, indicator blocks from the prepared
data, and a constant indicator or a too-small block skipped with a finding, not a crash."""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from dgpe.record import Recorder
from dgpe.sections import Section, reliability
from dgpe.session import Run, open_run
from methods.psychometrics import reliability as rel

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "configs" / "default.yaml"
EGDI = ROOT / "configs" / "egdi.yaml"
NO_INPUTS = ("data.survey=null", "data.delphi=null", "data.experts=null", "data.ahp=null")


@functools.cache
def run_of(config: Path, *overrides: str) -> Run:
    return open_run(config, notebook="t", overrides=list(overrides))


def sections(run: Run, *, survey: bool = True) -> dict[str, Section]:
    out = {"survey": reliability.survey_scales(run) if survey else None,
           "dimensions": reliability.dimensions(run), "delphi": reliability.delphi(run)}
    out = {k: v for k, v in out.items() if v is not None}
    out["verdicts"] = reliability.verdicts(run, *out.values())
    for sec in out.values():
        for fig in sec.figures:
            plt.close(fig.figure)
    return out


@functools.cache
def sections_of(config: Path, *overrides: str) -> dict[str, Section]:
    return sections(run_of(config, *overrides))


def assert_sound(secs: dict[str, Section]) -> None:
    rec = Recorder(None, notebook="t")
    for sec in secs.values():
        if sec.skipped is not None:
            assert sec.skipped.key and sec.skipped("en") and sec.skipped("zh")
        for lang in ("zh", "en"):
            sec.markdown(lang)
        rec.section(sec)


class Patched(Run):
    """A run whose prepared indicators, survey or Delphi ratings are replaced (test doubles)."""

    def __init__(self, run: Run, **parts: pd.DataFrame) -> None:
        super().__init__(plan=run.plan, rec=run.rec)
        self.parts = parts

    @property
    def prepared(self) -> pd.DataFrame:
        return self.parts.get("prepared", super().prepared)

    @property
    def survey(self) -> pd.DataFrame | None:
        return self.parts.get("survey", super().survey)

    @property
    def delphi(self) -> pd.DataFrame | None:
        return self.parts.get("delphi", super().delphi)


BUILD_VARIANTS = [
    ("build.normalise.method=zscore", "build.weights=equal"),
    ("build.normalise.method=rank", "build.weights=entropy"),
    ("build.weights=ahp",),
    ("build.weights=critic",),
    ("build.aggregate.default=geometric", "build.normalise.range=[1,100]"),
]
PREPARE_VARIANTS = [("build.treat.method=none", "build.impute.method=median")]


@pytest.mark.parametrize("overrides", BUILD_VARIANTS, ids=str)
def test_normalisation_weights_and_aggregation_leave_reliability_alone(overrides):
    """The blocks come from the treated indicators, before normalisation, weights and aggregation."""
    got = reliability.dimensions(run_of(DEFAULT, *overrides))
    for fig in got.figures:
        plt.close(fig.figure)
    want = sections_of(DEFAULT)["dimensions"]
    assert got.get_result("dimension_alpha") == want.get_result("dimension_alpha")


@pytest.mark.parametrize("overrides", [(), ("lang=en",), NO_INPUTS, *PREPARE_VARIANTS], ids=str)
def test_sections_are_sound(overrides):
    secs = sections_of(DEFAULT, *overrides)
    assert_sound(secs)
    assert secs["dimensions"].get_result("dimension_alpha").keys() == {"A", "B", "C", "D"}


def test_default_keeps_the_notebook_records():
    secs = sections_of(DEFAULT)
    assert [t.name for s in secs.values() for t in s.tables] == [
        "survey_reliability", "survey_items", "dimension_reliability", "subdimension_reliability",
        "dimension_items", "delphi_agreement", "delphi_icc_last_round", "verdicts"]
    assert secs["delphi"].findings[-1]("en") == (
        "Kendall's W moved from 0.270 (round 1) to 0.410 (round 2): the panel converged.")
    flagged = [f("en") for f in secs["dimensions"].findings]
    assert flagged == ["B3 Cross-region collaboration: review indicator(s) B3.3 (corrected item-total r < .30, "
                       "or alpha rises without it)."]
    assert len(secs["verdicts"].get_table("verdicts")) == 3 + 4 + 11


def test_survey_and_delphi_only_when_present():
    secs = sections_of(DEFAULT, *NO_INPUTS)
    assert secs["survey"].skipped.key == "plan.skipped_no_survey"
    assert secs["delphi"].skipped.key == "plan.skipped_no_delphi"
    kinds = secs["verdicts"].get_table("verdicts")["kind"].unique().tolist()
    assert kinds == ["dimension", "subdimension"]


def test_the_flat_egdi_block_is_the_whole_index():
    secs = sections_of(EGDI)
    assert_sound(secs)
    assert secs["survey"].skipped is not None and secs["delphi"].skipped is not None
    dims = secs["dimensions"]
    assert list(dims.get_result("dimension_alpha")) == ["EGDI"]
    keys = [f.key for f in dims.findings]
    assert keys == ["reliability.no_subdimensions", "reliability.all_reliable"]
    assert dims.findings[-1]("en").startswith("The index's component indicators: alpha ≥ .70")


def test_a_constant_indicator_skips_its_blocks():
    run = run_of(DEFAULT)
    prepared = run.prepared.copy()
    prepared["A1.1"] = 1.0
    secs = sections(Patched(run, prepared=prepared))
    dims = secs["dimensions"]
    const = [f for f in dims.findings if f.key == "reliability.block_constant"]
    assert [f.params["code"] for f in const] == ["A", "A1"] and "A1.1" in const[0]("en")
    assert "A" not in dims.get_result("dimension_alpha")
    assert "A1" not in dims.get_table("subdimension_reliability").index
    assert_sound(secs)


def test_a_dimension_of_two_indicators_is_skipped_with_a_finding():
    run = run_of(DEFAULT)
    prepared = run.prepared.drop(columns=["A1.2", "A1.3"])  # sub-dimension A1 keeps two indicators
    dims = reliability.dimensions(Patched(run, prepared=prepared))
    small = [f for f in dims.findings if f.key == "reliability.block_too_small"]
    assert [(f.params["code"], f.params["n"]) for f in small] == [("A1", 2)]
    assert "A1" not in dims.get_table("subdimension_reliability").index
    assert "A" in dims.get_result("dimension_alpha")


def test_nothing_analysable_says_so():
    run = run_of(EGDI)
    dims = reliability.dimensions(Patched(run, prepared=run.prepared.iloc[:, :2]))
    assert [f.key for f in dims.findings] == ["reliability.block_too_small", "reliability.no_subdimensions",
                                             "reliability.no_blocks"]
    assert not dims.tables and not dims.results


def test_a_constant_survey_item_is_reported_not_crashed():
    run = run_of(DEFAULT)
    survey = run.survey.copy()
    item = run.framework.scales[0].items[0]
    survey[item] = 3
    sec = reliability.survey_scales(Patched(run, survey=survey))
    for fig in sec.figures:
        plt.close(fig.figure)
    bad = [f for f in sec.findings if f.key == "reliability.not_analysed"]
    assert [f.params["code"] for f in bad] == [run.framework.scales[0].code]
    assert run.framework.scales[0].code not in sec.get_table("survey_reliability").index


def test_degenerate_delphi_ratings_skip_with_the_reason():
    run = run_of(DEFAULT)
    delphi = run.delphi.assign(score=5)
    sec = reliability.delphi(Patched(run, delphi=delphi))
    assert sec.skipped is not None and sec.skipped.key == "reliability.delphi_not_analysed"
    assert "W is undefined" in sec.skipped("en")


def test_grades_match_the_published_cut_offs():
    run = run_of(DEFAULT)
    for v in np.linspace(0, 1, 101):
        w = reliability.grade(run, v, reliability.W_GRADES, "w_very_weak")
        i = reliability.grade(run, v, reliability.ICC_GRADES, "icc_poor")
        assert (w("en"), w("zh")) == (rel.kendall_label(v, "en"), rel.kendall_label(v, "zh"))
        assert (i("en"), i("zh")) == (rel.icc_label(v, "en"), rel.icc_label(v, "zh"))


def test_the_alpha_threshold_comes_from_the_options():
    secs = sections_of(DEFAULT, "options.reliability.alpha_acceptable=0.85")
    weak = [f for f in secs["dimensions"].findings if f.key == "reliability.weak"]
    assert len(weak) == 1 and "alpha < .85" in weak[0]("en")
    levels = {f.params["code"]: f.severity for f in secs["survey"].findings}
    assert levels == {"ONLINE": "warning", "OFFLINE": "warning", "OVERALL": "warning"}
