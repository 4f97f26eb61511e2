"""Rendering: a Policy for one locale, as HTML, Markdown, PDF or DOCX.

In: a Policy, a format, a locale (and options per format). Out: text (html, md) or
bytes (pdf, docx). Every format is drawn from the same localized Document, so all of
them say exactly the same thing. WeasyPrint is imported only when a PDF is asked for,
python-docx only for a DOCX. The PDF's libraries (WeasyPrint, pikepdf) are the `pdf`
extra: without them a PDF asked for raises MissingExtraError, which says what to install.
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, overload

from policykit.document import Document, Translator, localize
from policykit.errors import TranslationError, TranslationWarning
from policykit.model import Policy

if TYPE_CHECKING:
    from policykit.render.html import PageParts

__all__ = ["FORMATS", "PDF_INSTALL", "pdf_missing", "render", "render_document"]

FORMATS = ("html", "md", "pdf", "docx")
PDF_LIBRARIES = ("weasyprint", "pikepdf")
# What to install for the PDF, from the index and from a checkout (until a release is published).
PDF_INSTALL = "pip install 'policykit-cookies[pdf]' (in a checkout: pip install '.[pdf]')"


def pdf_missing() -> str | None:
    """Why a PDF cannot be made here, in one line saying what to install; None when the
    `pdf` extra is installed. Imports nothing (WeasyPrint takes most of a second)."""
    for name in PDF_LIBRARIES:
        # sys.modules[name] None: its import is refused (as a test does to hide it).
        found = sys.modules[name] if name in sys.modules else importlib.util.find_spec(name)
        if found is None:
            return f"the PDF needs WeasyPrint and pikepdf, the `pdf` extra ({name} is not installed): {PDF_INSTALL}"
    return None


@overload
def render_document(
    document: Document,
    output_format: Literal["html", "md"],
    *,
    fragment: bool = ...,
    templates: Path | str | None = ...,
    pdf_variant: str | None = ...,
    alternates: Sequence[tuple[str, str]] = ...,
    canonical: str | None = ...,
    parts: PageParts | None = ...,
) -> str: ...
@overload
def render_document(
    document: Document,
    output_format: Literal["pdf", "docx"],
    *,
    fragment: bool = ...,
    templates: Path | str | None = ...,
    pdf_variant: str | None = ...,
    alternates: Sequence[tuple[str, str]] = ...,
    canonical: str | None = ...,
    parts: PageParts | None = ...,
) -> bytes: ...
@overload
def render_document(
    document: Document,
    output_format: str,
    *,
    fragment: bool = ...,
    templates: Path | str | None = ...,
    pdf_variant: str | None = ...,
    alternates: Sequence[tuple[str, str]] = ...,
    canonical: str | None = ...,
    parts: PageParts | None = ...,
) -> str | bytes: ...
def render_document(
    document: Document,
    output_format: str,
    *,
    fragment: bool = False,
    templates: Path | str | None = None,
    pdf_variant: str | None = None,
    alternates: Sequence[tuple[str, str]] = (),
    canonical: str | None = None,
    parts: PageParts | None = None,
) -> str | bytes:
    """`alternates`: (hreflang, href) of the same page in other languages, `canonical`:
    the page's own address, and `parts`: what a site adds, for a whole HTML page."""
    if output_format == "html":
        from policykit.render.html import render_html

        return render_html(document, fragment=fragment, templates=templates, alternates=alternates,
                           canonical=canonical, parts=parts)  # fmt: skip
    if output_format == "md":
        from policykit.render.markdown import render_markdown

        return render_markdown(document)
    if output_format == "pdf":
        missing = pdf_missing()
        if missing is not None:
            from policykit.errors import MissingExtraError

            raise MissingExtraError(missing)
        from policykit.render.html import render_html
        from policykit.render.pdf import render_pdf

        page = render_html(document, templates=templates, print_css=True)
        return render_pdf(document, variant=pdf_variant, html=page)
    if output_format == "docx":
        from policykit.render.docx import render_docx

        return render_docx(document)
    from policykit.errors import UnknownFormatError

    raise UnknownFormatError(f"unknown format {output_format!r}; choose from {', '.join(FORMATS)}")


@overload
def render(
    policy: Policy,
    output_format: Literal["html", "md"] = ...,
    locale: str | None = ...,
    *,
    fragment: bool = ...,
    templates: Path | str | None = ...,
    pdf_variant: str | None = ...,
    translator: Translator | None = ...,
    locales: Path | str | None = ...,
    strict: bool = ...,
) -> str: ...
@overload
def render(
    policy: Policy,
    output_format: Literal["pdf", "docx"],
    locale: str | None = ...,
    *,
    fragment: bool = ...,
    templates: Path | str | None = ...,
    pdf_variant: str | None = ...,
    translator: Translator | None = ...,
    locales: Path | str | None = ...,
    strict: bool = ...,
) -> bytes: ...
@overload
def render(
    policy: Policy,
    output_format: str,
    locale: str | None = ...,
    *,
    fragment: bool = ...,
    templates: Path | str | None = ...,
    pdf_variant: str | None = ...,
    translator: Translator | None = ...,
    locales: Path | str | None = ...,
    strict: bool = ...,
) -> str | bytes: ...
def render(
    policy: Policy,
    output_format: str = "html",
    locale: str | None = None,
    *,
    fragment: bool = False,
    templates: Path | str | None = None,
    pdf_variant: str | None = None,
    translator: Translator | None = None,
    locales: Path | str | None = None,
    strict: bool = False,
) -> str | bytes:
    """The policy in `output_format` ("html", "md", "pdf", "docx") for `locale` (default: its language).

    Another locale is translated with the catalogues of the policy's own project (the
    folder it was loaded from), or of `locales`. Raises UnknownLocaleError for a locale
    CLDR does not know, CatalogError (naming the file) when a catalogue is missing or
    unreadable, and with `strict` TranslationError when a string is not translated or
    its translation is broken; without `strict`, such strings show the source text and
    a TranslationWarning says so. `translator` replaces the catalogues altogether. A
    PDF without the `pdf` extra raises MissingExtraError, saying what to install.
    """
    if translator is None:
        from policykit.i18n.translator import translator_for

        found = translator_for(policy, locale, locales=Path(locales) if locales else None, strict=strict)
    else:
        found = None
    document = localize(policy, locale, translator or found)
    if found is not None and found.findings:
        from policykit.findings import format_text

        where = found.policy_file or locale
        summary = f"{len(found.findings)} strings of {where} are not translated or not usable; the source text is shown"
        if strict:
            raise TranslationError(f"{summary}:\n{format_text(found.findings)}", found.findings)
        warnings.warn(f"{summary}:\n{format_text(found.findings)}", TranslationWarning, stacklevel=2)
    return render_document(document, output_format, fragment=fragment, templates=templates, pdf_variant=pdf_variant)
