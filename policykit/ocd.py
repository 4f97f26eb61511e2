"""Import the Open Cookie Database (https://github.com/jkwakman/Open-Cookie-Database).

In: the database's CSV export (ID, Platform, Category, Cookie / Data Key name, Domain,
Description, Retention period, Data Controller, User Privacy & GDPR Rights Portals,
Wildcard match). Out: parties and cookies of the policykit model, or a whole Policy with
one article that tables them.

Retention periods are free text written by contributors. Only what reads as a session,
a plain "<number> <unit>" or an explicit "forever" is taken; everything else ("Unknown",
"Varies", "Local Storage") becomes "not stated", never a guess.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from pathlib import Path

from policykit.model import (
    Article,
    Cookie,
    CookieTable,
    Lifetime,
    Meta,
    Paragraph,
    Party,
    Persistence,
    Policy,
    Role,
    Unit,
)
from policykit.syntax import is_web_url

__all__ = ["OcdRow", "ocd_policy", "parse_retention", "read_ocd"]

_CATEGORY = {
    "functional": "functional",
    "personalization": "functional",
    "analytics": "analytics",
    "marketing": "marketing",
    "security": "strictly-necessary",
    "necessary": "strictly-necessary",
}

_UNIT_WORDS = {
    "second": Unit.SECOND, "sec": Unit.SECOND, "secs": Unit.SECOND,
    "minute": Unit.MINUTE, "min": Unit.MINUTE, "mins": Unit.MINUTE,
    "hour": Unit.HOUR, "hr": Unit.HOUR, "hrs": Unit.HOUR,
    "day": Unit.DAY,
    "week": Unit.WEEK,
    "month": Unit.MONTH,
    "year": Unit.YEAR,
}  # fmt: skip

_SPAN = re.compile(r"(?P<amount>\d+)\s*(?P<unit>[a-z]+?)s?")
_SESSION = re.compile(r"(end of )?session( \(browser\))?|browser session|until (the )?browser (is )?closed")
_FOREVER = re.compile(r"forever|unlimited|persistent|never expires?|no expiry")

OcdRow = dict[str, str]


def parse_retention(text: str) -> Lifetime:
    """A lifetime from a retention period such as '13 months', 'Session' or '30 mins'."""
    words = " ".join(text.lower().split())
    if _SESSION.fullmatch(words):
        return Lifetime.session()
    if _FOREVER.fullmatch(words):
        return Lifetime(Persistence.PERSISTENT)
    match = _SPAN.fullmatch(words)
    if match is not None:
        unit = _UNIT_WORDS.get(match.group("unit"))
        amount = int(match.group("amount"))
        if unit is not None and amount > 0:
            return Lifetime.of(amount, unit)
    return Lifetime.not_stated()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


def _literal(text: str) -> str:
    """Plain text as policykit prose: braces would otherwise be placeholders."""
    return text.replace("{", "{{").replace("}", "}}")


def read_ocd(source: Path | str) -> list[OcdRow]:
    """The rows of the CSV export, as dicts keyed by its column titles."""
    text = Path(source).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def parties_and_cookies(rows: Iterable[OcdRow]) -> tuple[tuple[Party, ...], tuple[Cookie, ...]]:
    parties: dict[str, Party] = {}
    cookies: list[Cookie] = []
    seen: set[str] = set()
    for row in rows:
        controller = row["Data Controller"].strip() or row["Platform"].strip() or "Unknown"
        party_id = _slug(controller)
        if party_id not in parties:
            portal = row["User Privacy & GDPR Rights Portals"].strip()
            parties[party_id] = Party(
                id=party_id,
                name=controller,
                role=Role.THIRD_PARTY,
                privacy_policy=portal if is_web_url(portal) else None,  # type: ignore[arg-type]
            )
        name = row["Cookie / Data Key name"].strip()
        if row["Wildcard match"].strip() == "1" and not name.endswith("*"):
            name += "*"  # the database's wildcard means "any name starting with this"
        # Names repeat across platforms ('u', 'token'); the id must not.
        cookie_id = name if name not in seen else f"{name}@{row['ID'].strip()}"
        seen.add(cookie_id)
        cookies.append(
            Cookie(
                id=cookie_id,
                name=name,
                party=party_id,
                category=_CATEGORY.get(row["Category"].strip().lower(), "functional"),
                purpose=_literal(row["Description"].strip()) or "Not described.",
                lifetime=parse_retention(row["Retention period"]),
                domain=row["Domain"].strip() or None,
            )
        )
    return tuple(parties.values()), tuple(cookies)


def ocd_policy(rows: Iterable[OcdRow], title: str = "Cookie policy") -> Policy:
    """A policy listing every row: one article with a table per category."""
    parties, cookies = parties_and_cookies(rows)
    intro = Paragraph("This website uses the cookies listed below. Analytics and marketing cookies need your consent.")
    article = Article(
        title="Cookies we use",
        body=(
            intro,
            *(CookieTable(category=category) for category in sorted({c.category for c in cookies})),
        ),
    )
    meta = Meta(title=title, language="en", last_modified=dt.datetime(2026, 1, 21, tzinfo=dt.UTC))  # type: ignore[arg-type]
    return Policy(meta=meta, parties=parties, cookies=cookies, articles=(article,))
