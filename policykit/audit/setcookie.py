"""Set-Cookie headers read as a browser reads them (RFC 6265, sections 5.1.1 to 5.3).

In: one Set-Cookie header value, the host that sent it and the time the response was
sent (its Date header). Out: a SetCookie, or None where a browser ignores the header
(no '=' in the name-value pair, an empty name, a Domain the host does not belong to).

Not http.cookies: that module follows RFC 2109, rejects names and values browsers take,
and parses Expires with a fixed pattern where RFC 6265 has a forgiving algorithm.
"""

from __future__ import annotations

import datetime as dt
import re

from attrs import frozen

__all__ = ["SetCookie", "bounded_lifetime", "domain_match", "parse_cookie_date", "parse_set_cookie"]

# RFC 6265 5.2.2 and 5.3 step 3: an expiry past the latest representable date is that date.
_LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)

# RFC 6265 5.1.1: the delimiters that split a cookie-date into tokens.
_DELIMITERS = re.compile(r"[\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+")
_TIME = re.compile(r"(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D.*)?$")
_DAY = re.compile(r"(\d{1,2})(?:\D.*)?$")
_YEAR = re.compile(r"(\d{2,4})(?:\D.*)?$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def parse_cookie_date(text: str) -> dt.datetime | None:
    """The cookie-date algorithm of RFC 6265 5.1.1; None where it fails."""
    time: tuple[int, int, int] | None = None
    day = month = year = None
    for token in _DELIMITERS.split(text):
        if not token:
            continue
        if time is None and (found := _TIME.match(token)):
            time = (int(found[1]), int(found[2]), int(found[3]))
        elif day is None and (found := _DAY.match(token)):
            day = int(found[1])
        elif month is None and token[:3].lower() in _MONTHS:
            month = _MONTHS.index(token[:3].lower()) + 1
        elif year is None and (found := _YEAR.match(token)):
            year = int(found[1])
    if time is None or day is None or month is None or year is None:
        return None
    if 70 <= year <= 99:
        year += 1900
    elif 0 <= year <= 69:
        year += 2000
    hour, minute, second = time
    if not (1 <= day <= 31 and year >= 1601 and hour <= 23 and minute <= 59 and second <= 59):
        return None
    try:
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    except ValueError:  # 31 February: the algorithm says fail
        return None


def bounded_lifetime(seconds: float, date: dt.datetime) -> int:
    """Seconds from `date`, at most up to the latest representable date (RFC 6265 5.3
    step 3), so a huge Max-Age or expiry stays a number the audit can print and compare.
    `seconds` must be finite; a negative one is bounded the same way (it deletes)."""
    latest = int((_LATEST - date).total_seconds())
    if abs(seconds) >= latest:
        return latest if seconds > 0 else -latest
    return int(seconds)


def domain_match(host: str, domain: str) -> bool:
    """RFC 6265 5.1.3: the host is the domain or one of its subdomains."""
    return host == domain or (host.endswith("." + domain) and not _is_ip(host))


def _is_ip(host: str) -> bool:
    return bool(re.fullmatch(r"[\d.]+|\[?[0-9a-fA-F:]+\]?", host))


@frozen
class SetCookie:
    """One cookie as the browser stores it.

    `lifetime` is in seconds from the response's Date, None for a session cookie;
    `deleted` is true when the header removes the cookie (an expiry in the past or a
    Max-Age of zero or less). `host_only` is true without a Domain attribute.
    """

    name: str
    value: str
    domain: str
    host_only: bool
    path: str
    lifetime: int | None
    deleted: bool
    secure: bool = False
    http_only: bool = False


def parse_set_cookie(header: str, host: str, date: dt.datetime) -> SetCookie | None:
    """RFC 6265 5.2 and 5.3: the cookie one Set-Cookie header stores, or None."""
    pair, _, attributes = header.partition(";")
    if "=" not in pair:
        return None
    name, _, value = pair.partition("=")
    name, value = name.strip(" \t"), value.strip(" \t")
    if not name:
        return None
    max_age: int | None = None
    expires: dt.datetime | None = None
    domain = ""
    path = "/"
    secure = http_only = False
    for attribute in attributes.split(";"):
        key, _, raw = attribute.partition("=")
        key, raw = key.strip(" \t").lower(), raw.strip(" \t")
        if key == "expires":
            expires = parse_cookie_date(raw) or expires
        elif key == "max-age":
            # 5.2.2: a leading digit or '-', then only digits; otherwise ignored.
            if found := re.fullmatch(r"(-?)0*(\d+)", raw):
                # More digits than any representable date needs: the latest date (5.3).
                digits = found[2] if len(found[2]) <= 15 else "9" * 15
                max_age = int(found[1] + digits)
        elif key == "domain" and raw:
            domain = raw.removeprefix(".").lower()
        elif key == "path" and raw.startswith("/"):
            path = raw
        elif key == "secure":
            secure = True
        elif key == "httponly":
            http_only = True
    host = host.lower()
    if domain and not domain_match(host, domain):
        return None  # 5.3 step 6: a Domain the host does not belong to is rejected
    # 5.3 step 3: Max-Age wins over Expires, whatever their order.
    lifetime: int | None
    if max_age is not None:
        # Max-Age counts from when the browser receives the header: a positive one never
        # deletes, even counted from a Date at the end of time ('31 Dec 9999').
        lifetime = bounded_lifetime(max_age, date)
        lifetime = max(lifetime, 1) if max_age > 0 else lifetime
    elif expires is not None:
        lifetime = bounded_lifetime((expires - date).total_seconds(), date)
    else:
        lifetime = None
    return SetCookie(
        name=name,
        value=value,
        domain=domain or host,
        host_only=not domain,
        path=path,
        lifetime=lifetime,
        deleted=lifetime is not None and lifetime <= 0,
        secure=secure,
        http_only=http_only,
    )
