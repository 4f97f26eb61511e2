"""What every rule is made of, and the context rules read the policy through.

In: a Policy, the profile being checked and the date "today".
Out: for each rule, Issues: a message and the path of keys and indexes it is about.
The engine in `policykit.rules` turns Issues into Findings with file, line and column.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TypeAlias

from attrs import frozen

from policykit import inline
from policykit.findings import RuleInfo, Severity
from policykit.model import (
    Article,
    Cookie,
    CookieTable,
    ItemList,
    Paragraph,
    Party,
    Persistence,
    Policy,
    Ref,
    Section,
)

__all__ = ["PROFILES", "Context", "Issue", "Part", "Prose", "Rule", "rule"]

PROFILES = ("gdpr", "cnil")
At: TypeAlias = tuple[str | int, ...]


@frozen
class Issue:
    at: At
    message: str


Check = Callable[["Context"], Iterable[Issue]]


@frozen
class Rule:
    """A check with a code, a one-line summary, a severity and the source it rests on."""

    code: str
    summary: str
    severity: Severity
    why: str
    run: Check
    profiles: tuple[str, ...] = PROFILES

    @property
    def info(self) -> RuleInfo:
        return RuleInfo(self.code, self.summary, self.severity, self.why)


def rule(
    code: str, severity: Severity, summary: str, why: str, *, profiles: tuple[str, ...] = PROFILES
) -> Callable[[Check], Rule]:
    def make(run: Check) -> Rule:
        return Rule(code, summary, severity, " ".join(why.split()), run, profiles)

    return make


@frozen
class Part:
    """An article or one of its sections, with the kind of cookie it is about."""

    at: At
    item: Article | Section
    title: str
    about: Persistence | None  # a section inherits its article's


@frozen
class Prose:
    """One piece of text a reader sees, with what it may refer to."""

    at: At
    source: str  # the markup as written
    refs: Mapping[str, Ref]
    part: Part | None = None
    cookie: Cookie | None = None  # set for a cookie's purpose

    @functools.cached_property
    def nodes(self) -> tuple[inline.Inline, ...]:
        # The loader has already refused malformed markup.
        return inline.parse_inline(self.source)

    @functools.cached_property
    def plain(self) -> str:
        """The text as read, each placeholder replaced by U+FFFC."""
        names = {node.name for node in inline.walk(self.nodes) if isinstance(node, inline.Placeholder)}
        return inline.plain_text(self.nodes, dict.fromkeys(names, "\ufffc"))

    @functools.cached_property
    def links(self) -> tuple[str, ...]:
        return tuple(node.href for node in inline.walk(self.nodes) if isinstance(node, inline.Link))


class Context:
    """The policy and indexes over it that several rules need, built once."""

    def __init__(self, policy: Policy, profile: str = "gdpr", today: dt.date | None = None) -> None:
        self.policy = policy
        self.profile = profile
        self.today = today or dt.date.today()
        self.cookies = {cookie.id: (index, cookie) for index, cookie in enumerate(policy.cookies)}
        self.parties = {party.id: (index, party) for index, party in enumerate(policy.parties)}

    def category_needs_consent(self, category_id: str) -> bool:
        return any(c.id == category_id and c.consent_required for c in self.policy.all_categories)

    def party_of(self, cookie: Cookie) -> Party:
        return self.parties[cookie.party][1]

    def label(self, cookie: Cookie) -> str:
        """How a message names a cookie: its name, else its id and who sets it."""
        if cookie.name is not None:
            return cookie.name
        party = self.party_of(cookie)
        return f"{cookie.id} (set by {party.name or party.id})"

    @functools.cached_property
    def parts(self) -> tuple[Part, ...]:
        found = []
        for a_index, article in enumerate(self.policy.articles):
            found.append(Part(("articles", a_index), article, f"article {a_index + 1}", article.about))
            for s_index, section in enumerate(article.sections):
                found.append(
                    Part(
                        ("articles", a_index, "sections", s_index),
                        section,
                        f"section {a_index + 1}.{s_index + 1}",
                        section.about or article.about,
                    )
                )
        return tuple(found)

    @functools.cached_property
    def prose(self) -> tuple[Prose, ...]:
        """Every text a reader sees: titles, paragraphs, list items, purposes."""
        found = [Prose(("meta", "title"), self.policy.meta.title, {})]
        for part in self.parts:
            item = part.item
            if item.title is not None:
                found.append(Prose((*part.at, "title"), item.title, {}, part))
            for b_index, block in enumerate(item.body):
                at = (*part.at, "body", b_index)
                if isinstance(block, Paragraph):
                    found.append(Prose((*at, "paragraph") if block.refs else at, block.text, block.refs, part))
                elif isinstance(block, ItemList):
                    for i_index, entry in enumerate(block.items):
                        found.append(Prose((*at, "list", i_index), entry, block.refs, part))
                elif isinstance(block, CookieTable) and block.caption is not None:
                    found.append(Prose((*at, "cookies", "caption"), block.caption, {}, part))
        for index, cookie in enumerate(self.policy.cookies):
            found.append(Prose(("cookies", index, "purpose"), cookie.purpose, {}, None, cookie))
        return tuple(found)

    def discussed(self, part: Part) -> Iterator[tuple[At, Cookie]]:
        """The cookies a part lists or discusses, each with where it does so."""
        item = part.item
        for c_index, cookie_id in enumerate(item.covers):
            yield (*part.at, "covers", c_index), self.cookies[cookie_id][1]
        for b_index, block in enumerate(item.body):
            at = (*part.at, "body", b_index)
            if isinstance(block, CookieTable):
                for cookie in self.policy.matching_cookies(block):
                    yield at, cookie
            elif isinstance(block, (Paragraph, ItemList)):
                for ref in block.refs.values():
                    if ref.cookie is not None:
                        yield at, self.cookies[ref.cookie][1]

    @functools.cached_property
    def named_party_ids(self) -> frozenset[str]:
        """Parties a reader is told of: referred to in prose, or shown in a cookie table."""
        named = {ref.party for text in self.prose for ref in text.refs.values() if ref.party is not None}
        named.update(party for text in self.prose for ref in text.refs.values() for party in ref.parties)
        for part in self.parts:
            for block in part.item.body:
                if isinstance(block, CookieTable):
                    named.update(cookie.party for cookie in self.policy.matching_cookies(block))
        return frozenset(named)
