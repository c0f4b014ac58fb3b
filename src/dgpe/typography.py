"""Chinese typography: full-width punctuation inside Chinese text, ASCII around Latin and numbers.

The rule (docs/CONVENTIONS.md, "Chinese text"): in Chinese text the comma, semicolon, colon and
parentheses are the full-width ``，；：（）``; they stay ASCII only inside a Latin run (a formula
``F(2, 30)``, a function ``log(x)``, a number ``1,000``, a ratio ``1:2``, an English citation whose
neighbours are Latin too). Parentheses in a Chinese sentence are full-width even around Latin or
numbers (``得分（0–100）``, ``（Hu & Bentler 1999）``). Full-width marks take no space around them.
Format placeholders (``{mean:.{digits}f}``) are left alone and count as Chinese text, since what
they insert stands in a Chinese sentence. ``=``, ``<``, ``–``, ``/`` and ``.`` are not touched
(``KMO = 0.81`` keeps its ASCII ``=``).

>>> fullwidth("均值 {mean:.1f} (最高 {high:.1f},{best};最低 {low})。说明:见 04")
'均值 {mean:.1f}（最高 {high:.1f}，{best}；最低 {low}）。说明：见 04'
>>> fullwidth("F(2, 30) = 4.1,差异显著")
'F(2, 30) = 4.1，差异显著'
>>> halfwidth_problems("得分(0–100)")
['得分(0–1', '100)']
>>> fullwidth("(x − min)/(目标 − min),截断")
'(x − min)/(目标 − min)，截断'


Run ``python -m dgpe.typography FILE...`` to rewrite the Chinese string literals of Python files and
the ``zh:`` values of catalogue YAML files by this rule (``--check`` only lists what it would change).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

__all__ = ["fullwidth", "halfwidth_problems", "is_cjk", "zh_literals", "fix_python", "fix_yaml", "main"]

HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）"}
FULL = set(HALF_TO_FULL.values())
PLACEHOLDER = "\x00"  # stands for a whole {…} format field while deciding
NUMBER = "\x02"  # stands for a field with a number format ({x:.2f}, {n:d}, {p:.0%}): Latin, not Chinese
_NUMERIC_SPEC = re.compile(r":[^{}]*(\{[^{}]*\})?[^{}]*[bdeEfFgGn%]\}$")


def is_cjk(ch: str) -> bool:
    """A Chinese character, CJK punctuation (。、「」) or a full-width form (，；：（）)."""
    if len(ch) != 1:
        return False
    o = ord(ch)
    return 0x3000 <= o <= 0x303F or 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF


def _chinese(ch: str) -> bool:
    return ch == PLACEHOLDER or (len(ch) == 1 and is_cjk(ch))


def _mask(text: str) -> tuple[str, list[str]]:
    """``text`` with each top-level ``{…}`` field replaced by one PLACEHOLDER; the fields in order."""
    out: list[str] = []
    fields: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith(("{{", "}}"), i):
            out.append(text[i: i + 2])
            i += 2
            continue
        if text[i] == "{":
            depth, j = 0, i
            while j < len(text):
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                if depth == 0:
                    break
                j += 1
            fields.append(text[i: j + 1])
            out.append(NUMBER if _NUMERIC_SPEC.search(fields[-1]) else PLACEHOLDER)
            i = j + 1
            continue
        out.append(text[i])
        i += 1
    return "".join(out), fields


def _unmask(text: str, fields: list[str]) -> str:
    it = iter(fields)
    return re.sub(f"[{PLACEHOLDER}{NUMBER}]", lambda _m: next(it), text)


def _neighbour(s: str, i: int, step: int, change: dict[int, str] | None = None) -> str:
    j = i + step
    while 0 <= j < len(s) and s[j] == " ":
        j += step
    if change and j in change:
        return change[j]
    return s[j] if 0 <= j < len(s) else ""


def _matching(s: str, i: int) -> int | None:
    depth = 0
    for j in range(i, len(s)):
        depth += {"(": 1, ")": -1}.get(s[j], 0)
        if depth == 0:
            return j
    return None


def _is_formula(s: str, i: int, j: int) -> bool:
    """Whether the ASCII pair ``s[i]``/``s[j]`` is formula notation.

    Function notation (``F(2, 30)``, ``log(x)``, ``χ²(df)``, ``ICC(2,k)``: a Latin letter, digit or
    superscript right before), or a bracketed term of a formula (``(x − min)/(目标 − min)``: an
    operator inside, at most a short Chinese word, no Chinese punctuation).
    """
    inner = s[i + 1: j]
    before = s[i - 1] if i > 0 else ""
    if before and (before.isalnum() and not _chinese(before) or before in "_²³′'") \
            and not any(is_cjk(c) for c in inner):
        return True
    operator = re.search(r" [−+×*/^∝·] |[)^/]$", inner) or s[j + 1: j + 2] in ("/", "^") \
        or s[max(0, i - 2): i].strip() in ("/", "×", "−", "+", "Σ", "Π")
    words = sum(is_cjk(c) for c in inner)
    return bool(operator) and words <= 4 and not any(c in FULL or c in "，；：。、" for c in inner)


def _protected(s: str, change: dict[int, str]) -> set[int]:
    """Positions inside code spans, ASCII brackets [a, b] and formula parentheses."""
    out: set[int] = set()
    for m in re.finditer(r"`[^`]*`|\[[^\[\]]*\]", s):
        out.update(range(m.start(), m.end()))
    for i, ch in enumerate(s):
        if ch == "(" and i not in change and (j := _matching(s, i)) is not None:
            out.update(range(i, j + 1))
    return out


def _decide(s: str) -> dict[int, str]:
    """Positions of ``s`` (masked) whose half-width mark becomes full-width.

    Parentheses go full-width unless they are formula notation; then every ``, ; :`` outside code
    spans, brackets and formula parentheses does, except between two digits (1,000; 1:2) and in ``//``.
    """
    change: dict[int, str] = {}
    code = {k for m in re.finditer(r"`[^`]*`", s) for k in range(m.start(), m.end())}
    for i, ch in enumerate(s):
        if ch == "(" and i not in code and (j := _matching(s, i)) is not None and not _is_formula(s, i, j):
            change[i], change[j] = "（", "）"
    keep = _protected(s, change)
    for i, ch in enumerate(s):
        if ch in ",;:" and i not in keep:
            pair = s[i - 1: i] + s[i + 1: i + 2]
            if not (len(pair) == 2 and pair.isdigit()) and pair != "//" and s[i + 1: i + 3] != "//":
                change[i] = HALF_TO_FULL[ch]
    return change


def fullwidth(text: str, *, fields_chinese: bool = True) -> str:
    """``text`` with the half-width ``, ; : ( )`` of its Chinese sentences made full-width (see module).

    ``fields_chinese=False`` (f-strings, whose fields may hold either language) makes only literal
    Chinese characters count.
    """
    masked, fields = _mask(text)
    if not any(_chinese(c) for c in masked):
        return text
    change = _decide(masked if fields_chinese else masked.replace(PLACEHOLDER, NUMBER))
    if not change:
        return text
    chars = list(masked)
    for i, full in change.items():
        chars[i] = full
    out = "".join(chars)
    marks = "".join(FULL)
    out = re.sub(f" +([{marks}])", r"\1", out)
    out = re.sub(f"([{marks}]) +", r"\1", out)
    return _unmask(out, fields)


def halfwidth_problems(text: str) -> list[str]:
    """Each half-width ``, ; : ( )`` of Chinese ``text`` that :func:`fullwidth` would change, in context.

    Empty when ``text`` follows the rule; the test over every Chinese string of the app uses it.
    """
    masked, _fields = _mask(text)
    if not any(_chinese(c) for c in masked):
        return []
    return [masked[max(0, i - 3): i + 4].replace(PLACEHOLDER, "{}").replace(NUMBER, "{n}")
            for i in sorted(_decide(masked)) if masked[i] in HALF_TO_FULL]


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) or isinstance(node, ast.JoinedStr)


def _has_cjk(node: ast.AST) -> bool:
    """Whether a literal is Chinese text: it holds Chinese and no run of four English words (an
    English message that quotes Chinese terms, ``"… or 'auxiliary' (aux, 辅助, 分母)"``, is not)."""
    parts = node.values if isinstance(node, ast.JoinedStr) else [node]
    text = "".join(p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str))
    return any(is_cjk(c) for c in text) and not re.search(r"[A-Za-z']+( [A-Za-z']+){3}", text)


def zh_literals(tree: ast.AST) -> list[ast.expr]:
    """The Chinese halves of a module's bilingual literals.

    A string literal (or f-string) is a Chinese half when it holds Chinese and stands next to one
    without (an English half) among a call's positional arguments or a tuple's items
    (``Text(zh, en)``, ``t(zh, en)``, ``(zh, en)`` titles, ``_w(…, en, zh, long_en, long_zh …)``),
    or when it is the value of a ``"zh"`` key.
    """
    out: list[ast.expr] = []
    for node in ast.walk(tree):
        items: list[ast.expr] = []
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "re":
                continue  # a regular expression is no prose
            items = list(node.args)
        elif isinstance(node, ast.Tuple | ast.List):
            items = list(node.elts)
        elif isinstance(node, ast.Dict):
            out += [v for k, v in zip(node.keys, node.values, strict=True)
                    if isinstance(k, ast.Constant) and k.value == "zh" and _is_text(v) and _has_cjk(v)]
        for a, b in zip(items, items[1:], strict=False):
            if _is_text(a) and _is_text(b) and _has_cjk(a) != _has_cjk(b):
                out.append(a if _has_cjk(a) else b)
    return out


def fix_python(source: str) -> str:
    """Python source with :func:`fullwidth` applied to the Chinese halves of bilingual literals
    (each string token of an implicitly concatenated literal over several lines too)."""
    import io
    import tokenize

    lines = source.splitlines(keepends=True)
    nodes = {(n.lineno, n.col_offset): n for n in zh_literals(ast.parse(source))}.values()
    spans = [((n.lineno, n.col_offset), (n.end_lineno or n.lineno, n.end_col_offset or 0), isinstance(n, ast.Constant))
             for n in nodes]
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.STRING]
    todo = []
    for tok in tokens:
        for start, end, constant in spans:
            if start <= tok.start and tok.end <= end and tok.start[0] == tok.end[0]:
                todo.append((tok, constant))
                break
    for tok, constant in sorted(todo, key=lambda x: x[0].start, reverse=True):
        row, col = tok.start
        line = lines[row - 1]
        end_col = tok.end[1]
        lines[row - 1] = line[:col] + _fix_literal(line[col:end_col], fields_chinese=constant) + line[end_col:]
    return "".join(lines)


def _fix_literal(literal: str, *, fields_chinese: bool = True) -> str:
    m = re.match(r"([rRbBuUfF]*)(['\"]{1,3})(.*)\2$", literal, re.S)
    if m is None:  # implicit concatenation of several literals: left for a hand edit
        return literal
    prefix, quote, body = m.groups()
    return prefix + quote + fullwidth(body, fields_chinese=fields_chinese) + quote


def fix_yaml(text: str) -> str:
    """Catalogue YAML with :func:`fullwidth` applied to each one-line ``zh:`` value."""
    out = []
    for line in text.splitlines(keepends=True):
        m = re.match(r"""(\s*zh:\s*(["']?))([^>|].*?)(\2\s*)$""", line, re.S)
        out.append(m.group(1) + fullwidth(m.group(3)) + m.group(4) if m else line)
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check`` list) the files named on the command line."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    changed = 0
    for name in (a for a in args if a != "--check"):
        path = Path(name)
        old = path.read_text(encoding="utf-8")
        new = fix_yaml(old) if path.suffix in (".yaml", ".yml") else fix_python(old)
        if new != old:
            changed += 1
            print(f"{'would fix' if check else 'fixed'} {path}")
            if not check:
                path.write_text(new, encoding="utf-8")
    return 1 if check and changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
