"""The rules: one failing and one passing fixture each, the bundled policies, the engine."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import jsonschema
import pytest

import policykit
from conftest import FIXTURES, POLICY, ROOT, SEED
from policykit.cli import main
from policykit.findings import Finding, Severity
from policykit.load import load_with_source
from policykit.rules import PROFILES, RULES, UnknownRule, run_checks, select_rules
from policykit.rules.docs import rules_markdown

RULE_FIXTURES = FIXTURES / "rules"
TODAY = dt.date(2026, 11, 25)
CODES = [rule.code for rule in RULES]
ALL_PROFILES = ",".join(PROFILES)
# PKxxx-fail.yaml and PKxxx-pass.yaml, and variants such as PK307-fail-de.yaml.
FAILING = sorted(RULE_FIXTURES.glob("PK*-fail*.yaml"))
PASSING = sorted(RULE_FIXTURES.glob("PK*-pass*.yaml"))


def findings_of(path: Path, profile: str = ALL_PROFILES) -> list[Finding]:
    """A fixture's findings under every profile (or those in its meta.profiles), as of
    TODAY, or as of the policy's own date for a fixture named *-as-of-policy."""
    policy, source = load_with_source(path)
    as_of = policy.reference_date if "as-of-policy" in path.name else TODAY
    if policy.meta.profiles and profile == ALL_PROFILES:
        return run_checks(policy, source, as_of=as_of).findings  # the fixture names its own
    return run_checks(policy, source, profile=profile, as_of=as_of).findings


def codes_found(path: Path, profile: str = ALL_PROFILES) -> list[str]:
    return [f.code for f in findings_of(path, profile)]


@pytest.mark.parametrize("path", FAILING, ids=lambda p: p.stem)
def test_failing_fixture_finds_its_rule(path: Path) -> None:
    code = path.name[:5]
    findings = [f for f in findings_of(path) if f.code == code]
    assert findings, f"{path.name} should trigger {code}"
    for finding in findings:
        assert finding.file == str(path)
        assert finding.line > 0 and finding.column > 0
        assert finding.path


@pytest.mark.parametrize("path", PASSING, ids=lambda p: p.stem)
def test_passing_fixture_does_not(path: Path) -> None:
    assert path.name[:5] not in codes_found(path)


@pytest.mark.parametrize("code", CODES)
def test_every_rule_has_a_failing_and_a_passing_fixture(code: str) -> None:
    if code != "PK902":  # its failing case needs a thousand findings: generated below
        assert (RULE_FIXTURES / f"{code}-fail.yaml").is_file()
    assert (RULE_FIXTURES / f"{code}-pass.yaml").is_file()


def test_more_findings_than_the_limit_are_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from policykit.rules import MAX_FINDINGS

    base = (RULE_FIXTURES / "base.yaml").read_text(encoding="utf-8")
    many = "".join(
        f"  - {{name: c{i}, party: site, category: strictly-necessary, purpose: Keeps a setting., "
        "lifetime: not stated}\n"
        for i in range(MAX_FINDINGS + 5)
    )
    path = tmp_path / "many.yaml"
    path.write_text(base.replace("cookies:\n", "cookies:\n" + many, 1), encoding="utf-8")
    findings = findings_of(path)
    assert len(findings) == MAX_FINDINGS + 1
    summary = findings[-1]
    assert (summary.code, summary.severity.value) == ("PK902", "error")  # as severe as what it hides
    assert summary.message == "and 5 more findings from here on, not listed"
    assert main(["check", str(path), "-q"]) == 1


def test_base_fixture_is_clean() -> None:
    assert codes_found(RULE_FIXTURES / "base.yaml") == []


def test_jurisdiction_rules_run_only_under_their_profile() -> None:
    assert "PK601" not in codes_found(RULE_FIXTURES / "PK601-fail.yaml", "gdpr")
    assert "PK601" in codes_found(RULE_FIXTURES / "PK601-fail.yaml", "gdpr,uk")
    assert "PK602" not in codes_found(RULE_FIXTURES / "PK602-fail.yaml", "gdpr,uk")
    assert "PK603" not in codes_found(RULE_FIXTURES / "PK603-fail.yaml", "gdpr")


