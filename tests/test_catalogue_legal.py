"""The catalogue's legal model: each service's legal entity, role and country, from the
vendor's own terms; references that carry service and domain; output safe for a terminal."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import FIXTURES
from policykit.catalogue import bundled
from policykit.cli import main
from policykit.exports.cookies_json import catalogue as cookies_json
from policykit.load import load_with_source
from policykit.rules import run_checks
from policykit.syntax import format_lifetime

LEGAL = FIXTURES / "catalogue-legal"
TODAY = dt.date(2026, 12, 1)


def lookup(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["catalogue", "lookup", *argv])
    return code, capsys.readouterr().out


def test_ysc_is_google_s_own_cookie_with_the_entity_of_each_region(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = lookup(capsys, "YSC")
    assert code == 0
    assert "vendor: Google LLC (google), an independent controller (a third party), country US" in out
    eea = "in the EEA: Google Ireland Limited (google-ireland), an independent controller (a third party), country IE"
    assert eea in out
    assert "role source: https://policies.google.com/technologies/cookies (read 2026-12-01)" in out


def test_ga_says_when_google_is_a_processor(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = lookup(capsys, "_ga")
    assert code == 0 and "Google LLC (google), a processor, country US" in out
    assert "only while the site's data sharing setting" in out and "independent controller" in out
    assert "support.google.com/analytics/answer/9024351" in out
    code, out = lookup(capsys, "_ga", "--format", "json")
    found = json.loads(out)["matches"][0]
    assert found["vendor"]["role"] == "processor" and found["role_note"].startswith("A processor")


def test_ads_are_an_independent_controller_and_awsalb_answers(capsys: pytest.CaptureFixture[str]) -> None:
    entry = bundled().match("_gcl_au")
    assert entry is not None and entry.effective_role.value == "third-party"
    assert entry.role_source is not None and entry.role_source.source == "https://business.safety.google/gdpr/"
    code, out = lookup(capsys, "AWSALB")
    assert code == 0 and "aws-application-load-balancer/AWSALB" in out
    code, out = lookup(capsys, "AWSALBCORS")
    assert code == 0


@pytest.mark.parametrize(
    "name", ["sbjs_session", "sbjs_current", "woocommerce_recently_viewed", "tk_ai", "fr", "_hjid", "AWSALBCORS"]
)
def test_the_missing_entries_are_there(name: str) -> None:
    assert bundled().match(name) is not None, name


def test_a_policy_referencing_the_pixel_and_hotjar_has_no_pk101_and_ysc_may_name_google_ireland() -> None:
    policy, source = load_with_source(LEGAL / "references.yaml")
    codes = [(f.code, f.path) for f in run_checks(policy, source, as_of=TODAY).findings]
    assert not [c for c in codes if c[0] == "PK101"], codes
    assert not [c for c in codes if c[0] == "PK250"], codes


def test_a_reference_carries_service_and_domain_into_the_policy_and_cookies_json() -> None:
    policy, _ = load_with_source(LEGAL / "references.yaml")
    ysc = policy.cookie("YSC")
    assert (ysc.service, ysc.domain) == ("youtube", "youtube.com")
    assert policy.cookie("_fbp").service == "meta-pixel"
    services = {s["id"] for s in cookies_json(policy)["services"]}
    assert {"youtube", "meta-pixel", "meta-facebook", "hotjar"} <= services


def test_lookup_and_import_escape_what_a_terminal_would_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(
        (LEGAL / "hostile.yaml").read_text(encoding="utf-8").replace("ESC", "\\e").replace("BIDI", "\\u202e"),
        encoding="utf-8",
    )
    code, out = lookup(capsys, "evil_1", "--catalogue", str(hostile))
    assert code == 0 and "\x1b" not in out and "\u202e" not in out
    assert "\\x1b[2J" in out and "\\u202e" in out
    csv = tmp_path / "ocd.csv"
    header = (FIXTURES / "ocd" / "catalogue.csv").read_text(encoding="utf-8").splitlines()[0]
    csv.write_text(f"{header}\nx1,Acme,Analytics,evil\x1b[2J,,Counts,Unknown,Acme,,0\n", encoding="utf-8")
    assert main(["catalogue", "import", str(csv), "-o", str(tmp_path / "out.yaml"), "--read", "2026-12-01"]) in (0, 1)
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[2J" in err


# --- every vendor its country, lifetimes from the vendors' own pages and code -------------

# Vendors whose country could not be read in their own terms yet: each is named here, so
# that a new vendor cannot be added without one unnoticed.
COUNTRY_NOT_SOURCED = {"hubspot", "stripe", "vimeo", "zendesk"}


def test_every_vendor_that_receives_data_has_its_country() -> None:
    catalogue = bundled()
    missing = {v.id for v in catalogue.vendors if v.country is None and v.role.value != "first-party"}
    assert missing == COUNTRY_NOT_SOURCED
    countries = {v.id: v.country for v in catalogue.vendors}
    expected = {
        "google": "US",
        "google-ireland": "IE",
        "meta": "US",
        "meta-ireland": "IE",
        "linkedin": "US",
        "linkedin-ireland": "IE",
        "microsoft": "US",
        "hotjar": "MT",
        "intercom": "US",
        "intercom-ireland": "IE",
        "aws": "US",
        "aws-emea": "LU",
        "contentsquare": "FR",
    }
    assert {vendor: countries[vendor] for vendor in expected} == expected


@pytest.mark.parametrize(
    ("name", "lifetime", "source"),
    [
        ("_fbp", "90 days from your last visit", "github.com/facebook/capi-param-builder"),
        ("_fbc", "90 days from your last visit", "github.com/facebook/capi-param-builder"),
        ("fr", "90 days", "facebook.com/privacy/policies/cookies"),
        ("AWSALB", "up to 7 days from your last visit", "docs.aws.amazon.com"),
        ("AWSALBCORS", "up to 7 days from your last visit", "docs.aws.amazon.com"),
        ("AWSALBAPP", "7 days from your last visit", "docs.aws.amazon.com"),
        ("wordpress_logged_in_0123abcd", "session or 14 days", "developer.wordpress.org"),
        ("_clck", "1 year from your last visit", "github.com/microsoft/clarity"),
        ("intercom-session-abc", "1 week from your last visit", "intercom.com/help"),
    ],
)
def test_lifetimes_read_in_the_vendors_own_pages_and_code(name: str, lifetime: str, source: str) -> None:
    entry = bundled().match(name)
    assert entry is not None and entry.provenance.from_vendor
    assert format_lifetime(entry.lifetime) == lifetime and source in entry.provenance.source


def test_lookup_of_awsalb_and_fbp_says_the_entity_and_the_lifetime(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = lookup(capsys, "AWSALB")
    assert code == 0 and "lifetime: up to 7 days from your last visit" in out
    assert "in the EEA: Amazon Web Services EMEA SARL (aws-emea), a processor, country LU" in out
    code, out = lookup(capsys, "_fbp")
    assert code == 0 and "in the EEA: Meta Platforms Ireland Limited (meta-ireland)" in out and "country IE" in out


def test_a_meta_party_named_as_in_the_eea_is_the_vendor_and_its_country_is_judged() -> None:
    policy, source = load_with_source(LEGAL / "references.yaml")
    found = run_checks(policy, source, as_of=TODAY).findings
    assert not [f for f in found if f.code in ("PK101", "PK250", "PK251")], [(f.code, f.path) for f in found]
    fbp = policy.cookie("_fbp")
    assert fbp.lifetime is not None and format_lifetime(fbp.lifetime) == "90 days from your last visit"
