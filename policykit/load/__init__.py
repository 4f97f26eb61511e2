"""Loading a policy file, and dumping a policy back to YAML.

In: a path to a YAML 1.2 or JSON policy file (or its text). Out: a Policy, or
LoadError holding every problem of the file as a Finding with file, line, column
and field path, such as `cookies[WHMCSLinkID].lifetime`, in file order: type errors
and reference errors in the same round (references are read from the parsed document,
so a record that does not structure still declares its id), at most MAX_FINDINGS.

Defences against hostile input, each a clear error rather than a crash:
- files over MAX_BYTES, invalid UTF-8, empty files, directories, missing paths;
- YAML aliases (no alias bombs: a policy never needs them) and nesting deeper
  than MAX_DEPTH (no recursion blow-up);
- duplicate keys, unknown keys, and any coercion of a value to another type.

The package's modules, one step each: `parse` (YAML and JSON text to a document that
knows each value's position), `structure` (the document to a Policy with cattrs, and
cattrs' errors as problems), `references` (ids and placeholders, checked in the
document), `place` (problems at line and column, in file order) and `to_yaml` (a policy
back to YAML).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping
from pathlib import Path

import attrs
from ruamel.yaml.comments import CommentedMap

from policykit import convert
from policykit.errors import LoadError
from policykit.load.parse import MAX_BYTES, MAX_DEPTH, _decode, _parse
from policykit.load.place import MAX_FINDINGS, _error, _Placed, _Placer
from policykit.load.references import _references
from policykit.load.structure import _MAX_KEPT, _structure
from policykit.load.to_yaml import dump
from policykit.model import Policy
from policykit.source import Source

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_FINDINGS",
    "LoadError",
    "Source",
    "dump",
    "load",
    "load_with_source",
    "loads",
    "loads_with_source",
]


def load(path: str | os.PathLike[str]) -> Policy:
    """The policy in the YAML 1.2 or JSON file at `path` (JSON by its .json suffix).

    Raises LoadError holding every problem of the file as a Finding with file, line,
    column and field path, in file order (at most MAX_FINDINGS, and one that counts the
    rest): a file that is missing, unreadable, too large, not UTF-8 or not YAML/JSON, and
    unknown keys, missing keys, wrong types and references to undeclared ids.
    """
    return load_with_source(path)[0]


def load_with_source(path: str | os.PathLike[str]) -> tuple[Policy, Source]:
    """load(), and the Source that says where each of the file's values is (for
    policykit.check to place its findings at line and column). Raises LoadError."""
    name = os.fspath(path)
    file = Path(path)
    try:
        if file.is_dir():
            raise LoadError([_error("PK001", "is a directory, not a policy file", name)])
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise LoadError([_error("PK001", f"is {size} bytes; a policy file may have at most {MAX_BYTES}", name)])
        data = file.read_bytes()
    except FileNotFoundError:
        raise LoadError([_error("PK001", "no such file", name)]) from None
    except OSError as error:
        raise LoadError([_error("PK001", f"cannot be read: {error.strerror or error}", name)]) from None
    policy, source = loads_with_source(data, name, is_json=file.suffix.lower() == ".json")
    return attrs.evolve(policy, origin=os.path.abspath(name)), source


def loads(source: str | bytes, filename: str = "<string>", *, is_json: bool = False) -> Policy:
    """The policy in `source`, the text (or bytes, UTF-8) of a policy file: YAML, or JSON
    checked by JSON's grammar when `is_json`. `filename` names it in findings. Raises
    LoadError, as load does.
    """
    return loads_with_source(source, filename, is_json=is_json)[0]


def loads_with_source(
    source: str | bytes, filename: str = "<string>", *, is_json: bool = False
) -> tuple[Policy, Source]:
    """loads(), and the Source that says where each value of the text is. Raises LoadError."""
    if isinstance(source, bytes):
        source = _decode(source, filename)
    if len(source) > MAX_BYTES:
        raise LoadError([_error("PK001", f"is longer than {MAX_BYTES} characters", filename)])
    raw = _parse(source, filename, is_json)
    if not isinstance(raw, CommentedMap):
        raise LoadError(
            [_error("PK005", f"expected a mapping at the top of the file, got {convert.describe(raw)}", filename, 1, 1)]
        )
    placer = _Placer(source, raw, filename)
    placed: list[_Placed] = []
    cookies = raw.get("cookies")
    if isinstance(cookies, list) and any(isinstance(c, Mapping) and ("catalogue" in c or "from" in c) for c in cookies):
        # Cookies declared by reference to the vendor catalogue, filled in before structuring.
        from policykit.catalogue.expand import expand_references

        placed += [(line, column, code, at, message) for code, at, message, line, column in expand_references(raw)]
    policy, stopped = _structure(raw, placed)
    # References are read from the document, so they come in the same round as type errors.
    references = list(itertools.islice(_references(raw), _MAX_KEPT + 1))
    stopped = stopped or len(references) > _MAX_KEPT
    placed += [placer.place(*problem) for problem in references[:_MAX_KEPT]]
    if placed:
        raise LoadError(placer.findings(placed, stopped=stopped))
    assert policy is not None  # no problem was found, so it structured
    return policy, Source(filename, raw)
