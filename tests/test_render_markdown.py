"""Markdown: golden files, parsed back with markdown-it-py, and nothing in the data changes its structure."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from golden import assert_golden
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

import policykit
from conftest import POLICY, SEED
from policykit.document import DocParagraph, DocTable, localize
from policykit.inline import Text
from policykit.render.markdown import escape_markdown, render_markdown

PARSER = MarkdownIt("commonmark").enable("table")


def markdown_of(path: Path) -> str:
    return render_markdown(localize(policykit.load(path)))


def tokens(text: str) -> list[Token]:
    return PARSER.parse(text)


def inline_text(token: Token) -> str:
    """What a reader sees of an inline token: its text, escapes resolved."""
    return _plain([token])


def headings(stream: list[Token]) -> list[tuple[str, str]]:
    return [(t.tag, inline_text(stream[i + 1])) for i, t in enumerate(stream) if t.type == "heading_open"]


def table_cells(stream: list[Token]) -> list[list[str]]:
    rows: list[list[str]] = []
    for i, token in enumerate(stream):
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open"):
            rows[-1].append(inline_text(stream[i + 1]))
    return rows


@pytest.mark.parametrize(("path", "golden"), [(POLICY, "policy.md"), (SEED, "seed-2021.md")])
def test_golden(path: Path, golden: str) -> None:
    assert_golden(golden, markdown_of(path))


def test_two_renders_are_identical() -> None:
    assert markdown_of(POLICY) == markdown_of(POLICY)


def test_parses_back_to_headings_and_tables() -> None:
    stream = tokens(markdown_of(POLICY))
    found = headings(stream)
    assert found[0] == ("h1", "Cookie Policy")
    assert [title for tag, title in found if tag == "h2"] == [
        "Article 1. What is a cookie?",
        "Article 2. Use of persistent cookies",
        "Article 3. Use of session cookies",
        "Article 4. WHMCS / Commerce",
    ]
    assert len(found) >= 5
    rows = table_cells(stream)
    whmcs = {row[0]: row for row in rows if row[0].startswith("WHMCS")}
    assert set(whmcs) == {"WHMCS*", "WHMCSAffiliateID", "WHMCSLinkID", "WHMCSUser"}
    assert whmcs["WHMCSAffiliateID"][-1] == "90 days"
    assert whmcs["WHMCSUser"][-1] == "365 days or until logout"
    assert ["Name", "Provider", "Category", "Purpose", "Lifetime"] in rows


# Text a writer could type, markdown-significant characters included.
hostile = st.text(
    alphabet=st.sampled_from(list("ab 12.)|#*_-+=>`<[]()!\\&~:{}\"'")) | st.characters(categories=("L", "N")),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip())


def _plain(stream: list[Token]) -> str:
    out = []
    for token in stream:
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    out.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    out.append(" ")
    return "".join(out)


@settings(max_examples=300)
@given(hostile)
def test_escaped_text_is_one_paragraph_of_itself(text: str) -> None:
    stream = tokens(escape_markdown(text))
    assert [t.type for t in stream] == ["paragraph_open", "inline", "paragraph_close"]
    assert _plain(stream) == " ".join(text.split())


@settings(max_examples=100, deadline=None)
@given(st.lists(hostile, min_size=4, max_size=4))
def test_hostile_cells_keep_the_table_shape(cells: list[str]) -> None:
    doc = localize(policykit.load(SEED))
    table = DocTable(
        "caption " + cells[0],
        ("name", "purpose"),
        ("Name", "Purpose"),
        ((((Text(cells[0]),)), (Text(cells[1]),)), ((Text(cells[2]),), (Text(cells[3]),))),
    )
    heading = attrs.evolve(doc.articles[0], heading=cells[1], blocks=(DocParagraph((Text(cells[2]),)), table))
    stream = tokens(render_markdown(attrs.evolve(doc, articles=(heading,), title=cells[3])))
    assert headings(stream)[:2] == [("h1", " ".join(cells[3].split())), ("h2", " ".join(cells[1].split()))]
    assert table_cells(stream) == [
        ["Name", "Purpose"],
        [" ".join(c.split()) for c in cells[:2]],
        [" ".join(c.split()) for c in cells[2:]],
    ]


def test_script_in_data_is_text() -> None:
    stream = tokens(escape_markdown("<script>alert(1)</script>"))
    assert all(t.type != "html_block" for t in stream)
    assert _plain(stream) == "<script>alert(1)</script>"


# Every character that could end a line or a cell, as text and inside link targets.
_BREAKS = list("|\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\t")
breaking = st.text(
    alphabet=st.sampled_from([*_BREAKS, *"ab #*_-<>[]()`\\&!{}1."]) | st.characters(categories=("L", "Zs")),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip())
_URL_CHARS = st.text(alphabet=st.sampled_from(list("ab|()<>[]\\`*_%#?&=~")), max_size=12)


def _folded(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=150, deadline=None)
@given(st.lists(breaking, min_size=6, max_size=6), _URL_CHARS, st.booleans())
@example(["a\rb", "- x\u2028# y", "c\x85d", "e", "f|g", "h"], "a|b", True)
@example(["a\rb", "- x\u2028# y", "c\x85d", "e", "f|g", "h"], "a|b", False)
def test_hostile_text_in_every_field_keeps_the_structure(cells: list[str], path: str, as_list: bool) -> None:
    from policykit.inline import Emphasis, Link

    doc = localize(policykit.load(SEED))
    link = Link(f"https://x.example/{path}", (Text(cells[4]),))
    rows = (
        ((Text(cells[0]),), (Text(cells[1]), link), (Emphasis((Text(cells[5]),)),)),
        ((Text(cells[2]),), (link,), (Text(cells[3]),)),
    )
    table = DocTable(
        "caption " + cells[0], ("name", "purpose", "lifetime"), ("Name", "Purpose", cells[5]), rows, as_list
    )
    blocks = (DocParagraph((Text(cells[2]), link)), table, DocParagraph((Text(cells[3]),)))
    article = attrs.evolve(doc.articles[0], heading=cells[1], blocks=blocks, sections=())
    text = render_markdown(attrs.evolve(doc, articles=(article,), title=cells[3], footer=(cells[4],)))
    stream = tokens(text)
    assert headings(stream) == [("h1", _folded(cells[3])), ("h2", _folded(cells[1]))]
    opened = [t.type for t in stream if t.type.endswith("_open") and t.type not in ("th_open", "td_open", "tr_open")]
    if as_list:
        assert opened == [
            "heading_open", "heading_open", "paragraph_open", "bullet_list_open", "list_item_open",
            "paragraph_open", "list_item_open", "paragraph_open", "paragraph_open", "paragraph_open",
        ]  # fmt: skip
    else:
        assert opened == [
            "heading_open", "heading_open", "paragraph_open", "paragraph_open", "table_open", "thead_open",
            "tbody_open", "paragraph_open", "paragraph_open",
        ]  # fmt: skip
        found = table_cells(stream)
        assert [len(row) for row in found] == [3, 3, 3]
        assert found[1][0] == _folded(cells[0]) and found[2][2] == _folded(cells[3])
    links = [t.attrGet("href") for t in stream if t.type == "inline" for t in t.children or [] if t.type == "link_open"]
    assert links and all(href == links[0] for href in links)
