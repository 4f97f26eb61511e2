"""Hostile input: patterns that stay linear and still find what they found, inline text
validated where it is loaded, catalogue headers, locale folders and output encodings
that give one clear line, user templates in a sandbox.

In: small crafted inputs and hypothesis strings. Out: assertions on results only; the
time each pattern takes on 1 MB is measured by bench/bench_regex.py, not here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from policykit.i18n.checks import check_translation
from policykit.inline import parse_inline
from policykit.syntax import is_web_url

# The patterns as they were before they were made linear: the rewritten ones must
# accept exactly the same strings.
_OLD_WEB_URL = re.compile(r"https?://[^\s/?#<>\"]+\.[^\s/?#<>\"]+(?:[/?#][^\s<>\"]*)?\Z")
_OLD_BAD_PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*[.\[\]:!][^{}]*)\}(?!\})")
_OLD_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

_URLISH = st.text(alphabet='htps:/.a#?<> "b', max_size=24).map(lambda tail: "http://" + tail) | st.text(max_size=24)


@given(_URLISH)
def test_the_linear_url_test_accepts_what_the_old_pattern_did(text: str) -> None:
    assert is_web_url(text) == (_OLD_WEB_URL.match(text) is not None)


@given(st.text(alphabet="{}.a:![] ", max_size=30))
def test_bad_placeholders_are_the_ones_the_old_pattern_found(text: str) -> None:
    expected = [f"placeholder {m.group(0)} is not a bare name" for m in _OLD_BAD_PLACEHOLDER.finditer(text)]
    found = [message for code, message in check_translation("x", text) if code == "PK502"]
    assert found == expected


@given(st.text(alphabet="a.@+-_ é", max_size=30))
@example("_@_._.@_._")  # found by CI: two addresses by the old pattern, one run of address characters
def test_the_email_pattern_finds_what_the_old_one_did(text: str) -> None:
    """The same addresses, except where the old pattern began one inside the run of
    address characters the previous one ended in (`_@_._.@_._` is one run: the old
    pattern read two addresses in it, `_@_._` and `.@_._`); an address begins only where
    no address character precedes it, which is what makes the pattern linear."""
    from policykit.rules import prose

    ours = [(m.start(), m.group(0)) for m in prose._EMAIL.finditer(text)]
    old = [(m.start(), m.group(0)) for m in _OLD_EMAIL.finditer(text)]
    run_on = [m for m in old if m[0] and re.match(r"[\w.+-]", text[m[0] - 1])]
    assert ours == [m for m in old if m not in run_on]
    assert all(any(start < m[0] for start, _ in ours) for m in run_on)  # each inside a run found before


def test_two_addresses_side_by_side_are_both_found() -> None:
    from policykit.rules import prose

    text = "Write to privacy@example.com or dpo@example.org, (legal@example.net)."
    assert [m.group(0) for m in prose._EMAIL.finditer(text)] == [
        "privacy@example.com",
        "dpo@example.org",
        "legal@example.net",
    ]


def test_a_bracketed_blank_is_found_innermost() -> None:
    from policykit.rules import prose

    found = [m.group(0) for m in prose._BRACKETED.finditer("[[Company name] and [example.com/x] [42]")]
    assert found == ["[Company name]", "[example.com/x]", "[42]"]
    assert [m.group(0) for m in prose._MARKERS.finditer("<<<name>> and <<a>b>>")] == ["<<name>>"]


def test_text_between_markup_is_kept_whole() -> None:
    from policykit.inline import Emphasis, Text

    assert parse_inline("a < b <emx <e> <<") == (Text("a < b <emx <e> <<"),)
    assert parse_inline("<<em>x</em>}}<") == (Text("<"), Emphasis((Text("x"),)), Text("}<"))


# --- inline text validated where it is loaded ------------------------------------------

_POLICY = """\
meta:
  title: TITLE
  language: en
  last_modified: 2025-01-01T09:00:00+01:00
categories:
  - id: own
    title: CATEGORY
    consent_required: true
parties:
  - id: site
    name: Example B.V.
    role: first-party
cookies:
  - name: session_id
    party: site
    category: own
    purpose: Keeps you logged in.
    lifetime: session
articles:
  - title: ARTICLE
    body:
      - cookies: {caption: CAPTION}
    sections:
      - title: SECTION
        body: [Text.]
