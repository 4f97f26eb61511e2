"""A rule on the language of the text: each piece in the policy's own language.

In: a Context: every text a reader sees (titles, paragraphs, list items, captions,
purposes) and `meta.language`. Out: Issues pointing at a text that reads as another
language. The language is told by py3langid, which ships its own model and reaches no
network; it is asked to choose only among the policy's language and the languages the
wording lists know, and only texts of at least two words, with names, placeholders and
addresses taken out, are judged.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from policykit.findings import Severity
from policykit.rules.base import EVERYWHERE, Context, Issue, rule

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

__all__ = ["RULES", "identify"]

# The languages the identifier chooses among, besides the policy's own.
_CANDIDATES = ("en", "nl", "de", "fr")
# How sure the identifier must be (its normalised probability) before a text is reported.
_CONFIDENCE = 0.9
_MIN_WORDS = 2
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+")
_WORD = re.compile(r"[^\W\d_]{2,}")


@functools.lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@functools.lru_cache(maxsize=1)
def _model_languages() -> frozenset[str]:
    """Every language the model knows (not the subset the last call chose)."""
    identifier = _identifier()
    identifier.set_languages(None)
    return frozenset(str(language) for language in identifier.nb_classes)


@functools.lru_cache(maxsize=4096)
def identify(text: str, languages: tuple[str, ...]) -> tuple[str, float]:
    """The language of `text` among `languages` and how sure the identifier is."""
    identifier = _identifier()
    known = [language for language in languages if language in _model_languages()]
    identifier.set_languages(known or None)
    language, probability = identifier.classify(text)
    return str(language), float(probability)


def _cleaned(ctx: Context, plain: str) -> str:
    text = _URL.sub(" ", plain.replace("\ufffc", " "))
    names = {p.name for p in ctx.policy.parties if p.name} | {c.name for c in ctx.policy.cookies if c.name}
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return " ".join(text.split())


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
    if own not in _model_languages():
        return  # a language the model does not know cannot be told apart
    for text in ctx.prose:
        cleaned = _cleaned(ctx, text.plain)
        if len(_WORD.findall(cleaned)) < _MIN_WORDS:
            continue
        language, probability = identify(cleaned, languages)
        if language != own and probability >= _CONFIDENCE:
            shown = cleaned if len(cleaned) <= 80 else cleaned[:79] + "…"
            yield Issue(
                text.at,
                f"'{shown}' reads as '{language}' ({probability:.0%} sure), but the policy's language is '{own}'",
            )


RULES = (other_language,)
