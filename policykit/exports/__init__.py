"""Exports: a policy's cookies in the formats other tools read.

In: a Policy (and, for the consent-banner formats, a locale and its translations).
Out: an Export, the file's text and the findings of what the format could not say.
One module per format; FORMATS is the registry, `export()` the one entry point.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from attrs import frozen

from policykit.exports.common import Export

if TYPE_CHECKING:
    from policykit.document import Translator
    from policykit.model import Policy
    from policykit.source import Source

__all__ = ["FORMATS", "Export", "ExportFormat", "export"]


@frozen
class ExportFormat:
    name: str
    suffix: str  # the usual file name ending
    summary: str
    localized: bool  # whether --locale changes it
    build: Callable[[Policy, str | None, Translator | None, Source | None], Export]


def _tcf(policy: Policy, locale: str | None, translator: Translator | None, source: Source | None) -> Export:
    from policykit.exports.tcf import export_tcf

    return export_tcf(policy, source)  # cookieRefresh from the built-in vendor catalogue


def _ocd_csv(policy: Policy, locale: str | None, translator: Translator | None, source: Source | None) -> Export:
    from policykit.exports.ocd_csv import export_ocd_csv

    return export_ocd_csv(policy, source)


def _edpb_wat(policy: Policy, locale: str | None, translator: Translator | None, source: Source | None) -> Export:
    from policykit.exports.edpb_wat import export_edpb_wat

    return export_edpb_wat(policy, source)


def _klaro(policy: Policy, locale: str | None, translator: Translator | None, source: Source | None) -> Export:
    from policykit.exports.klaro import export_klaro

    return export_klaro(policy, locale, translator)


def _cookieconsent(policy: Policy, locale: str | None, translator: Translator | None, source: Source | None) -> Export:
    from policykit.exports.cookieconsent import export_cookieconsent

    return export_cookieconsent(policy, locale, translator)


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
) -> Export:
    """The policy in `format_name` (a key of FORMATS). Findings are placed in `source`."""
    return FORMATS[format_name].build(policy, locale, translator, source)
