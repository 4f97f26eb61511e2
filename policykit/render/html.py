"""Document -> HTML, through Jinja2 templates with autoescape.

In: a Document (and optionally a directory of templates that override ours).
Out: a standalone HTML page with embedded CSS, or a fragment to embed in a site.

Inline nodes become markup here, in Python: every text is escaped, and the only tags
that can come out are em, strong, a (whose href the loader has already limited to
http(s) and mailto) and bdi (a name isolated in right-to-left text). Translators'
text is escaped the same way: nothing in the data or a catalogue can add an element or
an attribute.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

import jinja2
from attrs import frozen
from markupsafe import Markup, escape

from policykit.document import DocList, DocParagraph, DocTable, Document, substitute
from policykit.inline import Emphasis, Inline, Isolate, Link, Strong, Text, is_safe_href, plain_text
from policykit.render.columns import Measures, column_widths

__all__ = [
    "PageParts",
    "column_percents",
    "css_string",
    "inline_html",
    "link_address",
    "name_html",
    "print_stylesheet",
    "render_html",
    "stylesheet",
]


def inline_html(nodes: tuple[Inline, ...], addresses: bool = False) -> Markup:
    """Inline nodes as markup. With `addresses` (paper, which cannot follow a link), each
    link's address is printed after its text, unless the text already is the address."""
    if len(nodes) == 1 and type(nodes[0]) is Text:  # most cells: one plain text
        return escape(nodes[0].text)
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(escape(node.text))
        elif isinstance(node, Emphasis):
            parts.append(f"<em>{inline_html(node.children, addresses)}</em>")
        elif isinstance(node, Strong):
            parts.append(f"<strong>{inline_html(node.children, addresses)}</strong>")
        elif isinstance(node, Isolate):
            # The text around a <bdi> cannot reorder it. Its direction is written out, from
            # its first strong character, because WeasyPrint (the PDF) ignores dir="auto".
            direction = _direction(plain_text(node.children))
            attribute = f' dir="{direction}"' if direction else ""
            parts.append(f"<bdi{attribute}>{inline_html(node.children, addresses)}</bdi>")
        elif isinstance(node, Link):
            inner = inline_html(node.children, addresses)
            # Belt and braces: the loader refuses unsafe links, but a Document can be built by hand.
            if not is_safe_href(node.href):
                parts.append(inner)
                continue
            parts.append(f'<a href="{escape(node.href)}">{inner}</a>')
            address = link_address(node.href)
            if addresses and " ".join(plain_text(node.children).split()) not in (address, node.href):
                parts.append(f' <span class="pk-address">(<bdi dir="ltr">{escape(address)}</bdi>)</span>')
        else:  # an unresolved placeholder
            parts.append(escape("{" + node.name + "}"))
    return Markup("".join(parts))


def link_address(href: str) -> str:
    """What a reader types to follow a link: the URL, or a mailto link's address alone."""
    if href.startswith("mailto:"):
        return href[len("mailto:") :].split("?", 1)[0]
    return href


# A line may break after these in a cookie's name (`wp_woocommerce_session`, `sbjs.first`)
# where a letter or digit comes before and after, never inside a run of letters: <wbr>
# marks the place and adds no character to what is copied.
_NAME_BREAKS = re.compile(r"(?<=[^\W_][_.*-])(?=[^\W_])")
_TAG = re.compile(r"(<[^>]*>)")


def name_html(markup: Markup) -> Markup:
    """A cookie name's markup with a break opportunity after each `_`, `-`, `.` and `*`."""
    parts = _TAG.split(str(markup))
    return Markup("".join(part if index % 2 else _NAME_BREAKS.sub("<wbr>", part) for index, part in enumerate(parts)))


def _direction(text: str) -> str | None:
    """'ltr' or 'rtl' from the first strongly directional character, as dir="auto" would."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


# Shared cells (a party's name, a lifetime) are the same tuple object in every row, so
# their markup is made once per render. Keyed by identity; cleared after each render.
_CELL_CACHE: dict[tuple[int, bool], tuple[tuple[Inline, ...], Markup]] = {}


def _cached_inline_html(nodes: tuple[Inline, ...], addresses: bool = False) -> Markup:
    hit = _CELL_CACHE.get((id(nodes), addresses))
    if hit is not None and hit[0] is nodes:
        return hit[1]
    markup = inline_html(nodes, addresses)
    _CELL_CACHE[(id(nodes), addresses)] = (nodes, markup)
    return markup


def _table_rows(
    rows: tuple[tuple[tuple[Inline, ...], ...], ...], header: tuple[str, ...], addresses: bool = False
) -> Markup:
    """The rows of a cookie table: the cookie's name as the row header, then a `<td>` per cell.

    Each cell carries its column's label (`data-label`): on a phone the table becomes one
    block per cookie, and the stylesheet shows the label before each value.

    A rule in Python rather than a loop in the template: a Jinja loop per row costs more
    than the rest of the page on a catalogue of thousands of cookies. Cells shared by
    many rows (a party, a lifetime) are turned into markup once.
    """
    openings = [f'<td data-label="{escape(label)}">' for label in header[1:]]
    lines = []
    for row in rows:
        out = [_cached_inline_html(cell, addresses) for cell in row]
        cells = "".join(f"{opening}{cell}</td>" for opening, cell in zip(openings, out[1:], strict=True))
        lines.append(f'<tr><th scope="row">{name_html(out[0])}</th>{cells}</tr>')
    return Markup("\n".join(lines))


@functools.cache
def stylesheet(name: str) -> str:
    """The text of the package's stylesheet `name` (under policykit/render/css), read once."""
    return (resources.files("policykit.render") / "css" / name).read_text(encoding="utf-8")


