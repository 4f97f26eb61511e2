"""The rules on the rendered text (PK350-PK358): what each locale's reader is told."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

import policykit
from policykit.document import Document, localize
from policykit.findings import Finding
from policykit.i18n.translator import translator_for
from policykit.load import load_with_source, loads_with_source
from policykit.model import Paragraph, Policy
from policykit.rules import run_checks

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "data" / "policy.yaml"
TEXT = ROOT / "tests" / "fixtures" / "text"
LOCALES = ("nl", "de", "fr", "ar")


def _documents(policy: Policy, locales: tuple[str, ...] = LOCALES) -> list[tuple[str, Document]]:
    found = [("en", localize(policy))]
    for locale in locales:
        found.append((locale, localize(policy, locale, translator_for(policy, locale, locales=ROOT / "locales"))))
    return found


def _text_findings(policy: Policy, source: object = None, **kwargs: object) -> list[Finding]:
    report = run_checks(policy, source, select=["PK35"], **kwargs)  # type: ignore[arg-type]
    return report.findings


def test_the_bundled_policy_passes_in_every_published_locale() -> None:
    policy = policykit.load(POLICY)
    assert _text_findings(policy, documents=_documents(policy)) == []


def _without(policy: Policy, article: int, section: int | None, block: int) -> Policy:
    target = policy.articles[article]
    if section is None:
        body = target.body[:block] + target.body[block + 1 :]
        changed = attrs.evolve(target, body=body)
    else:
        part = target.sections[section]
        sections = list(target.sections)
        sections[section] = attrs.evolve(part, body=part.body[:block] + part.body[block + 1 :])
        changed = attrs.evolve(target, sections=tuple(sections))
    articles = list(policy.articles)
    articles[article] = changed
    return attrs.evolve(policy, articles=tuple(articles))


def test_removing_the_contact_paragraph_is_reported_in_every_locale() -> None:
    policy, source = load_with_source(str(POLICY))
    index = next(i for i, b in enumerate(policy.articles[0].body) if "{contact}" in getattr(b, "text", ""))
    cut = _without(policy, 0, None, index)
    findings = _text_findings(cut, source, documents=_documents(cut))
    # The paragraph named the controller too: both are missing, in each of five locales.
    assert sorted({f.path for f in findings}) == ["meta.controller.contact", "meta.controller.organisation"]
    contact = [f for f in findings if f.path == "meta.controller.contact"]
    assert len(contact) == 5 and len(findings) == 10
    assert contact[0].line == source.position(("meta", "controller", "contact"))[0]
    assert all("privacy@example.com" in f.message and "clause: controller" in f.message for f in contact)
    assert {f.message.split(":")[0] for f in contact if f.message.startswith("in ")} == {
        f"in {locale}" for locale in LOCALES
    }
    assert {f.code for f in findings} == {"PK350"}


def test_removing_tawk_to_s_country_paragraph_is_reported() -> None:
    policy, source = load_with_source(str(POLICY))
    paragraph = policy.articles[1].sections[1].body[0]
    assert isinstance(paragraph, Paragraph) and "{tawkto_country}" in paragraph.text
    cut = _without(policy, 1, 1, 0)
    findings = _text_findings(cut, source, documents=_documents(cut, ("nl",)))
    by_code = {(f.code, f.message.startswith("in nl")) for f in findings}
    assert by_code == {("PK351", False), ("PK351", True), ("PK352", False), ("PK352", True)}
    country = next(f for f in findings if f.code == "PK351" and not f.message.startswith("in "))
    assert country.path == "parties[tawkto].country"
    assert "tawk.to, inc. is named without its country" in country.message and "United States" in country.message
    safeguard = next(f for f in findings if f.code == "PK352" and f.message.startswith("in nl"))
    assert safeguard.path == "parties[tawkto].transfer" and "outside the EU" in safeguard.message
    assert "EU-VS-kader" in safeguard.message  # the Dutch label of the safeguard


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_old_scaffold_sentence_above_analytics_cookies_is_an_error(language: str) -> None:
    policy, source = load_with_source(str(TEXT / f"old-scaffold-{language}.yaml"))
    findings = _text_findings(policy, source)
    claim = next(f for f in findings if f.code == "PK355")
    assert (claim.path, claim.line, claim.column) == ("articles[1].body[0]", 30 if language == "en" else 29, 9)
    said = "Each is strictly necessary" if language == "en" else "Jedes ist für den Betrieb"
    assert said in claim.message and "_ga" in claim.message and "clause: categories" in claim.message
    fixed = attrs.evolve(policy, cookies=tuple(c for c in policy.cookies if c.name != "_ga"))
    assert [f.code for f in _text_findings(fixed)] == []


_SHOP = """\
meta:
  title: Cookie Policy
  language: {language}
  last_modified: 2026-11-01T00:00:00+00:00
  controller: {{organisation: Shop S.L., address: "Calle Mayor 1, Madrid", contact: privacy@shop.es}}
