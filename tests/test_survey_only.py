"""Survey-only runs (a framework of scales, no index tree) on public item sets, checked against R
psych: the bfi Likert items (tests/reference/psych_bfi.json) and the ICAR ability items, binary
(tests/reference/psych_polychoric.json); and the analysis options of the run config (issue 12)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from dgpe.config import load_run_config
from dgpe.errors import ConfigError
from dgpe.plan import resolve_plan
from dgpe.record import Recorder
from dgpe.sections import audit as audit_sections
from dgpe.sections import comparison, factor, index, reliability, sensitivity, weights
from dgpe.session import Run

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT / "tests" / "reference"
BFI = ROOT / "configs" / "survey-bfi.yaml"
ABILITY = ROOT / "configs" / "survey-ability.yaml"


def _run(config: Path, *overrides: str) -> Run:
    plan = resolve_plan(load_run_config(config, list(overrides)), lang="en")
    return Run(plan=plan, rec=Recorder(None, notebook="t", lang="en"))


@pytest.fixture(scope="module")
def bfi() -> Run:
    return _run(BFI)


def _with(run: Run, **options) -> Run:
    """The same run with other ``options`` (the plan's inputs are reused)."""
    return Run(plan=dataclasses.replace(run.plan, options=options), rec=run.rec)


def test_survey_only_plan(bfi):
    plan = bfi.plan
    assert not plan.has("index") and plan.has("survey")
    assert plan.why_not("index").key == "plan.skipped_no_index"
    assert plan.why_not("years").key == "plan.skipped_no_index"  # what the index would need
    assert plan.to_dict()["build"] is None and plan.config.data.indicators is None


@pytest.mark.parametrize("section", [
    audit_sections.coverage, reliability.dimensions, weights.candidates, index.ranking, index.cards,
    sensitivity.uncertainty, comparison.rankings, comparison.survey_fuzzy])
def test_index_sections_are_skipped_with_the_reason(bfi, section):
    sec = section(bfi)
    assert sec.skipped is not None and sec.skipped.key == "plan.skipped_no_index"


def test_bfi_reliability_matches_psych(bfi):
    ref = json.loads((REF / "psych_bfi.json").read_text())
    table = reliability.survey_scales(bfi).get_table("survey_reliability")
    for scale, r in ref["alpha"].items():
        assert table.at[scale, "alpha"] == pytest.approx(r["raw_alpha"], abs=1e-6), scale
    # omega of a five-item scale: one factor by default (psych omega(nfactors = 1))
    assert table.at["C", "omega_total"] == pytest.approx(ref["omega_C1"]["omega_tot"], abs=1e-3)


def test_bfi_factor_structure_runs_on_the_survey_only(bfi):
    sets = factor.instruments(bfi).data["sets"]
    assert list(sets.sets) == ["survey"]
    ref = json.loads((REF / "psych_bfi.json").read_text())
    kmo = factor.adequacy(bfi, sets).get_table("adequacy").at["survey", "kmo"]
    assert kmo == pytest.approx(ref["kmo"]["overall"], abs=1e-6)
    assert factor.cfa(bfi, sets).get_table("cfa_fit").at["survey", "df"] == 265


def test_ability_binary_items_match_psych():
    run = _run(ABILITY)
    ref = json.loads((REF / "psych_polychoric.json").read_text()) if (REF / "psych_polychoric.json").exists() else None
    sec = reliability.survey_scales(run)
    table = sec.get_table("survey_reliability")
    assert "reliability.kr20" in [f.key for f in sec.findings]
    assert table.at["ICAR16", "omega_factors"] == 4  # options.reliability.omega_factors: 4
    alpha, omega_tot, omega_h = 0.829241400969443, 0.858506882059364, 0.658129573027236  # psych 2.2.9
    if ref is not None:
        assert (alpha, omega_tot) == (ref["alpha_ability"]["raw_alpha"], ref["omega_ability_4"]["omega_tot"])
    assert table.at["ICAR16", "alpha"] == pytest.approx(alpha, abs=1e-6)  # KR-20
    assert table.at["ICAR16", "omega_total"] == pytest.approx(omega_tot, abs=1e-3)
    assert table.at["ICAR16", "omega_h"] == pytest.approx(omega_h, abs=1e-3)


@pytest.mark.parametrize(("config", "override", "field"), [
    (BFI, "data.indicators=../data/example/indicators.csv", "field data.indicators"),
    (BFI, "data.survey=null", "field data.survey"),
    (BFI, "bands={high: 90}", "field bands"),
    (ROOT / "configs" / "default.yaml", "data.indicators=null", "field data.indicators"),
])
def test_inputs_the_framework_calls_for(config, override, field):
    with pytest.raises(ConfigError) as info:
        resolve_plan(load_run_config(config, [override]))
    assert field in str(info.value)


# -- analysis options ---------------------------------------------------------------------------


@pytest.mark.parametrize(("override", "field"), [
    ("options.factor.efa_factors=0", "options.factor.efa_factors"),
    ("options.factor.efa_extraction=uls", "options.factor.efa_extraction"),
    ("options.factor.efa_rotation=quartimax", "options.factor.efa_rotation"),
    ("options.factor.likert_correlation=spearman", "options.factor.likert_correlation"),
    ("options.factor.kmo_missing=listwise", "options.factor.kmo_missing"),
    ("options.factor.bartlett_missing=none", "options.factor.bartlett_missing"),
    ("options.reliability.omega_factors=many", "options.reliability.omega_factors"),
    ("options.cfa.model=A =~ A1 + Z9", "options.cfa.model"),
    ("options.cfa.model=A ~ A1", "options.cfa.model"),
    ("options.cfa.model_file=nowhere.lav", "options.cfa.model_file"),
    ("options.weights.delphi_rule=[mean, median]", "options.weights.delphi_rule"),
    ("options.verdicts.outcome_share=sometimes", "options.verdicts.outcome_share"),
])
def test_a_bad_option_is_refused_naming_the_field(override, field):
    with pytest.raises(ConfigError) as info:
        resolve_plan(load_run_config(BFI, [override]))
    assert f"field {field}" in str(info.value)


def test_efa_options_change_the_solution(bfi):
    sets = factor.instruments(bfi).data["sets"]
    default = factor.efa(bfi, sets).get_table("efa_loadings")
    assert [c for c in default.columns if c.startswith("MR")] == [f"MR{k}" for k in range(1, 6)]
    three = factor.efa(_with(bfi, factor={"efa_factors": 3}), sets)
    assert [c for c in three.get_table("efa_loadings").columns if c.startswith("MR")] == ["MR1", "MR2", "MR3"]
    assert "factor.efa_fewer" in [f.key for f in three.findings]
    parallel = factor.parallel(bfi, sets).get_result("parallel_n_factors")["survey"]
    assert factor.efa_factors(_with(bfi, factor={"efa_factors": "parallel"}), *sets.sets["survey"]) == parallel
    ml = factor.efa(_with(bfi, factor={"efa_extraction": "ml", "efa_rotation": "varimax"}), sets)
    loadings = ml.get_table("efa_loadings")
    assert "ML1" in loadings.columns and "factor.efa_options" in [f.key for f in ml.findings]
    assert np.allclose(ml.get_table("efa_phi_survey").to_numpy(), np.eye(5))  # varimax: orthogonal factors


def test_omega_factors_option(bfi):
    ref = json.loads((REF / "psych_bfi.json").read_text())
    table = reliability.survey_scales(_with(bfi, reliability={"omega_factors": 2})).get_table("survey_reliability")
    assert table.at["C", "omega_factors"] == 2
    assert table.at["C", "omega_total"] == pytest.approx(ref["omega_C2"]["omega_tot"], abs=1e-3)


def test_likert_correlation_option(bfi):
    sets = factor.instruments(_with(bfi, factor={"likert_correlation": "polychoric"})).data["sets"]
    assert sets.correlation("survey") == "polychoric"
    sec = factor.efa(_with(bfi, factor={"likert_correlation": "polychoric"}), sets)
    pearson = factor.efa(bfi, factor.instruments(bfi).data["sets"]).get_table("efa_loadings")
    assert not sec.get_table("efa_loadings")["own"].equals(pearson["own"])


def test_missing_data_options(bfi):
    sets = factor.instruments(bfi).data["sets"]
    sec = factor.adequacy(_with(bfi, factor={"kmo_missing": "complete", "bartlett_missing": "pairwise"}), sets)
    default = factor.adequacy(bfi, sets).get_table("adequacy")
    other = sec.get_table("adequacy")
    assert other.at["survey", "kmo"] != default.at["survey", "kmo"]
    assert other.at["survey", "bartlett_chi2"] != default.at["survey", "bartlett_chi2"]


def test_cfa_model_option(bfi, tmp_path):
    model = "A =~ A1 + A2 + A3 + A4 + A5\nC =~ C1 + C2 + C3 + C4 + C5\nA1 ~~ A2\n"
    (tmp_path / "model.lav").write_text(model, encoding="utf-8")
    cfg = tmp_path / "run.yaml"
    cfg.write_text(BFI.read_text(encoding="utf-8").replace("../data", str(ROOT / "data"))
                   + "options: {cfa: {model_file: model.lav}}\n", encoding="utf-8")
    run = _run(cfg)
    assert run.plan.cfa_model == ("survey", model)
    sec = factor.cfa(run)
    keys = [f.key for f in sec.findings]
    assert "factor.cfa_model_given" in keys
    assert sec.get_table("cfa_fit").at["survey", "df"] == 33  # 10 items, 2 factors, one residual covariance


@pytest.fixture(scope="module")
def default() -> Run:
    return _run(ROOT / "configs" / "default.yaml")


def test_delphi_rule_option(default):
    rule = weights.delphi_rule(default)
    assert (rule.min_mean, rule.max_cv, rule.min_full_score_ratio) == (3.5, 0.25, None)
    dropped = weights.delphi(default).get_table("delphi_dropped")
    other = _with(default, weights={"delphi_rule": ["full_score"], "delphi_min_full_score": 0.5})
    assert weights.delphi_rule(other).min_mean is None
    assert not weights.delphi(other).get_table("delphi_dropped").equals(dropped)


def test_outcome_share_verdict_can_be_turned_off(default):
    keys = [f.key for f in index.weight_shares(default).findings]
    assert any(k.startswith("index.outcome_") for k in keys)
    off = index.weight_shares(_with(default, verdicts={"outcome_share": False}))
    assert not any(f.key.startswith("index.outcome_") for f in off.findings)
    assert off.get_result("outcome_weight_share") == index.weight_shares(default).get_result("outcome_weight_share")


def test_jrc_thresholds_reach_the_build(default):
    treated = default.plan.index.stages["treated"]
    strict = default.plan.build(treat={"method": "jrc", "winmax": 5, "skew_thresh": 1.0, "kurt_thresh": 1.0})
    assert not strict.stages["treated"].equals(treated)


def test_every_option_is_documented_with_its_default():
    from dgpe.catalogue import option_specs

    text = (ROOT / "docs" / "run-config.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| `")}
    for key, spec in option_specs().items():
        assert f"`{key}`" in rows, f"docs/run-config.md does not document options.{key}"
        default = spec.get("value")
        shown = "none" if default is None else (f"`[{', '.join(default)}]`" if isinstance(default, list)
                                                 else f"`{str(default).lower() if isinstance(default, bool) else default}`")
        assert shown in rows[f"`{key}`"], f"options.{key}: the docs do not give its default {shown}"


