"""`policykit diff --format html --redline`: the whole new text, word by word against the
old, deletions in <del> and insertions in <ins>, the change notice on top; valid HTML."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest
from tools import nu_html_check

from conftest import POLICY, SEED
from policykit.cli import main
from policykit.diff import diff
from policykit.diff.redline import redline, words
from policykit.load import load
from policykit.model import Paragraph, Policy


def _text(page: str, drop: str) -> list[str]:
    """The words of the redlined articles, without the <drop> elements and all tags."""
    body = page[page.index('<article class="policykit-redline">') : page.index("<footer>")]
    body = re.sub(rf"<{drop}>.*?</{drop}>", " ", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body).split()


def with_first_paragraph(policy: Policy, text: str) -> Policy:
    first = policy.articles[0]
    body = (Paragraph(text), *first.body[1:])
    return attrs.evolve(policy, articles=(attrs.evolve(first, body=body), *policy.articles[1:]))


def test_words() -> None:
    assert words("a small text file", "a tiny text file") == "a <del>small</del> <ins>tiny</ins> text file"
    assert words("a\n  small   file", "a small file") == "a small file"  # re-wrapped: no change
    assert words("<b>", "<i>") == "<del>&lt;b&gt;</del> <ins>&lt;i&gt;</ins>"


def test_a_rewrapped_paragraph_shows_no_change_and_a_changed_word_shows_both() -> None:
    policy = load(POLICY)
    first = policy.articles[0].body[0]
    assert isinstance(first, Paragraph)
    rewrapped = with_first_paragraph(policy, first.text.replace(" ", "\n    ", 5))
    page = redline(diff(policy, rewrapped))
    assert "<del>" not in page[: page.index("<footer>")] and "<ins>" not in page[: page.index("<footer>")]
    changed = with_first_paragraph(policy, first.text.replace("small text file", "tiny text file"))
    assert "a <del>small</del> <ins>tiny</ins> text file" in redline(diff(policy, changed))


def test_without_deletions_it_is_the_new_text_and_without_insertions_the_old() -> None:
    old, new = load(SEED), load(POLICY)
    page = redline(diff(old, new))
    assert _text(page, "del") == _text(redline(diff(new, new)), "del")
    assert _text(page, "ins") == _text(redline(diff(old, old)), "ins")
    # The notice first, each change with its rating and its reason.
    assert page.index("Material changes") < page.index('class="policykit-redline"')
    assert "Why: a longer lifetime, or one that cannot be compared with the old." in page
    # Tables row by row: WHMCSInstanceID's row struck, WHMCS*'s marked.
    assert '<tr class="policykit-removed"><td><del>WHMCSInstanceID</del></td>' in page
    assert '<tr class="policykit-added"><td><ins>WHMCS*</ins></td>' in page


@pytest.mark.parametrize("locale", [None, "nl", "ar"])
def test_the_redline_is_valid_html(tmp_path: Path, locale: str | None) -> None:
    page = tmp_path / "redline.html"
    args = ["diff", str(SEED), str(POLICY), "--format", "html", "--redline", "-o", str(page)]
    assert main([*args, "--locale", locale] if locale else args) == 0
    text = page.read_text(encoding="utf-8")
    assert text.count("<del>") > 10 and text.count("<ins>") > 10
    if locale == "nl":
        assert '<html lang="nl" dir="ltr">' in text and "Wezenlijke wijzigingen" in text and "Reden:" in text
    if locale == "ar":
        assert 'dir="rtl"' in text
    assert nu_html_check(page) == []


def test_the_redline_is_html_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(SEED), str(POLICY), "--format", "md", "--redline"]) == 2
    err = capsys.readouterr()[1]
    assert "--redline writes HTML" in err and len(err.strip().splitlines()) == 1


def test_escaped() -> None:
    policy = load(POLICY)
    evil = with_first_paragraph(policy, "Hello <script>alert(1)</script> world")
    page = redline(diff(policy, evil))
    assert "<script>" not in page
