"""`policykit scan`: a real headless Chromium, driven by Playwright, over pages this test
serves on 127.0.0.1 (and a third party on 127.0.0.2); nothing else is visited."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
from record_har import serve
from tools import require

from conftest import FIXTURES
from policykit.cli import main

POLICY = FIXTURES / "audit" / "local-policy.yaml"


@pytest.fixture(autouse=True)
def _browser() -> None:
    require(importlib.util.find_spec("playwright") is not None, "Playwright (the scan extra)")
    require(shutil.which("chromium") is not None or shutil.which("chromium-browser") is not None, "Chromium")


def test_scan_records_the_cookies_the_page_sets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    har = tmp_path / "visit.har"
    with serve() as url:
        code = main(["scan", url, "-o", str(har), "--audit", str(POLICY), "--format", "json", "-q"])
    out, _ = capsys.readouterr()
    jar = json.loads(har.with_suffix(".json").read_text(encoding="utf-8"))
    assert {c["name"] for c in jar["cookies"]} >= {"session_id", "prefs", "js_cookie"}
    recorded = json.loads(har.read_text(encoding="utf-8"))
    set_cookie = [
        h["value"]
        for entry in recorded["log"]["entries"]
        for h in entry["response"]["headers"]
        if h["name"].lower() == "set-cookie"
    ]
    assert any(v.startswith("prefs=dark") for v in set_cookie) and any(v.startswith("tracker=") for v in set_cookie)
    # The audit at once: only the third party's undeclared cookie is an error.
    findings = json.loads(out)["findings"]
    assert code == 1
    assert sorted((f["code"], f["path"].rsplit("[", 1)[1]) for f in findings) == [
        ("PK701", "tracker]"),
        ("PK704", "tracker]"),
    ]


def test_scan_clicks_the_consent_button(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve() as url:
        assert main(["scan", url + "banner", "-o", str(tmp_path / "before.har"), "-q"]) == 0
        assert main(["scan", url + "banner", "-o", str(tmp_path / "after.har"), "--click", "#accept", "-q"]) == 0
    before = json.loads((tmp_path / "before.json").read_text(encoding="utf-8"))
    after = json.loads((tmp_path / "after.json").read_text(encoding="utf-8"))
    assert "consent" not in {c["name"] for c in before["cookies"]}
    assert "consent" in {c["name"] for c in after["cookies"]}


def test_an_unreachable_page_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve() as url:
        pass  # closed again: nothing listens on that port now
    code = main(["scan", url, "-o", str(tmp_path / "x.har")])
    _, err = capsys.readouterr()
    assert code == 2 and len(err.strip().splitlines()) == 1 and url in err
    assert not (tmp_path / "x.har").exists()


def test_an_unwritable_output_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with serve() as url:
        code = main(["scan", url, "-o", str(blocker / "x.har")])
    _, err = capsys.readouterr()
    assert code == 2 and len(err.strip().splitlines()) == 1 and "cannot write" in err


def test_scan_before_consent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve() as url:
        code = main(
            ["scan", url, "-o", str(tmp_path / "v.har"), "--before-consent", "--audit", str(POLICY), "--format", "json"]
        )
    findings = json.loads(capsys.readouterr()[0])["findings"]
    before = sorted(f["path"].rsplit("[", 1)[1].rstrip("]") for f in findings if f["code"] == "PK706")
    # session_id is strictly necessary; prefs is functional; tracker is not declared at all.
    # js_cookie, set by the page's script, is seen in the request that follows it.
    assert code == 1 and before == ["js_cookie", "prefs", "tracker"]
    assert main(["scan", url, "--before-consent", "--click", "#accept"]) == 2


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "FILE:///etc/passwd", "ftp://example.com/", "javascript:alert(1)", "http://", "x"]
)
def test_only_an_http_url_is_scanned(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    import policykit.audit.scan

    def no_browser(*args: object, **kwargs: object) -> None:
        raise AssertionError("the browser was started")

    monkeypatch.setattr(policykit.audit.scan, "scan", no_browser)
    code = main(["scan", url, "-o", str(tmp_path / "x.har")])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "expected an http(s) URL" in err
    assert not (tmp_path / "x.har").exists()
