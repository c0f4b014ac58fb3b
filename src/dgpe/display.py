"""Showing a report section in a notebook: findings as Markdown, tables formatted, figures.

Tables are shown as a reader expects them, with the same headers and number formats as every other
deliverable (:mod:`dgpe.tablefmt`): columns labelled in the run's language, ranks and counts as whole
numbers, scores with 2 decimals, statistics with 3, p-values below 0.001 as ``< 0.001``; numbers
right-aligned, wide tables scrolling sideways, and only the first rows of long tables with a note
of how many there are (the full table is in the report's ``tables/``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from dgpe.sections.base import Section
from dgpe.tablefmt import display_frame

__all__ = ["show_section", "format_table", "rows_note", "other_language_dropped"]

_TABLE_CSS = [
    {"selector": "", "props": [("border-collapse", "collapse"), ("font-size", "12px")]},
    {"selector": "th", "props": [("text-align", "left"), ("background", "#eef3f7"), ("padding", "3px 8px")]},
    {"selector": "td", "props": [("padding", "3px 8px"), ("white-space", "nowrap")]},
]


def format_table(df: pd.DataFrame, lang: str = "zh", *, rows: int | None = 10,
                 names: Mapping[str, str] | None = None) -> Any:
    """A pandas Styler of ``df``'s first ``rows`` rows as the report writes it
    (:func:`dgpe.tablefmt.display_frame`): labelled headers, numbers formatted by kind and
    right-aligned, a named index shown as the first column, no row numbers.

    >>> import pandas as pd
    >>> html = format_table(pd.DataFrame({"rank": [1.0, 2.0], "score": [80.123, 70.0]}), "en").to_html()
    >>> "Rank" in html and ">1<" in html and "80.12" in html
    True
    """
    head = other_language_dropped(df if rows is None else df.head(rows), lang)
    if head.index.name is None and not isinstance(head.index, pd.RangeIndex | pd.MultiIndex):
        head = head.rename_axis("")  # an unnamed index (a matrix's row labels) has no header
    if any(n is not None and n in head.columns for n in head.index.names):  # the index named as a column
        head = head.rename_axis([f"{n} " if n in head.columns else n for n in head.index.names])
    shown = display_frame(head, lang, names=names)
    source = head.reset_index() if shown.shape[1] == head.shape[1] + head.index.nlevels else head
    if not shown.columns.is_unique:  # two columns with one label: tell them apart by their names
        labels = list(shown.columns)
        shown.columns = [f"{label} ({source.columns[i]})" if label in labels[:i] else label
                         for i, label in enumerate(labels)]
    numeric = {shown.columns[i] for i, c in enumerate(source.columns)
               if i < shown.shape[1] and pd.api.types.is_numeric_dtype(source[c])
               and not pd.api.types.is_bool_dtype(source[c])}
    styler = shown.style.hide(axis="index").set_table_styles(_TABLE_CSS)
    if not shown.columns.is_unique:
        return styler
    long_text = {c for c in shown.columns if c not in numeric  # a text column may hold only blanks (NaN)
                 and shown[c].map(lambda v: len(v) if isinstance(v, str) else 0).max() > 40}
    for cols, props in ((numeric, {"text-align": "right"}),
                        (set(shown.columns) - numeric - long_text, {"text-align": "left"}),
                        (long_text, {"text-align": "left", "white-space": "normal", "min-width": "24em"})):
        if cols:
            styler = styler.set_properties(subset=[c for c in shown.columns if c in cols], **props)
    return styler


def other_language_dropped(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``df`` without the columns in the other language (``verdict_en`` in a zh run when
    ``verdict_zh`` is there too).

    >>> import pandas as pd
    >>> list(other_language_dropped(pd.DataFrame(columns=["w", "label_zh", "label_en"]), "zh").columns)
    ['w', 'label_zh']
    """
    other = "en" if lang == "zh" else "zh"
    cols = [str(c) for c in df.columns]
    drop = [c for c in df.columns if str(c).endswith(f"_{other}") and f"{str(c)[:-len(other)]}{lang}" in cols]
    return df.drop(columns=drop) if drop else df


def rows_note(shown: int, total: int, lang: str) -> str:
    """'first 10 of 150 rows' in the run's language ('' when the whole table is shown)."""
    if shown >= total:
        return ""
    return (f"显示前 {shown} 行，共 {total} 行；完整表格见报告的 tables 文件夹。" if lang == "zh"
            else f"First {shown} of {total} rows; the full table is in the report's tables folder.")


def show_section(section: Section, lang: str, *, names: Mapping[str, str] | None = None) -> None:
    """Display a section in the notebook (IPython display): its findings as Markdown, each table
    under its title (``names`` labels columns named by framework codes), then its figures."""
    import matplotlib.pyplot as plt
    from IPython.display import Markdown, display

    text = section.markdown(lang)
    if text:
        display(Markdown(text))
    if section.skipped is not None:
        return
    for t in section.tables:
        if t.show == 0:
            continue
        display(Markdown(f"**{t.title(lang)}**"))
        display(format_table(t.frame, lang, rows=t.show, names=names))
        note = rows_note(len(t.frame) if t.show is None else min(t.show, len(t.frame)), len(t.frame), lang)
        if note:
            display(Markdown(f"*{note}*"))
    for f in section.figures:
        display(f.figure)
        plt.close(f.figure)
