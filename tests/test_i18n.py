"""Translations: extraction, merging, the translator checks, exact localized values, and
five locales that real gettext accepts."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from tools import pdftotext, require

import policykit
from conftest import POLICY, ROOT, SEED
from policykit.cli import main
from policykit.document import Translator, localize
from policykit.i18n import catalogs
from policykit.i18n.checks import check_catalog, check_file, check_translation
from policykit.i18n.messages import policy_messages
from policykit.i18n.strings import TEMPLATE_STRINGS
from policykit.i18n.translator import CatalogTranslator
from policykit.i18n.values import format_duration
from policykit.load import load_with_source
from policykit.model import Duration, Unit

LOCALES = ROOT / "locales"
SHIPPED = ["ar", "de", "fr", "nl"]
ALL_PO = sorted([*LOCALES.glob("*/LC_MESSAGES/*.po"), *catalogs.PACKAGE_CATALOGS.glob("*/LC_MESSAGES/*.po")])


def test_every_locale_has_both_catalogues() -> None:
    assert catalogs.locales_in(LOCALES, catalogs.POLICY_DOMAIN) == SHIPPED
    assert catalogs.locales_in(catalogs.PACKAGE_CATALOGS, catalogs.UI_DOMAIN) == SHIPPED


@pytest.mark.parametrize("po", ALL_PO, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_gnu_msgfmt_accepts_the_catalogue(po: Path, tmp_path: Path) -> None:
    require(shutil.which("msgfmt") is not None, "msgfmt (GNU gettext)")
    done = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(po)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_stats_show_every_shipped_locale_complete(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["i18n", "stats", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert sorted(report) == SHIPPED
    for locale in SHIPPED:
        assert (report[locale]["fuzzy"], report[locale]["untranslated"]) == (0, 0), locale
        assert report[locale]["translated"] == len(policy_messages(policykit.load(POLICY))) + len(TEMPLATE_STRINGS)


def test_translator_checks_pass_strictly(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["i18n", "check", "--strict"]) == 0, capsys.readouterr().out


# --- extraction -----------------------------------------------------------------------


def test_pot_files_are_in_step_with_their_sources(tmp_path: Path) -> None:
    policy, source = load_with_source(POLICY)
    expected = catalogs.policy_template(policy, source, "data/policy.yaml")
    shipped = catalogs.read_catalog(LOCALES / "policy.pot")
    assert [(m.context, m.id, m.locations) for m in shipped] == [(m.context, m.id, m.locations) for m in expected], (
        "run: policykit i18n extract && policykit i18n update"
    )
    ui = catalogs.read_catalog(catalogs.PACKAGE_CATALOGS / "policykit.pot")
    assert [(m.context, m.id) for m in ui if m.id] == list(TEMPLATE_STRINGS.items()), "run: policykit i18n extract --ui"


def test_extract_command_writes_contexts_and_references(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["i18n", "extract", str(SEED), "--locales", str(tmp_path)]) == 0
    text = (tmp_path / "policy.pot").read_text(encoding="utf-8")
    assert 'msgctxt "article-3.section.paragraph"' in text and 'msgctxt "cookie.purpose"' in text
    assert ".body." not in text  # no context is a position
    assert "#: " in text and "seed-2021.yaml:" in text
    first = text
    assert main(["i18n", "extract", str(SEED), "--locales", str(tmp_path)]) == 0
    assert (tmp_path / "policy.pot").read_text(encoding="utf-8") == first  # reproducible


def test_localize_asks_for_exactly_the_extracted_contexts() -> None:
    class Recording(Translator):
        def __init__(self) -> None:
            self.asked: set[str] = set()

        def policy_text(self, context: str, text: str) -> str:
            self.asked.add(context)
            return text

    for path in (POLICY, SEED):
        policy = policykit.load(path)
        recording = Recording()
        localize(policy, translator=recording)
        extracted = {m.context for m in policy_messages(policy)}
        assert recording.asked <= extracted  # nothing shown that a translator cannot translate
        if path == POLICY:
            assert recording.asked == extracted  # every cookie is in a table


def test_pybabel_extract_with_the_policykit_extractor(tmp_path: Path) -> None:
    pybabel = shutil.which("pybabel", path=str(Path(sys.executable).parent)) or shutil.which("pybabel")
    assert pybabel is not None
    (tmp_path / "babel.cfg").write_text("[policykit: **.yaml]\n", encoding="utf-8")
    done = subprocess.run(
        [pybabel, "extract", "-F", str(tmp_path / "babel.cfg"), "-o", str(tmp_path / "out.pot"), "data/examples"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pot = catalogs.read_catalog(tmp_path / "out.pot")
    by_context = {m.context: m for m in pot if m.id}
    first = pot.get(next(str(m.id) for m in pot if m.id and str(m.id).startswith("We use cookies on this website.")),
                    context="article-1.paragraph")  # fmt: skip
    assert first is not None
    assert first.locations[0][0].endswith("seed-2021.yaml") and first.locations[0][1] > 90
    assert "article-3.section.paragraph" in by_context and "cookie.purpose" in by_context


# --- update -----------------------------------------------------------------------------


def test_update_keeps_work_and_marks_changed_strings_fuzzy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales)
    text = POLICY.read_text(encoding="utf-8")
    changed = text.replace("Keeps the live chat in step when you open our website in several tabs.",
                           "Keeps the live chat in step when you open our site in several tabs.")  # fmt: skip
    changed = changed.replace("  - name: _ga_*\n", "  - name: _gid_gone\n    party: google\n    category: analytics\n"
                              "    purpose: A brand new cookie.\n    lifetime: 1 day\n  - name: _ga_*\n")  # fmt: skip
    policy = tmp_path / "policy.yaml"
    policy.write_text(changed, encoding="utf-8")
    assert main(["i18n", "update", str(policy), "--locales", str(locales)]) == 0  # re-reads the policy itself
    nl = catalogs.read_catalog(catalogs.catalog_path(locales, "nl", "policy"))
    changed_entry = nl.get("Keeps the live chat in step when you open our site in several tabs.",
                           context="cookie.purpose")  # fmt: skip
    assert changed_entry is not None and changed_entry.fuzzy
    assert (
        changed_entry.string == "Houdt de livechat gelijk wanneer u onze website in meerdere tabbladen opent."
    )  # not lost
    po_text = catalogs.catalog_path(locales, "nl", "policy").read_text(encoding="utf-8")
    old_source = "Keeps the live chat in step when you open our website in several tabs."
    assert f'#| msgid "{old_source}"' in po_text  # what changed, for the translator
    new_entry = nl.get("A brand new cookie.", context="cookie.purpose")
    assert new_entry is not None and not new_entry.string
    counts = catalogs.stats(nl, catalogs.policy_strings(policykit.load(policy)))
    assert (counts.fuzzy, counts.untranslated) == (1, 1)
    capsys.readouterr()
    assert main(["i18n", "check", str(policy), "--locales", str(locales), "--strict"]) == 1
    out = capsys.readouterr().out
    assert "PK505" in out and "PK506" in out and "nl/LC_MESSAGES/policy.po:" in out


def test_merge_keeps_removed_strings_as_obsolete() -> None:
    template = Catalog(locale=None)
    template.add("Kept", context="a")
    existing = Catalog(locale="nl")
    existing.add("Kept", "Bewaard", context="a")
    existing.add("Removed", "Verwijderd", context="b")
    merged = catalogs.merge(template, existing, "nl")
    assert merged.get("Kept", context="a").string == "Bewaard"  # type: ignore[union-attr]
    assert [m.string for m in merged.obsolete.values()] == ["Verwijderd"]


# --- translator checks: one failing and one passing case each ------------------------------


@pytest.mark.parametrize(
    ("code", "source", "bad", "good"),
    [
        ("PK501", "Lasts {days}.", "Dauert.", "Dauert {days}."),
        ("PK502", "Lasts {days}.", "Dauert {days.__class__}.", "Dauert {days}."),
        ("PK502", "Lasts {days}.", "Dauert {days[0]} {days:>10}.", "Dauert {days}."),
        ("PK503", "See <a href=\"https://a.example/\">this</a>.", "Siehe <a href=\"https://evil.example/\">dies</a>.",
         "Siehe <a href=\"https://a.example/\">dies</a>."),
        ("PK503", "An <em>important</em> word.", "Ein <em>wichtiges Wort.", "Ein <em>wichtiges</em> Wort."),
        ("PK504", "Plain.", "Schlicht.<script>alert(1)</script>", "Schlicht."),
    ],
)  # fmt: skip
def test_translation_check(code: str, source: str, bad: str, good: str) -> None:
    assert code in {c for c, _ in check_translation(source, bad)}
    assert check_translation(source, good) == []


def _catalog(locale: str, plural_forms: str | None = None) -> Catalog:
    catalog = Catalog(locale=locale)
    if plural_forms is not None:
        catalog.mime_headers = [("Plural-Forms", plural_forms)]
    return catalog


def test_header_checks(tmp_path: Path) -> None:
    file = tmp_path / "x.po"
    babel_arabic = _catalog("ar")  # Babel 2.18's own Plural-Forms for Arabic (babel issue 816)
    assert "PK509" in {f.code for f in check_catalog(babel_arabic, file, "ar")}
    ours = _catalog("ar", catalogs.PLURAL_FORMS["ar"])
    assert check_catalog(ours, file, "ar") == []
    assert "PK508" in {f.code for f in check_catalog(_catalog("de", catalogs.PLURAL_FORMS["de"]), file, "nl")}
    assert check_catalog(_catalog("nl", catalogs.PLURAL_FORMS["nl"]), file, "nl") == []


def test_plural_and_state_checks(tmp_path: Path) -> None:
    file = tmp_path / "x.po"
    catalog = _catalog("nl", catalogs.PLURAL_FORMS["nl"])
    catalog.add(("{n} cookie", "{n} cookies"), ("{n} cookie", ""), context="empty-plural")
    catalog.add(("{n} day", "{n} days"), ("{n} dag", "{n} dagen"), context="fine-plural")
    catalog.add("Fuzzy", "Vaag", context="fuzzy", flags=["fuzzy"])
    catalog.add("Missing", "", context="missing")
    found = {(f.code, f.path, f.severity.value) for f in check_catalog(catalog, file, "nl")}
    assert found == {
        ("PK507", "empty-plural", "error"),
        ("PK505", "fuzzy", "warning"),
        ("PK506", "missing", "warning"),
    }
    strict = check_catalog(catalog, file, "nl", strict=True)
    # One severity per code everywhere (the rule's); --strict refuses warnings instead.
    assert {(f.code, f.severity.value) for f in strict} == {(code, severity) for code, _, severity in found}
    from policykit.i18n.checks import TRANSLATION_CHECKS, failing

    assert all(f.severity is next(r.severity for r in TRANSLATION_CHECKS if r.code == f.code) for f in strict)
    gaps = [f for f in strict if f.code != "PK507"]
    assert failing(gaps, strict=True) and not failing(gaps, strict=False)


def test_unreadable_catalogue(tmp_path: Path) -> None:
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "a"\nmsgstr "b"\nnot gettext\n', encoding="utf-8")
    (finding,) = check_file(broken, "nl")
    assert finding.code == "PK510" and finding.file == str(broken)


# --- a hostile translation ------------------------------------------------------------------


@pytest.fixture
def hostile_locales(tmp_path: Path) -> Path:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales)
    po = catalogs.catalog_path(locales, "nl", "policy")
    catalog = catalogs.read_catalog(po)
    entry = catalog.get("Keeps the live chat in step when you open our website in several tabs.",
                        context="cookie.purpose")  # fmt: skip
    assert entry is not None
    entry.string = str(entry.string) + "<script>alert(1)</script>{x.__class__}"
    catalogs.write_catalog(po, catalog)
    return locales


def test_check_refuses_the_hostile_translation(hostile_locales: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["i18n", "check", "--locales", str(hostile_locales)]) == 1
    out = capsys.readouterr().out
    po = catalogs.catalog_path(hostile_locales, "nl", "policy")
    assert f"{po}:" in out and "PK502" in out and "PK504" in out
    assert "cookie.purpose" in out


def test_render_never_lets_it_through(
    hostile_locales: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "nl.html"
    code = main(["render", str(POLICY), "--locale", "nl", "--locales", str(hostile_locales), "-o", str(out_file)])
    assert code == 0
    err = capsys.readouterr().err
    assert "PK502" in err and "the source text is shown instead" in err
    page = out_file.read_text(encoding="utf-8")
    assert "<script" not in page and "__class__" not in page and "alert(1)" not in page
    assert "Keeps the live chat in step when you open our website in several tabs." in page  # the source, safely
    assert "Houdt de livechat" not in page
    # A release build refuses instead.
    strict_file = tmp_path / "strict.html"
    code = main(["render", str(POLICY), "--locale", "nl", "--locales", str(hostile_locales), "--strict",
                 "-o", str(strict_file)])  # fmt: skip
    assert code == 1 and not strict_file.exists()


def test_missing_translation_shows_the_source_with_a_warning(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales)
    po = catalogs.catalog_path(locales, "de", "policy")
    catalog = catalogs.read_catalog(po)
    entry = catalog.get("Session cookies", context="article-3.section.caption")
    assert entry is not None
    entry.string = ""
    catalogs.write_catalog(po, catalog)
    translator = CatalogTranslator("de", locales)
    markdown = policykit.render(policykit.load(POLICY), "md", "de", translator=translator)
    assert "**Session cookies**" in markdown and "Sitzungscookies" in markdown  # caption untranslated, rest German
    (finding,) = translator.findings
    assert (finding.code, finding.severity.value, finding.path) == ("PK506", "warning", "article-3.section.caption")
    strict = CatalogTranslator("de", locales, strict=True)
    policykit.render(policykit.load(POLICY), "md", "de", translator=strict)
    assert strict.findings[0].severity.value == "warning"  # one severity per code; strict callers refuse it


# --- localized values and right-to-left ---------------------------------------------------------


@pytest.mark.parametrize(("locale", "expected"), [("nl", "90 dagen"), ("de", "90 Tage"), ("fr", "90 jours")])
def test_markdown_shows_exact_durations(locale: str, expected: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "policykit", "render", str(POLICY), "--format", "md", "--locale", locale, "-q"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert expected in done.stdout
    assert not re.search(r"(?<!\d)3 " + {"nl": "maanden", "de": "Monate", "fr": "mois"}[locale], done.stdout)
    assert done.stderr == ""  # every string translated


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(1, "يوم"), (2, "يومان"), (3, "3 أيام"), (10, "10 أيام"), (11, "11 يومًا"), (90, "90 يومًا"), (100, "100 يوم")],
)
def test_arabic_takes_the_right_plural_form(amount: int, expected: str) -> None:
    assert format_duration(Duration(amount, Unit.DAY), "ar") == expected


def test_arabic_html_is_right_to_left() -> None:
    page = policykit.render(policykit.load(POLICY), "html", "ar", translator=CatalogTranslator("ar", LOCALES))
    assert page.startswith('<!DOCTYPE html>\n<html lang="ar" dir="rtl">')
    assert "سياسة ملفات تعريف الارتباط" in page


@pytest.mark.pdf
def test_arabic_pdf_has_every_glyph() -> None:
    translator = CatalogTranslator("ar", LOCALES)
    pdf = policykit.render(policykit.load(POLICY), "pdf", "ar", translator=translator)  # MissingGlyphError otherwise
    assert translator.findings == []
    assert "90" in pdftotext(pdf)


def test_compile_writes_mo_files_gettext_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import gettext

    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales)
    assert main(["i18n", "compile", "--locales", str(locales), "--strict"]) == 0
    with (locales / "de" / "LC_MESSAGES" / "policy.mo").open("rb") as handle:
        german = gettext.GNUTranslations(handle)
    assert german.pgettext("article-3.section.caption", "Session cookies") == "Sitzungscookies"
    assert german.pgettext("no-such-context", "Session cookies") == "Session cookies"


def test_compile_refuses_broken_or_incomplete_catalogues(
    hostile_locales: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["i18n", "compile", "--locales", str(hostile_locales)]) == 1
    assert "nothing compiled" in capsys.readouterr().err
    assert not list(hostile_locales.glob("*/LC_MESSAGES/*.mo"))


def test_commands_without_catalogues_say_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["i18n", "check", "--locales", str(tmp_path)]) == 2
    assert "no catalogue of the policy" in capsys.readouterr().err
    assert main(["i18n", "compile", "--locales", str(tmp_path)]) == 2
    assert "no catalogue of the policy" in capsys.readouterr().err
    assert main(["render", str(POLICY), "--locale", "es", "--locales", str(tmp_path), "-q"]) == 2
    err = capsys.readouterr().err
    assert "no catalogue of the policy for locale 'es'" in err and str(tmp_path / "es") in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (PermissionError(13, "Permission denied"), "Permission denied"),  # EACCES (root writes anywhere)
        (OSError(30, "Read-only file system"), "Read-only file system"),  # EROFS
        (OSError(28, "No space left on device"), "No space left on device"),  # ENOSPC, no file named
    ],
)
@pytest.mark.parametrize("command", [["i18n", "update"], ["i18n", "extract"], ["i18n", "compile"]])
def test_a_locales_folder_that_cannot_be_written_is_unusable_output_not_a_bug(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    error: OSError, said: str, command: list[str],
) -> None:  # fmt: skip
    from policykit.i18n import transaction

    def refuse(*args: object, **kwargs: object) -> object:
        raise error

    monkeypatch.setattr(transaction, "tempfile", type("Refusing", (), {"mkstemp": staticmethod(refuse)}))
    monkeypatch.chdir(repo)
    before = {p: p.read_bytes() for p in (repo / "locales").rglob("*") if p.is_file()}
    code = main([*command, "-q"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"{repo / 'locales'}: cannot write: {said}" in err
    assert "standard output" not in err and "internal error" not in err
    assert {p: p.read_bytes() for p in (repo / "locales").rglob("*") if p.is_file()} == before


def test_one_refused_tag_is_one_finding() -> None:
    """`<script>x</script>` is one mistake: one PK504, not one for each of its two tags."""
    assert check_translation("Plain.", "Schlicht.<script>alert(1)</script>") == [
        ("PK504", "tag <script> is not allowed (only em, strong, a)")
    ]
    assert [code for code, _ in check_translation("a", "<b>x</b> <B>y</B> <i>z</i>")] == ["PK504", "PK504"]
