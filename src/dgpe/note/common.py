"""The method note's building blocks: numbered chapters, tables and figures, and the words for the
methods the run used (taken from the method registries, in zh and en).

A :class:`NoteBuilder` collects the blocks a writer renders (``title``, ``h1``, ``h2``, ``p``,
``li``, ``table``, ``figure``). A table's payload is ``(caption, frame)``: the frame keeps the raw
column names (``code``, ``effective_weight`` …, labelled by :mod:`dgpe.tablefmt`) and, in
``frame.attrs["names"]``, the node names for columns named by framework codes (``A`` → 基础支撑能力).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dgpe.config import RunConfig
from dgpe.framework import Framework, load_framework
from dgpe.record import read_recorded_table
from dgpe.tablefmt import format_value

__all__ = ["NoteBuilder", "method_label", "number", "joined", "cjk", "DIRECTION", "KIND"]

#: framework direction → words
DIRECTION = {"positive": ("正向", "positive"), "negative": ("负向", "negative")}
#: framework kind → words
KIND = {"input": ("投入", "input"), "output": ("产出", "output"), "outcome": ("成效", "outcome")}
#: framework unit of measure → words
UNIT = {"ratio": ("比例", "ratio"), "percent": ("百分比", "percent"), "count": ("个数", "count"),
        "rate": ("比率", "rate"), "days": ("天", "days"), "hours": ("小时", "hours"),
        "minutes": ("分钟", "minutes"), "seconds": ("秒", "seconds"), "score": ("分值", "score"),
        "likert": ("李克特量表", "Likert scale"), "binary": ("是/否", "yes/no"), "yuan": ("元", "yuan"),
        "index": ("指数", "index"), "other": ("其他", "other")}
#: registry family of each build step
FAMILY = {"impute": "imputation", "treat": "treatment", "normalise": "normalisation",
          "weights": "weighting", "aggregate": "aggregation"}


def method_label(family: str, name: str, lang: str, what: str = "label") -> str:
    """A method's ``label``, ``label_long`` or ``formula`` from its registry (the name itself when
    the registry does not know it).

    >>> method_label("normalisation", "minmax", "zh")
    '极差标准化'
    """
    from methods.registry import registry

    reg = registry(family)
    text = reg.get(name).text(what, lang) if name in reg.names() else str(name)
    return cjk(text) if lang == "zh" and what != "formula" else text


def number(value: Any, kind: str = "") -> str:
    """A number as the report writes it (:func:`dgpe.tablefmt.format_value`); ``share`` as a
    percentage with one decimal.

    >>> number(0.03397, "pct"), number(214, "int")
    ('3.4%', '214')
    """
    if kind == "pct":
        return f"{100 * float(value):.1f}%"
    if kind == "weight":
        return f"{float(value):.3f}".rstrip("0").rstrip(".") if float(value) else "0"
    return format_value(value, kind=kind or None)


def cjk(label: str) -> str:
    """A label set inside a Chinese sentence: a space on a side where it meets Latin letters or digits
    (``采用 JRC 规则``, ``按 CRITIC 法``).

    >>> "采用" + cjk("JRC 规则") + "处理", "按" + cjk("熵权法") + "计算"
    ('采用 JRC 规则处理', '按熵权法计算')
    """
    if not label:
        return label
    left = " " if label[0].isascii() and label[0].isalnum() else ""
    right = " " if label[-1].isascii() and label[-1].isalnum() else ""
    return f"{left}{label}{right}"


def joined(items: Iterable[Any], lang: str) -> str:
    """Items joined by 、 (zh) or ', ' (en)."""
    return ("、" if lang == "zh" else ", ").join(str(i) for i in items)


@dataclass
class NoteBuilder:
    """The note's blocks with chapter, table and figure numbers; the run's plan and records."""

    folder: Path
    cfg: RunConfig
    records: dict[str, dict[str, Any]]
    plan: dict[str, Any] = field(default_factory=dict)
    blocks: list[tuple[str, Any]] = field(default_factory=list)
    chapter: int = 0
    section: int = 0
    n_table: int = 0
    n_figure: int = 0

    @classmethod
    def open(cls, folder: Path, cfg: RunConfig, records: dict[str, dict[str, Any]]) -> NoteBuilder:
        """A builder for a report folder: its ``plan.json`` (empty when absent) and records."""
        path = Path(folder) / "plan.json"
        plan = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        return cls(Path(folder), cfg, records, plan)

    # -- what the run has ------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.cfg.lang

    @functools.cached_property
    def framework(self) -> Framework:
        return load_framework(self.cfg.framework)

    @property
    def built(self) -> bool:
        """Whether the run built an index (the plan has a build)."""
        return bool(self.plan.get("build"))

    @property
    def details(self) -> dict[str, Any]:
        return self.plan.get("build_details") or {}

    def t(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def words(self, pair: tuple[str, str] | Mapping[str, str] | None) -> str:
        """A (zh, en) pair or a {zh, en} mapping in the note's language."""
        if pair is None:
            return ""
        if isinstance(pair, Mapping):
            return str(pair.get(self.lang) or pair.get("en") or "")
        return pair[0] if self.lang == "zh" else pair[1]

    def name(self, code: str) -> str:
        """A framework node's name in the note's language (the code when unknown)."""
        try:
            return self.framework.node(code).name.get(self.lang)
        except (KeyError, ValueError):
            return code

    def names(self, codes: Iterable[str]) -> dict[str, str]:
        return {c: self.name(c) for c in codes}

    # -- blocks ----------------------------------------------------------------------------------
    def h1(self, zh: str, en: str) -> None:
        self.chapter += 1
        self.section = 0
        self.blocks.append(("h1", f"{self.chapter} {self.t(zh, en)}"))

    def h2(self, zh: str, en: str) -> None:
        self.section += 1
        self.blocks.append(("h2", f"{self.chapter}.{self.section} {self.t(zh, en)}"))

    def p(self, text: str) -> None:
        if text:
            self.blocks.append(("p", text))

    def li(self, text: str) -> None:
        if text:
            self.blocks.append(("li", text))

    def table(self, caption: str, frame: pd.DataFrame, names: Mapping[str, str] | None = None) -> str:
        """Add a numbered table; returns its label (表 3 / Table 3) for the text."""
        self.n_table += 1
        label = f"{self.t('表', 'Table')} {self.n_table}"
        frame = frame.copy()
        if names:
            frame.attrs["names"] = dict(names)
        self.blocks.append(("table", (f"{label} {caption}", frame)))
        return label

    def figure(self, caption: str, file: Path) -> str:
        self.n_figure += 1
        label = f"{self.t('图', 'Figure')} {self.n_figure}"
        self.blocks.append(("figure", (f"{label} {caption}", file)))
        return label

    # -- the notebooks' records ------------------------------------------------------------------
    def record(self, notebook: str) -> dict[str, Any]:
        return self.records.get(notebook) or {}

    def recorded_frame(self, notebook: str, name: str) -> pd.DataFrame | None:
        entry = self.record(notebook).get("tables", {}).get(name)
        if not entry or not entry.get("file") or not (self.folder / entry["file"]).is_file():
            return None
        frame = read_recorded_table(self.folder, entry)
        if len(frame.columns) and frame.columns[0] == "" and frame.iloc[:, 0].tolist() == list(range(len(frame))):
            frame = frame.iloc[:, 1:]  # a row number, not data
        return frame

    def recorded_table(self, notebook: str, name: str, names: Mapping[str, str] | None = None) -> str | None:
        """Add a table a notebook recorded, captioned with its title; None when it was not recorded."""
        entry = self.record(notebook).get("tables", {}).get(name)
        frame = self.recorded_frame(notebook, name)
        if entry is None or frame is None:
            return None
        return self.table(self.words(entry.get("title")) or name, frame, names)

    def recorded_figure(self, notebook: str, name: str) -> str | None:
        entry = self.record(notebook).get("figures", {}).get(name)
        if not entry or not entry.get("file") or not (self.folder / entry["file"]).is_file():
            return None
        return self.figure(self.words(entry.get("title")) or name, self.folder / entry["file"])

    def result(self, notebook: str, key: str) -> Any:
        return (self.record(notebook).get("results", {}).get(key) or {}).get("value")

    def findings(self, notebook: str, sections: Iterable[str] | None = None) -> list[str]:
        """The notebook's findings (not the skipped ones) in the note's language, warnings first,
        of the given sections (every section when None)."""
        wanted = None if sections is None else set(sections)
        found = [f for f in self.record(notebook).get("findings", []) if not f.get("skipped")
                 and (wanted is None or f.get("section") in wanted)]
        found.sort(key=lambda f: 0 if f.get("level") == "warning" else 1)
        return [str(f.get(self.lang) or f.get("en") or "") for f in found]

    def list_findings(self, notebook: str, sections: Iterable[str] | None = None) -> None:
        for text in self.findings(notebook, sections):
            self.li(text)
