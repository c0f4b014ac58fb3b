"""The method note in Word follows Chinese document conventions (dgpe.note_docx), and
``dgpe note --pdf`` says how to get LibreOffice when it is missing (dgpe.note_pdf)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from docx import Document

from dgpe.note_docx import write_docx
from dgpe.plotting import PRINT_DPI, PRINT_WIDTH_IN, save_for_print

ASCII_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9.]+)+$")


def _blocks(tmp_path: Path, lang: str) -> list[tuple[str, object]]:
    fig, ax = plt.subplots(figsize=(12, 4))  # wider than the page: saved at print width
    ax.plot([0, 1], [0, 1])
    png = tmp_path / "fig.png"
    save_for_print(fig, png)
    plt.close(fig)
    table = pd.DataFrame({
        "": [0, 1, 2],  # pandas' row numbers, as read back from a CSV written with its index
        "unit_id": ["P1-001", "P1-002", "P1-003"],
        "kmo_label": ["good", "fair", "poor"],
        "n_gap": [13470.0, 2.0, 3.0],
        "bartlett_p": [4.11e-37, 0.2, 0.04],
        "cr_ok": [True, False, True],
    })
    long = pd.DataFrame({"unit_id": [f"P{i}" for i in range(40)], "score": range(40)})
    return [
        ("title", "示例方法说明"),
        ("p", "本说明可用 `dgpe verify` 复核。"),
        ("h1", "1 数据"),
        ("table", ("表 1 示例", table)),
        ("h2", "结论"),
        ("li", "`n_gap` 为 0。"),
        ("table", ("表 2 长表", long)),
        ("figure", ("图 1 示例", png)),
        ("h1", "2 局限"),
    ] if lang == "zh" else [
        ("title", "Example method note"),
        ("h1", "1 Data"),
        ("table", ("Table 1 Example", table)),
    ]


@pytest.fixture(scope="module")
def zh_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("zh")
    out = tmp / "note.docx"
    write_docx(out, _blocks(tmp, "zh"), "zh")
    return out


def _part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def test_a4_page_with_margins(zh_docx):
    section = Document(str(zh_docx)).sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)  # 210 × 297 mm
    assert 1300 <= section.left_margin.twips <= 1800 and 1300 <= section.top_margin.twips <= 1800
    doc_xml = _part(zh_docx, "word/document.xml")
    assert 'w:w="11906"' in doc_xml and 'w:h="16838"' in doc_xml


def test_chinese_fonts_and_language_are_explicit(zh_docx):
    styles = _part(zh_docx, "word/styles.xml")
    assert "eastAsiaTheme" not in styles and "asciiTheme" not in styles  # no theme font overrides
    assert 'w:eastAsia="宋体"' in styles and 'w:eastAsia="黑体"' in styles
    assert 'w:ascii="Times New Roman"' in styles
    assert 'w:eastAsia="zh-CN"' in styles and 'w:eastAsia="ja-JP"' not in styles
    doc = Document(str(zh_docx))
    for name, east in (("Normal", "宋体"), ("Heading 1", "黑体"), ("Title", "黑体"), ("Caption", "黑体")):
        fonts = doc.styles[name].element.rPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}rFonts")
        assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == east, name
    settings = _part(zh_docx, "word/settings.xml")
    assert '<w:updateFields w:val="true"/>' in settings and 'w:eastAsia="zh-CN"' in settings


def test_plain_black_title(zh_docx):
    title = Document(str(zh_docx)).styles["Title"]
    assert title.font.color.rgb is not None and str(title.font.color.rgb) == "000000"
    assert "pBdr" not in title.element.xml  # no blue rule under it
    assert title.font.size.pt == 22  # 二号


def test_toc_and_page_fields(zh_docx):
    doc_xml = _part(zh_docx, "word/document.xml")
    assert re.search(r'<w:instrText[^>]*> TOC \\o "1-3" \\h', doc_xml)
    footers = [n for n in zipfile.ZipFile(zh_docx).namelist() if n.startswith("word/footer")]
    assert any("> PAGE <" in _part(zh_docx, n) for n in footers)
    doc = Document(str(zh_docx))
    texts = [p.text for p in doc.paragraphs]
    assert texts.index("目  录") < texts.index("1 数据")  # the contents come before the first section
    assert texts.count("1 数据") == 2  # pre-filled TOC entry and the heading itself


def test_tables_repeat_headers_and_rows_do_not_split(zh_docx):
    doc = Document(str(zh_docx))
    assert len(doc.tables) == 2
    for table in doc.tables:
        header = table.rows[0]._tr
        assert header.trPr is not None and header.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
        assert all("cantSplit" in row._tr.xml for row in table.rows)
    captions = [p for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions[0].text == "表 1 示例" and captions[0].paragraph_format.keep_with_next


def test_table_headers_and_values_are_for_readers(zh_docx):
    table = Document(str(zh_docx)).tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert not [h for h in header if ASCII_ID.match(h)], header
    assert header[:2] == ["单位代码", "KMO 评价"]  # no row-number column
    values = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert values[0][2] == "13,470" and values[0][3] == "< 0.001" and values[0][4] == "是"
    assert not any("e+" in v or "e-" in v for row in values for v in row)


def test_no_markdown_backticks_and_no_zero_row_notes(zh_docx):
    doc = Document(str(zh_docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "`" not in text and "dgpe verify" in text
    assert "另有 0" not in text and "仅列出前 30 行（共 40 行）" in text


def test_figures_at_print_size(zh_docx, tmp_path):
    from PIL import Image

    doc = Document(str(zh_docx))
    shape = doc.inline_shapes[0]
    section = doc.sections[0]
    assert shape.width <= section.page_width - section.left_margin - section.right_margin
    with zipfile.ZipFile(zh_docx) as z:
        png = next(n for n in z.namelist() if n.endswith(".png"))
        z.extract(png, tmp_path)
    image = Image.open(tmp_path / png)
    dpi = image.info["dpi"][0]
    assert round(dpi) == PRINT_DPI and image.width / dpi <= PRINT_WIDTH_IN + 0.05
    pic = next(p for p in doc.paragraphs if p._p.xml.count("<pic:pic") or "graphic" in p._p.xml)
    assert pic.paragraph_format.keep_with_next  # the figure stays with its caption below


def test_english_note_is_latin_and_en_us(tmp_path):
    out = tmp_path / "note.docx"
    write_docx(out, _blocks(tmp_path, "en"), "en")
    styles = _part(out, "word/styles.xml")
    assert 'w:val="en-US"' in styles and 'w:ascii="Times New Roman"' in styles
    doc = Document(str(out))
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert header[:2] == ["Unit id", "KMO verdict"] and "Contents" in [p.text for p in doc.paragraphs]


def test_pdf_without_libreoffice_says_how_to_install(monkeypatch, tmp_path):
    from dgpe import note_pdf
    from dgpe.errors import ReportError

    monkeypatch.setattr(note_pdf.shutil, "which", lambda name: None)
    with pytest.raises(ReportError, match="apt-get install libreoffice"):
        note_pdf.docx_to_pdf(tmp_path / "method-note.docx")


def test_note_command_needs_a_report_folder(tmp_path, capsys):
    from dgpe.cli import main

    assert main(["note", str(tmp_path)]) == 2
    assert "is this a dgpe report folder" in capsys.readouterr().err
