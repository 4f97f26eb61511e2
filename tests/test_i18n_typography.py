# ruff: noqa: RUF001, RUF003  (the typographic marks are what this file is about)
"""The package's template strings use each language's quotation marks and apostrophes,
read from PK303's own table (data/wording.yaml, `quotes`): no straight quotes, no
typewriter apostrophe, only the marks the language uses, each opened one closed."""

from __future__ import annotations

import re

import pytest

from policykit.facts import load_wording
from policykit.i18n import catalogs
from policykit.i18n.strings import TEMPLATE_STRINGS

SHIPPED = sorted(p.parent.parent.name for p in catalogs.PACKAGE_CATALOGS.glob("*/LC_MESSAGES/policykit.po"))
QUOTES = {'"', "'", "“", "”", "„", "‟", "«", "»", "‹", "›", "‚", "‘", "’", "「", "」"}
_APOSTROPHE = re.compile(r"(?<=\w)’(?=\w)")  # l’article, n’est: an apostrophe, not a closing mark


def _table() -> dict[str, list[str]]:
    """PK303's table, as the rule reads it (its language's pairs, English for one without)."""
    wording = load_wording()
    return {lang: wording("quotes", lang).pattern.split() for lang in wording.languages("quotes")}


def _strings(locale: str) -> dict[str, str]:
    if locale == "en":
        return dict(TEMPLATE_STRINGS)
    catalog = catalogs.read_catalog(catalogs.catalog_path(catalogs.PACKAGE_CATALOGS, locale, "policykit"))
    found = {}
    for message in catalog:
        if message.id:
            strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            found.update({f"{message.context}[{i}]": str(s) for i, s in enumerate(strings) if s})
    return found


def _problems(text: str, pairs: list[str]) -> list[str]:
    allowed = {mark for pair in pairs for mark in pair}
    plain = _APOSTROPHE.sub("", text)
    problems = [f"{mark!r} is not one of this language's marks" for mark in sorted(set(plain) & QUOTES - allowed)]
    # As PK303 counts them: Dutch „…” and “…” share their closing mark.
    openers = {pair[0] for pair in pairs if len(pair) == 2}
    closers = {pair[1] for pair in pairs if len(pair) == 2} - openers
    openers -= closers
    opened, closed = sum(plain.count(m) for m in openers), sum(plain.count(m) for m in closers)
    if opened != closed:
        problems.append(f"{opened} opening but {closed} closing marks")
    return problems


@pytest.mark.parametrize("locale", SHIPPED)  # the English source strings are the msgids: changed apart
def test_template_strings_use_the_languages_own_marks(locale: str) -> None:
    table = _table()
    assert locale in table, f"data/wording.yaml has no quotes for {locale}: PK303 would read it as English"
    bad = {key: problems for key, text in _strings(locale).items() if (problems := _problems(text, table[locale]))}
    assert not bad, bad


def test_the_check_fails_on_what_it_is_for() -> None:
    table = _table()
    assert _problems("jusqu'à", table["fr"]) and _problems('het "artikel"', table["nl"])
    assert _problems("Der Text „{article}” wurde", table["de"])  # a Dutch closing mark in German
    assert _problems("het „artikel", table["nl"]) and not _problems("de knop “Intrekken”", table["nl"])
    assert not _problems("Le texte de l’article «\u00a0{article}\u00a0»", table["fr"])
    assert "es" in table and not _problems("el artículo «{article}»", table["es"])
