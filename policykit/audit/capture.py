"""What a browser saw, read from the files browsers and scanners write.

In: a HAR 1.2 file (Chromium's or Firefox's devtools, Playwright), a Netscape
cookies.txt, a JSON cookie jar (Playwright's storage_state, a browser extension's
export) or the inspection.json of the EDPS Website Evidence Collector.
Out: a Capture: every cookie seen (an Observation: name, domain, lifetime in seconds,
where it was seen) and a note saying what time the lifetimes count from.

A HAR is streamed entry by entry with ijson when it is installed (the `audit` extra),
so a 50 MB file with large bodies never sits in memory as a whole; without ijson it is
read with one json.load. Either way only the few fields the audit needs are kept.

The formats share one Capture shape and one set of readers for its fields (host, expiry,
finite numbers), which are in observations.py; `read_capture` picks the format from what
it reads; the streaming HAR and the EDPS readers live apart, in har_stream.py and
inspection.py.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import math
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from attrs import evolve

from policykit.audit.har_stream import har_items
from policykit.audit.observations import (
    Capture,
    CaptureError,
    Malformed,
    Note,
    Observation,
    _finite,
    _host,
    _iso,
    _list,
    _object,
    name_text,
)
from policykit.audit.setcookie import SetCookie, bounded_lifetime, parse_set_cookie

__all__ = [
    "Capture",
    "CaptureError",
    "Malformed",
    "Note",
    "Observation",
    "read_capture",
    "read_har",
    "read_jar",
]


def _http_date(text: str) -> dt.datetime | None:
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# --- HAR -------------------------------------------------------------------------------

# A response's Date further than this from the entry's own start time is a wrong clock
# (or a forged header): the lifetimes count from the start time instead.
_PLAUSIBLE_CLOCK = dt.timedelta(days=1)


def _parents(host: str) -> Iterator[str]:
    """The host and each domain above it: a.b.example.com, b.example.com, example.com, com."""
    while host:
        yield host
        _, _, host = host.partition(".")


def _headers(message: Mapping[str, Any]) -> list[tuple[int, str, str]]:
    found = []
    for index, header in enumerate(_list(message.get("headers"))):
        if isinstance(header, Mapping) and isinstance(header.get("name"), str):
            found.append((index, header["name"].lower(), str(header.get("value", ""))))
    return found


def read_har(path: Path) -> Capture:
    """Every cookie a HAR's responses set and its requests sent."""
    observations: list[Observation] = []
    malformed: list[Malformed] = []
    page_titles: dict[str, str] = {}
    page_urls: dict[str, str] = {}
    sent: list[tuple[str, str, str, str, str, int]] = []  # name, host, page ref, request, where, entry
    set_domains: dict[str, set[str]] = {}  # name -> the domains a response set it for
    notes: list[Note] = []
    last_started: dt.datetime | None = None
    count = 0
    for kind, item in har_items(path):
        if kind == "page" and isinstance(item, Mapping):
            page_titles[str(item.get("id", ""))] = str(item.get("title", ""))
            continue
        if kind != "entry":
            continue
        index = count
        count += 1
        if not isinstance(item, Mapping):
            raise CaptureError(f"{path}: not a HAR file: log.entries[{index}] is not an object")
        request, response = _object(item.get("request")), _object(item.get("response"))
        url = str(request.get("url", ""))
        host = _host(url)
        pageref = str(item.get("pageref", ""))
        # The page's own URL: the first document a page loads (Chromium's devtools also
        # put it in the page's title; Playwright puts the document title there).
        if pageref:
            page_urls.setdefault(pageref, url)
        headers = _headers(response)
        base = f"log.entries[{index}]"
        started = _iso(item.get("startedDateTime"))
        clock = started or last_started
        last_started = clock
        date = next((_http_date(v) for _, n, v in headers if n == "date"), None)
        if date is not None and clock is not None and abs(date - clock) > _PLAUSIBLE_CLOCK:
            header_index = next(i for i, n, _ in headers if n == "date")
            notes.append(
                Note(
                    "PK709",
                    f"the response's Date, {date.isoformat()}, is more than a day from the entry's start, "
                    f"{clock.isoformat()}: its lifetimes count from the start",
                    url,
                    f"{base}.response.headers[{header_index}]",
                    index,
                )
            )
            date = clock
        date = date or clock or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        cookies_here: list[tuple[SetCookie, str]] = []
        set_cookie = [(i, v) for i, n, v in headers if n == "set-cookie"]
        for header_index, value in set_cookie:
            # Some exporters fold several Set-Cookie headers into one value, one per line.
            for line in value.split("\n"):
                if not line.strip():
                    continue
                where = f"{base}.response.headers[{header_index}]"
                cookie = parse_set_cookie(line, host, date)
                if cookie is None:
                    malformed.append(Malformed(line, url, where, index))
                    continue
                cookies_here.append((cookie, where))
        if not set_cookie:
            # No headers kept (some exporters strip them): the parsed response.cookies.
            for cookie_index, record in enumerate(_list(response.get("cookies"))):
                if not isinstance(record, Mapping) or not record.get("name"):
                    continue
                where = f"{base}.response.cookies[{cookie_index}]"
                expires = _iso(record.get("expires"))
                lifetime = None if expires is None else bounded_lifetime((expires - date).total_seconds(), date)
                domain = str(record.get("domain") or host).removeprefix(".").lower()
                cookies_here.append(
                    (
                        SetCookie(
                            name=name_text(record["name"]),
                            value=str(record.get("value", "")),
                            domain=domain,
                            host_only=not record.get("domain"),
                            path=str(record.get("path") or "/"),
                            lifetime=lifetime,
                            deleted=lifetime is not None and lifetime <= 0,
                        ),
                        where,
                    )
                )
        for cookie, where in cookies_here:
            set_domains.setdefault(cookie.name, set()).add(cookie.domain)
            observations.append(
                Observation(
                    name=cookie.name,
                    domain=cookie.domain,
                    how="header",
                    lifetime=cookie.lifetime,
                    lifetime_known=True,
                    page=pageref,
                    request=url,
                    where=where,
                    entry=index,
                    deleted=cookie.deleted,
                )
            )
        for cookie_index, record in enumerate(_list(request.get("cookies"))):
            if isinstance(record, Mapping) and record.get("name"):
                where = f"{base}.request.cookies[{cookie_index}]"
                sent.append((name_text(record["name"]), host, pageref, url, where, index))
    # A cookie a request sends that no response set came from a script (or an earlier
    # visit): seen, but its lifetime is not in the HAR.
    # Each host's parent domains are looked up, so this is linear in the cookies sent.
    seen_sent: set[tuple[str, str]] = set()
    for name, host, pageref, url, where, index in sent:
        domains = set_domains.get(name)
        if domains and any(parent in domains for parent in _parents(host)):
            continue
        if (name, host) in seen_sent:
            continue
        seen_sent.add((name, host))
        observations.append(Observation(name, host, "request", None, False, pageref, url, where, index))

    def page_of(ref: str, fallback: str) -> str:
        title = page_titles.get(ref, "")
        if title.startswith(("http://", "https://")):
            return title
        return page_urls.get(ref) or fallback

    resolved = tuple(evolve(o, page=page_of(o.page, o.request)) for o in observations)
    pages = tuple(sorted({page_of(ref, "") for ref in page_urls} - {""}))
    return Capture(
        str(path),
        "har",
        resolved,
        tuple(malformed),
        "each response's Date header (else, or when it is more than a day from it, the entry's startedDateTime)",
        pages,
        count,
        notes=tuple(notes),
    )


