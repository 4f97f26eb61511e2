"""A redline: the whole new text with what was taken out struck and what was put in marked.

In: a ChangeSet (the old and the new Policy) and a locale. Out: an HTML page, or a PDF
typeset from it: the change notice at the top (each change with its rating and reason)
and a line that says how changes are shown, then every article of the new version,
compared word by word with the old on the localized Documents of both (policykit.diff.align,
which the DOCX redline shares), so that a re-wrapped paragraph shows only the words that
changed. Deletions are `<del>`, insertions `<ins>`; tables are compared row by row (a row
is its cookie, by the name in its first cell), cell by cell. Inline markup (emphasis,
links) is shown as plain text here: the redline is about the words.

Told apart without colour (struck, underlined) and by a screen reader: CSS generated
content says "[deletion start]" ... "[deletion end]" (MARKS, in the notice's language),
hidden on screen, and on paper kept in the text (and in the PDF's tags) at no width and
no colour. Every text is escaped with html.escape, the CSS strings by html.css_string.

The PDF goes through render.pdf as the policy's own PDF does (the package's fonts, the
deny-by-default fetcher, tagged, PDF/UA-1 by default, fixed dates): the same bytes for
the same input. It is never cut into chunks: the chunker re-reads the Document, which
holds no redline, so a redline of thousands of rows takes WeasyPrint's ordinary time.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence

import attrs

from policykit.diff.align import WORD, aligned, block_key, block_kind, block_text, plain, row_key, word_opcodes
from policykit.diff.changes import ChangeSet
from policykit.document import DocArticle, DocBlock, DocList, DocParagraph, DocTable, Document, Nodes
from policykit.model import Policy

__all__ = ["MARKS", "documents", "redline", "redline_pdf", "words"]

_STYLE = (
    "del{color:#8b0000;text-decoration:line-through}ins{color:#064e17;text-decoration:underline}"
    "tr.policykit-removed td{background:#fde8e8}tr.policykit-added td{background:#e6f4ea}"
    "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .4em;text-align:start}"
    # Where a change starts and ends, said to a screen reader only (MARKS).
    "del::before,del::after,ins::before,ins::after{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip-path:inset(50%);white-space:nowrap}"
)
# On paper: struck and underlined (told apart without colour too), the markers of MARKS
# kept in the text for a screen reader and for a copy, but neither seen nor taking room.
_PRINT_STYLE = (
    ".policykit del{color:#8b0000;text-decoration:line-through}"
    ".policykit ins{color:#064e17;text-decoration:underline;text-decoration-thickness:.09em}"
    ".policykit del::before,.policykit del::after,.policykit ins::before,.policykit ins::after"
    "{color:transparent;font-size:.01pt;text-decoration:none}"
    ".policykit-redline tbody td:first-child{font-family:'policykit Mono','policykit Sans','policykit Naskh',monospace;"
    "overflow-wrap:anywhere}"
    ".policykit tr.policykit-removed td{background:#fbeaea}.policykit tr.policykit-added td{background:#e9f5ec}"
    ".policykit-legend{font-style:italic}"
)
# The template strings a screen reader hears before and after each deletion and insertion.
MARKS = {
    "del::before": "redline.deletion_start",
    "del::after": "redline.deletion_end",
    "ins::before": "redline.insertion_start",
    "ins::after": "redline.insertion_end",
}


def words(old: str, new: str) -> str:
    """`new` as HTML, with the words of `old` it lacks in <del> and its own in <ins>."""
    before, after = WORD.findall(old), WORD.findall(new)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in word_opcodes(before, after):
        if tag == "equal":
            out.append(html.escape(" ".join(after[j1:j2])))
            continue
        if i2 > i1:
            out.append(f"<del>{html.escape(' '.join(before[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{html.escape(' '.join(after[j1:j2]))}</ins>")
    return " ".join(out)


def _paragraph(old: DocParagraph | None, new: DocParagraph | None) -> str:
    return f"<p>{words(block_text(old) if old else '', block_text(new) if new else '')}</p>"


def _list(old: DocList | None, new: DocList | None) -> str:
    before = [plain(item) for item in old.items] if old else []
    after = [plain(item) for item in new.items] if new else []
    items = (f"<li>{words(was or '', now or '')}</li>" for was, now in aligned(before, after, str, lambda x: True))
    return "<ul>" + "".join(items) + "</ul>"


def _table(old: DocTable | None, new: DocTable | None) -> str:
    from policykit.render.html import column_percents

    shown = new or old
    assert shown is not None
    caption = words(old.caption if old else "", new.caption if new else "")
    # A row is its cookie (the name in its first cell): rows of one name are compared
    # cell by cell, a row removed is shown struck where it was.
    old_rows: tuple[tuple[Nodes, ...], ...] = old.rows if old else ()
    new_rows: tuple[tuple[Nodes, ...], ...] = new.rows if new else ()
    rows = list(aligned(old_rows, new_rows, row_key, row_key))
    width = len(shown.header)
    # Columns as wide as what they hold, old and new rows alike (as the policy's own tables).
    every = tuple(row for pair in rows for row in pair if row is not None and len(row) == width)
    columns = "".join(f'<col style="width:{share}">' for share in column_percents(attrs.evolve(shown, rows=every)))
    out = [f"<table><caption>{caption}</caption><colgroup>{columns}</colgroup><thead><tr>"]
    mark = "ins" if old is None else "del" if new is None else None  # a table added or removed whole
    for label in shown.header:
        text = html.escape(label)
        out.append(f'<th scope="col">{f"<{mark}>{text}</{mark}>" if mark else text}</th>')
    out.append("</tr></thead><tbody>")
    for was, now in rows:
        css = ' class="policykit-removed"' if now is None else ' class="policykit-added"' if was is None else ""
        cells = []
        for column in range(width):
            old_cell = plain(was[column]) if was is not None and column < len(was) else ""
            new_cell = plain(now[column]) if now is not None and column < len(now) else ""
            cells.append(f"<td>{words(old_cell, new_cell)}</td>")
        out.append(f"<tr{css}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _blocks(old: Sequence[DocBlock], new: Sequence[DocBlock]) -> Iterator[str]:
    for was, now in aligned(old, new, block_key, block_kind):
        if was is not None and now is not None and type(was) is not type(now):
            yield from _blocks([was], [])
            yield from _blocks([], [now])
        elif isinstance(was or now, DocParagraph):
            yield _paragraph(was, now)  # type: ignore[arg-type]
        elif isinstance(was or now, DocList):
            yield _list(was, now)  # type: ignore[arg-type]
        else:
            yield _table(was, now)  # type: ignore[arg-type]


def _article(old: DocArticle | None, new: DocArticle | None) -> str:
    shown = new or old
    assert shown is not None
    out = [f'<section id="{html.escape(shown.anchor)}">']
    out.append(f"<h2>{words(old.heading if old else '', new.heading if new else '')}</h2>")
    out += _blocks(old.blocks if old else (), new.blocks if new else ())
    sections_old = old.sections if old else ()
    sections_new = new.sections if new else ()
    for was, now in aligned(sections_old, sections_new, lambda s: s.anchor, lambda s: True):
        title_old = f"{was.number} {was.title}" if was and was.title else ""
        title_new = f"{now.number} {now.title}" if now and now.title else ""
        if (was and was.title) or (now and now.title):
            out.append(f"<h3>{words(title_old, title_new)}</h3>")
        out += _blocks(was.blocks if was else (), now.blocks if now else ())
    out.append("</section>")
    return "\n".join(out)


def documents(changes: ChangeSet, locale: str | None) -> tuple[Document, Document]:
    """The localized Documents of the old and the new version in `locale`, as every
    redline compares them."""
    return _document(changes.old, locale), _document(changes.new, locale)


def _document(policy: Policy, locale: str | None) -> Document:
    from policykit.document import localize
    from policykit.errors import PolicykitError
    from policykit.i18n.translator import CatalogTranslator, translator_for

    try:
        translator = translator_for(policy, locale)
    except PolicykitError:  # no project catalogues: the package's own words still serve
        translator = CatalogTranslator(locale, None) if locale else None
    return localize(policy, locale, translator)


def _marks(said: dict[str, str], scope: str) -> str:
    """The CSS that gives MARKS their words (`said`, in the notice's language). On paper
    without spaces around them: a space there, at no width, would take the place of the
    space between a deletion and an insertion (white space collapses into the first)."""
    from policykit.render.html import css_string

    pad = "" if scope else " "
    rules = (
        f"{scope}{selector}{{content:{css_string(f'{pad}[{said[key]}]{pad}')}}}" for selector, key in MARKS.items()
    )
    return "".join(rules)


def _head(new: Document, css: str) -> str:
    """The page's head; on paper with the metadata the PDF takes (as the policy's own PDF)."""
    metas = [
        ("description", new.description),
        ("author", new.author or ""),
        ("generator", "policykit"),
        ("dcterms.modified", new.last_modified_iso),
        ("dcterms.created", new.last_modified_iso),
        ("policykit-version-id", new.version_id),
    ]
    tags = "".join(f'<meta name="{name}" content="{html.escape(value)}">' for name, value in metas if value)
    return f'<head><meta charset="utf-8"><title>{html.escape(new.title)}</title>{tags}<style>{css}</style></head>'


def redline(changes: ChangeSet, locale: str | None = None, *, print_css: bool = False) -> str:
    """The redline of `changes` as a whole HTML page in `locale` (default: the new
    policy's language), the change notice first. With `print_css`, the page the PDF is
    typeset from: the policy PDF's stylesheet, fonts and metadata."""
    return _page(changes, locale, *documents(changes, locale), print_css=print_css)


def _page(changes: ChangeSet, locale: str | None, old: Document, new: Document, *, print_css: bool) -> str:
    from policykit.diff.notice import notice, template_words

    said = template_words(changes, locale, ["redline.legend", *MARKS.values()])
    if print_css:
        from policykit.render.html import print_stylesheet

        css = print_stylesheet(new) + _PRINT_STYLE + _marks(said, ".policykit ")
    else:
        css = _STYLE + _marks(said, "")
    legend = said["redline.legend"]
    out = [
        f'<!DOCTYPE html>\n<html lang="{html.escape(new.language)}" dir="{new.direction}">',
        _head(new, css),
        '<body><main class="policykit">' if print_css else "<body>",
        notice(changes, "html", locale).rstrip("\n"),
        f'<p class="policykit-legend">{html.escape(legend)}</p>',
        f'<article class="policykit-redline"><h1>{words(old.title, new.title)}</h1>',
    ]
    out += [_article(was, now) for was, now in aligned(old.articles, new.articles, lambda a: a.anchor, lambda a: True)]
    out.append(f"<footer><p>{words(' · '.join(old.footer), ' · '.join(new.footer))}</p></footer>")
    out.append("</article></main></body></html>\n" if print_css else "</article></body></html>\n")
    return "\n".join(out)


def redline_pdf(changes: ChangeSet, locale: str | None = None, *, variant: str | None = None) -> bytes:
    """The redline as a PDF: the page of `redline(print_css=True)` through the policy's
    own PDF path (tagged, its fonts embedded, the same bytes for the same input)."""
    from policykit.render import pdf_large
    from policykit.render.pdf import render_pdf

    old, new = documents(changes, locale)
    pdf_large.refuse_oversized_text(old)  # the new one's, render_pdf refuses
    page = _page(changes, locale, old, new, print_css=True)
    return render_pdf(new, variant=variant, html=page, chunks=False)
