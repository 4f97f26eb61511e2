"""Translations reused from other catalogues, as msgmerge's `--compendium`.

In: .po files of other projects (each says its language in its `Language` header), and
a merged catalogue of one locale. Out: that catalogue with each string it has no
translation for filled from a compendium of the same locale: translated where msgctxt
and msgid both match (fuzzy if the compendium's entry is), fuzzy where only the msgid
does (the context may give it another meaning). Nothing is ever overwritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from attrs import frozen
from babel.messages.catalog import Catalog, Message

from policykit.findings import Finding, Severity

__all__ = ["Compendia", "fill_from", "read_compendia"]


@frozen
class Compendia:
    """The compendium catalogues read, and a PK510 finding for each that cannot be used."""

    catalogs: tuple[Catalog, ...]
    findings: tuple[Finding, ...]


def read_compendia(files: Sequence[Path]) -> Compendia:
    """Read each file; one with no Language header cannot be matched to a locale."""
    from policykit.errors import CatalogError
    from policykit.i18n.catalogs import read_catalog

    found: list[Catalog] = []
    findings: list[Finding] = []
    for file in files:
        try:
            catalog = read_catalog(file)
        except CatalogError as error:
            findings.append(Finding("PK510", Severity.ERROR, error.message, str(error.path), error.line, 0))
            continue
        if catalog.locale is None:
            message = 'a compendium must name its language in the header ("Language: nl\\n")'
            findings.append(Finding("PK510", Severity.ERROR, message, str(file), 1, 1))
            continue
        found.append(catalog)
    return Compendia(tuple(found), tuple(findings))


def _translated(message: Message | None) -> bool:
    if message is None or not message.id:
        return False
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings)


def fill_from(catalog: Catalog, compendia: Sequence[Catalog], locale: str) -> int:
    """Fill `catalog`'s untranslated entries from the compendia of `locale`; the number filled."""
    own = [c for c in compendia if str(c.locale) == locale]
    if not own:
        return 0
    by_id: dict[object, Message] = {}
    for compendium in own:
        for message in compendium:
            if _translated(message):
                by_id.setdefault(message.id, message)
    filled = 0
    for message in catalog:
        if not message.id or _translated(message):
            continue
        exact = next(
            (m for c in own if _translated(m := c.get(message.id, context=message.context))),
            None,
        )
        found = exact or by_id.get(message.id)
        if found is None or isinstance(found.string, (list, tuple)) != isinstance(message.string, (list, tuple)):
            continue
        message.string = found.string
        if exact is None or found.fuzzy:
            message.flags.add("fuzzy")
        filled += 1
    return filled
