"""`policykit diff --format docx --redline`: the new policy's DOCX with every change a
tracked change (`w:del` / `w:ins` with an author and a fixed date), tables row by row,
the change notice on top; read back by python-docx and converted by LibreOffice."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import attrs
import docx
import pytest
from docx.oxml.ns import qn
from test_render_docx import _soffice
from tools import pdftotext

import policykit
from conftest import POLICY, SEED
from policykit.cli import main
from policykit.diff import diff
from policykit.diff.redline_docx import AUTHOR, redline_docx

_ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"), None)


def _normal(text: str) -> str:
    return " ".join(text.translate(_ISOLATES).split())


def _paragraphs(content: bytes, drop: str | None = None) -> list[tuple[str, str]]:
    """(style, text) of every non-empty paragraph of the body, table cells included, in
    order: without the deleted runs (`drop="del"`: accept all), without the inserted ones
    (`drop="ins"`: reject all), or every run's text as written (`drop=None`, `w:t` only)."""
    body = docx.Document(io.BytesIO(content)).element.body
    out = []
    for paragraph in body.iter(qn("w:p")):
        parts = []
        for element in paragraph.iter(qn("w:t"), qn("w:delText")):
            inside = {ancestor.tag for ancestor in element.iterancestors()}
            if drop == "del" and (element.tag == qn("w:delText") or qn("w:del") in inside):
                continue
            if drop == "ins" and qn("w:ins") in inside:
                continue
            if drop is None and element.tag == qn("w:delText"):
                continue
            parts.append(element.text or "")
        text = _normal("".join(parts))
        properties = paragraph.find(qn("w:pPr"))
        style = properties.find(qn("w:pStyle")) if properties is not None else None
        if text:
            out.append((style.get(qn("w:val")) if style is not None else "", text))
    return out


def _body(content: bytes, drop: str) -> list[str]:
    """The redline's texts from its Title paragraph on: what follows the change notice."""
    paragraphs = _paragraphs(content, drop)
    start = [style for style, _ in paragraphs].index("Title")
    return [text for _, text in paragraphs[start:]]


@pytest.fixture(scope="module", params=["en", "ar"])
def redlined(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, bytes]:
    out = tmp_path_factory.mktemp("redline") / "r.docx"
    args = ["diff", str(SEED), str(POLICY), "--format", "docx", "--redline", "-o", str(out)]
    assert main([*args, "--locale", request.param] if request.param != "en" else args) == 0  # as diff exits
    return request.param, out.read_bytes()


def test_accept_all_is_the_new_docx_and_reject_all_the_old(redlined: tuple[str, bytes]) -> None:
    """From the redline's Title paragraph to its end (the change notice and the line about
    tracked changes come before it), every non-empty paragraph's text, table cells included,
    in order and with white space and Unicode isolates normalized: without the `w:del` runs
    it is the text of `policykit render --format docx` of data/policy.yaml, whole; without
    the `w:ins` runs, that of data/examples/seed-2021.yaml, whole."""
    locale, content = redlined
    new = policykit.render(policykit.load(POLICY), "docx", locale)
    old = policykit.render(policykit.load(SEED), "docx", locale)
    assert _body(content, "del") == [text for _, text in _paragraphs(new)]
    assert _body(content, "ins") == [text for _, text in _paragraphs(old)]
    assert _body(content, "del") != _body(content, "ins")


