"""PK330's language identifier, measured on the project's own translations.

Every translated string of the shipped catalogues (the policy's and the template
strings', in ar, de, fr and nl) is judged as PK330 judges a text of that language: none
may be reported as another language. The English source strings, judged as if they
stood in each locale's policy, are reported as English often enough to be worth the
rule (at least three in four; measured: 25 of 30 policy strings, 142 of 177 template
strings, for each locale).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import ROOT
from policykit.rules.language import _CANDIDATES, _CONFIDENCE, _WORD, identify

_MARKUP = re.compile(r"\{[^}]*\}|<[^>]*>")
CATALOGUES = sorted(
    [
        *(ROOT / "locales").glob("*/LC_MESSAGES/policy.po"),
        *(ROOT / "policykit/i18n/catalogs").glob("*/LC_MESSAGES/*.po"),
    ]
)


def _texts(path: Path) -> list[tuple[str, str]]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        found.append((" ".join(_MARKUP.sub(" ", source).split()), " ".join(_MARKUP.sub(" ", target).split())))
    return found


def _reported(text: str, language: str) -> str | None:
    if len(_WORD.findall(text)) < 2:
        return None
    found, probability = identify(text, tuple(dict.fromkeys((language, *_CANDIDATES))))
    return found if found != language and probability >= _CONFIDENCE else None


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: f"{p.parts[-3]}-{p.stem}")
def test_no_shipped_translation_is_reported_as_another_language(path: Path) -> None:
    language = path.parts[-3]
    wrong = [(target, _reported(target, language)) for _, target in _texts(path) if _reported(target, language)]
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: f"{p.parts[-3]}-{p.stem}")
def test_english_left_in_a_translated_policy_is_found(path: Path) -> None:
    language = path.parts[-3]
    sources = [source for source, _ in _texts(path) if len(_WORD.findall(source)) >= 2]
    caught = [source for source in sources if _reported(source, language) == "en"]
    assert sources and len(caught) * 4 >= len(sources) * 3, (len(caught), len(sources))


def test_the_answer_does_not_depend_on_the_languages_asked_before() -> None:
    identify("Remembers your choice of language", ("nl", "en"))  # narrows the model's languages
    assert identify("ملفات تعريف الارتباط الضرورية", ("ar", "en", "fr"))[0] == "ar"
