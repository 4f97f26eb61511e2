"""gettext catalogues on disk: the policy's (in the policy's locales/ folder) and the
package's own (the template strings), read, written, merged, compiled and counted.

In: a locales directory (`<dir>/<locale>/LC_MESSAGES/<domain>.po`, `<dir>/<domain>.pot`),
a Policy for extraction. Out: Babel Catalog objects, files written atomically, and
per-locale counts.

Layout:
- the policy's strings: domain `policy`, in the locales/ folder that belongs to the policy;
- the template strings ("Name", "Lifetime", "Page {page} of {pages}"...): domain
  `policykit`, shipped inside the package (policykit/i18n/catalogs/) for some locales;
  a project may carry its own `<locale>/LC_MESSAGES/policykit.po`, which then wins
  (ui_catalog_file).
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
from policykit.findings import excerpt
from policykit.i18n import contexts, previous
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
    "catalog_bytes",
    "catalog_path",
    "locales_in",
    "lookup",
    "merge",
    "mo_bytes",
    "policy_strings",
    "policy_template",
    "read_catalog",
    "stats",
    "ui_catalog_file",
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

# The template strings have no date of their own: the date they last changed, kept by
# hand (bump it with them). Fixed, so the same strings write the same .pot, byte for byte.
_UI_STRINGS_DATE = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
_UI_REPORT_TO = "https://pypi.org/project/policykit-cookies/"
# What Babel writes when told nothing: never left in a header policykit writes.
_BABEL_PLACEHOLDERS = ("PROJECT", "VERSION", "FIRST AUTHOR", "EMAIL@ADDRESS", "ORGANIZATION", "LL@li.org")
_GENERATED_BY = re.compile(rb'"Generated-By: Babel [^"\\]*\\n"')


def catalog_path(locales: Path, locale: str, domain: str) -> Path:
    """Where the catalogue of `domain` (policy or policykit) for `locale` is: locales/LOCALE/LC_MESSAGES/DOMAIN.po."""
    return locales / locale / "LC_MESSAGES" / f"{domain}.po"


def ui_catalog_file(locales: Path | None, locale: str) -> Path:
    """The template strings' catalogue that render, build, stats and check all read for
    `locale`: the project's own `<locales>/<locale>/LC_MESSAGES/policykit.po` if it
    exists, else the package's. When neither exists, the project's (where `i18n update`
    starts one), so that what reports the gap names a file the user can write."""
    package = catalog_path(PACKAGE_CATALOGS, locale, UI_DOMAIN)
    if locales is None:
        return package
    project = catalog_path(locales, locale, UI_DOMAIN)
    return project if project.is_file() or not package.is_file() else package


def locales_in(locales: Path, domain: str) -> list[str]:
    """The locales that have a catalogue of `domain` under `locales`, sorted. Raises
    UnknownLocaleError, naming the folder, for one whose name is no locale CLDR knows
    (`nl_XX/`): a catalogue there would be read for no reader."""
    from policykit.errors import UnknownLocaleError
    from policykit.i18n.values import normalize_locale

    if not locales.is_dir():
        return []
    found = sorted(p.name for p in locales.iterdir() if catalog_path(locales, p.name, domain).is_file())
    for name in found:
        try:
            valid = normalize_locale(name) == name
        except UnknownLocaleError:
            valid = False
        if not valid:
            raise UnknownLocaleError(
                f"{locales / name}: the folder's name {name!r} is not a locale CLDR knows, written as "
                "a catalogue folder is ('nl', 'pt_BR'); rename it or move it out of the locales folder"
            )
    return found


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    """Raises CatalogError for a file that is missing, unreadable or not valid gettext."""
    try:
        with path.open("rb") as handle:
            data = handle.read()
        _check_strings(path, data)
        catalog = read_po(io.BytesIO(data), locale=locale, abort_invalid=True)
    except PoFileError as error:
        raise CatalogError(
            path, f"not valid gettext: {_capped(str(error).rsplit(' on ', 1)[0])}", error.lineno + 1
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise CatalogError(path, f"cannot be read: {error}") from None
    except LookupError as error:  # the header's charset names no codec Python has
        raise CatalogError(path, f"cannot be read: the header's charset is not known ({error})", 1) from None
    except AttributeError:  # Babel fails so on a header date it cannot parse (a folded line, a typo)
        message = "its header cannot be read: POT-Creation-Date or PO-Revision-Date is not a date such as "
        raise CatalogError(path, message + "'2025-01-01 10:00+0000' on one line", 1) from None
    previous.repair_comments(catalog)  # `#|` lines, which Babel reads as comments
    return catalog


def catalog_bytes(catalog: Catalog, *, width: int = 79, basepath: str | None = None) -> bytes:
    """The .po (or .pot) file of `catalog`: previous msgids as `#|` lines as msgmerge
    writes them, and with `basepath` the X-Poedit-Basepath header (the folder the `#:`
    references are relative to, from the file's own folder)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=width, sort_output=False, include_previous=True, omit_header=False)
    # Babel stamps its own version; the same catalogue must give the same bytes everywhere.
    content = _GENERATED_BY.sub(lambda _: b'"Generated-By: policykit\\n"', buffer.getvalue(), count=1)
    content = previous.write_previous(content, catalog, width)
    return previous.add_basepath(content, basepath) if basepath is not None else content


_KEYWORD_LINE = re.compile(r"(?:#~\s*)?(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(\".*)\Z")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"\Z')
_MAX_SHOWN = 200


def _capped(text: str) -> str:
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _check_strings(path: Path, data: bytes) -> None:
    """A string that is not closed: Babel reads `msgid "unterminated` as 'unterminate'
    and goes on; msgfmt refuses it. The whole line is quoted in the error."""
    for number, raw in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
        line = raw.strip()
        keyword = _KEYWORD_LINE.match(line)
        quoted = (
            keyword.group(1)
            if keyword
            else (line.removeprefix("#~").strip() if line.startswith(('"', '#~ "')) else None)
        )
        if quoted is not None and not _QUOTED.match(quoted):
            raise CatalogError(
                path, f"not valid gettext: the string is not closed with a quote: {excerpt(line, _MAX_SHOWN)}", number
            )


def write_catalog(path: Path, catalog: Catalog, *, width: int = 79, basepath: str | None = None) -> None:
    """Write `catalog` to `path` atomically (catalog_bytes)."""
    write_atomic(path, catalog_bytes(catalog, width=width, basepath=basepath), make_parents=True)


def mo_bytes(catalog: Catalog) -> bytes:
    """The compiled .mo of `catalog` (fuzzy entries left out, as msgfmt)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def write_mo_file(path: Path, catalog: Catalog) -> None:
    """Write the .mo of `catalog` to `path` atomically."""
    write_atomic(path, mo_bytes(catalog))


def _header_comment(project: str, source: str) -> str:
    return f"# Translations of {project}.\n# Written by policykit from {source}; translators, add your name below.\n#"


def _policy_header(policy: Policy) -> dict[str, object]:
    """The header a policy's catalogues carry: its own title, version, contact and date."""
    meta = policy.meta
    contact = meta.controller.contact or meta.website or ""
    return {
        "project": meta.title or meta.website or "cookie policy",
        "version": meta.version or meta.last_modified.date().isoformat(),
        "msgid_bugs_address": contact,
        "creation_date": meta.last_modified,
        "revision_date": meta.last_modified,
        "header_comment": _header_comment(meta.title, "the policy file"),
        "language_team": meta.controller.organisation or meta.website or meta.title,
    }


def _ui_header() -> dict[str, object]:
    from policykit.version import __version__

    return {
        "project": "policykit",
        "version": __version__,
        "msgid_bugs_address": _UI_REPORT_TO,
        "creation_date": _UI_STRINGS_DATE,
        "revision_date": _UI_STRINGS_DATE,
        "header_comment": _header_comment("policykit's template strings", "policykit.i18n.strings"),
        "language_team": "policykit translators",
    }


def _new_catalog(domain: str, locale: str | None = None, header: dict[str, object] | None = None) -> Catalog:
    # Fixed dates from the policy (or the template strings): the same input writes the same .pot.
    fields = header if header is not None else (_ui_header() if domain == UI_DOMAIN else {})
    catalog = Catalog(locale=locale, domain=domain, charset="utf-8", fuzzy=False, last_translator="")
    _fill_header(catalog, fields, force=True)
    if catalog.locale is not None and fields.get("language_team"):
        catalog.language_team = f"{catalog.locale.english_name}, {fields['language_team']}"
    language = (locale or "").replace("-", "_").split("_")[0]
    if language in PLURAL_FORMS:
        catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS[language])]
    return catalog


