"""Structuring the parsed document into a Policy with cattrs, and cattrs' errors as problems.

In: the parsed document. Out: the Policy, or None and its problems (code, field path,
message) at line and column: unknown keys (PK003, with a "did you mean"), missing keys
(PK004), values of the wrong type (PK005). A long list is structured item by item, so a
file of a million bad items stops early instead of building a million exceptions.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Mapping
from typing import Any, cast

import attrs
import cattrs
from cattrs.errors import AttributeValidationNote, ForbiddenExtraKeysError, IterableValidationNote
from ruamel.yaml.comments import CommentedMap

from policykit import convert
from policykit.load.place import MAX_FINDINGS, _Message, _Placed, _suggest
from policykit.model import Article, Category, Cookie, Party, Policy
from policykit.source import position

__all__: list[str] = []  # the package uses its steps; none is public API

# A list this long is structured item by item, and the search stops once thousands of
# its items have failed: cattrs would otherwise build an exception (with notes) for every
# bad field of a million items before the first one could be reported. Below that, the
# count of the problems not listed is exact.
_LONG_LIST = 2 * MAX_FINDINGS
_MAX_KEPT = 20 * MAX_FINDINGS  # problems kept before sorting into file order
_ITEM_TYPES: dict[str, type] = {"parties": Party, "cookies": Cookie, "articles": Article, "categories": Category}


def _structure(raw: CommentedMap, placed: list[_Placed]) -> tuple[Policy | None, bool]:
    """The Policy, or None with its problems added to `placed`; and whether the search
    for problems stopped early."""
    long = {key: items for key, items in raw.items() if key in _ITEM_TYPES and isinstance(items, list)
            and len(items) > _LONG_LIST}  # fmt: skip
    structured: dict[str, tuple[Any, ...]] = {}
    for key, items in long.items():
        done: list[Any] = []
        failed = 0
        for index, item in enumerate(items):
            try:
                done.append(convert.structure(item, _ITEM_TYPES[key]))
            except Exception as error:  # a cattrs error group: one problem per bad field
                failed += 1
                placed.extend(_structure_problem(raw, *problem) for problem in _walk(error, [key, index], raw))
                if failed > _MAX_KEPT // 4 or len(placed) > _MAX_KEPT:
                    return None, True  # enough to report; counting the rest would cost as much as the rest
        structured[key] = tuple(done)
    rest = CommentedMap((key, [] if key in long else value) for key, value in raw.items()) if long else raw
    try:
        policy = convert.structure(rest, Policy)
    except Exception as error:  # cattrs groups every field error; report them all
        # A million unknown keys: place the first _MAX_KEPT (in file order), and say the rest
        # exist rather than placing each, which would cost as much as the rest.
        problems = _walk(error, [], raw)
        placed += [_structure_problem(raw, *item) for item in itertools.islice(problems, _MAX_KEPT)]
        return None, next(problems, None) is not None
    if placed:
        return None, False
    return attrs.evolve(
        policy,
        parties=cast("tuple[Party, ...]", structured.get("parties", policy.parties)),
        cookies=cast("tuple[Cookie, ...]", structured.get("cookies", policy.cookies)),
        articles=cast("tuple[Article, ...]", structured.get("articles", policy.articles)),
        categories=cast("tuple[Category, ...]", structured.get("categories", policy.categories)),
    ), False


def _note(error: Exception, kind: type) -> Any:
    for note in getattr(error, "__notes__", ()):
        if isinstance(note, kind):
            return note
    return None


def _allowed_keys(cls: type) -> list[str]:
    return [
        convert.KEY_NAMES.get((cls, a.name), a.name)
        for a in attrs.fields(cls)
        if (cls, a.name) not in convert.NOT_IN_FILE
    ]


def _unknown_key(key: object, cls: type) -> _Message:
    """The message for an unknown key, made only if it is shown: a file of a million
    unknown keys shows MAX_FINDINGS, and a suggestion costs a fuzzy match each."""

    def message() -> str:
        allowed = _allowed_keys(cls)
        suggestion = _suggest(key, allowed) if isinstance(key, str) else ""
        return f"unknown key{suggestion or ';'} expected one of: {', '.join(allowed)}"

    return message


def _in_file_order(keys: Collection[object], raw: Any, at: list[str | int]) -> list[object]:
    """`keys` of the mapping at `at` in `raw`, in the order the file writes them."""
    node = raw
    for step in at:
        inside = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        node = node[step] if inside or (isinstance(node, Mapping) and step in node) else None
    ordered = [key for key in node if key in keys] if isinstance(node, Mapping) else []
    if len(ordered) < len(keys):
        ordered += sorted(set(keys) - set(ordered), key=str)
    return ordered


def _walk(
    error: BaseException, at: list[str | int], raw: Any = None
) -> Iterator[tuple[str, list[str | int], _Message, bool]]:
    """Flatten cattrs' exception groups into (code, path, message, at_key); unknown keys
    in the order of the document `raw`."""
    if isinstance(error, convert.Nested):
        yield from _walk(error.error, [*at, error.key], raw)
    elif isinstance(error, cattrs.ClassValidationError):
        for sub in error.exceptions:
            note = _note(sub, AttributeValidationNote)
            if isinstance(sub, ForbiddenExtraKeysError):
                for key in _in_file_order(sub.extra_fields, raw, at):
                    yield "PK003", [*at, cast("str", key)], _unknown_key(key, error.cl), True
            elif note is None:
                yield from _walk(sub, at, raw)
            else:
                key = convert.KEY_NAMES.get((error.cl, note.name), note.name)
                if isinstance(sub, KeyError):
                    yield "PK004", [*at, key], "missing required key", False
                else:
                    yield from _walk(sub, [*at, key], raw)
    elif isinstance(error, cattrs.IterableValidationError):
        for sub in error.exceptions:
            note = _note(sub, IterableValidationNote)
            yield from _walk(sub, at if note is None else [*at, note.index], raw)
    elif isinstance(error, ForbiddenExtraKeysError):
        for key in _in_file_order(error.extra_fields, raw, at):
            yield "PK003", [*at, cast("str", key)], "unknown key", True
    else:
        message = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
        yield "PK005", at, message or type(error).__name__, False


def _structure_problem(raw: Any, code: str, at: list[str | int], message: _Message, at_key: bool) -> _Placed:
    line, column = position(raw, at, key=at_key)
    return line, column, code, at, message
