"""The fragment's stylesheet (`render --fragment --css`, and the file `build` writes,
site/policykit-fragment.css), embedded in a plain page of someone else's site at 390 px in
Chromium: nothing scrolls sideways, in either direction."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tools import CHROMIUM_FLAGS, require

from conftest import POLICY
from policykit.build import build_site
from policykit.build.files import FRAGMENT_CSS
from policykit.load import load
from policykit.project import project_for_policy
from policykit.render.html import stylesheet


def _overflow(fragment: str, folder: Path, head: str = "", lang: str = "en") -> int:
    """How far past the 390 px viewport (either edge) an element of the fragment reaches."""
    return int(_layout(fragment, folder, head, lang)[0])


def _layout(fragment: str, folder: Path, head: str = "", lang: str = "en") -> tuple[str, str]:
    """(the overflow in px, the display of a cookie table's row) of the fragment in a page."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    require(chromium is not None, "Chromium")
    assert chromium is not None
    page = folder / "page.html"
    page.write_text(
        f'<!doctype html><html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width"><title>A site</title>{head}</head><body><main>'
        + fragment
        + "</main><script>addEventListener('load', () => { const p = document.createElement('pre'); p.id = 'r';"
        " const boxes = [...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect());"
        " const right = Math.max(...boxes.map(b => b.right)), left = Math.min(...boxes.map(b => b.left));"
        " p.textContent = String(Math.ceil(Math.max(right - innerWidth, -left,"
        " document.documentElement.scrollWidth - innerWidth))) + ' '"
        " + getComputedStyle(document.querySelector('.pk-table tbody tr')).display;"
        " document.body.appendChild(p); });"
        "</script></body></html>",
        encoding="utf-8",
    )
    done = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={folder / 'profile'}", "--window-size=390,800",
         "--virtual-time-budget=3000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    match = re.search(r'<pre id="r">(-?\d+) ([a-z-]+)</pre>', done.stdout)
    assert match, done.stdout[-2000:]
    return match.group(1), match.group(2)


def _fragment(*extra: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "policykit", "render", str(POLICY), "--format", "html", "--fragment", *extra],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def test_the_fragment_with_its_stylesheet_fits_390_px(tmp_path: Path) -> None:
    # No element's box reaches past the 390 px viewport.
    assert _overflow(_fragment("--css"), tmp_path) <= 0


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_stylesheet_build_writes_fits_the_fragment_in_390_px(locale: str, tmp_path: Path) -> None:
    # The site's own file, linked from the page; the fragment rendered without --css.
    site = tmp_path / "site"
    project = project_for_policy(POLICY)
    result = build_site(project, load(POLICY), output=site, locales=("ar",), jobs=2)
    assert result.committed
    css = (site / FRAGMENT_CSS).read_text(encoding="utf-8")
    assert css == stylesheet("policy.css")  # what `render --fragment --css` puts inline
    selectors = _selectors(css)
    assert len(selectors) > 20 and all(selector.startswith(".policykit") for selector in selectors), selectors
    folder = tmp_path / "page"
    folder.mkdir()
    shutil.copy(site / FRAGMENT_CSS, folder / FRAGMENT_CSS)
    head = f'<link rel="stylesheet" href="{FRAGMENT_CSS}">'
    fragment = _fragment("--locale", locale)
    assert "<style>" not in fragment
    overflow, row = _layout(fragment, folder, head, locale)
    assert int(overflow) <= 0, f"{overflow} px past the 390 px viewport"
    # The file is what lays the page out: on a phone each cookie is a block of labelled values.
    assert row == "block"
    (tmp_path / "bare").mkdir()
    assert _layout(fragment, tmp_path / "bare", "", locale)[1] == "table-row"


def _selectors(css: str) -> list[str]:
    """Every selector of the stylesheet's rules (at-rules such as @media left out, their rules kept)."""
    selectors = []
    for part in re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL).split("{")[:-1]:
        head = re.split(r"[;}]", part)[-1].strip()
        if not head.startswith("@"):
            selectors += [selector.strip() for selector in head.split(",")]
    return selectors
