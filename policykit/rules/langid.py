"""py3langid's language identifier, read and run without NumPy.

In: the bytes of py3langid's model (`model.npz.xz`, shipped in policykit/rules/language_model/
with its licence and where it was taken from), and texts. Out: a Model, and for a text
the most probable of the chosen languages with its probability, the same answer
py3langid 0.4 gives with `norm_probs=True` after `set_languages` (tests/test_language.py
compares them text by text).

Why not py3langid itself: it needs NumPy (73 MB installed, most of policykit's install)
for one thing, a sparse dot product over a few dozen rows of its table; the rest of its
classifier (a DFA walk over the text's UTF-8 bytes) is plain Python already. Here the
arrays are read where they lie in the decompressed archive (memoryview casts, no copy),
the table's half-precision rows are unpacked only for the features a text has and only
in the chosen languages' columns, and each is unpacked once.

The model: a naive Bayes classifier over byte n-gram features (Lui and Baldwin,
langid.py). `nextmove` and `nextmove_row` are the DFA that finds the features, `out_feat`
the feature a state emits (-1 for none), `ptc` the log-probability of each feature in
each language (features x languages, float16), `pc` each language's prior (float32),
`classes` the languages' codes.
"""

from __future__ import annotations

import array
import ast
import io
import math
import struct
import sys
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Sequence
from typing import Any, Literal

from attrs import field, frozen

__all__ = ["Model", "classify", "read_model"]

# .npy element types the model uses -> the array module's code for them.
_CODES: dict[str, Literal["I", "i", "H", "f"]] = {"u4": "I", "i4": "i", "u2": "H", "f4": "f"}
_HALF = struct.Struct("<e")


@frozen(eq=False)
class Model:
    """py3langid's model, its arrays as views of the decompressed archive."""

    classes: tuple[str, ...]
    prior: Sequence[float]  # per class
    table: bytes  # (features x classes) float16, little-endian, row by row
    nextmove: Sequence[int]
    rowbase: tuple[int, ...]  # each state's row of nextmove, times 256
    emits: Sequence[int]  # the feature each state emits, or -1
    # (the chosen classes' columns) -> feature -> its log-probabilities in those columns
    _rows: dict[tuple[int, ...], dict[int, tuple[float, ...]]] = field(factory=dict, init=False)

    def columns(self, languages: Sequence[str] | None) -> tuple[int, ...]:
        """The columns of `languages` (every column of a language the model names twice),
        in the model's order; every column for None."""
        if languages is None:
            return tuple(range(len(self.classes)))
        chosen = set(languages)
        return tuple(index for index, code in enumerate(self.classes) if code in chosen)

    def rows(self, columns: tuple[int, ...], features: Sequence[int]) -> list[tuple[float, ...]]:
        """Each feature's log-probabilities in `columns`, unpacked once."""
        cache = self._rows.setdefault(columns, {})
        width = 2 * len(self.classes)
        found = []
        for feature in features:
            row = cache.get(feature)
            if row is None:
                base = feature * width
                row = tuple(_HALF.unpack_from(self.table, base + 2 * column)[0] for column in columns)
                cache[feature] = row
            found.append(row)
        return found


def _array(data: bytes, start: int, dtype: str, count: int) -> Sequence[int] | Sequence[float]:
    code = _CODES.get(dtype[1:])
    if code is None:
        raise ValueError(f"an array of {dtype}")
    size = struct.calcsize(code)
    view = memoryview(data)[start : start + count * size]
    if len(view) != count * size:
        raise ValueError("the model's archive is cut short")
    if dtype[0] in "<|" and sys.byteorder == "little":
        return view.cast(code)
    values = array.array(code)
    values.frombytes(view)
    values.byteswap()
    return values


def _members(data: bytes) -> dict[str, tuple[int, dict[str, Any]]]:
    """Each stored .npy member of the archive: where its data start, and its header."""
    members: dict[str, tuple[int, dict[str, Any]]] = {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ValueError(f"not a zip archive: {error}") from None
    with archive:
        for member in archive.infolist():
            if member.compress_type != zipfile.ZIP_STORED:
                raise ValueError(f"{member.filename} is compressed")
            local = data[member.header_offset : member.header_offset + 30]
            if local[:4] != b"PK\x03\x04":
                raise ValueError(f"{member.filename}: no local header")
            start = member.header_offset + 30 + int.from_bytes(local[26:28], "little")
            start += int.from_bytes(local[28:30], "little")
            if data[start : start + 6] != b"\x93NUMPY":
                raise ValueError(f"{member.filename} is not a .npy array")
            major = data[start + 6]
            length_size = 2 if major == 1 else 4
            length = int.from_bytes(data[start + 8 : start + 8 + length_size], "little")
            header_start = start + 8 + length_size
            header = ast.literal_eval(data[header_start : header_start + length].decode("latin-1"))
            if not isinstance(header, dict) or header.get("fortran_order"):
                raise ValueError(f"{member.filename}: not a C-ordered array")
            members[member.filename.removesuffix(".npy")] = (header_start + length, header)
    return members


def read_model(data: bytes) -> Model:
    """The model of py3langid's decompressed `model.npz` archive. ValueError if it is
    not laid out as py3langid 0.4 writes it."""
    members = _members(data)
    try:
        arrays: dict[str, Any] = {}
        for name in ("pc", "nextmove", "nextmove_row", "out_feat"):
            start, header = members[name]
            (count,) = header["shape"]
            arrays[name] = _array(data, start, header["descr"], count)
        start, header = members["classes"]
        (count,) = header["shape"]
        if not header["descr"].startswith("<U"):
            raise ValueError("classes: not strings")
        width = 4 * int(header["descr"][2:])
        raw = data[start : start + count * width]
        classes = tuple(raw[i : i + width].decode("utf-32-le").rstrip("\0") for i in range(0, len(raw), width))
        table_start, header = members["ptc"]
        features, columns = header["shape"]
    except (KeyError, TypeError) as error:
        raise ValueError(f"not py3langid's model layout: {error}") from None
    if header["descr"] != "<f2" or columns != len(classes) or len(arrays["pc"]) != len(classes):
        raise ValueError("ptc: not a float16 table of one column per class")
    table = data[table_start : table_start + features * columns * 2]
    if len(table) != features * columns * 2:
        raise ValueError("ptc: cut short")
    return Model(
        classes,
        arrays["pc"],
        table,
        arrays["nextmove"],
        tuple(row << 8 for row in arrays["nextmove_row"]),
        arrays["out_feat"],
    )


def _encode(text: str) -> bytes:
    """The text as py3langid reads it: lower case when it is all upper, NFC, UTF-8."""
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf-8", errors="surrogatepass")


def classify(model: Model, text: str, languages: Sequence[str] | None = None) -> tuple[str, float]:
    """The most probable of `languages` (all the model's when None) for `text`, and its
    probability among them, as py3langid's classify with norm_probs=True."""
    columns = model.columns(languages)
    if not columns:
        raise ValueError("none of the languages is the model's")
    encoded = _encode(text)
    nextmove, rowbase, emits = model.nextmove, model.rowbase, model.emits
    state = 0
    found = []
    for byte in encoded:
        state = nextmove[rowbase[state] + byte]
        feature = emits[state]
        if feature >= 0:
            found.append(feature)
    scores = [0.0] * len(columns)
    if found:
        counts = Counter(found)
        scores = [float(model.prior[column]) for column in columns]
        for weight, row in zip(map(math.log1p, counts.values()), model.rows(columns, list(counts)), strict=True):
            for index, value in enumerate(row):
                scores[index] += weight * value
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
