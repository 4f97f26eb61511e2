"""Findings placed at line and column, in file order.

A problem found by the structuring or the reference checks is a code, a field path (a
list of keys and indices into the parsed document) and a message, made only when it is
shown; the Placer finds its line and column in the file's text (inside a scalar, at the
`_Needle` the check names), and turns the problems into at most MAX_FINDINGS findings, in
file order, and a last one that counts the rest.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Collection

import attrs
from ruamel.yaml.comments import CommentedMap

from policykit.findings import Finding, Severity, excerpt
from policykit.source import field_path, position

__all__ = ["MAX_FINDINGS"]

MAX_FINDINGS = 500  # a file with a million bad items still gives a readable answer, quickly


def _error(code: str, message: str, file: str, line: int = 0, column: int = 0, path: str = "") -> Finding:
    return Finding(code, Severity.ERROR, message, file, line, column, path)


# A message, or how to make it when it is shown.
_Message = str | Callable[[], str]


@attrs.frozen
class _Needle:
    """Text that occurs in the scalar's source: the `occurrence`-th `text` from its start."""

    text: str
    occurrence: int
    within: int  # length of the scalar's value, to bound the search


def _suggest(name: str, known: Collection[str]) -> str:
    """`; did you mean 'title'?` for a name close to one of `known`, else nothing."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"; did you mean {excerpt(close[0])}?" if close else ""


# (line, column, code, path, message): a finding before its field path is named
_Placed = tuple[int, int, str, list[str | int], _Message]


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
