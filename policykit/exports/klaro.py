"""A Klaro! consent manager config.

Spec: Klaro! 0.7 (kiprotect/klaro), its annotated `dist/config.js` and the code that
reads it (`src/consent-manager.js`, `src/utils/i18n.js`), read 2026-11-26 at 0.7.22.

In: a Policy, a locale and its translations. Out: a script that sets the global
`klaroConfig`, which Klaro reads when it loads:

    <script src="klaro-config.js"></script><script src="klaro.js"></script>

- A service per party and category (consent is asked per category, and Klaro asks it
  per service): `operator-marketing`, titled with the party's name, for the category's
  purpose, `required` only when the category needs no consent. Service and purpose
  names go into Klaro's CSS selectors (`[data-name='...']`) and element ids: they are
  `party-category` where that is letters, digits, `_` and `-` and unique, else a slug
  and a hash of the two ids (`safe_names`), so that no id can break a selector and two
  (party, category) pairs never share a service.
- purposes: the category ids, except that Klaro treats the purpose id `functional` as
  always required (its notice leaves it out of the purposes it asks about): the
  strictly necessary category is Klaro's `functional`, and a category with the id
  `functional` (which asks consent), like any id that is not a safe name, gets a
  hashed name.
- cookies: `[pattern, path, domain]` for each domain the cookie is set on (its
  `domain`, else its party's domains, else the host of the policy's website): Klaro
  can delete a cookie set on a parent domain (`_ga` on example.com) only when it is
  given that domain. The path is "/" (the policy does not record paths). A pattern is
  a string starting with `^`, a regular expression: `_ga_*` becomes "^_ga_.*$".
  Storage other than cookies is described but not listed (Klaro deletes only cookies).
- translations for every locale asked, under Klaro's language codes (the primary
  subtag: `pt` for pt-BR), in one config: purpose titles and descriptions, each
  service's description (its cookies with their lifetimes and purposes in the
  reader's language, made by the same `localize` as the rendered policy) and
  `privacyPolicyUrl`, the policy's address in that language. With one locale the
  config sets `lang`; with more, Klaro picks the page's `<html lang>` and falls back
  to the first. Klaro's own words (buttons) come from its bundled translations;
  `htmlTexts` is off, so every text is shown as text.
- Google consent mode v2 (policykit.exports.consent_mode): the script sets every
  consent type's default (denied, security granted), and the config's `callback`
  calls `gtag("consent", "update", ...)` with the types of the services consented to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from policykit.exports.common import (
    LEFT_OUT,
    Export,
    JsCode,
    JsValue,
    Problem,
    cookie_domains,
    is_host,
    js_literal,
    localized,
    name_regex,
    policy_url_for,
    safe_names,
    to_findings,
)
from policykit.model import CategoryKind, Policy, Storage

if TYPE_CHECKING:
    from policykit.document import Translator
    from policykit.source import Source

__all__ = ["SPEC_VERSION", "export_klaro", "klaro_config"]

SPEC_VERSION = "Klaro! 0.7 config (version: 1)"

# Purpose ids Klaro gives a meaning of its own: `functional` is always required.
_RESERVED_PURPOSES = frozenset({"functional"})


def _cookie_pattern(name: str) -> str:
    # Klaro reads a string that starts with "^" as a regular expression.
    return name_regex(name) if "*" in name or name.startswith("^") else name


def _klaro_lang(locale: str) -> str:
    return locale.split("-")[0].lower()


def klaro_config(
    policy: Policy,
    locale: str | None = None,
    translator: Translator | None = None,
    *,
    locales: Sequence[tuple[str | None, Translator | None]] | None = None,
    policy_url: str | None = None,
    problems: list[Problem] | None = None,
    consent_mode: Mapping[str, Sequence[str]] | bool = True,
) -> dict[str, Any]:
    """The Klaro! config as plain data, in `locale` or in every one of `locales` (each
    with its translator; the first is the fallback). `policy_url`: the policy's address,
    where "{locale}" stands for each locale. What cannot be said goes to `problems`."""
    asked = list(locales) if locales else [(locale, translator)]
    every = [localized(policy, code, t) for code, t in asked]
    # Services by category in the policy's order (the built-in ones first), then party.
    order = {category.id: rank for rank, category in enumerate(policy.all_categories)}
    groups: dict[tuple[str, str], list[int]] = {}
    for index in sorted(range(len(policy.cookies)), key=lambda i: order[policy.cookies[i].category]):
        cookie = policy.cookies[index]
        groups.setdefault((cookie.party, cookie.category), []).append(index)
    service_names = safe_names(list(groups))
    used_categories = list(dict.fromkeys(category for _, category in groups))
    purpose_names = safe_names([(c,) for c in used_categories], _RESERVED_PURPOSES)
    # Klaro's own always-required purpose is the one strictly necessary category.
    necessary = [
        c
        for c in used_categories
        if policy.category(c).kind is CategoryKind.STRICTLY_NECESSARY and not policy.category(c).consent_required
    ]
    if necessary:
        purpose_names[(necessary[0],)] = "functional"
    services: list[dict[str, Any]] = []
    for (party_id, category_id), indexes in groups.items():
        party = policy.party(party_id)
        category = policy.category(category_id)
        cookies: list[Any] = []
        for i in indexes:
            cookie = policy.cookies[i]
            if not cookie.name or cookie.storage is not Storage.COOKIE:
                continue
            pattern = _cookie_pattern(cookie.name)
            domains = [d for d in cookie_domains(policy, cookie) if is_host(d)]
            for bad in sorted(set(cookie_domains(policy, cookie)) - set(domains)):
                if problems is not None:
                    problems.append(
                        Problem(LEFT_OUT, i, "domain", f"domain {bad[:60]!r} is not a host name; Klaro is not given it")
                    )
            cookies += [[pattern, "/", domain] for domain in domains] or [[pattern, "/"]]
        services.append(
            {
                "name": service_names[(party_id, category_id)],
                "title": party.name or party.id,
                "purposes": [purpose_names[(category_id,)]],
                "cookies": cookies,
                "required": not category.consent_required,
                "default": False,
                "optOut": False,
            }
        )
    translations: dict[str, Any] = {}
    for words in every:
        lang = _klaro_lang(words.locale)
        if lang in translations:
            continue
        texts: dict[str, Any] = {}
        url = policy_url_for(policy_url, words.locale)
        if url is not None:
            texts["privacyPolicyUrl"] = url
        purposes: dict[str, dict[str, str]] = {}
        for category_id in used_categories:
            # Always a description (else Klaro shows its own for a purpose it knows): the
            # category's, else the purposes of its cookies.
            rows = [words.rows[i] for (_, c), indexes in groups.items() if c == category_id for i in indexes]
            description = words.category_descriptions.get(category_id)
            if description is None:
                description = " ".join(dict.fromkeys(row.purpose for row in rows))
            title = words.categories[category_id]
            purposes[purpose_names[(category_id,)]] = {"title": title, "description": description}
        texts["purposes"] = purposes
        for (party_id, category_id), indexes in groups.items():
            party = policy.party(party_id)
            lines = [f"{row.name} ({row.lifetime}): {row.purpose}" for row in (words.rows[i] for i in indexes)]
            texts[service_names[(party_id, category_id)]] = {
                "title": party.name or party.id,
                "description": " ".join(lines),
            }
        translations[lang] = texts
    first = _klaro_lang(every[0].locale)
    config: dict[str, Any] = {"version": 1}
    if len(translations) == 1:
        config["lang"] = first
    else:
        config["fallbackLang"] = first
    config.update(
        {
            "htmlTexts": False,
            "groupByPurpose": True,
            "storageMethod": "cookie",
            "default": False,
            "mustConsent": False,
            "acceptAll": True,
            "hideDeclineAll": False,
            "purposeOrder": [purpose_names[(c,)] for c in used_categories],
            "translations": translations,
            "services": services,
        }
    )
    if consent_mode is not False:
        from policykit.exports.consent_mode import consent_types, default_state

        granted = consent_types(policy, None if consent_mode is True else consent_mode)
        by_service: dict[str, JsValue] = {
            service_names[key]: list(granted[key[1]]) for key in groups if granted[key[1]]
        }
        state: dict[str, JsValue] = dict(default_state())
        config["callback"] = JsCode(
            _CALLBACK.replace("STATE", js_literal(state, 2)).replace("SERVICES", js_literal(by_service, 2))
        )
    return config


# Klaro calls `callback(consent, service)` for each service it applies, with `this` the
# config: the choices so far are kept on it, and every type is sent on each call.
_CALLBACK = """function (consent, service) {
    const gtag = globalThis.gtag;
    this.policykitConsents = Object.assign(this.policykitConsents || {}, {[service.name]: consent});
    if (typeof gtag !== "function") return;
    const state = STATE;
    const services = SERVICES;
    for (const name of Object.keys(services)) {
      if (this.policykitConsents[name] === true) for (const type of services[name]) state[type] = "granted";
    }
    gtag("consent", "update", state);
  }"""


def export_klaro(
    policy: Policy,
    locale: str | None = None,
    translator: Translator | None = None,
    *,
    locales: Sequence[tuple[str | None, Translator | None]] | None = None,
    policy_url: str | None = None,
    source: Source | None = None,
    consent_mode: Mapping[str, Sequence[str]] | bool = True,
) -> Export:
    """A script that sets `klaroConfig`, for `locale` or for every one of `locales`.
    `consent_mode`: Google consent mode on (True: policykit's table), off (False), or
    the table's rows replaced (category id -> consent types)."""
    problems: list[Problem] = []
    config = klaro_config(
        policy,
        locale,
        translator,
        locales=locales,
        policy_url=policy_url,
        problems=problems,
        consent_mode=consent_mode,
    )
    # No text of the policy goes into the comment: a line break there would end it.
    text = "// Klaro! config made by policykit from the policy's cookies.\n"
    if consent_mode is not False:
        from policykit.exports.consent_mode import default_state, gtag_prelude

        text += gtag_prelude(default_state())
    text += f"var klaroConfig = {js_literal(config)};\n"
    translators = [t for _, t in locales] if locales else [translator]
    findings = [f for t in translators for f in getattr(t, "findings", ())]
    return Export(text, (*findings, *to_findings(policy, problems, source)))
