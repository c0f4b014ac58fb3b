"""The recorder notebooks use to hand results to the report."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from dgpe.record import Recorder, neutralise_formulas


def test_neutralise_formulas_only_touches_text():
    df = pd.DataFrame({"t": ["=HYPERLINK(1)", "+A1", "-x", "@a", "-0.5"], "n": [-1.0, 2, 3, 4, 5]}, index=["=i", "b", "c", "d", "e"])
    df.index.name = "=cmd"
    df = df.rename(columns={"n": "=SUM(A1)"})
    out = neutralise_formulas(df)
    assert out["t"].tolist() == ["'=HYPERLINK(1)", "'+A1", "'-x", "'@a", "-0.5"]  # numbers stay numbers
    assert out["'=SUM(A1)"].tolist() == [-1.0, 2, 3, 4, 5]
    assert out.index[0] == "'=i" and out.index.name == "'=cmd"


def test_workbook_has_no_live_formula(tmp_path):
    from openpyxl import load_workbook

    from dgpe.report import write_workbook

    rec = Recorder(tmp_path, notebook="00_x", lang="en")
    rec.table("t", pd.DataFrame({'=HYPERLINK("http://x","y")': [1.0]}, index=pd.Index(["@SUM(A1)"], name="=cmd")))
    path = write_workbook(tmp_path, {"00_x": rec.as_dict()}, "en")
    wb = load_workbook(path)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]


def test_recorder_writes_everything(tmp_path):
    import matplotlib.pyplot as plt

    rec = Recorder(tmp_path, notebook="99_test", lang="en")
    rec.table("t", pd.DataFrame({"a": [1.5, np.nan]}, index=["x", "y"]), title={"zh": "表", "en": "Table"})
    fig, ax = plt.subplots()
    rec.figure("f", fig, title="Fig")
    rec.result("n", np.int64(3), label={"zh": "数", "en": "Count"})
    rec.result("r", np.float64(np.nan))
    rec.finding("中", "en text", level="warning")
    data = json.loads((tmp_path / "records" / "99_test.json").read_text(encoding="utf-8"))
    assert data["tables"]["t"]["file"] == "tables/99_test__t.csv"
    assert (tmp_path / "tables" / "99_test__t.csv").read_text(encoding="utf-8-sig").splitlines()[1] == "x,1.5"
    assert (tmp_path / data["figures"]["f"]["file"]).stat().st_size > 1000
    assert data["results"]["n"]["value"] == 3 and data["results"]["r"]["value"] is None
    assert data["findings"][0]["level"] == "warning"
    with pytest.raises(ValueError, match="recorded twice"):
        rec.result("n", 4)
    with pytest.raises(ValueError, match="letters, digits"):
        rec.table("../escape", pd.DataFrame())


def test_recorder_in_memory_writes_nothing(tmp_path):
    rec = Recorder(None, notebook="x", lang="zh")
    rec.table("t", pd.DataFrame({"a": [1]}))
    assert rec.tables["t"]["file"] is None
    assert rec.text("中", "en") == "中"


def test_tables_are_written_with_a_bom_and_read_back(tmp_path):
    """Excel on a Chinese Windows opens a BOM-less UTF-8 CSV as GBK; the BOM makes it read UTF-8.
    Every reader in the project gets the header without the BOM."""
    from dgpe.record import read_recorded_table
    from dgpe.verify import compare_tables

    rec = Recorder(tmp_path, notebook="00_x", lang="zh")
    df = pd.DataFrame({"单位": ["甲", "乙"], "得分": [1.5, 2.0]})
    rec.table("t", df, index=False)
    raw = (tmp_path / "tables" / "00_x__t.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw[3:].decode("utf-8").startswith("单位,得分")
    back = read_recorded_table(tmp_path, rec.tables["t"])
    assert list(back.columns) == ["单位", "得分"]
    assert compare_tables(df, back, 1e-9, "t") == []
