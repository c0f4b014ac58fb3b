"""The meta frame (hierarchy of an index) as used inside :mod:`methods`.

A meta frame has one row per node: ``code``, ``parent`` (missing for the root), ``level`` (1 =
indicator, increasing upward), ``weight`` (relative to the node's siblings) and ``direction`` (+1/-1
for indicators). Other columns (``kind``, ``name_zh`` ...) are carried along. This module validates it
once and gives the structure as plain tuples and dicts; the public modules use it, users do not need
to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from methods._errors import MethodError, MethodTypeError

__all__ = ["Hierarchy", "hierarchy_from_meta", "as_meta"]

_REQUIRED = ("code", "parent", "level", "weight")


@dataclass(frozen=True)
class Hierarchy:
    """Validated structure of a meta frame.

    ``codes`` lists every node, indicators first (in meta order), then each higher level in turn.
    """

    codes: tuple[str, ...]
    level: Mapping[str, int]
    parent: Mapping[str, str | None]
    children: Mapping[str, tuple[str, ...]]
    weight: Mapping[str, float]
    direction: Mapping[str, int]
    indicators: tuple[str, ...]
    levels: tuple[int, ...]
    roots: tuple[str, ...]

    def nodes_at(self, level: int) -> tuple[str, ...]:
        """Codes of the nodes at ``level`` (in ``codes`` order)."""
        return tuple(c for c in self.codes if self.level[c] == level)

    @property
    def aggregates(self) -> tuple[str, ...]:
        """Codes of every node above the indicators."""
        return tuple(c for c in self.codes if self.level[c] > 1)

    def descendants(self, code: str) -> tuple[str, ...]:
        """Indicators below ``code`` (itself if it is an indicator)."""
        if self.level[code] == 1:
            return (code,)
        out: list[str] = []
        for child in self.children[code]:
            out.extend(self.descendants(child))
        return tuple(out)

    def group_weights(self, weights: Mapping[str, float] | None = None) -> dict[str, float]:
        """Weights rescaled to sum to one within each group of siblings (roots get 1)."""
        w = dict(self.weight if weights is None else weights)
        out: dict[str, float] = {r: 1.0 for r in self.roots}
        for parent, kids in self.children.items():
            total = float(sum(w[k] for k in kids))
            if not np.isfinite(total) or total <= 0:
                raise MethodError(
                    f"weights of the children of node {parent!r} sum to {total}; expected a "
                    "positive sum (at least one child with positive weight)"
                )
            for k in kids:
                out[k] = float(w[k]) / total
        return out


def as_meta(meta: pd.DataFrame) -> pd.DataFrame:
    """Return ``meta`` with lower-case standard column names, checked for the required columns."""
    if not isinstance(meta, pd.DataFrame):
        raise MethodTypeError(f"meta must be a pandas DataFrame, got {type(meta).__name__}")
    m = meta.copy()
    m.columns = [str(c) for c in m.columns]
    rename = {c: c.lower() for c in m.columns if c.lower() in (*_REQUIRED, "direction", "kind")}
    m = m.rename(columns=rename)
    if "icode" in [c.lower() for c in m.columns] and "code" not in m.columns:
        m = m.rename(columns={c: "code" for c in m.columns if c.lower() == "icode"})
    missing = [c for c in _REQUIRED if c not in m.columns]
    if missing:
        raise MethodError(
            f"meta frame lacks column(s) {missing}; expected columns code, parent, level, weight "
            "(and direction for indicators)"
        )
    m = m[m["level"].notna()].reset_index(drop=True)
    m["code"] = m["code"].astype(str)
    return m


def hierarchy_from_meta(meta: pd.DataFrame) -> Hierarchy:
    """Validate a meta frame and return its :class:`Hierarchy`.

    Raises :class:`MethodError` for duplicate codes, unknown parents, a parent whose level is not
    above its child's, an indicator (level 1) with children, a negative or non-finite weight, or an
    indicator direction other than +1/-1.
    """
    m = as_meta(meta)
    dup = m["code"][m["code"].duplicated()].tolist()
    if dup:
        raise MethodError(f"meta frame has duplicate node code(s) {dup}; codes must be unique")
    level = _levels(m)
    parent = _parents(m, level)
    weight = _weights(m, parent)
    order = sorted(range(len(m)), key=lambda i: (level[m["code"][i]], i))
    codes = tuple(m["code"][i] for i in order)
    children = _children(codes, level, parent)
    direction = _directions(m, level)
    indicators = tuple(c for c in codes if level[c] == 1)
    if not indicators:
        raise MethodError("meta frame has no indicators (rows with level 1)")
    roots = tuple(c for c in codes if parent[c] is None and level[c] > 1)
    orphans = [c for c in indicators if parent[c] is None]
    if orphans and any(level[c] > 1 for c in codes):
        raise MethodError(f"indicator(s) {orphans} have no parent")
    return Hierarchy(
        codes=codes,
        level=level,
        parent=parent,
        children=children,
        weight=weight,
        direction=direction,
        indicators=indicators,
        levels=tuple(sorted(set(level.values()))),
        roots=roots,
    )


def _levels(m: pd.DataFrame) -> dict[str, int]:
    level: dict[str, int] = {}
    for code, lv in zip(m["code"], m["level"], strict=True):
        try:
            lvi = int(lv)
        except (TypeError, ValueError):
            raise MethodError(f"node {code!r} has level {lv!r}; expected an integer >= 1") from None
        if lvi < 1 or lvi != lv:
            raise MethodError(f"node {code!r} has level {lv!r}; expected an integer >= 1")
        level[code] = lvi
    return level


def _parents(m: pd.DataFrame, level: dict[str, int]) -> dict[str, str | None]:
    parent: dict[str, str | None] = {}
    for code, p in zip(m["code"], m["parent"], strict=True):
        if p is None or (isinstance(p, float) and np.isnan(p)) or p is pd.NA or str(p) == "":
            parent[code] = None
            continue
        p = str(p)
        if p not in level:
            raise MethodError(f"node {code!r} has parent {p!r}, which is not a code of the meta frame")
        if level[p] <= level[code]:
            raise MethodError(
                f"node {code!r} (level {level[code]}) has parent {p!r} at level {level[p]}; "
                "a parent must sit at a higher level than its children"
            )
        parent[code] = p
    return parent


def _weights(m: pd.DataFrame, parent: dict[str, str | None]) -> dict[str, float]:
    weight: dict[str, float] = {}
    for code, w in zip(m["code"], m["weight"], strict=True):
        wf = float(w) if w is not None and not pd.isna(w) else np.nan
        if parent[code] is None and np.isnan(wf):
            wf = 1.0
        if not np.isfinite(wf) or wf < 0:
            raise MethodError(
                f"node {code!r} has weight {w!r}; expected a finite non-negative number"
            )
        weight[code] = wf
    return weight


def _children(codes: tuple[str, ...], level: dict[str, int],
              parent: dict[str, str | None]) -> dict[str, tuple[str, ...]]:
    children: dict[str, tuple[str, ...]] = {}
    for c in codes:
        p = parent[c]
        if p is not None:
            children[p] = (*children.get(p, ()), c)
    for c in codes:
        if level[c] == 1 and c in children:
            raise MethodError(f"indicator {c!r} (level 1) has children {list(children[c])}")
        if level[c] > 1 and c not in children:
            raise MethodError(
                f"aggregate node {c!r} (level {level[c]}) has no children; every node above "
                "level 1 needs at least one child"
            )
    return children


def _directions(m: pd.DataFrame, level: dict[str, int]) -> dict[str, int]:
    direction: dict[str, int] = {}
    has_dir = "direction" in m.columns
    for code, d in zip(m["code"], m["direction"] if has_dir else [1] * len(m), strict=True):
        if level[code] != 1:
            continue
        if d is None or pd.isna(d):
            raise MethodError(f"indicator {code!r} has no direction; expected +1 or -1")
        if float(d) not in (1.0, -1.0):
            raise MethodError(f"indicator {code!r} has direction {d!r}; expected +1 or -1")
        direction[code] = int(d)
    return direction
