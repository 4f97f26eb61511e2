"""Document -> PDF: the HTML with the print stylesheet, through WeasyPrint.

In: a Document and an optional PDF variant: "pdf/ua-1" (the default) or "pdf/a-3b".
Out: the PDF's bytes: A4, "page X of Y", a running title, bookmarks per article,
metadata (title, language, author, dates, version id), tagged (a structure tree for
screen readers, in either variant), the package's own fonts embedded (fonts/README.md).
WeasyPrint writes one conformance claim per file, so PDF/A-3b and PDF/UA-1 cannot be
claimed together; the PDF/A-3b file is tagged all the same.

Safety and reproducibility, each a verified WeasyPrint pitfall:
- the URL fetcher denies everything but files inside the package's own render assets,
  so a `file://` or `http://` reference can never pull a local file or reach the network;
- SOURCE_DATE_EPOCH (read by fontTools when subsetting fonts) and the PDF identifier
  come from the policy's last-modified date and version id: the same input gives the
  same bytes;
- a glyph missing from every font is an error, never a row of empty boxes.
"""

from __future__ import annotations

from policykit.document import Document
from policykit.errors import UnknownFormatError
from policykit.findings import excerpt
from policykit.render import pdf_large
from policykit.render.html import render_html
from policykit.render.pdf_typeset import (
    ASSETS,
    DEFAULT_PDF_VARIANT,
    PDF_VARIANTS,
    AssetFetcher,
    MissingGlyphError,
    typeset,
)

__all__ = ["ASSETS", "DEFAULT_PDF_VARIANT", "PDF_VARIANTS", "AssetFetcher", "MissingGlyphError", "render_pdf"]


def render_pdf(
    document: Document, *, variant: str | None = None, html: str | None = None, chunks: bool = True
) -> bytes:
    """The PDF of `document` (or of `html`, the page policykit made of it; `chunks=False`
    for a page the chunked path cannot rebuild from the Document, such as a redline).

    The one entry to PDF: it decides between one pass (render/pdf_typeset.py) and the
    chunked path (render/pdf_large.py), which typesets its chunks with the same pass.
    Raises UnknownFormatError for an unknown variant, pdf_large.TextTooLongError for a
    paragraph too long to lay out, MissingGlyphError for a character no font has."""
    if variant is not None and variant not in PDF_VARIANTS:
        raise UnknownFormatError(f"unknown PDF variant {excerpt(variant)}; choose from {', '.join(PDF_VARIANTS)}")
    page = html if html is not None else render_html(document, print_css=True)
    # Long paragraphs are refused before WeasyPrint starts; long tables are cut into chunks.
    pdf_large.refuse_oversized_text(document)
    if chunks and pdf_large.wants_chunks(page, variant):
        return pdf_large.render_large_pdf(document, page, variant=variant)
    return typeset(document, page, variant)
