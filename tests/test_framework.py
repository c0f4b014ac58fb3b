"""The framework model: the default YAML, the flat table, the meta frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dgpe.framework import framework_from_dict, framework_from_table, load_framework


def test_default_framework_matches_the_notes(framework):
    # framework-notes.md: 42 indicators in 4 dimensions, 11 sub-dimensions
    assert len(framework.indicators) == 42
    assert [d.code for d in framework.dimensions] == ["A", "B", "C", "D"]
    meta = framework.to_meta()
    assert meta["level"].value_counts().to_dict() == {1: 42, 2: 11, 3: 4, 4: 1}
    kinds = meta[meta.level == 1]["kind"].value_counts().to_dict()
    # Type column of framework-notes.md: 13 I, 5 P, 24 O
    assert kinds == {"outcome": 24, "input": 13, "output": 5}
    neg = set(meta.loc[meta.direction == -1, "code"])
    assert neg == {"A2.5", "A3.2", "B2.5", "C2.4", "C3.3", "D2.3"}
    assert framework.name("B1.4", "zh") == "网上实际办件率"
    assert framework.name("B1.4", "en") == "Cases actually completed online"


def test_meta_frame_contract(framework):
    meta = framework.to_meta()
    assert list(meta.columns[:5]) == ["code", "parent", "level", "weight", "direction"]
    assert meta["code"].is_unique
    ind = meta[meta.level == 1]
    assert set(ind["direction"]) == {1.0, -1.0}
    assert meta.loc[meta.level > 1, "direction"].isna().all()
    # every parent is a code one or more levels above
    lv = meta.set_index("code")["level"]
    for _, row in meta.dropna(subset=["parent"]).iterrows():
        assert lv[row["parent"]] > row["level"]


def test_scales_and_pairs(framework):
    assert [s.code for s in framework.scales] == ["ONLINE", "OFFLINE", "OVERALL"]
    assert sum(len(s.reverse) for s in framework.scales) == 3
    assert ("B1.2", "B1.5") in framework.pairs


def test_flat_table_round_trip_csv_and_xlsx(framework, tmp_path):
    table = framework.to_table()
    csv = tmp_path / "fw.csv"
    table.to_csv(csv, index=False, encoding="utf-8-sig")
    xlsx = tmp_path / "fw.xlsx"
    table.to_excel(xlsx, index=False)
    gbk = tmp_path / "fw_gbk.csv"
    table.to_csv(gbk, index=False, encoding="gbk")
    for path in (csv, xlsx, gbk):
        again = load_framework(path)
        pd.testing.assert_frame_equal(again.to_meta(), framework.to_meta())


def test_flat_table_varying_depth():
    table = pd.DataFrame(
        {
            "code": ["I", "D1", "x1", "x2", "x3"],
            "parent": ["", "I", "D1", "D1", "I"],
            "name_zh": ["指数", "维度", "甲", "乙", "丙"],
            "weight": [1, 2, 1, 1, 1],
            "direction": ["", "", "+", "负向", "positive"],
        }
    )
    fw = framework_from_table(table)
    meta = fw.to_meta().set_index("code")
    assert meta.loc["x3", "level"] == 1 and meta.loc["D1", "level"] == 2 and meta.loc["I", "level"] == 3
    assert meta.loc["x2", "direction"] == -1
    assert np.isnan(meta.loc["D1", "direction"])


def test_name_shorthand_and_aliases():
    fw = framework_from_dict(
        {"index": {"code": "I", "name": "指数", "children": [
            {"code": "a", "name": {"zh": "甲"}, "direction": "-1", "kind": "成效", "unit": "days"},
            {"code": "b", "name": {"en": "B"}, "direction": "正向", "kind": "投入"},
        ]}}
    )
    assert fw.node("a").direction == "negative" and fw.node("a").kind == "outcome"
    assert fw.node("b").name.zh == "B" and fw.node("b").kind == "input"


def test_missing_file_is_a_clear_error(tmp_path):
    from dgpe.errors import FrameworkError

    with pytest.raises(FrameworkError, match="file not found"):
        load_framework(tmp_path / "nope.yaml")


def test_table_sidecar_brings_scales_and_pairs(framework, tmp_path):
    import yaml

    framework.to_table().to_csv(tmp_path / "fw.csv", index=False)
    side = {"scales": [s.model_dump(mode="json", exclude={"item_names"}) for s in framework.scales],
            "pairs": [list(p) for p in framework.pairs]}
    for s in side["scales"]:
        s["name"] = s["name"]["zh"]
    (tmp_path / "fw.scales.yaml").write_text(yaml.safe_dump(side, allow_unicode=True), encoding="utf-8")
    fw = load_framework(tmp_path / "fw.csv")
    assert fw.pairs == framework.pairs and [s.code for s in fw.scales] == [s.code for s in framework.scales]
