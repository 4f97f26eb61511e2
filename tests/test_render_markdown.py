"""Markdown: golden files, parsed back with markdown-it-py, and nothing in the data changes its structure."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from golden import assert_golden
from hypothesis import given, settings
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
