"""Shared loading of the COINr ASEM reference data for the index-building tests."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd

REF = Path(__file__).parent / "reference"
ASEM = REF / "asem"

#: COINr's default example build (build_example_coin()) as an IndexSpec dict.
COINR_DEFAULT_SPEC = {
    "denominate": {"denominators": "meta"},
    "impute": {"method": "mean_group", "by": "EurAsia_group"},
    "screen": {"min_coverage": 0.9, "coverage_of": "imputed"},
    "treat": {"method": "jrc", "winmax": 5},
    "normalise": {"method": "minmax", "range": [0, 100]},
    "weights": "expert",
    "aggregate": {"default": "arithmetic"},
}

STAGE_FILES = {
    "raw": "dset_Raw.csv",
    "denominated": "dset_Denominated.csv",
    "imputed": "dset_Imputed.csv",
    "screened": "dset_Screened.csv",
    "treated": "dset_Treated.csv",
    "normalised": "dset_Normalised.csv",
    "aggregated": "dset_Aggregated.csv",
}


@cache
def asem_data() -> pd.DataFrame:
    return pd.read_csv(ASEM / "asem_iData.csv")


@cache
def asem_meta() -> pd.DataFrame:
    m = pd.read_csv(ASEM / "asem_iMeta.csv")
    m = m[m["Level"].notna()].rename(
        columns={"iCode": "code", "Parent": "parent", "Level": "level", "Weight": "weight",
                 "Direction": "direction", "Denominator": "denominator"}
    )
    return m.reset_index(drop=True)


@cache
def ref_csv(name: str) -> pd.DataFrame:
    return pd.read_csv(ASEM / name).set_index("uCode")


@cache
def pymcdm_ref() -> dict:
    return json.loads((REF / "pymcdm_asem.json").read_text())


def indicators() -> list[str]:
    m = asem_meta()
    return m.loc[m["level"] == 1, "code"].tolist()


def max_abs_diff(mine: pd.DataFrame, ref: pd.DataFrame) -> tuple[float, str]:
    """Largest absolute difference over the reference's cells, and where it is."""
    cols = [c for c in ref.columns if c in mine.columns]
    a = mine.loc[ref.index, cols].astype(float)
    b = ref[cols].astype(float)
    if ((a.isna()) != (b.isna())).any().any():
        bad = ((a.isna()) != (b.isna())).stack()
        u, c = bad[bad].index[0]
        return float("inf"), f"missing pattern differs at ({u}, {c})"
    d = (a - b).abs().stack()
    if d.empty:
        return 0.0, ""
    u, c = d.idxmax()
    return float(d.max()), f"({u}, {c})"
