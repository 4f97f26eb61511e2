"""The chunked PDF path, forced on a small policy: page labels, bookmarks, text order,
the tagged structure, the same bytes every time; and the per-paragraph size limit."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pikepdf
import pytest
from pypdf import PdfReader
from tools import pdftotext

import policykit
from conftest import FIXTURES, POLICY
from policykit.catalogue.ocd import ocd_policy
from policykit.cli import main
from policykit.document import Document, localize
from policykit.model import Article, CookieTable, Paragraph, Policy, Section
from policykit.render import pdf_large
from policykit.render.html import render_html
from policykit.render.pdf import render_pdf

pytestmark = pytest.mark.pdf  # the pdf extra: left out without it (conftest.py)

ROWS_PER_CHUNK = 25
NAME = re.compile(r"\bck\d{3}\b")


def _row(number: int, category: str) -> dict[str, str]:
    return {
        "ID": f"id-{number}",
        "Platform": "Example",
        "Category": category,
        "Cookie / Data Key name": f"ck{number:03d}",
        "Domain": "example.com",
        "Description": f"Cookie number {number} remembers something the site needs to work well for you.",
        "Retention period": f"{number % 12 + 1} months",
        "Data Controller": "Example Ltd" if number % 2 else "Other Corp",
        "User Privacy & GDPR Rights Portals": "https://example.com/privacy",
        "Wildcard match": "0",
    }


@pytest.fixture(scope="module")
def policy() -> Policy:
    rows = [_row(n, "Analytics") for n in range(1, 41)] + [_row(n, "Marketing") for n in range(41, 81)]
    base = ocd_policy(rows)
    articles = (
        Article(title="Who we are", body=(Paragraph("We run this website."),)),
        Article(
            title="Cookies we use",
            body=(Paragraph("The cookies below."),),
            sections=(
                Section(title="Analytics", body=(CookieTable(category="analytics"),)),
                Section(title="Marketing", body=(CookieTable(category="marketing"),)),
            ),
        ),
        Article(title="Your rights", body=(Paragraph("You can withdraw consent at any time."),)),
    )
    return attrs.evolve(base, articles=articles)


@pytest.fixture(scope="module")
def document(policy: Policy) -> Document:
    return localize(policy)


@pytest.fixture(scope="module")
def page(document: Document) -> str:
    return render_html(document, print_css=True)


@pytest.fixture(scope="module")
def chunked(document: Document, page: str) -> bytes:
    return pdf_large.render_large_pdf(document, page, rows_per_chunk=ROWS_PER_CHUNK)


@pytest.fixture(scope="module")
def ordinary(document: Document, page: str) -> bytes:
    assert not pdf_large.wants_chunks(page, None)
    return render_pdf(document, html=page)


def outline(pdf: bytes) -> list[tuple[int, str, int]]:
    """(level, title, page number) of every bookmark."""
    reader = PdfReader(io.BytesIO(pdf))
    found: list[tuple[int, str, int]] = []

    def walk(items: Sequence[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, str(item.title), reader.get_destination_page_number(item) or 0))

    walk(reader.outline, 1)
    return found


def test_chunks_cut_between_rows_and_reopen_the_table(page: str) -> None:
    chunks = pdf_large._chunks(page, ROWS_PER_CHUNK)
    assert len(chunks) == 4
    names = [NAME.findall(chunk) for chunk in chunks]
    assert [name for part in names for name in part] == [f"ck{n:03d}" for n in range(1, 81)]
    for chunk in chunks[1:]:
        first_row = chunk.index(pdf_large.ROW_OPENING)
        assert "<thead>" in chunk[:first_row] and "<tbody>" in chunk[:first_row]
        assert "<h1>" not in chunk  # the running title comes from the page labels
    assert chunks[-1].count("Your rights") == 1 and "Your rights" not in "".join(chunks[:-1])


def test_every_page_is_labelled_with_the_total(chunked: bytes) -> None:
    pages = pdftotext(chunked).split("\f")[:-1]
    assert len(pages) == len(PdfReader(io.BytesIO(chunked)).pages) > 4
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert text.count("Cookie policy") >= 1


def test_bookmarks_are_those_of_the_ordinary_path(chunked: bytes, ordinary: bytes) -> None:
    found = outline(chunked)
    assert [(level, title) for level, title, _ in found] == [(level, title) for level, title, _ in outline(ordinary)]
    assert (2, "2.2. Marketing") in [(level, title) for level, title, _ in found]
    pages = pdftotext(chunked).split("\f")
    for _, title, number in found:
        assert title.split(". ", 1)[-1].split(" ", 1)[-1] in pages[number]


def test_text_keeps_its_order(chunked: bytes, ordinary: bytes) -> None:
    expected = [f"ck{n:03d}" for n in range(1, 81)]
    assert NAME.findall(pdftotext(chunked)) == expected
    assert NAME.findall(pdftotext(ordinary)) == expected


def test_structure_tree_covers_every_page(chunked: bytes) -> None:
    with pikepdf.open(io.BytesIO(chunked)) as pdf:
        tree = pdf.Root.StructTreeRoot
        keys = {int(key) for key, _ in pdf_large._parent_tree(tree)}
        pages = {page.obj.objgen for page in pdf.pages}
        for page in pdf.pages:
            assert int(page.obj.StructParents) in keys
        for _, value in pdf_large._parent_tree(tree):
            for element in value if isinstance(value, pikepdf.Array) else [value]:
                if isinstance(element, pikepdf.Dictionary) and "/Pg" in element:
                    assert element.Pg.objgen in pages
        assert len(tree.K[0].K) > 4  # every chunk's elements under the one document element


def test_same_bytes_whatever_the_number_of_workers(document: Document, page: str, chunked: bytes) -> None:
    again = pdf_large.render_large_pdf(document, page, rows_per_chunk=ROWS_PER_CHUNK, workers=1)
    assert again == chunked


def test_render_pdf_takes_the_chunked_path_above_the_threshold(
    document: Document, page: str, chunked: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_large, "LARGE_ROWS", 60)
    monkeypatch.setattr(pdf_large, "CHUNK_ROWS", ROWS_PER_CHUNK)
    assert pdf_large.wants_chunks(page, None) and not pdf_large.wants_chunks(page, "pdf/a-3b")
    assert render_pdf(document, html=page) == chunked


def test_a_normal_policy_never_takes_the_chunked_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("chunked")

    monkeypatch.setattr(pdf_large, "render_large_pdf", refuse)
    assert render_pdf(localize(policykit.load(POLICY))).startswith(b"%PDF-")


def test_a_paragraph_over_the_limit_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_large, "MAX_TEXT_CHARS", 1_000)
    path = tmp_path / "policy.yaml"
    text = (FIXTURES / "load" / "minimal.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("    body:\n", "    body:\n      - " + "word " * 300 + "\n", 1), encoding="utf-8")
    document = localize(policykit.load(path))
    with pytest.raises(pdf_large.TextTooLongError, match="has 1,499 characters"):
        render_pdf(document)
    code = main(["render", str(path), "--format", "pdf", "-o", str(tmp_path / "out.pdf")])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and "at most 1,000" in err, err
    assert not (tmp_path / "out.pdf").exists()
