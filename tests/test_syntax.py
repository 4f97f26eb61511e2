from __future__ import annotations

import datetime as dt
import re
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykit.model import Lifetime, Persistence, Unit
from policykit.syntax import (
    LIFETIME_PATTERN,
    format_lifetime,
    is_country_code,
    is_web_url,
    parse_date,
    parse_datetime,
    parse_lifetime,
)
from tests_strategies import lifetimes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("session", Lifetime.session()),
        ("90 days", Lifetime.of(90, Unit.DAY)),
        ("1 day", Lifetime.of(1, Unit.DAY)),
        ("13 months", Lifetime.of(13, Unit.MONTH)),
        ("2 years", Lifetime.of(2, Unit.YEAR)),
        ("365 days or until logout", Lifetime.of(365, Unit.DAY, until="logout")),
        ("persistent", Lifetime(Persistence.PERSISTENT)),
        ("not stated", Lifetime.not_stated()),
        ("session or until you log out", Lifetime.session(until="you log out")),
        # As a person writes them: the case of a word does not change its meaning.
        ("13 Months", Lifetime.of(13, Unit.MONTH)),
        ("Session", Lifetime.session()),
        ("90 Days", Lifetime.of(90, Unit.DAY)),
        ("Not stated", Lifetime.not_stated()),
        ("Persistent", Lifetime(Persistence.PERSISTENT)),
        ("1 YEAR Or Until Logout", Lifetime.of(1, Unit.YEAR, until="Logout")),
        # What vendors and sites really state: a choice, a maximum, a renewal.
        ("session or 14 days", Lifetime(Persistence.SESSION, choice=Lifetime.of(14, Unit.DAY))),
        ("up to 2 years", Lifetime.of(2, Unit.YEAR, maximum=True)),
        ("2 years from your last visit", Lifetime.of(2, Unit.YEAR, renewed=True)),
        ("Up To 25 Months From Your Last Visit", Lifetime.of(25, Unit.MONTH, maximum=True, renewed=True)),
        (
            "session or 14 days or until logout",
            Lifetime(Persistence.SESSION, until="logout", choice=Lifetime.of(14, Unit.DAY)),
        ),
        ("14 days or session", Lifetime.of(14, Unit.DAY, choice=Lifetime.session())),
        ("session or persistent", Lifetime(Persistence.SESSION, choice=Lifetime(Persistence.PERSISTENT))),
    ],
)
def test_parse_lifetime(text: str, expected: Lifetime) -> None:
    assert parse_lifetime(text) == expected
    assert re.match(LIFETIME_PATTERN, text)  # the JSON Schema agrees


@pytest.mark.parametrize(
    "text",
    [
        "ninety",
        "90",
        "90 fortnights",
        "0 days",
        "-1 days",
        "90  days",
        "Not Stated or until x",
        "sessions",
        "",
        "up to session",
        "session or not stated",
        "not stated or 2 days",
        "session or session",
        "2 years or 2 years",
        "2 years from the last visit",
        "session or 14 days or 30 days",
        "session or until",
    ],
)
def test_parse_lifetime_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"lifetime|not stated"):
        parse_lifetime(text)


def test_90_days_stays_90_days() -> None:
    assert format_lifetime(parse_lifetime("90 days")) == "90 days"
    assert format_lifetime(parse_lifetime("1 days")) == "1 day"


@given(lifetimes)
def test_lifetime_round_trip(lifetime: Lifetime) -> None:
    assert parse_lifetime(format_lifetime(lifetime)) == lifetime


@given(lifetimes, st.randoms(use_true_random=False))
def test_any_case_means_the_same_and_prints_lowercase(lifetime: Lifetime, random: Random) -> None:
    text = format_lifetime(lifetime)
    until = len(text) - len(lifetime.until) if lifetime.until is not None else len(text)
    # The event after 'or until' is the writer's own words: its case is kept.
    shouted = "".join(c.upper() if random.random() < 0.5 else c for c in text[:until]) + text[until:]
    assert parse_lifetime(shouted) == lifetime
    assert format_lifetime(parse_lifetime(shouted)) == text
    assert re.match(LIFETIME_PATTERN, shouted)


def test_country_codes() -> None:
    assert is_country_code("US") and is_country_code("NL") and is_country_code("IE")
    assert not is_country_code("XX") and not is_country_code("EU") and not is_country_code("us")
    assert not is_country_code("USA")
    # CLDR's exceptionally reserved and private codes are not ISO 3166-1 countries.
    for code in ("AC", "CP", "DG", "EA", "IC", "TA", "CQ", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"):
        assert not is_country_code(code), code


def test_country_codes_are_exactly_iso_3166_1() -> None:
    # Debian's iso-codes package: the ISO 3166 Maintenance Agency's list as data.
    import json
    from pathlib import Path

    from tools import require

    from policykit.syntax import _country_codes

    listing = Path("/usr/share/iso-codes/json/iso_3166-1.json")
    require(listing.is_file(), "iso-codes (Debian package, /usr/share/iso-codes)")
    iso = {entry["alpha_2"] for entry in json.loads(listing.read_text(encoding="utf-8"))["3166-1"]}
    assert _country_codes() == iso
    assert len(iso) == 249


def test_web_urls() -> None:
    assert is_web_url("https://www.tawk.to/privacy-policy/")
    assert not is_web_url("javascript:alert(1)")
    assert not is_web_url("file:///etc/passwd")
    assert not is_web_url("https://exa mple.com")


def test_dates() -> None:
    assert parse_date("2021-02-19") == dt.date(2021, 2, 19)
    with pytest.raises(ValueError, match="expected a date"):
        parse_date("19/02/2021")
    moment = parse_datetime("2021-02-19T13:40:00+01:00")
    assert moment.utcoffset() == dt.timedelta(hours=1)
    with pytest.raises(ValueError, match="time zone"):
        parse_datetime("2021-02-19T13:40:00")
