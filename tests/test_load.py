from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Collection
from pathlib import Path

import pytest

import policykit
from conftest import FIXTURES, POLICY, SEED
from policykit import LoadError, Persistence, Role, Safeguard

LOAD = FIXTURES / "load"


# One fixture for each kind of load error: the exact line, column, code and field path.
CASES = [
    ("unknown-key.yaml", "4:3: error PK003 meta.colour: unknown key"),
    ("duplicate-key.yaml", '9:5: error PK002 found duplicate key "role"'),
    ("name-is-number.yaml", "7:11: error PK005 parties[site].name: expected a string, got the number 123"),
    ("title-is-bool.yaml", "2:10: error PK005 meta.title: expected a string, got the boolean false"),
    ("bad-country.yaml", "9:14: error PK005 parties[site].country: expected an ISO 3166-1 alpha-2 country code"),
    ("bad-duration.yaml", "15:15: error PK005 cookies[session_id].lifetime: expected a lifetime such as"),
    ("bad-enum.yaml", "8:11: error PK005 parties[site].role: expected one of 'first-party', 'third-party'"),
    ("missing-key.yaml", "11:5: error PK004 cookies[session_id].purpose: missing required key"),
    ("naive-datetime.yaml", "4:18: error PK005 meta.last_modified: '2024-05-01T09:00:00' has no time zone offset"),
    ("cookies-not-list.yaml", "10:10: error PK005 cookies: expected a list, got a mapping"),
    ("undeclared-party.yaml", "12:12: error PK006 cookies[session_id].party: party 'vendor' is not declared"),
    ("undeclared-category.yaml", "13:15: error PK006 cookies[session_id].category: category 'snacks' is not declared"),
    ("undeclared-cookie-ref.yaml", "21:31: error PK006 articles[0].body[1].refs.days.cookie: cookie 'nope' is not"),
    ("duplicate-id.yaml", "16:11: error PK007 cookies[session_id].name: cookie id 'session_id' is declared twice"),
    (
        "attribute-placeholder.yaml",
        "19:16: error PK008 articles[0].body[0]: placeholder {days.__class__} is not a bare",
    ),
    ("placeholder-without-ref.yaml", "19:16: error PK006 articles[0].body[0]: placeholder {days} has no entry"),
    ("unclosed-tag.yaml", "19:9: error PK008 articles[0].body[0]: <em> is never closed"),
    ("unsafe-link.yaml", "19:13: error PK008 articles[0].body[0]: link target 'javascript:alert(1)' is not"),
    ("alias.yaml", "17:5: error PK002 YAML aliases (*name) are not allowed"),
]


@pytest.mark.parametrize(("name", "expected"), CASES, ids=[c[0] for c in CASES])
def test_load_error_fixture(name: str, expected: str) -> None:
    path = LOAD / name
    with pytest.raises(LoadError) as caught:
        policykit.load(path)
    lines = [f.to_text() for f in caught.value.findings]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}:{expected}"), lines[0]


@pytest.fixture
def pure_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load through ruamel's pure-Python reader, as where libyaml has no wheel."""
    monkeypatch.setattr("policykit.yamlread.CParser", None)


@pytest.mark.parametrize(("name", "expected"), CASES, ids=[c[0] for c in CASES])
def test_pure_reader_reports_the_same(pure_reader: None, name: str, expected: str) -> None:
    test_load_error_fixture(name, expected)


