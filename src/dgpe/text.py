"""Bilingual text: one value, two languages, chosen at the last moment.

A :class:`Text` carries the Chinese and the English form of a label, a caption or a finding; it is
rendered with ``text(lang)``. Parameters of catalogue messages may themselves be ``Text`` (a node's
name, a list of names), so one finding renders in either language from the same data.

>>> Text("综合指数", "index")("en")
'index'
>>> join([Text("甲", "A"), Text("乙", "B")], "zh")
'甲、乙'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["Text", "join", "render", "picker"]

LANGS = ("zh", "en")


@dataclass(frozen=True)
class Text:
    """A string in Chinese and English."""

    zh: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @classmethod
    def of(cls, value: Any) -> Text:
        """``Text`` from a Text, a ``{"zh":…, "en":…}`` mapping or a plain string (same in both)."""
        if isinstance(value, Text):
            return value
        if isinstance(value, dict):
            zh = str(value.get("zh", value.get("en", "")))
            return cls(zh, str(value.get("en", zh)))
        return cls(str(value), str(value))

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


def join(items: Iterable[Any], lang: str, *, last: str | None = None) -> str:
    """Items rendered in ``lang`` and joined the language's way (``、`` in Chinese, ``, `` in English)."""
    parts = [render(i, lang) for i in items]
    return ("、" if lang == "zh" else ", ").join(parts)


def render(value: Any, lang: str) -> Any:
    """A parameter rendered for ``lang``: Text picks its language, lists of Text are joined."""
    if isinstance(value, Text):
        return value(lang)
    if isinstance(value, list | tuple) and any(isinstance(v, Text) for v in value):
        return join(value, lang)
    return value


def picker(lang: str) -> Callable[[str, str], str]:
    """``t(zh, en)`` that returns the form of ``lang``: for sentences written in place, in both languages.

    >>> picker("en")("指数", "index")
    'index'
    """
    return (lambda zh, en: zh) if lang == "zh" else (lambda zh, en: en)
