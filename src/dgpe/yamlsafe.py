"""Reading YAML that a user wrote: duplicated keys refused, alias expansion bounded.

PyYAML's ``safe_load`` keeps the last of two equal keys without a word (``seed: 1`` then
``seed: 2`` runs with 2), and expands aliases by reference, so that 1 KB of nested anchors (a
"billion laughs") becomes a value of 10⁹ nodes the first time anything walks it (a validator, an
error message). :func:`safe_load` is a drop-in replacement that refuses both while parsing:

- a key given twice in one mapping, naming both lines (merge keys ``<<:`` still override, as YAML
  specifies);
- a document whose nodes, with every alias expanded, exceed :data:`MAX_NODES`, or an alias that
  refers to the node it is in (a recursive structure).

Both raise :class:`yaml.constructor.ConstructorError` (a :class:`yaml.MarkedYAMLError`), so every
caller that reports YAML syntax errors with their line reports these too.

>>> safe_load("a: 1\\nb: 2\\n")
{'a': 1, 'b': 2}
>>> try:
...     safe_load("seed: 1\\nseed: 2\\n")
... except yaml.MarkedYAMLError as exc:
...     print(exc.problem_mark.line + 1, exc.problem)
2 duplicated key 'seed' (first on line 1); YAML would keep only the last one: remove one of them
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["MAX_NODES", "GuardedLoader", "safe_load", "expanded_size"]

#: The most nodes a YAML document may hold once its aliases are expanded (a run config or a
#: framework of a few hundred indicators holds a few thousand).
MAX_NODES = 200_000

_MERGE = "tag:yaml.org,2002:merge"


def expanded_size(node: Node, limit: int = MAX_NODES) -> int:
    """The number of nodes of ``node`` with every alias expanded, computed without expanding.

    Shared nodes (aliases) are sized once and counted at each use; a node that contains itself
    raises :class:`ConstructorError`. Sizes above ``limit`` stop the count early (the value returned
    is then only known to exceed ``limit``).

    >>> expanded_size(yaml.compose("a: &x [1, 2]\\nb: [*x, *x]"))
    13
    """
    sizes: dict[int, int] = {}
    visiting: set[int] = set()
    stack: list[tuple[Node, bool]] = [(node, False)]
    while stack:
        n, done = stack.pop()
        key = id(n)
        if done:
            visiting.discard(key)
            sizes[key] = min(1 + sum(sizes[id(c)] for c in _children(n)), limit + 1)
            continue
        if key in sizes:
            continue
        if key in visiting:
            raise ConstructorError(None, None, "an alias refers to the node that contains it "
                                   "(a recursive structure)", n.start_mark)
        visiting.add(key)
        stack.append((n, True))
        stack.extend((c, False) for c in _children(n) if id(c) not in sizes)
        for c in _children(n):
            if id(c) in visiting and id(c) not in sizes:
                raise ConstructorError(None, None, "an alias refers to the node that contains it "
                                       "(a recursive structure)", c.start_mark)
    return sizes[id(node)]


def _children(n: Node) -> list[Node]:
    if isinstance(n, SequenceNode):
        return list(n.value)
    if isinstance(n, MappingNode):
        return [x for pair in n.value for x in pair]
    return []


class GuardedLoader(yaml.SafeLoader):
    """A :class:`yaml.SafeLoader` that refuses duplicated keys and oversized alias expansion."""

    def compose_document(self) -> Node | None:
        node = super().compose_document()
        if node is not None:
            size = expanded_size(node)
            if size > MAX_NODES:
                raise ConstructorError(
                    None, None,
                    f"with its aliases (*name) expanded the document holds more than {MAX_NODES:,} "
                    "values; refusing it (an alias bomb?)", node.start_mark)
        return node

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, MappingNode):
            first: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE or not isinstance(key_node, ScalarNode):
                    continue
                key = self.construct_object(key_node)
                try:
                    seen = key in first
                except TypeError:  # an unhashable key: PyYAML reports it
                    continue
                if not seen:
                    first[key] = key_node.start_mark.line + 1
                else:
                    line = first[key]
                    raise ConstructorError(
                        "while reading a mapping", node.start_mark,
                        f"duplicated key {_brief_key(key)} (first on line {line}); YAML would keep "
                        "only the last one: remove one of them", key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


def _brief_key(key: Any) -> str:
    text = repr(key)
    return text if len(text) <= 60 else text[:59] + "…"


def safe_load(text: str | bytes) -> Any:
    """Parse one YAML document like :func:`yaml.safe_load`, refusing duplicated keys and alias
    bombs (see the module doc); errors are :class:`yaml.MarkedYAMLError` with the line."""
    loader = GuardedLoader(text)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise ConstructorError(None, None, "the document is nested too deeply to read", None) from None
    finally:
        loader.dispose()
