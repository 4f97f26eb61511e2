from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykit.inline import (
    Emphasis,
    InlineError,
    Link,
    Placeholder,
    Strong,
    Text,
    parse_inline,
    placeholders,
    plain_text,
    tags,
)


def test_parses_markup_and_placeholders() -> None:
    nodes = parse_inline(
        'Lasts {days}, see <a href="https://example.com/x">the <em>docs</em></a> <strong>now</strong>.'
    )
    assert nodes == (
        Text("Lasts "),
        Placeholder("days"),
        Text(", see "),
        Link("https://example.com/x", (Text("the "), Emphasis((Text("docs"),)))),
        Text(" "),
        Strong((Text("now"),)),
        Text("."),
    )


def test_double_braces_are_literal() -> None:
    assert parse_inline("a {{b}} c") == (Text("a {b} c"),)


def test_unknown_tags_stay_text() -> None:
    assert parse_inline("<script>alert(1)</script>") == (Text("<script>alert(1)</script>"),)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{x.__class__}", "not a bare name"),
        ("{x[0]}", "not a bare name"),
        ("{x:>10}", "not a bare name"),
        ("{x!r}", "not a bare name"),
        ("{}", "not a bare name"),
        ("{open", "never closed"),
        ("close}", "closes no placeholder"),
        ("<em>open", "never closed"),
        ("<em><strong>x</em></strong>", "closes no open"),
        ('<a href="javascript:alert(1)">x</a>', "not an http"),
        ('<a href="file:///etc/passwd">x</a>', "not an http"),
        ('<a href="/relative">x</a>', "not an http"),
    ],
)
def test_rejects(source: str, message: str) -> None:
    with pytest.raises(InlineError, match=message):
        parse_inline(source)


def test_error_offset_points_at_the_problem() -> None:
    with pytest.raises(InlineError) as caught:
        parse_inline("abc {x.y}")
    assert caught.value.offset == 4


def test_placeholders_and_tags_in_order() -> None:
    source = '<em>{a}</em> and {b} and {a} <a href="mailto:x@example.com">m</a>'
    assert placeholders(source) == ["a", "b", "a"]
    assert tags(source) == ["em", "a href=mailto:x@example.com"]


def test_plain_text_fills_values() -> None:
    nodes = parse_inline("<em>{n}</em> days")
    assert plain_text(nodes, {"n": "90"}) == "90 days"
    assert plain_text(nodes) == "{n} days"


@given(st.text(alphabet=st.characters(exclude_characters="{}<", categories=("L", "M", "N", "P", "S", "Z"))))
def test_text_without_markup_is_one_text_node(source: str) -> None:
    assert plain_text(parse_inline(source)) == source
