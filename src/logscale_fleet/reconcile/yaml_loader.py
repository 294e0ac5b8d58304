"""YAML with a bound on what aliases can expand to.

An alias costs a few bytes in the file and stands for a whole subtree; nine levels of ten
aliases stand for a billion nodes (the "billion laughs"). PyYAML shares the subtree rather than
copying it, so loading is cheap, but everything that walks the result (checking each item,
quoting each key) pays for the expansion. The loader measures the expanded size of the composed
node graph before constructing any Python object, and refuses past `MAX_EXPANDED_NODES`.
"""

from __future__ import annotations

from typing import Any

import yaml  # type: ignore[import-untyped]  # no stubs among the dev dependencies

# A declaration of 100,000 tokens with every field set is well under this.
MAX_EXPANDED_NODES = 1_000_000


class ExpansionError(Exception):
    """The document expands past the limit, or an alias refers to a node that contains it."""


class _BoundedLoader(yaml.SafeLoader):  # type: ignore[misc]  # untyped base
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
        return super().compose_node(parent, index)


def load(text: str, limit: int = MAX_EXPANDED_NODES) -> Any:
    """Parse one YAML document (safe types only); ExpansionError past the limit."""
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and loader.aliases:
            _check_expansion(node, limit)
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def _check_expansion(root: Any, limit: int) -> None:
    """Expanded node count of `root`, memoised per node, without recursion (deep files)."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            size = 1 + sum(sizes[id(child)] for child in _children(node))
            if size > limit:
                raise ExpansionError(
                    f"aliases expand it to more than {limit:,} values (an alias bomb?)"
                )
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise ExpansionError("an alias refers to a node that contains it")
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                raise ExpansionError("an alias refers to a node that contains it")
            if id(child) not in sizes:
                stack.append((child, False))


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
