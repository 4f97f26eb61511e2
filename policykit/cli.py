"""The command line: a thin layer over the library.

In: argv. Out: text on stdout/stderr, files written atomically, and an exit code:
0 ok, 1 findings that are errors, 2 unusable input or usage.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from policykit import __version__
from policykit.findings import Finding, format_json, format_sarif, format_text

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


def _format(findings: Sequence[Finding], output_format: str) -> str:
    if output_format == "json":
        return format_json(findings)
    if output_format == "sarif":
        return format_sarif(findings, [], __version__)
    return format_text(findings)


def _load(path: str, output_format: str = "text") -> object:
    from policykit.load import LoadError, load

    try:
        return load(path)
    except LoadError as error:
        raise Unusable(error.findings, output_format) from None


def _write(path: Path, content: str | bytes) -> None:
    from policykit.atomic import write_atomic

    try:
        write_atomic(path, content)
    except OSError as error:
        raise click.ClickException(f"{path}: cannot write: {error.strerror or error}") from None


FORMATS = click.Choice(["text", "json", "sarif"])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policykit")
def cli() -> None:
    """Keep a website's cookie policy as data: check it, render it, export it."""


@cli.command()
@click.argument("path", type=click.Path(dir_okay=True, path_type=str))
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
def check(path: str, output_format: str) -> None:
    """Load a policy file and report its problems."""
    _load(path, output_format)
    if output_format != "text":
        click.echo(_format([], output_format), nl=False)


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

    click.echo(dump_policy(_load(path)), nl=False)  # type: ignore[arg-type]


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
    """Check a policy (the bundled one by default) and write its outputs into a directory."""
    from policykit.export import catalogue_json
    from policykit.model import Policy
    from policykit.resources import default_policy

    policy = _load(path or str(default_policy()))
    assert isinstance(policy, Policy)
    _write(out_dir / "cookies.json", catalogue_json(policy))
    click.echo(f"wrote {out_dir / 'cookies.json'}", err=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code instead of exiting."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="policykit", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return EXIT_UNUSABLE
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
