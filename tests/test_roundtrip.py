"""load(dump(p)) == p for generated policies, including hostile-looking text."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import policykit
from policykit.model import (
    Article,
    Category,
    Controller,
    Cookie,
    CookieTable,
    ItemList,
    Meta,
    Paragraph,
    Party,
    Persistence,
    Policy,
    Ref,
    RefField,
    Role,
    Safeguard,
    Section,
    Storage,
    TableStyle,
    Transfer,
)
from tests_strategies import lifetimes

# Any text a writer could type, over the whole Unicode range (controls and every line
# separator included), YAML-significant characters too; braces and '<' are markup and
# have their own tests. Surrogates are no characters: no file can hold them.
_BREAKS = ["\n", "\t", "\r", "\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x00", "\ufeff", " "]
_any_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="{}<") | st.sampled_from(_BREAKS),
    min_size=1,
    max_size=40,
)
# Long lines of words, spaces and tabs: where the dumper folds a line.
_folded_text = st.lists(
    st.sampled_from(["word", "longerword", " ", "  ", "\t", " \t ", "\r\n", "\x85", "\u2028", "\n"]),
    min_size=30,
    max_size=90,
).map("".join)
text = st.one_of(_any_text, _folded_text)
ids = st.from_regex(r"[a-z_][a-z0-9_.*-]{0,12}", fullmatch=True)
optional_text = st.none() | text


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    party_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    parties = tuple(
        Party(
            id=pid,
            name=draw(optional_text),
            role=draw(st.sampled_from(Role)),
            country=draw(st.none() | st.sampled_from(["US", "NL", "IE", "JP"])),  # type: ignore[arg-type]
            privacy_policy=draw(st.none() | st.just("https://example.com/p?q=1#x")),  # type: ignore[arg-type]
            transfer=draw(
                st.none() | st.builds(Transfer, st.sampled_from(Safeguard), st.none() | st.dates(dt.date(2000, 1, 1)))
            ),
            domains=tuple(draw(st.lists(st.sampled_from(["example.com", "a.example.com"]), max_size=2))),
        )
        for pid in party_ids
    )
    extra = tuple(
        draw(st.lists(st.builds(Category, st.just("social"), text, st.booleans(), optional_text), max_size=1))
    )
    category_ids = ["strictly-necessary", "functional", "analytics", "marketing", *[c.id for c in extra]]
    cookie_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    cookies = tuple(
        Cookie(
            id=cid,
            name=draw(st.sampled_from([cid, None, cid + "_x"])),
            party=draw(st.sampled_from(party_ids)),
            category=draw(st.sampled_from(category_ids)),
            purpose=draw(text),
            lifetime=draw(lifetimes),
            storage=draw(st.sampled_from(Storage)),
            domain=draw(st.none() | st.just("example.com")),
        )
        for cid in cookie_ids
    )
    ref = st.one_of(
        st.builds(Ref, st.sampled_from([RefField.NAME, RefField.LIFETIME]), cookie=st.sampled_from(cookie_ids)),
        st.builds(Ref, st.just(RefField.NAME), party=st.sampled_from(party_ids)),
        st.builds(Ref, st.just(RefField.COUNTRY), parties=st.lists(st.sampled_from(party_ids), min_size=1).map(tuple)),
    )
    paragraph = st.one_of(
        st.builds(Paragraph, text),
        ref.map(lambda r: Paragraph("lasts <em>{v}</em>", {"v": r})),
        st.builds(ItemList, st.lists(text, min_size=1, max_size=3).map(tuple)),
        st.builds(
            CookieTable,
            party=st.none() | st.sampled_from(party_ids),
            category=st.none() | st.sampled_from(category_ids),
            persistence=st.none() | st.sampled_from(Persistence),
            style=st.sampled_from(TableStyle),
            caption=optional_text,
        ),
    )
    body = st.lists(paragraph, max_size=3).map(tuple)
    sections = st.lists(
        st.builds(
            Section,
            body,
            id=st.none(),
            title=optional_text,
            about=st.none() | st.sampled_from(Persistence),
            covers=st.lists(st.sampled_from(cookie_ids), max_size=2).map(tuple),
        ),
        max_size=2,
    ).map(tuple)
    articles = tuple(draw(st.lists(st.builds(Article, text, body, sections, id=st.none()), min_size=1, max_size=3)))
    meta = Meta(
        title=draw(text),
        language=draw(st.sampled_from(["en", "nl", "pt_BR"])),  # type: ignore[arg-type]
        last_modified=draw(
            st.datetimes(
                dt.datetime(1990, 1, 1),
                dt.datetime(2100, 1, 1),
                timezones=st.sampled_from(
                    [dt.UTC, dt.timezone(dt.timedelta(hours=1)), dt.timezone(dt.timedelta(hours=-5, minutes=-30))]
                ),
            )
        ),
        controller=Controller(draw(optional_text), draw(optional_text), draw(optional_text)),
        website=draw(st.none() | st.just("https://www.example.com/")),  # type: ignore[arg-type]
        version=draw(st.none() | st.sampled_from(["1", "2021-02-19", "true", "null", "1.0", "0x10"])),
        effective=draw(st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1))),
    )
    return Policy(meta, parties, cookies, articles, extra)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies())
def test_load_dump_round_trip(policy: Policy) -> None:
    assert policykit.loads(policykit.dump(policy), "generated.yaml") == policy


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies())
def test_dump_matches_the_schema(policy: Policy) -> None:
    import jsonschema
    from ruamel.yaml import YAML

    from policykit.schema import policy_schema

    plain = YAML(typ="safe").load(policykit.dump(policy))
    jsonschema.validate(plain, policy_schema())


def test_lifetimes_as_a_person_writes_them_are_dumped_lowercase(minimal_text: str) -> None:
    text = minimal_text.replace("lifetime: session", "lifetime: 13 Months Or until Logout")
    policy = policykit.loads(text)
    dumped = policykit.dump(policy)
    assert "lifetime: 13 months or until Logout" in dumped
    assert policykit.loads(dumped) == policy


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies(), st.booleans())
def test_json_is_read_as_the_json_specification_says(policy: Policy, ascii_only: bool) -> None:
    """Written by json.dumps, escaped (astral characters as surrogate pairs) or raw
    (U+0085 and U+2028 inside strings as themselves), a policy reads back the same."""
    import json

    from policykit import convert

    text = json.dumps(convert.unstructure(policy), ensure_ascii=ascii_only, indent=1)
    assert policykit.loads(text, "generated.json", is_json=True) == policy


def test_json_surrogate_pairs_and_raw_line_separators_are_characters(minimal_text: str) -> None:
    import json

    from policykit import convert

    raw = convert.unstructure(policykit.loads(minimal_text))
    raw["meta"]["title"] = "Cookies \U0001f510\x85\u2028 and \\ud83d as text"
    escaped = json.dumps(raw, indent=1)
    assert "\\ud83d\\udd10" in escaped
    for text in (escaped, json.dumps(raw, ensure_ascii=False, indent=1)):
        assert policykit.loads(text, "p.json", is_json=True).meta.title == raw["meta"]["title"]
    # After a raw U+2028 and U+0085, positions are still JSON's (which breaks lines at LF only).
    broken = json.dumps(raw, ensure_ascii=False, indent=1).replace('"language"', '"lang"')
    with pytest.raises(policykit.LoadError) as caught:
        policykit.loads(broken, "p.json", is_json=True)
    line = broken[: broken.index('"lang"')].count("\n") + 1
    assert [(f.code, f.line) for f in caught.value.findings if f.code == "PK003"] == [("PK003", line)]


def test_half_a_surrogate_pair_is_refused_where_it_is(minimal_text: str) -> None:
    import json

    from policykit import convert

    text = json.dumps(convert.unstructure(policykit.loads(minimal_text)), indent=1)
    text = text.replace('"title": "', '"title": "\\udd10', 1)
    with pytest.raises(policykit.LoadError) as caught:
        policykit.loads(text, "p.json", is_json=True)
    (finding,) = caught.value.findings
    assert finding.code == "PK002" and "\\udd10 is half of a surrogate pair" in finding.message
    assert (finding.line, finding.column) == (3, 13)
