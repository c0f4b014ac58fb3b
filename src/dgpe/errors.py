"""User-facing errors of the dgpe application.

Every problem a user can cause (a bad framework, a bad data file, a bad run config) is reported as a
:class:`Problem` that names the file, the place (row as seen in Excel, column, node) and what was
expected. Loaders collect *all* problems and raise one :class:`DgpeError` listing them, so the user can
fix everything in one pass. The command line prints the list and exits non-zero, never a traceback.
"""

from __future__ import annotations

import re
import reprlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

__all__ = ["brief", "Problem", "DgpeError", "FrameworkError", "DataError", "ConfigError", "ReportError", "NotebookError", "SHOWN"]

#: How many problems :meth:`DgpeError.render` lists before it counts the rest by kind.
SHOWN = 50
#: The longest a problem's value, and a problem's line, is shown.
VALUE_CHARS = 120
LINE_CHARS = 2000
_BRIEF = reprlib.Repr()
_BRIEF.maxlevel, _BRIEF.maxdict, _BRIEF.maxlist, _BRIEF.maxtuple, _BRIEF.maxset = 3, 6, 6, 6, 6
_BRIEF.maxstring, _BRIEF.maxother, _BRIEF.maxlong = VALUE_CHARS, VALUE_CHARS, 40
_VARYING = re.compile(r"'[^']*'|\"[^\"]*\"|-?\d+(?:\.\d+)?")


def brief(value: object, limit: int = 80) -> str:
    """A value as short text for a message, built within bounds: nested or long values are cut
    while being rendered (never rendered whole first), so a huge input costs nothing to name.

    >>> brief("x" * 500)[-5:]
    'xxxx…'
    >>> brief({"a": list(range(1000))})
    "{'a': [0, 1, 2, 3, 4, 5, ...]}"
    """
    text = value[: limit + 1] if isinstance(value, str) else _BRIEF.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Attributes
    ----------
    file : the file's name (or ``"<memory>"``)
    where : the place: ``"row 7, column B1.4"``, ``"node A1.2"``, ``"field year"``
    message : what is wrong and what was expected
    value : the offending value as text, if any
    """

    file: str
    where: str
    message: str
    value: str | None = None

    def __str__(self) -> str:
        val = f" (found {brief(self.value, VALUE_CHARS)!r})" if self.value is not None else ""
        place = f"{brief(self.where, 300)}: " if self.where else ""
        line = f"{self.file}: {place}{self.message}{val}"
        return line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1] + "…"


class DgpeError(Exception):
    """An input problem the user can fix; carries every :class:`Problem` found."""

    def __init__(self, problems: list[Problem] | str, *, title: str | None = None) -> None:
        if isinstance(problems, str):
            problems = [Problem("", "", problems)]
        self.problems: list[Problem] = list(problems)
        self.title = title or f"{len(self.problems)} problem(s) found"
        super().__init__(self.render())

    def render(self, limit: int | None = SHOWN) -> str:
        """The title and the first ``limit`` problems (all when None); the rest counted by kind.

        >>> err = DgpeError([Problem("s.csv", f"row {i}", "Likert value outside 1-5", "9") for i in range(3)]
        ...                 + [Problem("s.csv", "row 9", "expected a number", "x")])
        >>> print(err.render(limit=1))
        4 problem(s) found:
          1. s.csv: row 0: Likert value outside 1-5 (found '9')
          … and 3 more: 2 × 'Likert value outside 1-5', 1 × 'expected a number'
        """
        lines = [self.title + ":"]
        shown = self.problems if limit is None else self.problems[:limit]
        lines += [f"  {i}. {p}" for i, p in enumerate(shown, 1)]
        rest = self.problems[len(shown):]
        if rest:
            lines.append(f"  … and {len(rest)} more: {_count_kinds(rest)}")
        return "\n".join(lines)


def _count_kinds(problems: list[Problem], top: int = 8) -> str:
    """'600 × 'Likert value outside …', 14 × 'expected a number'': problems counted by message, with
    quoted names and numbers masked so that one rule broken in many places counts as one kind."""
    first: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for p in problems:
        key = _VARYING.sub("#", p.message)
        first.setdefault(key, p.message if len(p.message) <= 70 else p.message[:69] + "…")
        counts[key] += 1
    parts = [f"{n} × {first[k]!r}" for k, n in counts.most_common(top)]
    if len(counts) > top:
        parts.append(f"{sum(n for _, n in counts.most_common()[top:])} of {len(counts) - top} other kind(s)")
    return ", ".join(parts)


class FrameworkError(DgpeError):
    """The indicator framework (YAML or flat table) breaks a rule."""


class DataError(DgpeError):
    """An indicator, survey or expert data file has problems."""


class ConfigError(DgpeError):
    """The run config is invalid."""


class ReportError(DgpeError):
    """A report cannot be written, verified or compared."""


class NotebookError(ReportError):
    """A notebook of a run failed in a cell.

    Attributes
    ----------
    failed : notebook name → (the executed notebook as papermill left it, the cell's error and
        Python traceback as plain text)
    """

    def __init__(self, problems: list[Problem], *, title: str | None = None,
                 failed: dict[str, tuple[Path, str]] | None = None) -> None:
        self.failed: dict[str, tuple[Path, str]] = dict(failed or {})
        super().__init__(problems, title=title)
