"""Inline markup of prose: the small language paragraphs and translations are written in.

In: a string such as `Lasts {days}, see <a href="https://x.example">the <em>docs</em></a>.`
Out: a tuple of inline nodes (Text, Emphasis, Strong, Link, Placeholder), or InlineError.

The language is closed on purpose, because translators write it too:
- `{name}` is a placeholder; the name is a bare identifier, never an attribute,
  index or format spec. `{{` and `}}` are literal braces.
- `<em>`, `<strong>` and `<a href="...">` are the only tags; a link is http(s) or mailto.
- Any other `<` is plain text, so `<script>` stays text and renderers escape it.
"""

from __future__ import annotations

import re

from attrs import frozen

from policykit.findings import excerpt

__all__ = [
    "ALLOWED_TAGS",
    "Emphasis",
    "Inline",
    "InlineError",
    "Isolate",
    "Link",
    "Placeholder",
    "Strong",
    "Text",
    "is_safe_href",
    "parse_inline",
    "placeholders",
    "plain_text",
    "tags",
    "title_text",
    "walk",
]

ALLOWED_TAGS = frozenset({"em", "strong", "a"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_OPEN_TAG = re.compile(r'<(em|strong)>|<a href="([^"<>]*)">')
_CLOSE_TAG = re.compile(r"</(em|strong|a)>")
_MARKUP_CHARS = re.compile(r"[{}<]")
# Where markup may start: a brace, or a '<' that may open or close one of the tags.
_MARKUP_START = re.compile(r"[{}]|<(?=/?(?:em|strong|a)\b)")
_SAFE_SCHEMES = ("https://", "http://", "mailto:")


class InlineError(ValueError):
    """Malformed inline markup; `offset` is where in the string it went wrong."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@frozen
class Text:
    """Plain text, shown as written (every renderer escapes it for its format)."""

    text: str


@frozen
class Placeholder:
    """`{name}`: a value shown from the paragraph's refs, resolved by the localizer."""

    name: str


@frozen
class Emphasis:
    """`<em>` around its children."""

    children: tuple[Inline, ...]


@frozen
class Strong:
    """`<strong>` around its children."""

    children: tuple[Inline, ...]


@frozen
class Link:
    """`<a href>` around its children: `href` is http(s) or mailto (parse_inline refuses
    any other)."""

    href: str
    children: tuple[Inline, ...]


@frozen
class Isolate:
    """A left-to-right value (a name, a domain, an address) set apart from the text around it.

    Never parsed from markup: the Document wraps resolved values in it for right-to-left
    locales, so the bidi algorithm cannot reorder `__tawkuuid` into `tawkuuid__`.
    Renderers express it their own way (HTML `<bdi>`, Markdown U+2068 ... U+2069).
    """

    children: tuple[Inline, ...]


Inline = Text | Placeholder | Emphasis | Strong | Link | Isolate


def is_safe_href(href: str) -> bool:
    """Only web and mail links: no javascript:, data:, file: or relative paths."""
    return href.lower().startswith(_SAFE_SCHEMES) and not any(c.isspace() for c in href)


def title_text(title: str) -> str:
    """A title (meta, article, section, category, caption) as it is shown: a title holds
    no placeholder or tag, so its only markup is the escaped brace, '{{' for '{' and
    '}}' for '}' (what `check` asks a writer to type)."""
    if "{" not in title and "}" not in title:
        return title
    return title.replace("{{", "{").replace("}}", "}")


def parse_inline(source: str) -> tuple[Inline, ...]:
    """Parse `source` into inline nodes; raise InlineError on malformed markup."""
    if not _MARKUP_CHARS.search(source):  # most prose has no markup at all
        return (Text(source),) if source else ()
    # Each frame: (tag, href, start offset, children so far).
    stack: list[tuple[str, str, int, list[Inline]]] = [("", "", 0, [])]
    text: list[str] = []
    i = 0

    def flush() -> None:
        if text:
            stack[-1][3].append(Text("".join(text)))
            text.clear()

    while i < len(source):
        char = source[i]
        if char == "{":
            if source.startswith("{{", i):
                text.append("{")
                i += 2
                continue
            end = source.find("}", i)
            if end < 0:
                raise InlineError("a '{' opens a placeholder that is never closed; write '{{' for a brace", i)
            name = source[i + 1 : end]
            if not _NAME.match(name):
                raise InlineError(
                    f"placeholder {{{name}}} is not a bare name (letters, digits, '_'); "
                    "attributes, indexes and format specs are not allowed",
                    i,
                )
            flush()
            stack[-1][3].append(Placeholder(name))
            i = end + 1
        elif char == "}":
            if not source.startswith("}}", i):
                raise InlineError("a '}' closes no placeholder; write '}}' for a brace", i)
            text.append("}")
            i += 2
        elif char == "<" and (opening := _OPEN_TAG.match(source, i)):
            flush()
            tag = opening.group(1) or "a"
            href = opening.group(2) or ""
            if tag == "a" and not is_safe_href(href):
                raise InlineError(f"link target {excerpt(href)} is not an http(s) or mailto URL", i)
            stack.append((tag, href, i, []))
            i = opening.end()
        elif char == "<" and (closing := _CLOSE_TAG.match(source, i)):
            tag = closing.group(1)
            if stack[-1][0] != tag:
                raise InlineError(f"</{tag}> closes no open <{tag}>", i)
            flush()
            _, href, _, children = stack.pop()
            node: Inline
            if tag == "em":
                node = Emphasis(tuple(children))
            elif tag == "strong":
                node = Strong(tuple(children))
            else:
                node = Link(href, tuple(children))
            stack[-1][3].append(node)
            i = closing.end()
        else:
            # Plain text up to the next markup character in one slice, not one by one.
            following = _MARKUP_START.search(source, i + 1)
            end = following.start() if following else len(source)
            text.append(source[i:end])
            i = end
    if len(stack) > 1:
        tag, _, start, _ = stack[-1]
        raise InlineError(f"<{tag}> is never closed", start)
    flush()
    return tuple(stack[0][3])


def walk(nodes: tuple[Inline, ...]) -> list[Inline]:
    """Every node of the tree, depth first, in reading order."""
    found: list[Inline] = []
    for node in nodes:
        found.append(node)
        if not isinstance(node, (Text, Placeholder)):
            found.extend(walk(node.children))
    return found


def placeholders(source: str) -> list[str]:
    """The placeholder names of `source`, in order of appearance."""
    return [n.name for n in walk(parse_inline(source)) if isinstance(n, Placeholder)]


def tags(source: str) -> list[str]:
    """The tags of `source` in order, links with their target: ['em', 'a href=...']."""
    out: list[str] = []
    for node in walk(parse_inline(source)):
        if isinstance(node, Emphasis):
            out.append("em")
        elif isinstance(node, Strong):
            out.append("strong")
        elif isinstance(node, Link):
            out.append(f"a href={node.href}")
    return out


def plain_text(nodes: tuple[Inline, ...], values: dict[str, str] | None = None) -> str:
    """The text a reader sees, placeholders filled from `values` (or left as {name})."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, Placeholder):
            parts.append(values[node.name] if values and node.name in values else f"{{{node.name}}}")
        else:
            parts.append(plain_text(node.children, values))
    return "".join(parts)
