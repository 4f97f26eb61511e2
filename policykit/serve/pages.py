"""The policy localized for the preview: the source language and every catalogue of the
project, and for each translation a page of the source text beside it.

In: a Project and its loaded Policy. Out: the (locale, Document) pairs, the translators'
findings (missing, fuzzy, stale and broken strings), and the body of each compare page.
A catalogue that cannot be read is a finding, and its locale is left out.
"""

from __future__ import annotations

import html

from policykit.document import Document, localize
from policykit.findings import Finding, Severity
from policykit.model import Policy
from policykit.project import Project

__all__ = ["render_locales"]


def render_locales(
    project: Project, policy: Policy
) -> tuple[list[tuple[str, Document]], list[Finding], dict[str, str]]:
    """Every locale the project has, localized; what translators must still do; and the
    compare pages' bodies, by locale."""
    from policykit.errors import CatalogError, UnknownLocaleError
    from policykit.i18n import catalogs
    from policykit.i18n.translator import translator_for
    from policykit.i18n.values import normalize_locale
    from policykit.render.html import render_html

    source_locale = normalize_locale(str(policy.meta.language))
    source_document = localize(policy)
    documents = [(source_locale, source_document)]
    findings: list[Finding] = []
    compare: dict[str, str] = {}
    source_html = render_html(source_document, fragment=True)
    found = catalogs.locales_in(project.locales, catalogs.POLICY_DOMAIN) if project.locales.is_dir() else []
    for name in found:
        locale = normalize_locale(name)
        if locale == source_locale:
            continue
        try:
            translator = translator_for(policy, locale, locales=project.locales)
        except (CatalogError, UnknownLocaleError) as error:
            findings.append(Finding("PK510", Severity.ERROR, str(error), str(project.locales / name)))
            continue
        document = localize(policy, locale, translator)
        documents.append((locale, document))
        problems = list(translator.findings) if translator is not None else []
        findings.extend(problems)
        items = "".join(
            f"<li><code>{html.escape(f.code)}</code> {html.escape(f.path)}: {html.escape(f.message)}</li>"
            for f in problems
        )
        told = (
            f'<section class="pk-preview-summary" aria-label="Strings to translate"><p><strong>{len(problems)} '
            f"strings</strong> missing, fuzzy or stale: the source text is shown for them.</p>"
            f"<ul>{items}</ul></section>"
            if problems
            else '<section class="pk-preview-summary pk-clean"><p>Every string is translated.</p></section>'
        )
        compare[locale] = (
            f'{told}<div class="pk-compare"><div lang="{html.escape(source_locale)}">{source_html}</div>'
            f'<div lang="{html.escape(locale)}">{render_html(document, fragment=True)}</div></div>'
        )
    return documents, findings, compare
