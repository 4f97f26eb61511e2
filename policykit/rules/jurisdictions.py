"""Rules of one jurisdiction each: the UK's PECR, the Dutch Telecommunicatiewet,
California's CCPA.

In: a Context with the profiles uk, nl or us-ca among its profiles, the date checked,
the facts and the wording lists. Out: Issues pointing at categories, cookies or the
articles as a whole. Each rule runs only under its own profile.
"""

from __future__ import annotations

from collections.abc import Iterator

from policykit.findings import Severity
from policykit.model import CategoryKind, Cookie, Role
from policykit.rules.base import Context, Issue, rule

__all__ = ["RULES"]

_PECR = "uk.pecr.statistical-exception"


def _exempt_analytics(ctx: Context) -> list[tuple[int, Cookie]]:
    """Analytics cookies set without consent: they claim a statistical exemption."""
    found = []
    for index, cookie in enumerate(ctx.policy.cookies):
        category = ctx.category_of(cookie)
        if not category.consent_required and category.kind is CategoryKind.ANALYTICS:
            found.append((index, cookie))
    return found


def _articles_say(ctx: Context, kind: str, *, negated_ok: bool = True) -> bool:
    return any(text.cookie is None and ctx.says(kind, text.plain, negated_ok=negated_ok) for text in ctx.told)


@rule(
    "PK601",
    Severity.ERROR,
    "Statistical cookies set without consent, without the information or the way to object PECR requires",
    """PECR regulation 6 as amended by the Data (Use and Access) Act 2025 (Schedule A1,
    in force from {uk.pecr.statistical-exception.effective}) lets statistical cookies be
    set without consent, but only with clear and comprehensive information about them
    and a simple, free way to object. The policy must describe each such cookie (name it
    in an article or a cookie table) and say how to object. Before that date there was
    no such exception: analytics cookies needed consent.""",
    profiles=("uk",),
    cites=("cite.pecr-duaa", _PECR, "cite.ico-exceptions"),
)
def uk_statistics_without_objection(ctx: Context) -> Iterator[Issue]:
    exempt = _exempt_analytics(ctx)
    if not exempt:
        return
    fact = ctx.facts[_PECR]
    if not fact.holds_on(ctx.as_of):
        for index, cookie in exempt:
            yield Issue(
                ("cookies", index, "category"),
                f"{ctx.label(cookie)} is set without consent, but PECR's statistical exception applies only "
                f"from {fact.effective} (checked as of {ctx.as_of})",
            )
        return
    described = {cookie.id for part in ctx.parts for _, cookie in ctx.discussed(part)}
    for index, cookie in exempt:
        if cookie.id not in described:
            yield Issue(
                ("cookies", index),
                f"{ctx.label(cookie)} is set without consent as statistics, but no article or table describes it",
            )
    if not _articles_say(ctx, "objection"):
        names = ", ".join(ctx.label(c) for _, c in exempt[:3])
        yield Issue(("articles",), f"statistical cookies are set without consent ({names}), but no article says how "
                    "to object")  # fmt: skip


