"""`policykit diff`: what changed between two policies, rated material or editorial, and
the change notice in every shipped language."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from golden import assert_golden
from markdown_it import MarkdownIt
from tools import nu_html_check

from conftest import POLICY, SEED
from policykit.cli import main
from policykit.diff import diff, notice
from policykit.load import load
from policykit.model import Lifetime, Party, Policy, Role, Unit

GOLDEN = "../fixtures/audit/diff"  # the notice's golden files live with this feature's fixtures


def changes_of(old: Policy, new: Policy) -> dict[tuple[str, str], tuple[bool, str | None, str | None]]:
    return {(c.kind, c.subject): (c.material, c.old, c.new) for c in diff(old, new).changes}


def with_cookie(policy: Policy, name: str, **fields: Any) -> Policy:
    cookies = tuple(attrs.evolve(c, **fields) if c.name == name else c for c in policy.cookies)
    return attrs.evolve(policy, cookies=cookies)


def test_seed_to_the_corrected_policy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(SEED), str(POLICY), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr()[0])
    assert document["consent_renewal"] is True
    found = {(c["kind"], c["subject"]): c for c in document["changes"]}
    move = found["safeguard-changed", "google"]
    assert (move["old"], move["new"], move["rating"]) == ("privacy-shield", "eu-us-dpf", "material")
    for name in ("twk_idm_key", "TawkConnectionTime", "twk_token_*", "_ga_*"):
        assert found["cookie-added", name]["rating"] == "material"
    assert found["cookie-renamed", "WHMCS*"]["old"] == "WHMCSInstanceID"
    # WHMCSLinkID is 'persistent' in both files: its lifetime did not change, its purpose did.
    assert ("lifetime-changed", "WHMCSLinkID") not in found
    assert found["purpose-changed", "WHMCSLinkID"]["rating"] == "editorial"
    assert found["lifetime-changed", "_ga"] == {
        "kind": "lifetime-changed",
        "subject": "_ga",
        "rating": "material",
        "old": "persistent",
        "new": "13 months",
        "why": "a longer lifetime, or one that cannot be compared with the old",
    }


def test_the_same_policy_has_no_changes(capsys: pytest.CaptureFixture[str]) -> None:
    policy = load(POLICY)
    changes = diff(policy, policy)
    assert changes.changes == () and not changes.consent_renewal
    assert "editorial only" in notice(changes, "text")


def test_ratings() -> None:
    policy = load(POLICY)
    rated = changes_of(policy, with_cookie(policy, "WHMCSAffiliateID", lifetime=Lifetime.of(30, Unit.DAY)))
    assert rated["lifetime-changed", "WHMCSAffiliateID"] == (False, "90 days", "30 days")  # shorter: editorial
    rated = changes_of(policy, with_cookie(policy, "WHMCSAffiliateID", lifetime=Lifetime.of(1, Unit.YEAR)))
    assert rated["lifetime-changed", "WHMCSAffiliateID"][0] is True  # longer: material
    rated = changes_of(policy, with_cookie(policy, "twk_idm_key", lifetime=Lifetime.of(1, Unit.DAY)))
    assert rated["lifetime-changed", "twk_idm_key"][0] is True  # session to a day: longer
    rated = changes_of(policy, with_cookie(policy, "WHMCSUser", category="marketing"))
    assert rated["category-changed", "WHMCSUser"] == (True, "functional", "marketing")
    rated = changes_of(policy, with_cookie(policy, "WHMCSUser", purpose="Keeps you  logged in."))
    assert rated == {("purpose-changed", "WHMCSUser"): (False, None, None)}
    spaced = with_cookie(policy, "WHMCSUser", purpose=" ".join(policy.cookie("WHMCSUser").purpose.split()) + " ")
    assert diff(policy, spaced).changes == ()  # only line breaks and spaces: no change
    newcomer = Party("vimeo", "Vimeo.com, Inc.", Role.THIRD_PARTY, country=None)
    rated = changes_of(policy, attrs.evolve(policy, parties=(*policy.parties, newcomer)))
    assert rated["party-added", "vimeo"][0] is True
    rated = changes_of(attrs.evolve(policy, parties=(*policy.parties, newcomer)), policy)
    assert rated["party-removed", "vimeo"][0] is False


def test_markdown_notice_golden_and_as_commonmark_reads_it() -> None:
    changes = diff(load(SEED), load(POLICY))
    text = notice(changes, "md")
    assert_golden(f"{GOLDEN}/seed-to-policy.md", text)
    rendered = MarkdownIt("commonmark").render(text)
    assert "<em>" not in rendered and "twk_token_*" in rendered and "_ga_*" in rendered
    assert "EU-US Privacy Shield" in rendered and "EU-US Data Privacy Framework" in rendered


def test_html_notice_golden_and_escaped() -> None:
    changes = diff(load(SEED), load(POLICY))
    assert_golden(f"{GOLDEN}/seed-to-policy.html", notice(changes, "html"))
    policy = load(POLICY)
    evil = attrs.evolve(
        policy,
        parties=tuple(
            attrs.evolve(p, name="<script>alert(1)</script>") if p.id == "google" else p for p in policy.parties
        ),
    )
    out = notice(diff(load(SEED), evil), "html")
    assert "<script>" not in out and "&lt;script&gt;" in out


@pytest.mark.parametrize(
    ("locale", "title", "renew"),
    [
        ("nl", "Wijzigingen in ons cookiebeleid", "opnieuw om uw toestemming"),
        ("de", "Änderungen unserer Cookie-Richtlinie", "erneut um Ihre Einwilligung"),
        ("fr", "Modifications de notre politique en matière de cookies", "à nouveau votre consentement"),
        ("ar", "تغييرات على سياسة ملفات تعريف الارتباط لدينا", "نطلب موافقتك مرة أخرى"),
    ],
)
def test_the_notice_in_each_language(locale: str, title: str, renew: str) -> None:
    changes = diff(load(SEED), load(POLICY))
    text = notice(changes, "text", locale)
    assert text.startswith(title + "\n") and renew in text
    assert "Changes to our cookie policy" not in text and "is now named" not in text
    html = notice(changes, "html", locale)
    assert f'lang="{locale}" dir="{"rtl" if locale == "ar" else "ltr"}"' in html


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "notice.md"
    assert main(["diff", str(SEED), str(POLICY), "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == notice(diff(load(SEED), load(POLICY)), "md")
    assert main(["diff", str(SEED), str(tmp_path / "missing.yaml")]) == 2
    capsys.readouterr()
    assert main(["diff", str(SEED), str(POLICY), "--locale", "xx"]) == 2
    err = capsys.readouterr()[1]
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("locale", [None, "ar"])
def test_the_html_notice_is_valid_html(tmp_path: Path, locale: str | None) -> None:
    fragment = notice(diff(load(SEED), load(POLICY)), "html", locale)
    page = tmp_path / "notice.html"
    page.write_text(
        f'<!DOCTYPE html><html lang="{locale or "en"}"><head><meta charset="utf-8"><title>Notice</title></head>'
        f"<body>{fragment}</body></html>",
        encoding="utf-8",
    )
    assert nu_html_check(page) == []
