"""Importing the Open Cookie Database: a small fixture, and the full file when present."""

from __future__ import annotations

import pytest

import policykit
from conftest import FIXTURES, SHARED
from policykit.model import Lifetime, Persistence, Unit
from policykit.ocd import ocd_policy, parse_retention, read_ocd

FULL = SHARED / "data" / "open-cookie-database" / "open-cookie-database.csv"


@pytest.mark.parametrize(
    ("text", "lifetime"),
    [
        ("2 years", Lifetime.of(2, Unit.YEAR)),
        ("1 Year", Lifetime.of(1, Unit.YEAR)),
        ("90 Days", Lifetime.of(90, Unit.DAY)),
        ("30 mins", Lifetime.of(30, Unit.MINUTE)),
        ("13 months", Lifetime.of(13, Unit.MONTH)),
        ("Session", Lifetime.session()),
        ("End of session (browser)", Lifetime.session()),
        ("forever", Lifetime(Persistence.PERSISTENT)),
        ("Unknown", Lifetime.not_stated()),
        ("Varies", Lifetime.not_stated()),
        ("Local Storage", Lifetime.not_stated()),
        ("0 days", Lifetime.not_stated()),
        ("", Lifetime.not_stated()),
    ],
)
def test_retention_periods_are_read_exactly_or_not_at_all(text: str, lifetime: Lifetime) -> None:
    assert parse_retention(text) == lifetime


def test_sample_import() -> None:
    policy = ocd_policy(read_ocd(FIXTURES / "ocd" / "sample.csv"))
    by_id = {cookie.id: cookie for cookie in policy.cookies}
    assert by_id["_ga"].category == "analytics"
    assert by_id["_ga_*"].is_pattern  # the wildcard flag makes a prefix pattern
    assert by_id["TawkConnectionTime"].lifetime.is_session
    assert by_id["TawkConnectionTime"].purpose == "Keeps the chat {{connection}} alive"
    assert by_id["u"].category == "strictly-necessary"
    assert by_id["u@a5"].name == "u"  # a repeated name gets an id of its own
    assert by_id["u"].party == "other"  # no controller: the platform stands in
    assert policy.party("other").privacy_policy is None
    assert policy.party("google").privacy_policy == "https://business.safety.google/privacy/"
    # What is imported is a policy like any other: it dumps and loads back.
    assert policykit.loads(policykit.dump(policy), "ocd.yaml") == policy


@pytest.mark.skipif(not FULL.is_file(), reason="the Open Cookie Database is not present")
def test_full_database_imports_and_round_trips() -> None:
    rows = read_ocd(FULL)
    policy = ocd_policy(rows)
    assert len(policy.cookies) == len(rows) == 2264
    assert len({cookie.id for cookie in policy.cookies}) == 2264
    assert policykit.loads(policykit.dump(policy), "ocd.yaml") == policy