@rule(
    "PK602",
    Severity.ERROR,
    "Analytics cookies without valid consent while the provider may use the data for its own purposes",
    """The Telecommunicatiewet ({nl.tw-analytics-exemption.value}) exempts from
    consent only analytics cookies with little or no impact on privacy. The Autoriteit
    Persoonsgegevens holds that this is not so when the analytics provider may use the
    data for its own purposes or services (its manual: switch data sharing with Google
    off). A sentence that lets the provider do so ('We have allowed Google to use the
    obtained analytics information for other Google services') defeats the exemption,
    whatever category the cookie is filed under: the cookies then need a consent the
    policy really asks. Consent counts as asked when the cookie's category asks it, the
    policy says so, and no sentence implies consent from browsing (PK307).""",
    profiles=("nl",),
    cites=("nl.tw-analytics-exemption",),
)
def nl_analytics_shared(ctx: Context) -> Iterator[Issue]:
    analytics = [
        cookie
        for cookie in ctx.policy.cookies
        if ctx.category_of(cookie).kind is CategoryKind.ANALYTICS and ctx.party_of(cookie).role is not Role.FIRST_PARTY
    ]
    implied = ctx.words("implied_consent")
    consent_asked = _articles_say(ctx, "consent") and not any(implied.search(text.plain) for text in ctx.prose)
    without = [c for c in analytics if not (ctx.category_of(c).consent_required and consent_asked)]
    if not without:
        return
    fact = ctx.facts["nl.tw-analytics-exemption"]
    own_use, negation = ctx.words("own_use"), ctx.words("negation")
    names = ", ".join(dict.fromkeys(ctx.label(c) for c in without[:3]))
    providers = ", ".join(dict.fromkeys(ctx.party_of(c).name or ctx.party_of(c).id for c in without))
    for text in ctx.prose:
        if text.cookie is not None:
            continue
        for match in own_use.finditer(text.plain):
            sentence = ctx.sentence_at(text.plain, match.start())
            if negation.search(sentence):
                continue
            shown = sentence.strip().replace("\ufffc", providers.split(", ")[0])
            yield Issue(
                text.at,
                f"'{shown}' lets {providers} use the analytics data for its own purposes, so {names} "
                f"cannot be exempt from consent under {fact.value}; without a consent really asked "
                "they may not be set",
            )
            break


def _cross_context(ctx: Context) -> list[Cookie]:
    """Marketing cookies of third parties: data shared for cross-context advertising."""
    return [
        cookie
        for cookie in ctx.policy.cookies
        if ctx.category_of(cookie).kind is CategoryKind.MARKETING and ctx.party_of(cookie).role is Role.THIRD_PARTY
    ]


@rule(
    "PK603",
    Severity.ERROR,
    "Cookies share data for cross-context advertising, and no 'Do Not Sell or Share' notice",
    """CCPA as amended by the CPRA (Cal. Civ. Code § 1798.135) and 11 CCR § 7026: a
    business that sells or shares personal information, which includes letting third
    parties' advertising cookies collect it, must offer a 'Do Not Sell or Share My
    Personal Information' link and say so, unless it processes opt-out preference
    signals in a frictionless manner: then 11 CCR § 7026(a)(1) accepts the privacy
    policy as the second method and § 7025(e) lets it go without the link. A policy
    that says it honours Global Privacy Control (or opt-out preference signals)
    without asking anything more of the visitor passes.""",
    profiles=("us-ca",),
    cites=("us-ca.do-not-sell-or-share", "us-ca.frictionless-opt-out"),
)
def ca_do_not_sell(ctx: Context) -> Iterator[Issue]:
    sharing = _cross_context(ctx)
    if not sharing or _articles_say(ctx, "do_not_sell"):
        return
    if _articles_say(ctx, "global_privacy_control", negated_ok=False) and _articles_say(ctx, "frictionless"):
        return
    names = ", ".join(ctx.label(c) for c in sharing[:3])
    yield Issue(
        ("articles",),
        f"third-party advertising cookies ({names}), but no 'Do Not Sell or Share' notice, and no statement "
        "that opt-out preference signals are processed in a frictionless manner",
    )


@rule(
    "PK604",
    Severity.WARNING,
    "Cookies share data for cross-context advertising, and no word on Global Privacy Control",
    """11 CCR § 7025: a business that sells or shares personal information must treat
    an opt-out preference signal such as Global Privacy Control as a valid request to
    opt out, and its privacy policy should say how it processes such signals.""",
    profiles=("us-ca",),
    cites=("us-ca.opt-out-preference-signal",),
)
def ca_global_privacy_control(ctx: Context) -> Iterator[Issue]:
    sharing = _cross_context(ctx)
    if sharing and not _articles_say(ctx, "global_privacy_control"):
        yield Issue(("articles",), "the policy does not say that it honours Global Privacy Control")


RULES = (uk_statistics_without_objection, nl_analytics_shared, ca_do_not_sell, ca_global_privacy_control)
