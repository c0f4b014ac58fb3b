"""The method note in Markdown: ``method-note.md`` from the note's blocks (see :mod:`dgpe.method_note`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["write_markdown", "note_columns", "cell_text"]


def note_columns(df: pd.DataFrame, lang: str, max_cols: int = 7) -> tuple[pd.DataFrame, int]:
    """The columns that fit a page: drop the other language's columns (``*_en`` in a zh note), keep
    at most ``max_cols``; return the frame and how many columns were left out."""
    other = "_en" if lang == "zh" else "_zh"
    keep = [c for c in df.columns if not str(c).endswith(other)]
    dropped = len(keep) - max_cols if len(keep) > max_cols else 0
    return df[keep[:max_cols]], dropped


def cell_text(v: Any) -> str:
    """A value as short text: floats to 4 significant digits, lists and dicts shortened."""
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, list):
        return "、".join(cell_text(x) for x in v[:15]) + (" …" if len(v) > 15 else "") if v else "—"
    if isinstance(v, dict):
        return "; ".join(f"{k}: {cell_text(x)}" for k, x in list(v.items())[:8])
    return str(v)


def _md_table(df: pd.DataFrame, max_rows: int, lang: str = "en") -> str:
    df, dropped = note_columns(df, lang, max_cols=12)
    shown = df.head(max_rows)
    cols = [str(c) for c in shown.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in shown.iterrows():
        lines.append("| " + " | ".join(cell_text(v) if not pd.isna(v) else "" for v in row) + " |")
    if len(df) > max_rows or dropped:
        lines.append(f"\n({len(df) - min(len(df), max_rows)} more rows and {dropped} more columns in the CSV)")
    return "\n".join(lines)


def write_markdown(path: Path, blocks: list[tuple[str, Any]], lang: str, max_rows: int = 30) -> None:
    parts: list[str] = []
    for kind, payload in blocks:
        if kind == "title":
            parts.append(f"# {payload}\n")
        elif kind == "h1":
            parts.append(f"\n## {payload}\n")
        elif kind == "h2":
            parts.append(f"\n### {payload}\n")
        elif kind == "p":
            parts.append(f"{payload}\n")
        elif kind == "li":
            parts.append(f"- {payload}")
        elif kind == "table":
            caption, df = payload
            parts.append(f"\n**{caption}**\n\n{_md_table(df, max_rows, lang)}\n")
        elif kind == "figure":
            caption, file = payload
            rel = Path(file).relative_to(path.parent)
            parts.append(f"\n![{caption}]({rel.as_posix()})\n\n*{caption}*\n")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


