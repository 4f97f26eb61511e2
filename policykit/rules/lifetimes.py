"""Rules on lifetimes: stated, possible in a browser, filed under the right kind.

In: a Context. Out: Issues pointing at cookies' `lifetime` or at the prose that
misfiles or restates them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from policykit.findings import Severity
from policykit.model import Duration, Persistence, Storage, Unit
from policykit.rules.base import Context, Issue, rule
from policykit.syntax import format_lifetime

__all__ = ["RULES"]

BROWSER_CAP_DAYS = 400
CNIL_ANALYTICS_MONTHS = 13


@rule(
    "PK101",
    Severity.ERROR,
    "A cookie's lifetime is not stated",
    """The storage period must be disclosed: GDPR Art. 13(2)(a), and for cookies the
    duration of their operation, CJEU Planet49 (C-673/17, 2019-10-01, para. 81).
    'persistent' without a duration, or 'not stated', leaves the reader guessing.""",
)
def lifetime_not_stated(ctx: Context) -> Iterator[Issue]:
    for index, cookie in enumerate(ctx.policy.cookies):
        lifetime = cookie.lifetime
        if lifetime.stated:
            continue
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
    "A cookie's lifetime exceeds what browsers allow (400 days)",
    """RFC 6265bis (section 5.5, 'The Max-Age and Expires attributes') caps a cookie's
    lifetime at 400 days, and Chrome has enforced the cap since version 104 (2022).
    A longer declared lifetime is either not what the browser keeps or a
    re-set cookie that the policy should describe as such.""",
)
def beyond_browser_cap(ctx: Context) -> Iterator[Issue]:
    cap = BROWSER_CAP_DAYS * Unit.DAY.seconds
    for index, cookie in enumerate(ctx.policy.cookies):
        seconds = cookie.lifetime.seconds
        if cookie.storage is Storage.COOKIE and seconds is not None and seconds > cap:
            yield Issue(
                ("cookies", index, "lifetime"),
                f"{ctx.label(cookie)} is declared to last {format_lifetime(cookie.lifetime)}, "
                f"but browsers keep a cookie for at most {BROWSER_CAP_DAYS} days",
            )


@rule(
    "PK104",
    Severity.ERROR,
    "A cookie is discussed under an article about the other kind (session vs persistent)",
    """The reader learns a cookie's duration from where it is described (GDPR Art.
    13(2)(a); Planet49, C-673/17). A persistent cookie under 'session cookies' tells
    them it is deleted when the browser closes, which is false.""",
)
def under_wrong_kind(ctx: Context) -> Iterator[Issue]:
    kinds = {Persistence.SESSION: "session", Persistence.PERSISTENT: "persistent"}
    for part in ctx.parts:
        if part.about not in kinds:
            continue
        reported: set[str] = set()
        for at, cookie in ctx.discussed(part):
            persistence = cookie.lifetime.persistence
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
    "An analytics cookie lives longer than 13 months (CNIL)",
    """The CNIL exempts audience-measurement cookies from consent only if, among other
    conditions, they last at most 13 months (délibération n° 2020-091 of 2020-09-17,
    art. 5; CNIL, 'Cookies et traceurs de mesure d'audience').""",
    profiles=("cnil",),
)
def cnil_analytics_lifetime(ctx: Context) -> Iterator[Issue]:
    limit = CNIL_ANALYTICS_MONTHS * Unit.MONTH.seconds
    for index, cookie in enumerate(ctx.policy.cookies):
        seconds = cookie.lifetime.seconds
        if cookie.category == "analytics" and seconds is not None and seconds > limit:
            yield Issue(
                ("cookies", index, "lifetime"),
                f"{ctx.label(cookie)} is an analytics cookie that lasts {format_lifetime(cookie.lifetime)}; "
                f"the CNIL allows at most {CNIL_ANALYTICS_MONTHS} months",
            )


_UNITS = "|".join(unit.value for unit in Unit)
LITERAL_DURATION = re.compile(rf"\b(\d+)[\s\u00a0-]+({_UNITS})s?\b", re.IGNORECASE)


@rule(
    "PK106",
    Severity.WARNING,
    "Prose states a duration literally instead of referring to the lifetime",
    """A duration copied into prose drifts from the declared lifetime when one of them
    changes, and then the policy contradicts itself (GDPR Art. 12(1): information must
    be transparent and intelligible). Refer to the cookie's lifetime with a placeholder.""",
)
def literal_duration(ctx: Context) -> Iterator[Issue]:
    for text in ctx.prose:
        matches = list(LITERAL_DURATION.finditer(text.plain))
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
            same = [c for c in in_scope if c.lifetime.duration == said]
            if same:
                yield Issue(
                    text.at,
                    f"'{match.group(0)}' restates the lifetime of {ctx.label(same[0])}; "
                    "refer to it with a placeholder ({name} bound to field: lifetime)",
                )
            elif in_scope:
                lifetimes = ", ".join(f"{ctx.label(c)}: {format_lifetime(c.lifetime)}" for c in in_scope[:3])
                yield Issue(text.at, f"'{match.group(0)}' matches no declared lifetime here ({lifetimes})")
            else:
                yield Issue(text.at, f"'{match.group(0)}' is a duration written out; refer to a cookie's lifetime")


RULES = (
    lifetime_not_stated,
    session_storage_with_duration,
    beyond_browser_cap,
    under_wrong_kind,
    cnil_analytics_lifetime,
    literal_duration,
)
