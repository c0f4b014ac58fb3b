"""Survey-only frameworks and item types: likert, ordinal, continuous, binary (issue 12)."""

from __future__ import annotations

import pandas as pd
import pytest

from dgpe.data import load_survey
from dgpe.errors import DgpeError
from dgpe.framework import framework_from_dict


def _fw(**scale) -> dict:
    base = {"code": "S", "name": {"zh": "量表", "en": "Scale"}, "items": ["q1", "q2", "q3"]}
    return {"scales": [{**base, **scale}]}


def _survey(tmp_path, rows: list[list[str]]):
    p = tmp_path / "survey.csv"
    pd.DataFrame(rows, columns=["q1", "q2", "q3"]).to_csv(p, index=False)
    return p


def test_survey_only_framework_has_no_index():
    fw = framework_from_dict(_fw())
    assert fw.index is None and not fw.has_index
    assert fw.indicator_codes == [] and fw.nodes() == [] and fw.dimensions == []
    assert fw.to_meta().empty and fw.scales[0].type == "likert" and fw.scales[0].bounds == (1.0, 5.0)


def test_framework_needs_index_or_scales():
    with pytest.raises(DgpeError, match="'index:' tree and/or 'scales:'"):
        framework_from_dict({"title": "x"})


@pytest.mark.parametrize(("scale", "bounds"), [
    ({"type": "ordinal", "likert": [0, 4]}, (0.0, 4.0)),
    ({"type": "binary"}, (0.0, 1.0)),
    ({"type": "continuous"}, None),
    ({"type": "continuous", "range": [0, 10]}, (0.0, 10.0)),
])
def test_item_types_and_bounds(scale, bounds):
    assert framework_from_dict(_fw(**scale)).scales[0].bounds == bounds


@pytest.mark.parametrize(("scale", "message"), [
    ({"type": "interval"}, "type must be one of likert, ordinal, continuous, binary"),
    ({"type": "binary", "likert": [1, 5]}, "binary items take the values 0 and 1"),
    ({"type": "continuous", "likert": [1, 5]}, "'likert' applies to likert and ordinal items"),
    ({"type": "likert", "range": [0, 1]}, "'range' applies to continuous items"),
    ({"type": "continuous", "range": [5, 1]}, "range must be [min, max]"),
])
def test_item_type_rules_are_refused(scale, message):
    with pytest.raises(DgpeError, match="scale S") as info:
        framework_from_dict(_fw(**scale))
    assert message in str(info.value)


def test_continuous_items_load_with_their_values(tmp_path):
    fw = framework_from_dict(_fw(type="continuous"))
    got = load_survey(_survey(tmp_path, [["9.999998", "0.5", "-3"], ["10", "12.25", "0"]]), fw)
    assert got["q1"].tolist() == [9.999998, 10.0]


def test_values_are_printed_as_written(tmp_path):
    fw = framework_from_dict(_fw(likert=[0, 10]))
    with pytest.raises(DgpeError) as info:
        load_survey(_survey(tmp_path, [["9.999998", "1", "2"], ["3", "4", "5"]]), fw)
    msg = str(info.value)
    assert "Likert value outside 0–10 (whole numbers) of scale S" in msg and "9.999998" in msg


def test_continuous_range_and_binary_values_are_checked(tmp_path):
    fw = framework_from_dict(_fw(type="continuous", range=[0, 10]))
    with pytest.raises(DgpeError, match="outside the range"):
        load_survey(_survey(tmp_path, [["10.5", "1", "2"], ["3", "4", "5"]]), fw)
    fw = framework_from_dict(_fw(type="binary"))
    assert load_survey(_survey(tmp_path, [["0", "1", "1"], ["1", "0", ""]]), fw)["q3"].isna().sum() == 1
    with pytest.raises(DgpeError, match="binary item of scale S: expected 0 or 1") as info:
        load_survey(_survey(tmp_path, [["0", "2", "1"], ["1", "0", "0.5"]]), fw)
    assert len(info.value.problems) == 2
