"""The command line: a thin layer over the library.

In: argv. Out: text on stdout/stderr, files written atomically, and an exit code:
0 ok, 1 findings that are errors, 2 unusable input or usage.
"""

from __future__ import annotations

import datetime as dt
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
    from policykit.load import LoadError, load_with_source
    from policykit.rules import UnknownRule, run_checks

    try:
        policy, source = load_with_source(path)
    except LoadError as error:
        raise Unusable(error.findings, output_format) from None
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
        click.echo(rules_markdown(RULES), nl=False)
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
    """Check a policy (the bundled one by default) and write its outputs into a directory.

    Nothing is written when the check finds an error.
    """
    from policykit.export import catalogue_json
    from policykit.findings import exit_code
    from policykit.load import LoadError, load_with_source
    from policykit.resources import default_policy

    try:
        policy, source = load_with_source(path or str(default_policy()))
    except LoadError as error:
        raise Unusable(error.findings) from None
    from policykit.rules import run_checks

    report = run_checks(policy, source)
    click.echo(format_text(report.findings), nl=False, err=True)
    if exit_code(report.findings):
        click.echo(f"{source.file}: errors found; nothing written", err=True)
        raise click.exceptions.Exit(EXIT_FINDINGS)
    _write(out_dir / "cookies.json", catalogue_json(policy))
    click.echo(f"wrote {out_dir / 'cookies.json'}", err=True)


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
