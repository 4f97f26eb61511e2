"""Cookie-name patterns (`_ga_*`, `wp-settings-*-*`) matched in linear time.

In: a pattern where `*` stands for any run of characters (none included) and every
other character is literal, and a name. Out: whether the whole name matches.

Why not a regular expression: `*a*a*a*a*b` turned into `.*a.*a.*a.*a.*b` backtracks, and
a backtracking engine (Python's `re`, JavaScript's) takes time exponential in the number
of stars: 38 s for one 60-character name. A glob needs no backtracking at all: the text
before the first star is a prefix, the text after the last star a suffix, and each piece
in between is found at its leftmost place after the previous one (if any placement
works, the leftmost does, since it leaves the most room for what follows). Each piece is
one `str.find`, so a match costs at most the name's length times the pattern's, and
usually one pass over the name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from attrs import frozen

__all__ = ["Glob", "compile_glob", "glob_match", "linear_regex"]


@frozen
class Glob:
    """A compiled pattern: its prefix, its middle pieces and its suffix (None for an
    exact name, which has no star)."""

    prefix: str
    pieces: tuple[str, ...]
    suffix: str | None
    shortest: int  # the fewest characters a matching name has

    def __call__(self, name: str) -> bool:
        """True when `name` as a whole matches the pattern."""
        if self.suffix is None:
            return name == self.prefix
        if len(name) < self.shortest or not name.startswith(self.prefix):
            return False
        end = len(name) - len(self.suffix)
        if not name.endswith(self.suffix):
            return False
        at = len(self.prefix)
        for piece in self.pieces:
            found = name.find(piece, at, end)
            if found < 0:
                return False
            at = found + len(piece)
        return True


@functools.lru_cache(maxsize=4096)
def compile_glob(pattern: str) -> Glob:
    """The matcher for `pattern`; `compile_glob('_ga_*')('_ga_ABC')` is True."""
    if "*" not in pattern:
        return Glob(pattern, (), None, len(pattern))
    parts = pattern.split("*")
    pieces = tuple(piece for piece in parts[1:-1] if piece)  # '**' is one star
    prefix, suffix = parts[0], parts[-1]
    return Glob(prefix, pieces, suffix, len(prefix) + len(suffix) + sum(map(len, pieces)))


def glob_match(pattern: str, name: str) -> bool:
    """True when the whole of `name` matches `pattern` (`*`: any run of characters)."""
    matcher: Callable[[str], bool] = compile_glob(pattern)
    return matcher(name)


def linear_regex(pattern: str, escape: Callable[[str], str]) -> str:
    """An anchored regular expression for `pattern` that a backtracking engine (Python,
    JavaScript) still runs in linear time, for the consent tools that take a RegExp.

    `escape` makes a piece literal in the target's syntax. One star is `^_ga_.*$`. Each
    middle piece is found at its leftmost place by a lookahead and consumed by a
    backreference, `(?=(.*?piece))\\1`: a lookahead is atomic, so the engine never
    retries another placement, which is what made `.*a.*a.*b` exponential.
    """
    if "*" not in pattern:
        return "^" + escape(pattern) + "$"
    parts = pattern.split("*")
    prefix, suffix = parts[0], parts[-1]
    pieces = [piece for piece in parts[1:-1] if piece]
    middle = "".join(f"(?=(.*?{escape(piece)}))\\{number}" for number, piece in enumerate(pieces, 1))
    return f"^{escape(prefix)}{middle}.*{escape(suffix)}$"
