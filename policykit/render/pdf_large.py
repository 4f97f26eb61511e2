"""Large documents -> one PDF: the page cut into chunks, rendered in parallel, joined.

In: a Document and the print HTML page policykit made of it, when its cookie tables hold
more than LARGE_ROWS rows. Out: the PDF's bytes, as the ordinary path would give them:
A4, a running title and "page X of Y" on every page, one bookmark per heading at its
level, the metadata, identifier and language of the ordinary path. Same input, same bytes.

Why (measured with cProfile on 2,000 and 5,000 OCD rows, one process): WeasyPrint
takes about 6 ms a row, 60 % of it laying out the table (line breaking in Pango
above all), a fifth computing styles, the rest writing the PDF; it is close to linear
(2.5 times the rows, 2.9 times the time: its table layout builds a list of every row
of the table for each page, O(rows x pages)), and it holds the whole layout in memory,
about 110 MB per 1,000 rows. A 10,000-row table in one process is over a minute and
over 1 GB. Cut into chunks of at most CHUNK_ROWS rows, two processes share the work
and each holds one chunk at a time.

How:
- the rows of each `<tbody>` are the lines `<tr><th scope="row">...` that html.py writes
  (cell text is escaped, so that opening cannot occur inside a cell); a chunk is the page
  from one cut to the next, a cut only ever falling between two rows of one table;
- a chunk after the first starts with the page's head and re-opens the elements that
  were open at its cut (sections, the table with its header row, the body of the table);
- chunks are rendered without the running title and page label, which are then drawn
  from one more WeasyPrint document of empty pages with the same page style, now that
  the number of pages is known, each page laid over its page as a form XObject;
- bookmarks are read from every chunk and written again as one tree, at the level
  of the heading each came from.

Limits: each chunk starts on a new page (a short page every CHUNK_ROWS rows); a link
to an anchor in another chunk is not kept; in the structure tree a table cut across
chunks is two tables, each with its header row; the PDF/A variant never takes this
path (the join does not re-establish its conformance).

One module because cutting, rendering in parallel and joining are one algorithm on one
page: the cuts decide the chunks, and the join must undo exactly what the cuts did (open
elements, bookmarks, the structure tree).
"""

from __future__ import annotations

import concurrent.futures
import io
import math
import multiprocessing
import os
import re
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import attrs

from policykit.document import DocList, DocParagraph, DocTable, Document
from policykit.errors import RenderError
from policykit.inline import Inline

if TYPE_CHECKING:
    import pikepdf

__all__ = [
    "CHUNK_ROWS",
    "LARGE_ROWS",
    "MAX_TEXT_CHARS",
    "TextTooLongError",
    "refuse_oversized_text",
    "render_large_pdf",
    "table_rows",
    "wants_chunks",
]

# The threshold keeps every policy of ordinary size on the single-document path and its
# exact bytes (a chunked PDF has a short page at each cut). Measured with bench/run.py
# (bench/RESULTS.md, a loaded 2-core machine): at 2,264 rows the ordinary path took 44 s,
# the chunked path forced 30 s, so chunking already pays there; 3,000 leaves a margin
# above the largest real policies and was not tuned further.
LARGE_ROWS = 3_000
# Small enough that one chunk's layout stays near 150 MB (about 110 MB per 1,000 rows),
# large enough that the fixed cost of a chunk (styles, fonts, a new page) stays small.
CHUNK_ROWS = 1_250
# A paragraph (or list item, or table cell) longer than this is refused for PDF before
# WeasyPrint starts: measured, WeasyPrint needs about 40 s for one paragraph of 1,000,000
# characters and 5 s for 200,000; 100,000 is far above any real paragraph.
MAX_TEXT_CHARS = 100_000

ROW_OPENING = '<tr><th scope="row">'
_ROWS_START = "<tbody>\n"
_ROWS_END = "\n</tbody>"
_ROW_SPLIT = re.compile(r"\n(?=" + re.escape(ROW_OPENING) + ")")
_HEADING = re.compile(r"<h([1-6])[\s>]")
# The levels print.css gives headings (h1 has none: it names the whole document).
_BOOKMARK_LEVEL = {"2": 1, "3": 2, "4": 3, "5": 4, "6": 5}
_NO_MARGIN_BOXES = "<style>@page { @top-center { content: none } @bottom-center { content: none } }</style>"
_VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"))

