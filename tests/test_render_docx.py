"""DOCX: read back by python-docx and converted by LibreOffice, it holds every sentence of
the HTML, with Word's own styles, a repeated table header, the document's language and
direction, honest core properties, and the same bytes on every run."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st
from tools import pdftotext, require

import policykit
from conftest import POLICY
from policykit.cli import main
from policykit.document import DocArticle, DocParagraph, Document, localize
from policykit.inline import Isolate, Link, Strong, Text
from policykit.render.docx import render_docx

_ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"), None)


def _normal(text: str) -> str:
    return " ".join(text.translate(_ISOLATES).split())


class _Chunks(HTMLParser):
    """The text of each paragraph, list item, heading, caption and table cell of a page,
    leaving out the cookie-settings button (a DOCX cannot run it)."""

    KEEP = frozenset({"h1", "h2", "h3", "p", "li", "th", "td", "caption"})

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._open: list[tuple[str, list[str]]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("button", "style", "title", "nav"):
            self._skip += 1
        if tag in self.KEEP:
            self._open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("button", "style", "title", "nav"):
            self._skip -= 1
        if self._open and self._open[-1][0] == tag:
            _, parts = self._open.pop()
            text = _normal("".join(parts))
            if text:
                self.chunks.append(text)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            for _, parts in self._open:
                parts.append(data)


def html_chunks(html: str) -> list[str]:
    parser = _Chunks()
    parser.feed(html)
    return parser.chunks


def docx_paragraphs(content: bytes) -> list[str]:
    """Every paragraph's text, in the body and in table cells, links included."""
    body = docx.Document(io.BytesIO(content)).element.body
    return [_normal("".join(t.text or "" for t in p.iter(qn("w:t")))) for p in body.iter(qn("w:p"))]


@pytest.fixture(scope="module", params=["en", "ar"])
def rendered(request: pytest.FixtureRequest) -> tuple[str, str, bytes]:
    policy = policykit.load(POLICY)
    return (
        request.param,
        policykit.render(policy, "html", request.param),
        policykit.render(policy, "docx", request.param),
    )


def test_every_sentence_of_the_html_is_in_the_docx(rendered: tuple[str, str, bytes]) -> None:
    _, html, content = rendered
    text = " ".join(docx_paragraphs(content))
    missing = [chunk for chunk in html_chunks(html) if chunk not in text]
    assert missing == []


