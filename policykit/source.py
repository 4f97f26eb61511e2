"""Where things are in a policy file: positions and readable field paths.

In: the parsed document (ruamel's CommentedMap, whose `.lc` holds positions, or plain
data for a policy built in Python) and a path of keys and indexes from its root.
Out: a 1-based line and column (0, 0 when unknown), and a field path such as
`cookies[WHMCSLinkID].lifetime`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from attrs import frozen
from ruamel.yaml.comments import CommentedMap, CommentedSeq

__all__ = ["FieldPath", "Source", "field_path", "position"]

FieldPath = Sequence[str | int]  # keys and indexes from the document root


@frozen
class Source:
    """A policy's file name and parsed document, to place findings in it."""

    file: str
    document: Any

    def position(self, at: FieldPath) -> tuple[int, int]:
        return position(self.document, at)

    def field_path(self, at: FieldPath) -> str:
        return field_path(self.document, at)


def _node(raw: Any, at: FieldPath) -> tuple[Any, FieldPath]:
    """The deepest node of `raw` along `at`, and the part of `at` that exists."""
    node, found = raw, []
    for step in at:
        in_map = isinstance(node, CommentedMap) and step in node
        in_seq = isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node)
        if in_map or in_seq:
            node = node[step]
        else:
            break
        found.append(step)
    return node, found


def position(raw: Any, at: FieldPath, *, key: bool = False) -> tuple[int, int]:
    """1-based line and column of the value at `at` (or of its key)."""
    if not isinstance(raw, CommentedMap):
        return 0, 0  # no positions: a policy built in Python
    if not at:
        return 1, 1
    _, found = _node(raw, at)
    if len(found) < len(at) and found:
        # The exact node does not exist (a missing key): point at its parent mapping.
        parent, _ = _node(raw, found)
        if isinstance(parent, (CommentedMap, CommentedSeq)):
            return parent.lc.line + 1, parent.lc.col + 1
    parent, _ = _node(raw, found[:-1]) if found else (raw, [])
    last = found[-1] if found else None
    try:
        if isinstance(parent, CommentedMap):
            line, column = parent.lc.key(last) if key else parent.lc.value(last)
        elif isinstance(parent, CommentedSeq):
            line, column = parent.lc.item(last)
        else:
            return 1, 1
    except (KeyError, IndexError, TypeError):
        return 1, 1
    return line + 1, column + 1


def field_path(raw: Any, at: FieldPath) -> str:
    """`cookies[WHMCSLinkID].lifetime`: list items are named by their id or name."""
    text, node = "", raw
    for step in at:
        if isinstance(step, int):
            item = node[step] if isinstance(node, list) and 0 <= step < len(node) else None
            label: Any = step
            if isinstance(item, Mapping):
                for key in ("id", "name"):
                    if isinstance(item.get(key), str):
                        label = item[key]
                        break
            text += f"[{label}]"
            node = item
        else:
            text += f".{step}" if text else str(step)
            node = node.get(step) if isinstance(node, Mapping) else None
    return text
