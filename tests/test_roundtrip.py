"""load(dump(p)) == p for generated policies, including hostile-looking text."""

from __future__ import annotations

import datetime as dt

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

# Any text a writer could type, YAML-significant characters included; braces and '<'
# are markup and have their own tests.
text = st.text(
    alphabet=st.characters(exclude_characters="{}<", exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\t"),
    min_size=1,
    max_size=40,
)
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
