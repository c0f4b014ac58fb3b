"""The command line: clear messages and exit codes, never a traceback for a user mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def dgpe(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dgpe.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_validate_ok():
    r = dgpe("validate", "data/framework.yaml", "data/example/indicators.csv", "data/example/survey.csv",
             "data/example/delphi.csv", "data/example/experts.csv", "data/example/ahp.csv")
    assert r.returncode == 0, r.stderr
    assert "indicators data OK" in r.stdout and "ahp data OK" in r.stdout


def test_validate_broken_gbk_csv_lists_every_problem(tmp_path):
    df = pd.read_csv(ROOT / "data" / "example" / "indicators.csv", dtype=str, keep_default_na=False).head(10)
    df.loc[0, "A1.1"] = "缺数据?"      # non-numeric (row 2)
    df.loc[3, "B1.4"] = "1.3"          # outside [0, 1] (row 5)
    df.loc[6, "unit_name"] = "乙县"
    df = df.rename(columns={"C2.2": "C2.2预警"})  # unknown + missing column
    df = pd.concat([df, df.iloc[[2]]])  # duplicate unit-year (row 12)
    p = tmp_path / "县级数据.csv"
    df.to_csv(p, index=False, encoding="gbk")
    r = dgpe("validate", "data/framework.yaml", str(p))
    assert r.returncode == 2
    err = r.stderr
    assert "Traceback" not in err
    for fragment in ("县级数据.csv: row 2, column A1.1: expected a number (found '缺数据?')",
                     "row 5, column B1.4: value outside the bounds [0, 1]",
                     "column C2.2预警: unknown column",
                     "column C2.2: indicator C2.2",
                     "row 12: duplicate unit-year row (first on row 4)"):
        assert fragment in err, f"missing {fragment!r} in:\n{err}"


def test_bad_framework_exit_code():
    r = dgpe("validate", "no/such/framework.yaml")
    assert r.returncode == 2 and "file not found" in r.stderr and "Traceback" not in r.stderr


def test_run_refuses_unknown_config_field(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"framework: {ROOT}/data/framework.yaml\ndata: {{indicators: {ROOT}/data/example/indicators.csv}}\nwieghts: 1\n", encoding="utf-8")
    r = dgpe("run", str(cfg), "--reports", str(tmp_path / "r"))
    assert r.returncode == 2 and "field wieghts: unknown field" in r.stderr and "Traceback" not in r.stderr


def test_example_command(tmp_path):
    r = dgpe("example", "--units", "30", "--out", str(tmp_path / "ex"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "ex" / "indicators.csv").exists()
    r2 = dgpe("example", "--units", "30", "--out", str(tmp_path / "ex"))
    assert r2.returncode == 2 and "--force" in r2.stderr


def test_plan_says_what_the_run_will_do_before_any_notebook():
    r = dgpe("plan", "configs/default.yaml", "-p", "build.normalise={method: zscore}", "-p", "data.survey=null",
             "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "unbounded" in r.stdout and "survey: The run has no survey data." in r.stdout
    assert "bands: none" in r.stdout


def test_plan_refuses_what_it_cannot_honour_naming_the_field():
    r = dgpe("plan", "configs/default.yaml", "-p", "build.aggregate={default: geometric}")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "field build.aggregate.default" in r.stderr + r.stdout


def test_methods_lists_every_registered_method():
    from methods.registry import FAMILIES, registry

    r = dgpe("methods")
    assert r.returncode == 0, r.stderr
    for fam in FAMILIES:
        for name in registry(fam).names():
            assert name in r.stdout, (fam, name)


def test_validate_groups_cannot_swallow_the_files():
    r = dgpe("validate", "--groups", "province,tier", "data/framework.yaml", "data/example/indicators.csv")
    assert r.returncode == 0, r.stderr
    assert "indicators data OK" in r.stdout
    r = dgpe("validate", "--groups", "province", "--groups", "tier", "data/framework.yaml", "data/example/indicators.csv")
    assert r.returncode == 0 and "indicators data OK" in r.stdout


def test_validate_no_groups_and_missing_group_columns(tmp_path):
    df = pd.read_csv(ROOT / "data" / "example" / "indicators.csv", dtype=str).drop(columns=["province", "tier"])
    p = tmp_path / "ind.csv"
    df.to_csv(p, index=False)
    for flags in (["--groups", ""], ["--no-groups"]):
        r = dgpe("validate", *flags, "data/framework.yaml", str(p))
        assert r.returncode == 0 and "indicators data OK" in r.stdout, r.stderr
    r = dgpe("validate", "--groups", "province", "data/framework.yaml", str(p))
    assert r.returncode == 2 and "no group column 'province'" in r.stderr and "--groups ''" in r.stderr
    # a run config whose groups the data lack: the message says how to run without groups
    q = tmp_path / "ind_province.csv"
    pd.read_csv(ROOT / "data" / "example" / "indicators.csv", dtype=str).drop(columns=["tier"]).to_csv(q, index=False)
    r = dgpe("validate", "configs/default.yaml", "-p", f"data.indicators={q}")
    assert r.returncode == 2 and "group column 'tier'" in r.stderr and "groups: []" in r.stderr
    assert "Traceback" not in r.stderr
    r = dgpe("validate", "configs/default.yaml", "-p", f"data.indicators={q}", "-p", "groups=[province]")
    assert r.returncode == 0, r.stderr


def test_validate_run_config_form():
    r = dgpe("validate", "configs/default.yaml")
    assert r.returncode == 0, r.stderr
    assert "the plan resolves" in r.stdout and "validated in" in r.stdout
    r = dgpe("validate", "configs/default.yaml", "data/example/indicators.csv")
    assert r.returncode == 2 and "is a run config" in r.stderr
