"""The dated facts the rules rest on: each sourced and verified, each one a rule names
exists, none typed into a rule module; malformed files are one-line errors."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from conftest import ROOT
from policykit.cli import main
from policykit.facts import FactsError, bundled, bundled_wording, load_facts, load_wording
from policykit.rules import RULES

RULE_MODULES = sorted((ROOT / "policykit" / "rules").glob("*.py"))
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def test_every_fact_has_a_source_and_a_verified_date() -> None:
    facts = bundled()
    assert len(facts) > 30
    for fact in facts.values():
        assert re.match(r"https?://\S+$", fact.source), fact.id
        assert dt.date(2020, 1, 1) < fact.verified <= dt.date.today(), fact.id
        assert fact.summary, fact.id
        assert fact.effective is not None or fact.note, f"{fact.id}: an undated fact says why in a note"


def test_every_fact_a_rule_rests_on_exists() -> None:
    facts = bundled()
    used = 0
    for rule in RULES:
        for fact_id in rule.facts:
            used += 1
            if fact_id.endswith(".*"):
                assert facts.group(fact_id[:-2]), f"{rule.code} uses {fact_id}, which holds no fact"
            else:
                assert fact_id in facts, f"{rule.code} rests on {fact_id}, which does not exist"
        left = re.search(r"\{[a-z0-9-]+\.[A-Za-z0-9.-]+\}", rule.why)
        assert left is None, f"{rule.code}: a fact placeholder was left in its why"
    assert used > 20


def test_facts_rules_need_are_there() -> None:
    facts = bundled()
    assert "BR" in facts.holding("eu.adequacy", dt.date(2026, 1, 26))
    assert "BR" not in facts.holding("eu.adequacy", dt.date(2026, 1, 25))
    shield = facts["transfer.eu.privacy-shield"]
    assert shield.holds_on(dt.date(2020, 7, 15)) and not shield.holds_on(dt.date(2020, 7, 16))
    assert facts["transfer.eu.scc-2010"].holds_on(dt.date(2022, 12, 27))
    assert not facts["transfer.eu.scc-2010"].holds_on(dt.date(2022, 12, 28))
    assert facts.number("browser.cookie-max-age-days") == 400
    assert facts.number("cnil.audience-measurement-cookie-months") == 13
    assert facts["transfer.uk.eu-us-dpf"].effective == dt.date(2023, 10, 12)
    assert facts["uk.pecr.statistical-exception"].effective == dt.date(2026, 2, 5)
    assert facts["eol.universal-analytics"].effective == dt.date(2023, 7, 1)
    assert facts["eol.universal-analytics-360"].effective == dt.date(2024, 7, 1)
    assert len(facts["eea.members"].values) == 30 and "GB" not in facts["eea.members"].values
    with pytest.raises(FactsError, match=r"no fact 'eu\.adequacy\.XX'"):
        facts["eu.adequacy.XX"]


@pytest.mark.parametrize("module", RULE_MODULES, ids=lambda p: p.name)
def test_no_rule_module_types_a_date_or_a_country_list(module: Path) -> None:
    text = module.read_text(encoding="utf-8")
    forbidden = {
        "an ISO date": r"\b(?:19|20)\d\d-\d\d-\d\d\b",
        "a date made in code": r"\b(?:dt\.)?date\(\s*\d",
        "a date in words": rf"\b\d{{1,2}} (?:{_MONTHS}) (?:19|20)\d\d\b",
        "a month in words": rf"\b(?:{_MONTHS}) (?:\d{{1,2}}, )?(?:19|20)\d\d\b",
        "a list of country codes": r"""["'][A-Z]{2}["']\s*,\s*["'][A-Z]{2}["']\s*,\s*["'][A-Z]{2}["']""",
        "a country code compared": r"""[!=]=\s*["'][A-Z]{2}["']""",
    }
    for what, pattern in forbidden.items():
        found = re.search(pattern, text)
        assert found is None, f"{module.name} has {what}: {found.group(0) if found else ''!r}; put it in data/law/"


