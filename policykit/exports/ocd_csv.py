"""The Open Cookie Database's CSV, so that a policy's facts can go upstream.

Spec: the header and conventions of open-cookie-database.csv in the repository
jkwakman/Open-Cookie-Database (commit 0ee5a17, 2026-01-21): ID, Platform, Category,
Cookie / Data Key name, Domain, Description, Retention period, Data Controller,
User Privacy & GDPR Rights Portals, Wildcard match; comma-separated, `\\n` line ends.

In: a Policy. Out: the CSV text, one row per cookie, in the policy's own language (the
database is written in English).

- ID: a UUID (version 5) of the website and the cookie's name: the same cookie gets the
  same ID in every export.
- Platform: the product that sets the cookie, as the database means it (`Google
  Analytics`, not `Google LLC`): the vendor catalogue's name for the service it knows
  the cookie from, else the cookie's or party's service, else the party's name (and a
  PK851 finding: the product is not declared). Data Controller: the party's name.
- Category: one the database's validator (.github/workflows/validate.py) accepts:
  Functional, Personalization, Analytics, Marketing or Security. Strictly necessary
  cookies are Functional, as the database files PHPSESSID; functional, analytics and
  marketing keep their names.
- Domain: empty for a first-party cookie (the database's convention: set on the site
  that uses it; the cookie's party is the first party, or the vendor catalogue says it
  lives on the site's own domain), else the cookie's domain or its party's domains.
- Spreadsheets: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
  would be read as a formula; it is written with a leading `'` (OWASP, "CSV
  Injection"), which spreadsheets show as text. A carriage return in a cell is
  written as a line feed (inside quotes), so that every row reads back whole.
- Name and Wildcard match: the database's wildcard means "the name is a prefix", so
  `_ga_*` is `_ga_` with 1. A `*` anywhere else cannot be said: left out (PK852).
- Retention period: the lifetime as the policy file writes it ("90 days", "session",
  "persistent"); a lifetime not stated is "unknown", as the database writes it.
"""

from __future__ import annotations

import csv
import io
import uuid
from typing import TYPE_CHECKING

from policykit.exports.common import LEFT_OUT, NOT_DECLARED, Export, Problem, to_findings
from policykit.inline import parse_inline, plain_text
from policykit.model import CategoryKind, Persistence, Policy, Role
from policykit.syntax import format_lifetime

if TYPE_CHECKING:
    from policykit.catalogue import Catalogue
    from policykit.source import Source

__all__ = ["HEADER", "OCD_CATEGORIES", "SPEC_VERSION", "export_ocd_csv", "ocd_rows"]

SPEC_VERSION = "Open Cookie Database CSV (commit 0ee5a17, 2026-01-21)"

HEADER = (
    "ID",
    "Platform",
    "Category",
    "Cookie / Data Key name",
    "Domain",
    "Description",
    "Retention period",
    "Data Controller",
    "User Privacy & GDPR Rights Portals",
    "Wildcard match",
)

OCD_CATEGORIES = {
    CategoryKind.STRICTLY_NECESSARY: "Functional",
    CategoryKind.FUNCTIONAL: "Functional",
    CategoryKind.ANALYTICS: "Analytics",
    CategoryKind.MARKETING: "Marketing",
}

# The namespace of policykit's cookie IDs: uuid5 of this URL-shaped name.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://policykit.invalid/open-cookie-database")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula. A carriage return
    becomes a line feed: the csv module quotes a field only for the line terminator it
    writes ("\\n"), so a bare "\\r" would end the row for a reader."""
    text = "'" + text if text.startswith(_FORMULA_START) else text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def ocd_rows(
    policy: Policy, catalogue: Catalogue | None = None
) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """(cookie index, row keyed by HEADER) for each cookie the database can describe,
    and why the others could not be. `catalogue`: the vendor catalogue that names the
    products (default: the built-in one)."""
    from policykit.catalogue import DomainKind, cookies

    rows, problems = [], []
    website = policy.meta.website or ""
    entries = [entry for _, entry in cookies(policy, catalogue)]
    for index, cookie in enumerate(policy.cookies):
        name = cookie.name or ""
        prefix = name.endswith("*") and "*" not in name[:-1]
        if not name or ("*" in name and not prefix) or name == "*":
            why = "has no name" if not name else f"'{name[:60]}': its wildcard means a prefix only"
            problems.append(Problem(LEFT_OUT, index, "name", f"left out of the Open Cookie Database rows: {why}"))
            continue
        party = policy.party(cookie.party)
        category = policy.category(cookie.category)
        entry = entries[index]
        ocd_category = OCD_CATEGORIES.get(category.kind) if category.kind else None
        if ocd_category is None:
            problems.append(
                Problem(NOT_DECLARED, index, "category", "the category does not say its kind; the Category is blank")
            )
        service = cookie.service or party.service
        platform = entry.service_name if entry is not None else service or party.name or party.id
        if entry is None and service is None:
            problems.append(
                Problem(
                    NOT_DECLARED, index, "service", "the product that sets it is not declared; Platform is the party"
                )
            )
        first_party = party.role is Role.FIRST_PARTY or (entry is not None and entry.domain is DomainKind.FIRST_PARTY)
        lifetime = cookie.lifetime
        retention = "unknown" if lifetime.persistence is Persistence.NOT_STATED else format_lifetime(lifetime)
        domain = "" if first_party else cookie.domain or ", ".join(party.domains)
        values = (
            str(uuid.uuid5(_NAMESPACE, f"{website}#{name}")),
            platform,
            ocd_category or "",
            name[:-1] if prefix else name,
            domain,
            plain_text(parse_inline(cookie.purpose)),
            retention,
            party.name or party.id,
            party.privacy_policy or "",
            "1" if prefix else "0",
        )
        rows.append((index, dict(zip(HEADER, (_cell(value) for value in values), strict=True))))
    return rows, problems


def export_ocd_csv(policy: Policy, source: Source | None = None, catalogue: Catalogue | None = None) -> Export:
    """The policy's cookies as Open Cookie Database rows, header first."""
    rows, problems = ocd_rows(policy, catalogue)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(row for _, row in rows)
    return Export(out.getvalue(), to_findings(policy, problems, source))
