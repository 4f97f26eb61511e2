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
    monkeypatch.setattr(policykit.audit.scan, "scan_flows", no_browser)
    code = main(["scan", url, "-o", str(tmp_path / "x.har")])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "expected an http(s) URL" in err
    assert not (tmp_path / "x.har").exists()


# --- the HAR and the jar together, consent flows, several pages (issue 23) -----------------

CONSENT_POLICY = FIXTURES / "audit" / "consent-policy.yaml"


def _findings(capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = json.loads(capsys.readouterr()[0])["findings"]
    return found


def _named(findings: list[dict[str, str]], code: str) -> list[str]:
    return sorted(f["path"].rsplit("[", 1)[1].rstrip("]") for f in findings if f["code"] == code)


def test_before_consent_sees_what_scripts_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    har = tmp_path / "quiet.har"
    with serve() as url:
        code = main(
            [
                "scan",
                url + "consent",
                "-o",
                str(har),
                "--before-consent",
                "--audit",
                str(CONSENT_POLICY),
                "--format",
                "json",
                "-q",
            ]
        )
    findings = _findings(capsys)
    # _ga and _ga_ABC123 are set by the page's script and sent in no request: only the jar
    # holds them. tawk.to's local and session storage are matched against their declarations.
    assert code == 1
    assert _named(findings, "PK706") == ["_ga", "_ga_ABC123", "twk_session", "twk_token_abc"]
    assert not any(f["code"] == "PK702" and "_ga" in f["path"] for f in findings)
    assert not any(f["code"] == "PK701" for f in findings)
    # One finding per cookie, at the jar, with the jar's expiry.
    (ga,) = [f for f in findings if f["path"].endswith("[_ga]")]
    assert ga["file"] == str(har.with_suffix(".json")) and "expiring 400 days after the capture" in ga["message"]


def test_an_accept_flow_sees_the_cookies_consent_sets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve() as url:
        code = main(
            [
                "scan",
                url + "consent",
                "-o",
                str(tmp_path / "yes.har"),
                "--accept",
                "#accept",
                "--audit",
                str(CONSENT_POLICY),
                "--format",
                "json",
                "-q",
            ]
        )
    findings = _findings(capsys)
    assert code == 0, findings
    unseen = {f["path"] for f in findings if f["code"] == "PK702"}
    assert "cookies[_fbp].name" not in unseen and "cookies[consent].name" not in unseen
    assert "cookies[twk_token_*].name" not in unseen


def test_the_three_flows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    har = tmp_path / "site.har"
    with serve() as url:
        code = main(
            [
                "scan",
                url + "consent",
                "-o",
                str(har),
                "--flows",
                "--accept",
                "#accept",
                "--reject",
                "#reject",
                "--audit",
                str(CONSENT_POLICY),
                "--format",
                "json",
                "-q",
            ]
        )
    findings = _findings(capsys)
    assert code == 1
    for flow in ("before-consent", "accept", "reject"):
        assert (tmp_path / f"site.{flow}.har").is_file() and (tmp_path / f"site.{flow}.json").is_file()
    assert not har.exists()
    # Refusing left the analytics cookies and the chat's storage: each an error in the reject flow.
    refused = [f for f in findings if f["code"] == "PK708"]
    assert _named(refused, "PK708") == ["_ga", "_ga_ABC123", "twk_session", "twk_token_abc"]
    assert all(f["file"].startswith(str(tmp_path / "site.reject.")) for f in refused)
    # Seen in the accept flow, so not 'declared but not seen', though the others lack it.
    assert not any(f["code"] == "PK702" for f in findings)


def test_pages_follows_same_site_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve() as url:
        assert main(["scan", url + "consent", "-o", str(tmp_path / "one.har"), "-q"]) == 0
        assert main(["scan", url + "consent", "-o", str(tmp_path / "two.har"), "--pages", "5", "-q"]) == 0
    one = json.loads((tmp_path / "one.json").read_text(encoding="utf-8"))
    two = json.loads((tmp_path / "two.json").read_text(encoding="utf-8"))
    assert "page_two" not in {c["name"] for c in one["cookies"]}
    assert "page_two" in {c["name"] for c in two["cookies"]}
    # The other site's link (example.invalid) was not followed: it would have failed.
    urls = {
        e["request"]["url"] for e in json.loads((tmp_path / "two.har").read_text(encoding="utf-8"))["log"]["entries"]
    }
    assert not any("example.invalid" in u for u in urls)


def test_scan_outputs_are_private_and_never_clobber_each_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os
    import stat

    target = tmp_path / "real.har"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o640)
    link = tmp_path / "link.har"
    link.symlink_to(target)
    old = os.umask(0o022)
    try:
        with serve() as url:
            # -o X.json: the HAR is X.json, the jar X.cookies.json.
            assert main(["scan", url, "-o", str(tmp_path / "x.json"), "-q"]) == 0
            assert main(["scan", url, "-o", str(link), "--cookies", str(tmp_path / "jar.json"), "-q"]) == 0
            assert main(["scan", url, "-o", str(tmp_path / "same.har"), "--cookies", str(tmp_path / "same.har")]) == 2
    finally:
        os.umask(old)
    assert "log" in json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert "cookies" in json.loads((tmp_path / "x.cookies.json").read_text(encoding="utf-8"))
    for new in ("x.json", "x.cookies.json", "jar.json"):
        assert stat.S_IMODE((tmp_path / new).stat().st_mode) == 0o600
    # A link stays a link, its target replaced and keeping its mode.
    assert link.is_symlink() and "log" in json.loads(target.read_text(encoding="utf-8"))
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not (tmp_path / "same.har").exists()


def test_scan_writes_into_a_fifo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os
    import threading

    fifo = tmp_path / "pipe.har"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    with serve() as url:
        assert main(["scan", url, "-o", str(fifo), "--cookies", str(tmp_path / "jar.json"), "-q"]) == 0
    reader.join(10)
    assert fifo.is_fifo() and "log" in json.loads(received[0])


@pytest.mark.parametrize(
    "argv",
    [
        ["--flows"],
        ["--before-consent", "--accept", "#a"],
        ["--accept", "#a", "--reject", "#r"],
        ["--fix", "x.yaml"],
        ["--audit", str(POLICY), "--fix", str(POLICY)],
    ],
)
def test_scan_usage_errors_start_no_browser(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    import policykit.audit.scan

    def no_browser(*args: object, **kwargs: object) -> None:
        raise AssertionError("the browser was started")

    monkeypatch.setattr(policykit.audit.scan, "scan_flows", no_browser)
    before = POLICY.read_bytes()
    code = main(["scan", "http://127.0.0.1:9/", "-o", str(tmp_path / "x.har"), *argv])
    _, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err and POLICY.read_bytes() == before


def test_each_state_says_what_it_stored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve() as url:
        code = main(["scan", url + "consent", "-o", str(tmp_path / "s.har"), "--accept", "#accept"])
    _, err = capsys.readouterr()
    assert code == 0
    assert "accept: cookies _fbp, _ga, _ga_ABC123, consent, session_id; local storage twk_token_abc; " in err
    assert "session storage twk_session" in err