def test_word_styles_headings_and_tables(rendered: tuple[str, str, bytes]) -> None:
    locale, html, content = rendered
    word = docx.Document(io.BytesIO(content))
    styles = [(p.style.name if p.style is not None else "", _normal(p.text)) for p in word.paragraphs]
    assert styles[0][0] == "Title"
    headings = [text for style, text in styles if style == "Heading 1"]
    document = localize(policykit.load(POLICY)) if locale == "en" else None
    if document is not None:
        assert headings == [article.heading for article in document.articles]
    assert len(headings) == html.count('<h2 id="article-')
    assert [text for style, text in styles if style == "Heading 2"]  # titled sections
    assert len(word.tables) == html.count("<table>")
    for table in word.tables:
        rows = table._tbl.findall(qn("w:tr"))
        assert rows[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None  # repeats on every page
        assert all(row.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None for row in rows)
        widths = [int(col.get(qn("w:w"))) for col in table._tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
        header = [_normal(cell.text) for cell in table.rows[0].cells]
        purpose = widths[header.index(_header_label(html, "purpose"))]
        lifetime = widths[header.index(_header_label(html, "lifetime"))]
        assert purpose == max(widths[1:]) and purpose > lifetime  # the purpose wide, the lifetime narrow
    assert any(style == "List Bullet" for style, _ in styles) == ("<ul" in html)


def _header_label(html: str, key: str) -> str:
    match = re.search(rf'<th scope="col" class="pk-{key}">([^<]*)</th>', html)
    assert match is not None
    return _normal(match.group(1))


def test_language_direction_and_core_properties(rendered: tuple[str, str, bytes]) -> None:
    locale, _, content = rendered
    word = docx.Document(io.BytesIO(content))
    lang = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == locale
    body = word.element.body
    paragraphs = list(body.iter(qn("w:p")))
    bidi = [
        p for p in paragraphs if p.find(qn("w:pPr")) is not None and p.find(qn("w:pPr")).find(qn("w:bidi")) is not None
    ]
    tables = list(body.iter(qn("w:tbl")))
    if locale == "ar":
        assert lang.get(qn("w:bidi")) == "ar"
        assert len(bidi) == len(paragraphs)
        assert all(t.find(qn("w:tblPr")).find(qn("w:bidiVisual")) is not None for t in tables)
    else:
        assert bidi == [] and lang.get(qn("w:bidi")) is None
    policy = policykit.load(POLICY)
    document = localize(policy)
    core = word.core_properties
    assert core.title == (document.title if locale == "en" else core.title) and core.title
    assert core.author == "Example Hosting B.V."
    assert core.language == locale
    assert len(core.identifier) == 12
    # The last modification is when this text came to be: created and modified, in UTC.
    assert core.created == core.modified
    # python-docx reads the time zone only from 1.2 on (before, a naive datetime): the file says UTC.
    assert core.modified.replace(tzinfo=core.modified.tzinfo or UTC) == datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for kind in ("created", "modified"):
            stamp = f'<dcterms:{kind} xsi:type="dcterms:W3CDTF">2026-10-01T08:00:00Z</dcterms:{kind}>'
            assert stamp.encode() in package.read("docProps/core.xml")
        names = package.namelist()
        assert "docProps/thumbnail.jpeg" not in names  # python-docx's own page, not this policy
        assert b"python-docx" not in package.read("docProps/core.xml")
        assert b"Microsoft" not in package.read("docProps/app.xml")
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_two_renders_give_the_same_bytes(rendered: tuple[str, str, bytes]) -> None:
    locale, _, content = rendered
    assert policykit.render(policykit.load(POLICY), "docx", locale) == content


def test_links_are_hyperlinks_and_unsafe_ones_plain_text() -> None:
    article = DocArticle(
        "article-1",
        "1",
        "Article 1. Links",
        (
            DocParagraph((Text("Read "), Link("https://tawk.to/privacy", (Strong((Text("the policy"),)),)), Text("."))),
            DocParagraph((Link("javascript:alert(1)", (Text("not a link"),)),)),
        ),
        (),
    )
    document = _document((article,))
    word = docx.Document(io.BytesIO(render_docx(document)))
    targets = [rel.target_ref for rel in word.part.rels.values() if rel.is_external]
    assert targets == ["https://tawk.to/privacy"]
    shown = [_normal(p.text) for p in word.paragraphs]
    assert shown[2:4] == ["Read the policy.", "not a link"]  # after the title and the heading


def _document(articles: tuple[DocArticle, ...], direction: str = "ltr") -> Document:
    base = localize(policykit.load(POLICY))
    return Document(
        language="ar" if direction == "rtl" else "en",
        direction=direction,
        title=base.title,
        description=base.description,
        author=base.author,
        articles=articles,
        footer=base.footer,
        labels=base.labels,
        version_id=base.version_id,
        last_modified_iso=base.last_modified_iso,
        effective_iso=base.effective_iso,
    )


_ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=60)


@settings(max_examples=60, deadline=None)
@given(text=_ANY_TEXT, rtl=st.booleans())
def test_any_text_is_written_as_text(text: str, rtl: bool) -> None:
    """Markup, control characters and line separators from the data stay text on one line."""
    nodes = (Text(text), Isolate((Text(text),)))
    article = DocArticle("article-1", "1", text, (DocParagraph(nodes),), ())
    content = render_docx(_document((article,), "rtl" if rtl else "ltr"))
    paragraphs = docx_paragraphs(content)
    shown = "".join(" " if unicodedata.category(c) == "Cc" or c in "\x85\u2028\u2029\ufffe\uffff" else c for c in text)
    assert _normal(shown + shown) in paragraphs


def test_render_command_writes_a_docx(tmp_path: Path) -> None:
    out = tmp_path / "policy.docx"
    assert main(["render", str(POLICY), "--format", "docx", "-o", str(out), "-q"]) == 0
    assert zipfile.is_zipfile(out)
    assert docx.Document(str(out)).paragraphs[0].text == "Cookie Policy"


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    require(found is not None, "LibreOffice (soffice)")
    assert found is not None
    return found


def _converted(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as temp:
        source = Path(temp) / "policy.docx"
        source.write_bytes(content)
        subprocess.run(
            [
                _soffice(),
                f"-env:UserInstallation=file://{temp}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                temp,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        return pdftotext((Path(temp) / "policy.pdf").read_bytes())


def _arabic_words(text: str) -> list[str]:
    # pdftotext splits the lam-alef ligature in another order ("الا" read as "اال"): compare
    # Arabic words without their alefs and lams, and every Latin word as it is.
    return [word.translate(dict.fromkeys(map(ord, "اأإآل"), None)) for word in re.findall(r"\w+", text)]


def test_libreoffice_reads_every_sentence(rendered: tuple[str, str, bytes]) -> None:
    locale, html, content = rendered
    text = _converted(content)
    chunks = html_chunks(html)
    if locale == "en":
        flat = _normal(text)
        paragraphs = [chunk for chunk in chunks if len(chunk) > 60]  # sentences, not table cells
        assert paragraphs and [chunk for chunk in paragraphs if chunk not in flat] == []
        assert set(re.findall(r"\w+", " ".join(chunks))) <= set(re.findall(r"\w+", text))
    else:
        seen = set(_arabic_words(text.translate(_ISOLATES)))
        words = [word for word in _arabic_words(" ".join(chunks)) if word]
        missing = [word for word in words if word not in seen]
        # pdftotext's reordering of mixed Arabic and Latin runs splits a few words.
        assert len(missing) <= len(words) // 20, missing[:20]
        for name in ("twk_uuid", "WHMCSAffiliateID", "TawkConnectionTime", "privacy@example.com"):
            assert name in text
