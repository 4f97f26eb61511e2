"""`policykit i18n`: extract, update, stats, check and compile gettext catalogues.

In: the project's policy and its locales folder (or PATH and --locales). Out: .pot,
.po and .mo files written atomically inside the project, counts, and translator
findings. The policy is the source of truth: `update` re-reads it every time, and
`stats` and `check` count against it, as `build` does.

The template strings of a locale come from the project's own
LOCALES/<locale>/LC_MESSAGES/policykit.po if it has one, else from the package's
(catalogs.ui_catalog_file, as render and build read them); `update` starts the
project's for a locale the package has none for.

Nothing is ever written inside the installed package: commands that write refuse the
bundled example, and --ui (the package's own template strings) works only in a
source checkout of policykit.

One module because the five commands are one workflow on one set of catalogues (extract,
update, stats, check, compile), sharing how the project, the locales and the writing
guard are found.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
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
    "Lifetime"...) live in LOCALES/<locale>/LC_MESSAGES/policykit.po for a locale the
    package has no catalogue of (`update` starts it), else in the package's own
    catalogues (--ui, in a policykit checkout).
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


def _policy_template(policy: Policy, source: Source, root: Path, folder: Path) -> tuple[Catalog, str]:
    """The policy's .pot, its `#:` references relative to the project's root, and the
    X-Poedit-Basepath a catalogue in `folder` needs to reach that root."""
    from policykit.i18n import catalogs

    reference = Path(os.path.relpath(source.file, root)).as_posix()
    return catalogs.policy_template(policy, source, reference), _basepath(root, folder)


def _basepath(root: Path, folder: Path) -> str:
    """The project's root as seen from `folder` (Poedit resolves references from there)."""
    return Path(os.path.relpath(os.path.abspath(root), os.path.abspath(folder))).as_posix()


@contextlib.contextmanager
def _writing(folder: Path) -> Iterator[None]:
    """A catalogues folder that cannot be written (no permission, read-only, a full disk)
    is unusable output, said with the file: not a bug, and not "standard output"."""
    try:
        yield
    except OSError as error:
        raise CannotUse(f"{error.filename or folder}: cannot write: {error.strerror or error}") from None


@i18n.command()
@_options
@click.option("--ui", is_flag=True, help="The package's template strings instead of the policy's (checkout only).")
def extract(path: str | None, locales: Path | None, quiet: bool, ui: bool) -> None:
    """Write the .pot of every translatable string (LOCALES/policy.pot)."""
    from policykit.i18n import catalogs
    from policykit.i18n.transaction import replace_all

    extra: dict[Path, bytes] = {}
    if ui:
        from policykit.i18n.purposes import CATALOGUE_DOMAIN, catalogue_template

        folder = _ui_folder()
        target = folder / f"{catalogs.UI_DOMAIN}.pot"
        content = catalogs.catalog_bytes(catalogs.ui_template())
        extra[folder / f"{CATALOGUE_DOMAIN}.pot"] = catalogs.catalog_bytes(catalogue_template())
    else:
        project = find_policy(path, quiet=quiet, writes=True)
        policy, source = load_policy_with_source(str(project.policy))
        folder = locales or project.locales
        template, basepath = _policy_template(policy, source, project.root, folder)
        target = folder / f"{catalogs.POLICY_DOMAIN}.pot"
        content = catalogs.catalog_bytes(template, basepath=basepath)
    with _writing(folder):
        replace_all(folder, {target: content, **extra})
    for written in (target, *extra):
        click.echo(f"wrote {written}", err=True)


