"""XLIFF for CAT tools: `i18n export --format xliff` and `i18n import`, through
translate-toolkit; a round trip of nl keeps every (msgctxt, msgid, msgstr, fuzzy)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lxml import etree  # type: ignore[import-untyped]
from translate.storage import xliff as tt_xliff

from policykit.cli import main
from policykit.i18n import catalogs
from policykit.i18n.xliff import entries

NS = "{urn:oasis:names:tc:xliff:document:1.1}"
FUZZY = "Keeps the live chat in step when you open our website in several tabs."


def _nl(repo: Path) -> Path:
    return catalogs.catalog_path(repo / "locales", "nl", "policy")


def test_an_xliff_round_trip_of_nl_loses_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    po = _nl(repo)
    catalog = catalogs.read_catalog(po)
    entry = catalog.get(FUZZY, context="cookie.purpose")
    assert entry is not None
    entry.flags.add("fuzzy")  # one entry to review, so that the state is carried too
    catalogs.write_catalog(po, catalog, basepath="../../..")
    before = set(entries(catalogs.read_catalog(po)))
    assert (
        main(["i18n", "export", "--format", "xliff", "--locale", "nl", "-q", str(repo / "data" / "policy.yaml")]) == 0
    )
    xlf = repo / "xliff" / "nl.xlf"
    root = etree.fromstring(xlf.read_bytes())
    named = [u for u in root.iter(f"{NS}trans-unit") if u.get("resname")]
    assert len(named) == len(before) and sum(u.get("resname") == "cookie.purpose" for u in named) > 5
    units = {u.get("resname"): u for u in named}
    fuzzy = next(u for u in root.iter(f"{NS}trans-unit") if u.findtext(f"{NS}source") == FUZZY)
    assert fuzzy.find(f"{NS}target").get("state") == "needs-review-translation" and fuzzy.get("approved") == "no"
    assert units["meta.title"].find(f"{NS}target").get("state") == "translated"
    assert "the document title" in units["meta.title"].findtext(f"{NS}note")  # the note for the translator
    store = tt_xliff.xlifffile.parsestring(xlf.read_bytes())  # type: ignore[no-untyped-call]
    assert store.gettargetlanguage() == "nl"
    # The agency's tool returns it; the catalogue had lost every translation meanwhile.
    blank = catalogs.read_catalog(po)
    for message in blank:
        if message.id:
            message.string = ""
            message.flags.discard("fuzzy")
    catalogs.write_catalog(po, blank, basepath="../../..")
    assert main(["i18n", "import", "-q", str(xlf), "--policy", str(repo / "data" / "policy.yaml")]) == 0
    after = set(entries(catalogs.read_catalog(po)))
    assert after == before
    assert '"X-Poedit-Basepath: ../../..\\n"' in po.read_text(encoding="utf-8")


def test_a_bad_xliff_writes_nothing(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.xlf"
    bad.write_text("<xliff><file", encoding="utf-8")
    before = _nl(repo).read_bytes()
    assert main(["i18n", "import", "-q", str(bad), "--policy", str(repo / "data" / "policy.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing written" in err and str(bad) in err
    assert _nl(repo).read_bytes() == before


def test_without_translate_toolkit_it_says_what_to_install(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "translate.convert.po2xliff", None)
    assert main(["i18n", "export", "-q", str(repo / "data" / "policy.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'policykit-cookies[cat]'" in err, err
    assert not (repo / "xliff").exists()
