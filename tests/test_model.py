from __future__ import annotations

import datetime as dt

import pytest

from policykit.model import (
    Cookie,
    CookieTable,
    Lifetime,
    Meta,
    Persistence,
    Ref,
    RefField,
    Unit,
)


def test_lifetime_seconds_are_exact() -> None:
    assert Lifetime.of(90, Unit.DAY).seconds == 90 * 86_400
    assert Lifetime.of(1, Unit.YEAR).seconds == 365 * 86_400
    assert Lifetime.of(12, Unit.MONTH).seconds == 365 * 86_400
    assert Lifetime.of(2, Unit.WEEK).seconds == 14 * 86_400
    assert Lifetime.of(30, Unit.MINUTE).seconds == 1_800


def test_session_lifetime() -> None:
    session = Lifetime.session()
    assert session.is_session and session.stated
    assert session.seconds is None


@pytest.mark.parametrize("lifetime", [Lifetime.not_stated(), Lifetime(Persistence.PERSISTENT)])
def test_unstated_lifetimes(lifetime: Lifetime) -> None:
    assert not lifetime.stated
    assert not lifetime.is_session
    assert lifetime.seconds is None


def test_until_event_is_kept() -> None:
    lifetime = Lifetime.of(365, Unit.DAY, until="logout")
    assert lifetime.until == "logout"
    assert lifetime.seconds == 365 * 86_400


def test_the_longest_case_of_a_choice() -> None:
    remember_me = Lifetime(Persistence.SESSION, until="logout", choice=Lifetime.of(14, Unit.DAY))
    assert remember_me.cases == (Lifetime.session(until="logout"), Lifetime.of(14, Unit.DAY, until="logout"))
    assert remember_me.longest() == Lifetime.of(14, Unit.DAY, until="logout")
    assert remember_me.longest_seconds() == remember_me.seconds == 14 * 86_400
    assert remember_me.is_persistent and remember_me.may_be_session and not remember_me.is_session
    assert remember_me.stated
    # 'persistent' with no duration is unbounded: the longest case, whose length is not known.
    unknown = Lifetime(Persistence.SESSION, choice=Lifetime(Persistence.PERSISTENT))
    assert unknown.longest() == Lifetime(Persistence.PERSISTENT) and unknown.longest_seconds() is None
    assert not unknown.stated
    # Equal lengths: the first case.
    assert Lifetime.of(1, Unit.YEAR, choice=Lifetime.of(12, Unit.MONTH)).longest() == Lifetime.of(1, Unit.YEAR)


def test_a_maximum_and_a_renewal_last_their_duration_at_the_longest() -> None:
    assert Lifetime.of(2, Unit.YEAR, maximum=True).longest_seconds() == 2 * 365 * 86_400
    assert Lifetime.of(2, Unit.YEAR, renewed=True).longest_seconds() == 2 * 365 * 86_400
    assert Lifetime.of(2, Unit.YEAR, renewed=True) != Lifetime.of(2, Unit.YEAR)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Lifetime(Persistence.SESSION, maximum=True), "only a duration"),
        (lambda: Lifetime(Persistence.SESSION, choice=Lifetime.session()), "the same"),
        (lambda: Lifetime(Persistence.SESSION, choice=Lifetime.not_stated()), "not stated"),
        (lambda: Lifetime(Persistence.SESSION, choice=Lifetime.of(1, Unit.DAY, until="x")), "one plain lifetime"),
    ],
)
def test_impossible_lifetimes_are_refused(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()  # type: ignore[operator]


def test_only_persistent_lifetimes_have_a_duration() -> None:
    from policykit.model import Duration

    with pytest.raises(ValueError, match="only a persistent"):
        Lifetime(Persistence.SESSION, Duration(1, Unit.DAY))


def test_ref_names_exactly_one_record() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Ref(RefField.NAME)
    with pytest.raises(ValueError, match="exactly one"):
        Ref(RefField.NAME, cookie="a", party="b")


def test_ref_fields_are_closed_per_kind() -> None:
    with pytest.raises(ValueError, match="a party reference shows one of"):
        Ref(RefField.LIFETIME, party="google")
    assert Ref(RefField.LIFETIME, cookie="_ga").cookie == "_ga"


def test_meta_needs_a_time_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        Meta("T", "en", dt.datetime(2021, 2, 19, 13, 40))  # type: ignore[arg-type]


def test_records_are_frozen() -> None:
    cookie = Cookie("a", "a", "p", "analytics", "x", Lifetime.session())
    with pytest.raises(AttributeError):
        cookie.name = "b"  # type: ignore[misc]


def test_pattern_names() -> None:
    assert Cookie("g", "_ga_*", "p", "analytics", "x", Lifetime.session()).is_pattern
    assert not Cookie("g", "_ga", "p", "analytics", "x", Lifetime.session()).is_pattern
    assert not Cookie("g", None, "p", "analytics", "x", Lifetime.session()).is_pattern


def test_cookie_table_filters(seed: object = None) -> None:
    import policykit
    from conftest import SEED

    policy = policykit.load(SEED)
    names = [c.id for c in policy.matching_cookies(CookieTable(party="operator"))]
    assert names == ["WHMCSInstanceID", "WHMCSAffiliateID", "WHMCSLinkID", "WHMCSUser"]
    sessions = [c.id for c in policy.matching_cookies(CookieTable(persistence=Persistence.SESSION))]
    assert sessions == ["WHMCSInstanceID"]
    analytics = [c.id for c in policy.matching_cookies(CookieTable(category="analytics", party="google"))]
    assert analytics == ["google-analytics"]


def test_lookups_raise_for_unknown_ids() -> None:
    import policykit
    from conftest import SEED

    policy = policykit.load(SEED)
    assert policy.party("google").name == "Google"
    assert policy.category("analytics").consent_required
    assert not policy.category("strictly-necessary").consent_required
    with pytest.raises(KeyError):
        policy.cookie("nope")
