"""Translations at render time: the policy's catalogue and the template strings', for one locale.

In: a locale, the policy's locales/ folder. Out: a Translator for localize(), which
records a Finding for every string it could not translate safely. The template strings
come from the project's own policykit.po when it has one, else from the package's
(catalogs.ui_catalog_file, which stats and check use too).

A translation is used only if it is translated, not fuzzy, and passes the translator
checks against its source (same bare placeholders, same markup). Otherwise the source
text is shown, and the finding says why: a `<script>` or `{x.__class__}` in a .po file
never reaches the output.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from babel.messages.catalog import Catalog

from policykit.doctree import Translator
from policykit.findings import Finding, Severity
from policykit.i18n.catalogs import (
    PACKAGE_CATALOGS,
    POLICY_DOMAIN,
    UI_DOMAIN,
    CatalogError,
    catalog_path,
    lookup,
    read_catalog,
    ui_catalog_file,
)
from policykit.i18n.checks import check_translation
from policykit.i18n.strings import TEMPLATE_STRINGS
from policykit.i18n.values import normalize_locale
from policykit.model import Policy

__all__ = ["CatalogTranslator", "SourceTemplates", "source_templates", "translator_for"]


class CatalogTranslator(Translator):
    """The policy's translations into `locale`, from the catalogues under `locales`: the
    policy's own strings from policy.po, the template strings from the project's
    policykit.po, else the package's (ui_catalog_file). Without `locales`, only the package's.

    A string fuzzy or missing (PK505, PK506: warnings) or whose translation fails the
    translator checks (errors) is shown in the source language and recorded in `findings`.
    Raises CatalogError naming the file when a catalogue is missing or cannot be read."""

    def __init__(self, locale: str, locales: Path | None, *, strict: bool = False) -> None:
        self.locale = locale
        self.strict = strict
        self.findings: list[Finding] = []
        self._done: dict[tuple[Path | None, str, str], str] = {}
        self._fingerprint = hashlib.sha256()
        self.policy_file = catalog_path(locales, locale, POLICY_DOMAIN) if locales is not None else None
        self.ui_file = ui_catalog_file(locales, locale)
        self.policy_catalog = self._read(self.policy_file)
        self.ui_catalog = self._read(self.ui_file)
        if self.policy_file is not None and self.policy_catalog is None:
            raise CatalogError(self.policy_file, f"no catalogue of the policy for locale {locale!r}")
        if self.policy_catalog is None and self.ui_catalog is None:
            raise CatalogError(PACKAGE_CATALOGS, f"no catalogue for locale {locale!r}")

    def _read(self, file: Path | None) -> Catalog | None:
        if file is None or not file.is_file():
            return None
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CatalogError(file, f"cannot be read: {error.strerror or error}") from None
        catalog = read_catalog(file)
        self._fingerprint.update(file.name.encode() + b"\0" + data)
        return catalog

    @property
    def fingerprint(self) -> bytes:
        return self._fingerprint.digest()

    def _lookup(self, catalog: Catalog | None, file: Path | None, context: str, text: str) -> str:
        key = (file, context, text)
        if key in self._done:  # a string shown twice (a shared purpose) is translated and reported once
            return self._done[key]
        self._done[key] = result = self._translate(catalog, file, context, text)
        return result

    def _translate(self, catalog: Catalog | None, file: Path | None, context: str, text: str) -> str:
        severity = Severity.WARNING  # PK505 and PK506 are warnings everywhere; strict callers refuse them
        where = str(file) if file is not None else f"<no {POLICY_DOMAIN}.po for {self.locale}>"
        state, message = lookup(catalog, context, text)
        if message is None or state != "translated":
            state = "fuzzy" if state == "fuzzy" else "not translated"
            line = message.lineno if message is not None and message.lineno else 0
            code = "PK505" if state == "fuzzy" else "PK506"
            self.findings.append(
                Finding(code, severity, f"{state}; the source text is shown", where, line, 1 if line else 0, context)
            )
            return text
        translation = str(message.string)
        problems = check_translation(text, translation)
        if problems:
            for code, problem in problems:
                self.findings.append(
                    Finding(
                        code,
                        Severity.ERROR,
                        f"{problem}; the source text is shown instead",
                        where,
                        message.lineno or 0,
                        1,
                        context,
                    )
                )
            return text
        return translation

    def policy_text(self, context: str, text: str) -> str:
        return self._lookup(self.policy_catalog, self.policy_file, context, text)

    def template_text(self, key: str) -> str:
        """The template string `key` from policykit's catalogue of the locale; the English one
        (recorded in `findings`) when it is missing, fuzzy or unsafe."""
        return self._lookup(self.ui_catalog, self.ui_file, key, TEMPLATE_STRINGS[key])


def translator_for(
    policy: Policy, locale: str | None, *, locales: Path | None = None, strict: bool = False
) -> CatalogTranslator | None:
    """The translations of `policy` into `locale`: None for the policy's own language.

    The catalogues are `locales`, else the locales folder of the project the policy was
    loaded from. Raises CatalogError naming the file when there is none or it cannot be
    read; never falls back to the source language in silence.
    """
    if locale is None or normalize_locale(locale) == normalize_locale(str(policy.meta.language)):
        return None
    locale = normalize_locale(locale)
    if locales is None:
        if policy.origin is None:
            raise CatalogError(
                f"<policy>/locales/{locale}/LC_MESSAGES/{POLICY_DOMAIN}.po",
                "a policy that was not loaded from a file has no project to find catalogues in; pass locales=",
            )
        from policykit.project import project_for_policy

        locales = project_for_policy(Path(policy.origin)).locales
    return CatalogTranslator(locale, locales, strict=strict)


class SourceTemplates(Translator):
    """The policy's own language when it is not English: its text as written, the
    template strings (headings, table labels, clauses) from the package's catalogue of
    that language. A string the catalogue lacks, or translates unsafely, stays English."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self._catalog = read_catalog(file)
        self._fingerprint = hashlib.sha256(file.name.encode() + b"\0" + file.read_bytes()).digest()

    @property
    def fingerprint(self) -> bytes:
        return self._fingerprint

    def template_text(self, key: str) -> str:
        """The template string `key` from the package's catalogue of the language; English when
        it lacks it or translates it unsafely."""
        source = TEMPLATE_STRINGS[key]
        state, message = lookup(self._catalog, key, source)
        if message is None or state != "translated" or check_translation(source, str(message.string)):
            return source
        return str(message.string)


def source_templates(locale: str) -> SourceTemplates | None:
    """The package's template strings in `locale`, for a policy written in it; None for
    English or a language the package has no catalogue of."""
    file = catalog_path(PACKAGE_CATALOGS, normalize_locale(locale), UI_DOMAIN)
    if normalize_locale(locale).split("_")[0] == "en" or not file.is_file():
        return None
    try:
        return SourceTemplates(file)
    except (OSError, CatalogError):
        return None
