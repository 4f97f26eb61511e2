"""Findings: the one shape for every problem policykit reports, and its printers.

In: findings from the loader, the rules or the translator checks.
Out: text (`file:line:col: severity CODE path: message`), JSON, or SARIF 2.1.0.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Sequence
from typing import Any

from attrs import frozen

__all__ = [
    "Finding",
    "RuleInfo",
    "Severity",
    "exit_code",
    "format_json",
    "format_sarif",
    "format_text",
    "sort_findings",
]


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@frozen
class Finding:
    """A problem at a place. `line` and `column` are 1-based; 0 means unknown.

    `path` is the field path inside the file, such as `cookies[WHMCSLinkID].lifetime`.
    """

    code: str
    severity: Severity
    message: str
    file: str
    line: int = 0
    column: int = 0
    path: str = ""

    def to_text(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        subject = f"{self.path}: " if self.path else ""
        return f"{where}: {self.severity.value} {self.code} {subject}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
        }


@frozen
class RuleInfo:
    """What a printer needs to know of a rule to describe it (SARIF `rules`)."""

    code: str
    summary: str
    severity: Severity
    why: str = ""


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.code, f.path, f.message))


def exit_code(findings: Iterable[Finding]) -> int:
    """0 when nothing is an error, 1 otherwise."""
    return 1 if any(f.severity is Severity.ERROR for f in findings) else 0


def format_text(findings: Sequence[Finding]) -> str:
    return "".join(f.to_text() + "\n" for f in findings)


def format_json(findings: Sequence[Finding], **extra: Any) -> str:
    document: dict[str, Any] = {"findings": [f.to_dict() for f in findings]}
    document.update(extra)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def format_sarif(
    findings: Sequence[Finding],
    rules: Sequence[RuleInfo],
    tool_version: str,
    suppressed: Sequence[tuple[Finding, str]] = (),
) -> str:
    """SARIF 2.1.0 as GitHub code scanning reads it.

    `suppressed` findings (silenced in the policy, with a reason) are results with an
    in-source suppression, so viewers show them as dismissed rather than hide them.
    """
    known = {rule.code for rule in rules}
    everything = [*findings, *(finding for finding, _ in suppressed)]
    # Codes that come from no listed rule (loader errors) still need a descriptor.
    extra = sorted({f.code for f in everything} - known)
    descriptors = [
        {
            "id": rule.code,
            "name": rule.code,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.why or rule.summary},
            "help": {"text": rule.why or rule.summary},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        }
        for rule in rules
    ] + [{"id": code, "name": code, "shortDescription": {"text": code}} for code in extra]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    reasons = [None] * len(findings) + [reason for _, reason in suppressed]
    results = []
    for finding, reason in zip(everything, reasons, strict=True):
        region = {"startLine": max(finding.line, 1), "startColumn": max(finding.column, 1)}
        message = f"{finding.path}: {finding.message}" if finding.path else finding.message
        results.append(
            {
                "ruleId": finding.code,
                "ruleIndex": index[finding.code],
                "level": _SARIF_LEVEL[finding.severity],
                "message": {"text": message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": finding.file},
                            "region": region,
                        },
                        "logicalLocations": [{"fullyQualifiedName": finding.path}] if finding.path else [],
                    }
                ],
            }
        )
        if reason is not None:
            results[-1]["suppressions"] = [{"kind": "inSource", "justification": reason}]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "policykit",
                        "version": tool_version,
                        "informationUri": "https://pypi.org/project/policykit/",
                        "rules": descriptors,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
