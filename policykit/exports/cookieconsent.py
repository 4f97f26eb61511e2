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
  output is a JavaScript module rather than JSON. Each name comes once without a
  domain (the library clears the page's host, and its parent after "www.") and once
  for each domain the cookie is declared on (its own, its party's, the website's). Storage other than cookies is in the
  table but not in autoClear (the library clears only cookies).
- services: one per party within a category, labelled with the party's name, with the
  same cookies.
- language.translations, for every locale asked, in one config (the first is the
  default; with more than one, `autoDetect: "document"` picks the page's
  `<html lang>`; `rtl` lists the right-to-left ones): the preferences modal has a
  section per category (its title, `linkedCategory`, and its description: the
  category's own, else the purposes of its cookies, so that no section is empty) with
  a `cookieTable` whose headers and rows are the rendered policy's own (name,
  provider, purpose, lifetime, made by the same `localize`). Autoclear, services and
  tables come from the same records, so a cookie is declared once for every language.
- the policy's link (`policy_url`, "{locale}" standing for each locale): the consent
  modal's footer and a last section of the preferences modal link to it, titled
  with the policy's own title.
- Google consent mode v2 (policykit.exports.consent_mode): the module sets every
  consent type's default (denied, security granted) when it loads, and `onConsent` and
  `onChange` call `gtag("consent", "update", ...)` with the types the accepted
  categories grant.
- revision: from the policy's version, a number that changes whenever the version
  does (CRC-32 of it), so that a new version asks every visitor again; 0 without one.
- The library shows titles, descriptions and cells as HTML: every text is escaped.
- The banner's own words (title, buttons) are policykit's, in en, nl, de and fr; for
  another locale they are English and a PK853 finding says so.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from policykit.exports.common import (
    Export,
    JsCode,
    JsRegex,
    JsValue,
    Localized,
    cookie_domains,
    is_host,
    js_literal,
    localized,
    name_regex,
    policy_url_for,
    safe_names,
)
from policykit.findings import Finding, Severity
from policykit.model import Policy, Storage

if TYPE_CHECKING:
    from policykit.document import Translator

__all__ = ["BANNER_TEXT", "SPEC_VERSION", "cookieconsent_config", "export_cookieconsent", "revision"]

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


def revision(policy: Policy) -> int:
    """cookieconsent's revision for the policy's version: a non-negative number that
    changes with the version (0 when the policy has none)."""
    import zlib

    version = policy.meta.version
    return 0 if version is None else zlib.crc32(version.encode("utf-8", "surrogatepass")) & 0x7FFFFFFF


def _banner(locale: str) -> tuple[Mapping[str, str], bool]:
    primary = locale.split("-")[0].lower()
    banner = BANNER_TEXT.get(locale) or BANNER_TEXT.get(primary)
    return (banner, True) if banner is not None else (BANNER_TEXT["en"], False)


def cookieconsent_config(
    policy: Policy,
    locale: str | None = None,
    translator: Translator | None = None,
    *,
    locales: Sequence[tuple[str | None, Translator | None]] | None = None,
    policy_url: str | None = None,
    consent_mode: Mapping[str, Sequence[str]] | bool = True,
) -> tuple[dict[str, Any], bool]:
    """The config as data (RegExp values as JsRegex), in `locale` or in every one of
    `locales`, and whether the banner's own words exist in each (else they are English)."""
    asked = list(locales) if locales else [(locale, translator)]
    every = [localized(policy, code, t) for code, t in asked]
    # Categories in the policy's order (the built-in ones first), parties as they come.
    by_category: dict[str, dict[str, list[int]]] = {category.id: {} for category in policy.all_categories}
    for index, cookie in enumerate(policy.cookies):
        by_category[cookie.category].setdefault(cookie.party, []).append(index)
    used = {category_id: parties for category_id, parties in by_category.items() if parties}
    # Category and service names are keys of the library's objects, values in its
    # consent cookie and attributes in its HTML: safe names, unique by construction.
    category_names = {c: name for (c,), name in safe_names([(c,) for c in used]).items()}
    party_names = {p: name for (p,), name in safe_names([(p.id,) for p in policy.parties]).items()}
    categories: dict[str, Any] = {}
    for category_id, parties in used.items():
        category = policy.category(category_id)
        services: dict[str, Any] = {}
        clear: list[JsValue] = []
        for party_id, indexes in parties.items():
            party = policy.party(party_id)
            items: list[JsValue] = []
            for cookie in (policy.cookies[i] for i in indexes):
                if not cookie.name or cookie.storage is not Storage.COOKIE:
                    continue
                # The page's own host (and its parent, after "www."), then each declared one.
                items.append({"name": _name(cookie.name)})
                domains = dict.fromkeys(d.lstrip(".") for d in cookie_domains(policy, cookie) if is_host(d))
                items += [{"name": _name(cookie.name), "domain": domain} for domain in domains]
            services[party_names[party_id]] = {"label": _e(party.name or party.id), "cookies": items}
            clear += items
        necessary = not category.consent_required
        categories[category_names[category_id]] = {
            "enabled": necessary,
            "readOnly": necessary,
            "autoClear": {"cookies": clear},
            "services": services,
        }
    translations: dict[str, Any] = {}
    known = True
    rtl: list[str] = []
    for words in every:
        lang = words.locale
        if lang in translations:
            continue
        banner, has_words = _banner(lang)
        known = known and has_words
        if words.direction == "rtl":
            rtl.append(lang)
        translations[lang] = _translation(words, banner, used, category_names, policy_url_for(policy_url, lang))
    default = every[0].locale
    language: dict[str, Any] = {"default": default}
    if len(translations) > 1:
        language["autoDetect"] = "document"
    if rtl:
        language["rtl"] = rtl[0] if len(rtl) == 1 else rtl
    language["translations"] = translations
    config: dict[str, Any] = {"revision": revision(policy), "categories": categories, "language": language}
    if consent_mode is not False:
        from policykit.exports.consent_mode import consent_types

        overrides = None if consent_mode is True else consent_mode
        granted = consent_types(policy, overrides)
        pairs: list[JsValue] = [{"category": category_names[c], "types": list(granted[c])} for c in used if granted[c]]
        code = JsCode(_UPDATE.replace("PAIRS", js_literal(pairs, 2)).replace("DEFAULT", js_literal(_default(), 2)))
        config["onConsent"] = code
        config["onChange"] = code
    return config, known


def _default() -> dict[str, JsValue]:
    from policykit.exports.consent_mode import default_state

    return dict(default_state())


# On each choice: every consent type, granted where an accepted category grants it.
# Written so that TypeScript's strict checks accept it against the library's types.
_UPDATE = """({ cookie }) => {
    const gtag = Reflect.get(globalThis, "gtag");
    if (typeof gtag !== "function") return;
    const state = DEFAULT;
    const pairs = PAIRS;
    for (const pair of pairs) {
      if (cookie.categories.includes(pair.category)) for (const type of pair.types) Reflect.set(state, type, "granted");
    }
    gtag("consent", "update", state);
  }"""


def _translation(
    words: Localized,
    banner: Mapping[str, str],
    used: Mapping[str, Any],
    category_names: Mapping[str, str],
    url: str | None,
) -> dict[str, Any]:
    headers = {key: _e(words.headers[key]) for key in ("name", "provider", "purpose", "lifetime")}
    sections: list[dict[str, Any]] = []
    for category_id, parties in used.items():
        indexes = [i for party_indexes in parties.values() for i in party_indexes]
        rows = [words.rows[i] for i in indexes]
        body = [
            {"name": _e(r.name), "provider": _e(r.provider), "purpose": _e(r.purpose), "lifetime": _e(r.lifetime)}
            for r in rows
        ]
        description = words.category_descriptions.get(category_id)
        if description is None:
            description = " ".join(dict.fromkeys(r.purpose for r in rows))
        sections.append(
            {
                "title": _e(words.categories[category_id]),
                "description": _e(description),
                "linkedCategory": category_names[category_id],
                "cookieTable": {"headers": headers, "body": body},
            }
        )
    consent: dict[str, Any] = {
        "title": _e(banner["title"]),
        "description": _e(banner["description"]),
        "acceptAllBtn": _e(banner["accept_all"]),
        "acceptNecessaryBtn": _e(banner["reject_all"]),
        "showPreferencesBtn": _e(banner["manage"]),
    }
    if url is not None:
        link = f'<a href="{_e(url)}">{_e(words.title)}</a>'
        consent["footer"] = link
        sections.append({"title": _e(words.title), "description": link})
    return {
        "consentModal": consent,
        "preferencesModal": {
            "title": _e(banner["preferences_title"]),
            "acceptAllBtn": _e(banner["accept_all"]),
            "acceptNecessaryBtn": _e(banner["reject_all"]),
            "savePreferencesBtn": _e(banner["save"]),
            "closeIconLabel": _e(banner["close"]),
            "sections": sections,
        },
    }


def export_cookieconsent(
    policy: Policy,
    locale: str | None = None,
    translator: Translator | None = None,
    *,
    locales: Sequence[tuple[str | None, Translator | None]] | None = None,
    policy_url: str | None = None,
    consent_mode: Mapping[str, Sequence[str]] | bool = True,
) -> Export:
    """An ES module that exports the config, for `locale` or for every one of `locales`.
    `consent_mode`: Google consent mode on (True: policykit's table), off (False), or
    the table's rows replaced (category id -> consent types)."""
    config, _ = cookieconsent_config(
        policy, locale, translator, locales=locales, policy_url=policy_url, consent_mode=consent_mode
    )
    translators = [t for _, t in locales] if locales else [translator]
    findings = [f for t in translators for f in getattr(t, "findings", ())]
    for lang in config["language"]["translations"]:
        if _banner(lang)[1]:
            continue
        findings.append(
            Finding(
                NO_BANNER_WORDS,
                Severity.WARNING,
                f"policykit has no banner wording in '{lang}'; the banner's title and buttons are in English",
                policy.origin or "<policy>",
            )
        )
    text = "// cookieconsent v3 config made by policykit from the policy's cookies.\n"
    if consent_mode is not False:
        from policykit.exports.consent_mode import default_state, gtag_prelude

        text += gtag_prelude(default_state())
    text += f"export default {js_literal(config)};\n"
    return Export(text, tuple(findings))
