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
"""

from __future__ import annotations

import bisect
import difflib
import io
import itertools
import json
import os
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import attrs
import cattrs
from cattrs.errors import AttributeValidationNote, ForbiddenExtraKeysError, IterableValidationNote
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent

from policykit import convert, inline, yamlread
from policykit.errors import LoadError
from policykit.findings import Finding, Severity, excerpt
from policykit.model import (
    BUILTIN_CATEGORIES,
    Article,
    Category,
    Cookie,
    Party,
    Policy,
)
from policykit.source import Source, field_path, position

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "LoadError",
    "Source",
    "dump",
    "load",
    "load_with_source",
    "loads",
    "loads_with_source",
]

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_FINDINGS = 500  # a file with a million bad items still gives a readable answer, quickly


def _error(code: str, message: str, file: str, line: int = 0, column: int = 0, path: str = "") -> Finding:
    return Finding(code, Severity.ERROR, message, file, line, column, path)


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


def load(path: str | os.PathLike[str]) -> Policy:
    """Load a policy file; raise LoadError with every problem found."""
    return load_with_source(path)[0]


def load_with_source(path: str | os.PathLike[str]) -> tuple[Policy, Source]:
    """Load a policy file, and keep where each of its values is, to place findings."""
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
    """Load a policy from the text of a file; `filename` is used in findings."""
    return loads_with_source(source, filename, is_json=is_json)[0]


def loads_with_source(
    source: str | bytes, filename: str = "<string>", *, is_json: bool = False
) -> tuple[Policy, Source]:
    """loads(), and where each value of the text is."""
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


# --- cattrs errors -> findings ---------------------------------------------------


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


# --- references between records ---------------------------------------------------
#
# Read from the parsed document, not from the Policy, so that they run when structuring
# failed too: a party whose country is wrong still declares its id, and a cookie whose
# lifetime is wrong still names its party. Only values of the right type are checked;
# a value of the wrong type is the structuring's finding, never reported twice.

# A message, or how to make it when it is shown.
_Message = str | Callable[[], str]
# (code, path, message, text to find inside the scalar at path, or None)
_Problem = tuple[str, list[str | int], _Message, "_Needle | None"]


@attrs.frozen
class _Needle:
    """Text that occurs in the scalar's source: the `occurrence`-th `text` from its start."""

    text: str
    occurrence: int
    within: int  # length of the scalar's value, to bound the search


def _items(value: Any) -> Iterator[tuple[int, Any]]:
    return enumerate(value) if isinstance(value, list) else iter(())


def _declared(raw: Mapping[str, Any], key: str) -> list[tuple[int, str, str]] | None:
    """(index, id, key that declares it) of each record of raw[key]; None if unusable."""
    records = raw.get(key)
    if not isinstance(records, list):
        return None
    found: list[tuple[int, str, str]] = []
    for index, record in enumerate(records):
        if not isinstance(record, Mapping):
            continue
        if isinstance(record.get("id"), str):
            found.append((index, record["id"], "id"))
        elif key == "cookies" and "id" not in record and isinstance(record.get("name"), str):
            found.append((index, record["name"], "name"))  # a cookie's id defaults to its name
    return found


def _duplicates(ids: Sequence[str]) -> Iterator[int]:
    seen: set[str] = set()
    for index, value in enumerate(ids):
        if value in seen:
            yield index
        seen.add(value)


