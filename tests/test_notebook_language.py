"""Notebook narrative in the report's language: markdown cells tagged ``zh``/``en`` (runner.cells_in_language)."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

from dgpe.runner import cells_in_language
from dgpe.typography import halfwidth_problems, is_cjk

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
#: Notebooks whose narrative is written in both languages (all of them).
BILINGUAL = ["00_data_audit", "01_reliability", "02_factor_structure", "03_weights", "04_sensitivity",
             "05_index", "06_efficiency_diagnosis", "07_method_comparison"]
ENGLISH_RUN = re.compile(r"(?:\b[A-Za-z][a-z'-]+\b[ ,;:()]+){4,}\b[A-Za-z][a-z'-]+\b")


def _markdown(name: str) -> list:
    return [c for c in jupytext.read(NOTEBOOKS / f"{name}.py").cells if c.cell_type == "markdown"]


@pytest.mark.parametrize("name", BILINGUAL)
def test_narrative_in_both_languages(name: str) -> None:
    cells = _markdown(name)
    tags = [tuple(c.metadata.get("tags", [])) for c in cells]
    assert tags == [("zh",), ("en",)] * (len(cells) // 2), f"{name}: each zh narrative cell is followed by its en one"
    for zh, en in zip(cells[::2], cells[1::2], strict=True):
        prose = re.sub(r"`[^`]*`", "", zh.source)
        assert not ENGLISH_RUN.search(prose), f"{name}: English prose in a zh cell: {ENGLISH_RUN.search(prose)}"
        assert not halfwidth_problems(zh.source), f"{name}: {halfwidth_problems(zh.source)}"
        assert not any(is_cjk(ch) for ch in en.source), f"{name}: Chinese in an en cell: {en.source[:60]}"


@pytest.mark.parametrize("name", BILINGUAL)
def test_a_report_keeps_its_language_only(name: str) -> None:
    nb = jupytext.read(NOTEBOOKS / f"{name}.py")
    for lang, other in (("zh", "en"), ("en", "zh")):
        kept = cells_in_language(nb.cells, lang)
        assert all(other not in c.metadata.get("tags", []) for c in kept)
        assert sum(c.cell_type == "code" for c in kept) == sum(c.cell_type == "code" for c in nb.cells)
    assert len(cells_in_language(nb.cells, None)) == len(nb.cells)
