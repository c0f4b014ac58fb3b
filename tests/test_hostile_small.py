"""Issue 16, class "internal errors from a notebook cell" and "findings, not silence": legitimate
small or unusual inputs run to a report, each section computing or skipped with a stated reason.

Organised by class: the section guard (an analysis error skips its section with a finding; numerical
warnings become findings), names (record names in any script, safe file names), the plan (what
cannot be computed is left out before any kernel starts, with the reason), sections on small data,
the notebooks' code in process (no kernel) on every case, and two end-to-end reports. The inputs
are built by :mod:`tests.hostile_data` from the bundled example.

New names are imported inside the tests, so that each case fails on its own on a version without them.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from dgpe.sections.base import Section
from dgpe.text import Text
from tests import hostile_data as hd

# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    """Run configs of the hostile cases, written once."""
    root = tmp_path_factory.mktemp("hostile")
    made = {name: build(root / name) for name, build in hd.CASES.items()}
    made["three_units"] = hd.few_units(root / "three_units", n=3)
    made["survey6"] = hd.tiny_survey(root / "survey6", n=6)
    made["two_units"] = hd.few_units(root / "two_units", n=2)
    made["alone_only"] = hd.alone_in_groups(root / "alone_only", groups=("province",))
    return made


_RUNS: dict[tuple[str, str], object] = {}


def run_of(cases, name, lang="en"):
    """The :class:`dgpe.session.Run` of a case (resolved once per module)."""
    from dgpe.session import open_run

    if (name, lang) not in _RUNS:
        _RUNS[(name, lang)] = open_run(cases[name], notebook="t", lang=lang)
    return _RUNS[(name, lang)]


# -- the guard: no analysis error ends a report ----------------------------------------------------


def test_an_internal_error_skips_its_section_with_the_error_named_and_the_traceback_kept():
    from dgpe.sections.guard import guarded

    @guarded
    def broken(run):
        sec = Section("demo.broken", Text("演示", "Demo"))
        sec.table("t", pd.DataFrame({"x": [1]}), ("表", "Table"))
        return sec, {}["missing"]

    sec = broken(None)
    assert sec.name == "demo.broken" and sec.title("en") == "Demo" and not sec.tables
    assert sec.skipped.key == "section.skipped_internal_error" and sec.skipped.severity == "warning"
    assert "KeyError: 'missing'" in sec.skipped("en") and "Internal error" in sec.skipped("en")
    assert "内部错误" in sec.skipped("zh")
    assert "Traceback" in sec.traceback and "broken" in sec.traceback


def test_a_method_error_skips_its_section_naming_the_error_without_a_traceback():
    from dgpe.sections.guard import guarded
    from methods import MethodError

    @guarded
    def limited(run):
        title = Text("小样本", "Small sample")  # noqa: F841 - the guard takes the section's title from here
        raise MethodError("kendall_w: needs at least 2 raters (columns), got 1")

    sec = limited(None)
    assert sec.skipped.key == "section.skipped_method_error"
    assert "needs at least 2 raters" in sec.skipped("en") and sec.traceback is None
    assert sec.title("zh") == "小样本" and sec.name.endswith(".limited")


def test_numpy_and_pandas_errors_inside_a_section_are_internal_errors_not_the_end_of_the_report():
    import numpy as np

    from dgpe.sections.guard import guarded

    @guarded
    def singular(run):
        return np.linalg.inv(np.zeros((2, 2)))

    @guarded
    def out_of_range(run):
        return pd.Series([], dtype=float).iloc[0]

    for fn, error in ((singular, "LinAlgError"), (out_of_range, "IndexError")):
        sec = fn(None)
        assert sec.skipped.key == "section.skipped_internal_error" and error in sec.skipped("en")


def test_warnings_raised_before_a_section_failed_stay_on_the_skipped_section(tmp_path):
    """The skip names the error, and the numerical warnings that came before it are kept as findings
    (in the section and in the notebook's record), not dropped."""
    from dgpe.record import Recorder
    from dgpe.report import internal_errors
    from dgpe.sections.guard import guarded

    @guarded
    def warned_then_broken(run):
        warnings.warn("invalid value encountered in divide", RuntimeWarning, stacklevel=1)
        return {}["missing"]

    sec = warned_then_broken(None)
    assert sec.skipped.key == "section.skipped_internal_error"
    assert [f.key for f in sec.findings] == ["section.method_warning"]
    assert "invalid value encountered in divide" in sec.findings[0]("en")
    rec = Recorder(tmp_path, notebook="05_index", lang="en")
    rec.section(sec)
    saved = json.loads((tmp_path / "records" / "05_index.json").read_text(encoding="utf-8"))["findings"]
    assert [(f.get("key"), bool(f.get("skipped"))) for f in saved] == [
        ("section.skipped_internal_error", True), ("section.method_warning", False)]
    assert internal_errors(tmp_path) == [f"05_index: {sec.name}"]


def test_a_limit_of_the_data_is_not_an_internal_error(tmp_path):
    from dgpe.record import Recorder
    from dgpe.report import internal_errors
    from dgpe.sections.guard import guarded
    from methods import MethodError

    @guarded
    def limited(run):
        raise MethodError("kendall_w: needs at least 2 raters (columns), got 1")

    Recorder(tmp_path, notebook="01_reliability", lang="en").section(limited(None))
    assert internal_errors(tmp_path) == []


def test_cli_run_exits_3_naming_the_sections_an_internal_error_skipped(tmp_path, monkeypatch, capsys):
    """A report written with sections skipped by a bug: exit status 3 (0 would say "complete"), the
    sections named in the summary; the status is documented in ``dgpe run --help``."""
    import dgpe.runner
    from dgpe.cli import EXIT_INTERNAL_ERROR, build_parser, main
    from dgpe.runner import RunSummary

    def run(*args, **kwargs):
        return RunSummary(tmp_path / "r", 1.0, {"05_index": 1.0}, ["[05_index] Internal error …"],
                          ["05_index: index.weights"])

    monkeypatch.setattr(dgpe.runner, "run_report", run)
    assert main(["run", "configs/default.yaml", "-q"]) == EXIT_INTERNAL_ERROR == 3
    out = capsys.readouterr().out
    assert "internal error in 1 section(s)" in out and "05_index: index.weights" in out
    monkeypatch.setattr(dgpe.runner, "run_report", lambda *a, **k: RunSummary(tmp_path / "r", 1.0, {}, ["a limit"]))
    assert main(["run", "configs/default.yaml", "-q"]) == 0
    run_help = build_parser()._subparsers._group_actions[0].choices["run"].format_help()  # type: ignore[union-attr]
    assert re.search(r"\b3\s+the report was written, but an internal error", run_help)


def test_deferred_signals_let_the_block_end_then_deliver():
    """SIGTERM and SIGINT in a deferred block are noted, the block runs to its end, and the signal
    reaches its handler right after (as ``dgpe run``'s renames and cleanup rely on)."""
    import signal

    from dgpe.interrupts import deferred_signals

    class Stop(Exception):
        pass

    def stop(signum, frame):
        raise Stop(signum)

    steps = []
    old = signal.signal(signal.SIGTERM, stop)
    try:
        with pytest.raises(Stop), deferred_signals() as noted:
            signal.raise_signal(signal.SIGTERM)
            steps.append("after the signal")
            assert noted == [signal.SIGTERM]
            with deferred_signals():  # nested: held until the outer block ends
                signal.raise_signal(signal.SIGTERM)
            steps.append("block ended")
        assert steps == ["after the signal", "block ended"]
        assert signal.getsignal(signal.SIGTERM) is stop
    finally:
        signal.signal(signal.SIGTERM, old)


def test_an_interrupt_is_not_caught_by_the_guard():
    from dgpe.sections.guard import guarded

    @guarded
    def interrupted(run):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted(None)


def test_numerical_warnings_become_findings_once_each_and_bounded():
    from dgpe.sections.guard import MAX_WARNINGS, guarded
    from methods import MethodWarning

    @guarded
    def noisy(run):
        for i in range(MAX_WARNINGS + 2):
            for _ in range(3):  # repeated: listed once
                warnings.warn(f"invalid value encountered in sqrt #{i}", RuntimeWarning, stacklevel=1)
        warnings.warn("cfa: did not converge", MethodWarning, stacklevel=1)
        return Section("demo.noisy", Text("演示", "Demo"))

    sec = noisy(None)
    keys = [f.key for f in sec.findings]
    assert keys.count("section.method_warning") == MAX_WARNINGS
    (more,) = [f for f in sec.findings if f.key == "section.more_warnings"]
    assert more.params["n"] == 3 and all(f.severity == "warning" for f in sec.findings)
    assert "RuntimeWarning" in sec.findings[0]("en") and "数值警告" in sec.findings[0]("zh")


def test_other_warnings_pass_on_unchanged():
    from dgpe.sections.guard import guarded

    @guarded
    def deprecated(run):
        warnings.warn("old API", DeprecationWarning, stacklevel=1)
        return Section("demo.deprecated", Text("演示", "Demo"))

    with pytest.warns(DeprecationWarning, match="old API"):
        sec = deprecated(None)
    assert sec.findings == []


def test_every_public_section_function_is_guarded():
    import importlib
    import inspect

    from dgpe.sections.guard import is_guarded

    unguarded = []
    for topic in ("audit", "reliability", "factor", "weights", "sensitivity", "index", "comparison"):
        module = importlib.import_module(f"dgpe.sections.{topic}")
        for name, fn in vars(module).items():
            if (inspect.isfunction(fn) and not name.startswith("_") and fn.__module__ == module.__name__
                    and inspect.unwrap(fn).__annotations__.get("return") == "Section" and not is_guarded(fn)):
                unguarded.append(f"{topic}.{name}")
    assert unguarded == []


def test_the_record_keeps_the_traceback_and_the_report_lists_the_internal_error(tmp_path):
    from dgpe.method_note import skipped_analyses
    from dgpe.record import Recorder
    from dgpe.sections.guard import guarded

    @guarded
    def broken(run):
        return [][1]

    rec = Recorder(tmp_path, notebook="01_reliability", lang="en")
    rec.section(broken(None))
    record = json.loads((tmp_path / "records" / "01_reliability.json").read_text(encoding="utf-8"))
    (f,) = record["findings"]
    assert f["skipped"] and f["level"] == "warning" and "IndexError" in f["traceback"]
    ((nb, text, sections),) = skipped_analyses({"01_reliability": record}, "en")
    assert "Internal error" in text and "IndexError" in text and sections == [f["section"]]


# -- names: unit ids and group columns in any script -------------------------------------------------


@pytest.mark.parametrize(("name", "same"), [
    ("card_甲省第1市", True), ("peers_省份", True), ("group_means_層級", True), ("card_P1-001", True),
    ("card_../etc/passwd", False), ("card_a\\b", False), ("card_x\ty", False), (".hidden", False),
    ("card_\u202eevil", False),
])
def test_file_stem_keeps_names_in_any_script_and_makes_unsafe_ones_safe(name, same):
    from dgpe.record import file_stem

    stem = file_stem(name)
    assert (stem == name) is same
    assert not any(c in stem for c in '/\\:*?"<>|\t\u202e') and not stem.startswith(".")
    assert file_stem(stem) == stem


def test_two_unsafe_names_that_differ_keep_different_files():
    from dgpe.record import file_stem

    assert file_stem("card_a/b") != file_stem("card_a\\b")


def test_the_recorder_takes_chinese_names_and_refuses_path_separators(tmp_path):
    from dgpe.record import Recorder

    rec = Recorder(tmp_path, notebook="05_index", lang="zh")
    rec.table("peers_省份", pd.DataFrame({"x": [1.0]}))
    assert (tmp_path / "tables" / "05_index__peers_省份.csv").is_file()
    with pytest.raises(ValueError, match="path separator"):
        rec.table("peers_../x", pd.DataFrame())


def test_chinese_unit_ids_and_group_columns_run_through_the_index_sections(cases, tmp_path):
    from dgpe.record import Recorder
    from dgpe.sections import index as index_sections

    run = run_of(cases, "chinese_ids", "zh")
    rec = Recorder(tmp_path, notebook="05_index", lang="zh")
    for fn in (index_sections.ranking, index_sections.cards, index_sections.peers):
        sec = fn(run)
        assert sec.skipped is None, sec.skipped and sec.skipped("en")
        rec.section(sec)
    assert (tmp_path / "tables" / "05_index__peers_省份.csv").is_file()
    assert any(p.name.startswith("05_index__card_") and "省" in p.name for p in (tmp_path / "figures").iterdir())


# -- the plan: what cannot be computed is left out before any kernel starts ----------------------------


def test_one_unit_builds_no_index_and_says_why(cases):
    plan = run_of(cases, "one_unit").plan
    assert not plan.has("index") and plan.why_not("index").key == "plan.skipped_too_few_units"
    assert "has 1 unit" in plan.why_not("index")("en") and plan.why_not("bands").key == "plan.skipped_too_few_units"
    assert plan.has("survey") and plan.has("ahp") and plan.has("delphi")
    assert json.dumps(plan.to_dict(), ensure_ascii=False)  # plan.json can be written


def test_one_unit_is_listed_as_left_out_by_validate(cases, capsys):
    from dgpe.cli import main

    assert main(["validate", str(cases["one_unit"])]) == 0
    assert "fewer than the 2 an index needs" in capsys.readouterr().out


def test_a_one_expert_delphi_round_leaves_out_the_agreement_and_keeps_the_screening(cases):
    from dgpe.sections import reliability, weights

    run = run_of(cases, "one_expert")
    assert run.plan.why_not("delphi_panel").key == "plan.skipped_one_expert"
    sec = reliability.delphi(run)
    assert sec.skipped is not None and "needs at least two" in sec.skipped("en")
    assert weights.delphi(run).skipped is None


def test_peer_groups_of_one_unit_each_are_left_out_with_the_reason(cases):
    from dgpe.sections import index as index_sections

    assert run_of(cases, "alone_in_groups").plan.has("groups")  # the tier column still has peers
    run = run_of(cases, "alone_only")
    assert run.plan.why_not("groups").key == "plan.skipped_singleton_groups"
    sec = index_sections.peers(run)
    assert sec.skipped is not None and "province" in sec.skipped("en")
    assert index_sections.cards(run).skipped is None


def test_two_units_with_an_indicator_alike_are_refused_naming_the_field_and_the_indicator(cases):
    from dgpe.config import load_run_config
    from dgpe.errors import ConfigError
    from dgpe.plan import resolve_plan

    with pytest.raises(ConfigError, match=r"build\.normalise.*no variance"):
        resolve_plan(load_run_config(cases["two_units"]))


def test_a_constant_indicator_is_refused_at_loading_naming_the_column(cases):
    from dgpe.errors import DataError
    from dgpe.session import open_run

    with pytest.raises(DataError, match="column A1.1.*zero variance"):
        open_run(cases["constant_indicator"], notebook="t")


def test_numerical_warnings_of_the_build_are_findings_of_the_ranking(cases, monkeypatch):
    import methods.index
    from dgpe.sections import index as index_sections
    from dgpe.session import open_run

    original = methods.index.build_index

    def noisy(*args, **kwargs):
        warnings.warn("overflow encountered in multiply", RuntimeWarning, stacklevel=1)
        return original(*args, **kwargs)

    monkeypatch.setattr(methods.index, "build_index", noisy)
    run = open_run(cases["few_units"], notebook="t", lang="en")
    monkeypatch.undo()
    (f,) = run.plan.build_warnings
    assert f.key == "section.method_warning" and "overflow" in f("en")
    assert f in index_sections.ranking(run).findings
    assert run.plan.to_dict()["build_warnings"] == [f("en")]


# -- sections on small data: each computes or is skipped with a stated reason ----------------------------


def test_a_sub_dimension_of_two_indicators_is_named_too_small_not_an_error(cases):
    from dgpe.sections import reliability

    sec = reliability.dimensions(run_of(cases, "two_indicator_subdimension"))
    assert sec.skipped is None
    (small,) = [f for f in sec.findings if f.key == "reliability.block_too_small"]
    assert small.params["code"] == "D1" and small.params["n"] == 2


def test_a_survey_item_without_variance_is_named_and_the_other_scales_analysed(cases):
    from dgpe.sections import reliability

    sec = reliability.survey_scales(run_of(cases, "constant_survey_item"))
    assert sec.skipped is None and {"OFFLINE", "OVERALL"} <= set(sec.get_table("survey_reliability").index)
    (f,) = [f for f in sec.findings if f.key == "reliability.not_analysed"]
    assert "ON1" in f("en") and "constant" in f("en") and "ON1" in f("zh")


def test_a_tiny_survey_skips_the_fuzzy_evaluation_with_the_reason(cases):
    from dgpe.sections import comparison

    sec = comparison.survey_fuzzy(run_of(cases, "survey6"))
    assert sec.skipped is not None and "no rating" in sec.skipped("en")


def test_three_units_numerical_warnings_are_findings_of_their_section(cases):
    from dgpe.sections import reliability

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # none escapes the section
        sec = reliability.dimensions(run_of(cases, "three_units"))
    assert any(f.key == "section.method_warning" and "RuntimeWarning" in f("en") for f in sec.findings)


def test_three_units_the_uncertainty_analysis_is_skipped_with_the_reason(cases):
    from dgpe.sections import sensitivity

    sec = sensitivity.uncertainty(run_of(cases, "three_units"))
    assert sec.skipped is not None and "number of units 3" in sec.skipped("en")


def test_fewer_units_than_indicators_is_a_note_of_validate_and_the_weights_still_compare(cases):
    from dgpe.checks import check_plan
    from dgpe.sections import comparison

    run = run_of(cases, "few_units")
    assert any(re.match(r"20 units for \d+ indicators", p.message) for p in check_plan(run.plan))
    ranks = comparison.rankings(run)
    sec = comparison.indicator_weights(run, ranks)
    assert sec.skipped is None or sec.skipped("en")


def test_every_ahp_matrix_inconsistent_is_a_warning_finding(cases):
    from dgpe.sections import comparison, weights

    run = run_of(cases, "inconsistent_ahp")
    sec = weights.ahp_consistency(run)
    (f,) = [f for f in sec.findings if f.key == "weights.ahp_consistency"]
    judged = sum(len(m) >= 3 for m in run.ahp.values())  # a 2 × 2 matrix is always consistent
    assert f.severity == "warning" and f.params["n_bad"] == judged > 0
    fahp = comparison.fuzzy_ahp(run)
    assert any(g.key == "section.method_warning" and "inconsistent" in g("en") for g in fahp.findings)


def test_the_fuzzy_ahp_comparison_needs_no_index(cases):
    from dgpe.sections import comparison

    sec = comparison.fuzzy_ahp(run_of(cases, "one_unit"))
    assert sec.skipped is None and not sec.get_table("dimension_weights_fahp").empty


def test_an_empty_table_of_text_columns_is_displayed():
    """Units alone in their peer groups have no strengths or weaknesses against peers: the
    notebook shows the empty table (it stopped at ``.str`` of an empty column)."""
    from dgpe.display import format_table

    empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in ("unit", "kind", "item", "score")})
    assert "Score" in format_table(empty, "en").to_html()
    blanks = pd.DataFrame({"unit_name": ["甲", "乙"], "group": [float("nan"), float("nan")]}, dtype=object)
    assert "甲" in format_table(blanks, "zh").to_html()