def test_ability_tetrachoric_efa_matches_psych():
    """psych::fa(ability, nfactors = 4, cor = "tet", fm = "minres", rotate = "oblimin")."""
    run = _run(ABILITY, "options.factor.efa_factors=4")
    sets = factor.instruments(run).data["sets"]
    assert sets.correlation("survey") == "tetrachoric"
    got = factor.efa(run, sets).get_table("efa_loadings")
    ref = json.loads((REF / "psych_polychoric.json").read_text())["fa_tet_ability"]["loadings"]
    want = np.array(ref["values"])
    ours = got.loc[ref["rows"], [f"MR{k}" for k in range(1, 5)]].to_numpy()
    # psych names its columns before sorting them by variance (MR2 may come first): match by values
    order = [int(np.argmin(np.abs(ours - want[:, [j]]).max(axis=0))) for j in range(want.shape[1])]
    assert sorted(order) == [0, 1, 2, 3]
    assert ours[:, order] == pytest.approx(want, abs=1e-3)


def test_cfa_democracy_config_reproduces_lavaan_and_bollen():
    """configs/cfa-democracy.yaml (files and a config only): the measurement model of lavaan's
    tutorial with its six residual covariances gives lavaan's fit (tests/reference/lavaan_syntax.json,
    lavaan 0.6-14) and the tutorial's printed chi-square 38.125 on 35 df."""
    run = _run(ROOT / "configs" / "cfa-democracy.yaml")
    assert run.plan.cfa_model is not None and run.plan.cfa_model[0] == "survey"
    sec = factor.cfa(run)
    assert "factor.cfa_model_given" in [f.key for f in sec.findings]
    fit = sec.get_table("cfa_fit").loc["survey"]
    ref = json.loads((REF / "lavaan_syntax.json").read_text())["political_democracy"]["fit"]
    assert fit["df"] == ref["df"] == 35
    assert round(float(fit["chisq"]), 3) == 38.125
    for name in ("chisq", "cfi", "tli", "rmsea", "srmr", "aic", "bic"):
        assert float(fit[name]) == pytest.approx(ref[name], rel=1e-8, abs=5e-8), name
    resid = sec.get_table("cfa_residual_covariances_survey")
    assert len(resid) == 6 and {"est", "se", "std_all"} <= set(resid.columns)
