"""gettext catalogues on disk: the policy's (in the policy's locales/ folder) and the
package's own (the template strings), read, written, merged, compiled and counted.

In: a locales directory (`<dir>/<locale>/LC_MESSAGES/<domain>.po`, `<dir>/<domain>.pot`),
a Policy for extraction. Out: Babel Catalog objects, files written atomically, and
per-locale counts.

Layout:
- the policy's strings: domain `policy`, in the locales/ folder that belongs to the policy;
- the template strings ("Name", "Lifetime", "Page {page} of {pages}"...): domain
  `policykit`, shipped inside the package (policykit/i18n/catalogs/).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from pathlib import Path

from attrs import frozen
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po

from policykit import inline
from policykit.atomic import write_atomic
from policykit.errors import CatalogError
from policykit.i18n import contexts
from policykit.i18n.messages import message_line, policy_messages
from policykit.i18n.strings import TEMPLATE_STRINGS
from policykit.model import Policy
from policykit.source import Source

__all__ = [
    "PACKAGE_CATALOGS",
    "PLURAL_FORMS",
    "POLICY_DOMAIN",
    "UI_DOMAIN",
    "CatalogError",
    "CatalogStats",
    "catalog_path",
    "locales_in",
    "lookup",
    "merge",
    "policy_strings",
    "policy_template",
    "read_catalog",
    "stats",
    "ui_strings",
    "ui_template",
    "write_catalog",
    "write_mo_file",
]

POLICY_DOMAIN = "policy"
UI_DOMAIN = "policykit"
PACKAGE_CATALOGS = Path(__file__).resolve().parent / "catalogs"

# Plural-Forms per language, in CLDR's category order (zero, one, two, few, many,
# other, keeping those the language has), as GNU gettext writes them. Kept here, not
# taken from Babel: Babel 2.18 orders Arabic's forms 4 and 5 wrongly (babel issue 816).
PLURAL_FORMS = {
    "en": "nplurals=2; plural=(n != 1);",
    "nl": "nplurals=2; plural=(n != 1);",
    "de": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "ar": ("nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"),
}

_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_GENERATED_BY = re.compile(rb'"Generated-By: Babel [^"\\]*\\n"')


def catalog_path(locales: Path, locale: str, domain: str) -> Path:
    return locales / locale / "LC_MESSAGES" / f"{domain}.po"


def locales_in(locales: Path, domain: str) -> list[str]:
    """The locales that have a catalogue of `domain` under `locales`, sorted."""
    if not locales.is_dir():
        return []
    return sorted(p.name for p in locales.iterdir() if catalog_path(locales, p.name, domain).is_file())


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    """Raises CatalogError for a file that is missing, unreadable or not valid gettext."""
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=locale, abort_invalid=True)
    except PoFileError as error:
        raise CatalogError(path, f"not valid gettext: {str(error).rsplit(' on ', 1)[0]}", error.lineno + 1) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise CatalogError(path, f"cannot be read: {error}") from None


def write_catalog(path: Path, catalog: Catalog, *, width: int = 79) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=width, sort_output=False, include_previous=True, omit_header=False)
    # Babel stamps its own version; the same catalogue must give the same bytes everywhere.
    write_atomic(path, _GENERATED_BY.sub(lambda _: b'"Generated-By: policykit\\n"', buffer.getvalue(), count=1))


def write_mo_file(path: Path, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    write_atomic(path, buffer.getvalue())


def _new_catalog(domain: str, locale: str | None = None) -> Catalog:
    # Fixed dates: the same input writes the same .pot, byte for byte.
    catalog = Catalog(
        locale=locale,
        domain=domain,
        project="policykit" if domain == UI_DOMAIN else "cookie policy",
        version=None,
        creation_date=_EPOCH,
        revision_date=_EPOCH,
        charset="utf-8",
        fuzzy=False,
    )
    language = (locale or "").replace("-", "_").split("_")[0]
    if language in PLURAL_FORMS:
        catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS[language])]
    return catalog


def policy_template(policy: Policy, source: Source, reference: str) -> Catalog:
    """The .pot of a policy: every string, with its msgctxt and `#: file:line`."""
    catalog = _new_catalog(POLICY_DOMAIN)
    for message in policy_messages(policy):
        catalog.add(
            message.text,
            context=message.context,
            locations=[(reference, message_line(source, message))],
            auto_comments=[message.note],
        )
    return catalog


def ui_template() -> Catalog:
    """The .pot of the template strings. msgctxt is the key, msgid the English text."""
    catalog = _new_catalog(UI_DOMAIN)
    for key, text in TEMPLATE_STRINGS.items():
        names = sorted(set(inline.placeholders(text)))
        comments = ["placeholders: " + ", ".join(names)] if names else []
        catalog.add(text, context=key, auto_comments=comments)
    return catalog


def merge(template: Catalog, existing: Catalog | None, locale: str) -> Catalog:
    """The catalogue for `locale` after the template changed, as msgmerge and Babel's
    Catalog.update() make it, losing no translation:

    - same msgctxt and msgid: kept as it is;
    - otherwise, a translation of a similar source text (difflib, as Babel): kept,
      marked fuzzy, with the old source as `#| msgid` for the translator;
    - no longer in the template: kept as obsolete (`#~`).

    Before that, entries under the old positional contexts (contexts.LEGACY) whose
    source text is unchanged move to their new context as they are, so catalogues
    written before stable contexts migrate without a single fuzzy entry.
    """
    catalog = existing if existing is not None else _new_catalog(template.domain or POLICY_DOMAIN, locale)
    _migrate_legacy_contexts(catalog, template)
    catalog.update(template, update_header_comment=False, keep_user_comments=True, update_creation_date=True)
    for message in catalog:
        if message.id and not message.fuzzy:
            message.previous_id = []  # a hint is only for an entry still to review
    return catalog


def _migrate_legacy_contexts(catalog: Catalog, template: Catalog) -> None:
    waiting: dict[str, list[str | None]] = {}  # msgid -> template contexts not in `catalog` yet
    for message in template:
        if message.id and catalog.get(message.id, context=message.context) is None:
            waiting.setdefault(str(message.id), []).append(message.context)
    for message in list(catalog):
        if not message.id or not message.context or not contexts.LEGACY.fullmatch(message.context):
            continue
        targets = waiting.get(str(message.id))
        if targets:
            catalog.delete(message.id, context=message.context)
            message.context = targets.pop(0)
            catalog[message.id] = message


def lookup(catalog: Catalog | None, context: str | None, text: str) -> tuple[str, Message | None]:
    """("translated" | "fuzzy" | "untranslated", the entry): the one test that render,
    build, stats and check all use, so that they never disagree."""
    message = catalog.get(text, context=context) if catalog is not None else None
    if message is None:
        return "untranslated", None
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    if message.fuzzy:
        return "fuzzy", message
    return ("translated" if all(strings) else "untranslated"), message


@frozen
class CatalogStats:
    translated: int
    fuzzy: int
    untranslated: int

    def __add__(self, other: CatalogStats) -> CatalogStats:
        return CatalogStats(
            self.translated + other.translated, self.fuzzy + other.fuzzy, self.untranslated + other.untranslated
        )


def stats(catalog: Catalog | None, wanted: Iterable[tuple[str | None, str]]) -> CatalogStats:
    """Counts over the strings `wanted` ((msgctxt, msgid), the source of truth: the
    policy or the templates), not over what the file happens to hold."""
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for context, text in dict.fromkeys(wanted):
        counts[lookup(catalog, context, text)[0]] += 1
    return CatalogStats(counts["translated"], counts["fuzzy"], counts["untranslated"])


def policy_strings(policy: Policy) -> list[tuple[str | None, str]]:
    return [(message.context, message.text) for message in policy_messages(policy)]


def ui_strings() -> list[tuple[str | None, str]]:
    return list(TEMPLATE_STRINGS.items())
