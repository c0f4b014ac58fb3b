"""The one helper through which notebooks hand their results to the report.

A notebook creates a :class:`Recorder` (usually through :func:`dgpe.session.open_run`) and calls

- :meth:`Recorder.table` for every table worth publishing (written as UTF-8 CSV with a byte-order mark,
  so Excel on a Chinese Windows reads it as UTF-8 rather than GBK; collected into the report's XLSX
  workbook and compared by ``dgpe verify``; read back with :func:`read_recorded_table` or
  ``encoding="utf-8-sig"``),
- :meth:`Recorder.figure` for every figure (PNG),
- :meth:`Recorder.result` for key scalar results (numbers, text, short lists),
- :meth:`Recorder.finding` for verdicts in words (zh and en) and warnings for the run summary.

Everything is also written, after every call, to ``records/<notebook>.json`` so the runner, the method
note and ``verify`` can collect it without importing the notebook. With ``output_dir=None`` (a notebook
opened interactively) nothing is written: tables and figures are only returned for display.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Recorder", "neutralise_formulas", "read_recorded_table", "file_stem", "RECORDS_DIR", "TABLES_DIR", "FIGURES_DIR",
           "TABLE_ENCODING"]

RECORDS_DIR = "records"
TABLES_DIR = "tables"
FIGURES_DIR = "figures"
#: How report tables are written and read: UTF-8 with a byte-order mark (Excel on a Chinese Windows
#: opens a BOM-less CSV as GBK and shows mojibake); reading with it also accepts files without one.
TABLE_ENCODING = "utf-8-sig"
_NAME = re.compile(r"^[A-Za-z0-9_\-]+$")  # a notebook's name (the code's, not the data's)
#: What a file name must not hold: path separators, characters Windows refuses, control characters.
_UNSAFE = re.compile(r'[/\\:*?"<>|]')
_STEM_BYTES = 120


def file_stem(name: str) -> str:
    """A safe file-name stem for a record name (which may hold a unit id or a group name in any
    script): path separators, characters Windows refuses in file names, control and format
    characters and leading dots or spaces become ``_``; when anything changed, or the name is too
    long for a file name, a short digest of the name keeps two names apart. Sections pass every
    record name they make from data (``f"card_{unit}"``) through it; a safe name is unchanged.

    >>> file_stem("card_甲省第1市")
    'card_甲省第1市'
    >>> file_stem("card_../a/b")
    'card_.._a_b-99536257'
    """
    stem = "".join("_" if unicodedata.category(ch)[0] == "C" else ch for ch in _UNSAFE.sub("_", name))
    stem = re.sub(r"^[.\s]+", lambda m: "_" * len(m.group(0)), stem).rstrip(". ")
    if stem == name and len(stem.encode("utf-8")) <= _STEM_BYTES:
        return stem
    while len(stem.encode("utf-8")) > _STEM_BYTES:
        stem = stem[:-1]
    return f"{stem}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?%?$")


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe.

    Only text (object/string) cells are touched; numbers, including negative ones, are left alone.
    """
    out = df.copy()

    def fix(v: Any) -> Any:
        if isinstance(v, str) and v.startswith(_FORMULA_START) and not _NUMBER.match(v):
            return "'" + v
        return v

    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(fix)
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index.dtype):
        out.index = out.index.map(fix)
    out.index.names = [fix(n) for n in out.index.names]
    out.columns = [fix(c) if isinstance(c, str) else c for c in out.columns]
    return out


def _jsonable(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to plain JSON types (NaN -> None)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, pd.Series):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else f
    if value is None or isinstance(value, int | str):
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "as_dict") and hasattr(value, "zh"):  # dgpe.text.Text
        return value.as_dict()
    return str(value)


