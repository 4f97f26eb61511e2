"""`policykit diff`: what changed between two versions of a policy.

In: the old and the new policy file, a format and a locale. Out: a change notice for
visitors (Markdown, HTML, text) or JSON that says whether consent must be renewed;
exit 0, or 2 when a file cannot be used.
"""

from __future__ import annotations

import click

from policykit.cli.common import CannotUse, load_policy

__all__ = ["diff"]


@click.command()
@click.argument("old", type=click.Path(dir_okay=False, path_type=str))
@click.argument("new", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--format", "output_format", type=click.Choice(["md", "html", "json", "text"]), default="md", show_default=True
)
@click.option("--locale", default=None, help="The language of the notice (default: the new policy's).")
@click.option(
    "--redline",
    is_flag=True,
    help="With --format html: the whole new text, deletions struck and insertions marked, the notice on top.",
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

    if redline and output_format != "html":
        raise CannotUse(f"--redline writes HTML: give --format html, not --format {output_format}")
    changes = compare(load_policy(old), load_policy(new))
    try:
        if redline:
            from policykit.diff.redline import redline as redlined

            text = redlined(changes, locale)
        else:
            text = notice(changes, output_format, locale)
    except PolicykitError as error:
        raise CannotUse(str(error)) from None
    if output:
        write_output(Path(output), text)
    else:
        click.echo(text, nl=False)
