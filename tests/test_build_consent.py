"""The consent tool in the built site (`[consent]` in the project, policykit.build.consent):
`build` with cookieconsent v3 or Klaro! (the npm packages), the site served from 127.0.0.1
under the policy's own host names, driven in headless Chromium (Playwright) as a visitor
would, in en, nl and ar: the banner in the page's language, "Change your cookie settings"
opens the tool's preferences, rejecting there clears every declared cookie that needs
consent (`_ga` on the parent domain too), and a stub gtag sees Google consent mode's
`default` then each `update`. Bad settings: one `path:line:col: message` line, exit 2,
nothing written. A changed setting renders the pages again; no setting, the pages of
before."""

from __future__ import annotations

import functools
import importlib.util
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from tools import CHROMIUM_FLAGS, axe_violations, nu_html_check, require

from conftest import POLICY, copy_project
from policykit.build import build_site
from policykit.cli import main
from policykit.errors import ProjectError
from policykit.load import load
from policykit.model import Storage
from policykit.project import find_project

LOCALES = ("en", "nl", "ar")
TOOLS = ("cookieconsent", "klaro")
TYPES = ("ad_storage", "ad_user_data", "ad_personalization", "analytics_storage", "functionality_storage",
         "personalization_storage", "security_storage")  # fmt: skip
DENIED = {**dict.fromkeys(TYPES, "denied"), "security_storage": "granted"}
GRANTED = dict.fromkeys(TYPES, "granted")
# What a visitor's page has before the tool: a gtag that records its calls. And a visitor's
# browser is no robot: cookieconsent hides from navigator.webdriver, which Playwright sets.
BEFORE = (
    "window.__calls = []; window.gtag = function () { window.__calls.push(Array.from(arguments)); };"
    "Object.defineProperty(Navigator.prototype, 'webdriver', {get: () => false});"
)
HOSTS = "--host-resolver-rules=MAP www.example.com 127.0.0.1, MAP example.com 127.0.0.1"
# (the banner, its accept button, the preferences, what a visitor clicks there to reject
# everything) of each tool. Klaro's preferences, once a choice is made, have no decline
# button: its switch for every service, then save.
SELECTORS = {
    "cookieconsent": ("#cc-main .cm", "#cc-main .cm__btn[data-role=all]", "#cc-main .pm",
                      ("#cc-main .pm__btn[data-role=necessary]",)),
    "klaro": (".klaro .cookie-notice", ".klaro .cookie-notice .cm-btn-success", ".klaro .cookie-modal",
              (".klaro .cookie-modal .cm-toggle-all label", ".klaro .cookie-modal .cm-btn-accept")),
}  # fmt: skip
OWN_COOKIE = {"cookieconsent": "cc_cookie", "klaro": "klaro"}


def _library(variable: str, what: str) -> Path:
    import os

    path = Path(os.environ.get(variable, ""))
    require(bool(os.environ.get(variable)) and path.is_file(), f"{what} ({variable})")
    return path


def _project(folder: Path, tool: str | None, extra: str = "") -> Path:
    """This repository's project with the tool's library in vendor/ and `[consent]` naming it."""
    project = copy_project(folder)
    setting = ""
    if tool == "cookieconsent":
        umd = _library("POLICYKIT_COOKIECONSENT_JS", "vanilla-cookieconsent v3")
        (project / "vendor").mkdir()
        shutil.copy(umd, project / "vendor" / "cookieconsent.umd.js")
        shutil.copy(umd.parent / "cookieconsent.css", project / "vendor" / "cookieconsent.css")
        setting = ('[consent]\ntool = "cookieconsent"\nlibrary = "vendor/cookieconsent.umd.js"\n'
                   'stylesheet = "vendor/cookieconsent.css"\n')  # fmt: skip
    elif tool == "klaro":
        (project / "vendor").mkdir()
        shutil.copy(_library("POLICYKIT_KLARO_JS", "Klaro! (klaro.js)"), project / "vendor" / "klaro.js")
        setting = '[consent]\ntool = "klaro"\nlibrary = "vendor/klaro.js"\n'
    (project / "policykit.toml").write_text(
        f'policy = "data/policy.yaml"\nlanguages = ["nl", "ar"]\n{extra}{setting}', encoding="utf-8"
    )
    return project


