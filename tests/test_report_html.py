"""The report's HTML as readers open it: the landing page and the notebooks' pages.

Fast tests build a small report folder by hand (records, two recorded tables, plan.json) and
write the landing page; one slow test runs the audit notebook through the runner and checks its
page. Rendering in a browser without a CJK font is checked by eye (see dgpe.webfont); here, that
every Chinese character of a page is in the font subset the page embeds.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from dgpe.config import load_run_config
from dgpe.landing import format_result, framework_frame, ranking_frame, report_title, write_index
from dgpe.nbhtml import export_html, for_readers, notebook_title
from dgpe.webfont import FONT_FAMILY, embed_cjk_font, embedded_cmap, page_characters

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "default.yaml"
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _text(page: str) -> str:
    """The page without its data URIs (fonts, images)."""
    return re.sub(r"data:[^\"')\s]+", "", page)


def _links(page: str) -> list[str]:
    return re.findall(r"""(?:href|src)=['"]([^'"#]+)['"]""", _text(page))


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """A small report folder: two notebooks' records, the ranking tables, plan.json, notebooks."""
    folder = tmp_path_factory.mktemp("report") / "2030-06-01-default"
    (folder / "tables").mkdir(parents=True)
    (folder / "notebooks").mkdir()
    cfg = load_run_config(CONFIG, ["notebooks=[00_data_audit, 05_index]"])
    units = [f"P1-{i:03d}" for i in range(1, 41)]
    scores = [90.5 - 2.1 * i for i in range(40)]
    bands = ["非常高" if s >= 90 else "高" if s >= 80 else "中" if s >= 60 else "<中" for s in scores]
    ranking = pd.DataFrame({"unit": units, "score": scores, "rank": [float(i + 1) for i in range(40)],
                            "n_ranked": 40, "band": bands, "unit_name": [f"甲省第{i}区" for i in range(1, 41)],
                            "province": "甲省", "tier": "市辖区"})
    ranking.iloc[::-1].to_csv(folder / "tables" / "05_index__index_ranking.csv", index=False)
    dims = pd.DataFrame({"unit_id": units, "DGPE": scores, "A": [50.123456] * 40, "B": [60.0] * 40,
                         "C": [70.0] * 40, "D": [80.0] * 40})
    dims.to_csv(folder / "tables" / "05_index__dimension_scores.csv", index=False)
    (folder / "config.yaml").write_text("name: default\n", encoding="utf-8")
    (folder / "plan.json").write_text(json.dumps({"weights": {"A": 0.2, "B": 0.35, "C": 0.2, "D": 0.25}}),
                                      encoding="utf-8")
    for nb in cfg.notebooks:
        (folder / "notebooks" / f"{nb}.html").write_text("<html></html>", encoding="utf-8")
        (folder / "notebooks" / f"{nb}.ipynb").write_text("{}", encoding="utf-8")
    records = {
        "00_data_audit": {
            "results": {
                "n_units": {"value": 40, "label": {"zh": "评估单位数", "en": "Units"}},
                "share_missing": {"value": 0.033968, "label": {"zh": "缺失单元格占比", "en": "Missing share"}},
                "dimension_alpha": {"value": {"A": 0.899358735895, "B": 0.902340266797},
                                    "label": {"zh": "各维度 α", "en": "α by dimension"}},
                "rescaled_indicators": {"value": [], "label": {"zh": "逐年重新标准化的指标", "en": "Rescaled"}},
            },
            "findings": [{"level": "info", "zh": "全部指标覆盖率达标。", "en": "All covered."},
                         {"level": "warning", "zh": "指标 `A1.4` 偏度超出阈值。", "en": "`A1.4` is skewed."}],
            "tables": {}, "figures": {},
        },
        "05_index": {
            "results": {"index_top_unit": {"value": "P1-001", "label": {"zh": "排名第一的单位", "en": "Top"}}},
            "findings": [],
            "tables": {"index_ranking": {"file": "tables/05_index__index_ranking.csv", "index": True,
                                         "title": {"zh": "综合指数得分与排名", "en": "Index scores"}},
                       "dimension_scores": {"file": "tables/05_index__dimension_scores.csv", "index": True,
                                            "title": {"zh": "各维度得分与排名", "en": "Dimension scores"}}},
            "figures": {},
        },
    }
    write_index(folder, cfg, records)
    (folder / "manifest.json").write_text("{}", encoding="utf-8")  # the runner writes it after the page
    return folder


