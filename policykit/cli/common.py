"""What every command shares: errors that carry an exit code, loading, writing, printing.

In: paths and findings. Out: Policy objects, files written atomically, and the
exceptions main() turns into exit codes: 0 ok, 1 findings that are errors, 2 unusable
input or usage.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from policykit import __version__
from policykit.findings import Finding, format_json, format_sarif, format_text

if TYPE_CHECKING:
    from policykit.model import Policy
    from policykit.source import Source

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_UNUSABLE",
    "FORMATS",
    "CannotUse",
    "Unusable",
    "codes",
    "format_findings",
    "load_policy",
    "load_policy_with_source",
    "write_output",
]

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
            click.echo(format_findings(self.findings, self.output_format), nl=False)


class CannotUse(click.ClickException):
    """Input that cannot be used, said in one line (a glyph no font has, a missing
    catalogue): exit 2."""

    exit_code = EXIT_UNUSABLE


def format_findings(findings: Sequence[Finding], output_format: str) -> str:
    if output_format == "json":
        return format_json(findings)
    if output_format == "sarif":
        return format_sarif(findings, [], __version__)
    return format_text(findings)


def load_policy_with_source(path: str, output_format: str = "text") -> tuple[Policy, Source]:
    from policykit.load import LoadError, load_with_source

    try:
        return load_with_source(path)
    except LoadError as error:
        raise Unusable(error.findings, output_format) from None


def load_policy(path: str, output_format: str = "text") -> Policy:
    return load_policy_with_source(path, output_format)[0]


def write_output(path: Path, content: str | bytes) -> None:
    from policykit.atomic import write_atomic

    try:
        write_atomic(path, content)
    except OSError as error:
        raise CannotUse(f"{path}: cannot write: {error.strerror or error}") from None


FORMATS = click.Choice(["text", "json", "sarif"])


def codes(values: Sequence[str]) -> list[str]:
    """`--ignore PK103,PK2 --ignore PK301` -> ['PK103', 'PK2', 'PK301']."""
    return [code for value in values for code in value.replace(" ", ",").split(",") if code]
