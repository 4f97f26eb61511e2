"""A HAR's pages and entries, one at a time, with the nesting depth bounded.

In: the path of a HAR file. Out: ('log', None) once the `log` object opens, then
('page', value) and ('entry', value) in file order; a CaptureError for a file that is
not JSON, has no `log` object or `log.entries` list, or nests deeper than MAX_DEPTH.

With ijson (the `audit` extra) the file is streamed through `ijson.basic_parse`, whose
events carry no prefix: ijson's own prefixes grow with the depth, so a file nested
40,000 levels deep (80 KB) cost gigabytes. Here the path is kept as a stack of keys,
and the first container deeper than MAX_DEPTH stops the read. Without ijson the file is
read with one json.load; Python's parser refuses deep input with a RecursionError, said
here as the same one line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from policykit.audit.observations import CaptureError
from policykit.errors import PolicykitError

__all__ = ["MAX_DEPTH", "har_items"]

# A HAR's own structure is 6 levels deep (log.entries[].response.headers[].value);
# response bodies are strings. 64 leaves room for any exporter's extra fields.
MAX_DEPTH = 64


def _fail(path: Path, why: str) -> PolicykitError:
    return CaptureError(f"{path}: not a HAR file: {why}")


def _too_deep(path: Path) -> PolicykitError:
    return _fail(path, f"nested deeper than {MAX_DEPTH} levels, which no HAR is")


def _loaded(path: Path) -> Iterator[tuple[str, Any]]:
    """Without ijson: the whole file at once."""
    with path.open("rb") as stream:
        try:
            document = json.load(stream)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise _fail(path, str(error)) from None
        except RecursionError:
            raise _too_deep(path) from None
    log = document.get("log") if isinstance(document, dict) else None
    if not isinstance(log, dict):
        raise _fail(path, "no 'log' object at the top")
    yield "log", None
    pages = log.get("pages")
    for page in pages if isinstance(pages, list) else ():
        yield "page", page
    entries = log.get("entries")
    if not isinstance(entries, list):
        raise _fail(path, "'log.entries' is not a list")
    for entry in entries:
        yield "entry", entry


def har_items(path: Path) -> Iterator[tuple[str, Any]]:
    """See the module's docstring."""
    try:
        import ijson  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        yield from _loaded(path)
        return
    # keys[i]: the key of the value being read inside the i-th open container ('item'
    # inside a list), so keys[:depth] is the path of the value an event is about.
    keys: list[str] = []
    builder: Any = None
    built_at = 0  # the depth at which the item being built opened
    kind = ""
    saw_log = saw_entries = False
    with path.open("rb") as stream:
        try:
            for event, value in ijson.basic_parse(stream, use_float=True):
                opens = event in ("start_map", "start_array")
                if opens and len(keys) >= MAX_DEPTH:
                    raise _too_deep(path)
                if builder is not None:
                    builder.event(event, value)
                if opens:
                    if builder is None:
                        where = tuple(keys)
                        if where == ("log",) and event == "start_map":
                            saw_log = True
                            yield "log", None
                        elif where == ("log", "entries") and event == "start_array":
                            saw_entries = True
                        elif where in (("log", "entries", "item"), ("log", "pages", "item")):
                            kind = "entry" if where[1] == "entries" else "page"
                            builder = ijson.ObjectBuilder()
                            builder.event(event, value)
                            built_at = len(keys)
                    keys.append("item" if event == "start_array" else "")
                elif event == "map_key":
                    keys[-1] = value
                elif event in ("end_map", "end_array"):
                    keys.pop()
                    if builder is not None and len(keys) == built_at:
                        yield kind, builder.value
                        builder = None
        except ijson.JSONError as error:
            # yajl's message draws the place over several lines: the first says what.
            # yajl's message comes as bytes: decoded, never shown as a bytes repr.
            message = error.args[0] if error.args else ""
            message = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
            said = message.strip().splitlines()[0] if message.strip() else "invalid JSON"
            raise _fail(path, said) from None
        except UnicodeDecodeError as error:
            raise _fail(path, str(error)) from None
    if not saw_log:
        raise _fail(path, "no 'log' object at the top")
    if not saw_entries:
        raise _fail(path, "'log.entries' is missing or not a list")
