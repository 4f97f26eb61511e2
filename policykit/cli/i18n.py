"""`policykit i18n`: extract, update, stats, check and compile gettext catalogues.

In: the project's policy and its locales folder (or PATH and --locales). Out: .pot,
.po and .mo files written atomically inside the project, counts, and translator
findings. The policy is the source of truth: `update` re-reads it every time, and
`stats` and `check` count against it, as `build` does.

Nothing is ever written inside the installed package: commands that write refuse the
bundled example, and --ui (the package's own template strings) works only in a
source checkout of policykit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from policykit import __version__
from policykit.cli.common import (
    EXIT_FINDINGS,
    FORMATS,
    CannotUse,
    Unusable,
    find_policy,
    load_policy_with_source,
    quiet_option,
)
from policykit.findings import Finding, format_json, format_sarif, format_text

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from policykit.errors import CatalogError
    from policykit.model import Policy
    from policykit.source import Source

__all__ = ["i18n"]


@click.group()
def i18n() -> None:
    """Translations: extract, update, compile, stats and check gettext catalogues.

    The policy's strings live in LOCALES/<locale>/LC_MESSAGES/policy.po, where LOCALES
    is the project's locales folder (or --locales). The template strings ("Name",
    "Lifetime"...) live in the package's own catalogues (--ui, in a policykit checkout).
    """


def _options(function: Any) -> Any:
    function = quiet_option(function)
    function = click.option(
        "--locales",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The catalogues folder (default: the project's locales folder).",
    )(function)
    return click.argument("path", required=False, type=click.Path(path_type=str))(function)


def _ui_folder() -> Path:
    """The package's own catalogues, writable only in a source checkout of policykit."""
    from policykit.i18n import catalogs

    checkout = catalogs.PACKAGE_CATALOGS.parents[2]
    if not (checkout / "pyproject.toml").is_file() or not (checkout / "locales").is_dir():
        raise CannotUse(
            f"{catalogs.PACKAGE_CATALOGS} belongs to the installed package, which policykit never changes; "
            "--ui is for a source checkout of policykit"
        )
    return catalogs.PACKAGE_CATALOGS


def _catalog_finding(error: CatalogError) -> Finding:
    from policykit.findings import Severity

    return Finding("PK510", Severity.ERROR, error.message, str(error.path), error.line, 1 if error.line else 0)


def _read(file: Path) -> Catalog | None:
    from policykit.errors import CatalogError
    from policykit.i18n import catalogs

    if not file.is_file():
        return None
    try:
        return catalogs.read_catalog(file)
    except CatalogError as error:
        raise Unusable([_catalog_finding(error)]) from None


def _write_template(policy: Policy, source: Source, folder: Path) -> Catalog:
    from policykit.i18n import catalogs

    target = folder / f"{catalogs.POLICY_DOMAIN}.pot"
    reference = Path(os.path.relpath(source.file, folder)).as_posix()
    template = catalogs.policy_template(policy, source, reference)
    catalogs.write_catalog(target, template)
    return template


@i18n.command()
@_options
@click.option("--ui", is_flag=True, help="The package's template strings instead of the policy's (checkout only).")
def extract(path: str | None, locales: Path | None, quiet: bool, ui: bool) -> None:
    """Write the .pot of every translatable string (LOCALES/policy.pot)."""
    from policykit.i18n import catalogs

    if ui:
        target = _ui_folder() / f"{catalogs.UI_DOMAIN}.pot"
        catalogs.write_catalog(target, catalogs.ui_template())
    else:
        project = find_policy(path, quiet=quiet, writes=True)
        policy, source = load_policy_with_source(str(project.policy))
        folder = locales or project.locales
        _write_template(policy, source, folder)
        target = folder / f"{catalogs.POLICY_DOMAIN}.pot"
    click.echo(f"wrote {target}", err=True)


@i18n.command()
@_options
@click.option("--ui", is_flag=True, help="The package's template strings instead of the policy's (checkout only).")
@click.option("--locale", "new_locales", multiple=True, help="Also start a catalogue for this locale.")
def update(path: str | None, locales: Path | None, quiet: bool, ui: bool, new_locales: tuple[str, ...]) -> None:
    """Re-read the policy, rewrite the .pot, and merge it into every locale as msgmerge
    does: unchanged strings stay, changed ones become fuzzy, none is lost."""
    from policykit.errors import UnknownLocaleError
    from policykit.i18n import catalogs
    from policykit.i18n.values import normalize_locale

    if ui:
        folder, domain = _ui_folder(), catalogs.UI_DOMAIN
        template, wanted = catalogs.ui_template(), catalogs.ui_strings()
        catalogs.write_catalog(folder / f"{domain}.pot", template)
    else:
        project = find_policy(path, quiet=quiet, writes=True)
        policy, source = load_policy_with_source(str(project.policy))
        folder, domain = locales or project.locales, catalogs.POLICY_DOMAIN
        template, wanted = _write_template(policy, source, folder), catalogs.policy_strings(policy)
    try:
        added = {normalize_locale(name) for name in new_locales}
    except UnknownLocaleError as error:
        raise click.BadParameter(str(error), param_hint="--locale") from None
    for locale in sorted(set(_locales_in(folder, domain)) | added):
        target = catalogs.catalog_path(folder, locale, domain)
        merged = catalogs.merge(template, _read(target), locale)
        catalogs.write_catalog(target, merged)
        counts = catalogs.stats(merged, wanted)
        click.echo(
            f"{target}: {counts.translated} translated, {counts.fuzzy} fuzzy, {counts.untranslated} untranslated",
            err=True,
        )