def _build(project: Path, output: Path | None = None) -> Any:
    found = find_project(project)
    assert found is not None
    result = build_site(found, load(found.policy), output=output, jobs=2)
    assert result.committed and not result.failed and result.built == ("en", "nl", "ar"), result
    return result


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Path, int]]]:
    """Each tool's site, built and served on the loopback interface: tool -> (site, port)."""
    servers, found = [], {}
    try:
        for tool in TOOLS:
            project = _project(tmp_path_factory.mktemp(tool) / "project", tool)
            _build(project)
            server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(project / "site")))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            found[tool] = (project / "site", server.server_address[1])
        yield found
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def _declared() -> list[tuple[str, str | None, bool]]:
    """(a name the cookie can have, the domain it is set on or None for the page's host,
    whether it needs consent) of every cookie the policy declares."""
    policy = load(POLICY)
    found = []
    for cookie in policy.cookies:
        if cookie.storage is Storage.COOKIE and cookie.name:
            needs = policy.category(cookie.category).consent_required
            found.append((cookie.name.replace("*", "ABC123"), cookie.domain, needs))
    return found


def _visit(tool: str, port: int, locale: str) -> dict[str, Any]:
    """A visitor accepts everything in the banner, gets every declared cookie, opens the
    policy's settings button and rejects everything in the tool's preferences."""
    require(importlib.util.find_spec("playwright") is not None, "Playwright")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    require(chromium is not None, "Chromium")
    from playwright.sync_api import sync_playwright

    banner, accept, preferences, reject = SELECTORS[tool]
    seen: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[*CHROMIUM_FLAGS, HOSTS])
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_init_script(BEFORE)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"http://www.example.com:{port}/{locale}/index.html")
            page.wait_for_selector(banner, state="visible", timeout=15_000)
            seen["banner"] = page.inner_text(banner)
            seen["tool_lang"] = page.evaluate(
                "() => { const k = document.querySelector('.klaro'); return k && k.getAttribute('lang'); }"
            )
            seen["rtl"] = page.evaluate(
                "() => !!document.querySelector('#cc-main.cc--rtl') || "
                "(document.querySelector('.klaro') || {}).dir === 'rtl'"
            )
            seen["first"] = page.evaluate("() => window.__calls[0]")
            page.click(accept)
            page.wait_for_timeout(300)
            seen["after_accept"] = page.evaluate("() => window.__calls[window.__calls.length - 1]")
            for name, domain, _ in _declared():
                where = f"; domain={domain}" if domain else ""
                page.evaluate(f"() => {{ document.cookie = '{name}=1; path=/{where}'; }}")
            seen["set"] = sorted((c["name"], c["domain"]) for c in context.cookies())
            button = page.locator("[data-policykit-settings]")
            seen["buttons"] = button.count()
            seen["label"] = button.first.inner_text()
            seen["before_click"] = page.is_visible(preferences)
            button.first.click()
            page.wait_for_selector(preferences, state="visible", timeout=5_000)
            seen["preferences"] = page.text_content(preferences)
            for selector in reject:
                page.click(selector)
            page.wait_for_timeout(500)
            seen["left"] = sorted((c["name"], c["domain"]) for c in context.cookies())
            seen["calls"] = page.evaluate("() => window.__calls")
            seen["errors"] = errors
        finally:
            browser.close()
    return seen


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("tool", TOOLS)
def test_the_settings_button_opens_the_tool_and_rejecting_clears_every_cookie_that_needs_consent(
    sites: dict[str, tuple[Path, int]], tool: str, locale: str
) -> None:
    _, port = sites[tool]
    seen = _visit(tool, port, locale)
    assert seen["errors"] == []
    # The tool speaks the page's language (cookieconsent's own banner words exist in en and nl).
    if tool == "klaro":
        assert seen["tool_lang"] == locale
        assert {"en": "Analytics", "nl": "Analyse", "ar": "تحليلية"}[locale] in seen["banner"]
    else:
        assert {"en": "We use cookies", "nl": "Wij gebruiken cookies", "ar": "We use cookies"}[locale] in seen["banner"]
        assert seen["rtl"] == (locale == "ar")
    label = {"en": "Change your cookie settings", "nl": "Uw cookie-instellingen wijzigen"}.get(locale)
    assert seen["buttons"] == 1 and (label is None or seen["label"] == label)
    # The button opened the preferences, which were not open before; they list the cookies.
    assert not seen["before_click"]
    for name, _, _ in _declared():
        if "ABC123" not in name:
            assert name in seen["preferences"], name
    # Every declared cookie was there, _ga on the parent domain (what Google Analytics does).
    assert ("_ga", ".example.com") in seen["set"] and ("_ga_ABC123", ".example.com") in seen["set"]
    for name, domain, _ in _declared():
        assert (name, f".{domain}" if domain else "www.example.com") in seen["set"], name
    # Rejected: every cookie that needs consent is gone, on any domain; the strictly
    # necessary ones and the tool's own record of the choice stay.
    left = {name for name, _ in seen["left"]}
    assert left == {name for name, _, needs in _declared() if not needs} | {OWN_COOKIE[tool]}, seen["left"]
    # Google consent mode: denied (security granted) before any choice, then each choice.
    calls = seen["calls"]
    assert seen["first"] == ["consent", "default", DENIED] == calls[0]
    assert all(call[:2] == ["consent", "update"] for call in calls[1:]) and len(calls) >= 3
    assert seen["after_accept"] == ["consent", "update", GRANTED]
    assert calls[-1] == ["consent", "update", DENIED]