_IN_WORKER = False  # set in the worker processes: a chunk is always rendered whole


class TextTooLongError(RenderError):
    """A paragraph too long for WeasyPrint to lay out in reasonable time."""


def _length(nodes: Sequence[Inline]) -> int:
    total = 0
    for node in nodes:
        children = getattr(node, "children", None)
        if children is not None:
            total += _length(children)
        else:
            total += len(getattr(node, "text", "")) + len(getattr(node, "name", ""))
    return total


def _texts(document: Document) -> Iterator[tuple[str, Sequence[Inline]]]:
    for article in document.articles:
        for where, blocks in [(article.heading, article.blocks)] + [
            (f"{article.heading}, {section.number}", section.blocks) for section in article.sections
        ]:
            for block in blocks:
                if isinstance(block, DocParagraph):
                    yield where, block.nodes
                elif isinstance(block, DocList):
                    for item in block.items:
                        yield where, item
                elif isinstance(block, DocTable):
                    for row in block.rows:
                        for cell in row:
                            yield where, cell


def refuse_oversized_text(document: Document) -> None:
    """Raise TextTooLongError for the first text longer than MAX_TEXT_CHARS."""
    for where, nodes in _texts(document):
        length = _length(nodes)
        if length > MAX_TEXT_CHARS:
            raise TextTooLongError(
                f"a paragraph in '{where[:80]}' has {length:,} characters; a PDF paragraph may have"
                f" at most {MAX_TEXT_CHARS:,} (split it)"
            )


def table_rows(page: str) -> int:
    """How many cookie-table rows the page holds."""
    return page.count(ROW_OPENING)


def wants_chunks(page: str, variant: str | None) -> bool:
    """Whether this page takes the chunked path: never inside a worker, never for PDF/A
    (whose conformance the join does not re-establish)."""
    return not _IN_WORKER and variant in (None, "pdf/ua-1") and table_rows(page) > LARGE_ROWS


@attrs.frozen
class _Block:
    """The rows of one `<tbody>` and what was open around them."""

    rows: tuple[str, ...]
    reopen: str  # the start tags to open again before a row of this block, the table's header row included