def _locales_in(folder: Path, domain: str) -> list[str]:
    """catalogs.locales_in, a folder named by no locale being unusable input (exit 2)."""
    from policykit.errors import UnknownLocaleError
    from policykit.i18n import catalogs

    try:
        return catalogs.locales_in(folder, domain)
    except UnknownLocaleError as error:
        raise CannotUse(str(error)) from None


def _catalog_files(folder: Path) -> list[tuple[str, str, Path]]:
    """(locale, domain, .po file) for the policy's catalogues and the package's, by locale."""
    from policykit.i18n import catalogs

    if not _locales_in(folder, catalogs.POLICY_DOMAIN):
        raise CannotUse(f"{folder}: no catalogue of the policy (<locale>/LC_MESSAGES/policy.po) here")
    found = []
    for domain, where in ((catalogs.POLICY_DOMAIN, folder), (catalogs.UI_DOMAIN, catalogs.PACKAGE_CATALOGS)):
        found += [(loc, domain, catalogs.catalog_path(where, loc, domain)) for loc in _locales_in(where, domain)]
    return sorted(found)


@i18n.command()
@_options
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stats(path: str | None, locales: Path | None, quiet: bool, output_format: str) -> None:
    """Per-locale counts of the policy's strings and the template strings: translated,
    fuzzy, untranslated. Counted against the policy, as `build` does."""
    from policykit.i18n import catalogs

    project = find_policy(path, quiet=quiet)
    policy, _ = load_policy_with_source(str(project.policy))
    wanted = {catalogs.POLICY_DOMAIN: catalogs.policy_strings(policy), catalogs.UI_DOMAIN: catalogs.ui_strings()}
    totals: dict[str, dict[str, Any]] = {}
    for locale, domain, file in _catalog_files(locales or project.locales):
        counts = catalogs.stats(_read(file), wanted[domain])
        entry = totals.setdefault(locale, {"translated": 0, "fuzzy": 0, "untranslated": 0, "domains": {}})
        for key in ("translated", "fuzzy", "untranslated"):
            entry[key] += getattr(counts, key)
        entry["domains"][domain] = {
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


def _translation_findings(project_path: str | None, locales: Path | None, quiet: bool, strict: bool) -> list[Finding]:
    """Every translator error of every catalogue, and every string of the policy that a
    catalogue (or the .pot) has not seen."""
    from policykit.errors import CatalogError
    from policykit.i18n import catalogs
    from policykit.i18n.checks import check_against_policy, check_catalog

    project = find_policy(project_path, quiet=quiet)
    policy, source = load_policy_with_source(str(project.policy))
    folder = locales or project.locales
    findings: list[Finding] = []
    for locale, domain, file in _catalog_files(folder):
        try:
            catalog = catalogs.read_catalog(file)
        except CatalogError as error:  # one finding, and go on with the others
            findings.append(_catalog_finding(error))
            continue
        findings += check_catalog(catalog, file, locale, strict=strict)
        if domain == catalogs.POLICY_DOMAIN:
            findings += check_against_policy(catalog, file, policy, source, strict=strict)
    pot = folder / f"{catalogs.POLICY_DOMAIN}.pot"
    findings += check_against_policy(_read(pot), pot, policy, source, strict=strict)
    return findings


@i18n.command(name="check")
@_options
@click.option("--strict", is_flag=True, help="Fuzzy, untranslated and missing entries are errors (release builds).")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
def check_translations(path: str | None, locales: Path | None, quiet: bool, strict: bool, output_format: str) -> None:
    """Report translator errors and stale catalogues as findings, with file and line."""
    from policykit.findings import exit_code, sort_findings
    from policykit.i18n.checks import TRANSLATION_CHECKS

    findings = sort_findings(_translation_findings(path, locales, quiet, strict))
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
@_options
@click.option("--strict", is_flag=True, help="Refuse fuzzy, untranslated and missing entries (release builds).")
def compile(path: str | None, locales: Path | None, quiet: bool, strict: bool) -> None:
    """Write a .mo beside each of the project's .po files. Refuses any translator error,
    and with --strict any gap."""
    from policykit.findings import exit_code
    from policykit.i18n import catalogs

    project = find_policy(path, quiet=quiet, writes=True)
    folder = locales or project.locales
    findings = _translation_findings(path, locales, True, strict)
    if exit_code(findings):
        click.echo(format_text(findings), nl=False, err=True)
        click.echo("nothing compiled", err=True)
        raise click.exceptions.Exit(EXIT_FINDINGS)
    for locale in _locales_in(folder, catalogs.POLICY_DOMAIN):
        file = catalogs.catalog_path(folder, locale, catalogs.POLICY_DOMAIN)
        catalogs.write_mo_file(file.with_suffix(".mo"), catalogs.read_catalog(file))
        click.echo(f"wrote {file.with_suffix('.mo')}", err=True)