@i18n.command()
@_options
@click.option("--ui", is_flag=True, help="The package's template strings instead of the policy's (checkout only).")
@click.option("--locale", "new_locales", multiple=True, help="Also start a catalogue for this locale.")
@click.option(
    "--compendium",
    "compendia",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A .po file whose translations fill strings no catalogue has yet, as msgmerge's compendium (repeatable).",
)
def update(
    path: str | None,
    locales: Path | None,
    quiet: bool,
    ui: bool,
    new_locales: tuple[str, ...],
    compendia: tuple[Path, ...],
) -> None:
    """Re-read the policy, rewrite the .pot, and merge it into every locale as msgmerge
    does: unchanged strings stay, changed ones become fuzzy, none is lost. A locale the
    package has no template strings for gets the project's own policykit.po too.

    All or nothing: every catalogue is read first, and if one cannot be, nothing is
    written (exit 2); then all files are replaced as one set."""
    from policykit.errors import CatalogError, UnknownLocaleError
    from policykit.i18n import catalogs
    from policykit.i18n.compendium import fill_from, read_compendia
    from policykit.i18n.transaction import recover, replace_all
    from policykit.i18n.values import normalize_locale

    basepath: str | None = None
    root = Path(".")
    if ui:
        folder, domain = _ui_folder(), catalogs.UI_DOMAIN
        template, wanted = catalogs.ui_template(), catalogs.ui_strings()
    else:
        project = find_policy(path, quiet=quiet, writes=True)
        policy, source = load_policy_with_source(str(project.policy))
        folder, domain = locales or project.locales, catalogs.POLICY_DOMAIN
        root = project.root
        template, basepath = _policy_template(policy, source, root, folder)
        wanted = catalogs.policy_strings(policy)
    with _writing(folder):
        recover(folder)
    try:
        added = {normalize_locale(name) for name in new_locales}
    except UnknownLocaleError as error:
        raise click.BadParameter(str(error), param_hint="--locale") from None
    targets = []
    for locale in sorted(set(_locales_in(folder, domain)) | added):
        targets.append((catalogs.catalog_path(folder, locale, domain), locale, template, wanted))
    if not ui:
        ui_template, ui_wanted = catalogs.ui_template(), catalogs.ui_strings()
        source_locale = normalize_locale(str(policy.meta.language))
        for locale in sorted(set(_ui_locales(folder)) | added):
            target = catalogs.ui_catalog_file(folder, locale)
            if target.parent.parent.parent == folder and (target.is_file() or locale != source_locale):
                targets.append((target, locale, ui_template, ui_wanted))
    # The vendor catalogue's purposes: --ui merges the package's own translations of them;
    # a policy's update reuses them for purposes taken word for word from the catalogue.
    from policykit.i18n import purposes

    package_purposes: tuple[Catalog, ...] = ()
    purpose_template = purposes.catalogue_template() if ui else None
    if purpose_template is not None:
        for locale in sorted(set(_locales_in(folder, domain)) | added):
            target = catalogs.catalog_path(folder, locale, purposes.CATALOGUE_DOMAIN)
            targets.append((target, locale, purpose_template, purposes.catalogue_strings()))
    else:
        package_purposes = purposes.package_compendia()
    existing: dict[Path, Catalog | None] = {}
    broken: list[Finding] = []
    for target, *_ in targets:  # every catalogue first: one that cannot be read stops them all
        try:
            existing[target] = catalogs.read_catalog(target) if target.is_file() else None
        except CatalogError as error:
            broken.append(_catalog_finding(error))
    memory = read_compendia(compendia)
    if broken or memory.findings:
        click.echo(format_text([*broken, *memory.findings]), nl=False, err=True)
        click.echo(f"nothing written: {len(broken) + len(memory.findings)} catalogue(s) cannot be read", err=True)
        raise click.exceptions.Exit(2)
    files = {folder / f"{domain}.pot": catalogs.catalog_bytes(template, basepath=basepath)}
    if purpose_template is not None:
        files[folder / f"{purposes.CATALOGUE_DOMAIN}.pot"] = catalogs.catalog_bytes(purpose_template)
    lines = []
    for target, locale, source_template, source_wanted in targets:
        merged = catalogs.merge(source_template, existing[target], locale)
        reused = fill_from(merged, memory.catalogs, locale)
        if source_template is template:
            reused += fill_from(merged, package_purposes, locale)
        own_base = _basepath(root, target.parent) if basepath is not None and source_template is template else None
        files[target] = catalogs.catalog_bytes(merged, basepath=own_base)
        counts = catalogs.stats(merged, source_wanted)
        lines.append(
            f"{target}: {counts.translated} translated, {counts.fuzzy} fuzzy, {counts.untranslated} untranslated"
            + (f", {reused} from the compendium" if reused else "")
        )
    with _writing(folder):
        replace_all(folder, files)
    for line in lines:
        click.echo(line, err=True)


