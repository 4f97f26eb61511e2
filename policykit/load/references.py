"""References between records and the placeholders of prose, checked in the parsed document.

In: the parsed document. Out: its problems (code, field path, message, and where inside
the scalar), in document order: ids used but not declared (PK006), declared twice (PK007),
placeholders with no entry under refs and refs no placeholder uses (PK006), and markup
that does not parse or does not belong (PK008).

Read from the parsed document, not from the Policy, so that they run when structuring
failed too: a party whose country is wrong still declares its id, and a cookie whose
lifetime is wrong still names its party. Only values of the right type are checked;
a value of the wrong type is the structuring's finding, never reported twice.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from policykit import inline
from policykit.findings import excerpt
from policykit.load.place import _Message, _Needle, _suggest
from policykit.model import BUILTIN_CATEGORIES

__all__: list[str] = []  # the package uses its steps; none is public API

# (code, path, message, text to find inside the scalar at path, or None)
_Problem = tuple[str, list[str | int], _Message, "_Needle | None"]


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
