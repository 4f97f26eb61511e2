"""Record what a browser sees on a site, in each consent state: a HAR and the jar.

In: a URL, the consent flows to record (nothing clicked, a consent button clicked, a
refuse button clicked), where to write each flow's files, and how many same-site pages
to visit in how long. Out: for each flow, a HAR 1.2 file written by Playwright driving
the system's Chromium (no browser is ever downloaded) and the cookie jar as Playwright's
storage_state JSON, with each origin's `sessionStorage` added beside its `localStorage`
(Playwright leaves session storage out). Each flow runs in a fresh browser context.

Both files hold session cookie values: they are written atomically (policykit.atomic),
a new file with mode 0600 less the umask, through a symbolic link to its target, into
a FIFO as a stream; a failed scan leaves no half file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

from attrs import frozen

from policykit.errors import PolicykitError

__all__ = ["CHROMIUM_FLAGS", "Flow", "ScanError", "Scanned", "find_chromium", "same_site", "scan", "scan_flows"]

# Flags for a headless Chromium that talks to nothing but the page: no background
# updates, sync or QUIC, so the HAR holds only the site's own traffic.
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# Each frame's session storage, as storage_state writes local storage.
_SESSION_STORAGE = """() => {
  try {
    return Object.keys(sessionStorage).map((name) => ({name, value: sessionStorage.getItem(name)}));
  } catch (error) { return []; }
}"""
_LINKS = "(anchors) => anchors.map((a) => a.href)"


class ScanError(PolicykitError):
    """A scan that could not be made, said in one line."""


@frozen
class Flow:
    """One consent state to record: `name` is '' (a plain visit), 'before-consent',
    'accept' or 'reject'; `click` the button to click for it; `har` and `jar` where its
    files go."""

    name: str
    har: Path
    jar: Path
    click: str | None = None


@frozen
class Scanned:
    """What one flow recorded: its files, when the jar was taken (the jar's lifetimes
    count from it), how many cookies and storage entries it holds, the pages visited."""

    flow: str
    har: Path
    jar: Path
    cookies: int
    storage: int
    pages: tuple[str, ...]
    captured_at: dt.datetime


def find_chromium(executable: str | None = None) -> str:
    """The Chromium to drive: the one given, else the system's (Debian's chromium)."""
    found = executable or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found or not Path(found).exists():
        raise ScanError("no Chromium found: install the system's chromium package or give --browser PATH")
    return found


def same_site(url: str, start: str) -> bool:
    """An http(s) URL on the start URL's host (a leading 'www.' aside)."""
    try:
        parts, home = urlsplit(url), urlsplit(start)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname or not home.hostname:
        return False
    return parts.hostname.removeprefix("www.") == home.hostname.removeprefix("www.")


def _private_mode() -> int:
    """0600 less the process's umask: what a file of session values is created with."""
    mask = os.umask(0o077)
    os.umask(mask)
    return 0o600 & ~mask


def _write(path: Path, data: bytes) -> None:
    from policykit.atomic import write_atomic

    try:
        write_atomic(path, data, new_mode=_private_mode())
    except OSError as error:
        raise ScanError(f"{path}: cannot write: {error.strerror or error}") from None


