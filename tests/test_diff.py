"""`policykit diff`: what changed between two policies, rated material or editorial, and
the change notice in every shipped language."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from golden import assert_golden
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from tools import nu_html_check

from conftest import FIXTURES as ALL_FIXTURES
from conftest import POLICY, SEED
from policykit.cli import main
from policykit.diff import diff, notice, rate
from policykit.facts import Facts, bundled, bundled_wording
from policykit.load import load
from policykit.model import (
    Category,
    CategoryKind,
    Clause,
    ClauseKind,
    ConsentSettings,
    Lifetime,
    Party,
    Policy,
    Role,
    Safeguard,
    Storage,
    Transfer,
    Unit,
    WebUrl,
)
from policykit.syntax import parse_lifetime

GOLDEN = "../fixtures/audit/diff"  # the notice's golden files live with this feature's fixtures
FIXTURES = ALL_FIXTURES / "audit" / "diff"


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
    # Rewritten for the reader, in words of its own: no known use added, but not provably the
    # same purpose either, so material to review.
    assert found["purpose-changed", "WHMCSLinkID"]["rating"] == "material"
    assert found["purpose-changed", "WHMCSLinkID"]["why"].endswith("review")
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


# --- every field compared, each change rated with its reason (issue 23) -------------------


def with_party(policy: Policy, party_id: str, **fields: Any) -> Policy:
    parties = tuple(attrs.evolve(p, **fields) if p.id == party_id else p for p in policy.parties)
    return attrs.evolve(policy, parties=parties)


def json_changes(old: Policy, new: Policy, locale: str | None = None) -> tuple[bool, dict[tuple[str, str], Any]]:
    document = json.loads(notice(diff(old, new), "json", locale))
    return document["consent_renewal"], {(c["kind"], c["subject"]): c for c in document["changes"]}


@pytest.mark.parametrize(
    ("change", "kind", "subject", "because"),
    [
        (
            lambda p: with_cookie(p, "_ga", purpose="Builds a profile of your interests and sells it to advertisers."),
            "purpose-changed",
            "_ga",
            "adds a use",
        ),
        (lambda p: with_party(p, "google", role=Role.THIRD_PARTY), "role-changed", "google", "decides for itself"),
        (lambda p: with_party(p, "google", name="Alphabet Data Ltd"), "party-renamed", "google", "legal entity"),
        (
            lambda p: with_party(p, "google", privacy_policy="https://adbroker.example/privacy"),
            "privacy-policy-changed",
            "google",
            "another host (adbroker.example)",
        ),
        (lambda p: with_cookie(p, "_ga", domain="tracker.example.net"), "domain-changed", "_ga", "tracker.example.net"),
    ],
    ids=["purpose-sells", "role-to-third-party", "party-name", "privacy-policy-host", "cookie-domain"],
)
def test_the_five_cases_are_listed_and_material(change: Any, kind: str, subject: str, because: str) -> None:
    policy = load(POLICY)
    renew, found = json_changes(policy, change(policy))
    assert renew is True
    assert found[kind, subject]["rating"] == "material" and because in found[kind, subject]["why"]
    text = notice(diff(policy, change(policy)), "text")
    assert "editorial only" not in text and because in text


def test_the_seed_lists_its_role_change_and_every_change_has_a_reason() -> None:
    _, found = json_changes(load(SEED), load(POLICY))
    role = found["role-changed", "google"]
    assert (role["old"], role["new"], role["rating"]) == ("third-party", "processor", "material")
    assert "who answers for your data" in role["why"]
    assert found["party-renamed", "google"]["rating"] == "material"
    assert all(change["why"] for change in found.values())


def test_spelling_and_reordering_are_editorial_and_keep_consent() -> None:
    old, new = load(FIXTURES / "editorial-old.yaml"), load(FIXTURES / "editorial-new.yaml")
    changes = diff(old, new)
    kinds = {(c.kind, c.subject): c.reason.key for c in changes.changes}
    assert kinds["purpose-changed", "WHMCSAffiliateID"] == "diff.why.spelling"
    assert kinds["purpose-changed", "_ga"] == "diff.why.reordered"
    assert kinds["text-changed", "article-1"] == "diff.why.spelling"
    assert not any(c.material for c in changes.changes) and changes.consent_renewal is False
    for locale, verdict in [("en", "editorial only"), ("nl", "alleen redactioneel"), ("de", "nur redaktionell")]:
        assert verdict in notice(changes, "text", locale)


def test_safeguards_weaker_by_the_facts_data() -> None:
    policy = load(POLICY)
    weaker = with_party(policy, "google", transfer=Transfer(Safeguard.SCC_2021))
    rated = diff(policy, weaker).changes
    assert [(c.kind, c.material, c.reason.key) for c in rated] == [
        ("safeguard-changed", True, "diff.why.safeguard_weaker")
    ]
    weaker_why = "standard contractual clauses (2021) protects your data less than EU-US Data Privacy Framework"
    assert weaker_why in rated[0].why
    stronger = diff(weaker, policy).changes
    assert [(c.material, c.reason.key) for c in stronger] == [(True, "diff.why.safeguard_other")]
    # An ended safeguard (the Privacy Shield) is as weak as none, whatever its tier.
    shield = with_party(policy, "google", transfer=Transfer(Safeguard.PRIVACY_SHIELD))
    assert diff(weaker, shield).changes[0].reason.key == "diff.why.safeguard_weaker"
    # The order is data: with the tiers the other way round, the same move is no longer weaker.
    facts = bundled()
    tiers = facts.group("transfer.eu.tier")
    flipped = Facts(
        [f for f in facts.values() if not f.id.startswith("transfer.eu.tier.")]
        + [attrs.evolve(f, id=f"transfer.eu.tier.{i}") for i, f in enumerate(reversed(tiers))]
    )
    assert diff(policy, weaker, facts=flipped).changes[0].reason.key == "diff.why.safeguard_other"


def test_lifetimes_controller_categories_storage_and_service() -> None:
    policy = load(POLICY)
    rated = changes_of(policy, with_cookie(policy, "WHMCSUser", lifetime=Lifetime.of(365, Unit.DAY)))
    assert rated["lifetime-changed", "WHMCSUser"][0] is True  # no longer ends at logout
    moved = with_cookie(policy, "twk_idm_key", storage=Storage.LOCAL_STORAGE, service="Chat")
    rated = changes_of(policy, moved)
    assert rated["storage-changed", "twk_idm_key"] == (True, "cookie", "local-storage")
    assert rated["service-changed", "twk_idm_key"] == (True, None, "Chat")
    narrower = changes_of(policy, with_cookie(policy, "_ga", domain="www.example.com"))
    assert narrower["domain-changed", "_ga"][0] is False  # a subdomain of example.com
    same_host = with_party(policy, "google", privacy_policy="https://business.safety.google/privacy/#intro")
    assert changes_of(policy, same_host)["privacy-policy-changed", "google"][0] is False
    controller = attrs.evolve(policy.meta.controller, organisation="Data Harvest Corp.", contact="dpo@example.com")
    rated = changes_of(policy, attrs.evolve(policy, meta=attrs.evolve(policy.meta, controller=controller)))
    assert rated["controller-changed", "controller"][0] is True
    assert rated["controller-contact-changed", "controller"][0] is False
    custom = Category("statistics", "Statistics", True, "Counts visits.", CategoryKind.ANALYTICS)
    with_custom = attrs.evolve(policy, categories=(custom,))
    assert changes_of(policy, with_custom)["category-added", "statistics"][0] is True
    exempt = attrs.evolve(with_custom, categories=(attrs.evolve(custom, consent_required=False),))
    assert changes_of(with_custom, exempt)["category-consent-changed", "statistics"][0] is True
    ads = attrs.evolve(with_custom, categories=(attrs.evolve(custom, description="Counts visits for advertising."),))
    assert changes_of(with_custom, ads)["category-description-changed", "statistics"][0] is True


@pytest.mark.parametrize(
    ("language", "old", "new", "key"),
    [
        ("en", "Counts visits.", "Counts visits and sells them to brokers.", "adds_use"),
        ("en", "Counts visits.", "Counts visits; we never sell them.", "review_negated"),
        ("en", "Counts vists.", "Counts visits.", "spelling"),
        ("nl", "Telt bezoeken.", "Telt bezoeken en deelt ze met adverteerders.", "adds_use"),
        ("nl", "Telt bezoken.", "Telt bezoeken.", "spelling"),
        ("de", "Zählt Besuche.", "Zählt Besuche und erstellt ein Profil Ihrer Interessen.", "adds_use"),
        ("de", "Zählt Besuche.", "Zählt Besuche; wir verkaufen sie nicht.", "review_negated"),
        ("de", "Zählt Besusche.", "Zählt Besuche.", "spelling"),
        ("fr", "Compte les visites.", "Compte les visites et les vend à des régies.", "adds_use"),
        ("fr", "Compte les visite.", "Compte les visites.", "spelling"),
        ("ar", "يحصي الزيارات.", "يحصي الزيارات ويبيعها.", "review_language"),
        ("ar", "يحصي الزيارات.", "الزيارات يحصي.", "reordered"),
    ],
)
def test_a_purpose_that_adds_a_use_per_language(language: str, old: str, new: str, key: str) -> None:
    rating = rate.text(old, new, language, bundled_wording())
    assert rating.reason.key == f"diff.why.{key}"
    assert rating.material is (key in ("adds_use", "review_negated", "review_language"))
    if rating.material and key != "adds_use":
        assert "review" in rating.reason.english()


@pytest.mark.parametrize(
    ("language", "old", "new"),
    [
        ("en", "Counts visits.", "Counts visits by region and device."),
        ("nl", "Telt bezoeken.", "Telt bezoeken per regio en apparaat."),
        ("de", "Zählt Besuche.", "Zählt Besuche nach Region und Gerät."),
    ],
)
def test_a_purpose_reworded_with_new_words_is_material_to_review(language: str, old: str, new: str) -> None:
    """The wording data knows some uses, not every one: a purpose that says more than it did
    is not provably editorial, so it is material to review; the same words in prose are not."""
    rating = rate.text(old, new, language, bundled_wording(), defines=True)
    assert rating.material and rating.reason.key == "diff.why.reworded_review"
    assert "review" in rating.reason.english()
    assert rate.text(old, new, language, bundled_wording()).reason.key == "diff.why.reworded"
    policy = load(POLICY)
    ga = next(cookie for cookie in policy.cookies if cookie.name == "_ga")
    changed = with_cookie(policy, "_ga", purpose=f"{ga.purpose} It is read by region and device.")
    assert changes_of(policy, changed)["purpose-changed", "_ga"][0] is True
    assert diff(policy, changed).consent_renewal is True


def test_a_purpose_that_names_another_service() -> None:
    policy = load(POLICY)
    changed = with_cookie(policy, "twk_uuid_*", purpose="Recognises you, and tells Google LLC about your chats.")
    rated = {(c.kind, c.subject): c for c in diff(policy, changed).changes}
    assert rated["purpose-changed", "twk_uuid_*"].material
    assert rated["purpose-changed", "twk_uuid_*"].reason.key == "diff.why.names_service"


def test_reasons_in_the_readers_language() -> None:
    policy = load(POLICY)
    changed = with_party(policy, "google", role=Role.THIRD_PARTY)
    for locale, word in [("nl", "Reden:"), ("de", "Grund:"), ("fr", "Motif :"), ("ar", "السبب:")]:
        text = notice(diff(policy, changed), "text", locale)
        assert word in text and "Why:" not in text and "decides for itself" not in text
        assert json_changes(policy, changed, locale)[1]["role-changed", "google"]["why"] not in ("", None)


def test_two_cookies_of_one_name_stay_two() -> None:
    policy = load(POLICY)
    ga = policy.cookie("_ga")
    own = attrs.evolve(ga, id="_ga-site", party="operator", category="analytics", domain=None)
    both = attrs.evolve(policy, cookies=(*policy.cookies, own))
    rated = changes_of(both, policy)  # Google's stays, the site's own _ga is removed
    assert set(rated) == {("cookie-removed", "_ga [operator]")}
    rated = changes_of(policy, both)
    assert set(rated) == {("cookie-added", "_ga [operator]")}
    text = notice(diff(both, policy), "text")
    assert "instead of" not in text and "_ga (Example Hosting B.V.)" in text


def test_a_party_name_cannot_inject_markup_into_the_notice() -> None:
    policy = load(POLICY)
    evil = with_party(policy, "google", name="Google\n# Pwned\n- item <b>x</b> \x1b[31mred")
    changes = diff(policy, evil)
    markdown = notice(changes, "md")
    rendered = MarkdownIt("commonmark").render(markdown)
    assert "<h1>" not in rendered and "<b>" not in rendered and rendered.count("<h2>") == 1
    assert "\x1b" not in notice(changes, "text") and "\\x1b[31m" in notice(changes, "text")
    assert "<b>" not in notice(changes, "html")


@pytest.mark.parametrize(
    ("old", "new", "material"),
    [
        ("14 days", "session or 14 days", False),  # a shorter case added: the longest stays
        ("session or 14 days", "session or 30 days", True),  # the longest case is longer
        ("up to 1 year", "up to 2 years", True),
        ("2 years", "up to 2 years", False),
        ("2 years", "2 years from your last visit", True),  # renewed: it can outlive its 2 years
        ("2 years from your last visit", "1 year from your last visit", False),
    ],
)
def test_lifetimes_compare_their_longest_case(old: str, new: str, material: bool) -> None:
    rating = rate.lifetime(parse_lifetime(old), parse_lifetime(new))
    assert rating.material is material, rating.reason.english()


def test_generated_clauses_removed_are_material_added_editorial() -> None:
    policy = load(POLICY)
    first = policy.articles[0]
    first = attrs.evolve(first, body=tuple(block for block in first.body if not isinstance(block, Clause)))
    policy = attrs.evolve(policy, articles=(first, *policy.articles[1:]))
    told = attrs.evolve(first, body=(*first.body, Clause(ClauseKind.CONSENT), Clause(ClauseKind.RECIPIENTS)))
    with_clauses = attrs.evolve(policy, articles=(told, *policy.articles[1:]))
    assert changes_of(policy, with_clauses) == {
        ("clause-added", "consent"): (False, None, "consent"),
        ("clause-added", "recipients"): (False, None, "recipients"),
    }
    rated = diff(with_clauses, policy)
    assert rated.consent_renewal and {c.kind for c in rated.changes} == {"clause-removed"}
    assert "no longer states: how to give, refuse and withdraw your consent" in notice(rated, "text")
    # Moved to another article: no change.
    second = policy.articles[1]
    moved = attrs.evolve(
        policy,
        articles=(first, attrs.evolve(second, body=(*second.body, *told.body[-2:])), *policy.articles[2:]),
    )
    assert diff(with_clauses, moved).changes == ()
    assert "review" in notice(rated, "json")


_POLICY = load(POLICY)


@settings(max_examples=60, deadline=None)
@given(
    name=st.text(min_size=1, max_size=30),
    purpose=st.text(max_size=80),
    party_name=st.one_of(st.none(), st.text(max_size=30)),
    domain=st.one_of(st.none(), st.text(max_size=20)),
    policy_url=st.one_of(st.none(), st.text(max_size=30)),
)
def test_any_text_in_any_field_gives_a_notice_that_shows_it_literally(
    name: str, purpose: str, party_name: str | None, domain: str | None, policy_url: str | None
) -> None:
    assume(name != "_ga" and party_name != "Google LLC")
    cookies = tuple(
        attrs.evolve(c, name=name, purpose=purpose, domain=domain) if c.name == "_ga" else c for c in _POLICY.cookies
    )
    changed = attrs.evolve(_POLICY, cookies=cookies)
    changed = with_party(changed, "google", name=party_name, privacy_policy=policy_url)
    changes = diff(_POLICY, changed)
    assert changes.consent_renewal  # a new name or party name is material, whatever it says
    assert diff(changed, changed).changes == ()
    rendered = MarkdownIt("commonmark").render(notice(changes, "md"))
    assert rendered.count("<h2>") == 1 and "<h1>" not in rendered and "<script" not in rendered
    assert "\x1b" not in notice(changes, "text")
    json.loads(notice(changes, "json"))


def test_the_website_and_the_consent_settings() -> None:
    policy = load(POLICY)
    other = attrs.evolve(policy, meta=attrs.evolve(policy.meta, website=WebUrl("https://shop.example.net/")))
    rated = diff(policy, other).changes
    assert [(c.kind, c.material) for c in rated] == [("website-changed", True)] and "review" in rated[0].why
    fixed = attrs.evolve(policy, meta=attrs.evolve(policy.meta, website=WebUrl("https://www.example.com/en/")))
    assert [(c.kind, c.material) for c in diff(policy, fixed).changes] == [("website-changed", False)]
    moved = attrs.evolve(
        policy,
        meta=attrs.evolve(policy.meta, consent_settings=ConsentSettings(url=WebUrl("https://www.example.com/cookies"))),
    )
    rated = diff(policy, moved).changes
    assert [(c.kind, c.material, c.old, c.new) for c in rated] == [
        ("consent-settings-changed", False, "openCookieSettings", "https://www.example.com/cookies")
    ]
    assert "Grund: nur der Ort" in notice(diff(policy, moved), "text", "de")
