"""py3langid's language identifier, read and run without NumPy.

In: the bytes of `language_model/model.pklid`, py3langid 0.4.0's model repacked by
policykit.rules.langid_pack (shipped with its licence and where it was taken from), and
texts. Out: a Model, and for a text the most probable of the chosen languages with its
probability, the same answer py3langid 0.4 gives with `norm_probs=True` after
`set_languages` (tests/test_language.py compares them text by text).

Why not py3langid itself: it needs NumPy (73 MB installed, most of policykit's install)
for one thing, a sparse dot product over a few dozen rows of its table; the rest of its
classifier (a DFA walk over the text's UTF-8 bytes) is plain Python already. And its
model is one 68 MB archive, decompressed whole (0.36 CPU-s) before the first text: here
a check decompresses only the DFA's blocks its texts walk through and the columns of
the languages it chooses among (about 18 MB of the 68 for the 2,264-cookie policy).

The model: a naive Bayes classifier over byte n-gram features (Lui and Baldwin,
langid.py). The DFA finds the features: `rowof` gives each state's row of 256 moves,
`emits` the feature a state emits (-1 for none); `column(c)` is the log-probability of
each feature in class c (float16 in the file), `prior` each class's prior, `classes`
the classes' codes.
"""

from __future__ import annotations

import array
import json
import math
import operator
import re
import struct
import sys
import threading
import unicodedata
import zlib
from collections import Counter
from collections.abc import Sequence
from typing import Any, Literal

from attrs import field, frozen

__all__ = ["MAGIC", "Model", "classify", "read_model"]

MAGIC = b"PKLANGID1\n"  # the first bytes of the file policykit.rules.langid_pack writes


def _part(data: memoryview, where: tuple[int, int]) -> bytes:
    """One zlib-compressed part of the model, decompressed (zlib checks its checksum)."""
    offset, length = where
    try:
        return zlib.decompress(data[offset : offset + length])
    except zlib.error as error:
        raise ValueError(f"a damaged part: {error}") from None


def _ints(raw: bytes, code: Literal["i", "I"], count: int) -> Sequence[int]:
    """`count` little-endian integers of `raw` (array type `code`)."""
    if len(raw) != count * 4:
        raise ValueError("a part of the model has the wrong length")
    if sys.byteorder == "little":
        return memoryview(raw).cast(code)
    values = array.array(code, raw)
    values.byteswap()
    return values


