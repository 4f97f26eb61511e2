"""`policykit i18n`: extract, update, stats, check and compile gettext catalogues.

In: a policy and its locales folder. Out: .pot, .po and .mo files written atomically,
counts, and translator findings.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from policykit import __version__
from policykit.cli.common import EXIT_FINDINGS, FORMATS, CannotUse, Unusable, load_policy_with_source
from policykit.findings import Finding, format_json, format_sarif, format_text

__all__ = ["i18n"]


@click.group()
def i18n() -> None:
    """Translations: extract, update, compile, stats and check gettext catalogues.

    The policy's strings live in LOCALES/<locale>/LC_MESSAGES/policy.po (LOCALES is
    the locales/ folder that belongs to the policy, or --locales). The template
    strings ("Name", "Lifetime"...) live in the package's own catalogues (--ui).
    """


def _locales_option(function: Any) -> Any:
    return click.option(
        "--locales",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The catalogues folder (default: the locales/ folder that belongs to the policy).",
    )(function)


def _policy_argument(function: Any) -> Any:
    return click.argument("path", required=False, type=click.Path(path_type=str))(function)


def _resolve(path: str | None, locales: Path | None) -> tuple[str, Path]:
    from policykit.resources import default_policy, locales_for

    policy_path = path or str(default_policy())
    return policy_path, locales or locales_for(Path(policy_path))


def _catalog_finding(error: Any) -> Finding:
    from policykit.findings import Severity

    return Finding("PK510", Severity.ERROR, error.message, str(error.path), error.line, 1 if error.line else 0)


@i18n.command()
@_policy_argument
@_locales_option
@click.option("--ui", is_flag=True, help="The package's template strings instead of the policy's.")
def extract(path: str | None, locales: Path | None, ui: bool) -> None:
    """Write the .pot of every translatable string (LOCALES/policy.pot)."""
    from policykit.i18n import catalogs

    if ui:
        target = catalogs.PACKAGE_CATALOGS / f"{catalogs.UI_DOMAIN}.pot"
        catalogs.write_catalog(target, catalogs.ui_template())
    else:
        policy_path, folder = _resolve(path, locales)
        policy, source = load_policy_with_source(policy_path)
        target = folder / f"{catalogs.POLICY_DOMAIN}.pot"
        reference = os.path.relpath(policy_path, folder)
        catalogs.write_catalog(target, catalogs.policy_template(policy, source, reference))
    click.echo(f"wrote {target}", err=True)


@i18n.command()
@_policy_argument
@_locales_option
@click.option("--ui", is_flag=True, help="The package's template strings instead of the policy's.")
@click.option("--locale", "new_locales", multiple=True, help="Also start a catalogue for this locale.")
def update(path: str | None, locales: Path | None, ui: bool, new_locales: tuple[str, ...]) -> None:
    """Merge the .pot into every locale: changed strings become fuzzy, none is lost."""
    from policykit.i18n import catalogs

    folder = catalogs.PACKAGE_CATALOGS if ui else _resolve(path, locales)[1]
    domain = catalogs.UI_DOMAIN if ui else catalogs.POLICY_DOMAIN
    template_file = folder / f"{domain}.pot"
    try:
        template = catalogs.read_catalog(template_file)
    except catalogs.CatalogError as error:
        raise CannotUse(f"{error}; run `policykit i18n extract` first") from None
    for locale in sorted(set(catalogs.locales_in(folder, domain)) | {n.replace("-", "_") for n in new_locales}):
        target = catalogs.catalog_path(folder, locale, domain)
        try:
            existing = catalogs.read_catalog(target) if target.is_file() else None
        except catalogs.CatalogError as error:
            raise Unusable([_catalog_finding(error)]) from None
        merged = catalogs.merge(template, existing, locale)
        catalogs.write_catalog(target, merged)
        counts = catalogs.stats(merged)
        click.echo(
            f"{target}: {counts.translated} translated, {counts.fuzzy} fuzzy, {counts.untranslated} untranslated",
            err=True,
        )


def _catalog_files(path: str | None, locales: Path | None) -> list[tuple[str, Path]]:
    """(locale, .po file) for the policy's catalogues and the package's, by locale."""
    from policykit.i18n import catalogs

    folder = _resolve(path, locales)[1]
    if not catalogs.locales_in(folder, catalogs.POLICY_DOMAIN):
        raise CannotUse(f"{folder}: no catalogue of the policy (<locale>/LC_MESSAGES/policy.po) here")
    found = [(loc, catalogs.catalog_path(folder, loc, catalogs.POLICY_DOMAIN))
             for loc in catalogs.locales_in(folder, catalogs.POLICY_DOMAIN)]  # fmt: skip
    found += [(loc, catalogs.catalog_path(catalogs.PACKAGE_CATALOGS, loc, catalogs.UI_DOMAIN))
              for loc in catalogs.locales_in(catalogs.PACKAGE_CATALOGS, catalogs.UI_DOMAIN)]  # fmt: skip
    return sorted(found)


@i18n.command()
@_policy_argument
@_locales_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stats(path: str | None, locales: Path | None, output_format: str) -> None:
    """Per-locale counts: translated, fuzzy, untranslated (both domains)."""
    from policykit.i18n import catalogs

    totals: dict[str, dict[str, Any]] = {}
    for locale, file in _catalog_files(path, locales):
        try:
            counts = catalogs.stats(catalogs.read_catalog(file))
        except catalogs.CatalogError as error:
            raise Unusable([_catalog_finding(error)]) from None
        entry = totals.setdefault(locale, {"translated": 0, "fuzzy": 0, "untranslated": 0, "domains": {}})
        for key in ("translated", "fuzzy", "untranslated"):
            entry[key] += getattr(counts, key)
        entry["domains"][file.stem] = {
            "translated": counts.translated,
            "fuzzy": counts.fuzzy,
            "untranslated": counts.untranslated,
            "file": str(file),
        }
    if output_format == "json":
        click.echo(json.dumps(totals, indent=2, ensure_ascii=False))
        return
    for locale, entry in totals.items():
        total = entry["translated"] + entry["fuzzy"] + entry["untranslated"]
        click.echo(
            f"{locale:<6} {entry['translated']:>4}/{total} translated, {entry['fuzzy']} fuzzy, "
            f"{entry['untranslated']} untranslated"
        )


@i18n.command(name="check")
@_policy_argument
@_locales_option
@click.option("--strict", is_flag=True, help="Fuzzy and untranslated entries are errors (release builds).")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
def check_translations(path: str | None, locales: Path | None, strict: bool, output_format: str) -> None:
    """Report translator errors as findings, with the .po file and line."""
    from policykit.findings import exit_code, sort_findings
    from policykit.i18n.checks import TRANSLATION_CHECKS, check_file

    findings = []
    for locale, file in _catalog_files(path, locales):
        findings += check_file(file, locale, strict=strict)
    findings = sort_findings(findings)
    if output_format == "sarif":
        click.echo(format_sarif(findings, list(TRANSLATION_CHECKS), __version__), nl=False)
    elif output_format == "json":
        click.echo(format_json(findings), nl=False)
    else:
        click.echo(format_text(findings), nl=False)
    code = exit_code(findings)
    if code:
        raise click.exceptions.Exit(code)


@i18n.command()
@_policy_argument
@_locales_option
@click.option("--strict", is_flag=True, help="Refuse fuzzy and untranslated entries (release builds).")
def compile(path: str | None, locales: Path | None, strict: bool) -> None:
    """Write a .mo beside each .po. Refuses any translator error, and with --strict any gap."""
    from policykit.findings import exit_code
    from policykit.i18n import catalogs
    from policykit.i18n.checks import check_file

    files = _catalog_files(path, locales)
    findings = [finding for locale, file in files for finding in check_file(file, locale, strict=strict)]
    if exit_code(findings):
        click.echo(format_text(findings), nl=False, err=True)
        click.echo("nothing compiled", err=True)
        raise click.exceptions.Exit(EXIT_FINDINGS)
    for _, file in files:
        catalogs.write_mo_file(file.with_suffix(".mo"), catalogs.read_catalog(file))
        click.echo(f"wrote {file.with_suffix('.mo')}", err=True)
