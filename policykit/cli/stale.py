"""What `policykit build` says about stale translations: one line per locale.

In: a BuildResult. Out: for each locale whose translation is stale or broken, one line
saying how many strings are missing, fuzzy or refused, and what was actually published
(the last approved translation with its version, the source text with a notice, or
nothing). The findings themselves are listed with -v; errors other than missing and
fuzzy strings (a refused translation, an unreadable catalogue) are always listed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from policykit.findings import Finding

__all__ = ["locale_of", "published_as", "shown_findings", "stale_lines"]

_FOLDER = re.compile(r"[/\\]([A-Za-z]{2,3}(?:_[A-Za-z0-9]+)?)[/\\]LC_MESSAGES[/\\]")
_NO_FILE = re.compile(r"<no \w+\.po for ([A-Za-z_0-9]+)>")
_GAPS = ("PK505", "PK506")
_TOLD = re.compile(r"in ([A-Za-z]{2,3}(?:_[A-Za-z0-9]+)*): ")
_WHAT = {"PK505": "fuzzy", "PK506": "untranslated", "PK510": "catalogue cannot be read"}


def locale_of(finding: Finding) -> str | None:
    """The locale a translation finding is about, from its catalogue's folder (or, for a
    rule on the rendered text, PK350-PK358, the locale its message names)."""
    found = _FOLDER.search(finding.file) or _NO_FILE.search(finding.file)
    if found is None and finding.code.startswith("PK35"):
        found = _TOLD.match(finding.message)
    return found.group(1) if found else None


def published_as(findings: Sequence[Finding], result: object) -> list[Finding]:
    """Each finding saying what the build published in its place: the translator says
    "the source text is shown", which is true only of a locale built with --stale source."""
    import attrs

    from policykit.build import BuildResult

    assert isinstance(result, BuildResult)
    kept = {locale for locale, _, _ in result.kept}
    done = []
    for finding in findings:
        locale = locale_of(finding)
        if locale in kept:
            instead = "the last approved translation of this locale is published instead"
        elif locale in result.skipped:
            instead = "this locale is not published"
        else:
            done.append(finding)
            continue
        message = finding.message.replace("the source text is shown instead", instead)
        done.append(attrs.evolve(finding, message=message.replace("the source text is shown", instead)))
    return done


def shown_findings(findings: Sequence[Finding], verbose: bool) -> list[Finding]:
    """Every finding with -v; else all but the missing and fuzzy strings, which the
    per-locale lines count."""
    return list(findings) if verbose else [f for f in findings if f.code not in _GAPS]


def _counts(findings: Sequence[Finding]) -> str:
    counts = Counter(f.code for f in findings)
    parts = [f"{counts[code]} {_WHAT[code]}" for code in ("PK505", "PK506") if counts[code]]
    if counts["PK510"]:
        parts.append(_WHAT["PK510"])
    untrue = sum(n for code, n in counts.items() if code.startswith("PK35"))
    if untrue:
        parts.append(f"{untrue} finding(s) on what the reader is told (PK350-PK358)")
    refused = sum(n for code, n in counts.items() if code not in _WHAT and not code.startswith("PK35"))
    if refused:
        codes = ", ".join(sorted(code for code in counts if code not in _WHAT))
        parts.append(f"{refused} translation(s) refused ({codes})")
    return ", ".join(parts) or "translation problems"


def stale_lines(result: object, source: str) -> list[str]:
    """One line per locale that was not built from a complete translation."""
    from policykit.build import PAGES, BuildResult

    assert isinstance(result, BuildResult)
    by_locale: dict[str, list[Finding]] = {}
    for finding in result.translation_findings:
        by_locale.setdefault(locale_of(finding) or "?", []).append(finding)
    lines = []
    kept = {locale: (version, date) for locale, version, date in result.kept}
    for locale in sorted({*kept, *result.sourced, *result.skipped}):
        folder = locale.replace("_", "-")
        counts = _counts(by_locale.get(locale, []))
        pages = ", ".join(f"{folder}/{file}" for file, _ in PAGES)
        if locale in kept:
            version, date = kept[locale]
            of = f"version {version}" + (f" of {date}" if date else "")
            what = f"published the last approved translation ({of}) with a notice linking {source}: {pages}"
        elif locale in result.sourced:
            what = f"published with the {source} text where it is not translated, with a notice: {pages}"
        elif any(f.code.startswith("PK35") for f in by_locale.get(locale, [])):
            what = "not published: the text it would publish says what the data does not"
        else:
            what = "not published (no complete earlier build of it to keep)"
        lines.append(f"{locale}: {counts}; {what}")
    return lines
