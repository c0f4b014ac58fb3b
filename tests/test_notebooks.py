"""The full default report: every notebook runs through papermill on the example data, recovers the
generator's truth where it should, and a rerun reproduces every recorded table (dgpe verify)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from dgpe.config import load_run_config
from dgpe.runner import run_report
from dgpe.verify import verify_report

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "default.yaml"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("full")
    return run_report(CONFIG, [], reports_dir=out, date=dt.date(2030, 6, 1), progress=False).path


def records(folder: Path) -> dict:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (folder / "records").glob("*.json")}


def test_every_notebook_of_the_plan_is_in_the_report(report):
    plan = load_run_config(CONFIG).notebooks
    recs = records(report)
    for name in plan:
        assert (report / "notebooks" / f"{name}.html").exists(), name
        nb = nbformat.read(report / "notebooks" / f"{name}.ipynb", as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, name
        assert recs[name]["tables"], f"{name} recorded no table"
    md = (report / "method-note.md").read_text(encoding="utf-8")
    for title in ("信度", "结构效度", "权重", "不确定性与敏感性分析", "评价结果"):
        assert title in md, title


def test_no_section_of_the_default_report_hit_an_internal_error(report):
    """Every section of the default example report computed or was skipped for a limit of the data,
    never by a bug (which would make ``dgpe run`` exit 3)."""
    from dgpe.report import internal_errors

    assert internal_errors(report) == []


def test_survey_structure_is_recovered(report):
    """Every survey item loads most on the factor of its true scale; parallel analysis finds 3 factors."""
    recs = records(report)
    assert recs["02_factor_structure"]["results"]["parallel_n_factors"]["value"]["survey"] == 3
    loadings = pd.read_csv(report / "tables" / "02_factor_structure__efa_loadings.csv", encoding="utf-8-sig")
    survey = loadings[loadings["set"] == "survey"].set_index("item")
    factor_cols = [c for c in survey.columns if c.startswith("MR")]
    best = survey[factor_cols].abs().idxmax(axis=1)
    truth = pd.read_csv(ROOT / "data" / "example" / "truth" / "survey_loadings.csv").set_index("item")["factor"]
    mapping = pd.crosstab(truth.reindex(best.index), best)
    assert (mapping.gt(0).sum(axis=1) == 1).all() and (mapping.gt(0).sum(axis=0) == 1).all(), mapping


def test_survey_fuzzy_verdicts_follow_the_satisfaction_dimension(report):
    """The generator ties the survey to dimension D (user experience and satisfaction): the
    fuzzy evaluation of each unit's respondents must rank units most like D, and the fuzzy
    score (weighted-average operator, comment values 1-5) equals the unit's weighted mean
    rating, checked here from the raw survey."""
    corr = pd.read_csv(report / "tables" / "07_method_comparison__survey_fuzzy_vs_index.csv",
                       index_col=0, encoding="utf-8-sig")["spearman"]
    assert corr.drop("DGPE").idxmax() == "D" and corr["D"] > 0.5, corr
    verdicts = pd.read_csv(report / "tables" / "07_method_comparison__survey_fuzzy_verdicts.csv",
                           index_col=0, encoding="utf-8-sig")["units"]
    assert verdicts.sum() == 150


def test_outcome_weight_share_matches_the_framework(report):
    from dgpe.framework import load_framework
    from dgpe.plan import effective_weights

    meta = load_framework(load_run_config(CONFIG).framework).to_meta()
    nominal = meta.set_index("code")["weight"] / meta.groupby("parent")["weight"].transform("sum").to_numpy()
    eff = effective_weights(nominal.fillna(1.0), meta)
    outcome = sum(eff[c] for c, k in zip(meta["code"], meta["kind"], strict=True) if k == "outcome")
    value = records(report)["05_index"]["results"]["outcome_weight_share"]["value"]
    assert value == pytest.approx(outcome, abs=1e-4)


def test_full_report_verifies_and_reruns_byte_identical(report, tmp_path):
    result = verify_report(report, keep=tmp_path)
    assert result.ok, result.render()
    assert result.n_tables >= 40
    first = json.loads((report / "manifest.json").read_text(encoding="utf-8"))["digests"]["tables"]
    second = json.loads((tmp_path / report.name / "manifest.json").read_text(encoding="utf-8"))["digests"]["tables"]
    assert first == second, [k for k in first if first[k] != second.get(k)]


def test_notebook_runs_interactively_without_papermill():
    """Opened in JupyterLab, a notebook runs with its default parameters and writes nothing."""
    import jupytext
    from nbclient import NotebookClient

    from dgpe.runner import ensure_kernel

    ensure_kernel()
    nb = jupytext.read(ROOT / "notebooks" / "00_data_audit.py")
    NotebookClient(nb, kernel_name="dgpe", resources={"metadata": {"path": str(ROOT / "notebooks")}}, timeout=600).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
