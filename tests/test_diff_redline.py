"""`policykit diff --format html --redline`: the whole new text, word by word against the
old, deletions in <del> and insertions in <ins>, the change notice on top; valid HTML.
`--format pdf --redline`: the same page typeset as the policy's own PDF (tagged, the
changes struck and underlined and said to a screen reader, the same bytes each time)."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import attrs
import pytest
from pypdf import PdfReader
from test_render_pdf import assert_tagged, catalog
from tools import nu_html_check, pdftotext

from conftest import POLICY, SEED
from policykit.cli import main
from policykit.diff import diff
from policykit.diff.redline import redline, redline_pdf, words
from policykit.load import load
from policykit.model import Paragraph, Policy

pytestmark = pytest.mark.pdf  # the pdf extra: left out without it (conftest.py)


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


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--format", "md", "--redline"], "--redline writes HTML"),
        (["--format", "pdf"], "add --redline"),
        (["--format", "pdf", "--redline", "--locale", "xx-nowhere"], "xx-nowhere"),
    ],
)
def test_a_redline_is_html_or_pdf(capsys: pytest.CaptureFixture[str], args: list[str], said: str) -> None:
    assert main(["diff", str(SEED), str(POLICY), *args, "-o", "/nonexistent/never-written.pdf"]) == 2
    err = capsys.readouterr()[1]
    assert said in err and len(err.strip().splitlines()) == 1


def test_a_pdf_does_not_go_to_a_terminal(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert main(["diff", str(SEED), str(POLICY), "--format", "pdf", "--redline"]) == 2
    assert "give -o FILE" in capsys.readouterr()[1]


@pytest.fixture(scope="module", params=["en", "ar"])
def redline_pdf_file(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, bytes]:
    out = tmp_path_factory.mktemp("redline") / "redline.pdf"
    args = ["diff", str(SEED), str(POLICY), "--format", "pdf", "--redline", "-o", str(out)]
    assert main([*args, "--locale", request.param] if request.param != "en" else args) == 0
    return request.param, out.read_bytes()


def _raw_text(pdf: bytes) -> str:
    """The PDF's text in the order it is drawn (which is the order of its tags)."""
    done = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


def test_the_pdf_redline_has_the_notice_then_both_texts(redline_pdf_file: tuple[str, bytes]) -> None:
    locale, pdf = redline_pdf_file
    text = pdftotext(pdf)
    # Words of the old text only, of the new text only, and of a row taken out and one put in.
    for word in ("Flash", "computer's", "WHMCSInstanceID", "twk_token", "TawkConnectionTime", "privacy@example.com"):
        assert word in text, word
    if locale == "en":
        notice, legend, policy = (
            text.index(words) for words in ("Changes to our cookie policy", "Struck-through text", "Article 1.")
        )
        assert notice < legend < policy
        assert "Why: a longer lifetime, or one that cannot be compared with the old." in " ".join(text.split())
        # A screen reader hears where each change starts and ends: the words are drawn (at
        # no width and no colour) around the change, in the order of the text.
        raw = _raw_text(pdf)
        assert "[deletion start]WHMCSInstanceID[deletion end]" in raw
        assert re.search(r"\[insertion start\]twk_token_\*\[insertion end\]", raw)
        assert (
            "A cookie is a [deletion start]simple[deletion end] small [insertion start]text[insertion end] file" in raw
        )
    else:
        assert "تغييرات على سياسة ملفات تعريف الارتباط لدينا" in text[:400]
        # The markers in Arabic (pdftotext puts a right-to-left line's words in another order).
        raw = _raw_text(pdf).translate(dict.fromkeys(range(0x202A, 0x202F), None))
        assert "]الحذف [بداية" in raw and "]الحذف [نهاية" in raw


def test_the_pdf_redline_is_tagged_in_its_language_and_reproducible(redline_pdf_file: tuple[str, bytes]) -> None:
    locale, pdf = redline_pdf_file
    assert_tagged(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert str(catalog(reader)["/Lang"]) == locale
    xmp = catalog(reader)["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part[^0-9]*1", xmp)
    assert reader.metadata is not None and reader.metadata.author == "Example Hosting B.V."
    assert redline_pdf(diff(load(SEED), load(POLICY)), None if locale == "en" else locale) == pdf


def test_escaped() -> None:
    policy = load(POLICY)
    evil = with_first_paragraph(policy, "Hello <script>alert(1)</script> world")
    page = redline(diff(policy, evil))
    assert "<script>" not in page