def test_the_grep_would_catch_what_it_forbids() -> None:
    # The patterns above on the lines this project once had in its rule modules.
    old = 'PRIVACY_SHIELD_INVALID = dt.date(2020, 7, 16)\nADEQUATE = frozenset(["AD", "AR", "CA"])\n'
    assert re.search(r"\b(?:dt\.)?date\(\s*\d", old)
    assert re.search(r"""["'][A-Z]{2}["']\s*,\s*["'][A-Z]{2}["']\s*,\s*["'][A-Z]{2}["']""", old)


def test_prose_rules_have_wording_in_every_language_policykit_supports() -> None:
    wording = bundled_wording()
    for kind in ("consent", "withdrawal", "implied_consent", "negation", "lifetime", "retention", "own_use",
                 "objection", "empty_purpose", "filler", "safeguard_names", "quotes"):  # fmt: skip
        assert {"en", "nl", "de", "fr"} <= wording.languages(kind), kind


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


GOOD = """facts:
  - id: test.one
    summary: One fact
    value: 1
    effective: 2020-01-01
    source: https://example.org/one
    verified: 2026-11-26
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("    source: https://example.org/one\n", ""), r"x\.yaml:2: the fact has no source"),
        (GOOD.replace("    verified: 2026-11-26\n", ""), r"x\.yaml:2: the fact has no verified"),
        (GOOD.replace("source: https://example.org/one", "source: somewhere"), "source must be the http"),
        (GOOD.replace("effective: 2020-01-01", "effective: 1 January"), "effective must be a date"),
        (GOOD.replace("effective: 2020-01-01", "effective: null"), "effective is null; a note must say why"),
        (GOOD + "    ended: 2019-01-01\n", r"ended \(2019-01-01\) is not after effective"),
        (GOOD + "    valid: yes\n", "unknown key 'valid'"),
        (GOOD + GOOD.replace("facts:\n", ""), "fact test.one is declared twice"),
        ("facts: [\n", "not valid YAML|x.yaml:"),
        ("- just a list\n", "a facts file has one key, 'facts'"),
        (GOOD.replace("value: 1", "value: {a: 1}"), "value must be text"),
    ],
)
def test_a_malformed_facts_file_is_a_one_line_error(tmp_path: Path, text: str, message: str) -> None:
    folder = write(tmp_path / "law", "x.yaml", text)
    with pytest.raises(FactsError, match=message) as raised:
        load_facts(folder)
    assert "\n" not in str(raised.value)


def test_a_good_facts_file_loads(tmp_path: Path) -> None:
    facts = load_facts(write(tmp_path / "law", "x.yaml", GOOD))
    assert facts["test.one"].value == 1 and facts["test.one"].holds_on(dt.date(2020, 1, 1))
    assert not facts["test.one"].holds_on(dt.date(2019, 12, 31))


def test_a_malformed_wording_file_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "wording.yaml"
    path.write_text("consent:\n  nl: toestemming\n", encoding="utf-8")
    with pytest.raises(FactsError, match="needs 'en'"):
        load_wording(path)
    path.write_text("consent:\n  en: '(unclosed'\n", encoding="utf-8")
    with pytest.raises(FactsError, match=r"wording.yaml:2: consent.en"):
        load_wording(path)


def test_facts_command_prints_each_fact_with_its_source_and_verified_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["facts"]) == 0
    out = capsys.readouterr().out
    for fact in bundled().values():
        assert f"{fact.id}: {fact.summary}" in out
        assert f"source: {fact.source} (verified {fact.verified})" in out
    assert main(["facts", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert {f["id"] for f in document} == set(bundled())
    assert all(f["source"] and f["verified"] for f in document)
    assert main(["facts", "--format", "json", "--as-of", "2020-01-01"]) == 0
    ids = {f["id"] for f in json.loads(capsys.readouterr().out)}
    assert "transfer.eu.privacy-shield" in ids and "transfer.eu.eu-us-dpf" not in ids


# The hosts of official texts: the EU's (EUR-Lex and its ELI resolver, the CJEU, the
# Commission, the EDPB and the Article 29 Working Party's archive), the UK's, the
# Netherlands', France's, Belgium's and California's own, the IETF's and WHATWG's, the
# supervisory authorities' own sites, the Unicode Consortium's, and the vendors' own pages for their products' end
# of life and cookie limits.
OFFICIAL_HOSTS = frozenset({
    "eur-lex.europa.eu", "data.europa.eu", "curia.europa.eu", "commission.europa.eu", "ec.europa.eu",
    "www.edpb.europa.eu", "edpb.europa.eu",
    "www.legislation.gov.uk", "legislation.gov.uk", "ico.org.uk", "cy.ico.org.uk",
    "wetten.overheid.nl", "zoek.officielebekendmakingen.nl", "autoriteitpersoonsgegevens.nl",
    "www.legifrance.gouv.fr", "www.cnil.fr", "cnil.fr",
    "www.autoriteprotectiondonnees.be",
    "cppa.ca.gov", "leginfo.legislature.ca.gov", "govt.westlaw.com",
    "www.rfc-editor.org", "datatracker.ietf.org", "html.spec.whatwg.org", "www.unicode.org",
    "www.adobe.com", "learn.microsoft.com", "developers.google.com", "support.google.com", "developer.chrome.com",
})  # fmt: skip
_LINK = re.compile(r"https?://[^\s)>\]\"'`,;]+")


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "").lower()


def test_every_legal_source_links_an_official_host_or_its_note_says_why() -> None:
    """A fact's source is on an official host; a fact whose source is not says why in its
    note ('no official page'), and every fact whose official page could not be read names,
    in its note, the copy that was read."""
    wrong = []
    for fact in bundled().values():
        if _host(fact.source) not in OFFICIAL_HOSTS and "no official" not in (fact.note or ""):
            wrong.append(f"{fact.id}: {_host(fact.source)}")
    assert not wrong, f"sources outside the official hosts, with no note saying why: {wrong}"
    unread = [f for f in bundled().values() if "could not be read here" in (f.note or "")]
    assert unread and all(re.search(r"\bread (?:in|on|as)\b", f.note or "", re.IGNORECASE) for f in unread), [
        f.id for f in unread if not re.search(r"\bread (?:in|on|as)\b", f.note or "", re.IGNORECASE)
    ]


def test_every_link_in_the_rules_documentation_is_official() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    sources = {fact.source: fact for fact in bundled().values()}
    hosts = {_host(url) for url in _LINK.findall(text)}
    assert hosts, "docs/rules.md links no source"
    for url in _LINK.findall(text):
        fact = sources.get(url)
        assert _host(url) in OFFICIAL_HOSTS or (fact is not None and "no official" in (fact.note or "")), url


def test_the_host_check_would_catch_a_mirror(tmp_path: Path) -> None:
    facts = load_facts(write(tmp_path, "x.yaml", GOOD.replace("https://example.org/one", "https://lexaris.de/x")))
    assert [f.id for f in facts.values() if _host(f.source) not in OFFICIAL_HOSTS] == ["test.one"]


def test_rules_documentation_shows_each_sources_note() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    gdpr = bundled()["cite.gdpr"]
    assert gdpr.source.startswith("https://eur-lex.europa.eu/") and str(gdpr.note) in text


def test_facts_command_shows_the_scope_of_a_limited_adequacy_decision(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["facts"]) == 0
    out = capsys.readouterr().out
    canada = out[out.index("eu.adequacy.CA:") :]
    assert "    scope: recipients subject to the Personal Information Protection and Electronic Documents Act" in canada
    assert "could not be read here" in out  # which copy was read, where the official page was not


def test_every_bundled_pattern_compiles_and_is_the_one_the_rules_get() -> None:
    """bundled_wording() compiles a pattern only when a rule first asks for it; every one of
    them compiles, and is the pattern a fully compiled read of the same file gives."""
    eager, lazy = load_wording(), bundled_wording()
    assert eager.kinds == lazy.kinds and len(eager.kinds) > 40
    for kind in sorted(eager.kinds):
        for language in [*sorted(eager.languages(kind)), "en-GB", "pt"]:
            assert lazy(kind, language).pattern == eager(kind, language).pattern
            assert lazy(kind, language).flags == eager(kind, language).flags
            assert lazy(kind, language) is lazy(kind, language)  # compiled once
