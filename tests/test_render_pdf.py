"""PDF: text in reading order, reproducible bytes, metadata, bookmarks, a fetcher that
serves nothing but the package's assets, variants, and missing glyphs refused."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from pypdf import PdfReader
from tools import pdftotext, require

import policykit
from conftest import POLICY, ROOT, SEED
from policykit.document import DocArticle, DocBlock, DocParagraph, DocTable, Document, localize
from policykit.inline import Text
from policykit.model import ConsentSettings, WebUrl
from policykit.render.html import render_html
from policykit.render.pdf import ASSETS, DEFAULT_PDF_VARIANT, AssetFetcher, MissingGlyphError, render_pdf

pytestmark = pytest.mark.pdf  # the pdf extra: left out without it (conftest.py)


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


def assert_tagged_info(pdf: bytes) -> None:
    """Tagged as pdfinfo sees it, and marked so in the catalogue."""
    require(shutil.which("pdfinfo") is not None, "pdfinfo (poppler-utils)")
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info
    assert catalog(PdfReader(io.BytesIO(pdf)))["/MarkInfo"]["/Marked"]


def assert_tagged(pdf: bytes) -> None:
    """Tagged, and a structure tree with headings, paragraphs, tables and their cells."""
    assert_tagged_info(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert catalog(reader)["/MarkInfo"]["/Marked"]
    kinds: set[str] = set()
    pending = [catalog(reader)["/StructTreeRoot"].get_object()]
    while pending:
        element = pending.pop()
        if "/S" in element:
            kinds.add(str(element["/S"]))
        children = element.get("/K")
        children = children if isinstance(children, list) else [children]
        pending.extend(child.get_object() for child in children if hasattr(child, "get_object")
                       and isinstance(child.get_object(), dict))  # fmt: skip
    assert {"/H1", "/P", "/Table", "/TH", "/TD"} <= kinds, kinds


@pytest.mark.parametrize("variant", [None, "pdf/a-3b", "pdf/ua-1"])
def test_variants_are_all_tagged(variant: str | None) -> None:
    pdf = render_pdf(localize(policykit.load(POLICY)), variant=variant)
    reader = PdfReader(io.BytesIO(pdf))
    xmp = catalog(reader)["/Metadata"].get_object().get_data().decode("utf-8")
    if variant == "pdf/a-3b":
        assert re.search(r"pdfaid:part[^0-9]*3", xmp) and re.search(r"pdfaid:conformance[^A-Z]*B", xmp)
    else:  # PDF/UA-1 is the default
        assert re.search(r"pdfuaid:part[^0-9]*1", xmp)
    assert_tagged(pdf)
    assert "WHMCSAffiliateID" in pdftotext(pdf)
    assert_identified(pdf, localize(policykit.load(POLICY)).version_id)


def assert_identified(pdf: bytes, version_id: str) -> None:
    """The trailer's /ID: the version id's digest, then one of the file's content; and
    qpdf finds every object and cross-reference where the file says."""
    import hashlib

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as opened:
        assert opened.check_pdf_syntax() == []
        first, second = (bytes(half) for half in opened.trailer.ID)
    assert first == hashlib.sha256(version_id.encode()).hexdigest()[:32].encode()
    assert re.fullmatch(rb"[0-9a-f]{32}", second) and second != first


@pytest.mark.parametrize("compress", [True, False], ids=["cross-reference stream", "classic trailer"])
def test_the_identifier_goes_where_pydyf_puts_it(compress: bool) -> None:
    """policykit writes the /ID itself (pydyf's digest makes every object's data twice):
    into the cross-reference stream's dictionary, or the classic trailer's, with the
    halves pydyf writes; the objects stay where the cross-references say."""
    import hashlib

    import pikepdf
    import pydyf

    from policykit.render.pdf_typeset import _identified

    def written(identifier: bytes | bool) -> bytes:
        document = pydyf.PDF()
        document.add_page(
            pydyf.Dictionary(
                {"Type": "/Page", "MediaBox": pydyf.Array([0, 0, 200, 200]), "Resources": pydyf.Dictionary()}
            )
        )
        out = io.BytesIO()
        document.write(out, version=b"1.7" if compress else b"1.4", identifier=identifier, compress=compress)
        return out.getvalue()

    identifier = b"a23c5bf00552c4469df0e012f4f1df37"
    bare = written(False)
    ours = _identified(bare, identifier)
    with pikepdf.open(io.BytesIO(ours)) as opened, pikepdf.open(io.BytesIO(written(identifier))) as theirs:
        assert opened.check_pdf_syntax() == theirs.check_pdf_syntax() == []
        assert [bytes(half) for half in opened.trailer.ID] == [identifier, hashlib.md5(bare).hexdigest().encode()]
        assert bytes(theirs.trailer.ID[0]) == identifier
        assert len(opened.pages) == len(theirs.pages) == 1
    with pytest.raises(policykit.RenderError, match="cannot identify"):
        _identified(ours, identifier)  # an /ID there already


def test_default_is_pdf_ua() -> None:
    doc = localize(policykit.load(SEED))
    assert DEFAULT_PDF_VARIANT == "pdf/ua-1"
    assert render_pdf(doc) == render_pdf(doc, variant="pdf/ua-1")


LOCALES = ("en", "nl", "de", "fr", "ar")
_RENDER = (
    "import sys, policykit;sys.stdout.buffer.write(policykit.render(policykit.load(sys.argv[1]), 'pdf', sys.argv[2]))"
)


def _start_render(locale: str, fontconfig: Path, path: Path = POLICY) -> subprocess.Popen[bytes]:
    """A PDF rendering in a fresh process, whose fontconfig reads `fontconfig` (read once, at start)."""
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig)}
    command = [sys.executable, "-c", _RENDER, str(path), locale]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


@pytest.fixture(scope="module")
def empty_fontconfig(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fonts") / "fonts.conf"
    path.write_text("<fontconfig></fontconfig>\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bare_pdfs(empty_fontconfig: Path) -> dict[str, tuple[int, bytes, bytes]]:
    """Every locale's PDF made on a machine without fonts: (exit code, PDF, stderr); all at once."""
    running = {locale: _start_render(locale, empty_fontconfig) for locale in LOCALES}
    done = {locale: process.communicate(timeout=300) for locale, process in running.items()}
    return {locale: (running[locale].returncode, *done[locale]) for locale in LOCALES}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_package_fonts_alone_draw_every_locale(locale: str, bare_pdfs: dict[str, tuple[int, bytes, bytes]]) -> None:
    """Without one font on the machine, the PDF renders (no missing glyph) and is byte for byte the same."""
    returncode, bare, stderr = bare_pdfs[locale]
    assert returncode == 0, stderr.decode()[-2000:]
    assert bare == policykit.render(policykit.load(POLICY), "pdf", locale)
    assert b"Expect ugly output" not in stderr  # WeasyPrint's import-time warning, needless here
    fonts = {font.get_object()["/BaseFont"].split("+")[-1]
             for page in PdfReader(io.BytesIO(bare)).pages
             for font in page["/Resources"]["/Font"].values()}  # type: ignore[index]  # fmt: skip
    assert fonts and all(name.startswith("policykit-") for name in fonts), fonts
    assert_tagged(bare)


