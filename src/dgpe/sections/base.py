"""What a report section produces, as one object: :class:`Section`.

A section function (``dgpe.sections.<topic>.<name>(run) -> Section``) does the computation of one
question of the report: it calls :mod:`methods`, builds the tables and figures, and states its
findings as catalogue messages (:mod:`dgpe.catalogue`) with parameters. It never writes files and
never prints. The notebook shows the section (``run.show(section)``), which records it for the
report (:class:`dgpe.record.Recorder`) and displays the findings as Markdown, the tables formatted
and the figures; the method note and the landing page read the same records.

A section whose data are absent is returned *skipped*: no tables, and a reason (a catalogue
message) that the notebook shows and the report lists. A section that needs a part of the run the
plan may lack (the index of a survey-only run) says so with :func:`requires`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

from dgpe.catalogue import message_level, message_text
from dgpe.text import Text

__all__ = ["Finding", "TableItem", "FigureItem", "ResultItem", "Section", "requires", "band_label", "localise_bands", "in_language"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Finding:
    """A verdict in words: a catalogue message, its parameters and its level."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    level: str | None = None

    @property
    def text(self) -> Text:
        return message_text(self.key, **self.params)

    @property
    def severity(self) -> str:
        return self.level or message_level(self.key)

    def __call__(self, lang: str) -> str:
        return self.text(lang)


@dataclass
class TableItem:
    name: str
    frame: pd.DataFrame
    title: Text
    note: bool = False
    index: bool = True
    tol: float = 1e-9
    show: int | None = 10  # rows displayed in the notebook (None: all, 0: not displayed)


@dataclass
class FigureItem:
    name: str
    figure: Any  # a matplotlib Figure
    title: Text
    note: bool = False


@dataclass
class ResultItem:
    key: str
    value: Any
    label: Text
    tol: float | None = None


