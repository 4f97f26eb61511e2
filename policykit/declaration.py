"""The cookie declaration in each locale, as data for the embeddable declaration script.

In: a Policy and the translators of the locales a build publishes (locale -> translator;
the policy's own language needs none).
Out: cookies.json's `declaration`: per published language (its BCP 47 tag, as a page's
`lang` attribute writes it) the direction of its script, the version id of its text, and
the blocks of the `categories` clause as that locale's page renders them: for each
category in use a paragraph (what it is for, whether it needs consent) and a table of
its cookies (caption, column labels, one row per cookie).

Texts are inline nodes: a string, or an object with a `type` (`em`, `strong`, `link`
with its `href`, `isolate` for a left-to-right name in right-to-left text) and its
`content`. policykit/render/js/policykit-declaration.js builds elements from them with
`textContent`, never as markup.

The blocks come from the renderers' own `localize` (the policy's first article with the
clause as its only block, so every string is one the catalogues know): the declaration
says exactly what the published policy says.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from policykit.document import DocList, DocParagraph, DocTable, Translator, localize, version_id
from policykit.inline import Emphasis, Inline, Isolate, Link, Strong, Text, is_safe_href
from policykit.model import Article, Clause, ClauseKind, Policy

__all__ = ["declaration", "inline_json"]


def inline_json(nodes: tuple[Inline, ...]) -> list[Any]:
    """Inline nodes as JSON: adjacent text as one string, markup as typed objects."""
    out: list[Any] = []
    for node in nodes:
        item: Any
        if isinstance(node, Text):
            item = node.text
        elif isinstance(node, Emphasis):
            item = {"type": "em", "content": inline_json(node.children)}
        elif isinstance(node, Strong):
            item = {"type": "strong", "content": inline_json(node.children)}
        elif isinstance(node, Isolate):
            item = {"type": "isolate", "content": inline_json(node.children)}
        elif isinstance(node, Link):
            if not is_safe_href(node.href):  # the loader refuses these; a built Document could hold one
                out.extend(inline_json(node.children))
                continue
            item = {"type": "link", "href": node.href, "content": inline_json(node.children)}
        else:  # an unresolved placeholder, shown as written
            item = "{" + node.name + "}"
        if isinstance(item, str) and out and isinstance(out[-1], str):
            out[-1] += item
        elif item != "":
            out.append(item)
    return out


def _blocks(policy: Policy, locale: str | None, translator: Translator | None) -> tuple[str, str, list[Any]]:
    first = policy.articles[0] if policy.articles else Article(policy.meta.title)
    only = attrs.evolve(first, body=(Clause(ClauseKind.CATEGORIES),), sections=())
    clause_only = attrs.evolve(policy, articles=(only,))
    document = localize(clause_only, locale, translator)
    category_of = {cookie.id: cookie.category for cookie in policy.cookies}
    blocks: list[Any] = []
    for block in document.articles[0].blocks:
        if isinstance(block, DocParagraph):
            blocks.append({"type": "paragraph", "content": inline_json(block.nodes)})
        elif isinstance(block, DocList):
            blocks.append({"type": "list", "items": [inline_json(item) for item in block.items]})
        elif isinstance(block, DocTable):
            category = category_of[block.cookies[0]] if block.cookies else None
            blocks.append(
                {
                    "type": "table",
                    "category": category,
                    "caption": block.caption,
                    "columns": [
                        {"key": key, "label": label} for key, label in zip(block.keys, block.header, strict=True)
                    ],
                    "rows": [
                        {"cookie": cookie, "cells": [inline_json(cell) for cell in cells]}
                        for cookie, cells in zip(block.cookies, block.rows, strict=True)
                    ],
                }
            )
    return document.language, document.direction, blocks


def declaration(
    policy: Policy, translators: Mapping[str, Translator] | None = None, urls: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """language tag -> the declaration in it: the policy's own language first, then each
    locale of `translators` in order of its tag. `urls` (language tag -> the page's
    absolute address, with a base URL) adds each page's `url`."""
    wanted: list[tuple[str | None, Translator | None]] = [(None, None)]
    wanted += [(locale, (translators or {})[locale]) for locale in sorted(translators or {})]
    out: dict[str, Any] = {}
    for locale, translator in wanted:
        language, direction, blocks = _blocks(policy, locale, translator)
        entry: dict[str, Any] = {
            "direction": direction,
            "version_id": version_id(policy, translator.fingerprint if translator is not None else b""),
        }
        if urls is not None and language in urls:
            entry["url"] = urls[language]
        entry["blocks"] = blocks
        out[language] = entry
    return out