def _locales_in(folder: Path, domain: str) -> list[str]:
    """catalogs.locales_in, a folder named by no locale being unusable input (exit 2)."""
    from policykit.errors import UnknownLocaleError
    from policykit.i18n import catalogs

    try:
        return catalogs.locales_in(folder, domain)
    except UnknownLocaleError as error:
        raise CannotUse(str(error)) from None


def _ui_locales(folder: Path) -> list[str]:
    """The project's locales: those with a catalogue of the policy or of the template strings."""
    from policykit.i18n import catalogs

    return sorted(set(_locales_in(folder, catalogs.POLICY_DOMAIN)) | set(_locales_in(folder, catalogs.UI_DOMAIN)))


def _catalog_files(folder: Path, source_locale: str) -> list[tuple[str, str, Path]]:
    """(locale, domain, .po file) for each of the project's locales: the policy's
    catalogue, and the template strings' file that render and build read (the project's,
    else the package's; a file that does not exist when there is neither, so that its
    strings count as untranslated). The policy's own language needs no template strings."""
    from policykit.i18n import catalogs
    from policykit.i18n.values import normalize_locale

    if not _locales_in(folder, catalogs.POLICY_DOMAIN):
        raise CannotUse(f"{folder}: no catalogue of the policy (<locale>/LC_MESSAGES/policy.po) here")
    found = [
        (loc, catalogs.POLICY_DOMAIN, catalogs.catalog_path(folder, loc, catalogs.POLICY_DOMAIN))
        for loc in _locales_in(folder, catalogs.POLICY_DOMAIN)
    ]
    for locale in _ui_locales(folder):
        file = catalogs.ui_catalog_file(folder, locale)
        if file.is_file() or normalize_locale(locale) != normalize_locale(source_locale):
            found.append((locale, catalogs.UI_DOMAIN, file))
    return sorted(found)


@i18n.command()
@_options
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "html"]), default="text", show_default=True,
    help="html: a page for translators listing each missing, fuzzy or out-of-date string with its English text.",
)  # fmt: skip
def stats(path: str | None, locales: Path | None, quiet: bool, output_format: str) -> None:
    """Per-locale counts of the policy's strings and the template strings: translated,
    fuzzy, untranslated. Counted against the policy, as `build` does."""
    from policykit.i18n import catalogs

    project = find_policy(path, quiet=quiet)
    policy, _ = load_policy_with_source(str(project.policy))
    wanted = {catalogs.POLICY_DOMAIN: catalogs.policy_strings(policy), catalogs.UI_DOMAIN: catalogs.ui_strings()}
    totals: dict[str, dict[str, Any]] = {}
    if output_format == "html":
        click.echo(_status_page(policy, locales or project.locales, wanted), nl=False)
        return
    for locale, domain, file in _catalog_files(locales or project.locales, str(policy.meta.language)):
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


def _status_page(policy: Policy, folder: Path, wanted: dict[str, list[tuple[str | None, str]]]) -> str:
    from babel import Locale

    from policykit.i18n.status import StatusRow, status_page, status_rows

    by_locale: dict[str, tuple[list[StatusRow], int]] = {}
    for locale, domain, file in _catalog_files(folder, str(policy.meta.language)):
        rows, total = by_locale.setdefault(locale, ([], 0))
        rows += status_rows(_read(file), wanted[domain], str(file))
        by_locale[locale] = (rows, total + len(dict.fromkeys(wanted[domain])))
    pages = [(loc, Locale.parse(loc).get_display_name("en") or loc, rows, total)
             for loc, (rows, total) in by_locale.items()]  # fmt: skip
    return status_page(policy.meta.title, pages)


