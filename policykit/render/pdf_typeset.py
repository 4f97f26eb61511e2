"""One WeasyPrint pass: a print HTML page -> the PDF's bytes (render/pdf.py decides
whether a page is typeset in one pass here or cut into chunks by render/pdf_large.py,
whose chunks come back here one by one).

In: a Document (its dates and version id) and a page policykit made of it, and an
optional PDF variant: "pdf/ua-1" (the default) or "pdf/a-3b".
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

Speed: the structure tree (pdf_tags) made WeasyPrint 70 with pydyf 0.13 quadratic in the
pages. Its tagger reads `pdf.page_references[page]` for every tagged box, and pydyf's
property builds the tuple of every page's reference anew on each read: 38,290 reads of a
tuple of 203 pages, 7.8 million generator steps, for the 2,264 rows of the Open Cookie
Database (bench/RESULTS.md, "Where the PDF's time goes"). While a page is typeset here the
property is memoized by the number of pages (pydyf only ever appends to the page list), so
each tuple is built once; the bytes are the same.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import mimetypes
import os
import threading
import warnings
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

from policykit.document import Document
from policykit.errors import RenderError

with warnings.catch_warnings():
    # WeasyPrint warns on import when the machine has no fonts; the PDF brings its own.
    warnings.filterwarnings("ignore", message=".*Expect ugly output", category=UserWarning)
    import pydyf
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = ["ASSETS", "DEFAULT_PDF_VARIANT", "PDF_VARIANTS", "AssetFetcher", "MissingGlyphError", "typeset"]

PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b")
DEFAULT_PDF_VARIANT = "pdf/ua-1"  # accessible by default: tagged, with the PDF/UA claim
ASSETS = Path(str(resources.files("policykit.render"))).resolve()


class MissingGlyphError(RenderError):
    """Text that no available font can show."""

    def __init__(self, characters: list[str]) -> None:
        listed = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in characters)
        super().__init__(f"no font has a glyph for {listed}; install a font that covers this script")
        self.characters = characters


class AssetFetcher(URLFetcher):  # type: ignore[misc]
    """Deny by default: serve only files under the package's render assets."""

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "file" and not parts.netloc:
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(ASSETS) and path.is_file():
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        raise ValueError(f"policykit fetches nothing outside its own assets: {url}")


class _GlyphWatch(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.missing: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith(".notdef glyph rendered") and isinstance(record.args, tuple) and record.args:
            character = str(record.args[0])
            if character not in self.missing:
                self.missing.append(character)


# The library's own property; None if a release of pydyf no longer has it as one.
_PAGE_REFERENCES: property | None = vars(pydyf.PDF).get("page_references")
if not isinstance(_PAGE_REFERENCES, property):
    _PAGE_REFERENCES = None
_memo_lock = threading.Lock()
_memo_users = 0


def _memoized_page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    assert _PAGE_REFERENCES is not None and _PAGE_REFERENCES.fget is not None
    kids = pdf.pages["Kids"]
    memo: tuple[int, tuple[bytes, ...]] | None = pdf.__dict__.get("_policykit_page_references")
    if memo is None or memo[0] != len(kids):
        memo = (len(kids), _PAGE_REFERENCES.fget(pdf))
        pdf.__dict__["_policykit_page_references"] = memo
    return memo[1]


@contextlib.contextmanager
def _page_references_memoized() -> Iterator[None]:
    """pydyf's page_references, memoized for as long as any typesetting in this process runs."""
    global _memo_users
    if _PAGE_REFERENCES is None:
        yield
        return
    with _memo_lock:
        _memo_users += 1
        pydyf.PDF.page_references = property(_memoized_page_references)
    try:
        yield
    finally:
        with _memo_lock:
            _memo_users -= 1
            if not _memo_users:
                pydyf.PDF.page_references = _PAGE_REFERENCES


@contextlib.contextmanager
def _source_date_epoch(seconds: int) -> Iterator[None]:
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(seconds)
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def typeset(document: Document, page: str, variant: str | None = None) -> bytes:
    """The PDF of `page` in one WeasyPrint pass, dated and identified by `document`.

    Raises MissingGlyphError when a character of the page is in none of the fonts."""
    variant = variant or DEFAULT_PDF_VARIANT
    modified = dt.datetime.fromisoformat(document.last_modified_iso)
    identifier = hashlib.sha256(document.version_id.encode()).hexdigest()[:32].encode()
    watch = _GlyphWatch()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(watch)
    try:
        with _source_date_epoch(int(modified.timestamp())), _page_references_memoized():
            pdf: bytes = weasyprint.HTML(
                string=page, base_url=ASSETS.as_uri() + "/", url_fetcher=AssetFetcher()
            ).write_pdf(
                pdf_identifier=False,  # written by _identified, once the bytes are known
                pdf_variant=variant,
                custom_metadata=True,
                pdf_tags=True,
            )
    finally:
        logger.removeHandler(watch)
    if watch.missing:
        raise MissingGlyphError(watch.missing)
    return _identified(pdf, identifier)


def _identified(pdf: bytes, identifier: bytes) -> bytes:
    """`pdf`, written without an identifier, with the trailer's /ID: `identifier` (hex
    digits, from the version id) and the MD5 of the file's bytes, the two halves pydyf
    writes when it is given an identifier. pydyf's own digest makes every object's data a
    second time, every stream compressed again (bench/RESULTS.md, "Where the PDF's time
    goes"); this one reads the bytes once. The entry goes into the trailer's dictionary
    (the cross-reference stream's, or after `trailer` in a classic file), which no offset
    points past: the objects and the cross-references stay where they are."""
    if not identifier.isalnum():
        raise ValueError("the identifier is not hex digits")
    end = pdf.rindex(b"startxref")
    offset = int(pdf[end + len(b"startxref") :].split(maxsplit=1)[0])
    trailer = pdf.index(b"trailer", offset) if pdf.startswith(b"xref", offset) else offset
    opening = pdf.index(b"<<", trailer) + 2
    if opening > end or b"/ID" in pdf[opening:end].split(b"stream", 1)[0]:
        raise RenderError("WeasyPrint wrote a PDF whose trailer policykit cannot identify")
    digest = hashlib.md5(pdf, usedforsecurity=False).hexdigest().encode()
    return pdf[:opening] + b"/ID [(" + identifier + b") (" + digest + b")]" + pdf[opening:]
