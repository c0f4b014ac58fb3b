"""Which encoding a text file is in: certain, or a guess that is refused with how to state it.

UTF-8 (with or without a byte-order mark) and UTF-16 with a mark are certain: text in another
encoding almost never decodes as UTF-8. Every other byte sequence is a guess: GB18030 (the superset
of GBK that Chinese Excel and WPS write) decodes most bytes, Latin-1 text included, into rare
characters ("Zürich" becomes "Z黵ich"). A file is read as GB18030 only when its double-byte
characters are common Chinese characters (:data:`COMMON_SHARE` of them in the GB2312 range, the
6,763 common hanzi and full-width punctuation); otherwise it is refused, naming the encoding
:mod:`charset_normalizer` guesses and how to state it (``--encoding`` or ``data.encoding``).

>>> guess_encoding("单位,得分".encode("gbk")).encoding
'gb18030'
>>> g = guess_encoding("unit_name\\nZürich\\nGenève\\n".encode("latin-1"))
>>> g.certain, g.encoding
(False, None)
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

__all__ = ["COMMON_SHARE", "EncodingGuess", "guess_encoding", "control_character_line"]

#: The share of double-byte characters that must be common Chinese characters for GB18030.
COMMON_SHARE = 0.9
_GB_CHAR = re.compile(rb"[\x81-\xfe][\x30-\x39][\x81-\xfe][\x30-\x39]|[\x81-\xfe][\x40-\x7e\x80-\xfe]")
_GB2312 = re.compile(rb"[\xa1-\xf7][\xa1-\xfe]")
#: Encodings named first when charset_normalizer finds them plausible (the common ones of each script).
_PREFERRED = ("utf_16", "big5", "cp932", "euc_kr", "cp949", "cp1252", "latin_1", "cp1250", "cp1251", "koi8_r")
_LATIN_IN_WORD = re.compile("[A-Za-z][\u00c0-\u024f]|[\u00c0-\u024f][A-Za-z]")
_CONTROL = {*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F}


@dataclass(frozen=True)
class EncodingGuess:
    """The outcome of :func:`guess_encoding`.

    Attributes
    ----------
    encoding : the codec to read the file with (``None`` when no encoding is certain)
    certain : whether the file can be read without asking the user
    guess : the most likely encoding when not certain (for the message), or ``None``
    reason : why the file is not read, in words (empty when certain)
    """

    encoding: str | None
    certain: bool
    guess: str | None = None
    reason: str = ""


def guess_encoding(raw: bytes) -> EncodingGuess:
    """Decide the encoding of ``raw`` (see the module doc); never raises."""
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom) and _decodes(raw, enc):
            return EncodingGuess(enc, True)
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return EncodingGuess(None, False, None, f"line {line} holds a NUL byte: a binary file, or UTF-16 "
                                                "text without a byte-order mark")
    body = raw[3:] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        return _utf8_or_both(body, body.decode("utf-8"), bom=body is not raw)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        first_bad = f"byte 0x{body[exc.start]:02x} on line {line} is not UTF-8"
    guess = _normaliser_guess(raw)
    if not _decodes(body, "gb18030"):
        return EncodingGuess(None, False, guess, f"{first_bad}, and the file is not GBK/GB18030 either")
    share, sample = _common_chinese(body)
    if share >= COMMON_SHARE:
        return EncodingGuess("gb18030", True)
    return EncodingGuess(
        None, False, guess if guess not in ("gb18030", "gbk", "gb2312") else None,
        f"{first_bad}; read as GBK/GB18030 only {share:.0%} of its non-ASCII characters would be common "
        f"Chinese characters (it would read {sample!r})")


def _utf8_or_both(body: bytes, text: str, *, bom: bool) -> EncodingGuess:
    """UTF-8, unless the bytes read as well as common Chinese in GBK: short GBK text can be valid
    UTF-8 made of two-byte characters ("一" is D2 BB, UTF-8 for the Cyrillic "һ"). UTF-8 wins when
    it has a byte-order mark, a character of three bytes or more (all Chinese), or accented Latin
    letters inside words ("Zürich"); otherwise both readings are named and the file refused."""
    if bom or any(ord(ch) >= 0x800 for ch in text) or _LATIN_IN_WORD.search(text):
        return EncodingGuess("utf-8-sig", True)
    if not any(ord(ch) >= 0x80 for ch in text) or not _decodes(body, "gb18030"):
        return EncodingGuess("utf-8-sig", True)
    share, _ = _common_chinese(body)
    if share < COMMON_SHARE:
        return EncodingGuess("utf-8-sig", True)
    first = next(i for i, ch in enumerate(text) if ord(ch) >= 0x80)
    line = text.count("\n", 0, first)
    as_utf8 = text.splitlines()[line].strip()[:40]
    as_gbk = body.decode("gb18030").splitlines()[line].strip()[:40]
    return EncodingGuess(None, False, "gb18030", f"line {line + 1} reads as UTF-8 ({as_utf8!r}) and as "
                                                 f"GBK/GB18030 ({as_gbk!r}) alike (with utf-8 if the first is right)")


def _decodes(raw: bytes, enc: str) -> bool:
    try:
        raw.decode(enc)
        return True
    except UnicodeDecodeError:
        return False


def _common_chinese(raw: bytes) -> tuple[float, str]:
    """The share of GB18030 multi-byte characters in the GB2312 range (common hanzi, full-width
    punctuation), and the first line holding another one, as GB18030 would read it."""
    common = total = 0
    first_odd: int | None = None
    for m in _GB_CHAR.finditer(raw):
        total += 1
        if _GB2312.fullmatch(m.group()):
            common += 1
        elif first_odd is None:
            first_odd = m.start()
    if not total:
        return 1.0, ""
    sample = ""
    if first_odd is not None:
        start = raw.rfind(b"\n", 0, first_odd) + 1
        end = raw.find(b"\n", first_odd)
        sample = raw[start: end if end >= 0 else len(raw)].decode("gb18030", errors="replace").strip()[:40]
    return common / total, sample


def _normaliser_guess(raw: bytes) -> str | None:
    """charset_normalizer's best guess (a second opinion for the message)."""
    from charset_normalizer import from_bytes

    matches = from_bytes(raw[:200_000])
    names = [str(m.encoding) for m in matches]
    for name in _PREFERRED:
        if name in names:
            return name
    return names[0] if names else None


def control_character_line(text: str) -> int | None:
    """The line (1-based) of the first control character (other than tab, CR, LF) in ``text``.

    >>> control_character_line("a,b\\n1,\\x01\\n")
    2
    """
    for i, ch in enumerate(text):
        if ord(ch) in _CONTROL:
            return text.count("\n", 0, i) + 1
    return None
