"""The embeddable cookie declaration (site/policykit-declaration.js) in headless Chromium:
a plain page of someone else's site, served from 127.0.0.1, with
`<div data-policykit-declaration lang="...">` and the script `build` wrote. In en, nl and
ar: the tables from cookies.json with the right rows in the page's language, axe-core
clean, nothing past a 390 px viewport, right to left in Arabic; strings from the policy
inserted as text."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from tools import require

from conftest import POLICY, ROOT
from policykit.audit.scan import CHROMIUM_FLAGS
from policykit.build import build_site
from policykit.build.files import DECLARATION_JS, FRAGMENT_CSS, declaration_script
from policykit.exports.cookies_json import catalogue, catalogue_json
from policykit.i18n.translator import translator_for
from policykit.inline import parse_inline, plain_text
from policykit.load import load, loads
from policykit.project import project_for_policy

LOCALES = ("en", "nl", "ar")
HEADERS = {"en": "Name", "nl": "Naam", "ar": "الاسم"}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The bundled project built in en, nl and ar, served on the loopback interface."""
    folder = tmp_path_factory.mktemp("declaration") / "site"
    project = attrs.evolve(project_for_policy(POLICY), base_url="https://www.example.com/cookies/")
    result = build_site(project, load(POLICY), output=folder, locales=("nl", "ar"), jobs=2)
    assert result.committed and set(result.built) == set(LOCALES)
    handler = functools.partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _chromium() -> str:
    require(importlib.util.find_spec("playwright") is not None, "Playwright")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    require(chromium is not None, "Chromium")
    assert chromium is not None
    return chromium


def _page(lang: str, *, stylesheet: bool, div: str | None = None, cookies: str | None = None) -> str:
    """A page of some CMS: its own header and text, the declaration in its article."""
    link = f'<link rel="stylesheet" href="{FRAGMENT_CSS}">' if stylesheet else ""
    source = f' data-policykit-cookies="{cookies}"' if cookies else ""
    host = div or f'<div data-policykit-declaration lang="{lang}"{source}><p>Loading…</p></div>'
    return (
        f'<!doctype html><html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Cookies</title>'
        f"{link}</head><body><header><p>Example Hosting</p></header><main><h1>Cookies</h1>{host}</main>"
        f'<script src="{DECLARATION_JS}" defer></script></body></html>'
    )


# What the page shows, read back from the DOM.
_READ = """() => {
  const host = document.querySelector('[data-policykit-declaration]');
  const root = host.querySelector('.pk-declaration');
  const boxes = [...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect());
  const right = Math.max(...boxes.map(b => b.right)), left = Math.min(...boxes.map(b => b.left));
  return {
    state: host.getAttribute('data-policykit-state'),
    lang: root && root.getAttribute('lang'), dir: root && root.getAttribute('dir'),
    version: root && root.getAttribute('data-version-id'),
    tables: [...host.querySelectorAll('table')].map(t => ({
      caption: t.caption.textContent,
      headers: [...t.tHead.rows[0].cells].map(c => [c.tagName, c.getAttribute('scope'), c.textContent]),
      rows: [...t.tBodies[0].rows].map(r => [...r.cells].map(c => [c.tagName, c.getAttribute('scope'),
                                                                   c.textContent, c.getAttribute('data-label')])),
    })),
    paragraphs: [...host.querySelectorAll('p')].map(p => p.textContent),
    // Past either edge: a right-to-left table too wide overflows to the left.
    overflow: Math.ceil(Math.max(right - innerWidth, -left, document.documentElement.scrollWidth - innerWidth)),
    elements: [...host.querySelectorAll('*')].map(e => e.tagName.toLowerCase()),
    pwned: window.__pwned === true,
  };
}"""


def _show(base: str, folder: Path, name: str, html: str, *, axe: bool = False) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    (folder / name).write_text(html, encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=list(CHROMIUM_FLAGS))
        try:
            page = browser.new_page(viewport={"width": 390, "height": 800})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{base}/{name}")
            page.wait_for_selector("[data-policykit-state]", state="attached", timeout=15_000)
            result: dict[str, Any] = page.evaluate(_READ)
            result["errors"] = errors
            if axe:
                script = os.environ.get("POLICYKIT_AXE_JS", "")
                require(bool(script) and Path(script).is_file(), "axe-core (POLICYKIT_AXE_JS)")
                page.add_script_tag(path=script)
                result["axe"] = page.evaluate(
                    "() => axe.run(document).then(r => r.violations.map(v => ({id: v.id, help: v.help,"
                    " nodes: v.nodes.map(n => n.target)})))"
                )
        finally:
            browser.close()
    return result


