"""`policykit export`: the policy's cookies in the formats other tools read.

In: a policy file (given, or the project's, found from the current folder), a format
and, for the consent-banner formats, a locale. Out: the export written atomically to a
file or stdout; what the format could not say as findings on stderr (warnings: exit 0).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from policykit.cli.common import (
    EXIT_FINDINGS,
    CannotUse,
    find_policy,
    load_policy_with_source,
    quiet_option,
    write_output,
)
from policykit.findings import format_text

if TYPE_CHECKING:
    from policykit.catalogue import Catalogue
    from policykit.i18n.translator import CatalogTranslator
    from policykit.model import Policy

__all__ = ["export"]

_FORMAT_NAMES = ("tcf", "ocd-csv", "klaro", "cookieconsent", "edpb-wat")


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=str))
@click.option("--format", "format_name", type=click.Choice(_FORMAT_NAMES), required=True, help="The export format.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
@click.option(
    "--locale",
    default=None,
    help="klaro and cookieconsent: the language, or several separated by commas (nl,en: one config with "
    "every one, the first the default; default: the policy's).",
)
@click.option(
    "--policy-url",
    default=None,
    help='klaro and cookieconsent: the policy\'s address, http(s) or a path from "/"; "{locale}" stands for each '
    "locale (https://example.com/{locale}/).",
)
@click.option(
    "--locales",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The policy's catalogues (default: the locales folder of the policy's project).",
)
@click.option(
    "--catalogue",
    "catalogue_path",
    type=click.Path(path_type=str),
    default=None,
    help="tcf: the vendor catalogue that says which cookies are renewed on each visit (default: the built-in one).",
)
@click.option("--no-catalogue", is_flag=True, help="tcf: consult no vendor catalogue (cookieRefresh false).")
@click.option(
    "--party",
    default=None,
    help="tcf: only this party's cookies (the specification has one file per vendor; default: every party).",
)
@click.option(
    "--max-age",
    "max_ages",
    multiple=True,
    metavar="NAME=SECONDS",
    help="tcf: the maxAgeSeconds measured on the site for a cookie (name or id) whose duration the policy "
    "does not declare; repeatable.",
)
@quiet_option
def export(
    path: str | None,
    format_name: str,
    output: Path | None,
    locale: str | None,
    policy_url: str | None,
    locales: Path | None,
    catalogue_path: str | None,
    no_catalogue: bool,
    party: str | None,
    max_ages: tuple[str, ...],
    quiet: bool,
) -> None:
    """Export the cookies of a policy (PATH, else the project's).

    \b
    tcf            IAB Europe TCF Device Storage Disclosure (JSON)
    ocd-csv        Open Cookie Database rows (CSV), to send facts upstream
    edpb-wat       EDPB Website Auditing Tool knowledge base (JSON)
    klaro          Klaro! config: a script that sets klaroConfig
    cookieconsent  orestbida cookieconsent v3 config: an ES module
    """
    from policykit.errors import UnknownLocaleError
    from policykit.exports import FORMATS
    from policykit.exports import export as export_policy
    from policykit.exports.common import REQUIRED_VALUE, valid_policy_url

    chosen = FORMATS[format_name]
    if locale is not None and not chosen.localized:
        raise click.UsageError(f"--locale applies to klaro and cookieconsent, not to {format_name}")
    if policy_url is not None and not chosen.localized:
        raise click.UsageError(f"--policy-url applies to klaro and cookieconsent, not to {format_name}")
    if policy_url is not None and not valid_policy_url(policy_url):
        raise click.BadParameter(
            "an http(s) address or a path starting with '/', without spaces", param_hint="--policy-url"
        )
    if (catalogue_path is not None or no_catalogue or party is not None or max_ages) and format_name != "tcf":
        raise click.UsageError(f"--catalogue, --no-catalogue, --party and --max-age apply to tcf, not to {format_name}")
    measured = _max_ages(max_ages)
    project = find_policy(path, quiet=quiet)
    policy, source = load_policy_with_source(str(project.policy))
    if format_name == "tcf":
        from policykit.exports.tcf import export_tcf

        vendors = False if no_catalogue else _catalogue(catalogue_path)
        if party is not None and party not in {p.id for p in policy.parties}:
            known = ", ".join(sorted(p.id for p in policy.parties))
            raise click.BadParameter(
                f"no party {party[:60]!r} in the policy; its parties: {known}", param_hint="--party"
            )
        result = export_tcf(policy, source, catalogue=vendors, party=party, measured=measured)
    else:
        asked: list[tuple[str | None, CatalogTranslator | None]] = [(None, None)]
        if chosen.localized and locale is not None:
            codes = [code.strip() for code in locale.split(",")]
            if not all(codes):
                raise click.BadParameter("an empty locale in the list", param_hint="--locale")
            asked = [(code, _translator(policy, code, locales or project.locales)) for code in dict.fromkeys(codes)]
        elif chosen.localized:
            asked = [(None, _translator(policy, None, locales or project.locales))]
        try:
            result = export_policy(policy, format_name, source=source, locales=asked, policy_url=policy_url)
        except UnknownLocaleError as error:
            raise click.BadParameter(str(error), param_hint="--locale") from None
    if result.findings:
        click.echo(format_text(list(result.findings)), nl=False, err=True)
    if any(f.code == REQUIRED_VALUE for f in result.findings):
        # The file would break its format: nothing is written.
        click.echo(f"{source.file}: the {format_name} export would not be valid; nothing written", err=True)
        raise click.exceptions.Exit(EXIT_FINDINGS)
    if output is not None:
        write_output(output, result.text)
    else:
        click.echo(result.text, nl=False)


def _translator(policy: Policy, locale: str | None, locales: Path | None) -> CatalogTranslator | None:
    """The translations into `locale`, or None for the policy's own language."""
    from policykit.errors import CatalogError, UnknownLocaleError
    from policykit.i18n.translator import translator_for

    try:
        return translator_for(policy, locale, locales=locales)
    except UnknownLocaleError as error:
        raise click.BadParameter(str(error), param_hint="--locale") from None
    except CatalogError as error:
        raise CannotUse(str(error)) from None


def _max_ages(values: tuple[str, ...]) -> dict[str, int]:
    """NAME=SECONDS pairs, each a non-negative integer number of seconds."""
    measured = {}
    for value in values:
        name, sep, seconds = value.rpartition("=")
        if not sep or not name or not seconds.isdigit() or not seconds.isascii():
            raise click.BadParameter(
                f"{value[:60]!r}: expected NAME=SECONDS, e.g. WHMCSLinkID=7776000", param_hint="--max-age"
            )
        measured[name] = int(seconds)
    return measured


def _catalogue(path: str | None) -> Catalogue:
    """The vendor catalogue asked for, else the built-in one."""
    from policykit.catalogue import CatalogueError, bundled, load_catalogue

    try:
        return load_catalogue(path) if path is not None else bundled()
    except CatalogueError as error:
        raise CannotUse(str(error)) from None
