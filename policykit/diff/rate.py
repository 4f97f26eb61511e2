"""The rules that rate a change material or editorial, each with its reason.

In: the old and the new value of one field (a lifetime, a transfer, a text, a link...).
Out: a Rating, material or not, with the Reason the notice shows. The rules read their
facts: the order of the transfer safeguards from data/law (GDPR chapter V: an adequacy
decision, Art. 45, before appropriate safeguards, Art. 46, before none), and the words
that name a use of the data (advertising, profiling, selling, sharing) per language from
data/wording.yaml. When a rule cannot tell, the change is material and its reason says
to review it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from attrs import frozen

from policykit.diff.changes import Reason
from policykit.facts import Facts, Wording
from policykit.model import Lifetime, Role, Transfer

__all__ = [
    "USES",
    "NameIndex",
    "Rating",
    "cookie_domain",
    "country",
    "lifetime",
    "link",
    "party_name",
    "role",
    "safeguard",
    "text",
]

# The uses of data a purpose can add, each a kind of data/wording.yaml (`use_<kind>`).
USES = ("advertising", "profiling", "selling", "sharing")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?;:]+(?:\s|$)")
_MAX_SPELLING = 40  # added words beyond this are a rewrite, not a spelling fix


@frozen
class Rating:
    """Whether a change is material (consent must be asked again), and why."""

    material: bool
    reason: Reason


def _rated(material: bool, key: str, **fill: str) -> Rating:
    return Rating(material, Reason(f"diff.why.{key}", tuple(fill.items())))


def lifetime(old: Lifetime, new: Lifetime) -> Rating:
    """A longer lifetime, or one that cannot be compared with the old, is material. Each
    is judged by its longest case (Lifetime.longest: a choice's longer case, a maximum);
    one renewed on each visit, where the old was not, can last longer whatever it says."""
    was, now = old.longest(), new.longest()
    if now.renewed and not was.renewed and not now.is_session:
        return _rated(True, "lifetime_renewed")
    if was.persistence is now.persistence and was.seconds == now.seconds:
        if old.until != new.until:
            if new.until is None:
                return _rated(True, "lifetime_no_end", event=old.until or "")
            if old.until is not None:
                return _rated(True, "lifetime_other_end")
        return _rated(False, "lifetime_ends_earlier")
    if now.is_session:
        return _rated(False, "lifetime_session")
    if now.seconds is not None and was.seconds is not None:
        if now.seconds <= was.seconds:
            return _rated(False, "lifetime_shorter")
        return _rated(True, "lifetime_longer")
    return _rated(True, "lifetime_uncomparable")


def _rank(value: str | None, day: dt.date, facts: Facts) -> int:
    """How strong a safeguard is: 0 for the strongest tier of the facts data, the number
    of tiers for one that does not hold on `day` (an invalidated decision) or none."""
    tiers = facts.group("transfer.eu.tier")
    rank = next((index for index, tier in enumerate(tiers) if value in tier.values), len(tiers))
    own = facts.get(f"transfer.eu.{value}")
    if own is not None and not own.holds_on(day):
        return len(tiers)
    return rank


def safeguard(old: Transfer | None, new: Transfer | None, day: dt.date, facts: Facts) -> Rating | None:
    """A weaker safeguard is material, and so is any other legal ground: the reader is
    told what protects the data sent abroad (GDPR Art. 13(1)(f)). None: no change."""
    old_value = old.safeguard.value if old else None
    new_value = new.safeguard.value if new else None
    if old_value == new_value:
        return None
    if new_value is None:
        return _rated(True, "safeguard_dropped")
    if old_value is not None and _rank(new_value, day, facts) > _rank(old_value, day, facts):
        return Rating(
            True,
            Reason(
                "diff.why.safeguard_weaker",
                terms=(("new", f"safeguard.{new_value}"), ("old", f"safeguard.{old_value}")),
            ),
        )
    return _rated(True, "safeguard_other")


def country(old: str | None, new: str | None) -> Rating:
    """Data that goes to another country is material; a country no longer stated too."""
    if new is None:
        return _rated(True, "country_dropped")
    return _rated(True, "country_new")


def role(old: Role, new: Role) -> Rating:
    """Every change of role changes who answers for the data: material."""
    return _rated(True, f"role_{new.value.replace('-', '_')}")


def _folded(name: str) -> str:
    return "".join(_WORD.findall(name.casefold()))


def party_name(old: str | None, new: str | None) -> Rating:
    """Another name may be another legal entity: material; the same letters differently
    written (capitals, punctuation) are editorial."""
    if old is not None and new is not None and _folded(old) == _folded(new):
        return _rated(False, "spelling")
    if new is None:
        return _rated(True, "party_unnamed")
    if old is None:
        return _rated(True, "party_named")
    return _rated(True, "party_name")


def _host(url: str | None) -> str:
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        return ""
    return host.casefold().removeprefix("www.")


def link(old: str | None, new: str | None) -> Rating:
    """A link fixed on the same host is editorial; another host is material (another
    organisation's terms may apply)."""
    if new is None:
        return _rated(False, "link_removed")
    if old is None:
        return _rated(False, "link_added")
    if _host(old) and _host(old) == _host(new):
        return _rated(False, "link_same_host")
    return _rated(True, "link_other_host", host=_host(new) or new)


def cookie_domain(old: str | None, new: str | None) -> Rating:
    """A cookie readable on another domain is material; on a narrower one (the same host
    or a subdomain of it) editorial."""
    if new is None:
        return _rated(True, "domain_dropped")
    if old is None:
        return _rated(True, "domain_stated", domain=new)
    old_host, new_host = old.casefold().lstrip("."), new.casefold().lstrip(".")
    if new_host == old_host or new_host.endswith("." + old_host):
        return _rated(False, "domain_narrower")
    return _rated(True, "domain_other", domain=new)


# --- texts: purposes, descriptions, articles ----------------------------------------------


class NameIndex:
    """The names of a policy's parties and services, found in a text by their words."""

    def __init__(self, names: Mapping[str, Iterable[str]]) -> None:
        """`names`: owner (a party id) -> the names that stand for it."""
        self._owners: dict[tuple[str, ...], set[str]] = {}
        self._first: dict[str, int] = {}  # a name's first word -> the most words a name starting so has
        for owner, spelled in names.items():
            for name in spelled:
                words = tuple(_WORD.findall(name.casefold()))
                if words and len("".join(words)) >= 3:
                    self._owners.setdefault(words, set()).add(owner)
                    self._first[words[0]] = max(self._first.get(words[0], 0), len(words))

    def found(self, text: str, skip: frozenset[str]) -> dict[tuple[str, ...], str]:
        """The names in `text` of owners other than those in `skip`: words -> as written."""
        words = _WORD.findall(text.casefold())
        found: dict[tuple[str, ...], str] = {}
        for start, word in enumerate(words):
            for size in range(1, min(self._first.get(word, 0), len(words) - start) + 1):
                gram = tuple(words[start : start + size])
                owners = self._owners.get(gram)
                if owners and not owners <= skip:
                    found.setdefault(gram, " ".join(gram))
        return found


def _distance_ok(added: str, removed: str) -> bool:
    """True when `added` is `removed` with a typo fixed: at most one edit in four letters
    (an insertion, a deletion, a substitution or two letters swapped), at least one."""
    limit = max(1, min(len(added), len(removed)) // 4)
    if abs(len(added) - len(removed)) > limit:
        return False
    previous2: list[int] = []
    previous = list(range(len(removed) + 1))
    for i, a in enumerate(added, 1):
        current = [i] + [0] * len(removed)
        for j, r in enumerate(removed, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != r))
            if i > 1 and j > 1 and a == removed[j - 2] and added[i - 2] == r:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1] <= limit


def _spelling_only(added: Counter[str], removed: Counter[str]) -> bool:
    pool = list(removed.elements())
    if sum(added.values()) > min(_MAX_SPELLING, len(pool)):
        return False
    for word in added.elements():
        twin = next((r for r in pool if _distance_ok(word, r)), None)
        if twin is None:
            return False
        pool.remove(twin)
    return True


def _sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text) if part.strip()]


