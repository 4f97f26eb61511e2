"""What every redline shares: the one word diff, and how the parts of two Documents pair.

In: the localized Documents of two versions (or their words). Out: pairs (old, new) of
articles, sections, blocks, list items and table rows, and for two texts difflib's
opcodes over their words. The HTML (and PDF) redline and the DOCX redline both use these,
so that they show the same changes:

- words are what `\\S+` finds, compared exactly (`word_opcodes`), so that a re-wrapped
  paragraph shows no change;
- articles and sections pair by their anchor, blocks by their order and text (a paragraph
  with a paragraph, a table with a table), list items by their text, table rows by the
  name in their first cell (`row_key`): a row is its cookie.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from policykit.document import DocBlock, DocList, DocParagraph, Nodes
from policykit.inline import Emphasis, Isolate, Link, Placeholder, Strong, Text

__all__ = ["WORD", "aligned", "block_key", "block_kind", "block_text", "plain", "row_key", "word_opcodes"]

WORD = re.compile(r"\S+")
_T = TypeVar("_T")

Opcode = tuple[str, int, int, int, int]


def word_opcodes(before: Sequence[str], after: Sequence[str]) -> Sequence[Opcode]:
    """How `after` is made from `before`, word by word: difflib's opcodes ("equal",
    "delete", "insert", "replace"), with no word treated as junk."""
    return difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()


def plain(nodes: Nodes) -> str:
    """Inline nodes as plain text on one line: emphasis and links are their words, an
    unresolved placeholder is `{name}`."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, (Emphasis, Strong, Link, Isolate)):
            parts.append(plain(node.children))
        elif isinstance(node, Placeholder):
            parts.append("{" + node.name + "}")
    return " ".join("".join(parts).split())


def aligned(
    old: Sequence[_T], new: Sequence[_T], key: Callable[[_T], object], kind: Callable[[_T], object] = id
) -> Iterator[tuple[_T | None, _T | None]]:
    """Pairs (old, new) in the new order, with what was removed where it was: an item of
    one side alone has None on the other. Items that differ are paired when of one
    `kind` (a paragraph with a paragraph, a table with a table), in order."""
    matcher = difflib.SequenceMatcher(None, [key(x) for x in old], [key(x) for x in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            yield from zip(old[i1:i2], new[j1:j2], strict=True)
            continue
        position = i1
        for item in new[j1:j2]:
            twin = next((k for k in range(position, i2) if kind(old[k]) == kind(item)), None)
            if twin is None:
                yield None, item
                continue
            for gone in old[position:twin]:
                yield gone, None
            yield old[twin], item
            position = twin + 1
        for gone in old[position:i2]:
            yield gone, None


def block_text(block: DocBlock) -> str:
    """A block's words: a paragraph with its number, a list's items, a table's caption."""
    if isinstance(block, DocParagraph):
        return ((block.number or "") + " " + plain(block.nodes)).strip()
    if isinstance(block, DocList):
        return "\n".join(plain(item) for item in block.items)
    return block.caption


def block_kind(block: DocBlock) -> str:
    """What a block is; only blocks of one kind are compared with each other."""
    return type(block).__name__


def block_key(block: DocBlock) -> object:
    """What two blocks must share to be the same block: their kind and their text."""
    return (block_kind(block), block_text(block))


def row_key(row: tuple[Nodes, ...] | None) -> str:
    """A table row is its cookie: the name in its first cell."""
    return plain(row[0]) if row else ""
