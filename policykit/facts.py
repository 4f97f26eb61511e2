"""Dated legal and technical facts the rules rest on, and the words they look for.

In: the YAML files of the package's data/law/ folder (or another folder): each a list
of facts, each fact with its value, the date it took effect and the date it ended (the
first day it no longer held), the legal act it comes from, the URL it was read at and
the date it was last verified. And data/wording.yaml: per kind of statement ("consent",
"withdrawal", ...) and per language, the regular expressions prose rules search for.
Out: Facts, an immutable index of Fact records by id, with queries by date; Wording,
compiled patterns by kind and language. A malformed file is a FactsError whose message
is one line naming the file, the line and what is wrong.

Rules read facts through their Context; no rule module carries a date or a country
list of its own, so a changed law is a changed data file with a new source and date.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from attrs import frozen

from policykit import resources, yamlread
from policykit.errors import PolicykitError
from policykit.findings import excerpt

__all__ = [
    "Fact",
    "Facts",
    "FactsError",
    "Wording",
    "bundled",
    "bundled_wording",
    "load_facts",
    "load_wording",
]

FactValue = str | int | tuple[str, ...] | None

_KEYS = {"id", "summary", "value", "effective", "ended", "reference", "source", "verified", "note", "match", "cookies"}
_KEYS |= {"scope"}
_REQUIRED = ("id", "summary", "source", "verified")
_ID = re.compile(r"[a-z0-9][a-z0-9-]*(?:\.[A-Za-z0-9][A-Za-z0-9-]*)+\Z")
_URL = re.compile(r"https?://\S+\Z")
_MAX_DEPTH = 20


class FactsError(PolicykitError):
    """A facts or wording file that cannot be used, or a fact that does not exist."""


@frozen
class Fact:
    """One dated fact. `effective` is the first day it held (None: held before any
    date a policy is judged at, see `note`); `ended` the first day it no longer held."""

    id: str
    summary: str
    value: FactValue
    effective: dt.date | None
    ended: dt.date | None
    source: str
    verified: dt.date
    reference: str | None = None  # the act, judgment or document that states it
    note: str | None = None  # what was not read, or how the dates are meant
    match: str | None = None  # a regular expression for prose that names the thing
    cookies: str | None = None  # a regular expression for cookie names it implies
    scope: str | None = None  # what a decision covers, where it covers only some recipients

    def holds_on(self, day: dt.date) -> bool:
        """Whether the fact is in force on `day`: from `effective` (if set), until before `ended` (if set)."""
        return (self.effective is None or self.effective <= day) and (self.ended is None or day < self.ended)

    @property
    def values(self) -> tuple[str, ...]:
        """The value as a tuple of strings (a list fact, or one value)."""
        if isinstance(self.value, tuple):
            return self.value
        return () if self.value is None else (str(self.value),)

    def to_dict(self) -> dict[str, Any]:
        """The fact as plain data for JSON (dates in ISO form): what `policykit facts --format json` lists."""
        return {
            "id": self.id,
            "summary": self.summary,
            "value": list(self.value) if isinstance(self.value, tuple) else self.value,
            "effective": None if self.effective is None else self.effective.isoformat(),
            "ended": None if self.ended is None else self.ended.isoformat(),
            "reference": self.reference,
            "source": self.source,
            "verified": self.verified.isoformat(),
            "note": self.note,
            "scope": self.scope,
        }


class Facts(Mapping[str, Fact]):
    """Facts by id. A missing id is a FactsError naming it, never a bare KeyError."""

    def __init__(self, facts: Iterable[Fact]) -> None:
        self._facts = {fact.id: fact for fact in facts}
        self._holding: dict[tuple[str, dt.date], frozenset[str]] = {}

    def __getitem__(self, fact_id: str) -> Fact:
        try:
            return self._facts[fact_id]
        except KeyError:
            raise FactsError(f"no fact {excerpt(fact_id)} in the facts data") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)

    def get(self, fact_id: str, default: Fact | None = None) -> Fact | None:  # type: ignore[override]
        return self._facts.get(fact_id, default)

    def group(self, prefix: str) -> list[Fact]:
        """The facts whose id starts with `prefix.`, in file order."""
        return [fact for fact_id, fact in self._facts.items() if fact_id.startswith(prefix + ".")]

    def number(self, fact_id: str) -> int:
        """The value of the fact `fact_id` as a whole number; FactsError for an unknown fact
        or one whose value is not a number."""
        value = self[fact_id].value
        if not isinstance(value, int):
            raise FactsError(f"fact {excerpt(fact_id)} is not a number")
        return value

    def holding(self, prefix: str, day: dt.date) -> frozenset[str]:
        """The values of the facts of a group that hold on `day` (a set of countries)."""
        key = (prefix, day)
        found = self._holding.get(key)
        if found is None:
            group = self.group(prefix)
            if not group:
                raise FactsError(f"no facts {prefix}.* in the facts data")
            found = self._holding[key] = frozenset(v for fact in group if fact.holds_on(day) for v in fact.values)
        return found

    def describe(self, fact_id: str) -> str:
        """A fact as a rule's documentation cites it: its reference and its dates."""
        fact = self[fact_id]
        parts = [fact.reference or fact.summary]
        if fact.effective is not None:
            parts.append(f"from {fact.effective.isoformat()}")
        if fact.ended is not None:
            parts.append(f"until {fact.ended.isoformat()} (exclusive)")
        return ", ".join(parts)


