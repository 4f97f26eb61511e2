"""`policykit check`, `policykit rules` and `policykit facts`: the rules, run and listed,
and the dated facts they rest on.

In: a policy (PATH, else the project's) and the options that choose rules, profiles
and the date the law is judged at. Out: findings as text, JSON or SARIF, with the
profiles and the date used; the rules and the facts as text, JSON or Markdown; and the
exit code.
"""

from __future__ import annotations

import datetime as dt
import json

import click

from policykit import __version__
from policykit.cli.common import FORMATS, codes, find_policy, load_policy_with_source, quiet_option
from policykit.findings import format_json, format_sarif, format_text

__all__ = ["check", "facts", "rules"]


def _as_of(value: str | None) -> str | dt.date | None:
    """`--as-of`: a date, 'today', or 'policy' (the policy's own date)."""
    if value is None or value in ("today", "policy"):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date such as 2026-11-26, 'today' or 'policy', got {value!r}") from None


@click.command()
@click.argument("path", required=False, type=click.Path(dir_okay=True, path_type=str))
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    help="The laws to judge by, comma-separated: gdpr, cnil, nl, uk, us-ca (they compose: gdpr,uk). "
    "Default: the project's, else the policy's meta.profiles, else gdpr.",
)
@click.option("--select", multiple=True, help="Run only these rules (codes or prefixes, comma-separated).")
@click.option("--ignore", multiple=True, help="Skip these rules (codes or prefixes, comma-separated).")
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="DATE|policy|today",
    help="The date the law is judged at: a date, 'policy' (the policy's effective date, else its last "
    "change) or 'today' (the default).",
)
@click.option("--today", "today", default=None, hidden=True, help="The older name of --as-of.")
@quiet_option
def check(
    path: str | None,
    output_format: str,
    profiles: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    as_of: str | None,
    today: str | None,
    quiet: bool,
) -> None:
    """Load a policy (PATH, else the project's) and report its problems. --select and
    --ignore default to the project's settings.

    Exit 0 when there is no error (warnings allowed), 1 when there are errors, and 2
    when the file cannot be loaded.
    """
    from policykit.facts import FactsError
    from policykit.findings import exit_code
    from policykit.rules import UnknownRule, run_checks

    when = _as_of(as_of or today)
    project = find_policy(path, quiet=quiet)
    path = str(project.policy)
    select = select or project.select or ()
    ignore = ignore or project.ignore
    chosen = codes(profiles) or list(project.profile or ()) or None
    policy, source = load_policy_with_source(path, output_format)
    on = policy.reference_date if when == "policy" else when if isinstance(when, dt.date) else None
    try:
        report = run_checks(
            policy,
            source,
            profile=chosen,
            select=codes(select) or None,
            ignore=codes(ignore),
            as_of=on,
        )
    except UnknownRule as error:
        raise click.UsageError(str(error)) from None
    except FactsError as error:
        click.echo(f"policykit: {error}", err=True)
        raise click.exceptions.Exit(2) from None
    profile_names = ",".join(report.profiles)
    judged = {"as_of": report.as_of.isoformat(), "profiles": list(report.profiles)}
    silenced = [(finding, silence.reason) for finding, silence in report.silenced]
    if output_format == "json":
        click.echo(
            format_json(
                report.findings,
                silenced=[{**finding.to_dict(), "reason": reason} for finding, reason in silenced],
                **judged,
            ),
            nl=False,
        )
    elif output_format == "sarif":
        rules = [rule.info for rule in report.rules]
        log = json.loads(format_sarif(report.findings, rules, __version__, silenced))
        # SARIF's place for what a run was judged by: the run's property bag.
        log["runs"][0]["properties"] = {"asOf": judged["as_of"], "profiles": judged["profiles"]}
        click.echo(json.dumps(log, indent=2, ensure_ascii=False))
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
        click.echo(
            f"{path}: {summary}, {len(silenced)} silenced "
            f"({len(report.rules)} rules, {profile_names}, as of {report.as_of})",
            err=True,
        )
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
    """List every rule: code, severity, profiles, summary and the sources it rests on."""
    from policykit.rules import RULES
    from policykit.rules.docs import rules_json, rules_markdown

    if output_format == "markdown":
        from policykit.i18n.checks import TRANSLATION_CHECKS

        click.echo(rules_markdown(RULES, TRANSLATION_CHECKS), nl=False)
    elif output_format == "json":
        click.echo(rules_json(RULES), nl=False)
    else:
        for rule in RULES:
            click.echo(f"{rule.code}  {rule.severity.value:<7}  {rule.summary} [{', '.join(rule.profiles)}]")


@click.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="Only the facts that hold on this date.")
def facts(output_format: str, as_of: str | None) -> None:
    """List the dated legal and technical facts the rules rest on, each with its
    source and the date it was last verified."""
    from policykit.facts import FactsError, bundled

    when = _as_of(as_of)
    try:
        known = bundled()
    except FactsError as error:
        click.echo(f"policykit: {error}", err=True)
        raise click.exceptions.Exit(2) from None
    shown = [f for f in known.values() if not isinstance(when, dt.date) or f.holds_on(when)]
    if output_format == "json":
        click.echo(json.dumps([f.to_dict() for f in shown], indent=2, ensure_ascii=False))
        return
    for fact in shown:
        value = ", ".join(fact.values) if fact.values else "-"
        dates = f"from {fact.effective or '(not modelled)'}" + (f" until {fact.ended}" if fact.ended else "")
        click.echo(f"{fact.id}: {fact.summary}")
        click.echo(f"    value: {value}; {dates}")
        if fact.reference:
            click.echo(f"    reference: {fact.reference}")
        click.echo(f"    source: {fact.source} (verified {fact.verified})")
        if fact.note:
            click.echo(f"    note: {fact.note}")
