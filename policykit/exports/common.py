"""What every export shares: its result, its findings, localized cookie rows, patterns.

In: a Policy (and, for the localized formats, a locale and its translations).
Out: an Export (the file's text and the findings of what the format could not say),
plain-text cookie rows in the reader's language made by the same `localize` as the
renderers, regular expressions for cookie-name patterns, and JavaScript literals.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs
from attrs import frozen

from policykit.findings import Finding, Severity
from policykit.model import BUILTIN_CATEGORIES, Article, Cookie, CookieTable, Policy

if TYPE_CHECKING:
    from policykit.document import Translator
    from policykit.source import Source

__all__ = [
    "LEFT_OUT",
    "NOT_DECLARED",
    "CookieRow",
    "Export",
    "JsRegex",
    "JsValue",
    "Localized",
    "Problem",
    "js_literal",
    "localized",
    "name_regex",
    "to_findings",
    "translated",
]

# Export findings: a cookie the format cannot carry, or a value it needs that the
# policy does not declare. Never an error: the policy itself is fine.
NOT_DECLARED = "PK851"
LEFT_OUT = "PK852"


@frozen
class Problem:
    """Something an export could not say about one cookie (by its index in the policy)."""

    code: str
    cookie: int
    field: str
    message: str


@frozen
class Export:
    """An exported file: its text, and what the format could not say."""

    text: str
    findings: tuple[Finding, ...] = ()


def to_findings(policy: Policy, problems: Sequence[Problem], source: Source | None = None) -> tuple[Finding, ...]:
    """Problems as Findings placed at the cookie's field in the policy file (when known)."""
    file = source.file if source is not None else (policy.origin or "<policy>")
    findings = []
    for problem in problems:
        cookie = policy.cookies[problem.cookie]
        at = ("cookies", problem.cookie, problem.field) if problem.field else ("cookies", problem.cookie)
        line, column = source.position(at) if source is not None else (0, 0)
        name = cookie.name or cookie.id
        path = f"cookies[{name}].{problem.field}" if problem.field else f"cookies[{name}]"
        findings.append(Finding(problem.code, Severity.WARNING, problem.message, file, line, column, path))
    return tuple(findings)


_JS_SPECIAL = re.compile(r"[\\^$.*+?()[\]{}|]")


def _js_escape(text: str) -> str:
    return _JS_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def name_regex(name: str) -> str:
    """An anchored regular expression (JavaScript and Python alike) for a cookie name
    whose `*` stands for any run of characters; everything else is matched literally."""
    return "^" + ".*".join(_js_escape(part) for part in name.split("*")) + "$"


@frozen
class JsRegex:
    """A regular expression that js_literal writes as a RegExp literal: /source/."""

    source: str


JsValue = None | bool | int | str | JsRegex | Sequence["JsValue"] | dict[str, "JsValue"]


def _js_string(text: str) -> str:
    # JSON strings are JavaScript strings, except that older engines end a string at
    # U+2028/U+2029; "</script" is harmless in a .js file but escaped all the same.
    return (
        json.dumps(text, ensure_ascii=False)
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
        .replace("</", "<\\/")
    )


def js_literal(value: JsValue, indent: int = 0) -> str:
    """A JavaScript literal for plain data and RegExp values, laid out like JSON."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, JsRegex):
        # name_regex never writes "/", which would end the literal: escape any other's.
        return "/" + value.source.replace("/", "\\/") + "/"
    if value is None or isinstance(value, (bool, int)):
        return json.dumps(value)
    if isinstance(value, str):
        return _js_string(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{_js_string(key)}: {js_literal(item, indent + 1)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if not value:
        return "[]"
    return "[\n" + ",\n".join(inner + js_literal(item, indent + 1) for item in value) + "\n" + pad + "]"


@frozen
class CookieRow:
    """One cookie as a reader of the locale sees it in the policy's own tables."""

    cookie: Cookie
    name: str
    provider: str
    category: str
    purpose: str
    lifetime: str


@frozen
class Localized:
    """The cookies of a policy in one locale, and the words a consent tool needs."""

    locale: str  # BCP 47: "en", "pt-BR"
    direction: str  # "ltr" or "rtl"
    title: str  # the policy's title
    headers: dict[str, str]  # column key (name, provider, category, purpose, lifetime) -> header
    rows: tuple[CookieRow, ...]
    categories: dict[str, str]  # category id -> title
    category_descriptions: dict[str, str]  # category id -> description, where the policy has one


def localized(policy: Policy, locale: str | None, translator: Translator | None) -> Localized:
    """The policy's cookies in `locale`, through the renderers' own `localize`: one table
    of every cookie, so that names, providers, categories, purposes and lifetimes read
    exactly as in the rendered policy."""
    from policykit.document import DocTable, localize
    from policykit.i18n import contexts
    from policykit.inline import plain_text

    # The first article, its body replaced by one table of every cookie, keeps its own id
    # and title, so that every string is one the catalogues know.
    first = policy.articles[0] if policy.articles else Article(policy.meta.title)
    table_only = attrs.evolve(policy, articles=(attrs.evolve(first, body=(CookieTable(),), sections=()),))
    document = localize(table_only, locale, translator)
    table = document.articles[0].blocks[0]
    assert isinstance(table, DocTable)
    headers = dict(zip(table.keys, table.header, strict=True))
    rows = []
    for cookie, cells in zip(policy.cookies, table.rows, strict=True):
        # Plain text: a consent tool escapes or inserts it itself; isolates become bare runs.
        text = {key: plain_text(cell) for key, cell in zip(table.keys, cells, strict=True)}
        rows.append(
            CookieRow(cookie, text["name"], text["provider"], text["category"], text["purpose"], text["lifetime"])
        )
    categories, descriptions = {}, {}
    for category in policy.all_categories:
        # As the renderers title them: a built-in category by the template's words.
        label = f"category.{category.id}"
        if label in document.labels and category in BUILTIN_CATEGORIES:
            categories[category.id] = document.labels[label]
        else:
            categories[category.id] = translated(translator, contexts.category(category.id, "title"), category.title)
        if category.description is not None:
            descriptions[category.id] = translated(
                translator, contexts.category(category.id, "description"), category.description
            )
    return Localized(
        document.language, document.direction, document.title, headers, tuple(rows), categories, descriptions
    )


def translated(translator: Translator | None, context: str, text: str) -> str:
    return text if translator is None else translator.policy_text(context, text)
