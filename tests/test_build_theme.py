"""The built site's theme (`[theme]` in the project, `build --templates`,
policykit.build.theme): the project's header, footer, logo, stylesheet, CSS custom
properties and extra head content on every locale's page, its files copied into the site,
nothing wider than the viewport at 1280 and 390 px in Chromium, valid and accessible;
configured values escaped or refused (`path:line:col`, exit 2); a changed theme renders
the pages again; without one, the pages of before."""

from __future__ import annotations

import functools
import importlib.util
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from tools import CHROMIUM_FLAGS, axe_violations, nu_html_check, require

from conftest import copy_project
from policykit.build import build_site
from policykit.cli import main
from policykit.errors import ProjectError
from policykit.load import load
from policykit.project import find_project

LOCALES = ("en", "nl", "ar")
HEADER = (
    '<p class="site-name">Example Hosting</p>\n<nav aria-label="Site"><a href="https://www.example.com/">Home</a>'
    ' <a href="https://www.example.com/hosting/">Shared and dedicated hosting</a>'
    ' <a href="https://www.example.com/support/">Support</a> <a href="https://www.example.com/contact/">Contact</a>'
    "</nav>\n"
)
FOOTER = '<p>© 2026 Example Hosting B.V. · <a href="https://www.example.com/privacy/">Privacy</a></p>\n'
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="60" viewBox="0 0 480 60"><rect width="480" '
    'height="60" rx="8" fill="#0a6e4f"/><text x="16" y="40" font-family="sans-serif" font-size="28" fill="#fff">'
    "Example Hosting</text></svg>\n"
)
CSS = ".pk-site-header { background: #eef7f3; }\n.site-name { font-weight: 700; margin: 0; }\n"
THEME = """[theme]
header = "theme/header.html"
footer = "theme/footer.html"
head = "theme/head.html"
logo = "theme/logo.svg"
logo_alt = 'Example "Hosting" <home>'
stylesheet = "theme/site.css"
assets = "theme/assets"
properties = { "--pk-link" = "#0a6e4f", "--pk-accent" = "#0a6e4f", "--pk-font" = '"DejaVu Sans", sans-serif' }
"""


def _project(folder: Path, theme: str | None = THEME) -> Path:
    project = copy_project(folder)
    files = project / "theme"
    (files / "assets" / "icons").mkdir(parents=True)
    (files / "header.html").write_text(HEADER, encoding="utf-8")
    (files / "footer.html").write_text(FOOTER, encoding="utf-8")
    (files / "head.html").write_text('<meta name="theme-color" content="#0a6e4f">\n', encoding="utf-8")
    (files / "logo.svg").write_text(LOGO, encoding="utf-8")
    (files / "site.css").write_text(CSS, encoding="utf-8")
    (files / "assets" / "icons" / "dot.svg").write_text(LOGO, encoding="utf-8")
    setting = theme or ""
    (project / "policykit.toml").write_text(f'policy = "data/policy.yaml"\nlanguages = ["nl", "ar"]\n{setting}')
    return project


def _build(project: Path, output: Path | None = None) -> Any:
    found = find_project(project)
    assert found is not None
    result = build_site(found, load(found.policy), output=output, jobs=2)
    assert result.committed and not result.failed and result.built == LOCALES, result
    return result


@pytest.fixture(scope="module")
def themed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = _project(tmp_path_factory.mktemp("themed") / "project")
    _build(project)
    return project


def test_every_locale_page_has_the_header_footer_logo_and_stylesheet(themed: Path) -> None:
    site = themed / "site"
    for locale in LOCALES:
        page = (site / locale / "index.html").read_text(encoding="utf-8")
        head, body = page.split("</head>")
        header = body[body.index('<header class="pk-site-header">') : body.index("</header>")]
        assert body.index("</header>") < body.index("<main>") < body.index('<footer class="pk-site-footer">')
        assert HEADER.strip() in header
        assert ('<a class="pk-logo" href="https://www.example.com/"><img src="../theme/logo.svg" '
                'alt="Example &#34;Hosting&#34; &lt;home&gt;"></a>') in header  # fmt: skip
        assert FOOTER.strip() in body.split('<footer class="pk-site-footer">')[1]
        assert '<link rel="stylesheet" href="../theme/site.css">' in head
        assert '<meta name="theme-color" content="#0a6e4f">' in head
        assert "--pk-link: #0a6e4f;" in head and "var(--pk-link, #0b57d0)" in head
        # The theme's stylesheet after policykit's, so that it wins.
        assert head.index("<style>") < head.index('<style id="pk-site-theme">') < head.index("../theme/site.css")
    assert (site / "theme" / "logo.svg").read_text(encoding="utf-8") == LOGO
    assert (site / "theme" / "site.css").read_text(encoding="utf-8") == CSS
    assert (site / "theme" / "icons" / "dot.svg").read_text(encoding="utf-8") == LOGO  # the assets folder


