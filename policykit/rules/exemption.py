"""Rules on the limits of the strictly-necessary exemption (ePrivacy Art. 5(3)).

In: a Context: the cookies filed under a category of kind strictly-necessary that asks
no consent, their parties' roles, lifetimes and purposes (read in the policy's own
language), and the facts: how long an identifier may outlive the session.
Out: Issues pointing at the cookie's category, one per suspect cookie, saying which of
the exemption's tests it fails.
"""

from __future__ import annotations

from collections.abc import Iterator

from policykit.findings import Severity
from policykit.model import CategoryKind, Cookie, Persistence, Role, Unit
from policykit.rules.base import Context, Issue, rule
from policykit.syntax import format_lifetime

__all__ = ["RULES"]

_HOURS = "eu.exemption.identifier-hours"


def _exempt(ctx: Context, cookie: Cookie) -> bool:
    category = ctx.category_of(cookie)
    return not category.consent_required and category.kind is CategoryKind.STRICTLY_NECESSARY


def _failed_tests(ctx: Context, cookie: Cookie, purpose: str) -> list[str]:
    failed = []
    party = ctx.party_of(cookie)
    if party.role is Role.THIRD_PARTY:
        failed.append(
            f"it is set by {party.name or party.id}, a third party that uses it for its own purposes, "
            "not for the service the visitor asked for"
        )
    beyond, negation = ctx.words("beyond_necessary"), ctx.words("negation")
    # A cookie that stores the consent choice ("tracks who has consented") is exempt.
    choice = ctx.words("consent").search(purpose)
    for sentence in () if choice else ctx.sentences(purpose):
        found = beyond.search(sentence)
        if found and not negation.search(sentence):
            failed.append(f"its purpose says '{found.group(0)}', which is not strictly necessary")
            break
    hours = ctx.facts.number(_HOURS)
    seconds = cookie.lifetime.seconds
    if (
        cookie.lifetime.persistence is Persistence.PERSISTENT
        and seconds is not None
        and seconds > hours * Unit.HOUR.seconds
        and ctx.words("identifier").search(purpose)
    ):
        failed.append(
            f"it keeps an identifier for {format_lifetime(cookie.lifetime)}, longer than the session (or a few "
            "hours) its purpose needs"
        )
    return failed


@rule(
    "PK108",
    Severity.WARNING,
    "A cookie filed as strictly necessary fails a test of the exemption",
    """ePrivacy Directive Art. 5(3), second sentence, exempts from consent only storage
    strictly necessary for the service the visitor explicitly asked for. The Article 29
    Working Party (Opinion 04/2012, WP194) reads it narrowly: the cookie's lifespan must
    be in direct relation to its purpose (user input, authentication and load
    balancing cookies for the session, persistent ones limited to a few hours in some
    cases); first-party session cookies are far more likely exempt than third-party
    persistent ones; a cookie used for an additional purpose is not exempt. The EDPB's
    Guidelines 2/2023 confirm that any identifier stored or read falls under Art. 5(3).
    A cookie filed as strictly necessary is suspect when it is set by a third party for
    its own purposes, when its purpose says tracking, identification for other ends,
    statistics, advertising or personalisation (in the policy's language), or when it
    keeps an identifier (a chat or user identifier, a load balancer) for longer than
    {eu.exemption.identifier-hours.value} hours. A consent choice, a session cookie, a
    load balancer for the session, a language the visitor chose and a shopping basket
    are the classic exempt cases.""",
    cites=("cite.eprivacy", "cite.wp194", "cite.edpb-5-3"),
    uses=(_HOURS,),
)
def strictly_necessary_limits(ctx: Context) -> Iterator[Issue]:
    purposes = {text.at[1]: text.plain for text in ctx.prose if text.cookie is not None}
    for index, cookie in enumerate(ctx.policy.cookies):
        if not _exempt(ctx, cookie):
            continue
        failed = _failed_tests(ctx, cookie, purposes.get(index, cookie.purpose))
        if failed:
            yield Issue(
                ("cookies", index, "category"),
                f"{ctx.label(cookie)} ({format_lifetime(cookie.lifetime)}) is filed as strictly necessary, but "
                + "; ".join(failed)
                + ": the exemption covers only what the service the visitor asked for cannot work without",
            )


RULES = (strictly_necessary_limits,)
