"""Notebook 04's sections (dgpe.sections.sensitivity) off the default path: every build option the
plan accepts, runs without AHP data or a sensitivity block, English, and the EGDI example. Each
case runs the notebook's sections once (sensitivity n = 32); the assertions read the sections."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from dgpe.sections import Section
from dgpe.sections import sensitivity as sa_sections
from dgpe.session import open_run

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "configs" / "default.yaml"
EGDI = ROOT / "configs" / "egdi.yaml"

CASES: dict[str, tuple[Path, list[str]]] = {
    "default": (DEFAULT, []),
    "zscore": (DEFAULT, ["build.normalise.method=zscore"]),
    "ahp": (DEFAULT, ["build.weights=ahp"]),
    "entropy_no_ahp": (DEFAULT, ["build.weights=entropy", "data.ahp=null"]),
    "geometric": (DEFAULT, ["build.aggregate.default=geometric", "build.normalise.range=[1,100]"]),
    "topsis": (DEFAULT, ["build.aggregate.default=topsis"]),
    "en_no_inputs": (DEFAULT, ["lang=en", "data.survey=null", "data.delphi=null", "data.experts=null",
                               "data.ahp=null", "bands=null"]),
    "random_design": (DEFAULT, ["sensitivity.design=random"]),
    "no_sensitivity": (DEFAULT, ["sensitivity={}"]),
    "ahp_alternative": (DEFAULT, ["sensitivity.uncertainties.weights={alternatives: [expert, equal, ahp]}"]),
    "ahp_alternative_no_ahp": (DEFAULT, ["data.ahp=null",
                                         "sensitivity.uncertainties.weights={alternatives: [expert, equal, ahp]}"]),
    "egdi": (EGDI, ["groups=[]"]),
}


def notebook(run) -> dict[str, Section]:
    """Every section of notebook 04, in the notebook's order."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ua = sa_sections.uncertainty(run)
        out = {s.name: s for s in [ua] + [f(run, ua) for f in (
            sa_sections.rank_intervals, sa_sections.top_bottom, sa_sections.tiers,
            sa_sections.drivers, sa_sections.importance)]}
        loo = sa_sections.leave_one_out(run)
        for s in (sa_sections.balance(run), loo, sa_sections.bands(run, ua), sa_sections.verdict(run, ua, loo)):
            out[s.name] = s
    import matplotlib.pyplot as plt

    plt.close("all")
    return out


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    config, overrides = CASES[request.param]
    run = open_run(config, notebook="t", overrides=[*overrides, "sensitivity.n=32"] if request.param != "no_sensitivity"
                   else overrides)
    return request.param, run, notebook(run)


def keys(sections: dict[str, Section]) -> set[str]:
    return {f.key for s in sections.values() for f in s.findings}


def test_every_section_runs_or_says_why_not(case):
    name, run, sections = case
    for sec in sections.values():
        if sec.skipped is not None:
            assert sec.skipped("en") and sec.skipped("zh"), sec.name
            assert not sec.tables and not sec.findings
        for f in sec.findings:
            braces_in_params = any("{" in str(v) for v in f.params.values())  # e.g. a quoted error
            assert f("zh") and f("en") and ("{" not in f("en") or braces_in_params), (sec.name, f.key)
        for lang in ("zh", "en"):
            assert sec.markdown(lang) or not sec.findings


def test_the_nominal_build_is_the_plans(case):
    """The analysis ranks the plan's index (its spec and its resolved weights), not a rebuilt one."""
    name, run, sections = case
    res = sections["sensitivity.uncertainty"].data.get("result")
    if res is None:
        return
    idx = run.plan.index
    nominal = idx.ranks[idx.index_code].reindex(res.units.index)
    assert (nominal == res.units["nominal_rank"]).all()


def test_skips_follow_the_plan(case):
    name, run, sections = case
    ua = sections["sensitivity.uncertainty"]
    if not run.plan.has("sensitivity"):
        assert ua.skipped is not None and ua.skipped.key == "plan.skipped_no_sensitivity"
        assert all(sections[n].skipped is not None for n in ("sensitivity.rank_intervals", "sensitivity.verdict"))
        assert sections["sensitivity.leave_one_out"].skipped is None  # the nominal build suffices
    if run.plan.bands is None:
        assert sections["sensitivity.bands"].skipped is not None
    elif ua.skipped is None:
        assert sections["sensitivity.bands"].get_result("units_band_uncertain") >= 0
    if name == "random_design":
        assert sections["sensitivity.drivers"].skipped.key == "sensitivity.skipped_no_sobol"
        assert "sensitivity.loo_indicator_dimension" in keys(sections)


def test_scores_only_on_the_index_scale(case):
    """Score statistics come from samples on the plan's scale; without any, they are left out and
    a finding says so (never z-scores beside 0–100 scores)."""
    name, run, sections = case
    sec = sections["sensitivity.rank_intervals"]
    if sec.skipped is not None:
        return
    table = sec.get_table("rank_uncertainty")
    if "sensitivity.scores_off_scale" in keys(sections):
        assert "score_mean" not in table.columns
    else:
        assert table["score_mean"].notna().any()
    if name in ("zscore", "egdi"):
        assert "sensitivity.scores_off_scale" in keys(sections)


def test_ahp_weights_only_with_ahp_data(case):
    name, run, sections = case
    ua = sections["sensitivity.uncertainty"]
    if name == "ahp_alternative":
        assert ua.skipped is None
        assert "ahp" in str(ua.get_table("uncertain_inputs").to_string())
    if name == "ahp_alternative_no_ahp":
        # the plan leaves the weights out of the analysis, says so, and varies the rest
        assert ua.skipped is None
        dropped = [f for f in ua.findings if f.key == "plan.sensitivity_dropped"]
        assert dropped and dropped[0].params["step"] == "weights" and "ahp" in dropped[0]("en")
        assert "weights" not in set(ua.get_table("uncertain_inputs").index)


def test_kind_verdict_only_with_kinds(case):
    name, run, sections = case
    kind_keys = {k for k in keys(sections) if k.startswith("sensitivity.kinds_")}
    if not run.plan.has("kinds"):
        assert not kind_keys
    elif sections["sensitivity.verdict"].skipped is None:
        assert len(kind_keys) == 1


def test_unsampled_nominal_method_is_said(case):
    name, run, sections = case
    said = "sensitivity.nominal_not_sampled" in keys(sections)
    assert said == (name in ("topsis", "egdi")), name
