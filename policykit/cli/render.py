"""`policykit render`, `build`, `schema` and `dump`: the policy written out.

In: a policy file, a locale and a format. Out: HTML, Markdown, PDF, JSON written
atomically to a file or to stdout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from policykit.cli.common import (
    EXIT_FINDINGS,
    CannotUse,
    load_policy,
    load_policy_with_source,
    write_output,
)
from policykit.findings import format_text

if TYPE_CHECKING:
    from policykit.document import Translator
    from policykit.model import Policy

__all__ = ["build", "dump", "render", "schema"]


@click.command()
def schema() -> None:
    """Print the JSON Schema of the policy file format."""
    from policykit.schema import policy_schema

    click.echo(json.dumps(policy_schema(), indent=2))


@click.command()
@click.argument("path", type=click.Path(path_type=str))
def dump(path: str) -> None:
    """Print a policy file in its normal form (comments are not kept)."""
    from policykit.load import dump as dump_policy

    click.echo(dump_policy(load_policy(path)), nl=False)


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


@click.command()
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
    policy = load_policy(path)
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
        write_output(output, content)
    elif isinstance(content, bytes):
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        click.echo(content, nl=False)


@click.command()
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

    policy, source = load_policy_with_source(path or str(default_policy()))

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
        write_output(out_dir / name, content)
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