"""


def _load_problems(**fields: str) -> list[str]:
    import json

    import policykit

    text = _POLICY
    for name in ("TITLE", "CATEGORY", "ARTICLE", "CAPTION", "SECTION"):
        text = text.replace(name, json.dumps(fields.get(name.lower(), "Plain")))
    try:
        policykit.loads(text, "p.yaml")
    except policykit.LoadError as error:
        return [finding.to_text() for finding in error.findings]
    return []


def test_plain_titles_and_captions_load() -> None:
    assert _load_problems(title="Cookie {{Policy}} & <b>", caption="a < b") == []


def test_a_bad_title_or_caption_is_pk008_at_its_position() -> None:
    assert _load_problems(title="Cookie {Policy") == [
        "p.yaml:2:18: error PK008 meta.title: a '{' opens a placeholder that is never closed; "
        "write '{{' for a brace (at character 8)"
    ]
    assert _load_problems(caption="{") == [
        "p.yaml:22:29: error PK008 articles[0].body[0].cookies.caption: a '{' opens a placeholder that is "
        "never closed; write '{{' for a brace (at character 1)"
    ]
    link = _load_problems(article='Read <a href="https://x.example">this</a>')
    assert link == [
        "p.yaml:20:18: error PK008 articles[0].title: <a> cannot be used here: a title or caption is plain "
        "text, shown as written"
    ]
    assert [p.split(" ", 3)[2] for p in _load_problems(section="x }", category="{name}")] == ["PK008", "PK008"]


# --- catalogues, locale folders and output encodings: one line, never a traceback ---------


def _project(folder: Path) -> Path:
    """A copy of the bundled policy with one catalogue folder, `nl`."""
    import shutil

    from conftest import POLICY, ROOT

    shutil.copy(POLICY, folder / "policy.yaml")
    (folder / "policykit.toml").write_text('policy = "policy.yaml"\nlocales = "locales"\n', encoding="utf-8")
    target = folder / "locales" / "nl" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(ROOT / "locales" / "nl" / "LC_MESSAGES" / "policy.po", target / "policy.po")
    return folder


_HEADER = 'msgid ""\nmsgstr ""\n"Language: nl\\n"\n"Content-Type: text/plain; charset=CHARSET\\n"\n'


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (_HEADER.replace("CHARSET", "no-such-codec"), "the header's charset is not known"),
        (
            _HEADER.replace("CHARSET", "UTF-8") + '"PO-Revision-Date: 2025-01-01 10:00+0000\\n"\n" (folded)\\n"\n',
            "POT-Creation-Date or PO-Revision-Date is not a date",
        ),
    ],
    ids=["unknown charset", "folded revision date"],
)
def test_a_bad_catalogue_header_is_one_catalog_error(tmp_path: Path, header: str, expected: str) -> None:
    from policykit.errors import CatalogError
    from policykit.i18n.catalogs import read_catalog

    path = tmp_path / "policy.po"
    path.write_text(header + '\nmsgid "a"\nmsgstr "b"\n', encoding="utf-8")
    with pytest.raises(CatalogError, match=expected):
        read_catalog(path, "nl")


@pytest.mark.parametrize(
    "command", [["i18n", "stats"], ["i18n", "check"], ["i18n", "update"], ["i18n", "compile"], ["build"]]
)
def test_a_locale_folder_with_no_locale_name_is_unusable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    from policykit.cli import main

    project = _project(tmp_path)
    (project / "locales" / "nl").rename(project / "locales" / "nl_XX")
    monkeypatch.chdir(project)
    assert main([*command, "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nl_XX: the folder's name 'nl_XX' is not a locale CLDR knows" in err[0]
    assert err[0].count(str(project / "locales")) == 1  # the folder is named once


def test_locales_in_accepts_catalogue_folder_names(tmp_path: Path) -> None:
    from policykit.i18n.catalogs import locales_in

    project = _project(tmp_path)
    (project / "locales" / "nl").rename(project / "locales" / "pt_BR")
    assert locales_in(project / "locales", "policy") == ["pt_BR"]


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_render_to_a_stdout_that_cannot_encode_writes_utf8(encoding: str) -> None:
    import os
    import subprocess
    import sys

    from conftest import POLICY

    environment = {**os.environ, "PYTHONIOENCODING": encoding, "LANG": "C", "LC_ALL": "C"}
    command = [sys.executable, "-m", "policykit", "render", str(POLICY), "--format", "md", "--locale", "ar"]
    done = subprocess.run(command, capture_output=True, env=environment, check=False)
    assert done.returncode == 0, done.stderr
    expected = subprocess.run(command, capture_output=True, check=True).stdout
    assert done.stdout == expected and len(done.stdout) > len(done.stdout.decode("utf-8"))


# --- user templates run sandboxed -------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ doc.__class__.__init__.__globals__ }}",
    ],
)
@pytest.mark.parametrize("output_format", ["html", pytest.param("pdf", marks=pytest.mark.pdf)])
def test_a_user_template_cannot_reach_python(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], template: str, output_format: str
) -> None:
    from conftest import POLICY
    from policykit.cli import main

    (tmp_path / "page.html.j2").write_text(template, encoding="utf-8")
    output = tmp_path / f"out.{output_format}"
    command = ["render", str(POLICY), "--format", output_format, "--templates", str(tmp_path), "-o", str(output)]
    assert main(command) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "template error" in err[0] and "unsafe" in err[0]
    assert not output.exists()


def test_a_user_template_still_renders_the_document(tmp_path: Path) -> None:
    import policykit
    from conftest import POLICY
    from policykit.document import localize
    from policykit.render.html import render_html

    (tmp_path / "page.html.j2").write_text("<h1>{{ doc.title }}</h1>{% include 'fragment.html.j2' %}", encoding="utf-8")
    document = localize(policykit.load(POLICY), "en")
    html = render_html(document, templates=tmp_path)
    assert html.startswith(f"<h1>{document.title}</h1>") and "<table" in html


# --- names that hide characters or imitate each other ------------------------------------


def test_names_that_look_alike_share_a_skeleton() -> None:
    from policykit.rules.names import hidden_characters, scripts, skeleton

    assert skeleton("Google") == skeleton("G\u043e\u043egle") != skeleton("Goggle")
    assert skeleton("_ga") == skeleton("_ga\u200b") == skeleton("_g\u0430")
    assert skeleton("paypal") == skeleton("paypa1") == skeleton("paypaI")
    assert hidden_characters("_ga\u200b\u202e\u200d") == [
        "the invisible ZERO WIDTH SPACE (U+200B)",
        "the bidi control RIGHT-TO-LEFT OVERRIDE (U+202E)",
        "the invisible ZERO WIDTH JOINER (U+200D)",
    ]
    assert hidden_characters("Caf\u00e9 B.V.\u00a0(NL)") == []
    assert scripts("G\u043e\u043egle_1") == {"LATIN", "CYRILLIC"} and scripts("_ga_X1") == {"LATIN"}