class _Skeleton(HTMLParser):
    """Follows the open elements of the page with each table's rows left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[tuple[str, str]] = []
        self.thead: dict[int, str] = {}  # depth of the table in the stack -> its header row
        self._thead_parts: list[str] | None = None
        self.contexts: list[str] = []

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        text = self.get_starttag_text() or f"<{tag}>"
        if self._thead_parts is not None:
            self._thead_parts.append(text)
        if tag == "thead":
            self._thead_parts = [text]
        if tag not in _VOID:
            self.stack.append((tag, text))

    def handle_endtag(self, tag: str) -> None:
        if self._thead_parts is not None:
            self._thead_parts.append(f"</{tag}>")
            if tag == "thead":
                tables = [i for i, (name, _) in enumerate(self.stack) if name == "table"]
                if tables:
                    self.thead[tables[-1]] = "".join(self._thead_parts)
                self._thead_parts = None
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if self._thead_parts is not None:
            self._thead_parts.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        if data != "policykit-rows":
            return
        parts = []
        for depth, (tag, text) in enumerate(self.stack):
            if tag in ("html", "head"):
                continue
            parts.append(text)
            if tag == "table" and depth in self.thead:
                parts.append(self.thead[depth])
        self.contexts.append("".join(parts))


def _split(page: str) -> tuple[str, list[str], list[_Block]]:
    """The page's head, the text between tables' rows, and the blocks of rows."""
    segments: list[str] = []
    row_texts: list[str] = []
    position = 0
    while True:
        start = page.find(_ROWS_START, position)
        if start < 0:
            break
        start += len(_ROWS_START)
        end = page.find(_ROWS_END, start)
        if end < 0:
            break
        segments.append(page[position:start])
        row_texts.append(page[start:end])
        position = end
    segments.append(page[position:])
    parser = _Skeleton()
    parser.feed("<!--policykit-rows-->".join(segments))
    parser.close()
    blocks = [
        _Block(rows=tuple(_ROW_SPLIT.split(text)) if text else (), reopen=context)
        for text, context in zip(row_texts, parser.contexts, strict=True)
    ]
    body = page.find("<body")
    head = page[:body] if body >= 0 else page[: page.find("</head>") + len("</head>")]
    return head, segments, blocks


def _cuts(blocks: Sequence[_Block], rows_per_chunk: int) -> list[int]:
    """Global row indices where a chunk starts (0 first), each between two rows of one table."""
    total = sum(len(block.rows) for block in blocks)
    count = max(1, math.ceil(total / rows_per_chunk))
    firsts: set[int] = set()
    index = 0
    for block in blocks:
        firsts.add(index)
        index += len(block.rows)
    cuts = [0]
    for k in range(1, count):
        cut = round(k * total / count)
        while cut in firsts and cut < total:  # never at a table's first row: its caption belongs with it
            cut += 1
        if cuts[-1] < cut < total:
            cuts.append(cut)
    return cuts


def _chunks(page: str, rows_per_chunk: int) -> list[str]:
    """The page as chunks of HTML, each a whole document of at most about `rows_per_chunk` rows."""
    head, segments, blocks = _split(page)
    cuts = _cuts(blocks, rows_per_chunk)
    located: list[tuple[int, int]] = []  # (block, row in block) of each global row index
    for number, rows in enumerate(blocks):
        located.extend((number, row) for row in range(len(rows.rows)))
    chunks = []
    for k, first in enumerate(cuts):
        last = cuts[k + 1] if k + 1 < len(cuts) else len(located)
        parts: list[str] = []
        if first == 0:
            parts.append(segments[0])
            block, row = 0, 0
        else:
            block, row = located[first]
            parts.append(head + "<body>" + blocks[block].reopen + "\n")
        remaining = last - first
        while block < len(blocks):
            taken = blocks[block].rows[row : row + remaining]
            parts.append("\n".join(taken))
            remaining -= len(taken)
            if row + len(taken) < len(blocks[block].rows):
                break  # the chunk ends inside this table; the parser closes what is open
            block, row = block + 1, 0
            parts.append(segments[block])
        text = "".join(parts)
        chunks.append(text.replace("</head>", _NO_MARGIN_BOXES + "</head>", 1))
    return chunks


def _overlay_html(document: Document, page: str, first: int, count: int, total: int) -> str:
    """`count` empty pages, numbered from `first` of `total`, carrying only the running
    title and the page label, in the page's own style."""
    from policykit.render.html import _css_content, css_string

    label = _css_content(document.labels["page"], {"page": "counter(page)", "pages": css_string(str(total))})
    style = (
        f"<style>@page {{ @top-center {{ content: {css_string(document.title)} }}"
        f" @bottom-center {{ content: {label} }} }}"
        f" @page :first {{ counter-reset: page {first} }}</style>"
    )
    head = page[: page.find("<body")] if "<body" in page else page
    body = "<div></div>" + '<div style="break-before: page"></div>' * (count - 1)
    return head.replace("</head>", style + "</head>", 1) + "<body>" + body + "</body></html>"


def _worker_start() -> None:
    global _IN_WORKER
    _IN_WORKER = True


def _render_chunk(document: Document, html: str, variant: str | None) -> bytes:
    from policykit.render.pdf_typeset import typeset  # WeasyPrint: imported when a PDF is made

    return typeset(document, html, variant)


def _render_all(document: Document, pages: Sequence[str], variant: str | None, workers: int) -> list[bytes]:
    if workers <= 1 or multiprocessing.current_process().daemon:  # a daemon may not start processes
        _worker_start()
        try:
            return [_render_chunk(document, html, variant) for html in pages]
        finally:
            global _IN_WORKER
            _IN_WORKER = False
    # fork where there is one: a worker starts with WeasyPrint already imported, and a
    # caller's script is not run again (spawn and forkserver re-import `__main__`, which
    # breaks any script without an `if __name__ == "__main__"` guard).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_start) as pool:
        return list(pool.map(_render_chunk, [document] * len(pages), pages, [variant] * len(pages)))


