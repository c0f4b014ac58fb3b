"""The runner: a report folder from the default config, offline HTML, XLSX, manifest, safety rules."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dgpe.errors import DgpeError, ReportError
from dgpe.runner import run_report

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "default.yaml"
DAY = dt.date(2030, 1, 2)


@pytest.fixture(scope="module")
def audit_report(tmp_path_factory):
    reports = tmp_path_factory.mktemp("reports")
    summary = run_report(CONFIG, ["notebooks=[00_data_audit]"], reports_dir=reports, date=DAY, progress=False)
    return summary


def test_report_folder_contents(audit_report):
    folder = audit_report.path
    assert folder.name == "2030-01-02-default"
    for rel in ("index.html", "manifest.json", "config.yaml", "notebooks/00_data_audit.ipynb",
                "notebooks/00_data_audit.html", "tables/tables.xlsx", "records/00_data_audit.json"):
        assert (folder / rel).is_file(), rel
    assert len(list((folder / "figures").glob("*.png"))) >= 4
    assert len(list((folder / "tables").glob("*.csv"))) >= 8
    assert not list(folder.parent.glob(".*incomplete*"))


def test_html_renders_offline(audit_report):
    html = (audit_report.path / "notebooks" / "00_data_audit.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=[\"']https?://", html), "the HTML loads a script from the network"
    assert not re.search(r"<link[^>]+href=[\"']https?://", html)
    assert "data:image/png;base64" in html
    assert "数据审计" in html


def test_workbook_has_a_sheet_per_table_with_valid_names(audit_report):
    wb = load_workbook(audit_report.path / "tables" / "tables.xlsx", read_only=True)
    names = wb.sheetnames
    assert names[0] == "目录"
    n_csv = len(list((audit_report.path / "tables").glob("*.csv")))
    assert len(names) == n_csv + 1
    for name in names:
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)
    assert any("缺失" in n for n in names)


def test_manifest_records_what_reproduces_the_run(audit_report):
    m = json.loads((audit_report.path / "manifest.json").read_text(encoding="utf-8"))
    assert m["seed"] == 20261126
    assert set(m["inputs"]) >= {"framework", "data.indicators", "data.survey"}
    assert all(len(v["sha256"]) == 64 for v in m["inputs"].values())
    assert m["inputs"]["data.indicators"]["path"] == "data/example/indicators.csv"
    assert m["packages"]["pandas"].startswith("3.")
    assert "commit" in m["git"]
    assert m["notebooks"]["00_data_audit"]["seconds"] > 0
    assert len(m["digests"]["tables"]) >= 8


def test_same_inputs_give_identical_tables(audit_report, tmp_path):
    again = run_report(CONFIG, ["notebooks=[00_data_audit]"], reports_dir=tmp_path, date=DAY, progress=False)
    first = json.loads((audit_report.path / "manifest.json").read_text())["digests"]
    second = json.loads((again.path / "manifest.json").read_text())["digests"]
    assert first["tables"] == second["tables"]


def test_existing_report_is_never_replaced_without_force(audit_report):
    with pytest.raises(ReportError, match="already exists; use --force"):
        run_report(CONFIG, ["notebooks=[00_data_audit]"], reports_dir=audit_report.path.parent, date=DAY, progress=False)


def test_failing_cell_leaves_no_report_but_keeps_the_failed_notebook(tmp_path):
    import nbformat

    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    (nb_dir / "99_fail.py").write_text(
        '# %% tags=["parameters"]\nconfig = ""\noutput_dir = None\nlang = None\n\n# %%\nx = 1\n\n'
        '# %%\ndef inner():\n    raise ValueError("deliberate failure")\n\ninner()\n',
        encoding="utf-8",
    )
    reports = tmp_path / "reports"
    with pytest.raises(ReportError) as info:
        run_report(CONFIG, ["notebooks=[99_fail]"], reports_dir=reports, notebooks_dir=nb_dir, date=DAY, progress=False)
    msg = info.value.render()
    assert "99_fail" in msg and "cell" in msg and "deliberate failure" in msg
    # no report and no temporary folder; the failed notebook and its traceback are kept and named
    assert [p.name for p in reports.iterdir()] == [".failed"]
    (kept,) = (reports / ".failed").iterdir()
    assert re.fullmatch(r"default-\d{8}-\d{6}", kept.name)
    assert str(kept) in msg and "traceback.txt" in msg
    assert sorted(p.name for p in kept.iterdir()) == ["99_fail.ipynb", "traceback.txt"]
    trace = (kept / "traceback.txt").read_text(encoding="utf-8")
    assert "ValueError: deliberate failure" in trace and "inner()" in trace and "\x1b[" not in trace
    nb = nbformat.read(kept / "99_fail.ipynb", as_version=4)
    ran = [c for c in nb.cells if c.cell_type == "code" and c.get("execution_count")]
    assert any(o.get("ename") == "ValueError" for c in ran for o in c.get("outputs", []))


def test_keep_failed_names_a_new_folder_per_failure(tmp_path):
    from dgpe.errors import NotebookError
    from dgpe.runner import keep_failed

    now = dt.datetime(2030, 1, 2, 3, 4, 5)
    folders = []
    for _ in range(2):
        nb = tmp_path / "x.ipynb"
        nb.write_text("{}", encoding="utf-8")
        exc = NotebookError([], failed={"x": (nb, "ValueError: v\n")})
        folders.append(keep_failed(exc, tmp_path / "reports", "run", now=now))
    assert [f.name for f in folders] == ["run-20300102-030405", "run-20300102-030405-2"]
    assert (folders[1] / "traceback.txt").read_text(encoding="utf-8") == "ValueError: v\n"
    assert keep_failed(NotebookError([]), tmp_path / "reports", "run") is None


def test_data_errors_stop_before_any_notebook(tmp_path):
    bad = tmp_path / "bad.csv"
    text = (ROOT / "data" / "example" / "indicators.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace("0.8476", "abc", 1), encoding="utf-8")
    with pytest.raises(DgpeError, match="bad.csv: row 2, column A1.1: expected a number"):
        run_report(CONFIG, [f"data.indicators={bad}"], reports_dir=tmp_path / "r", date=DAY, progress=False)
    assert not (tmp_path / "r").exists() or list((tmp_path / "r").iterdir()) == []


def test_method_note_markdown_and_word(audit_report):
    from docx import Document

    folder = audit_report.path
    md = (folder / "method-note.md").read_text(encoding="utf-8")
    assert md.startswith("# 地方政府数字政务绩效评估体系方法说明")  # the framework's title
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "<h1>地方政府数字政务绩效评估体系评估报告</h1>" in page
    assert "incomplete" not in page.split("</title>")[0]
    for fragment in ("## 1 评价目的与指标体系", "**表 1 各级指标的权重**", "## 2 数据与处理", "![图 1", "## 5 局限"):
        assert fragment in md, fragment
    doc = Document(str(folder / "method-note.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "1 评价目的与指标体系" in headings and "2 数据与处理" in headings
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions[0] == "表 1 各级指标的权重" and any(c.startswith("图 1") for c in captions)
    assert len(doc.tables) >= 4 and len(doc.inline_shapes) >= 2
    # the first table's numbers are the framework's: 4 dimensions and 11 sub-dimensions over 42 indicators
    first = doc.tables[0]
    assert len(first.rows) == 16 and sum(int(r.cells[3].text) for r in first.rows[1:] if "." not in r.cells[0].text
                                         and len(r.cells[0].text) == 1) == 42


def test_landing_page_links_resolve(audit_report):
    import re as _re

    folder = audit_report.path
    html = (folder / "index.html").read_text(encoding="utf-8")
    links = _re.findall(r"(?:href|src)='([^']+)'", html)
    assert links and all((folder / link).exists() for link in links), [lk for lk in links if not (folder / lk).exists()]
    assert "http" not in "".join(links)


def test_config_checks_that_need_the_data_come_first(tmp_path):
    from dgpe.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        run_report(CONFIG, ["year=2019", "groups=[province,tier,region]", "build.normalize={method: x}"],
                   reports_dir=tmp_path, date=DAY, progress=False)
    msg = str(info.value)
    assert "field year: no data for year 2019; the data has 2023, 2024, 2025" in msg
    assert "group column 'region'" in msg and "field build" in msg and "normalize" in msg
    assert list(tmp_path.iterdir()) == []


def test_report_and_note_take_the_framework_title(tmp_path):
    """The framework's ``title:`` heads the landing page and the method note (EGDI here), not
    dgpe's generic title."""
    from dgpe.config import load_run_config
    from dgpe.method_note import framework_title

    cfg = load_run_config(ROOT / "configs" / "egdi.yaml")
    assert framework_title(cfg, "zh") == "联合国电子政务发展指数(EGDI)"
    assert framework_title(cfg, "en") == "UN E-Government Development Index (EGDI)"