@pytest.fixture(scope="module")
def index_html(report) -> str:
    return (report / "index.html").read_text(encoding="utf-8")


def test_title_is_the_framework_title_never_a_folder(index_html):
    title = re.search(r"<title>(.*?)</title>", index_html).group(1)
    assert title == report_title(load_run_config(CONFIG), "zh")
    assert "incomplete" not in title and "2030-06-01" not in title and "/" not in title
    assert '<html lang="zh-CN">' in index_html


def test_key_results_are_formatted(index_html):
    section = index_html[index_html.index("关键结果"):index_html.index("发现与提示")]
    assert "0.034" in section and "0.033968" not in section  # a share by its kind
    shown = re.sub(r"<[^>]+>", " ", section)
    assert not any(c in shown for c in "{}[]'\"")  # no dict or list repr
    assert "<b>A</b> 0.899" in section and "0.899358" not in section
    assert not re.search(r"\d\.\d{5,}", section)
    assert "<td>无</td>" in section  # an empty list is said, not left blank
    assert "P1-001 甲省第1区" in section  # a unit with its name
    assert not re.search(r"<td>\s*</td>", section)


def test_format_result_by_kind_and_language():
    assert format_result(12000, "n_evaluations", "en") == "12,000"
    assert format_result([], "x", "en") == "none"
    assert format_result(["a"] * 25, "x", "en").endswith("(25 in all)")
    assert format_result({"1": 0.2699, "2": 0.4097}, "kendall_w_by_round", "zh").count("轮") == 2
    assert format_result("aggregate", "main_driver", "zh") == "加权汇总方法"


def test_findings_warnings_first_as_text(index_html):
    items = re.findall(r"<li[^>]*>(.*?)</li>", index_html[index_html.index("发现与提示"):], re.S)
    assert "偏度" in items[0] and "<code>A1.4</code>" in items[0] and "class='badge'" in items[0]
    assert "覆盖率" in items[1]


def test_ranking_is_complete_with_dimension_scores_and_band(report, index_html):
    cfg = load_run_config(CONFIG)
    frame = ranking_frame(report, {"05_index": {"tables": {
        "index_ranking": {"file": "tables/05_index__index_ranking.csv"},
        "dimension_scores": {"file": "tables/05_index__dimension_scores.csv"}}}}, cfg)
    assert len(frame) == 40 and list(frame["rank"]) == sorted(frame["rank"])
    assert {"band", "A", "B", "C", "D", "unit_name"} <= set(frame.columns)
    table = index_html[index_html.index("<table class='sortable ranking'>"):]
    table = table[:table.index("</table>")]
    assert table.count("<tr>") == 41  # header + every unit
    assert ">1<" in table and ">1.0<" not in table  # ranks as whole numbers
    assert ">50.12<" in table and "50.123456" not in table  # dimension scores as scores
    assert "A 基础支撑能力" in table and ">排名<" in table and ">等级<" in table
    assert "data-v='0'" in table  # bands sort by grade (非常高 first), not alphabetically


def test_framework_table_has_the_tree_with_weights(report, index_html):
    frame = framework_frame(report, load_run_config(CONFIG), "zh")
    dims = frame[frame["depth"] == 0]
    assert list(dims["code"]) == ["A", "B", "C", "D"]
    assert dims["weight"].round(6).tolist() == [0.2, 0.35, 0.2, 0.25]
    leaves = frame[frame["indicator"]]
    assert len(leaves) == 42 and abs(leaves["effective_weight"].sum() - 1) < 1e-9
    assert set(leaves["direction"]) <= {"正向", "负向"} and "positive" not in index_html
    assert "指标体系与权重" in index_html and "有效权重" in index_html


