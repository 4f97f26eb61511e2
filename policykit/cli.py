"""The command line: a thin layer over the library.

In: argv. Out: text on stdout/stderr, files written atomically, and an exit code:
0 ok, 1 findings that are errors, 2 unusable input or usage.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from policykit import __version__
from policykit.findings import Finding, format_json, format_sarif, format_text

if TYPE_CHECKING:
    from policykit.document import Translator
    from policykit.model import Policy
    from policykit.source import Source

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


class Unusable(click.ClickException):
    """The input cannot be used: print its findings, exit 2."""

    exit_code = EXIT_UNUSABLE

    def __init__(self, findings: Sequence[Finding], output_format: str = "text") -> None:
        super().__init__("unusable input")
        self.findings = list(findings)
        self.output_format = output_format

    def show(self, file: object = None) -> None:
        if self.output_format == "text":
            click.echo(format_text(self.findings), nl=False, err=True)
        else:
            click.echo(_format(self.findings, self.output_format), nl=False)


class CannotUse(click.ClickException):
    """Input that cannot be used, said in one line (a glyph no font has, a missing
    catalogue): exit 2."""

    exit_code = EXIT_UNUSABLE


def _format(findings: Sequence[Finding], output_format: str) -> str:
    if output_format == "json":
        return format_json(findings)
    if output_format == "sarif":
        return format_sarif(findings, [], __version__)
    return format_text(findings)


def _load_with_source(path: str, output_format: str = "text") -> tuple[Policy, Source]:
    from policykit.load import LoadError, load_with_source

    try:
        return load_with_source(path)
    except LoadError as error:
        raise Unusable(error.findings, output_format) from None


def _load(path: str, output_format: str = "text") -> Policy:
    return _load_with_source(path, output_format)[0]


def _write(path: Path, content: str | bytes) -> None:
    from policykit.atomic import write_atomic

    try:
        write_atomic(path, content)
    except OSError as error:
        raise CannotUse(f"{path}: cannot write: {error.strerror or error}") from None


FORMATS = click.Choice(["text", "json", "sarif"])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policykit")
def cli() -> None:
    """Keep a website's cookie policy as data: check it, render it, export it."""


def _codes(values: Sequence[str]) -> list[str]:
    """`--ignore PK103,PK2 --ignore PK301` -> ['PK103', 'PK2', 'PK301']."""
    return [code for value in values for code in value.replace(" ", ",").split(",") if code]


@cli.command()
@click.argument("path", type=click.Path(dir_okay=True, path_type=str))
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@click.option(
    "--profile",
    type=click.Choice(["gdpr", "cnil"]),
    default="gdpr",
    show_default=True,
    help="cnil adds the CNIL's stricter limits.",
)
@click.option("--select", multiple=True, help="Run only these rules (codes or prefixes, comma-separated).")
@click.option("--ignore", multiple=True, help="Skip these rules (codes or prefixes, comma-separated).")
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The date to judge 'in the future' against (default: today).",
)
def check(
    path: str,
    output_format: str,
    profile: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    today: dt.datetime | None,
) -> None:
    """Load a policy file and report its problems.

    Exit 0 when there is no error (warnings allowed), 1 when there are errors, and 2
    when the file cannot be loaded.
    """
    from policykit.findings import exit_code
    from policykit.rules import UnknownRule, run_checks

    policy, source = _load_with_source(path, output_format)
    try:
        report = run_checks(
            policy,
            source,
            profile=profile,
            select=_codes(select) or None,
            ignore=_codes(ignore),
            today=today.date() if today else None,
        )
    except UnknownRule as error:
        raise click.UsageError(str(error)) from None
    silenced = [(finding, silence.reason) for finding, silence in report.silenced]
    if output_format == "json":
        click.echo(
            format_json(
                report.findings,
                silenced=[{**finding.to_dict(), "reason": reason} for finding, reason in silenced],
            ),
            nl=False,
        )
    elif output_format == "sarif":
        rules = [rule.info for rule in report.rules]
        click.echo(format_sarif(report.findings, rules, __version__, silenced), nl=False)
    else:
        click.echo(format_text(report.findings), nl=False)
        for finding, reason in silenced:
            severity = f" {finding.severity.value} {finding.code} "
            line = finding.to_text().replace(severity, f" silenced {finding.code} ", 1)
            click.echo(f"{line} [silenced: {reason}]")
        counts = {severity: 0 for severity in ("error", "warning", "info")}
        for finding in report.findings:
            counts[finding.severity.value] += 1
        summary = ", ".join(f"{n} {name}{'s' if n != 1 else ''}" for name, n in counts.items())
        click.echo(f"{path}: {summary}, {len(silenced)} silenced ({len(report.rules)} rules, {profile})", err=True)
    code = exit_code(report.findings)
    if code:
        raise click.exceptions.Exit(code)


