"""The fragment's stylesheet (`render --fragment --css`), embedded in a plain page of
someone else's site at 390 px in Chromium: nothing scrolls sideways."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tools import CHROMIUM_FLAGS, require

from conftest import POLICY


def _overflow(fragment: str, folder: Path) -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    require(chromium is not None, "Chromium")
    assert chromium is not None
    page = folder / "page.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
        'content="width=device-width"><title>A site</title></head><body><main>'
        + fragment
        + "</main><script>addEventListener('load', () => { const p = document.createElement('pre'); p.id = 'r';"
        " const boxes = [...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect().right);"
        " const right = Math.max(...boxes);"
        " p.textContent = String(Math.ceil(Math.max(right, document.documentElement.scrollWidth) - innerWidth));"
        " document.body.appendChild(p); });"
        "</script></body></html>",
        encoding="utf-8",
    )
    done = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={folder / 'profile'}", "--window-size=390,800",
         "--virtual-time-budget=3000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    match = re.search(r'<pre id="r">(-?\d+)</pre>', done.stdout)
    assert match, done.stdout[-2000:]
    return int(match.group(1))


def _fragment(*extra: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "policykit", "render", str(POLICY), "--format", "html", "--fragment", *extra],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def test_the_fragment_with_its_stylesheet_fits_390_px(tmp_path: Path) -> None:
    # No element's box reaches past the 390 px viewport.
    assert _overflow(_fragment("--css"), tmp_path) <= 0
