"""`policykit check` and `policykit rules`: the rules, run and listed.

In: a policy file and the options that choose rules. Out: findings as text, JSON or
SARIF, and the exit code.
"""

from __future__ import annotations

import datetime as dt

import click

from policykit import __version__
from policykit.cli.common import FORMATS, codes, load_policy_with_source
from policykit.findings import format_json, format_sarif, format_text

__all__ = ["check", "rules"]


@click.command()
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
    from policykit.rules import UnknownRule, run_checks

    policy, source = load_policy_with_source(path, output_format)
    try:
        report = run_checks(
            policy,
            source,
            profile=profile,
            select=codes(select) or None,
            ignore=codes(ignore),
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


@click.command()
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
        from policykit.i18n.checks import TRANSLATION_CHECKS

        click.echo(rules_markdown(RULES, TRANSLATION_CHECKS), nl=False)
    elif output_format == "json":
        click.echo(rules_json(RULES), nl=False)
    else:
        for rule in RULES:
            profiles = "" if len(rule.profiles) > 1 else f" [{', '.join(rule.profiles)} only]"
            click.echo(f"{rule.code}  {rule.severity.value:<7}  {rule.summary}{profiles}")
