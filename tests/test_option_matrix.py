"""Off the default path, through papermill: whole reports with other options run without an error
cell, skip what their data do not support with a stated reason, and state verdicts on the scale
they actually used. (Every option is also run at the section level in tests/test_sections_*.py.)"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import nbformat
import pytest

from dgpe.runner import run_report

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "default.yaml"
pytestmark = pytest.mark.slow

RUNS = {
    "zscore-entropy-en": ["build.normalise={method: zscore}", "build.weights=entropy", "lang=en",
                          "data.ahp=null", "sensitivity.n=256"],
    "fahp-geometric-nosurvey": ["build.weights=fahp", "build.aggregate={default: geometric}",
                                "build.normalise={method: minmax, range: [1, 100]}", "data.survey=null",
                                "data.delphi=null", "data.experts=null", "sensitivity.n=256"],
}


@pytest.fixture(scope="module", params=list(RUNS))
def report(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(request.param)
    summary = run_report(CONFIG, RUNS[request.param] + [f"name={request.param}"], reports_dir=out,
                         date=dt.date(2030, 6, 1), progress=False)
    return request.param, summary.path


def _records(folder: Path) -> dict:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (folder / "records").glob("*.json")}


def test_no_notebook_fails(report):
    _, folder = report
    for nb_path in sorted((folder / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if o.get("output_type") == "error"]
        assert not errors, nb_path.name


def test_plan_is_recorded_and_skips_have_reasons(report):
    name, folder = report
    plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    skipped = [f for r in _records(folder).values() for f in r["findings"] if f.get("skipped")]
    if name == "zscore-entropy-en":
        assert plan["scale"]["bounded"] is False and plan["bands"] is None
        assert plan["capabilities"]["ahp"] is not None
    else:
        assert plan["weights_method"] == "fahp" and plan["scale"]["low"] == 1.0
        assert plan["capabilities"]["survey"] is not None
    assert skipped, "a run without some inputs skips sections and says so"
    assert all(f["zh"] and f["en"] for f in skipped)


def test_verdicts_follow_the_scale_used(report):
    name, folder = report
    recs = _records(folder)
    ranking = recs["05_index"]["tables"].get("index_ranking")
    assert ranking is not None
    if name == "zscore-entropy-en":
        # no grade bands on z-scores, and fuzzy evaluation did not grade every unit the worst grade
        assert "band_counts" not in recs["05_index"]["tables"]
        text = " ".join(f["en"] for f in recs["07_method_comparison"]["findings"])
        assert "z-score" in text or "rescal" in text
