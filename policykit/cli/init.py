"""`policykit init [DIR]`: start a project a legal writer can edit and check at once.

In: a folder and the site's details (asked at a terminal, else taken from --controller
(or --name), --address, --website and --contact, or left as the examples of
data/scaffold/placeholders.yaml, which `check` reports until they are replaced).
Out: DIR/policykit.toml, DIR/policy.yaml (the usual articles, with the schema modeline),
DIR/policy.schema.json, and DIR/locales/policy.pot, each written atomically. Nothing
that exists is overwritten. Given real details, the scaffold passes `policykit check`;
its articles are generated clauses, so it stays true as cookies are added.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from policykit.cli.common import CannotUse, write_output

__all__ = ["init"]

CONFIG = """\
# policykit project settings; `policykit build` here reads them.
policy = "policy.yaml"
locales = "locales"
output = "site"
# languages = ["nl", "de"]    # the locales to build (default: every catalogue in locales/)
# profile = ["gdpr"]          # check profiles; also possible in the policy's meta
"""


def _yaml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


@click.command()
@click.argument("folder", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--controller", "--name", "name", help="The organisation responsible for the website (the controller).")
@click.option("--website", help="The website's address, such as https://www.zapateria.es/.")
@click.option("--address", "address", help="The controller's postal address.")
@click.option("--contact", help="An e-mail address for privacy questions.")
@click.option("--language", default="en", show_default=True, help="The language the policy is written in.")
def init(
    folder: Path, name: str | None, website: str | None, address: str | None, contact: str | None, language: str
) -> None:
    """Start a policykit project in FOLDER (default: the current one)."""
    from policykit.errors import UnknownLocaleError
    from policykit.i18n import catalogs
    from policykit.i18n.values import normalize_locale
    from policykit.load import LoadError, loads_with_source
    from policykit.resources import data_dir

    try:
        normalize_locale(language)
    except UnknownLocaleError as error:
        raise click.BadParameter(str(error), param_hint="--language") from None
    files = {name_: folder / name_ for name_ in ("policykit.toml", "policy.yaml", "policy.schema.json")}
    existing = [str(path) for path in files.values() if path.exists()]
    if existing:
        raise CannotUse(f"{', '.join(existing)}: already there; policykit init changes nothing that exists")
    from policykit.rules.placeholders import placeholders

    example = placeholders()  # `check` reports each one left in the policy (PK410-PK412)
    if sys.stdin.isatty():
        name = name or click.prompt("Organisation responsible for the website", default=example["organisation"])
        website = website or click.prompt("Website", default=example["website"])
        address = address or click.prompt("Postal address", default=example["address"])
        contact = contact or click.prompt("E-mail address for privacy questions", default=example["contact"])
    template = (data_dir() / "scaffold" / "policy.yaml").read_text(encoding="utf-8")
    values = {
        "NAME": name or example["organisation"],
        "WEBSITE": website or example["website"],
        "ADDRESS": address or example["address"],
        "CONTACT": contact or example["contact"],
        "LANGUAGE": language,
        # The moment with its own offset: a local date with +00:00 would be hours ahead in UTC+14.
        "NOW": dt.datetime.now().astimezone().replace(microsecond=0).isoformat(),
        "TODAY": dt.date.today().isoformat(),
    }
    policy_text = template
    for key, value in values.items():
        policy_text = policy_text.replace(f"@{key}@", _yaml_string(value)[1:-1])
    try:
        policy, source = loads_with_source(policy_text, str(files["policy.yaml"]))
    except LoadError as error:  # a --website that is no URL, an address the format refuses...
        raise CannotUse(error.findings[0].message) from None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CannotUse(f"{folder}: cannot create: {error.strerror or error}") from None
    write_output(files["policykit.toml"], CONFIG)
    write_output(files["policy.yaml"], policy_text)
    write_output(files["policy.schema.json"], (data_dir() / "policy.schema.json").read_text(encoding="utf-8"))
    catalogs.write_catalog(  # references from the project's root, which Poedit finds by the base path
        folder / "locales" / "policy.pot", catalogs.policy_template(policy, source, "policy.yaml"), basepath=".."
    )
    click.echo(f"started a policykit project in {folder}: policykit.toml, policy.yaml, locales/", err=True)
    click.echo("next: edit policy.yaml, then `policykit check` and `policykit build`", err=True)
