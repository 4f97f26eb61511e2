"""A lifetime in the reader's words, in every shipped locale: a choice, a maximum, a
renewal, each with the exact duration (never "3 months" for 90 days)."""

from __future__ import annotations

from pathlib import Path

import pytest

import policykit
from policykit.document import Translator
from policykit.i18n.lifetimes import lifetime_words
from policykit.i18n.translator import CatalogTranslator
from policykit.syntax import parse_lifetime

FIXTURE = Path(__file__).parent / "fixtures" / "load" / "real-lifetimes.yaml"

# locale -> (session or 14 days, up to 2 years, 2 years from your last visit, up to 90 days from ...)
EXPECTED = {
    "en": (
        "Session or 14 days (depending on your choice)",
        "up to 2 years",
        "2 years from your last visit",
        "up to 90 days from your last visit",
    ),
    "nl": (
        "Sessie of 14 dagen (afhankelijk van uw keuze)",
        "maximaal 2 jaar",
        "2 jaar na uw laatste bezoek",
        "maximaal 90 dagen na uw laatste bezoek",
    ),
    "de": (
        "Sitzung oder 14 Tage (je nach Ihrer Wahl)",
        "höchstens 2 Jahre",
        "2 Jahre nach Ihrem letzten Besuch",
        "höchstens 90 Tage nach Ihrem letzten Besuch",
    ),
    "fr": (
        "Session ou 14 jours (selon votre choix)",
        "jusqu’à 2 ans",  # noqa: RUF001 (French typography)
        "2 ans après votre dernière visite",
        "jusqu’à 90 jours après votre dernière visite",  # noqa: RUF001
    ),
    "ar": (
        "الجلسة أو 14 يومًا (حسب اختيارك)",
        "سنتان كحد أقصى",
        "سنتان من آخر زيارة لك",
        "90 يومًا كحد أقصى من آخر زيارة لك",
    ),
}
TEXTS = ("session or 14 days", "up to 2 years", "2 years from your last visit", "up to 90 days from your last visit")


def _translator(locale: str) -> Translator:
    return Translator() if locale == "en" else CatalogTranslator(locale, None)


@pytest.mark.parametrize("locale", sorted(EXPECTED))
def test_every_case_in_every_shipped_locale(locale: str) -> None:
    label = _translator(locale).template_text
    assert tuple(lifetime_words(parse_lifetime(text), locale, label) for text in TEXTS) == EXPECTED[locale]


def test_the_event_follows_the_whole_choice() -> None:
    lifetime = parse_lifetime("session or 14 days or until logout")
    words = lifetime_words(lifetime, "en", Translator().template_text, "logout")
    assert words == "Session or 14 days (depending on your choice) or until logout"


def test_a_translator_cannot_reach_past_a_bare_name() -> None:
    labels = {"lifetime.up_to": "{duration.__class__} {duration}", "lifetime.choice": "{first}|{second}"}
    label = lambda key: labels.get(key, "{second}" if key == "session" else key)  # noqa: E731
    assert lifetime_words(parse_lifetime("up to 2 years"), "en", label) == "{duration.__class__} 2 years"
    # A value that holds a placeholder is never filled again.
    assert lifetime_words(parse_lifetime("session or 14 days"), "en", label) == "{second}|14 days"


@pytest.mark.parametrize("locale", ["en", "nl", "ar"])
def test_the_rendered_policy_says_each_lifetime(locale: str) -> None:
    policy = policykit.load(FIXTURE)
    translator = None if locale == "en" else CatalogTranslator(locale, None)
    markdown = policykit.render(policy, "md", locale, translator=translator)
    for expected in EXPECTED[locale][:3]:
        assert expected in markdown, (locale, expected)


def test_a_choice_is_listed_with_the_persistent_cookies() -> None:
    policy = policykit.load(FIXTURE)
    persistent = policykit.CookieTable(persistence=policykit.Persistence.PERSISTENT)
    session = policykit.CookieTable(persistence=policykit.Persistence.SESSION)
    assert [c.name for c in policy.matching_cookies(persistent)] == ["wordpress_logged_in_*", "_pk_id.*", "visitor"]
    assert list(policy.matching_cookies(session)) == []
