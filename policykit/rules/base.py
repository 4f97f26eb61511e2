"""What every rule is made of, and the context rules read the policy through.

In: a Policy, the profiles being checked (gdpr, cnil, nl, uk, us-ca: they compose),
the date the law is judged at ("as of", default today), and the dated facts and
wording lists of `policykit.facts`.
Out: for each rule, Issues: a message and the path of keys and indexes it is about.
The engine in `policykit.rules` turns Issues into Findings with file, line and column.

One module because it is the one vocabulary every rule module imports (Rule, Issue,
Context and the lookups a Context offers); split, each rule would import from several
places to say one thing.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, TypeAlias

from attrs import frozen

from policykit import inline
from policykit.facts import Facts, Wording, bundled, bundled_wording
from policykit.findings import RuleInfo, Severity
from policykit.model import (
    Article,
    Category,
    Clause,
    ClauseKind,
    Cookie,
    CookieTable,
    ItemList,
    Paragraph,
    Party,
    Persistence,
    Policy,
    Profile,
    Ref,
    Section,
)

if TYPE_CHECKING:
    from policykit.catalogue import Catalogue
    from policykit.document import Document

__all__ = [
    "EUROPE",
    "EVERYWHERE",
    "PROFILES",
    "Context",
    "Issue",
    "Part",
    "Prose",
    "Regime",
    "Rule",
    "contains_name",
    "rule",
]

PROFILES = tuple(profile.value for profile in Profile)
# The profiles under European data protection law (GDPR or UK GDPR, ePrivacy or PECR).
EUROPE = ("gdpr", "cnil", "nl", "uk")
# Rules about the text itself, true under any law.
EVERYWHERE = PROFILES
At: TypeAlias = tuple[str | int, ...]
_FACT_PLACEHOLDER = re.compile(r"\{([a-z0-9-]+(?:\.[A-Za-z0-9-]+)+?)(?:\.(effective|ended|value))?\}")


@frozen
class Issue:
    """What a rule's check found: where (`at`, the field path from the policy's root) and the message."""

    at: At
    message: str


Check = Callable[["Context"], Iterable[Issue]]


@frozen
class Rule:
    """A check with a code, a one-line summary, a severity and the sources it rests on.

    `why` may name dated facts as `{fact.id.effective}`, `{fact.id.ended}` or
    `{fact.id.value}`, so that no date is typed twice; `cites` are the sources (facts
    `cite.*` and others) the documentation lists with their dates and URLs; `uses` the
    facts or groups of facts (`eu.adequacy.*`) the check reads.
    """

    code: str
    summary: str
    severity: Severity
    why_template: str
    run: Check
    profiles: tuple[str, ...] = EUROPE
    cites: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()

    @property
    def why(self) -> str:
        """Why the rule exists, with each dated fact it names (`{fact.id.effective}`) filled in
        from the bundled facts."""
        facts = bundled()

        def value(match: re.Match[str]) -> str:
            fact = facts[match.group(1)]
            part = match.group(2)
            if part == "value":
                return ", ".join(fact.values)
            day = fact.ended if part == "ended" else fact.effective
            return "(undated)" if day is None else day.isoformat()

        return _FACT_PLACEHOLDER.sub(value, self.why_template)

    @property
    def facts(self) -> tuple[str, ...]:
        """Every fact id or group this rule rests on: cited, used, or named in `why`."""
        named = tuple(match.group(1) for match in _FACT_PLACEHOLDER.finditer(self.why_template))
        return tuple(dict.fromkeys((*self.cites, *self.uses, *named)))

    def sources(self) -> list[str]:
        """The cited sources as a reader checks them: reference, date, URL, the day it
        was read, and the fact's note (which copy was read where the official page
        could not be)."""
        facts = bundled()
        lines = []
        for fact_id in self.cites:
            fact = facts[fact_id]
            day = (
                f" ({fact.effective.isoformat()})" if fact.effective else f" (ended {fact.ended})" if fact.ended else ""
            )
            read = f"read {fact.verified.isoformat()}" + (f"; {fact.note}" if fact.note else "")
            lines.append(f"{fact.reference or fact.summary}{day}, {fact.source} ({read})")
        return lines

    @property
    def info(self) -> RuleInfo:
        """The rule as `policykit rules` lists it: code, summary, severity and why, with its sources."""
        sources = self.sources()
        why = self.why if not sources else f"{self.why} Sources: {'; '.join(sources)}."
        return RuleInfo(self.code, self.summary, self.severity, why)


def rule(
    code: str,
    severity: Severity,
    summary: str,
    why: str,
    *,
    profiles: tuple[str, ...] = EUROPE,
    cites: tuple[str, ...] = (),
    uses: tuple[str, ...] = (),
) -> Callable[[Check], Rule]:
    """A decorator that makes a check function (Context -> Issues) a Rule with this code,
    severity, summary and reason (`why`, whitespace folded); `profiles` are the bodies of
    law it runs under, `cites` its sources, `uses` the facts it reads."""

    def make(run: Check) -> Rule:
        return Rule(code, summary, severity, " ".join(why.split()), run, profiles, cites, uses)

    return make


@frozen
class Regime:
    """A body of transfer law: where data is at home, and its facts' id prefixes."""

    name: str  # "eu" or "uk": the prefix of its transfer.* and *.adequacy.* facts
    label: str  # how a message names it
    home: frozenset[str]  # countries inside it
    adequate: frozenset[str]  # countries with an adequacy decision or regulation


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
    # The text of a generated clause as the reader reads it (source is then empty).
    rendered: str | None = None

    @functools.cached_property
    def nodes(self) -> tuple[inline.Inline, ...]:
        if self.rendered is not None:
            return (inline.Text(self.rendered),)
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


