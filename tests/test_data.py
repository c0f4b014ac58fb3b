"""Loaders: encodings, formats (wide, long, XLSX), typed output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dgpe.data import guess_kind, load_ahp, load_delphi, load_experts, load_indicators, load_survey
from dgpe.io import detect_encoding, read_table


def _subset(example_dir) -> pd.DataFrame:
    df = pd.read_csv(example_dir / "indicators.csv", dtype=str, keep_default_na=False)
    return df.head(20)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_load_identically(tmp_path, framework, example_dir, encoding):
    df = _subset(example_dir)
    p = tmp_path / f"d_{encoding}.csv"
    df.to_csv(p, index=False, encoding=encoding)
    got = load_indicators(p, framework)
    ref = load_indicators(example_dir / "indicators.csv", framework).head(20)
    pd.testing.assert_frame_equal(got, ref, check_dtype=False)
    assert got["unit_name"].iloc[0].startswith("甲省")


def test_detect_encoding():
    assert detect_encoding("单位".encode()) == "utf-8-sig"
    assert detect_encoding("单位".encode("gbk")) == "gb18030"


def test_xlsx_and_long_format(tmp_path, framework, example_dir):
    wide = load_indicators(example_dir / "indicators.csv", framework)
    raw = _subset(example_dir)
    x = tmp_path / "d.xlsx"
    raw.to_excel(x, index=False)
    pd.testing.assert_frame_equal(load_indicators(x, framework), wide.head(20), check_dtype=False)
    long = raw.melt(id_vars=["unit_id", "unit_name", "year", "province", "tier"], var_name="indicator", value_name="value")
    lp = tmp_path / "long.csv"
    long.to_csv(lp, index=False)
    got = load_indicators(lp, framework).sort_values(["year", "unit_id"]).reset_index(drop=True)
    ref = wide.head(20).sort_values(["year", "unit_id"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got[ref.columns], ref, check_dtype=False)


def test_missing_tokens_and_thousands(tmp_path, framework, example_dir):
    df = _subset(example_dir)
    df.loc[0, "A1.4"] = "1,234"
    df.loc[1, "A1.4"] = "—"
    df.loc[2, "A1.4"] = "NA"
    p = tmp_path / "d.csv"
    df.to_csv(p, index=False)
    got = load_indicators(p, framework)
    assert got.loc[0, "A1.4"] == 1234.0
    assert np.isnan(got.loc[1, "A1.4"]) and np.isnan(got.loc[2, "A1.4"])


def test_example_files_load(framework, example_dir):
    survey = load_survey(example_dir / "survey.csv", framework)
    assert len(survey) >= 3000
    items = framework.scale_items()
    assert survey[items].stack().dropna().between(1, 5).all()
    delphi = load_delphi(example_dir / "delphi.csv", framework)
    assert delphi["expert"].nunique() >= 15 and set(delphi["round"]) == {1, 2}
    assert set(delphi["indicator"]) == set(framework.indicator_codes)
    experts = load_experts(example_dir / "experts.csv")
    assert experts[["ca", "cs"]].stack().between(0, 1).all()
    ahp = load_ahp(example_dir / "ahp.csv", framework)
    m = ahp[("A01", "DGPE")]
    assert list(m.index) == ["A", "B", "C", "D"]
    np.testing.assert_allclose(m.to_numpy() * m.to_numpy().T, 1.0, rtol=1e-12)


def test_ahp_upper_triangle_is_enough(tmp_path, framework):
    rows = [("E1", "DGPE", "A", "B", "3"), ("E1", "DGPE", "A", "C", "1/2"), ("E1", "DGPE", "A", "D", "1"),
            ("E1", "DGPE", "B", "C", "1/5"), ("E1", "DGPE", "B", "D", "1/3"), ("E1", "DGPE", "C", "D", "2")]
    p = tmp_path / "ahp.csv"
    pd.DataFrame(rows, columns=["expert", "parent", "row", "col", "value"]).to_csv(p, index=False)
    m = load_ahp(p, framework)[("E1", "DGPE")]
    assert m.loc["B", "A"] == pytest.approx(1 / 3) and m.loc["C", "A"] == pytest.approx(2.0)


def test_guess_kind(framework, example_dir):
    for name, kind in [("indicators", "indicators"), ("survey", "survey"), ("delphi", "delphi"), ("experts", "experts"), ("ahp", "ahp")]:
        cols = read_table(example_dir / f"{name}.csv").columns
        assert guess_kind(cols, framework) == kind


def test_bom_followed_by_gbk_text(tmp_path, framework, example_dir):
    df = _subset(example_dir)
    p = tmp_path / "bom_gbk.csv"
    p.write_bytes(b"\xef\xbb\xbf" + df.to_csv(index=False).encode("gbk"))
    got = load_indicators(p, framework)
    assert list(got.columns[:2]) == ["unit_id", "unit_name"] and got["unit_name"].iloc[0].startswith("甲省")
