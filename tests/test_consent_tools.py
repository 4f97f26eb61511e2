"""The consent tools' configs in the real libraries (Klaro 0.7, vanilla-cookieconsent
v3, from the npm registry) in headless Chromium, in en, nl and ar, on a page served
from 127.0.0.1 under the policy's own host names (Chromium's host resolver maps
www.example.com and example.com to the loopback address), so that a cookie set on the
parent domain, as Google Analytics sets `_ga`, is really there to be cleared."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from test_exports import REPORT, library, policy, result_of, served, translator, visible_text
from tools import CHROMIUM_FLAGS, require

from policykit.exports import export

__all__ = ["chromium_on_example", "served"]

LOCALES = ("en", "nl", "ar")
# The page sets the cookies the policy declares, as their vendors set them: _ga and
# _ga_<id> on the parent domain, the site's own on its host.
SET_COOKIES = (
    "document.cookie = '_ga=1; path=/; domain=example.com';"
    "document.cookie = '_ga_ABC123=1; path=/; domain=example.com';"
    "document.cookie = 'WHMCSabc=1; path=/'; document.cookie = 'WHMCSAffiliateID=1; path=/';"
    "document.cookie = 'TawkConnectionTime=1; path=/'; document.cookie = 'other=1; path=/';"
)
# A gtag that records its calls, as a page defines before the consent tool loads.
STUB_GTAG = "<script>window.__calls = []; window.gtag = function () { __calls.push(Array.from(arguments)); };</script>"
TYPES = ("ad_storage", "ad_user_data", "ad_personalization", "analytics_storage", "functionality_storage",
         "personalization_storage", "security_storage")  # fmt: skip
DENIED = {**dict.fromkeys(TYPES, "denied"), "security_storage": "granted"}
GRANTED = dict.fromkeys(TYPES, "granted")
COOKIES = "document.cookie.split('; ').map(c => c.split('=')[0]).filter(Boolean).sort()"


def chromium_on_example(url: str, profile: Path) -> str:
    """The DOM of `url` (on 127.0.0.1) loaded as http://www.example.com:PORT/..."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    require(chromium is not None, "Chromium")
    assert chromium is not None
    rules = "--host-resolver-rules=MAP www.example.com 127.0.0.1, MAP example.com 127.0.0.1"
    done = subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            rules,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=15000",
            "--dump-dom",
            url.replace("127.0.0.1", "www.example.com"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout


def _locales() -> list[tuple[str | None, Any]]:
    return [(code, translator(code)) for code in LOCALES]


@pytest.mark.parametrize("locale", LOCALES)
def test_klaro_asks_about_every_category_and_clears_the_parent_domain(locale: str, served: tuple[Path, str]) -> None:
    script = library("POLICYKIT_KLARO_JS", "Klaro! (klaro.js)")
    folder, base = served
    shutil.copy(script, folder / "klaro.js")
    config = export(policy(), "klaro", locales=_locales(), policy_url="https://www.example.com/{locale}/").text
    (folder / "config.js").write_text(config, "utf-8")
    page = (
        f'<!doctype html><html lang="{locale}"><head><meta charset="utf-8"><title>t</title></head><body>'
        + STUB_GTAG
        + '<script src="config.js"></script><script src="klaro.js"></script><script>'
        "window.addEventListener('load', () => setTimeout(() => {"
        " const notice = document.querySelector('.klaro .cookie-notice');"
        " const manager = klaro.getManager(); manager.changeAll(true); manager.saveAndApplyConsents();"
        " const afterAccept = __calls[__calls.length - 1];" + SET_COOKIES + " const accepted = " + COOKIES + ";"
        " klaro.show(undefined, true);"
        " setTimeout(() => {"
        "  const modal = document.querySelector('.klaro .cookie-modal');"
        "  const link = modal && modal.querySelector('a[href^=\"https:\"]');"
        "  manager.changeAll(false); manager.saveAndApplyConsents();"
        "  const result = {notice: notice ? notice.textContent : null, link: link ? link.href : null,"
        "   modal: modal ? modal.innerHTML : null, accepted, cookies: " + COOKIES + ","
        "   first: __calls[0], afterAccept, afterDecline: __calls[__calls.length - 1]};" + REPORT + " }, 500);"
        "}, 200));</script></body></html>"
    )
    (folder / "index.html").write_text(page, encoding="utf-8")
    result = result_of(chromium_on_example(f"{base}/index.html", folder / "profile"))
    assert result["notice"], "Klaro's consent notice did not show"
    words = {
        "en": ("Functional", "Analytics", "Strictly necessary"),
        "nl": ("Functioneel", "Analyse", "Strikt noodzakelijk"),
        "ar": ("وظيفية", "تحليلية", "ضرورية"),
    }[locale]
    # The notice asks about the functional category too (Klaro leaves a purpose named
    # "functional" out), not about the strictly necessary one, and its preferences link
    # to the policy in the page's language.
    asked = result["notice"].split("?")[0]
    assert words[0] in asked and words[1] in asked and words[2] not in asked, asked
    assert result["link"] == f"https://www.example.com/{locale}/"
    modal = visible_text(result["modal"])
    assert "These services are essential" not in modal and words[2] in modal
    for cookie in policy().cookies:
        assert f"{cookie.name} (" in modal
    assert {"_ga", "_ga_ABC123", "TawkConnectionTime"} <= set(result["accepted"])
    # Withdrawn: everything that needs consent is gone, on the parent domain too.
    assert set(result["cookies"]) == {"WHMCSabc", "other", "klaro"}, result["cookies"]  # klaro: its own choice
    # Google consent mode: denied by default, every type granted on accept, denied again on decline.
    assert result["first"] == ["consent", "default", DENIED]
    assert result["afterAccept"] == ["consent", "update", GRANTED]
    assert result["afterDecline"] == ["consent", "update", DENIED]


def _cookieconsent_page(locale: str, config: str) -> str:
    return (
        f'<!doctype html><html lang="{locale}"><head><meta charset="utf-8"><title>t</title></head><body>'
        + STUB_GTAG
        + '<script src="cookieconsent.umd.js"></script><script type="module">'
        f"import config from './{config}';" + SET_COOKIES + "await CookieConsent.run(config);"
        "const first = __calls[0];"
        "const banner = document.querySelector('#cc-main .cm');"
        "const link = banner && banner.querySelector('a[href]');"
        "CookieConsent.showPreferences();"
        "await new Promise(r => setTimeout(r, 500));"
        "const sections = [...document.querySelectorAll('#cc-main .pm__section, #cc-main .pm__section--toggle')]"
        ".map(s =>"
        " [(s.querySelector('.pm__section-title') || {}).textContent || '',"
        "  (s.querySelector('.pm__section-desc') || {}).textContent || '']);"
        "const dir = document.querySelector('#cc-main').classList.contains('cc--rtl') ? 'rtl' : 'ltr';"
        "CookieConsent.acceptCategory(['analytics']);"
        "await new Promise(r => setTimeout(r, 300));"
        "const afterAnalytics = __calls[__calls.length - 1];"
        "CookieConsent.acceptCategory([]);"  # reject everything that asks consent: autoClear runs
        "await new Promise(r => setTimeout(r, 500));"
        "const result = {banner: banner ? banner.textContent : null, link: link ? link.href : null, sections, dir,"
        " first, afterAnalytics, afterDecline: __calls[__calls.length - 1],"
        " revision: CookieConsent.getCookie('revision'), cookies: "
        + COOKIES
        + "};"
        + REPORT
        + "</script></body></html>"
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_cookieconsent_speaks_the_pages_language_and_clears_the_parent_domain(
    locale: str, served: tuple[Path, str]
) -> None:
    umd = library("POLICYKIT_COOKIECONSENT_JS", "vanilla-cookieconsent v3")
    folder, base = served
    shutil.copy(umd, folder / "cookieconsent.umd.js")
    config = export(policy(), "cookieconsent", locales=_locales(), policy_url="https://www.example.com/{locale}/")
    (folder / "config.mjs").write_text(config.text, "utf-8")
    (folder / "index.html").write_text(_cookieconsent_page(locale, "config.mjs"), encoding="utf-8")
    result = result_of(chromium_on_example(f"{base}/index.html", folder / "profile"))
    banner = {"en": "We use cookies", "nl": "Wij gebruiken cookies", "ar": "We use cookies"}[locale]
    assert result["banner"] and banner in result["banner"]
    assert result["link"] == f"https://www.example.com/{locale}/"
    assert result["dir"] == ("rtl" if locale == "ar" else "ltr")
    # Every category's section says what it is for; the last one links to the policy.
    assert len(result["sections"]) == 5 and all(title and text for title, text in result["sections"])
    from policykit.exports.cookieconsent import revision

    assert result["revision"] == revision(policy()) != 0
    assert set(result["cookies"]) == {"WHMCSabc", "other", "cc_cookie"}, result["cookies"]
    assert result["first"] == ["consent", "default", DENIED]
    assert result["afterAnalytics"] == ["consent", "update", {**DENIED, "analytics_storage": "granted"}]
    assert result["afterDecline"] == ["consent", "update", DENIED]


def test_cookieconsent_asks_again_for_a_new_version(served: tuple[Path, str]) -> None:
    """A visitor who chose under one version is asked again under the next."""
    import attrs

    umd = library("POLICYKIT_COOKIECONSENT_JS", "vanilla-cookieconsent v3")
    folder, base = served
    shutil.copy(umd, folder / "cookieconsent.umd.js")
    newer = attrs.evolve(policy(), meta=attrs.evolve(policy().meta, version="2027.1"))
    (folder / "old.mjs").write_text(export(policy(), "cookieconsent").text, "utf-8")
    (folder / "new.mjs").write_text(export(newer, "cookieconsent").text, "utf-8")
    shown = []
    # Each visit is its own page, so that no cached page (or module) of an earlier visit
    # can stand in for the one that loads the new version's config.
    for visit, config in enumerate(("old.mjs", "old.mjs", "new.mjs")):
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body>'
            '<script src="cookieconsent.umd.js"></script><script type="module">'
            f"import config from './{config}'; await CookieConsent.run(config);"
            # The banner is shown a frame or two after run(): wait for it (a loaded machine is
            # slow), up to 3 s; a visitor whose choice holds never sees it.
            "const isShown = () => !!document.querySelector('#cc-main .cm') &&"
            " document.documentElement.classList.contains('show--consent');"
            "for (let waited = 0; !isShown() && waited < 3000; waited += 100)"
            " await new Promise(r => setTimeout(r, 100));"
            "const result = {shown: isShown()};"
            "if (!CookieConsent.validConsent()) CookieConsent.acceptCategory('all');"
            + REPORT
            + "</script></body></html>"
        )
        (folder / f"visit{visit}.html").write_text(page, encoding="utf-8")
        shown.append(result_of(chromium_on_example(f"{base}/visit{visit}.html", folder / "profile"))["shown"])
    assert shown == [True, False, True]
