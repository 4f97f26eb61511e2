"""The textual forms of values in a policy file, parsed and printed.

In: strings from a policy file ("90 days or until logout", "US", "2021-02-19").
Out: model values, or ValueError with a message a legal writer can act on; and back.
Shared by the loader, the dumper and the JSON Schema, so the three agree.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from policykit.findings import excerpt
from policykit.model import Duration, Lifetime, Persistence, Unit

__all__ = [
    "LIFETIME_PATTERN",
    "country_codes",
    "format_lifetime",
    "is_country_code",
    "is_language_tag",
    "is_web_url",
    "parse_date",
    "parse_datetime",
    "parse_lifetime",
]


def _any_case(word: str) -> str:
    """`Days` as a regex that matches it in any case, in both Python's and ECMA 262's
    flavour: the JSON Schema has no case-insensitive flag."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


# A person writes "13 Months" or "Session"; the file form (dump) is lowercase.
_KEYWORDS = "|".join(_any_case(p.value) for p in Persistence)
_UNITS = "|".join(_any_case(unit.value) for unit in Unit)
_UNTIL = _any_case(" or until ")
_LIFETIME = re.compile(
    rf"(?:(?P<keyword>{_KEYWORDS})|(?P<amount>[1-9][0-9]{{0,5}}) (?P<unit>{_UNITS})[sS]?)"
    rf"(?:{_UNTIL}(?P<until>\S.*))?\Z"
)
# The same grammar for the JSON Schema (ECMA 262 flavour, no named groups).
LIFETIME_PATTERN = rf"^({_KEYWORDS}|[1-9][0-9]{{0,5}} ({_UNITS})[sS]?)({_UNTIL}\S.*)?$"


@functools.lru_cache(maxsize=4096)  # lifetimes repeat; a Lifetime is immutable, so share it
def parse_lifetime(text: str) -> Lifetime:
    """Parse 'session', 'persistent', 'not stated' or '90 days', each optionally
    followed by ' or until <event>', in any case ('13 Months', 'Session')."""
    match = _LIFETIME.match(text)
    if match is None:
        raise ValueError(
            "expected a lifetime such as 'session', '90 days', '13 months', "
            f"'persistent', 'not stated' or '365 days or until logout', got {excerpt(text)}"
        )
    until = match.group("until")
    keyword = match.group("keyword")
    if keyword is None:
        return Lifetime.of(int(match.group("amount")), Unit(match.group("unit").lower()), until)
    keyword = keyword.lower()
    if keyword == "not stated":
        if until is not None:
            raise ValueError("a lifetime that is 'not stated' cannot end 'or until' an event")
        return Lifetime.not_stated()
    return Lifetime(Persistence(keyword), until=until)


def format_duration(duration: Duration) -> str:
    plural = "" if duration.amount == 1 else "s"
    return f"{duration.amount} {duration.unit.value}{plural}"


def format_lifetime(lifetime: Lifetime) -> str:
    """The file form of a lifetime; parse_lifetime(format_lifetime(x)) == x."""
    text = format_duration(lifetime.duration) if lifetime.duration is not None else lifetime.persistence.value
    if lifetime.until is not None:
        text += f" or until {lifetime.until}"
    return text


# Codes CLDR (through Babel) names that are not officially assigned ISO 3166-1 alpha-2
# codes: exceptionally reserved ones (AC Ascension, CP Clipperton, DG Diego Garcia, EA
# Ceuta and Melilla, IC Canary Islands, TA Tristan da Cunha), CLDR's own CQ (Sark), the
# groupings EU, EZ, UN and QO (Outlying Oceania), the user-assigned XA, XB, XK and the
# unknown region ZZ. What remains is exactly ISO 3166-1's 249 countries.
_NOT_COUNTRIES = frozenset({"AC", "CP", "DG", "EA", "IC", "TA", "CQ", "EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"})


@functools.cache
def _country_codes() -> frozenset[str]:
    from babel import Locale  # Babel's CLDR data: the territories it names

    codes = [code for code in Locale("en").territories if isinstance(code, str)]
    return frozenset(code for code in codes if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES)


def country_codes() -> frozenset[str]:
    """ISO 3166-1's alpha-2 codes, as the loader and the JSON Schema accept them."""
    return _country_codes()


def is_country_code(code: str) -> bool:
    return code in _country_codes()


# The host's dot is checked after the match: `host+\.host+` backtracked over every dot.
_WEB_URL = re.compile(r"https?://(?P<host>[^\s/?#<>\"]+)(?:[/?#][^\s<>\"]*)?\Z")


def is_web_url(text: str) -> bool:
    """An absolute http(s) URL with a dotted host and no spaces or markup characters."""
    match = _WEB_URL.match(text)
    return match is not None and "." in match.group("host")[1:-1]


def is_language_tag(text: str) -> bool:
    """A locale CLDR has data for, written as Babel writes it ('en', 'pt_BR')."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(text)) == text
    except (UnknownLocaleError, ValueError, TypeError):
        return False


def parse_date(text: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date such as '2021-02-19', got {excerpt(text)}") from None


def parse_datetime(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date and time such as '2021-02-19T13:40:00+01:00', got {excerpt(text)}") from None
    if value.utcoffset() is None:
        raise ValueError(f"{excerpt(text)} has no time zone offset; add one, such as +01:00 or Z")
    return value
