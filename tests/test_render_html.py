"""HTML: golden files, the seed sentence by sentence, validity, accessibility, safety."""

from __future__ import annotations

import html as html_module
import re
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest
from golden import assert_golden
from tools import axe_violations, nu_html_check

import policykit
from conftest import FIXTURES, POLICY, SEED, SHARED
from policykit.document import DocParagraph, localize
from policykit.inline import Link, Text
from policykit.model import ConsentSettings, WebUrl
from policykit.render import render
from policykit.render.html import render_html

# The original text, kept beside the tests so that the comparison never skips; a test
# checks it is still the seed in ../shared, byte for byte, wherever that is present.
SEED_TEXT = FIXTURES / "seed" / "cookie-policy-2021.txt"
SHARED_SEED_TEXT = SHARED / "seeds" / "cookie-policy-2021.txt"


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "head"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self.skip -= 1
        elif tag in ("p", "li", "h1", "h2", "h3", "tr", "caption"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return " ".join("".join(parser.parts).split())


def html_of(path: Path) -> str:
    return render(policykit.load(path), "html")


@pytest.mark.parametrize(("path", "golden"), [(POLICY, "policy.html"), (SEED, "seed-2021.html")])
def test_golden(path: Path, golden: str) -> None:
    assert_golden(golden, html_of(path))


def test_two_renders_are_identical() -> None:
    assert html_of(POLICY) == html_of(POLICY)


@pytest.mark.skipif(not SHARED_SEED_TEXT.is_file(), reason="the shared seed is not present")
def test_seed_fixture_is_the_original() -> None:
    assert SEED_TEXT.read_bytes() == SHARED_SEED_TEXT.read_bytes()


def test_seed_html_holds_every_sentence_of_the_original() -> None:
    text = visible_text(html_of(SEED))
    lines = [line.strip() for line in SEED_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines[0] == "COOKIE POLICY" and "Cookie Policy" in text
    assert lines[-1] == "Last modified 19/02/2021 13:40 UTC +1"
    assert "Last modified February 19, 2021, 1:40 PM (UTC+01:00)" in text  # U+202F folded to a space
    checked = 0
    for line in lines[1:-1]:
        number = re.match(r"(\d+\.\d+)\.? ", line)
        if number:  # section numbers are generated ("2.1."); the sentence follows them
            assert f"{number.group(1)}. " in text
            line = line[number.end() :]
        line = line.removeprefix("- ")
        for sentence in re.split(r"(?<=[.?!:])\s+(?=[A-Z])", line):
            assert sentence in text, sentence
            checked += 1
    assert checked >= 40


def test_page_structure() -> None:
    page = html_of(POLICY)
    assert page.startswith('<!DOCTYPE html>\n<html lang="en" dir="ltr">')
    assert page.count("<h1>") == 1
    assert len(re.findall(r"<h2 ", page)) == 5  # four articles and the table of contents
    assert 'id="article-4"' in page
    assert '<meta name="description" content="' in page
    assert "<style>" in page and "<script" not in page
    assert '<th scope="col"' in page and '<th scope="row">' in page and "<caption>" in page
    doc = localize(policykit.load(POLICY))
    assert f'<meta name="policykit-version-id" content="{doc.version_id}">' in page
    assert f"Text version id {doc.version_id}" in page


def test_contents_from_four_articles() -> None:
    policy = policykit.load(POLICY)
    page = render(policy, "html")
    contents = page[page.index('<nav class="pk-contents"') : page.index("</nav>")]
    doc = localize(policy)
    assert [f'<a href="#{article.anchor}">{article.heading}</a>' in contents for article in doc.articles] == [True] * 4
    three = attrs.evolve(policy, articles=policy.articles[:3])
    assert "pk-contents" not in render(three, "html").split("</style>")[1]


def test_consent_settings_a_button_for_a_hook_and_a_link_for_a_page() -> None:
    policy = policykit.load(POLICY)
    page = render(policy, "html")
    button = '<button type="button" data-policykit-settings="openCookieSettings">Change your cookie settings</button>'
    assert button in page
    assert "<script" not in page  # the site's own script binds it
    with_url = attrs.evolve(
        policy,
        meta=attrs.evolve(policy.meta, consent_settings=ConsentSettings(url=WebUrl("https://x.example/c?a=1&b"))),
    )
    assert '<a href="https://x.example/c?a=1&amp;b">Change your cookie settings</a>' in render(with_url, "html")
    nl = render(policy, "html", "nl")
    assert ">Uw cookie-instellingen wijzigen</button>" in nl and '<h2 id="pk-contents-heading">Inhoud</h2>' in nl


def test_cells_carry_their_column_label() -> None:
    page = render(policykit.load(POLICY), "html", "de")
    row = next(line for line in page.splitlines() if line.startswith('<tr><th scope="row">WHMCSAffiliateID'))
    labels = re.findall(r'data-label="([^"]*)"', row)
    header = re.search(r"<thead>\n<tr>(.*?)</tr>", page)
    assert header is not None
    assert labels == re.findall(r'<th scope="col" class="pk-[a-z]+">([^<]*)</th>', header.group(1))[1:]


def test_names_are_isolated_only_in_right_to_left_text() -> None:
    policy = policykit.load(POLICY)
    arabic = render(policy, "html", "ar")
    assert '<tr><th scope="row"><bdi dir="ltr">_ga_*</bdi></th><td data-label="' in arabic
    assert '<bdi dir="ltr">tawk.to, inc.</bdi>' in arabic
    assert "<bdi" not in render(policy, "html", "de")


def test_fragment_is_the_policy_alone() -> None:
    fragment = render(policykit.load(POLICY), "html", fragment=True)
    assert isinstance(fragment, str)
    assert fragment.startswith('<article class="policykit" lang="en" dir="ltr"')
    assert "<html" not in fragment and "<style>" not in fragment


def test_templates_can_be_overridden(tmp_path: Path) -> None:
    (tmp_path / "page.html.j2").write_text(
        "<!DOCTYPE html><title>{{ doc.title }}</title><div class=site>{% include 'fragment.html.j2' %}</div>\n",
        encoding="utf-8",
    )
    page = render(policykit.load(POLICY), "html", templates=tmp_path)
    assert isinstance(page, str)
    assert page.startswith("<!DOCTYPE html><title>Cookie Policy</title><div class=site><article")


def hostile_policy() -> policykit.Policy:
    """A policy whose data tries every way into the markup."""
    policy = policykit.load(POLICY)
    evil = '<script>alert(1)</script> <img src=x onerror=alert(2)> " onmouseover="x'
    cookie = attrs.evolve(policy.cookies[0], name=evil, purpose=evil)
    party = attrs.evolve(policy.parties[0], name=evil)
    article = attrs.evolve(policy.articles[0], title=evil, body=(policykit.Paragraph(evil),))
    return attrs.evolve(
        policy,
        cookies=(cookie, *policy.cookies[1:]),
        parties=(party, *policy.parties[1:]),
        articles=(article, *policy.articles[1:]),
        meta=attrs.evolve(policy.meta, title=evil),
    )


def test_data_cannot_add_markup() -> None:
    page = render(hostile_policy(), "html")
    assert isinstance(page, str)
    assert "<script" not in page and "<img" not in page and 'onmouseover="x' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_unsafe_links_come_out_as_text() -> None:
    doc = localize(policykit.load(POLICY))
    hostile = DocParagraph((Link("javascript:alert(1)", (Text("click"),)), Link("file:///etc/passwd", (Text("x"),))))
    article = attrs.evolve(doc.articles[0], blocks=(hostile,))
    page = render_html(attrs.evolve(doc, articles=(article,)))
    assert "javascript:" not in page and "file:" not in page
    assert "<p>clickx</p>" in page


@pytest.mark.parametrize("path", [POLICY, SEED])
def test_nu_html_checker_finds_nothing(tmp_path: Path, path: Path) -> None:
    page = tmp_path / "policy.html"
    page.write_text(html_of(path), encoding="utf-8")
    assert nu_html_check(page) == []


def test_nu_html_checker_finds_nothing_in_arabic(tmp_path: Path) -> None:
    page = tmp_path / "policy.html"
    page.write_text(render(policykit.load(POLICY), "html", "ar"), encoding="utf-8")
    assert nu_html_check(page) == []


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_axe_core_finds_no_violation(locale: str) -> None:
    assert axe_violations(render(policykit.load(POLICY), "html", locale)) == []


def test_axe_harness_does_see_violations() -> None:
    # A control: an image without alt text and a page without lang must be reported.
    broken = (
        html_of(POLICY).replace('<html lang="en" dir="ltr">', "<html>").replace("<main>", '<main><img src="x.png">')
    )
    ids = {violation["id"] for violation in axe_violations(broken)}
    assert {"html-has-lang", "image-alt"} <= ids


def test_visible_text_unescapes() -> None:
    assert visible_text("<p>a &amp; b</p>") == html_module.unescape("a &amp; b")


@pytest.mark.pdf
def test_an_unknown_format_or_variant_is_a_policykit_error() -> None:
    """The README promises every error of the API is a PolicykitError."""
    from policykit.errors import PolicykitError, UnknownFormatError

    policy = policykit.load(POLICY)
    with pytest.raises(PolicykitError, match="unknown format 'odt'"):
        policykit.render(policy, "odt")
    with pytest.raises(UnknownFormatError, match="unknown PDF variant"):
        policykit.render(policy, "pdf", pdf_variant="pdf/x-1a")


@pytest.mark.parametrize(
    ("template", "said"),
    [
        ("{% macro r(n) %}{{ r(n) }}{% endmacro %}{{ r(1) }}", "calls itself without end"),
        ("{% for i in range(10**9) %}x{% endfor %}", "asks too much: Range too big"),
        ("{% for i in range(100000) %}{% for j in range(100000) %}{{ '%0500d' % j }}{% endfor %}{% endfor %}",
         "writes more than 16,777,216 characters"),
    ],
)  # fmt: skip
def test_a_user_template_that_runs_away_is_unusable_input_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], template: str, said: str
) -> None:
    from policykit.cli import main

    (tmp_path / "page.html.j2").write_text(template, encoding="utf-8")
    code = main(["render", str(POLICY), "--templates", str(tmp_path), "-o", str(tmp_path / "out.html")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert said in err and "internal error" not in err
    assert not (tmp_path / "out.html").exists()
