"""Importing the Open Cookie Database, as a policy and as a catalogue: small fixtures,
and the full file when present."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import policykit
from conftest import FIXTURES, SHARED
from policykit.catalogue import OPEN_COOKIE_DATABASE, DomainKind, bundled, load_catalogue
from policykit.catalogue.ocd import import_catalogue, ocd_policy, parse_retention, read_ocd, read_retention
from policykit.cli import main
from policykit.model import CategoryKind, Lifetime, Persistence, Unit
from policykit.syntax import format_lifetime, parse_lifetime

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


# --- the catalogue import ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lifetime", "exact", "renewed"),
    [
        ("session cookie", Lifetime.session(), True, False),
        ("Sessions", Lifetime.session(), True, False),
        ("1440 Minutes", Lifetime.of(1440, Unit.MINUTE), True, False),
        ("90 sec", Lifetime.of(90, Unit.SECOND), True, False),
        ("2 years after last activity", Lifetime.of(2, Unit.YEAR), True, True),
        ("13 months by default, modifiable", Lifetime.of(13, Unit.MONTH), True, False),
        ("1 hour or longer", Lifetime(Persistence.PERSISTENT), False, False),
        ("1 year (in some countries, the period may be longer)", Lifetime(Persistence.PERSISTENT), False, False),
        ("forever", Lifetime(Persistence.PERSISTENT), False, False),
        ("no expiration", Lifetime(Persistence.PERSISTENT), False, False),
        ("varies", Lifetime.not_stated(), False, False),
        ("undefined", Lifetime.not_stated(), False, False),
        ("Session to 30 days", Lifetime.not_stated(), False, False),
        ("180 days after last activity or 10 years when opting out", Lifetime.not_stated(), False, False),
        ("10 Nov 2030", Lifetime.not_stated(), False, False),
        ("0 day", Lifetime.not_stated(), False, False),
        ("Seesion", Lifetime.not_stated(), False, False),
        ("Awin", Lifetime.not_stated(), False, False),
    ],
)
def test_each_spelling_is_read_exactly_or_said_not_known(
    text: str, lifetime: Lifetime, exact: bool, renewed: bool
) -> None:
    retention = read_retention(text)
    assert (retention.lifetime, retention.exact, retention.renewed) == (lifetime, exact, renewed)
    assert retention.exact or retention.note  # what is not exact says why


def test_or_longer_keeps_the_minimum_in_a_note_never_as_the_lifetime() -> None:
    assert read_retention("1 hour or longer").note == "at least 1 hour, how much longer not known: '1 hour or longer'"


def test_import_writes_a_catalogue_and_lists_what_is_not_clean(tmp_path: Path) -> None:
    result = import_catalogue(FIXTURES / "ocd" / "catalogue.csv", read=dt.date(2026, 11, 26))
    assert (result.total, result.clean, result.written) == (10, 5, 8)
    reasons = {(p.line, p.name): p.reason for p in result.problems}
    assert reasons == {
        (6, "acme_state"): "not known: the database says 'Unknown'",
        (7, "acme_ads"): "at least 1 hour, how much longer not known: '1 hour or longer'",
        (9, "acme_range"): "several lifetimes, not one: 'Session to 30 days'",
        (10, "Site History"): "a name with spaces, or none: left out",
        (11, "acme_pref"): "repeats the row at 8 of Acme: left out",
    }
    out = tmp_path / "ocd.yaml"
    out.write_text(result.yaml, encoding="utf-8")
    imported = load_catalogue(out)
    assert all(entry.provenance.source == OPEN_COOKIE_DATABASE for entry in imported)
    assert imported.match("_ga_X1").reference == "google-analytics/_ga_*"  # type: ignore[union-attr]
    vuid = imported.match("vuid")
    assert vuid is not None and vuid.domain is DomainKind.VENDOR and vuid.purpose == "Analytics for the video owner"
    assert imported.match("acme_pref").renewed  # type: ignore[union-attr]
    assert imported.match("acme_x").category is CategoryKind.FUNCTIONAL  # type: ignore[union-attr]
    # Same input, same bytes.
    assert import_catalogue(FIXTURES / "ocd" / "catalogue.csv", read=dt.date(2026, 11, 26)).yaml == result.yaml


def test_the_edpb_json_has_no_retention_so_nothing_is_clean() -> None:
    result = import_catalogue(FIXTURES / "ocd" / "edpb.json", read=dt.date(2026, 11, 26))
    assert (result.total, result.clean, result.written) == (2, 0, 2)
    assert {p.reason for p in result.problems} == {"not known: the EDPB format has no retention period"}


def test_import_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ocd.yaml"
    assert main(["catalogue", "import", str(FIXTURES / "ocd" / "catalogue.csv"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "catalogue.csv: 5 of 10 rows imported cleanly, 5 with problems listed above (8 entries written" in err
    assert f"{FIXTURES / 'ocd' / 'catalogue.csv'}:10: Site History: a name with spaces, or none: left out" in err
    assert load_catalogue(out)
    assert (
        main(["catalogue", "import", str(FIXTURES / "ocd" / "sample.csv"), "-o", str(out), "--read", "2026-11-26"]) == 0
    )
    assert out.read_text(encoding="utf-8").startswith(
        "# Imported from the Open Cookie Database (sample.csv) on 2026-11-26"
    )
    assert main(["catalogue", "import", str(FIXTURES / "load" / "minimal.yaml"), "-o", str(out)]) == 2
    assert "not the Open Cookie Database's CSV" in capsys.readouterr().err


@pytest.mark.skipif(not FULL.is_file(), reason="the Open Cookie Database is not present")
def test_full_database_imports_as_a_catalogue(tmp_path: Path) -> None:
    result = import_catalogue(FULL, read=dt.date(2026, 11, 26))
    assert result.total == 2264
    assert result.clean == 2190
    assert result.written == 2262  # 'Site History' has a space; Sonobi's __uis is listed twice
    assert result.total - result.clean == len(result.problems)
    out = tmp_path / "ocd.yaml"
    out.write_text(result.yaml, encoding="utf-8")
    imported = load_catalogue(out)
    assert len(imported) == 2262
    vuid = imported.match("vuid")
    assert vuid is not None and vuid.lifetime == Lifetime.of(1, Unit.MINUTE)  # the database; Vimeo says 2 years
    assert bundled().match("vuid").lifetime == Lifetime.of(2, Unit.YEAR)  # type: ignore[union-attr]
    edpb = import_catalogue(FULL.with_name("open-cookie-database-edpb.json"), read=dt.date(2026, 11, 26))
    assert edpb.total == 2248 and edpb.clean == 0


def test_a_retention_longer_than_a_lifetime_can_be_written_is_not_known(tmp_path: Path) -> None:
    for text in (
        "99999999999999999999 years",
        "1000000 days",
        "1" * 5000 + " days",
        "12345678 days after last activity",
    ):
        retention = read_retention(text)
        assert retention.lifetime == Lifetime.not_stated() and not retention.exact
        assert retention.note is not None and retention.note.startswith("longer than a lifetime can be written")
    assert read_retention("999999 days").lifetime == Lifetime.of(999_999, Unit.DAY)
    header = (FIXTURES / "ocd" / "catalogue.csv").read_text(encoding="utf-8").splitlines()[0]
    source = tmp_path / "huge.csv"
    source.write_text(f"{header}\nc1,Acme,Analytics,acme_huge,,Huge,99999999999999999999 years,Acme,,0\n", "utf-8")
    result = import_catalogue(source, read=dt.date(2026, 11, 26))
    assert result.clean == 0 and [p.reason for p in result.problems] == [
        "longer than a lifetime can be written (at most 999,999 of a unit): '99999999999999999999 years'"
    ]
    out = tmp_path / "huge.yaml"
    out.write_text(result.yaml, encoding="utf-8")
    assert load_catalogue(out).match("acme_huge") is not None


_RETENTION_WORDS = st.sampled_from(
    ["s", "sec", "secs", "min", "mins", "minute", "hours", "hr", "day", "days", "week", "months", "year", "years"]
)


@given(
    st.one_of(
        st.builds(
            lambda zeros, amount, unit, tail: f"{'0' * zeros}{amount} {unit}{tail}",
            st.integers(0, 3),
            st.integers(0, 10**25),
            _RETENTION_WORDS,
            st.sampled_from(["", " or longer", " after last activity", " by default, modifiable"]),
        ),
        st.text(alphabet="0123456789 sdayminhourweekyearlongerafter,", max_size=40),
    )
)
def test_every_imported_lifetime_parses_back(text: str) -> None:
    lifetime = read_retention(text).lifetime
    assert parse_lifetime(format_lifetime(lifetime)) == lifetime


def test_an_imported_many_star_pattern_is_matched_in_linear_time(tmp_path: Path) -> None:
    # `*a*a...*b` once made `catalogue lookup` backtrack for minutes; imported, it is an
    # entry like any other, and a lookup answers at once (policykit.globs).
    pattern = "*a" * 30 + "*b"
    header = (FIXTURES / "ocd" / "catalogue.csv").read_text(encoding="utf-8").splitlines()[0]
    csv = tmp_path / "hostile.csv"
    csv.write_text(f"{header}\nh1,Acme,Analytics,{pattern},,Counts visits,1 year,Acme,,0\n", encoding="utf-8")
    result = import_catalogue(csv, read=dt.date(2026, 12, 1))
    out = tmp_path / "ocd.yaml"
    out.write_text(result.yaml, encoding="utf-8")
    imported = load_catalogue(out)
    assert imported.match("a" * 60) is None
    assert imported.match("a" * 59 + "b").name == pattern  # type: ignore[union-attr]


_HEADER = (
    "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,"
    "User Privacy & GDPR Rights Portals,Wildcard match\n"
)
_ROW = "x1,GA,Analytics,_ga,,Counts visits,2 years,Google,https://policies.google.com/privacy,0\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (_ROW + "x2,GA,Analytics,_gb\n", ":3: a row of 4 cells under a header of 10"),
        (_ROW.replace(",0\n", ",0,extra,more\n"), ":2: a row of 12 cells under a header of 10"),
        ('x3,GA,Analytics,_ga,,"' + "d" * 200_000 + '",2 years,Google,,0\n', ":2: not readable as CSV"),
    ],
)
def test_a_short_long_or_oversized_row_is_named_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, message: str
) -> None:
    source = tmp_path / "ocd.csv"
    source.write_text(_HEADER + body, encoding="utf-8")
    code = main(["catalogue", "import", str(source), "-o", str(tmp_path / "out.yaml"), "--read", "2026-12-01"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"ocd.csv{message}" in err
    assert not (tmp_path / "out.yaml").exists()
