"""One shape for every result: :class:`Summary` and the :class:`Result` base.

Every result object of :mod:`methods` is a frozen dataclass deriving from :class:`Result`:

- ``summary()`` returns a :class:`Summary`: a title, a few lines of text and one or more tables,
  shown as plain text by ``print`` and as HTML in a notebook (``_repr_html_``), as statsmodels'
  results summaries are;
- ``to_frame()`` returns the result's main table as a DataFrame;
- ``repr()`` is short (the class name and the sizes of its parts), never the full arrays.

>>> import pandas as pd
>>> s = Summary("Cronbach's alpha", ["alpha = 0.812 (95% CI 0.78–0.84)"], [pd.DataFrame({"alpha": [0.812]})])
>>> print(s)
Cronbach's alpha
================
alpha = 0.812 (95% CI 0.78–0.84)
<BLANKLINE>
   alpha
0  0.812
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Summary", "Result", "ranking_line", "weights_line", "one_row"]


@dataclass(frozen=True)
class Summary:
    """A printable, HTML-renderable summary of a result."""

    title: str
    lines: Sequence[str] = ()
    tables: Sequence[pd.DataFrame] = field(default_factory=tuple)

    def as_text(self) -> str:
        parts = [self.title, "=" * len(self.title), *self.lines]
        for t in self.tables:
            parts += ["", t.to_string()]
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.as_text()

    def as_html(self) -> str:
        body = "".join(f"<p>{html.escape(line)}</p>" for line in self.lines)
        tabs = "".join(t.to_html(float_format=lambda v: f"{v:.4g}") for t in self.tables)
        return f"<div><h4>{html.escape(self.title)}</h4>{body}{tabs}</div>"

    def _repr_html_(self) -> str:
        return self.as_html()

    def to_frame(self) -> pd.DataFrame:
        """The first table (an empty frame when there is none)."""
        return self.tables[0] if self.tables else pd.DataFrame()


def _size(value: Any) -> str:
    if isinstance(value, pd.DataFrame):
        return f"DataFrame{value.shape}"
    if isinstance(value, pd.Series):
        return f"Series({len(value)})"
    if isinstance(value, np.ndarray):
        return f"array{value.shape}"
    if isinstance(value, dict | list | tuple):
        return f"{type(value).__name__}({len(value)})"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class Result:
    """Base of the result objects: a short repr, ``summary()`` and ``to_frame()``.

    Subclasses are dataclasses; they override :meth:`to_frame` (the main table) and
    :meth:`summary` (title, lines, tables) where the defaults below are not enough.

    The short :meth:`__repr__` is copied into each subclass as it is created, so that
    ``@dataclass`` (which adds a ``__repr__`` only when the class has none of its own) keeps it.
    A subclass must not name a field ``summary`` or ``to_frame``: ``@dataclass`` would take the
    inherited method for the field's default."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__repr__" not in cls.__dict__:
            cls.__repr__ = Result.__repr__  # type: ignore[method-assign]

    def __repr__(self) -> str:
        parts = [f"{f.name}={_size(getattr(self, f.name))}" for f in fields(self)  # type: ignore[arg-type]
                 if f.repr]
        return f"{type(self).__name__}({', '.join(parts)})"

    def to_frame(self) -> pd.DataFrame:
        """The result's main table: the first DataFrame or Series field."""
        for f in fields(self):  # type: ignore[arg-type]
            v = getattr(self, f.name)
            if isinstance(v, pd.DataFrame):
                return v
            if isinstance(v, pd.Series):
                return v.to_frame()
        raise NotImplementedError(f"{type(self).__name__} has no table")

    def summary(self) -> Summary:
        """Title, the scalar fields as lines, and :meth:`to_frame` as the table."""
        lines = []
        for f in fields(self):  # type: ignore[arg-type]
            v = getattr(self, f.name)
            if isinstance(v, int | float | str | bool | np.number) and f.repr:
                lines.append(f"{f.name} = {v:.4g}" if isinstance(v, float | np.floating) else f"{f.name} = {v}")
        try:
            tables: tuple[pd.DataFrame, ...] = (self.to_frame(),)
        except NotImplementedError:
            tables = ()
        return Summary(type(self).__name__, lines, tables)


def ranking_line(scores: pd.Series, ranks: pd.Series, what: str = "score",
                 noun: str = "units") -> str:
    """One line on a ranking: how many units, the best and the worst with their scores.

    >>> s = pd.Series([0.2, 0.9, 0.5], index=["a", "b", "c"])
    >>> ranking_line(s, s.rank(ascending=False, method="min"))
    '3 units ranked; best b (score 0.9), worst a (score 0.2)'
    """
    r = ranks.dropna()
    if r.empty:
        return f"{len(ranks)} {noun}, none ranked"
    best, worst = r.idxmin(), r.idxmax()
    return (f"{len(r)} {noun} ranked; best {best} ({what} {scores[best]:.4g}), "
            f"worst {worst} ({what} {scores[worst]:.4g})")


def weights_line(weights: pd.Series) -> str:
    """One line on a weight vector: how many, the largest and the smallest.

    >>> weights_line(pd.Series([0.5, 0.3, 0.2], index=["a", "b", "c"]))
    '3 weights; largest a 0.5, smallest c 0.2'
    """
    w = weights.dropna()
    if w.empty:
        return f"{len(weights)} weights, none set"
    return (f"{len(w)} weights; largest {w.idxmax()} {w.max():.4g}, "
            f"smallest {w.idxmin()} {w.min():.4g}")


def one_row(**values: Any) -> pd.DataFrame:
    """A one-row DataFrame of scalar statistics (the table of a result that has no other).

    >>> one_row(alpha=0.8, n=120)
       alpha    n
    0    0.8  120
    """
    return pd.DataFrame({k: [v] for k, v in values.items()})
