"""The redline as a Word file: the new policy's DOCX with every change a tracked change.

In: a ChangeSet and a locale. Out: the bytes of a .docx written as policykit.render.docx
writes the new version (its Word styles, page, language, right to left for Arabic, core
properties, fixed package times), with the word diff of policykit.diff.align applied, the
one the HTML and PDF redline show:

- a word taken out is a `w:del` run (its text in `w:delText`), a word put in a `w:ins`
  run, each with the author "policykit" and the new version's last modification as its
  date (so the bytes do not depend on when the file was written), and Word's and
  LibreOffice's Accept all / Reject all give the new and the old text;
- a paragraph or list item added or removed whole has its paragraph mark tracked too;
- tables are compared row by row (a row is its cookie) and cell by cell: a row taken out
  has its runs deleted and the row itself marked deleted (`w:trPr/w:del`), a row put in
  is marked inserted (`w:trPr/w:ins`);
- on top, the change notice (policykit.diff.notice.notice_parts: each change with its
  rating and its reason) and a line that says the changes are tracked, in the notice's
  language; they are not tracked changes themselves.

As in the HTML redline, emphasis and links are shown as plain text: the redline is about
the words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import attrs

from policykit.diff.align import WORD, aligned, block_key, block_kind, block_text, plain, row_key, word_opcodes
from policykit.diff.changes import ChangeSet
from policykit.document import DocArticle, DocBlock, DocList, DocParagraph, DocTable, Document, Nodes
from policykit.render.docx import DocxWriter, one_line, table_widths

__all__ = ["AUTHOR", "redline_docx"]

AUTHOR = "policykit"


def _same(_: object) -> bool:
    return True


class _Redline(DocxWriter):
    def __init__(self, old: Document, new: Document) -> None:
        super().__init__(new)
        self.old = old
        self._ids = 0
        stamp = datetime.fromisoformat(new.last_modified_iso)
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(UTC)
        self.date = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")

    def _change(self, kind: str) -> Any:
        """A `w:ins` or `w:del` element with its own id, the author and the fixed date."""
        self._ids += 1
        element = self.element(f"w:{kind}")
        element.set(self.qn("w:id"), str(self._ids))
        element.set(self.qn("w:author"), AUTHOR)
        element.set(self.qn("w:date"), self.date)
        return element

    def marked(self, paragraph: Any, old: str, new: str, *, bold: bool = False) -> None:
        """`new`'s words at the end of `paragraph`, those of `old` it lacks deleted and its
        own inserted, as tracked changes."""
        before, after = WORD.findall(old), WORD.findall(new)
        pieces: list[tuple[str | None, str]] = []
        for tag, i1, i2, j1, j2 in word_opcodes(before, after):
            if tag == "equal":
                pieces.append((None, " ".join(after[j1:j2])))
                continue
            if i2 > i1:
                pieces.append(("del", " ".join(before[i1:i2])))
            if j2 > j1:
                pieces.append(("ins", " ".join(after[j1:j2])))
        for index, (kind, text) in enumerate(pieces):
            run = self._run(paragraph, one_line(text) + ("" if index == len(pieces) - 1 else " "), bold=bold)
            if kind is None:
                continue
            wrapper = self._change(kind)
            run.addprevious(wrapper)
            wrapper.append(run)
            if kind == "del":
                for content in run.iter(self.qn("w:t")):
                    content.tag = self.qn("w:delText")

    def _mark_paragraph(self, paragraph: Any, kind: str) -> None:
        """The paragraph mark itself inserted or deleted (a paragraph added or removed whole)."""
        properties = paragraph._p.get_or_add_pPr()
        run_properties = self.element("w:rPr")
        run_properties.append(self._change(kind))
        properties.append(run_properties)

    def changed(self, old: str | None, new: str | None, style: str | None = None) -> Any:
        """A paragraph of `style` that was `old` and is `new` (None: it was not, or is no more)."""
        paragraph = self._direct(self.word.add_paragraph(style=style))
        self.marked(paragraph, old or "", new or "")
        if old is None or new is None:
            self._mark_paragraph(paragraph, "ins" if old is None else "del")
        return paragraph

    # --- blocks -------------------------------------------------------------------------

    def redline_blocks(self, old: Sequence[DocBlock], new: Sequence[DocBlock]) -> None:
        for was, now in aligned(old, new, block_key, block_kind):
            if was is not None and now is not None and type(was) is not type(now):
                self.redline_blocks([was], [])
                self.redline_blocks([], [now])
            elif isinstance(was or now, DocParagraph):
                self.changed(block_text(was) if was else None, block_text(now) if now else None)
            elif isinstance(was or now, DocList):
                before = [plain(item) for item in was.items] if isinstance(was, DocList) else []
                after = [plain(item) for item in now.items] if isinstance(now, DocList) else []
                for item_was, item_now in aligned(before, after, str, _same):
                    self.changed(item_was, item_now, "List Bullet")
            else:
                self.redline_table(was, now)  # type: ignore[arg-type]

    def redline_table(self, old: DocTable | None, new: DocTable | None) -> None:
        if old is not None and new is not None and old.as_list != new.as_list:  # another shape: out, then in
            self.redline_table(old, None)
            self.redline_table(None, new)
            return
        shown = new or old
        assert shown is not None
        whole = "ins" if old is None else "del" if new is None else None  # a table added or removed whole
        if shown.as_list:
            for line_was, line_now in aligned(_list_lines(old), _list_lines(new), _key, _key):
                self.changed(line_was[1] if line_was else None, line_now[1] if line_now else None, "List Bullet")
            return
        caption = self.changed(old.caption if old else None, new.caption if new else None, "Caption")
        caption.paragraph_format.keep_with_next = True
        old_rows: tuple[tuple[Nodes, ...], ...] = old.rows if old else ()
        new_rows: tuple[tuple[Nodes, ...], ...] = new.rows if new else ()
        rows = list(aligned(old_rows, new_rows, row_key, row_key))
        width = len(shown.header)
        # Columns as wide as what they hold, old and new rows alike.
        every = tuple(row for pair in rows for row in pair if row is not None and len(row) == width)
        widths = table_widths(attrs.evolve(shown, rows=every))
        grid = self.word.add_table(rows=1 + len(rows), cols=width)
        grid.style = self.word.styles["Table Grid"]
        grid.autofit = False
        properties = grid._tbl.tblPr
        if self.rtl:
            properties.append(self.element("w:bidiVisual"))
        self._layout(properties, widths)
        old_header = old.header if old else ()
        new_header = new.header if new else ()
        for column in range(width):
            label_old = old_header[column] if column < len(old_header) else ""
            label_new = new_header[column] if column < len(new_header) else ""
            self._redline_cell(grid.rows[0].cells[column], label_old, label_new, widths[column], bold=True)
        self._row_properties(grid.rows[0], header=True)
        if whole:
            grid.rows[0]._tr.get_or_add_trPr().append(self._change(whole))
        for index, (was, now) in enumerate(rows, start=1):
            cells = grid.rows[index].cells
            for column in range(width):
                cell_old = plain(was[column]) if was is not None and column < len(was) else ""
                cell_new = plain(now[column]) if now is not None and column < len(now) else ""
                self._redline_cell(cells[column], cell_old, cell_new, widths[column], bold=column == 0)
            self._row_properties(grid.rows[index], header=False)
            if was is None or now is None:
                grid.rows[index]._tr.get_or_add_trPr().append(self._change("ins" if was is None else "del"))
        # A paragraph after the table, so that two tables never merge into one.
        after = self._direct(self.word.add_paragraph())
        if whole:
            self._mark_paragraph(after, whole)

    def _redline_cell(self, cell: Any, old: str, new: str, width: int, *, bold: bool) -> None:
        from docx.shared import Twips

        cell.width = Twips(width)
        self.marked(self._direct(cell.paragraphs[0]), old, new, bold=bold)

    def _article(self, old: DocArticle | None, new: DocArticle | None) -> None:
        self.changed(old.heading if old else None, new.heading if new else None, "Heading 1")
        self.redline_blocks(old.blocks if old else (), new.blocks if new else ())
        for was, now in aligned(old.sections if old else (), new.sections if new else (), lambda s: s.anchor, _same):
            title_old = f"{was.number}. {was.title}" if was and was.title is not None else None
            title_new = f"{now.number}. {now.title}" if now and now.title is not None else None
            if title_old is not None or title_new is not None:
                self.changed(title_old, title_new, "Heading 2")
            self.redline_blocks(was.blocks if was else (), now.blocks if now else ())

    # --- the whole document -------------------------------------------------------------

    def write_redline(self, changes: ChangeSet, locale: str | None) -> bytes:
        from policykit.diff.notice import notice_parts, template_words
        from policykit.inline import Text

        old, new = self.old, self.doc
        self.clear()
        parts = notice_parts(changes, locale)
        self.heading(parts.title, 1)
        self.paragraph((Text(parts.intro),))
        self.paragraph((Text(parts.verdict),))
        for heading, texts in parts.groups:
            self.heading(heading, 2)
            for text, why in texts:
                self.paragraph((Text(f"{text} {why}"),), style="List Bullet")
        legend = template_words(changes, locale, ["redline.tracked"])["redline.tracked"]
        self.paragraph((Text(legend),)).runs[0].italic = True
        self.changed(old.title, new.title, "Title")
        settings_old, settings_new = _settings_label(old), _settings_label(new)
        if settings_old is not None or settings_new is not None:
            self.changed(settings_old, settings_new)
        for was, now in aligned(old.articles, new.articles, lambda a: a.anchor, _same):
            self._article(was, now)
        for line_old, line_new in aligned(old.footer, new.footer, str, _same):
            self.changed(line_old, line_new, "Footer")
        return self.finish()


def _settings_label(document: Document) -> str | None:
    """The cookie-settings link's words, where the policy's DOCX shows the link."""
    from policykit.inline import is_safe_href

    settings = document.consent_settings
    if settings is None or settings.url is None or not is_safe_href(settings.url):
        return None
    return settings.label


def _list_lines(table: DocTable | None) -> list[tuple[str, str]]:
    """A table shown as a list, as the policy's DOCX writes it: (the row's cookie, its line)."""
    if table is None:
        return []
    if not table.rows:
        return [("", table.caption)]
    label = table.header[-1]
    return [(row_key(row), f"{plain(row[0])} — {plain(row[-2])} {label}: {plain(row[-1])}.") for row in table.rows]


def _key(line: tuple[str, str] | None) -> str:
    return line[0] if line else ""


def redline_docx(changes: ChangeSet, locale: str | None = None) -> bytes:
    """The redline of `changes` as a Word file in `locale` (default: the new policy's
    language): the notice, then the new version with every change a tracked change. The
    same input gives the same bytes."""
    from policykit.diff.redline import documents

    old, new = documents(changes, locale)
    return _Redline(old, new).write_redline(changes, locale)
