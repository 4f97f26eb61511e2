"""The Document tree: what localize produces and every renderer reads, and the Translator.

A Document is one policy as one locale reads it, format-neutral: numbered articles and
sections of blocks (paragraphs and lists of inline nodes, cookie tables of cells), with
every placeholder resolved, the footer and the localized template strings. A Translator
gives the translations of one locale; the default translates nothing.

These classes are apart from the localizer (policykit.document) so that what builds
blocks besides it (the generated clauses) and what translates (policykit.i18n) use
them without importing the localizer, which uses both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from attrs import frozen

from policykit.i18n.strings import TEMPLATE_STRINGS
from policykit.inline import Inline, Link, Placeholder, Text

__all__ = [
    "DocArticle",
    "DocBlock",
    "DocList",
    "DocParagraph",
    "DocSection",
    "DocSettingsLink",
    "DocTable",
    "Document",
    "Nodes",
    "Translator",
    "resolve_placeholders",
]

Nodes = tuple[Inline, ...]


class Translator:
    """Translations for one locale. The default translates nothing (the source language)."""

    def policy_text(self, context: str, text: str) -> str:
        """A string of the policy, identified by its msgctxt (the element's id and field)."""
        return text

    def template_text(self, key: str) -> str:
        """The template string `key` (a key of TEMPLATE_STRINGS, such as "lifetime") in this
        locale; KeyError for a key that is not one."""
        return TEMPLATE_STRINGS[key]

    @property
    def fingerprint(self) -> bytes:
        """What, besides the policy, the rendered text depends on."""
        return b""


@frozen
class DocParagraph:
    """A paragraph of inline nodes with every placeholder resolved. `number` is an untitled
    section's number, shown before its first paragraph; `source` the index of the block it
    was rendered from in its article's or section's body (None for text of no block)."""

    nodes: Nodes
    number: str | None = None  # an untitled section's number, shown before its first paragraph
    # The index, in its article's or section's body, of the block it was rendered from
    # (a clause renders as several blocks with one index), so that checks on the text
    # can point at the line of the policy file; None for text of no block.
    source: int | None = None


@frozen
class DocList:
    """A bulleted list, each item inline nodes with every placeholder resolved; `source` as
    DocParagraph's."""

    items: tuple[Nodes, ...]
    source: int | None = None  # as DocParagraph.source


@frozen
class DocTable:
    """A cookie table: its caption, what each column holds (`keys`: name, provider, category,
    purpose, lifetime), the localized header, and rows of cells of inline nodes (the first
    cell names the cookie). `as_list`: shown as a list; `cookies`: the ids of its rows'
    cookies, in order; `source` as DocParagraph's."""

    caption: str
    keys: tuple[str, ...]  # what each column holds: name, provider, category, purpose, lifetime
    header: tuple[str, ...]
    rows: tuple[tuple[Nodes, ...], ...]  # the first cell names the cookie
    as_list: bool = False
    source: int | None = None  # as DocParagraph.source
    cookies: tuple[str, ...] = ()  # the ids of the cookies in its rows, in order


DocBlock = DocParagraph | DocList | DocTable


@frozen
class DocSettingsLink:
    """The "change your cookie settings" link: a page (`url`) or the site's function (`javascript`)."""

    label: str
    url: str | None
    javascript: str | None


@frozen
class DocSection:
    """A numbered section: its anchor, number ("2.1"), title (None if untitled) and blocks."""

    anchor: str
    number: str  # "2.1"
    title: str | None
    blocks: tuple[DocBlock, ...]


@frozen
class DocArticle:
    """A numbered article: its anchor, number ("2"), heading ("Article 2. Use of permanent
    cookies", localized), the blocks before its sections, and its sections."""

    anchor: str
    number: str  # "2"
    heading: str  # "Article 2. Use of permanent cookies"
    blocks: tuple[DocBlock, ...]
    sections: tuple[DocSection, ...]


@frozen
class Document:
    """One policy as one locale reads it, for every renderer: language (BCP 47) and
    direction, title, description, author (the controller), the articles, the footer lines,
    the localized template strings (`labels`), the version id (a hash of the policy and its
    translation), the dates in ISO form, whether a table of contents is shown and the cookie
    settings link. Made by policykit.document.localize."""

    language: str  # BCP 47, for lang attributes: "en", "pt-BR"
    direction: str  # "ltr" or "rtl"
    title: str
    description: str
    author: str | None  # the controller
    articles: tuple[DocArticle, ...]
    footer: tuple[str, ...]  # last modified, effective, version, version id
    labels: Mapping[str, str]  # template strings, localized
    version_id: str
    last_modified_iso: str
    effective_iso: str | None
    # A table of contents helps once there are more than a few articles.
    show_contents: bool = False
    consent_settings: DocSettingsLink | None = None


def resolve_placeholders(nodes: Nodes, value: Callable[[str], Nodes]) -> Nodes:
    """`nodes` with each placeholder replaced by `value(name)`, inside emphasis and links too."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Placeholder):
            out.extend(value(node.name))
        elif isinstance(node, Text):
            out.append(node)
        elif isinstance(node, Link):
            out.append(Link(node.href, resolve_placeholders(node.children, value)))
        else:
            out.append(type(node)(resolve_placeholders(node.children, value)))
    return tuple(out)
