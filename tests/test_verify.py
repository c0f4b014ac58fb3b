"""verify and diff: a rerun reproduces a report; one changed cell is caught and explained."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from dgpe.errors import ReportError
from dgpe.runner import run_report
from dgpe.verify import compare_tables, diff_reports, verify_report

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    base = tmp_path_factory.mktemp("verify")
    data = base / "data"
    shutil.copytree(ROOT / "data" / "example", data)
    cfg = base / "run.yaml"
    cfg.write_text(
        (ROOT / "configs" / "default.yaml").read_text(encoding="utf-8")
        .replace("../data/example/", f"{data}/")
        .replace("../data/framework.yaml", str(ROOT / "data" / "framework.yaml")),
        encoding="utf-8",
    )
    summary = run_report(cfg, ["notebooks=[00_data_audit]"], reports_dir=base / "reports", date=dt.date(2030, 1, 1), progress=False)
    return base, data, cfg, summary.path


def test_verify_passes_on_an_untouched_report(setup):
    _, _, _, report = setup
    result = verify_report(report)
    assert result.ok, result.render()
    assert result.n_tables >= 8 and "verified" in result.render()


def test_verify_fails_after_one_cell_changes(setup):
    base, data, cfg, report = setup
    src = data / "indicators.csv"
    original = src.read_text(encoding="utf-8")
    try:
        # change one 2025 value of B3.1 (an outlier-prone count)
        lines = original.splitlines()
        header = lines[0].split(",")
        col = header.index("B3.1")
        for i, line in enumerate(lines[1:], start=1):
            cells = line.split(",")
            if cells[2] == "2025" and cells[col]:
                cells[col] = str(float(cells[col]) * 40)
                lines[i] = ",".join(cells)
                break
        src.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = verify_report(report)
        text = result.render()
        assert not result.ok
        assert "data.indicators" in text and "indicators.csv changed" in text
        assert any("B3.1" in d for d in result.differences), text
        assert "NOT verified" in text
        # diff between the old report and a report of the changed data
        new = run_report(cfg, ["notebooks=[00_data_audit]"], reports_dir=base / "reports", date=dt.date(2030, 1, 2), progress=False)
        md = diff_reports(report, new.path)
        assert "## Inputs" in md and "content differs" in md
        assert "00_data_audit/distributions" in md
    finally:
        src.write_text(original, encoding="utf-8")


def test_compare_tables_tolerance():
    import pandas as pd

    a = pd.DataFrame({"k": ["x", "y"], "v": [1.0, float("inf")], "t": ["p", "q"]})
    b = pd.DataFrame({"k": ["x", "y"], "v": [1.0 + 1e-12, float("inf")], "t": ["p", "q"]})
    assert compare_tables(a, b, 1e-9, "t") == []
    b.loc[0, "v"] = 1.1
    b.loc[1, "t"] = "z"
    diffs = compare_tables(a, b, 1e-9, "t")
    assert any("row x, column v" in d for d in diffs) and any("row y, column t" in d for d in diffs)


def test_verify_needs_a_report(tmp_path):
    with pytest.raises(ReportError, match="no manifest.json"):
        verify_report(tmp_path)


def test_verify_a_moved_report(setup, tmp_path):
    _, _, _, report = setup
    moved = tmp_path / "a" / "b" / report.name
    shutil.copytree(report, moved)
    result = verify_report(moved)
    assert result.ok, result.render()