def _template_header(template: Catalog) -> dict[str, object]:
    return {
        "project": template.project,
        "version": template.version,
        "msgid_bugs_address": template.msgid_bugs_address,
        "creation_date": template.creation_date,
        "revision_date": template.creation_date,
        "header_comment": template.header_comment,
        "language_team": template.language_team,
    }


def _fill_header(catalog: Catalog, fields: dict[str, object], *, force: bool) -> None:
    """Set the header from `fields`. Without `force`, keep what translators wrote: only
    the project's own fields, and Babel's placeholders, are replaced."""
    own = ("project", "version", "msgid_bugs_address", "creation_date")
    for name, value in fields.items():
        current = catalog.header_comment if name == "header_comment" else getattr(catalog, name, None)
        placeholder = current is None or any(mark in str(current) for mark in _BABEL_PLACEHOLDERS)
        if name == "revision_date" and isinstance(current, dt.datetime):
            placeholder = current.year == 2000  # Babel's and policykit's old fixed date
        if force or name in own or placeholder:
            setattr(catalog, name, value)
    if any(mark in str(catalog.last_translator) for mark in _BABEL_PLACEHOLDERS):
        catalog.last_translator = ""


def policy_template(policy: Policy, source: Source, reference: str) -> Catalog:
    """The .pot of a policy: every string, with its msgctxt and `#: file:line`, and a
    header from the policy (title, version, contact, last change)."""
    catalog = _new_catalog(POLICY_DOMAIN, header=_policy_header(policy))
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
    header = _template_header(template)
    if existing is None:
        catalog = _new_catalog(template.domain or POLICY_DOMAIN, locale, header)
    else:
        catalog = existing
        _fill_header(catalog, header, force=False)
    _migrate_legacy_contexts(catalog, template)
    hints = {(m.context, str(m.id)): m.previous_id for m in catalog if m.id and m.fuzzy and m.previous_id}
    catalog.update(template, update_header_comment=False, keep_user_comments=True, update_creation_date=True)
    for message in catalog:
        if message.id and not message.fuzzy:
            message.previous_id = []  # a hint is only for an entry still to review, as msgmerge
        elif message.id and not message.previous_id:
            message.previous_id = hints.get((message.context, str(message.id)), [])  # still fuzzy: kept
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
    """How many of the wanted strings a catalogue translates, marks fuzzy, or lacks; two add up."""

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
    """The policy's translatable strings, as (msgctxt, msgid) pairs in file order."""
    return [(message.context, message.text) for message in policy_messages(policy)]


def ui_strings() -> list[tuple[str | None, str]]:
    """The template strings (headings, labels, clause words), as (msgctxt, msgid) pairs."""
    return list(TEMPLATE_STRINGS.items())
