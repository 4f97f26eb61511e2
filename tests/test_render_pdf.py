"""PDF: text in reading order, reproducible bytes, metadata, bookmarks, a fetcher that
serves nothing but the package's assets, variants, and missing glyphs refused."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from pypdf import PdfReader
from tools import pdftotext

import policykit
from conftest import POLICY, ROOT, SEED
from policykit.document import DocParagraph, localize
from policykit.inline import Text
from policykit.render.html import render_html
from policykit.render.pdf import ASSETS, AssetFetcher, MissingGlyphError, render_pdf


def catalog(reader: PdfReader) -> Any:
    return reader.trailer["/Root"]


@pytest.fixture(scope="module")
def policy_pdf() -> bytes:
    return render_pdf(localize(policykit.load(POLICY)))


def test_text_is_extractable_in_reading_order(policy_pdf: bytes) -> None:
    text = pdftotext(policy_pdf)
    assert "WHMCSAffiliateID" in text and "90 days" in text
    positions = [text.index(f"Article {n}.") for n in (1, 2, 3, 4)]
    assert positions == sorted(positions)
    pages = len(PdfReader(io.BytesIO(policy_pdf)).pages)
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text


def test_two_renders_are_byte_identical(policy_pdf: bytes) -> None:
    assert render_pdf(localize(policykit.load(POLICY))) == policy_pdf


def test_metadata_and_bookmarks(policy_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(policy_pdf))
    info = reader.metadata
    assert info is not None
    assert info.title == "Cookie Policy"
    assert info.author == "Example Hosting B.V."
    doc = localize(policykit.load(POLICY))
    assert str(info["/policykitversionid"]) == doc.version_id  # WeasyPrint keeps only alphanumerics of meta names
    assert str(info["/ModDate"]).startswith("D:20261001")  # meta.last_modified
    assert catalog(reader)["/Lang"] == "en"
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == [article.heading for article in doc.articles]
    # Every font is embedded.
    for page in reader.pages:
        fonts: Any = page["/Resources"]["/Font"]  # type: ignore[index]
        for font in fonts.values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"] or "/FontFile3" in descendant["/FontDescriptor"]


def test_fetcher_serves_only_package_assets(tmp_path: Path) -> None:
    fetcher = AssetFetcher()
    css = ASSETS / "css" / "policy.css"
    assert fetcher.fetch(css.as_uri()).read() == css.read_bytes()
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42", encoding="utf-8")
    for url in (secret.as_uri(), f"file://{ASSETS}/../../../{secret}", "http://127.0.0.1:9/x.css", "data:,x"):
        with pytest.raises(ValueError, match="fetches nothing"):
            fetcher.fetch(url)


def test_a_page_that_points_outside_embeds_nothing(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42", encoding="utf-8")
    doc = localize(policykit.load(POLICY))
    page = (
        render_html(doc, print_css=True)
        .replace(
            "</head>",
            f'<link rel="attachment" href="{secret.as_uri()}"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
            "</head>",
        )
        .replace(
            "<main>", f'<main><img src="{secret.as_uri()}" alt="x"><a rel="attachment" href="{secret.as_uri()}">s</a>'
        )
    )
    pdf = render_pdf(doc, html=page)
    reader = PdfReader(io.BytesIO(pdf))
    assert not reader.attachments
    assert b"TOP-SECRET" not in pdf
    assert "TOP-SECRET" not in pdftotext(pdf)


@pytest.mark.parametrize("variant", ["pdf/a-3b", "pdf/ua-1"])
def test_variants(variant: str) -> None:
    pdf = render_pdf(localize(policykit.load(SEED)), variant=variant)
    reader = PdfReader(io.BytesIO(pdf))
    xmp = catalog(reader)["/Metadata"].get_object().get_data().decode("utf-8")
    if variant == "pdf/a-3b":
        assert re.search(r"pdfaid:part[^0-9]*3", xmp) and re.search(r"pdfaid:conformance[^A-Z]*B", xmp)
    else:
        assert re.search(r"pdfuaid:part[^0-9]*1", xmp)
        assert catalog(reader)["/MarkInfo"]["/Marked"]
        assert "/StructTreeRoot" in catalog(reader)
    assert "WHMCSAffiliateID" in pdftotext(pdf)


def test_unknown_variant_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown PDF variant"):
        render_pdf(localize(policykit.load(SEED)), variant="pdf/x-1a")


def test_missing_glyph_fails_clearly() -> None:
    doc = localize(policykit.load(POLICY))
    article = attrs.evolve(doc.articles[0], blocks=(DocParagraph((Text("private use: \ue000"),)),))
    with pytest.raises(MissingGlyphError, match=r"U\+E000"):
        render_pdf(attrs.evolve(doc, articles=(article,)))


def test_cli_missing_glyph_is_one_line_exit_two(tmp_path: Path) -> None:
    text = POLICY.read_text(encoding="utf-8").replace("title: Cookie Policy", "title: Cookie Policy \ue000", 1)
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "policykit",
            "render",
            str(path),
            "--format",
            "pdf",
            "-o",
            str(tmp_path / "p.pdf"),
            "-q",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "Error: cannot render the PDF: no font has a glyph for '\\ue000' (U+E000); "
        "install a font that covers this script"
    ]
    assert not (tmp_path / "p.pdf").exists()


def test_html_render_never_imports_weasyprint() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "policykit", "render", str(ROOT / "data" / "policy.yaml"),
         "--format", "html"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert "jinja2" in imported
    assert "weasyprint" not in imported
    assert done.stdout.startswith("<!DOCTYPE html>")
