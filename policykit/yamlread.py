"""A fast, defensive YAML 1.2 reader: libyaml's event stream to positioned data.

In: the text of a YAML (or JSON) document. Out: ruamel.yaml's CommentedMap and
CommentedSeq, whose `.lc` holds the line and column of every key, value and item,
with scalars resolved by the YAML 1.2 core schema (plus ruamel's timestamps).

Why not `YAML(typ="rt").load`: the pure-Python round-trip scanner costs about 0.8 ms a
cookie; libyaml's C parser (ruamel.yaml.clib) costs a tenth of that. Where that C
extension has no wheel (PyPy, new interpreters), ruamel's pure-Python parser supplies
the same events, so every platform reads a file the same way, only slower. The tree is
built here from events, iteratively, so that:
- aliases are refused at the event (no alias bomb is ever expanded);
- nesting deeper than the limit stops the read before any recursion happens;
- duplicate keys are refused with the position of the second one.
Comments are not kept: loading never needs them.

`explain` turns the scanner's and parser's messages for the common mistakes (a tab in
the indentation, a colon inside an unquoted value, a bad indent, a missing dash), from
libyaml or from ruamel's pure reader alike, into words that say what to do, placed
where the mistake is.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from policykit.findings import EXCERPT_LIMIT

__all__ = ["MAX_CONTAINERS", "YamlReadError", "available", "explain", "has_libyaml", "read_yaml"]

CParser: Any = None  # libyaml's parser (ruamel's public CBaseLoader: its events, nothing constructed)
try:  # ruamel.yaml.clib; absent on interpreters it has no wheel for, where the pure parser serves
    from ruamel.yaml.cyaml import CBaseLoader

    CParser = CBaseLoader
except ImportError:  # pragma: no cover
    pass


def has_libyaml() -> bool:
    """Whether libyaml's C parser is there (else the pure-Python one is used)."""
    return CParser is not None


def available() -> bool:
    """The reader works on every platform: over libyaml, else over ruamel's pure parser."""
    return True


class YamlReadError(Exception):
    """`line` and `column` are 0-based, as in ruamel's marks."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


_STR = "tag:yaml.org,2002:str"
# The YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
_NULL = re.compile(r"~|null|Null|NULL|")
_TRUE = re.compile(r"true|True|TRUE")
_FALSE = re.compile(r"false|False|FALSE")
_INT10 = re.compile(r"[-+]?[0-9]+")
_INT8 = re.compile(r"0o[0-7]+")
_INT16 = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")
# Timestamps are not core YAML 1.2, but ruamel (and most editors) read them.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?"
)


def _plain_scalar(value: str) -> Any:
    """The value of an untagged plain scalar."""
    first = value[:1]
    if not first or first in "~nN":
        if _NULL.fullmatch(value):
            return None
    elif first in "tTfF":
        if _TRUE.fullmatch(value):
            return True
        if _FALSE.fullmatch(value):
            return False
    elif first in "0123456789-+.":
        return _number_or_time(value)
    return value


def _number_or_time(value: str) -> Any:
    if _INT10.fullmatch(value):
        return int(value)
    if _INT8.fullmatch(value):
        return int(value[2:], 8)
    if _INT16.fullmatch(value):
        return int(value[2:], 16)
    if _FLOAT.fullmatch(value):
        return float(value)
    if _INF.fullmatch(value):
        return float("-inf") if value[0] == "-" else float("inf")
    if _NAN.fullmatch(value):
        return float("nan")
    if _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if _DATETIME.fullmatch(value):
        text = re.sub(r"[ \t]+", "T", value, count=1).replace("t", "T")
        text = re.sub(r"[ \t]+", "", text)
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return value
    return value


def read_yaml(text: str, max_depth: int, *, pure: bool = False) -> Any:
    """The first document of `text` as positioned data; None for an empty stream.

    Events come from libyaml when it is installed, else (or with `pure`) from
    ruamel's pure-Python parser; the same events give the same data either way."""
    if CParser is None or pure:
        return _build(_pure_events(text), max_depth)
    parser = CParser(io.StringIO(text))
    try:
        return _build(iter(parser.get_event, None), max_depth)
    except MarkedYAMLError as error:
        # libyaml follows YAML 1.1 in a flow mapping, where `{url: https://x}` is an error;
        # YAML 1.2 (and ruamel's parser) reads a ':' that no space follows as text.
        if error.problem != "found unexpected ':'":
            raise
    finally:
        parser.dispose()
    return _build(_pure_events(text), max_depth)


