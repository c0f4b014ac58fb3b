"""The report's notebooks on real data of another shape: the UN EGDI (configs/egdi.yaml), a flat
framework (the index directly over three indicators), 193 countries x seven editions, no survey,
Delphi, AHP or peer groups. Every notebook must run, skip what has no input, and record results
that agree with a direct computation from data/real/egdi/egdi.csv."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from dgpe.runner import run_report

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "egdi.yaml"
NOTEBOOKS = ["00_data_audit", "01_reliability", "02_factor_structure", "03_weights", "04_sensitivity", "05_index",
             "06_efficiency_diagnosis", "07_method_comparison"]
COMPONENTS = ["OSI", "TII", "HCI"]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("egdi")
    return run_report(CONFIG, [f"notebooks=[{','.join(NOTEBOOKS)}]"], reports_dir=out,
                      date=dt.date(2030, 6, 1), progress=False).path


@pytest.fixture(scope="module")
def recs(report) -> dict:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (report / "records").glob("*.json")}


@pytest.fixture(scope="module")
def egdi() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "real" / "egdi" / "egdi.csv")


@pytest.fixture(scope="module")
def y2024(egdi) -> pd.DataFrame:
    return egdi[egdi["year"] == 2024].set_index("unit_id")[COMPONENTS]


def result(recs: dict, nb: str, key: str):
    assert key in recs[nb]["results"], f"{nb} did not record {key}; it has {sorted(recs[nb]['results'])}"
    return recs[nb]["results"][key]["value"]


def test_every_notebook_runs_without_error(report, recs):
    for name in NOTEBOOKS:
        nb = nbformat.read(report / "notebooks" / f"{name}.ipynb", as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if o.get("output_type") == "error"]
        assert not errors, name
        assert recs[name]["tables"], f"{name} recorded no table"


def test_absent_inputs_are_skipped_not_invented(recs):
    skipped = {f["section"]: f["key"] for f in recs["01_reliability"]["findings"] if f.get("skipped")}
    assert skipped == {"reliability.survey": "plan.skipped_no_survey", "reliability.delphi": "plan.skipped_no_delphi"}
    assert "kendall_w_by_round" not in recs["01_reliability"]["results"]
    for key in ("ahp_inconsistent_matrices", "delphi_w_last_round"):
        assert key not in recs["03_weights"]["results"], key
    assert not any(t.startswith("peers_") for t in recs["05_index"]["tables"])


def test_the_one_block_is_the_whole_index(y2024, recs):
    """Cronbach's alpha of the three standardised components: alpha = k/(k-1) (1 - k / sum(R))."""
    r = y2024.corr().to_numpy()
    k = r.shape[0]
    alpha = k / (k - 1) * (1 - k / r.sum())
    got = result(recs, "01_reliability", "dimension_alpha")
    assert list(got) == ["EGDI"]
    assert got["EGDI"] == pytest.approx(alpha, abs=1e-9), "alpha of the EGDI block"
    assert got["EGDI"] > 0.9
    share = np.linalg.eigvalsh(r)[-1] / k
    assert result(recs, "02_factor_structure", "first_component_share") == pytest.approx({"EGDI": share}, abs=1e-9)
    assert result(recs, "02_factor_structure", "parallel_n_factors") == {"indicators": 1}
    cfa = " ".join(f["en"] for f in recs["02_factor_structure"]["findings"])
    assert "just-identified" in cfa  # df = 0: no claim of good fit


def test_index_reproduces_the_component_mean(y2024, recs):
    egdi = y2024.mean(axis=1)
    assert result(recs, "05_index", "index_mean") == pytest.approx(egdi.mean(), abs=1e-6)
    assert result(recs, "05_index", "index_top_unit") == egdi.idxmax()
    assert result(recs, "05_index", "outcome_weight_share") == 0.0


def test_rescaling_drift_is_reported(report, recs, egdi):
    assert result(recs, "05_index", "rescaled_indicators") == COMPONENTS
    tr = pd.read_csv(report / "tables" / "05_index__rescaling_transitions.csv", encoding="utf-8-sig")
    assert len(tr) == 3 * 6  # three components x six pairs of consecutive editions
    row = tr[(tr["indicator"] == "HCI") & (tr["year_from"] == 2022) & (tr["year_to"] == 2024)].iloc[0]
    w = egdi.pivot(index="unit_id", columns="year", values="HCI")[[2022, 2024]].dropna()
    change = w[2024] - w[2022]
    gain = w[2022].rank(ascending=False, method="min") - w[2024].rank(ascending=False, method="min")
    assert row["n_common"] == len(w)
    assert row["n_down"] == int((change < 0).sum()), "HCI 2022->2024: units whose score fell"
    assert row["n_down_rank_up"] == int(((change < 0) & (gain > 0)).sum()), "fell while rising in rank"
    warn = [f for f in recs["05_index"]["findings"] if f["level"] == "warning" and "rescaled" in f["en"]]
    assert warn and "2022 to 2024" in warn[0]["en"] and warn[0]["zh"]


def test_output_lag_is_osi_against_infrastructure_and_human_capital(y2024, recs):
    """Inputs TII and HCI (equal weights), output OSI: OSI lags when OSI / mean(TII, HCI) < 0.9."""
    rel = y2024["OSI"] / y2024[["TII", "HCI"]].mean(axis=1)
    assert result(recs, "07_method_comparison", "share_output_lagging") == pytest.approx(float((rel < 0.9).mean()), abs=1e-6)