def test_every_locale_has_its_config_and_the_pages_load_the_tool(sites: dict[str, tuple[Path, int]]) -> None:
    for tool, (site, _) in sites.items():
        config = {"cookieconsent": "cookieconsent-config.mjs", "klaro": "klaro-config.js"}[tool]
        library = {"cookieconsent": "cookieconsent.umd.js", "klaro": "klaro.js"}[tool]
        assert (site / "consent" / library).read_bytes() == (
            Path(_library("POLICYKIT_COOKIECONSENT_JS" if tool == "cookieconsent" else "POLICYKIT_KLARO_JS", tool))
        ).read_bytes()
        for locale in LOCALES:
            text = (site / locale / config).read_text(encoding="utf-8")
            assert 'gtag("consent", "default"' in text and 'gtag("consent", "update"' in text
            page = (site / locale / "index.html").read_text(encoding="utf-8")
            scripts = re.findall(r'<script src="([^"]+)"', page)
            expected = [f"../consent/{library}", "../policykit-consent.js"]
            assert scripts == ([config, *expected] if tool == "klaro" else expected)
            assert "https://" not in "".join(scripts)  # nothing from a CDN


def test_a_page_with_the_tool_is_valid_html_and_accessible(sites: dict[str, tuple[Path, int]]) -> None:
    for tool in TOOLS:
        page = sites[tool][0] / "ar" / "index.html"
        assert [m for m in nu_html_check(page) if m.get("type") == "error"] == []
    assert axe_violations((sites["cookieconsent"][0] / "nl" / "index.html").read_text(encoding="utf-8")) == []