_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")


class Context:
    """The policy and indexes over it that several rules need, built once."""

    def __init__(
        self,
        policy: Policy,
        profiles: str | Sequence[str] = ("gdpr",),
        as_of: dt.date | None = None,
        *,
        facts: Facts | None = None,
        wording: Wording | None = None,
        catalogue: Catalogue | None = None,
        declared: Policy | None = None,
        documents: Sequence[tuple[str, Document]] | None = None,
    ) -> None:
        self.policy = policy
        # The localized Documents the rules on the text read, by locale; None: the
        # policy's own language, localized when a rule first asks.
        self._documents = None if documents is None else tuple(documents)
        # The vendor catalogue the catalogue rules compare with (None: they find nothing),
        # and the policy as written: `policy` may carry parties' countries taken from the
        # catalogue (rules.catalogue.effective_policy), `declared` never does.
        self.catalogue = catalogue
        self.declared = declared if declared is not None else policy
        self.profiles = frozenset([profiles] if isinstance(profiles, str) else profiles)
        self.as_of = as_of or dt.date.today()
        self.facts = facts if facts is not None else bundled()
        self.wording = wording if wording is not None else bundled_wording()
        self.language = str(policy.meta.language)
        self.cookies = {cookie.id: (index, cookie) for index, cookie in enumerate(policy.cookies)}
        self.parties = {party.id: (index, party) for index, party in enumerate(policy.parties)}
        self.categories = {category.id: category for category in policy.all_categories}

    def words(self, kind: str) -> re.Pattern[str]:
        """The pattern for a kind of statement in the policy's own language."""
        return self.wording(kind, self.language)

    def category_of(self, cookie: Cookie) -> Category:
        """The category of `cookie` (built-in or the policy's own)."""
        return self.categories[cookie.category]

    def category_needs_consent(self, category_id: str) -> bool:
        """Whether the category `category_id` requires consent; False for a category the policy does not have."""
        category = self.categories.get(category_id)
        return category is not None and category.consent_required

    @functools.cached_property
    def regimes(self) -> tuple[Regime, ...]:
        """The transfer laws the profiles bring: the EU's, the UK's, or both."""
        found = []
        eea = self.facts.holding("eea", self.as_of)
        if self.profiles & {"gdpr", "cnil", "nl"}:
            found.append(Regime("eu", "the EU", eea, self.facts.holding("eu.adequacy", self.as_of)))
        if "uk" in self.profiles:
            adequate = set(self.facts.holding("uk.adequacy", self.as_of))
            if "EEA" in adequate:  # the UK's regulations name the EEA as a whole
                adequate = (adequate - {"EEA"}) | eea
            found.append(Regime("uk", "the UK", self.facts.holding("uk", self.as_of), frozenset(adequate)))
        return tuple(found)

    @staticmethod
    def sentence_at(text: str, position: int) -> str:
        """The sentence of `text` around `position`."""
        start = max(text.rfind(mark, 0, position) for mark in ".!?;\n") + 1
        ends = [i for i in (text.find(mark, position) for mark in ".!?;\n") if i >= 0]
        return text[start : min(ends) if ends else len(text)]

    @staticmethod
    def sentences(text: str) -> list[str]:
        """`text` split into its sentences (at . ! ? ; : before a space, and at line breaks), blank ones left out."""
        return [s for s in _SENTENCE_END.split(text) if s.strip()]

    def says(self, kind: str, text: str, *, negated_ok: bool = False) -> bool:
        """Whether a sentence of `text` says `kind` (and, unless `negated_ok`, does not
        also say 'not')."""
        pattern = self.words(kind)
        if not pattern.search(text):
            return False
        if negated_ok:
            return True
        negation = self.words("negation")
        return any(pattern.search(s) and not negation.search(s) for s in self.sentences(text))

    def party_of(self, cookie: Cookie) -> Party:
        """The party that sets `cookie`."""
        return self.parties[cookie.party][1]

    def label(self, cookie: Cookie) -> str:
        """How a message names a cookie: its name, else its id and who sets it."""
        if cookie.name is not None:
            return cookie.name
        party = self.party_of(cookie)
        return f"{cookie.id} (set by {party.name or party.id})"

    @functools.cached_property
    def parts(self) -> tuple[Part, ...]:
        """Every article and section of the policy, in order, each with its field path, what to
        call it in a message and what kind of cookie it is about (a section's own, else its article's)."""
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

    @property
    def documents(self) -> tuple[tuple[str, Document], ...]:
        """The (locale, Document) pairs a reader reads, for the rules on the text."""
        if self._documents is None:
            from policykit.document import localize

            self._documents = ((self.language, localize(self.declared)),)
        return self._documents

    @functools.cached_property
    def told(self) -> tuple[Prose, ...]:
        """What a reader is told: the prose, and the text of each generated clause as
        the policy's own language renders it (at the clause). Rules about what a policy
        says read this; rules about how prose is written read `prose`."""
        if not any(isinstance(block, Clause) for part in self.parts for block in part.item.body):
            return self.prose
        document = self._source_document
        doc_parts = [
            blocks
            for article in document.articles
            for blocks in (article.blocks, *(section.blocks for section in article.sections))
        ]
        found = list(self.prose)
        for part, blocks in zip(self.parts, doc_parts, strict=True):
            texts: dict[int, list[str]] = {}
            for block in blocks:
                if block.source is None or not isinstance(part.item.body[block.source], Clause):
                    continue
                runs = getattr(block, "items", None) or (getattr(block, "nodes", None),)
                texts.setdefault(block.source, []).extend(inline.plain_text(run) for run in runs if run)
            for index, lines in texts.items():
                found.append(Prose((*part.at, "body", index), "", {}, part, rendered="\n".join(lines)))
        return tuple(found)

    @functools.cached_property
    def _source_document(self) -> Document:
        for locale, document in self.documents:
            if locale == self.language:
                return document
        from policykit.document import localize

        return localize(self.declared)

    def clauses(self, kind: ClauseKind) -> list[At]:
        """Where the policy places a clause of `kind`."""
        return [
            (*part.at, "body", index)
            for part in self.parts
            for index, block in enumerate(part.item.body)
            if isinstance(block, Clause) and block.kind is kind
        ]

    def discussed(self, part: Part) -> Iterator[tuple[At, Cookie]]:
        """The cookies a part lists or discusses, each with where it does so."""
        item = part.item
        for c_index, cookie_id in enumerate(item.covers):
            yield (*part.at, "covers", c_index), self.cookies[cookie_id][1]
        for b_index, block in enumerate(item.body):
            at = (*part.at, "body", b_index)
            if isinstance(block, Clause) and block.kind is ClauseKind.CATEGORIES:
                for cookie in self.policy.cookies:  # a table of each category in use
                    yield at, cookie
            elif isinstance(block, CookieTable):
                for cookie in self.policy.matching_cookies(block):
                    yield at, cookie
            elif isinstance(block, (Paragraph, ItemList)):
                for ref in block.refs.values():
                    if ref.cookie is not None:
                        yield at, self.cookies[ref.cookie][1]

    def names_in_prose(self, name: str) -> bool:
        """Whether prose names `name` as a whole reference: not inside a longer name
        ('Google' in 'Google Tag Manager' names a product, not the company)."""
        found = self._name_cache.get(name)
        if found is None:
            found = self._name_cache[name] = any(contains_name(name, text.plain) for text in self.prose)
        return found

    @functools.cached_property
    def _name_cache(self) -> dict[str, bool]:
        return {}

    @functools.cached_property
    def named_party_ids(self) -> frozenset[str]:
        """Parties a reader is told of: referred to in prose, or shown in a cookie table."""
        named = {ref.party for text in self.prose for ref in text.refs.values() if ref.party is not None}
        named.update(party for text in self.prose for ref in text.refs.values() for party in ref.parties)
        for part in self.parts:
            for block in part.item.body:
                if isinstance(block, CookieTable):
                    named.update(cookie.party for cookie in self.policy.matching_cookies(block))
        if self.clauses(ClauseKind.CATEGORIES):  # a table of each category in use
            named.update(cookie.party for cookie in self.policy.cookies)
        if self.clauses(ClauseKind.RECIPIENTS):
            named.update(party.id for party in self.policy.parties if party.role.value != "first-party")
        return frozenset(named)


_CAPITALIZED_NEXT = re.compile(r"[ \u00a0]+(?:[^\W\d_])")


def contains_name(name: str, text: str) -> bool:
    """`name` occurs in `text` with no word character around it and is not followed by
    a capitalized word that would make it part of a longer proper name."""
    start = text.find(name)
    while start >= 0:
        end = start + len(name)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-"):
            following = _CAPITALIZED_NEXT.match(text, end)
            if following is None or not text[following.end() - 1].isupper():
                return True
        start = text.find(name, start + 1)
    return False
