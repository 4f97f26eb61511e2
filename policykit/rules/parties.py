"""Rules on parties, recipients and transfers out of the EEA (or the UK).

In: a Context: the policy, the profiles (which bring the EU's and/or the UK's transfer
law), the date the law is judged at and the dated facts. Out: Issues pointing at
parties, their transfers, and cookies. Countries, adequacy decisions and the validity
of safeguards come from the facts data; this module names none.
"""

from __future__ import annotations

from collections.abc import Iterator

from policykit.findings import Severity
from policykit.model import Party, Role, Safeguard
from policykit.rules.base import Context, Issue, rule

__all__ = ["RULES"]


def _name(party: Party) -> str:
    return party.name or party.id


def _lower(summary: str) -> str:
    """A fact's summary inside a sentence: 'The X' becomes 'the X'."""
    return "the" + summary[3:] if summary.startswith("The ") else summary


def _domain_owners(parties: tuple[Party, ...]) -> dict[str, Party]:
    """Each declared domain -> the first party that declares it."""
    owners: dict[str, Party] = {}
    for party in parties:
        for owned in party.domains:
            owners.setdefault(owned.lower().lstrip("."), party)
    return owners


def _domain_owner(domain: str, owners: dict[str, Party]) -> Party | None:
    """The party owning `domain` or a domain it is under; linear in its labels."""
    labels = domain.lower().lstrip(".").split(".")
    for start in range(len(labels)):
        owner = owners.get(".".join(labels[start:]))
        if owner is not None:
            return owner
    return None


def _receiving(ctx: Context) -> Iterator[tuple[int, Party]]:
    """Parties other than the site that receive data: those that set or read cookies."""
    with_cookies = {cookie.party for cookie in ctx.policy.cookies}
    for index, party in enumerate(ctx.policy.parties):
        if party.role is not Role.FIRST_PARTY and party.id in with_cookies:
            yield index, party


@rule(
    "PK201",
    Severity.WARNING,
    "A party is declared but sets no cookie and is named nowhere",
    """A declared recipient that the policy never uses is either stale or a cookie the
    policy forgot (GDPR Art. 13(1)(e): the recipients of the data).""",
    cites=("cite.gdpr",),
)
def unused_party(ctx: Context) -> Iterator[Issue]:
    with_cookies = {cookie.party for cookie in ctx.policy.cookies}
    for index, party in enumerate(ctx.policy.parties):
        if party.id in with_cookies or party.id in ctx.named_party_ids:
            continue
        if party.name and ctx.names_in_prose(party.name):
            continue
        yield Issue(("parties", index), f"{_name(party)} sets no cookie and the prose never names it")


@rule(
    "PK202",
    Severity.WARNING,
    "A cookie is sent to a party that is not its declared recipient",
    """Who receives a cookie's data decides whose access must be disclosed (CJEU
    Planet49, C-673/17: whether third parties may have access to the cookies; GDPR Art.
    13(1)(e): the recipients). A cookie on a domain that belongs to another party
    (not the site) is sent to that party with every request, so that party receives
    it and is the one to name. Where a cookie is set is not the question: a third
    party's script may set its cookie on the site's own domain, as Google Analytics
    sets `_ga`, and that is declared truly as the third party's cookie.""",
    cites=("cite.planet49", "cite.gdpr"),
)
def recipient_not_declared(ctx: Context) -> Iterator[Issue]:
    owners = _domain_owners(ctx.policy.parties)
    for index, cookie in enumerate(ctx.policy.cookies):
        if cookie.domain is None:
            continue
        owner = _domain_owner(cookie.domain, owners)
        if owner is None or owner.id == cookie.party or owner.role is Role.FIRST_PARTY:
            continue
        party = ctx.party_of(cookie)
        yield Issue(
            ("cookies", index, "domain"),
            f"{ctx.label(cookie)} is declared as {_name(party)}'s, but its domain {cookie.domain} belongs to "
            f"{_name(owner)} ({owner.role.value}), which receives it with every request",
        )


@rule(
    "PK203",
    Severity.ERROR,
    "A third party that can read cookies is never named to the reader",
    """Planet49 (C-673/17) requires the information to include whether third parties
    may have access to the cookies; GDPR Art. 13(1)(e) requires the recipients. A party
    with no name, or named neither in the prose (as a whole reference, or better
    through a placeholder) nor in a cookie table, is not disclosed: 'Google' inside
    'Google Tag Manager' names a product, not the recipient.""",
    cites=("cite.planet49", "cite.gdpr"),
)
def third_party_not_named(ctx: Context) -> Iterator[Issue]:
    for index, party in _receiving(ctx):
        if party.name is None:
            yield Issue(("parties", index, "name"), f"the {party.role.value} '{party.id}' sets cookies but has no name")
        elif party.id not in ctx.named_party_ids and not ctx.names_in_prose(party.name):
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
    cites=("cite.eprivacy", "cite.planet49"),
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
    "A party that receives data states no country, or one without adequacy and no safeguard",
    """GDPR Art. 44-46 (and the UK GDPR's): personal data may leave the EEA (or the UK)
    only to a country with an adequacy decision or under appropriate safeguards, and
    Art. 13(1)(f) requires the policy to say which. A party that receives data and
    states no country leaves the reader unable to tell whether data leaves at all.
    Adequacy decisions are read from the facts data as of the date checked: Brazil's,
    for one, holds from {eu.adequacy.BR.effective}.""",
    cites=("cite.gdpr", "eu.adequacy.BR"),
    uses=("eea.members", "eu.adequacy.*", "uk.adequacy.*", "uk.territory"),
)
def transfer_without_safeguard(ctx: Context) -> Iterator[Issue]:
    for index, party in _receiving(ctx):
        country = party.country
        if country is None:
            yield Issue(
                ("parties", index, "country"),
                f"{_name(party)} receives data but states no country: the reader cannot tell whether it leaves "
                + " or ".join(f"{r.label}" for r in ctx.regimes),
            )
            continue
        if party.transfer is not None and party.transfer.safeguard is not Safeguard.NONE:
            continue
        for regime in ctx.regimes:
            if country in regime.home or country in regime.adequate:
                continue
            at: tuple[str | int, ...] = ("parties", index, "transfer") if party.transfer else ("parties", index)
            yield Issue(
                at,
                f"{_name(party)} is in {country}, which has no adequacy decision of {regime.label} "
                f"as of {ctx.as_of}, and no transfer safeguard is declared",
            )


