"""The Open Cookie Database's CSV, so that a policy's facts can go upstream.

Spec: the header and conventions of open-cookie-database.csv in the repository
jkwakman/Open-Cookie-Database (commit 0ee5a17, 2026-01-21): ID, Platform, Category,
Cookie / Data Key name, Domain, Description, Retention period, Data Controller,
User Privacy & GDPR Rights Portals, Wildcard match; comma-separated, `\\n` line ends.

In: a Policy. Out: the CSV text, one row per cookie, in the policy's own language (the
database is written in English).

- ID: a UUID (version 5) of the website and the cookie's name: the same cookie gets the
  same ID in every export.
- Platform and Data Controller: the party's name (the policy does not name products).
- Category: Necessary, Functional, Analytics or Marketing, from the category's kind.
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
from policykit.model import CategoryKind, Persistence, Policy
from policykit.syntax import format_lifetime

if TYPE_CHECKING:
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
    CategoryKind.STRICTLY_NECESSARY: "Necessary",
    CategoryKind.FUNCTIONAL: "Functional",
    CategoryKind.ANALYTICS: "Analytics",
    CategoryKind.MARKETING: "Marketing",
}

# The namespace of policykit's cookie IDs: uuid5 of this URL-shaped name.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://policykit.invalid/open-cookie-database")


def ocd_rows(policy: Policy) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """(cookie index, row keyed by HEADER) for each cookie the database can describe,
    and why the others could not be."""
    rows, problems = [], []
    website = policy.meta.website or ""
    for index, cookie in enumerate(policy.cookies):
        name = cookie.name or ""
        prefix = name.endswith("*") and "*" not in name[:-1]
        if not name or ("*" in name and not prefix) or name == "*":
            why = "has no name" if not name else f"'{name}': its wildcard means a prefix only"
            problems.append(Problem(LEFT_OUT, index, "name", f"left out of the Open Cookie Database rows: {why}"))
            continue
        party = policy.party(cookie.party)
        category = policy.category(cookie.category)
        ocd_category = OCD_CATEGORIES.get(category.kind) if category.kind else None
        if ocd_category is None:
            problems.append(
                Problem(NOT_DECLARED, index, "category", f"category '{category.id}' does not say its kind; left blank")
            )
        lifetime = cookie.lifetime
        retention = "unknown" if lifetime.persistence is Persistence.NOT_STATED else format_lifetime(lifetime)
        domain = cookie.domain or ", ".join(party.domains)
        rows.append(
            (
                index,
                dict(
                    zip(
                        HEADER,
                        (
                            str(uuid.uuid5(_NAMESPACE, f"{website}#{name}")),
                            party.name or party.id,
                            ocd_category or "",
                            name[:-1] if prefix else name,
                            domain,
                            plain_text(parse_inline(cookie.purpose)),
                            retention,
                            party.name or party.id,
                            party.privacy_policy or "",
                            "1" if prefix else "0",
                        ),
                        strict=True,
                    ),
                ),
            )
        )
    return rows, problems


def export_ocd_csv(policy: Policy, source: Source | None = None) -> Export:
    """The policy's cookies as Open Cookie Database rows, header first."""
    rows, problems = ocd_rows(policy)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(row for _, row in rows)
    return Export(out.getvalue(), to_findings(policy, problems, source))
