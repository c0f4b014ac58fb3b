"""The method note's content: the method chapters are written from the plan (a changed config changes
the sentences), the results chapter carries the complete ranking, a survey-only run has no index
chapters."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path

import pytest

from dgpe.config import load_run_config
from dgpe.note import note_blocks
from dgpe.plan import resolve_plan
from dgpe.runner import run_report

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "default.yaml"


def plan_note(tmp_path: Path, config: Path, overrides: list[str] | None = None, records: dict | None = None):
    """The note's blocks for a config's plan (written to ``plan.json`` as the runner does) and the
    given records (none: the chapters that need only the plan)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = resolve_plan(load_run_config(config, overrides or []))
    (tmp_path / "plan.json").write_text(json.dumps(plan.to_dict(), ensure_ascii=False, default=str), encoding="utf-8")
    return note_blocks(tmp_path, plan.config, records or {})


def text_of(blocks) -> str:
    return "\n".join(str(p) for kind, p in blocks if kind in ("title", "h1", "h2", "p", "li"))


def headings(blocks) -> list[str]:
    return [p for kind, p in blocks if kind == "h1"]


def table(blocks, caption_part: str):
    found = [p[1] for kind, p in blocks if kind == "table" and caption_part in p[0]]
    assert found, caption_part
    return found[0]


@pytest.fixture(scope="module")
def default_note(tmp_path_factory):
    return plan_note(tmp_path_factory.mktemp("note"), CONFIG)


def test_method_chapters_state_the_configured_build(default_note):
    text = text_of(default_note)
    assert headings(default_note)[:4] == ["1 评价目的与指标体系", "2 数据与处理", "3 权重", "4 汇总与等级"]
    assert "缺失值采用组内均值插补填补（x_ij = 所在组的均值，分组变量为 province），共填补 214 个单元，涉及 42 项指标" in text
    assert "异常值处理采用 JRC 规则" in text and "42 项指标中有 2 项触发处理，共改动 2 个数据点" in text
    assert "标准化采用极差标准化（默认 0–100），公式为 l + (u − l)(x − min)/(max − min)，参数 range = [0, 100]" in text
    assert "权重采用指标框架中的专家权重（w = 框架权重，同级内归一）" in text
    assert "各层级均采用加权算术平均（完全补偿）逐级汇总：得分 = Σ w_c x_c" in text
    assert "低于最低分数线 60 的单位不定等级" in text
    treated = table(default_note, "经异常值处理的指标")
    assert treated["code"].tolist() == ["A1.4", "B3.1"]
    imputed = table(default_note, "缺失与插补")
    assert int(imputed["n_imputed"].sum()) == 214


def test_full_indicator_table_has_weights_directions_units_and_kinds(default_note):
    full = table(default_note, "全部评价指标")
    assert len(full) == 42
    assert {"level_1", "level_2", "level_3", "weight", "effective_weight", "direction", "measure_unit", "kind"} <= set(full.columns)
    assert full["effective_weight"].sum() == pytest.approx(1.0)
    assert set(full["direction"]) == {"正向", "负向"} and set(full["kind"]) == {"投入", "产出", "成效"}
    bands = table(default_note, "等级分数线")
    assert bands["lower"].tolist() == [90.0, 80.0, 60.0]


def test_a_changed_config_changes_the_method_sentences(tmp_path, default_note):
    blocks = plan_note(tmp_path, CONFIG, ["build.normalise={method: zscore}", "build.weights=entropy",
                                          "build.impute={method: median}", "build.treat=null", "bands=null"])
    text, before = text_of(blocks), text_of(default_note)
    assert "标准化采用 Z 分数标准化，公式为 m + s (x − 均值)/标准差" in text and "极差标准化" not in text.split("3 权重")[0]
    assert "权重在标准化后的指标上按熵权法（离散程度越大权重越大）计算" in text
    assert "缺失值采用全体中位数插补填补" in text and "未作异常值处理" in text
    assert "本次评价不划分等级：运行配置没有设置等级（bands）。" in text
    for sentence in ("组内均值插补", "JRC 规则", "专家权重（w = 框架权重"):
        assert sentence in before and sentence not in text, sentence
    mixed = text_of(plan_note(tmp_path, CONFIG, ["build.normalise={method: minmax, range: [1, 100]}",
                                                 "build.aggregate={default: arithmetic, 4: geometric}"]))
    assert "参数 range = [1, 100]" in mixed and "各层级的汇总方法如下" in mixed
    assert "加权几何平均（部分补偿；要求 x > 0）：Π x_c^{w_c}（汇总为地方政府数字政务绩效指数）" in mixed


def test_english_note_has_no_chinese_in_the_method_sentences(tmp_path):
    blocks = plan_note(tmp_path, CONFIG, ["lang=en"])
    text = text_of(blocks)
    assert "Missing values are imputed by the mean of the indicator within the unit's group" in text
    assert "2 Data and processing" in headings(blocks)
    method = text.split("2 Data and processing")[1]
    plan = resolve_plan(load_run_config(CONFIG))
    framework_names = {n.name.zh for n in plan.framework.nodes()} | set(plan.config.bands or {})  # data names
    leftovers = [ch for ch in method if "\u4e00" <= ch <= "\u9fff"]
    assert not leftovers or all(any(ch in n for n in framework_names) for ch in leftovers)


def test_survey_only_note_has_no_index_chapters(tmp_path):
    blocks = plan_note(tmp_path, ROOT / "configs" / "survey-bfi.yaml")
    hs = headings(blocks)
    assert hs[0] == "1 评价目的与指标体系" and hs[-1].startswith("附录")
    for absent in ("权重", "汇总与等级", "稳健性", "评价结果"):
        assert not any(absent in h for h in hs), absent
    assert "只有问卷量表" in text_of(blocks)
    assert len(table(blocks, "问卷量表")) == 5  # the Big Five


@pytest.fixture(scope="module")
def index_report(tmp_path_factory):
    reports = tmp_path_factory.mktemp("reports")
    return run_report(CONFIG, ["notebooks=[05_index]", "issuer={zh: 某省数据局, en: Provincial Data Bureau}"],
                      reports_dir=reports, date=dt.date(2030, 1, 2), progress=False).path


def test_ranking_table_has_every_ranked_unit(index_report):
    from dgpe.report import collect

    cfg = load_run_config(index_report / "config.yaml")
    blocks = note_blocks(index_report, cfg, collect(index_report))
    ranking = table(blocks, "全部 150 个单位的评价结果")
    assert len(ranking) == 150 and ranking["rank"].tolist() == sorted(ranking["rank"].tolist())
    assert {"A", "B", "C", "D", "band", "score", "unit_name"} <= set(ranking.columns)
    assert ranking.attrs["names"]["A"] == "基础支撑能力" and ranking.attrs["full"]
    figures = [p[0] for kind, p in blocks if kind == "figure"]
    assert any("各维度的贡献" in f for f in figures) and any("综合指数分布" in f for f in figures)
    text = text_of(blocks)
    assert "编制单位：某省数据局" in text and "编制日期：2030-01-02" in text
    assert "dgpe verify reports/2030-01-02-default" in text
