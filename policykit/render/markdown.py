"""Document -> Markdown: CommonMark with GFM tables.

In: a Document. Out: Markdown text in which nothing from the data can change the
structure: a `|` in a cell, a leading `#` or `2025.`, a `<script>`, a `[link](...)`
all stay text. Every character that CommonMark gives a meaning is backslash-escaped,
and line breaks inside a text become spaces.
"""

from __future__ import annotations

import re

from policykit.document import DocList, DocParagraph, DocTable, Document
from policykit.inline import Emphasis, Inline, Isolate, Link, Strong, Text, is_safe_href

__all__ = ["escape_inline", "escape_markdown", "render_markdown"]

# CommonMark's escapable ASCII punctuation that can start or shape inline structure
# anywhere in a line. '|' for GFM tables. (Escaping '.' or '-' everywhere would be
# correct too, but unreadable; those matter only at the start of a line, below.)
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~!{}#])")
# At the start of a line: headings, block quotes, list markers, thematic breaks,
# setext underlines, ordered lists ("2025." or "2025)"), indented code.
_LINE_START = re.compile(r"^([ \t]*)([-+=>]|\d+(?=[.)]))")
# Every character str.splitlines() breaks a line at: CommonMark ends a line only at LF
# and CR, but a reader's editor or terminal may break at the others too. Each becomes a space.
_LINE_BREAKS = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def escape_inline(text: str) -> str:
    """Text that renders as itself inside a line (not at its start)."""
    return _INLINE_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _guard_line_start(text: str) -> str:
    match = _LINE_START.match(text)
    if match is None:
        return text
    # "2025." -> "2025\." keeps the number and loses the list; "- x" -> "\- x".
    position = match.end() if match.group(2).isdigit() else match.start(2)
    return text[:position] + "\\" + text[position:]


def escape_markdown(text: str) -> str:
    """Text that renders as itself in CommonMark, inline or at the start of a line."""
    return _guard_line_start(escape_inline(text))


def _inline(nodes: tuple[Inline, ...]) -> str:
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(_INLINE_SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", node.text)))
        elif isinstance(node, Emphasis):
            parts.append(f"*{_inline(node.children)}*")
        elif isinstance(node, Strong):
            parts.append(f"**{_inline(node.children)}**")
        elif isinstance(node, Isolate):
            # Markdown has no markup for it: Unicode's first-strong isolate ... pop isolate.
            parts.append(f"\u2068{_inline(node.children)}\u2069")
        elif isinstance(node, Link):
            inner = _inline(node.children)
            if is_safe_href(node.href):
                # Percent-encoded: '|' would end a table cell even inside <...>.
                target = node.href.replace("\\", "%5C").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
                parts.append(f"[{inner}](<{target}>)")
            else:
                parts.append(inner)
        else:
            parts.append(_INLINE_SPECIAL.sub(r"\\\1", "{" + node.name + "}"))
    return "".join(parts)


def _line(nodes: tuple[Inline, ...]) -> str:
    """An inline run as one safe line: no line breaks, no block marker at its start."""
    return _guard_line_start(" ".join(_inline(nodes).split()))


def _table(table: DocTable) -> list[str]:
    if table.as_list:
        lifetime = escape_inline(table.header[-1])
        return [
            f"- **{_inline(row[0])}** — {_inline(row[-2])} {lifetime}: {_inline(row[-1])}." for row in table.rows
        ] or [f"- {escape_markdown(table.caption)}"]
    lines = [f"**{escape_markdown(table.caption)}**", ""]
    lines.append("| " + " | ".join(escape_markdown(label) for label in table.header) + " |")
    lines.append("|" + "|".join("---" for _ in table.header) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(_line(cell) or " " for cell in row) + " |")
    return lines


def render_markdown(document: Document) -> str:
    """The Document as CommonMark (GitHub tables): every text escaped, links only http(s)
    and mailto. The same Document gives the same text."""
    out: list[str] = [f"# {escape_markdown(document.title)}"]

    def blocks(items: tuple[DocParagraph | DocList | DocTable, ...]) -> None:
        for block in items:
            out.append("")
            if isinstance(block, DocParagraph):
                prefix = f"**{escape_inline(block.number)}** " if block.number else ""
                out.append(prefix + _line(block.nodes))
            elif isinstance(block, DocList):
                out.extend(f"- {_line(item)}" for item in block.items)
            else:
                out.extend(_table(block))

    for article in document.articles:
        out += ["", f"## {escape_markdown(article.heading)}"]
        blocks(article.blocks)
        for section in article.sections:
            if section.title is not None:
                out += ["", f"### {escape_inline(section.number)}. {escape_inline(section.title)}"]
            blocks(section.blocks)
    out.append("")
    out.append("---")
    for line in document.footer:
        out += ["", escape_markdown(line)]
    return "\n".join(out) + "\n"