def test_changes_are_tracked_words_and_rows(redlined: tuple[str, bytes]) -> None:
    _, content = redlined
    word = docx.Document(io.BytesIO(content))
    body = word.element.body
    insertions, deletions = list(body.iter(qn("w:ins"))), list(body.iter(qn("w:del")))
    assert len(insertions) > 10 and len(deletions) > 10
    marks = insertions + deletions
    assert {m.get(qn("w:author")) for m in marks} == {AUTHOR}
    assert {m.get(qn("w:date")) for m in marks} == {"2026-10-01T08:00:00Z"}  # the new version's last modification
    ids = [m.get(qn("w:id")) for m in marks]
    assert len(set(ids)) == len(ids)
    # A deleted word is w:delText inside w:del, never w:t.
    for mark in deletions:
        assert mark.find(f".//{qn('w:t')}") is None
    # The 2021 policy listed WHMCS's cookies (a list, in its DOCX), the new one has a
    # table: the list items are deleted paragraphs (their marks too), the rows inserted rows.
    rows = _rows(word)
    assert rows["WHMCS*"].find(qn("w:trPr")).find(qn("w:ins")) is not None
    assert rows["TawkConnectionTime"].find(qn("w:trPr")).find(qn("w:ins")) is not None
    gone = [p for p in body.iter(qn("w:p")) if _normal(_all_text(p)).startswith("WHMCSInstanceID — ")]
    assert len(gone) == 1 and gone[0].find(f".//{qn('w:t')}") is None
    assert gone[0].find(qn("w:pPr")).find(qn("w:rPr")).find(qn("w:del")) is not None


def _all_text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t"), qn("w:delText")))


def _rows(word: Any) -> dict[str, Any]:
    """Every table row of the file by the text of its first cell (the cookie's name)."""
    return {
        _normal(_all_text(row.find(qn("w:tc")))): row for table in word.tables for row in table._tbl.findall(qn("w:tr"))
    }


def test_table_rows_are_compared_row_by_row() -> None:
    """Two versions that both have tables: a cookie taken out is a deleted row (every word
    of it deleted, `w:trPr/w:del`), one put in an inserted row, a changed purpose the words
    that changed in its cell."""
    new = policykit.load(POLICY)
    cookies = tuple(
        attrs.evolve(c, purpose=c.purpose.replace("to remember", "to keep")) if c.name == "WHMCSUser" else c
        for c in new.cookies
        if c.name != "twk_idm_key"
    )
    old = attrs.evolve(new, cookies=cookies)
    word = docx.Document(io.BytesIO(redline_docx(diff(old, new))))
    rows = _rows(word)
    assert rows["twk_idm_key"].find(qn("w:trPr")).find(qn("w:ins")) is not None
    assert rows["twk_idm_key"].find(f".//{qn('w:delText')}") is None
    user = rows["WHMCSUser"]
    assert user.find(qn("w:trPr")).find(qn("w:ins")) is None and user.find(qn("w:trPr")).find(qn("w:del")) is None
    assert [_normal(_all_text(d)) for d in user.iter(qn("w:del"))] == ["keep"]
    assert [_normal(_all_text(i)) for i in user.iter(qn("w:ins"))] == ["remember"]
    assert "ask us to keep" not in _normal(_all_text(rows["WHMCSAffiliateID"]))
    # The other way round: the row is deleted, each of its words in w:delText.
    rows = _rows(docx.Document(io.BytesIO(redline_docx(diff(new, old)))))
    assert rows["twk_idm_key"].find(qn("w:trPr")).find(qn("w:del")) is not None
    assert rows["twk_idm_key"].find(f".//{qn('w:t')}") is None


def test_the_notice_is_on_top_with_ratings_and_reasons(redlined: tuple[str, bytes]) -> None:
    locale, content = redlined
    paragraphs = _paragraphs(content)
    texts = [text for _, text in paragraphs]
    title = [style for style, _ in paragraphs].index("Title")
    notice = " ".join(texts[:title])
    if locale == "en":
        assert texts[0] == "Changes to our cookie policy"
        assert "Material changes" in notice and "Editorial changes" in notice
        assert "Why: a longer lifetime, or one that cannot be compared with the old." in notice
        assert "every change to the policy is a tracked change" in notice
    else:
        assert texts[0] == "تغييرات على سياسة ملفات تعريف الارتباط لدينا"
        assert not re.search(r"Material changes|Why:", notice)


