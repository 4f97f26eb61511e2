"""The preview a legal writer reads while writing: every locale's page, with the findings
of `check` shown next to what each is about.

In: a Project. Out: a Preview, the pages by URL path (bytes, in memory: nothing is
written to disk), and a summary line.

- `/` is the source language's page, `/<locale>/` each translation's, and
  `/compare/<locale>/` the source text beside the translation with the strings that are
  missing, fuzzy or stale listed above it.
- Each page opens with a summary of the findings; a cookie's findings are a row under
  its row in the table, an article's (or a section's) under its heading. Every note has
  the code, the severity, the message and a link to the rule's documentation
  (`/rules/#pk101`). Only the preview has them: a build never does.
- A file that cannot be loaded (a YAML syntax error, an unknown key) gives an error page
  with each problem as `file:line:col`, the line itself, and a link to the last good
  render (`/last/`), kept from the previous successful preview.

Everything from the policy, a catalogue or a finding is escaped here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from attrs import frozen

from policykit.document import Document
from policykit.findings import Finding
from policykit.project import Project

__all__ = ["Preview", "build_preview", "note_html"]

_ROW = re.compile(r'<tr><th scope="row">(.*?)</th>.*?</tr>', re.S)
_TAGS = re.compile(r"<[^>]*>")
_COOKIE_PATH = re.compile(r"cookies\[([^\]]*)\]")
_PAGE_STYLE = """
.pk-preview-bar{position:sticky;top:0;z-index:10;background:#1d2733;color:#fff;padding:.4rem .8rem;
font:14px/1.4 system-ui,sans-serif;display:flex;flex-wrap:wrap;gap:.8rem;align-items:center}
.pk-preview-bar a{color:#fff}
.pk-preview-bar a[aria-current]{font-weight:700;text-decoration:none}
.pk-preview-summary{margin:1rem auto;max-width:48rem;padding:.6rem 1rem;border:2px solid #b00020;
font:14px/1.4 system-ui,sans-serif;background:#fff5f5}
.pk-preview-summary.pk-clean{border-color:#2e7d32;background:#f3fbf3}
.pk-finding{display:block;border-inline-start:4px solid #b00020;background:#fff5f5;padding:.3rem .6rem;
margin:.4rem 0;font:13px/1.4 system-ui,sans-serif;color:#222}
.pk-finding.pk-warning{border-color:#b26a00;background:#fff8ec}
.pk-finding.pk-info{border-color:#1565c0;background:#f1f6fd}
.pk-finding code{font-weight:700}
.pk-compare{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
@media (max-width:60rem){.pk-compare{grid-template-columns:1fr}}
.pk-error-line{background:#f4f4f4;padding:.3rem .6rem;white-space:pre-wrap;overflow-wrap:anywhere}
"""
# The open pages reload when the preview changes (server-sent events, no extension).
_RELOAD = (
    "<script>(() => { const source = new EventSource('/events'); let seen = null;"
    " source.onmessage = (event) => { if (seen !== null && event.data !== seen) location.reload();"
    " seen = event.data; }; })();</script>"
)


@frozen
class Preview:
    """The preview's pages by URL path, the findings they show, and whether the file loaded."""

    pages: Mapping[str, bytes]
    findings: tuple[Finding, ...]
    loaded: bool
    summary: str


def note_html(finding: Finding, number: int) -> str:
    """One finding as a note: severity, code linked to its rule's documentation, message."""
    severity = html.escape(finding.severity.value)
    code = html.escape(finding.code)
    where = f"{finding.file}:{finding.line}:{finding.column or 1}" if finding.line else finding.file
    subject = f"{finding.path}: " if finding.path else ""
    return (
        f'<aside class="pk-finding pk-{severity}" id="finding-{number}" role="note">'
        f'<a href="/rules/#{code.lower()}"><code>{code}</code></a> {severity}: '
        f"{html.escape(subject + finding.message)} <small>({html.escape(where)})</small></aside>"
    )


def build_preview(project: Project, last_good: Mapping[str, bytes] | None = None) -> Preview:
    """Load, check and render the project's policy in every locale, findings in the pages."""
    from policykit.errors import LoadError
    from policykit.load import load_with_source

    try:
        policy, source = load_with_source(str(project.policy))
    except LoadError as error:
        page = _error_page(project.policy, error.findings, has_last=bool(last_good))
        shown = {"/": page, **{f"/last{path}": content for path, content in (last_good or {}).items()}}
        summary = f"{project.policy}: cannot be loaded ({len(error.findings)} problems)"
        return Preview(shown, tuple(error.findings), False, summary)
    from policykit.serve.pages import render_locales

    documents, translation_findings, compare = render_locales(project, policy)
    findings = (*_check(project, policy, source, documents), *translation_findings)
    locales = [locale for locale, _ in documents]
    pages: dict[str, bytes] = {}
    for index, (locale, document) in enumerate(documents):
        path = "/" if index == 0 else f"/{locale}/"
        pages[path] = _page(document, locales, locale, findings, source).encode("utf-8")
    for locale, body in compare.items():
        pages[f"/compare/{locale}/"] = _shell(f"{locale}: source and translation", locales, f"compare/{locale}", body)
    pages["/rules/"] = _rules_page(locales)
    errors = sum(f.severity.value == "error" for f in findings)
    summary = f"{len(findings)} findings ({errors} errors) in {', '.join(locales)}"
    return Preview(pages, tuple(findings), True, summary)


def _check(
    project: Project, policy: object, source: object, documents: Sequence[tuple[str, Document]]
) -> list[Finding]:
    from policykit.rules import run_checks

    report = run_checks(
        policy,  # type: ignore[arg-type]
        source,  # type: ignore[arg-type]
        profile=project.profile,
        select=project.select,
        ignore=(*project.ignore, *project.ignored_for(project.policy)),
        documents=documents,
    )
    return list(report.findings)


def _bar(locales: Sequence[str], current: str) -> str:
    links = []
    for index, locale in enumerate(locales):
        href = "/" if index == 0 else f"/{locale}/"
        mark = ' aria-current="page"' if current == locale else ""
        links.append(f'<a href="{href}" hreflang="{html.escape(locale)}"{mark}>{html.escape(locale)}</a>')
    compare = [
        f'<a href="/compare/{html.escape(locale)}/"{" aria-current=page" if current == "compare/" + locale else ""}>'
        f"{html.escape(locales[0])} | {html.escape(locale)}</a>"
        for locale in locales[1:]
    ]
    return (
        '<nav class="pk-preview-bar" aria-label="Preview"><strong>policykit preview</strong> '
        + " ".join(links)
        + (" <span>compare:</span> " + " ".join(compare) if compare else "")
        + "</nav>"
    )


def _summary(findings: Sequence[Finding]) -> str:
    if not findings:
        return '<section class="pk-preview-summary pk-clean" aria-label="Findings"><p>No findings.</p></section>'
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.severity.value] = counts.get(finding.severity.value, 0) + 1
    told = ", ".join(f"{count} {severity}" for severity, count in sorted(counts.items()))
    items = "".join(
        f'<li><a href="#finding-{number}">{html.escape(f.code)}</a> {html.escape(f.path or f.file)}: '
        f"{html.escape(f.message)}</li>"
        for number, f in enumerate(findings)
    )
    return (
        f'<section class="pk-preview-summary" aria-label="Findings"><p><strong>{len(findings)} findings</strong> '
        f"({html.escape(told)})</p><ul>{items}</ul></section>"
    )


def _page(document: Document, locales: Sequence[str], locale: str, findings: Sequence[Finding], source: object) -> str:
    from policykit.render.html import render_html

    page = render_html(document)
    by_cookie, by_anchor, numbered = _place(findings, document, source)
    columns = 5

    def with_notes(match: re.Match[str]) -> str:
        name = html.unescape(_TAGS.sub("", match.group(1))).translate(_ISOLATES)
        notes = by_cookie.get(name)
        if not notes:
            return match.group(0)
        cells = "".join(note_html(f, n) for n, f in notes)
        return f'{match.group(0)}<tr class="pk-finding-row"><td colspan="{columns}">{cells}</td></tr>'

    page = _ROW.sub(with_notes, page)
    for anchor, notes in by_anchor.items():
        notes_html = "".join(note_html(f, n) for n, f in notes)
        for opening in (f'<h2 id="{anchor}-heading">', f'<h3 id="{anchor}-heading">'):
            start = page.find(opening)
            if start >= 0:
                end = page.find("</h", start + len(opening)) + 5
                page = page[:end] + notes_html + page[end:]
                break
        else:
            opening = f'<div id="{anchor}" class="pk-section">'
            start = page.find(opening)
            if start >= 0:
                page = page.replace(opening, opening + notes_html, 1)
            else:
                numbered.extend(notes)
    head = f"<style>{_PAGE_STYLE}</style>{_RELOAD}</head>"
    body = f"<body>{_bar(locales, locale)}{_summary(findings)}"
    return page.replace("</head>", head, 1).replace("<body>", body, 1)


_ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"), None)


def _place(
    findings: Sequence[Finding], document: Document, source: object
) -> tuple[dict[str, list[tuple[int, Finding]]], dict[str, list[tuple[int, Finding]]], list[tuple[int, Finding]]]:
    """Which finding goes where: a cookie's by its name, an article's or section's by its
    anchor (from where its lines start in the file); the rest only in the summary."""
    from policykit.source import Source

    by_cookie: dict[str, list[tuple[int, Finding]]] = {}
    by_anchor: dict[str, list[tuple[int, Finding]]] = {}
    elsewhere: list[tuple[int, Finding]] = []
    starts: list[tuple[int, str]] = []
    if isinstance(source, Source):
        for index, article in enumerate(document.articles):
            line, _ = source.position(["articles", index])
            if line:
                starts.append((line, article.anchor))
            for number, section in enumerate(article.sections):
                line, _ = source.position(["articles", index, "sections", number])
                if line:
                    starts.append((line, section.anchor))
        starts.sort()
    for number, finding in enumerate(findings):
        match = _COOKIE_PATH.match(finding.path)
        if match is not None:
            by_cookie.setdefault(match.group(1), []).append((number, finding))
            continue
        anchor = None
        if finding.path.startswith("articles") and finding.line:
            for line, candidate in starts:
                if line <= finding.line:
                    anchor = candidate
        if anchor is None:
            elsewhere.append((number, finding))
        else:
            by_anchor.setdefault(anchor, []).append((number, finding))
    return by_cookie, by_anchor, elsewhere


def _shell(title: str, locales: Sequence[str], current: str, body: str) -> bytes:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
        f"<style>{_PAGE_STYLE}</style>{_RELOAD}</head><body>{_bar(locales, current)}<main>{body}</main></body></html>\n"
    ).encode()


def _rules_page(locales: Sequence[str]) -> bytes:
    from policykit.rules import RULES

    rows = "".join(
        f'<section id="{html.escape(rule.code.lower())}"><h2>{html.escape(rule.code)}: {html.escape(rule.summary)}</h2>'
        f"<p>{html.escape(rule.severity.value)}; profiles: {html.escape(', '.join(rule.profiles))}</p></section>"
        for rule in RULES
    )
    return _shell("policykit rules", locales, "rules", f"<h1>Rules</h1>{rows}")


def _error_page(policy: Path, findings: Sequence[Finding], *, has_last: bool) -> bytes:
    try:
        lines = policy.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    items = []
    for finding in findings:
        where = f"{finding.file}:{finding.line}:{finding.column or 1}" if finding.line else finding.file
        shown = ""
        if 0 < finding.line <= len(lines):
            text = lines[finding.line - 1][:300]
            caret = " " * max((finding.column or 1) - 1, 0) + "^"
            shown = f'<pre class="pk-error-line">{html.escape(text)}\n{html.escape(caret)}</pre>'
        items.append(
            f"<li><code>{html.escape(where)}</code>: {html.escape(finding.severity.value)} "
            f'<a href="/rules/#{html.escape(finding.code.lower())}">{html.escape(finding.code)}</a> '
            f"{html.escape(finding.path + ': ' if finding.path else '')}{html.escape(finding.message)}{shown}</li>"
        )
    last = '<p><a href="/last/">The last good render</a></p>' if has_last else ""
    body = (
        f'<section class="pk-preview-summary" aria-label="Findings"><h1>The policy cannot be loaded</h1>'
        f"<ul>{''.join(items)}</ul>{last}</section>"
    )
    return _shell("policykit preview: error", [], "", body)
