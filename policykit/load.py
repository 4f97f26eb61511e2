"""Loading a policy file, and dumping a policy back to YAML.

In: a path to a YAML 1.2 or JSON policy file (or its text). Out: a Policy, or
LoadError holding every problem of the file as a Finding with file, line, column
and field path, such as `cookies[WHMCSLinkID].lifetime`.

Defences against hostile input, each a clear error rather than a crash:
- files over MAX_BYTES, invalid UTF-8, empty files, directories, missing paths;
- YAML aliases (no alias bombs: a policy never needs them) and nesting deeper
  than MAX_DEPTH (no recursion blow-up);
- duplicate keys, unknown keys, and any coercion of a value to another type.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

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
from policykit.findings import Finding, Severity
from policykit.model import (
    BUILTIN_CATEGORIES,
    Article,
    CookieTable,
    ItemList,
    Paragraph,
    Policy,
    Ref,
    Section,
    article_id,
    section_id,
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
    try:
        policy = convert.structure(raw, Policy)
    except Exception as error:  # cattrs groups every field error; report them all
        findings = [_structure_finding(raw, filename, *item) for item in _walk(error, [])]
        raise LoadError(_in_file_order(findings)) from None
    problems = [
        _error(code, message, filename, *position(raw, at), path=field_path(raw, at))
        for code, at, message in _references(policy)
    ]
    if problems:
        raise LoadError(_in_file_order(problems))
    return policy, Source(filename, raw)


def _in_file_order(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.line, f.column, f.path, f.message))


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
    if is_json:
        _check_json(text, filename)
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
    return document


def _check_json(text: str, filename: str) -> None:
    """JSON's own syntax is stricter than YAML's; check it before reading positions."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r}")
            seen[key] = value
        return seen

    try:
        json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as error:
        raise LoadError([_error("PK002", f"invalid JSON: {error.msg}", filename, error.lineno, error.colno)]) from None
    except (ValueError, RecursionError) as error:
        raise LoadError([_error("PK002", f"invalid JSON: {error}", filename)]) from None


# --- cattrs errors -> findings ---------------------------------------------------


def _note(error: Exception, kind: type) -> Any:
    for note in getattr(error, "__notes__", ()):
        if isinstance(note, kind):
            return note
    return None


def _allowed_keys(cls: type) -> str:
    keys = [
        convert.KEY_NAMES.get((cls, a.name), a.name)
        for a in attrs.fields(cls)
        if (cls, a.name) not in convert.NOT_IN_FILE
    ]
    return ", ".join(keys)


def _walk(error: BaseException, at: list[str | int]) -> Iterator[tuple[str, list[str | int], str, bool]]:
    """Flatten cattrs' exception groups into (code, path, message, at_key)."""
    if isinstance(error, convert.Nested):
        yield from _walk(error.error, [*at, error.key])
    elif isinstance(error, cattrs.ClassValidationError):
        for sub in error.exceptions:
            note = _note(sub, AttributeValidationNote)
            if isinstance(sub, ForbiddenExtraKeysError):
                for key in sorted(sub.extra_fields):
                    yield "PK003", [*at, key], f"unknown key; expected one of: {_allowed_keys(error.cl)}", True
            elif note is None:
                yield from _walk(sub, at)
            else:
                key = convert.KEY_NAMES.get((error.cl, note.name), note.name)
                if isinstance(sub, KeyError):
                    yield "PK004", [*at, key], "missing required key", False
                else:
                    yield from _walk(sub, [*at, key])
    elif isinstance(error, cattrs.IterableValidationError):
        for sub in error.exceptions:
            note = _note(sub, IterableValidationNote)
            yield from _walk(sub, at if note is None else [*at, note.index])
    elif isinstance(error, ForbiddenExtraKeysError):
        for key in sorted(error.extra_fields):
            yield "PK003", [*at, key], "unknown key", True
    else:
        message = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
        yield "PK005", at, message or type(error).__name__, False


def _structure_finding(raw: Any, filename: str, code: str, at: list[str | int], message: str, at_key: bool) -> Finding:
    line, column = position(raw, at, key=at_key)
    return _error(code, message, filename, line, column, field_path(raw, at))


# --- references between records ---------------------------------------------------


def _duplicates(ids: Sequence[str]) -> Iterator[int]:
    seen: set[str] = set()
    for index, value in enumerate(ids):
        if value in seen:
            yield index
        seen.add(value)


