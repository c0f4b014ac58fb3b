"""Assemble a report folder from what the notebooks recorded.

- ``tables/tables.xlsx``: one workbook, a sheet per recorded table (sheet names from the tables'
  titles in the run's language, made valid for Excel: ≤ 31 characters, none of ``[]:*?/\\``, unique),
  and a first sheet listing them all;
- ``index.html``: the offline landing page (:mod:`dgpe.landing`): key results, findings, the ranking,
  the framework, links to every notebook's HTML, the figures and the tables.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from dgpe.config import RunConfig
from dgpe.landing import write_index
from dgpe.method_note import write_method_note
from dgpe.record import RECORDS_DIR, read_recorded_table

__all__ = ["assemble_report", "excel_sheet_name", "write_workbook", "collect"]

_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def excel_sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, no ``[]:*?/\\``, not 'History')."""
    name = _BAD_SHEET.sub(" ", text).strip().strip("'") or "Sheet"
    if name.lower() == "history":
        name = "History_"
    name = name[:31]
    base, i = name, 2
    while name.lower() in taken:
        suffix = f"~{i}"
        name = base[: 31 - len(suffix)] + suffix
        i += 1
    taken.add(name.lower())
    return name


def collect(folder: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for p in sorted((folder / RECORDS_DIR).glob("*.json")):
        out[p.stem] = json.loads(p.read_text(encoding="utf-8"))
    return out


def _title(entry: dict[str, Any], lang: str, fallback: str) -> str:
    t = entry.get("title") or entry.get("label")
    if isinstance(t, dict):
        return t.get(lang) or t.get("en") or fallback
    return fallback


def write_workbook(folder: Path, records: dict[str, dict[str, Any]], lang: str) -> Path:
    """All recorded tables in one XLSX workbook (a sheet per table, an index sheet first)."""
    path = folder / "tables" / "tables.xlsx"
    taken: set[str] = set()
    index_rows = []
    sheets: list[tuple[str, pd.DataFrame]] = []
    for nb, rec in records.items():
        for name, entry in rec.get("tables", {}).items():
            if not entry.get("file"):
                continue
            df = read_recorded_table(folder, entry)
            title = _title(entry, lang, name)
            sheet = excel_sheet_name(f"{nb[:2]} {title}", taken)
            sheets.append((sheet, df))
            index_rows.append({"sheet": sheet, "notebook": nb, "table": name, "title": title, "csv": entry["file"]})
    contents = "目录" if lang == "zh" else "Contents"
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        pd.DataFrame(index_rows).to_excel(xw, sheet_name=contents, index=False)
        for sheet, df in sheets:
            df.to_excel(xw, sheet_name=sheet, index=False)
    return path


def assemble_report(folder: Path, cfg: RunConfig) -> list[str]:
    """Write the workbook and landing page; return the warnings the analyses raised."""
    records = collect(folder)
    write_workbook(folder, records, cfg.lang)
    write_method_note(folder, cfg, records)
    write_index(folder, cfg, records)
    lang = cfg.lang
    return [
        f"[{nb}] {f.get(lang) or f.get('en')}"
        for nb, rec in records.items()
        for f in rec.get("findings", [])
        if f.get("level") == "warning"
    ]
