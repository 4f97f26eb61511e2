"""An orestbida cookieconsent v3 config (the npm package vanilla-cookieconsent).

Spec: cookieconsent 3 (orestbida/cookieconsent), its `CookieConsent.run(config)`
configuration and the types in `types/index.d.ts`, read 2026-11-26 at 3.1.0.

In: a Policy, a locale and its translations. Out: an ES module whose default export is
the config, so that

    import config from './cookieconsent-config.mjs';
    CookieConsent.run(config);

- categories: one per category that has cookies; `readOnly` and `enabled` when it needs
  no consent. `autoClear.cookies` lists its cookie names, `[{name}]`, a string for an
  exact name and a RegExp literal for a pattern (`_ga_*` -> /^_ga_.*$/); that is why the
  output is a JavaScript module rather than JSON. Storage other than cookies is in the
  table but not in autoClear (the library clears only cookies).
- services: one per party within a category, labelled with the party's name, with the
  same cookies.
- language.translations, for the locale asked only: the preferences modal has a
  section per category (its title and description, `linkedCategory`) with a
  `cookieTable` whose headers and rows are the rendered policy's own (name, provider,
  purpose, lifetime, made by the same `localize`). Autoclear, services and tables come
  from the same records, so a cookie is declared once for every language.
- The library shows titles, descriptions and cells as HTML: every text is escaped.
- The banner's own words (title, buttons) are policykit's, in en, nl, de and fr; for
  another locale they are English and a PK853 finding says so.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from policykit.exports.common import (
    Export,
    JsRegex,
    JsValue,
    js_literal,
    localized,
    name_regex,
)
from policykit.findings import Finding, Severity
from policykit.model import Policy, Storage

if TYPE_CHECKING:
    from policykit.document import Translator

__all__ = ["BANNER_TEXT", "SPEC_VERSION", "cookieconsent_config", "export_cookieconsent"]

SPEC_VERSION = "cookieconsent 3 (vanilla-cookieconsent 3.x) CookieConsent.run config"

# The banner's own words, which the policy does not hold. Reviewed by a speaker of each
# language before a release; a locale not listed gets English and a finding.
BANNER_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title": "We use cookies",
        "description": "This website uses cookies. Choose which ones you accept; you can change your choice "
        "at any time.",
        "accept_all": "Accept all",
        "reject_all": "Reject all",
        "manage": "Manage preferences",
        "save": "Save preferences",
        "close": "Close",
        "preferences_title": "Cookie preferences",
    },
    "nl": {
        "title": "Wij gebruiken cookies",
        "description": "Deze website gebruikt cookies. Kies welke u accepteert; u kunt uw keuze altijd wijzigen.",
        "accept_all": "Alles accepteren",
        "reject_all": "Alles weigeren",
        "manage": "Voorkeuren beheren",
        "save": "Voorkeuren opslaan",
        "close": "Sluiten",
        "preferences_title": "Cookievoorkeuren",
    },
    "de": {
        "title": "Wir verwenden Cookies",
        "description": "Diese Website verwendet Cookies. Wählen Sie, welche Sie akzeptieren; Sie können Ihre Wahl "
        "jederzeit ändern.",
        "accept_all": "Alle akzeptieren",
        "reject_all": "Alle ablehnen",
        "manage": "Einstellungen verwalten",
        "save": "Einstellungen speichern",
        "close": "Schließen",
        "preferences_title": "Cookie-Einstellungen",
    },
    "fr": {
        "title": "Nous utilisons des cookies",
        "description": "Ce site utilise des cookies. Choisissez ceux que vous acceptez ; vous pouvez modifier votre "
        "choix à tout moment.",
        "accept_all": "Tout accepter",
        "reject_all": "Tout refuser",
        "manage": "Gérer les préférences",
        "save": "Enregistrer les préférences",
        "close": "Fermer",
        "preferences_title": "Préférences en matière de cookies",
    },
}

NO_BANNER_WORDS = "PK853"


def _name(name: str) -> JsValue:
    return JsRegex(name_regex(name)) if "*" in name else name


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def cookieconsent_config(
    policy: Policy, locale: str | None = None, translator: Translator | None = None
) -> tuple[dict[str, Any], bool]:
    """The config as data (RegExp values as JsRegex), and whether the banner's own words
    exist in the locale (else they are English)."""
    words = localized(policy, locale, translator)
    lang = words.locale
    primary = lang.split("-")[0].lower()
    banner = BANNER_TEXT.get(lang) or BANNER_TEXT.get(primary)
    known = banner is not None
    banner = banner or BANNER_TEXT["en"]
    # Categories in the policy's order (the built-in ones first), parties as they come.
    by_category: dict[str, dict[str, list[int]]] = {category.id: {} for category in policy.all_categories}
    for index, cookie in enumerate(policy.cookies):
        by_category[cookie.category].setdefault(cookie.party, []).append(index)
    categories: dict[str, Any] = {}
    sections: list[dict[str, Any]] = []
    headers = {key: _e(words.headers[key]) for key in ("name", "provider", "purpose", "lifetime")}
    for category_id, parties in by_category.items():
        if not parties:
            continue
        category = policy.category(category_id)
        services: dict[str, Any] = {}
        clear: list[JsValue] = []
        body: list[dict[str, str]] = []
        for party_id, indexes in parties.items():
            party = policy.party(party_id)
            names = [c.name for c in (policy.cookies[i] for i in indexes) if c.name and c.storage is Storage.COOKIE]
            items: list[JsValue] = [{"name": _name(name)} for name in names]
            services[party_id] = {"label": _e(party.name or party.id), "cookies": items}
            clear += items
            for i in indexes:
                row = words.rows[i]
                body.append(
                    {
                        "name": _e(row.name),
                        "provider": _e(row.provider),
                        "purpose": _e(row.purpose),
                        "lifetime": _e(row.lifetime),
                    }
                )
        necessary = not category.consent_required
        categories[category_id] = {
            "enabled": necessary,
            "readOnly": necessary,
            "autoClear": {"cookies": clear},
            "services": services,
        }
        sections.append(
            {
                "title": _e(words.categories[category_id]),
                "description": _e(words.category_descriptions.get(category_id, "")),
                "linkedCategory": category_id,
                "cookieTable": {"headers": headers, "body": body},
            }
        )
    translation = {
        "consentModal": {
            "title": _e(banner["title"]),
            "description": _e(banner["description"]),
            "acceptAllBtn": _e(banner["accept_all"]),
            "acceptNecessaryBtn": _e(banner["reject_all"]),
            "showPreferencesBtn": _e(banner["manage"]),
        },
        "preferencesModal": {
            "title": _e(banner["preferences_title"]),
            "acceptAllBtn": _e(banner["accept_all"]),
            "acceptNecessaryBtn": _e(banner["reject_all"]),
            "savePreferencesBtn": _e(banner["save"]),
            "closeIconLabel": _e(banner["close"]),
            "sections": sections,
        },
    }
    language: dict[str, Any] = {"default": lang, "translations": {lang: translation}}
    if words.direction == "rtl":
        language["rtl"] = lang
    return {"categories": categories, "language": language}, known


def export_cookieconsent(policy: Policy, locale: str | None = None, translator: Translator | None = None) -> Export:
    """An ES module that exports the config for the locale asked."""
    config, known = cookieconsent_config(policy, locale, translator)
    findings = list(getattr(translator, "findings", ()))
    if not known:
        lang = config["language"]["default"]
        findings.append(
            Finding(
                NO_BANNER_WORDS,
                Severity.WARNING,
                f"policykit has no banner wording in '{lang}'; the banner's title and buttons are in English",
                policy.origin or "<policy>",
            )
        )
    text = "// cookieconsent v3 config made by policykit from the policy's cookies.\n"
    text += f"export default {js_literal(config)};\n"
    return Export(text, tuple(findings))
