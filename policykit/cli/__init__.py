"""The command line: a thin layer over the library, one module per command group.

In: argv. Out: text on stdout/stderr, files written atomically, and an exit code:
0 ok, 1 findings that are errors, 2 unusable input or usage.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from policykit import __version__
from policykit.cli.check import check, facts, rules
from policykit.cli.common import EXIT_OK, EXIT_UNUSABLE
from policykit.cli.i18n import i18n
from policykit.cli.init import init
from policykit.cli.render import build, dump, render, schema

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policykit")
def cli() -> None:
    """Keep a website's cookie policy as data: check it, render it, export it."""


for _command in (init, check, rules, facts, schema, dump, render, build, i18n):
    cli.add_command(_command)


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