# --- cookie jars -------------------------------------------------------------------------


def _capture_time(path: Path, captured_at: dt.datetime | None) -> tuple[dt.datetime, str]:
    if captured_at is not None:
        moment = captured_at if captured_at.tzinfo else captured_at.replace(tzinfo=dt.UTC)
        return moment, f"--captured-at {moment.isoformat()}"
    moment = dt.datetime.fromtimestamp(os.stat(path).st_mtime, dt.UTC).replace(microsecond=0)
    return moment, f"the file's modification time, {moment.isoformat()} (give --captured-at to set it)"


def _jar_observation(
    name: str, domain: str, expires: float | None, at: dt.datetime, where: str, site: str
) -> Observation:
    lifetime = None if expires is None or expires <= 0 else bounded_lifetime(expires - at.timestamp(), at)
    domain = domain.removeprefix(".").lower()
    return Observation(name, domain, "jar", lifetime, True, site, f"cookie://{domain}", where)


def _read_cookies_txt(path: Path, text: str, at: dt.datetime) -> list[Observation]:
    found = []
    # Lines end at a line feed only: str.splitlines would also break a value at U+2028.
    for number, line in enumerate((line.removesuffix("\r") for line in text.split("\n")), start=1):
        if line.startswith("#HttpOnly_"):
            line = line.removeprefix("#HttpOnly_")
        elif not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 7:
            raise CaptureError(f"{path}:{number}:1: expected 7 tab-separated fields of a Netscape cookies.txt line")
        domain, _, _, _, expiry, name, _ = fields
        try:
            seconds = float(expiry)
            if not math.isfinite(seconds):
                raise ValueError(expiry)
        except ValueError:
            raise CaptureError(f"{path}:{number}:1: the expiry {expiry!r} is not a number of seconds") from None
        found.append(_jar_observation(name, domain, seconds or None, at, f"line {number}", ""))
    return found


