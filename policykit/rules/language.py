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
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policykit.findings import Severity
from policykit.rules.base import EVERYWHERE, Context, Issue, Prose, rule

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

__all__ = ["RULES", "identify", "needs_model", "prefetch"]

# The languages the identifier chooses among, besides the policy's own.
_CANDIDATES = ("en", "nl", "de", "fr")
# How sure the identifier must be (its normalised probability) before a text is reported.
_CONFIDENCE = 0.9
_MIN_WORDS = 2
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+")
_WORD = re.compile(r"[^\W\d_]{2,}")


# The identifier is one shared object whose choice of languages is state: py3langid's
# set_languages rebuilds its restricted model (1.4 ms a call: 2.4 of the 6.3 s a check of
# the database's 2,264 cookies took when it was called for every text), so it is called
# only when the languages change, and a choice and the classification under it are one
# step for the threads that share the identifier.
_UNSET = ("",)
_languages_set: list[tuple[str, ...] | None] = [_UNSET]
_identifier_lock = threading.RLock()


_model_lock = threading.Lock()


def _stored_arrays(data: bytes) -> dict[str, Any]:
    """The arrays of an uncompressed .npz archive whose members are stored, not deflated
    (as py3langid writes its model), as read-only views of `data`: no copy is made."""
    import io
    import zipfile

    import numpy as np
    from numpy.lib import format as npy

    arrays: dict[str, Any] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            if member.compress_type != zipfile.ZIP_STORED:
                raise ValueError(f"{member.filename} is compressed")
            local = data[member.header_offset : member.header_offset + 30]
            if local[:4] != b"PK\x03\x04":
                raise ValueError(f"{member.filename}: no local header")
            start = member.header_offset + 30 + int.from_bytes(local[26:28], "little")
            start += int.from_bytes(local[28:30], "little")
            stream = io.BytesIO(data[start : start + 256 * 1024])
            version = npy.read_magic(stream)
            header = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
            shape, fortran, dtype = header(stream)
            if dtype.hasobject:
                raise ValueError(f"{member.filename} holds objects")
            count = 1
            for extent in shape:
                count *= extent
            array = np.frombuffer(data, dtype=dtype, count=count, offset=start + stream.tell())
            arrays[member.filename.removesuffix(".npy")] = array.reshape(shape, order="F" if fortran else "C")
    return arrays


# Where py3langid (0.4 and later) keeps its model, in its package.
_MODEL_FILE = "data/model.npz.xz"


def _decompress(compressed: bytes) -> bytes | None:
    """The model's LZMA stream decompressed in memory, by one call: it releases the GIL
    throughout (py3langid's own reader takes it back for every megabyte it copies to a
    temporary file), so it runs beside the other rules. None if it is not LZMA."""
    import lzma

    try:
        return lzma.decompress(compressed)
    except lzma.LZMAError:
        return None


def _compressed() -> bytes | None:
    """The model file's bytes (4.5 MB), found without importing py3langid (whose import,
    NumPy's, would hold the GIL the other rules run under); None if it is not there."""
    import importlib.util

    spec = importlib.util.find_spec("py3langid")
    if spec is None or spec.origin is None:
        return None
    try:
        return (Path(spec.origin).parent / _MODEL_FILE).read_bytes()
    except OSError:
        return None


# The model as prefetch() read it, compressed, for the thread that decompresses it; and
# the decompressed model once it is.
_pending: list[bytes | None] = []
_decompressed: list[bytes | None] = []
_prefetched: list[threading.Thread] = []
_bytes_lock = threading.Lock()
_prefetch_lock = threading.Lock()


def _raw_model() -> bytes | None:
    """The decompressed model (a .npz archive): decompressed once, whichever thread asks
    first, from the bytes prefetch() read if it did."""
    with _bytes_lock:
        if not _decompressed:
            compressed = _pending.pop() if _pending else _compressed()
            _decompressed.append(None if compressed is None else _decompress(compressed))
        return _decompressed[0]


