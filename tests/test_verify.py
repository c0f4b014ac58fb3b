"""verify and diff: a rerun reproduces a report; one changed cell is caught and explained."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dgpe.errors import ReportError
from dgpe.runner import run_report
from dgpe.verify import compare_tables, diff_reports, table_change, verify_report
from tests._example_config import example_config

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    base = tmp_path_factory.mktemp("verify")
    cfg = example_config(base)
    data = base / "data"
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


def _edit_copy(report: Path, tmp_path: Path, rel: str) -> Path:
    copy = tmp_path / report.name
    shutil.copytree(report, copy)
    p = copy / rel
    if p.suffix == ".csv":
        p.write_text(p.read_text(encoding="utf-8-sig").replace("1", "2", 1), encoding="utf-8-sig")
    else:
        p.write_bytes(p.read_bytes() + b"\0")
    return copy


def test_manifest_digests_every_file_of_the_report(setup):
    import json

    _, _, _, report = setup
    files = json.loads((report / "manifest.json").read_text(encoding="utf-8"))["digests"]["files"]
    written = {p.relative_to(report).as_posix() for p in report.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(files) == written
    kinds = {Path(f).suffix for f in files}
    assert {".csv", ".xlsx", ".json", ".docx", ".html", ".png", ".ipynb"} <= kinds, kinds


@pytest.mark.parametrize("rel", ["tables/00_data_audit__distributions.csv", "method-note.docx", "figure", "tables/tables.xlsx"])
def test_quick_verify_names_a_file_edited_after_writing_without_a_rerun(setup, tmp_path, rel, monkeypatch):
    _, _, _, report = setup
    if rel == "figure":
        rel = sorted(p.relative_to(report).as_posix() for p in (report / "figures").glob("*.png"))[0]
    edited = _edit_copy(report, tmp_path, rel)
    shown: list[str] = []
    import dgpe.runner

    def no_rerun(*args, **kwargs):
        raise AssertionError("--quick must not rerun the report")

    monkeypatch.setattr(dgpe.runner, "run_report", no_rerun)
    result = verify_report(edited, quick=True, echo=shown.append)
    assert not result.ok and result.edited == [f"edited after writing: {rel}"]
    assert f"edited after writing: {rel}" in shown[0] and "NOT verified" in result.render()
    assert verify_report(report, quick=True).ok  # the original is as written


def test_quick_verify_of_an_untouched_report_and_a_removed_file(setup, tmp_path):
    _, _, _, report = setup
    result = verify_report(report, quick=True)
    assert result.ok and result.n_files > 20 and "quick check passed" in result.render()
    copy = tmp_path / report.name
    shutil.copytree(report, copy)
    (copy / "index.html").unlink()
    assert verify_report(copy, quick=True).edited == ["missing since writing: index.html"]


def test_diff_counts_unchanged_tables_and_separates_label_only_changes(setup, tmp_path):
    _, _, _, report = setup
    copy = tmp_path / report.name
    shutil.copytree(report, copy)
    tables = sorted((copy / "tables").glob("*.csv"))
    labels, numbers = tables[0], tables[1]
    df = pd.read_csv(labels, encoding="utf-8-sig")
    text_col = next(c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c]))
    df[text_col] = df[text_col].astype(str) + " (en)"
    df.to_csv(labels, index=False, encoding="utf-8-sig", lineterminator="\n")
    df = pd.read_csv(numbers, encoding="utf-8-sig")
    num_col = next(c for c in df.columns if pd.api.types.is_float_dtype(df[c]) and df[c].notna().any())
    df[num_col] = df[num_col] + 1.0
    df.to_csv(numbers, index=False, encoding="utf-8-sig", lineterminator="\n")
    md = diff_reports(report, copy)
    section = md.split("## Tables", 1)[1].split("## ", 1)[0]
    n = len(tables)
    assert f"- tables unchanged: {n - 2}" in section
    assert f"- labels only (same numbers): 1: 00_data_audit/{labels.stem.split('__', 1)[1]}" in section
    assert "tables whose numbers changed" in section and numbers.stem.split("__", 1)[1] in section
    zh = diff_reports(report, copy, lang="zh")
    assert f"未变化的表: {n - 2}" in zh and "仅标签变化（数值相同）" in zh


def test_table_change_kinds():
    a = pd.DataFrame({"unit": ["A", "B"], "band": ["优", None], "score": [71.5, float("nan")]})
    assert table_change(a, a.copy()) == "same"
    assert table_change(a, a.assign(band=["Excellent", None])) == "labels"
    assert table_change(a, a.rename(columns={"band": "等级"})) == "labels"
    assert table_change(a, a.assign(score=[71.5, 3.0])) == "numbers"
    assert table_change(a, a.iloc[:1]) == "numbers"
