"""Exports: a policy's cookies in the formats other tools read.

In: a Policy (and, for the consent-banner formats, a locale and its translations).
Out: an Export, the file's text and the findings of what the format could not say.
One module per format; FORMATS is the registry, `export()` the one entry point.

`cookies_json` writes the site's own cookie catalogue, cookies.json, a contract of its
own (docs/cookies-json.md) that every build publishes; it is not one of FORMATS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from attrs import frozen

from policykit.errors import PolicykitError
from policykit.exports.common import Export

if TYPE_CHECKING:
    from policykit.document import Translator
    from policykit.model import Policy
    from policykit.source import Source

__all__ = ["FORMATS", "Export", "ExportFormat", "Options", "UnknownFormatError", "export"]


@frozen
class Options:
    """What an export is asked for besides the policy: the locales of the consent tools
    (each with its translator; None: the policy's own language), the policy's address
    ("{locale}" for each locale) and where the findings are placed."""

    locales: tuple[tuple[str | None, Translator | None], ...] = ((None, None),)
    policy_url: str | None = None
    source: Source | None = None


@frozen
class ExportFormat:
    """One export format: its name, usual file ending, summary and builder."""

    name: str
    suffix: str  # the usual file name ending
    summary: str
    localized: bool  # whether --locale changes it
    build: Callable[[Policy, Options], Export]


class UnknownFormatError(PolicykitError, ValueError):
    """An export format policykit does not have."""


def _tcf(policy: Policy, options: Options) -> Export:
    from policykit.exports.tcf import export_tcf

    return export_tcf(policy, options.source)  # cookieRefresh from the built-in vendor catalogue


def _ocd_csv(policy: Policy, options: Options) -> Export:
    from policykit.exports.ocd_csv import export_ocd_csv

    return export_ocd_csv(policy, options.source)


def _edpb_wat(policy: Policy, options: Options) -> Export:
    from policykit.exports.edpb_wat import export_edpb_wat

    return export_edpb_wat(policy, options.source)


def _klaro(policy: Policy, options: Options) -> Export:
    from policykit.exports.klaro import export_klaro

    return export_klaro(policy, locales=options.locales, policy_url=options.policy_url, source=options.source)


def _cookieconsent(policy: Policy, options: Options) -> Export:
    from policykit.exports.cookieconsent import export_cookieconsent

    return export_cookieconsent(policy, locales=options.locales, policy_url=options.policy_url)


FORMATS: Mapping[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("tcf", ".json", "IAB Europe TCF Device Storage Disclosure (JSON)", False, _tcf),
        ExportFormat("ocd-csv", ".csv", "Open Cookie Database rows (CSV)", False, _ocd_csv),
        ExportFormat("edpb-wat", ".json", "EDPB Website Auditing Tool knowledge base (JSON)", False, _edpb_wat),
        ExportFormat("klaro", ".js", "Klaro! config (a script that sets klaroConfig)", True, _klaro),
        ExportFormat("cookieconsent", ".mjs", "orestbida cookieconsent v3 config (an ES module)", True, _cookieconsent),
    )
}


def export(
    policy: Policy,
    format_name: str,
    locale: str | None = None,
    translator: Translator | None = None,
    source: Source | None = None,
    *,
    locales: Sequence[tuple[str | None, Translator | None]] | None = None,
    policy_url: str | None = None,
) -> Export:
    """The policy in `format_name` (a key of FORMATS). The consent tools' formats are in
    `locale` (with its `translator`), or in every one of `locales`, the first the
    default. Findings are placed in `source`. An unknown format is an UnknownFormatError."""
    chosen = FORMATS.get(format_name)
    if chosen is None:
        raise UnknownFormatError(f"no export format {format_name!r}; the formats: {', '.join(FORMATS)}")
    asked = tuple(locales) if locales else ((locale, translator),)
    return chosen.build(policy, Options(asked, policy_url, source))
