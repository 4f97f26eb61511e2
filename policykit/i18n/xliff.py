"""XLIFF for translation agencies' CAT tools, through translate-toolkit (po2xliff and back).

In: a locale's .po file (export), or an XLIFF file a CAT tool returned and the locale's
catalogue (import). Out: XLIFF 1.1 bytes; or the catalogue with the XLIFF's
translations and states, and what could not be applied.

translate-toolkit converts the units (source, target, notes, `#:` references as
context groups); two things it drops are added here, so that a round trip loses
nothing: the msgctxt, as each trans-unit's `resname` (the resource name CAT tools
show), and the state of a fuzzy entry, `state="needs-review-translation"` (a
translated one is `translated`, approved). Reading back, a unit is fuzzy when its
target is not approved or its state needs review, as translate-toolkit's xliff2po
reads it.

translate-toolkit is an optional dependency (the `cat` extra): `MissingToolkit` says
what to install.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from attrs import frozen
from babel.messages.catalog import Catalog

from policykit.errors import PolicykitError

__all__ = ["Imported", "MissingToolkit", "entries", "export_xliff", "import_xliff"]

_INSTALL = "pip install 'policykit-cookies[cat]'"


class MissingToolkit(PolicykitError):
    """translate-toolkit is not installed."""


def _toolkit() -> None:
    try:
        import translate.convert.po2xliff  # noqa: F401
    except ImportError:
        raise MissingToolkit(f"XLIFF needs translate-toolkit, which is not installed: {_INSTALL}") from None


def export_xliff(po_file: Path) -> bytes:
    """The XLIFF of a .po file: every unit with its msgctxt, notes, references and state."""
    _toolkit()
    from lxml import etree  # type: ignore[import-untyped]
    from translate.convert.po2xliff import po2xliff
    from translate.storage import po

    store = po.pofile.parsefile(str(po_file))  # type: ignore[no-untyped-call]
    store.units = [u for u in store.units if not u.isobsolete()]  # what the policy no longer has
    units = [u for u in store.units if not u.isblank()]
    data: bytes = po2xliff().convertstore(store)  # type: ignore[no-untyped-call]
    root = etree.fromstring(data)
    namespace = root.nsmap.get(None, "")
    trans = list(root.iter(f"{{{namespace}}}trans-unit"))
    if len(trans) != len(units):  # one trans-unit per unit, in order, is what po2xliff writes
        raise PolicykitError(f"{po_file}: po2xliff wrote {len(trans)} units for {len(units)} entries")
    for element, unit in zip(trans, units, strict=True):
        if unit.isheader():
            continue
        context = unit.getcontext()
        if context:
            element.set("resname", context)
        target = element.find(f"{{{namespace}}}target")
        if target is not None and unit.target:
            target.set("state", "needs-review-translation" if unit.isfuzzy() else "translated")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8")) + b"\n"


@frozen
class Imported:
    """What an import did to one catalogue."""

    locale: str | None  # the XLIFF's target-language
    updated: int  # entries whose translation or state changed
    unknown: tuple[tuple[str | None, str], ...]  # units the catalogue has no entry for


def _units(data: bytes) -> tuple[str | None, list[tuple[str | None, str, str, bool]]]:
    from translate.convert.xliff2po import xliff2po
    from translate.storage import xliff

    store = xliff.xlifffile.parsestring(data)  # type: ignore[no-untyped-call]
    language = store.gettargetlanguage()
    found = []
    for unit in store.units:
        if unit.isheader() or unit.getrestype() == "x-gettext-domain-header":
            continue
        entry = xliff2po.converttransunit(unit)  # type: ignore[no-untyped-call]
        state = unit.xmlelement.find(unit.namespaced("target"))
        review = state is not None and str(state.get("state", "")).startswith("needs-review")
        fuzzy = bool(entry.target) and (bool(entry.isfuzzy()) or review)
        context = unit.xmlelement.get("resname") or None
        found.append((context, str(entry.source), str(entry.target or ""), fuzzy))
    return (str(language).replace("-", "_") if language else None), found


def import_xliff(data: bytes, catalog: Catalog) -> Imported:
    """Apply the XLIFF's translations and states to `catalog` (in place). Raises
    PolicykitError for a file that is no XLIFF translate-toolkit reads."""
    _toolkit()
    try:
        language, units = _units(data)
    except Exception as error:  # lxml and translate-toolkit raise many kinds on bad input
        raise PolicykitError(f"not an XLIFF file translate-toolkit reads: {str(error)[:200]}") from None
    updated = 0
    unknown: list[tuple[str | None, str]] = []
    for context, source, target, fuzzy in units:
        message = catalog.get(source, context=context)
        if message is None or isinstance(message.string, (list, tuple)):
            unknown.append((context, source))
            continue
        before = (message.string, message.fuzzy)
        message.string = target
        if fuzzy:
            message.flags.add("fuzzy")
        else:
            message.flags.discard("fuzzy")
            message.previous_id = []
        updated += (message.string, message.fuzzy) != before
    return Imported(language, updated, tuple(unknown))


def entries(catalog: Catalog) -> Iterable[tuple[str | None, str, str, bool]]:
    """(msgctxt, msgid, msgstr, fuzzy) of each entry: what a round trip must keep."""
    for message in catalog:
        if message.id and not isinstance(message.id, (list, tuple)):
            yield message.context, str(message.id), str(message.string or ""), bool(message.fuzzy)
