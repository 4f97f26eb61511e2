"""`policykit audit`: Set-Cookie read as RFC 6265 says, every capture format, and the
findings of the issue's 'done when', each at the request that set the cookie."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURES, POLICY
from policykit.audit import Tolerance, audit, parse_set_cookie, read_capture
from policykit.audit.setcookie import parse_cookie_date
from policykit.cli import main
from policykit.load import load

AUDIT = FIXTURES / "audit"
DATE = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def audit_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict[str, Any]]]:
    code, out, _ = run(capsys, "audit", *argv, "--format", "json", "-q")
    return code, json.loads(out)["findings"]


# --- RFC 6265 -----------------------------------------------------------------------------


def test_max_age_wins_over_expires_in_either_order() -> None:
    for header in (
        "a=1; Expires=Fri, 26 Nov 2027 10:00:00 GMT; Max-Age=60",
        "a=1; Max-Age=60; Expires=Fri, 26 Nov 2027 10:00:00 GMT",
    ):
        cookie = parse_set_cookie(header, "www.example.com", DATE)
        assert cookie is not None and cookie.lifetime == 60


def test_expires_counts_from_the_response_date_not_from_now() -> None:
    cookie = parse_set_cookie("a=1; Expires=Wed, 24 Feb 2027 10:00:00 GMT", "example.com", DATE)
    assert cookie is not None and cookie.lifetime == 90 * 86_400


def test_an_expiry_in_the_past_or_a_max_age_of_zero_deletes() -> None:
    for header in ("a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "a=1; Max-Age=0", "a=1; Max-Age=-5"):
        cookie = parse_set_cookie(header, "example.com", DATE)
        assert cookie is not None and cookie.deleted


def test_headers_a_browser_ignores() -> None:
    assert parse_set_cookie("no equals sign here", "example.com", DATE) is None
    assert parse_set_cookie("=value", "example.com", DATE) is None
    assert parse_set_cookie("a=1; Domain=other.test", "www.example.com", DATE) is None
    # An invalid Max-Age is ignored, not the cookie: the Expires then counts.
    cookie = parse_set_cookie("a=1; Max-Age=1d; Expires=Thu, 26 Nov 2026 10:01:00 GMT", "example.com", DATE)
    assert cookie is not None and cookie.lifetime == 60


def test_a_domain_attribute_for_the_parent_domain() -> None:
    cookie = parse_set_cookie("a=1; Domain=.Example.COM", "www.example.com", DATE)
    assert cookie is not None and cookie.domain == "example.com" and not cookie.host_only
    plain = parse_set_cookie("a=1", "www.example.com", DATE)
    assert plain is not None and plain.domain == "www.example.com" and plain.host_only and plain.lifetime is None


def test_cookie_dates_in_the_formats_servers_send() -> None:
    expected = dt.datetime(1994, 11, 6, 8, 49, 37, tzinfo=dt.UTC)
    for text in ("Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"):
        assert parse_cookie_date(text) == expected
    assert parse_cookie_date("Fri, 31 Feb 2026 10:00:00 GMT") is None
    assert parse_cookie_date("tomorrow") is None


@given(st.datetimes(min_value=dt.datetime(1601, 1, 1), max_value=dt.datetime(9999, 12, 31)))
def test_any_http_date_reads_back(moment: dt.datetime) -> None:
    moment = moment.replace(microsecond=0, tzinfo=dt.UTC)
    if moment.year < 2000 and moment.year % 100 < 70:
        return  # a two-digit year is not written by format_datetime, so never ambiguous here
    assert parse_cookie_date(email.utils.format_datetime(moment, usegmt=True)) == moment


# --- the issue's 'done when' --------------------------------------------------------------


def test_the_three_violations_each_at_its_request(capsys: pytest.CaptureFixture[str]) -> None:
    code, findings = audit_json(capsys, str(POLICY), "--har", str(AUDIT / "violations.har"))
    assert code == 1
    errors = {(f["code"], f["path"]): f for f in findings if f["severity"] != "info"}
    undeclared = errors["PK701", "log.entries[0].response.headers[3][visitor_tracker]"]
    assert "request https://www.example.com/, entry 0" in undeclared["message"]
    lifetime = errors["PK703", "log.entries[1].response.headers[2][WHMCSUser]"]
    assert lifetime["severity"] == "warning"
    assert "365 days" in lifetime["message"] and "30 days" in lifetime["message"]
    assert "request https://www.example.com/clientarea.php" in lifetime["message"]
    third = errors["PK704", "log.entries[2].response.headers[2][adid]"]
    assert "adnetwork.test" in third["message"] and "entry 2" in third["message"]
    assert "page https://www.example.com/" in third["message"]
    # The session cookie WHMCSa1b2c3d4 matches the declared pattern WHMCS*.
    assert not any("WHMCSa1b2c3d4" in f["path"] for f in findings)
    assert all(f["file"].endswith("violations.har") for f in findings if f["code"] != "PK702")


def test_a_capture_that_matches_the_policy_gives_no_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, findings = audit_json(capsys, str(POLICY), "--har", str(AUDIT / "matching.har"))
    assert code == 0
    assert {f["severity"] for f in findings} <= {"info"}
    # Cookies seen only in requests (set by a script) count as seen: _ga and _ga_ABC123.
    assert not any("'_ga" in f["message"] for f in findings)


def test_declared_but_never_seen_points_at_the_declaration(capsys: pytest.CaptureFixture[str]) -> None:
    _, findings = audit_json(capsys, str(POLICY), "--har", str(AUDIT / "matching.har"))
    unseen = {f["path"]: f for f in findings if f["code"] == "PK702"}
    assert set(unseen) == {"cookies[twk_uuid_*].name", "cookies[twk_idm_key].name", "cookies[TawkConnectionTime].name"}
    lines = POLICY.read_text(encoding="utf-8").splitlines()
    place = unseen["cookies[twk_idm_key].name"]
    assert lines[place["line"] - 1].strip() == "- name: twk_idm_key"


def test_edge_cases(capsys: pytest.CaptureFixture[str]) -> None:
    code, findings = audit_json(capsys, str(POLICY), "--har", str(AUDIT / "edge-cases.har"))
    assert code == 0
    by_code: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        by_code.setdefault(finding["code"], []).append(finding)
    # Three headers browsers ignore; nothing about the deleted cookie; no lifetime warning:
    # WHMCSAffiliateID's Max-Age (90 days) wins over its Expires (a year), WHMCSUser with a
    # parent Domain is the declared cookie, and WHMCSLinkID's Expires counts from Date.
    assert [f["path"] for f in by_code["PK707"]] == [
        "log.entries[2].response.headers[2]",
        "log.entries[2].response.headers[3]",
        "log.entries[4].response.headers[2]",
    ]
    assert "PK703" not in by_code and "PK701" not in by_code
    assert not any("old_cookie" in f["message"] for f in findings)


def test_a_cookie_on_a_domain_its_declaration_does_not_allow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    har = json.loads((AUDIT / "violations.har").read_text(encoding="utf-8"))
    entries = har["log"]["entries"]
    # The operator's first-party cookie from another site, and _ga (declared for
    # example.com) set by Google's own host: Google is declared, so no PK704.
    entries[2]["response"]["headers"][2]["value"] = "WHMCSUser=1; Max-Age=31536000"
    entries[1]["request"]["url"] = "https://region1.google-analytics.com/g/collect"
    entries[1]["response"]["headers"][2]["value"] = "_ga=GA1.1.2; Max-Age=34128000; Domain=google-analytics.com"
    path = tmp_path / "domains.har"
    path.write_text(json.dumps(har), encoding="utf-8")
    _, findings = audit_json(capsys, str(POLICY), "--har", str(path))
    wrong = {f["path"].rsplit("[", 1)[1]: f["message"] for f in findings if f["code"] == "PK705"}
    assert "declared for example.com" in wrong["_ga]"]
    assert "declared as operator's first-party cookie" in wrong["WHMCSUser]"]
    assert not any(f["code"] == "PK704" and "_ga" in f["path"] for f in findings)


def test_a_sanitized_har_is_pointed_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    har = json.loads((AUDIT / "violations.har").read_text(encoding="utf-8"))
    for entry in har["log"]["entries"]:
        entry["response"]["headers"] = [h for h in entry["response"]["headers"] if h["name"] != "Set-Cookie"]
    path = tmp_path / "sanitized.har"
    path.write_text(json.dumps(har), encoding="utf-8")
    code, _, err = run(capsys, "audit", str(POLICY), "--har", str(path))
    assert code == 0 and "3 entries but not one cookie" in err


def test_a_har_without_cookies_beside_a_jar_that_has_them_is_not_called_sanitized(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # What `scan` records of a page whose scripts set every cookie: no Set-Cookie in the
    # HAR, the cookies in the jar. The HAR is not a sanitized export.
    har = json.loads((AUDIT / "violations.har").read_text(encoding="utf-8"))
    for entry in har["log"]["entries"]:
        entry["response"]["headers"] = [h for h in entry["response"]["headers"] if h["name"] != "Set-Cookie"]
        entry["request"]["headers"] = [h for h in entry["request"]["headers"] if h["name"] != "Cookie"]
        entry["request"]["cookies"] = entry["response"]["cookies"] = []
    path = tmp_path / "scripts.har"
    path.write_text(json.dumps(har), encoding="utf-8")
    jar = {"cookies": [{"name": "_ga", "value": "GA1.1.1.1", "domain": ".example.com", "path": "/", "expires": -1}]}
    jar_path = tmp_path / "scripts.json"
    jar_path.write_text(json.dumps(jar), encoding="utf-8")
    _, _, err = run(capsys, "audit", str(POLICY), "--har", str(path), "--cookies", str(jar_path))
    assert "not one cookie" not in err
    _, _, err = run(capsys, "audit", str(POLICY), "--har", str(path))
    assert "3 entries but not one cookie" in err


def test_an_empty_har_only_reports_what_was_not_seen(capsys: pytest.CaptureFixture[str]) -> None:
    code, findings = audit_json(capsys, str(POLICY), "--har", str(AUDIT / "empty.har"))
    assert code == 0 and {f["code"] for f in findings} == {"PK702"}


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (None, "parse error"),
        ("", "the file is empty"),
        ('{"version": "1.2"}', "no 'log' object"),
        ('{"log": {"version": "1.2"}}', "'log.entries' is missing"),
        ("[1, 2", "not a HAR file"),
    ],
)
def test_a_malformed_har_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | None, said: str
) -> None:
    if content is None:
        har = AUDIT / "malformed.har"
    else:
        har = tmp_path / "bad.har"
        har.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "audit", str(POLICY), "--har", str(har))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and said in err and str(har) in err
    assert "Traceback" not in err


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "audit", str(POLICY))[0] == 2
    assert run(capsys, "audit", str(POLICY), "--har", "missing.har")[0] == 2
    assert run(capsys, "audit", str(POLICY), "--har", str(AUDIT / "empty.har"), "--tolerance", "soon")[0] == 2


def test_without_ijson_the_same_findings(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    streamed = audit_json(capsys, str(POLICY), "--har", str(AUDIT / "violations.har"))
    monkeypatch.setitem(sys.modules, "ijson", None)  # import ijson now raises ImportError
    assert audit_json(capsys, str(POLICY), "--har", str(AUDIT / "violations.har")) == streamed
    code, _, err = run(capsys, "audit", str(POLICY), "--har", str(AUDIT / "malformed.har"))
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_before_consent(capsys: pytest.CaptureFixture[str]) -> None:
    _, findings = audit_json(capsys, str(POLICY), "--har", str(AUDIT / "violations.har"), "--before-consent")
    before = sorted(f["path"].rsplit("[", 1)[1].rstrip("]") for f in findings if f["code"] == "PK706")
    # WHMCSUser is functional, the other two undeclared; the session cookie is strictly necessary.
    assert before == ["WHMCSUser", "adid", "visitor_tracker"]


def test_tolerance(capsys: pytest.CaptureFixture[str]) -> None:
    _, loose = audit_json(capsys, str(POLICY), "--har", str(AUDIT / "violations.har"), "--tolerance", "400 days")
    assert "PK703" not in {f["code"] for f in loose}
    assert Tolerance(86_400, 0.01).allows(365 * 86_400, 365 * 86_400 + 3 * 86_400)  # 1% of a year is 3.65 days
    assert not Tolerance(86_400, None).allows(365 * 86_400, 367 * 86_400)
    assert Tolerance(None, 0.01).allows(100, 101) and not Tolerance(None, 0.01).allows(100, 102)


def test_tolerance_as_written() -> None:
    from policykit.cli.audit import parse_tolerance

    assert parse_tolerance("1 day,1%") == Tolerance(86_400, 0.01)
    assert parse_tolerance("2 days or 5%") == Tolerance(2 * 86_400, 0.05)
    assert parse_tolerance("12h") == Tolerance(43_200, None)
    assert parse_tolerance("0") == Tolerance(0, None)


def test_the_projects_policy_when_none_is_given(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(POLICY.parent.parent)  # this repository is a policykit project
    code, out, err = run(capsys, "audit", "--har", str(AUDIT / "violations.har"), "--format", "json")
    assert code == 1 and "policykit: policy data/policy.yaml" in err
    assert {f["code"] for f in json.loads(out)["findings"]} >= {"PK701", "PK703", "PK704"}


def test_sarif_describes_the_audit_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "audit", str(POLICY), "--har", str(AUDIT / "violations.har"), "--format", "sarif")
    log = json.loads(out)
    assert code == 1 and log["version"] == "2.1.0"
    rules = {rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert {"PK701", "PK703", "PK704"} <= rules
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"PK701", "PK703", "PK704"}


def test_the_catalogue_names_a_likely_vendor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("policykit.catalogue")
    from policykit.audit.checks import likely_vendor

    if not likely_vendor("_gid"):
        pytest.skip("the catalogue does not know _gid")
    har = json.loads((AUDIT / "violations.har").read_text(encoding="utf-8"))
    har["log"]["entries"][0]["response"]["headers"][3]["value"] = "_gid=GA1.2.3; Max-Age=86400; Domain=example.com"
    path = tmp_path / "gid.har"
    path.write_text(json.dumps(har), encoding="utf-8")
    _, findings = audit_json(capsys, str(POLICY), "--har", str(path))
    message = next(f["message"] for f in findings if f["code"] == "PK701" and "_gid" in f["path"])
    assert "the catalogue knows it as Google" in message


# --- cookie jars --------------------------------------------------------------------------


def test_cookies_txt_and_the_capture_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jar = tmp_path / "cookies.txt"
    at = int(DATE.timestamp())
    jar.write_text(
        "# Netscape HTTP Cookie File\n"
        f"#HttpOnly_www.example.com\tFALSE\t/\tFALSE\t0\tWHMCSa1b2\tx\n"
        f".example.com\tTRUE\t/\tFALSE\t{at + 30 * 86_400}\tWHMCSUser\t1\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "audit", str(POLICY), "--cookies", str(jar), "--captured-at", "2026-11-26T10:00:00Z")
    assert code == 0 and "PK703" in out and "30 days" in out
    assert "--captured-at 2026-11-26T10:00:00+00:00" in err
    os.utime(jar, (at, at))
    _, out, err = run(capsys, "audit", str(POLICY), "--cookies", str(jar))
    assert "the file's modification time, 2026-11-26T10:00:00+00:00" in err and "30 days" in out


def test_storage_state_and_extension_exports(tmp_path: Path) -> None:
    at = DATE.timestamp()
    state = tmp_path / "state.json"
    state.write_text(
        json.dumps(
            {"cookies": [{"name": "prefs", "domain": "127.0.0.1", "path": "/", "expires": at + 60}], "origins": []}
        ),
        encoding="utf-8",
    )
    export = tmp_path / "export.json"
    export.write_text(
        json.dumps(
            [
                {"name": "s", "domain": ".example.com", "session": True},
                {"name": "p", "domain": "example.com", "expirationDate": at + 120, "session": False},
            ]
        ),
        encoding="utf-8",
    )
    seen = read_capture(state, DATE)
    assert seen.kind == "storage-state" and [(o.name, o.lifetime) for o in seen.observations] == [("prefs", 60)]
    seen = read_capture(export, DATE)
    assert seen.kind == "extension-jar"
    assert [(o.name, o.domain, o.lifetime) for o in seen.observations] == [
        ("s", "example.com", None),
        ("p", "example.com", 120),
    ]


def test_website_evidence_collector_inspection(tmp_path: Path) -> None:
    # The shape of the EDPS Website Evidence Collector's inspection.json (its
    # tests/test_output/inspection.json): expires in seconds since 1970, -1 for a
    # session cookie; log.timestamp when seen, log.location the page, log.stack the source.
    inspection = {
        "uri_ins": "https://www.example.com/",
        "start_time": "2026-11-26T10:00:00.000Z",
        "cookies": [
            {
                "name": "WHMCSUser",
                "domain": "www.example.com",
                "path": "/",
                "expires": DATE.timestamp() + 86_400 * 30,
                "session": False,
                "log": {
                    "type": "Cookie.HTTP",
                    "timestamp": "2026-11-26T10:00:00.000Z",
                    "location": "https://www.example.com/",
                    "stack": [{"fileName": "https://www.example.com/clientarea.php"}],
                },
            },
            {
                "name": "js_only",
                "domain": "www.example.com",
                "path": "/",
                "expires": -1,
                "session": True,
                "log": {
                    "type": "Cookie.JS",
                    "timestamp": "2026-11-26T10:00:01.000Z",
                    "location": "https://www.example.com/",
                    "stack": [],
                },
            },
        ],
    }
    path = tmp_path / "inspection.json"
    path.write_text(json.dumps(inspection), encoding="utf-8")
    capture = read_capture(path)
    assert capture.kind == "wec-inspection"
    findings = audit(load(POLICY), [capture], policy_file=str(POLICY))
    codes = {(f.code, f.path.rsplit("[", 1)[1]) for f in findings if f.code != "PK702"}
    assert codes == {("PK703", "WHMCSUser]"), ("PK701", "js_only]")}
    assert any("request https://www.example.com/clientarea.php" in f.message for f in findings)


# --- a HAR recorded by a real browser -----------------------------------------------------


def test_the_har_chromium_recorded(capsys: pytest.CaptureFixture[str]) -> None:
    """tests/record_har.py recorded this with headless Chromium: session_id and prefs from
    headers, js_cookie from JavaScript (seen in the next request), and tracker from the
    third party on 127.0.0.2, which the policy does not declare."""
    har, jar = AUDIT / "recorded.har", AUDIT / "recorded.json"
    capture = read_capture(har, har=True)
    names = {(o.name, o.how) for o in capture.observations}
    assert {("session_id", "header"), ("prefs", "header"), ("tracker", "header"), ("js_cookie", "request")} <= names
    prefs = next(o for o in capture.observations if o.name == "prefs")
    assert prefs.lifetime == 30 * 86_400
    code, findings = audit_json(
        capsys,
        str(AUDIT / "local-policy.yaml"),
        "--har",
        str(har),
        "--cookies",
        str(jar),
        "--site",
        "http://127.0.0.1/",
        "--captured-at",
        "2026-11-26T11:21:51Z",
    )
    assert code == 1
    assert sorted((f["code"], f["path"].rsplit("[", 1)[1]) for f in findings) == [
        ("PK701", "tracker]"),
        ("PK704", "tracker]"),
    ]


# --- a large HAR --------------------------------------------------------------------------


def write_large_har(path: Path, megabytes: int) -> int:
    """A HAR of about `megabytes` MB: entries with 64 KB bodies, each setting one cookie."""
    body = "x" * 65_536
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('{"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "pages": [], "entries": [')
        while out.tell() < megabytes * 1_000_000:
            if count:
                out.write(",")
            entry = {
                "startedDateTime": "2026-11-26T10:00:00Z",
                "request": {"method": "GET", "url": f"https://www.example.com/p/{count}", "headers": [], "cookies": []},
                "response": {
                    "status": 200,
                    "headers": [
                        {"name": "Date", "value": "Thu, 26 Nov 2026 10:00:00 GMT"},
                        {"name": "Set-Cookie", "value": f"bulk_{count % 50}=1; Max-Age=3600"},
                    ],
                    "cookies": [],
                    "content": {"size": len(body), "mimeType": "text/plain", "text": body},
                },
            }
            out.write(json.dumps(entry))
            count += 1
        out.write("]}}")
    return count


def test_a_50_mb_har(tmp_path: Path) -> None:
    path = tmp_path / "large.har"
    entries = write_large_har(path, 50)
    assert path.stat().st_size >= 50_000_000
    capture = read_capture(path, har=True)
    assert len(capture.observations) == entries
    findings = audit(load(POLICY), [capture], policy_file=str(POLICY))
    assert len([f for f in findings if f.code == "PK701"]) == 50  # bulk_0 ... bulk_49, each once


# --- numbers a capture cannot hold ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("inf.json", '{"cookies":[{"name":"a","domain":"x.com","expires":1e400}]}', "cookies[0].expires"),
        ("nan.json", '{"cookies":[{"name":"a","domain":"x.com","expires":NaN}]}', "cookies[0].expires"),
        ("list.json", '[{"name":"a","domain":"x.com","expirationDate":-Infinity}]', "[0].expirationDate"),
        ("big.json", '[{"name":"a","domain":"x.com","expires":' + "9" * 400 + "}]", "[0].expires"),
        ("inf.txt", "x.com\tTRUE\t/\tFALSE\tinf\ta\tb\n", ":1:1: the expiry 'inf'"),
        ("nan.txt", "x.com\tTRUE\t/\tFALSE\tnan\ta\tb\n", ":1:1: the expiry 'nan'"),
    ],
)
def test_an_expiry_that_is_not_a_finite_number_refuses_the_jar_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, content: str, said: str
) -> None:
    jar = tmp_path / name
    jar.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "audit", str(POLICY), "--cookies", str(jar), "--captured-at", "2026-11-26T10:00:00Z")
    assert code == 2 and out == "" and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and said in err and str(jar) in err


@given(
    st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(min_value=-(10**30), max_value=10**30),
    )
)
def test_any_finite_jar_expiry_gives_a_lifetime_the_audit_can_print(expires: float) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        jar = Path(folder) / "state.json"
        jar.write_text(json.dumps({"cookies": [{"name": "a", "domain": "x.com", "expires": expires}]}), "utf-8")
        capture = read_capture(jar, DATE)
    (seen,) = capture.observations
    latest = (dt.datetime.max.replace(tzinfo=dt.UTC) - DATE).total_seconds()
    assert seen.lifetime is None or abs(seen.lifetime) <= latest
    assert (seen.lifetime is None) == (expires <= 0)


@given(st.integers(min_value=-(10**60), max_value=10**60) | st.text("0123456789", min_size=1, max_size=5000))
def test_any_max_age_is_bounded_by_the_latest_representable_date(max_age: int | str) -> None:
    cookie = parse_set_cookie(f"a=1; Max-Age={max_age}", "example.com", DATE)
    latest = (dt.datetime.max.replace(tzinfo=dt.UTC) - DATE).total_seconds()
    assert cookie is not None and cookie.lifetime is not None and abs(cookie.lifetime) <= latest
    assert cookie.deleted == (int(str(max_age)[:20]) <= 0)


def test_an_expiry_far_in_the_future_or_past(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    latest = int((dt.datetime.max.replace(tzinfo=dt.UTC) - DATE).total_seconds())
    far = parse_set_cookie("a=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT; Max-Age=" + "9" * 30, "x.com", DATE)
    assert far is not None and far.lifetime == latest
    past = parse_set_cookie("a=1; Expires=Mon, 01 Jan 1601 00:00:00 GMT", "x.com", DATE)
    assert past is not None and past.deleted
    jar = tmp_path / "cookies.txt"
    jar.write_text("x.com\tTRUE\t/\tFALSE\t1e300\ta\tb\n", encoding="utf-8")
    (seen,) = read_capture(jar, DATE).observations
    assert seen.lifetime == latest
    har = json.loads((AUDIT / "violations.har").read_text(encoding="utf-8"))
    har["log"]["entries"][0]["response"]["headers"].append(
        {"name": "Set-Cookie", "value": "big=1; Max-Age=" + "9" * 5000}
    )
    path = tmp_path / "big.har"
    path.write_text(json.dumps(har), encoding="utf-8")
    code, _, err = run(capsys, "audit", str(POLICY), "--har", str(path))
    assert code in (0, 1) and "Traceback" not in err


def test_a_directory_given_as_a_capture_is_said_to_be_one(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for option in ("--har", "--cookies"):
        code, _, err = run(capsys, "audit", str(POLICY), option, str(tmp_path))
        assert code == 2 and f"{tmp_path}: is a directory" in err and "no such file" not in err


# --- odd but valid JSON, forged clocks, deep files (issue 24, 9, 10 and 12) ------------------


def _har(entries: list[Any], **log: Any) -> dict[str, Any]:
    return {"log": {"version": "1.2", "entries": entries, **log}}


def _entry(headers: Any, *, url: str = "https://www.example.com/", **fields: Any) -> dict[str, Any]:
    return {
        "startedDateTime": "2026-11-26T10:00:00.000Z",
        "request": {"method": "GET", "url": url, "headers": [], "cookies": []},
        "response": {"status": 200, "headers": headers, "cookies": []},
        **fields,
    }


@pytest.mark.parametrize(
    "odd",
    [
        {"request": {"url": "https://www.example.com/", "cookies": 5}},
        {"request": {"url": "https://www.example.com/", "cookies": {"name": "a"}}},
        {"response": {"headers": {"name": "Set-Cookie", "value": "a=1"}}},
        {"response": {"headers": 7, "cookies": True}},
        {"response": {"headers": [], "cookies": "a=1"}},
        {"response": {"headers": [5, None, ["Set-Cookie", "a=1"], {"name": 3, "value": "x"}]}},
        {"request": 1, "response": "x", "pageref": {"id": 1}, "startedDateTime": 12},
    ],
)
def test_odd_but_valid_json_in_a_har_is_no_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], odd: dict[str, Any]
) -> None:
    path = tmp_path / "odd.har"
    path.write_text(json.dumps(_har([_entry([]) | odd], pages={"not": "a list"})), encoding="utf-8")
    for argv in (["--har", str(path)], ["--cookies", str(path)]):
        code, _, err = run(capsys, "audit", str(POLICY), *argv, "-q")
        assert code in (0, 1) and "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize("stack", [{"fileName": "x"}, 3, True, "text", [1], None])
def test_odd_but_valid_json_in_an_inspection_is_no_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stack: Any
) -> None:
    cookie = {"name": "js_only", "domain": "www.example.com", "expires": -1, "log": {"stack": stack}}
    path = tmp_path / "inspection.json"
    path.write_text(json.dumps({"uri_ins": "https://www.example.com/", "cookies": [cookie]}), encoding="utf-8")
    code, findings = audit_json(capsys, str(POLICY), "--cookies", str(path))
    assert code == 1 and any(f["code"] == "PK701" and "js_only" in f["path"] for f in findings)


@pytest.mark.parametrize(
    ("date", "cookie"),
    [
        ("Fri, 31 Dec 9999 23:59:59 GMT", "tracker=1; Max-Age=31536000"),
        ("Fri, 01 Jan 2100 00:00:00 GMT", "tracker=1; Expires=Thu, 01 Jan 2099 00:00:00 GMT"),
    ],
)
def test_a_date_header_far_in_the_future_deletes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], date: str, cookie: str
) -> None:
    headers = [{"name": "Date", "value": date}, {"name": "Set-Cookie", "value": cookie}]
    path = tmp_path / "future.har"
    path.write_text(json.dumps(_har([_entry(headers)])), encoding="utf-8")
    code, findings = audit_json(capsys, str(POLICY), "--har", str(path))
    undeclared = [f for f in findings if f["code"] == "PK701"]
    assert code == 1 and [f["path"] for f in undeclared] == ["log.entries[0].response.headers[1][tracker]"]
    (clock,) = [f for f in findings if f["code"] == "PK709"]
    assert clock["severity"] == "info" and clock["path"] == "log.entries[0].response.headers[0]"
    # Counted from the entry's own start, the lifetime is what the header says.
    assert "set by a response" in undeclared[0]["message"]


def test_a_positive_max_age_never_deletes() -> None:
    end = dt.datetime.max.replace(tzinfo=dt.UTC)
    cookie = parse_set_cookie("a=1; Max-Age=31536000", "example.com", end)
    assert cookie is not None and not cookie.deleted and cookie.lifetime is not None and cookie.lifetime > 0
    gone = parse_set_cookie("a=1; Max-Age=0", "example.com", end)
    assert gone is not None and gone.deleted


def test_a_plausible_date_header_is_the_clock(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # An hour off the entry's start is a server's clock: lifetimes count from it, no PK709.
    headers = [
        {"name": "Date", "value": "Thu, 26 Nov 2026 11:00:00 GMT"},
        {"name": "Set-Cookie", "value": "tracker=1; Expires=Fri, 27 Nov 2026 11:00:00 GMT"},
    ]
    path = tmp_path / "hour.har"
    path.write_text(json.dumps(_har([_entry(headers)])), encoding="utf-8")
    (seen,) = read_capture(path, har=True).observations
    assert seen.lifetime == 86_400 and not read_capture(path, har=True).notes


def _deep(levels: int) -> str:
    return '{"log": {"entries": [' + "[" * levels + "]" * levels + "]}}"


@pytest.mark.parametrize("where", ["entries", "top", "creator"])
def test_a_deep_har_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str) -> None:
    levels = 40_000
    text = {
        "entries": _deep(levels),
        "top": "[" * levels + "]" * levels,
        "creator": '{"log": {"creator": ' + '{"a": ' * levels + "1" + "}" * levels + ', "entries": []}}',
    }[where]
    path = tmp_path / "deep.har"
    path.write_text(text, encoding="utf-8")
    for option in ("--har", "--cookies"):
        code, out, err = run(capsys, "audit", str(POLICY), option, str(path), "-q")
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err
        assert str(path) in err and "Traceback" not in err
        assert "nested deeper" in err or where == "top"


def test_a_deep_har_without_ijson(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ijson", None)
    path = tmp_path / "deep.har"
    path.write_text(_deep(40_000), encoding="utf-8")
    code, _, err = run(capsys, "audit", str(POLICY), "--har", str(path), "-q")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "nested deeper" in err


@pytest.mark.parametrize("name", ["state.json", "export.json", "edpb.json"])
def test_a_deep_jar_or_edpb_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    path = tmp_path / name
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    if name == "edpb.json":
        code, _, err = run(capsys, "catalogue", "import", str(path), "-o", str(tmp_path / "out.yaml"))
    else:
        code, _, err = run(capsys, "audit", str(POLICY), "--cookies", str(path), "-q")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err and str(path) in err


# --- the jar beside the HAR, and web storage (issue 23) ------------------------------------

STORAGE_POLICY = AUDIT / "consent-policy.yaml"


def _state(tmp_path: Path, cookies: list[dict[str, Any]], origins: Any) -> Path:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"cookies": cookies, "origins": origins}), encoding="utf-8")
    return path


def test_a_script_set_cookie_in_the_jar_and_the_har_is_one_finding_with_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # _ga set by a script: the jar holds it (for the parent domain), a later request sends it.
    entry = _entry([], url="https://www.example.com/next")
    entry["request"]["cookies"] = [{"name": "_ga", "value": "GA1.1.1"}]
    har = tmp_path / "visit.har"
    har.write_text(json.dumps(_har([entry])), encoding="utf-8")
    ga = {"name": "_ga", "domain": ".example.com", "path": "/", "expires": DATE.timestamp() + 400 * 86_400}
    jar = _state(tmp_path, [ga], [])
    code, findings = audit_json(
        capsys, str(STORAGE_POLICY), "--har", str(har), "--cookies", str(jar), "--before-consent",
        "--captured-at", "2026-11-26T10:00:00Z", "--site", "https://www.example.com/",
    )  # fmt: skip
    ga_findings = [f for f in findings if "_ga" in f["message"]]
    assert code == 1 and [f["code"] for f in ga_findings] == ["PK706"]
    (finding,) = ga_findings
    assert finding["file"] == str(jar) and finding["path"] == "cookies[0][_ga]"
    assert "expiring 400 days after the capture" in finding["message"]
    assert f"sent in request https://www.example.com/next, entry 0 of {har}" in finding["message"]


def test_local_and_session_storage_against_the_declarations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    origins = [
        {
            "origin": "http://127.0.0.1:8000",
            "localStorage": [{"name": "twk_token_abc", "value": "x"}, {"name": "hidden_tracker", "value": "y"}],
            "sessionStorage": [{"name": "twk_session", "value": "z"}],
        }
    ]
    jar = _state(tmp_path, [], origins)
    code, findings = audit_json(capsys, str(STORAGE_POLICY), "--cookies", str(jar))
    by_code = {(f["code"], f["path"]) for f in findings}
    # twk_token_abc matches the declared local-storage pattern; twk_session the session entry.
    assert ("PK701", "origins[0].localStorage[1][hidden_tracker]") in by_code
    assert not any("twk_" in f["path"] for f in findings)
    assert code == 1
    # A cookie of the same name is not the storage entry: storage kinds are matched apart.
    cookie = {"name": "twk_token_abc", "domain": "127.0.0.1", "path": "/", "expires": -1}
    code, findings = audit_json(capsys, str(STORAGE_POLICY), "--cookies", str(_state(tmp_path, [cookie], [])))
    assert ("PK701", "cookies[0][twk_token_abc]") in {(f["code"], f["path"]) for f in findings}
    unseen = {f["path"] for f in findings if f["code"] == "PK702"}
    assert {"cookies[twk_token_*].name", "cookies[twk_session].name"} <= unseen


def test_storage_declarations_are_not_unseen_in_a_capture_without_storage(capsys: pytest.CaptureFixture[str]) -> None:
    code, findings = audit_json(capsys, str(STORAGE_POLICY), "--har", str(AUDIT / "empty.har"))
    unseen = {f["path"] for f in findings if f["code"] == "PK702"}
    assert code == 0 and "cookies[_ga].name" in unseen and "cookies[twk_token_*].name" not in unseen


def test_after_reject(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    at = DATE.timestamp() + 86_400
    cookies = [
        {"name": "_ga", "domain": "127.0.0.1", "path": "/", "expires": at},
        {"name": "consent", "domain": "127.0.0.1", "path": "/", "expires": at},
    ]
    origins = [{"origin": "http://127.0.0.1:8000", "localStorage": [{"name": "twk_token_1", "value": "x"}]}]
    jar = _state(tmp_path, cookies, origins)
    code, findings = audit_json(capsys, str(STORAGE_POLICY), "--cookies", str(jar), "--after-reject")
    refused = sorted(f["path"] for f in findings if f["code"] == "PK708")
    assert code == 1 and refused == ["cookies[0][_ga]", "origins[0].localStorage[0][twk_token_1]"]
    # What needs consent is rightly absent after a refusal: no PK702 for it.
    unseen = {f["path"] for f in findings if f["code"] == "PK702"}
    assert "cookies[_fbp].name" not in unseen and "cookies[session_id].name" in unseen
    code, _, _err = run(
        capsys, "audit", str(STORAGE_POLICY), "--cookies", str(jar), "--after-reject", "--before-consent"
    )
    assert code == 2


@pytest.mark.parametrize(
    ("declared", "fine", "wrong"),
    [
        ("session or 14 days", [None, 14 * 86_400], [30 * 86_400]),
        ("up to 2 years", [86_400, 365 * 86_400, 730 * 86_400], [3 * 365 * 86_400, None]),
        ("2 years from your last visit", [730 * 86_400], [365 * 86_400, None]),
        ("1 day or up to 90 days", [86_400, 30 * 86_400, 90 * 86_400], [None, 100 * 86_400]),
    ],
)
def test_lifetimes_with_cases_are_audited_against_each_case(
    declared: str, fine: list[int | None], wrong: list[int | None]
) -> None:
    import attrs

    from policykit.audit.capture import Capture, Observation
    from policykit.syntax import parse_lifetime

    policy = load(AUDIT / "local-policy.yaml")
    (prefs,) = [c for c in policy.cookies if c.name == "prefs"]
    changed = attrs.evolve(prefs, lifetime=parse_lifetime(declared))
    policy = attrs.evolve(policy, cookies=tuple(changed if c is prefs else c for c in policy.cookies))

    def pk703(seconds: int | None) -> list[str]:
        seen = Observation("prefs", "127.0.0.1", "header", seconds, True, "", "http://127.0.0.1/", "x", 0)
        found = audit(policy, [Capture("v.har", "har", (seen,))], site="http://127.0.0.1/")
        return [f.message for f in found if f.code == "PK703"]

    for seconds in fine:
        assert pk703(seconds) == [], (declared, seconds)
    for seconds in wrong:
        (message,) = pk703(seconds)
        assert "prefs" in message
    if "or" in declared or "up to" in declared or "from" in declared:
        assert f"the longest case of '{declared}'" in pk703(10**9)[0]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@given(
    st.sampled_from(
        [
            ("request",), ("request", "cookies"), ("request", "url"), ("response",), ("response", "headers"),
            ("response", "cookies"), ("response", "headers", 0), ("response", "headers", 0, "value"),
            ("response", "cookies", 0), ("response", "cookies", 0, "expires"), ("pageref",), ("startedDateTime",),
        ]
    ),
    _JSON,
)  # fmt: skip
def test_any_json_anywhere_in_a_har_entry_is_no_crash(place: tuple[str | int, ...], value: Any) -> None:
    import tempfile

    from policykit.audit import CaptureError

    entry: Any = _entry([{"name": "Set-Cookie", "value": "a=1; Max-Age=60"}])
    entry["response"]["cookies"] = [{"name": "b", "expires": "2027-01-01T00:00:00Z"}]
    holder = entry
    for key in place[:-1]:
        holder = holder[key]
    holder[place[-1]] = value
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.har"
        path.write_text(json.dumps(_har([entry])), encoding="utf-8")
        for as_har in (True, False):
            try:
                capture = read_capture(path, DATE, har=as_har)
            except CaptureError:
                continue
            audit(load(AUDIT / "local-policy.yaml"), [capture])


@given(st.sampled_from(["cookies", "origins", "log", "stack", "expires", "name", "domain"]), _JSON)
def test_any_json_anywhere_in_a_jar_is_no_crash(place: str, value: Any) -> None:
    import tempfile

    from policykit.audit import CaptureError

    cookie: dict[str, Any] = {"name": "a", "domain": "x.com", "expires": DATE.timestamp() + 60, "log": {"stack": []}}
    state: dict[str, Any] = {"cookies": [cookie], "origins": [{"origin": "http://x.com", "localStorage": []}]}
    if place in ("cookies", "origins"):
        state[place] = value
    elif place == "stack":
        cookie["log"]["stack"] = value
    else:
        cookie[place] = value
    with tempfile.TemporaryDirectory() as folder:
        for shape in (state, state["cookies"], {**state, "uri_ins": "https://x.com/"}):
            path = Path(folder) / "jar.json"
            path.write_text(json.dumps(shape), encoding="utf-8")
            try:
                capture = read_capture(path, DATE)
            except CaptureError:
                continue
            audit(load(AUDIT / "local-policy.yaml"), [capture])


def test_a_har_that_is_not_utf8_is_said_in_words_not_as_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    har = tmp_path / "bad.har"
    har.write_bytes(b'{"log": {"entries": [{"request": {"url": "https://x.example/\xff\xfe"}}]}}')
    code, _, err = run(capsys, "audit", str(POLICY), "--har", str(har))
    assert code == 2, err
    assert "b'" not in err and "\\n" not in err and "\\x" not in err
    assert "bad.har" in err and len(err.strip().splitlines()) == 1


def test_a_line_separator_inside_a_cookies_txt_value_is_part_of_the_value(tmp_path: Path) -> None:
    jar = tmp_path / "cookies.txt"
    jar.write_text("# Netscape HTTP Cookie File\n.example.com\tTRUE\t/\tFALSE\t0\tsid\tab\u2028cd\u2029ef\r\n",
                   encoding="utf-8")  # fmt: skip
    capture = read_capture(jar, dt.datetime(2026, 11, 26, tzinfo=dt.UTC))
    assert [o.name for o in capture.observations] == ["sid"]


def test_a_name_that_is_no_string_is_shown_as_its_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    har = tmp_path / "names.har"
    entry = {
        "startedDateTime": "2026-11-26T10:00:00Z",
        "request": {
            "url": "https://x.example/",
            "cookies": [{"name": 12, "value": "v"}, {"name": ["a"], "value": "v"}],
        },
        "response": {"headers": [], "cookies": [{"name": {"x": 1}, "value": "v"}]},
    }
    har.write_text(json.dumps({"log": {"entries": [entry]}}), encoding="utf-8")
    names = {o.name for o in read_capture(har, har=True).observations}
    assert names == {"12", '["a"]', '{"x": 1}'}