@cli.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
def rules(output_format: str) -> None:
    """List every rule: code, severity, profiles, summary and the source it rests on."""
    from policykit.rules import RULES
    from policykit.rules.docs import rules_json, rules_markdown

    if output_format == "markdown":
        from policykit.i18n.checks import TRANSLATION_CHECKS

        click.echo(rules_markdown(RULES, TRANSLATION_CHECKS), nl=False)
    elif output_format == "json":
        click.echo(rules_json(RULES), nl=False)
    else:
        for rule in RULES:
            profiles = "" if len(rule.profiles) > 1 else f" [{', '.join(rule.profiles)} only]"
            click.echo(f"{rule.code}  {rule.severity.value:<7}  {rule.summary}{profiles}")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the policy file format."""
    from policykit.schema import policy_schema

    click.echo(json.dumps(policy_schema(), indent=2))


@cli.command()
@click.argument("path", type=click.Path(path_type=str))
def dump(path: str) -> None:
    """Print a policy file in its normal form (comments are not kept)."""
    from policykit.load import dump as dump_policy

    click.echo(dump_policy(_load(path)), nl=False)


def _render_or_fail(
    policy: Policy,
    output_format: str,
    locale: str | None = None,
    fragment: bool = False,
    templates: Path | None = None,
    pdf_variant: str | None = None,
    translator: Translator | None = None,
) -> str | bytes:
    """Render, turning a broken template or a missing glyph into a one-line error."""
    import jinja2

    from policykit.render import render as render_policy

    try:
        return render_policy(
            policy,
            output_format,
            locale.replace("-", "_") if locale else None,
            fragment=fragment,
            templates=templates,
            pdf_variant=pdf_variant,
            translator=translator,
        )
    except jinja2.TemplateError as error:
        where = f"{error.filename}:{error.lineno}: " if isinstance(error, jinja2.TemplateSyntaxError) else ""
        raise CannotUse(f"{where}template error: {error.message}") from None
    except (ValueError, LookupError) as error:
        raise click.UsageError(str(error)) from None
    except Exception as error:
        from policykit.render.pdf import MissingGlyphError

        if isinstance(error, MissingGlyphError):
            raise CannotUse(f"cannot render the PDF: {error}") from None
        raise


@cli.command()
@click.argument("path", type=click.Path(path_type=str))
@click.option("--format", "output_format", type=click.Choice(["html", "md", "pdf"]), default="html", show_default=True)
@click.option("--locale", default=None, help="The locale to render (default: the policy's language).")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
@click.option("--fragment", is_flag=True, help="HTML only: the policy alone, to embed in a page of your site.")
@click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A directory of templates that override policykit's (page.html.j2, fragment.html.j2).",
)
@click.option("--pdf-variant", type=click.Choice(["pdf/a-3b", "pdf/ua-1"]), default=None, help="PDF only.")
@click.option(
    "--locales",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The policy's catalogues (default: the locales/ folder that belongs to the policy).",
)
@click.option("--strict", is_flag=True, help="Refuse to render with a missing, fuzzy or broken translation.")
def render(
    path: str,
    output_format: str,
    locale: str | None,
    output: Path | None,
    fragment: bool,
    templates: Path | None,
    pdf_variant: str | None,
    locales: Path | None,
    strict: bool,
) -> None:
    """Render a policy as HTML, Markdown or PDF."""
    from policykit.syntax import is_language_tag

    if locale is not None and not is_language_tag(locale.replace("-", "_")):
        raise click.BadParameter(f"{locale!r} is not a locale such as 'en', 'nl' or 'pt-BR'", param_hint="--locale")
    policy = _load(path)
    if output is None and output_format == "pdf" and sys.stdout.isatty():
        raise click.UsageError("a PDF does not go to a terminal; give -o FILE")
    translator = _translator(policy, path, locale, locales, strict)
    content = _render_or_fail(
        policy,
        output_format,
        locale=locale,
        fragment=fragment,
        templates=templates,
        pdf_variant=pdf_variant,
        translator=translator,
    )
    if translator is not None and translator.findings:
        from policykit.findings import exit_code

        click.echo(format_text(translator.findings), nl=False, err=True)
        if strict and exit_code(translator.findings):
            click.echo(f"{path}: translation problems (--strict); nothing written", err=True)
            raise click.exceptions.Exit(EXIT_FINDINGS)
    if output is not None:
        _write(output, content)
    elif isinstance(content, bytes):
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        click.echo(content, nl=False)


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=str))
@click.option(
    "-o",
    "--out",
    "out_dir",
    default="site",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write into.",
)
def build(path: str | None, out_dir: Path) -> None:
    """Check a policy (the bundled one by default) and write its renders into a directory.

    Writes index.html, policy.md and policy.pdf in the policy's language, the same
    under <locale>/ for every translation in the policy's locales/ folder, and
    cookies.json. Nothing is written when the check finds an error, or when a
    translation is missing, fuzzy or broken.
    """
    from policykit.export import catalogue_json
    from policykit.findings import exit_code
    from policykit.resources import default_policy
    from policykit.rules import run_checks

    policy, source = _load_with_source(path or str(default_policy()))

    report = run_checks(policy, source)
    click.echo(format_text(report.findings), nl=False, err=True)
    if exit_code(report.findings):
        click.echo(f"{source.file}: errors found; nothing written", err=True)
        raise click.exceptions.Exit(EXIT_FINDINGS)
    from policykit.i18n import catalogs
    from policykit.i18n.translator import CatalogTranslator
    from policykit.resources import locales_for

    folder = locales_for(Path(source.file))
    translations = [locale for locale in catalogs.locales_in(folder, catalogs.POLICY_DOMAIN)
                    if locale != str(policy.meta.language)]  # fmt: skip
    outputs: dict[str, str | bytes] = {"cookies.json": catalogue_json(policy)}
    problems = []
    for locale in [None, *translations]:
        translator = None if locale is None else CatalogTranslator(locale, folder, strict=True)
        prefix = "" if locale is None else f"{locale}/"
        for name, output_format in (("index.html", "html"), ("policy.md", "md"), ("policy.pdf", "pdf")):
            outputs[prefix + name] = _render_or_fail(policy, output_format, locale=locale, translator=translator)
        problems += translator.findings if translator is not None else []
    if problems:
        # A published legal text is complete in every language, or not published.
        click.echo(format_text(problems), nl=False, err=True)
        click.echo(f"{source.file}: translation problems; nothing written", err=True)
        raise click.exceptions.Exit(EXIT_FINDINGS)
    for name, content in outputs.items():
        _write(out_dir / name, content)
    languages = ", ".join([str(policy.meta.language), *translations])
    click.echo(f"wrote {len(outputs)} files into {out_dir}/ ({languages})", err=True)


def _translator(policy: Policy, path: str, locale: str | None, locales: Path | None, strict: bool) -> Any:
    """The CatalogTranslator for `locale`, or None for the policy's own language."""
    from policykit.resources import locales_for

    if locale is None or locale.replace("-", "_") == str(policy.meta.language):
        return None
    from policykit.i18n.translator import CatalogTranslator, NoCatalog

    try:
        return CatalogTranslator(locale.replace("-", "_"), locales or locales_for(Path(path)), strict=strict)
    except NoCatalog as error:
        raise CannotUse(str(error)) from None


@cli.group()
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
        policy, source = _load_with_source(policy_path)
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code instead of exiting."""
    try:
        # Without standalone mode, click returns a command's Exit code instead of raising it.
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="policykit", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return EXIT_UNUSABLE
    return result if isinstance(result, int) else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