def _suggest(name: str, known: Collection[str]) -> str:
    """`; did you mean 'title'?` for a name close to one of `known`, else nothing."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"; did you mean {excerpt(close[0])}?" if close else ""


def _listed(names: set[str], limit: int = 20) -> str:
    ordered = sorted(names)
    return ", ".join(ordered[:limit]) + (f" and {len(ordered) - limit} more" if len(ordered) > limit else "")


class _Known:
    """The ids a policy declares; None where the list itself is unusable (nothing to check)."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        parties = _declared(raw, "parties")
        cookies = _declared(raw, "cookies")
        categories = [] if "categories" not in raw else _declared(raw, "categories")
        self.parties = None if parties is None else {i for _, i, _ in parties}
        self.cookies = None if cookies is None else {i for _, i, _ in cookies}
        builtin = {c.id for c in BUILTIN_CATEGORIES}
        self.categories = None if categories is None else builtin | {i for _, i, _ in categories}
        self.declared = (parties or [], cookies or [], categories or [])

    # Messages are made only for the findings shown: difflib over hundreds of ids, for
    # each of a flood of problems, would cost more than the rest of the load.
    def party(self, name: object, at: list[str | int]) -> Iterator[_Problem]:
        if isinstance(name, str) and self.parties is not None and name not in self.parties:
            parties = self.parties

            def message() -> str:
                declared = _listed(parties)
                suggestion = _suggest(name, parties)
                return f"party {excerpt(name)} is not declared under parties{suggestion} (declared: {declared})"

            yield "PK006", at, message, None

    def cookie(self, name: object, at: list[str | int]) -> Iterator[_Problem]:
        if isinstance(name, str) and self.cookies is not None and name not in self.cookies:
            cookies = self.cookies
            yield (
                "PK006",
                at,
                lambda: f"cookie {excerpt(name)} is not declared under cookies{_suggest(name, cookies)}",
                None,
            )

    def category(self, name: object, at: list[str | int]) -> Iterator[_Problem]:
        if isinstance(name, str) and self.categories is not None and name not in self.categories:
            known = self.categories

            def message() -> str:
                suggestion = _suggest(name, known)
                return f"category {excerpt(name)} is not declared{suggestion} (known: {', '.join(sorted(known))})"

            yield "PK006", at, message, None


def _references(raw: Mapping[str, Any]) -> Iterator[_Problem]:
    """Ids used but not declared, declared twice, and bad prose, in the parsed document."""
    known = _Known(raw)
    parties, cookies, categories = known.declared

    for index in _duplicates([i for _, i, _ in parties]):
        record, party_id, _ = parties[index]
        yield "PK007", ["parties", record, "id"], f"party id {excerpt(party_id)} is declared twice", None
    for index in _duplicates([i for _, i, _ in cookies]):
        record, cookie_id, key = cookies[index]
        message = f"cookie id {excerpt(cookie_id)} is declared twice; give one an explicit id"
        yield "PK007", ["cookies", record, key], message, None
    builtin = [c.id for c in BUILTIN_CATEGORIES]
    for index in _duplicates(builtin + [i for _, i, _ in categories]):
        record, category_id, _ = categories[index - len(builtin)]
        message = f"category id {excerpt(category_id)} is declared twice (built-in: {', '.join(builtin)})"
        yield "PK007", ["categories", record, "id"], message, None

    meta = raw.get("meta")
    if isinstance(meta, Mapping):
        yield from _plain(meta.get("title"), ["meta", "title"])
    for index, category in _items(raw.get("categories")):
        if isinstance(category, Mapping):
            yield from _plain(category.get("title"), ["categories", index, "title"])
    for index, cookie in _items(raw.get("cookies")):
        if isinstance(cookie, Mapping):
            yield from known.party(cookie.get("party"), ["cookies", index, "party"])
            yield from known.category(cookie.get("category"), ["cookies", index, "category"])
            yield from _prose(cookie.get("purpose"), None, ["cookies", index, "purpose"], check_refs=False)

    anchors: list[tuple[str, list[str | int]]] = []
    for a_index, article in _items(raw.get("articles")):
        if not isinstance(article, Mapping):
            continue
        a_path: list[str | int] = ["articles", a_index]
        anchors.append((_anchor(article, f"article-{a_index + 1}"), [*a_path, "id"]))
        yield from _container(article, a_path, known)
        for s_index, section in _items(article.get("sections")):
            if isinstance(section, Mapping):
                s_path: list[str | int] = [*a_path, "sections", s_index]
                anchors.append((_anchor(section, f"section-{a_index + 1}-{s_index + 1}"), [*s_path, "id"]))
                yield from _container(section, s_path, known)
    for index in _duplicates([anchor for anchor, _ in anchors]):
        yield "PK007", anchors[index][1], f"id {excerpt(anchors[index][0])} is used by two articles or sections", None


def _anchor(item: Mapping[str, Any], default: str) -> str:
    """As article_id and section_id: the item's own id, else its number."""
    own = item.get("id")
    return own if isinstance(own, str) and own else default


