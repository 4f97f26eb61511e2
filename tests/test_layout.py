"""The HTML as a browser lays it out (headless Chromium): names read left to right inside
Arabic text, and on a phone (390 px) nothing overflows and every cookie value is on screen."""

from __future__ import annotations

import html as html_module
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from tools import CHROMIUM_FLAGS, require

import policykit
from conftest import POLICY
from policykit.model import Policy
from policykit.render import render

LOCALES = ("en", "nl", "de", "fr", "ar")
PHONE_WIDTH = 390


@pytest.fixture(scope="module")
def policy() -> Policy:
    return policykit.load(POLICY)


def measure(page: str, script: str, width: int) -> Any:
    """What `script` (a JavaScript expression over `document` and `window`) evaluates to, as
    JSON, once `page` is laid out in a viewport `width` CSS pixels wide."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    require(chromium is not None, "Chromium")
    assert chromium is not None
    # A window cannot be narrower than 500 px in headless Chromium, but a frame can: the
    # page is laid out in an iframe exactly `width` pixels wide, its own viewport.
    style = f"border:0;width:{width}px;height:900px"
    frame = f'<iframe id="pk-frame" style="{style}" srcdoc="{html_module.escape(page)}"></iframe>'
    runner = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>measure</title></head><body>" + frame + "<script>"
        "const frame = document.getElementById('pk-frame');"
        "frame.addEventListener('load', () => {"
        f" const result = ((document, window) => {script})(frame.contentDocument, frame.contentWindow);"
        " const out = document.createElement('pre'); out.id = 'pk-measure';"
        " out.textContent = JSON.stringify(result); document.body.appendChild(out); });"
        "</script></body></html>"
    )
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "page.html"
        path.write_text(runner, encoding="utf-8")
        done = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={Path(temp) / 'profile'}",
                f"--window-size={max(width, 500) + 100},1000",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--virtual-time-budget=10000",
                "--dump-dom",
                path.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    start = done.stdout.find('<pre id="pk-measure"')
    if start < 0:
        pytest.fail(f"Chromium did not report: {done.stderr[-2000:]}")
    start = done.stdout.index(">", start) + 1
    return json.loads(html_module.unescape(done.stdout[start : done.stdout.index("</pre>", start)]))


# For each element (or each occurrence of a name in an element's text): where its first and
# last characters are drawn. Range.getClientRects gives the glyph boxes after bidi reordering.
_CHARACTER_BOXES = """
(() => {
  const box = (node, offset) => {
    const range = document.createRange();
    range.setStart(node, offset); range.setEnd(node, offset + 1);
    const rect = range.getClientRects()[0];
    return rect ? {left: rect.left, top: rect.top} : null;
  };
  const textNodes = (element) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) { if (walker.currentNode.data.length) nodes.push(walker.currentNode); }
    return nodes;
  };
  const cells = [...document.querySelectorAll('tbody th, strong.pk-name')].map((cell) => {
    const nodes = textNodes(cell);
    const first = nodes[0], last = nodes[nodes.length - 1];
    return {text: cell.textContent, first: box(first, 0), last: box(last, last.data.length - 1)};
  });
  const prose = [];
  for (const name of NAMES) {
    for (const element of document.querySelectorAll('p, li')) {
      for (const node of textNodes(element)) {
        let at = node.data.indexOf(name);
        while (at >= 0) {
          prose.push({text: name, first: box(node, at), last: box(node, at + name.length - 1)});
          at = node.data.indexOf(name, at + 1);
        }
      }
    }
  }
  return {cells, prose};
})()
"""


def test_names_read_left_to_right_in_arabic(policy: Policy) -> None:
    page = render(policy, "html", "ar")
    names = [party.name for party in policy.parties if party.name]
    found = measure(page, _CHARACTER_BOXES.replace("NAMES", json.dumps(names)), 1280)
    cookies = [cookie.name for cookie in policy.cookies if cookie.name]
    assert sorted({cell["text"] for cell in found["cells"]}) == sorted(set(cookies))
    assert {run["text"] for run in found["prose"]} >= {"tawk.to, inc.", "Google LLC"}
    for run in found["cells"] + found["prose"]:
        first, last = run["first"], run["last"]
        assert first is not None and last is not None, run
        assert first["top"] == last["top"], f"{run['text']!r} is broken over two lines; widen the window"
        assert first["left"] < last["left"], f"{run['text']!r} is drawn right to left: {run}"


_OVERFLOW = """
(() => {
  const cells = [...document.querySelectorAll('tbody th, tbody td, caption, .pk-cookie-list li')].map((cell) => {
    const rect = cell.getBoundingClientRect();
    return {text: cell.textContent.slice(0, 40), left: rect.left, right: rect.right,
             width: rect.width, height: rect.height};
  });
  return {scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth, cells};
})()
"""


@pytest.mark.parametrize("locale", LOCALES)
def test_nothing_overflows_on_a_phone(policy: Policy, locale: str) -> None:
    found = measure(render(policy, "html", locale), _OVERFLOW, PHONE_WIDTH)
    assert found["viewport"] == PHONE_WIDTH
    assert found["scrollWidth"] <= PHONE_WIDTH
    assert len(found["cells"]) >= len(policy.cookies)
    for cell in found["cells"]:
        assert cell["width"] > 0 and cell["height"] > 0, cell
        assert cell["left"] >= 0 and cell["right"] <= PHONE_WIDTH, cell


def test_a_desktop_keeps_the_table(policy: Policy) -> None:
    """The phone layout is for phones: on a wide screen the cookie table has its header row."""
    found = measure(
        render(policy, "html", "en"),
        "[...document.querySelectorAll('thead th')].map((th) => th.getBoundingClientRect().width)",
        1280,
    )
    assert found and all(width > 20 for width in found)
