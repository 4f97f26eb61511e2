"""The vendor catalogue: what vendors document about the cookies their software sets,
each fact with the URL it was read at and the day it was read.

In: the bundled data/catalogue/*.yaml (or another folder or file, `load_catalogue`),
cookie names, and policies. Out: Catalogue entries (`match('_ga_ABC123')` gives Google
Analytics' `_ga_*`), and a policy's cookies with the entry that describes each,
filtered by category, party and domain kind.

Exports and checks read the same records: `Entry` (name or pattern, vendor, category,
lifetime, `renewed`, `configurable`, domain kind, storage, purpose, provenance) and
`Vendor` (id, name, role, country, aliases, domains, provenance). A fact from the Open
Cookie Database alone has `provenance.source == OPEN_COOKIE_DATABASE` and ranks below
a vendor's documentation; `policykit.catalogue.ocd` imports the Open Cookie Database
into a catalogue file.
"""

from __future__ import annotations

from collections.abc import Iterator

from policykit.catalogue.model import (
    OPEN_COOKIE_DATABASE,
    Catalogue,
    DomainKind,
    Entry,
    Provenance,
    Vendor,
    normalize_name,
)
from policykit.catalogue.read import CatalogueError, bundled, load_catalogue
from policykit.model import Cookie, Policy

__all__ = [
    "OPEN_COOKIE_DATABASE",
    "Catalogue",
    "CatalogueError",
    "DomainKind",
    "Entry",
    "Provenance",
    "Vendor",
    "bundled",
    "cookies",
    "load_catalogue",
    "match",
    "matches",
    "normalize_name",
]


def match(name: str, catalogue: Catalogue | None = None) -> Entry | None:
    """The entry that best describes the cookie `name` in the catalogue (default: the
    bundled one): exact names before patterns, longer literal prefixes first."""
    return (catalogue or bundled()).match(name)


def matches(name: str, catalogue: Catalogue | None = None) -> list[Entry]:
    """Every entry that describes `name`, best first."""
    return (catalogue or bundled()).matches(name)


def cookies(
    policy: Policy,
    catalogue: Catalogue | None = None,
    *,
    category: str | None = None,
    party: str | None = None,
    kind: DomainKind | str | None = None,
) -> Iterator[tuple[Cookie, Entry | None]]:
    """A policy's cookies, each with the catalogue entry that describes it (or None),
    filtered by the policy's category id, the policy's party id, and the catalogue's
    domain kind (`first-party` or `vendor`; a cookie the catalogue does not know has
    no kind and is left out by this filter)."""
    catalogue = catalogue or bundled()
    wanted = None if kind is None else DomainKind(getattr(kind, "value", kind))
    for cookie in policy.cookies:
        if category is not None and cookie.category != category:
            continue
        if party is not None and cookie.party != party:
            continue
        entry = catalogue.match(cookie.name) if cookie.name is not None else None
        if wanted is not None and (entry is None or entry.domain is not wanted):
            continue
        yield cookie, entry
