"""Exports: each format checked against its specification, and the consent-banner
configs run in the real libraries (from the npm registry) in headless Chromium."""

from __future__ import annotations

import csv
import functools
import html
import io
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tools import CHROMIUM_FLAGS, require

from conftest import FIXTURES, POLICY, SHARED
from policykit.catalogue.ocd import parse_retention
from policykit.cli import main
from policykit.document import Translator
from policykit.exports import FORMATS, export
from policykit.exports.common import name_regex
from policykit.exports.tcf import export_tcf, vendor_list_fields
from policykit.i18n.translator import translator_for
from policykit.load import load
from policykit.model import Lifetime, Policy, Unit

HOSTILE = FIXTURES / "exports" / "hostile.yaml"
OCD = SHARED / "data" / "open-cookie-database"

# The first line of the Open Cookie Database's CSV (jkwakman/Open-Cookie-Database,
# commit 0ee5a17), kept here so the test says what it expects without ../shared.
OCD_HEADER_LINE = (
    "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,"
    "User Privacy & GDPR Rights Portals,Wildcard match"
)
# The keys of the EDPB knowledge base in the Open Cookie Database's JSON, in its order.
WAT_BASE_KEYS = ["name", "author", "category", "knowledges", "created_at"]
WAT_KNOWLEDGE_KEYS = [
    "updated_at",
    "created_at",
    "kind",
    "domain",
    "name",
    "category",
    "source",
    "controller",
    "date",
    "policy",
    "reference",
    "comment",
]


@functools.cache
def policy() -> Policy:
    return load(POLICY)


def translator(locale: str) -> Translator | None:
    return translator_for(policy(), locale)


def with_linkid_duration() -> Policy:
    """The bundled policy with WHMCSLinkID's duration declared, as its comment asks."""
    p = policy()
    cookies = tuple(
        attrs.evolve(c, lifetime=Lifetime.of(90, Unit.DAY)) if c.name == "WHMCSLinkID" else c for c in p.cookies
    )
    return attrs.evolve(p, cookies=cookies)


# --- TCF -----------------------------------------------------------------------------

_DISCLOSURE_KEYS = {
    "identifier",
    "type",
    "maxAgeSeconds",
    "cookieRefresh",
    "domains",
    "domain",
    "purposes",
    "specialPurposes",
    "description",
    "optOut",
}


def tcf_problems(document: Any) -> list[str]:
    """What breaks the Device Storage Disclosure's structure, from the tables of
    "Vendor Device Storage & Operational Disclosures" v1.1 (IAB Europe TCF; the spec
    publishes no JSON Schema, so the checks are written from its text)."""
    problems: list[str] = []
    if not isinstance(document, dict) or set(document) - {"disclosures", "domains", "sdks"}:
        return ["the document is an object of disclosures, domains (and sdks)"]
    if not isinstance(document.get("disclosures"), list) or not isinstance(document.get("domains"), list):
        return ["disclosures and domains are both required arrays"]
    for n, item in enumerate(document["disclosures"]):
        at = f"disclosures[{n}]"
        if not isinstance(item, dict):
            problems.append(f"{at}: not an object")
            continue
        if set(item) - _DISCLOSURE_KEYS:
            problems.append(f"{at}: unknown fields {sorted(set(item) - _DISCLOSURE_KEYS)}")
        identifier = item.get("identifier")
        if not isinstance(identifier, str) or not identifier:
            problems.append(f"{at}.identifier: a required string")
        elif identifier == "*" or "*" in identifier[1:-1] or (identifier[0] == identifier[-1] == "*"):
            problems.append(f"{at}.identifier: a wildcard only as a prefix or a suffix, never alone")
        kind = item.get("type")
        if kind not in ("cookie", "web", "app"):
            problems.append(f"{at}.type: one of cookie, web, app")
        age = item.get("maxAgeSeconds", "missing")
        if kind == "cookie":
            if not isinstance(age, int) or isinstance(age, bool) or age < 0:
                problems.append(f"{at}.maxAgeSeconds: an integer for a cookie (0: session)")
            if not isinstance(item.get("cookieRefresh"), bool):
                problems.append(f"{at}.cookieRefresh: a boolean for a cookie")
        elif age is not None:
            problems.append(f"{at}.maxAgeSeconds: null unless the type is cookie")
        if "domain" in item and "domains" in item:
            problems.append(f"{at}: domain and domains cannot be used together")
        domains = item.get("domains", [item["domain"]] if isinstance(item.get("domain"), str) else None)
        if kind in ("cookie", "web") and (
            not isinstance(domains, list) or not domains or not all(isinstance(d, str) and d for d in domains)
        ):
            problems.append(f"{at}.domains: one or more domains for a cookie or web storage")
        purposes = item.get("purposes")
        if not isinstance(purposes, list) or not all(isinstance(p, int) and p > 0 for p in purposes):
            problems.append(f"{at}.purposes: a required array of purpose ids")
    for n, entry in enumerate(document["domains"]):
        domain = entry.get("domain") if isinstance(entry, dict) else None
        if not isinstance(domain, str) or not domain or "://" in domain or set(entry) - {"domain", "use"}:
            problems.append(f"domains[{n}]: an object with a bare domain (and a use)")
    return problems