def test_the_date_checked_decides_what_is_valid() -> None:
    policy, source = load_with_source(RULE_FIXTURES / "PK207-fail-as-of-policy.yaml")

    def found(day: dt.date) -> list[str]:
        return [f.code for f in run_checks(policy, source, select=["PK207"], as_of=day).findings]

    assert found(dt.date(2020, 7, 15)) == []  # the day before Schrems II
    assert found(dt.date(2020, 7, 16)) == ["PK207"]  # the day itself
    brazil, b_source = load_with_source(RULE_FIXTURES / "PK205-pass-brazil.yaml")
    assert [f.code for f in run_checks(brazil, b_source, select=["PK205"], as_of=dt.date(2026, 1, 25)).findings] == [
        "PK205"
    ]
    assert run_checks(brazil, b_source, select=["PK205"], as_of=dt.date(2026, 1, 26)).findings == []


def test_uk_statistics_exemption_starts_on_its_date() -> None:
    policy, source = load_with_source(RULE_FIXTURES / "PK601-pass.yaml")
    assert run_checks(policy, source, profile="uk", select=["PK601"], as_of=dt.date(2026, 2, 5)).findings == []
    before = run_checks(policy, source, profile="uk", select=["PK601"], as_of=dt.date(2026, 2, 4)).findings
    assert before and "applies only from 2026-02-05" in before[0].message


def test_rules_are_documented_and_cited() -> None:
    assert len(RULES) >= 15
    assert len(set(CODES)) == len(CODES)
    for rule in RULES:
        assert re.fullmatch(r"PK\d{3}", rule.code)
        assert rule.summary and not rule.summary.endswith(".")
        assert len(rule.why) > 60, rule.code
    # Every rule but the engine's own cites a regulation, a court case or a standard.
    sources = re.compile(r"GDPR|CJEU|C-\d+/\d+|RFC|ePrivacy|CNIL|Decision|Living Standard|PECR|CCR|Telecommunicatiewet")
    assert [r.code for r in RULES if not sources.search(r.why)] == ["PK303", "PK305", "PK310", "PK901", "PK902"]


def test_pk103_cites_the_cap_exactly() -> None:
    why = next(r for r in RULES if r.code == "PK103").info.why  # with its sources
    for words in ("RFC 6265bis, an Internet-Draft", "section 5.5", "400 days", "Chrome 104, August 2022", "Firefox"):
        assert words in why


def test_docs_rules_md_is_in_step() -> None:
    from policykit.i18n.checks import TRANSLATION_CHECKS

    expected = rules_markdown(RULES, TRANSLATION_CHECKS)
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == expected, (
        "run: policykit rules --format markdown > docs/rules.md"
    )


# --- the bundled policies -----------------------------------------------------------


def check_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, list[dict[str, object]]]]:
    code = main(["check", *argv, "--format", "json", "--today", "2026-11-25"])
    return code, json.loads(capsys.readouterr().out)


