"""COINr's ASEM default build from files and a config only (configs/asem.yaml), and the importers.

The plan of ``configs/asem.yaml`` (framework and data imported from COINr's iMeta/iData by
``dgpe import coinr``) must reproduce COINr 1.1.14's ``build_example_coin()`` stage by stage to
1e-9 (tests/reference/asem, copied from shared/datasets/asem/coinr-default-build); ``dgpe import
coinr`` and ``dgpe import egdi`` must rewrite the shipped files byte for byte.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dgpe.cli import main
from dgpe.config import load_run_config
from dgpe.plan import resolve_plan
from methods import MethodWarning
from tests._index_asem import ASEM, COINR_DEFAULT_SPEC, STAGE_FILES, max_abs_diff, ref_csv

ROOT = Path(__file__).resolve().parents[1]
ASEM_DIR = ROOT / "data" / "real" / "asem"
EGDI_DIR = ROOT / "data" / "real" / "egdi"
TOL = 1e-9


@pytest.fixture(scope="module")
def plan():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MethodWarning)  # LAO/Elec: denominator missing, as in COINr
        p = resolve_plan(load_run_config(ROOT / "configs" / "asem.yaml"))
        p.index  # noqa: B018 - build now, under the filter
    return p


@pytest.mark.parametrize("stage", list(STAGE_FILES))
def test_asem_config_reproduces_coinr_stage(plan, stage):
    ref = ref_csv(STAGE_FILES[stage])
    mine = plan.index.stages[stage]
    assert sorted(mine.index) == sorted(ref.index), f"{stage}: units differ"
    d, where = max_abs_diff(mine, ref)
    assert d <= TOL, f"stage {stage}: max |dgpe - COINr| = {d:g} at {where}"


def test_asem_config_index_and_ranks(plan):
    ref = pd.read_csv(ASEM / "index_scores_ranks.csv").set_index("uCode")
    rank_col = [c for c in ref.columns if "rank" in c.lower()][0]
    res = plan.index
    assert (res.ranks.loc[ref.index, "Index"].to_numpy() == ref[rank_col].to_numpy()).all()
    for col in ("Index", "Conn", "Sust"):
        assert np.max(np.abs(res.scores.loc[ref.index, col] - ref[col])) <= TOL, col


def test_asem_config_is_coinr_default_spec(plan):
    assert plan.spec.to_dict() == plan.spec.from_dict(COINR_DEFAULT_SPEC).to_dict()
    assert plan.framework.denominators()["Flights"] == "Population"
    assert {"Area", "Energy", "GDP", "Population"} <= set(plan.data.columns)


def test_import_coinr_writes_the_shipped_files(tmp_path):
    out = tmp_path / "asem"
    rc = main(["import", "coinr", str(ASEM_DIR / "raw" / "asem_iMeta.csv"),
               str(ASEM_DIR / "raw" / "asem_iData.csv"), "--out", str(out), "--impute-by", "EurAsia_group"])
    assert rc == 0
    for name in ("framework.yaml", "indicators.csv", "run.yaml"):
        assert (out / name).read_bytes() == (ASEM_DIR / name).read_bytes(), name
    mine = load_run_config(out / "run.yaml")
    shipped = load_run_config(ROOT / "configs" / "asem.yaml")
    for field in ("build", "groups", "lang", "year", "notebooks"):
        assert getattr(mine, field) == getattr(shipped, field), field
    assert main(["import", "coinr", str(ASEM_DIR / "raw" / "asem_iMeta.csv"),
                 str(ASEM_DIR / "raw" / "asem_iData.csv"), "--out", str(out)]) == 2  # no --force


def test_import_egdi_writes_the_shipped_files(tmp_path):
    out = tmp_path / "egdi"
    assert main(["import", "egdi", str(EGDI_DIR / "raw"), "--out", str(out)]) == 0
    assert (out / "indicators.csv").read_bytes() == (EGDI_DIR / "egdi.csv").read_bytes()
    for name in ("published.csv", "framework.yaml", "editions.yaml"):
        assert (out / name).read_bytes() == (EGDI_DIR / name).read_bytes(), name
    mine = load_run_config(out / "run.yaml")
    shipped = load_run_config(ROOT / "configs" / "egdi.yaml")
    assert mine.model_dump(exclude={"framework", "data", "source"}) == shipped.model_dump(
        exclude={"framework", "data", "source"})
    assert mine.data.indicators.name == "indicators.csv"
