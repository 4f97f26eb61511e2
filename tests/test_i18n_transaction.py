"""`i18n update` and `i18n compile` write every catalogue or none: checked first, then
replaced as one set that a killed run leaves all old or all new; and --compendium."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policykit.cli import main
from policykit.i18n import catalogs
from policykit.i18n.transaction import JOURNAL, recover

PURPOSE = "Keeps the live chat in step when you open our website in several tabs."


def _state(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _edit(repo: Path, title: str = "Cookie Statement") -> Path:
    """One changed English purpose and a new title: every catalogue of the set changes."""
    policy = repo / "data" / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    changed = text.replace(PURPOSE, "Keeps the live chat in step across the tabs of our website.")
    changed = changed.replace("title: Cookie Policy", f"title: {title}", 1)
    assert changed.count(title) == 1 and "across the tabs" in changed
    policy.write_text(changed, encoding="utf-8")
    return policy


def test_a_broken_catalogue_stops_the_update_before_anything_is_written(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = _edit(repo)
    de = catalogs.catalog_path(repo / "locales", "de", "policy")
    de.write_text(de.read_text(encoding="utf-8") + '\nmsgctxt "x"\nmsgid "an unterminated string\nmsgstr ""\n',
                  encoding="utf-8")  # fmt: skip
    before = _state(repo / "locales")
    assert main(["i18n", "update", "-q", str(policy)]) == 2
    err = capsys.readouterr().err
    assert "de/LC_MESSAGES/policy.po:" in err and "PK510" in err and "nothing written" in err, err
    assert _state(repo / "locales") == before  # not the .pot, not ar: nothing


def test_compile_writes_every_mo_or_none(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    locales = repo / "locales"
    assert main(["i18n", "compile", "-q", str(repo / "data" / "policy.yaml")]) == 0
    assert sorted(p.parent.parent.name for p in locales.glob("*/LC_MESSAGES/policy.mo")) == ["ar", "de", "fr", "nl"]
    before = _state(locales)
    nl = catalogs.catalog_path(locales, "nl", "policy")
    nl.write_text(nl.read_text(encoding="utf-8") + '\nmsgid "x"\nmsgstr "{y}"\n', encoding="utf-8")
    assert main(["i18n", "compile", "-q", str(repo / "data" / "policy.yaml")]) == 1
    assert "nothing compiled" in capsys.readouterr().err
    after = _state(locales)
    compiled = [name for name in before if name.endswith(".mo")]
    assert [after[name] for name in compiled] == [before[name] for name in compiled]


def test_recover_finishes_a_committed_set_and_drops_an_uncommitted_one(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.po").write_bytes(b"old x")
    (tmp_path / "a" / ".x.po.abcdefgh.new").write_bytes(b"new x")
    (tmp_path / "a" / ".y.po.ijklmnop.new").write_bytes(b"stray")
    # killed while the journal itself was written (CI hit it): not committed, so it goes
    (tmp_path / f".{JOURNAL}.bs3gel8b.tmp").write_text('{"files": [["a/.y.po.ijklmnop.new"', encoding="utf-8")
    (tmp_path / JOURNAL).write_text('{"files": [["a/.x.po.abcdefgh.new", "a/x.po"]]}', encoding="utf-8")
    recover(tmp_path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "x.po"]
    assert (tmp_path / "a" / "x.po").read_bytes() == b"new x"
    (tmp_path / JOURNAL).write_text('{"files": [["../../etc/passwd", "a/x.po"]]}', encoding="utf-8")
    recover(tmp_path)  # a journal naming anything outside the folder is not followed
    assert (tmp_path / "a" / "x.po").read_bytes() == b"new x" and not (tmp_path / JOURNAL).exists()


def test_an_update_killed_at_any_moment_leaves_all_old_or_all_new(repo: Path) -> None:
    locales = repo / "locales"
    pristine = repo.parent / "pristine-locales"
    shutil.copytree(locales, pristine)
    old = _state(locales)
    _edit(repo)
    command = [sys.executable, "-m", "policykit", "i18n", "update", "-q"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    started = time.perf_counter()
    subprocess.run(command, cwd=repo, check=True, capture_output=True, env=env)
    full = time.perf_counter() - started
    new = _state(locales)
    changed = {name for name in old if old[name] != new.get(name)}
    assert {"policy.pot", *(f"{loc}/LC_MESSAGES/policy.po" for loc in ("ar", "de", "fr", "nl"))} <= changed
    rng = random.Random(20261201)
    seen = {"old": 0, "new": 0}
    for _ in range(40):  # the issue: killed 40 times at random moments
        shutil.rmtree(locales)
        shutil.copytree(pristine, locales)
        process = subprocess.Popen(command, cwd=repo, start_new_session=True, stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0.5 * full, 1.1 * full))  # most of a run is start-up; aim at the writing
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        recover(locales)  # what every later command does first
        state = _state(locales)
        assert state in (old, new), sorted(set(state.items()) ^ set(old.items()))
        seen["old" if state == old else "new"] += 1
    assert seen["old"] and seen["new"], seen  # the kills landed on both sides of the commit


def test_a_compendium_fills_what_no_catalogue_has(repo: Path, tmp_path: Path) -> None:
    policy = repo / "data" / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    cookie = ("  - name: _new_one\n    party: google\n    category: analytics\n"
              "    purpose: Remembers the consent you gave.\n    lifetime: 1 day\n")  # fmt: skip
    policy.write_text(text.replace("  - name: _ga_*\n", cookie + "  - name: _ga_*\n"), encoding="utf-8")
    compendium = tmp_path / "other.po"
    compendium.write_text(
        'msgid ""\nmsgstr ""\n"Language: nl\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgctxt "cookie.purpose"\nmsgid "Remembers the consent you gave."\n'
        'msgstr "Onthoudt de toestemming die u gaf."\n',
        encoding="utf-8",
    )
    assert main(["i18n", "update", "-q", str(policy), "--compendium", str(compendium)]) == 0
    nl = catalogs.read_catalog(catalogs.catalog_path(repo / "locales", "nl", "policy"))
    entry = nl.get("Remembers the consent you gave.", context="cookie.purpose")
    assert entry is not None and entry.string == "Onthoudt de toestemming die u gaf." and not entry.fuzzy
    de = catalogs.read_catalog(catalogs.catalog_path(repo / "locales", "de", "policy"))
    other = de.get("Remembers the consent you gave.", context="cookie.purpose")
    assert other is not None and not other.string  # a Dutch compendium fills no German catalogue
    no_language = tmp_path / "bare.po"
    no_language.write_text('msgid "a"\nmsgstr "b"\n', encoding="utf-8")
    assert main(["i18n", "update", "-q", str(policy), "--compendium", str(no_language)]) == 2