# -- every notebook's code on every case, in process (no kernel) ------------------------------------------

NOTEBOOKS = {
    "chinese_ids": ["05_index"], "two_indicator_subdimension": ["01_reliability"],
    "constant_survey_item": ["01_reliability", "02_factor_structure"], "one_expert": ["01_reliability", "03_weights"],
    "alone_in_groups": ["05_index"], "few_units": ["02_factor_structure", "07_method_comparison"],
    "one_unit": ["00_data_audit", "01_reliability", "02_factor_structure", "03_weights", "04_sensitivity", "05_index",
                 "07_method_comparison"],
    "tiny_survey": ["01_reliability", "02_factor_structure", "07_method_comparison"],
    "survey6": ["07_method_comparison"], "inconsistent_ahp": ["07_method_comparison"],
}


@pytest.mark.parametrize(("case", "lang"), [(c, "zh" if i % 2 else "en") for i, c in enumerate(NOTEBOOKS)])
def test_the_notebooks_run_to_the_end_and_every_skip_states_its_reason(cases, case, lang):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        records = hd.run_notebooks_in_process(cases[case], NOTEBOOKS[case], lang)
    for nb, rec in records.items():
        for f in rec["findings"]:
            assert f[lang].strip() and f.get("key"), (nb, f)
            assert f.get("key") != "section.skipped_internal_error", (nb, f[lang])