def _bookmarks(pdf: pikepdf.Pdf, levels: Sequence[int]) -> list[tuple[int, str, int, float, float]]:
    """(level, title, page index, left, top) of each bookmark of one chunk, in order.

    The level is that of the heading each came from (`levels`, read from the chunk's
    HTML): WeasyPrint roots a chunk's first bookmark even when it is an h3 continuing
    the h2 of an earlier chunk. Nesting depth stands in if the two disagree.
    """
    import pikepdf

    index = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    found: list[tuple[int, str, int, float, float]] = []

    def walk(items: Sequence[pikepdf.OutlineItem], depth: int) -> None:
        for item in items:
            destination = item.destination
            if isinstance(destination, pikepdf.Array) and len(destination) >= 4:
                left, top = float(destination[2]), float(destination[3])
                found.append((depth, item.title, index[destination[0].objgen], left, top))
            walk(item.children, depth + 1)

    with pdf.open_outline() as outline:
        walk(outline.root, 1)
    if len(levels) == len(found):
        return [
            (level, title, page, left, top) for level, (_, title, page, left, top) in zip(levels, found, strict=True)
        ]
    return found


def _parent_tree(tree: pikepdf.Object) -> list[tuple[int, pikepdf.Object]]:
    """The (key, value) pairs of a structure tree's parent tree, a number tree."""
    import pikepdf

    pairs: list[tuple[int, pikepdf.Object]] = []

    def walk(node: pikepdf.Object) -> None:
        numbers = node.get("/Nums")
        if numbers is not None:
            pairs.extend((int(numbers[i]), numbers[i + 1]) for i in range(0, len(numbers), 2))
        for kid in node.get("/Kids", pikepdf.Array()):
            walk(kid)

    parent_tree = tree.get("/ParentTree")
    if parent_tree is not None:
        walk(parent_tree)
    return pairs


def _copy(joined: pikepdf.Pdf, value: pikepdf.Object) -> pikepdf.Object:
    """A chunk's object in the joined PDF: indirect ones through qpdf's copier (which maps
    each object once, so an element reached twice stays one element), direct arrays item
    by item."""
    import pikepdf

    if isinstance(value, pikepdf.Array) and not value.is_indirect:
        return pikepdf.Array([_copy(joined, item) for item in value])
    if isinstance(value, (pikepdf.Array, pikepdf.Dictionary)) or value.is_indirect:
        return joined.copy_foreign(value)
    return value


def _join_structure(joined: pikepdf.Pdf, chunk: pikepdf.Pdf, added: Sequence[pikepdf.Page]) -> None:
    """Add a chunk's tagged structure to the joined PDF's (its pages are already in `added`).

    The chunk's top-level elements become children of the joined document element, and
    its parent-tree keys (the pages' StructParents, the links' StructParent) move past
    those already used. A table cut across chunks stays two tables, each with its header.
    """
    import pikepdf

    tree = joined.Root.get("/StructTreeRoot")
    theirs = chunk.Root.get("/StructTreeRoot")
    if tree is None or theirs is None:
        return
    ours_pairs = _parent_tree(tree)
    offset = int(tree.get("/ParentTreeNextKey", max((key for key, _ in ours_pairs), default=-1) + 1))
    document, their_document = tree.K[0], theirs.K[0]
    for kid in their_document.K:
        copied = _copy(joined, kid)
        if isinstance(copied, pikepdf.Dictionary):
            copied.P = document
        document.K.append(copied)
    pairs = [(key + offset, _copy(joined, value)) for key, value in _parent_tree(theirs)]
    for page in added:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get("/Annots", pikepdf.Array()):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
    numbers = pikepdf.Array()
    for key, value in ours_pairs + pairs:
        numbers.append(key)
        numbers.append(value)
    tree.ParentTree = joined.make_indirect(pikepdf.Dictionary(Nums=numbers))
    tree.ParentTreeNextKey = max((key for key, _ in ours_pairs + pairs), default=-1) + 1


