"""py3langid's model repacked for policykit: the file PK330 reads, made from py3langid's.

In: the bytes of py3langid 0.4's `model.npz.xz`. Out: the bytes of
`language_model/model.pklid`, the same arrays laid out so that a check reads only what
its texts need (policykit.rules.langid reads it):

- the magic `PKLANGID1\\n`, then the header's length (4 bytes, little-endian), then the
  header, JSON: the classes, their priors, the counts, where each part lies (its offset
  after the header, its length) and the source's sha256;
- `rowof` (each DFA state's row) and `emits` (the feature each state emits, or -1),
  int32, zlib-compressed, read whole;
- the DFA's rows, uint32 (256 per row), in blocks of BLOCK_ROWS rows, each block
  zlib-compressed: a check decompresses the blocks its texts walk through (1,042 of
  2,397 for the 2,264-cookie policy);
- `ptc`, the features' log-probabilities, one float16 column per class, each
  zlib-compressed: a check decompresses the columns of the languages it chooses among
  (five of 142), not the whole 28 MB table.

Nothing is rounded or reordered: `unpack(pack(x))` gives py3langid's arrays exactly
(tests/test_language.py compares them with NumPy's). Run
`python -m policykit.rules.langid_pack model.npz.xz model.pklid` to make the file again.
"""

from __future__ import annotations

import array
import ast
import hashlib
import io
import json
import lzma
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

from policykit.rules.langid import MAGIC

__all__ = ["BLOCK_ROWS", "pack", "read_npz"]

BLOCK_ROWS = 16
_CODES = {"<u4": "I", "<i4": "i", "<u2": "H", "<f4": "f", "<f2": "H"}


def read_npz(data: bytes) -> dict[str, tuple[tuple[int, ...], str, bytes]]:
    """Each stored .npy member of a decompressed .npz archive: its shape, its element
    type and its raw bytes. ValueError if it is not laid out as NumPy writes one."""
    members: dict[str, tuple[tuple[int, ...], str, bytes]] = {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ValueError(f"not a zip archive: {error}") from None
    with archive:
        for member in archive.infolist():
            raw = archive.read(member)
            if raw[:6] != b"\x93NUMPY":
                raise ValueError(f"{member.filename} is not a .npy array")
            length_size = 2 if raw[6] == 1 else 4
            length = int.from_bytes(raw[8 : 8 + length_size], "little")
            start = 8 + length_size
            header = ast.literal_eval(raw[start : start + length].decode("latin-1"))
            if not isinstance(header, dict) or header.get("fortran_order"):
                raise ValueError(f"{member.filename}: not a C-ordered array")
            members[member.filename.removesuffix(".npy")] = (
                tuple(header["shape"]),
                str(header["descr"]),
                raw[start + length :],
            )
    return members


def _values(member: tuple[tuple[int, ...], str, bytes]) -> array.array[Any]:
    shape, descr, raw = member
    code = _CODES.get(descr)
    if code is None:
        raise ValueError(f"an array of {descr}")
    values = array.array(code)
    count = 1
    for size in shape:
        count *= size
    values.frombytes(raw[: count * values.itemsize])
    if len(values) != count:
        raise ValueError("an array cut short")
    if sys.byteorder != "little":
        values.byteswap()
    return values


def _little(values: array.array[Any]) -> bytes:
    if sys.byteorder != "little":
        values = array.array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def pack(compressed: bytes) -> bytes:
    """The packed model of py3langid's `model.npz.xz` (its bytes)."""
    members = read_npz(lzma.decompress(compressed))
    shape, descr, raw = members["classes"]
    if not descr.startswith("<U"):
        raise ValueError("classes: not strings")
    width = 4 * int(descr[2:])
    classes = [raw[i : i + width].decode("utf-32-le").rstrip("\0") for i in range(0, shape[0] * width, width)]
    prior = list(_values(members["pc"]))
    nextmove = _values(members["nextmove"])
    rowof = _values(members["nextmove_row"])
    emits = _values(members["out_feat"])
    (features, columns), table = members["ptc"][0], _values(members["ptc"])
    if members["ptc"][1] != "<f2" or columns != len(classes) or len(prior) != len(classes):
        raise ValueError("ptc: not a float16 table of one column per class")
    if len(nextmove) % 256 or len(rowof) != len(emits):
        raise ValueError("nextmove: not rows of 256")
    rows = len(nextmove) // 256
    parts: list[bytes] = []
    where: dict[str, Any] = {}
    offset = 0

    def put(data: bytes) -> list[int]:
        nonlocal offset
        packed = zlib.compress(data, 9)
        parts.append(packed)
        offset += len(packed)
        return [offset - len(packed), len(packed)]

    where["rowof"] = put(_little(array.array("i", rowof)))
    where["emits"] = put(_little(array.array("i", emits)))
    step = BLOCK_ROWS * 256
    where["blocks"] = [put(_little(nextmove[start : start + step])) for start in range(0, len(nextmove), step)]
    where["columns"] = [put(_little(table[column::columns])) for column in range(columns)]
    header = {
        "block_rows": BLOCK_ROWS,
        "classes": classes,
        "features": features,
        "prior": prior,
        "rows": rows,
        "source_sha256": hashlib.sha256(compressed).hexdigest(),
        "states": len(rowof),
        **where,
    }
    encoded = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii")
    return b"".join([MAGIC, len(encoded).to_bytes(4, "little"), encoded, *parts])


def main(argv: list[str]) -> int:
    """`python -m policykit.rules.langid_pack SOURCE TARGET`: 0 written, 2 (one line on
    standard error, nothing written) for a wrong call or a source that is not the model."""
    from policykit.atomic import write_atomic

    if len(argv) != 2:
        sys.stderr.write("usage: python -m policykit.rules.langid_pack model.npz.xz model.pklid\n")
        return 2
    source, target = (Path(arg) for arg in argv)
    try:
        packed = pack(source.read_bytes())
        write_atomic(target, packed)
    except OSError as error:
        sys.stderr.write(f"{error.filename or source}: {error.strerror or error}\n")
        return 2
    except (ValueError, KeyError, lzma.LZMAError) as error:
        sys.stderr.write(f"{source}: not py3langid 0.4's model ({error})\n")
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover - the command that made the shipped file
    sys.exit(main(sys.argv[1:]))