# -- end to end: two reports ---------------------------------------------------------------------------


@pytest.mark.slow
def test_a_report_with_chinese_unit_ids_and_group_column_in_english(cases, tmp_path):
    from dgpe.runner import run_report

    summary = run_report(str(cases["chinese_ids"]), ["notebooks=[05_index]", "lang=en"], reports_dir=tmp_path,
                         progress=False)
    folder = summary.path
    assert (folder / "tables" / "05_index__peers_省份.csv").is_file()
    assert "省份" in (folder / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_report_of_one_unit_states_what_was_not_analysed(cases, tmp_path):
    from dgpe.runner import run_report

    summary = run_report(str(cases["one_unit"]), ["notebooks=[01_reliability, 02_factor_structure, 05_index]"],
                         reports_dir=tmp_path, progress=False)
    folder = summary.path
    landing, note = ((folder / f).read_text(encoding="utf-8") for f in ("index.html", "method-note.md"))
    reason = "只有 1 个单位"
    assert reason in landing and reason in note
    # the survey of one unit's ~20 respondents: the CFA warns (a Heywood case), on the page and in the note
    assert "计算中出现数值警告" in landing and "数值警告（02_factor_structure: factor.cfa）" in note
    assert any("数值警告" in w for w in summary.warnings)
    record = json.loads((folder / "records" / "01_reliability.json").read_text(encoding="utf-8"))
    assert "survey_reliability" in record["tables"]
    assert Path(folder / "method-note.docx").is_file()