def _mentions(text: str, language: str, wording: Wording) -> dict[str, tuple[str | None, str | None]]:
    """Per use: the first word that names it in a sentence that does not say "not", and
    the first that names it in one that does."""
    negation = wording("negation", language)
    found: dict[str, tuple[str | None, str | None]] = {}
    sentences = _sentences(text)
    for use in USES:
        pattern = wording(f"use_{use}", language)
        affirmed: str | None = None
        negated: str | None = None
        for sentence in sentences:
            match = pattern.search(sentence)
            if match is None:
                continue
            if negation.search(sentence):
                negated = negated or match.group()
            else:
                affirmed = match.group()
                break
        if affirmed or negated:
            found[use] = (affirmed, negated)
    return found


def _words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.casefold()))


def text(
    old: str,
    new: str,
    language: str,
    wording: Wording,
    names: NameIndex | None = None,
    own: frozenset[str] = frozenset(),
    *,
    defines: bool = False,
) -> Rating:
    """A text whose new version adds a use of the data (advertising, profiling, selling,
    sharing: the wording data of `language`) or names another party or service (`names`,
    except the owners in `own`) is material; a use named in a sentence that says "not",
    or a language without wording data, is material to review; spelling and reordering
    are editorial. A rewording with new words that adds no use the wording data knows is
    editorial for prose, but material to review for a text that `defines` what the data
    is for (a purpose, a category): the wording data cannot prove nothing else changed."""
    old_words, new_words = _words(old), _words(new)
    added, removed = new_words - old_words, old_words - new_words
    base = language.replace("-", "_").split("_")[0].lower()
    if names is not None:
        before = names.found(old, own)
        other = [written for words, written in names.found(new, own).items() if words not in before]
        if other:
            return _rated(True, "names_service", name=other[0])
    if not all(base in wording.languages(f"use_{use}") for use in USES):
        return _editorial(added, removed) or _rated(True, "review_language", language=language)
    was = _mentions(old, base, wording)
    now = _mentions(new, base, wording)
    for use in USES:
        affirmed, negated = now.get(use, (None, None))
        had_affirmed, had_negated = was.get(use, (None, None))
        if affirmed and not had_affirmed:
            return Rating(True, Reason("diff.why.adds_use", (("word", affirmed),), (("use", f"use.{use}"),)))
        if negated and not had_affirmed and not had_negated:
            return Rating(True, Reason("diff.why.review_negated", (("word", negated),), (("use", f"use.{use}"),)))
    return _editorial(added, removed) or (_rated(True, "reworded_review") if defines else _rated(False, "reworded"))


def _editorial(added: Counter[str], removed: Counter[str]) -> Rating | None:
    """Reordering, shortening or spelling: editorial. None: new words were written."""
    if not added:
        return _rated(False, "shortened" if removed else "reordered")
    if _spelling_only(added, removed):
        return _rated(False, "spelling")
    return None
