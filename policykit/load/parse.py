"""Reading a policy file's text: YAML 1.2, or JSON checked against JSON's own grammar.

In: the file's bytes or text. Out: the parsed document (ruamel's CommentedMap and lists,
which keep each value's line and column), or LoadError with one finding (PK001 for a file
that is not a policy's text, PK002 for one that does not parse). Refused: invalid UTF-8,
empty files, YAML aliases (no alias bombs), nesting deeper than MAX_DEPTH, duplicate keys;
in JSON also NaN, Infinity, numbers past a float's range and lone surrogate escapes. A
JSON file's values are the json module's, at the YAML reader's positions.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent

from policykit import yamlread
from policykit.errors import LoadError
from policykit.findings import excerpt
from policykit.load.place import _error

__all__ = ["MAX_BYTES", "MAX_DEPTH"]

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64


class _NoAliasComposer(Composer):
    """Refuses aliases, so `*a` can never multiply a document (alias bombs)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            mark = self.parser.get_event().start_mark
            raise _AliasError(mark.line, mark.column)
        return super().compose_node(parent, index)


class _AliasError(Exception):
    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.line = line
        self.column = column


def _yaml() -> YAML:
    # A new instance per file: ruamel keeps per-document state (depth, anchors).
    yaml = YAML(typ="rt", pure=True)
    yaml.Composer = _NoAliasComposer
    yaml.max_depth = MAX_DEPTH
    yaml.allow_duplicate_keys = False
    return yaml


def _decode(data: bytes, filename: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise LoadError(
            [_error("PK001", f"is not valid UTF-8 (byte 0x{data[error.start]:02x})", filename, line, column)]
        ) from None
    return text


def _parse(text: str, filename: str, is_json: bool) -> Any:
    if not text.strip():
        raise LoadError([_error("PK001", "is empty; expected a policy", filename)])
    exact = _check_json(text, filename) if is_json else None
    if exact is not None:
        # The YAML reader gives the positions; the values are the json module's, which
        # reads JSON as its specification says (surrogate pairs, U+0085 kept as itself).
        text = _for_positions(text)
    try:
        # Without libyaml (no wheel for this interpreter), ruamel's pure reader: slower, same results.
        document = yamlread.read_yaml(text, MAX_DEPTH) if yamlread.available() else _yaml().load(io.StringIO(text))
    except yamlread.YamlReadError as error:
        raise LoadError([_error("PK002", error.message, filename, error.line + 1, error.column + 1)]) from None
    except _AliasError as error:
        raise LoadError(
            [
                _error(
                    "PK002",
                    "YAML aliases (*name) are not allowed in a policy file",
                    filename,
                    error.line + 1,
                    error.column + 1,
                )
            ]
        ) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = (error.problem or error.context or "invalid YAML").strip()
        if "duplicate key" in problem:
            problem = problem.split(" with value")[0]
        elif "maximum depth" in problem:
            problem = f"nested more than {MAX_DEPTH} levels deep"
        elif mark is not None:
            context = error.context_mark
            problem, line, column = yamlread.explain(
                text,
                problem,
                mark.line,
                mark.column,
                (error.context or "").strip(),
                (context.line, context.column) if context is not None else None,
            )
            line, column = line + 1, column + 1
        raise LoadError([_error("PK002", problem, filename, line, column)]) from None
    except (YAMLError, RecursionError) as error:
        raise LoadError([_error("PK002", f"cannot be parsed: {error}", filename)]) from None
    if document is None:
        raise LoadError([_error("PK001", "holds no document; expected a policy", filename, 1, 1)])
    return document if exact is None else _exact_values(document, exact[0])


def _check_json(text: str, filename: str) -> tuple[Any]:
    """JSON's own syntax is stricter than YAML's; check it before reading positions.
    Returns the document as the json module reads it (in a 1-tuple: it may be None)."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {excerpt(key)}")
            seen[key] = value
        return seen

    import math

    def no_constant(name: str) -> Any:
        raise _NotANumber(name)

    def finite(digits: str) -> float:
        number = float(digits)
        if not math.isfinite(number):
            raise _NotANumber(digits)
        return number

    try:
        document = json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constant, parse_float=finite)
    except _NotANumber:
        # The json module gives no position here: find the first such number itself
        # (the rest of the text is JSON, so skipping its strings is enough).
        for match in _NUMBER_OR_CONSTANT.finditer(text):
            word = match.group("number")
            if word is None:
                continue
            constant = word.lstrip("-") in ("NaN", "Infinity")
            # Only a fraction or an exponent is read as a float; a long integer is exact.
            if not constant and not (any(c in word for c in ".eE") and math.isinf(float(word))):
                continue
            line = text.count("\n", 0, match.start("number")) + 1
            column = match.start("number") - text.rfind("\n", 0, match.start("number"))
            if constant:
                message = f"invalid JSON: {word} is not a number JSON has"
            else:
                message = f"invalid JSON: the number {word} is too large to hold"
            raise LoadError([_error("PK002", message, filename, line, column)]) from None
        raise LoadError([_error("PK002", "invalid JSON: a number out of range", filename)]) from None
    except json.JSONDecodeError as error:
        raise LoadError([_error("PK002", f"invalid JSON: {error.msg}", filename, error.lineno, error.colno)]) from None
    except (ValueError, RecursionError) as error:
        raise LoadError([_error("PK002", f"invalid JSON: {error}", filename)]) from None
    # JSON's grammar allows an escaped half of a surrogate pair on its own; it is no
    # character, and no output could be written with it.
    for match in _ESCAPE.finditer(text):
        if _LONE_SURROGATE.fullmatch(match.group(0)):
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - text.rfind("\n", 0, match.start())
            message = f"invalid JSON string: {match.group(0)} is half of a surrogate pair, not a character"
            raise LoadError([_error("PK002", message, filename, line, column)])
    return (document,)


class _NotANumber(ValueError):
    """NaN, Infinity or a number past a float's range, met by the json module."""


# A JSON string (skipped), or a number or a constant outside one.
_NUMBER_OR_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(?P<number>-?(?:NaN|Infinity)|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)')


# A JSON escape; a pair of surrogate escapes (one character); a surrogate escape alone.
_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.")
_LONE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE_PAIR = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _for_positions(text: str) -> str:
    """JSON text the YAML reader reads with the same structure, lines and columns: a
    surrogate pair escape (which it refuses) becomes one of the same length, and the
    characters YAML breaks lines at (JSON does not) become spaces."""

    def same_length(match: re.Match[str]) -> str:
        return "\\u0020\\u0020" if _SURROGATE_PAIR.fullmatch(match.group(0)) else match.group(0)

    return _NOT_YAML_TEXT.sub(" ", _ESCAPE.sub(same_length, text))


# What YAML does not read as one printable character of a line (a raw DEL, C1 controls,
# U+0085, U+2028/2029, a byte order mark), though a JSON string may hold it.
_NOT_YAML_TEXT = re.compile(
    r"[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def _exact_values(node: Any, value: Any) -> Any:
    """The YAML reader's document (with its positions) holding the json module's values."""
    if isinstance(node, CommentedMap) and isinstance(value, dict):
        keys = list(node)
        if keys != list(value):  # a key with an escape the reader was given in another form
            positions = node.lc.data
            for old, new in zip(keys, value, strict=True):
                if old in positions:
                    positions[new] = positions.pop(old)
                node[new] = node.pop(old)
        for key in value:
            node[key] = _exact_values(node[key], value[key])
        return node
    if isinstance(node, list) and isinstance(value, list):
        for index, item in enumerate(value):
            node[index] = _exact_values(node[index], item)
        return node
    return value
