"""Rules on names: cookie and party names that hide characters or imitate each other.

In: a Context (the policy). Out: Issues pointing at a cookie's or a party's name.

A reader, a consent tool and a browser compare names character by character: `_ga`
followed by a zero-width space is another cookie than `_ga`, and `Google` spelt
with Cyrillic o's (U+043E) is another party than `Google`, though both look the same on screen. Which characters
look alike is Unicode's confusables data (UTS #39), as the confusable_homoglyphs
package ships it; scripts come from the same package's copy of Unicode's Scripts.txt.
"""

from __future__ import annotations

import bisect
import functools
import importlib.util
import json
import os
import unicodedata
from collections.abc import Iterator
from typing import Any

from policykit.findings import Severity, excerpt
from policykit.rules.base import EVERYWHERE, Context, Issue, rule

__all__ = ["RULES", "hidden_characters", "scripts", "skeleton"]

UTS39 = "https://www.unicode.org/reports/tr39/"
# Scripts that UTS #39 (5.2, "Highly Restrictive") lets one identifier combine: Japanese,
# Chinese and Korean writing mix them with Latin as a matter of course.
_ALLOWED_MIXES = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
_NO_SCRIPT = frozenset({"COMMON", "INHERITED"})  # digits, '_', accents: any script's
_BIDI_CLASSES = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI", "L", "R", "AL"})


@functools.lru_cache(maxsize=65536)  # a character's answer never changes; names share most characters
def _hidden(character: str) -> str | None:
    """What a character that shows nothing (or reorders its neighbours) is, else None."""
    code = f"U+{ord(character):04X}"
    name = unicodedata.name(character, code)
    category = unicodedata.category(character)
    # A format character with a direction of its own is a bidi control: the embeddings,
    # overrides and isolates, and the marks (LRM, RLM, ALM), whose class is L, R or AL.
    if category == "Cf" and unicodedata.bidirectional(character) in _BIDI_CLASSES:
        return f"the bidi control {name} ({code})"
    if category in ("Cf", "Cc", "Zl", "Zp") or "VARIATION SELECTOR" in name or "FILLER" in name:
        return f"the invisible {name} ({code})"
    return None


def hidden_characters(name: str) -> list[str]:
    """Each invisible or bidi control character of `name`, described, in order."""
    return [found for character in dict.fromkeys(name) if (found := _hidden(character)) is not None]


@functools.cache
def _prototypes() -> dict[str, str]:
    """Each confusable character -> one representative of the characters it is
    confusable with. The package lists, for each character, those it looks like;
    groups joined through any such link share the representative with the lowest code
    point, so the choice is deterministic. Multi-character look-alikes ('rn' for 'm')
    are not in this table."""
    alike: dict[str, set[str]] = {}
    for source, homoglyphs in _data("confusables.json").items():
        source = source.strip("\u200e\u200f")
        for homoglyph in homoglyphs:
            target = str(homoglyph["c"]).strip("\u200e\u200f")
            if len(source) == 1 and len(target) == 1 and source != target:
                alike.setdefault(source, set()).add(target)
                alike.setdefault(target, set()).add(source)
    representative: dict[str, str] = {}
    seen: set[str] = set()
    for start in alike:
        if start in seen:
            continue
        group, todo = {start}, [start]
        while todo:
            for other in alike[todo.pop()] - group:
                group.add(other)
                todo.append(other)
        seen |= group
        first = min(group)
        representative.update((character, first) for character in group if character != first)
    return representative


def skeleton(name: str) -> str:
    """What `name` looks like: invisible characters dropped and each confusable
    character replaced by its group's representative, as UTS #39's skeleton does."""
    prototypes = _prototypes()
    visible = (c for c in unicodedata.normalize("NFD", name) if _hidden(c) is None)
    return unicodedata.normalize("NFD", "".join(prototypes.get(c, c) for c in visible))


def scripts(name: str) -> set[str]:
    """The scripts of `name`'s characters, those every script uses left out."""
    return {_script(character) for character in set(name)} - _NO_SCRIPT


def _data(filename: str) -> Any:
    """One of confusable_homoglyphs' JSON files, read from where the package reads it
    (the folder CONFUSABLE_DATA names, else its own) without importing its modules: they
    import urllib.request (30 ms) for the package's update command."""
    spec = importlib.util.find_spec("confusable_homoglyphs")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("confusable_homoglyphs")
    folder = os.environ.get("CONFUSABLE_DATA", os.path.dirname(os.path.abspath(spec.origin)))
    with open(os.path.join(folder, filename), encoding="utf-8") as file:
        return json.load(file)