def test_the_build_is_deterministic_rebuilds_on_a_changed_setting_and_without_one_is_as_before(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path / "project", "cookieconsent")
    first = _build(project)
    again = _build(project)
    assert again.written == ()  # nothing changed, nothing written
    other = _build(project, tmp_path / "other")
    files = {p.relative_to(project / "site"): p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    assert files == {p.relative_to(tmp_path / "other"): p.read_bytes()
                     for p in (tmp_path / "other").rglob("*") if p.is_file()}  # fmt: skip
    assert other.committed and "en/cookieconsent-config.mjs" in first.written
    # Another tool: every web page is rendered again, the old config goes, the new one comes.
    shutil.copy(_library("POLICYKIT_KLARO_JS", "Klaro!"), project / "vendor" / "klaro.js")
    toml = project / "policykit.toml"
    toml.write_text(toml.read_text().split("[consent]")[0] + '[consent]\ntool = "klaro"\nlibrary = "vendor/klaro.js"\n')
    changed = _build(project)
    assert {f"{locale}/index.html" for locale in LOCALES} <= set(changed.written)
    assert not any("policy.pdf" in name for name in changed.written)  # only the web pages use it
    assert not (project / "site" / "en" / "cookieconsent-config.mjs").exists()
    assert (project / "site" / "en" / "klaro-config.js").is_file()
    # No tool: the pages are those of a project that never had one.
    toml.write_text(toml.read_text().split("[consent]")[0])
    _build(project)
    plain = _project(tmp_path / "plain", None)
    _build(plain)
    for locale in LOCALES:
        page = (project / "site" / locale / "index.html").read_bytes()
        assert page == (plain / "site" / locale / "index.html").read_bytes()
        assert b"<script" not in page
    assert not (project / "site" / "policykit-consent.js").exists() and not (project / "site" / "consent").exists()


@pytest.mark.parametrize(
    ("setting", "line", "message"),
    [
        (
            'tool = "klaroo"\nlibrary = "vendor/klaro.js"',
            4,
            r"4:1: consent.tool: 'klaroo' is not a consent tool "
            r"policykit configures; did you mean 'klaro'\?",
        ),
        (
            'tool = "klaro"\nlibrary = "vendor/missing.js"',
            5,
            r"5:1: consent.library: 'vendor/missing.js' does not "
            r"exist in the project",
        ),
        ('tool = "klaro"', 4, r"4:1: consent.library: required"),
        ('tool = "klaro"\nlibrary = "../klaro.js"', 5, r"5:1: consent.library: '../klaro.js' leads outside"),
        ('tool = "klaro"\nlibrary = "ftp://cdn.example/klaro.js"', 5, r"5:1: consent.library: .* only http\(s\)"),
        (
            'tool = "klaro"\nlibrary = "vendor/klaro.js"\nlibary = "x"',
            6,
            r"6:1: consent: unknown key 'libary'; "
            r"did you mean 'library'\?",
        ),
        ('tool = "klaro"\nlibrary = "vendor/klaro.js"\nconsent_mode = "yes"', 6, r"6:1: consent.consent_mode: "),
    ],
)
def test_a_bad_setting_is_one_line_with_its_place_and_exit_2(
    tmp_path: Path,
    setting: str,
    line: int,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = _project(tmp_path / "project", None)
    (project / "vendor").mkdir()
    (project / "vendor" / "klaro.js").write_text("// a library\n", encoding="utf-8")
    toml = project / "policykit.toml"
    toml.write_text(toml.read_text() + f"[consent]\n{setting}\n", encoding="utf-8")
    with pytest.raises(ProjectError, match=message):
        find_project(project)
    monkeypatch.chdir(project)
    assert main(["build", "-q"]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and re.search(r"policykit\.toml:" + message, lines[0]), err
    assert "Traceback" not in err and not (project / "site").exists()


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('{analytic = ["analytics_storage"]}', r"the policy has no category 'analytic'; did you mean 'analytics'\?"),
        ('{analytics = ["analytic_storage"]}', r"'analytics': 'analytic_storage' is not one of Google's consent "
         r"types; did you mean 'analytics_storage'\?"),
    ],
)  # fmt: skip
def test_a_consent_mode_row_the_policy_or_google_does_not_have_is_named_at_its_place(
    tmp_path: Path, setting: str, message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path / "project", "klaro")
    toml = project / "policykit.toml"
    toml.write_text(toml.read_text() + f"consent_mode = {setting}\n", encoding="utf-8")
    monkeypatch.chdir(project)
    assert main(["build", "-q"]) == 2
    err = capsys.readouterr().err
    assert re.search(r"policykit\.toml:6:1: consent.consent_mode: " + message, err), err
    assert "Traceback" not in err and not (project / "site").exists()
