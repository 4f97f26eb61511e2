"""The widths of a cookie table's columns on paper (PDF) and in Word (DOCX), from what they hold.

In: a DocTable and the measures of the page: the width the table may take, an average
character's width (the cookie's name, in the first column, has its own: monospaced or
bold), and a cell's padding, all in one unit. Out: each column's width in that unit.

Each column is at least as wide as its longest word (up to LONGEST_WORD characters), so
"Lifetime" or "TawkConnectionTime" never breaks inside; what is left is shared by what
each column holds on average beyond that, so the purpose is wide, names and lifetimes
narrow. A table with more columns than the page holds at their longest words shrinks
evenly.
"""

from __future__ import annotations

from attrs import frozen

from policykit.document import DocTable
from policykit.inline import plain_text

__all__ = ["LONGEST_WORD", "Measures", "column_widths"]

LONGEST_WORD = 32


@frozen
class Measures:
    """A page's measures for a table, in one unit (points, twentieths of a point...)."""

    width: float  # what the table may take
    char: float  # an average character of the body text
    first_char: float  # an average character of the first column (the cookie's name)
    padding: float  # a cell's left and right padding together


def column_widths(table: DocTable, measures: Measures) -> list[float]:
    """Each column's width, adding up to `measures.width`."""
    columns = len(table.header)
    words = [_longest_word(label) for label in table.header]
    lengths = [0] * columns
    for row in table.rows:
        for index, cell in enumerate(row):
            text = plain_text(cell)
            words[index] = max(words[index], _longest_word(text))
            lengths[index] += len(text)
    rows = max(len(table.rows), 1)
    chars = [measures.first_char if index == 0 else measures.char for index in range(columns)]
    least = [measures.padding + chars[index] * min(words[index], LONGEST_WORD) for index in range(columns)]
    spare = measures.width - sum(least)
    if spare <= 0:
        return [width * measures.width / sum(least) for width in least]
    average = [lengths[index] / rows * chars[index] + measures.padding for index in range(columns)]
    wants = [max(average[index] - least[index], 0.0) for index in range(columns)]
    total = sum(wants)
    if total == 0:  # every column already fits: share what is left evenly
        return [width + spare / columns for width in least]
    return [least[index] + spare * wants[index] / total for index in range(columns)]


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)
