"""tables.xlsx as a reader gets it: sheet names, number formats, widths, frozen header, filter, links."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from dgpe.record import Recorder
from dgpe.workbook import (
    display_width,
    excel_sheet_name,
    number_format,
    sheet_name_for,
    write_workbook,
)

LONG_TITLES = [
    "Indicator distributions and outlier flags",
    "Reliability of the dimensions (oriented, standardised indicators)",
    "Parallel analysis (indicators)",
    "Parallel analysis (survey)",
    "Factor correlations (indicators)",
    "Factor correlations (survey)",
    "Weight share of input, output and outcome indicators under each scheme",
    "Fuzzy verdicts of the satisfaction survey by unit (maximum membership)",
    "Spearman correlation of the survey's fuzzy score with the index and its dimensions",
    "Rank change per unit with each node removed",
    "Rank change per unit with each node removed",
]


def _words_of(title: str) -> set[str]:
    return {w.strip("(),:;").lower() for w in title.split()}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sheet_names_are_valid_unique_and_never_cut_a_word(lang):
    taken: set[str] = {"contents", "目录"}
    titles = LONG_TITLES if lang == "en" else ["综合指数得分与排名", "调查模糊得分与指数及各维度得分的 Spearman 相关",
                                                "组合信度、AVE、Fornell-Larcker 与 HTMT", "维度信度(指标已统一方向并标准化)",
                                                "综合指数得分与排名", "各单位得分与 Fornell-Larcker 判别效度及 HTMT 比较结果汇总表"]
    names = [excel_sheet_name(t, taken, "05") for t in titles]
    assert len({n.lower() for n in names}) == len(names)
    for name, title in zip(names, titles, strict=True):
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\") and name.strip("'") == name, name
        assert name.startswith("05 ")
        if lang == "en":  # every word is a word of the title (or its standard abbreviation, or a counter)
            words = _words_of(title)
            for w in (x.strip("(),:;") for x in name[3:].split()):
                assert w.lower() in words or w.endswith(".") or w in ("dims", "sub-dims") or w.isdigit(), (w, name)
    if lang == "zh":
        assert names[0] == "05 综合指数得分与排名" and names[4] == "05 综合指数得分与排名 2"
        assert names[3] == "05 维度信度(指标已统一方向并标准化)"  # fits: kept whole
        assert names[1] == "05 调查模糊得分与指数及各维度得分的 Spearman 相关"
        assert names[5] == "05 各单位得分与 Fornell-Larcker 判别效度"  # cut after a word, at 及
        assert sheet_name_for("05", "各单位得分比较结果汇总表格数据Fornell-Larcker") == "05 各单位得分比较结果汇总表格数据"


def test_sheet_name_drops_fillers_then_abbreviates_then_whole_words():
    assert sheet_name_for("02", "Parallel analysis (indicators)") == "02 Parallel analysis indicators"
    assert sheet_name_for("02", "Factor correlations (indicators)") == "02 Factor corr. ind."
    assert sheet_name_for("00", "Indicator distributions and outlier flags") == "00 Indicator distr. outlier"
    assert sheet_name_for("", "History") == "History"
    # Excel (and LibreOffice) refuse a workbook with a sheet name ending in an apostrophe
    assert sheet_name_for("01", "Intraclass correlations of the experts' scores, round 2") == "01 Intraclass corr. experts"
    assert sheet_name_for("04", "First- and total-order Sobol' indices (bootstrap intervals)") == "04 First- total-order Sobol"
    assert excel_sheet_name("History", set()) == "History 2"


def test_number_formats_by_kind():
    assert number_format(0.0004, "bartlett_p") == '[<0.001]"< 0.001";0.000'
    assert number_format(0.04, "p") == '[<0.001]"< 0.001";0.000'
    assert number_format(13470, "n") == "#,##0" and number_format(3.0, "rank") == "#,##0"
    assert number_format(71.234, "score") == "#,##0.00"
    assert number_format(0.812, "alpha") == "0.000"
    assert number_format(2.5, "unknown_col") == "0.000" and number_format(4.0, "unknown_col") == "#,##0"
    assert number_format(0.0001234, "unknown_col") == "0.00E+00"
    assert number_format("优", "band") is None and number_format(True, "x") is None
    assert display_width("得分 a") == 6


@pytest.fixture()
def workbook(tmp_path):
    def make(lang: str):
        rec = Recorder(tmp_path / lang, notebook="05_index", lang=lang)
        ranking = pd.DataFrame(
            {"score": [71.2345, 65.5], "rank": [1, 2], "bartlett_p": [1e-9, 0.04], "alpha": [0.81234, 0.7],
             "band": ["优", "良"], "n": [13470, 12]},
            index=pd.Index(["浙江省杭州市西湖区数字政务服务中心", "B"], name="unit"))
        rec.table("ranking", ranking, title={"zh": "综合指数得分与排名", "en": "Index scores and ranks"})
        rec.table("movers", pd.DataFrame({"unit": ["A"], "change": [1.5]}), index=False,
                  title={"zh": "排名随方法变化最大的单位", "en": "Units whose rank moves most between methods"})
        path = write_workbook(tmp_path / lang, {"05_index": rec.as_dict()}, lang)
        return load_workbook(path)
    return make


def test_workbook_formats_widths_freeze_filter(workbook):
    wb = workbook("zh")
    ws = wb["05 综合指数得分与排名"]
    assert [c.value for c in ws[2]] == ["单位", "得分", "排名", "Bartlett p 值", "Cronbach α", "等级", "样本量"]
    assert ws["A1"].value == "← 目录" and ws["B1"].value == "综合指数得分与排名"
    assert ws.freeze_panes == "B3" and ws.auto_filter.ref == "A2:G4"
    assert ws["B3"].value == pytest.approx(71.2345) and ws["B3"].number_format == "#,##0.00"  # a number, formatted
    assert ws["C3"].number_format == "#,##0"
    assert ws["D3"].number_format == '[<0.001]"< 0.001";0.000' and ws["D3"].value == pytest.approx(1e-9)
    assert ws["E3"].number_format == "0.000" and ws["G3"].number_format == "#,##0"
    # the CJK unit name (17 characters) is wider than the Latin header; CJK counts double
    assert ws.column_dimensions["A"].width >= 34 and ws.column_dimensions["F"].width < 10
    assert ws.print_title_rows == "$2:$2" or ws.print_title_rows == "2:2"
    movers = wb["05 排名随方法变化最大的单位"]
    assert movers.freeze_panes == "A3" and [c.value for c in movers[2]] == ["单位", "变化"]


@pytest.mark.parametrize("lang,contents,headers", [
    ("zh", "目录", ["序号", "工作表", "表名", "笔记本", "行数", "列数", "CSV 文件"]),
    ("en", "Contents", ["No.", "Sheet", "Title", "Notebook", "Rows", "Columns", "CSV file"]),
])
def test_contents_sheet_links_every_sheet_and_back(workbook, lang, contents, headers):
    wb = workbook(lang)
    assert wb.sheetnames[0] == contents
    ws = wb[contents]
    assert [c.value for c in ws[1]] == headers
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:G3"
    for row, sheet in zip(range(2, 4), wb.sheetnames[1:], strict=True):
        cell = ws.cell(row=row, column=2)
        assert cell.value == sheet and cell.hyperlink.location == f"'{sheet}'!A1"
        back = wb[sheet]["A1"]
        assert back.hyperlink.location == f"'{contents}'!B{row}"
    if lang == "en":
        assert wb.sheetnames[1:] == ["05 Index scores and ranks", "05 Units rank moves"]


def test_docstring_examples():
    import doctest

    import dgpe.workbook

    assert doctest.testmod(dgpe.workbook).failed == 0
