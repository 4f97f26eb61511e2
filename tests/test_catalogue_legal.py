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
from policykit.export import catalogue as cookies_json
from policykit.load import load_with_source
from policykit.rules import run_checks

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
