"""dgpe.tablefmt: one set of column labels and number formats for every deliverable."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dgpe.tablefmt import column_kind, column_label, display_frame, format_value, labels


def test_every_catalogue_entry_has_both_languages_and_a_kind():
    for col, entry in labels().items():
        assert entry.get("zh") and entry.get("en"), col
        assert entry.get("kind") in ("p", "int", "share", "score", "stat", "text"), col


@pytest.mark.parametrize("value,column,expected", [
    (0.0, "bartlett_p", "< 0.001"), (4.11e-37, "p", "< 0.001"), (0.0421, "p_value", "0.042"),
    (13470.0, "n", "13,470"), (7.0, "rank", "7"), (0.03397, "share_missing", "0.034"),
    (60.125, "score", "60.12"), (0.81234, "alpha", "0.812"), (float("nan"), "score", ""),
    (None, "x", ""), ("优", "band", "优"), (1.347e4, "unknown", "13,470"), (2.5e-5, "unknown", "2.50e-05"),
])
def test_format_value(value, column, expected):
    assert format_value(value, column) == expected


def test_kinds_from_names():
    assert column_kind("rank_in_group") == "int" and column_kind("n_items") == "int"
    assert column_kind("p_top_k") == "share" and column_kind("share_at_ceiling") == "share"
    assert column_kind("bartlett_p") == "p" and column_kind("whatever") == ""


def test_labels_from_catalogue_registries_and_names():
    assert column_label("unit_name", "zh") == "单位名称" and column_label("unit_name", "en") == "Unit name"
    assert column_label("entropy", "zh") == "熵权法"
    assert column_label("A1.1", "zh", {"A1.1": "高频事项网上可办率"}) == "高频事项网上可办率"
    assert column_label("no_such_column", "zh") == "no_such_column"


def test_display_frame_formats_and_labels():
    df = pd.DataFrame({"rank": [1.0, 2.0], "score": [90.123, math.nan]},
                      index=pd.Index(["P1", "P2"], name="unit"))
    out = display_frame(df, "zh")
    assert list(out.columns) == ["单位", "排名", "得分"]
    assert out.iloc[0].tolist() == ["P1", "1", "90.12"] and out.iloc[1, 2] == ""


def test_identifiers_of_the_data_are_never_relabelled():
    """A unit or item whose id looks like a method or column id (``p``, ``rank``, ``entropy``) keeps
    its name; the same word in a column of methods is relabelled."""
    import pandas as pd

    from dgpe.tablefmt import display_frame

    df = pd.DataFrame({"unit_id": ["p", "rank"], "item": ["entropy", "n"], "method": ["entropy", "pca"],
                       "efficient": [True, False]})
    out = display_frame(df, "zh", index=False)
    assert out.iloc[:, 0].tolist() == ["p", "rank"] and out.iloc[:, 1].tolist() == ["entropy", "n"]
    assert out.iloc[:, 2].tolist() != ["entropy", "pca"] and out.iloc[:, 3].tolist() == ["是", "否"]
    coded = display_frame(pd.DataFrame({"where": ["weights", "treat"]}), "en", index=False,
                          names={"weights": "Weights node of the framework"})
    assert coded.iloc[:, 0].tolist()[0] == "weights"
