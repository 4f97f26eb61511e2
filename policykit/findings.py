"""Findings: the one shape for every problem policykit reports, and its printers.

In: findings from the loader, the rules or the translator checks.
Out: text (`file:line:col: severity CODE path: message`, with control and bidi
characters from the input made visible, so a cookie name cannot clear a terminal),
GitHub workflow commands (`::error file=...,line=...::message`), JSON, or SARIF 2.1.0
(file names as percent-encoded URIs, every code described, each with a helpUri into
the project's docs). JSON and SARIF keep every string exactly.
"""

from __future__ import annotations

import enum
import json
import os
import re
import urllib.parse
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from attrs import frozen

__all__ = [
    "DESCRIPTION_LIMIT",
    "DOCS_URI",
    "EXCERPT_LIMIT",
    "LOADER_CODES",
    "Finding",
    "RuleInfo",
    "Severity",
    "excerpt",
    "exit_code",
    "format_github",
    "format_json",
    "format_sarif",
    "format_text",
    "help_uri",
    "sort_findings",
    "terminal_safe",
]

# The project's page: SARIF's informationUri.
DOCS_URI = "https://pypi.org/project/policykit-cookies/"

# C0 and C1 controls, DEL, the Unicode bidi controls (Trojan Source, CVE-2021-42574) and
# the invisible joiners and spaces: any of them in a name or a quoted value could move the
# cursor, clear the screen, set a window title, reorder what the reader sees, or make two
# different names print alike.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """`text` with control and bidi characters written as escapes (ESC -> `\\x1b`)."""
    return _UNSAFE.sub(_escaped, text)


# The most characters of a value that any message quotes: a file holding a secret, read by
# mistake or by a hostile configuration, must not come out whole in a log.
EXCERPT_LIMIT = 60


def excerpt(value: object, limit: int = EXCERPT_LIMIT) -> str:
    """`value` quoted for a message: its repr, escaped (terminal_safe), cut after `limit`
    characters of the value with the count of the rest. Every message that quotes a value
    from the input goes through here."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= limit:
        return terminal_safe(repr(text) if isinstance(value, str) else text)
    shown = text[:limit]
    return (
        terminal_safe(repr(shown) if isinstance(value, str) else shown) + f"... ({len(text) - limit:,} more characters)"
    )


class Severity(enum.Enum):
    """How much a finding matters: an error makes `policykit check` exit 1 (exit_code);
    a warning and an info are reported and do not."""

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
        """One line for a terminal; what came from the input is escaped (terminal_safe)."""
        where = terminal_safe(self.file)
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        subject = f"{terminal_safe(self.path)}: " if self.path else ""
        return f"{where}: {self.severity.value} {self.code} {subject}{terminal_safe(self.message)}"

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON data: code, severity, message, file, line, column and path."""
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


# The loader's codes: a file that cannot be used (exit 2) reports these.
LOADER_CODES = (
    RuleInfo("PK001", "The file cannot be read", Severity.ERROR,
             "Missing, a directory, too large, empty, or not UTF-8: there is no policy to check."),
    RuleInfo("PK002", "The file is not valid YAML or JSON", Severity.ERROR,
             "A syntax error (a tab in the indentation, a colon inside an unquoted value, a bad indent), a "
             "duplicate key, an alias, a tag or more than one document."),
    RuleInfo("PK003", "An unknown key", Severity.ERROR,
             "A misspelt key would silently drop what it holds; the message suggests the key meant."),
    RuleInfo("PK004", "A required key is missing", Severity.ERROR,
             "The policy cannot be rendered or checked without it."),
    RuleInfo("PK005", "A value of the wrong type or form", Severity.ERROR,
             "A date, lifetime, country, language or URL that cannot be read as one."),
    RuleInfo("PK006", "A reference to something not declared", Severity.ERROR,
             "A cookie, party, category or placeholder that is named but never declared (or declared and "
             "never used) would show a broken or missing fact."),
    RuleInfo("PK007", "An id declared twice", Severity.ERROR,
             "Two records with one id make every reference to it ambiguous."),
    RuleInfo("PK008", "Text whose markup or placeholders cannot be read", Severity.ERROR,
             "A brace that opens no placeholder, a placeholder that reaches an attribute, an index or a format "
             "spec (str.format injection), emphasis or a link that is not closed, or a tag that is not allowed "
             "would show raw markup or reach data the text must not reach."),
    RuleInfo("PK009", "More problems than are listed", Severity.ERROR,
             "A file with hundreds of problems is reported up to a limit, then with the count of the rest, so "
             "that output and memory stay bounded."),
)  # fmt: skip


