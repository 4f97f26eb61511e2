"""The vendor catalogue: its data, matching, the lookup command, cookies declared by
reference, and the checks that compare a policy with it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import policykit
from conftest import FIXTURES, POLICY, ROOT
from policykit.catalogue import (
    OPEN_COOKIE_DATABASE,
    CatalogueError,
    DomainKind,
    bundled,
    cookies,
    load_catalogue,
    match,
)
from policykit.cli import main
from policykit.globs import compile_glob
from policykit.load import LoadError, load_with_source, loads
from policykit.model import CategoryKind, Lifetime, Unit
from policykit.rules import run_checks

HERE = FIXTURES / "catalogue"
SMALL = HERE / "small.yaml"
TODAY = dt.date(2026, 11, 25)


def lookup(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["catalogue", "lookup", *argv])
    return code, capsys.readouterr().out


# --- the built-in data ------------------------------------------------------------------


def test_every_built_in_fact_names_the_page_it_was_read_at_and_the_day() -> None:
    catalogue = bundled()
    assert len(catalogue) >= 60
    for entry in [*catalogue, *catalogue.vendors]:
        where = getattr(entry, "reference", getattr(entry, "id", ""))
        assert entry.provenance.read in (dt.date(2026, 11, 26), dt.date(2026, 12, 1), dt.date(2026, 12, 2)), where
        source = entry.provenance.source
        assert source == OPEN_COOKIE_DATABASE or source.startswith(("https://", "http://")), where
    # The seed's systems rest on their vendors' own pages, never on the database.
    for vendor in ("google", "tawkto", "whmcs", "vimeo", "matomo", "cloudflare"):
        entries = [e for e in catalogue.filter(vendor=vendor) if e.service != "google-ads"]
        assert all(e.provenance.from_vendor for e in entries), vendor
    # Meta's cookies rest on Meta's own code and pages, never on the database alone.
    for entry in catalogue.filter(vendor="meta"):
        assert entry.provenance.from_vendor, entry.reference
    # A role a service states is a legal fact with its own source.
    for entry in catalogue:
        if entry.role is not None:
            assert entry.role_source is not None and entry.role_source.from_vendor, entry.reference


def test_the_vendor_wins_where_the_open_cookie_database_is_wrong() -> None:
    vuid = match("vuid")
    assert vuid is not None and vuid.lifetime == Lifetime.of(2, Unit.YEAR)  # the database says 1 minute
    assert match("__tawkuuid") is None and match("tawkUUID") is None  # deprecated by tawk.to in 2022


# --- matching ---------------------------------------------------------------------------


def test_done_when_lookup_answers_google_analytics_with_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = lookup(capsys, "_ga_ABC123XYZ")
    assert code == 0
    assert "Google Analytics" in out and "Google LLC" in out and "lifetime: 2 years" in out
    assert "source: https://support.google.com/analytics/answer/11397207 (read 2026-11-26)" in out
    code, out = lookup(capsys, "_gid")
    assert code == 0 and "lifetime: 24 hours" in out


def test_lookup_as_json_and_of_an_unknown_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = lookup(capsys, "WHMCSa1b2", "--format", "json")
    found = json.loads(out)["matches"]
    assert code == 0 and [m["reference"] for m in found] == ["whmcs/WHMCS*"]
    assert found[0]["lifetime"] == "session" and found[0]["source"] == "http://docs.whmcs.com/Cookies"
    code, out = lookup(capsys, "no-such-cookie")
    assert code == 1 and out == ""


def test_lookup_in_another_catalogue_and_a_broken_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = lookup(capsys, "ac_id_9", "--catalogue", str(SMALL))
    assert code == 0 and "acme-analytics/ac_id_*" in out
    assert main(["catalogue", "lookup", "x", "--catalogue", str(HERE / "bad-source.yaml")]) == 2
    err = capsys.readouterr().err
    assert f"{HERE / 'bad-source.yaml'}:17:17: source must be" in err and "Traceback" not in err


def test_exact_names_win_over_patterns_and_longer_prefixes_over_shorter() -> None:
    whmcs = bundled()
    assert [e.name for e in whmcs.matches("WHMCSUser")][:2] == ["WHMCSUser", "WHMCS*"]
    small = load_catalogue(SMALL)
    assert [e.reference for e in small.matches("ac_id_session")] == [
        "acme-analytics/ac_id_session",
        "acme-analytics/ac_id_*",
        "acme-ocd/ac_id_*",
        "acme-analytics/ac*",
    ]
    assert small.match("ac_other") is not None and small.match("ac_other").name == "ac*"  # type: ignore[union-attr]
    # The same pattern from the vendor and from the Open Cookie Database: the vendor first.
    best = small.match("ac_id_42")
    assert best is not None and best.provenance.source != OPEN_COOKIE_DATABASE
    # A pattern asked about matches the same pattern, not the exact names it covers.
    assert small.match("ac_id_*").reference == "acme-analytics/ac_id_*"  # type: ignore[union-attr]
    assert match("_ga_<container-id>").reference == "google-analytics/_ga_*"  # type: ignore[union-attr]
    assert match("twk_uuid_5f588625").reference == "tawkto/tawk_uuid_*"  # type: ignore[union-attr]


@given(st.text(alphabet=st.characters(exclude_characters="*", exclude_categories=["Cs"]), max_size=20))
def test_any_ga4_container_id_is_the_ga4_cookie(suffix: str) -> None:
    entry = match("_ga_" + suffix)
    assert entry is not None
    assert entry.reference == "google-analytics/_ga_*"


_BUNDLED_NAMES = sorted({name for entry in bundled() for name in entry.names})


@given(
    st.one_of(
        st.sampled_from(_BUNDLED_NAMES).map(lambda name: name.replace("*", "x")),
        st.tuples(st.sampled_from(_BUNDLED_NAMES), st.text(max_size=6)).map(lambda pair: pair[0].replace("*", pair[1])),
        st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12),
    )
)
def test_the_pattern_index_finds_what_trying_every_pattern_finds(name: str) -> None:
    """Patterns are filed by the first character of their prefix; a name, whatever it
    is (empty, starting with a star, a pattern's own cookie), gets the entries that
    trying every pattern of the catalogue gives, in the same order."""
    from policykit.catalogue.model import normalize_name

    catalogue = bundled()
    normal = normalize_name(name)
    if "*" in normal:
        return  # a pattern asked about is compared by name, not through the index
    expected = [entry for entry in catalogue if normal in entry.names]
    expected += [e for e in catalogue if normal not in e.names and any(compile_glob(n)(normal) for n in e.names)]
    assert sorted(map(id, catalogue.matches(name))) == sorted(map(id, expected))
    assert catalogue.matches(name) == catalogue._matches(normal)


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("bad-source.yaml", ":17:17: source must be the http(s) URL of the vendor's page that was read"),
        ("bad-vendor.yaml", ":4:13: vendor 'nobody' is not declared under any file's vendors"),
        ("bad-lifetime.yaml", ":14:19: expected a lifetime such as"),
    ],
)
def test_a_broken_catalogue_is_one_positioned_line(file: str, message: str) -> None:
    with pytest.raises(CatalogueError) as error:
        load_catalogue(HERE / file)
    text = str(error.value)
    assert text.startswith(str(HERE / file) + message) and "\n" not in text


def test_filters_on_a_policys_cookies() -> None:
    policy = policykit.load(POLICY)
    analytics = [c.name for c, _ in cookies(policy, category="analytics")]
    assert analytics == ["WHMCSLinkID", "_ga", "_ga_*"]
    assert [c.name for c, _ in cookies(policy, party="tawkto", kind=DomainKind.FIRST_PARTY)] == [
        "twk_uuid_*",
        "twk_idm_key",
        "TawkConnectionTime",
        "twk_token_*",
    ]
    assert all(entry is not None for _, entry in cookies(policy))
    assert [e.name for e in bundled().filter(vendor="whmcs", category=CategoryKind.MARKETING)] == ["WHMCSAffiliateID"]


# --- cookies declared by reference ------------------------------------------------------


def test_a_cookie_declared_by_reference_inherits_and_may_override() -> None:
    policy = policykit.load(HERE / "by-reference.yaml")
    ga, ga4, whmcs, gid = policy.cookies
    assert (ga.name, ga.party, ga.category, ga.lifetime) == ("_ga", "google", "analytics", Lifetime.of(2, Unit.YEAR))
    assert ga.purpose == "Tells Google Analytics visits apart, so that the site can count its visitors."
    assert (ga4.name, ga4.lifetime) == ("_ga_*", Lifetime.of(13, Unit.MONTH))  # overridden
    assert (whmcs.name, whmcs.party, whmcs.lifetime) == ("WHMCSa1b2", "site", Lifetime.session())  # the site's own
    assert (gid.category, gid.lifetime) == ("functional", Lifetime.of(24, Unit.HOUR))
    # An override is what the checks compare: _gid filed as functional is reported.
    report = run_checks(*load_with_source(HERE / "by-reference.yaml"), profile="gdpr", as_of=TODAY)
    assert [(f.code, f.path) for f in report.findings if f.code in ("PK150", "PK151", "PK250")] == [
        ("PK151", "cookies[_gid].category")
    ]


def test_a_reference_the_catalogue_does_not_know_is_placed_with_a_suggestion(tmp_path: Path) -> None:
    text = (HERE / "by-reference.yaml").read_text(encoding="utf-8")
    text = text.replace("  - catalogue: _ga\n", "  - catalogue: _gidd\n  - from: google-analytics/_gaa\n")
    with pytest.raises(LoadError) as error:
        loads(text, "policy.yaml")
    shown = [finding.to_text() for finding in error.value.findings]
    assert shown == [
        "policy.yaml:17:16: error PK006 cookies[_gidd].catalogue: no cookie '_gidd' in the catalogue; "
        "did you mean '_gid'?",
        "policy.yaml:18:11: error PK006 cookies[google-analytics/_gaa].from: no entry 'google-analytics/_gaa' "
        "in the catalogue (service/name); did you mean 'google-analytics/_ga'?",
    ]


def test_a_reference_needs_its_vendor_declared() -> None:
    text = (HERE / "by-reference.yaml").read_text(encoding="utf-8").replace("  - id: google\n", "  - id: alphabet\n")
    with pytest.raises(LoadError) as error:
        loads(text, "policy.yaml")
    messages = {(f.line, f.code, f.message.split(" (")[0]) for f in error.value.findings}
    assert (17, "PK006", "party 'google' is not declared under parties") in messages


def test_a_cookie_gives_catalogue_or_from_not_both() -> None:
    text = (HERE / "by-reference.yaml").read_text(encoding="utf-8")
    text = text.replace("  - catalogue: _ga\n", "  - catalogue: _ga\n    from: google-analytics/_ga\n")
    with pytest.raises(LoadError) as error:
        loads(text, "policy.yaml")
    assert [(f.code, f.line) for f in error.value.findings] == [("PK005", 18)]


# --- checks -----------------------------------------------------------------------------


def check_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, list[dict[str, str]]]]:
    code = main(["check", *argv, "--format", "json", "--as-of", "2026-11-25", "-q"])
    return code, json.loads(capsys.readouterr().out)


def test_done_when_a_session_gid_and_a_site_own_ga_get_the_two_findings(capsys: pytest.CaptureFixture[str]) -> None:
    _, report = check_json(capsys, str(HERE / "done-when.yaml"))
    found = [(f["code"], f["path"]) for f in report["findings"] if f["code"] in ("PK150", "PK151", "PK250", "PK251")]
    assert found == [("PK250", "cookies[_ga].party"), ("PK150", "cookies[_gid].lifetime")]
    messages = {f["code"]: f["message"] for f in report["findings"]}
    assert "declared to last 'session'" in messages["PK150"] and "says 24 hours" in messages["PK150"]
    assert "gaConceptsCookies" in messages["PK150"]  # the source, with the day it was read
    assert "set by the site itself" in messages["PK250"] and "Google LLC" in messages["PK250"]
    # Switched off, and with another catalogue that does not know Google's cookies.
    _, report = check_json(capsys, str(HERE / "done-when.yaml"), "--no-catalogue")
    assert not [f for f in report["findings"] if f["code"] in ("PK150", "PK250")]
    _, report = check_json(capsys, str(HERE / "done-when.yaml"), "--catalogue", str(SMALL))
    assert not [f for f in report["findings"] if f["code"] in ("PK150", "PK250")]


@pytest.mark.parametrize("profile", ["gdpr", "cnil", "uk", "nl"])
def test_the_bundled_policy_agrees_with_the_catalogue(capsys: pytest.CaptureFixture[str], profile: str) -> None:
    code, report = check_json(capsys, str(POLICY), "--profile", profile)
    assert code == 0 and report["findings"] == []


def test_a_catalogue_country_lets_the_transfer_rules_judge() -> None:
    report = run_checks(*load_with_source(FIXTURES / "rules" / "PK251-fail.yaml"), profile="gdpr", as_of=TODAY)
    codes = [(f.code, f.path) for f in report.findings]
    assert ("PK251", "parties[tawkto].country") in codes
    assert ("PK205", "parties[tawkto]") in codes  # US, no safeguard: judged with the catalogue's country
    assert ("PK205", "parties[tawkto].country") not in codes  # not "states no country": the catalogue does
    without = run_checks(*load_with_source(FIXTURES / "rules" / "PK251-fail.yaml"), profile="gdpr", catalogue=False)
    assert ("PK205", "parties[tawkto].country") in [(f.code, f.path) for f in without.findings]


def test_the_catalogue_is_in_the_package_data() -> None:
    assert (ROOT / "data" / "catalogue").is_dir()
    assert load_catalogue(ROOT / "data" / "catalogue") == bundled()


def test_facts_from_the_open_cookie_database_alone_are_not_warned_on(tmp_path: Path) -> None:
    text = (HERE / "done-when.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  - name: _gid\n",
        "  - name: _hjSessionUser_42\n    party: site\n    category: functional\n"
        "    purpose: Hotjar.\n    lifetime: 1 day\n  - name: _gid\n",
    )
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    report = run_checks(*load_with_source(path), profile="gdpr", as_of=TODAY)
    # (PK35x judge the page, which this policy leaves without articles.)
    found = [f for f in report.findings if f.path.startswith("cookies[_hjSessionUser_42]")]
    assert not [f for f in found if f.code != "PK250" and not f.code.startswith("PK35")]
    hotjar = match("_hjSessionUser_42")
    assert hotjar is not None and hotjar.provenance.source == OPEN_COOKIE_DATABASE