@functools.cache
def _script_ranges() -> tuple[list[int], list[list[int]], list[str]]:
    """The package's copy of Scripts.txt: the first code point of each range, the ranges
    ([first, last, script, category]) and the scripts' names."""
    data = _data("categories.json")
    ranges = data["code_points_ranges"]
    return [first for first, *_ in ranges], ranges, data["iso_15924_aliases"]


@functools.lru_cache(maxsize=65536)  # looked up once per character, not once per name
def _script(character: str) -> str:
    """The script of a character, as confusable_homoglyphs' aliases_categories finds it
    ('Unknown' for one the data does not list), looked up by bisection in the same data."""
    starts, ranges, names = _script_ranges()
    code = ord(character)
    index = bisect.bisect_right(starts, code) - 1
    if index >= 0 and code <= ranges[index][1]:
        return str(names[ranges[index][2]])
    return "Unknown"


def _names(ctx: Context) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """(where, what, name) of every cookie name and party name."""
    for index, cookie in enumerate(ctx.policy.cookies):
        yield ("cookies", index, "name"), "cookie", cookie.name or cookie.id
    for index, party in enumerate(ctx.policy.parties):
        if party.name is not None:
            yield ("parties", index, "name"), "party", party.name


@rule(
    "PK801",
    Severity.ERROR,
    "A name holds an invisible or bidi control character",
    f"""A zero-width space, a joiner, a soft hyphen or a bidi override in a cookie's or a
    party's name is invisible on screen, but makes the name another string: the policy
    then declares `_ga` + U+200B while the browser holds `_ga`, and a bidi override can
    show a name in another order than it is stored (CVE-2021-42574, "Trojan Source").
    Names must be what the reader sees (GDPR Art. 12(1), transparency). Unicode's
    security mechanisms: {UTS39}.""",
    profiles=EVERYWHERE,
    cites=("cite.gdpr",),
)
def hidden_character(ctx: Context) -> Iterator[Issue]:
    for at, what, name in _names(ctx):
        for found in hidden_characters(name):
            yield Issue(at, f"the {what} name {excerpt(name)} holds {found}")


@rule(
    "PK802",
    Severity.WARNING,
    "A name mixes scripts",
    f"""A name written in two scripts, such as Latin `Google` with a Cyrillic o (U+043E), looks
    like one name and compares as another: a homograph, which misleads the reader (GDPR
    Art. 12(1), transparency). UTS #39 (5.2, "Highly
    Restrictive") allows one script per name, or Latin with the scripts Chinese,
    Japanese and Korean writing combine (Han with Hiragana and Katakana, Bopomofo or
    Hangul); digits and punctuation belong to every script. Source: {UTS39}.""",
    profiles=EVERYWHERE,
    cites=("cite.gdpr",),
)
def mixed_scripts(ctx: Context) -> Iterator[Issue]:
    for at, what, name in _names(ctx):
        used = scripts(name)
        if len(used) > 1 and not any(used <= allowed for allowed in _ALLOWED_MIXES):
            listed = ", ".join(sorted(s.title() for s in used))
            yield Issue(at, f"the {what} name {excerpt(name)} mixes scripts ({listed})")


@rule(
    "PK803",
    Severity.WARNING,
    "Two names look the same but are different strings",
    f"""Two cookies, or two parties, whose names differ only in characters that look
    alike (Latin o and Cyrillic o, U+043E; `l` and `1`) or in invisible characters are one
    name to the reader and two to a browser or a consent tool: the reader cannot tell
    which is which (GDPR Art. 12(1)). Names are compared by their UTS #39 skeleton,
    from Unicode's confusables data. Source: {UTS39}.""",
    profiles=EVERYWHERE,
    cites=("cite.gdpr",),
)
def confusable_names(ctx: Context) -> Iterator[Issue]:
    seen: dict[tuple[str, str], tuple[str, tuple[str | int, ...]]] = {}
    for at, what, name in _names(ctx):
        key = (what, skeleton(name))
        first = seen.setdefault(key, (name, at))
        if first[0] != name:
            where = f"{first[1][0]}[{first[1][1]}]"
            yield Issue(
                at,
                f"the {what} name {excerpt(name)} looks the same as {excerpt(first[0])} ({where}) "
                "but is another string",
            )


RULES = (hidden_character, mixed_scripts, confusable_names)
