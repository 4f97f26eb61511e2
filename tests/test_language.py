"""PK330's language identifier, measured on the project's own translations.

Every translated string of the shipped catalogues (the policy's and the template
strings', in ar, de, fr and nl) is judged as PK330 judges a text of that language: none
may be reported as another language. The English source strings, judged as if they
stood in each locale's policy, are reported as English often enough to be worth the
rule (at least three in four; measured: 25 of 30 policy strings, 142 of 177 template
strings, for each locale).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

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
    """Rules judging texts in several threads read the model's file once, and the parts
    they decompress on the way (the DFA's blocks, the columns) give every thread the
    answers one thread gets."""
    from concurrent.futures import ThreadPoolExecutor

    from policykit.rules import langid, language

    texts = [text for path in CATALOGUES[:4] for pair in _texts(path) for text in pair][:400]
    _forget_model(language)
    alone = [identify(text, ("nl", "en", "de", "fr")) for text in texts]
    reads: list[int] = []
    real = langid.read_model

    def counted(data: bytes) -> langid.Model:
        reads.append(len(data))
        return real(data)

    monkeypatch.setattr(langid, "read_model", counted)
    _forget_model(language)
    try:
        with ThreadPoolExecutor(4) as pool:
            together = list(pool.map(lambda text: identify(text, ("nl", "en", "de", "fr")), texts))
        assert together == alone
        assert len(reads) == 1
        assert language._identifier() is language._identifier()
    finally:
        _forget_model(language)


def _forget_model(language: ModuleType) -> None:
    for cached in (language._read_model, language._model_languages, identify):
        cached.cache_clear()


# Texts in many languages and scripts, and the edges of the classifier: no feature at all,
# all capitals (py3langid lowers them), a lone letter, text that is not NFC.
_EDGES = [
    *("", " ", "x", "COOKIES AND SIMILAR TECHNOLOGIES"),
    *("Cafe\u0301 cre\u0300me", "12345 67890", "\U0001f36a \u2014"),
]


def test_policykit_reads_py3langids_model_and_answers_as_py3langid_does() -> None:
    """The model shipped in policykit is py3langid 0.4.0's, repacked (langid_pack), and
    policykit's classifier, which needs no NumPy, gives py3langid's answers: the same
    language for every text of the shipped catalogues and the edges above, among every
    choice of languages PK330 makes, and the same probability to 1e-4 (float32 sums in
    NumPy, float64 here)."""
    import hashlib

    py3langid = pytest.importorskip("py3langid.langid")  # the test extra installs it

    from policykit.rules import langid, language

    source = (language._MODEL_FILE.parent / "SOURCE.md").read_text(encoding="utf-8")
    shipped = language._MODEL_FILE.read_bytes()
    assert hashlib.sha256(shipped).hexdigest() in source
    ours = language._identifier()
    if py3langid.MODEL_FILE == "data/model.npz.xz":  # py3langid 0.4's layout: the file it was made of
        original = (Path(py3langid.__file__).parent / py3langid.MODEL_FILE).read_bytes()
        assert hashlib.sha256(original).hexdigest() in source
        assert f'"source_sha256":"{hashlib.sha256(original).hexdigest()}"'.encode() in shipped[:100_000]
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


def test_the_repacked_model_holds_py3langids_arrays_exactly() -> None:
    """Every part of the shipped file, decompressed, is py3langid's array bit for bit:
    the priors, each state's row and feature, every move of the DFA, every column of the
    features' log-probabilities; and packing py3langid's file again gives those parts."""
    numpy = pytest.importorskip("numpy")
    py3langid = pytest.importorskip("py3langid.langid")
    if py3langid.MODEL_FILE != "data/model.npz.xz":
        pytest.skip("not py3langid 0.4's model file")
    import io
    import lzma

    from policykit.rules import langid, langid_pack, language

    original = (Path(py3langid.__file__).parent / py3langid.MODEL_FILE).read_bytes()
    arrays = numpy.load(io.BytesIO(lzma.decompress(original)))
    for model in (language._identifier(), langid.read_model(langid_pack.pack(original))):
        assert model.prior == tuple(float(value) for value in arrays["pc"])
        assert list(model.rowof) == arrays["nextmove_row"].tolist()
        assert list(model.emits) == arrays["out_feat"].tolist()
        nextmove = arrays["nextmove"].reshape(-1, 256)
        assert len(model.rows) >= len(nextmove) > 30_000
        for index in range(len(nextmove)):
            assert list(model.row(index)) == nextmove[index].tolist()
        ptc = arrays["ptc"]
        assert model.features == ptc.shape[0]
        for column in range(len(model.classes)):
            assert model.column(column) == tuple(ptc[:, column].astype(float).tolist())


def test_a_damaged_model_is_said_not_guessed_around(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing or damaged model file is an installation to repair: PK330 says so and
    which file, rather than judging no text (a check that would pass for want of a model):
    a file cut short, not the model, with a damaged header, or with a damaged part, found
    when a text first needs it."""
    from policykit.rules import langid, language

    shipped = language._MODEL_FILE.read_bytes()
    last = langid.read_model(shipped).classes[-1]  # whose column is the file's last part
    header_end = shipped.index(b"}") + 1
    flipped = bytearray(shipped)
    flipped[-1000] ^= 0xFF  # in the last column's zlib stream
    flipped_header = bytearray(shipped)
    flipped_header[header_end - 1] = ord("]")
    with pytest.raises(ValueError, match="cut short"):
        langid.read_model(shipped[: len(shipped) // 2])
    for content, reason in (
        (None, "No such file"),
        (b"not the model", "not policykit's language model"),
        (shipped[:10_000], "layout"),
        (bytes(flipped_header), "layout"),
        (shipped[: len(shipped) - 10], "cut short"),
        (bytes(flipped), "damaged part"),
    ):
        target = tmp_path / "model.pklid"
        target.unlink(missing_ok=True)
        if content is not None:
            target.write_bytes(content)
        monkeypatch.setattr(language, "_MODEL_FILE", target)
        _forget_model(language)
        try:
            languages = ("nl", "en", "de", "fr", last)
            with pytest.raises(language.ModelMissing, match=rf"model\.pklid: .*{reason}.*reinstall policykit"):
                identify("Deze cookie onthoudt uw keuze", languages)
        finally:
            monkeypatch.undo()
            _forget_model(language)
    assert identify("Deze cookie onthoudt uw keuze voor cookies", ("nl", "en"))[0] == "nl"


def test_a_policy_with_nothing_to_judge_does_not_read_the_model() -> None:
    """PK330 reads the model only for a text of two words or more once names are out."""
    from policykit.rules import language

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
        assert policykit.check(policy, select=["PK330"]) == []
        assert not language._read_model.cache_info().currsize
        wordy = policykit.loads(terse.replace("purpose: Sessions", "purpose: Keeps your session"))
        assert policykit.check(wordy, select=["PK330"]) == []
        assert language._read_model.cache_info().currsize
        _forget_model(language)
        # Two words that are the names of cookies leave none: the rule's own cleaning decides.
        named = policykit.loads(terse.replace("purpose: Sessions", "purpose: sid Site"))
        _forget_model(language)
        assert policykit.check(named, select=["PK330"]) == []
        assert not language._read_model.cache_info().currsize
    finally:
        _forget_model(language)


def test_a_name_is_taken_out_where_it_stands_not_out_of_every_word() -> None:
    """A cookie named `s` or `e` (the Open Cookie Database has both) takes out that
    name, not the letter from every word: taken out of every word, a French purpose on an
    English page was judged, and quoted to the writer, as the letters left over ('Mémori
    vo préfér nc d ion ur c it')."""
    base = (
        "meta: {title: Cookies, language: en, last_modified: 2025-01-01T09:00:00+01:00,"
        " controller: {organisation: Site, contact: privacy@example.com}}\n"
        "parties: [{id: site, name: Gemeente Utrecht, role: first-party, country: NL, domains: [example.com]}]\n"
        "cookies:\n"
        "- {name: s, party: site, category: strictly-necessary, purpose: Keeps your session, lifetime: session}\n"
        "- {name: e, party: site, category: strictly-necessary, purpose: PURPOSE, lifetime: session}\n"
        "articles: [{title: Cookies, body: [{cookies: {}}]}]\n"
    )
    french = policykit.loads(base.replace("PURPOSE", "Mémorise vos préférences de session sur ce site"))
    found = policykit.check(french, select=["PK330"])
    assert [f.path for f in found] == ["cookies[e].purpose"], found
    assert "'Mémorise vos préférences de session sur ce site' reads as 'fr'" in found[0].message
    # A name standing in the text is taken out: the party's name alone is no text to judge.
    named = policykit.loads(base.replace("PURPOSE", "'Gemeente Utrecht: e'"))
    assert policykit.check(named, select=["PK330"]) == []


_PIECES = st.text(alphabet="ab_1 -.é\u0301中", min_size=1, max_size=5)


@given(names=st.lists(_PIECES, min_size=1, max_size=8, unique=True), glue=st.lists(_PIECES, max_size=8))
def test_the_names_a_text_holds_are_those_that_stand_in_it(names: list[str], glue: list[str]) -> None:
    """The index by words finds exactly the names that stand in the text (no letter,
    digit or underscore touching either end), whatever the names are made of: one word,
    several, or beginning with a character of no word."""
    from policykit.rules.base import Context
    from policykit.rules.language import _Names, _stands

    parties = ", ".join(f"{{id: p{i}, name: {json.dumps(name)}, role: first-party}}" for i, name in enumerate(names))
    policy = policykit.loads(
        "meta: {title: Cookies, language: en, last_modified: 2025-01-01T09:00:00+01:00}\n"
        f"parties: [{parties}]\ncookies: []\narticles: []\n"
    )
    text = "".join(
        piece for pair in zip(glue + [""] * len(names), names + [""] * len(glue), strict=False) for piece in pair
    )
    index = _Names(Context(policy))
    held = {party.name for party in policy.parties if party.name}
    assert index.held_by(text) == sorted((n for n in held if _stands(text, n)), key=lambda n: (-len(n), n))


def test_the_packing_command_says_what_is_wrong_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A wrong call, a missing source or a file that is not the model: exit 2, one line,
    nothing written."""
    from policykit.rules.langid_pack import main

    target = tmp_path / "model.pklid"
    (tmp_path / "bad.xz").write_bytes(b"not lzma")
    for argv in ([], [str(tmp_path / "missing.xz"), str(target)], [str(tmp_path / "bad.xz"), str(target)]):
        assert main(argv) == 2
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
        assert not target.exists()
