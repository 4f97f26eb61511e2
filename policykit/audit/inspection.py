"""Two captures that are not cookie jars alone: the EDPS Website Evidence Collector's
inspection.json, and the web storage in Playwright's storage_state.

In: the parsed JSON document (capture.read_jar tells the kinds apart). Out: a Capture of
the inspection's cookies, or the storage_state's local and session storage entries as
Observations. Odd but valid JSON (a `log.stack` that is a number, `origins` that is an
object) holds no cookie and is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from policykit.audit.observations import Capture, Observation, _finite, _host, _iso, _list, _object, name_text
from policykit.audit.setcookie import bounded_lifetime

__all__ = ["read_wec", "storage_observations"]


def read_wec(path: Path, document: Mapping[str, Any]) -> Capture:
    """The EDPS Website Evidence Collector's inspection.json: `cookies` with `expires` in
    seconds since 1970 (-1 for a session cookie; sometimes an ISO date), and a `log` whose
    `timestamp` is when the cookie was seen, `location` the page and `stack[0].fileName`
    the response or script that set it."""
    start = _iso(document.get("start_time"))
    site = str(document.get("uri_ins") or "")
    found = []
    for index, record in enumerate(_list(document.get("cookies"))):
        if not isinstance(record, Mapping) or not record.get("name"):
            continue
        log = _object(record.get("log"))
        seen = _iso(log.get("timestamp")) or start
        stack = _list(log.get("stack"))
        origin = str(stack[0].get("fileName") or "") if stack and isinstance(stack[0], Mapping) else ""
        expires = record.get("expires")
        if isinstance(expires, str):
            moment = _iso(expires)
            seconds: float | None = moment.timestamp() if moment else None
        elif (number := _finite(path, f"cookies[{index}].expires", expires)) and number > 0:
            seconds = None if record.get("session") else number
        else:
            seconds = None
        lifetime = None
        if seconds is not None and seen is not None:
            lifetime = bounded_lifetime(seconds - seen.timestamp(), seen)
        how = "header" if log.get("type") == "Cookie.HTTP" else "jar"
        domain = str(record.get("domain", "")).removeprefix(".").lower() or _host(site)
        found.append(
            Observation(
                name_text(record["name"]),
                domain,
                how,
                lifetime,
                seconds is None or seen is not None,
                str(log.get("location") or site),
                str(origin or site),
                f"cookies[{index}]",
            )
        )
    clock = "each cookie's log.timestamp (else the inspection's start_time)"
    return Capture(str(path), "wec-inspection", tuple(found), clock=clock, pages=(site,) if site else ())


def storage_observations(origins: Any) -> Iterator[Observation]:
    """Playwright's storage_state `origins`: each origin's `localStorage` (and the
    `sessionStorage` policykit's scan adds, which Playwright leaves out) as observations
    of the origin's host, with no lifetime (web storage has no expiry)."""
    for index, origin in enumerate(_list(origins)):
        if not isinstance(origin, Mapping):
            continue
        url = str(origin.get("origin") or "")
        host = _host(url)
        for key, storage in (("localStorage", "local-storage"), ("sessionStorage", "session-storage")):
            for item_index, item in enumerate(_list(origin.get(key))):
                if isinstance(item, Mapping) and isinstance(item.get("name"), str) and item["name"]:
                    where = f"origins[{index}].{key}[{item_index}]"
                    yield Observation(item["name"], host, "jar", None, False, url, url, where, storage=storage)