def _translation_findings(project_path: str | None, locales: Path | None, quiet: bool, strict: bool) -> list[Finding]:
    """Every translator error of every catalogue, every string of the policy that a
    catalogue (or the .pot) has not seen, and every template string that the locale's
    template-strings catalogue lacks (all of them when there is none)."""
    from policykit.errors import CatalogError
    from policykit.i18n import catalogs
    from policykit.i18n.checks import check_against_policy, check_catalog

    project = find_policy(project_path, quiet=quiet)
    policy, source = load_policy_with_source(str(project.policy))
    folder = locales or project.locales
    findings: list[Finding] = []
    if locales is None and not _locales_in(folder, catalogs.POLICY_DOMAIN):
        # A project not translated yet (the pre-commit hook runs in every project): a note, even
        # with --quiet, and no error.
        click.echo(f"policykit: no catalogue in {folder} yet, nothing to check; "
                   "`policykit i18n update --locale nl` starts one", err=True)  # fmt: skip
        return findings
    for locale, domain, file in _catalog_files(folder, str(policy.meta.language)):
        if domain == catalogs.UI_DOMAIN and not file.is_file():
            findings += _missing_template_strings(None, file, strict)
            continue
        try:
            catalog = catalogs.read_catalog(file)
        except CatalogError as error:  # one finding, and go on with the others
            findings.append(_catalog_finding(error))
            continue
        findings += check_catalog(catalog, file, locale, strict=strict)
        if domain == catalogs.POLICY_DOMAIN:
            findings += check_against_policy(catalog, file, policy, source, strict=strict)
        else:
            findings += _missing_template_strings(catalog, file, strict)
    pot = folder / f"{catalogs.POLICY_DOMAIN}.pot"
    findings += check_against_policy(_read(pot), pot, policy, source, strict=strict)
    return findings


def _missing_template_strings(catalog: Catalog | None, file: Path, strict: bool) -> list[Finding]:
    """PK506 for each template string `catalog` does not hold at all, as render and
    build report it: the source text would be shown."""
    from policykit.findings import Severity
    from policykit.i18n import catalogs

    severity = Severity.WARNING  # as render and build report it; --strict refuses it
    where = "the file does not exist" if catalog is None else f"not in {file}"
    return [
        Finding("PK506", severity, f"not translated ({where}); run `policykit i18n update`", str(file), 0, 0, key or "")
        for key, text in catalogs.ui_strings()
        if catalog is None or catalog.get(text, context=key) is None
    ]


@i18n.command(name="check")
@_options
@click.option("--strict", is_flag=True, help="Fuzzy, untranslated and missing entries are errors (release builds).")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
def check_translations(path: str | None, locales: Path | None, quiet: bool, strict: bool, output_format: str) -> None:
    """Report translator errors and stale catalogues as findings, with file and line."""
    from policykit.findings import sort_findings
    from policykit.i18n.checks import TRANSLATION_CHECKS

    findings = sort_findings(_translation_findings(path, locales, quiet, strict))
    if output_format == "sarif":
        click.echo(format_sarif(findings, list(TRANSLATION_CHECKS), __version__), nl=False)
    elif output_format == "json":
        click.echo(format_json(findings), nl=False)
    else:
        click.echo(format_text(findings), nl=False)
    from policykit.i18n.checks import failing

    if failing(findings, strict):
        raise click.exceptions.Exit(EXIT_FINDINGS)


@i18n.command()
@_options
@click.option("--strict", is_flag=True, help="Refuse fuzzy, untranslated and missing entries (release builds).")
def compile(path: str | None, locales: Path | None, quiet: bool, strict: bool) -> None:
    """Write a .mo beside each of the project's .po files. Refuses any translator error,
    and with --strict any gap."""
    from policykit.i18n import catalogs

    project = find_policy(path, quiet=quiet, writes=True)
    folder = locales or project.locales
    from policykit.i18n.transaction import recover, replace_all

    with _writing(folder):
        recover(folder)
    findings = _translation_findings(path, locales, True, strict)
    from policykit.i18n.checks import failing

    if failing(findings, strict):
        click.echo(format_text(findings), nl=False, err=True)
        click.echo("nothing compiled", err=True)
        raise click.exceptions.Exit(EXIT_FINDINGS)
    files: dict[Path, bytes] = {}
    for domain in (catalogs.POLICY_DOMAIN, catalogs.UI_DOMAIN):
        for locale in _locales_in(folder, domain):  # the project's own files, never the package's
            file = catalogs.catalog_path(folder, locale, domain)
            files[file.with_suffix(".mo")] = catalogs.mo_bytes(catalogs.read_catalog(file))
    with _writing(folder):
        replace_all(folder, files)  # every .mo, or none
    for file in files:
        click.echo(f"wrote {file}", err=True)