parties:
  - {{id: site, name: Shop S.L., role: first-party, country: ES}}
  - {{id: ads, name: Ads Inc., role: {role}, country: US, transfer: {{safeguard: eu-us-dpf}}}}
cookies:
  - {{name: sid, party: site, category: strictly-necessary, purpose: Keeps your session., lifetime: session}}
  - {{name: uid, party: ads, category: {category}, purpose: {purpose}, lifetime: {lifetime}}}
articles:
  - title: About
    body:
      - clause: controller
      - clause: recipients
      - clause: consent
      - {claim}
      - cookies: {{}}
"""

CLAIMS = {
    "PK356": {
        "en": "We do not share your data with anyone.",
        "nl": "We delen uw gegevens met niemand, nooit.",
        "de": "Wir geben Ihre Daten nicht an Dritte weiter.",
        "fr": "Nous ne partageons vos données avec personne.",
    },
    "PK357": {
        "en": "This website only uses first-party cookies.",
        "nl": "Deze website gebruikt alleen first-party cookies.",
        "de": "Diese Website setzt nur eigene Cookies.",
        "fr": "Ce site utilise uniquement des cookies internes.",
    },
    "PK358": {
        "en": "The statistics we collect are anonymous.",
        "nl": "De statistieken die we verzamelen zijn anoniem.",
        "de": "Die Statistiken, die wir erheben, sind anonym.",
        "fr": "Les statistiques que nous collectons sont anonymes.",
    },
    "PK355": {
        "en": "These cookies are strictly necessary and need no consent.",
        "nl": "Deze cookies zijn strikt noodzakelijk, er is geen toestemming nodig.",
        "de": "Diese Cookies sind unbedingt erforderlich und benötigen keine Einwilligung.",
        "fr": "Ces cookies sont strictement nécessaires et ne nécessitent pas de consentement.",
    },
}


def _shop(language: str, claim: str, *, true: bool) -> tuple[Policy, object]:
    """A policy whose data contradicts `claim` (true=False) or bears it out (true=True)."""
    text = _SHOP.format(
        language=language,
        claim=claim,
        role="processor" if true else "third-party",
        category="strictly-necessary" if true else "marketing",
        purpose="Balances the load." if true else "Recognises you on other websites.",
        lifetime="session" if true else "1 year",
    )
    return loads_with_source(text, "shop.yaml")


@pytest.mark.parametrize("language", ["en", "nl", "de", "fr"])
@pytest.mark.parametrize("code", sorted(CLAIMS))
def test_a_claim_the_data_contradicts_is_an_error(code: str, language: str) -> None:
    claim = CLAIMS[code][language]
    policy, source = _shop(language, claim, true=False)
    found = [f for f in _text_findings(policy, source) if f.code == code]
    assert len(found) == 1, _text_findings(policy, source)
    assert (found[0].path, found[0].line) == ("articles[0].body[3]", 18)
    assert claim.rstrip(".") in found[0].message and "clause:" in found[0].message
    borne_out, source = _shop(language, claim, true=True)
    assert [f for f in _text_findings(borne_out, source) if f.code == code] == []


def test_a_clause_is_never_a_contradicted_claim() -> None:
    policy = policykit.load(TEXT / "old-scaffold-en.yaml")
    first = policy.articles[1]
    from policykit.model import Clause, ClauseKind

    fixed = attrs.evolve(first, body=(Clause(ClauseKind.CATEGORIES), Clause(ClauseKind.CONSENT)))
    policy = attrs.evolve(policy, articles=(policy.articles[0], fixed))
    assert _text_findings(policy, documents=_documents(policy)) == []


def test_a_missing_withdrawal_is_reported_for_the_locale_that_lacks_it() -> None:
    policy, source = load_with_source(str(TEXT / "old-scaffold-en.yaml"))
    policy = attrs.evolve(policy, articles=policy.articles[:2])
    findings = _text_findings(policy, source)
    assert [f.code for f in findings if f.code == "PK354"] == ["PK354"]
    assert findings[-1].path == "articles" or any(f.path == "articles" for f in findings)


# --- check --locale and build ------------------------------------------------------------


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from policykit.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _untrue_nl(repo: Path) -> None:
    """The Dutch translation of the first paragraph adds a claim the data contradicts."""
    from policykit.i18n import catalogs

    file = catalogs.catalog_path(repo / "locales", "nl", "policy")
    catalog = catalogs.read_catalog(file)
    message = next(m for m in catalog if m.id and str(m.id).startswith("A cookie is a small text file"))
    message.string = f"{message.string} We delen uw gegevens niet met derden."
    catalogs.write_catalog(file, catalog)


def test_check_judges_the_locales_it_is_asked_for(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _untrue_nl(repo)
    monkeypatch.chdir(repo)
    assert _main(capsys, "check", "-q")[0] == 0  # the source language only, by default
    code, out, _ = _main(capsys, "check", "-q", "--locale", "nl,de")
    assert code == 1
    lines = [line for line in out.splitlines() if " PK35" in line]
    assert len(lines) == 1 and "error PK356 articles[article-1].body[0]: in nl: the reader is told" in lines[0]
    assert "We delen uw gegevens niet met derden" in lines[0] and "tawk.to, inc." in lines[0]
    assert lines[0].startswith(f"{repo / 'data' / 'policy.yaml'}:") or lines[0].startswith("data/policy.yaml:")
    assert _main(capsys, "check", "-q", "--locale", "all")[0] == 1
    code, _, err = _main(capsys, "check", "-q", "--locale", "xx")
    assert code == 2 and "--locale" in err


def test_build_leaves_out_only_the_locale_whose_text_is_untrue(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _untrue_nl(repo)
    monkeypatch.chdir(repo)
    code, _, err = _main(capsys, "build", "-q", "--jobs", "1", "--stale", "skip")
    assert code == 1, err
    assert "PK356" in err and "in nl:" in err
    assert "nl: 1 finding(s) on what the reader is told (PK350-PK358); not published: the text" in err
    site = repo / "site"
    assert not (site / "nl").exists()
    for locale in ("en", "de", "fr", "ar"):
        assert (site / locale / "index.html").is_file(), locale


def test_the_shop_from_init_publishes_a_true_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 18's shop: `policykit init` plus fifteen catalogue cookies and their parties."""
    from ruamel.yaml import YAML

    monkeypatch.chdir(tmp_path)
    code, _, err = _main(
        capsys, "init", "shop", "--controller", "Zapatería López S.L.", "--address",
        "Calle Mayor 1, 28013 Madrid, Spain", "--website", "https://www.zapaterialopez.es/",
        "--contact", "privacidad@zapaterialopez.es",
    )  # fmt: skip
    assert code == 0, err
    yaml = YAML()
    policy_file = tmp_path / "shop" / "policy.yaml"
    data = yaml.load(policy_file.read_text(encoding="utf-8"))
    added = yaml.load((ROOT / "tests" / "fixtures" / "clauses" / "shop-additions.yaml").read_text(encoding="utf-8"))
    data["parties"].extend(added["parties"])
    data["cookies"].extend(added["cookies"])
    with policy_file.open("w", encoding="utf-8") as stream:
        yaml.dump(data, stream)
    monkeypatch.chdir(tmp_path / "shop")
    code, out, _ = _main(capsys, "check", "-q")
    found = [line.split()[2] for line in out.splitlines() if " PK" in line]
    # The clauses leave nothing to say about the text; what is left are the cookies' own
    # facts a new user fixes (lifetimes beyond the browsers' cap...), none an error now.
    assert found and not [code for code in found if code.startswith(("PK35", "PK41"))], out
    text = policy_file.read_text(encoding="utf-8")
    for name in ("_fbp", "_fbc", "_ga", "_ga_*"):
        text = re.sub(
            rf"( *)- catalogue: {re.escape(name)}\n", rf"\1- catalogue: {name}\n\1  lifetime: 13 months\n", text
        )
    policy_file.write_text(text, encoding="utf-8")
    code, out, _ = _main(capsys, "check", "-q")
    assert code == 0 and " error " not in out and " PK103 " not in out, out
    code, _, err = _main(capsys, "i18n", "update", "-q", *(f"--locale={locale}" for locale in LOCALES))
    assert code == 0, err
    code, out, _ = _main(capsys, "check", "-q", "--locale", "all")
    assert code == 0 and " error " not in out and not re.search(r" PK3[5-7]\d | PK41\d ", out), out
    policy = policykit.load(policy_file)
    for locale in ("en", *LOCALES):
        translator = None if locale == "en" else translator_for(policy, locale)
        document = localize(policy, locale, translator)
        page = "\n".join(line for line in _plain(document))
        assert "privacidad@zapaterialopez.es" in page and "Calle Mayor 1" in page
        for party in ("Google LLC", "Meta Platforms, Inc.", "Hotjar Ltd", "Stripe, Inc."):
            assert party in page, (locale, party)
    english = "\n".join(_plain(localize(policy)))
    assert "Meta Platforms, Inc., established in this country: United States" in english
    assert "Hotjar Ltd, established in this country: Malta. It processes" in english
    assert "outside the European Economic Area. Transfers of your data to Stripe, Inc. rely" in english
    assert "Each is strictly necessary" not in english
    assert "Analytics. We set these cookies only with your consent." in english
    assert "You can withdraw or change your consent at any time" in english


def _plain(document: Document) -> list[str]:
    from policykit import inline
    from policykit.document import DocList, DocParagraph

    lines = []
    for article in document.articles:
        for block in [*article.blocks, *(b for s in article.sections for b in s.blocks)]:
            if isinstance(block, DocParagraph):
                lines.append(inline.plain_text(block.nodes))
            elif isinstance(block, DocList):
                lines += [inline.plain_text(item) for item in block.items]
    return lines
