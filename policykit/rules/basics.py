"""Rules on the information GDPR Art. 13 requires, or a link to where it is.

In: a Context: the policy in its own language, the wording lists, the profiles, and
the supervisory authorities of the facts (`supervisory-authority.<country>`). Out:
Issues pointing at the articles as a whole, or at the sentence naming a data
protection officer without a contact.

A cookie policy need not repeat the privacy notice: a sentence that names the privacy
notice and links to it (or refers to it with a placeholder) satisfies PK320.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from policykit.findings import Severity
from policykit.model import RefField, Role
from policykit.rules.base import Context, Issue, rule
from policykit.rules.consent import sentences_saying

__all__ = ["RULES"]

# The country whose supervisory authority a profile brings (gdpr: the site's own).
_PROFILE_COUNTRY = {"cnil": "FR", "nl": "NL", "uk": "GB"}


def _authorities(ctx: Context) -> list[str]:
    """The supervisory authorities of the profiles checked, named from the facts."""
    countries = [_PROFILE_COUNTRY[p] for p in sorted(ctx.profiles) if p in _PROFILE_COUNTRY]
    if "gdpr" in ctx.profiles:
        countries += [p.country for p in ctx.policy.parties if p.role is Role.FIRST_PARTY and p.country]
    names = []
    for country in dict.fromkeys(countries):
        fact = ctx.facts.get(f"supervisory-authority.{country}")
        if fact is not None and fact.holds_on(ctx.as_of):
            names.append(", ".join(fact.values))
    return names


def _bare(host: str) -> str:
    host = host.lower().lstrip(".")
    return host[4:] if host.startswith("www.") else host


def _links_privacy_notice(ctx: Context) -> bool:
    """A text that names the privacy notice and links to the site's own one: a link
    on the site's address or domains, or the first party's `privacy-policy` field.
    A link to a vendor's privacy policy is not the controller's notice. When the
    policy names no address of its own, a link to no other party's address counts."""
    pattern = ctx.words("privacy_notice")
    own = {p.id for p in ctx.policy.parties if p.role is Role.FIRST_PARTY}
    hosts = {_bare(d) for p in ctx.policy.parties if p.id in own for d in p.domains}
    if ctx.policy.meta.website:
        hosts.add(_bare(urlsplit(str(ctx.policy.meta.website)).hostname or ""))
    for p in ctx.policy.parties:
        if p.id in own and p.privacy_policy:
            hosts.add(_bare(urlsplit(str(p.privacy_policy)).hostname or ""))
    hosts.discard("")
    others = {_bare(d) for p in ctx.policy.parties if p.id not in own for d in p.domains}
    others |= {
        _bare(urlsplit(str(p.privacy_policy)).hostname or "")
        for p in ctx.policy.parties
        if p.id not in own and p.privacy_policy
    }

    def is_own(host: str) -> bool:
        if not host:
            return True  # a relative link stays on the site
        if hosts:
            return any(host == h or host.endswith("." + h) for h in hosts)
        return not any(host == h or host.endswith("." + h) for h in others if h)

    for text in ctx.told:
        if text.cookie is not None or not pattern.search(text.plain):
            continue
        if any(r.field is RefField.PRIVACY_POLICY and r.party in own for r in text.refs.values()):
            return True
        if any(is_own(_bare(urlsplit(href).hostname or "")) for href in text.links):
            return True
    return False


@rule(
    "PK320",
    Severity.WARNING,
    "The basics of GDPR Art. 13 are missing, with no link to the privacy notice",
    """When personal data is collected (and cookie identifiers are personal data), GDPR
    Art. 13 requires telling the visitor the legal basis of each purpose (Art.
    13(1)(c)), their rights of access, rectification, erasure, restriction, objection
    and portability (Art. 13(2)(b)) and their right to lodge a complaint with a
    supervisory authority (Art. 13(2)(d)); the finding names the authority of the
    profiles checked, from the facts. A cookie policy that links to the privacy notice
    where these are said passes.""",
    cites=("cite.gdpr",),
    uses=("supervisory-authority.*",),
)
def article_13_basics(ctx: Context) -> Iterator[Issue]:
    if not ctx.policy.cookies or _links_privacy_notice(ctx):
        return
    missing = []
    if not _said(ctx, "legal_basis"):
        missing.append("the legal basis of each purpose")
    if not _said(ctx, "data_rights"):
        missing.append("the visitor's rights (access, erasure, objection ...)")
    if not _said(ctx, "complaint"):
        authorities = _authorities(ctx)
        named = f" ({' or '.join(authorities)})" if authorities else ""
        missing.append(f"the right to complain to a supervisory authority{named}")
    if missing:
        yield Issue(
            ("articles",),
            f"the policy does not say {'; '.join(missing)}, and does not link to a privacy notice that does",
        )


def _said(ctx: Context, kind: str) -> bool:
    return any(True for _ in sentences_saying(ctx, kind, negated_ok=True, purposes=False))


@rule(
    "PK321",
    Severity.WARNING,
    "A data protection officer is named without a contact",
    """GDPR Art. 13(1)(b): where there is a data protection officer, the contact details
    of the DPO are given. A sentence that says there is one but gives no e-mail address,
    link or contact placeholder leaves the visitor without the contact the law
    requires.""",
    cites=("cite.gdpr",),
)
def dpo_without_contact(ctx: Context) -> Iterator[Issue]:
    for text, sentence in sentences_saying(ctx, "dpo", negated_ok=False):
        if text.cookie is not None or text.links or "\ufffc" in sentence or "@" in text.plain:
            continue
        yield Issue(text.at, "a data protection officer is named here, but no contact for them is given")
        return


RULES = (article_13_basics, dpo_without_contact)
