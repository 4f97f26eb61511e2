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
from types import ModuleType

import pytest
from babel.messages.pofile import read_po

import policykit
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
    """check() starts decompressing the model in a background thread (prefetch); the rule,
    asking for it meanwhile, waits for that read instead of starting a second one."""
    import threading

    from policykit.rules import language

    reads: list[str] = []
    real = language._decompress

    def counted(compressed: bytes) -> bytes | None:
        reads.append(threading.current_thread().name)
        return real(compressed)

    monkeypatch.setattr(language, "_decompress", counted)
    _forget_model(language)
    try:
        language.prefetch()
        language.prefetch()
        first = language._identifier()
        assert language._identifier() is first
        assert reads == ["policykit-language-model"]  # one read, in the background thread
        assert identify("Deze cookie onthoudt uw keuze voor de taal van de website.", ("nl", "en"))[0] == "nl"
    finally:
        _forget_model(language)


def _forget_model(language: ModuleType) -> None:
    for cached in (language._read_model, language._model_languages, identify):
        cached.cache_clear()
    for kept in (language._pending, language._decompressed, language._prefetched):
        kept.clear()
    language._languages_set[0] = language._UNSET


def test_the_model_read_in_memory_is_py3langids_own() -> None:
    """The model decompressed in one step and used where it lies is the model py3langid
    reads: the same languages, the same arrays, the same answers to the same texts."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from policykit.rules import language

    ours = language._identifier()
    theirs = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    assert isinstance(ours.tk_nextmove, memoryview)  # read in memory, not by py3langid's reader
    assert ours.nb_classes == theirs.nb_classes and len(ours.nb_classes) > 100
    assert (ours.nb_ptc == theirs.nb_ptc).all() and (ours.nb_pc == theirs.nb_pc).all()
    assert list(ours.tk_nextmove) == list(theirs.tk_nextmove) and list(ours.tk_row) == list(theirs.tk_row)
    assert ours.tk_output == theirs.tk_output
    texts = [target for path in CATALOGUES[:4] for _, target in _texts(path)][:200]
    for languages in (None, ["en", "nl", "de", "fr"], ["ar", "en"]):
        with language._identifier_lock:
            ours.set_languages(languages)
            theirs.set_languages(languages)
            assert [ours.classify(text) for text in texts] == [theirs.classify(text) for text in texts]
        _forget_model(language)
        ours = language._identifier()


def test_a_policy_with_nothing_to_judge_does_not_read_the_model() -> None:
    """PK330 reads the model only for a text of two words or more once names are out."""
    from policykit.rules import language
    from policykit.rules.base import Context

    terse = (
        "meta: {title: Cookies, language: en, last_modified: 2025-01-01T09:00:00+01:00,"
        " controller: {organisation: Site, contact: privacy@example.com}}\n"
        "parties: [{id: site, name: Site, role: first-party, country: NL, domains: [example.com]}]\n"
        "cookies: [{name: sid, party: site, category: strictly-necessary, purpose: Sessions, lifetime: session}]\n"
        "articles: [{title: Cookies, body: [{cookies: {}}]}]\n"
    )
    policy = policykit.loads(terse)
    _forget_model(language)
    try:
        assert not language.needs_model(Context(policy))
        assert policykit.check(policy, select=["PK330"]) == []
        assert not language._decompressed and not language._prefetched
        assert not language._read_model.cache_info().currsize
        wordy = policykit.loads(terse.replace("purpose: Sessions", "purpose: Keeps your session"))
        assert language.needs_model(Context(wordy))
        # A name taken out of a word can leave two: the rule's own cleaning decides.
        joined = policykit.loads(terse.replace("purpose: Sessions", "purpose: Keepssidsession"))
        assert language.needs_model(Context(joined))
    finally:
        _forget_model(language)
