"""What a capture holds, and the readers of its JSON fields that every format shares.

A Capture is what one file says a browser saw: its Observations (one cookie seen once),
the Set-Cookie headers a browser ignores (Malformed) and Notes about the file. A file that
cannot be read raises CaptureError. The readers (host, object, list, ISO date, finite
expiry, a cookie's name) take odd but valid JSON without failing.

Apart from the readers of the formats (capture.py, har_stream.py, inspection.py), which
all use them, so that none of those imports another for its shapes.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from attrs import frozen

from policykit.errors import PolicykitError

__all__ = ["Capture", "CaptureError", "Malformed", "Note", "Observation", "name_text"]


class CaptureError(PolicykitError):
    """A capture file that cannot be read: said in one line that names the file."""


@frozen
class Observation:
    """One cookie seen once.

    `how`: 'header' (a Set-Cookie header), 'request' (only seen in a request's Cookie
    header, so set by a script or earlier: its lifetime is unknown), 'jar' (a cookie
    store's record). `lifetime` is in seconds, None for a session cookie or when unknown
    (`lifetime_known` says which). `where` is the field path in the file, such as
    `log.entries[3].response.headers[2]`; `entry` the HAR entry index.
    """

    name: str
    domain: str
    how: str
    lifetime: int | None
    lifetime_known: bool
    page: str
    request: str
    where: str
    entry: int | None = None
    deleted: bool = False
    storage: str = "cookie"  # or 'local-storage', 'session-storage' (Storage's values)


@frozen
class Malformed:
    """A Set-Cookie header a browser ignores: kept so the audit can say so."""

    header: str
    request: str
    where: str
    entry: int | None


@frozen
class Note:
    """Something about a capture the audit reports as it is (`code`: PK709, a Date
    header not trusted), at `where` in the file."""

    code: str
    message: str
    request: str
    where: str
    entry: int | None


@frozen
class Capture:
    """What one file says a browser saw. `storage`: the file records the browser's local
    and session storage too (Playwright's storage_state does), so a declared storage
    entry missing from it was not seen."""

    file: str
    kind: str  # 'har', 'cookies.txt', 'storage-state', 'extension-jar', 'wec-inspection'
    observations: tuple[Observation, ...]
    malformed: tuple[Malformed, ...] = ()
    clock: str = ""  # what the lifetimes count from, in words
    pages: tuple[str, ...] = ()
    entries: int = 0  # a HAR's entries: with no cookie at all, the export may be sanitized
    notes: tuple[Note, ...] = ()
    storage: bool = False
    flow: str = ""  # the consent state a scan recorded it in: 'before-consent', 'accept', 'reject'


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _object(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _iso(text: Any) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _list(value: Any) -> list[Any]:
    """A JSON array, or nothing: odd but valid JSON (a number, an object) is no array."""
    return value if isinstance(value, list) else []


def _finite(path: Path, where: str, value: Any) -> float | None:
    """A JSON expiry as seconds; None when it is not a number. NaN and infinities (which
    Python's json reads, though JSON has neither, and 1e400 becomes) refuse the file."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        seconds = float(value)
    except OverflowError:  # an integer too large for a float
        seconds = math.inf
    if not math.isfinite(seconds):
        raise CaptureError(f"{path}: {where}: the expiry {value!r} is not a finite number of seconds")
    return seconds


def name_text(value: object) -> str:
    """A cookie's name as the capture wrote it: a string as it is, anything else (a number,
    a list, a mapping) as its JSON text, never a Python repr."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