def test_a_script_without_a_font_still_fails_clearly(tmp_path: Path, empty_fontconfig: Path) -> None:
    text = POLICY.read_text(encoding="utf-8").replace("title: Cookie Policy", "title: Cookie Policy 隐私", 1)
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    process = _start_render("en", empty_fontconfig, path)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode != 0
    assert "MissingGlyphError: no font has a glyph for '隐' (U+9690), '私' (U+79C1)" in stderr.decode()


def test_fonts_ship_with_their_licence() -> None:
    fonts = ASSETS / "fonts"
    names = sorted(path.name for path in fonts.glob("*.ttf"))
    assert names == [
        "NotoNaskhArabic-Bold.ttf",
        "NotoNaskhArabic-Regular.ttf",
        "NotoSans-Bold.ttf",
        "NotoSans-BoldItalic.ttf",
        "NotoSans-Italic.ttf",
        "NotoSans-Regular.ttf",
        "NotoSansMono-Bold.ttf",
        "NotoSansMono-Regular.ttf",
    ]
    licence = (fonts / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Copyright 2015 Google LLC" in licence
    assert sum(path.stat().st_size for path in fonts.glob("*.ttf")) < 1_500_000  # subset (fonts/README.md)


def _tables_after_fillers(count: int) -> Document:
    """Paragraphs of growing length, each followed by a small table: some captions are bound
    to fall at the foot of a page."""
    doc = localize(policykit.load(POLICY))
    blocks: list[DocBlock] = []
    for index in range(count):
        blocks.append(DocParagraph((Text(" ".join(["filler"] * (12 * (index % 9 + 1)))),)))
        rows = tuple(
            ((Text(f"row{index:02d}x{row}"),), (Text("P"),), (Text("p"),), (Text("1 day"),)) for row in range(3)
        )
        blocks.append(DocTable(f"Caption{index:02d} table", ("name", "provider", "purpose", "lifetime"),
                               ("Name", "Provider", "Purpose", "Lifetime"), rows))  # fmt: skip
    article = DocArticle("article-1", "1", "Article 1. Tables", tuple(blocks), ())
    return attrs.evolve(doc, articles=(article,), show_contents=False)


def _captions_left_alone(pdf: bytes, count: int) -> list[tuple[int, int]]:
    alone = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        text = page.extract_text()
        alone += [(number, i) for i in range(count) if f"Caption{i:02d}" in text and f"row{i:02d}x0" not in text]
    return alone


def test_a_caption_never_ends_a_page_without_its_table(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _tables_after_fillers(12)
    pdf = render_pdf(doc)
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 3
    assert _captions_left_alone(pdf, 12) == []
    # The control: without the rule, some caption does end a page, so the check can fail.
    html_module = sys.modules[render_html.__module__]
    plain = html_module.stylesheet
    monkeypatch.setattr(
        html_module, "stylesheet", lambda name: plain(name).replace("break-after: avoid; break-inside: avoid;", "")
    )
    assert _captions_left_alone(render_pdf(doc), 12) != []


def test_contents_and_settings_on_paper(policy_pdf: bytes) -> None:
    text = pdftotext(policy_pdf)
    assert "Contents" in text
    # A JavaScript hook cannot run on paper: no button, no text for it.
    assert "Change your cookie settings" not in text
    policy = policykit.load(POLICY)
    meta = attrs.evolve(policy.meta, consent_settings=ConsentSettings(url=WebUrl("https://www.example.com/cookies")))
    text = pdftotext(render_pdf(localize(attrs.evolve(policy, meta=meta))))
    assert "Change your cookie settings (https://www.example.com/cookies)" in text


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


@pytest.mark.parametrize(
    ("option", "claim"), [([], r"pdfuaid:part[^0-9]*1"), (["--pdf-variant", "pdf/a-3b"], r"pdfaid:part[^0-9]*3")]
)
def test_cli_pdf_is_tagged_and_claims_its_variant(tmp_path: Path, option: list[str], claim: str) -> None:
    out = tmp_path / "policy.pdf"
    command = [sys.executable, "-m", "policykit", "render", str(SEED), "--format", "pdf", "-o", str(out), "-q", *option]
    subprocess.run(command, check=True, capture_output=True)
    pdf = out.read_bytes()
    xmp = catalog(PdfReader(io.BytesIO(pdf)))["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(claim, xmp)
    assert_tagged_info(pdf)


def _long_document(rows: int) -> Document:
    document = localize(policykit.load(POLICY))
    table = next(
        block
        for article in document.articles
        for block in [*article.blocks, *(b for s in article.sections for b in s.blocks)]
        if isinstance(block, DocTable)
    )
    longer = attrs.evolve(table, rows=tuple(table.rows[i % len(table.rows)] for i in range(rows)))
    article = attrs.evolve(document.articles[0], blocks=(longer,), sections=())
    return attrs.evolve(document, articles=(article,))


def test_the_page_references_are_built_once_per_page_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """The structure tree reads pydyf's page references for every tagged box; built anew on
    each read, a long table's PDF was quadratic in its pages (pdf_typeset's docstring)."""
    import pydyf

    from policykit.render import pdf_typeset

    original = pdf_typeset._PAGE_REFERENCES
    assert isinstance(original, property) and original.fget is not None
    built: list[int] = []

    def counting(pdf: Any) -> tuple[bytes, ...]:
        built.append(len(pdf.pages["Kids"]))
        assert original.fget is not None
        references: tuple[bytes, ...] = original.fget(pdf)
        return references

    counted = property(counting)
    monkeypatch.setattr(pdf_typeset, "_PAGE_REFERENCES", counted)
    monkeypatch.setattr(pydyf.PDF, "page_references", counted)  # put back after the test
    document = _long_document(300)
    pdf = render_pdf(document)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages >= 5
    assert len(built) == len(set(built)) <= pages + 1  # once per number of pages, not once per read
    assert vars(pydyf.PDF)["page_references"] is counted  # the property is the library's again
    # The same bytes as WeasyPrint's own property gives.
    monkeypatch.setattr(pdf_typeset, "_PAGE_REFERENCES", None)
    assert render_pdf(document) == pdf
