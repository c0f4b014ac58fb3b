"""The recorder notebooks use to hand results to the report."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from dgpe.record import Recorder, neutralise_formulas


def test_neutralise_formulas_only_touches_text():
    df = pd.DataFrame({"t": ["=HYPERLINK(1)", "+1", "-x", "@a", "ok"], "n": [-1.0, 2, 3, 4, 5]}, index=["=i", "b", "c", "d", "e"])
    out = neutralise_formulas(df)
    assert out["t"].tolist() == ["'=HYPERLINK(1)", "'+1", "'-x", "'@a", "ok"]
    assert out["n"].tolist() == [-1.0, 2, 3, 4, 5]
    assert out.index[0] == "'=i"


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
    assert (tmp_path / "tables" / "99_test__t.csv").read_text(encoding="utf-8").splitlines()[1] == "x,1.5"
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
