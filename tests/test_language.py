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

    def counted(compressed: bytes) -> bytes:
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


# Texts in many languages and scripts, and the edges of the classifier: no feature at all,
# all capitals (py3langid lowers them), a lone letter, text that is not NFC.
_EDGES = [
    *("", " ", "x", "COOKIES AND SIMILAR TECHNOLOGIES"),
    *("Cafe\u0301 cre\u0300me", "12345 67890", "\U0001f36a \u2014"),
]


def test_policykit_reads_py3langids_model_and_answers_as_py3langid_does() -> None:
    """The model shipped in policykit is py3langid 0.4.0's, and policykit's classifier,
    which needs no NumPy, gives py3langid's answers: the same language for every text of
    the shipped catalogues and the edges above, among every choice of languages PK330
    makes, and the same probability to 1e-4 (float32 sums in NumPy, float64 here)."""
    import hashlib

    py3langid = pytest.importorskip("py3langid.langid")  # the test extra installs it

    from policykit.rules import langid, language

    shipped = language._MODEL_FILE.read_bytes()
    digest = hashlib.sha256(shipped).hexdigest()
    assert digest in (language._MODEL_FILE.parent / "SOURCE.md").read_text(encoding="utf-8")
    if py3langid.MODEL_FILE == "data/model.npz.xz":  # py3langid 0.4's layout: the same file
        assert (Path(py3langid.__file__).parent / py3langid.MODEL_FILE).read_bytes() == shipped
    ours = language._identifier()
    theirs = py3langid.LanguageIdentifier.from_model_file(py3langid.MODEL_FILE, norm_probs=True)
    assert ours.classes == tuple(theirs.nb_classes) and len(ours.classes) > 100
    texts = [*_EDGES, *(text for path in CATALOGUES for pair in _texts(path) for text in pair)]
    assert len(texts) > 1000
    for languages in (None, ["en", "nl", "de", "fr"], ["ar", "en", "nl", "de", "fr"], ["sr", "en"], ["en"]):
        theirs.set_languages(languages)
        for text in texts:
            expected, probability = theirs.classify(text)
            found = langid.classify(ours, text, languages)
            assert found[0] == expected and found[1] == pytest.approx(probability, abs=1e-4), (text, languages)


def test_a_damaged_model_is_said_not_guessed_around(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing or damaged model file is an installation to repair: PK330 says so and
    which file, rather than judging no text (a check that would pass for want of a model)."""
    from policykit.rules import langid, language

    with pytest.raises(ValueError, match="not a zip archive"):
        langid.read_model(language._raw_model()[:10_000] + bytes(100))
    for content in (None, b"not lzma"):
        target = tmp_path / "model.npz.xz"
        if content is not None:
            target.write_bytes(content)
        monkeypatch.setattr(language, "_MODEL_FILE", target)
        _forget_model(language)
        try:
            with pytest.raises(language.ModelMissing, match=r"model\.npz\.xz: .*reinstall policykit"):
                identify("Deze cookie onthoudt uw keuze", ("nl", "en"))
        finally:
            monkeypatch.undo()
            _forget_model(language)
    assert identify("Deze cookie onthoudt uw keuze voor cookies", ("nl", "en"))[0] == "nl"


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