@functools.lru_cache(maxsize=1)
def _read_model() -> LanguageIdentifier:
    """py3langid's model, read as py3langid reads it but in one step (see _decompress),
    its arrays used where they lie in the decompressed archive instead of being copied
    out of it and converted; a model of another layout (another version of py3langid) is
    read by py3langid itself."""
    import zipfile

    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    data = _raw_model() if MODEL_FILE == _MODEL_FILE else None
    if data is not None:
        try:
            arrays = _stored_arrays(data)
            return LanguageIdentifier(
                arrays["ptc"],
                arrays["pc"],
                arrays["classes"].tolist(),
                memoryview(arrays["nextmove"]),  # indexed one state at a time, as py3langid's array is
                arrays["out_feat"].tolist(),
                norm_probs=True,
                tk_row=memoryview(arrays["nextmove_row"]),
            )
        except (KeyError, ValueError, TypeError, zipfile.BadZipFile):
            pass
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _identifier() -> LanguageIdentifier:
    with _model_lock:  # read once, whichever thread asks first
        return _read_model()


def prefetch() -> None:
    """Start decompressing the identifier's model (about 0.33 s, which releases the GIL)
    in a background thread, so that it overlaps the rules that run before this one; the
    rule then waits for it if it is not yet done, and makes the identifier of it. The
    file is read here: in the thread, each of its system calls would then wait for the
    GIL the rules hold."""
    with _prefetch_lock:
        if _prefetched or _decompressed or _read_model.cache_info().currsize:
            return  # started, or done
        _pending.append(_compressed())
        _prefetched.append(threading.Thread(target=_raw_model, name="policykit-language-model", daemon=True))
        _prefetched[0].start()


def needs_model(ctx: Context) -> bool:
    """Whether PK330 has a text to judge: one of at least two words once names and
    addresses are taken out. Without one, the model is not read."""
    return next(_judged(ctx), None) is not None


@functools.lru_cache(maxsize=1)
def _model_languages() -> frozenset[str]:
    """Every language the model knows (not the subset the last call chose)."""
    identifier = _identifier()
    with _identifier_lock:
        identifier.set_languages(None)
        _languages_set[0] = None
        return frozenset(str(language) for language in identifier.nb_classes)


@functools.lru_cache(maxsize=4096)
def identify(text: str, languages: tuple[str, ...]) -> tuple[str, float]:
    """The language of `text` among `languages` and how sure the identifier is."""
    identifier = _identifier()
    known = tuple(language for language in languages if language in _model_languages()) or None
    with _identifier_lock:
        if _languages_set[0] != known:
            identifier.set_languages(None if known is None else list(known))
            _languages_set[0] = known
        language, probability = identifier.classify(text)
    return str(language), float(probability)


_PREFIX = 3  # names are indexed by their first three characters


class _Names:
    """The parties' and cookies' names, to take out of a text: longest first (a name inside
    a longer one goes with it), and indexed by their first characters, so that finding
    which names a text holds costs the text's length, not the number of names (a check of
    10,000 cookies has 10,000 texts and 10,000 names)."""

    def __init__(self, ctx: Context) -> None:
        names = {p.name for p in ctx.policy.parties if p.name} | {c.name for c in ctx.policy.cookies if c.name}
        self.order = {name: rank for rank, name in enumerate(sorted(names, key=lambda name: (-len(name), name)))}
        self.short = [name for name in self.order if len(name) < _PREFIX]
        self.by_prefix: dict[str, list[str]] = {}
        for name in self.order:
            if len(name) >= _PREFIX:
                self.by_prefix.setdefault(name[:_PREFIX], []).append(name)

    def held_by(self, text: str) -> list[str]:
        """The names that occur in `text`, longest first."""
        found = {name for name in self.short if name in text}
        for start in range(len(text) - _PREFIX + 1):
            for name in self.by_prefix.get(text[start : start + _PREFIX], ()):
                if text.startswith(name, start):
                    found.add(name)
        return sorted(found, key=self.order.__getitem__)


def _cleaned(plain: str, names: _Names) -> str:
    text = plain.replace("\ufffc", " ")
    if "@" in text or "http" in text or "www." in text:  # else _URL cannot match
        text = _URL.sub(" ", text)
    for name in names.held_by(text):
        text = text.replace(name, " ")
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
    judged = list(_judged(ctx))  # while the model is still being read (prefetch)
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
