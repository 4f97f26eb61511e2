"""`policykit diff`: what changed between two versions of a policy.

In: the old and the new policy file, a format and a locale. Out: a change notice for
visitors (Markdown, HTML, text) or JSON that says whether consent must be renewed, or
with --redline the whole new text with every change marked (HTML, PDF, or DOCX with
tracked changes); exit 0, or 2 when a file cannot be used.
"""

from __future__ import annotations

import sys

import click

from policykit.cli.common import CannotUse, load_policy

__all__ = ["diff"]

_REDLINES = ("html", "pdf", "docx")
# Formats that are a redline only, and files, not text for a terminal.
_FILES = ("pdf", "docx")


@click.command()
@click.argument("old", type=click.Path(dir_okay=False, path_type=str))
@click.argument("new", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["md", "html", "json", "text", "pdf", "docx"]),
    default="md",
    show_default=True,
    help="The notice: md, html, json, text. The redline: html, pdf, docx.",
)
@click.option("--locale", default=None, help="The language of the notice (default: the new policy's).")
@click.option(
    "--redline",
    is_flag=True,
    help=(
        "The whole new text, deletions struck and insertions marked (tracked changes in DOCX), "
        "the notice on top: --format html, pdf or docx."
    ),
)
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False, path_type=str), help="Write to a file.")
def diff(old: str, new: str, output_format: str, locale: str | None, redline: bool, output: str | None) -> None:
    """Compare OLD with NEW: cookies, lifetimes, parties, countries, safeguards and
    text, each change rated material (consent must be asked again) or editorial."""
    from pathlib import Path

    from policykit.cli.common import write_output
    from policykit.diff import diff as compare
    from policykit.diff import notice
    from policykit.errors import PolicykitError

    if redline and output_format not in _REDLINES:
        raise CannotUse(f"--redline writes HTML, PDF or DOCX: give --format html, pdf or docx, not {output_format}")
    if not redline and output_format in _FILES:
        raise CannotUse(f"--format {output_format} is a redline: add --redline (the notice is md, html, json or text)")
    if output is None and output_format in _FILES and sys.stdout.isatty():
        raise CannotUse(f"a {output_format.upper()} file does not go to a terminal; give -o FILE")
    changes = compare(load_policy(old), load_policy(new))
    content: str | bytes
    try:
        if redline and output_format == "pdf":
            from policykit.diff.redline import redline_pdf

            content = redline_pdf(changes, locale)
        elif redline and output_format == "docx":
            from policykit.diff.redline_docx import redline_docx

            content = redline_docx(changes, locale)
        elif redline:
            from policykit.diff.redline import redline as redlined

            content = redlined(changes, locale)
        else:
            content = notice(changes, output_format, locale)
    except PolicykitError as error:
        raise CannotUse(str(error)) from None
    if output:
        write_output(Path(output), content)
    elif isinstance(content, bytes):
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        click.echo(content, nl=False)
