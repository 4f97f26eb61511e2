"""Which cookie of the old policy is which of the new: the pairing, stage by stage.

In: the old and the new Policy. Out: a Pairing: the pairs of the same cookie, the pairs
of a cookie renamed, and what no stage paired (removed, added). Cookies are paired by
their identity (party, name, storage; then domain), so two cookies of one name set by
different parties stay two; what is left is paired by name alone (the party or the
storage changed), then by id, then as a renamed cookie (the same party, category and
storage, and an old name the new pattern covers, a name not given before, or the same
purpose). Each stage is a lookup in a dictionary: linear in the number of records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence

from policykit.model import Cookie, Persistence, Policy, Storage

__all__ = ["Pairing", "folded", "glob_covers", "pair_cookies"]


def glob_covers(pattern: str, name: str) -> bool:
    """True when the glob `pattern` (`*`: any run of characters) matches all of `name`;
    in time linear in their lengths (each literal part found once, left to right)."""
    parts = pattern.split("*")
    if len(parts) == 1:
        return pattern == name
    if not name.startswith(parts[0]) or not name.endswith(parts[-1]):
        return False
    position, end = len(parts[0]), len(name) - len(parts[-1])
    if position > end:
        return False
    for part in parts[1:-1]:
        found = name.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


def folded(text: str) -> str:
    """`text` with each run of white space one space, and none at either end: what two
    texts that say the same in other line breaks have in common."""
    return " ".join(text.split())


class Pairing:
    """Pairs old and new cookies stage by stage; what no stage pairs was removed or added."""

    def __init__(self, old: Sequence[Cookie], new: Sequence[Cookie]) -> None:
        self.removed: dict[int, Cookie] = dict(enumerate(old))
        self.added: dict[int, Cookie] = dict(enumerate(new))
        self.pairs: list[tuple[Cookie, Cookie]] = []
        self.renamed: list[tuple[Cookie, Cookie]] = []

    def by(
        self,
        key: Callable[[Cookie], Hashable | None],
        renamed: bool = False,
        new_key: Callable[[Cookie], Hashable | None] | None = None,
    ) -> None:
        """Pair each remaining old cookie with the first remaining new one of the same
        key (`new_key` for the new ones, if given); a key of None pairs nothing."""
        pick = new_key or key
        first: dict[Hashable, int] = {}  # the first new cookie of each key
        more: dict[Hashable, list[int]] = {}  # the others of a key, last first
        for index, cookie in self.added.items():
            found = pick(cookie)
            if found is None:
                continue
            if found in first:
                more.setdefault(found, []).append(index)
            else:
                first[found] = index
        for queue in more.values():
            queue.reverse()
        added, removed, out = self.added, self.removed, self.renamed if renamed else self.pairs
        for index, cookie in list(removed.items()):
            found = key(cookie)
            if found is None or found not in first:
                continue
            twin = first.pop(found)
            rest = more.get(found)
            if rest:
                first[found] = rest.pop()
            out.append((cookie, added.pop(twin)))
            del removed[index]

    def by_cover(self) -> None:
        """A removed cookie whose name a new pattern of the same party, category and
        storage covers, or the other way round, is that cookie renamed."""
        groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for index, cookie in self.added.items():
            if cookie.name is not None:
                groups[cookie.party, cookie.category, cookie.storage.value].append(index)
        for index, cookie in list(self.removed.items()):
            if cookie.name is None:
                continue
            group = groups.get((cookie.party, cookie.category, cookie.storage.value), [])
            for position, candidate in enumerate(group[:64]):  # a bounded search per cookie
                twin = self.added.get(candidate)
                if twin is None or twin.name is None:
                    continue
                if glob_covers(twin.name, cookie.name) or glob_covers(cookie.name, twin.name):
                    del self.added[candidate], self.removed[index], group[position]
                    self.renamed.append((cookie, twin))
                    break


def pair_cookies(old: Policy, new: Policy) -> Pairing:
    """The cookies of `old` and `new` paired stage by stage, each stage a dictionary lookup:
    the same cookie (party, name, storage, domain), then one whose domain, party or storage
    changed, then an unnamed one of the same id, then a renamed one (the same purpose, a
    pattern that covers the old name, or the one of its group that persists as it did)."""
    pairing = Pairing(old.cookies, new.cookies)

    def group(c: Cookie) -> tuple[str, str, Storage]:
        return (c.party, c.category, c.storage)

    # The same cookie; then its domain, its party, its storage, or both changed.
    pairing.by(lambda c: None if c.name is None else (c.party, c.name, c.storage, c.domain))
    pairing.by(lambda c: None if c.name is None else (c.party, c.name, c.storage))
    pairing.by(lambda c: None if c.name is None else (c.name, c.storage))
    pairing.by(lambda c: None if c.name is None else (c.party, c.name))
    pairing.by(lambda c: c.name)
    pairing.by(lambda c: c.id if c.name is None else None)  # unnamed, the same id
    pairing.by(lambda c: (*group(c), folded(c.purpose)), renamed=True)  # another name, the same purpose
    pairing.by_cover()

    # A cookie that was not named, or is no longer: the one of its group that persists as it did.
    def persists(c: Cookie) -> tuple[str, str, Storage, Persistence]:
        return (*group(c), c.lifetime.persistence)

    pairing.by(lambda c: persists(c) if c.name is None else None, renamed=True, new_key=persists)
    pairing.by(lambda c: group(c) if c.name is None else None, renamed=True, new_key=group)
    # A cookie no longer named: the old named one of its group.
    pairing.by(group, renamed=True, new_key=lambda c: group(c) if c.name is None else None)
    return pairing
