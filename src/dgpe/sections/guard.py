"""No analysis-internal error ends a report; no numerical warning goes unsaid.

:func:`guarded` wraps a section function (``fn(run, ...) -> Section``; :func:`dgpe.sections.base.requires`
applies it, and every other public section function carries it, which ``tests/test_hostile_small.py``
checks). Around the call it

- turns an exception into the section returned *skipped* with a finding that names the error: a
  :class:`methods.MethodError` or :class:`dgpe.errors.DgpeError` is a limit of the data
  (``section.skipped_method_error``); anything else (a ``KeyError``, an ``IndexError``, a numpy or
  pandas error) is an internal error (``section.skipped_internal_error``), whose traceback the
  section carries (:attr:`dgpe.sections.base.Section.traceback`) into the report's record
  (``records/<notebook>.json``), so that the landing page ("analyses not run"), the method note
  (limitations) and the run summary say it and a maintainer can find where it happened;
- records the numerical warnings the methods raise (``RuntimeWarning`` such as numpy's "invalid
  value", :class:`methods.MethodWarning`, statsmodels' ``ConvergenceWarning``, and every warning
  raised by scipy, statsmodels, scikit-learn, pingouin or ``methods``) as findings of the section
  (``section.method_warning``), each distinct message once and at most :data:`MAX_WARNINGS` of
  them (``section.more_warnings`` counts the rest). Other warnings (deprecations, plotting) are
  passed on unchanged.

``KeyboardInterrupt`` and ``SystemExit`` are not caught: an interrupt still stops the run.

A guarded error never stops the report: it is written, each section computed or skipped with its
reason. The skip's finding is a warning, so the run summary printed at the end lists it, the landing
page names it under "analyses not run" and the method note under its limitations. A limit of the
data leaves the exit status of ``dgpe run`` at 0; an internal error (a bug) makes it 3, and the run
summary names the sections it skipped (:func:`dgpe.report.internal_errors`), so that scripts and CI
see it. The numerical warnings raised before a section failed are kept as its findings too. A
failure outside the sections (the plan, a notebook's own code) still stops the run.

>>> from dgpe.sections.base import Section
>>> @guarded
... def broken(run):
...     return {}["x"]
>>> sec = broken(None)
>>> sec.skipped.key, sec.traceback is not None
('section.skipped_internal_error', True)
"""

from __future__ import annotations

import functools
import inspect
import traceback as tb_module
import warnings
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from dgpe.sections.base import Finding, Section
from dgpe.text import Text

__all__ = ["guarded", "is_guarded", "failed_section", "warning_findings", "MAX_WARNINGS", "NUMERIC_SOURCES"]

F = TypeVar("F", bound=Callable[..., Any])

#: At most this many distinct numerical warnings of one section become findings.
MAX_WARNINGS = 3
#: Packages whose warnings are about the computation (any category but deprecations).
NUMERIC_SOURCES = ("methods", "numpy", "scipy", "statsmodels", "sklearn", "pingouin", "factor_analyzer", "semopy")
_PASSED_ON = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ImportWarning, ResourceWarning)
_MESSAGE_CHARS = 300


def is_guarded(fn: Any) -> bool:
    """Whether a section function is wrapped by :func:`guarded`."""
    return bool(getattr(fn, "__guarded__", False))


def guarded(fn: F) -> F:
    """Wrap a section function: an exception returns the section skipped with a finding naming it,
    numerical warnings become findings (see the module doc). Applying it twice is harmless."""
    if is_guarded(fn):
        return fn
    topic = fn.__module__.rsplit(".", 1)[-1]

    @functools.wraps(fn)
    def section(*args: Any, **kwargs: Any) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                out = fn(*args, **kwargs)
            except Exception as exc:  # the point of the guard: no error ends a report
                out = failed_section(exc, fn, topic)
        return _with_warnings(out, caught)

    section.__guarded__ = True  # type: ignore[attr-defined]
    return section  # type: ignore[return-value]


def failed_section(exc: BaseException, fn: Callable[..., Any], topic: str) -> Section:
    """The section ``fn`` was computing, skipped with the finding that names ``exc``."""
    from dgpe.errors import DgpeError
    from methods import MethodError

    name, title = _identity(exc.__traceback__, fn, topic)
    error = _error_text(exc)
    if isinstance(exc, MethodError | DgpeError):
        return Section(name, title, skipped=Finding("section.skipped_method_error", {"error": error}, "warning"))
    trace = "".join(tb_module.format_exception(type(exc), exc, exc.__traceback__))
    return Section(name, title, skipped=Finding("section.skipped_internal_error",
                                                {"error": f"{type(exc).__name__}: {error}"}, "warning"),
                   traceback=trace)


def _error_text(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= _MESSAGE_CHARS else text[: _MESSAGE_CHARS - 1] + "…"


def _identity(tb: TracebackType | None, fn: Callable[..., Any], topic: str) -> tuple[str, Text]:
    """The failed section's name and title: those of the :class:`Section` the function had made
    when it failed, else its local ``title``, else ``<topic>.<function>``."""
    code = getattr(inspect.unwrap(fn), "__code__", None)
    name = f"{topic}.{getattr(fn, '__name__', 'section')}"
    title = Text(name, name)
    while tb is not None:
        if tb.tb_frame.f_code is code:
            local = tb.tb_frame.f_locals
            made = [v for v in local.values() if isinstance(v, Section)]
            if made:
                return made[0].name, made[0].title
            if isinstance(local.get("title"), Text):
                title = local["title"]
            if isinstance(local.get("name"), str):
                name = local["name"]
            break
        tb = tb.tb_next
    return name, title


def _numeric(w: warnings.WarningMessage) -> bool:
    if issubclass(w.category, _PASSED_ON):
        return False
    if issubclass(w.category, RuntimeWarning):
        return True
    module = getattr(w.category, "__module__", "") or ""
    path = str(w.filename).replace("\\", "/")
    return any(module.split(".")[0] == p or f"/{p}/" in path for p in NUMERIC_SOURCES)


def warning_findings(caught: list[warnings.WarningMessage]) -> tuple[list[Finding], list[warnings.WarningMessage]]:
    """The numerical warnings as findings (distinct messages, at most :data:`MAX_WARNINGS`, then
    one that counts the rest) and the other warnings, to pass on."""
    seen: dict[tuple[str, str], None] = {}
    others = []
    for w in caught:
        if _numeric(w):
            seen.setdefault((w.category.__name__, _error_text(w.message if isinstance(w.message, Warning)
                                                               else Warning(str(w.message)))), None)
        else:
            others.append(w)
    found = [Finding("section.method_warning", {"category": cat, "message": msg}, "warning")
             for cat, msg in list(seen)[:MAX_WARNINGS]]
    if len(seen) > MAX_WARNINGS:
        found.append(Finding("section.more_warnings", {"n": len(seen) - MAX_WARNINGS}, "warning"))
    return found, others


def _with_warnings(out: Any, caught: list[warnings.WarningMessage]) -> Any:
    found, others = warning_findings(list(caught))
    for w in others:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
    if isinstance(out, Section):  # a skipped section keeps the warnings raised before it failed
        out.findings.extend(found)
    return out
