"""The indicator framework: a tree index → dimension → sub-dimension → indicator.

Two ways in, one model out:

- YAML (``data/framework.yaml``): a nested tree under ``index:`` and/or survey ``scales:`` (a
  framework with scales only is a survey-only framework: reliability and factor structure of the
  survey, no index);
- a flat table (CSV/XLSX), one row per node with ``code, parent, level, name_zh, name_en, weight,
  direction, unit, kind, bound_low, bound_high, target, source, note`` (and optionally
  ``denominator, type``): the way researchers keep indicator systems in Excel.

Auxiliary data columns (population, GDP, area, energy …) are neither indicators nor groups: YAML
lists them under ``auxiliary:``, a table marks their rows ``type: auxiliary`` (empty parent). An
indicator's ``denominator`` names one of them; the build's ``denominate`` step divides by it.

Every rule is checked and *all* breaches are reported together, each naming the node and the rule:
duplicate codes, unknown parents, cycles, more than one root, negative weights or siblings whose
weights sum to zero, unknown direction/unit/kind, an indicator without a direction, reversed bounds, a
direction on an aggregate, survey scales naming unknown items or dimensions, a denominator that is
not an auxiliary code or sits on an aggregate, an auxiliary code that is also a node's.

:meth:`Framework.to_meta` gives the meta frame of DESIGN.md §2 (COINr's iMeta idea) that
:mod:`methods` works on: one row per node, ``level`` 1 for indicators and increasing upward.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field

from dgpe.errors import FrameworkError, Problem, brief
from dgpe.io import check_file, read_table
from dgpe.yamlsafe import safe_load

__all__ = [
    "DIRECTIONS",
    "KINDS",
    "UNITS",
    "Name",
    "Node",
    "Auxiliary",
    "ITEM_TYPES",
    "Scale",
    "Framework",
    "load_framework",
    "framework_from_dict",
    "framework_from_table",
]

UNITS = (
    "ratio", "percent", "count", "rate", "days", "hours", "minutes", "seconds", "score",
    "likert", "binary", "yuan", "index", "other",
)  # fmt: skip
KINDS = ("input", "output", "outcome")
DIRECTIONS = ("positive", "negative")

_DIRECTION_ALIASES = {
    "positive": "positive", "+": "positive", "1": "positive", "+1": "positive", "pos": "positive",
    "正向": "positive", "正": "positive", "1.0": "positive",
    "negative": "negative", "-": "negative", "-1": "negative", "neg": "negative",
    "负向": "negative", "逆向": "negative", "负": "negative", "-1.0": "negative",
}  # fmt: skip
_KIND_ALIASES = {
    "input": "input", "投入": "input", "i": "input",
    "output": "output", "产出": "output", "过程": "output", "p": "output", "process": "output",
    "outcome": "outcome", "成效": "outcome", "效果": "outcome", "结果": "outcome", "o": "outcome",
}  # fmt: skip


class Name(BaseModel):
    """A bilingual name."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Node(BaseModel):
    """A node of the framework: the index, a dimension, a sub-dimension or an indicator."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str
    name: Name
    weight: float = 1.0
    children: tuple[Node, ...] = ()
    direction: Literal["positive", "negative"] | None = None
    unit: str | None = None
    kind: Literal["input", "output", "outcome"] | None = None
    bounds: tuple[float, float] | None = None
    target: float | None = None
    source: str | None = None
    note: str | None = None
    denominator: str | None = None

    @property
    def is_indicator(self) -> bool:
        return not self.children

    def walk(self) -> Iterator[Node]:
        """Pre-order traversal (self first)."""
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def height(self) -> int:
        """1 for an indicator, 1 + the tallest child otherwise (the meta frame's ``level``)."""
        return 1 if not self.children else 1 + max(c.height for c in self.children)


class Auxiliary(BaseModel):
    """An auxiliary data column (population, GDP, area …): neither an indicator nor a group; an
    indicator's ``denominator`` names one. ``unit`` is free text (e.g. "thousand km²")."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str
    name: Name
    unit: str | None = None
    note: str | None = None


#: Item types of a survey scale: what values its items take and which correlations factor them.
ITEM_TYPES = ("likert", "ordinal", "continuous", "binary")


class Scale(BaseModel):
    """A survey construct measured by items of one type.

    ``type``: ``likert`` (default) and ``ordinal``: whole numbers within ``likert: [lo, hi]``
    (ordinal items are factored on polychoric correlations); ``continuous``: any number, within
    ``range: [lo, hi]`` when given; ``binary``: 0/1 (alpha is then KR-20; factored on tetrachoric
    correlations). :attr:`bounds` is the response range reverse-keyed items are recoded in
    (``lo + hi - x``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str
    name: Name
    items: tuple[str, ...]
    reverse: tuple[str, ...] = ()
    type: Literal["likert", "ordinal", "continuous", "binary"] = "likert"
    likert: tuple[int, int] = (1, 5)
    range: tuple[float, float] | None = None
    dimension: str | None = None
    item_names: dict[str, Name] = Field(default_factory=dict)

    @property
    def bounds(self) -> tuple[float, float] | None:
        """The response range: ``likert`` (likert, ordinal), (0, 1) (binary), ``range`` or None
        (continuous; reverse-keying then uses the observed minimum and maximum)."""
        if self.type == "binary":
            return (0.0, 1.0)
        if self.type == "continuous":
            return None if self.range is None else (float(self.range[0]), float(self.range[1]))
        return (float(self.likert[0]), float(self.likert[1]))


class Framework(BaseModel):
    """A validated indicator framework (build it with :func:`load_framework`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    index: Node | None = None
    scales: tuple[Scale, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    title: Name | None = None
    source: str | None = None
    auxiliary: tuple[Auxiliary, ...] = ()

    # -- navigation --------------------------------------------------------------------------
    @property
    def root(self) -> Node:
        """The index tree's root; a survey-only framework (no ``index:``) has none and raises."""
        if self.index is None:
            raise FrameworkError([Problem(self.source or "framework", "index",
                                          "the framework has no index tree (a survey-only framework)")])
        return self.index

    @property
    def has_index(self) -> bool:
        """Whether the framework has an index tree (False for a survey-only framework)."""
        return self.index is not None

    def nodes(self) -> list[Node]:
        """Every node of the index tree, pre-order (none without an index)."""
        return [] if self.index is None else list(self.index.walk())

    def node(self, code: str) -> Node:
        for n in self.nodes():
            if n.code == code:
                return n
        raise KeyError(f"no node {code!r} in the framework")

    @property
    def indicators(self) -> list[Node]:
        return [n for n in self.nodes() if n.is_indicator]

    @property
    def indicator_codes(self) -> list[str]:
        return [n.code for n in self.indicators]

    @property
    def dimensions(self) -> list[Node]:
        """The index's children."""
        return [] if self.index is None else list(self.index.children)

    def children(self, code: str) -> list[str]:
        return [c.code for c in self.node(code).children]

    def parent_of(self, code: str) -> str | None:
        for n in self.nodes():
            if any(c.code == code for c in n.children):
                return n.code
        return None

    def name(self, code: str, lang: str = "zh") -> str:
        for n in self.nodes():
            if n.code == code:
                return n.name.get(lang)
        for s in self.scales:
            if s.code == code:
                return s.name.get(lang)
            if code in s.item_names:
                return s.item_names[code].get(lang)
        for a in self.auxiliary:
            if a.code == code:
                return a.name.get(lang)
        return code

    def dimension_of(self) -> dict[str, str]:
        """Indicator code → code of the index's child (dimension) that holds it; an indicator that
        is itself a child of the index belongs to the index."""
        out: dict[str, str] = {}
        if self.index is None:
            return out
        for dim in self.index.children:
            for n in dim.walk():
                if n.is_indicator:
                    out[n.code] = dim.code if dim.children else self.index.code
        return out

    def subdimension_of(self) -> dict[str, str]:
        """Indicator code → code of the dimension's child that holds it (for three-level trees)."""
        return {
            n.code: sub.code
            for dim in self.dimensions
            for sub in dim.children
            if sub.children
            for n in sub.walk()
            if n.is_indicator
        }

    def scale_items(self) -> list[str]:
        return [i for s in self.scales for i in s.items]

    @property
    def auxiliary_codes(self) -> list[str]:
        """Codes of the auxiliary data columns (population, GDP …)."""
        return [a.code for a in self.auxiliary]

    def denominators(self) -> dict[str, str]:
        """Indicator code → the auxiliary code it is divided by (indicators that declare one)."""
        return {n.code: n.denominator for n in self.indicators if n.denominator is not None}

    # -- export ------------------------------------------------------------------------------
    def to_meta(self) -> pd.DataFrame:
        """The meta frame: one row per node (indicators first, then upward).

        Columns: ``code, parent, level, weight, direction`` (+1/−1 for indicators, NaN above),
        ``name_zh, name_en, unit, kind, bound_low, bound_high, target, denominator`` (the
        auxiliary code an indicator is divided by; None elsewhere).
        """
        rows: list[dict[str, Any]] = []
        order: dict[str, int] = {}

        def visit(node: Node, parent: str | None) -> None:
            order[node.code] = len(order)
            low, high = node.bounds if node.bounds is not None else (np.nan, np.nan)
            direction = np.nan
            if node.is_indicator:
                direction = 1.0 if node.direction == "positive" else -1.0
            rows.append(
                {
                    "code": node.code,
                    "parent": parent,
                    "level": node.height,
                    "weight": float(node.weight),
                    "direction": direction,
                    "name_zh": node.name.zh,
                    "name_en": node.name.en,
                    "unit": node.unit,
                    "kind": node.kind,
                    "bound_low": low,
                    "bound_high": high,
                    "target": np.nan if node.target is None else node.target,
                    "denominator": node.denominator,
                }
            )
            for child in node.children:
                visit(child, node.code)

        if self.index is None:  # a survey-only framework: no nodes
            return pd.DataFrame(columns=["code", "parent", "level", "weight", "direction", "name_zh", "name_en",
                                         "unit", "kind", "bound_low", "bound_high", "target", "denominator"])
        visit(self.index, None)
        meta = pd.DataFrame(rows)
        meta["_order"] = meta["code"].map(order)
        meta = meta.sort_values(["level", "_order"], kind="stable").drop(columns="_order")
        return meta.reset_index(drop=True)

    def to_table(self) -> pd.DataFrame:
        """The flat table (the Excel layout) that :func:`framework_from_table` reads back.

        A framework with auxiliary columns or denominators gets the columns ``denominator`` and
        ``type`` and one row per auxiliary column (``type`` auxiliary, empty parent) at the end."""
        meta = self.to_meta()
        out = meta.copy()
        out["direction"] = [
            None if pd.isna(d) else ("positive" if d > 0 else "negative") for d in out["direction"]
        ]
        out["parent"] = out["parent"].fillna("")
        cols = ["code", "parent", "level", "name_zh", "name_en", "weight", "direction", "unit",
                "kind", "bound_low", "bound_high", "target"]  # fmt: skip
        if not self.auxiliary and not self.denominators():
            return out[cols]
        out["type"] = None
        aux = pd.DataFrame(
            [{"code": a.code, "parent": "", "name_zh": a.name.zh, "name_en": a.name.en,
              "unit": a.unit, "type": "auxiliary"} for a in self.auxiliary],
            columns=[*cols, "denominator", "type"],
        )
        table = out[[*cols, "denominator", "type"]]
        if len(aux):
            table = pd.concat([table, aux], ignore_index=True)
            table["level"] = table["level"].astype("Int64")  # empty on the auxiliary rows
        return table

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


# ---------------------------------------------------------------------------------------------
# building and checking
# ---------------------------------------------------------------------------------------------


def _is_blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    return isinstance(v, str) and v.strip() == ""


def _name(raw: Any, code: str, where: str, file: str, problems: list[Problem]) -> dict[str, str]:
    if isinstance(raw, str) and raw.strip():
        return {"zh": raw.strip(), "en": raw.strip()}
    if isinstance(raw, Mapping):
        zh, en = raw.get("zh"), raw.get("en")
        if _is_blank(zh) and _is_blank(en):
            problems.append(Problem(file, where, "name needs 'zh' and/or 'en'"))
            return {"zh": code, "en": code}
        zh = str(en if _is_blank(zh) else zh).strip()
        en = str(zh if _is_blank(en) else en).strip()
        return {"zh": zh, "en": en}
    problems.append(Problem(file, where, "a name is required ({zh: …, en: …})"))
    return {"zh": code, "en": code}


def _float(v: Any, what: str, where: str, file: str, problems: list[Problem]) -> float | None:
    if _is_blank(v):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        problems.append(Problem(file, where, f"{what} must be a number", brief(v)))
        return None


_NODE_KEYS = {
    "code", "name", "weight", "children", "direction", "unit", "kind", "bounds", "target",
    "source", "note", "name_zh", "name_en", "denominator",
}  # fmt: skip


def _check_node(
    raw: Mapping[str, Any], file: str, where: str, problems: list[Problem]
) -> dict[str, Any]:
    """Normalise one raw node (without children) and collect its problems."""
    code = raw.get("code")
    if _is_blank(code):
        problems.append(Problem(file, where, "every node needs a 'code'"))
        code = f"<unnamed {where}>"
    code = str(code).strip()
    here = f"{where}node {code}" if where else f"node {code}"
    unknown = set(raw) - _NODE_KEYS
    if unknown:
        problems.append(
            Problem(file, here, f"unknown field(s) {sorted(unknown)}; expected some of {sorted(_NODE_KEYS)}")
        )
    name_raw = raw.get("name")
    if name_raw is None and ("name_zh" in raw or "name_en" in raw):
        name_raw = {"zh": raw.get("name_zh"), "en": raw.get("name_en")}
    out: dict[str, Any] = {"code": code, "name": _name(name_raw, code, here, file, problems)}
    w = raw.get("weight", 1.0)
    # an explicit NaN (YAML .nan) is an error, not the default
    weight = w if isinstance(w, float) and np.isnan(w) else _float(w, "weight", here, file, problems)
    if weight is None:
        weight = 1.0
    elif not np.isfinite(weight) or weight < 0:
        problems.append(Problem(file, here, "weight must be a finite number ≥ 0", str(w)))
    out["weight"] = weight
    d = raw.get("direction")
    if not _is_blank(d):
        key = str(d).strip().lower()
        if key in _DIRECTION_ALIASES:
            out["direction"] = _DIRECTION_ALIASES[key]
        else:
            problems.append(
                Problem(file, here, "direction must be 'positive' or 'negative' (or +1/−1, 正向/负向)", str(d))
            )
    u = raw.get("unit")
    if not _is_blank(u):
        unit = str(u).strip().lower()
        if unit not in UNITS:
            problems.append(Problem(file, here, f"unit must be one of {', '.join(UNITS)}", str(u)))
        else:
            out["unit"] = unit
    k = raw.get("kind")
    if not _is_blank(k):
        key = str(k).strip().lower()
        if key in _KIND_ALIASES:
            out["kind"] = _KIND_ALIASES[key]
        else:
            problems.append(
                Problem(file, here, "kind must be 'input', 'output' or 'outcome' (投入/产出/成效)", str(k))
            )
    b = raw.get("bounds")
    if b is not None:
        if not isinstance(b, list | tuple) or len(b) != 2:
            problems.append(Problem(file, here, "bounds must be [low, high]", str(b)))
        else:
            low = _float(b[0], "lower bound", here, file, problems)
            high = _float(b[1], "upper bound", here, file, problems)
            low = -np.inf if low is None else low
            high = np.inf if high is None else high
            if low >= high:
                problems.append(
                    Problem(file, here, f"bounds reversed or empty: low {low} must be below high {high}")
                )
            else:
                out["bounds"] = (low, high)
    t = _float(raw.get("target"), "target", here, file, problems)
    if t is not None:
        out["target"] = t
    for key in ("source", "note", "denominator"):
        if not _is_blank(raw.get(key)):
            out[key] = str(raw[key]).strip() if key == "denominator" else str(raw[key])
    return out


#: Column names of the data formats; no node or survey item may use them as its code.
RESERVED_CODES = frozenset(
    {"unit_id", "unit_name", "year", "indicator", "value", "respondent", "expert", "round",
     "score", "ca", "cs", "parent", "row", "col", "province", "city", "tier", "region", "group"}
)


def _check_tree(root: dict[str, Any], file: str, problems: list[Problem]) -> None:
    """Rules that need the whole tree: duplicates, reserved codes, leaves, sibling weights."""
    seen: dict[str, int] = {}

    def visit(n: dict[str, Any]) -> None:
        code = n["code"]
        if code.lower() in RESERVED_CODES:
            problems.append(
                Problem(file, f"node {code}", f"code {code!r} is reserved for the data's id and group columns; choose another code")
            )
        seen[code] = seen.get(code, 0) + 1
        if seen[code] == 2:
            problems.append(Problem(file, f"node {code}", "duplicate code: every code must be unique"))
        kids = n.get("children", [])
        if kids:
            for key in ("direction", "bounds", "target", "denominator"):
                if key in n:
                    problems.append(
                        Problem(file, f"node {code}", f"'{key}' belongs to indicators, but {code} has children")
                    )
                    n.pop(key)
            total = sum(k["weight"] for k in kids)
            if total <= 0:
                problems.append(
                    Problem(file, f"node {code}", "the weights of its children sum to zero; at least one must be > 0")
                )
            for k in kids:
                visit(k)
        elif "direction" not in n:
            problems.append(
                Problem(file, f"indicator {code}", "an indicator needs a direction ('positive' or 'negative')")
            )

    visit(root)


def _check_scales(
    raw: Any, codes: set[str], file: str, problems: list[Problem]
) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(Problem(file, "scales", "'scales' must be a list"))
        return []
    out: list[dict[str, Any]] = []
    items_seen: dict[str, str] = {}
    for i, s in enumerate(raw, 1):
        where = f"scale {s.get('code', i) if isinstance(s, Mapping) else i}"
        if not isinstance(s, Mapping):
            problems.append(Problem(file, where, "each scale must be a mapping"))
            continue
        code = str(s.get("code", "")).strip()
        if not code:
            problems.append(Problem(file, where, "a scale needs a 'code'"))
        items_raw = s.get("items") or []
        if not isinstance(items_raw, list):
            problems.append(Problem(file, where, "items must be a list, e.g. [Q1, Q2, Q3]", str(items_raw)))
            items_raw = []
        item_names: dict[str, dict[str, str]] = {}
        items: list[str] = []
        for it in items_raw:
            if isinstance(it, Mapping):
                ic = str(it.get("code", "")).strip()
                item_names[ic] = _name(it.get("name"), ic, f"{where}, item {ic}", file, problems)
            else:
                ic = str(it).strip()
            items.append(ic)
        if len(items) < 2:
            problems.append(Problem(file, where, "a scale needs at least 2 items"))
        for ic in items:
            if ic in codes or ic.lower() in RESERVED_CODES:
                problems.append(Problem(file, where, f"item {ic} uses the code of a framework node or a data column; items need their own codes"))
            if ic in items_seen:
                problems.append(Problem(file, where, f"item {ic} is already in scale {items_seen[ic]}"))
            items_seen[ic] = code
        rev_raw = s.get("reverse") or []
        if not isinstance(rev_raw, list):
            problems.append(Problem(file, where, "reverse must be a list, e.g. [Q3]", str(rev_raw)))
            rev_raw = []
        reverse = [str(r).strip() for r in rev_raw]
        for r in reverse:
            if r not in items:
                problems.append(Problem(file, where, f"reverse-keyed item {r} is not one of its items"))
        kind = _scale_type(s, where, file, problems)
        dim = s.get("dimension")
        if dim is not None and str(dim) not in codes:
            problems.append(Problem(file, where, f"dimension {dim} is not a node of the framework"))
        extra = set(s) - {"code", "name", "items", "reverse", "type", "likert", "range", "dimension"}
        if extra:
            problems.append(Problem(file, where, f"unknown field(s) {sorted(extra)}"))
        out.append(
            {
                "code": code or f"scale{i}",
                "name": _name(s.get("name"), code, where, file, problems),
                "items": tuple(items),
                "reverse": tuple(reverse),
                **kind,
                "dimension": None if dim is None else str(dim),
                "item_names": item_names,
            }
        )
    return out


_AUX_KEYS = {"code", "name", "name_zh", "name_en", "unit", "note"}
#: Values of a flat table's ``type`` column that mark an auxiliary data column's row.
AUXILIARY_TYPES = frozenset({"auxiliary", "aux", "denominator", "辅助", "分母"})
_NODE_TYPES = frozenset({"indicator", "aggregate", "node", "指标"})


def _check_auxiliary(
    raw: Any, codes: set[str], file: str, problems: list[Problem], where: str = "auxiliary"
) -> list[dict[str, Any]]:
    """Auxiliary data columns ``[{code, name, unit, note}, …]``: codes unique, not a node's code,
    not a data format's column."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(Problem(file, where, "'auxiliary' must be a list of {code, name, unit, note}"))
        return []
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, a in enumerate(raw, 1):
        if not isinstance(a, Mapping) or _is_blank(a.get("code")):
            problems.append(Problem(file, f"{where}, entry {i}", "each auxiliary column needs a 'code'", str(a)))
            continue
        code = str(a["code"]).strip()
        here = a.get("_where") or f"auxiliary {code}"
        unknown = set(a) - _AUX_KEYS - {"_where"}
        if unknown:
            problems.append(Problem(file, here, f"unknown field(s) {sorted(unknown)}; expected some of {sorted(_AUX_KEYS)}"))
        if code in codes:
            problems.append(Problem(file, here, f"code {code} is also a node of the index; an auxiliary column needs its own code"))
        elif code.lower() in RESERVED_CODES:
            problems.append(Problem(file, here, f"code {code!r} is reserved for the data's id and group columns; choose another code"))
        if code in seen:
            problems.append(Problem(file, here, "duplicate auxiliary code"))
        seen.add(code)
        name_raw = a.get("name")
        if name_raw is None and ("name_zh" in a or "name_en" in a):
            name_raw = {"zh": a.get("name_zh"), "en": a.get("name_en")}
        entry: dict[str, Any] = {"code": code, "name": _name(name_raw, code, here, file, problems)}
        for key in ("unit", "note"):
            if not _is_blank(a.get(key)):
                entry[key] = str(a[key]).strip()
        out.append(entry)
    return out


def _check_denominators(root: dict[str, Any], aux: list[dict[str, Any]], file: str,
                        problems: list[Problem], rows: Mapping[str, int] | None = None) -> None:
    """Every indicator's denominator names an auxiliary column (aggregates are checked by
    :func:`_check_tree`)."""
    known = [a["code"] for a in aux]

    def visit(n: dict[str, Any]) -> None:
        den = n.get("denominator")
        if den is not None and not n.get("children") and den not in known:
            row = f"row {rows[n['code']]}, " if rows and n["code"] in rows else ""
            hint = f"; auxiliary columns: {', '.join(known)}" if known else "; the framework declares none (auxiliary:)"
            problems.append(Problem(file, f"{row}node {n['code']}", f"denominator {den!r} is not an auxiliary column{hint}"))
        for k in n.get("children", []):
            visit(k)

    visit(root)


def _scale_type(s: Mapping[str, Any], where: str, file: str, problems: list[Problem]) -> dict[str, Any]:
    """A scale's item type with its response range: ``likert: [lo, hi]`` (likert, ordinal),
    (0, 1) (binary), ``range: [lo, hi]`` (continuous, optional)."""
    kind = str(s.get("type") or "likert").strip().lower()
    if kind not in ITEM_TYPES:
        problems.append(Problem(file, where, f"type must be one of {', '.join(ITEM_TYPES)}", str(s.get("type"))))
        kind = "likert"
    likert, rng = s.get("likert"), s.get("range")
    out: dict[str, Any] = {"type": kind}
    if kind in ("likert", "ordinal"):
        if likert is None:
            likert = [1, 5]
        if (not isinstance(likert, list | tuple) or len(likert) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in likert) or likert[0] >= likert[1]):
            problems.append(Problem(file, where, "likert must be [min, max] integers with min < max", str(likert)))
            likert = [1, 5]
        out["likert"] = tuple(likert)
    elif kind == "binary":
        if likert is not None and list(likert) != [0, 1]:
            problems.append(Problem(file, where, "binary items take the values 0 and 1; drop 'likert' (or give [0, 1])",
                                    str(likert)))
        out["likert"] = (0, 1)
    elif likert is not None:
        problems.append(Problem(file, where, "'likert' applies to likert and ordinal items; continuous items take an "
                                             "optional range: [min, max]", str(likert)))
    if rng is not None and kind != "continuous":
        problems.append(Problem(file, where, f"'range' applies to continuous items, not {kind} ones", str(rng)))
    elif rng is not None:
        ok = (isinstance(rng, list | tuple) and len(rng) == 2
              and all(isinstance(v, int | float) and not isinstance(v, bool) for v in rng) and rng[0] < rng[1])
        if ok:
            out["range"] = (float(rng[0]), float(rng[1]))
        else:
            problems.append(Problem(file, where, "range must be [min, max] numbers with min < max", str(rng)))
    return out


def _check_pairs(
    raw: Any, root: dict[str, Any] | None, file: str, problems: list[Problem]
) -> tuple[tuple[str, str], ...]:
    """Availability → actual-use pairs: ``[[available, used], …]`` of indicator codes."""
    if raw is None:
        return ()
    leaves = set() if root is None else set(_leaf_codes(root))
    out = []
    if not isinstance(raw, list):
        problems.append(Problem(file, "pairs", "'pairs' must be a list of [availability, use] code pairs"))
        return ()
    for i, pair in enumerate(raw, 1):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            problems.append(Problem(file, f"pairs, entry {i}", "expected [availability_code, use_code]", str(pair)))
            continue
        a, b = (str(x) for x in pair)
        for c in (a, b):
            if c not in leaves:
                problems.append(Problem(file, f"pairs, entry {i}", f"{c} is not an indicator of the framework"))
        out.append((a, b))
    return tuple(out)


def _leaf_codes(n: dict[str, Any]) -> Iterator[str]:
    if not n.get("children"):
        yield n["code"]
    for k in n.get("children", []):
        yield from _leaf_codes(k)


def framework_from_dict(raw: Any, *, file: str = "<memory>") -> Framework:
    """Build a framework from the YAML structure: an ``index:`` tree and/or ``scales:`` (a
    survey-only framework has scales and no index)."""
    problems: list[Problem] = []
    if not isinstance(raw, Mapping) or not ("index" in raw or raw.get("scales")):
        raise FrameworkError(
            [Problem(file, "top level", "expected a mapping with an 'index:' tree and/or 'scales:' "
                                        "(a survey-only framework has scales only)")]
        )
    extra = set(raw) - {"index", "scales", "pairs", "title", "source", "auxiliary"}
    if extra:
        problems.append(
            Problem(file, "top level", f"unknown key(s) {sorted(extra)}; expected index, scales, pairs, title, source, auxiliary")
        )

    def build(n: Any, where: str) -> dict[str, Any]:
        if not isinstance(n, Mapping):
            problems.append(Problem(file, where, "each node must be a mapping with code, name, …"))
            return {"code": f"<bad {where}>", "name": {"zh": "?", "en": "?"}, "weight": 1.0}
        out = _check_node({k: v for k, v in n.items() if k != "children"}, file, "", problems)
        kids = n.get("children") or []
        if not isinstance(kids, list):
            problems.append(Problem(file, f"node {out['code']}", "'children' must be a list"))
            kids = []
        out["children"] = [build(k, f"child {i + 1} of {out['code']}") for i, k in enumerate(kids)]
        return out

    root = build(raw["index"], "index") if "index" in raw else None
    if root is not None:
        _check_tree(root, file, problems)
    codes = set() if root is None else {n for n in _codes(root)}
    scales = _check_scales(raw.get("scales"), codes, file, problems)
    pairs = _check_pairs(raw.get("pairs"), root, file, problems)
    aux = _check_auxiliary(raw.get("auxiliary"), codes | set(_scale_items(scales)), file, problems)
    if root is not None:
        _check_denominators(root, aux, file, problems)
    title = None
    if raw.get("title") is not None:
        title = _name(raw.get("title"), "title", "title", file, problems)
    if problems:
        raise FrameworkError(problems, title=f"{file}: the framework breaks {len(problems)} rule(s)")
    return Framework(
        index=None if root is None else _to_node(root),
        scales=tuple(Scale(**s) for s in scales),
        pairs=pairs,
        title=None if title is None else Name(**title),
        source=None if raw.get("source") is None else str(raw["source"]),
        auxiliary=tuple(Auxiliary(**a) for a in aux),
    )


def _scale_items(scales: list[dict[str, Any]]) -> list[str]:
    return [i for s in scales for i in s["items"]]


def _codes(n: dict[str, Any]) -> Iterator[str]:
    yield n["code"]
    for k in n.get("children", []):
        yield from _codes(k)


def _to_node(n: dict[str, Any]) -> Node:
    kids = tuple(_to_node(k) for k in n.get("children", []))
    fields = {k: v for k, v in n.items() if k != "children"}
    return Node(children=kids, **fields)


_TABLE_COLUMNS = (
    "code", "parent", "level", "name_zh", "name_en", "weight", "direction", "unit", "kind",
    "bound_low", "bound_high", "target", "source", "note", "denominator", "type",
)  # fmt: skip


def framework_from_table(
    table: pd.DataFrame, *, file: str = "<memory>", scales: Any = None, pairs: Any = None, header_row: int = 1
) -> Framework:
    """Build a framework from a flat table (one row per node, ``parent`` empty for the root).

    ``level`` is optional; when given it must agree with the tree (1 = indicator). Rows are reported
    as Excel shows them (the header is row ``header_row``).
    """
    problems: list[Problem] = []
    df = table.reset_index(drop=True)
    df.columns = [str(c).strip().lower() for c in df.columns]
    missing = [c for c in ("code", "parent") if c not in df.columns]
    if missing:
        raise FrameworkError(
            [Problem(file, "header", f"missing column(s) {missing}; expected {list(_TABLE_COLUMNS)}")]
        )
    unknown = [c for c in df.columns if c not in _TABLE_COLUMNS]
    if unknown:
        problems.append(Problem(file, "header", f"unknown column(s) {unknown}; expected some of {list(_TABLE_COLUMNS)}"))
    df, aux_raw = _split_auxiliary(df, file, header_row, problems)
    rows = _table_rows(df, file, header_row, problems)
    roots = _check_parents(rows, file, problems)
    if problems:
        raise FrameworkError(problems, title=f"{file}: the framework breaks {len(problems)} rule(s)")
    nodes, parents = rows.nodes, rows.parents
    for c in rows.order:
        p = parents[c]
        if p is not None:
            nodes[p]["children"].append(nodes[c])
    root = nodes[roots[0]]
    _check_tree(root, file, problems)
    _check_levels(rows, file, problems)
    scale_list = _check_scales(scales, set(rows.order), file, problems)
    pair_list = _check_pairs(pairs, root, file, problems)
    aux = _check_auxiliary(aux_raw, set(rows.order) | set(_scale_items(scale_list)), file, problems)
    _check_denominators(root, aux, file, problems, rows.rows)
    if problems:
        raise FrameworkError(problems, title=f"{file}: the framework breaks {len(problems)} rule(s)")
    return Framework(index=_to_node(root), scales=tuple(Scale(**s) for s in scale_list), pairs=pair_list,
                     auxiliary=tuple(Auxiliary(**a) for a in aux))


def _split_auxiliary(
    df: pd.DataFrame, file: str, header_row: int, problems: list[Problem]
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The node rows and the auxiliary rows (``type`` auxiliary/aux/denominator/辅助/分母) of a
    flat table; an auxiliary row needs an empty parent, and a ``type`` must be known."""
    if "type" not in df.columns:
        return df, []
    kind = df["type"].map(lambda v: "" if _is_blank(v) else str(v).strip().lower())
    is_aux = kind.isin(AUXILIARY_TYPES).to_numpy()
    aux: list[dict[str, Any]] = []
    for i, (rec, t) in enumerate(zip(df.to_dict("records"), kind, strict=True)):
        where = f"row {header_row + 1 + i}"
        if t and t not in AUXILIARY_TYPES and t not in _NODE_TYPES:
            problems.append(Problem(file, f"{where}, column type", "type must be empty, 'indicator', 'aggregate' or "
                                    "'auxiliary' (aux, denominator, 辅助, 分母)", str(rec["type"])))
        if t not in AUXILIARY_TYPES:
            continue
        here = f"{where}, auxiliary {rec.get('code')}"
        for col in ("parent", "weight", "direction", "kind", "bound_low", "bound_high", "target", "denominator"):
            if col in rec and not _is_blank(rec[col]):
                problems.append(Problem(file, here, f"an auxiliary column is not in the tree: leave {col} empty", str(rec[col])))
        entry = {k: rec[k] for k in ("code", "name_zh", "name_en", "unit", "note") if k in rec and not _is_blank(rec[k])}
        aux.append({**entry, "_where": here})
    return df[~is_aux], aux


@dataclass
class _TableRows:
    """The nodes of a flat framework table, with their parents, Excel rows and stated levels."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    parents: dict[str, str | None] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    levels: dict[str, Any] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)


def _table_rows(df: pd.DataFrame, file: str, header_row: int, problems: list[Problem]) -> _TableRows:
    out = _TableRows()
    for i, rec in zip(df.index, df.to_dict("records"), strict=True):  # i: the row in the whole table
        excel_row = header_row + 1 + int(i)
        raw = {k: v for k, v in rec.items() if k in _NODE_KEYS and not _is_blank(v)}
        low, high = rec.get("bound_low"), rec.get("bound_high")
        if not (_is_blank(low) and _is_blank(high)):
            raw["bounds"] = [None if _is_blank(low) else low, None if _is_blank(high) else high]
        if _is_blank(rec.get("code")):
            problems.append(Problem(file, f"row {excel_row}, column code", "every row needs a code"))
            continue
        node = _check_node(raw, file, f"row {excel_row}, ", problems)
        code = node["code"]
        if code in out.nodes:
            problems.append(
                Problem(file, f"row {excel_row}, node {code}", f"duplicate code (first on row {out.rows[code]})")
            )
            continue
        node["children"] = []
        out.nodes[code] = node
        out.rows[code] = excel_row
        parent = rec.get("parent")
        out.parents[code] = None if _is_blank(parent) else str(parent).strip()
        out.levels[code] = rec.get("level")
        out.order.append(code)
    return out


def _check_parents(t: _TableRows, file: str, problems: list[Problem]) -> list[str]:
    """Unknown parents, self-parents, cycles and the single root; returns the roots found."""
    roots = [c for c in t.order if t.parents[c] is None]
    for c in t.order:
        p = t.parents[c]
        if p is not None and p not in t.nodes:
            problems.append(Problem(file, f"row {t.rows[c]}, node {c}", f"unknown parent {p!r}"))
        if p == c:
            problems.append(Problem(file, f"row {t.rows[c]}, node {c}", "a node cannot be its own parent"))
    in_cycle: set[str] = set()
    for c in t.order:  # follow the parents from each node
        path: list[str] = []
        cur: str | None = c
        while cur is not None and cur in t.nodes and cur not in path:
            path.append(cur)
            cur = t.parents.get(cur)
        if cur is not None and cur in path and cur not in in_cycle:
            cyc = path[path.index(cur) :]
            in_cycle.update(cyc)
            problems.append(
                Problem(file, f"row {t.rows[cur]}, node {cur}", f"cycle in parents: {' → '.join([*cyc, cur])}")
            )
    if len(roots) != 1:
        problems.append(
            Problem(
                file,
                "column parent",
                f"exactly one root (a row with an empty parent) is needed; found {len(roots)}"
                + (f": {', '.join(roots)}" if roots else ""),
            )
        )
    return roots


def _check_levels(t: _TableRows, file: str, problems: list[Problem]) -> None:
    """A stated level must equal the node's height in the tree (1 = indicator)."""

    def height(n: dict[str, Any]) -> int:
        return 1 if not n["children"] else 1 + max(height(k) for k in n["children"])

    for c in t.order:
        lv = t.levels.get(c)
        if _is_blank(lv):
            continue
        try:
            given = int(float(str(lv)))
        except (TypeError, ValueError):
            problems.append(Problem(file, f"row {t.rows[c]}, column level", "level must be a whole number", str(lv)))
            continue
        if given != height(t.nodes[c]):
            problems.append(
                Problem(
                    file,
                    f"row {t.rows[c]}, node {c}",
                    f"level {given} disagrees with the tree: expected {height(t.nodes[c])} "
                    "(1 = indicator, parents one above their highest child)",
                )
            )


def load_framework(path: str | Path, *, encoding: str | None = None) -> Framework:
    """Load a framework from YAML (``.yaml``/``.yml``) or a flat table (``.csv``/``.xlsx``)."""
    p = Path(path)
    check_file(p, FrameworkError)
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        try:
            raw = safe_load(p.read_text(encoding="utf-8"))  # ``encoding`` is a table's
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise FrameworkError([Problem(p.name, where, f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
        except UnicodeDecodeError:
            raise FrameworkError([Problem(p.name, "", "YAML files must be UTF-8")]) from None
        return framework_from_dict(raw, file=p.name)
    if suffix in (".csv", ".xlsx", ".xls", ".txt", ".tsv"):
        table = read_table(p, encoding=encoding, dtype=str)
        side = p.with_suffix(".scales.yaml")
        extra: dict[str, Any] = {}
        if side.exists():
            try:
                extra = safe_load(side.read_text(encoding="utf-8")) or {}
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise FrameworkError([Problem(side.name, "", f"not valid UTF-8 YAML: {getattr(exc, 'problem', exc)}")]) from None
            if not isinstance(extra, dict):
                raise FrameworkError([Problem(side.name, "top level", "expected a mapping with 'scales:' and/or 'pairs:'")])
            unknown = set(extra) - {"scales", "pairs"}
            if unknown:
                raise FrameworkError([Problem(side.name, "top level", f"unknown key(s) {sorted(unknown)}; expected scales, pairs")])
        return framework_from_table(table, file=p.name, scales=extra.get("scales"), pairs=extra.get("pairs"))
    raise FrameworkError(
        [Problem(p.name, "", "unknown file type; expected .yaml/.yml, .csv or .xlsx", p.suffix)]
    )
