"""The cookie policy as typed, immutable data.

In: nothing but Python values. Out: frozen attrs objects that describe a policy.
This module does no I/O and knows nothing of files, locales or output formats;
loading, checking, localizing and rendering import it, never the other way round.

One module because the model is one closed set of frozen attrs classes that refer to
each other (a Policy holds Articles, Parties, Cookies...); it has no logic to split, and
one module is the one place the data's shape is read.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterator, Mapping
from typing import NewType

import attrs
from attrs import field, frozen

from policykit.findings import excerpt

__all__ = [
    "BUILTIN_CATEGORIES",
    "Article",
    "Block",
    "Category",
    "CategoryKind",
    "Clause",
    "ClauseKind",
    "ConsentSettings",
    "Controller",
    "Cookie",
    "CookieTable",
    "CountryCode",
    "Duration",
    "ItemList",
    "LanguageTag",
    "Lifetime",
    "Meta",
    "Paragraph",
    "Party",
    "Persistence",
    "Policy",
    "Profile",
    "Ref",
    "RefField",
    "Role",
    "RuleCode",
    "Safeguard",
    "Section",
    "Silence",
    "Storage",
    "TableStyle",
    "Transfer",
    "Unit",
    "WebUrl",
    "article_id",
    "section_id",
]


CountryCode = NewType("CountryCode", str)  # ISO 3166-1 alpha-2, such as "US"
WebUrl = NewType("WebUrl", str)  # an http(s) URL
LanguageTag = NewType("LanguageTag", str)  # a CLDR locale identifier, such as "en" or "pt_BR"
RuleCode = NewType("RuleCode", str)  # a check's code: "PK" and three digits, such as "PK103"


class Unit(enum.Enum):
    """A unit a lifetime is declared in. Values are the singular English names."""

    SECOND = "second"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"

    @property
    def seconds(self) -> int:
        """Length of one unit. A year is 365 days and a month a twelfth of it."""
        return _UNIT_SECONDS[self]


_DAY = 86_400
_UNIT_SECONDS = {
    Unit.SECOND: 1,
    Unit.MINUTE: 60,
    Unit.HOUR: 3_600,
    Unit.DAY: _DAY,
    Unit.WEEK: 7 * _DAY,
    Unit.MONTH: 365 * _DAY // 12,
    Unit.YEAR: 365 * _DAY,
}


@frozen
class Duration:
    """A length of time kept exactly as declared: 90 days stays 90 days."""

    amount: int
    unit: Unit

    @property
    def seconds(self) -> int:
        """The duration in seconds (a year is 365 days and a month a twelfth of it, as Unit.seconds)."""
        return self.amount * self.unit.seconds


class Persistence(enum.Enum):
    """Whether a cookie outlives the browser session, as far as the policy says."""

    SESSION = "session"
    PERSISTENT = "persistent"
    NOT_STATED = "not stated"


@frozen
class Lifetime:
    """How long a cookie lives.

    - session: deleted when the browser closes;
    - persistent with a duration: lives that long;
    - persistent without a duration: the policy says it persists but not how long;
    - not stated: the policy says nothing at all.

    A duration may be a `maximum` ("up to 2 years": the site may configure less) and may
    be `renewed` ("2 years from your last visit": each visit sets it again). A lifetime
    may depend on a choice the reader makes: `choice` is the other case ("session or 14
    days": a session cookie, or 14 days with "Remember me"). `until` names an event that
    ends it early ("logout"), in every case.

    What the checks, the audit, the diff and the exports compare is the longest case:
    `longest()` (a Lifetime of one case) and `longest_seconds()` (its duration, which
    `seconds` also gives). `cases` lists every case.
    """

    persistence: Persistence
    duration: Duration | None = None
    until: str | None = None
    maximum: bool = False  # the duration is the longest it lives ("up to 2 years")
    renewed: bool = False  # the duration counts from the last visit
    choice: Lifetime | None = None  # the other case of a choice ("session or 14 days")

    def __attrs_post_init__(self) -> None:
        if self.duration is not None and self.persistence is not Persistence.PERSISTENT:
            raise ValueError("only a persistent lifetime has a duration")
        if self.duration is not None and self.duration.amount < 0:
            raise ValueError("a duration cannot be negative")
        if (self.maximum or self.renewed) and self.duration is None:
            raise ValueError("only a duration can be a maximum ('up to') or renewed ('from your last visit')")
        choice = self.choice
        if choice is not None:
            if choice.choice is not None or choice.until is not None:
                raise ValueError("the other case of a choice is one plain lifetime, such as '14 days'")
            if Persistence.NOT_STATED in (self.persistence, choice.persistence):
                raise ValueError("a lifetime that is 'not stated' cannot be one case of a choice")
            if attrs.evolve(self, choice=None, until=None) == choice:
                raise ValueError("the two cases of a choice are the same")

    @classmethod
    def session(cls, until: str | None = None) -> Lifetime:
        """A session lifetime, ended by `until` if given (an event, in the policy's words)."""
        return cls(Persistence.SESSION, until=until)

    @classmethod
    def of(
        cls,
        amount: int,
        unit: Unit,
        until: str | None = None,
        *,
        maximum: bool = False,
        renewed: bool = False,
        choice: Lifetime | None = None,
    ) -> Lifetime:
        """A persistent lifetime of `amount` `unit`s. Raises ValueError for a negative amount,
        or for a `choice` that is not one plain other case."""
        return cls(Persistence.PERSISTENT, Duration(amount, unit), until, maximum, renewed, choice)

    @classmethod
    def not_stated(cls) -> Lifetime:
        """A lifetime the policy does not state (the cookie's records do not say)."""
        return cls(Persistence.NOT_STATED)

    @property
    def cases(self) -> tuple[Lifetime, ...]:
        """Each case on its own, with the lifetime's `until`: one, or two for a choice."""
        if self.choice is None:
            return (self,)
        return (attrs.evolve(self, choice=None), attrs.evolve(self.choice, until=self.until))

    def longest(self) -> Lifetime:
        """The case that can last longest: a session is shortest, a persistent lifetime
        without a duration longest (nothing bounds it). Equal lengths: the first case."""
        if self.choice is None:
            return self
        return max(self.cases, key=_reach)

    def longest_seconds(self) -> int | None:
        """The longest case's duration in seconds: None when it is a session, persistent
        for an unstated time, or not stated."""
        longest = self.longest()
        return None if longest.duration is None else longest.duration.seconds

    @property
    def is_session(self) -> bool:
        """True when the cookie never outlives the session, whatever the choice."""
        return all(case.persistence is Persistence.SESSION for case in self.cases)

    @property
    def is_persistent(self) -> bool:
        """True when the cookie outlives the session in at least one case."""
        return any(case.persistence is Persistence.PERSISTENT for case in self.cases)

    @property
    def may_be_session(self) -> bool:
        """True when one case is a session cookie ("session or 14 days")."""
        return any(case.persistence is Persistence.SESSION for case in self.cases)

    @property
    def stated(self) -> bool:
        """True when a reader learns how long the cookie lives, in every case."""
        return all(case.persistence is Persistence.SESSION or case.duration is not None for case in self.cases)

    @property
    def seconds(self) -> int | None:
        """The longest case's duration in seconds (`longest_seconds()`); None for a
        session or an unstated lifetime."""
        return self.longest_seconds()


def _reach(case: Lifetime) -> float:
    if case.persistence is Persistence.SESSION:
        return 0.0
    return float("inf") if case.duration is None else float(case.duration.seconds)


class Role(enum.Enum):
    """What a party is to the website: the site itself (first party), a third party that
    sets its own cookies, or a processor acting for the site."""

    FIRST_PARTY = "first-party"
    THIRD_PARTY = "third-party"
    PROCESSOR = "processor"


class Safeguard(enum.Enum):
    """The legal basis for transferring data out of the EEA (GDPR chapter V)."""

    ADEQUACY = "adequacy"  # Art. 45 adequacy decision for the country
    EU_US_DPF = "eu-us-dpf"  # EU-US Data Privacy Framework, from 2023-07-10
    SCC_2021 = "scc-2021"  # standard contractual clauses, decision 2021/914
    SCC_2010 = "scc-2010"  # the old clauses (2001/497, 2004/915, 2010/87)
    BCR = "bcr"  # binding corporate rules, Art. 47
    PRIVACY_SHIELD = "privacy-shield"  # invalidated 2020-07-16 (C-311/18)
    NONE = "none"


@frozen
class Silence:
    """One rule switched off for one element, with the reason a reviewer will read."""

    rule: RuleCode
    reason: str


@frozen
class Transfer:
    """How a party's transfer of data out of the EEA is safeguarded (`safeguard`), and since
    when (`since`, None if the policy does not say)."""

    safeguard: Safeguard
    since: dt.date | None = None


@frozen
class Party:
    """Someone who sets or reads cookies: the site itself, a vendor, a processor."""

    id: str
    name: str | None
    role: Role
    country: CountryCode | None = None
    privacy_policy: WebUrl | None = None
    transfer: Transfer | None = None  # None: the policy does not say
    domains: tuple[str, ...] = ()  # domains this party serves cookies from
    silence: tuple[Silence, ...] = ()  # rules switched off here, each with a reason
    service: str | None = None  # the service its cookies belong to, unless a cookie says


class Storage(enum.Enum):
    """Where a "cookie" record keeps its data: an HTTP cookie, local or session storage,
    IndexedDB, or a tracking pixel (which the law treats alike)."""

    COOKIE = "cookie"
    LOCAL_STORAGE = "local-storage"
    SESSION_STORAGE = "session-storage"
    INDEXEDDB = "indexeddb"
    PIXEL = "pixel"


class CategoryKind(enum.Enum):
    """What cookies of a category are for, whatever the category is called. Rules read
    it to know which exemption from consent a category claims: a custom 'statistics'
    category that asks no consent and is of kind analytics claims the audience-measurement
    exemption."""

    STRICTLY_NECESSARY = "strictly-necessary"
    FUNCTIONAL = "functional"
    ANALYTICS = "analytics"
    MARKETING = "marketing"


@frozen
class Category:
    """A category of cookies: its id, title, whether it needs consent, and optionally a
    description and the kind of purpose it declares (`kind`; None for a custom category
    that does not say). The built-in ones are BUILTIN_CATEGORIES."""

    id: str
    title: str
    consent_required: bool
    description: str | None = None
    kind: CategoryKind | None = None  # None: a custom category that does not say

    @property
    def claims_exemption(self) -> bool:
        """True when cookies of this category are set without consent although they are
        not declared strictly necessary."""
        return not self.consent_required and self.kind is not CategoryKind.STRICTLY_NECESSARY


BUILTIN_CATEGORIES: tuple[Category, ...] = (
    Category("strictly-necessary", "Strictly necessary", False, kind=CategoryKind.STRICTLY_NECESSARY),
    Category("functional", "Functional", True, kind=CategoryKind.FUNCTIONAL),
    Category("analytics", "Analytics", True, kind=CategoryKind.ANALYTICS),
    Category("marketing", "Marketing", True, kind=CategoryKind.MARKETING),
)


@frozen
class Cookie:
    """One cookie or other storage item. `name` is exact, or a pattern like `_ga_*`.

    `name` is None where the policy does not name the cookie; `id` still identifies
    it inside the policy.
    """

    id: str
    name: str | None
    party: str
    category: str
    purpose: str
    lifetime: Lifetime
    storage: Storage = Storage.COOKIE
    domain: str | None = None
    silence: tuple[Silence, ...] = ()  # rules switched off here, each with a reason
    # The service it belongs to (consent tools ask per service); None: its party's.
    service: str | None = None

    @property
    def is_pattern(self) -> bool:
        """True when the name holds `*`: the record stands for every cookie whose name matches
        (`_ga_*`), not for one name."""
        return self.name is not None and "*" in self.name


class RefField(enum.Enum):
    """What a reference in prose can show. The set is closed: nothing else is reachable."""

    NAME = "name"
    LIFETIME = "lifetime"
    PURPOSE = "purpose"
    DOMAIN = "domain"
    COUNTRY = "country"
    PRIVACY_POLICY = "privacy-policy"
    SAFEGUARD = "safeguard"  # a party's transfer safeguard, named in the reader's language
    CONTACT = "contact"  # the controller's contact: an e-mail address or a URL


COOKIE_FIELDS = frozenset({RefField.NAME, RefField.LIFETIME, RefField.PURPOSE, RefField.DOMAIN})
PARTY_FIELDS = frozenset({RefField.NAME, RefField.COUNTRY, RefField.PRIVACY_POLICY, RefField.SAFEGUARD})
CONTROLLER_FIELDS = frozenset({RefField.NAME, RefField.CONTACT})


@frozen
class Ref:
    """A value that prose shows by a placeholder `{name}`, resolved at render time.

    Exactly one of `cookie`, `party`, `parties` and `controller` is set, to the id(s)
    of the record(s), or to true for the controller of `meta`. `parties` shows the field
    of several parties as a list ("Google and tawk.to"), in the words of the reader's
    language.
    """

    field: RefField
    cookie: str | None = None
    party: str | None = None
    parties: tuple[str, ...] = ()
    controller: bool = False

    def __attrs_post_init__(self) -> None:
        targets = [self.cookie is not None, self.party is not None, bool(self.parties), self.controller]
        if targets.count(True) != 1:
            raise ValueError("a reference names exactly one cookie, one party, a list of parties, or the controller")
        if self.controller:
            allowed, kind = CONTROLLER_FIELDS, "controller"
        elif self.cookie is not None:
            allowed, kind = COOKIE_FIELDS, "cookie"
        else:
            allowed, kind = PARTY_FIELDS, "party"
        if self.field not in allowed:
            names = ", ".join(sorted(f.value for f in allowed))
            raise ValueError(f"a {kind} reference shows one of {names}, not {self.field.value}")


def _refs(value: Mapping[str, Ref]) -> Mapping[str, Ref]:
    return dict(value)


@frozen
class Paragraph:
    """Prose with inline markup (<em>, <strong>, <a href>) and placeholders {name}."""

    text: str
    refs: Mapping[str, Ref] = field(factory=dict, converter=_refs, hash=False)


@frozen
class ItemList:
    """A bulleted list: each item is prose like a Paragraph's, and `refs` the values its
    placeholders show."""

    items: tuple[str, ...]
    refs: Mapping[str, Ref] = field(factory=dict, converter=_refs, hash=False)


class TableStyle(enum.Enum):
    """How a CookieTable is shown: as a table, or as a list of cookies (for narrow pages)."""

    TABLE = "table"
    LIST = "list"


@frozen
class CookieTable:
    """Shows the cookies that match every filter that is set, in declaration order."""

    party: str | None = None
    category: str | None = None
    persistence: Persistence | None = None
    style: TableStyle = TableStyle.TABLE
    caption: str | None = None


class ClauseKind(enum.Enum):
    """A disclosure the law requires, which policykit writes from the records."""

    CONTROLLER = "controller"  # who is responsible, the postal address, the contact
    CATEGORIES = "categories"  # each category in use, what it is for, whether it needs consent
    RECIPIENTS = "recipients"  # every party that receives data, its country, its transfer safeguard
    LIFETIMES = "lifetimes"  # what session and persistent mean, the browsers' cap
    CONSENT = "consent"  # how consent is given, refused and withdrawn
    CHANGES = "changes"  # the version, the dates, where earlier versions are


@frozen
class Clause:
    """A generated clause: text the package writes from the records, in every locale,
    so that it cannot drift from them. A new cookie or party changes it without an edit."""

    kind: ClauseKind


Block = Paragraph | ItemList | CookieTable | Clause


@frozen
class Section:
    """A numbered section inside an article: its blocks, and optionally an id (the anchor,
    else `section-A-N`, see section_id), a title, what kind of cookie it is about, the
    cookies it covers and the rules silenced in it."""

    body: tuple[Block, ...] = ()
    id: str | None = None
    title: str | None = None
    about: Persistence | None = None  # what kind of cookie the section is about
    covers: tuple[str, ...] = ()  # ids of the cookies the section discusses
    silence: tuple[Silence, ...] = ()  # rules switched off here, each with a reason


@frozen
class Article:
    """An article of the policy: a numbered heading (`title`), its blocks, and its sections.

    `id` is the anchor (else `article-N`, see article_id); `about` says what kind of cookie
    it discusses and `covers` the ids of the cookies it discusses, for the rules that check
    that every cookie is explained; `silence` switches rules off here, each with a reason."""

    title: str
    body: tuple[Block, ...] = ()
    sections: tuple[Section, ...] = ()
    id: str | None = None
    about: Persistence | None = None
    covers: tuple[str, ...] = ()
    silence: tuple[Silence, ...] = ()  # rules switched off here, each with a reason


@frozen
class Controller:
    """Who is responsible for the processing (GDPR Art. 13(1)(a))."""

    organisation: str | None = None
    address: str | None = None
    contact: str | None = None  # an e-mail address or URL


# A JavaScript function by its dotted name ("openCookieSettings", "Cookiebot.renew"):
# never code, so nothing in a policy file can run in a reader's browser.
_JS_HOOK = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*\Z")


@frozen
class ConsentSettings:
    """Where a reader changes their cookie choices: a page, or a function the site provides.

    Exactly one of the two. A `javascript` hook is a dotted function name the site's own
    script binds (see the README); it is only shown where a page can run it (HTML).
    """

    url: WebUrl | None = None
    javascript: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.url is None) == (self.javascript is None):
            raise ValueError("consent_settings takes exactly one of url and javascript")
        if self.javascript is not None and not _JS_HOOK.match(self.javascript):
            raise ValueError(
                f"javascript {excerpt(self.javascript)} is not a function name such as openCookieSettings "
                "or Cookiebot.renew (letters, digits, '_', '$', joined by dots)"
            )


class Profile(enum.Enum):
    """A body of law `policykit check` can judge a policy by. Profiles compose."""

    GDPR = "gdpr"  # the GDPR and the ePrivacy Directive
    CNIL = "cnil"  # France: the CNIL's recommendations
    NL = "nl"  # the Netherlands: the Telecommunicatiewet
    UK = "uk"  # the UK GDPR and PECR
    US_CA = "us-ca"  # California: the CCPA as amended by the CPRA


@frozen
class Meta:
    """What the policy says about itself: title, language (BCP 47), when it was last changed
    (`last_modified`, with a time zone: ValueError otherwise), who is responsible
    (`controller`), the website, the consent settings link, version, effective date,
    archive of earlier versions, the profiles it is checked against, and rules silenced."""

    title: str
    language: LanguageTag
    last_modified: dt.datetime
    controller: Controller = Controller()
    website: WebUrl | None = None
    consent_settings: ConsentSettings | None = None  # the "change your cookie settings" link
    version: str | None = None
    effective: dt.date | None = None
    archive: WebUrl | None = None  # where earlier versions of the policy are published
    profiles: tuple[Profile, ...] = ()  # what `policykit check` judges by, unless told
    silence: tuple[Silence, ...] = ()  # rules switched off here, each with a reason

    def __attrs_post_init__(self) -> None:
        if self.last_modified.utcoffset() is None:
            raise ValueError("last_modified must carry a time zone")


@frozen
class Policy:
    """A website's cookie policy: its meta, the parties that set cookies, the cookies, the
    articles of its text, and categories besides the built-in ones. `origin` is the path
    it was loaded from (not part of its content: neither compared nor dumped).

    Frozen: change one with attrs.evolve. policykit.load and policykit.loads make one and
    check its references (every id used is declared); one built by hand is not checked."""

    meta: Meta
    parties: tuple[Party, ...]
    cookies: tuple[Cookie, ...]
    articles: tuple[Article, ...]
    categories: tuple[Category, ...] = ()  # in addition to BUILTIN_CATEGORIES
    # Where the policy was read from, when it was: a path the loader records so that the
    # policy's own project (its translations) can be found. Not part of the policy's
    # content: it is neither compared nor written back.
    origin: str | None = field(default=None, eq=False, repr=False, kw_only=True)

    def party(self, party_id: str) -> Party:
        """The party whose id is `party_id`; KeyError if none is."""
        for party in self.parties:
            if party.id == party_id:
                return party
        raise KeyError(party_id)

    def cookie(self, cookie_id: str) -> Cookie:
        """The cookie whose id is `cookie_id`; KeyError if none is."""
        for cookie in self.cookies:
            if cookie.id == cookie_id:
                return cookie
        raise KeyError(cookie_id)

    def category(self, category_id: str) -> Category:
        """The category (built-in or the policy's own) whose id is `category_id`; KeyError if none is."""
        for category in self.all_categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

    @property
    def all_categories(self) -> tuple[Category, ...]:
        """The built-in categories, then the policy's own, in that order."""
        return BUILTIN_CATEGORIES + self.categories

    @property
    def reference_date(self) -> dt.date:
        """The date the policy speaks for: its effective date, else its last change."""
        return self.meta.effective or self.meta.last_modified.date()

    def matching_cookies(self, table: CookieTable) -> Iterator[Cookie]:
        """The cookies a CookieTable shows, in declaration order: those of its party, its
        category and its persistence (by the longest case of a choice), for each filter set."""
        for cookie in self.cookies:
            if table.party is not None and cookie.party != table.party:
                continue
            if table.category is not None and cookie.category != table.category:
                continue
            # The longest case: 'session or 14 days' is listed with the persistent cookies.
            if table.persistence is not None and cookie.lifetime.longest().persistence is not table.persistence:
                continue
            yield cookie


def article_id(article: Article, number: int) -> str:
    """The anchor of an article: its own id, else `article-N`."""
    return article.id or f"article-{number}"


def section_id(section: Section, article_number: int, number: int) -> str:
    """The anchor of a section: its own id, else `section-A-N` (A its article's number, N its own)."""
    return section.id or f"section-{article_number}-{number}"