def _container(item: Mapping[str, Any], at: list[str | int], known: _Known) -> Iterator[_Problem]:
    yield from _plain(item.get("title"), [*at, "title"])
    for index, cookie_id in _items(item.get("covers")):
        yield from known.cookie(cookie_id, [*at, "covers", index])
    for b_index, block in _items(item.get("body")):
        b_path: list[str | int] = [*at, "body", b_index]
        if isinstance(block, str):
            yield from _prose(block, set(), b_path)
            continue
        if not isinstance(block, Mapping):
            continue
        kinds = [kind for kind in ("paragraph", "list", "cookies") if kind in block]
        if kinds == ["paragraph"] or kinds == ["list"]:
            refs = block.get("refs", {})
            names = {name for name in refs if isinstance(name, str)} if isinstance(refs, Mapping) else None
            if isinstance(refs, Mapping):
                yield from _refs(refs, b_path, known)
        if kinds == ["paragraph"]:
            yield from _prose(block["paragraph"], names, [*b_path, "paragraph"])
        elif kinds == ["list"]:
            used: set[str] = set()
            for i_index, entry in _items(block["list"]):
                yield from _prose(entry, names, [*b_path, "list", i_index], check_unused=False)
                if isinstance(entry, str):
                    used.update(_names(entry))
            for name in sorted((names or set()) - used):
                yield "PK006", [*b_path, "refs", name], f"reference {excerpt(name)} is used by no placeholder", None
        elif kinds == ["cookies"] and isinstance(block["cookies"], Mapping):
            table: list[str | int] = [*b_path, "cookies"]
            yield from _plain(block["cookies"].get("caption"), [*table, "caption"])
            yield from known.party(block["cookies"].get("party"), [*table, "party"])
            yield from known.category(block["cookies"].get("category"), [*table, "category"])


def _refs(refs: Mapping[Any, Any], at: list[str | int], known: _Known) -> Iterator[_Problem]:
    for name, ref in refs.items():
        if not isinstance(ref, Mapping):
            continue
        r_path: list[str | int] = [*at, "refs", name]
        yield from known.cookie(ref.get("cookie"), [*r_path, "cookie"])
        yield from known.party(ref.get("party"), [*r_path, "party"])
        for index, party in _items(ref.get("parties")):
            yield from known.party(party, [*r_path, "parties", index])


def _names(text: str) -> list[str]:
    try:
        return inline.placeholders(text)
    except inline.InlineError:
        return []


def _placeholder_at(text: str, name: str) -> _Needle:
    """The first `{name}` of `text` that is a placeholder (not inside an escaped '{{')."""
    needle = f"{{{name}}}"
    start = text.find(needle)
    while start > 0 and (start - len(text[:start].rstrip("{"))) % 2 == 1:
        start = text.find(needle, start + 1)
    return _Needle(needle, text.count(needle, 0, max(start, 0)), len(text))


def _no_entry(name: str, refs: set[str]) -> Callable[[], str]:
    def message() -> str:
        close = difflib.get_close_matches(name, sorted(refs), n=1)
        suggestion = f"; did you mean {{{close[0]}}}?" if close else ""
        return f"placeholder {{{name}}} has no entry under refs{suggestion}"

    return message


def _prose(
    text: object,
    refs: set[str] | None,
    at: list[str | int],
    *,
    check_refs: bool = True,
    check_unused: bool = True,
) -> Iterator[_Problem]:
    """Markup and placeholders of `text`; `refs`: the names under refs, None if unknown."""
    if not isinstance(text, str):
        return
    try:
        names = inline.placeholders(text)
    except inline.InlineError as error:
        found = text[error.offset :].split(None, 1)
        snippet = found[0][:60] if found else ""
        needle = _Needle(snippet, text.count(snippet, 0, error.offset), len(text)) if snippet else None
        yield "PK008", at, f"{error} (at character {error.offset + 1})", needle
        return
    for name in dict.fromkeys(names):
        if not check_refs:
            message = f"placeholder {{{name}}} cannot be used here; write '{{{{' for a brace"
            yield "PK008", at, message, _placeholder_at(text, name)
        elif refs is not None and name not in refs:
            yield "PK006", at, _no_entry(name, refs), _placeholder_at(text, name)
    if check_refs and check_unused and refs is not None:
        for name in sorted(refs - set(names)):
            yield "PK006", [*at[:-1], "refs", name], f"reference {excerpt(name)} is used by no placeholder", None


