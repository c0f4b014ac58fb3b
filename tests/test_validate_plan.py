"""``dgpe validate CONFIG.yaml``: every input, the plan and what its notebooks need of the data, before
any notebook runs. Each late failure found by running the notebooks on off-default data is either
caught here or handled by its section with a stated reason (and the section is run to show it)."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
import yaml

matplotlib.use("Agg")

from dgpe.checks import check_plan, load_inputs
from dgpe.cli import main
from dgpe.config import load_run_config
from dgpe.errors import DataError, DgpeError, Problem
from dgpe.plan import resolve_plan
from dgpe.record import Recorder
from dgpe.sections import comparison as cmp
from dgpe.sections import index as ix
from dgpe.session import Run

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "configs" / "default.yaml"
EXAMPLE = ROOT / "data" / "example"
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def indicators() -> pd.DataFrame:
    return pd.read_csv(EXAMPLE / "indicators.csv", dtype=str, keep_default_na=False)


def write(df: pd.DataFrame, path: Path) -> str:
    df.to_csv(path, index=False)
    return str(path)


def validate(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["validate", str(DEFAULT), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def run_of(*overrides: str) -> Run:
    cfg = load_run_config(DEFAULT, list(overrides))
    plan = resolve_plan(cfg, load_inputs(cfg))
    return Run(plan=plan, rec=Recorder(None, notebook="t", lang="en"))


def test_validate_a_run_config(capsys):
    code, out, _ = validate(capsys)
    assert code == 0
    assert "every input loads and the plan resolves (year 2025, 150 units, 42 indicators)" in out
    assert "05_index" in out and "note(s)" not in out


def test_validate_a_run_config_with_overrides_refuses_what_the_plan_refuses(capsys):
    code, _, err = validate(capsys, "-p", "year=2019", "-p", "groups=[province, tier, region]")
    assert code == 2
    assert "field year: no data for year 2019" in err and "groups: []" in err and "region" in err


def test_problems_of_every_file_at_once(capsys, tmp_path):
    df = indicators()
    df.loc[0, "A1.1"] = "abc"
    survey = pd.read_csv(EXAMPLE / "survey.csv", dtype=str)
    survey.loc[0, "ON1"] = "9"
    code, _, err = validate(capsys, "-p", f"data.indicators={write(df, tmp_path / 'ind.csv')}",
                            "-p", f"data.survey={write(survey, tmp_path / 'sv.csv')}")
    assert code == 2
    assert "ind.csv: row 2, column A1.1: expected a number" in err and "sv.csv: row 2, column ON1" in err


def test_many_problems_are_capped_with_a_count_per_kind(capsys, tmp_path):
    survey = pd.read_csv(EXAMPLE / "survey.csv", dtype=str)
    survey.loc[:99, "ON1"] = "9"
    survey.loc[:19, "ON2"] = "x"
    code, _, err = validate(capsys, "-p", f"data.survey={write(survey, tmp_path / 'sv.csv')}")
    assert code == 2
    assert len(re.findall(r"^\s+\d+\. ", err, flags=re.M)) == 50
    more = re.search(r"… and (\d+) more: (.*)", err)
    assert more and int(more.group(1)) == 70
    assert re.search(r"\d+ × '[^']*Likert[^']*'", more.group(2)) or "× " in more.group(2)


def test_render_counts_the_rest_by_kind():
    problems = [Problem("s.csv", f"row {i}", "Likert value outside 1-5", str(i)) for i in range(60)]
    problems += [Problem("s.csv", f"row {i}", f"expected a number, column Q{i}") for i in range(14)]
    text = DgpeError(problems).render()
    assert text.count("\n") == 51
    rest = text.splitlines()[-1]
    assert rest.startswith("  … and 24 more: 14 × 'expected a number, column Q0'")  # most frequent first
    assert rest.endswith(", 10 × 'Likert value outside 1-5'")
    assert DgpeError(problems).render(limit=None).count("\n") == 74


def test_blank_group_cell_reported_by_row_and_left_out_of_peer_views(capsys, tmp_path):
    df = indicators()
    df.loc[(df.unit_id == "P1-001") & (df.year == "2025"), "tier"] = ""
    path = write(df, tmp_path / "ind.csv")
    code, out, _ = validate(capsys, "-p", f"data.indicators={path}")
    assert code == 0
    assert "ind.csv: row 302, column tier: no tier for unit P1-001, year 2025: the unit is left out" in out
    # the run goes on: notebook 05 leaves the unit out of the tier peer view and says so
    sec = ix.peers(run_of(f"data.indicators={path}", "lang=en"))
    assert "P1-001" not in sec.get_table("peers_tier").index
    assert "P1-001" in sec.get_table("peers_province").index
    assert [f.key for f in sec.findings][0] == "index.peers_ungrouped" and "P1-001" in sec.findings[0]("en")


def test_numeric_column_declared_as_group_is_named(capsys, tmp_path):
    df = indicators()
    df.insert(5, "GDP", [str(1000 + i) for i in range(len(df))])
    df.loc[300, "GDP"] = ""  # ASEM's LAO has no energy figure: once "no group for unit 'LAO'" in 05
    path = write(df, tmp_path / "ind.csv")
    code, out, _ = validate(capsys, "-p", f"data.indicators={path}", "-p", "groups=[province, tier, GDP]")
    assert code == 0
    assert "column GDP: 149 groups for 149 units: nearly every unit is its own peer group" in out
    assert "row 302, column GDP: no GDP for unit P1-001" in out
    sec = ix.peers(run_of(f"data.indicators={path}", "groups=[province, tier, GDP]"))
    assert len(sec.get_table("peers_GDP")) == 149


def test_indicator_without_a_value_in_an_earlier_year(capsys, tmp_path):
    df = indicators()
    df.loc[df.year == "2023", "A1.2"] = ""  # once: "indicator 'A1.2' has no observed value in year 2023" in 05
    path = write(df, tmp_path / "ind.csv")
    code, out, _ = validate(capsys, "-p", f"data.indicators={path}")
    assert code == 0 and "column A1.2, year 2023: no value in this year" in out
    sec = ix.comparability(run_of(f"data.indicators={path}"))
    assert sec.skipped is None and sec.findings[0].key == "index.comparability_unobserved"
    assert "A1.2" not in set(sec.get_table("rescaling_anchors")["indicator"])


def test_fewer_units_than_indicators(capsys, tmp_path):
    df = indicators()
    df = df[df.unit_id.isin(df.unit_id.unique()[:12])]  # once: independence weights failed in 07
    path = write(df, tmp_path / "ind.csv")
    code, out, _ = validate(capsys, "-p", f"data.indicators={path}")
    assert code == 0 and "12 units for 42 indicators: the independence weights" in out
    sec = cmp.indicator_weights(run_of(f"data.indicators={path}"))
    table = sec.get_table("indicator_weights_cn")
    assert "independence" not in table.columns and {"expert", "information", "entropy"} <= set(table.columns)
    assert sec.findings[0].key == "comparison.independence_few_units"


def test_framework_without_kinds(capsys, tmp_path):
    fw = yaml.safe_load((ROOT / "data" / "framework.yaml").read_text(encoding="utf-8"))

    def strip(node: dict) -> None:
        node.pop("kind", None)
        for child in node.get("children", []):
            strip(child)

    strip(fw["index"])
    path = tmp_path / "fw.yaml"
    path.write_text(yaml.safe_dump(fw, allow_unicode=True), encoding="utf-8")
    code, out, _ = validate(capsys, "-p", f"framework={path}")
    assert code == 0 and "left out: kinds" in out
    # once: weight_shares failed in 05 ("indicator(s) [...] have no 'kind'"); the plan's kinds capability skips it
    sec = ix.weight_shares(run_of(f"framework={path}"))
    assert sec.skipped is not None and sec.skipped.key == "plan.skipped_no_kinds"


def test_check_plan_is_quiet_on_the_default_run():
    cfg = load_run_config(DEFAULT)
    assert check_plan(resolve_plan(cfg, load_inputs(cfg))) == []


def test_load_inputs_raises_one_error_for_all_files(tmp_path):
    bad = tmp_path / "delphi.csv"
    bad.write_text("expert,round,indicator,score\nE1,1,ZZ9,3\n", encoding="utf-8")
    cfg = load_run_config(DEFAULT, [f"data.delphi={bad}"])
    with pytest.raises(DataError, match="delphi.csv"):
        load_inputs(cfg)


@pytest.mark.parametrize("name", ["survey-bfi", "survey-ability", "asem", "egdi"])
def test_validate_the_shipped_configs(capsys, name):
    """Every shipped run config validates, a survey-only one (no indicator data) included."""
    code = main(["validate", str(DEFAULT.parent / f"{name}.yaml")])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "the plan resolves" in out.out