def _expected(locale: str) -> list[tuple[str, list[str]]]:
    """Per category in use (the policy's order): its cookies' names, from the policy itself."""
    policy = load(POLICY)
    used = {cookie.category for cookie in policy.cookies}
    return [
        (category.id, [cookie.name or "" for cookie in policy.cookies if cookie.category == category.id])
        for category in policy.all_categories
        if category.id in used
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_declaration_renders_in_the_pages_language(locale: str, site: tuple[Path, str]) -> None:
    folder, base = site
    shown = _show(base, folder, f"cms-{locale}.html", _page(locale, stylesheet=True), axe=True)
    assert shown["state"] == "ready" and shown["errors"] == []
    assert shown["lang"] == locale
    assert shown["dir"] == ("rtl" if locale == "ar" else "ltr")
    catalogue = json.loads((folder / "cookies.json").read_text(encoding="utf-8"))
    own = catalogue["policy"] if locale == "en" else catalogue["translations"][locale]
    assert shown["version"] == own["version_id"]
    # One table per category in use, each with a caption, column headers and a row per cookie.
    expected = _expected(locale)
    assert len(shown["tables"]) == len(expected)
    translator = None if locale == "en" else translator_for(load(POLICY), locale, strict=True)
    for table, (category, names) in zip(shown["tables"], expected, strict=True):
        assert table["caption"].strip()
        assert [h[:2] for h in table["headers"]] == [["TH", "col"]] * 4
        labels = [h[2] for h in table["headers"]]
        assert labels[0] == HEADERS[locale]
        assert [row[0][2] for row in table["rows"]] == names, category
        for row in table["rows"]:
            assert row[0][:2] == ["TH", "row"]
            assert [cell[0] for cell in row[1:]] == ["TD"] * 3
            assert [cell[3] for cell in row[1:]] == labels[1:]  # each value under its column's label on a phone
        # Purposes in the page's language: the translation cookies.json carries for it.
        cookies = {cookie["name"]: cookie for cookie in catalogue["cookies"]}
        for row in table["rows"]:
            cookie = cookies[row[0][2]]
            purpose = cookie["purpose"] if translator is None else own["cookies"][cookie["id"]]["purpose"]
            assert row[2][2] == plain_text(parse_inline(purpose))
            if translator is not None and own["cookies"][cookie["id"]]["until"] is None:
                assert row[3][2] == own["cookies"][cookie["id"]]["lifetime"]
    if locale == "nl":
        assert any("90 dagen" in cell[2] for table in shown["tables"] for row in table["rows"] for cell in row)
    assert shown["axe"] == [], shown["axe"]
    assert shown["overflow"] <= 0, f"{shown['overflow']} px past the 390 px viewport"


@pytest.mark.parametrize("locale", ["nl", "ar"])
def test_the_declaration_fits_390_px_without_the_stylesheet(locale: str, site: tuple[Path, str]) -> None:
    # A CMS that links only the script: the table stays a table, its long names broken
    # rather than the page widened.
    folder, base = site
    shown = _show(base, folder, f"bare-{locale}.html", _page(locale, stylesheet=False), axe=True)
    assert shown["state"] == "ready" and len(shown["tables"]) == len(_expected(locale))
    assert shown["overflow"] <= 0, f"{shown['overflow']} px past the 390 px viewport"
    assert shown["axe"] == [], shown["axe"]


def test_a_language_the_site_lacks_falls_back(site: tuple[Path, str]) -> None:
    folder, base = site
    # nl-BE finds nl; Spanish, which the site does not publish, the policy's own English.
    assert _show(base, folder, "nl-be.html", _page("nl-BE", stylesheet=True))["lang"] == "nl"
    shown = _show(base, folder, "es.html", _page("es", stylesheet=True))
    assert shown["lang"] == "en" and shown["tables"][0]["headers"][0][2] == "Name"
    # Without a lang of its own, the element takes the page's.
    div = "<div data-policykit-declaration></div>"
    assert _show(base, folder, "inherit.html", _page("ar", stylesheet=True, div=div))["dir"] == "rtl"


def test_a_missing_catalogue_leaves_the_content_and_says_error(site: tuple[Path, str]) -> None:
    folder, base = site
    shown = _show(base, folder, "missing.html", _page("en", stylesheet=True, cookies="nowhere/cookies.json"))
    assert shown["state"] == "error" and shown["paragraphs"] == ["Loading…"]


HOSTILE = """\
meta:
  title: Cookie Policy
  language: en
  last_modified: 2026-01-01T10:00:00+01:00
  controller: {organisation: Example B.V., contact: privacy@example.com}
parties:
  - id: site
    name: '"><svg onload="window.__pwned=true">'
    role: first-party
    country: NL
    domains: [example.com]
cookies:
  - name: '<img src=x onerror="window.__pwned=true">'
    party: site
    category: strictly-necessary
    purpose: 'Keeps <script>window.__pwned=true</script> and <b onclick="x">bold</b> as text, with a
      <a href="https://example.com/?a=1&b=2">link</a>.'
    lifetime: session
articles:
  - title: Cookies
    body:
      - paragraph: We use cookies.
"""


def test_strings_from_the_policy_are_text(site: tuple[Path, str]) -> None:
    folder, base = site
    hostile = folder / "hostile"
    hostile.mkdir()
    (hostile / "cookies.json").write_text(catalogue_json(loads(HOSTILE, "hostile.yaml")), encoding="utf-8")
    shutil.copy(folder / DECLARATION_JS, hostile / DECLARATION_JS)
    shown = _show(f"{base}/hostile", hostile, "index.html", _page("en", stylesheet=False))
    assert shown["state"] == "ready" and not shown["pwned"]
    assert not {"img", "svg", "script", "b"} & set(shown["elements"]), shown["elements"]
    (row,) = shown["tables"][0]["rows"]
    assert row[0][2] == '<img src=x onerror="window.__pwned=true">'
    assert row[1][2] == '"><svg onload="window.__pwned=true">'
    assert "<script>window.__pwned=true</script>" in row[2][2] and '<b onclick="x">bold</b>' in row[2][2]
    assert "a" in shown["elements"]  # the policy's own link stays a link


def test_the_script_refuses_markup_it_did_not_write(site: tuple[Path, str]) -> None:
    # A cookies.json edited by hand (or by someone else): a javascript: link is no link,
    # an unknown type is its text, a string is never parsed.
    folder, base = site
    crafted = folder / "crafted"
    crafted.mkdir()
    cell = [
        {"type": "link", "href": "javascript:window.__pwned=true", "content": ["click"]},
        {"type": "script", "content": ["window.__pwned=true"]},
        "<img src=x onerror=window.__pwned=true>",
    ]
    data = {
        "policy": {"language": "en"},
        "declaration": {
            "en": {
                "direction": "ltr",
                "version_id": "000000000000",
                "blocks": [
                    {"type": "paragraph", "content": [{"type": "em", "content": [{"type": "em", "content": "x"}]}]},
                    {
                        "type": "table",
                        "category": "c",
                        "caption": "<i>c</i>",
                        "columns": [{"key": 'name" onclick="x', "label": "Name"}, {"key": "purpose", "label": "P"}],
                        "rows": [{"cookie": "a", "cells": [["a"], cell]}],
                    },
                ],
            }
        },
    }
    (crafted / "cookies.json").write_text(json.dumps(data), encoding="utf-8")
    shutil.copy(folder / DECLARATION_JS, crafted / DECLARATION_JS)
    shown = _show(f"{base}/crafted", crafted, "index.html", _page("en", stylesheet=False))
    assert shown["state"] == "ready" and not shown["pwned"] and shown["errors"] == []
    assert not {"a", "img", "script", "i"} & set(shown["elements"]), shown["elements"]
    (row,) = shown["tables"][0]["rows"]
    assert row[1][2] == "clickwindow.__pwned=true<img src=x onerror=window.__pwned=true>"
    assert shown["tables"][0]["caption"] == "<i>c</i>"


def test_cookies_json_carries_the_declaration_and_validates(site: tuple[Path, str]) -> None:
    folder, _ = site
    data = json.loads((folder / "cookies.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "data" / "cookies.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(data)] == []
    assert list(data["declaration"]) == ["en", "ar", "nl"]  # the policy's own language first
    assert data["declaration"]["ar"]["direction"] == "rtl"
    # A name in Arabic text is an isolate, as the page's <bdi>.
    arabic = data["declaration"]["ar"]["blocks"][1]["rows"][0]["cells"][0]
    assert arabic == [{"type": "isolate", "content": ["WHMCS*"]}]
    # A declaration that does not match the schema does not pass.
    broken = {**data, "declaration": {"en": {"direction": "up", "version_id": "x", "blocks": [{"type": "table"}]}}}
    assert len(list(validator.iter_errors(broken))) >= 2
    # The script build wrote is the package's, byte for byte.
    assert (folder / DECLARATION_JS).read_text(encoding="utf-8") == declaration_script()


def test_the_declaration_is_in_cookies_json_without_a_build() -> None:
    # policykit's API gives the same catalogue as the build (the policy's own language).
    assert list(catalogue(load(POLICY))["declaration"]) == ["en"]
