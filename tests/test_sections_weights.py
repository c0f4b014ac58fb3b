"""dgpe.sections.weights off the default path: every normalisation, weighting, aggregation and
missing input leaves the sections standing, skipped ones with a reason, verdicts fitting the run."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from dgpe.catalogue import message_text
from dgpe.sections import weights as ws
from dgpe.session import open_run

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "configs" / "default.yaml"
EGDI = ROOT / "configs" / "egdi.yaml"

CASES = {
    "default_en": (DEFAULT, []),
    "zscore": (DEFAULT, ["build.normalise={method: zscore}"]),
    "rank": (DEFAULT, ["build.normalise={method: rank}"]),
    "none": (DEFAULT, ["build.normalise={method: none}"]),
    "percentile_equal": (DEFAULT, ["build.normalise={method: percentile}", "build.weights=equal"]),
    "distance_max_critic": (DEFAULT, ["build.normalise={method: distance_max}", "build.weights=critic"]),
    "distance_max_pca": (DEFAULT, ["build.normalise={method: distance_max}", "build.weights=pca"]),
    "ahp": (DEFAULT, ["build.weights=ahp"]),
    "entropy": (DEFAULT, ["build.weights=entropy"]),
    "cv": (DEFAULT, ["build.weights=cv"]),
    "geometric": (DEFAULT, ["build.normalise={method: minmax, range: [1, 100]}",
                            "build.aggregate={default: geometric}"]),
    "no_ahp_delphi_survey": (DEFAULT, ["data.ahp=null", "data.delphi=null", "data.survey=null"]),
    "no_experts": (DEFAULT, ["data.experts=null"]),
    "egdi": (EGDI, []),
}


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    config, overrides = CASES[request.param]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = open_run(config, notebook="t", lang="en", overrides=overrides)
        cand = ws.candidates(run)
        schemes = cand.data["weights"]
        secs = {s.name: s for s in (ws.ahp_consistency(run), cand, ws.by_kind(run, schemes),
                                    ws.rankings(run, schemes), ws.delphi(run))}
    plt.close("all")
    return request.param, run, secs


def test_sections_stand_and_say_why_they_skip(case):
    _, _, secs = case
    for sec in secs.values():
        if sec.skipped is not None:
            assert not sec.tables and sec.skipped("en") and sec.skipped("zh"), sec.name
            continue
        for f in sec.findings:
            assert f("en") and f("zh"), f.key
        for t in sec.tables:
            assert not t.frame.empty, (sec.name, t.name)


def test_capabilities_decide_the_optional_sections(case):
    _, run, secs = case
    for name, cap in (("weights.ahp", "ahp"), ("weights.delphi", "delphi"), ("weights.kinds", "kinds")):
        assert (secs[name].skipped is None) == run.plan.has(cap), name
    if not run.plan.has("ahp"):
        assert not {"ahp", "fahp"} & set(secs["weights.candidates"].data["weights"])
    kinds = secs["weights.kinds"]
    if kinds.skipped is None and kinds.tables:
        has_outcome = "outcome" in kinds.get_table("weights_by_kind").columns
        assert any(f.key.startswith("weights.outcome_share") for f in kinds.findings) == has_outcome
    if run.plan.has("delphi"):
        keys = [f.key for f in secs["weights.delphi"].findings]
        assert keys == (["weights.delphi_last_round"] if run.plan.has("experts")
                        else ["weights.delphi_last_round_no_experts"])


def test_data_driven_schemes_run_on_non_negative_data(case):
    name, run, secs = case
    cand = secs["weights.candidates"]
    negative = bool((run.plan.index.stages["normalised"] < 0).any().any())
    assert ("weights.rescaled" in [f.key for f in cand.findings]) == negative
    if name in ("zscore", "none"):
        assert negative
    failed = [f.params["scheme"] for f in cand.findings if f.key == "weights.scheme_failed"]
    for scheme in ("entropy", "critic", "pca"):
        assert scheme in cand.data["weights"] or scheme in failed, scheme
    if name != "egdi":
        assert not failed, failed


def test_rankings_compare_with_the_run_scheme(case):
    _, run, secs = case
    own = ws.run_scheme(run)
    sec = secs["weights.rankings"]
    assert own in secs["weights.candidates"].data["weights"]
    assert sec.get_table("rank_shifts").loc[own, "max_abs_shift"] == 0
    f = sec.findings[0]
    expected = "weights.reference_expert" if own == "expert" else "weights.reference_run"
    assert f.params["reference"] == (message_text(expected) if own == "expert" else message_text(expected, scheme=own))
    key = "min_spearman_vs_expert" if own == "expert" else "min_spearman_vs_run"
    assert -1 <= sec.get_result(key) <= 1


def test_schemes_come_from_the_weighting_registry():
    from methods.weights import WEIGHTING

    names = ws.schemes()
    assert len(set(names)) == len(names) and names[0] == "expert"
    assert len(names) == len(WEIGHTING.names()) - 2  # all but a run's own 'values' and opt-in 'pca_coinr'
    assert names == ("expert", "equal", "ahp", "fahp", "entropy", "critic", "pca", "information",
                     "independence")  # the order the recorded tables have always had


def test_lists_in_chinese_weight_findings_use_the_enumeration_comma():
    """The inconsistent fuzzy matrices and the indicators Delphi drops are listed with 、 in Chinese."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = open_run(DEFAULT, notebook="t", overrides=["sensitivity={}"])
        found = {f.key: f for s in (ws.fahp_consistency(run), ws.delphi(run)) for f in s.findings}
    plt.close("all")
    for key in ("weights.fahp_consistency", "weights.delphi_last_round"):
        zh, en = found[key]("zh"), found[key]("en")
        assert "、" in zh and ", " not in zh and " / " not in zh and ", " in en, key
