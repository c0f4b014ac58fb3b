"""Notebooks 03_weights and 05_index execute against the default config and record their keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.parametrize(
    "name,keys",
    [("03_weights", {"ahp_inconsistent_matrices", "min_spearman_vs_expert",
                     "delphi_w_last_round"}),
     ("05_index", {"index_mean", "outcome_weight_share", "mean_change_last_year"})],
)
def test_notebook_runs(tmp_path, name, keys):
    from dgpe.runner import ensure_kernel, execute_notebook

    ensure_kernel()
    out = tmp_path / "report"
    execute_notebook(
        ROOT / "notebooks" / f"{name}.py", tmp_path / f"{name}.ipynb",
        {"config": str(ROOT / "configs" / "default.yaml"), "output_dir": str(out), "lang": "en"},
        cwd=ROOT / "notebooks",
    )
    rec = json.loads((out / "records" / f"{name}.json").read_text(encoding="utf-8"))
    missing = keys - set(rec["results"])
    assert not missing, f"{name} did not record {sorted(missing)}"
    assert rec["findings"], f"{name} recorded no finding"