def test_the_structural_checks_can_fail() -> None:
    assert tcf_problems({"disclosures": [], "domains": []}) == []
    bad = {
        "disclosures": [
            {"identifier": "*", "type": "cookie", "maxAgeSeconds": 0, "cookieRefresh": False, "domains": ["a.example"]},
            {"identifier": "a*b", "type": "web", "maxAgeSeconds": 5, "domains": ["a.example"], "purposes": [1]},
            {"identifier": "x", "type": "cookie", "maxAgeSeconds": None, "domains": [], "purposes": ["1"]},
        ],
        "domains": [{"domain": "https://a.example"}],
    }
    problems = tcf_problems(bad)
    assert len(problems) == 9, problems


def test_tcf_has_a_disclosure_per_cookie() -> None:
    result = export(policy(), "tcf")
    document = json.loads(result.text)
    by_name = {d["identifier"]: d for d in document["disclosures"]}
    assert list(by_name) == [c.name for c in policy().cookies]
    assert by_name["WHMCSAffiliateID"]["maxAgeSeconds"] == 7_776_000
    assert by_name["WHMCS*"]["maxAgeSeconds"] == 0  # session
    assert by_name["WHMCS*"]["purposes"] == []  # strictly necessary: exempt, so no Purpose 1
    assert by_name["WHMCSAffiliateID"]["purposes"] == [1, 7]
    assert by_name["_ga"]["purposes"] == [1, 8]
    assert by_name["_ga"]["domains"] == ["example.com"]
    # Google documents _ga and _ga_* as renewed on each visit (the vendor catalogue).
    assert [d["identifier"] for d in document["disclosures"] if d.get("cookieRefresh")] == ["_ga", "_ga_*"]
    assert by_name["twk_uuid_*"]["purposes"] == [1]
    token = by_name["twk_token_*"]
    assert token["type"] == "web" and token["maxAgeSeconds"] is None and "cookieRefresh" not in token
    assert {d["domain"] for d in document["domains"]} == {
        "example.com",
        "www.example.com",
        "tawk.to",
        "va.tawk.to",
    }
    # WHMCS documents WHMCSLinkID only as persistent: no number to give, an error that says so.
    assert by_name["WHMCSLinkID"]["maxAgeSeconds"] is None
    assert tcf_problems(document) == ["disclosures[2].maxAgeSeconds: an integer for a cookie (0: session)"]
    assert schema_errors(document) != []
    assert [(f.code, f.severity.value, f.path) for f in result.findings] == [
        ("PK854", "error", "cookies[WHMCSLinkID].lifetime")
    ]


TCF_SCHEMA = Path(__file__).parent / "tcf" / "device-storage-disclosure.schema.json"


