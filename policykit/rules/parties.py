"""Rules on parties, disclosure and transfers outside the EEA.

In: a Context. Out: Issues pointing at parties, their transfers, and cookies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from policykit.findings import Severity
from policykit.model import Party, Role, Safeguard
from policykit.rules.base import Context, Issue, rule

__all__ = ["ADEQUATE", "EEA", "RULES"]

# The EEA: GDPR applies, so data stays "inside" (EU 27, Iceland, Liechtenstein, Norway).
EEA = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
})  # fmt: skip
# Countries with an EU adequacy decision under GDPR Art. 45 (European Commission,
# "Adequacy decisions"). The US is adequate only for organisations certified under the
# EU-US Data Privacy Framework, so it is not listed: that is the eu-us-dpf safeguard.
ADEQUATE = frozenset(["AD", "AR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY"])

PRIVACY_SHIELD_INVALID = dt.date(2020, 7, 16)  # CJEU, Schrems II, C-311/18
DPF_ADOPTED = dt.date(2023, 7, 10)  # Commission Implementing Decision (EU) 2023/1795
OLD_SCC_END = dt.date(2022, 12, 27)  # Commission Implementing Decision (EU) 2021/914, Art. 4


def _name(party: Party) -> str:
    return party.name or party.id


def _domain_owner(domain: str, parties: tuple[Party, ...]) -> Party | None:
    host = domain.lower().lstrip(".")
    for party in parties:
        for owned in party.domains:
            owned = owned.lower().lstrip(".")
            if host == owned or host.endswith("." + owned):
                return party
    return None


@rule(
    "PK201",
    Severity.WARNING,
    "A party is declared but sets no cookie and is named nowhere",
    """A declared recipient that the policy never uses is either stale or a cookie the
    policy forgot (GDPR Art. 13(1)(e): the recipients of the data).""",
)
def unused_party(ctx: Context) -> Iterator[Issue]:
    with_cookies = {cookie.party for cookie in ctx.policy.cookies}
    for index, party in enumerate(ctx.policy.parties):
        if party.id in with_cookies or party.id in ctx.named_party_ids:
            continue
        if party.name and any(party.name in text.plain for text in ctx.prose):
            continue
        yield Issue(("parties", index), f"{_name(party)} sets no cookie and the prose never names it")


@rule(
    "PK202",
    Severity.WARNING,
    "A cookie's domain belongs to a party of the other kind (first vs third party)",
    """Whether a cookie is first- or third-party decides who can read it and whose
    policy governs it (CJEU Planet49, C-673/17, para. 75-81: whether third parties have
    access must be disclosed). The declared party must match the domain that sets it.""",
)
def domain_mismatch(ctx: Context) -> Iterator[Issue]:
    for index, cookie in enumerate(ctx.policy.cookies):
        if cookie.domain is None:
            continue
        owner = _domain_owner(cookie.domain, ctx.policy.parties)
        party = ctx.party_of(cookie)
        if owner is None or owner.id == party.id:
            continue
        if (party.role is Role.FIRST_PARTY) != (owner.role is Role.FIRST_PARTY):
            yield Issue(
                ("cookies", index, "domain"),
                f"{ctx.label(cookie)} is declared as {party.role.value} ({_name(party)}), "
                f"but its domain {cookie.domain} belongs to {_name(owner)}, a {owner.role.value}",
            )


@rule(
    "PK203",
    Severity.ERROR,
    "A third party that can read cookies is never named to the reader",
    """Planet49 (C-673/17, para. 80-81) requires the information to include whether
    third parties may have access to the cookies; GDPR Art. 13(1)(e) requires the
    recipients. A party with no name, or named neither in the prose nor in a cookie
    table, is not disclosed.""",
)
def third_party_not_named(ctx: Context) -> Iterator[Issue]:
    with_cookies = {cookie.party for cookie in ctx.policy.cookies}
    for index, party in enumerate(ctx.policy.parties):
        if party.role is Role.FIRST_PARTY or party.id not in with_cookies:
            continue
        if party.name is None:
            yield Issue(("parties", index, "name"), f"the {party.role.value} '{party.id}' sets cookies but has no name")
        elif party.id not in ctx.named_party_ids and not any(party.name in text.plain for text in ctx.prose):
            yield Issue(
                ("parties", index),
                f"{party.name} sets cookies but is named in no article and shown in no cookie table",
            )


@rule(
    "PK204",
    Severity.ERROR,
    "A cookie is never named",
    """Visitors can only recognise, refuse or delete a cookie they can identify:
    ePrivacy Directive Art. 5(3) requires clear and comprehensive information, and
    Planet49 (C-673/17) the cookies' duration and access. A cookie described only by
    what it does cannot be matched to anything in the browser.""",
)
def cookie_not_named(ctx: Context) -> Iterator[Issue]:
    for index, cookie in enumerate(ctx.policy.cookies):
        if cookie.name is None:
            party = ctx.party_of(cookie)
            yield Issue(
                ("cookies", index, "name"),
                f"the {cookie.category} cookie '{cookie.id}' of {_name(party)} is never named; "
                "visitors cannot find or refuse it by name",
            )


@rule(
    "PK205",
    Severity.ERROR,
    "A party outside the EEA without an adequacy decision declares no transfer safeguard",
    """GDPR Art. 44-46: personal data may leave the EEA only to a country with an
    adequacy decision or under appropriate safeguards, and Art. 13(1)(f) requires the
    policy to say which.""",
)
def transfer_without_safeguard(ctx: Context) -> Iterator[Issue]:
    for index, party in enumerate(ctx.policy.parties):
        country = party.country
        if party.role is Role.FIRST_PARTY or country is None or country in EEA or country in ADEQUATE:
            continue
        if party.transfer is None or party.transfer.safeguard is Safeguard.NONE:
            at: tuple[str | int, ...] = ("parties", index, "transfer") if party.transfer else ("parties", index)
            yield Issue(
                at,
                f"{_name(party)} is in {country}, which has no EU adequacy decision, "
                "and no transfer safeguard is declared",
            )


@rule(
    "PK206",
    Severity.WARNING,
    "A third party's country is not stated",
    """GDPR Art. 13(1)(f): the controller must say whether it transfers data to a third
    country. Without the party's country nobody can tell, and the transfer rules
    cannot be checked.""",
)
def country_not_stated(ctx: Context) -> Iterator[Issue]:
    for index, party in enumerate(ctx.policy.parties):
        if party.role is not Role.FIRST_PARTY and party.country is None:
            yield Issue(("parties", index, "country"), f"the country of {_name(party)} is not stated")


@rule(
    "PK207",
    Severity.ERROR,
    "A transfer safeguard is not valid on the policy's date",
    """The EU-US Privacy Shield was invalidated by the CJEU on 2020-07-16 (Schrems II,
    C-311/18). The EU-US Data Privacy Framework applies from its adequacy decision of
    2023-07-10 (Implementing Decision (EU) 2023/1795). Contracts under the 2010
    standard contractual clauses stopped being valid on 2022-12-27 (Implementing
    Decision (EU) 2021/914, Art. 4).""",
)
def safeguard_not_valid(ctx: Context) -> Iterator[Issue]:
    on = ctx.policy.reference_date
    for index, party in enumerate(ctx.policy.parties):
        transfer = party.transfer
        if transfer is None:
            continue
        at = ("parties", index, "transfer", "safeguard")
        safeguard = transfer.safeguard
        if safeguard is Safeguard.PRIVACY_SHIELD and on > PRIVACY_SHIELD_INVALID:
            yield Issue(
                at,
                f"{_name(party)} relies on the EU-US Privacy Shield, which the CJEU invalidated on "
                f"{PRIVACY_SHIELD_INVALID} (Schrems II, C-311/18); the policy speaks for {on}",
            )
        elif safeguard is Safeguard.EU_US_DPF and on < DPF_ADOPTED:
            yield Issue(
                at,
                f"{_name(party)} relies on the EU-US Data Privacy Framework, which applies only from "
                f"{DPF_ADOPTED}; the policy speaks for {on}",
            )
        elif safeguard is Safeguard.SCC_2010 and on > OLD_SCC_END:
            yield Issue(
                at,
                f"{_name(party)} relies on the 2010 standard contractual clauses, no longer valid after "
                f"{OLD_SCC_END}; the policy speaks for {on}",
            )


@rule(
    "PK208",
    Severity.ERROR,
    "A transfer safeguard does not fit the party's country",
    """An adequacy decision covers one country (GDPR Art. 45): claiming it for a country
    without one, or the EU-US Data Privacy Framework for a party outside the US,
    misstates the legal basis of the transfer (Art. 13(1)(f)).""",
)
def safeguard_wrong_country(ctx: Context) -> Iterator[Issue]:
    for index, party in enumerate(ctx.policy.parties):
        transfer, country = party.transfer, party.country
        if transfer is None or country is None:
            continue
        at = ("parties", index, "transfer", "safeguard")
        if transfer.safeguard is Safeguard.ADEQUACY and country not in ADEQUATE and country not in EEA:
            yield Issue(at, f"{_name(party)} claims an adequacy decision, but {country} has none")
        elif transfer.safeguard in (Safeguard.EU_US_DPF, Safeguard.PRIVACY_SHIELD) and country != "US":
            yield Issue(at, f"{_name(party)} is in {country}, but its safeguard covers transfers to the US only")


RULES = (
    unused_party,
    domain_mismatch,
    third_party_not_named,
    cookie_not_named,
    transfer_without_safeguard,
    country_not_stated,
    safeguard_not_valid,
    safeguard_wrong_country,
)
