"""Assemble a report folder from what the notebooks recorded.

- ``tables/tables.xlsx``: one workbook, a sheet per recorded table (sheet names from the tables'
  titles in the run's language, made valid for Excel: ≤ 31 characters, none of ``[]:*?/\\``, unique),
  and a first sheet listing them all with links (:mod:`dgpe.workbook`);
- ``index.html``: the offline landing page (:mod:`dgpe.landing`): key results, findings, the ranking,
  the framework, links to every notebook's HTML, the figures and the tables.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dgpe.config import RunConfig
from dgpe.landing import write_index
from dgpe.method_note import write_method_note
from dgpe.record import RECORDS_DIR
from dgpe.workbook import excel_sheet_name, write_workbook

__all__ = ["assemble_report", "excel_sheet_name", "write_workbook", "collect", "internal_errors", "INTERNAL_ERROR"]

#: The finding key of a section skipped by an internal error (:mod:`dgpe.sections.guard`).
INTERNAL_ERROR = "section.skipped_internal_error"


def collect(folder: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for p in sorted((folder / RECORDS_DIR).glob("*.json")):
        out[p.stem] = json.loads(p.read_text(encoding="utf-8"))
    return out


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


def internal_errors(folder: Path) -> list[str]:
    """The sections of the report in ``folder`` that an internal error skipped (a bug, not a limit of
    the data; :mod:`dgpe.sections.guard`), as ``"<notebook>: <section>"``. ``dgpe run`` exits with
    status 3 when there are any."""
    return [f"{nb}: {f.get('section') or '?'}" for nb, rec in collect(folder).items()
            for f in rec.get("findings", []) if f.get("skipped") and f.get("key") == INTERNAL_ERROR]