def _references(policy: Policy) -> Iterator[tuple[str, list[str | int], str]]:
    """(code, path, message) for ids used but not declared, declared twice, and bad prose."""
    party_ids = {p.id for p in policy.parties}
    cookie_ids = {c.id for c in policy.cookies}
    category_ids = {c.id for c in policy.all_categories}

    for index in _duplicates([p.id for p in policy.parties]):
        yield "PK007", ["parties", index, "id"], f"party id {policy.parties[index].id!r} is declared twice"
    for index in _duplicates([c.id for c in policy.cookies]):
        yield (
            "PK007",
            ["cookies", index, "id" if policy.cookies[index].name != policy.cookies[index].id else "name"],
            f"cookie id {policy.cookies[index].id!r} is declared twice; give one an explicit id",
        )
    builtin = [c.id for c in BUILTIN_CATEGORIES]
    for index in _duplicates(builtin + [c.id for c in policy.categories]):
        yield (
            "PK007",
            ["categories", index - len(builtin), "id"],
            f"category id {policy.all_categories[index].id!r} is declared twice (built-in: {', '.join(builtin)})",
        )

    for index, cookie in enumerate(policy.cookies):
        if cookie.party not in party_ids:
            yield "PK006", ["cookies", index, "party"], f"party {cookie.party!r} is not declared under parties"
        if cookie.category not in category_ids:
            yield (
                "PK006",
                ["cookies", index, "category"],
                f"category {cookie.category!r} is not declared; known: {', '.join(sorted(category_ids))}",
            )
        yield from _prose(cookie.purpose, {}, ["cookies", index, "purpose"], check_refs=False)

    anchors: list[tuple[str, list[str | int]]] = []
    for a_index, article in enumerate(policy.articles):
        a_path: list[str | int] = ["articles", a_index]
        anchors.append((article_id(article, a_index + 1), [*a_path, "id"]))
        yield from _container(article, a_path, policy, party_ids, cookie_ids, category_ids)
        for s_index, section in enumerate(article.sections):
            s_path: list[str | int] = [*a_path, "sections", s_index]
            anchors.append((section_id(section, a_index + 1, s_index + 1), [*s_path, "id"]))
            yield from _container(section, s_path, policy, party_ids, cookie_ids, category_ids)
    for index in _duplicates([anchor for anchor, _ in anchors]):
        yield "PK007", anchors[index][1], f"id {anchors[index][0]!r} is used by two articles or sections"


def _container(
    item: Article | Section,
    at: list[str | int],
    policy: Policy,
    party_ids: set[str],
    cookie_ids: set[str],
    category_ids: set[str],
) -> Iterator[tuple[str, list[str | int], str]]:
    for index, cookie_id in enumerate(item.covers):
        if cookie_id not in cookie_ids:
            yield "PK006", [*at, "covers", index], f"cookie {cookie_id!r} is not declared under cookies"
    for b_index, block in enumerate(item.body):
        b_path: list[str | int] = [*at, "body", b_index]
        if isinstance(block, Paragraph):
            yield from _refs(block.refs, b_path, party_ids, cookie_ids)
            yield from _prose(block.text, block.refs, [*b_path, "paragraph"] if block.refs else b_path)
        elif isinstance(block, ItemList):
            yield from _refs(block.refs, b_path, party_ids, cookie_ids)
            used: set[str] = set()
            for i_index, entry in enumerate(block.items):
                yield from _prose(entry, block.refs, [*b_path, "list", i_index], check_unused=False)
                used.update(_names(entry))
            for name in sorted(set(block.refs) - used):
                yield "PK006", [*b_path, "refs", name], f"reference {name!r} is used by no placeholder"
        elif isinstance(block, CookieTable):
            if block.party is not None and block.party not in party_ids:
                yield "PK006", [*b_path, "cookies", "party"], f"party {block.party!r} is not declared under parties"
            if block.category is not None and block.category not in category_ids:
                yield "PK006", [*b_path, "cookies", "category"], f"category {block.category!r} is not declared"


def _refs(
    refs: Mapping[str, Ref], at: list[str | int], party_ids: set[str], cookie_ids: set[str]
) -> Iterator[tuple[str, list[str | int], str]]:
    for name, ref in refs.items():
        if ref.cookie is not None and ref.cookie not in cookie_ids:
            yield "PK006", [*at, "refs", name, "cookie"], f"cookie {ref.cookie!r} is not declared under cookies"
        if ref.party is not None and ref.party not in party_ids:
            yield "PK006", [*at, "refs", name, "party"], f"party {ref.party!r} is not declared under parties"
        for index, party in enumerate(ref.parties):
            if party not in party_ids:
                yield "PK006", [*at, "refs", name, "parties", index], f"party {party!r} is not declared under parties"


def _names(text: str) -> list[str]:
    try:
        return inline.placeholders(text)
    except inline.InlineError:
        return []


def _prose(
    text: str, refs: Mapping[str, Ref], at: list[str | int], *, check_refs: bool = True, check_unused: bool = True
) -> Iterator[tuple[str, list[str | int], str]]:
    try:
        names = inline.placeholders(text)
    except inline.InlineError as error:
        yield "PK008", at, f"{error} (at character {error.offset + 1})"
        return
    for name in dict.fromkeys(names):
        if not check_refs:
            yield "PK008", at, f"placeholder {{{name}}} cannot be used here; write '{{{{' for a brace"
        elif name not in refs:
            yield "PK006", at, f"placeholder {{{name}}} has no entry under refs"
    if check_refs and check_unused:
        for name in sorted(set(refs) - set(names)):
            yield (
                "PK006",
                [*at[:-1], "refs", name] if at[-1] == "paragraph" else at,
                f"reference {name!r} is used by no placeholder",
            )


# --- dumping ----------------------------------------------------------------------


def dump(policy: Policy) -> str:
    """The policy as a YAML policy file; `loads(dump(p)) == p`."""
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(convert.unstructure(policy), out)
    return out.getvalue()