def _join(chunk_pdfs: Sequence[pikepdf.Pdf], chunk_html: Sequence[str], overlay_pdfs: Sequence[bytes]) -> bytes:
    """One PDF: the chunks' pages in order, page labels laid over them, one bookmark tree."""
    import pikepdf

    bookmarks: list[tuple[int, str, int, float, float]] = []
    offset = 0
    for pdf, html in zip(chunk_pdfs, chunk_html, strict=True):
        levels = [_BOOKMARK_LEVEL[level] for level in _HEADING.findall(html) if level in _BOOKMARK_LEVEL]
        bookmarks.extend(
            (level, title, offset + page, left, top) for level, title, page, left, top in _bookmarks(pdf, levels)
        )
        offset += len(pdf.pages)

    # The first chunk's catalogue, metadata, language and identifier are the document's own.
    joined = chunk_pdfs[0]
    for pdf in chunk_pdfs[1:]:
        first = len(joined.pages)
        joined.pages.extend(pdf.pages)
        _join_structure(joined, pdf, joined.pages[first:])
    overlays = [pikepdf.open(io.BytesIO(data)) for data in overlay_pdfs]
    labels = [page for overlay in overlays for page in overlay.pages]
    if len(labels) != len(joined.pages):
        raise RenderError(f"page labels for {len(labels)} pages, but the PDF has {len(joined.pages)}")
    for page, over in zip(joined.pages, labels, strict=True):
        # By hand rather than Page.add_overlay, whose resource names are random (the bytes
        # would change), and into resources of the page's own: WeasyPrint shares them.
        resources = pikepdf.Dictionary(dict(page.obj.Resources.items()))
        xobjects = resources.get("/XObject")
        resources.XObject = pikepdf.Dictionary(dict(xobjects.items()) if xobjects is not None else {})
        resources.XObject.PkPageLabel = joined.copy_foreign(over.as_form_xobject())
        page.obj.Resources = resources
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"\nQ\nq /PkPageLabel Do Q\n")

    with joined.open_outline() as outline:
        outline.root.clear()
        parents: list[list[pikepdf.OutlineItem]] = [outline.root]
        for level, title, page_index, left, top in bookmarks:
            del parents[min(level, len(parents)) :]
            while len(parents) < level:
                parents.append(parents[-1])
            item = pikepdf.OutlineItem(title, page_index, "XYZ", left=left, top=top)
            parents[-1].append(item)
            parents.append(item.children)
    out = io.BytesIO()
    # deterministic_id: qpdf keeps the identifier's first half (policykit's) and derives
    # the second from the content instead of the clock.
    joined.save(out, fix_metadata_version=False, deterministic_id=True)
    return out.getvalue()


def render_large_pdf(
    document: Document,
    page: str,
    *,
    variant: str | None = None,
    rows_per_chunk: int | None = None,
    workers: int | None = None,
) -> bytes:
    """The PDF of `page` (the print HTML policykit made of `document`), rendered in chunks."""
    import pikepdf

    light = attrs.evolve(document, articles=())  # the workers need its dates and version id, not its text
    chunk_html = _chunks(page, rows_per_chunk or CHUNK_ROWS)
    count = workers if workers is not None else min(2, os.cpu_count() or 1, len(chunk_html))
    chunk_pdfs = [pikepdf.open(io.BytesIO(data)) for data in _render_all(light, chunk_html, variant, count)]
    total = sum(len(pdf.pages) for pdf in chunk_pdfs)
    # The page labels, now that the number of pages is known, in two parts whatever the
    # number of workers: the parts show in the bytes (fonts are subset per part).
    parts = max(1, min(2, total))
    bounds = [round(k * total / parts) for k in range(parts + 1)]
    overlay_html = [
        _overlay_html(document, page, bounds[k] + 1, bounds[k + 1] - bounds[k], total) for k in range(parts)
    ]
    return _join(chunk_pdfs, chunk_html, _render_all(light, overlay_html, variant, parts))
