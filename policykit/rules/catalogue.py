"""Rules that compare a policy's cookies with what their vendors document.

In: a Context whose `catalogue` is set (the CLI's `check` uses the built-in catalogue
unless told `--catalogue FILE` or `--no-catalogue`; in Python, `run_checks(...,
catalogue=...)`). Without a catalogue these rules find nothing.
Out: Issues: a declared lifetime or category that differs from the vendor's own
documentation (warnings, each with both values and the source; facts taken from the
Open Cookie Database alone are not warned on), a party that is not the vendor, a party whose country
the policy leaves out while the catalogue states it (warning; the transfer rules then
judge the catalogue's country, see `effective_policy`), and a cookie the catalogue does
not know (info, never more: the catalogue is not complete).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from policykit.findings import Severity
from policykit.model import CategoryKind, Cookie, Lifetime, Party, Persistence, Policy, Role
from policykit.rules.base import EUROPE, EVERYWHERE, Context, Issue, rule
from policykit.syntax import format_lifetime

if TYPE_CHECKING:
    from policykit.catalogue import Catalogue, Entry, Vendor

__all__ = ["RULES", "chosen", "effective_policy", "entries_of", "is_vendor", "vendors_of"]


def entries_of(ctx: Context) -> Iterator[tuple[int, Cookie, Entry]]:
    """Each named cookie of the policy that the catalogue describes, with its entry."""
    catalogue = ctx.catalogue
    if catalogue is None:
        return
    for index, cookie in enumerate(ctx.policy.cookies):
        if cookie.name is None:
            continue
        entry = catalogue.match(cookie.name)
        if entry is not None:
            yield index, cookie, entry


def _said(entry: Entry) -> str:
    """`the documentation of Google Analytics 4 (https://..., read <date>)`."""
    what = (
        "the Open Cookie Database" if not entry.provenance.from_vendor else f"the documentation of {entry.service_name}"
    )
    return f"{what} ({entry.provenance.source}, read {entry.provenance.read.isoformat()})"


def _lifetime(lifetime: Lifetime) -> str:
    return format_lifetime(attrs.evolve(lifetime, until=None))


def _lifetimes_differ(declared: Lifetime, entry: Entry) -> bool:
    # Each side's longest case: 'session or 14 days' lasts at most 14 days.
    declared, documented = declared.longest(), entry.lifetime.longest()
    if declared.persistence is Persistence.NOT_STATED or documented.persistence is Persistence.NOT_STATED:
        return False  # nothing to compare; an unstated lifetime is PK101's
    if declared.is_session or documented.is_session:
        return declared.is_session != documented.is_session
    if declared.seconds is None or documented.seconds is None:
        return False  # 'persistent' with no duration on either side: nothing to compare
    if declared.seconds == documented.seconds:
        return False
    limit = entry.configurable.seconds if entry.configurable is not None else None
    return not (limit is not None and 0 < declared.seconds <= limit)


@rule(
    "PK150",
    Severity.WARNING,
    "A declared lifetime differs from the vendor's documentation",
    """GDPR Art. 13(2)(a) and the ePrivacy Directive's 'clear and comprehensive
    information' require the period a cookie is kept. A lifetime that contradicts what the
    vendor documents (a session `_gid` that Google gives 24 hours) misinforms the reader.
    A lifetime the vendor lets the site configure (Google Analytics' cookie expiration, up
    to 25 months) passes when it is within that limit. Only a vendor's own documentation
    is compared: a fact taken from the Open Cookie Database alone is too often wrong to
    warn on.""",
    profiles=EVERYWHERE,
)
def lifetime_differs(ctx: Context) -> Iterator[Issue]:
    for index, cookie, entry in entries_of(ctx):
        if entry.provenance.from_vendor and _lifetimes_differ(cookie.lifetime, entry):
            documented = _lifetime(entry.lifetime) + (", renewed on each visit" if entry.renewed else "")
            yield Issue(
                ("cookies", index, "lifetime"),
                f"{cookie.name} is declared to last '{_lifetime(cookie.lifetime)}', "
                f"but {_said(entry)} says {documented}",
            )


def is_vendor(party: Party, vendor: Vendor) -> bool:
    """Whether a policy's party is the vendor: by id, by name or alias, or by a domain."""
    return party.id == vendor.id or vendor.known_as(party.name) or bool(set(party.domains) & set(vendor.domains))


@rule(
    "PK250",
    Severity.WARNING,
    "A cookie's declared party is not the vendor that sets it",
    """GDPR Art. 13(1)(e): the reader must learn who receives the data. A cookie that a
    vendor's script sets and reads for the vendor (Google's `_ga`) declared as the site's
    own hides the recipient. Software the site runs itself (WHMCS, Matomo on the site's
    server) is the site's own, and is not judged here.""",
    profiles=EVERYWHERE,
)
def party_differs(ctx: Context) -> Iterator[Issue]:
    for index, cookie, entry in entries_of(ctx):
        vendor = entry.vendor
        if entry.effective_role is Role.FIRST_PARTY:
            continue
        party = ctx.party_of(cookie)
        # Any legal entity of the service will do: Google LLC, or Google Ireland Limited
        # where it provides the service in the EEA.
        if not any(is_vendor(party, entity) for entity in entry.all_vendors):
            whose = "the site itself" if party.role is Role.FIRST_PARTY else (party.name or party.id)
            names = " or ".join(entity.name for entity in entry.all_vendors)
            yield Issue(
                ("cookies", index, "party"),
                f"{cookie.name} is declared as set by {whose}, but {_said(entry)} names {names} "
                f"({entry.effective_role.value}): declare {vendor.name} as its party",
            )


