"""User-facing errors of the dgpe application.

Every problem a user can cause (a bad framework, a bad data file, a bad run config) is reported as a
:class:`Problem` that names the file, the place (row as seen in Excel, column, node) and what was
expected. Loaders collect *all* problems and raise one :class:`DgpeError` listing them, so the user can
fix everything in one pass. The command line prints the list and exits non-zero, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem", "DgpeError", "FrameworkError", "DataError", "ConfigError", "ReportError"]


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
        val = f" (found {self.value!r})" if self.value is not None else ""
        place = f"{self.where}: " if self.where else ""
        return f"{self.file}: {place}{self.message}{val}"


class DgpeError(Exception):
    """An input problem the user can fix; carries every :class:`Problem` found."""

    def __init__(self, problems: list[Problem] | str, *, title: str | None = None) -> None:
        if isinstance(problems, str):
            problems = [Problem("", "", problems)]
        self.problems: list[Problem] = list(problems)
        self.title = title or f"{len(self.problems)} problem(s) found"
        super().__init__(self.render())

    def render(self, limit: int | None = 200) -> str:
        lines = [self.title + ":"]
        shown = self.problems if limit is None else self.problems[:limit]
        lines += [f"  {i}. {p}" for i, p in enumerate(shown, 1)]
        if limit is not None and len(self.problems) > limit:
            lines.append(f"  … and {len(self.problems) - limit} more")
        return "\n".join(lines)


class FrameworkError(DgpeError):
    """The indicator framework (YAML or flat table) breaks a rule."""


class DataError(DgpeError):
    """An indicator, survey or expert data file has problems."""


class ConfigError(DgpeError):
    """The run config is invalid."""


class ReportError(DgpeError):
    """A report cannot be written, verified or compared."""
