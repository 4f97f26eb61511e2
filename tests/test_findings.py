"""The one Finding shape and its three printers."""

from __future__ import annotations

import json

from policykit.findings import (
    Finding,
    RuleInfo,
    Severity,
    exit_code,
    format_json,
    format_sarif,
    format_text,
    sort_findings,
)

LINK_ID = Finding(
    "PK101", Severity.ERROR, "persistent with no stated lifetime", "p.yaml", 42, 5, "cookies[WHMCSLinkID]"
)
NO_PLACE = Finding("PK002", Severity.WARNING, "file is empty", "e.yaml")


def test_text_line_names_file_line_column_severity_code_and_path() -> None:
    assert LINK_ID.to_text() == "p.yaml:42:5: error PK101 cookies[WHMCSLinkID]: persistent with no stated lifetime"
    assert NO_PLACE.to_text() == "e.yaml: warning PK002 file is empty"
    assert format_text([LINK_ID, NO_PLACE]).splitlines() == [LINK_ID.to_text(), NO_PLACE.to_text()]


def test_json_has_a_findings_list_with_every_key() -> None:
    document = json.loads(format_json([LINK_ID]))
    assert document["findings"] == [
        {
            "code": "PK101",
            "severity": "error",
            "message": "persistent with no stated lifetime",
            "file": "p.yaml",
            "line": 42,
            "column": 5,
            "path": "cookies[WHMCSLinkID]",
        }
    ]


def test_sarif_results_point_at_rules_and_lines() -> None:
    rules = [RuleInfo("PK101", "Persistent cookie without a lifetime", Severity.ERROR, "GDPR Art. 13(2)(a)")]
    log = json.loads(format_sarif([LINK_ID, NO_PLACE], rules, "0.1.0"))
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert ids == ["PK101", "PK002"]
    first, second = run["results"]
    assert first["ruleId"] == "PK101" and ids[first["ruleIndex"]] == "PK101"
    assert first["locations"][0]["physicalLocation"]["region"]["startLine"] == 42
    assert second["level"] == "warning"
    # SARIF lines start at 1: a finding without a place still gets a valid region.
    assert second["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_exit_code_is_one_only_for_errors() -> None:
    assert exit_code([]) == 0
    assert exit_code([NO_PLACE]) == 0
    assert exit_code([NO_PLACE, LINK_ID]) == 1


def test_findings_sort_by_place() -> None:
    later = Finding("PK001", Severity.INFO, "x", "p.yaml", 50, 1)
    assert sort_findings([later, LINK_ID, NO_PLACE]) == [NO_PLACE, LINK_ID, later]