def _pure_events(text: str) -> Iterator[Any]:
    from ruamel.yaml import YAML

    # A generator: it stops at the first error, and _build stops reading at the end of the stream.
    return iter(YAML(typ="safe", pure=True).parse(io.StringIO(text)))


# Each mapping or list costs about 2 kB with its positions: this bounds a file's tree to a
# few hundred MB. A 16 MB policy of 68,000 real cookies holds about 70,000.
MAX_CONTAINERS = 200_000


def _build(events: Iterator[Any], max_depth: int) -> Any:
    # Each open container: [container, pending key, key line, key column].
    stack: list[list[Any]] = []
    root: Any = None
    documents = containers = 0
    for event in events:
        kind = type(event).__name__
        mark = event.start_mark
        if kind == "ScalarEvent":
            tag = event.tag
            if tag is not None and tag not in ("!", _STR):
                raise YamlReadError(f"YAML tags ({_cut(tag)}) are not allowed in a policy file", mark.line, mark.column)
            plain = event.implicit[0] and tag is None and not event.style
            value: Any = _plain_scalar(event.value) if plain else event.value
            node, is_container = value, False
        elif kind in ("MappingStartEvent", "SequenceStartEvent"):
            if event.tag is not None:
                message = f"YAML tags ({_cut(event.tag)}) are not allowed in a policy file"
                raise YamlReadError(message, mark.line, mark.column)
            if len(stack) >= max_depth:
                raise YamlReadError(f"nested more than {max_depth} levels deep", mark.line, mark.column)
            containers += 1
            if containers > MAX_CONTAINERS:
                raise YamlReadError(
                    f"holds more than {MAX_CONTAINERS:,} mappings and lists; a policy file may have at most that many",
                    mark.line,
                    mark.column,
                )
            node = CommentedMap() if kind == "MappingStartEvent" else CommentedSeq()
            node._yaml_set_line_col(mark.line, mark.column)
            is_container = True
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            stack.pop()
            continue
        elif kind == "AliasEvent":
            raise YamlReadError("YAML aliases (*name) are not allowed in a policy file", mark.line, mark.column)
        elif kind == "DocumentStartEvent":
            documents += 1
            if documents > 1:
                raise YamlReadError("holds more than one YAML document", mark.line, mark.column)
            continue
        elif kind == "StreamEndEvent":
            break
        else:  # StreamStart, DocumentEnd
            continue

        if not stack:
            root = node
        else:
            frame = stack[-1]
            parent = frame[0]
            if isinstance(parent, CommentedSeq):
                parent._yaml_set_idx_line_col(len(parent), [mark.line, mark.column])
                parent.append(node)
            elif frame[1] is _NO_KEY:
                if is_container:
                    raise YamlReadError("a mapping key must be a plain value", mark.line, mark.column)
                if value in parent:
                    raise YamlReadError(f'found duplicate key "{_cut(str(value))}"', mark.line, mark.column)
                frame[1], frame[2], frame[3] = value, mark.line, mark.column
                continue
            else:
                key = frame[1]
                parent._yaml_set_kv_line_col(key, [frame[2], frame[3], mark.line, mark.column])
                parent[key] = node
                frame[1] = _NO_KEY
        if is_container:
            stack.append([node, _NO_KEY, 0, 0])
    return root


_NO_KEY: Any = object()


# --- plain words for syntax errors ------------------------------------------------

# Greedy, ending on a non-space: a lazy key followed by `[ ]*:` backtracks quadratically
# over a long line of spaces with no colon.
_KEY_END = r"(?:[^:#]*[^\s:#])?"
_FIRST_KEY = re.compile(rf"[ ]*(?:-[ ]+)*(?P<key>[^\s#'\"{{\[:-]{_KEY_END}|-[^\s:#]{_KEY_END})[ ]*:(?:[ \t]|$)")


