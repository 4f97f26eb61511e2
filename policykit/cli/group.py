"""The command line's group and its way in: the commands by name (each module imported
when its command is run or listed), the global options, and main(), which turns every
outcome into an exit code (policykit.cli's docstring says which).

Imported by policykit.cli under its guard against Ctrl-C: reading this module runs code
(click's version option asks gettext for its message, which imports `locale`), and an
interrupt there is a word, not a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import sys
import traceback
from collections.abc import Sequence

import click

from policykit import __version__
from policykit.cli.common import EXIT_OK, EXIT_UNUSABLE

__all__ = ["EXIT_INTERNAL_ERROR", "cli", "main"]

# sysexits.h's EX_SOFTWARE: distinct from 1 (findings) and 2 (unusable input or usage).
EXIT_INTERNAL_ERROR = 70
ISSUES_URI = "https://pypi.org/project/policykit-cookies/"
_options = {"debug": False}


# Each command, by name, and the module that defines it (the function of the same name,
# `i18n`'s export and import subcommands added from policykit.cli.i18n_cat): a command's
# module is imported when the command is run or listed, so that `policykit render` does
# not import what `policykit audit` needs.
_COMMANDS = {
    "init": "init",
    "check": "check",
    "rules": "check",
    "facts": "check",
    "schema": "render",
    "dump": "render",
    "render": "render",
    "build": "render",
    "serve": "serve",
    "export": "export",
    "i18n": "i18n",
    "catalogue": "catalogue",
    "audit": "audit",
    "scan": "scan",
    "diff": "diff",
}


class _LazyGroup(click.Group):
    """A group whose commands are imported when first asked for (run, listed, completed)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _COMMANDS:
            command = getattr(importlib.import_module(f"policykit.cli.{_COMMANDS[cmd_name]}"), cmd_name)
            if cmd_name == "i18n":
                from policykit.cli.i18n_cat import export_command, import_command

                command.add_command(export_command)
                command.add_command(import_command)
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policykit")
@click.option("--debug", is_flag=True, help="On an internal error, print the traceback.")
def cli(debug: bool) -> None:
    """Keep a website's cookie policy as data: check it, render it, export it.

    Shell completion: eval "$(_POLICYKIT_COMPLETE=bash_source policykit)" (zsh_source, fish_source).
    """
    _options["debug"] = debug


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code instead of exiting."""
    _options["debug"] = False
    try:
        # Without standalone mode, click returns a command's Exit code instead of raising it.
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="policykit", standalone_mode=False)
        sys.stdout.flush()  # here, where a full disk or a closed pipe can still be reported
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("aborted", err=True)
        return EXIT_UNUSABLE
    except OSError as error:
        if not _is_stdout(error):
            return _internal_error(error)
        # A full disk or a closed pipe behind stdout: the output is unusable, not a bug.
        with contextlib.suppress(OSError):
            click.echo(f"policykit: cannot write to standard output: {error.strerror or error}", err=True)
        return EXIT_UNUSABLE
    except Exception as error:  # anything else is a bug in policykit, not a problem of the input
        return _internal_error(error)
    return result if isinstance(result, int) else EXIT_OK


_STREAM_ERRORS = frozenset({errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EFBIG})


def _is_stdout(error: OSError) -> bool:
    """Whether `error` came from writing to standard output (an error that names no file)."""
    return isinstance(error, BrokenPipeError) or (error.filename is None and error.errno in _STREAM_ERRORS)


def _internal_error(error: Exception) -> int:
    if _options["debug"]:
        traceback.print_exc()
    from policykit.findings import terminal_safe

    what = terminal_safe(f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)
    click.echo(
        f"policykit: internal error ({what}), a bug in policykit {__version__}; please report it with the "
        f"command and its input ({ISSUES_URI}); rerun with --debug for the traceback",
        err=True,
    )
    return EXIT_INTERNAL_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