# --- reading ----------------------------------------------------------------------------


def _where(file: Path, node: Any, key: str | int | None = None) -> str:
    line = 0
    lc = getattr(node, "lc", None)
    if lc is not None:
        try:
            if isinstance(key, int):
                line = lc.item(key)[0] + 1
            elif key is not None:
                line = lc.key(key)[0] + 1
            else:
                line = lc.line + 1
        except (KeyError, IndexError, TypeError):
            line = 0
    return f"{file}:{line}" if line else str(file)


def _read(file: Path) -> Any:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FactsError(f"{file}: cannot read: {error}") from None
    try:
        return yamlread.read_yaml(text, _MAX_DEPTH)
    except yamlread.YamlReadError as error:
        raise FactsError(f"{file}:{error.line + 1}: {error.message}") from None
    except Exception as error:  # libyaml's own syntax errors
        raise FactsError(f"{file}: not valid YAML: {' '.join(str(error).split())}") from None


def _date(value: Any, what: str, where: str, *, nullable: bool) -> dt.date | None:
    if value is None and nullable:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, value.day)
    raise FactsError(f"{where}: {what} must be a date such as 2020-07-16, got {excerpt(value)}")


def _value(value: Any, where: str) -> FactValue:
    if value is None or (isinstance(value, (str, int)) and not isinstance(value, bool)):
        return value if not isinstance(value, str) else str(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(str(item) for item in value)
    raise FactsError(f"{where}: value must be text, a whole number or a list of text, got {excerpt(value)}")


def _text(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise FactsError(f"{where}: {key} must be text")
    return " ".join(value.split())


def _fact(raw: Any, file: Path, where: str) -> Fact:
    if not isinstance(raw, Mapping):
        raise FactsError(f"{where}: a fact is a mapping with id, summary, value, source and verified")
    unknown = sorted(str(key) for key in raw if key not in _KEYS)
    if unknown:
        raise FactsError(f"{where}: unknown key {excerpt(unknown[0])}; a fact has {', '.join(sorted(_KEYS))}")
    missing = [key for key in _REQUIRED if raw.get(key) is None]
    if missing:
        raise FactsError(f"{where}: the fact has no {missing[0]}; every fact needs {', '.join(_REQUIRED)}")
    fact_id = raw["id"]
    if not isinstance(fact_id, str) or not _ID.match(fact_id):
        raise FactsError(f"{where}: id {excerpt(fact_id)} is not a dotted name such as 'transfer.eu-us-dpf'")
    where = f"{where}: fact {fact_id}"
    source = raw["source"]
    if not isinstance(source, str) or not _URL.match(source):
        raise FactsError(f"{where}: source must be the http(s) URL the fact was read at, got {excerpt(source)}")
    effective = _date(raw.get("effective"), "effective", where, nullable=True)
    ended = _date(raw.get("ended"), "ended", where, nullable=True)
    if effective is not None and ended is not None and ended <= effective:
        raise FactsError(f"{where}: ended ({ended}) is not after effective ({effective})")
    if "effective" not in raw:
        raise FactsError(f"{where}: say when it took effect (effective: a date, or null with a note)")
    note = _text(raw, "note", where)
    if effective is None and note is None:
        raise FactsError(f"{where}: effective is null; a note must say why")
    patterns = {}
    for key in ("match", "cookies"):
        pattern = _text(raw, key, where)
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as error:
                raise FactsError(f"{where}: {key} is not a valid regular expression: {error}") from None
        patterns[key] = pattern
    return Fact(
        fact_id,
        str(_text(raw, "summary", where)),
        _value(raw.get("value"), where),
        effective,
        ended,
        source,
        _date(raw["verified"], "verified", where, nullable=False) or dt.date.min,
        _text(raw, "reference", where),
        note,
        patterns["match"],
        patterns["cookies"],
        _text(raw, "scope", where),
    )


def load_facts(folder: Path | None = None) -> Facts:
    """Every fact in the *.yaml files of `folder` (default: the bundled data/law/)."""
    folder = folder or resources.data_dir() / "law"
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise FactsError(f"{folder}: no facts files (*.yaml)")
    facts: dict[str, Fact] = {}
    for file in files:
        data = _read(file)
        if not isinstance(data, Mapping) or set(data) != {"facts"} or not isinstance(data["facts"], list):
            raise FactsError(f"{file}: a facts file has one key, 'facts', holding a list of facts")
        for index, raw in enumerate(data["facts"]):
            fact = _fact(raw, file, _where(file, data["facts"], index))
            if fact.id in facts:
                raise FactsError(f"{_where(file, data['facts'], index)}: fact {fact.id} is declared twice")
            facts[fact.id] = fact
    return Facts(facts.values())


@functools.cache
def bundled() -> Facts:
    """The facts shipped with policykit, read once."""
    return load_facts()


# --- wording ----------------------------------------------------------------------------


class Wording:
    """Compiled patterns by kind and language. A language without its own list uses
    English; a kind nobody wrote patterns for matches nothing. Each pattern is compiled
    the first time it is asked for (a check of an English policy asks for about a quarter
    of them), unless given compiled."""

    def __init__(
        self,
        patterns: Mapping[str, Mapping[str, str]],
        compiled: Mapping[tuple[str, str], re.Pattern[str]] | None = None,
    ) -> None:
        self._patterns = {kind: dict(by_language) for kind, by_language in patterns.items()}
        self._compiled: dict[tuple[str, str], re.Pattern[str]] = dict(compiled or {})
        self.kinds = frozenset(self._patterns)

    def __call__(self, kind: str, language: str) -> re.Pattern[str]:
        by_language = self._patterns.get(kind)
        if by_language is None:
            raise FactsError(f"no wording {excerpt(kind)} in the wording data")
        base = language.replace("-", "_").split("_")[0].lower()
        key = (kind, base if base in by_language else "en")
        found = self._compiled.get(key)
        if found is None:
            try:
                found = self._compiled[key] = re.compile(by_language[key[1]], re.IGNORECASE)
            except re.error as error:
                raise FactsError(f"wording {kind}.{key[1]}: {error}") from None
        return found

    def languages(self, kind: str) -> frozenset[str]:
        """The languages that have their own patterns for `kind` (empty for an unknown kind)."""
        return frozenset(self._patterns.get(kind, {}))


def load_wording(file: Path | None = None, *, compile_all: bool = True) -> Wording:
    """The patterns of data/wording.yaml (or of `file`), compiled: by kind of statement and
    language, each needing an English one. Raises FactsError naming the file, line and
    kind for a file that is not such a mapping or a pattern that does not compile.
    `compile_all` False leaves each pattern to be compiled when first asked for (for the
    bundled file, whose every pattern the tests compile)."""
    file = file or resources.data_dir() / "wording.yaml"
    data = _read(file)
    if not isinstance(data, Mapping):
        raise FactsError(f"{file}: the wording file maps kinds of statement to patterns by language")
    patterns: dict[str, dict[str, str]] = {}
    compiled: dict[tuple[str, str], re.Pattern[str]] = {}
    for kind, by_language in data.items():
        where = _where(file, data, kind)
        if not isinstance(by_language, Mapping) or "en" not in by_language:
            raise FactsError(f"{where}: {kind} maps languages to patterns and needs 'en'")
        patterns[str(kind)] = {}
        for language, pattern in by_language.items():
            if isinstance(pattern, list):
                pattern = "|".join(f"(?:{p})" for p in pattern if isinstance(p, str))
            if not isinstance(pattern, str):
                raise FactsError(f"{_where(file, by_language, language)}: {kind}.{language} is not a pattern")
            if compile_all:
                try:
                    compiled[str(kind), str(language)] = re.compile(pattern, re.IGNORECASE)
                except re.error as error:
                    raise FactsError(f"{_where(file, by_language, language)}: {kind}.{language}: {error}") from None
            patterns[str(kind)][str(language)] = pattern
    return Wording(patterns, compiled)


@functools.cache
def bundled_wording() -> Wording:
    """The patterns of the bundled data/wording.yaml, read once, each compiled once when
    first asked for."""
    return load_wording(compile_all=False)