@dataclass
class Section:
    """Tables, figures, key results and findings of one report section (or why it was skipped)."""

    name: str
    title: Text
    tables: list[TableItem] = field(default_factory=list)
    figures: list[FigureItem] = field(default_factory=list)
    results: list[ResultItem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: Finding | None = None
    data: dict[str, Any] = field(default_factory=dict)  # intermediate objects for later sections
    traceback: str | None = None  # an internal error's traceback (dgpe.sections.guard), kept in the record

    def __repr__(self) -> str:
        if self.skipped is not None:
            return f"<Section {self.name}: skipped ({self.skipped.key})>"
        return (f"<Section {self.name}: {len(self.tables)} tables, {len(self.figures)} figures, "
                f"{len(self.results)} results, {len(self.findings)} findings>")

    # -- building ---------------------------------------------------------------------------
    def table(self, name: str, frame: pd.DataFrame | pd.Series, title: Text | tuple[str, str], **kw: Any) -> pd.DataFrame:
        df = frame.to_frame() if isinstance(frame, pd.Series) else frame
        self.tables.append(TableItem(name, df, _text(title), **kw))
        return df

    def figure(self, name: str, fig: Any, title: Text | tuple[str, str], *, note: bool = False) -> Any:
        self.figures.append(FigureItem(name, fig, _text(title), note))
        return fig

    def result(self, key: str, value: Any, label: Text | tuple[str, str], *, tol: float | None = None) -> Any:
        self.results.append(ResultItem(key, value, _text(label), tol))
        return value

    def finding(self, key: str, *, level: str | None = None, **params: Any) -> Finding:
        f = Finding(key, params, level)
        f.text  # noqa: B018 - format now, so a missing parameter fails here and not at display
        self.findings.append(f)
        return f

    @classmethod
    def skip(cls, name: str, title: Text | tuple[str, str], reason: str, **params: Any) -> Section:
        """A section left out, with the catalogue message saying why."""
        return cls(name, _text(title), skipped=Finding(reason, params, "info"))

    # -- reading ----------------------------------------------------------------------------
    def get_table(self, name: str) -> pd.DataFrame:
        for t in self.tables:
            if t.name == name:
                return t.frame
        raise KeyError(f"section {self.name!r} has no table {name!r}; it has {[t.name for t in self.tables]}")

    def get_result(self, key: str) -> Any:
        for r in self.results:
            if r.key == key:
                return r.value
        raise KeyError(f"section {self.name!r} has no result {key!r}")

    def markdown(self, lang: str) -> str:
        """The findings (or the skip reason) as Markdown, warnings marked."""
        if self.skipped is not None:
            label = "本节略过" if lang == "zh" else "Section skipped"
            return f"*{label}:{self.skipped(lang)}*" if lang == "zh" else f"*{label}: {self.skipped(lang)}*"
        lines = []
        for f in self.findings:
            mark = ("**注意**：" if lang == "zh" else "**Warning:** ") if f.severity == "warning" else ""
            lines.append(f"- {mark}{f(lang)}")
        return "\n".join(lines)


def _text(t: Text | tuple[str, str] | dict[str, str] | str) -> Text:
    if isinstance(t, tuple):
        return Text(*t)
    return Text.of(t)


def requires(capability: str, name: str) -> Callable[[F], F]:
    """Decorate a section function ``fn(run, ...)`` so that it returns the section ``name``
    skipped, with the plan's reason (:meth:`dgpe.plan.Plan.why_not`), when the run lacks
    ``capability``; e.g. ``@requires("index", "index.ranking")`` on a section of a survey-only run
    returns ``Section.skip("index.ranking", …, "plan.skipped_no_index")`` without running it.
    The section is also :func:`dgpe.sections.guard.guarded`: an error in it skips it with a finding."""

    def wrap(fn: F) -> F:
        from dgpe.sections.guard import guarded

        @functools.wraps(fn)
        def section(run: Any, *args: Any, **kwargs: Any) -> Any:
            if not run.plan.has(capability):
                reason = run.plan.why_not(capability)
                return Section(name, Text(name, name), skipped=reason)
            return fn(run, *args, **kwargs)

        return guarded(section)  # type: ignore[return-value]

    return wrap


def band_label(value: object, bands: dict[str, float] | None) -> Text:
    """A grade band as the report names it: the config's band names are data (the same in both
    languages); the label for scores below the lowest band, which the methods write ``"<中"``, is
    the report's own words ("低于中" / "below 中").

    >>> band_label("<中", {"高": 80, "中": 60})("en")
    'below 中'
    >>> band_label("高", {"高": 80, "中": 60})("zh")
    '高'
    """
    text = str(value)
    if bands and text.startswith("<"):
        lowest = min(bands, key=lambda k: float(bands[k]))
        if text == f"<{lowest}":
            return Text(f"低于{lowest}", f"below {lowest}")
    return Text(text, text)


def localise_bands(values: Any, bands: dict[str, float] | None, lang: str) -> Any:
    """``values`` (a Series of bands, an Index of them or a text) with the below-lowest label in ``lang``."""
    if not bands:
        return values
    lowest = min(bands, key=lambda k: float(bands[k]))
    below = band_label(f"<{lowest}", bands)(lang)
    if isinstance(values, str):
        return values.replace(f"<{lowest}", below)
    return values.map(lambda v: below if isinstance(v, str) and v == f"<{lowest}" else v)


def in_language(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``df`` with each pair of ``<name>_zh``/``<name>_en`` columns reduced to ``<name>`` in ``lang``.

    >>> in_language(pd.DataFrame({"a": [1], "label_en": ["good"], "label_zh": ["良好"]}), "en")
       a label
    0  1  good
    """
    other = "en" if lang == "zh" else "zh"
    pairs = [c[: -len(lang) - 1] for c in df.columns
             if isinstance(c, str) and c.endswith(f"_{lang}") and f"{c[: -len(lang) - 1]}_{other}" in df.columns]
    out = df.drop(columns=[f"{p}_{other}" for p in pairs])
    return out.rename(columns={f"{p}_{lang}": p for p in pairs})