def test_seed_fails_with_its_real_flaws(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = check_json(capsys, str(SEED))
    assert code == 1
    findings = report["findings"]

    def having(rule: str, *words: str) -> list[dict[str, object]]:
        return [f for f in findings if f["code"] == rule and all(w in f"{f['path']} {f['message']}" for w in words)]

    assert having("PK101", "WHMCSLinkID")[0]["severity"] == "error"
    assert having("PK207", "Privacy Shield")[0]["severity"] == "error"
    analytics_under_session = having("PK104", "analytics", "session")
    assert analytics_under_session and analytics_under_session[0]["severity"] == "error"
    assert having("PK302", "Flash")
    assert having("PK301", "[and/or Flash applications]")[0]["severity"] == "error"
    assert having("PK204", "Tawk.to", "never named")[0]["severity"] == "error"
    assert having("PK303")  # the stray quotation mark after "web browser."
    implied = having("PK307", "By entering the customer area you agree to the cookies")
    assert implied and implied[0]["severity"] == "error"
    assert having("PK308", "withdraw")[0]["severity"] == "error"
    assert having("PK205", "Tawk.to", "no country")[0]["severity"] == "error"
    assert report["silenced"] == []
    assert report["as_of"] == "2026-11-25" and report["profiles"] == ["gdpr"]  # type: ignore[comparison-overlap]


def test_corrected_policy_passes_with_reasons_for_what_it_silences(capsys: pytest.CaptureFixture[str]) -> None:
    for profile in ("gdpr", "cnil", "uk", "nl", "gdpr,cnil,nl,uk,us-ca"):
        code, report = check_json(capsys, str(POLICY), "--profile", profile)
        assert code == 0, profile
        assert report["findings"] == [], profile
        assert {(s["code"], s["path"]) for s in report["silenced"]} == {
            ("PK101", "cookies[WHMCSLinkID].lifetime"),
            # The bundled example's operator is a placeholder on example.com, and says so.
            ("PK412", "meta.website"),
            ("PK412", "meta.archive"),
            ("PK412", "meta.controller.contact"),
            ("PK412", "parties[operator].privacy_policy"),
        }
        for silenced in report["silenced"]:
            reason = str(silenced["reason"])
            assert "WHMCS documents" in reason if silenced["code"] == "PK101" else "placeholder" in reason


def test_corrected_policy_names_its_own_profiles(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = check_json(capsys, str(POLICY))
    assert code == 0 and report["profiles"] == ["gdpr", "nl"]  # type: ignore[comparison-overlap]


def test_a_check_says_which_date_it_used(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEED), "--as-of", "policy", "-q"]) == 1
    assert f"({len(select_rules('gdpr'))} rules, gdpr, as of 2021-02-19)" in capsys.readouterr().err
    assert main(["check", str(POLICY), "--as-of", "2026-10-20", "--format", "sarif", "-q"]) == 0
    properties = json.loads(capsys.readouterr().out)["runs"][0]["properties"]
    assert (properties["asOf"], properties["profiles"]) == ("2026-10-20", ["gdpr", "nl"])
    # With several files, each says its own date and profiles.
    assert properties["files"] == [{"file": str(POLICY), "as_of": "2026-10-20", "profiles": ["gdpr", "nl"]}]
    assert main(["check", str(POLICY), "--as-of", "20 Oct", "-q"]) == 2
    assert "expected a date" in capsys.readouterr().err
    assert main(["check", str(POLICY), "--profile", "gdpr,xx", "-q"]) == 2
    assert "unknown profile 'xx'" in capsys.readouterr().err


def test_text_output_lists_findings_then_silences(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(POLICY), "--today", "2026-11-25"]) == 0
    out, err = capsys.readouterr()
    lines = [line for line in out.splitlines() if " silenced PK101 " in line]
    assert len(lines) == 1 and "[silenced: WHMCS documents" in lines[0]
    assert len(out.splitlines()) == 5  # and the bundled example's four placeholder addresses (PK412)
    assert "0 errors, 0 warnings, 0 infos, 5 silenced" in err


def test_text_lines_have_the_linter_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEED), "--today", "2026-11-25"]) == 1
    for line in capsys.readouterr().out.splitlines():
        assert re.match(rf"{re.escape(str(SEED))}:\d+:\d+: (error|warning|info) PK\d{{3}} \S", line), line