@functools.cache
class _ConfinedLoader(jinja2.FileSystemLoader):
    """A user's template folder, where nothing may lead outside it: a symbolic link to
    /etc/passwd or to ../secrets is refused, not included into the published page."""

    def __init__(self, folder: str) -> None:
        super().__init__(folder)
        self.root = os.path.realpath(folder)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if os.path.commonpath([self.root, os.path.realpath(filename)]) != self.root:
            # Not TemplateNotFound, which would quietly fall back to the package's template.
            raise jinja2.TemplateError(f"{template} leads outside the templates folder; not read")
        return source, filename, uptodate


def _environment(templates: str | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader("policykit.render", "templates")]
    environment = jinja2.Environment
    if templates is not None:
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        loaders.insert(0, _ConfinedLoader(templates))
        # A user's template is untrusted code: the sandbox refuses `__class__`-style
        # attributes (no shell, no file read) and changes to the document. The package's
        # own templates alone run unsandboxed, where the sandbox's checks would only cost time.
        environment = ImmutableSandboxedEnvironment
    env = environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["inline"] = _cached_inline_html
    env.filters["name"] = name_html
    env.filters["table_rows"] = _table_rows
    env.globals.update(
        is_paragraph=lambda block: isinstance(block, DocParagraph),
        is_list=lambda block: isinstance(block, DocList),
        is_table=lambda block: isinstance(block, DocTable),
        is_safe_href=is_safe_href,
        substitute=substitute,
        column_percents=column_percents,
    )
    return env


@frozen
class PageParts:
    """What a site adds to each whole page, as markup its maker has escaped: in the head
    (after policykit's stylesheet), before and after the policy, and at the end of the body."""

    head: str = ""
    header: str = ""
    footer: str = ""
    scripts: str = ""


def render_html(
    document: Document,
    *,
    fragment: bool = False,
    templates: Path | str | None = None,
    print_css: bool = False,
    alternates: Sequence[tuple[str, str]] = (),
    canonical: str | None = None,
    parts: PageParts | None = None,
) -> str:
    """The page (or with `fragment`, the policy alone) as HTML. `alternates` are the
    (hreflang, href) of the page in other languages, linked from the page's head,
    `canonical` its own address (a `<link rel="canonical">`), `parts` what the site adds."""
    env = _environment(str(templates) if templates is not None else None)
    template = env.get_template("fragment.html.j2" if fragment else "page.html.j2")
    css = print_stylesheet(document) if print_css else stylesheet("policy.css")
    given = parts or PageParts()
    site = {name: Markup(getattr(given, name).strip("\n")) for name in ("head", "header", "footer", "scripts")}
    context = {"doc": document, "css": Markup(css), "print": print_css, "alternates": tuple(alternates),
               "canonical": canonical, "site": site}  # fmt: skip
    try:
        if templates is None:
            return template.render(**context)
        return _sandboxed(template, context)
    finally:
        _CELL_CACHE.clear()


def print_stylesheet(document: Document) -> str:
    """The printed page's stylesheet (the PDF's): the screen's, print.css, and "page X of
    Y" in the document's language."""
    page_label = _css_content(document.labels["page"], {"page": "counter(page)", "pages": "counter(pages)"})
    page_rule = f"@page {{ @bottom-center {{ content: {page_label}; }} }}\n"
    return stylesheet("policy.css") + stylesheet("print.css") + page_rule


# The printed table (print.css): A4 less 2 x 18 mm, 8.5 pt text; names in Noto Sans Mono
# (0.6 em a character), the other cells in Noto Sans (about 0.55 em on average), each with
# some room to spare, and the cell padding of policy.css (0.5rem a side) with its borders.
_PRINT_MEASURES = Measures(width=493.0, char=8.5 * 0.56, first_char=8.5 * 0.62, padding=16.0)


def column_percents(table: DocTable) -> list[str]:
    """The printed widths of a table's columns, as CSS percentages (policykit.render.columns)."""
    widths = column_widths(table, _PRINT_MEASURES)
    total = sum(widths)
    return [f"{100 * width / total:.2f}%" for width in widths]


# A user's template may loop or recurse; the page it makes is bounded, and what runs away
# is a RenderError naming the cause, never a crash.
_MAX_PAGE_CHARACTERS = 16 * 2**20


def _sandboxed(template: jinja2.Template, context: dict[str, object]) -> str:
    from policykit.errors import RenderError

    parts: list[str] = []
    size = 0
    try:
        for part in template.generate(**context):
            size += len(part)
            if size > _MAX_PAGE_CHARACTERS:
                raise RenderError(f"the template writes more than {_MAX_PAGE_CHARACTERS:,} characters; a loop that "
                                  "runs away?")  # fmt: skip
            parts.append(part)
    except RecursionError:
        raise RenderError("the template calls itself without end (a macro or an include that recurses)") from None
    except OverflowError as error:  # the sandbox's range limit
        raise RenderError(f"the template asks too much: {error}") from None
    except MemoryError:
        raise RenderError("the template needs more memory than there is") from None
    return "".join(parts)


def css_string(text: str) -> str:
    """A CSS string literal that cannot close itself, the rule, or the style element."""
    escaped = "".join(c if c.isalnum() or c in " .,:;!?()-" else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def _css_content(pattern: str, functions: dict[str, str]) -> str:
    """'Page {page} of {pages}' -> '"Page " counter(page) " of " counter(pages)'."""
    parts = re.split(r"\{([A-Za-z_]+)\}", pattern)
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(functions.get(part, css_string("{" + part + "}")))
        elif part:
            out.append(css_string(part))
    return " ".join(out) or '""'