def test_every_link_resolves_inside_the_report(report, index_html):
    links = _links(index_html)
    assert links
    missing = [link for link in links if not (report / link).exists()]
    assert not missing, missing
    assert not any(link.startswith(("http", "/", "file:")) for link in links)
    assert "<script src" not in index_html and "@import" not in index_html  # nothing from the network


def test_page_embeds_a_font_with_every_cjk_character(index_html):
    assert "@font-face" in index_html and f'font-family:"{FONT_FAMILY}"' in index_html
    assert re.search(r'body\{font-family:"' + FONT_FAMILY + '"', index_html)  # the embedded family first
    cjk = set(CJK.findall(_text(index_html)))
    assert len(cjk) > 50
    assert cjk <= embedded_cmap(index_html), sorted(cjk - embedded_cmap(index_html))


def test_font_subset_is_small_and_english_pages_keep_latin_punctuation():
    zh = embed_cjk_font('<html lang="zh-CN"><head></head><body>信度——“良好”</body></html>')
    assert {"—", "“", "”"} <= embedded_cmap(zh) and len(zh) < 20_000
    en = '<html lang="en"><head></head><body>Reliability — “good” 甲省</body></html>'
    assert page_characters(en) == {"甲", "省"}
    assert embed_cjk_font('<html lang="en"><head></head><body>no Chinese</body></html>').count("@font-face") == 0


def _notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('config = "../configs/default.yaml"')
    params.metadata["tags"] = ["parameters"]
    injected = nbformat.v4.new_code_cell('# Parameters\nconfig = "/tmp/reports/.2030-06-01-default.incomplete-1a2b3c4d/config.yaml"')
    injected.metadata["tags"] = ["injected-parameters"]
    compute = nbformat.v4.new_code_cell("run = open_run(config)")
    shown = nbformat.v4.new_code_cell("run.show(section)")
    shown.outputs = [nbformat.v4.new_output("display_data", {"text/markdown": "- **注意**:信度不足。",
                                                              "text/plain": "<IPython.core.display.Markdown object>"}),
                     nbformat.v4.new_output("stream", name="stderr", text="FutureWarning: something\n")]
    nb.cells = [nbformat.v4.new_markdown_cell("# 01 信度 · Reliability\n说明文字。"), params, injected, compute, shown]
    return nb


def test_for_readers_drops_parameters_and_silent_code():
    nb = for_readers(_notebook())
    assert [c.cell_type for c in nb.cells] == ["markdown", "code"]
    assert all(o.get("name") != "stderr" for o in nb.cells[1].outputs)
    assert notebook_title("01_reliability", nb, "zh") == "01 信度"
    assert notebook_title("09_extra", nb, "en") == "01 信度 · Reliability"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_notebook_page_for_readers(tmp_path, lang):
    (tmp_path / "notebooks").mkdir()
    ipynb = tmp_path / "notebooks" / "01_reliability.ipynb"
    nbformat.write(_notebook(), str(ipynb))
    out = tmp_path / "notebooks" / "01_reliability.html"
    export_html(ipynb, out, lang=lang, report_title="某评估报告",
                parameters={"config": "../config.yaml", "lang": lang})
    page = out.read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert title == ("01 信度 · 某评估报告" if lang == "zh" else "01 Reliability · 某评估报告")
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page
    assert re.search(r"href=['\"]\.\./index\.html['\"]", page)
    assert re.search(r"config = <a href=['\"]\.\./config\.yaml['\"]>", page)
    assert "incomplete" not in page and "/tmp/" not in page and "# Parameters" not in page
    assert "open_run" not in page  # a cell that only computes is left out
    assert "<details class=\"dgpe-code\">" in page  # the code of a shown cell is folded
    assert "FutureWarning" not in page
    assert "<strong>注意</strong>" in page  # findings as Markdown, not a quoted string
    (tmp_path / "config.yaml").write_text("", encoding="utf-8")
    (tmp_path / "index.html").write_text("", encoding="utf-8")
    assert all((out.parent / link).exists() for link in _links(page)), _links(page)
    cjk = set(CJK.findall(_text(page)))
    assert cjk and cjk <= embedded_cmap(page)


