"""Import the Open Cookie Database (https://github.com/jkwakman/Open-Cookie-Database).

In: the database's CSV export (ID, Platform, Category, Cookie / Data Key name, Domain,
Description, Retention period, Data Controller, User Privacy & GDPR Rights Portals,
Wildcard match), or its EDPB Website Auditing Tool JSON. Out: parties and cookies of
the policykit model, or a whole Policy with one article that tables them; or, with
`import_catalogue`, a vendor catalogue file (policykit.catalogue's format) whose every
entry says `source: open-cookie-database`, with a count of the rows that imported
cleanly and each other row with its reason.

Retention periods are free text written by contributors (`read_retention`). What is
taken, exactly:
- a session ("session", "End of session (browser)", "session cookie");
- "<number> <unit>" in any case and plural, with the abbreviations "min(s)", "sec(s)",
  "hr(s)" ("30 mins", "1440 Minutes", "13 months");
- "<duration> after last activity": that duration, renewed on each visit;
- "<duration> by default, modifiable" and "<duration> from set/ update": that
  duration, with a note.
Everything else is not known, and never guessed: "Unknown", "Varies", "undefined" and
the empty text; "forever", "Unlimited", "permanent", "no expiration", "Persistent"
(persistent, for how long not known); "1 hour or longer" and "1 year (... may be
longer)" (persistent, at least the stated duration, which the note keeps: a minimum is
not a lifetime); ranges ("Session to 30 days", "1 week to 1 year"), conditions ("14 days
if you select Remember Me ... Otherwise, Session."), dates ("10 Nov 2030"), "0 days",
misspellings ("Seesion") and words that are no period ("Local Storage", "Awin").

One module because the CSV and JSON exports carry the same rows, read by the same row
reader, and the retention parser is the one piece of free-text reading the import
depends on; the list of accepted and refused wordings above is its specification.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path

from attrs import frozen

from policykit import yamlread
from policykit.errors import PolicykitError
from policykit.findings import excerpt
from policykit.model import (
    Article,
    Cookie,
    CookieTable,
    Lifetime,
    Meta,
    Paragraph,
    Party,
    Persistence,
    Policy,
    Role,
    Unit,
)
from policykit.syntax import format_lifetime, is_web_url

__all__ = [
    "CATALOGUE_CATEGORY",
    "ImportProblem",
    "ImportResult",
    "OcdError",
    "OcdRow",
    "Retention",
    "import_catalogue",
    "ocd_policy",
    "parse_retention",
    "read_edpb",
    "read_ocd",
    "read_retention",
]


class OcdError(PolicykitError):
    """An Open Cookie Database file that cannot be read at all (one line)."""


_CATEGORY = {
    "functional": "functional",
    "personalization": "functional",
    "analytics": "analytics",
    "marketing": "marketing",
    "security": "strictly-necessary",
    "necessary": "strictly-necessary",
}

_UNIT_WORDS = {
    "second": Unit.SECOND, "sec": Unit.SECOND, "secs": Unit.SECOND,
    "minute": Unit.MINUTE, "min": Unit.MINUTE, "mins": Unit.MINUTE,
    "hour": Unit.HOUR, "hr": Unit.HOUR, "hrs": Unit.HOUR,
    "day": Unit.DAY,
    "week": Unit.WEEK,
    "month": Unit.MONTH,
    "year": Unit.YEAR,
}  # fmt: skip

_SPAN = re.compile(r"(?P<amount>\d+)\s*(?P<unit>[a-z]+?)s?")
_SESSION = re.compile(r"(end of )?sessions?( \(browser\))?( cookie)?|browser session|until (the )?browser (is )?closed")
_FOREVER = re.compile(r"forever|unlimited|persistent|permanent|never expires?|no expiry|no expiration")
_UNKNOWN = re.compile(r"unknown|undefined|varies|various|")
_MINIMUM = re.compile(r"(?P<span>.+?)(?: or longer| \(in some countries, the period may be longer\))")
_RENEWED = re.compile(r"(?P<span>.+?) after last activity")
_DEFAULT = re.compile(r"(?P<span>.+?) (?P<how>by default, modifiable|from set/ ?update)")
_RANGE = re.compile(r".+ (?:to|till) .+|.+, .+ or .+|.+ if .+|.+ or \d+ .+")
_DATE = re.compile(r"\d{1,2} [a-z]{3,9} \d{4}|\d{4}-\d{2}-\d{2}")

OcdRow = dict[str, str]


@frozen
class Retention:
    """A retention period as read: the lifetime (exact only when `exact`), whether the
    database says it is renewed on each visit, and a note or the reason it is not exact."""

    lifetime: Lifetime
    exact: bool
    renewed: bool = False
    note: str | None = None


# The lifetime grammar (syntax.parse_lifetime) holds at most six digits: a longer
# amount would be written into a catalogue policykit cannot read back.
_LARGEST_AMOUNT = 999_999
_TOO_LARGE = re.compile(r"[1-9]\d{6,}")


def _span(words: str) -> Lifetime | None:
    match = _SPAN.fullmatch(words)
    if match is None:
        return None
    unit = _UNIT_WORDS.get(match.group("unit"))
    digits = match.group("amount").lstrip("0")
    if len(digits) > len(str(_LARGEST_AMOUNT)):  # before int(): thousands of digits are slow
        return None
    amount = int(digits or "0")
    if unit is None or amount <= 0:
        return None
    return Lifetime.of(amount, unit)


def read_retention(text: str) -> Retention:
    """A retention period of the database read exactly, or said to be not known (see the
    module's docstring for every spelling and how it is read)."""
    words = " ".join(text.lower().split())
    quoted = repr(text.strip())
    if _SESSION.fullmatch(words):
        return Retention(Lifetime.session(), True)
    span = _span(words)
    if span is not None:
        return Retention(span, True)
    if _TOO_LARGE.search(words):
        return Retention(
            Lifetime.not_stated(),
            False,
            note=f"longer than a lifetime can be written (at most {_LARGEST_AMOUNT:,} of a unit): {quoted}",
        )
    if (match := _RENEWED.fullmatch(words)) and (span := _span(match.group("span"))) is not None:
        return Retention(span, True, renewed=True, note=f"the database says {quoted}")
    if (match := _DEFAULT.fullmatch(words)) and (span := _span(match.group("span"))) is not None:
        return Retention(span, True, note=f"the database says {quoted}")
    if _UNKNOWN.fullmatch(words):
        return Retention(Lifetime.not_stated(), False, note=f"not known: the database says {quoted}")
    if _FOREVER.fullmatch(words):
        return Retention(Lifetime(Persistence.PERSISTENT), False, note=f"persistent, for how long not known: {quoted}")
    if (match := _MINIMUM.fullmatch(words)) and (span := _span(match.group("span"))) is not None:
        return Retention(
            Lifetime(Persistence.PERSISTENT),
            False,
            note=f"at least {format_lifetime(span)}, how much longer not known: {quoted}",
        )
    if _RANGE.fullmatch(words):
        return Retention(Lifetime.not_stated(), False, note=f"several lifetimes, not one: {quoted}")
    if _DATE.fullmatch(words):
        return Retention(Lifetime.not_stated(), False, note=f"an expiry date, not a lifetime: {quoted}")
    if (match := _SPAN.fullmatch(words)) and not match.group("amount").strip("0"):
        return Retention(Lifetime.not_stated(), False, note=f"a lifetime of zero is no lifetime: {quoted}")
    return Retention(Lifetime.not_stated(), False, note=f"not a retention period policykit reads: {quoted}")


def parse_retention(text: str) -> Lifetime:
    """A lifetime from a retention period such as '13 months', 'Session' or '30 mins';
    'not stated' (or 'persistent' with no duration) where it is not known exactly."""
    return read_retention(text).lifetime


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


def _literal(text: str) -> str:
    """Plain text as policykit prose: braces would otherwise be placeholders."""
    return text.replace("{", "{{").replace("}", "}}")


def read_ocd(source: Path | str) -> list[OcdRow]:
    """The rows of the CSV export, as dicts keyed by its column titles."""
    text = Path(source).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def parties_and_cookies(rows: Iterable[OcdRow]) -> tuple[tuple[Party, ...], tuple[Cookie, ...]]:
    parties: dict[str, Party] = {}
    cookies: list[Cookie] = []
    seen: set[str] = set()
    for row in rows:
        controller = row["Data Controller"].strip() or row["Platform"].strip() or "Unknown"
        party_id = _slug(controller)
        if party_id not in parties:
            portal = row["User Privacy & GDPR Rights Portals"].strip()
            parties[party_id] = Party(
                id=party_id,
                name=controller,
                role=Role.THIRD_PARTY,
                privacy_policy=portal if is_web_url(portal) else None,  # type: ignore[arg-type]
            )
        name = row["Cookie / Data Key name"].strip()
        if row["Wildcard match"].strip() == "1" and not name.endswith("*"):
            name += "*"  # the database's wildcard means "any name starting with this"
        # Names repeat across platforms ('u', 'token'); the id must not.
        cookie_id = name if name not in seen else f"{name}@{row['ID'].strip()}"
        seen.add(cookie_id)
        cookies.append(
            Cookie(
                id=cookie_id,
                name=name,
                party=party_id,
                category=_CATEGORY.get(row["Category"].strip().lower(), "functional"),
                purpose=_literal(row["Description"].strip()) or "Not described.",
                lifetime=parse_retention(row["Retention period"]),
                domain=row["Domain"].strip() or None,
            )
        )
    return tuple(parties.values()), tuple(cookies)


def ocd_policy(rows: Iterable[OcdRow], title: str = "Cookie policy") -> Policy:
    """A policy listing every row: one article with a table per category."""
    parties, cookies = parties_and_cookies(rows)
    intro = Paragraph("This website uses the cookies listed below. Analytics and marketing cookies need your consent.")
    article = Article(
        title="Cookies we use",
        body=(
            intro,
            *(CookieTable(category=category) for category in sorted({c.category for c in cookies})),
        ),
    )
    meta = Meta(title=title, language="en", last_modified=dt.datetime(2026, 1, 21, tzinfo=dt.UTC))  # type: ignore[arg-type]
    return Policy(meta=meta, parties=parties, cookies=cookies, articles=(article,))


# --- the catalogue import -----------------------------------------------------------

# The database's categories as the catalogue's (CategoryKind values).
CATALOGUE_CATEGORY = {
    "functional": "functional",
    "personalization": "functional",
    "analytics": "analytics",
    "marketing": "marketing",
    "security": "strictly-necessary",
    "necessary": "strictly-necessary",
}
_COOKIE_NAME = re.compile(r"\S+\Z")


@frozen
class ImportProblem:
    """A row that did not import cleanly: where it is (the CSV line, or the JSON item's
    number), its name and why. `written` says whether it is in the output all the same."""

    line: int
    name: str
    reason: str
    written: bool


@frozen
class ImportResult:
    """What import_catalogue made: the catalogue file's YAML text; how many rows the
    database had (`total`), how many imported cleanly (`clean`) and how many entries were
    written (`written`); and each row that did not import cleanly, with why."""

    yaml: str
    total: int
    clean: int
    written: int
    problems: tuple[ImportProblem, ...]


def _rows_with_lines(file: Path) -> list[tuple[int, OcdRow]]:
    """The CSV's rows with the line each starts on (a description may span lines)."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise OcdError(f"{file}: cannot be read: {error}") from None
    reader = csv.DictReader(io.StringIO(text))
    expected = {"ID", "Platform", "Category", "Cookie / Data Key name", "Retention period", "Data Controller"}
    if reader.fieldnames is None or not expected <= set(reader.fieldnames):
        raise OcdError(f"{file}:1: not the Open Cookie Database's CSV: its header lacks {', '.join(sorted(expected))}")
    rows, start = [], 2
    width = len(reader.fieldnames)
    try:
        for row in reader:
            # DictReader fills a short row with None and files a long row's extra cells
            # under None: either is a row cut or shifted, whose cells mean other columns.
            if None in row or None in row.values():
                cells = width + len(row.get(None) or ()) - sum(value is None for value in row.values())
                raise OcdError(f"{file}:{start}: a row of {cells} cells under a header of {width}")
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as error:  # a NUL byte, a cell over the csv module's field limit
        raise OcdError(f"{file}:{start}: not readable as CSV: {error}") from None
    return rows


def read_edpb(file: Path) -> list[tuple[int, OcdRow]]:
    """The EDPB Website Auditing Tool JSON as CSV-like rows (item number, row). The
    format has no retention period and no wildcard flag: both are left empty."""
    try:
        data = json.loads(file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise OcdError(f"{file}: cannot be read as JSON: {error}") from None
    except RecursionError:
        raise OcdError(f"{file}: cannot be read as JSON: nested deeper than the EDPB format ever is") from None
    if not isinstance(data, list) or not all(
        isinstance(b, dict) and isinstance(b.get("knowledges"), list) for b in data
    ):
        raise OcdError(f"{file}: not the EDPB knowledge format: a list of bases, each with 'knowledges'")
    rows = []
    number = 0
    for base in data:
        for item in base["knowledges"]:
            number += 1
            if not isinstance(item, dict):
                continue
            text = {key: str(item.get(key) or "") for key in item}
            rows.append(
                (
                    number,
                    {
                        "ID": text.get("reference", ""),
                        "Platform": text.get("source", ""),
                        "Category": text.get("category", ""),
                        "Cookie / Data Key name": text.get("name", ""),
                        "Domain": text.get("domain", ""),
                        "Description": text.get("comment", ""),
                        "Retention period": text.get("date", ""),
                        "Data Controller": text.get("controller", ""),
                        "User Privacy & GDPR Rights Portals": text.get("policy", ""),
                        "Wildcard match": "0",
                    },
                )
            )
    return rows


def import_catalogue(file: Path | str, read: dt.date | None = None) -> ImportResult:
    """The database (CSV, or EDPB JSON by its .json suffix) as a catalogue file: every
    entry `source: open-cookie-database`, read on `read` (default today). Rows with a
    name the catalogue cannot hold, or that repeat an earlier row, are left out; rows
    whose retention period is not known exactly are written with the lifetime 'not
    stated' or 'persistent' and a note. Both kinds are listed with their reasons."""
    from ruamel.yaml import YAML

    file = Path(file)
    day = read or dt.date.today()
    is_json = file.suffix.lower() == ".json"
    rows = read_edpb(file) if is_json else _rows_with_lines(file)
    vendors: dict[str, dict[str, object]] = {}
    services: dict[str, dict[str, object]] = {}
    seen: dict[tuple[str, str], int] = {}
    problems: list[ImportProblem] = []
    clean = written = 0
    for line, row in rows:
        raw_name = row.get("Cookie / Data Key name", "").strip()
        name = raw_name
        if row.get("Wildcard match", "").strip() == "1" and not name.endswith("*"):
            name += "*"  # the database's wildcard: any name starting with this
        if not _COOKIE_NAME.match(name) or name == "*":
            problems.append(ImportProblem(line, raw_name, "a name with spaces, or none: left out", False))
            continue
        controller = row.get("Data Controller", "").strip() or row.get("Platform", "").strip() or "Unknown"
        vendor_id = _slug(controller)
        platform = row.get("Platform", "").strip() or controller
        service_id = _slug(platform)
        service = services.get(service_id)
        if service is not None and service["vendor"] != vendor_id:
            service_id = f"{service_id}-{vendor_id}"
            service = services.get(service_id)
        key = (service_id, name)
        if key in seen:
            problems.append(ImportProblem(line, name, f"repeats the row at {seen[key]} of {platform}: left out", False))
            continue
        seen[key] = line
        if vendor_id not in vendors:
            portal = row.get("User Privacy & GDPR Rights Portals", "").strip()
            vendor: dict[str, object] = {"id": vendor_id, "name": controller, "role": "third-party"}
            if is_web_url(portal):
                vendor["privacy_policy"] = portal
            vendor.update(source="open-cookie-database", read=day)
            vendors[vendor_id] = vendor
        if service is None:
            service = services[service_id] = {"id": service_id, "name": platform, "vendor": vendor_id, "cookies": []}
        reasons = []
        retention = read_retention(row.get("Retention period", "")) if not is_json else None
        if retention is None:
            retention = Retention(
                Lifetime.not_stated(), False, note="not known: the EDPB format has no retention period"
            )
        if not retention.exact:
            reasons.append(retention.note or "retention period not known")
        category = CATALOGUE_CATEGORY.get(row.get("Category", "").strip().lower())
        if category is None:
            reasons.append(f"category {excerpt(row.get('Category', ''))} has no counterpart: filed as functional")
            category = "functional"
        purpose = " ".join(row.get("Description", "").split())
        if not purpose:
            reasons.append("no description")
            purpose = "Not described."
        domain = row.get("Domain", "").strip()
        entry: dict[str, object] = {
            "name": name,
            "category": category,
            "lifetime": format_lifetime(retention.lifetime),
        }
        if retention.renewed:
            entry["renewed"] = True
        entry.update(
            domain="vendor" if "3rd party" in domain else "not stated",
            purpose=purpose,
            source="open-cookie-database",
            read=day,
        )
        notes = [f"row {row.get('ID', '').strip()}"]
        if domain:
            notes.append(f"domain in the database: {domain}")
        if retention.note:
            notes.append(retention.note)
        entry["note"] = "; ".join(notes)
        cookies = service["cookies"]
        assert isinstance(cookies, list)
        cookies.append(entry)
        written += 1
        if reasons:
            problems.append(ImportProblem(line, name, "; ".join(reasons), True))
        else:
            clean += 1
    # libyaml's emitter where there is one: a fifth of the pure one's time on 2,264 rows.
    yaml = YAML(typ="safe", pure=not yamlread.available())
    yaml.default_flow_style = False
    yaml.width = 100
    yaml.representer.ignore_aliases = lambda *_: True  # one date object repeated: no anchors
    yaml.representer.sort_base_mapping_type_on_output = False  # keys in the catalogue's order
    out = io.StringIO()
    out.write(
        f"# Imported from the Open Cookie Database ({file.name}) on {day.isoformat()}: {len(rows)} rows, "
        f"{clean} clean, {written} written.\n# Every fact here ranks below a vendor's own documentation.\n"
    )
    yaml.dump({"vendors": list(vendors.values()), "services": list(services.values())}, out)
    return ImportResult(out.getvalue(), len(rows), clean, written, tuple(problems))