def _plain(text: object, at: list[str | int]) -> Iterator[_Problem]:
    """A title or caption: read by the same parser as prose (the rules do), and plain
    text, since it is shown as written: no placeholder, no tag."""
    problems = list(_prose(text, None, at, check_refs=False))
    yield from problems
    if problems or not isinstance(text, str) or "<" not in text:
        return
    for node in inline.walk(inline.parse_inline(text)):
        if not isinstance(node, inline.Text):
            tag = "a" if isinstance(node, inline.Link) else "em" if isinstance(node, inline.Emphasis) else "strong"
            message = f"<{tag}> cannot be used here: a title or caption is plain text, shown as written"
            yield "PK008", at, message, _Needle(f"<{tag}", 0, len(text))
            return


# --- findings, placed and in file order ------------------------------------------------


# (line, column, code, path, message): a finding before its field path is named
_Placed = tuple[int, int, str, list[str | int], _Message]


def _text(message: _Message) -> str:
    return message if isinstance(message, str) else message()


class _Placer:
    """Places problems in the text of one file."""

    def __init__(self, text: str, raw: CommentedMap, filename: str) -> None:
        self.text, self.raw, self.filename = text, raw, filename
        self._starts: list[int] | None = None

    def place(self, code: str, at: list[str | int], message: _Message, needle: _Needle | None = None) -> _Placed:
        line, column = position(self.raw, at)
        if needle is not None and line:
            line, column = self._inside(line, column, needle)
        return line, column, code, at, message

    def _inside(self, line: int, column: int, needle: _Needle) -> tuple[int, int]:
        """Where `needle` is in the scalar starting at line:column; there, if it cannot be
        found (an escape in a quoted scalar can spell it differently)."""
        if self._starts is None:
            self._starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        starts = self._starts
        if line > len(starts):
            return line, column
        start = starts[line - 1] + column - 1
        end = start + 3 * needle.within + 1024  # folding and indentation lengthen the source a little
        found = start - 1
        for _ in range(needle.occurrence + 1):
            found = self.text.find(needle.text, found + 1, end)
            if found < 0:
                return line, column
        at_line = bisect.bisect_right(starts, found)
        return at_line, found - starts[at_line - 1] + 1

    def findings(self, placed: list[_Placed], *, stopped: bool = False) -> list[Finding]:
        """In file order, at most MAX_FINDINGS and a last one that counts the rest (or says
        that the search stopped, when it did)."""
        placed.sort(key=lambda p: (p[0], p[1], p[2]))  # stable: ties keep the order they were found in
        shown = placed[:MAX_FINDINGS]
        findings = [
            _error(
                code,
                message if isinstance(message, str) else message(),
                self.filename,
                line,
                column,
                field_path(self.raw, at),
            )
            for line, column, code, at, message in shown
        ]
        if len(placed) > len(shown) or stopped:
            line, column = placed[len(shown)][:2] if len(placed) > len(shown) else placed[-1][:2]
            more = len(placed) - len(shown)
            counted = f"at least {more} more problems" if stopped else f"{more} more problems"
            message = f"and {counted} from here on; fix the ones above and load again"
            findings.append(_error("PK009", message, self.filename, line, column))
        return findings


# --- dumping ----------------------------------------------------------------------


def dump(policy: Policy) -> str:
    """The policy as a YAML policy file; `loads(dump(p)) == p`."""
    yaml = YAML(typ="rt", pure=True)
    data = _quoted_where_needed(convert.unstructure(policy))
    # ruamel folds a double-quoted line right after an escape without the '\' that would
    # keep the break out of the value ("a\t" + fold reads back "a\t "): a file that needs
    # double quotes is written unfolded.
    yaml.width = 1 << 30 if _any_double_quoted(data) else 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


# Characters a plain, single-quoted or folded YAML scalar would not keep as they are:
# YAML reads U+0085, U+2028 and U+2029 as line breaks and folds them, and a tab or CR
# next to a fold is lost. In double quotes the dumper writes each as an escape.
_NOT_KEPT_UNQUOTED = re.compile(r"[\t\r\x85\u2028\u2029]|[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _any_double_quoted(data: Any) -> bool:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(data, dict):
        return any(_any_double_quoted(value) for value in data.values())
    if isinstance(data, list):
        return any(_any_double_quoted(value) for value in data)
    return isinstance(data, DoubleQuotedScalarString)


def _quoted_where_needed(data: Any) -> Any:
    """Unstructured policy data with each string that needs it in double quotes."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(data, dict):
        return {key: _quoted_where_needed(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_quoted_where_needed(value) for value in data]
    if isinstance(data, str) and _NOT_KEPT_UNQUOTED.search(data):
        return DoubleQuotedScalarString(data)
    return data
