"""`policykit catalogue`: what vendors document about their cookies, looked up, and the
Open Cookie Database imported into the catalogue's format.

In: a cookie name (`lookup`), or the Open Cookie Database's CSV or EDPB JSON
(`import`), and optionally another catalogue (`--catalogue FILE` or folder).
Out: the matching entries with their sources, as text or JSON, and exit 0 (found) or
1 (nothing known); for `import`, a catalogue YAML file written atomically, and on stderr
how many rows imported cleanly and each other row with its reason.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from policykit.cli.common import CannotUse, quiet_option, write_output
from policykit.findings import excerpt

__all__ = ["catalogue"]


def _catalogue(path: str | None) -> object:
    from policykit.catalogue import CatalogueError, bundled, load_catalogue

    try:
        return load_catalogue(path) if path is not None else bundled()
    except CatalogueError as error:
        raise CannotUse(str(error)) from None


@click.group()
def catalogue() -> None:
    """The built-in catalogue of vendor facts: look a cookie up, import the Open Cookie Database."""


_ROLE_WORDS = {
    "first-party": "the site's own software",
    "third-party": "an independent controller (a third party)",
    "processor": "a processor",
}


def _entity(name: str, entity_id: str, role: str, country: str | None) -> str:
    """`Google LLC (google), a processor, country US`."""
    where = f", country {country}" if country else ", country not stated"
    return f"{name} ({entity_id}), {_ROLE_WORDS[role]}{where}"


def _say(text: str, *, err: bool = False) -> None:
    """One line for a terminal: names, purposes and notes come from data files and the
    command line, so control and bidi characters are shown as escapes, never run."""
    from policykit.findings import terminal_safe

    click.echo(terminal_safe(text), err=err)


@catalogue.command()
@click.argument("name")
@click.option(
    "--catalogue",
    "catalogue_path",
    default=None,
    type=click.Path(exists=False),
    help="Another catalogue (a YAML file or a folder of them).",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Every entry that matches, best first, not only the best.")
def lookup(name: str, catalogue_path: str | None, output_format: str, show_all: bool) -> None:
    """What the catalogue knows about the cookie NAME (`_ga_ABC123` matches `_ga_*`), with the source."""
    from policykit.catalogue import Catalogue
    from policykit.syntax import format_lifetime

    known = _catalogue(catalogue_path)
    assert isinstance(known, Catalogue)
    found = known.matches(name)
    shown = found if show_all else found[:1]
    if output_format == "json":
        click.echo(
            json.dumps({"name": name, "matches": [entry.to_dict() for entry in shown]}, indent=2, ensure_ascii=False)
        )
    elif not shown:
        _say(f"{name}: not in the catalogue", err=True)
    for entry in shown if output_format == "text" else ():
        lifetime = format_lifetime(entry.lifetime)
        if entry.renewed:
            lifetime += ", renewed on each visit"
        if entry.configurable is not None:
            lifetime += f" (the site may set up to {format_lifetime(entry.configurable)})"
        vendor = entry.vendor
        _say(f"{name}: {entry.reference} ({entry.service_name})")
        role = entry.effective_role.value
        _say(f"    vendor: {_entity(vendor.name, vendor.id, role, vendor.country)}")
        for region, entity in entry.entities:
            _say(f"    in the {region.upper()}: {_entity(entity.name, entity.id, role, entity.country)}")
        if entry.role_note:
            _say(f"    role: {entry.role_note}")
        if entry.role_source is not None:
            _say(f"    role source: {entry.role_source.describe()}")
        _say(f"    category: {entry.category.value}")
        _say(f"    lifetime: {lifetime}")
        _say(f"    domain: {entry.domain.value}; storage: {entry.storage.value}")
        _say(f"    purpose: {entry.purpose}")
        _say(f"    source: {entry.provenance.describe()}")
        if entry.provenance.quote:
            _say(f"    quote: {entry.provenance.quote}")
        if entry.note:
            _say(f"    note: {entry.note}")
    if not shown:
        raise click.exceptions.Exit(1)


@catalogue.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The catalogue YAML file to write.",
)
@click.option(
    "--read",
    "read",
    default=None,
    metavar="DATE",
    help="The date the facts were read, written into every entry (default: today). Give it to get the same "
    "bytes from the same input on any day.",
)
@quiet_option
def import_(file: Path, output: Path, read: str | None, quiet: bool) -> None:
    """Import the Open Cookie Database (its CSV, or its EDPB JSON) as a catalogue file.

    Retention periods become exact lifetimes or are reported as not known; rows that
    do not import cleanly are listed on stderr with their reasons."""
    from policykit.catalogue.ocd import OcdError, import_catalogue

    try:
        day = dt.date.fromisoformat(read) if read is not None else None
    except ValueError:
        message = f"expected a date such as 2026-11-26, got {excerpt(read)}"
        raise click.BadParameter(message, param_hint="--read") from None
    try:
        result = import_catalogue(file, read=day)
    except OcdError as error:
        raise CannotUse(str(error)) from None
    write_output(output, result.yaml)
    for problem in result.problems:
        _say(f"{file}:{problem.line}: {problem.name}: {problem.reason}", err=True)
    _say(
        f"{file}: {result.clean} of {result.total} rows imported cleanly, {result.total - result.clean} with problems "
        f"listed above ({result.written} entries written to {output})",
        err=True,
    )
