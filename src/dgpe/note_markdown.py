"""The method note in Markdown: ``method-note.md`` from the note's blocks (see :mod:`dgpe.method_note`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from dgpe.tablefmt import display_frame

__all__ = ["write_markdown", "note_columns"]


def note_columns(df: pd.DataFrame, lang: str, max_cols: int = 7) -> tuple[pd.DataFrame, int]:
    """The columns that fit a page: drop the other language's columns (``*_en`` in a zh note), keep
    at most ``max_cols`` (pandas' row numbers are no column); return the frame and how many columns were left out."""
    other = "_en" if lang == "zh" else "_zh"
    keep = [c for c in df.columns if not str(c).endswith(other)]
    if keep and str(keep[0]) in ("", "index") and df[keep[0]].tolist() == list(range(len(df))):
        keep = keep[1:]  # pandas' row numbers, written as an unnamed index column
    dropped = len(keep) - max_cols if len(keep) > max_cols else 0
    return df[keep[:max_cols]], dropped


def _md_table(df: pd.DataFrame, max_rows: int, lang: str = "en", names: Mapping[str, str] | None = None) -> str:
    complete = bool(df.attrs.get("full"))  # e.g. the ranking: every row and column
    attrs = dict(df.attrs)
    df, dropped = note_columns(df, lang, max_cols=len(df.columns) if complete else 12)
    max_rows = len(df) if complete else max_rows
    names = {**(names or {}), **attrs.get("names", {})}
    shown = display_frame(df.head(max_rows), lang, names=names, index=False, kinds=attrs.get("kinds"))
    cols = [str(c).replace("|", "\\|") for c in shown.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in shown.itertuples(index=False):
        lines.append("| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |")
    more = max(0, len(df) - max_rows)
    parts = []
    if more:
        parts.append(f"仅列出前 {max_rows} 行（共 {len(df)} 行）" if lang == "zh" else f"the first {max_rows} of {len(df)} rows")
    if dropped:
        parts.append(f"另有 {dropped} 列未列出" if lang == "zh" else f"{dropped} more columns not shown")
    if parts:
        lines.append("\n" + ("注：" + "；".join(parts) + "。完整表格见 tables 文件夹中的 CSV 文件。" if lang == "zh"
                             else "Note: " + "; ".join(parts) + ". The full table is in the tables folder (CSV)."))
    return "\n".join(lines)


def write_markdown(path: Path, blocks: list[tuple[str, Any]], lang: str, max_rows: int = 30,
                   names: Mapping[str, str] | None = None) -> None:
    """Write the note's ``blocks`` as Markdown at ``path``; tables through :func:`dgpe.tablefmt.display_frame`."""
    parts: list[str] = []
    for kind, payload in blocks:
        if kind == "title":
            parts.append(f"# {payload}\n")
        elif kind == "h1":
            parts.append(f"\n## {payload}\n")
        elif kind == "h2":
            parts.append(f"\n### {payload}\n")
        elif kind == "h3":
            parts.append(f"\n#### {payload}\n")
        elif kind == "li":
            parts.append(f"- {payload}")
        elif kind == "table":
            caption, df = payload
            parts.append(f"\n**{caption}**\n\n{_md_table(df, max_rows, lang, names)}\n")
        elif kind == "figure":
            caption, file = payload
            rel = Path(file).relative_to(path.parent)
            parts.append(f"\n![{caption}]({rel.as_posix()})\n\n*{caption}*\n")
        else:  # "p" and any kind this writer does not know
            parts.append(f"{payload}\n")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