def help_uri(code: str) -> str:
    """Where a code is documented: the heading of its rule in docs/rules.md, the table of
    translation checks there, the loader's codes in docs/format.md, or the README's
    sections on audits and exports.

    A relative reference, resolved against the root of the project's source (its
    repository or its sdist): the project's repository URL is not fixed, and the PyPI
    page shows only the README.
    """
    if code.startswith("PK0"):
        return "docs/format.md#loader-findings"
    if code.startswith("PK5"):
        return "docs/rules.md#translations"
    if code.startswith("PK7"):  # audit and scan: documented with their command
        return "README.md#the-policy-against-the-site-audit-scan-diff"
    if code.startswith("PK85"):  # what an export format cannot say
        return "README.md#exports"
    return f"docs/rules.md#{code.lower()}"


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings in a stable order: by file, line, column, code, path and message."""
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.code, f.path, f.message))


def exit_code(findings: Iterable[Finding]) -> int:
    """0 when nothing is an error, 1 otherwise."""
    return 1 if any(f.severity is Severity.ERROR for f in findings) else 0


def format_text(findings: Sequence[Finding]) -> str:
    """The findings one per line, `file:line:column: severity CODE path: message`, as to_text writes each."""
    return "".join(f.to_text() + "\n" for f in findings)


def _github_data(text: str) -> str:
    # GitHub's workflow-command escaping (actions/toolkit, command.ts: escapeData).
    return terminal_safe(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _github_property(text: str) -> str:
    # escapeProperty: escapeData plus the separators of the property list.
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def format_github(findings: Sequence[Finding]) -> str:
    """GitHub Actions annotations: `::error file=F,line=L,col=C,title=CODE::message`."""
    lines = []
    for finding in findings:
        properties = [f"file={_github_property(finding.file)}"]
        if finding.line:
            properties += [f"line={finding.line}", f"col={finding.column or 1}"]
        properties.append(f"title={_github_property(finding.code)}")
        message = f"{finding.path}: {finding.message}" if finding.path else finding.message
        lines.append(f"::{_GITHUB_COMMAND[finding.severity]} {','.join(properties)}::{_github_data(message)}\n")
    return "".join(lines)


def format_json(findings: Sequence[Finding], **extra: Any) -> str:
    """The findings as one JSON document, `{"findings": [...]}` plus the `extra` keys, indented,
    with a final newline."""
    document: dict[str, Any] = {"findings": [f.to_dict() for f in findings]}
    document.update(extra)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# What a relative artifact URI is relative to: the folder the tool ran in (SARIF §3.14.14).
_SRCROOT = "%SRCROOT%"


def _artifact_location(file: str) -> dict[str, str]:
    """A file name as SARIF's artifactLocation: a percent-encoded URI relative to
    %SRCROOT%, the folder the command runs in (a repository's root in CI), also for an
    absolute path inside it (the project's policy, found rather than named); an
    absolute file: URI (RFC 8089) only for a file outside it."""
    if os.path.isabs(file) or PureWindowsPath(file).is_absolute():
        try:
            inside = os.path.relpath(file, os.getcwd())
        except ValueError:  # another drive
            inside = ""
        if not inside or inside == ".." or inside.startswith(".." + os.sep) or os.path.isabs(inside):
            path = PureWindowsPath(file) if PureWindowsPath(file).drive else PurePosixPath(file)
            return {"uri": path.as_uri()}
        file = inside
    posix = file.replace(os.sep, "/") if os.sep != "/" else file
    return {"uri": urllib.parse.quote(posix, safe="/"), "uriBaseId": _SRCROOT}


# GitHub code scanning truncates a rule's descriptions beyond this many characters.
DESCRIPTION_LIMIT = 1024


def _within(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """`text` cut at a word before `limit` characters, with an ellipsis, when longer."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "\u2026"


def _markdown_text(text: str) -> str:
    # A rule's own words, shown as Markdown: its markup characters are literal.
    return re.sub(r"([\\`*_\[\]<>#|~])", r"\\\1", text)


def _descriptor(rule: RuleInfo, docs_url: str | None = None) -> dict[str, Any]:
    """A SARIF reportingDescriptor. `helpUri` only when the project's documentation has
    an absolute address (`docs_url`): SARIF's `uri` format is an absolute URI, and the
    relative anchors of `help_uri` resolve only against a checkout of the source."""
    why = rule.why or rule.summary
    where = help_uri(rule.code)
    markdown = f"**{rule.code}**: {_markdown_text(rule.summary)}\n\n{_markdown_text(why)}\n\n"
    markdown += f"Documented in policykit's `{where}`."
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.code,
        "shortDescription": {"text": _within(rule.summary)},
        "fullDescription": {"text": _within(why)},
        "help": {"text": why, "markdown": markdown},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
    }
    if docs_url is not None:
        descriptor["helpUri"] = urllib.parse.urljoin(docs_url, where)
    return descriptor


def format_sarif(
    findings: Sequence[Finding],
    rules: Sequence[RuleInfo],
    tool_version: str,
    suppressed: Sequence[tuple[Finding, str]] = (),
    docs_url: str | None = None,
) -> str:
    """SARIF 2.1.0 as GitHub code scanning reads it. `docs_url`: the absolute address
    of the project's documentation (the repository's root), against which each rule's
    `helpUri` is resolved; without it a rule has no helpUri, only its help text.

    `suppressed` findings (silenced in the policy, with a reason) are results with an
    in-source suppression, so viewers show them as dismissed rather than hide them.
    """
    everything = [*findings, *(finding for finding, _ in suppressed)]
    # Every rule given, then the loader's codes that occur (an unusable file), then any
    # other code a finding carries, so every result has its full descriptor.
    occurring = {f.code for f in everything} - {r.code for r in rules}
    described = [*rules, *(rule for rule in LOADER_CODES if rule.code in occurring)]
    known = {rule.code for rule in described}
    extra = sorted({f.code for f in everything} - known)
    descriptors = [_descriptor(rule, docs_url) for rule in described] + [
        _descriptor(RuleInfo(code, code, Severity.WARNING), docs_url) for code in extra
    ]
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
                            "artifactLocation": _artifact_location(finding.file),
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
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "policykit",
                        "version": tool_version,
                        "informationUri": DOCS_URI,
                        "rules": descriptors,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
