"""The data-audit sections (dgpe.sections.audit) on the default run and off it: the sections never
fail, skip with a reason when their data are absent, and read their thresholds from the catalogue."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from dgpe.catalogue import message
from dgpe.record import Recorder
from dgpe.sections import Section, audit
from dgpe.sections.base import Finding
from dgpe.session import Run, open_run

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "configs" / "default.yaml"
EGDI = ROOT / "configs" / "egdi.yaml"
SECTIONS = (audit.coverage, audit.distributions, audit.bounds, audit.correlations, audit.pairs,
            audit.years, audit.panel_filled)
#: Runs whose data the distributions section sees differently (its 42 histograms take seconds; the
#: other variants change nothing it reads).
FULL = {(DEFAULT, ()), (EGDI, ())}


@functools.cache
def run_of(config: Path, *overrides: str) -> Run:
    return open_run(config, notebook="t", overrides=list(overrides))


@functools.cache
def sections_of(config: Path, *overrides: str) -> dict[str, Section]:
    run = run_of(config, *overrides)
    out = {}
    for f in SECTIONS:
        if f is audit.distributions and (config, overrides) not in FULL:
            continue
        sec = f(run)
        out[f.__name__] = sec
        for fig in sec.figures:
            plt.close(fig.figure)
    return out


def assert_sound(sections: dict[str, Section]) -> None:
    """Every section renders in both languages, skipped ones with a reason, and records."""
    rec = Recorder(None, notebook="t")
    for sec in sections.values():
        if sec.skipped is not None:
            assert sec.skipped.key and sec.skipped("en") and sec.skipped("zh")
            assert not sec.tables and not sec.results
        for lang in ("zh", "en"):
            sec.markdown(lang)
        rec.section(sec)


VARIANTS = [
    (DEFAULT, ()),
    (DEFAULT, ("lang=en",)),
    (DEFAULT, ("data.survey=null", "data.delphi=null", "data.experts=null", "data.ahp=null")),
    (DEFAULT, ("build.normalise.method=zscore", "build.weights=equal", "build.treat.method=none")),
    (DEFAULT, ("panel_impute.method=latest", "panel_impute.max_time=1")),
    (EGDI, ()),
]


@pytest.mark.parametrize("config,overrides", VARIANTS, ids=lambda v: str(v) if isinstance(v, tuple) else Path(v).stem)
def test_sections_are_sound(config, overrides):
    assert_sound(sections_of(config, *overrides))


def test_default_records_the_notebook_names():
    s = sections_of(DEFAULT)
    tables = [t.name for sec in s.values() for t in sec.tables]
    assert tables == ["coverage_by_indicator", "coverage_by_unit", "distributions", "bounds", "correlation_matrix",
                      "correlation_by_indicator", "correlation_between_dimensions", "pairs", "pair_gaps", "years"]
    results = {r.key: r.value for sec in s.values() for r in sec.results}
    assert results["n_units"] == 150 and results["n_indicators"] == 42
    assert results["ceiling_indicators"] == ["D1.1"] and results["n_outlier_flags"] == 2
    assert s["coverage"].findings[0]("en") == "Every unit has at least 66% of the data; 3.4% of cells are missing."


def test_panel_tables_only_with_panel_impute():
    plain = sections_of(DEFAULT)["panel_filled"]
    assert plain.skipped is not None and plain.skipped.key == "audit.skipped_no_panel_impute"
    overrides = ("panel_impute.method=latest", "panel_impute.max_time=1")
    sec = sections_of(DEFAULT, *overrides)["panel_filled"]
    run = run_of(DEFAULT, *overrides)
    table = sec.get_table("panel_filled")
    assert list(table.index) == list(run.X.columns[run.X.isna().any()])
    filled = (run.X.isna() & ~run.X_input.isna()).sum()
    assert table["filled"].to_dict() == {k: int(filled[k]) for k in table.index}
    assert sec.get_result("panel_filled_cells") == int(filled.sum())
    assert (table["from_later_years"] == 0).all() and sec.findings[0].severity == "info"  # latest looks back only


def test_coverage_by_year_only_with_years():
    run = run_of(DEFAULT)
    one_year = Finding("plan.skipped_one_year", {}, "info")
    plan = dataclasses.replace(run.plan, capabilities={**run.plan.capabilities, "years": one_year})
    sec = audit.years(Run(plan=plan, rec=run.rec))
    assert sec.skipped is not None and sec.skipped.key == "plan.skipped_one_year"
    assert sections_of(DEFAULT)["years"].get_table("years").index.tolist() == run.years


def test_flat_framework_has_no_pairs_and_one_block():
    s = sections_of(EGDI)
    assert s["pairs"].skipped is not None and s["pairs"].skipped.key == "audit.skipped_no_pairs"
    keys = [f.key for f in s["correlations"].findings]
    assert "audit.own_dimension" not in keys  # no claim about other dimensions when there are none


def test_thresholds_come_from_the_options():
    s = sections_of(DEFAULT, "options.audit.min_coverage=0.99", "options.audit.pair_repeat=3")
    cov = s["coverage"].findings[0]
    assert cov.key == "audit.coverage_low" and cov.severity == "warning" and "99%" in cov("en")
    pairs = s["pairs"]
    assert pairs.findings[0].key == "audit.available_not_used_n" and "3 or more pairs" in pairs.findings[0]("en")
    assert len(pairs.get_result("units_available_not_used")) < len(
        sections_of(DEFAULT)["pairs"].get_result("units_available_not_used"))


def test_messages_keep_the_old_wording():
    assert message("audit.ceiling", "en", code="D1.1", name="X", share=0.87, ceiling=0.99, within=0.01) == (
        "D1.1 X: 87% of units are within 1% of the maximum; it barely discriminates.")


def test_correlation_check_at_the_level_the_config_names():
    """options.audit.correlation_level 2 groups indicators by their parents (the sub-dimensions of
    the default framework), 0 (default) by dimensions; the margin is read from the catalogue."""
    by_dim = run_of(DEFAULT).plan
    assert by_dim.threshold("audit.correlation_level") == 0
    sub = audit.correlations(run_of(DEFAULT, "options.audit.correlation_level=2"))
    table = sub.get_table("correlation_by_indicator")
    assert set(table["group"]) == set(run_of(DEFAULT).framework.subdimension_of().values())
    strict = audit.correlations(run_of(DEFAULT, "options.audit.correlation_level=2",
                                       "options.audit.misplaced_margin=0.0"))
    loose = [f for f in sub.findings if f.key == "audit.misplaced"]
    flagged = [f for f in strict.findings if f.key == "audit.misplaced"]
    assert len(flagged) > len(loose)
    assert all(f.params["margin"] == 0.0 for f in flagged)
