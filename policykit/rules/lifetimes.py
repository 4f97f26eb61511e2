"""Rules on lifetimes: stated, possible in a browser, filed under the right kind.

In: a Context (the policy, the date the law is judged at, the facts and wording).
Out: Issues pointing at cookies' `lifetime`, at categories, or at the prose that
misfiles or restates them. Limits come from the facts data, never from this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import attrs

from policykit.findings import Severity
from policykit.model import BUILTIN_CATEGORIES, CategoryKind, Duration, Lifetime, Persistence, Storage, Unit
from policykit.rules.base import EVERYWHERE, Context, Issue, rule
from policykit.syntax import format_lifetime

__all__ = ["RULES"]

_CAP = "browser.cookie-max-age-days"
# Web storage a site cannot give an expiry: it lasts until something clears it.
_NO_EXPIRY = (Storage.LOCAL_STORAGE, Storage.INDEXEDDB)
_CNIL = "cnil.audience-measurement-cookie-months"


def _longest(lifetime: Lifetime) -> str:
    """'2 years', or for a lifetime of several cases 'session or 2 years (2 years at the longest)'."""
    text = format_lifetime(lifetime)
    if lifetime.choice is None:
        return text
    return f"{text} ({format_lifetime(attrs.evolve(lifetime.longest(), until=None))} at the longest)"


@rule(
    "PK101",
    Severity.ERROR,
    "A cookie's lifetime is not stated",
    """The storage period must be disclosed: GDPR Art. 13(2)(a), and for cookies the
    duration of their operation (CJEU Planet49, C-673/17). 'persistent' without a
    duration, or 'not stated', leaves the reader guessing. Local storage and IndexedDB
    have no expiry at all: for them, 'persistent or until <the event that clears it>'
    states their lifetime.""",
    cites=("cite.gdpr", "cite.planet49"),
)
def lifetime_not_stated(ctx: Context) -> Iterator[Issue]:
    for index, cookie in enumerate(ctx.policy.cookies):
        lifetime = cookie.lifetime
        if lifetime.stated:
            continue
        if cookie.storage in _NO_EXPIRY and lifetime.is_persistent and lifetime.until is not None:
            continue  # kept until an event the policy names: that is its whole lifetime
        if lifetime.is_persistent:
            message = f"{ctx.label(cookie)} is persistent, but how long it lasts is not stated"
        else:
            message = f"the lifetime of {ctx.label(cookie)} is not stated, not even whether it outlives the session"
        yield Issue(("cookies", index, "lifetime"), message)


@rule(
    "PK102",
    Severity.ERROR,
    "Session-only storage declares a lifetime beyond the session",
    """sessionStorage is cleared when the tab closes (HTML Living Standard, 'The
    sessionStorage getter'). Declaring a duration for it tells the reader something the
    browser never does: GDPR Art. 5(1)(a) and 12(1) require transparent information.""",
    cites=("cite.html-sessionstorage", "cite.gdpr"),
)
def session_storage_with_duration(ctx: Context) -> Iterator[Issue]:
    for index, cookie in enumerate(ctx.policy.cookies):
        if cookie.storage is Storage.SESSION_STORAGE and cookie.lifetime.is_persistent:
            yield Issue(
                ("cookies", index, "lifetime"),
                f"{ctx.label(cookie)} is kept in sessionStorage, which ends with the session, "
                f"but declares '{format_lifetime(cookie.lifetime)}'",
            )


@rule(
    "PK103",
    Severity.WARNING,
    "A cookie's lifetime exceeds what browsers allow",
    """RFC 6265bis, an Internet-Draft (section 5.5 'Limits'), says a user agent should
    not keep a cookie for longer than {browser.cookie-max-age-days.value} days. Chrome
    caps lifetimes at that since version 104, and Firefox caps them too.
    A longer declared lifetime is either not what the browser keeps or a cookie that is
    re-set, which the policy should describe as such.""",
    cites=("cite.rfc6265bis", "cite.chrome-104", _CAP),
    profiles=EVERYWHERE,
)
def beyond_browser_cap(ctx: Context) -> Iterator[Issue]:
    days = ctx.facts.number(_CAP)
    cap = days * Unit.DAY.seconds
    for index, cookie in enumerate(ctx.policy.cookies):
        seconds = cookie.lifetime.longest_seconds()
        if cookie.storage is Storage.COOKIE and seconds is not None and seconds > cap:
            yield Issue(
                ("cookies", index, "lifetime"),
                f"{ctx.label(cookie)} is declared to last {_longest(cookie.lifetime)}, "
                f"but browsers keep a cookie for at most {days} days",
            )


@rule(
    "PK104",
    Severity.ERROR,
    "A cookie is discussed under an article about the other kind (session vs persistent)",
    """The reader learns a cookie's duration from where it is described (GDPR Art.
    13(2)(a); Planet49, C-673/17). A persistent cookie under 'session cookies' tells
    them it is deleted when the browser closes, which is false.""",
    cites=("cite.gdpr", "cite.planet49"),
)
def under_wrong_kind(ctx: Context) -> Iterator[Issue]:
    kinds = {Persistence.SESSION: "session", Persistence.PERSISTENT: "persistent"}
    for part in ctx.parts:
        if part.about not in kinds:
            continue
        reported: set[str] = set()
        for at, cookie in ctx.discussed(part):
            # The longest case: 'session or 14 days' may persist, so it belongs with
            # persistent cookies, never under 'session cookies' alone.
            persistence = cookie.lifetime.longest().persistence
            if persistence in kinds and persistence is not part.about and cookie.id not in reported:
                reported.add(cookie.id)
                where = part.title if part.item.title is None else f"{part.title} ('{part.item.title}')"
                yield Issue(
                    at,
                    f"{ctx.label(cookie)} is a {kinds[persistence]} cookie, "
                    f"but {where} is about {kinds[part.about]} cookies",
                )


@rule(
    "PK105",
    Severity.WARNING,
    "An audience-measurement cookie exempt from consent lives longer than the CNIL recommends",
    """The CNIL's guidelines (délibération n° 2020-091, art. 5) set the conditions under
    which audience-measurement trackers are exempt from consent: a purpose strictly
    limited to measuring the audience of the site for its publisher, anonymous
    statistics only, no cross-referencing and no sharing. Its recommendation
    (délibération n° 2020-092, art. 5) recommends, as an example of a proportionate
    lifetime, {cnil.audience-measurement-cookie-months.value} months, not extended
    automatically on new visits. A longer lifetime makes the claim to the exemption
    doubtful; an analytics cookie set with consent is not concerned. Which cookies
    claim the exemption is read from their category: one that asks no consent and is
    of kind 'analytics', whatever it is called.""",
    profiles=("cnil",),
    cites=("cite.cnil-2020-091", "cite.cnil-2020-092", _CNIL),
)
def cnil_analytics_lifetime(ctx: Context) -> Iterator[Issue]:
    months = ctx.facts.number(_CNIL)
    limit = months * Unit.MONTH.seconds
    for index, cookie in enumerate(ctx.policy.cookies):
        category = ctx.category_of(cookie)
        if category.consent_required or category.kind is not CategoryKind.ANALYTICS:
            continue
        seconds = cookie.lifetime.longest_seconds()
        if seconds is not None and seconds > limit:
            yield Issue(
                ("cookies", index, "lifetime"),
                f"{ctx.label(cookie)} is an audience-measurement cookie set without consent "
                f"('{category.id}') that lasts {_longest(cookie.lifetime)}; "
                f"the CNIL recommends at most {months} months for an exempt audience-measurement cookie",
            )
        elif any(case.renewed for case in cookie.lifetime.cases):
            yield Issue(
                ("cookies", index, "lifetime"),
                f"{ctx.label(cookie)} is an audience-measurement cookie set without consent "
                f"('{category.id}') whose lifetime '{format_lifetime(cookie.lifetime)}' is extended on each "
                "visit; the CNIL's exemption requires a lifetime that is not",
            )


_UNITS = "|".join(unit.value for unit in Unit)
_DURATION = re.compile(rf"\b(\d+)[\s\u00a0-]+({_UNITS})s?\b", re.IGNORECASE)


@rule(
    "PK106",
    Severity.INFO,
    "Prose states a cookie's lifetime literally instead of referring to it",
    """A duration copied into prose drifts from the declared lifetime when one of them
    changes, and then the policy contradicts itself (GDPR Art. 12(1): information must
    be transparent and intelligible). Refer to the cookie's lifetime with a placeholder.
    Only a sentence about a cookie's lifetime is read this way; a sentence about how
    long data is kept states a retention period, which is another fact.""",
    cites=("cite.gdpr",),
)
def literal_duration(ctx: Context) -> Iterator[Issue]:
    lifetime_words, retention_words = ctx.words("lifetime"), ctx.words("retention")
    for text in ctx.prose:
        plain = text.plain
        matches = [
            m
            for m in _DURATION.finditer(plain)
            if lifetime_words.search(sentence := ctx.sentence_at(plain, m.start()))
            and not retention_words.search(sentence)
        ]
        if not matches:
            continue
        if text.cookie is not None:
            in_scope = [text.cookie]
        elif text.part is not None:
            in_scope = [cookie for _, cookie in ctx.discussed(text.part)]
        else:
            in_scope = []
        for match in matches:
            said = Duration(int(match.group(1)), Unit(match.group(2).lower()))
            same = [c for c in in_scope if any(case.duration == said for case in c.lifetime.cases)]
            if same:
                yield Issue(
                    text.at,
                    f"'{match.group(0)}' restates the lifetime of {ctx.label(same[0])}; "
                    "if one of them changes, the other will be wrong: show the cookie's lifetime from its record "
                    "(a placeholder for the lifetime) instead of typing it",
                )
            elif in_scope:
                lifetimes = ", ".join(f"{ctx.label(c)}: {format_lifetime(c.lifetime)}" for c in in_scope[:3])
                yield Issue(text.at, f"'{match.group(0)}' matches no declared lifetime here ({lifetimes})")
            else:
                yield Issue(
                    text.at,
                    f"'{match.group(0)}' is a cookie lifetime typed into the text; "
                    "show it from the cookie's record instead",
                )


@rule(
    "PK107",
    Severity.WARNING,
    "A category that asks no consent does not say what kind of cookies it holds",
    """ePrivacy Directive Art. 5(3) exempts from consent only storage that is strictly
    necessary for a service the user asked for; regulators add narrow exemptions for
    audience measurement (CNIL 2020-092, PECR's statistical purposes). A custom category
    with `consent_required: false` claims one of them; `kind:` says which, so the rules
    for that exemption apply to it.""",
    cites=("cite.eprivacy", "cite.cnil-2020-092"),
)
def exempt_category_of_unknown_kind(ctx: Context) -> Iterator[Issue]:
    used = {cookie.category for cookie in ctx.policy.cookies}
    builtin = {category.id for category in BUILTIN_CATEGORIES}
    for index, category in enumerate(ctx.policy.categories):
        if category.id in builtin or category.consent_required or category.kind is not None:
            continue
        if category.id in used:
            yield Issue(
                ("categories", index),
                f"category '{category.id}' asks no consent but does not say its kind "
                "(strictly-necessary, functional, analytics or marketing)",
            )


RULES = (
    lifetime_not_stated,
    session_storage_with_duration,
    beyond_browser_cap,
    under_wrong_kind,
    cnil_analytics_lifetime,
    literal_duration,
    exempt_category_of_unknown_kind,
)
