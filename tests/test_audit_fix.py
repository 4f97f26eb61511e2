"""`policykit audit --fix FILE`: the declarations a policy lacks, as catalogue
references or commented stubs, in a file of their own (never the policy)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import FIXTURES
from policykit.cli import main

POLICY = FIXTURES / "audit" / "local-policy.yaml"


def _har(tmp_path: Path, *cookies: str, url: str = "http://127.0.0.1/") -> Path:
    entry = {
        "startedDateTime": "2026-11-26T10:00:00.000Z",
        "request": {"method": "GET", "url": url, "headers": [], "cookies": []},
        "response": {"status": 200, "headers": [{"name": "Set-Cookie", "value": c} for c in cookies], "cookies": []},
    }
    path = tmp_path / "visit.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}), encoding="utf-8")
    return path


def test_fix_writes_references_and_stubs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    har = _har(
        tmp_path,
        "_gid=GA1.1; Max-Age=86400",
        "_ga_ABC123=GS1; Max-Age=34560000",
        "_ga_DEF456=GS1; Max-Age=34560000",
        "unknown_thing=1; Max-Age=2592000",
        'evil\n- name: injected #"=1',
    )
    fix = tmp_path / "missing.yaml"
    before = POLICY.read_bytes()
    code = main(["audit", str(POLICY), "--har", str(har), "--fix", str(fix), "-q"])
    capsys.readouterr()
    assert code == 1 and POLICY.read_bytes() == before
    text = fix.read_text(encoding="utf-8")
    document = YAML(typ="safe").load(text)
    # What the catalogue knows is a reference (one for both _ga_ ids: the entry's pattern).
    assert document["cookies"] == [{"catalogue": "_gid"}, {"catalogue": "_ga_*"}]
    assert 'declare the party "google" under parties' in text
    # What it does not know is a commented stub, with what was seen.
    assert '# - name: "unknown_thing"' in text and "#   lifetime: 30 days" in text
    assert '#   party: "site"' in text and "#   category: TODO" in text
    # A hostile name stays inside its comment line: every line is a comment or a list item.
    for line in text.splitlines():
        assert line.startswith(("#", "  #", "  - catalogue:", "cookies:")), line


def test_fix_never_writes_the_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_bytes(POLICY.read_bytes())
    link = tmp_path / "link.yaml"
    link.symlink_to(policy)
    har = _har(tmp_path, "unknown_thing=1")
    for target in (policy, link):
        code = main(["audit", str(policy), "--har", str(har), "--fix", str(target), "-q"])
        _, err = capsys.readouterr()
        assert code == 2 and "the policy itself" in err
        assert policy.read_bytes() == POLICY.read_bytes()


def test_fix_with_nothing_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    har = _har(tmp_path, "prefs=dark; Max-Age=2592000")
    fix = tmp_path / "missing.yaml"
    assert main(["audit", str(POLICY), "--har", str(har), "--fix", str(fix), "-q"]) == 0
    capsys.readouterr()
    assert YAML(typ="safe").load(fix.read_text(encoding="utf-8")) == {"cookies": []}
    assert "Nothing is missing" in fix.read_text(encoding="utf-8")