def _temporary(har: Path) -> str:
    """An empty private file beside the HAR for Playwright to record into."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{har.name}.", suffix=".har", dir=har.parent)
    except OSError as error:
        raise ScanError(f"{har}: cannot write: {error.strerror or error}") from None
    os.close(handle)
    return temporary


def _visit(
    page: Any, flow: Flow, url: str, pages: int, deadline: float, timeout: float
) -> tuple[list[str], dict[str, dict[str, str]]]:
    """The flow's page, its click, then same-site links breadth first: at most `pages`
    pages, none started after the deadline. Returns the pages visited and each origin's
    session storage, read from every frame of every page."""
    visited: list[str] = []
    queue: deque[str] = deque([url])
    known = {urldefrag(url).url}
    session: dict[str, dict[str, str]] = {}
    while queue and len(visited) < pages and (not visited or time.monotonic() < deadline):
        target = queue.popleft()
        left = max(1.0, min(timeout, deadline - time.monotonic()) if visited else timeout)
        page.set_default_timeout(left * 1000)
        page.goto(target, wait_until="networkidle")
        if not visited and flow.click:
            page.click(flow.click)
            page.wait_for_load_state("networkidle")
        visited.append(target)
        for frame in page.frames:
            origin = frame.evaluate("() => self.origin")
            for item in frame.evaluate(_SESSION_STORAGE):
                session.setdefault(str(origin), {})[str(item["name"])] = str(item["value"])
        if len(visited) < pages:
            for link in page.eval_on_selector_all("a[href]", _LINKS):
                link = urldefrag(str(link)).url
                if link not in known and same_site(link, url):
                    known.add(link)
                    queue.append(link)
    return visited, session


def _state(context: Any, session: dict[str, dict[str, str]]) -> dict[str, Any]:
    state: dict[str, Any] = context.storage_state()
    origins = state.setdefault("origins", [])
    by_origin = {o.get("origin"): o for o in origins}
    for origin, items in sorted(session.items()):
        if not items or origin in ("null", ""):
            continue
        record = by_origin.get(origin)
        if record is None:
            record = {"origin": origin, "localStorage": []}
            origins.append(record)
        record["sessionStorage"] = [{"name": n, "value": v} for n, v in sorted(items.items())]
    return state


def scan_flows(
    url: str,
    flows: Sequence[Flow],
    *,
    browser: str | None = None,
    timeout: float = 30.0,
    pages: int = 1,
    time_limit: float = 120.0,
) -> list[Scanned]:
    """Record each flow in a fresh context of one Chromium: visit `url`, wait until the
    network has been quiet for half a second, click the flow's button if it has one (and
    wait again), follow same-site links breadth first up to `pages` pages within
    `time_limit` seconds, then write the HAR and the jar."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ScanError("policykit scan needs Playwright: pip install 'policykit-cookies[scan]'") from None
    executable = find_chromium(browser)
    done: list[Scanned] = []
    recorded: list[tuple[Path, bytes]] = []  # written once every flow is recorded
    temporaries: list[str] = []
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_FLAGS))
            try:
                for flow in flows:
                    temporary = _temporary(flow.har)
                    temporaries.append(temporary)
                    context = chromium.new_context(record_har_path=temporary, record_har_content="omit")
                    page = context.new_page()
                    visited, session = _visit(page, flow, url, pages, time.monotonic() + time_limit, timeout)
                    state = _state(context, session)
                    taken = dt.datetime.now(dt.UTC).replace(microsecond=0)
                    context.close()  # writes the HAR
                    recorded.append((flow.har, Path(temporary).read_bytes()))
                    recorded.append((flow.jar, (json.dumps(state, indent=2, sort_keys=True) + "\n").encode()))
                    origins = state["origins"]
                    storage = sum(len(o.get(k) or ()) for o in origins for k in ("localStorage", "sessionStorage"))
                    cookies = len(state.get("cookies") or ())
                    done.append(Scanned(flow.name, flow.har, flow.jar, cookies, storage, tuple(visited), taken))
            finally:
                chromium.close()
    except PlaywrightError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ScanError(f"{url}: {first}") from None
    except OSError as error:
        raise ScanError(f"{url}: cannot record: {error.strerror or error}") from None
    finally:
        for temporary in temporaries:
            Path(temporary).unlink(missing_ok=True)
    for path, data in recorded:
        _write(path, data)
    return done


def scan(
    url: str,
    har: Path,
    jar: Path,
    *,
    click: str | None = None,
    browser: str | None = None,
    timeout: float = 30.0,
) -> Scanned:
    """One plain visit (clicking `click` if given): scan_flows with one flow."""
    (done,) = scan_flows(url, [Flow("accept" if click else "", har, jar, click)], browser=browser, timeout=timeout)
    return done
