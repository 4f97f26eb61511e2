"""A stale translation in `policykit build`: the last approved one stays published with a
notice in its language (--stale keep), or the source text fills the gaps (--stale
source), or it is left out (--stale skip); --strict writes nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tools import nu_html_check

from policykit.build import MANIFEST, PAGES
from policykit.build.stale import add_notice, strip_notice
from policykit.cli import main

SENTENCE = "Keeps the live chat in step when you open our website in several tabs."
NOTICE = {
    "nl": "Deze vertaling is van versie 2026.1",
    "de": "Diese Übersetzung gibt die Fassung 2026.1",
}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def _change_one_sentence(repo: Path) -> None:
    policy = repo / "data" / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    assert SENTENCE in text
    policy.write_text(text.replace(SENTENCE, "Keeps the live chat in step across the tabs of our website."), "utf-8")


def _manifest(site: Path) -> dict[str, dict[str, str]]:
    outputs: dict[str, dict[str, str]] = json.loads((site / MANIFEST).read_text(encoding="utf-8"))["outputs"]
    return outputs


@pytest.fixture
def stale(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """nl and de built complete once, then one English sentence changed."""
    monkeypatch.chdir(repo)
    code, err = _run(capsys, "build", "-q", "--locale", "nl", "--locale", "de", "--jobs", "1")
    assert code == 0, err
    _change_one_sentence(repo)
    return repo / "site"


@pytest.mark.pdf
def test_the_last_approved_translation_stays_with_a_notice(stale: Path, capsys: pytest.CaptureFixture[str]) -> None:
    documents = [file for file, fmt in PAGES if fmt not in ("html", "md")]  # the PDF, and any other such format
    before = {(loc, file): (stale / loc / file).read_bytes() for loc in ("nl", "de") for file in documents}
    old_pages = {loc: (stale / loc / "index.html").read_text(encoding="utf-8") for loc in ("nl", "de")}
    code, err = _run(capsys, "build", "-q", "--locale", "nl", "--locale", "de", "--jobs", "1")
    assert code == 1
    lines = [line for line in err.splitlines() if not line.startswith(("policykit:", "12 ", "13 "))]
    stale_lines = [line for line in lines if re.match(r"(nl|de): ", line)]
    assert len(stale_lines) == 2, err
    for line in stale_lines:
        assert "1 untranslated; published the last approved translation (version 2026.1 (" in line, line
        assert "nl/index.html" in line or "de/index.html" in line
    assert "PK506" not in err  # counted in the line; listed with -v
    assert sorted(p.name for p in stale.iterdir() if p.is_dir()) == ["de", "en", "nl"]
    assert "across the tabs of our website" in (stale / "en" / "index.html").read_text(encoding="utf-8")
    manifest = _manifest(stale)
    for locale, words in NOTICE.items():
        page = (stale / locale / "index.html").read_text(encoding="utf-8")
        assert page.count("<!-- policykit:stale -->") == 1 and words in page
        assert 'href="../en/index.html"' in page
        assert strip_notice(page.encode()).decode() == old_pages[locale]  # the approved text, byte for byte
        markdown = (stale / locale / "policy.md").read_text(encoding="utf-8")
        assert markdown.startswith("<!-- policykit:stale -->\n> " + words) and "(<../en/policy.md>)" in markdown
        for file in documents:  # carried as they were: they state their own version
            assert (stale / locale / file).read_bytes() == before[(locale, file)]
        assert manifest[f"{locale}/index.html"]["stale"] == "kept"
    index = (stale / "index.html").read_text(encoding="utf-8")
    assert 'hreflang="nl"' in index and 'hreflang="de"' in index  # still listed as published
    assert 'hreflang="nl" href="../nl/index.html"' in (stale / "en" / "index.html").read_text(encoding="utf-8")
    assert not [m for m in nu_html_check(stale / "nl" / "index.html") if m.get("type") == "error"]
    # Built again while still stale: the same notice, once, and no byte written.
    kept = {p: p.read_bytes() for p in stale.rglob("*") if p.is_file()}
    code, err = _run(capsys, "build", "-q", "--locale", "nl", "--locale", "de", "--jobs", "1")
    assert code == 1 and "0 written" in err, err
    assert {p: p.read_bytes() for p in stale.rglob("*") if p.is_file()} == kept


def test_verbose_lists_the_strings(stale: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(capsys, "build", "-q", "-v", "--locale", "nl", "--jobs", "1")
    assert code == 1 and err.count("PK506") == 1 and "warning PK506" in err, err
    # What was published, not what the translator would have shown: the old page stays.
    assert "the last approved translation of this locale is published instead" in err
    assert "the source text is shown" not in err


def test_source_mode_fills_the_gaps_and_says_so(stale: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(capsys, "build", "-q", "--stale", "source", "--locale", "nl", "--locale", "de", "--jobs", "1")
    assert code == 1
    assert "nl: 1 untranslated; published with the en text where it is not translated, with a notice" in err, err
    page = (stale / "nl" / "index.html").read_text(encoding="utf-8")
    assert "across the tabs of our website" in page  # the new English sentence, in the Dutch page
    assert "Delen van versie 2026.1" in page and "Engels" in page
    assert _manifest(stale)["nl/index.html"].get("stale") is None


def test_skip_mode_and_strict(stale: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, err = _run(capsys, "build", "-q", "--strict", "--locale", "nl", "--jobs", "1")
    assert code == 1 and "nothing written" in err
    assert "across the tabs" not in (stale / "en" / "index.html").read_text(encoding="utf-8")
    code, err = _run(capsys, "build", "-q", "--stale", "skip", "--locale", "nl", "--locale", "de", "--jobs", "1")
    assert code == 1 and "nl: 1 untranslated; not published" in err, err
    assert not (stale / "nl").exists() and not (stale / "de").exists()


def test_a_notice_is_escaped_and_right_to_left_where_the_language_is() -> None:
    page = b"<!DOCTYPE html>\n<html>\n<body>\n<main>\n<p>x</p>\n</main>\n</body>\n</html>\n"
    out = add_notice(page, "html", "<script>a</script>", "link", "../en/index.html", "ar", True).decode()
    assert "&lt;script&gt;" in out and 'dir="rtl"' in out and "<script>" not in out
    again = add_notice(out.encode(), "html", "second", "link", "../en/index.html", "ar", True).decode()
    assert again.count("<!-- policykit:stale -->") == 1 and "second" in again and "script" not in again
    markdown = add_notice(b"# T\n", "md", "*a* [b](c) <x>", "l", "../en/policy.md", "nl", False).decode()
    assert "\\*a\\*" in markdown and "\\[b\\]" in markdown
