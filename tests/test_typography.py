"""Chinese typography over every Chinese string of the app (docs/CONVENTIONS.md, "Chinese text").

Every zh message of the catalogue, every zh column label, every zh label/formula of the method
registries and every Chinese half of a bilingual literal in ``src/dgpe`` and ``src/methods``
(``Text(zh, en)``, ``t(zh, en)``, ``(zh, en)`` titles, ``{"zh": …}``) uses full-width ``，；：（）``
inside Chinese text; format placeholders keep working.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
import yaml

from dgpe.catalogue import catalogue
from dgpe.typography import fullwidth, halfwidth_problems, zh_literals

SRC = Path(__file__).resolve().parents[1] / "src"


def _catalogue_zh() -> list[tuple[str, str]]:
    return [(f"{topic}.{key}", m["zh"]) for topic, d in catalogue().items()
            for key, m in d["messages"].items()]


def _labels_zh() -> list[tuple[str, str]]:
    data = yaml.safe_load((SRC / "dgpe" / "catalogue" / "columns" / "labels.yaml").read_text(encoding="utf-8"))
    out: list[tuple[str, str]] = []

    def walk(x: object, where: str) -> None:
        if isinstance(x, dict):
            for k, v in x.items():
                if k == "zh" and isinstance(v, str):
                    out.append((where, v))
                else:
                    walk(v, f"{where}/{k}")

    walk(data, "labels.yaml")
    return out


def _literal_text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant):
        return str(node.value)
    assert isinstance(node, ast.JoinedStr)
    return "".join(v.value if isinstance(v, ast.Constant) else "{x}" for v in node.values)


def _source_zh() -> list[tuple[str, str]]:
    out = []
    for path in sorted([*SRC.glob("dgpe/**/*.py"), *SRC.glob("methods/**/*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        out += [(f"{path.relative_to(SRC)}:{n.lineno}", _literal_text(n)) for n in zh_literals(tree)]
    return out


def _registry_zh() -> list[tuple[str, str]]:
    from methods.registry import FAMILIES, registry

    out = []
    for family in FAMILIES:
        reg = registry(family)
        for info in (reg.get(name) for name in reg.names()):
            for attr in ("label", "label_long", "formula"):
                value = getattr(info, attr) or {}
                if value.get("zh"):
                    out.append((f"{family}.{info.name}.{attr}", value["zh"]))
    return out


def test_every_source_is_scanned() -> None:
    """The collectors find what they should (a test that cannot find strings cannot fail)."""
    assert len(_catalogue_zh()) > 150
    assert len(_source_zh()) > 100
    assert len(_registry_zh()) > 40


@pytest.mark.parametrize("collect", [_catalogue_zh, _labels_zh, _source_zh, _registry_zh])
def test_full_width_punctuation_in_chinese(collect) -> None:
    bad = {where: problems for where, text in collect() if (problems := halfwidth_problems(text))}
    assert not bad, f"half-width punctuation inside Chinese text (python -m dgpe.typography FILE fixes it): {bad}"


def test_problems_found_next_to_chinese() -> None:
    """Every half-width , ; : ( ) next to a Chinese character is a problem, except in formulas and code."""
    for text in ("得分(0–100)", "甲,乙", "甲;乙", "说明:见", "甲 , 乙", "(甲)", "{x},{y}。"):
        assert halfwidth_problems(text), text
    for text in ("(x − min)/(目标 − min)", "`a, b` 代码", "χ²(df) 检验", "区间 [0.1, 0.2] 内", "English (a, b)"):
        assert not halfwidth_problems(text), text


def test_placeholders_still_format() -> None:
    """Every zh message is a valid format template whose fields the en message (or the section) fills."""
    for topic, d in catalogue().items():
        for key, m in d["messages"].items():
            fields = [f for _, f, _, _ in string.Formatter().parse(m["zh"]) if f]
            assert all(re.fullmatch(r"\w+", f.split(".")[0].split("[")[0]) for f in fields), (topic, key)


def test_fullwidth_keeps_formats_and_formulas() -> None:
    template = "均值 {mean:.{digits}f}(最高 {high:.1f},{best};区间 [{lo:.2f}, {hi:.2f}])"
    fixed = fullwidth(template)
    assert fixed == "均值 {mean:.{digits}f}（最高 {high:.1f}，{best}；区间 [{lo:.2f}, {hi:.2f}]）"
    assert fixed.format(mean=1.234, digits=1, high=2.0, best="甲", lo=0.1, hi=0.2) == \
        "均值 1.2（最高 2.0，甲；区间 [0.10, 0.20]）"
    assert fullwidth("χ²({df}) = {chi2:.1f},p < 0.05") == "χ²({df}) = {chi2:.1f}，p < 0.05"
    assert fullwidth("F(2, 30) 显著") == "F(2, 30) 显著"
    assert fullwidth("见 https://example.org") == "见 https://example.org"
    assert fullwidth("English only (a, b)") == "English only (a, b)"
