"""The cookie catalogue for developers and consent tools: cookies.json, a published contract.

In: a Policy, the translators of the locales a build publishes, and the dated facts
(for the browsers' lifetime cap). Out: a JSON-ready dict, and its JSON text, that
validates against `catalogue_schema()` (data/cookies.schema.json;
docs/cookies-json.md). It lists the policy's version id, its categories, its services,
and every cookie with its party, domains, declared and effective lifetime and, for a
pattern, a glob and an equivalent anchored regular expression; the translation of
every text for each locale; and the declaration in each language as the pages show it
(policykit.declaration), for the embeddable declaration script. With the site's base URL,
the address of the policy's page in each language.

`schema_version` changes only when a consumer would have to change: a key removed,
renamed or given another meaning. New keys may appear in the same version.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from policykit.document import Translator, version_id
from policykit.globs import linear_regex
from policykit.i18n import contexts
from policykit.i18n.lifetimes import lifetime_words
from policykit.i18n.strings import TEMPLATE_STRINGS
from policykit.inline import title_text
from policykit.model import BUILTIN_CATEGORIES, Category, Cookie, Lifetime, Policy, Storage, Unit
from policykit.syntax import format_lifetime

__all__ = [
    "SCHEMA_VERSION",
    "catalogue",
    "catalogue_json",
    "catalogue_schema",
    "effective_seconds",
    "glob_regex",
]

SCHEMA_VERSION = 1
# The fact the lifetime rules read (PK103): how long a browser keeps a cookie at most.
_BROWSER_CAP = "browser.cookie-max-age-days"
# Characters with a meaning in a regular expression, escaped the same way in Python,
# JavaScript (also with the u flag) and PCRE.
_REGEX_SPECIAL = set("\\^$.|?*+()[]{}/")


def glob_regex(glob: str) -> str:
    """`_ga_*` -> `^_ga_.*$`: `*` is any run of characters (none included), everything
    else is literal. Anchored, so it matches a whole cookie name and nothing more; with
    several stars, written so that a backtracking engine runs it in linear time
    (policykit.globs.linear_regex)."""
    return linear_regex(glob, lambda part: "".join(f"\\{c}" if c in _REGEX_SPECIAL else c for c in part))


@functools.cache
def _cap_seconds() -> int:
    from policykit.facts import bundled

    return bundled().number(_BROWSER_CAP) * Unit.DAY.seconds


def effective_seconds(cookie: Cookie) -> int | None:
    """What a browser keeps: the declared lifetime of an HTTP cookie capped at the
    browsers' limit; other storage is not capped. None where no duration is stated."""
    seconds = cookie.lifetime.seconds
    if seconds is None or cookie.storage is not Storage.COOKIE:
        return seconds
    return min(seconds, _cap_seconds())


def _lifetime(cookie: Cookie) -> dict[str, Any]:
    lifetime = cookie.lifetime
    return {
        "text": format_lifetime(lifetime),
        "persistence": lifetime.persistence.value,
        "declared_seconds": lifetime.seconds,
        "effective_seconds": effective_seconds(cookie),
        "until": lifetime.until,
    }


def _category_title(translator: Translator, category: Category) -> str:
    key = f"category.{category.id}"
    if key in TEMPLATE_STRINGS and category in BUILTIN_CATEGORIES:
        return translator.template_text(key)
    return title_text(translator.policy_text(contexts.category(category.id, "title"), category.title))


def _lifetime_text(translator: Translator, lifetime: Lifetime, locale: str) -> str:
    return lifetime_words(lifetime, locale, translator.template_text)


def _translation(policy: Policy, locale: str, translator: Translator, base_url: str | None) -> dict[str, Any]:
    categories = {}
    for category in policy.all_categories:
        description = category.description
        categories[category.id] = {
            "title": _category_title(translator, category),
            "description": None
            if description is None
            else translator.policy_text(contexts.category(category.id, "description"), description),
        }
    cookies = {}
    for cookie in policy.cookies:
        until = cookie.lifetime.until
        cookies[cookie.id] = {
            "purpose": translator.policy_text(contexts.COOKIE_PURPOSE, cookie.purpose),
            "lifetime": _lifetime_text(translator, cookie.lifetime, locale),
            "until": None if until is None else translator.policy_text(contexts.COOKIE_UNTIL, until),
        }
    return {
        "version_id": version_id(policy, translator.fingerprint),
        "title": title_text(translator.policy_text(contexts.META_TITLE, policy.meta.title)),
        **({"url": _page_url(base_url, locale)} if base_url is not None else {}),
        "categories": categories,
        "cookies": cookies,
    }


