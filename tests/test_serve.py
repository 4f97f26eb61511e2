"""`policykit serve`, as a legal writer uses it: the page open in Chromium changes within
two seconds of an edit, a finding appears at its cookie and goes when fixed, a YAML error
shows file:line:col with the last good render a click away, and Ctrl-C stops it with
exit 0 and nothing left behind."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from tools import require

from conftest import copy_project
from policykit.audit.scan import CHROMIUM_FLAGS
from policykit.findings import Finding, Severity
from policykit.project import project_for_policy
from policykit.serve.preview import build_preview, note_html


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    repo = copy_project(tmp_path / "repo")
    process = subprocess.Popen(
        [sys.executable, "-m", "policykit", "serve", "--port", "0"],
        cwd=repo,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stderr is not None
    url = ""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not url:
        line = process.stderr.readline()
        match = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
        url = match.group(1) if match else ""
        if not line and process.poll() is not None:
            break
    assert url, "policykit serve did not start"
    try:
        yield repo, url, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _browser() -> str:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    require(chromium is not None, "Chromium")
    assert chromium is not None
    return chromium


def _edit(policy: Path, old: str, new: str) -> None:
    text = policy.read_text(encoding="utf-8")
    assert old in text
    policy.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_open_page_follows_the_edits(served: tuple[Path, str, subprocess.Popen[str]]) -> None:
    from playwright.sync_api import sync_playwright

    repo, url, process = served
    policy = repo / "data" / "policy.yaml"
    before = sorted(p.relative_to(repo) for p in repo.rglob("*"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_browser(), args=list(CHROMIUM_FLAGS))
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("text=Distinguishes visitors")
        page.wait_for_timeout(500)  # the event stream is open

        # A changed purpose is on the open page within two seconds.
        _edit(policy, "Distinguishes visitors", "Tells visitors apart")
        started = time.monotonic()
        page.wait_for_selector("text=Tells visitors apart", timeout=10_000)
        assert time.monotonic() - started < 2.0 + 1.0  # two seconds, and a second for a loaded machine

        # A lifetime no longer stated: PK101 under the cookie's own row.
        _edit(policy, "    lifetime: 90 days", "    lifetime: not stated")
        note = page.wait_for_selector("tr.pk-finding-row aside.pk-finding", timeout=10_000)
        assert note is not None and "PK101" in note.inner_text()
        row = page.evaluate(
            "() => document.querySelector('tr.pk-finding-row').previousElementSibling.querySelector('th').innerText"
        )
        assert row == "WHMCSAffiliateID"
        assert "PK101" in page.inner_text(".pk-preview-summary")

        # A YAML error: the error page with file:line:col and the line; the last good render a click away.
        _edit(policy, "    lifetime: not stated", "    lifetime: [oops")
        page.wait_for_selector("text=The policy cannot be loaded", timeout=10_000)
        assert re.search(r"policy\.yaml:\d+:\d+", page.inner_text("body"))
        assert page.inner_text("pre").rstrip().endswith("^")  # the line, and where in it
        page.click("text=The last good render")
        page.wait_for_selector("tr.pk-finding-row")

        # Fixed: the finding goes.
        page.goto(url)
        _edit(policy, "    lifetime: [oops", "    lifetime: 90 days")
        page.wait_for_selector("tr.pk-finding-row", state="detached", timeout=10_000)
        assert "PK101" not in page.inner_text(".pk-preview-summary")

        # The language switcher and the view of the source beside a translation.
        page.click("nav.pk-preview-bar >> text=nl")
        page.wait_for_selector("html[lang=nl]")
        page.goto(url + "compare/nl/")
        assert page.query_selector("div[lang=en] .policykit") and page.query_selector("div[lang=nl] .policykit")
        browser.close()

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0
    assert sorted(p.relative_to(repo) for p in repo.rglob("*")) == before  # nothing written, nothing left


def test_serve_listens_on_the_loopback_only_by_default(served: tuple[Path, str, subprocess.Popen[str]]) -> None:
    _, url, _ = served
    assert url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url) as response:
        assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(url + "nope")
    assert missing.value.code == 404


def test_a_finding_note_escapes_what_it_quotes() -> None:
    finding = Finding("PK101", Severity.ERROR, "<script>alert(1)</script>", "p.yaml", 3, 4, "cookies[<b>]")
    note = note_html(finding, 0)
    assert "<script>" not in note and "<b>" not in note and "&lt;script&gt;" in note
    assert 'href="/rules/#pk101"' in note


def test_the_preview_of_a_broken_file_keeps_the_last_good_render(tmp_path: Path) -> None:
    repo = copy_project(tmp_path / "repo")
    project = project_for_policy(repo / "data" / "policy.yaml")
    good = build_preview(project)
    assert good.loaded and {"/", "/nl/", "/compare/nl/", "/rules/"} <= set(good.pages)
    (repo / "data" / "policy.yaml").write_text("meta: [\n", encoding="utf-8")
    broken = build_preview(project, good.pages)
    assert not broken.loaded and broken.pages["/last/"] == good.pages["/"]
    assert b"policy.yaml:" in broken.pages["/"]
