"""`policykit i18n stats --format html`: per locale, each string a reader would see in
English (missing, untranslated, fuzzy) with its English text and placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest
from tools import nu_html_check

from policykit.cli import main
from policykit.i18n import catalogs

PURPOSE = "Keeps the live chat in step when you open our website in several tabs."


def test_the_status_page_lists_what_is_left_with_the_english(
    repo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    policy = repo / "data" / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace(PURPOSE, "Keeps the chat in step across tabs."),
                      encoding="utf-8")  # fmt: skip
    assert main(["i18n", "update", "-q", str(policy)]) == 0
    po = catalogs.catalog_path(repo / "locales", "de", "policy")
    catalog = catalogs.read_catalog(po)
    entry = catalog.get("Cookie Policy", context="meta.title")
    assert entry is not None
    entry.string = ""  # and one hostile translation, which the page must show as text
    fuzzy = catalog.get("Keeps the chat in step across tabs.", context="cookie.purpose")
    assert fuzzy is not None and fuzzy.fuzzy
    fuzzy.string = "<script>alert(1)</script>"
    catalogs.write_catalog(po, catalog)
    capsys.readouterr()
    assert main(["i18n", "stats", "--format", "html", "-q", str(policy)]) == 0
    page = capsys.readouterr().out
    assert "German (<code>de</code>)" in page and "1 untranslated" in page and "1 fuzzy" in page
    assert '<p lang="en">Keeps the chat in step across tabs.</p>' in page
    assert f'Was: <span lang="en">{PURPOSE}</span>' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert '<p lang="en">Cookie Policy</p>' in page
    assert (
        "Dutch (<code>nl</code>)" in page and page.count("<tr class=") == 5
    )  # de: 2, and the fuzzy purpose in ar, fr, nl
    file = tmp_path / "status.html"
    file.write_text(page, encoding="utf-8")
    assert not [m for m in nu_html_check(file) if m.get("type") == "error"]


def test_placeholders_are_listed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    po = catalogs.catalog_path(repo / "locales", "nl", "policy")
    catalog = catalogs.read_catalog(po)
    entry = next(m for m in catalog if m.id and "{controller}" in str(m.id))
    entry.string = ""
    catalogs.write_catalog(po, catalog)
    capsys.readouterr()
    assert main(["i18n", "stats", "--format", "html", "-q", str(repo / "data" / "policy.yaml")]) == 0
    page = capsys.readouterr().out
    assert "<code>{controller}</code>, <code>{contact}</code>" in page