def test_pure_reader_loads_the_same_policies(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = [policykit.load(path) for path in (POLICY, SEED)]
    monkeypatch.setattr("policykit.yamlread.CParser", None)
    assert [policykit.load(path) for path in (POLICY, SEED)] == fast


def test_minimal_fixture_loads() -> None:
    policy = policykit.load(LOAD / "minimal.yaml")
    assert policy.cookies[0].lifetime.is_session


def test_every_error_is_reported_at_once(minimal_text: str) -> None:
    text = (
        minimal_text.replace("language: en", "language: en\n  colour: blue")
        .replace("country: NL", "country: XX")
        .replace("lifetime: session", "lifetime: ninety")
        .replace("party: site", "party: vendor")
    )
    with pytest.raises(LoadError) as caught:
        policykit.loads(text, "p.yaml")
    codes = [(f.line, f.code, f.path) for f in caught.value.findings]
    # The party whose country is wrong still declares its id; the cookie whose lifetime
    # is wrong still names a party that is not declared: all in one round.
    assert codes == [
        (4, "PK003", "meta.colour"),
        (10, "PK005", "parties[site].country"),
        (13, "PK006", "cookies[session_id].party"),
        (16, "PK005", "cookies[session_id].lifetime"),
    ]


def test_four_mistakes_come_back_in_one_round() -> None:
    path = LOAD / "four-mistakes.yaml"
    with pytest.raises(LoadError) as caught:
        policykit.load(path)
    assert [f.to_text().removeprefix(f"{path}:") for f in caught.value.findings] == [
        "14:5: error PK003 parties[google].colour: unknown key; did you mean 'country'? expected one of: id, name, "
        "role, country, privacy_policy, transfer, domains, silence, service",
        "20:15: error PK005 cookies[session_id].lifetime: expected a lifetime such as 'session', '90 days', "
        "'up to 2 years', '2 years from your last visit', 'session or 14 days', 'persistent', 'not stated' or "
        "'365 days or until logout', got 'ninety days'",
        "22:12: error PK006 cookies[_ga].party: party 'gogle' is not declared under parties; did you mean "
        "'google'? (declared: google, site)",
        "31:29: error PK006 articles[0].body[1].refs.ga.cookie: cookie '_gaa' is not declared under cookies; "
        "did you mean '_ga'?",
    ]


def test_records_that_do_not_structure_still_declare_their_ids(minimal_text: str) -> None:
    text = (
        minimal_text.replace("country: NL", "country: XX")  # the party fails, its id stands
        .replace("  - name: session_id", "  - name: session_id\n    storage: jar")  # so does the cookie's
        .replace(
            "      - cookies:",
            "      - cookies:\n      - paragraph: 'See {c}.'\n        refs: {c: {cookie: session_id, field: name}}",
        )
    )
    with pytest.raises(LoadError) as caught:
        policykit.loads(text, "p.yaml")
    assert [(f.code, f.path) for f in caught.value.findings] == [
        ("PK005", "parties[site].country"),
        ("PK005", "cookies[session_id].storage"),
    ]


def test_duplicates_and_references_beside_type_errors(minimal_text: str) -> None:
    second = "  - name: session_id\n    party: site\n    category: snacks\n    purpose: Again.\n    lifetime: 1 dai\n"
    text = minimal_text.replace("articles:", second + "articles:")
    with pytest.raises(LoadError) as caught:
        policykit.loads(text, "p.yaml")
    assert [(f.line, f.code, f.path, f.message[:40]) for f in caught.value.findings] == [
        (16, "PK007", "cookies[session_id].name", "cookie id 'session_id' is declared twice"),
        (18, "PK006", "cookies[session_id].category", "category 'snacks' is not declared (known"),
        (20, "PK005", "cookies[session_id].lifetime", "expected a lifetime such as 'session', '"),
    ]


def test_a_wrong_type_is_reported_once(minimal_text: str) -> None:
    text = minimal_text.replace("party: site", "party: [site]").replace("parties:\n", "parties:\n  - 7\n")
    with pytest.raises(LoadError) as caught:
        policykit.loads(text, "p.yaml")
    assert [(f.code, f.path) for f in caught.value.findings] == [
        ("PK005", "parties[0]"),
        ("PK005", "cookies[session_id].party"),
    ]


def test_did_you_mean(minimal_text: str) -> None:
    text = (
        minimal_text.replace("  title: Cookie Policy", "  titel: Cookie Policy")
        .replace("category: strictly-necessary", "category: analytic")
        .replace(
            "      - cookies:",
            "      - paragraph: 'Lasts {dayz}.'\n        refs: {days: {cookie: sesion_id, field: lifetime}}",
        )
    )
    with pytest.raises(LoadError) as caught:
        policykit.loads(text, "p.yaml")
    messages = [f.message for f in caught.value.findings]
    assert "unknown key; did you mean 'title'? expected one of: title, language" in messages[0]
    assert "category 'analytic' is not declared; did you mean 'analytics'? (known: analytics," in messages[2]
    assert messages[3:] == [
        "placeholder {dayz} has no entry under refs; did you mean {days}?",
        "reference 'days' is used by no placeholder",
        "cookie 'sesion_id' is not declared under cookies; did you mean 'session_id'?",
    ]


def test_no_suggestion_when_nothing_is_close(minimal_text: str) -> None:
    text = minimal_text.replace("party: site", "party: vendor")
    with pytest.raises(LoadError) as caught:
        policykit.loads(text, "p.yaml")
    assert [f.message for f in caught.value.findings] == [
        "party 'vendor' is not declared under parties (declared: site)"
    ]


PLACEHOLDER_SCALARS = [
    ("      - >-\n        Analytics cookies last\n        quite long: {days}.\n", (21, 21)),
    ("      - Analytics cookies last\n        quite long, {days} or\n        {days}.\n", (20, 21)),
    ("      - paragraph: |\n          One {{days}} line.\n          Then {days}.\n", (21, 16)),
    ("      - 'Lasts {{days}} {days}.'\n", (19, 25)),
    # An escape spells the placeholder differently: the scalar's start, never a wrong place.
    ('      - "Lasts \\x7Bdays}."\n', (19, 9)),
]


@pytest.mark.parametrize(("block", "where"), PLACEHOLDER_SCALARS)
def test_placeholder_errors_point_at_the_placeholder(minimal_text: str, block: str, where: tuple[int, int]) -> None:
    text = minimal_text.replace("      - cookies:\n", block)
    with pytest.raises(LoadError) as caught:
        policykit.loads(text, "p.yaml")
    (finding,) = caught.value.findings
    assert finding.message == "placeholder {days} has no entry under refs"
    assert (finding.line, finding.column) == where


def test_a_flood_of_problems_is_cut_short(minimal_text: str) -> None:
    text = minimal_text.replace("cookies:\n  - name", "cookies:\n" + "  - 1\n" * 2_000 + "  - name", 1)
    with pytest.raises(LoadError) as caught:
        policykit.loads(text, "p.yaml")
    findings = caught.value.findings
    assert len(findings) == 501
    assert findings[499].line == 510
    assert (
        findings[500].to_text()
        == "p.yaml:511:5: error PK009 and 1500 more problems from here on; fix the ones above and load again"
    )


def test_a_huge_flood_stops_searching_and_says_so(minimal_text: str) -> None:
    # Each of these items fails; past some thousands, the loader stops looking (memory
    # stays bounded: bench/run.py measures it) and says the count is a lower bound.
    text = minimal_text.replace("cookies:\n  - name", "cookies:\n" + "  - 1\n" * 30_000 + "  - name", 1)
    with pytest.raises(LoadError) as caught:
        policykit.loads(text, "p.yaml")
    findings = caught.value.findings
    assert len(findings) == 501 and findings[0].line == 11
    assert findings[-1].code == "PK009" and "and at least " in findings[-1].message


@pytest.mark.parametrize(
    ("yaml_value", "message"),
    [
        ('"false"', "expected true or false, got the string 'false'"),
        ("1", "expected true or false, got the number 1"),
        ("yes", "expected true or false, got the string 'yes'"),
    ],
)
def test_booleans_are_not_coerced(minimal_text: str, yaml_value: str, message: str) -> None:
    text = minimal_text + f"categories:\n  - id: social\n    title: Social\n    consent_required: {yaml_value}\n"
    with pytest.raises(LoadError) as caught:
        policykit.loads(text, "p.yaml")
    assert [f.message for f in caught.value.findings] == [message]
    assert caught.value.findings[0].path == "categories[social].consent_required"


def test_cookie_id_defaults_to_name_and_is_needed_without_one(minimal_text: str) -> None:
    text = minimal_text.replace("  - name: session_id", "  - name: null")
    with pytest.raises(LoadError) as caught:
        policykit.loads(text, "p.yaml")
    assert [(f.code, f.path) for f in caught.value.findings] == [("PK004", "cookies[0].id")]
    policy = policykit.loads(text.replace("  - name: null", "  - name: null\n    id: chat"), "p.yaml")
    assert policy.cookies[0].id == "chat" and policy.cookies[0].name is None


# --- hostile and broken files: a clear error, quickly, with bounded memory ------------


def _load_error(path: Path) -> str:
    # How fast, and in how little memory, bench/bench_hostile.py measures.
    with pytest.raises(LoadError) as caught:
        policykit.load(path)
    assert len(caught.value.findings) == 1
    return caught.value.findings[0].to_text()


def test_alias_bomb(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert _load_error(path) == f"{path}:2:10: error PK002 YAML aliases (*name) are not allowed in a policy file"


def test_deep_nesting(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert "PK002 nested more than 64 levels deep" in _load_error(path)


def test_deep_nesting_json(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert "error PK002 invalid JSON" in _load_error(path)


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"meta:\n  title: caf\xe9\n")
    assert _load_error(path) == f"{path}:2:13: error PK001 is not valid UTF-8 (byte 0xe9)"


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"# only a comment\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(content)
    assert "error PK001" in _load_error(path)


def test_directory(tmp_path: Path) -> None:
    assert _load_error(tmp_path) == f"{tmp_path}: error PK001 is a directory, not a policy file"


def test_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    assert _load_error(path) == f"{path}: error PK001 no such file"


def test_oversized_file(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as stream:
        stream.truncate(policykit.load.__globals__["MAX_BYTES"] + 1)
    assert "error PK001 is 16777217 bytes" in _load_error(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable(tmp_path: Path) -> None:  # pragma: no cover - CI runs as root
    path = tmp_path / "secret.yaml"
    path.write_text("a: 1")
    path.chmod(0)
    assert "cannot be read" in _load_error(path)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    assert _load_error(path) == f"{path}:1:1: error PK005 expected a mapping at the top of the file, got a list"


def test_yaml_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("meta:\n  title: [unclosed\n")
    assert _load_error(path).startswith(f"{path}:3:1: error PK002")


# --- JSON --------------------------------------------------------------------------


def test_json_loads_with_positions(tmp_path: Path) -> None:
    data = json.loads(json.dumps(_as_plain(POLICY)))
    data["cookies"][2]["lifetime"] = "ninety"
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(data, indent=2))
    with pytest.raises(LoadError) as caught:
        policykit.load(path)
    (finding,) = caught.value.findings
    assert finding.path == "cookies[WHMCSLinkID].lifetime"
    line = path.read_text().splitlines()[finding.line - 1]
    assert '"lifetime": "ninety"' in line


def test_json_equals_yaml(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(_as_plain(POLICY)))
    assert policykit.load(path) == policykit.load(POLICY)


def test_json_duplicate_keys(tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    path.write_text('{"meta": {}, "meta": {}}')
    assert "duplicate key 'meta'" in _load_error(path)


def _as_plain(path: Path) -> object:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(policykit.dump(policykit.load(path)))


# --- the bundled data ------------------------------------------------------------------


@pytest.mark.parametrize("path", [POLICY, SEED], ids=["policy", "seed"])
def test_whmcs_cookies(path: Path) -> None:
    policy = policykit.load(path)
    cookies = {c.name: c for c in policy.cookies}
    session = cookies.get("WHMCS*") or cookies["WHMCSInstanceID"]  # the seed names one instance's cookie
    assert session.lifetime.is_session
    assert cookies["WHMCSAffiliateID"].lifetime.seconds == 90 * 86_400
    user = cookies["WHMCSUser"].lifetime
    assert user.seconds == 365 * 86_400 and user.until == "logout"


@pytest.mark.parametrize("path", [POLICY, SEED], ids=["policy", "seed"])
def test_round_trip_of_bundled_files(path: Path) -> None:
    policy = policykit.load(path)
    assert policykit.loads(policykit.dump(policy)) == policy


def test_seed_keeps_its_flaws() -> None:
    policy = policykit.load(SEED)
    link = policy.cookie("WHMCSLinkID").lifetime
    assert link.persistence is Persistence.PERSISTENT and not link.stated
    assert policy.cookie("tawkto-chat").name is None
    google_transfer = policy.party("google").transfer
    assert google_transfer is not None
    assert google_transfer.safeguard is Safeguard.PRIVACY_SHIELD
    session_article = policy.articles[2]
    assert session_article.about is Persistence.SESSION
    assert "google-analytics" in session_article.sections[1].covers
    assert "[and/or Flash applications]" in policy.articles[0].body[0].text  # type: ignore[union-attr]
    assert policy.meta.last_modified == dt.datetime(2021, 2, 19, 13, 40, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert policy.meta.controller.organisation is None  # unknown, not invented
    assert len(policy.articles) == 4


def test_corrected_policy() -> None:
    policy = policykit.load(POLICY)
    names = {c.name for c in policy.cookies}
    assert {"_ga", "_ga_*", "twk_uuid_*", "WHMCS*"} <= names
    assert not {"__tawkuuid", "tawkUUID"} & names  # deprecated by tawk.to in 2022
    # Every lifetime is stated, but where the vendor documents none and the policy says why.
    assert all(c.lifetime.stated for c in policy.cookies if c.name not in ("WHMCSLinkID", "twk_token_*"))
    for party in policy.parties:
        if party.role is not Role.FIRST_PARTY:
            assert party.transfer is not None and party.transfer.safeguard is Safeguard.EU_US_DPF
    assert [a.title for a in policy.articles][3] == "WHMCS / Commerce"


@pytest.mark.parametrize(
    ("number", "said"),
    [
        ("NaN", "NaN is not a number JSON has"),
        ("Infinity", "Infinity is not a number JSON has"),
        ("-Infinity", "-Infinity is not a number JSON has"),
        ("1e400", "the number 1e400 is too large to hold"),
        ("-2.5E+999", "the number -2.5E+999 is too large to hold"),
    ],
)
def test_json_numbers_json_does_not_have_are_invalid_at_their_position(tmp_path: Path, number: str, said: str) -> None:
    path = tmp_path / "policy.json"
    # The same words inside a string, and a long exact integer, come first: not them.
    path.write_text('{\n  "meta": {"title": "NaN 1e400", "n": ' + "9" * 400 + ', "x": ' + number + "}\n}\n")
    column = len('  "meta": {"title": "NaN 1e400", "n": ' + "9" * 400 + ', "x": ') + 1
    assert _load_error(path) == f"{path}:2:{column}: error PK002 invalid JSON: {said}"


def test_only_the_unknown_keys_shown_get_a_suggestion(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file of thousands of unknown keys: "did you mean" is computed for the 500 shown, and
    they are the first in the file (not in name order)."""
    load_module = sys.modules["policykit.load.structure"]  # the step that names unknown keys

    calls: list[str] = []
    suggest = load_module._suggest

    def counted(name: str, known: Collection[str]) -> str:
        calls.append(name)
        return str(suggest(name, known))

    monkeypatch.setattr(load_module, "_suggest", counted)
    text = "".join(f"k{index:05d}: 1\n" for index in reversed(range(20_000)))
    with pytest.raises(LoadError) as caught:
        policykit.loads(text, "many.yaml")
    findings = caught.value.findings
    assert len(findings) == load_module.MAX_FINDINGS + 1 and findings[-1].code == "PK009"
    assert findings[0].path == "k19999" and (findings[0].line, findings[0].column) == (1, 1)
    assert len(calls) <= load_module.MAX_FINDINGS


def test_an_empty_cookie_name_is_pk005_at_the_name() -> None:
    """An empty name would match no cookie and drop out of the exports' lists unnoticed."""
    text = POLICY.read_text(encoding="utf-8").replace("  - name: WHMCSLinkID", "  - name: ''\n    id: link", 1)
    with pytest.raises(LoadError) as caught:
        policykit.loads(text, "p.yaml")
    [finding] = caught.value.findings
    assert (finding.code, finding.path) == ("PK005", "cookies[link].name")
    assert "not empty" in finding.message


@pytest.mark.parametrize("json_file", [False, True])
def test_a_bad_role_is_one_finding_not_one_per_cookie_of_its_party(json_file: bool) -> None:
    """One mistake, one finding: the party still declares its id, so its cookies name it."""
    from ruamel.yaml import YAML

    text = POLICY.read_text(encoding="utf-8").replace("role: third-party", "role: controller", 1)
    if json_file:
        text = json.dumps(YAML(typ="safe", pure=True).load(text), default=str)
    with pytest.raises(LoadError) as caught:
        policykit.loads(text, "p.json" if json_file else "p.yaml", is_json=json_file)
    assert [(f.code, f.path.rsplit(".", 1)[-1]) for f in caught.value.findings] == [("PK005", "role")]
