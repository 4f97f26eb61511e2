"""`policykit render`, `build`, `schema` and `dump`: the policy written out.

In: a policy file (given, or the project's, found from the current folder), a locale
and a format. Out: HTML, Markdown, PDF and JSON written atomically to a file or stdout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import click

from policykit.cli.common import (
    EXIT_FINDINGS,
    EXIT_UNUSABLE,
    CannotUse,
    find_policy,
    load_policy,
    load_policy_with_source,
    quiet_option,
    write_output,
)
from policykit.findings import Finding, excerpt, format_text

if TYPE_CHECKING:
    from rich.console import Console

    from policykit.document import Document, Translator
    from policykit.i18n.translator import CatalogTranslator
    from policykit.model import Policy
    from policykit.project import Project
    from policykit.source import Source

__all__ = ["build", "dump", "render", "schema"]


@click.command()
@click.option("--catalogue", is_flag=True, help="The schema of the cookies.json a build writes instead.")
def schema(catalogue: bool) -> None:
    """Print the JSON Schema of the policy file format (or of cookies.json)."""
    if catalogue:
        from policykit.exports.cookies_json import catalogue_schema

        click.echo(json.dumps(catalogue_schema(), indent=2, ensure_ascii=False))
        return
    from policykit.schema import policy_schema

    click.echo(json.dumps(policy_schema(), indent=2))


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=str))
@quiet_option
def dump(path: str | None, quiet: bool) -> None:
    """Print a policy file in its normal form (comments are not kept)."""
    from policykit.load import dump as dump_policy

    project = find_policy(path, quiet=quiet)
    click.echo(dump_policy(load_policy(str(project.policy))), nl=False)


def _localize_or_fail(policy: Policy, locale: str | None, translator: Translator | None) -> Document:
    from policykit.document import localize
    from policykit.errors import UnknownLocaleError

    try:
        return localize(policy, locale, translator)
    except UnknownLocaleError as error:
        raise click.BadParameter(str(error), param_hint="--locale") from None


def _render_or_fail(
    document: Document,
    output_format: str,
    fragment: bool = False,
    templates: Path | None = None,
    pdf_variant: str | None = None,
) -> str | bytes:
    """Render, turning a broken template or a missing glyph into a one-line error."""
    import jinja2

    from policykit.errors import RenderError
    from policykit.render import render_document

    try:
        return render_document(document, output_format, fragment=fragment, templates=templates, pdf_variant=pdf_variant)
    except jinja2.TemplateError as error:
        where = f"{error.filename}:{error.lineno}: " if isinstance(error, jinja2.TemplateSyntaxError) else ""
        raise CannotUse(f"{where}template error: {error.message}") from None
    except RenderError as error:
        raise CannotUse(f"cannot render the {output_format.upper()}: {error}") from None


def _translator(policy: Policy, locale: str | None, locales: Path | None, strict: bool) -> CatalogTranslator | None:
    """The translations into `locale`, or None for the policy's own language."""
    if locale is None:
        return None  # the policy's own language (translator_for says so without reading anything)
    from policykit.errors import CatalogError, UnknownLocaleError
    from policykit.i18n.translator import translator_for

    try:
        return translator_for(policy, locale, locales=locales, strict=strict)
    except UnknownLocaleError as error:
        raise click.BadParameter(str(error), param_hint="--locale") from None
    except CatalogError as error:
        raise CannotUse(str(error)) from None


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=str))
@click.option(
    "--format", "output_format", type=click.Choice(["html", "md", "pdf", "docx"]), default="html", show_default=True
)
@click.option("--locale", default=None, help="The locale to render (default: the policy's language).")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
@click.option("--fragment", is_flag=True, help="HTML only: the policy alone, to embed in a page of your site.")
@click.option(
    "--css",
    "inline_css",
    is_flag=True,
    help="With --fragment: put the fragment's stylesheet (scoped to its .policykit root) in a <style> before it.",
)
@click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A directory of templates that override policykit's (page.html.j2, fragment.html.j2).",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(["pdf/ua-1", "pdf/a-3b"]),
    default=None,
    help="PDF only (default: pdf/ua-1). Both are tagged for screen readers; WeasyPrint claims one standard per file.",
)
@click.option(
    "--locales",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The policy's catalogues (default: the locales folder of the policy's project).",
)
@click.option("--strict", is_flag=True, help="Refuse to render with a missing, fuzzy or broken translation.")
@quiet_option
def render(
    path: str | None,
    output_format: str,
    locale: str | None,
    output: Path | None,
    fragment: bool,
    inline_css: bool,
    templates: Path | None,
    pdf_variant: str | None,
    locales: Path | None,
    strict: bool,
    quiet: bool,
) -> None:
    """Render a policy (PATH, else the project's) as HTML, Markdown, PDF or DOCX (Word)."""
    if output is None and output_format in ("pdf", "docx") and sys.stdout.isatty():
        raise click.UsageError(f"a {output_format.upper()} file does not go to a terminal; give -o FILE")
    if inline_css and not (fragment and output_format == "html"):
        raise click.UsageError("--css applies to --fragment (HTML)")
    if output_format == "pdf":
        from policykit.render import pdf_missing

        missing = pdf_missing()
        if missing is not None:  # said before the policy is read and checked
            raise CannotUse(f"cannot render the PDF: {missing}")
    project = find_policy(path, quiet=quiet)
    policy = load_policy(str(project.policy))
    translator = _translator(policy, locale, locales or project.locales, strict)
    document = _localize_or_fail(policy, locale, translator)
    if translator is not None and translator.findings:
        click.echo(format_text(translator.findings), nl=False, err=True)
        if strict:
            click.echo(f"{translator.policy_file}: translation problems (--strict); nothing written", err=True)
            raise click.exceptions.Exit(EXIT_FINDINGS)
    content = _render_or_fail(document, output_format, fragment=fragment, templates=templates, pdf_variant=pdf_variant)
    if inline_css and isinstance(content, str):
        from policykit.render.html import stylesheet

        content = f"<style>\n{stylesheet('policy.css')}</style>\n{content}"
    if output is not None:
        write_output(output, content)
    else:
        # HTML and Markdown are UTF-8 files (the HTML says so in its <meta charset>): their
        # bytes go to stdout whatever encoding the terminal or PYTHONIOENCODING claims.
        sys.stdout.buffer.write(content if isinstance(content, bytes) else content.encode("utf-8"))
        sys.stdout.flush()