# A subset of the SARIF 2.1.0 schema: what GitHub code scanning requires of an upload.
SARIF_AS_GITHUB_READS_IT = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name", "rules"],
                                "properties": {
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id", "shortDescription"],
                                            "properties": {
                                                "shortDescription": {
                                                    "type": "object",
                                                    "required": ["text"],
                                                }
                                            },
                                        },
                                    }
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["ruleId", "message", "locations"],
                            "properties": {
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": {"type": "object", "required": ["text"]},
                                "locations": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["physicalLocation"],
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "required": ["artifactLocation", "region"],
                                                "properties": {
                                                    "artifactLocation": {"type": "object", "required": ["uri"]},
                                                    "region": {
                                                        "type": "object",
                                                        "required": ["startLine"],
                                                        "properties": {"startLine": {"type": "integer", "minimum": 1}},
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                                "suppressions": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["kind"],
                                        "properties": {"kind": {"enum": ["inSource", "external"]}},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


@pytest.mark.parametrize("path", [SEED, POLICY])
def test_sarif_is_what_code_scanning_accepts(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    main(["check", str(path), "--format", "sarif", "--today", "2026-11-25"])
    log = json.loads(capsys.readouterr().out)
    jsonschema.validate(log, SARIF_AS_GITHUB_READS_IT)
    run = log["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    # every rule of the profiles is described
    profiles = {"gdpr"} if path == SEED else {"gdpr", "nl"}
    assert {r.code for r in RULES if profiles & set(r.profiles)} == set(rule_ids)
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
    if path == POLICY:
        assert [r["suppressions"][0]["kind"] for r in run["results"]] == ["inSource"] * 5


# --- selecting rules -----------------------------------------------------------------


def test_select_and_ignore_take_codes_and_prefixes() -> None:
    assert [r.code for r in select_rules(select=["PK2"])] == [c for c in CODES if c.startswith("PK2")]
    assert "PK105" not in [r.code for r in select_rules("gdpr")]
    assert "PK105" in [r.code for r in select_rules("cnil")]
    assert "PK105" in [r.code for r in select_rules("gdpr,cnil")] == [r.code for r in select_rules(["gdpr", "cnil"])]
    assert "PK601" in [r.code for r in select_rules("gdpr,uk")]
    assert [r.code for r in select_rules(select=["ALL"], ignore=["PK1", "PK2", "PK3", "PK6", "PK8", "PK9"])] == [
        "PK401",
        "PK402",
        "PK403",
        "PK404",
        "PK410",
        "PK411",
        "PK412",
    ]
    with pytest.raises(UnknownRule):
        select_rules(select=["PK999"])


def test_cli_select_ignore(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = check_json(capsys, str(SEED), "--select", "PK101,PK207")
    assert code == 1
    assert {f["code"] for f in report["findings"]} == {"PK101", "PK207"}
    code, report = check_json(capsys, str(SEED), "--ignore", "PK1", "--ignore", "PK2,PK3")
    assert {f["code"] for f in report["findings"]} == {"PK403", "PK404"}
    assert code == 0  # only warnings left
    assert main(["check", str(SEED), "--select", "PK999"]) == 2
    assert "no rule matches 'PK999'" in capsys.readouterr().err


def test_ignoring_a_rule_does_not_make_its_silences_unused(tmp_path: Path) -> None:
    policy, source = load_with_source(POLICY)
    report = run_checks(policy, source, ignore=["PK101"], today=TODAY)
    assert report.findings == [] and {finding.code for finding, _ in report.silenced} == {"PK412"}


def test_unknown_rule_in_a_silence(tmp_path: Path) -> None:
    text = POLICY.read_text(encoding="utf-8").replace("rule: PK101", "rule: PK199", 1)
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    found = {(f.code, f.message) for f in run_checks(*load_with_source(path), today=TODAY).findings}
    assert ("PK901", "silences PK199, which is no rule") in found
    assert any(code == "PK101" for code, _ in found)  # no longer silenced


def test_python_api_checks_a_policy_built_in_python() -> None:
    policy = policykit.load(SEED)
    findings = policykit.check(policy, today=TODAY)
    assert {f.code for f in findings} >= {"PK101", "PK104", "PK204", "PK207", "PK301", "PK302"}
    assert {f.file for f in findings} == {"<policy>"}
    link = next(f for f in findings if f.code == "PK101" and "WHMCSLinkID" in f.path)
    assert (link.line, link.path, link.severity) == (0, "cookies[WHMCSLinkID].lifetime", Severity.ERROR)


def test_future_date_is_judged_against_the_date_checked() -> None:
    policy = policykit.load(POLICY)  # changed on 2026-10-01, in force from 2026-10-20
    assert [f.code for f in policykit.check(policy, as_of=dt.date(2026, 9, 30))] == ["PK401"]
    assert policykit.check(policy, as_of=dt.date(2026, 10, 1)) == []


def test_seed_under_nl_finds_pk602_at_the_quoted_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = check_json(capsys, str(SEED), "--profile", "nl")
    assert code == 1
    found = [f for f in report["findings"] if f["code"] == "PK602"]
    quoted = "We have allowed Google to use the obtained analytics information for other Google services"
    assert found and quoted in str(found[0]["message"]) and found[0]["severity"] == "error"
    assert "article-3" in str(found[0]["path"]) or "articles[" in str(found[0]["path"])


def test_consent_and_withdrawal_are_errors_and_hygiene_is_info() -> None:
    by_code = {r.code: r for r in RULES}
    assert by_code["PK304"].severity is by_code["PK308"].severity is Severity.ERROR
    assert by_code["PK106"].severity is by_code["PK311"].severity is Severity.INFO
    assert "recommends" in by_code["PK105"].summary and "2020-091" in by_code["PK105"].why


def test_pk320_names_the_supervisory_authority_of_the_profile() -> None:
    nl = [f.message for f in findings_of(RULE_FIXTURES / "PK320-fail.yaml") if f.code == "PK320"]
    assert nl and "Autoriteit Persoonsgegevens" in nl[0]
    be = [f.message for f in findings_of(RULE_FIXTURES / "PK320-fail-fr.yaml") if f.code == "PK320"]
    assert be and "Autorité de protection des données" in be[0]


def test_pk210_says_what_the_adequacy_decision_covers() -> None:
    messages = [f.message for f in findings_of(RULE_FIXTURES / "PK210-fail.yaml") if f.code == "PK210"]
    assert messages and "Supplementary Rules" in messages[0]


def test_a_policy_written_in_utc_plus_14_is_not_in_the_future_in_utc() -> None:
    """10:00 on 2 December in Kiribati is 20:00 on 1 December in UTC: not after 1 December."""
    import attrs

    policy = policykit.load(POLICY)
    written = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=14)))
    policy = attrs.evolve(policy, meta=attrs.evolve(policy.meta, last_modified=written, effective=dt.date(2026, 12, 2)))
    assert "PK401" not in {f.code for f in policykit.check(policy, as_of=dt.date(2026, 12, 1), select=["PK401"])}
    late = written + dt.timedelta(days=1)  # 3 December in every zone
    policy = attrs.evolve(policy, meta=attrs.evolve(policy.meta, last_modified=late))
    assert "PK401" in {f.code for f in policykit.check(policy, as_of=dt.date(2026, 12, 1), select=["PK401"])}


def test_the_name_rules_read_confusable_homoglyphs_data_as_the_package_does() -> None:
    """PK802 and PK803 read the package's JSON files themselves (its modules import
    urllib.request); a character's script is the one aliases_categories gives, at every
    range's edges and across the code space, and the confusables are the package's."""
    from confusable_homoglyphs.categories import aliases_categories, categories_data  # type: ignore[import-untyped]
    from confusable_homoglyphs.confusables import confusables_data  # type: ignore[import-untyped]

    from policykit.rules import names

    points = set(range(0, 0x110000, 251))
    for first, last, *_ in categories_data["code_points_ranges"]:
        points |= {first - 1, first, last, last + 1}
    for point in sorted(p for p in points if 0 <= p < 0x110000):
        assert names._script(chr(point)) == aliases_categories(chr(point))[0], hex(point)
    assert names._data("confusables.json") == confusables_data
    assert names.scripts("G\u043e\u043egle") == {"LATIN", "CYRILLIC"} and names.scripts("_ga-1") == {"LATIN"}
