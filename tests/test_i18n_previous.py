"""Clean catalogues: previous msgids as real `#|` lines, no garbled `# |` comments, and
source references that Poedit resolves from the catalogue's own folder."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from translate.storage import po as tt_po

from conftest import ROOT
from policykit.cli import main
from policykit.i18n import catalogs

LOCALES = ROOT / "locales"
SHIPPED = sorted([*LOCALES.glob("*/LC_MESSAGES/*.po"), LOCALES / "policy.pot",
                  *catalogs.PACKAGE_CATALOGS.glob("*/LC_MESSAGES/*.po")])  # fmt: skip
LIVECHAT = "Keeps the live chat in step when you open our website in several tabs."


@pytest.mark.parametrize("po", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_shipped_catalogue_has_a_garbled_previous_msgid(po: Path) -> None:
    text = po.read_text(encoding="utf-8")
    assert not re.search(r"^# \|", text, re.MULTILINE)
    store = _store(po)  # translate-toolkit: what Weblate and Pootle read
    for unit in store.units:
        notes = unit.getnotes("translator")
        assert not any(line.lstrip().startswith("|") for line in notes.splitlines()), (unit.getid(), notes)
    with po.open("rb") as handle:  # Babel itself, and policykit's reading of it
        raw = read_po(handle)
    assert not [m.user_comments for m in raw if any(c.startswith("| ") and "msgid" not in c for c in m.user_comments)]
    assert not [m for m in catalogs.read_catalog(po) if any(c.startswith("|") for c in m.user_comments)]


def _store(po: Path) -> tt_po.pofile:
    """The catalogue as translate-toolkit reads it."""
    store: tt_po.pofile = tt_po.pofile.parsefile(str(po))  # type: ignore[no-untyped-call]
    return store


def _fuzzy_with_previous(po: Path, *, fuzzy: bool) -> None:
    """Mark the live chat purpose as msgmerge would after its English changed: a real
    `#|` line (long enough to need several), with or without `#, fuzzy`."""
    text = po.read_text(encoding="utf-8")
    previous = "#| msgid \"\"\n#| \"Keeps the live chat in step when you open our old website in several tabs \"\n" \
               "#| \"and windows, one after another.\"\n"  # fmt: skip
    flag = "#, fuzzy\n" if fuzzy else ""
    entry = f'msgctxt "cookie.purpose"\nmsgid "{LIVECHAT}"\n'
    assert entry in text
    po.write_text(text.replace(entry, flag + previous + entry), encoding="utf-8")


@pytest.mark.parametrize("fuzzy", [True, False], ids=["fuzzy", "fuzzy-removed"])
def test_update_writes_previous_msgids_as_msgmerge_does(repo: Path, fuzzy: bool) -> None:
    po = catalogs.catalog_path(repo / "locales", "nl", "policy")
    _fuzzy_with_previous(po, fuzzy=fuzzy)
    for _ in range(2):  # and again: nothing degrades on a second merge
        assert main(["i18n", "update", "-q", str(repo / "data" / "policy.yaml")]) == 0
    text = po.read_text(encoding="utf-8")
    assert not re.search(r"^# \|", text, re.MULTILINE)
    unit = next(u for u in _store(po).units if u.source == LIVECHAT)
    if fuzzy:  # kept for the translator, as real previous-msgid lines
        assert '#| msgid ""\n#| "Keeps the live chat in step when you open our old website' in text
        assert unit.isfuzzy()
        assert unit.prev_source == (
            "Keeps the live chat in step when you open our old website in several tabs and windows, one after another."
        )
    else:  # a reviewed entry needs no hint: msgmerge drops it too
        assert not unit.prev_source and not unit.isfuzzy()
    if shutil.which("msgfmt"):
        done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def test_a_changed_string_gets_its_old_text_as_a_previous_msgid(repo: Path) -> None:
    policy = repo / "data" / "policy.yaml"
    longer = "Keeps the live chat in step when you open our website in several tabs, windows or devices at once."
    policy.write_text(policy.read_text(encoding="utf-8").replace(LIVECHAT, longer), encoding="utf-8")
    assert main(["i18n", "update", "-q", str(policy)]) == 0
    po = catalogs.catalog_path(repo / "locales", "de", "policy")
    unit = next(u for u in _store(po).units if u.source == longer)
    assert unit.isfuzzy() and unit.prev_source == LIVECHAT
    assert main(["i18n", "update", "-q", str(policy)]) == 0  # a second run keeps it, as a real `#|` line
    unit = next(u for u in _store(po).units if u.source == longer)
    assert unit.isfuzzy() and unit.prev_source == LIVECHAT
    assert not re.search(r"^# \|", po.read_text(encoding="utf-8"), re.MULTILINE)


def _basepath(po: Path) -> str:
    found = re.search(r'^"X-Poedit-Basepath: ([^"\\]*)\\n"$', po.read_text(encoding="utf-8"), re.MULTILINE)
    assert found is not None, f"{po}: no X-Poedit-Basepath header"
    return found.group(1)


@pytest.mark.parametrize("po", sorted([*LOCALES.glob("*/LC_MESSAGES/policy.po"), LOCALES / "policy.pot"]),
                         ids=lambda p: str(p.relative_to(ROOT)))  # fmt: skip
def test_source_references_open_from_the_catalogues_folder(po: Path) -> None:
    """As Poedit does: X-Poedit-Basepath from the .po's folder, then each `#:` path."""
    base = po.parent / _basepath(po)
    opened = 0
    for unit in _store(po).units:
        for location in unit.getlocations():
            name, _, line = location.rpartition(":")
            lines = (base / name).read_text(encoding="utf-8").splitlines()
            nearby = " ".join(lines[int(line) - 1 : int(line) + 2])
            first_word = unit.source.split()[0].strip("\"'")
            assert first_word in nearby, (location, unit.source)
            opened += 1
    assert opened > 20


def test_a_new_projects_template_resolves_its_references(tmp_path: Path) -> None:
    folder = tmp_path / "site-policy"
    assert main(["init", str(folder), "--name", "Example", "--website", "https://example.com",
                 "--controller", "Example B.V.", "--contact", "privacy@example.com"]) == 0  # fmt: skip
    pot = folder / "locales" / "policy.pot"
    units = [u for u in _store(pot).units if u.getlocations()]
    assert units and all((pot.parent / _basepath(pot) / u.getlocations()[0].rpartition(":")[0]).is_file()
                         for u in units)  # fmt: skip
    assert main(["i18n", "update", "-q", str(folder / "policy.yaml"), "--locale", "nl"]) == 0
    po = catalogs.catalog_path(folder / "locales", "nl", "policy")
    assert (po.parent / _basepath(po) / "policy.yaml").is_file()


def test_an_unclosed_string_is_refused_with_the_whole_line(tmp_path: Path) -> None:
    from policykit.errors import CatalogError

    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n\nmsgid "unterminated and long enough\nmsgstr "b"\n', encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        catalogs.read_catalog(po)  # Babel alone reads it as 'unterminated and long enoug'
    assert caught.value.line == 4 and caught.value.message.endswith("""'msgid "unterminated and long enough'""")
    po.write_text('msgid "x"\nmsgstr "' + "y" * 500 + "\n", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        catalogs.read_catalog(po)
    assert len(caught.value.message) < 300 and caught.value.message.endswith("(308 more characters)")
