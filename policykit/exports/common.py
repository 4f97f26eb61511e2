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
from policykit.globs import linear_regex
from policykit.model import BUILTIN_CATEGORIES, Article, Cookie, CookieTable, Policy, Role

if TYPE_CHECKING:
    from policykit.document import Translator
    from policykit.source import Source

__all__ = [
    "LEFT_OUT",
    "NOT_DECLARED",
    "REQUIRED_VALUE",
    "CookieRow",
    "Export",
    "JsCode",
    "JsRegex",
    "JsValue",
    "Localized",
    "Problem",
    "cookie_domains",
    "is_host",
    "js_literal",
    "js_string",
    "localized",
    "name_regex",
    "policy_url_for",
    "safe_names",
    "to_findings",
    "translated",
    "valid_policy_url",
]

# Export findings: a cookie the format cannot carry, or a value it needs that the
# policy does not declare: warnings, the file is still valid.
NOT_DECLARED = "PK851"
LEFT_OUT = "PK852"
# An error: the format requires a value the policy does not give (TCF's maxAgeSeconds
# of a cookie), so the file would not be valid; nothing is written (exit 1).
REQUIRED_VALUE = "PK854"


@frozen
class Problem:
    """Something an export could not say about one cookie (by its index in the policy)."""

    code: str
    cookie: int
    field: str
    message: str
    severity: Severity = Severity.WARNING  # an error: the file would break its format


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
        findings.append(Finding(problem.code, problem.severity, problem.message, file, line, column, path))
    return tuple(findings)


_JS_SPECIAL = re.compile(r"[\\^$.*+?()[\]{}|]")


def _js_escape(text: str) -> str:
    return _JS_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def name_regex(name: str) -> str:
    """An anchored regular expression (JavaScript and Python alike) for a cookie name
    whose `*` stands for any run of characters; everything else is matched literally.
    Several stars are written so that a backtracking engine still runs it in linear
    time (policykit.globs.linear_regex)."""
    return linear_regex(name, _js_escape)


@frozen
class JsRegex:
    """A regular expression that js_literal writes as a RegExp literal: /source/."""

    source: str


@frozen
class JsCode:
    """JavaScript that js_literal writes as it is: only policykit's own code, never text
    from a policy (its data goes in through js_literal)."""

    code: str


JsValue = None | bool | int | str | JsRegex | JsCode | Sequence["JsValue"] | dict[str, "JsValue"]

# In a JavaScript string, besides what JSON escapes: "<" (so that neither "</script" nor
# "<!--" can end or derail an inline script), ">" for symmetry, the line terminators
# U+2028/U+2029 (older engines end a string there) and lone surrogates (which UTF-8
# cannot write).
_JS_STRING_UNSAFE = re.compile("[<>\u2028\u2029\ud800-\udfff]")


def _unicode_escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # a surrogate pair: JavaScript strings and non-u regexes are UTF-16
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def js_string(text: str) -> str:
    """A double-quoted JavaScript string literal of `text`, safe inline in HTML too."""
    return _JS_STRING_UNSAFE.sub(lambda m: _unicode_escape(m.group(0)), json.dumps(text, ensure_ascii=False))


def _js_regex_source(source: str) -> str:
    """`source` as the body of a RegExp literal (no flags) that matches the same: printable
    ASCII as written, "/" escaped, every other character (line terminators, "<", ">",
    non-ASCII) as a \\uXXXX escape, so that no character can end the literal or the script."""
    out: list[str] = []
    escaped = False
    for char in source:
        printable = " " <= char <= "~" and char not in "<>"
        if escaped:
            # An escaped printable keeps its meaning (\\. \\d); an escaped other character
            # is an identity escape, which is the character itself.
            out.append("\\" + char if printable else _unicode_escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "/":
            out.append("\\/")
        else:
            out.append(char if printable else _unicode_escape(char))
    if escaped:
        out.append("\\\\")  # a trailing lone backslash, matched literally
    return "".join(out)


def _js_key(key: str) -> str:
    # A quoted "__proto__" key in an object literal sets the prototype; a computed one
    # is an ordinary property.
    return "[" + js_string(key) + "]" if key == "__proto__" else js_string(key)


def js_literal(value: JsValue, indent: int = 0) -> str:
    """A JavaScript literal for plain data and RegExp values, laid out like JSON."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, JsRegex):
        return "/" + (_js_regex_source(value.source) or "(?:)") + "/"
    if isinstance(value, JsCode):
        return value.code
    if value is None or isinstance(value, (bool, int)):
        return json.dumps(value)
    if isinstance(value, str):
        return js_string(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{_js_key(key)}: {js_literal(item, indent + 1)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if not value:
        return "[]"
    return "[\n" + ",\n".join(inner + js_literal(item, indent + 1) for item in value) + "\n" + pad + "]"


# A name another language's syntax can carry as it is: a CSS attribute selector, an
# HTML id, a JavaScript identifier-like key.
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}\Z")


# The names every JavaScript object already has (Object.prototype): a library that
# keeps a map in a plain object (`purposes[name] = purposes[name] || []`) finds these.
_OBJECT_NAMES = frozenset(
    {
        "constructor",
        "hasOwnProperty",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toLocaleString",
        "toString",
        "valueOf",
    }
)


def safe_names(keys: Sequence[tuple[str, ...]], reserved: frozenset[str] = frozenset()) -> dict[tuple[str, ...], str]:
    """A name for each key (a tuple of ids), unique by construction: the ids joined by
    "-" where that is a safe name (letters, digits, "_", "-"), not `reserved`, not a
    property every JavaScript object has (`constructor`, `toString`) and no other
    key's; otherwise a slug of it and a hash of the ids themselves."""
    import hashlib

    preferred = {key: "-".join(key) for key in keys}
    counts: dict[str, int] = {}
    for name in preferred.values():
        counts[name] = counts.get(name, 0) + 1
    names: dict[tuple[str, ...], str] = {}
    used = set(reserved)
    for key, name in preferred.items():
        if _SAFE_NAME.match(name) and counts[name] == 1 and name not in reserved and name not in _OBJECT_NAMES:
            names[key] = name
            used.add(name)
    for key, name in preferred.items():
        if key in names:
            continue
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-_")[:40] or "id"
        digest = hashlib.sha256("\0".join(key).encode("utf-8", "surrogatepass")).hexdigest()
        size = 8
        while f"{slug}-{digest[:size]}" in used:
            size += 8
        names[key] = f"{slug}-{digest[:size]}"
        used.add(names[key])
    return names


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
    from policykit.inline import plain_text, title_text

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
            categories[category.id] = title_text(
                translated(translator, contexts.category(category.id, "title"), category.title)
            )
        if category.description is not None:
            descriptions[category.id] = translated(
                translator, contexts.category(category.id, "description"), category.description
            )
    return Localized(
        document.language, document.direction, document.title, headers, tuple(rows), categories, descriptions
    )


def translated(translator: Translator | None, context: str, text: str) -> str:
    """`text` (a policy string whose msgctxt is `context`) in the translator's locale; as
    written when there is no translator."""
    return text if translator is None else translator.policy_text(context, text)


def policy_url_for(policy_url: str | None, locale: str) -> str | None:
    """The policy's address in `locale`: `policy_url` with "{locale}" replaced."""
    return None if policy_url is None else policy_url.replace("{locale}", locale)


def valid_policy_url(url: str) -> bool:
    """An address a consent tool may link to: http(s), or a path on the site ("/..."),
    with no space or control character."""
    if any(c.isspace() or ord(c) < 0x20 or c == "\x7f" for c in url):
        return False
    lowered = url.lower()
    return lowered.startswith(("https://", "http://")) or (url.startswith("/") and not url.startswith("//"))


# What a cookie's Domain attribute can be: a host name, optionally with a leading dot.
_HOST = re.compile(r"\.?[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.?)*\Z")


def is_host(domain: str) -> bool:
    """Whether `domain` is a host name a cookie's Domain attribute can hold."""
    return len(domain) <= 253 and bool(_HOST.match(domain))


def cookie_domains(policy: Policy, cookie: Cookie) -> list[str]:
    """The domains a cookie is set on, as far as the policy says: its own, else its
    party's, else (for the first party) the host of the policy's website."""
    from urllib.parse import urlsplit

    if cookie.domain:
        return [cookie.domain]
    party = policy.party(cookie.party)
    if party.domains:
        return list(party.domains)
    if party.role is Role.FIRST_PARTY and policy.meta.website:
        host = urlsplit(policy.meta.website).hostname
        return [host] if host else []
    return []
