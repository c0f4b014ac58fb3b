"""Showing a report section in a notebook: findings as Markdown, tables formatted, figures.

Tables are shown as a reader expects them: integers (ranks, counts) without decimals, other numbers
with at most three decimals, p-values below 0.001 as ``< 0.001``, wide tables scrollable, and only
the first rows of long tables (the full table is in the report's ``tables/``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dgpe.sections.base import Section

__all__ = ["show_section", "format_table"]


def format_table(df: pd.DataFrame, *, rows: int | None = 10, digits: int = 3) -> Any:
    """A pandas Styler of ``df``'s first ``rows`` rows with numbers formatted by kind."""
    head = df if rows is None else df.head(rows)
    formats: dict[Any, Any] = {}
    for col in head.columns:
        s = head[col]
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            continue
        vals = s.dropna().to_numpy(dtype=float)
        if vals.size and np.all(np.isclose(vals, np.round(vals))) and np.all(np.abs(vals) < 1e12):
            formats[col] = "{:,.0f}"
        elif str(col).lower() in ("p", "p_value", "pvalue") or str(col).lower().startswith("p_"):
            formats[col] = _p_value
        else:
            formats[col] = f"{{:,.{digits}f}}"
    return head.style.format(formats, na_rep="–")


def _p_value(v: float) -> str:
    return "< 0.001" if v < 0.001 else f"{v:.3f}"


def show_section(section: Section, lang: str) -> None:
    """Display a section in the notebook (IPython display)."""
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
        display(format_table(t.frame, rows=t.show))
    for f in section.figures:
        display(f.figure)
        plt.close(f.figure)