def read_jar(path: Path, captured_at: dt.datetime | None = None) -> Capture:
    """A cookies.txt, a JSON cookie jar or a Website Evidence Collector inspection.json."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CaptureError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise CaptureError(f"{path}: not a text file: {error}") from None
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        at, clock = _capture_time(path, captured_at)
        return Capture(str(path), "cookies.txt", tuple(_read_cookies_txt(path, text, at)), clock=clock)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise CaptureError(f"{path}:{error.lineno}:{error.colno}: not JSON: {error.msg}") from None
    except RecursionError:
        raise CaptureError(f"{path}: not a cookie jar: nested deeper than any cookie jar is") from None
    if isinstance(document, dict) and "log" in document:
        return read_har(path)
    if isinstance(document, dict) and isinstance(document.get("cookies"), list) and "uri_ins" in document:
        from policykit.audit.inspection import read_wec

        return read_wec(path, document)
    at, clock = _capture_time(path, captured_at)
    if isinstance(document, dict) and isinstance(document.get("cookies"), list):
        found = []
        for index, record in enumerate(document["cookies"]):
            if isinstance(record, Mapping) and record.get("name"):
                seconds = _finite(path, f"cookies[{index}].expires", record.get("expires"))
                seconds = seconds if seconds is not None and seconds > 0 else None
                found.append(
                    _jar_observation(
                        name_text(record["name"]), str(record.get("domain", "")), seconds, at, f"cookies[{index}]", ""
                    )
                )
        from policykit.audit.inspection import storage_observations

        origins = document.get("origins")
        found.extend(storage_observations(origins))
        return Capture(str(path), "storage-state", tuple(found), clock=clock, storage=isinstance(origins, list))
    if isinstance(document, list):
        found = []
        for index, record in enumerate(document):
            if isinstance(record, Mapping) and record.get("name"):
                key = "expirationDate" if "expirationDate" in record else "expires"
                expires = _finite(path, f"[{index}].{key}", record.get(key))
                session = bool(record.get("session")) or expires is None
                found.append(
                    _jar_observation(
                        name_text(record["name"]),
                        str(record.get("domain", "")),
                        None if session else expires,
                        at,
                        f"[{index}]",
                        "",
                    )
                )
        return Capture(str(path), "extension-jar", tuple(found), clock=clock)
    raise CaptureError(
        f"{path}: not a cookie jar: expected a HAR, Playwright's storage_state, a list of cookies, "
        "a Website Evidence Collector inspection.json or a Netscape cookies.txt"
    )


def read_capture(path: Path, captured_at: dt.datetime | None = None, *, har: bool = False) -> Capture:
    """`har`: the file was given as a HAR; otherwise its kind is told from its content."""
    if path.is_dir():
        raise CaptureError(f"{path}: is a directory")
    if not path.is_file():
        raise CaptureError(f"{path}: no such file")
    try:
        if har:
            if path.stat().st_size == 0:
                raise CaptureError(f"{path}: not a HAR file: the file is empty")
            return read_har(path)
        return read_jar(path, captured_at)
    except OSError as error:
        raise CaptureError(f"{path}: cannot read: {error.strerror or error}") from None
