"""The section object: findings from the catalogue in both languages, skips, records, display."""

from __future__ import annotations

import json

import mistune
import pandas as pd
import pytest

from dgpe.catalogue import check_options, message, threshold, thresholds
from dgpe.record import Recorder
from dgpe.sections import Section
from dgpe.text import Text, join


def _section() -> Section:
    sec = Section("t.demo", Text("演示", "Demo"))
    sec.table("demo_table", pd.DataFrame({"rank": [1.0, 2.0], "p": [0.0004, 0.2]}), ("表", "Table"))
    sec.result("demo_value", 1.5, ("数值", "Value"))
    sec.finding("plan.bands_off_scale", cuts="90, 80", scale=Text("[0, 1]", "[0, 1]"))
    return sec


def test_a_finding_renders_in_both_languages_from_one_set_of_parameters():
    f = _section().findings[0]
    assert "90, 80" in f("zh") and "90, 80" in f("en")
    assert f("zh") != f("en") and f.severity == "warning"


def test_a_missing_parameter_fails_when_the_finding_is_made():
    with pytest.raises(KeyError):
        Section("t", Text("t", "t")).finding("plan.bands_off_scale", cuts="1")


def test_warnings_render_bold_in_chinese_markdown():
    """CommonMark does not close ** after a full-width colon followed by text: the colon stays out."""
    html = mistune.html(_section().markdown("zh"))
    assert "<strong>注意</strong>" in html and "**" not in html
    assert "<strong>Warning:</strong>" in mistune.html(_section().markdown("en"))


def test_a_skipped_section_says_why_and_records_the_reason(tmp_path):
    sec = Section.skip("t.skip", ("略", "Skipped"), "plan.skipped_no_survey")
    assert "没有问卷数据" in sec.markdown("zh") and "no survey data" in sec.markdown("en")
    assert repr(sec) == "<Section t.skip: skipped (plan.skipped_no_survey)>"
    rec = Recorder(tmp_path, notebook="nb", lang="en")
    rec.section(sec)
    stored = json.loads((tmp_path / "records" / "nb.json").read_text(encoding="utf-8"))
    (f,) = stored["findings"]
    assert f["skipped"] is True and f["key"] == "plan.skipped_no_survey" and f["section"] == "t.skip"


def test_recording_a_section_writes_tables_results_and_keyed_findings(tmp_path):
    rec = Recorder(tmp_path, notebook="nb", lang="zh")
    rec.section(_section())
    stored = json.loads((tmp_path / "records" / "nb.json").read_text(encoding="utf-8"))
    assert stored["tables"]["demo_table"]["title"] == {"zh": "表", "en": "Table"}
    assert stored["results"]["demo_value"]["value"] == 1.5
    f = stored["findings"][0]
    assert f["key"] == "plan.bands_off_scale" and f["params"]["scale"] == {"zh": "[0, 1]", "en": "[0, 1]"}
    assert len(repr(_section())) < 120


def test_text_joins_the_language_way():
    assert join([Text("甲", "A"), Text("乙", "B")], "zh") == "甲、乙"
    assert join([Text("甲", "A"), Text("乙", "B")], "en") == "A, B"


def test_thresholds_come_from_the_catalogue_and_options_override_them():
    key = next(iter(thresholds()))
    topic, name = key.split(".", 1)
    default = threshold(key)
    if isinstance(default, bool) or not isinstance(default, int | float):
        pytest.skip("first threshold is not numeric")
    assert threshold(key, {topic: {name: default + 1}}) == default + 1
    assert check_options({topic: {name: default + 1}}) == []
    problems = check_options({topic: {"no_such_threshold": 1}})
    assert problems and problems[0][0] == f"options.{topic}.no_such_threshold"


def test_every_catalogue_message_has_both_languages():
    from dgpe.catalogue import catalogue

    for topic, data in catalogue().items():
        for name, entry in data["messages"].items():
            assert entry.get("zh") and entry.get("en"), f"{topic}.{name}"
            assert entry.get("level", "info") in ("info", "warning"), f"{topic}.{name}"


def test_a_plain_message_formats():
    assert message("plan.skipped_one_year", "en") == "The data have a single year."