def schema_errors(document: Any) -> list[str]:
    """What the JSON Schema written from the TCF specification (tests/tcf) finds wrong."""
    import jsonschema

    schema = json.loads(TCF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_the_schema_refuses_what_the_specification_refuses() -> None:
    good = {"identifier": "id*", "type": "cookie", "maxAgeSeconds": 0, "cookieRefresh": False,
            "domains": ["a.example"], "purposes": [1]}  # fmt: skip
    assert schema_errors({"disclosures": [good], "domains": [{"domain": "a.example"}]}) == []
    for bad in (
        {**good, "identifier": "*"},
        {**good, "identifier": "a*b"},
        {**good, "maxAgeSeconds": None},
        {**good, "maxAgeSeconds": 1.5},
        {key: value for key, value in good.items() if key != "cookieRefresh"},
        {**good, "domains": []},
        {**good, "domain": "a.example"},
        {**good, "type": "web", "maxAgeSeconds": 5},
        {**good, "purposes": ["1"]},
        {**good, "extra": 1},
    ):
        assert schema_errors({"disclosures": [bad], "domains": []}), bad
    assert schema_errors({"disclosures": [], "domains": [{"domain": "https://a.example"}]})


def test_tcf_takes_a_measured_value_and_one_party(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tcf.json"
    assert main(["export", str(POLICY), "--format", "tcf", "-o", str(out)]) == 1
    assert not out.exists() and "PK854" in capsys.readouterr().err
    assert main(["export", str(POLICY), "--format", "tcf", "--max-age", "WHMCSLinkID=7776000", "-o", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert schema_errors(document) == [] and tcf_problems(document) == []
    assert {d["identifier"]: d for d in document["disclosures"]}["WHMCSLinkID"]["maxAgeSeconds"] == 7_776_000
    assert main(["export", str(POLICY), "--format", "tcf", "--party", "google", "-o", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert [d["identifier"] for d in document["disclosures"]] == ["_ga", "_ga_*"] and schema_errors(document) == []
    assert main(["export", str(POLICY), "--format", "tcf", "--party", "nobody"]) == 2
    assert main(["export", str(POLICY), "--format", "tcf", "--max-age", "WHMCSLinkID=soon"]) == 2
    assert main(["export", str(POLICY), "--format", "klaro", "--party", "google"]) == 2


def test_tcf_of_a_policy_with_every_duration_is_valid() -> None:
    result = export(with_linkid_duration(), "tcf")
    document = json.loads(result.text)
    assert tcf_problems(document) == [] and schema_errors(document) == []
    assert result.findings == ()
    fields = vendor_list_fields(document["disclosures"])
    # The longest declared: 13 months (_ga), as the policy declares it, not capped.
    assert fields == {
        "usesCookies": True,
        "cookieMaxAgeSeconds": 13 * 365 * 86_400 // 12,
        "cookieRefresh": True,
        "usesNonCookieAccess": True,
    }


def test_tcf_without_a_catalogue_refreshes_only_what_it_is_told() -> None:
    document = json.loads(export_tcf(policy(), catalogue=False, refreshed={"WHMCSUser"}).text)
    refreshed = [d["identifier"] for d in document["disclosures"] if d.get("cookieRefresh")]
    assert refreshed == ["WHMCSUser"]


def test_tcf_leaves_out_what_it_cannot_say() -> None:
    result = export(load(HOSTILE), "tcf")
    identifiers = [d["identifier"] for d in json.loads(result.text)["disclosures"]]
    assert identifiers == ["cart.id(v2)*", "*_pref"]
    assert [(f.code, f.path, f.line) for f in result.findings] == [("PK852", "cookies[a*b].name", 0)]
    assert tcf_problems(json.loads(result.text)) == []


# --- Open Cookie Database ------------------------------------------------------------


def test_ocd_csv_header_is_the_databases() -> None:
    text = export(policy(), "ocd-csv").text
    assert text.splitlines()[0] == OCD_HEADER_LINE
    if not OCD.is_dir():
        pytest.skip("../shared is absent")
    real = next(OCD.glob("*.csv")).read_text(encoding="utf-8").splitlines()[0]
    assert real == OCD_HEADER_LINE


def test_ocd_csv_rows_read_back() -> None:
    rows = list(csv.DictReader(io.StringIO(export(policy(), "ocd-csv").text)))
    assert len(rows) == len(policy().cookies)
    by_name = {(r["Cookie / Data Key name"], r["Wildcard match"]): r for r in rows}
    # Platform is the product (the vendor catalogue's name for it), as the database has it.
    assert by_name[("_ga_", "1")]["Platform"] == "Google Analytics 4"
    assert by_name[("_ga_", "1")]["Data Controller"] == "Google LLC"
    assert by_name[("_ga", "0")]["Category"] == "Analytics"
    assert by_name[("WHMCS", "1")]["Category"] == "Functional"  # strictly necessary, filed as PHPSESSID is
    # First-party cookies (the site's own, and Google's on the site's domain) have no Domain.
    assert {r["Domain"] for r in rows} == {""}
    # The database's own importer reads each retention back to the declared lifetime.
    for cookie, row in zip(policy().cookies, rows, strict=True):
        if cookie.lifetime.until is None:
            assert parse_retention(row["Retention period"]) == cookie.lifetime
    assert len({r["ID"] for r in rows}) == len(rows)


def test_ocd_csv_wildcards_are_prefixes_only() -> None:
    result = export(load(HOSTILE), "ocd-csv")
    rows = list(csv.DictReader(io.StringIO(result.text)))
    assert [(r["Cookie / Data Key name"], r["Wildcard match"]) for r in rows] == [("cart.id(v2)", "1")]
    assert [f.path for f in result.findings] == [
        "cookies[cart.id(v2)*].service",  # no product declared, none known: Platform is the party
        "cookies[*_pref].name",
        "cookies[a*b].name",
    ]


VALIDATOR = Path(__file__).parent / "ocd_validator" / "validate.py"


def _ocd_validator(csv_text: str, folder: Path) -> str:
    """What the Open Cookie Database's own validator prints on `csv_text`."""
    import sys

    (folder / "open-cookie-database.csv").write_text(csv_text, encoding="utf-8")
    done = subprocess.run([sys.executable, str(VALIDATOR)], cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_ocd_csv_passes_the_databases_own_validator(tmp_path: Path) -> None:
    pytest.importorskip("pandas")  # the validator reads with it (the test extra installs it)
    printed = _ocd_validator(export(policy(), "ocd-csv").text, tmp_path)
    assert "::error" not in printed and "CSV file is valid." in printed, printed
    # The validator can fail: the category the export used to write is refused.
    old = export(policy(), "ocd-csv").text.replace(",Functional,WHMCS,", ",Necessary,WHMCS,")
    assert "::error" in _ocd_validator(old, tmp_path)


def test_ocd_csv_cells_are_never_formulas() -> None:
    hostile = attrs.evolve(
        policy(),
        cookies=tuple(
            attrs.evolve(c, purpose=f"{lead}cmd|' /C calc'!A0")
            for c, lead in zip(policy().cookies, "=+-@\t\r=+-@", strict=False)
        ),
    )
    rows = list(csv.DictReader(io.StringIO(export(hostile, "ocd-csv").text, newline="")))
    assert all(r["Description"].startswith("'") for r in rows)
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r.values())


def test_edpb_wat_has_the_databases_shape() -> None:
    result = export(policy(), "edpb-wat")
    document = json.loads(result.text)
    assert isinstance(document, list) and len(document) == 1
    base = document[0]
    assert list(base) == WAT_BASE_KEYS
    assert all(list(k) == WAT_KNOWLEDGE_KEYS for k in base["knowledges"])
    names = [k["name"] for k in base["knowledges"]]
    assert names == ["WHMCS", "WHMCSAffiliateID", "WHMCSLinkID", "WHMCSUser", "twk_uuid_", "twk_idm_key",
                     "TawkConnectionTime", "_ga", "_ga_"]  # fmt: skip
    assert {k["category"] for k in base["knowledges"]} <= {"necessary", "functional", "analytics", "marketing"}
    assert [(f.code, f.path) for f in result.findings] == [("PK852", "cookies[twk_token_*].storage")]
    if not OCD.is_dir():
        pytest.skip("../shared is absent")
    real = json.loads(next(OCD.glob("*.json")).read_text(encoding="utf-8"))
    assert list(real[0]) == WAT_BASE_KEYS
    assert list(real[0]["knowledges"][0]) == WAT_KNOWLEDGE_KEYS
    assert {k["kind"] for k in real[0]["knowledges"]} == {"cookie"}


# --- patterns, escaping, determinism -------------------------------------------------


@given(st.text(alphabet="ab.*()[]^$+?{}|\\/-", max_size=8), st.text(alphabet="ab.*()[]^$+?{}|\\/-", max_size=8))
def test_name_regex_is_the_pattern_and_nothing_else(pattern: str, name: str) -> None:
    expected = re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), name, re.DOTALL)
    assert bool(re.fullmatch(name_regex(pattern), name, re.DOTALL)) == bool(expected)


@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_same_policy_same_bytes(format_name: str) -> None:
    locale = "nl" if FORMATS[format_name].localized else None
    first = export(policy(), format_name, locale, translator("nl") if locale else None).text
    again = export(load(POLICY), format_name, locale, translator_for(load(POLICY), "nl") if locale else None).text
    assert first == again


def node() -> str:
    found = shutil.which("node")
    require(found is not None, "Node.js")
    assert found is not None
    return found


def test_consent_configs_escape_hostile_text(tmp_path: Path) -> None:
    hostile = load(HOSTILE)
    config = export(hostile, "cookieconsent").text
    assert "<img" not in config and "&lt;img src=x onerror=alert(1)&gt;" in config
    assert "Shop &lt;b&gt;B.V.&lt;/b&gt; &amp; Co" in config
    assert "/^cart\\.id\\(v2\\).*$/" in config  # a RegExp literal with every special escaped
    klaro = export(hostile, "klaro").text
    assert "\u2028" not in klaro and "</script" not in klaro
    # Both parse as JavaScript, and the regular expressions are the patterns.
    (tmp_path / "cc.mjs").write_text(config, encoding="utf-8")
    (tmp_path / "klaro.js").write_text(klaro + "module.exports = klaroConfig;\n", encoding="utf-8")
    probe = (
        "const cc = (await import('./cc.mjs')).default; const k = (await import('./klaro.js')).default;"
        "const re = cc.categories.functional.autoClear.cookies[0].name;"
        "const kr = new RegExp(k.services[0].cookies[0][0]);"
        "console.log(JSON.stringify([re.test('cart.id(v2)xyz'), re.test('cartXid(v2)'), kr.test('cart.id(v2)1'),"
        " k.translations.en['site-functional'].description]));"
    )
    (tmp_path / "probe.mjs").write_text(probe, encoding="utf-8")
    done = subprocess.run([node(), "probe.mjs"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    matches_prefix, matches_other, klaro_matches, description = json.loads(done.stdout)
    assert (matches_prefix, matches_other, klaro_matches) == (True, False, True)
    assert "<img src=x onerror=alert(1)>" in description  # Klaro shows text as text (htmlTexts: false)


@pytest.mark.parametrize("locale", ["en", "nl", "ar"])
def test_cookieconsent_config_has_the_librarys_type(locale: str, tmp_path: Path) -> None:
    """The library publishes its config's type (types/index.d.ts), not a JSON Schema: the
    TypeScript compiler checks the config against it, unknown keys included."""
    umd = library("POLICYKIT_COOKIECONSENT_JS", "vanilla-cookieconsent v3")
    tsc = os.environ.get("POLICYKIT_TSC", "")
    require(bool(tsc) and Path(tsc).is_file(), "the TypeScript compiler (POLICYKIT_TSC)")
    types = umd.parent.parent / "types" / "index.d.ts"
    module = export(policy(), "cookieconsent", locale, translator(locale)).text
    body = module.split("export default ", 1)[1]
    script = f'/// <reference path="{types.as_posix()}" />\nconst config: CookieConsent.CookieConsentConfig = {body}'
    (tmp_path / "check.ts").write_text(script, encoding="utf-8")
    flags = ["--noEmit", "--strict", "--target", "es2020", "--lib", "es2020,dom"]
    done = subprocess.run([tsc, *flags, "check.ts"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    if locale != "en":
        return
    # The same check refuses a key the type does not have.
    (tmp_path / "check.ts").write_text(script.replace('"readOnly": true', '"readOnly": true, "bogus": 1'), "utf-8")
    done = subprocess.run([tsc, *flags, "check.ts"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "bogus" in done.stdout


# --- the CLI -------------------------------------------------------------------------


def test_cli_writes_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for format_name in FORMATS:
        out = tmp_path / f"export{FORMATS[format_name].suffix}"
        measured = ["--max-age", "WHMCSLinkID=7776000"] if format_name == "tcf" else []
        code = main(["export", str(POLICY), "--format", format_name, "-o", str(out), *measured])
        _, err = capsys.readouterr()
        assert code == 0, err
        expected = export(with_linkid_duration() if format_name == "tcf" else policy(), format_name).text
        assert out.read_text(encoding="utf-8") == expected
    assert main(["export", str(POLICY), "--format", "tcf"]) == 1
    printed, err = capsys.readouterr()
    assert printed == ""
    assert re.search(r"policy\.yaml:\d+:\d+: error PK854 cookies\[WHMCSLinkID\]\.lifetime", err)
    assert main(["export", str(POLICY), "--format", "tcf", "--no-catalogue", "--max-age", "WHMCSLinkID=1"]) == 0
    assert '"cookieRefresh": true' not in capsys.readouterr()[0]


def test_cli_refuses_what_it_cannot_use(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(POLICY), "--format", "tcf", "--locale", "nl"]) == 2
    assert main(["export", str(POLICY), "--format", "klaro", "--locale", "xx-nonsense"]) == 2
    assert main(["export", str(POLICY), "--format", "nope"]) == 2
    assert main(["export", str(POLICY), "--format", "klaro", "--no-catalogue"]) == 2
    assert main(["export", str(POLICY), "--format", "tcf", "--catalogue", str(FIXTURES / "missing")]) == 2
    assert main(["export", str(FIXTURES / "missing.yaml"), "--format", "tcf"]) == 2
    _, err = capsys.readouterr()
    assert "Traceback" not in err


# --- the real libraries in Chromium --------------------------------------------------


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served on the loopback interface (ES modules do not load from file://)."""
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def library(variable: str, what: str) -> Path:
    path = Path(os.environ.get(variable, ""))
    require(bool(os.environ.get(variable)) and path.is_file(), f"{what} ({variable})")
    return path


def chromium_dom(url: str, profile: Path) -> str:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    require(chromium is not None, "Chromium")
    assert chromium is not None
    done = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=15000", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout


def result_of(dom: str) -> Any:
    match = re.search(r'<pre id="result">(.*?)</pre>', dom, re.DOTALL)
    assert match, dom[-3000:]
    return json.loads(html.unescape(match.group(1)))


def visible_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


REPORT = (
    "const out = document.createElement('pre'); out.id = 'result';"
    " out.textContent = JSON.stringify(result); document.body.appendChild(out);"
)


@pytest.mark.parametrize("locale", ["en", "nl"])
def test_cookieconsent_in_the_real_library(locale: str, served: tuple[Path, str]) -> None:
    umd = library("POLICYKIT_COOKIECONSENT_JS", "vanilla-cookieconsent v3")
    folder, base = served
    shutil.copy(umd, folder / "cookieconsent.umd.js")
    (folder / "config.mjs").write_text(export(policy(), "cookieconsent", locale, translator(locale)).text, "utf-8")
    page = (
        f'<!doctype html><html lang="{locale}"><head><meta charset="utf-8"><title>t</title></head><body>'
        '<script src="cookieconsent.umd.js"></script><script type="module">'
        "import config from './config.mjs';"
        "document.cookie = '_ga=1; path=/'; document.cookie = '_ga_ABC123=1; path=/';"
        "document.cookie = 'WHMCSabc=1; path=/'; document.cookie = 'other=1; path=/';"
        "await CookieConsent.run(config);"
        "const banner = document.querySelector('#cc-main .cm');"
        "CookieConsent.showPreferences();"
        "await new Promise(r => setTimeout(r, 500));"
        "const prefs = document.querySelector('#cc-main .pm');"
        "const tables = [...document.querySelectorAll('#cc-main .pm table')].map(t =>"
        " [...t.querySelectorAll('tr')].map(tr => [...tr.children].map(c => c.textContent.trim())));"
        "CookieConsent.acceptCategory([]);"  # reject everything that asks consent: autoClear runs
        "await new Promise(r => setTimeout(r, 500));"
        "const result = {banner: banner ? banner.textContent : null, prefs: !!prefs, tables,"
        " cookies: document.cookie.split('; ').map(c => c.split('=')[0]).sort()};" + REPORT + "</script></body></html>"
    )
    (folder / "index.html").write_text(page, encoding="utf-8")
    result = result_of(chromium_dom(f"{base}/index.html", folder / "profile"))
    words = {"en": ("We use cookies", "Accept all", "90 days", "Session", "Name"),
             "nl": ("Wij gebruiken cookies", "Alles accepteren", "90 dagen", "Sessie", "Naam")}[locale]  # fmt: skip
    assert words[0] in result["banner"] and words[1] in result["banner"]
    assert result["prefs"]
    rows = [row for table in result["tables"] for row in table]
    cells = {cell for row in rows for cell in row}
    for cookie in policy().cookies:
        assert cookie.name in cells
    assert words[2] in cells and words[3] in cells and words[4] in cells
    assert len([row for row in rows if row and row[0] in {c.name for c in policy().cookies}]) == len(policy().cookies)
    # Rejected analytics: _ga and the _ga_* pattern cleared; the strictly necessary WHMCS* and others kept.
    assert "_ga" not in result["cookies"] and "_ga_ABC123" not in result["cookies"]
    assert "WHMCSabc" in result["cookies"] and "other" in result["cookies"]


@pytest.mark.parametrize("locale", ["en", "nl"])
def test_klaro_in_the_real_library(locale: str, served: tuple[Path, str]) -> None:
    script = library("POLICYKIT_KLARO_JS", "Klaro! (klaro.js)")
    folder, base = served
    shutil.copy(script, folder / "klaro.js")
    (folder / "config.js").write_text(export(policy(), "klaro", locale, translator(locale)).text, "utf-8")
    page = (
        f'<!doctype html><html lang="{locale}"><head><meta charset="utf-8"><title>t</title></head><body>'
        "<script>document.cookie = '_ga=1; path=/'; document.cookie = '_ga_ABC123=1; path=/';"
        "document.cookie = 'other=1; path=/';</script>"
        '<script src="config.js"></script><script src="klaro.js"></script><script>'
        "window.addEventListener('load', () => setTimeout(() => {"
        " const notice = document.querySelector('.klaro .cookie-notice');"
        " klaro.show(undefined, true);"
        " setTimeout(() => {"
        "  const modal = document.querySelector('.klaro .cookie-modal');"
        "  const manager = klaro.getManager(); manager.changeAll(false); manager.saveAndApplyConsents();"
        "  const result = {notice: notice ? notice.textContent : null, modal: modal ? modal.innerHTML : null,"
        "   cookies: document.cookie.split('; ').map(c => c.split('=')[0]).sort()};" + REPORT + " }, 500);"
        "}, 200));</script></body></html>"
    )
    (folder / "index.html").write_text(page, encoding="utf-8")
    result = result_of(chromium_dom(f"{base}/index.html", folder / "profile"))
    assert result["notice"], "Klaro's consent notice did not show"
    modal = visible_text(result["modal"])
    words = {"en": ("WHMCSAffiliateID (90 days)", "Analytics", "Functional"),
             "nl": ("WHMCSAffiliateID (90 dagen)", "Analyse", "Functioneel")}[locale]  # fmt: skip
    for word in words:
        assert word in modal
    for cookie in policy().cookies:
        assert f"{cookie.name} (" in modal
    assert "_ga" not in result["cookies"] and "_ga_ABC123" not in result["cookies"] and "other" in result["cookies"]