@pytest.mark.slow
def test_runner_pages_of_a_real_report(tmp_path):
    """The audit notebook run by the runner: its page names neither the temporary folder nor
    papermill's parameters, and the landing page's links all resolve."""
    from dgpe.runner import run_report

    folder = run_report(CONFIG, ["notebooks=[00_data_audit]"], reports_dir=tmp_path, date=dt.date(2030, 6, 1),
                        progress=False).path
    page = (folder / "notebooks" / "00_data_audit.html").read_text(encoding="utf-8")
    assert ".incomplete-" not in page and str(tmp_path) not in page
    saved = (folder / "notebooks" / "00_data_audit.ipynb").read_text(encoding="utf-8")
    assert ".incomplete-" not in saved and str(tmp_path) not in saved
    assert re.search(r"<title>00 数据与数据质量 · .*评估报告</title>", page)
    assert not re.search(r"Name: \w+, dtype: \w+", page)
    cjk = set(CJK.findall(_text(page)))
    assert cjk <= embedded_cmap(page)
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert ".incomplete-" not in index
    assert all((folder / link).exists() for link in _links(index))
    for link in _links(page):
        assert (folder / "notebooks" / link).resolve().exists(), link


def test_notebook_tables_are_formatted_for_readers():
    from dgpe.display import format_table

    df = pd.DataFrame({"rank": [1.0, 2.0, 3.0], "score": [89.20980108, 79.1, 70.0],
                       "band": pd.Categorical(["高", "中", "中"], categories=["非常高", "高", "中"], ordered=True),
                       "label_zh": ["好", "中", "中"], "label_en": ["good", "fair", "fair"]},
                      index=pd.Index(["P1", "P2", "P3"], name="unit"))
    html = format_table(df, "zh").to_html()
    assert ">排名<" in html and ">得分<" in html and ">等级<" in html and ">单位<" in html
    assert ">1<" in html and ">1.0<" not in html and ">89.21<" in html
    assert "good" not in html  # the other language's column is not shown
    matrix = pd.DataFrame({"a": [1.0, 0.98765], "b": [0.98765, 1.0]}, index=["a", "b"])
    shown = format_table(matrix, "en").data
    assert list(shown.iloc[:, 1]) == ["1.000", "0.988"] and shown.columns[0] == ""


def test_saved_notebook_names_no_machine_path(tmp_path):
    from dgpe.nbhtml import relative_parameters

    ipynb = tmp_path / "01_reliability.ipynb"
    nbformat.write(_notebook(), str(ipynb))
    nb = _notebook()
    nb.metadata["papermill"] = {"parameters": {"config": "/tmp/reports/.x.incomplete-1/config.yaml"},
                                "output_path": "/tmp/reports/.x.incomplete-1/notebooks/01_reliability.ipynb",
                                "input_path": {"cells": []}}
    nbformat.write(nb, str(ipynb))
    relative_parameters(ipynb, {"config": "../config.yaml", "lang": "zh", "output_dir": None},
                        source="notebooks/01_reliability.py")
    text = ipynb.read_text(encoding="utf-8")
    assert "incomplete" not in text and "/tmp/" not in text
    cell = nbformat.read(str(ipynb), as_version=4).cells[2]
    assert 'config = "../config.yaml"' in cell.source and "output_dir = None" in cell.source
