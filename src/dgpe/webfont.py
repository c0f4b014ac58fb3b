"""Chinese text in the report's HTML without a system CJK font: an embedded font subset.

A machine without a CJK font (a fresh Linux server, many containers) shows every Chinese character
of a web page as a box. The report's HTML pages therefore carry their own font: the glyphs of Noto
Sans CJK SC (SIL Open Font License, shipped by the ``mplfonts`` wheel; see
:func:`dgpe.plotting.cjk_font_path`) for exactly the characters the page uses, subset with
``fontTools.subset`` and embedded as a base64 ``data:`` URI in an ``@font-face`` rule. A page of a
report needs a few hundred to two thousand distinct characters, i.e. 100–600 kB of font instead of
16 MB. The font is WOFF2 when ``brotli`` is installed, else WOFF (zlib), which every browser reads.

Only characters outside ASCII that the font has are kept: Latin letters and digits keep the page's
own font (the browser falls back character by character), while Chinese characters, full-width
punctuation and, on a Chinese page, symbols such as ``≥``, ``α`` or ``——`` come from the subset
(on an English page only the CJK blocks do: an English em dash keeps its Latin width). A system copy of the font is
used first when there is one (``local()``). The face is declared for the regular weight only, so
that browsers embolden it for headings (declared for every weight, Chinese headings stayed regular
beside bold Latin). Pages must name :data:`FONT_FAMILY` *first* in their
``font-family`` lists: Chromium left Chinese text as boxes when the embedded family came after a
Latin font (it laid the text out with the system fallback before the data URI was decoded).

>>> page = '<html lang="zh-CN"><head><title>报告</title></head><body>信度 α = 0.9</body></html>'
>>> "@font-face" in embed_cjk_font(page)
True
>>> sorted(page_characters(page))
['α', '信', '告', '度', '报']
"""

from __future__ import annotations

import base64
import functools
import io
import re
from pathlib import Path

__all__ = ["FONT_FAMILY", "page_characters", "font_face_css", "embed_cjk_font", "embed_cjk_font_file",
           "embedded_cmap"]

FONT_FAMILY = "dgpe CJK"
_DATA_URI = re.compile(r"data:[^\"')\s]+")
_LANG = re.compile(r"<html[^>]*\blang=[\"']?([A-Za-z-]+)")


def page_characters(page: str) -> set[str]:
    """The distinct characters of an HTML page (``data:`` URIs left out) that the bundled CJK font
    has glyphs for and the page takes from it: on a Chinese page (``<html lang="zh…">``) every
    non-ASCII character (Chinese quotes, dashes and ellipses are set full-width), elsewhere only
    the CJK blocks (from U+2E80; an English dash or α keeps the Latin font)."""
    text = _DATA_URI.sub("", page)
    lang = _LANG.search(page[:2000])
    first = 0x80 if lang is not None and lang.group(1).lower().startswith("zh") else 0x2E80
    chars = {c for c in text if ord(c) >= first and not c.isspace()}
    cmap = _font_cmap()
    return {c for c in chars if ord(c) in cmap}


@functools.cache
def _font_cmap() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    from dgpe.plotting import cjk_font_path

    # no new modification time in the subset: the same page gives the same bytes on every run
    with TTFont(str(cjk_font_path()), lazy=True, recalcTimestamp=False) as font:
        return frozenset(font.getBestCmap())


def _flavor() -> str:
    try:
        import brotli  # noqa: F401
    except ImportError:
        return "woff"
    return "woff2"


def _subset(chars: set[str]) -> tuple[bytes, str]:
    """The bundled font cut down to ``chars``, as (font bytes, flavor)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from dgpe.plotting import cjk_font_path

    flavor = _flavor()
    options = subset.Options()
    options.flavor = flavor
    options.hinting = False
    options.layout_features = []  # no OpenType layout: horizontal text needs none, and it halves the time
    options.notdef_outline = True
    # no new modification time in the subset: the same page gives the same bytes on every run
    with TTFont(str(cjk_font_path()), lazy=True, recalcTimestamp=False) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(ord(c) for c in chars))
        subsetter.subset(font)
        buf = io.BytesIO()
        font.flavor = flavor
        font.save(buf)
    return buf.getvalue(), flavor


def font_face_css(chars: set[str]) -> str:
    """An ``@font-face`` rule for :data:`FONT_FAMILY` with the subset of ``chars`` embedded
    ('' when ``chars`` is empty: a page without Chinese needs no font)."""
    if not chars:
        return ""
    data, flavor = _subset(chars)
    b64 = base64.b64encode(data).decode("ascii")
    return (
        "@font-face{font-family:\"" + FONT_FAMILY + "\";font-style:normal;font-weight:400;"
        "src:local(\"Noto Sans CJK SC\"),local(\"NotoSansCJKsc-Regular\"),"
        f"url(data:font/{flavor};base64,{b64}) format(\"{flavor}\");}}"
    )


def embed_cjk_font(page: str) -> str:
    """``page`` with a ``<style>`` holding the ``@font-face`` of its characters inserted before
    ``</head>`` (unchanged when it has no character the font covers). The page's CSS must name
    :data:`FONT_FAMILY` in its ``font-family`` lists."""
    css = font_face_css(page_characters(page))
    if not css:
        return page
    style = f'<style id="dgpe-cjk-font">{css}</style>'
    head_end = page.find("</head>")
    if head_end < 0:
        return style + page
    return page[:head_end] + style + page[head_end:]


def embed_cjk_font_file(path: Path) -> None:
    """Embed the font subset into the HTML file ``path`` in place."""
    path.write_text(embed_cjk_font(path.read_text(encoding="utf-8")), encoding="utf-8")


def embedded_cmap(page: str) -> set[str]:
    """The characters the page's embedded font has glyphs for (empty when it embeds none); for
    tests and checks."""
    from fontTools.ttLib import TTFont

    m = re.search(r'<style id="dgpe-cjk-font">.*?base64,([A-Za-z0-9+/=]+)', page, re.S)
    if m is None:
        return set()
    font = TTFont(io.BytesIO(base64.b64decode(m.group(1))))
    return {chr(u) for u in font.getBestCmap()}