@dataclass
class Recorder:
    """Collects a notebook's tables, figures, key results and findings.

    Parameters
    ----------
    output_dir
        The report folder (the runner passes it); ``None`` records in memory only.
    notebook
        The notebook's name, e.g. ``"00_data_audit"``; prefixes every file it writes.
    lang
        ``"zh"`` or ``"en"``: the language of captions chosen by :meth:`text`.
    """

    output_dir: str | Path | None
    notebook: str
    lang: str = "zh"
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not _NAME.match(self.notebook):
            raise ValueError(f"notebook name {self.notebook!r}: use letters, digits, '_' or '-'")
        if self.lang not in ("zh", "en"):
            raise ValueError(f"lang {self.lang!r}: expected 'zh' or 'en'")
        self._root = Path(self.output_dir) if self.output_dir is not None else None
        if self._root is not None:
            for sub in (RECORDS_DIR, TABLES_DIR, FIGURES_DIR):
                (self._root / sub).mkdir(parents=True, exist_ok=True)

    # -- helpers -----------------------------------------------------------------------------
    def text(self, zh: str, en: str) -> str:
        """Return the caption in the recorder's language."""
        return zh if self.lang == "zh" else en

    def _check_name(self, name: str, store: dict[str, Any]) -> None:
        """A record name is a safe file-name stem in any script (a unit id or a group name of the
        data may be part of it); a name made from data is passed through :func:`file_stem` first."""
        if not isinstance(name, str) or not name.strip() or file_stem(name) != name:
            raise ValueError(f"{self.notebook}: record name {name!r}: use letters, digits (any script), '_', '-' "
                             "or '.'; no path separator, control character or leading dot (file_stem makes one)")
        if name in store:
            raise ValueError(f"{self.notebook}: {name!r} was recorded twice")

    @staticmethod
    def _caption(title: str | dict[str, str] | None) -> dict[str, str] | None:
        if title is None:
            return None
        if isinstance(title, str):
            return {"zh": title, "en": title}
        return {"zh": title.get("zh", title.get("en", "")), "en": title.get("en", title.get("zh", ""))}

    # -- public API --------------------------------------------------------------------------
    def table(
        self,
        name: str,
        df: pd.DataFrame | pd.Series,
        *,
        title: str | dict[str, str] | None = None,
        tol: float = 1e-9,
        index: bool = True,
        note: bool = False,
    ) -> pd.DataFrame:
        """Record a table; returns it for display.

        ``tol`` is the relative/absolute tolerance ``dgpe verify`` allows on its float columns;
        ``note=True`` puts the table into the method note (numbered, with its title as caption).
        """
        self._check_name(name, self.tables)
        frame = df.to_frame() if isinstance(df, pd.Series) else df
        entry: dict[str, Any] = {
            "title": self._caption(title),
            "tol": tol,
            "index": index,
            "shape": list(frame.shape),
            "note": note,
            "file": None,
        }
        if self._root is not None:
            rel = f"{TABLES_DIR}/{self.notebook}__{file_stem(name)}.csv"
            out = neutralise_formulas(frame)
            out.to_csv(self._root / rel, index=index, encoding=TABLE_ENCODING, lineterminator="\n")
            entry["file"] = rel
        self.tables[name] = entry
        self._flush()
        return frame

    def figure(
        self, name: str, fig: Any, *, title: str | dict[str, str] | None = None, note: bool = False
    ) -> Any:
        """Record a matplotlib figure (saved as a 300-dpi PNG at print size, see
        :func:`dgpe.plotting.save_for_print`); returns it for display.

        ``note=True`` puts the figure into the method note (numbered, with its title as caption).
        """
        self._check_name(name, self.figures)
        entry: dict[str, Any] = {"title": self._caption(title), "note": note, "file": None}
        if self._root is not None:
            rel = f"{FIGURES_DIR}/{self.notebook}__{file_stem(name)}.png"
            from dgpe.plotting import save_for_print

            save_for_print(fig, self._root / rel)
            entry["file"] = rel
        self.figures[name] = entry
        self._flush()
        return fig

    def result(
        self,
        key: str,
        value: Any,
        *,
        label: str | dict[str, str] | None = None,
        tol: float | None = None,
    ) -> Any:
        """Record a key result (number, text or short list); returns the value.

        ``tol`` is the tolerance ``dgpe verify`` allows for a float (default: exact to 1e-9).
        """
        self._check_name(key, self.results)
        self.results[key] = {"value": _jsonable(value), "label": self._caption(label), "tol": tol}
        self._flush()
        return value

    def finding(
        self, zh: str, en: str, *, level: str = "info", key: str | None = None,
        params: dict[str, Any] | None = None, section: str | None = None,
    ) -> str:
        """Record a verdict in words; ``level='warning'`` lists it in the run summary.

        ``key`` and ``params`` name the catalogue message the text was rendered from (so reports
        in two languages compare by key and parameters); ``section`` the report section."""
        if level not in ("info", "warning"):
            raise ValueError(f"finding level {level!r}: expected 'info' or 'warning'")
        entry: dict[str, Any] = {"zh": zh, "en": en, "level": level}
        if key is not None:
            entry.update(key=key, params=_jsonable(params or {}), section=section)
        self.findings.append(entry)
        self._flush()
        return self.text(zh, en)

    def section(self, section: Any) -> None:
        """Record everything a :class:`dgpe.sections.Section` holds (a skipped section records its
        reason as a finding with ``skipped: true``, then its findings: the warnings raised before it
        was skipped)."""
        if section.skipped is not None:
            f = section.skipped
            self.finding(f("zh"), f("en"), level=f.severity, key=f.key, params=f.params, section=section.name)
            self.findings[-1]["skipped"] = True
            if getattr(section, "traceback", None):
                self.findings[-1]["traceback"] = section.traceback
            for w in section.findings:  # the numerical warnings raised before it failed (guard)
                self.finding(w("zh"), w("en"), level=w.severity, key=w.key, params=w.params, section=section.name)
            self._flush()
            return
        for t in section.tables:
            self.table(t.name, t.frame, title=t.title.as_dict(), tol=t.tol, index=t.index, note=t.note)
        for fig in section.figures:
            self.figure(fig.name, fig.figure, title=fig.title.as_dict(), note=fig.note)
        for r in section.results:
            self.result(r.key, r.value, label=r.label.as_dict(), tol=r.tol)
        for f in section.findings:
            self.finding(f("zh"), f("en"), level=f.severity, key=f.key, params=f.params, section=section.name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "notebook": self.notebook,
            "lang": self.lang,
            "tables": self.tables,
            "figures": self.figures,
            "results": self.results,
            "findings": self.findings,
        }

    def _flush(self) -> None:
        if self._root is None:
            return
        path = self._root / RECORDS_DIR / f"{self.notebook}.json"
        path.write_text(
            json.dumps(self.as_dict(), ensure_ascii=False, indent=1, sort_keys=False) + "\n",
            encoding="utf-8",
        )


def read_recorded_table(folder: str | Path, entry: dict[str, Any]) -> pd.DataFrame:
    """Read a recorded table back as a flat frame (the index, if any, as the first column)."""
    df = pd.read_csv(Path(folder) / entry["file"], encoding=TABLE_ENCODING)
    first = str(df.columns[0]) if len(df.columns) else ""
    if entry.get("index", True) and first.startswith("Unnamed"):
        df = df.rename(columns={df.columns[0]: ""})
    return df
