"""The textual forms of values in a policy file, parsed and printed.

In: strings from a policy file ("90 days or until logout", "US", "2021-02-19").
Out: model values, or ValueError with a message a legal writer can act on; and back.
Shared by the loader, the dumper and the JSON Schema, so the three agree.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import attrs

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
_CASE_KEYWORDS = "|".join(_any_case(p.value) for p in (Persistence.SESSION, Persistence.PERSISTENT))
_UNITS = "|".join(_any_case(unit.value) for unit in Unit)
_UNTIL = _any_case(" or until ")
_OR = _any_case(" or ")
_UP_TO = _any_case("up to ")
_RENEWED = _any_case(" from your last visit")


def _case(prefix: str) -> str:
    """One case of a lifetime: 'session', 'persistent', '2 years', 'up to 2 years',
    '2 years from your last visit' (Python flavour, groups named with `prefix`)."""
    return (
        rf"(?:(?P<{prefix}keyword>{_CASE_KEYWORDS})|(?P<{prefix}up>{_UP_TO})?(?P<{prefix}amount>[1-9][0-9]{{0,5}}) "
        rf"(?P<{prefix}unit>{_UNITS})[sS]?(?P<{prefix}renewed>{_RENEWED})?)"
    )


_LIFETIME = re.compile(
    rf"(?:(?P<not_stated>{_any_case('not stated')})|{_case('a_')}(?:{_OR}{_case('b_')})?)"
    rf"(?:{_UNTIL}(?P<until>\S.*))?\Z"
)
_CASE_PATTERN = rf"(?:{_CASE_KEYWORDS}|(?:{_UP_TO})?[1-9][0-9]{{0,5}} (?:{_UNITS})[sS]?(?:{_RENEWED})?)"
# The same grammar for the JSON Schema (ECMA 262 flavour, no named groups).
LIFETIME_PATTERN = rf"^({_any_case('not stated')}|{_CASE_PATTERN}({_OR}{_CASE_PATTERN})?)({_UNTIL}\S.*)?$"

_EXAMPLES = (
    "expected a lifetime such as 'session', '90 days', 'up to 2 years', '2 years from your last visit', "
    "'session or 14 days', 'persistent', 'not stated' or '365 days or until logout'"
)


def _read_case(match: re.Match[str], prefix: str) -> Lifetime:
    keyword = match.group(f"{prefix}keyword")
    if keyword is not None:
        return Lifetime(Persistence(keyword.lower()))
    return Lifetime.of(
        int(match.group(f"{prefix}amount")),
        Unit(match.group(f"{prefix}unit").lower()),
        maximum=match.group(f"{prefix}up") is not None,
        renewed=match.group(f"{prefix}renewed") is not None,
    )


@functools.lru_cache(maxsize=4096)  # lifetimes repeat; a Lifetime is immutable, so share it
def parse_lifetime(text: str) -> Lifetime:
    """Parse 'session', 'persistent', 'not stated', '90 days', 'up to 2 years' (a
    maximum) or '2 years from your last visit' (renewed); two cases joined by 'or'
    ('session or 14 days': it depends on a choice); each optionally followed by
    ' or until <event>'; in any case ('13 Months', 'Session')."""
    match = _LIFETIME.match(text)
    if match is None:
        raise ValueError(f"{_EXAMPLES}, got {excerpt(text)}")
    until = match.group("until")
    if match.group("not_stated") is not None:
        if until is not None:
            raise ValueError("a lifetime that is 'not stated' cannot end 'or until' an event")
        return Lifetime.not_stated()
    first = _read_case(match, "a_")
    choice = _read_case(match, "b_") if match.group("b_keyword") or match.group("b_amount") else None
    if choice is not None and choice == first:
        raise ValueError(f"the two cases of the lifetime {excerpt(text)} are the same; write one")
    return attrs.evolve(first, until=until, choice=choice)


def format_duration(duration: Duration) -> str:
    plural = "" if duration.amount == 1 else "s"
    return f"{duration.amount} {duration.unit.value}{plural}"


def _format_case(case: Lifetime) -> str:
    if case.duration is None:
        return case.persistence.value
    text = format_duration(case.duration)
    if case.maximum:
        text = f"up to {text}"
    if case.renewed:
        text += " from your last visit"
    return text


def format_lifetime(lifetime: Lifetime) -> str:
    """The file form of a lifetime; parse_lifetime(format_lifetime(x)) == x."""
    text = _format_case(lifetime)
    if lifetime.choice is not None:
        text += f" or {_format_case(lifetime.choice)}"
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
    """Whether `code` is an ISO 3166-1 alpha-2 code the loader accepts ('NL', not 'nl')."""
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
    """`text` as a date, written YYYY-MM-DD; ValueError saying what was expected otherwise."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date such as '2021-02-19', got {excerpt(text)}") from None


def parse_datetime(text: str) -> dt.datetime:
    """`text` as an ISO 8601 date and time with a time zone offset; ValueError saying what was
    expected (or that the offset is missing) otherwise."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date and time such as '2021-02-19T13:40:00+01:00', got {excerpt(text)}") from None
    if value.utcoffset() is None:
        raise ValueError(f"{excerpt(text)} has no time zone offset; add one, such as +01:00 or Z")
    return value