def test_a_themed_page_is_valid_html_and_accessible(themed: Path) -> None:
    page = themed / "site" / "ar" / "index.html"
    assert [m for m in nu_html_check(page) if m.get("type") == "error"] == []
    html = page.read_text(encoding="utf-8").replace("../theme/", (themed / "site" / "theme").as_uri() + "/")
    assert axe_violations(html) == []


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(themed: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(themed / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# How far anything reaches past either edge of the viewport, and what the theme shows.
_MEASURE = """() => {
  const boxes = [...document.body.querySelectorAll('*')].map(e => e.getBoundingClientRect()).filter(b => b.width);
  const right = Math.max(...boxes.map(b => b.right)), left = Math.min(...boxes.map(b => b.left));
  const logo = document.querySelector('.pk-site-header img');
  const link = document.querySelector('.policykit a[href]');
  return {
    overflow: Math.ceil(Math.max(right - innerWidth, -left, document.documentElement.scrollWidth - innerWidth)),
    logo: logo ? [logo.complete, logo.naturalWidth, logo.getBoundingClientRect().width] : null,
    header: getComputedStyle(document.querySelector('.pk-site-header')).backgroundColor,
    link: link ? getComputedStyle(link).color : null,
    footer: document.querySelector('.pk-site-footer').textContent.trim(),
  };
}"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("locale", LOCALES)
def test_a_themed_page_fits_the_viewport(served: str, tmp_path: Path, locale: str, width: int) -> None:
    require(importlib.util.find_spec("playwright") is not None, "Playwright")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    require(chromium is not None, "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS))
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(f"{served}/{locale}/index.html")
            page.wait_for_load_state("load")
            seen = page.evaluate(_MEASURE)
            page.screenshot(path=str(tmp_path / f"themed-{locale}-{width}.png"), full_page=False)
        finally:
            browser.close()
    assert seen["overflow"] <= 0, seen
    assert seen["logo"][0] and seen["logo"][1] == 480 and 0 < seen["logo"][2] <= width  # loaded, scaled to fit
    assert seen["header"] == "rgb(238, 247, 243)"  # the project's stylesheet
    assert seen["link"] == "rgb(10, 110, 79)"  # the --pk-link property
    assert seen["footer"].startswith("© 2026 Example Hosting B.V.")


def test_a_changed_theme_renders_the_pages_again_and_without_one_they_are_as_before(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    _build(project)
    assert _build(project).written == ()
    # The stylesheet's bytes change: that file is written, no page rendered again.
    (project / "theme" / "site.css").write_text(CSS + ".site-name { color: #333; }\n", encoding="utf-8")
    assert _build(project).written == ("theme/site.css",)
    # The header changes: every web page, and nothing else.
    (project / "theme" / "header.html").write_text("<p>Another header</p>\n", encoding="utf-8")
    changed = _build(project)
    assert set(changed.written) == {f"{locale}/index.html" for locale in LOCALES}
    assert "<p>Another header</p>" in (project / "site" / "nl" / "index.html").read_text(encoding="utf-8")
    # No theme: the pages of a project that never had one, and the theme's files gone.
    toml = project / "policykit.toml"
    toml.write_text(toml.read_text().split("[theme]")[0])
    _build(project)
    plain = _project(tmp_path / "plain", None)
    _build(plain)
    for locale in LOCALES:
        page = (project / "site" / locale / "index.html").read_bytes()
        assert page == (plain / "site" / locale / "index.html").read_bytes()
        assert b"pk-site" not in page
    assert not (project / "site" / "theme").exists()


@pytest.mark.pdf
def test_templates_from_the_project_or_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    own = (resources.files("policykit.render") / "templates" / "page.html.j2").read_text(encoding="utf-8")
    project = _project(tmp_path / "project", '[theme]\ntemplates = "templates"\n')
    (project / "templates").mkdir()
    (project / "templates" / "page.html.j2").write_text(own.replace("<main>", '<main class="ours">'))
    _build(project)
    page = (project / "site" / "ar" / "index.html").read_text(encoding="utf-8")
    assert '<main class="ours">' in page
    # A changed template renders every page again, the PDF too (it is drawn from the page's template).
    (project / "templates" / "page.html.j2").write_text(own.replace("<main>", '<main class="theirs">'))
    changed = _build(project)
    assert {"en/index.html", "ar/index.html", "ar/policy.pdf"} <= set(changed.written)
    # build --templates: a folder given on the command line, instead of the project's.
    other = tmp_path / "other"
    other.mkdir()
    (other / "page.html.j2").write_text(own.replace("<main>", '<main class="given">'))
    monkeypatch.chdir(project)
    assert main(["build", "-q", "--templates", str(other)]) == 0, capsys.readouterr().err
    assert '<main class="given">' in (project / "site" / "nl" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('headr = "theme/header.html"', r"4:1: theme: unknown key 'headr'; did you mean 'header'\?"),
        ('header = "theme/missing.html"', r"4:1: theme.header: 'theme/missing.html': no such file in the project"),
        ('logo = "../logo.svg"', r"4:1: theme.logo: '../logo.svg' leads outside the project folder"),
        ('templates = "theme/header.html"', r"4:1: theme.templates: 'theme/header.html': no such folder"),
        ('logo_href = "javascript:alert(1)"', r"4:1: theme.logo_href: 'javascript:alert\(1\)': expected an http\(s\)"),
        ('properties = { "--pk-link" = "red; } body { display: none" }', r"4:1: theme.properties: --pk-link: "
         r"'red; } body { display: none' is not a value policykit writes into CSS"),
        ('properties = { "--pk-font" = "\'Noto" }', r"4:1: theme.properties: --pk-font: .* unpaired quote"),
        ('properties = { "color" = "red" }', r"4:1: theme.properties: 'color' is not a CSS custom property name"),
        ("logo_alt = 42", r"4:1: theme.logo_alt: expected a text"),
    ],
)  # fmt: skip
def test_a_bad_theme_setting_is_one_line_with_its_place_and_exit_2(
    tmp_path: Path, setting: str, message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path / "project", f"[theme]\n{setting}\n")
    with pytest.raises(ProjectError, match=message):
        find_project(project)
    monkeypatch.chdir(project)
    assert main(["build", "-q"]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and re.search(r"policykit\.toml:" + message, lines[0]), err
    assert "Traceback" not in err and not (project / "site").exists()