def test_two_runs_give_the_same_bytes(redlined: tuple[str, bytes]) -> None:
    locale, content = redlined
    assert redline_docx(diff(policykit.load(SEED), policykit.load(POLICY)), locale) == content
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_arabic_is_right_to_left(redlined: tuple[str, bytes]) -> None:
    locale, content = redlined
    body = docx.Document(io.BytesIO(content)).element.body
    paragraphs = list(body.iter(qn("w:p")))
    bidi = [p for p in paragraphs if p.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None]
    tables = list(body.iter(qn("w:tbl")))
    runs = list(body.iter(qn("w:r")))
    rtl = [r for r in runs if r.find(qn("w:rPr")) is not None and r.find(qn("w:rPr")).find(qn("w:rtl")) is not None]
    if locale == "ar":
        assert len(bidi) == len(paragraphs) and len(rtl) == len(runs)
        assert all(t.find(qn("w:tblPr")).find(qn("w:bidiVisual")) is not None for t in tables)
        # Inserted and deleted runs are right to left too.
        assert any(r.getparent().tag == qn("w:del") for r in rtl) and any(r.getparent().tag == qn("w:ins") for r in rtl)
    else:
        assert bidi == [] and rtl == []


def _converted(content: bytes, target: str) -> bytes:
    """The redline converted by LibreOffice to `target` (pdf, odt), with a private profile."""
    with tempfile.TemporaryDirectory() as temp:
        source = Path(temp) / "redline.docx"
        source.write_bytes(content)
        subprocess.run(
            [
                _soffice(),
                f"-env:UserInstallation=file://{temp}/profile",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                temp,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        return (Path(temp) / f"redline.{target}").read_bytes()


def test_libreoffice_reads_the_tracked_changes() -> None:
    """LibreOffice reads every w:ins and w:del as a tracked change (its ODT has them as
    changed regions, by policykit, at the fixed date), and converts the redline to PDF
    showing them: its text holds the notice and words and rows of the new text only and
    of the old text only."""
    content = redline_docx(diff(policykit.load(SEED), policykit.load(POLICY)))
    body = docx.Document(io.BytesIO(content)).element.body
    with zipfile.ZipFile(io.BytesIO(_converted(content, "odt"))) as package:
        odt = package.read("content.xml").decode("utf-8")
    regions = re.findall(
        r"<text:changed-region [^>]*><text:(insertion|deletion)><office:change-info>"
        r"<dc:creator>([^<]*)</dc:creator><dc:date>([^<]*)</dc:date>",
        odt,
    )
    assert {(creator, date) for _, creator, date in regions} == {(AUTHOR, "2026-10-01T08:00:00")}
    kinds = [kind for kind, _, _ in regions]
    # Each w:del and w:ins is a region (a deleted or inserted row is one per cell).
    assert kinds.count("deletion") >= len(list(body.iter(qn("w:del")))) // 2 > 10
    assert kinds.count("insertion") >= len(list(body.iter(qn("w:ins")))) // 2 > 10
    flat = _normal(pdftotext(_converted(content, "pdf")))
    assert "Changes to our cookie policy" in flat
    # Only in the new version, only in the old, a row taken out, a row put in.
    for word in ("twk_token", "TawkConnectionTime", "privacy@example.com", "Flash", "computer's", "WHMCSInstanceID"):
        assert word in flat, word
    assert "A cookie is a simple small text file" in flat  # "simple" deleted, "text" inserted, both shown


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--format", "docx"], "add --redline"),
        (["--format", "md", "--redline"], "--redline writes HTML, PDF or DOCX"),
        (["--format", "docx", "--redline", "--locale", "xx-nowhere"], "xx-nowhere"),
    ],
)
def test_docx_is_a_redline_only(capsys: pytest.CaptureFixture[str], args: list[str], said: str, tmp_path: Path) -> None:
    out = tmp_path / "never-written.docx"
    assert main(["diff", str(SEED), str(POLICY), *args, "-o", str(out)]) == 2
    err = capsys.readouterr()[1]
    assert said in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_a_docx_does_not_go_to_a_terminal(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert main(["diff", str(SEED), str(POLICY), "--format", "docx", "--redline"]) == 2
    assert "give -o FILE" in capsys.readouterr()[1]
