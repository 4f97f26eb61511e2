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

from policykit.findings import EXCERPT_LIMIT

__all__ = ["FieldPath", "Source", "field_path", "position"]

FieldPath = Sequence[str | int]  # keys and indexes from the document root


@frozen
class Source:
    """A policy's file name and parsed document, to place findings in it."""

    file: str
    document: Any

    def position(self, at: FieldPath) -> tuple[int, int]:
        """The 1-based line and column of the value at `at` in the file; (0, 0) when unknown."""
        return position(self.document, at)

    def field_path(self, at: FieldPath) -> str:
        """The readable field path of `at`, such as `cookies[WHMCSLinkID].lifetime`."""
        return field_path(self.document, at)


def position(raw: Any, at: FieldPath, *, key: bool = False) -> tuple[int, int]:
    """1-based line and column of the value at `at` (or of its key)."""
    if not isinstance(raw, CommentedMap):
        return 0, 0  # no positions: a policy built in Python
    if not at:
        return 1, 1
    # One walk down `at`: a flood of findings places each one, so this is a hot path.
    node, parent, last, depth = raw, None, None, 0
    for step in at:
        if isinstance(node, CommentedMap):
            if step not in node:
                break
        elif not (isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node)):
            break
        parent, last, node = node, step, node[step]
        depth += 1
    if parent is None:
        return 1, 1
    if depth < len(at) and isinstance(node, (CommentedMap, CommentedSeq)):
        # The exact node does not exist (a missing key): point at its parent mapping.
        return node.lc.line + 1, node.lc.col + 1
    try:
        if isinstance(parent, CommentedMap):
            line, column = parent.lc.key(last) if key else parent.lc.value(last)
        else:
            line, column = parent.lc.item(last)
    except (KeyError, IndexError, TypeError):
        return 1, 1
    return line + 1, column + 1


def _cut(step: object) -> str:
    """A key or a name as a field path shows it: at most EXCERPT_LIMIT characters."""
    text = str(step)
    return text if len(text) <= EXCERPT_LIMIT else text[:EXCERPT_LIMIT] + "..."


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
            text += f"[{_cut(label)}]"
            node = item
        else:
            text += f".{_cut(step)}" if text else _cut(step)
            node = node.get(step) if isinstance(node, Mapping) else None
    return text
