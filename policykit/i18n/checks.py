"""Translator checks: what a broken translation would do to a published legal text.

In: a .po file (and the locale its folder names), strict or not.
Out: Findings (the same shape and printers as `policykit check`), each with the .po
file, the line of the entry and its msgctxt.

A translation is text from outside the project, as untrusted as the policy's data:
placeholders must be the source's bare names, and markup the source's own tags.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from policykit import inline
from policykit.findings import Finding, RuleInfo, Severity
from policykit.i18n.catalogs import PLURAL_FORMS, CatalogError, read_catalog
from policykit.i18n.messages import policy_messages
from policykit.model import Policy
from policykit.source import Source

__all__ = [
    "TRANSLATION_CHECKS",
    "check_against_policy",
    "check_catalog",
    "check_file",
    "check_translation",
    "failing",
]

TRANSLATION_CHECKS = (
    RuleInfo(
        "PK501",
        "The placeholders differ from the source",
        Severity.ERROR,
        "A missing or extra placeholder drops a fact (a lifetime, a name) from the text or shows a raw {name}.",
    ),
    RuleInfo(
        "PK502",
        "A placeholder reaches an attribute, an index or a format spec",
        Severity.ERROR,
        "{x.__class__}, {x[0]} or {x:>10} would read data the text must not reach (str.format injection).",
    ),
    RuleInfo(
        "PK503",
        "The markup differs from the source",
        Severity.ERROR,
        "Emphasis, links and their targets are part of the legal text; a changed link target sends readers elsewhere.",
    ),
    RuleInfo(
        "PK504",
        "A tag that is not allowed",
        Severity.ERROR,
        "Only <em>, <strong> and <a href> exist; anything else (<script>, <img>) is refused, and would be "
        "shown as text.",
    ),
    RuleInfo(
        "PK505",
        "A fuzzy entry",
        Severity.WARNING,
        "gettext leaves fuzzy entries out, so the reader sees the source language. A warning in every command; "
        "--strict (release builds) refuses it.",
    ),
    RuleInfo(
        "PK506",
        "An untranslated entry",
        Severity.WARNING,
        "The reader sees the source language. A warning in every command; --strict (release builds) refuses it.",
    ),
    RuleInfo(
        "PK507",
        "An empty plural form",
        Severity.ERROR,
        "gettext falls back to the source language silently for a count that needs that form.",
    ),
    RuleInfo(
        "PK508",
        "The Language header disagrees with the catalogue's folder",
        Severity.ERROR,
        "Tools pick plural rules and formats from the header; the folder decides where it is used.",
    ),
    RuleInfo(
        "PK509",
        "The Plural-Forms header disagrees with CLDR",
        Severity.ERROR,
        "A wrong plural rule picks the wrong form for a count (Babel orders Arabic's forms 4 and 5 wrongly, "
        "babel issue 816).",
    ),
    RuleInfo("PK510", "The catalogue cannot be read", Severity.ERROR, "The .po file is not valid gettext syntax."),
    RuleInfo(
        "PK511",
        "A catalogue or the .pot is out of date with the policy",
        Severity.WARNING,
        "The policy has strings the catalogue has never seen, so the reader gets the source language; "
        "`policykit i18n update` brings them in. A warning in every command; --strict refuses it.",
    ),
)

# A braced field, tested for attribute, index, format or conversion characters after the
# match: inside the pattern, '[^{}]*[.:]' backtracked over every dot of '{' + 30,000 dots.
_BRACED = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")
_NOT_A_NAME = frozenset(".[]:!")
_TAG = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)[^<>]*>")


def _finding(code: str, message: str, file: Path, entry: Message | None, strict: bool = False) -> Finding:
    # One severity per code, whatever the command: --strict refuses warnings, it does not
    # turn them into errors (gaps(), below).
    severity = next(rule.severity for rule in TRANSLATION_CHECKS if rule.code == code)
    line = entry.lineno if entry is not None and entry.lineno else 0
    path = (entry.context or "") if entry is not None else ""
    return Finding(code, severity, message, str(file), line, 1 if line else 0, path)


def _markup(text: str) -> tuple[list[str], list[str]]:
    """Placeholder names and tags (links with their target) of `text`; InlineError if malformed."""
    nodes = inline.parse_inline(text)
    return [n.name for n in inline.walk(nodes) if isinstance(n, inline.Placeholder)], inline.tags(text)


def check_translation(source: str, translation: str) -> list[tuple[str, str]]:
    """(code, message) for each problem of one translated string against its source."""
    problems: list[tuple[str, str]] = []
    for match in _BRACED.finditer(translation):
        if _NOT_A_NAME.isdisjoint(match.group(1)):
            continue
        problems.append(("PK502", f"placeholder {match.group(0)} is not a bare name"))
    refused: dict[str, None] = {}  # each tag once: <b>x</b> is one mistake, not two
    for match in _TAG.finditer(translation):
        if match.group(1).lower() not in inline.ALLOWED_TAGS and match.group(0) not in source:
            refused.setdefault(match.group(1).lower())
    problems += [("PK504", f"tag <{name}> is not allowed (only em, strong, a)") for name in refused]
    if problems:
        return problems
    try:
        names, tags = _markup(translation)
    except inline.InlineError as error:
        return [("PK503", f"malformed markup: {error}")]
    try:
        source_names, source_tags = _markup(source)
    except inline.InlineError:
        return []  # the loader refuses such a source; nothing to compare against
    if Counter(names) != Counter(source_names):
        missing = sorted(set(source_names) - set(names))
        extra = sorted(set(names) - set(source_names))
        detail = "; ".join(
            part
            for part in (
                f"missing {', '.join('{' + n + '}' for n in missing)}" if missing else "",
                f"unknown {', '.join('{' + n + '}' for n in extra)}" if extra else "",
            )
            if part
        )
        problems.append(("PK501", f"placeholders differ from the source ({detail or 'counts differ'})"))
    if Counter(tags) != Counter(source_tags):
        problems.append(("PK503", f"markup differs from the source: {sorted(tags)} instead of {sorted(source_tags)}"))
    return problems


def check_catalog(catalog: Catalog, file: Path, folder_locale: str, *, strict: bool = False) -> list[Finding]:
    """The findings of one catalogue read from `file`: its Language against the folder's
    locale (PK508), its Plural-Forms against CLDR's (PK509), fuzzy (PK505) and untranslated
    (PK506) entries, empty plural forms (PK507), and each translation's
    placeholders and markup against its source (check_translation)."""
    findings: list[Finding] = []
    header = next(iter(catalog), None)
    language = str(catalog.locale_identifier or "") if catalog.locale else ""
    if language.replace("-", "_") != folder_locale.replace("-", "_"):
        findings.append(
            _finding(
                "PK508", f"Language is {language or 'missing'!r}, but the folder is {folder_locale!r}", file, header
            )
        )
    expected = PLURAL_FORMS.get(folder_locale.replace("-", "_").split("_")[0])
    actual = " ".join(str(dict(catalog.mime_headers).get("Plural-Forms", "")).split())
    if expected is not None and _plural_key(actual) != _plural_key(expected):
        findings.append(_finding("PK509", f"Plural-Forms is {actual!r}; CLDR gives {expected!r}", file, header))
    for message in catalog:
        if not message.id:
            continue
        sources = list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]
        strings = list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy:
            findings.append(
                _finding("PK505", "fuzzy: the source changed; review the translation", file, message, strict)
            )
        if not any(strings):
            findings.append(_finding("PK506", "not translated", file, message, strict))
            continue
        if len(strings) > 1 and not all(strings):
            empty = [str(i) for i, s in enumerate(strings) if not s]
            findings.append(_finding("PK507", f"plural form {', '.join(empty)} is empty", file, message))
        for index, string in enumerate(strings):
            if not string:
                continue
            source = sources[min(index, len(sources) - 1)]
            for code, text in check_translation(str(source), str(string)):
                findings.append(_finding(code, text, file, message))
    return findings


def _plural_key(forms: str) -> str:
    return re.sub(r"\s+|;$", "", forms).replace("(", "").replace(")", "")


def check_file(file: Path, folder_locale: str, *, strict: bool = False) -> list[Finding]:
    """check_catalog of the .po file at `file`; a file that cannot be read or parsed is one
    PK510 finding."""
    try:
        catalog = read_catalog(file)
    except CatalogError as error:
        line = error.line
        return [Finding("PK510", Severity.ERROR, error.message, str(file), line, 1 if line else 0)]
    return check_catalog(catalog, file, folder_locale, strict=strict)


def check_against_policy(
    catalog: Catalog | None, file: Path, policy: Policy, source: Source, *, strict: bool = False
) -> list[Finding]:
    """A finding, at the string's place in the policy file, for each string of the policy
    that `catalog` (a locale's .po or the .pot) does not hold at all."""
    severity = Severity.WARNING  # the rule's severity; --strict refuses it (gaps())
    findings = []
    for message in policy_messages(policy):
        if catalog is None or catalog.get(message.text, context=message.context) is None:
            line, column = source.position(message.at)
            findings.append(
                Finding(
                    "PK511",
                    severity,
                    f"not in {file}; run `policykit i18n update`",
                    source.file,
                    line,
                    column,
                    source.field_path(message.at),
                )
            )
    return findings


def failing(findings: Iterable[Finding], strict: bool) -> bool:
    """Whether `findings` stop a command: an error always; with `strict` (a release)
    any finding, warnings (fuzzy, untranslated, out of date) included."""
    found = list(findings)
    return any(f.severity is Severity.ERROR for f in found) or (strict and bool(found))
