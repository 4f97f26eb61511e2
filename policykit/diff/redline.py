"""A redline: the whole new text with what was taken out struck and what was put in marked.

In: a ChangeSet (the old and the new Policy) and a locale. Out: an HTML page: the change
notice at the top (each change with its rating and reason), then every article of the
new version, compared word by word with the old on the localized Documents of both, so
that a re-wrapped paragraph shows only the words that changed. Deletions are `<del>`,
insertions `<ins>`; tables are compared row by row (a row is its cookie, by the name in
its first cell), cell by cell. Articles are paired by their anchor, blocks inside them
by their order and text. Inline markup (emphasis, links) is shown as plain text here:
the redline is about the words. Every text is escaped with html.escape.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from policykit.diff.changes import ChangeSet
from policykit.document import DocArticle, DocBlock, DocList, DocParagraph, DocTable, Document, Nodes
from policykit.inline import Emphasis, Isolate, Link, Placeholder, Strong, Text
from policykit.model import Policy

__all__ = ["redline"]

_WORD = re.compile(r"\S+")
_T = TypeVar("_T")

_STYLE = (
    "del{color:#8b0000;text-decoration:line-through}ins{color:#064e17;text-decoration:underline}"
    "tr.policykit-removed td{background:#fde8e8}tr.policykit-added td{background:#e6f4ea}"
    "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .4em;text-align:start}"
)


def _plain(nodes: Nodes) -> str:
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, (Emphasis, Strong, Link, Isolate)):
            parts.append(_plain(node.children))
        elif isinstance(node, Placeholder):
            parts.append("{" + node.name + "}")
    return " ".join("".join(parts).split())


def words(old: str, new: str) -> str:
    """`new` as HTML, with the words of `old` it lacks in <del> and its own in <ins>."""
    before, after = _WORD.findall(old), _WORD.findall(new)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(html.escape(" ".join(after[j1:j2])))
            continue
        if i2 > i1:
            out.append(f"<del>{html.escape(' '.join(before[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{html.escape(' '.join(after[j1:j2]))}</ins>")
    return " ".join(out)


def _aligned(
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


def _block_text(block: DocBlock) -> str:
    if isinstance(block, DocParagraph):
        return ((block.number or "") + " " + _plain(block.nodes)).strip()
    if isinstance(block, DocList):
        return "\n".join(_plain(item) for item in block.items)
    return block.caption


def _block_key(block: DocBlock) -> object:
    return (type(block).__name__, _block_text(block))


def _paragraph(old: DocParagraph | None, new: DocParagraph | None) -> str:
    return f"<p>{words(_block_text(old) if old else '', _block_text(new) if new else '')}</p>"


def _list(old: DocList | None, new: DocList | None) -> str:
    before = [_plain(item) for item in old.items] if old else []
    after = [_plain(item) for item in new.items] if new else []
    items = (f"<li>{words(was or '', now or '')}</li>" for was, now in _aligned(before, after, str, lambda x: True))
    return "<ul>" + "".join(items) + "</ul>"


def _row_key(row: tuple[Nodes, ...] | None) -> str:
    return _plain(row[0]) if row else ""


def _table(old: DocTable | None, new: DocTable | None) -> str:
    shown = new or old
    assert shown is not None
    caption = words(old.caption if old else "", new.caption if new else "")
    out = [f"<table><caption>{caption}</caption><thead><tr>"]
    mark = "ins" if old is None else "del" if new is None else None  # a table added or removed whole
    for label in shown.header:
        text = html.escape(label)
        out.append(f'<th scope="col">{f"<{mark}>{text}</{mark}>" if mark else text}</th>')
    out.append("</tr></thead><tbody>")
    # A row is its cookie (the name in its first cell): rows of one name are compared
    # cell by cell, a row removed is shown struck where it was.
    old_rows: tuple[tuple[Nodes, ...], ...] = old.rows if old else ()
    new_rows: tuple[tuple[Nodes, ...], ...] = new.rows if new else ()
    rows = list(_aligned(old_rows, new_rows, _row_key, _row_key))
    width = len(shown.header)
    for was, now in rows:
        css = ' class="policykit-removed"' if now is None else ' class="policykit-added"' if was is None else ""
        cells = []
        for column in range(width):
            old_cell = _plain(was[column]) if was is not None and column < len(was) else ""
            new_cell = _plain(now[column]) if now is not None and column < len(now) else ""
            cells.append(f"<td>{words(old_cell, new_cell)}</td>")
        out.append(f"<tr{css}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _blocks(old: Sequence[DocBlock], new: Sequence[DocBlock]) -> Iterator[str]:
    for was, now in _aligned(old, new, _block_key, lambda block: type(block).__name__):
        if was is not None and now is not None and type(was) is not type(now):
            yield from _blocks([was], [])
            yield from _blocks([], [now])
        elif isinstance(was or now, DocParagraph):
            yield _paragraph(was, now)  # type: ignore[arg-type]
        elif isinstance(was or now, DocList):
            yield _list(was, now)  # type: ignore[arg-type]
        else:
            yield _table(was, now)  # type: ignore[arg-type]


def _article(old: DocArticle | None, new: DocArticle | None) -> str:
    shown = new or old
    assert shown is not None
    out = [f'<section id="{html.escape(shown.anchor)}">']
    out.append(f"<h2>{words(old.heading if old else '', new.heading if new else '')}</h2>")
    out += _blocks(old.blocks if old else (), new.blocks if new else ())
    sections_old = old.sections if old else ()
    sections_new = new.sections if new else ()
    for was, now in _aligned(sections_old, sections_new, lambda s: s.anchor, lambda s: True):
        title_old = f"{was.number} {was.title}" if was and was.title else ""
        title_new = f"{now.number} {now.title}" if now and now.title else ""
        if (was and was.title) or (now and now.title):
            out.append(f"<h3>{words(title_old, title_new)}</h3>")
        out += _blocks(was.blocks if was else (), now.blocks if now else ())
    out.append("</section>")
    return "\n".join(out)


def _document(policy: Policy, locale: str | None) -> Document:
    from policykit.document import localize
    from policykit.errors import PolicykitError
    from policykit.i18n.translator import CatalogTranslator, translator_for

    try:
        translator = translator_for(policy, locale)
    except PolicykitError:  # no project catalogues: the package's own words still serve
        translator = CatalogTranslator(locale, None) if locale else None
    return localize(policy, locale, translator)


def redline(changes: ChangeSet, locale: str | None = None) -> str:
    """The redline of `changes` as a whole HTML page in `locale` (default: the new
    policy's language), the change notice first."""
    from policykit.diff.notice import notice

    old = _document(changes.old, locale)
    new = _document(changes.new, locale)
    title = html.escape(new.title)
    out = [
        f'<!DOCTYPE html>\n<html lang="{html.escape(new.language)}" dir="{new.direction}">',
        f'<head><meta charset="utf-8"><title>{title}</title><style>{_STYLE}</style></head>',
        "<body>",
        notice(changes, "html", locale).rstrip("\n"),
        f'<article class="policykit-redline"><h1>{words(old.title, new.title)}</h1>',
    ]
    out += [_article(was, now) for was, now in _aligned(old.articles, new.articles, lambda a: a.anchor, lambda a: True)]
    out.append(f"<footer><p>{words(' · '.join(old.footer), ' · '.join(new.footer))}</p></footer>")
    out.append("</article></body></html>\n")
    return "\n".join(out)