@rule(
    "PK151",
    Severity.WARNING,
    "A declared category differs from the vendor's documentation",
    """The ePrivacy Directive, Art. 5(3): only strictly necessary storage is exempt from
    consent, and a reader chooses by category. A cookie filed under another kind than what
    its vendor documents it for (a marketing cookie filed as functional) is asked for, or
    set, on the wrong terms. Filing a cookie the vendor calls necessary under a category
    that asks consent is stricter than needed, and is not reported; nor is a category
    taken from the Open Cookie Database alone.""",
    profiles=EVERYWHERE,
)
def category_differs(ctx: Context) -> Iterator[Issue]:
    for index, cookie, entry in entries_of(ctx):
        declared = ctx.category_of(cookie)
        if not entry.provenance.from_vendor or declared.kind is None or declared.kind is entry.category:
            continue
        if entry.category is CategoryKind.STRICTLY_NECESSARY and declared.consent_required:
            continue
        yield Issue(
            ("cookies", index, "category"),
            f"{cookie.name} is filed as {declared.kind.value}"
            + (f" ({declared.id})" if declared.id != declared.kind.value else "")
            + f", but {_said(entry)} "
            f"describes it as {entry.category.value}: {entry.purpose}",
        )


def vendors_of(ctx: Context) -> dict[str, Vendor]:
    """The catalogue vendor each party is, by party id, judged by the cookies it sets:
    a party is a vendor when it sets a cookie of that vendor and is that vendor."""
    found: dict[str, Vendor] = {}
    for _, cookie, entry in entries_of(ctx):
        if cookie.party in found or entry.effective_role is Role.FIRST_PARTY:
            continue
        party = ctx.party_of(cookie)
        # The entity the party is (by id, name or domain): its country is that entity's.
        entity = next((e for e in reversed(entry.all_vendors) if is_vendor(party, e)), None)
        if entity is not None:
            found[cookie.party] = entity
    return found


@rule(
    "PK251",
    Severity.WARNING,
    "A party states no country that the catalogue knows",
    """GDPR Art. 13(1)(f): the reader must learn whether data leaves the EEA. Where the
    policy leaves a vendor's country out and the catalogue states it, the transfer rules
    judge the catalogue's country (a transfer to the US without a safeguard is still an
    error); this rule asks for the country to be stated.""",
    profiles=EUROPE,
)
def country_from_catalogue(ctx: Context) -> Iterator[Issue]:
    vendors = vendors_of(ctx)
    for index, party in enumerate(ctx.declared.parties):
        if party.country is not None or party.role is Role.FIRST_PARTY:
            continue
        vendor = vendors.get(party.id)
        if vendor is not None and vendor.country is not None:
            yield Issue(
                ("parties", index, "country"),
                f"{party.name or party.id} states no country; the catalogue says {vendor.name} is in "
                f"{vendor.country} ({vendor.provenance.describe()}): state it",
            )


@rule(
    "PK152",
    Severity.INFO,
    "A cookie the catalogue does not know",
    """Nothing is wrong with a cookie the catalogue does not describe: the catalogue holds
    the vendors most often found on European sites. A site's own cookies (of a first-party
    party the catalogue does not know as a vendor) are the site's own facts, and are not
    reported. The facts a policy gives under GDPR Art. 13 are then the policy's own word
    alone. Its facts cannot be checked against a
    vendor's documentation; check them by hand, or add the vendor to a catalogue of your
    own (`--catalogue FILE`).""",
    profiles=EVERYWHERE,
)
def unknown_cookie(ctx: Context) -> Iterator[Issue]:
    catalogue = ctx.catalogue
    if catalogue is None:
        return
    # Which vendor each party is, found once per party, not once per cookie.
    known_by_party = {
        party.id: next((v for v in catalogue.vendors if is_vendor(party, v)), None) for party in ctx.policy.parties
    }
    for index, cookie in enumerate(ctx.policy.cookies):
        if cookie.name is None or catalogue.match(cookie.name) is not None:
            continue
        party = ctx.party_of(cookie)
        known = known_by_party.get(party.id)
        if known is not None:
            yield Issue(
                ("cookies", index, "name"),
                f"{cookie.name} is not in the catalogue, though {known.name}'s other cookies are: "
                "check its name and facts against the vendor's documentation",
            )
        elif party.role is not Role.FIRST_PARTY:
            yield Issue(("cookies", index, "name"), f"{cookie.name} ({party.name or party.id}) is not in the catalogue")


def effective_policy(policy: Policy, catalogue: Catalogue) -> Policy:
    """The policy with each vendor party's missing country and transfer safeguard taken
    from the catalogue, so that the transfer rules judge them. Parties keep their index,
    so findings stay where they were."""
    from policykit.model import Transfer

    vendors = vendors_of(Context(policy, catalogue=catalogue))
    parties = []
    changed = False
    for party in policy.parties:
        vendor = vendors.get(party.id)
        if vendor is not None:
            country = party.country or vendor.country
            transfer = party.transfer
            if transfer is None and vendor.transfer is not None:
                transfer = Transfer(vendor.transfer)
            if (country, transfer) != (party.country, party.transfer):
                party = attrs.evolve(party, country=country, transfer=transfer)
                changed = True
        parties.append(party)
    return attrs.evolve(policy, parties=tuple(parties)) if changed else policy


def chosen(catalogue: Catalogue | bool) -> Catalogue | None:
    """The catalogue a check uses: True the built-in one, False none, else the one given."""
    if catalogue is True:
        from policykit.catalogue import bundled

        return bundled()
    if catalogue is False:
        return None
    return catalogue


RULES = (lifetime_differs, party_differs, category_differs, country_from_catalogue, unknown_cookie)
