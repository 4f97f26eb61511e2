"""`policykit check`, `policykit rules` and `policykit facts`: the rules, run and listed,
and the dated facts they rest on.

In: policies (PATHs and globs, '-' for stdin, else the project's) and the options that
choose rules, profiles and the date the law is judged at. Out: findings as text, GitHub
annotations, JSON or SARIF, with the profiles and the date used; the rules and the facts
as text, JSON or Markdown; and the exit code (the worst of all the files).

One module because the three commands share one way of choosing rules, profiles and the
as-of date, and one set of output formats; apart they would each repeat those options.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from attrs import frozen

from policykit import __version__
from policykit.cli.common import EXIT_UNUSABLE, CannotUse, codes, find_policy, quiet_option
from policykit.findings import (
    Finding,
    RuleInfo,
    format_github,
    format_json,
    format_sarif,
    format_text,
    terminal_safe,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from policykit.catalogue import Catalogue
    from policykit.document import Document
    from policykit.model import Policy
    from policykit.project import Project
    from policykit.source import Source

__all__ = ["check", "facts", "rules"]


def _as_of(value: str | None) -> str | dt.date | None:
    """`--as-of`: a date, 'today', or 'policy' (the policy's own date)."""
    if value is None or value in ("today", "policy"):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date such as 2026-11-26, 'today' or 'policy', got {value!r}") from None


def _expand(paths: tuple[str, ...]) -> list[str]:
    """PATHs as given, a glob (`policies/*.yaml`, `**/policy.yaml`) expanded in sorted
    order; a glob that matches nothing stays, so it is reported as a missing file."""
    expanded: list[str] = []
    for path in paths:
        matches = (
            sorted(glob.glob(path, recursive=True)) if any(c in path for c in "*?[") and not Path(path).exists() else []
        )
        expanded += matches or [path]
    return list(dict.fromkeys(expanded))  # a file named twice is checked once


def _read_stdin(name: str) -> tuple[Policy, Source]:
    from policykit.load import MAX_BYTES, loads_with_source

    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    return loads_with_source(data, name, is_json=name.lower().endswith(".json"))


@frozen
class _Checked:
    """One file's outcome: findings, or the loader's findings when it cannot be used."""

    file: str
    code: int
    findings: list[Finding]
    silenced: list[tuple[Finding, str]]
    rules: list[RuleInfo]
    as_of: str | None = None
    profiles: tuple[str, ...] = ()


@click.command()
@click.argument("paths", nargs=-1, metavar="[PATH|GLOB|-]...")
@click.option(
    "--output-format",
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
    help="github: annotations for GitHub Actions (::error file=...,line=...::message).",
)
@click.option(
    "--stdin-filename",
    default=None,
    metavar="NAME",
    help="With PATH '-': the name findings give the policy read from stdin (and whose project settings apply).",
)
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
@click.option(
    "--catalogue",
    "catalogue_path",
    default=None,
    type=click.Path(exists=False, path_type=str),
    help="The vendor catalogue to compare cookies with (a YAML file or a folder). Default: the built-in one.",
)
@click.option("--no-catalogue", "no_catalogue", is_flag=True, help="Do not compare cookies with a vendor catalogue.")
@click.option(
    "--locale",
    "locales",
    multiple=True,
    metavar="LOCALES",
    help="Also judge the text these locales read (comma-separated, or 'all': every catalogue of the project) "
    "with the rules on the rendered text (PK350-PK358). Default: the policy's own language only.",
)
@click.option(
    "--sarif",
    "sarif_path",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the findings as SARIF to this file (one run: annotations on stdout and a SARIF log).",
)
@click.option(
    "--docs-url",
    default=None,
    help="SARIF: the absolute address of the documentation's root (the repository's, e.g. "
    "https://github.com/ORG/REPO/blob/main/), against which each rule's helpUri is resolved.",
)
@quiet_option
def check(
    paths: tuple[str, ...],
    output_format: str,
    stdin_filename: str | None,
    profiles: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    as_of: str | None,
    today: str | None,
    catalogue_path: str | None,
    no_catalogue: bool,
    locales: tuple[str, ...],
    sarif_path: Path | None,
    docs_url: str | None,
    quiet: bool,
) -> None:
    """Load policies (PATHs and GLOBs, '-' for stdin; else the project's) and report
    their problems. --select and --ignore default to the project's settings; the
    project's per-file-ignores apply on top.

    Exit 0 when there is no error (warnings allowed), 1 when there are errors, and 2
    when a file cannot be loaded: the worst of all the files.
    """
    if docs_url is not None and not docs_url.lower().startswith(("https://", "http://")):
        raise click.BadParameter("an absolute http(s) address", param_hint="--docs-url")
    if docs_url is not None and any(c.isspace() for c in docs_url):
        raise click.BadParameter("an address without spaces", param_hint="--docs-url")
    when = _as_of(as_of or today)
    targets: list[str | None] = [*_expand(paths)] or [None]  # None: the project's policy
    vendors: Catalogue | bool = False if no_catalogue else _catalogue(catalogue_path)
    checked = [
        _check_one(path, stdin_filename, profiles, select, ignore, when, quiet, vendors, codes(locales))
        for path in targets
    ]
    _report(checked, output_format, docs_url)
    if sarif_path is not None:
        from policykit.cli.common import write_output

        write_output(sarif_path, _sarif(checked, docs_url))
    code = max(one.code for one in checked)
    if code:
        raise click.exceptions.Exit(code)


def _catalogue(path: str | None) -> Catalogue:
    """The catalogue `check` compares with: the one asked for, else the built-in one."""
    from policykit.catalogue import CatalogueError, bundled, load_catalogue

    try:
        return load_catalogue(path) if path is not None else bundled()
    except CatalogueError as error:
        raise CannotUse(str(error)) from None


def _check_one(
    path: str | None,
    stdin_filename: str | None,
    profiles: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    when: str | dt.date | None,
    quiet: bool,
    vendors: Catalogue | bool = True,
    locales: Sequence[str] = (),
) -> _Checked:
    from policykit.facts import FactsError
    from policykit.findings import exit_code
    from policykit.load import LoadError, load_with_source
    from policykit.rules import UnknownRule, run_checks

    if path == "-":
        name = stdin_filename or "<stdin>"
        project = find_policy(stdin_filename, quiet=True) if stdin_filename else find_policy(None, quiet=True)
    else:
        project = find_policy(path, quiet=quiet)
        name = path or str(project.policy)
    try:
        policy, source = _read_stdin(name) if path == "-" else load_with_source(path or str(project.policy))
    except LoadError as error:
        return _Checked(name, EXIT_UNUSABLE, list(error.findings), [], [])
    on = policy.reference_date if when == "policy" else when if isinstance(when, dt.date) else None
    chosen_select = select or project.select or ()
    chosen_ignore = [*codes(ignore or project.ignore), *codes(project.ignored_for(Path(name)))]
    chosen = codes(profiles) or list(project.profile or ()) or None
    documents = _documents(policy, project, locales) if locales else None
    try:
        report = run_checks(
            policy,
            source,
            profile=chosen,
            select=codes(chosen_select) or None,
            ignore=chosen_ignore,
            as_of=on,
            catalogue=vendors,
            documents=documents,
        )
    except UnknownRule as error:
        raise click.UsageError(str(error)) from None
    except FactsError as error:
        click.echo(f"policykit: {error}", err=True)
        raise click.exceptions.Exit(EXIT_UNUSABLE) from None
    silenced = [(finding, silence.reason) for finding, silence in report.silenced]
    return _Checked(
        name,
        exit_code(report.findings),
        list(report.findings),
        silenced,
        [rule.info for rule in report.rules],
        report.as_of.isoformat(),
        tuple(report.profiles),
    )


def _documents(policy: Policy, project: Project, locales: Sequence[str]) -> list[tuple[str, Document]]:
    """The policy as its own language and each of `locales` read it ('all': every
    catalogue of the project), for the rules on the text."""
    from policykit.document import localize
    from policykit.errors import CatalogError, UnknownLocaleError
    from policykit.i18n import catalogs
    from policykit.i18n.translator import translator_for
    from policykit.i18n.values import normalize_locale

    source = str(policy.meta.language)
    wanted = [source]
    for locale in locales:
        if locale.lower() == "all":
            wanted += catalogs.locales_in(project.locales, catalogs.POLICY_DOMAIN)
        else:
            wanted.append(locale)
    documents = []
    try:
        for locale in dict.fromkeys(normalize_locale(name) for name in wanted):
            translator = translator_for(policy, locale, locales=project.locales)
            documents.append((locale, localize(policy, locale, translator)))
    except (CatalogError, UnknownLocaleError) as error:
        raise CannotUse(f"--locale: {error}") from None
    return documents


def _sarif(checked: list[_Checked], docs_url: str | None) -> str:
    """The SARIF log of every file checked, what each was judged by in the run's properties."""
    findings = [finding for one in checked for finding in one.findings]
    silenced = [pair for one in checked for pair in one.silenced]
    judged = [{"file": one.file, "as_of": one.as_of, "profiles": list(one.profiles)} for one in checked if one.as_of]
    rules = list({rule.code: rule for one in checked for rule in one.rules}.values())
    log = json.loads(format_sarif(findings, rules, __version__, silenced, docs_url))
    # SARIF's place for what a run was judged by: the run's property bag.
    properties: dict[str, object] = {"files": judged}
    if len(judged) == 1:
        properties.update(asOf=judged[0]["as_of"], profiles=judged[0]["profiles"])
    log["runs"][0]["properties"] = properties
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _report(checked: list[_Checked], output_format: str, docs_url: str | None = None) -> None:
    findings = [finding for one in checked for finding in one.findings]
    silenced = [pair for one in checked for pair in one.silenced]
    judged = [{"file": one.file, "as_of": one.as_of, "profiles": list(one.profiles)} for one in checked if one.as_of]
    if output_format == "json":
        # as_of and profiles at the top when every file was judged alike (always so for one file).
        alike = {(j["as_of"], tuple(j["profiles"])) for j in judged}
        top = {"as_of": judged[0]["as_of"], "profiles": judged[0]["profiles"]} if len(alike) == 1 else {}
        click.echo(
            format_json(
                findings,
                silenced=[{**finding.to_dict(), "reason": reason} for finding, reason in silenced],
                **top,
                files=judged,
            ),
            nl=False,
        )
    elif output_format == "sarif":
        click.echo(_sarif(checked, docs_url), nl=False)
    elif output_format == "github":
        click.echo(format_github(findings), nl=False)
    else:
        for one in checked:
            _report_text(one)


def _report_text(one: _Checked) -> None:
    if one.code == EXIT_UNUSABLE and one.as_of is None:
        click.echo(format_text(one.findings), nl=False, err=True)
        return
    click.echo(format_text(one.findings), nl=False)
    for finding, reason in one.silenced:
        severity = f" {finding.severity.value} {finding.code} "
        line = finding.to_text().replace(severity, f" silenced {finding.code} ", 1)
        click.echo(f"{line} [silenced: {terminal_safe(reason)}]")
    counts = {severity: 0 for severity in ("error", "warning", "info")}
    for finding in one.findings:
        counts[finding.severity.value] += 1
    summary = ", ".join(f"{n} {name}{'s' if n != 1 else ''}" for name, n in counts.items())
    click.echo(
        f"{terminal_safe(one.file)}: {summary}, {len(one.silenced)} silenced "
        f"({len(one.rules)} rules, {','.join(one.profiles)}, as of {one.as_of})",
        err=True,
    )


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
        if fact.scope:
            click.echo(f"    scope: {fact.scope}")
        if fact.note:
            click.echo(f"    note: {fact.note}")
