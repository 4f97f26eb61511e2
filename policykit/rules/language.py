"""A rule on the language of the text: each piece in the policy's own language.

In: a Context: every text a reader sees (titles, paragraphs, list items, captions,
purposes) and `meta.language`. Out: Issues pointing at a text that reads as another
language. The language is told by py3langid's model, shipped with policykit and read
without NumPy (policykit.rules.langid); no network is reached. The identifier chooses
only among the policy's language and the languages the wording lists know, and only
texts of at least two words, with names, placeholders and addresses taken out, are
judged.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from policykit.findings import Severity
from policykit.rules.base import EVERYWHERE, Context, Issue, Prose, rule

if TYPE_CHECKING:
    from policykit.rules.langid import Model

__all__ = ["RULES", "identify"]

# The languages the identifier chooses among, besides the policy's own.
_CANDIDATES = ("en", "nl", "de", "fr")
# How sure the identifier must be (its normalised probability) before a text is reported.
_CONFIDENCE = 0.9
_MIN_WORDS = 2
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+")
_WORD = re.compile(r"[^\W\d_]{2,}")

# py3langid's model, repacked for policykit (language_model/SOURCE.md says whence).
_MODEL_FILE = Path(__file__).parent / "language_model" / "model.pklid"


class ModelMissing(RuntimeError):
    """policykit's installation lacks its language model, or the file is damaged."""


_model_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _read_model() -> Model:
    """The model: its header and its DFA's states, the rest decompressed as texts need
    it (policykit.rules.langid)."""
    from policykit.rules.langid import read_model

    try:
        return read_model(_MODEL_FILE.read_bytes())
    except OSError as error:
        raise ModelMissing(f"{_MODEL_FILE}: {error.strerror or error}; reinstall policykit") from None
    except ValueError as error:
        raise ModelMissing(f"{_MODEL_FILE}: {error}; reinstall policykit") from None


def _identifier() -> Model:
    with _model_lock:  # read once, whichever thread asks first
        return _read_model()


@functools.lru_cache(maxsize=1)
def _model_languages() -> frozenset[str]:
    """Every language the model knows."""
    return frozenset(_identifier().classes)


@functools.lru_cache(maxsize=4096)
def identify(text: str, languages: tuple[str, ...]) -> tuple[str, float]:
    """The language of `text` among `languages` and how sure the identifier is (the
    probability among them), as py3langid tells it."""
    from policykit.rules.langid import classify

    known = tuple(language for language in languages if language in _model_languages()) or None
    try:
        return classify(_identifier(), text, known)
    except ValueError as error:  # a part of the model is damaged (zlib's checksum)
        raise ModelMissing(f"{_MODEL_FILE}: {error}; reinstall policykit") from None


class _Names:
    """The parties' and cookies' names, to take out of a text where they stand as names,
    not inside a word (the OCD has cookies named `s` and `c`), longest first (a name
    inside a longer one goes with it). Found by the text's words, so that finding which
    names a text holds costs the text's length, not the number of names (a check of
    10,000 cookies has 10,000 texts and 10,000 names): a name of one word (`_ga`) stands
    where it is one of the text's words; a longer one (`wp-settings-1`, `Google
    Analytics`) can stand only where its first word is one; only the few that begin with
    a character of no word (`.ASPXAUTH`) are looked for in every text."""

    def __init__(self, ctx: Context) -> None:
        names = {p.name for p in ctx.policy.parties if p.name} | {c.name for c in ctx.policy.cookies if c.name}
        self.order = {name: rank for rank, name in enumerate(sorted(names, key=lambda name: (-len(name), name)))}
        self.words = {name for name in self.order if _WORDS.fullmatch(name)}
        self.by_first_word: dict[str, list[str]] = {}
        self.loose: list[str] = []
        for name in self.order:
            if name not in self.words:
                first = _WORDS.match(name)
                if first is None:
                    self.loose.append(name)
                else:
                    self.by_first_word.setdefault(first.group(), []).append(name)

    def held_by(self, text: str) -> list[str]:
        """The names that stand in `text` (not inside a longer word), longest first."""
        words = set(_WORDS.findall(text))
        found = words & self.words
        for word in words & self.by_first_word.keys():
            found.update(name for name in self.by_first_word[word] if _stands(text, name))
        found.update(name for name in self.loose if name in text and _stands(text, name))
        return sorted(found, key=self.order.__getitem__)


_WORDS = re.compile(r"\w+")
_WORD_CHARACTER = re.compile(r"\w")


def _stands(text: str, name: str) -> list[int]:
    """Where `name` stands in `text`: no letter, digit or underscore touches it."""
    found = []
    start = text.find(name)
    while start >= 0:
        if not (start and _WORD_CHARACTER.match(text, start - 1)) and not _WORD_CHARACTER.match(
            text, start + len(name)
        ):
            found.append(start)
        start = text.find(name, start + 1)
    return found


def _cleaned(plain: str, names: _Names) -> str:
    text = plain.replace("\ufffc", " ")
    if "@" in text or "http" in text or "www." in text:  # else _URL cannot match
        text = _URL.sub(" ", text)
    for name in names.held_by(text):
        kept, last = [], 0
        for start in _stands(text, name):
            if start >= last:  # not inside the last occurrence taken out
                kept.append(text[last:start])
                last = start + len(name)
        text = " ".join([*kept, text[last:]])
    return " ".join(text.split())


def _judged(ctx: Context) -> Iterator[tuple[Prose, str]]:
    """Each text PK330 judges, with its names and addresses taken out: those of at least
    two words once they are."""
    names = _Names(ctx)  # once per policy, not once per text
    for text in ctx.prose:
        cleaned = _cleaned(text.plain, names)
        if len(_WORD.findall(cleaned)) >= _MIN_WORDS:
            yield text, cleaned


@rule(
    "PK330",
    Severity.INFO,
    "A text reads as another language than the policy's",
    """GDPR Art. 12(1): the information is given in a concise, transparent,
    intelligible and easily accessible form, using clear and plain language; a purpose,
    caption or paragraph in another language than the rest (an English 'Load balancing'
    purpose on a French page) is one the reader may not understand. The language is
    told by a statistical identifier (py3langid) choosing between the policy's language
    and English, Dutch, German and French; only texts of two words or more, with names
    and addresses left out, and only when it is at least 90% sure, are reported. Info
    only: a quoted name or a term of art may read as another language.""",
    profiles=EVERYWHERE,
    cites=("cite.gdpr",),
)
def other_language(ctx: Context) -> Iterator[Issue]:
    own = ctx.language.split("-")[0].lower()
    languages = tuple(dict.fromkeys((own, *_CANDIDATES)))
    judged = list(_judged(ctx))
    if not judged or own not in _model_languages():
        return  # nothing to judge (the model is not read), or a language it cannot tell apart
    for text, cleaned in judged:
        language, probability = identify(cleaned, languages)
        if language != own and probability >= _CONFIDENCE:
            shown = cleaned if len(cleaned) <= 80 else cleaned[:79] + "…"
            yield Issue(
                text.at,
                f"'{shown}' reads as '{language}' ({probability:.0%} sure), but the policy's language is '{own}'",
            )


RULES = (other_language,)