class _Progress:
    """A rich progress bar on stderr while outputs render; imported only for a terminal."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(
            TextColumn("building"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=_stderr_console(),
            transient=True,
        )
        self.task = self.bar.add_task("", total=None)

    def plan(self, total: int) -> None:
        self.bar.update(self.task, total=total)
        self.bar.start()

    def done(self, name: str, outcome: str) -> None:
        self.bar.update(self.task, advance=1, description=name)

    def stop(self) -> None:
        self.bar.stop()


def _stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=str))
@click.option(
    "-o",
    "--out",
    "out_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write into (default: the project's output folder, site/).",
)
@click.option("--locale", "chosen", multiple=True, help="Build only these locales (repeat the option).")
@click.option(
    "--strict", is_flag=True, help="A release build: any missing, fuzzy or broken translation writes nothing."
)
@click.option(
    "--stale",
    type=click.Choice(["keep", "source", "skip"]),
    default="keep",
    show_default=True,
    help="A locale whose translation is stale: keep the pages of the last complete build (with a notice), "
    "build it with the source text where it is not translated (with a notice), or leave it out.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that render at once (default: the number of cores).",
)
@click.option(
    "--base-url",
    metavar="URL",
    default=None,
    help="The address the site is published at (instead of the project's base_url): absolute hreflang, "
    "canonical and cookies.json links, and a sitemap.xml.",
)
@click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A directory of templates that override policykit's (page.html.j2, fragment.html.j2), instead of the "
    "project's theme.templates.",
)
@click.option("-v", "--verbose", is_flag=True, help="List every missing and fuzzy string, not only the counts.")
@quiet_option
def build(
    path: str | None,
    out_dir: Path | None,
    chosen: tuple[str, ...],
    strict: bool,
    stale: str,
    jobs: int | None,
    base_url: str | None,
    templates: Path | None,
    verbose: bool,
    quiet: bool,
) -> None:
    """Check the policy (PATH, else the project's) and publish its renders into a directory.

    Writes index.html (a page linking every language and format), cookies.json, the
    fragment's stylesheet and the declaration script (and the project's consent tool and
    theme), and index.html, policy.md,
    policy.pdf and policy.docx under <locale>/ for the policy's language and every
    translation (with a base URL, sitemap.xml too); without the `pdf` extra, the PDF is
    left out and a line says what to install. Outputs whose inputs did not change are not rendered again, and
    the new site replaces the old one as a whole. Nothing is written when the check
    finds an error. A translation with a missing, fuzzy or broken string is reported in
    one line per locale, published as --stale says (by default the last approved
    translation stays, with a notice), and the exit code is 1; with --strict nothing is
    written.
    """
    from policykit.build import BuildError, build_site
    from policykit.errors import CatalogError, ProjectError, UnknownLocaleError
    from policykit.findings import exit_code
    from policykit.rules import run_checks

    project = find_policy(path, quiet=quiet)
    if base_url is not None:
        project = attrs.evolve(project, base_url=_checked_base_url(base_url))
    if templates is not None:
        from policykit.site_settings import Theme

        project = attrs.evolve(project, theme=attrs.evolve(project.theme or Theme(), templates=templates.resolve()))
    policy, source = load_policy_with_source(str(project.policy))
    report = run_checks(policy, source)
    click.echo(format_text(report.findings), nl=False, err=True)
    if exit_code(report.findings):
        click.echo(f"{source.file}: errors found; nothing written", err=True)
        raise click.exceptions.Exit(EXIT_FINDINGS)

    bar = _Progress() if not quiet and sys.stderr.isatty() else None
    try:
        result = build_site(
            project,
            policy,
            output=out_dir,
            locales=chosen,
            strict=strict,
            stale=stale,
            jobs=jobs,
            progress=bar.done if bar else None,
            on_plan=bar.plan if bar else None,
            text_check=lambda locale, document: _text_findings(policy, source, locale, document),
        )
    except UnknownLocaleError as error:
        prefix = "" if str(project.locales) in str(error) else f"{project.locales}: "  # a folder names itself
        raise CannotUse(f"{prefix}{error}") from None
    except (CatalogError, BuildError, ProjectError) as error:  # ProjectError: a setting the policy contradicts
        raise CannotUse(str(error)) from None
    except OSError as error:
        where = error.filename or _result_folder(out_dir, project)
        raise CannotUse(f"{where}: cannot write: {error.strerror or error}; the previous site is unchanged") from None
    finally:
        if bar is not None:
            bar.stop()
    from policykit.cli.stale import published_as, shown_findings, stale_lines

    problems: list[Finding] = list(result.translation_findings)
    if problems:
        shown = problems if strict else shown_findings(published_as(problems, result), verbose)
        click.echo(format_text(shown), nl=False, err=True)
        if strict:
            click.echo(f"translation problems in {', '.join(result.skipped)} (--strict); nothing written", err=True)
            raise click.exceptions.Exit(EXIT_FINDINGS)
    for name, reason in result.failed:
        click.echo(f"{result.output / name}: {reason}", err=True)
    summary = (
        f"{len(result.written)} written, {len(result.unchanged)} unchanged, {len(result.failed)} failed "
        f"in {result.seconds:.1f} s: {result.output}/ ({', '.join(result.built)})"
    )
    if result.failed:
        click.echo(f"{summary}; nothing written, the previous site is unchanged", err=True)
        raise click.exceptions.Exit(EXIT_UNUSABLE)
    click.echo(summary, err=True)
    for output_format, why in result.not_built:  # the rest of the site is built and published
        click.echo(f"{output_format.upper()} left out of every locale: {why}", err=True)
    lines = stale_lines(result, str(policy.meta.language))
    for line in lines:
        click.echo(line, err=True)
    if lines:
        raise click.exceptions.Exit(EXIT_FINDINGS)


def _checked_base_url(value: str) -> str:
    from policykit.build.urls import BaseUrlError, check_base_url

    try:
        return check_base_url(value)
    except BaseUrlError as error:
        raise click.BadParameter(f"{excerpt(value)}: {error}", param_hint="'--base-url'") from None


def _text_findings(policy: Policy, source: Source, locale: str, document: Document) -> list[Finding]:
    """The errors the rules on the text (PK350-PK358) find in one locale's Document."""
    from policykit.findings import Severity
    from policykit.rules import run_checks
    from policykit.rules.text import RULES

    codes = [rule.code for rule in RULES]
    report = run_checks(policy, source, select=codes, documents=[(locale, document)])
    return [finding for finding in report.findings if finding.severity is Severity.ERROR]


def _result_folder(out_dir: Path | None, project: Project) -> Path:
    return out_dir if out_dir is not None else project.output