@frozen(eq=False)
class Model:
    """py3langid's model, its parts decompressed when a text first needs them."""

    classes: tuple[str, ...]
    prior: tuple[float, ...]  # per class
    rowof: Sequence[int]  # each state's row of the DFA
    emits: Sequence[int]  # the feature each state emits, or -1
    features: int
    block_rows: int
    _data: memoryview  # the parts, after the header
    _blocks: tuple[tuple[int, int], ...]  # (offset, length) of each block of DFA rows
    _columns: tuple[tuple[int, int], ...]  # (offset, length) of each class's column
    # each DFA row as 256 moves, once its block is decompressed; each state's row, once
    # a text reaches it; each column, unpacked
    rows: list[Sequence[int] | None] = field(init=False)
    moves: list[Sequence[int] | None] = field(init=False)
    _unpacked: dict[int, tuple[float, ...]] = field(factory=dict, init=False)
    _chosen: dict[tuple[str, ...] | None, tuple[int, ...]] = field(factory=dict, init=False)
    # (state, a word and the space after it) -> (the state after it, the features on the way)
    walked: dict[tuple[int, bytes], tuple[int, tuple[int, ...]]] = field(factory=dict, init=False)
    _lock: threading.Lock = field(factory=threading.Lock, init=False)

    @rows.default
    def _no_rows(self) -> list[Sequence[int] | None]:
        return [None] * (len(self._blocks) * self.block_rows)

    @moves.default
    def _no_moves(self) -> list[Sequence[int] | None]:
        return [None] * len(self.rowof)

    def moves_of(self, state: int) -> Sequence[int]:
        """The 256 moves out of `state` (its row of the DFA)."""
        found = self.moves[state] = self.row(self.rowof[state])
        return found

    def row(self, index: int) -> Sequence[int]:
        """Row `index` of the DFA (decompressing its block the first time)."""
        with self._lock:
            found = self.rows[index]
            if found is None:
                block = index // self.block_rows
                raw = _part(self._data, self._blocks[block])
                count = len(raw) // 4
                moves = _ints(raw, "I", count)
                first = block * self.block_rows
                for offset in range(0, count, 256):
                    self.rows[first + offset // 256] = moves[offset : offset + 256]
                found = self.rows[index]
            if found is None or len(found) != 256:
                raise ValueError("a DFA row is cut short")
            return found

    def column(self, index: int) -> tuple[float, ...]:
        """Class `index`'s log-probability of every feature (unpacked the first time)."""
        found = self._unpacked.get(index)
        if found is not None:
            return found
        with self._lock:
            found = self._unpacked.get(index)
            if found is None:
                raw = _part(self._data, self._columns[index])
                if len(raw) != 2 * self.features:
                    raise ValueError("a column has the wrong length")
                found = self._unpacked[index] = struct.unpack(f"<{self.features}e", raw)
            return found

    def columns(self, languages: Sequence[str] | None) -> tuple[int, ...]:
        """The columns of `languages` (every column of a language the model names twice),
        in the model's order; every column for None."""
        key = None if languages is None else tuple(languages)
        found = self._chosen.get(key)
        if found is None:
            chosen = set(self.classes if languages is None else languages)
            found = self._chosen[key] = tuple(index for index, code in enumerate(self.classes) if code in chosen)
        return found


def read_model(data: bytes) -> Model:
    """The model of policykit's `model.pklid` (its bytes). ValueError if it is not laid
    out as policykit.rules.langid_pack writes it or a part of it is damaged."""
    if not data.startswith(MAGIC):
        raise ValueError("not policykit's language model")
    start = len(MAGIC) + 4
    length = int.from_bytes(data[len(MAGIC) : start], "little")
    try:
        header: dict[str, Any] = json.loads(data[start : start + length])
        classes = tuple(str(code) for code in header["classes"])
        prior = tuple(float(value) for value in header["prior"])
        states, features, rows = int(header["states"]), int(header["features"]), int(header["rows"])
        block_rows = int(header["block_rows"])
        blocks = tuple((int(offset), int(size)) for offset, size in header["blocks"])
        columns = tuple((int(offset), int(size)) for offset, size in header["columns"])
        rowof_at = (int(header["rowof"][0]), int(header["rowof"][1]))
        emits_at = (int(header["emits"][0]), int(header["emits"][1]))
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"not policykit's language model layout: {error}") from None
    body = memoryview(data)[start + length :]
    if len(classes) != len(prior) or len(columns) != len(classes) or block_rows < 1:
        raise ValueError("the classes, priors and columns do not agree")
    if len(blocks) != -(-rows // block_rows):
        raise ValueError("the DFA's blocks do not hold its rows")
    if any(offset < 0 or offset + size > len(body) for offset, size in (*blocks, *columns, rowof_at, emits_at)):
        raise ValueError("the model's file is cut short")
    rowof = _ints(_part(body, rowof_at), "i", states)
    emits = _ints(_part(body, emits_at), "i", states)
    if any(row < 0 or row >= rows for row in (min(rowof, default=0), max(rowof, default=0))):
        raise ValueError("a DFA state's row is out of range")
    return Model(classes, prior, rowof, emits, features, block_rows, body, blocks, columns)


def _encode(text: str) -> bytes:
    """The text as py3langid reads it: lower case when it is all upper, NFC, UTF-8."""
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf-8", errors="surrogatepass")


_WALKED = 50_000  # words remembered, at most (about 12 MB; the 10,000-cookie policy has 13,782)


def _features(model: Model, encoded: bytes) -> list[int]:
    """The features the DFA emits on `encoded`, in order. Word by word: the DFA is
    deterministic, so a word read from the same state emits the same features and ends in
    the same state, and a policy's texts repeat their words (about one walk in ten is new
    for the 2,264-cookie policy)."""
    moves, emits, walked = model.moves, model.emits, model.walked
    state = 0
    found: list[int] = []
    for word in _WORDS.findall(encoded):
        known = walked.get((state, word))
        if known is None:
            start, features = state, []
            for byte in word:
                state = (moves[state] or model.moves_of(state))[byte]
                feature = emits[state]
                if feature >= 0:
                    features.append(feature)
            if len(walked) < _WALKED:
                walked[(start, word)] = (state, tuple(features))
            found.extend(features)
        else:
            state = known[0]
            found.extend(known[1])
    return found


_WORDS = re.compile(rb"[^ ]* ?|.+", re.DOTALL)


def classify(model: Model, text: str, languages: Sequence[str] | None = None) -> tuple[str, float]:
    """The most probable of `languages` (all the model's when None) for `text`, and its
    probability among them, as py3langid's classify with norm_probs=True."""
    columns = model.columns(languages)
    if not columns:
        raise ValueError("none of the languages is the model's")
    encoded = _encode(text)
    found = _features(model, encoded)
    scores = [0.0] * len(columns)
    if found:
        counts = Counter(found)
        weights = list(map(math.log1p, counts.values()))
        pick = operator.itemgetter(*counts) if len(counts) > 1 else lambda values: (values[found[0]],)
        scores = []
        for column in columns:
            values = model.column(column)
            # the prior, then each feature's weighted log-probability, added in order
            scores.append(sum(map(operator.mul, weights, pick(values)), model.prior[column]))
    # the softmax at temperature sqrt(bytes), as py3langid normalises
    scale = 1.0 / math.sqrt(len(encoded) or 1)
    top = max(scores) * scale
    scores = [math.exp(score * scale - top) for score in scores]
    total = sum(scores)
    scores = [score / total for score in scores]
    # a language named by two columns (a script alias) has their sum, in its first one
    first: dict[str, int] = {}
    for index, column in enumerate(columns):
        code = model.classes[column]
        if code in first:
            scores[first[code]] += scores[index]
            scores[index] = 0.0
        else:
            first[code] = index
    best = max(range(len(scores)), key=scores.__getitem__)  # the first of equal ones, as argmax
    return model.classes[columns[best]], scores[best]