def _line(text: str, line: int) -> str:
    lines = text.split("\n")
    return lines[line].rstrip("\r") if 0 <= line < len(lines) else ""


def _cut(text: str) -> str:
    """`text` as a message shows it: at most EXCERPT_LIMIT characters, then '...'."""
    return text if len(text) <= EXCERPT_LIMIT else text[:EXCERPT_LIMIT] + "..."


def _quoted(value: str) -> str:
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _key_column(text: str) -> int:
    """Where the first key of a line starts (after any dashes), else its indentation."""
    match = _FIRST_KEY.match(text)
    return match.start("key") if match else len(text) - len(text.lstrip(" "))


def _line_above(text: str, line: int) -> str:
    """The nearest line above `line` that holds more than a comment."""
    lines = text.split("\n")
    for above in reversed(lines[: max(line, 0)]):
        if above.strip() and not above.lstrip().startswith("#"):
            return above.rstrip("\r")
    return ""


def explain(
    text: str, problem: str, line: int, column: int, context: str = "", context_at: tuple[int, int] | None = None
) -> tuple[str, int, int]:
    """A message for a YAML syntax error that says what to do, and where (0-based).

    `problem` and `context` are the reader's words, `line` and `column` its problem
    mark, `context_at` its context mark. Mistakes not recognized keep the reader's words.
    """
    here = _line(text, line)
    if "\t" in here[: column + 1] and ("cannot start any token" in problem or "tab" in problem):
        leading = here[: len(here) - len(here.lstrip(" \t"))]
        if "\t" in leading:
            return (
                "a tab in the indentation: YAML indents with spaces only; replace the tab with spaces",
                line,
                leading.index("\t"),
            )
        return "a tab character here: YAML does not allow one outside quotes; use spaces", line, here.index("\t")
    if problem.startswith("mapping values are not allowed"):
        return _colon(text, here, line, column)
    if "did not find expected '-' indicator" in problem or (
        problem.startswith("expected <block end>") and context == "while parsing a block collection"
    ):
        key = _key_at(here, column)
        return (
            f"'{_cut(key)}' lines up with the dashes of the list above but has no dash: start a new item with "
            f"'- {_cut(key)}', or indent it to line up with the keys of the item above",
            line,
            column,
        )
    if problem == "did not find expected key" or (
        problem.startswith("expected <block end>") and context == "while parsing a block mapping"
    ):
        key = _key_at(here, column)
        above = _key_column(_line_above(text, line))
        return (
            f"bad indentation: '{_cut(key)}' starts in column {column + 1}, the line above in column {above + 1}; "
            "keys of one mapping start in the same column",
            line,
            column,
        )
    if problem.startswith("could not find expected ':'") and context_at is not None:
        at_line, at_column = context_at
        word = _line(text, at_line)[at_column:].strip()
        return (
            f"'{_cut(word)}' is neither 'key: value' nor a list item: add the missing ':' or the missing '- '",
            at_line,
            at_column,
        )
    return problem, line, column


def _key_at(here: str, column: int) -> str:
    match = _FIRST_KEY.match(here[column:])
    return match.group("key").strip() if match else here[column:].strip()


def _colon(text: str, here: str, line: int, column: int) -> tuple[str, int, int]:
    """': ' where YAML cannot start a key: inside an unquoted value, or after a bad indent."""
    match = _FIRST_KEY.match(here)
    if match is not None and match.end("key") < column:
        key = match.group("key").strip()
        value = here[match.end() :].strip()
        example = f": {_cut(key)}: {_quoted(value)}" if len(key) + len(value) <= EXCERPT_LIMIT else ""
        return (
            f"the value of '{_cut(key)}' holds ': ', which YAML reads as a new key; put the value in quotes{example}",
            line,
            column,
        )
    key = match.group("key").strip() if match else here.strip()
    start = _key_column(here)
    above = _key_column(_line_above(text, line))
    return (
        f"'{_cut(key)}' is indented more than the line above (column {start + 1}, not {above + 1}), so YAML reads it "
        "as more of the value above: line it up with the keys above, or put a value that holds ': ' in quotes",
        line,
        start,
    )
