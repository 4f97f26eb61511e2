"""The msgctxt of every translatable string of a policy: stable, never a position.

In: model elements. Out: context strings, shared by extraction (messages.py) and
lookup (document.py), so that both always agree.

A context names the element a string belongs to by its explicit id where the policy
gives one (`article-2.paragraph`, `tawk.section.title`), and otherwise by its kind only
(`article.paragraph`, `cookie.purpose`): gettext then tells strings apart by their
source text, as msgmerge does. Inserting, removing or reordering elements changes no
context, so every translation stays with its own text.

Catalogues written before this scheme used positions (`article-1.body.0`,
`section-2-2.title`, `cookies._ga.purpose`); LEGACY recognises them so that `i18n update`
can migrate them without losing a translation.
"""

from __future__ import annotations

import re

from policykit.model import Article, Section

__all__ = [
    "COOKIE_PURPOSE",
    "COOKIE_UNTIL",
    "LEGACY",
    "META_TITLE",
    "anchor",
    "caption",
    "category",
    "item",
    "paragraph",
    "title",
]

META_TITLE = "meta.title"
COOKIE_PURPOSE = "cookie.purpose"
COOKIE_UNTIL = "cookie.until"

LEGACY = re.compile(
    r"(?:article|section)-\d+(?:-\d+)?\.(?:title|body\.\d+(?:\.\d+|\.caption)?)"
    r"|.+\.body\.\d+(?:\.\d+|\.caption)?"
    r"|cookies\..+\.(?:purpose|lifetime\.until)"
)


def anchor(article: Article, section: Section | None = None) -> str:
    """The element's own id, else its kind (within its article's id, for a section)."""
    base = article.id or "article"
    if section is None:
        return base
    return section.id or f"{base}.section"


def title(element_anchor: str) -> str:
    """The msgctxt of the title of the element (article or section) `element_anchor`."""
    return f"{element_anchor}.title"


def paragraph(element_anchor: str) -> str:
    """The msgctxt of a paragraph in the element (article or section) `element_anchor`."""
    return f"{element_anchor}.paragraph"


def item(element_anchor: str) -> str:
    """The msgctxt of a list item in the element (article or section) `element_anchor`."""
    return f"{element_anchor}.item"


def caption(element_anchor: str) -> str:
    """The msgctxt of a cookie table's caption in the element (article or section) `element_anchor`."""
    return f"{element_anchor}.caption"


def category(category_id: str, field: str) -> str:
    """The msgctxt of a field (`title`, `description`) of the category `category_id`."""
    return f"categories.{category_id}.{field}"
