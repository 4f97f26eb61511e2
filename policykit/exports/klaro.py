"""A Klaro! consent manager config.

Spec: Klaro! 0.7 (kiprotect/klaro), its annotated `dist/config.js` and the code that
reads it (`src/consent-manager.js`, `src/utils/i18n.js`), read 2026-11-26 at 0.7.22.

In: a Policy, a locale and its translations. Out: a script that sets the global
`klaroConfig`, which Klaro reads when it loads:

    <script src="klaro-config.js"></script><script src="klaro.js"></script>

- A service per party and category (consent is asked per category, and Klaro asks it
  per service): `operator-marketing`, titled with the party's name, for the category's
  purpose, `required` when the category needs no consent.
- cookies: the service's cookie names. Klaro deletes them when consent is withdrawn; a
  string is an exact name and a string starting with `^` a regular expression, so a
  pattern `_ga_*` becomes "^_ga_.*$" and the config stays plain data. Storage other
  than cookies is described but not listed there (Klaro deletes only cookies).
- translations for the locale asked, under Klaro's language code (the primary subtag:
  `pt` for pt-BR): purpose titles and descriptions, and each service's description,
  which lists its cookies with their lifetimes and purposes in the reader's language,
  made by the same `localize` as the rendered policy. Klaro's own words (buttons) come
  from its bundled translations; `htmlTexts` is off, so every text is shown as text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policykit.exports.common import Export, js_literal, localized, name_regex
from policykit.model import Policy, Storage

if TYPE_CHECKING:
    from policykit.document import Translator

__all__ = ["SPEC_VERSION", "export_klaro", "klaro_config"]

SPEC_VERSION = "Klaro! 0.7 config (version: 1)"


def _cookie_pattern(name: str) -> str:
    # Klaro reads a string that starts with "^" as a regular expression.
    return name_regex(name) if "*" in name or name.startswith("^") else name


def klaro_config(policy: Policy, locale: str | None = None, translator: Translator | None = None) -> dict[str, Any]:
    """The Klaro! config as plain data."""
    words = localized(policy, locale, translator)
    lang = words.locale.split("-")[0].lower()
    # Services by category in the policy's order (the built-in ones first), then party.
    order = {category.id: rank for rank, category in enumerate(policy.all_categories)}
    groups: dict[str, list[int]] = {}
    for index in sorted(range(len(policy.cookies)), key=lambda i: order[policy.cookies[i].category]):
        cookie = policy.cookies[index]
        groups.setdefault(f"{cookie.party}-{cookie.category}", []).append(index)
    services: list[dict[str, Any]] = []
    texts: dict[str, Any] = {}
    purposes: dict[str, dict[str, str]] = {}
    for service_name, indexes in groups.items():
        first = policy.cookies[indexes[0]]
        party = policy.party(first.party)
        category = policy.category(first.category)
        rows = [words.rows[i] for i in indexes]
        names = [c.name for c in (policy.cookies[i] for i in indexes) if c.name and c.storage is Storage.COOKIE]
        services.append(
            {
                "name": service_name,
                "title": party.name or party.id,
                "purposes": [category.id],
                "cookies": [_cookie_pattern(name) for name in names],
                "required": not category.consent_required,
                "default": False,
                "optOut": False,
            }
        )
        lines = [f"{row.name} ({row.lifetime}): {row.purpose}" for row in rows]
        texts[service_name] = {"title": party.name or party.id, "description": " ".join(lines)}
        purpose = {"title": words.categories[category.id]}
        if category.id in words.category_descriptions:
            purpose["description"] = words.category_descriptions[category.id]
        purposes[category.id] = purpose
    return {
        "version": 1,
        "lang": lang,
        "htmlTexts": False,
        "groupByPurpose": True,
        "storageMethod": "cookie",
        "default": False,
        "mustConsent": False,
        "acceptAll": True,
        "hideDeclineAll": False,
        "translations": {lang: {"purposes": purposes, **texts}},
        "services": services,
    }


def export_klaro(policy: Policy, locale: str | None = None, translator: Translator | None = None) -> Export:
    """A script that sets `klaroConfig` for the locale asked."""
    config = klaro_config(policy, locale, translator)
    # No text of the policy goes into the comment: a line break there would end it.
    text = "// Klaro! config made by policykit from the policy's cookies.\n"
    text += f"var klaroConfig = {js_literal(config)};\n"
    return Export(text, tuple(getattr(translator, "findings", ())))