def _page_url(base_url: str, locale: str) -> str:
    """The absolute address of the policy's page in `locale`, as `policykit build` lays it out."""
    from policykit.build.urls import page_url

    return page_url(base_url, f"{_language_tag(locale)}/index.html")


def _language_tag(locale: str) -> str:
    return locale.replace("_", "-")


def catalogue(
    policy: Policy, translators: Mapping[str, Translator] | None = None, base_url: str | None = None
) -> dict[str, Any]:
    """The catalogue of `policy`, with the texts of each locale of `translators`
    (locale -> its translator; the policy's own language needs none). With `base_url`
    (the site's address, policykit.build.urls.check_base_url), the policy's page in each
    language is named by its absolute address."""
    from policykit.declaration import declaration
    from policykit.exports.consent_mode import consent_types

    parties = {party.id: party for party in policy.parties}
    categories = {category.id: category for category in policy.all_categories}
    consent_mode = consent_types(policy)
    urls = None
    if base_url is not None:
        languages = [str(policy.meta.language), *(translators or {})]
        urls = {_language_tag(locale): _page_url(base_url, locale) for locale in languages}
    used = {cookie.category for cookie in policy.cookies}
    services: dict[str, dict[str, Any]] = {}
    cookies = []
    for cookie in policy.cookies:
        party = parties[cookie.party]
        category = categories[cookie.category]
        service = cookie.service if cookie.service is not None else party.service
        if service is not None:
            entry = services.setdefault(service, {"id": service, "parties": [], "categories": [], "cookies": []})
            for key, value in (("parties", party.id), ("categories", category.id), ("cookies", cookie.id)):
                if value not in entry[key]:
                    entry[key].append(value)
        glob = cookie.name if cookie.is_pattern else None
        cookies.append(
            {
                "id": cookie.id,
                "name": cookie.name,
                "pattern": None if glob is None else {"glob": glob, "regex": glob_regex(glob)},
                "storage": cookie.storage.value,
                "domains": [cookie.domain] if cookie.domain is not None else list(party.domains),
                "party": {
                    "id": party.id,
                    "name": party.name,
                    "role": party.role.value,
                    "country": party.country,
                    "privacy_policy": party.privacy_policy,
                    "transfer": None
                    if party.transfer is None
                    else {
                        "safeguard": party.transfer.safeguard.value,
                        "since": None if party.transfer.since is None else party.transfer.since.isoformat(),
                    },
                },
                "service": service,
                "category": category.id,
                "consent_required": category.consent_required,
                "lifetime": _lifetime(cookie),
                "purpose": cookie.purpose,
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "policy": {
            "title": title_text(policy.meta.title),
            "language": str(policy.meta.language),
            "version": policy.meta.version,
            "version_id": version_id(policy),
            "last_modified": policy.meta.last_modified.isoformat(),
            "effective": None if policy.meta.effective is None else policy.meta.effective.isoformat(),
            **({"url": _page_url(base_url, str(policy.meta.language))} if base_url is not None else {}),
        },
        "categories": [
            {
                "id": category.id,
                "title": title_text(category.title),
                "description": category.description,
                "consent_required": category.consent_required,
                "kind": None if category.kind is None else category.kind.value,
                "consent_mode": list(consent_mode[category.id]),
            }
            for category in policy.all_categories
            if category.id in used or category not in BUILTIN_CATEGORIES
        ],
        "services": list(services.values()),
        "cookies": cookies,
        "translations": {
            locale: _translation(policy, locale, translator, base_url)
            for locale, translator in sorted((translators or {}).items())
        },
        "declaration": declaration(policy, translators, urls),
    }


def catalogue_json(
    policy: Policy, translators: Mapping[str, Translator] | None = None, base_url: str | None = None
) -> str:
    """cookies.json's text: `catalogue()` as indented UTF-8 JSON."""
    return json.dumps(catalogue(policy, translators, base_url), indent=2, ensure_ascii=False) + "\n"


@functools.cache
def _schema_text() -> str:
    from policykit.resources import data_dir

    return (data_dir() / "cookies.schema.json").read_text(encoding="utf-8")


def catalogue_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every cookies.json validates against."""
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema
