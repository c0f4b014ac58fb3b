"""dgpe.sections.factor off the default path: no survey, a flat framework of three components
(EGDI), too few units or a singular matrix leave the sections standing, skipped ones with a reason."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from dgpe.sections import factor as fs
from dgpe.session import open_run

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "configs" / "default.yaml"
EGDI = ROOT / "configs" / "egdi.yaml"
FAST = ["options.factor.parallel_iterations=10"]  # parallel analysis dominates the runtime
CASES = {
    "default_en": (DEFAULT, FAST),
    "no_survey_zscore": (DEFAULT, [*FAST, "data.survey=null", "build.normalise={method: zscore}"]),
    "treat_none": (DEFAULT, [*FAST, "data.survey=null", "build.treat={method: none}", "build.impute={method: mean}"]),
    "egdi": (EGDI, FAST),
}


def sections(run, sets=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inst = fs.instruments(run)
        sets = sets if sets is not None else inst.data["sets"]
        cfa = fs.cfa(run, sets)
        out = [inst, fs.adequacy(run, sets), fs.parallel(run, sets), fs.efa(run, sets), cfa,
               fs.validity(run, sets, cfa.data.get("cfas")), fs.unidimensionality(run, sets)]
    plt.close("all")
    return {s.name: s for s in out}


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    config, overrides = CASES[request.param]
    run = open_run(config, notebook="t", lang="en", overrides=overrides)
    return request.param, run, sections(run)


def test_sections_stand_and_findings_render(case):
    _, _, secs = case
    for sec in secs.values():
        if sec.skipped is not None:
            assert not sec.tables and sec.skipped("en") and sec.skipped("zh"), sec.name
        for f in sec.findings:
            assert f("en") and f("zh"), f.key


def test_survey_only_with_a_survey(case):
    _, run, secs = case
    sets = secs["factor.instruments"].data["sets"]
    assert ("survey" in sets.sets) == run.plan.has("survey")
    keys = [f.key for f in secs["factor.instruments"].findings]
    assert ("factor.survey_absent" in keys) != run.plan.has("survey")
    if not run.plan.has("survey"):
        names = [t.name for s in secs.values() for t in s.tables]
        assert not [n for n in names if n.endswith("_survey")], names


def test_indicator_analyses_run_on_the_prepared_data(case):
    _, run, secs = case
    x, model = secs["factor.instruments"].data["sets"].sets["indicators"]
    assert set(x.columns) <= set(run.prepared.columns)
    assert sum(len(v) for v in model.values()) == x.shape[1]
    adequacy = secs["factor.adequacy"].get_table("adequacy")
    assert "indicators" in adequacy.index


def test_egdi_single_factor_verdicts():
    run = open_run(EGDI, notebook="t", lang="en", overrides=FAST)
    secs = sections(run)
    keys = {f.key for s in secs.values() for f in s.findings}
    assert "factor.cfa_just_identified" in keys  # one factor over three components: df = 0
    assert "factor.validity_single_factor" in keys
    assert not keys & {"factor.validity_ok", "factor.cfa_fit_ok", "factor.cfa_fit_poor"}
    assert {t.name for t in secs["factor.validity"].tables} == {"validity"}  # no HTMT / Fornell-Larcker


@pytest.fixture(scope="module")
def default_run():
    return open_run(DEFAULT, notebook="t", lang="en", overrides=[*FAST, "data.survey=null"])


def test_too_few_units_skip_with_a_reason(default_run):
    sets = fs.instruments(default_run).data["sets"]
    x, model = sets.sets["indicators"]
    tiny = fs.Instruments({"indicators": (x.head(6), model)}, {k: b.head(6) for k, b in sets.blocks.items()})
    secs = sections(default_run, tiny)
    for name in ("factor.adequacy", "factor.efa", "factor.cfa", "factor.validity"):
        sec = secs[name]
        assert sec.skipped is not None and sec.skipped.key == "factor.skipped_cannot_run", name
        assert sec.skipped("en").startswith("The analysis cannot run"), name


def test_singular_matrix_is_a_finding_not_a_crash(default_run):
    sets = fs.instruments(default_run).data["sets"]
    x, model = sets.sets["indicators"]
    first = next(iter(model))
    dup = x.assign(DUP=x[model[first][0]])
    singular = {**model, first: [*model[first], "DUP"]}
    rng = np.random.default_rng(1)
    common = rng.normal(size=(200, 1))
    survey = pd.DataFrame(common + rng.normal(size=(200, 3)), columns=["q1", "q2", "q3"])
    two = fs.Instruments({"indicators": (dup, singular), "survey": (survey, {"S": ["q1", "q2", "q3"]})}, {})
    secs = sections(default_run, two)
    sec = secs["factor.adequacy"]
    assert sec.skipped is None
    failed = [f for f in sec.findings if f.key == "factor.set_failed"]
    assert [f.params["set"].en for f in failed] == ["indicators"]
    assert list(sec.get_table("adequacy").index) == ["survey"]
    assert secs["factor.first_component"].skipped is not None
