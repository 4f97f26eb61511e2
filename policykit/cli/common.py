"""What every command shares: errors that carry an exit code, loading, writing, printing.

In: paths and findings. Out: Policy objects, files written atomically, and the
exceptions main() turns into exit codes: 0 ok, 1 findings that are errors, 2 unusable
input or usage.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from policykit import __version__
from policykit.findings import Finding, format_json, format_sarif, format_text

if TYPE_CHECKING:
    from policykit.model import Policy
    from policykit.project import Project
    from policykit.source import Source

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_UNUSABLE",
    "FORMATS",
    "CannotUse",
    "Unusable",
    "codes",
    "find_policy",
    "format_findings",
    "load_policy",
    "load_policy_with_source",
    "quiet_option",
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
        """Print the findings: as text on stderr, or as JSON or SARIF on stdout (as asked)."""
        if self.output_format == "text":
            click.echo(format_text(self.findings), nl=False, err=True)
        else:
            click.echo(format_findings(self.findings, self.output_format), nl=False)


class CannotUse(click.ClickException):
    """Input that cannot be used, said in one line (a glyph no font has, a missing
    catalogue): exit 2."""

    exit_code = EXIT_UNUSABLE


def format_findings(findings: Sequence[Finding], output_format: str) -> str:
    """The findings as `output_format` says: "json", "sarif", else one line of text each."""
    if output_format == "json":
        return format_json(findings)
    if output_format == "sarif":
        return format_sarif(findings, [], __version__)
    return format_text(findings)


def load_policy_with_source(path: str, output_format: str = "text") -> tuple[Policy, Source]:
    """The policy at `path` and where its values are; a file that cannot be loaded raises
    Unusable with its findings, printed as `output_format`, exit 2."""
    from policykit.load import LoadError, load_with_source

    try:
        return load_with_source(path)
    except LoadError as error:
        raise Unusable(error.findings, output_format) from None


def load_policy(path: str, output_format: str = "text") -> Policy:
    """The policy at `path`; a file that cannot be loaded raises Unusable (its findings, exit 2)."""
    return load_policy_with_source(path, output_format)[0]


def write_output(path: Path, content: str | bytes) -> None:
    """Write `content` to `path` atomically; a path that cannot be written raises CannotUse (exit 2)."""
    from policykit.atomic import write_atomic

    try:
        write_atomic(path, content)
    except OSError as error:
        raise CannotUse(f"{path}: cannot write: {error.strerror or error}") from None


FORMATS = click.Choice(["text", "json", "sarif"])


def codes(values: Sequence[str]) -> list[str]:
    """`--ignore PK103,PK2 --ignore PK301` -> ['PK103', 'PK2', 'PK301']."""
    return [code for value in values for code in value.replace(" ", ",").split(",") if code]


def quiet_option(function: Any) -> Any:
    """The `-q/--quiet` flag (do not say which policy file is used), as a click decorator."""
    return click.option("-q", "--quiet", is_flag=True, help="Do not say which policy file is used.")(function)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def find_policy(path: str | None, *, quiet: bool = False, writes: bool = False) -> Project:
    """The project of the policy a command works on. A policy found rather than given
    is named on stderr, unless `quiet`.

    PATH given: its own project. Otherwise the project found from the current folder;
    with none, read-only commands fall back to the bundled example and say so, and
    commands that write refuse (exit 2) and point to `policykit init`.
    """
    from policykit.errors import ProjectError
    from policykit.project import bundled_project, find_project, project_for_policy

    try:
        project = project_for_policy(Path(path)) if path else find_project()
    except ProjectError as error:
        raise CannotUse(str(error)) from None
    if project is None:
        if writes:
            raise CannotUse(
                "no policykit project here or in any folder above (no policykit.toml, [tool.policykit] in "
                "pyproject.toml, data/policy.yaml or policy.yaml); run `policykit init` to start one"
            )
        project = bundled_project()
        if not quiet:
            click.echo(f"policykit: no project found; using the bundled example {project.policy}", err=True)
    elif not quiet and not path:  # a path the user typed needs no announcing
        click.echo(f"policykit: policy {_shown(project.policy)}", err=True)
    if writes and not project.writable:
        raise CannotUse(
            f"{project.policy} is the example inside the installed package, which policykit never changes; "
            "run `policykit init` to start a project of your own"
        )
    return project
