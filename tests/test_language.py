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


def test_the_model_is_read_once_whichever_thread_asks_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """check() starts reading the model in a background thread (prefetch); the rule, asking
    for it meanwhile, waits for that read instead of starting a second one."""
    import threading

    from py3langid.langid import LanguageIdentifier

    from policykit.rules import language

    reads: list[str] = []
    real = LanguageIdentifier.from_model_file.__func__

    def counted(cls: type[LanguageIdentifier], /, *args: object, **kwargs: object) -> LanguageIdentifier:
        reads.append(threading.current_thread().name)
        identifier: LanguageIdentifier = real(cls, *args, **kwargs)
        return identifier

    monkeypatch.setattr(LanguageIdentifier, "from_model_file", classmethod(counted))
    language._read_model.cache_clear()
    language._model_languages.cache_clear()
    try:
        language.prefetch()
        language.prefetch()
        first = language._identifier()
        assert language._identifier() is first
        assert reads == ["policykit-language-model"]  # one read, in the background thread
        assert identify("Deze cookie onthoudt uw keuze voor de taal van de website.", ("nl", "en"))[0] == "nl"
    finally:
        language._read_model.cache_clear()
        language._model_languages.cache_clear()
        identify.cache_clear()