@rule(
    "PK206",
    Severity.WARNING,
    "A party that sets no cookie states no country",
    """GDPR Art. 13(1)(f): the controller must say whether it transfers data to a third
    country. A declared third party without a country cannot be checked; one that
    receives cookie data is an error (PK205), this is the rest.""",
    cites=("cite.gdpr",),
)
def country_not_stated(ctx: Context) -> Iterator[Issue]:
    receiving = {party.id for _, party in _receiving(ctx)}
    for index, party in enumerate(ctx.policy.parties):
        if party.role is not Role.FIRST_PARTY and party.country is None and party.id not in receiving:
            yield Issue(("parties", index, "country"), f"the country of {_name(party)} is not stated")


@rule(
    "PK207",
    Severity.ERROR,
    "A transfer safeguard is not valid on the date checked",
    """The EU-US Privacy Shield was invalid from the day of the CJEU's Schrems II
    judgment, {transfer.eu.privacy-shield.ended}, that day included (C-311/18). The
    EU-US Data Privacy Framework applies from {transfer.eu.eu-us-dpf.effective}
    (Implementing Decision (EU) 2023/1795), and for transfers from the UK from
    {transfer.uk.eu-us-dpf.effective} (the UK-US data bridge, S.I. 2023/1028).
    Contracts under the old standard contractual clauses were valid until the day
    before {transfer.eu.scc-2010.ended} (Implementing Decision (EU) 2021/914, Art. 4).
    The check is made as of the date given (`--as-of`, default today).""",
    cites=("cite.schrems-ii", "transfer.eu.eu-us-dpf", "transfer.uk.eu-us-dpf", "transfer.eu.scc-2010"),
    uses=("transfer.*",),
)
def safeguard_not_valid(ctx: Context) -> Iterator[Issue]:
    on = ctx.as_of
    for index, party in enumerate(ctx.policy.parties):
        transfer = party.transfer
        if transfer is None or transfer.safeguard in (Safeguard.NONE, Safeguard.ADEQUACY):
            continue
        at = ("parties", index, "transfer", "safeguard")
        for regime in ctx.regimes:
            fact = ctx.facts.get(f"transfer.{regime.name}.{transfer.safeguard.value}")
            if fact is None or fact.holds_on(on):
                continue  # no dated fact about it under this law, or valid
            if fact.ended is not None and on >= fact.ended:
                when = f"no longer valid from {fact.ended}"
            else:
                when = f"valid only from {fact.effective}"
            yield Issue(
                at,
                f"{_name(party)} relies on {_lower(fact.summary)}, {when} under the law of {regime.label} "
                f"({fact.reference or fact.source}); checked as of {on}",
            )


@rule(
    "PK208",
    Severity.ERROR,
    "A transfer safeguard does not fit the party's country",
    """An adequacy decision covers one country (GDPR Art. 45): claiming it for a country
    without one, or the EU-US Data Privacy Framework for a party outside the US,
    misstates the legal basis of the transfer (Art. 13(1)(f)).""",
    cites=("cite.gdpr",),
    uses=("eu.adequacy.*", "uk.adequacy.*", "transfer.*"),
)
def safeguard_wrong_country(ctx: Context) -> Iterator[Issue]:
    for index, party in enumerate(ctx.policy.parties):
        transfer, country = party.transfer, party.country
        if transfer is None or country is None:
            continue
        at = ("parties", index, "transfer", "safeguard")
        for regime in ctx.regimes:
            if transfer.safeguard is Safeguard.ADEQUACY:
                if country not in regime.adequate and country not in regime.home:
                    yield Issue(
                        at, f"{_name(party)} claims an adequacy decision, but {country} has none of {regime.label}"
                    )
                continue
            fact = ctx.facts.get(f"transfer.{regime.name}.{transfer.safeguard.value}")
            if fact is not None and fact.values and country not in fact.values:
                yield Issue(
                    at,
                    f"{_name(party)} is in {country}, but {_lower(fact.summary)} covers transfers to "
                    f"{', '.join(fact.values)} only",
                )


RULES = (
    unused_party,
    recipient_not_declared,
    third_party_not_named,
    cookie_not_named,
    transfer_without_safeguard,
    country_not_stated,
    safeguard_not_valid,
    safeguard_wrong_country,
)
