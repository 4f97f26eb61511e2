"""Record what a browser sees on a page: a HAR and the cookie jar.

In: a URL, where to write, and optionally a CSS selector of a consent button to click.
Out: a HAR 1.2 file written by Playwright driving the system's Chromium (no browser is
ever downloaded), and the cookie jar as Playwright's storage_state JSON. Both are
written beside their target and moved into place, so a failed scan leaves no half file.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from attrs import frozen

from policykit.errors import PolicykitError

__all__ = ["CHROMIUM_FLAGS", "ScanError", "Scanned", "find_chromium", "scan"]

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


class ScanError(PolicykitError):
    """A scan that could not be made, said in one line."""


@frozen
class Scanned:
    har: Path
    jar: Path
    cookies: int


def find_chromium(executable: str | None = None) -> str:
    """The Chromium to drive: the one given, else the system's (Debian's chromium)."""
    found = executable or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found or not Path(found).exists():
        raise ScanError("no Chromium found: install the system's chromium package or give --browser PATH")
    return found


def scan(
    url: str,
    har: Path,
    jar: Path,
    *,
    click: str | None = None,
    browser: str | None = None,
    timeout: float = 30.0,
) -> Scanned:
    """Visit `url`, wait until the network has been quiet for half a second, click
    `click` if given (and wait again), then write the HAR and the cookie jar."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ScanError("policykit scan needs Playwright: pip install 'policykit[scan]'") from None
    executable = find_chromium(browser)
    try:
        har.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{har.name}.", suffix=".har", dir=har.parent)
    except OSError as error:
        raise ScanError(f"{har}: cannot write: {error.strerror or error}") from None
    os.close(descriptor)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_FLAGS))
            try:
                context = chromium.new_context(record_har_path=temporary, record_har_content="omit")
                page = context.new_page()
                page.set_default_timeout(timeout * 1000)
                page.goto(url, wait_until="networkidle")
                if click:
                    page.click(click)
                    page.wait_for_load_state("networkidle")
                state = context.storage_state()
                context.close()  # writes the HAR
            finally:
                chromium.close()
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the HAR from other users
        os.replace(temporary, har)
    except PlaywrightError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ScanError(f"{url}: {first}") from None
    except OSError as error:
        raise ScanError(f"{har}: cannot write: {error.strerror or error}") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    from policykit.atomic import write_atomic

    try:
        write_atomic(jar, json.dumps(state, indent=2, sort_keys=True) + "\n")
    except OSError as error:
        raise ScanError(f"{jar}: cannot write: {error.strerror or error}") from None
    return Scanned(har, jar, len(state.get("cookies", [])))
