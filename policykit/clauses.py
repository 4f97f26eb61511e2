"""Generated clauses: the disclosures the law requires, written by policykit from the records.

In: a Clause block (`- clause: recipients`), the localizer of one locale (its template
strings, already translated, and its Babel formatting), and the dated facts of
data/law (what the EEA is, which countries have an adequacy decision, how long browsers
keep a cookie).
Out: the Document blocks of the clause (paragraphs, lists, cookie tables), each with the
index of the clause in its body, so that checks on the text point at the clause.

A clause's words are the package's (policykit.i18n.clause_strings), translated once in
the package's catalogues; its values come from the records. A placeholder is filled
after the words are parsed, so a value (a party's name) is never read as markup.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from policykit import inline
from policykit.doctree import DocBlock, DocList, DocParagraph, DocTable, Translator, resolve_placeholders
from policykit.i18n import contexts, values
from policykit.inline import Inline, Link, Text
from policykit.model import (
    Category,
    CategoryKind,
    Clause,
    ClauseKind,
    CookieTable,
    Party,
    Persistence,
    Policy,
    Profile,
    RefField,
    Role,
    Storage,
)

if TYPE_CHECKING:
    from policykit.facts import Facts

__all__ = ["TransferArea", "categories_in_use", "clause_blocks", "recipients", "transfer_areas"]

Nodes = tuple[Inline, ...]
_CAP = "browser.cookie-max-age-days"


class _Localizer(Protocol):
    """What a clause uses of policykit.document's localizer (which calls clause_blocks):
    named here, so that this module does not import the localizer's."""

    policy: Policy
    locale: str
    t: Translator
    labels: dict[str, str]

    def isolated(self, nodes: Nodes) -> Nodes: ...
    def controller_field(self, field: RefField) -> Nodes: ...
    def category_title(self, category_id: str) -> str: ...
    def party_name(self, party: Party) -> str: ...
    def safeguard_name(self, party: Party) -> str: ...
    def table(self, table: CookieTable, anchor: str, index: int | None = None) -> DocTable: ...


def clause_blocks(lz: _Localizer, clause: Clause, anchor: str, index: int) -> list[DocBlock]:
    """The blocks `clause` renders as, in the locale of `lz`."""
    writer = _Writer(lz, anchor, index)
    return list(_KINDS[clause.kind](writer))


class TransferArea:
    """Where data is at home under one body of law, and where it may go by adequacy."""

    def __init__(self, name: str, home: frozenset[str], adequate: frozenset[str]) -> None:
        self.name = name  # "eu" or "uk"
        self.home = home
        self.adequate = adequate


def transfer_areas(facts: Facts, profiles: Iterable[str], day: dt.date) -> list[TransferArea]:
    """The transfer laws of `profiles`, read from the facts (eea.*, uk.*, *.adequacy.*)."""
    chosen = set(profiles) or {"gdpr"}
    eea = facts.holding("eea", day)
    found = []
    if chosen & {"gdpr", "cnil", "nl"}:
        found.append(TransferArea("eu", eea, facts.holding("eu.adequacy", day)))
    if "uk" in chosen:
        adequate = set(facts.holding("uk.adequacy", day))
        if "EEA" in adequate:  # the UK's regulations name the EEA as a whole
            adequate = (adequate - {"EEA"}) | eea
        found.append(TransferArea("uk", facts.holding("uk", day), frozenset(adequate)))
    return found


def categories_in_use(policy: Policy) -> list[Category]:
    """The categories some cookie belongs to, in the order of policy.all_categories."""
    used = {cookie.category for cookie in policy.cookies}
    return [category for category in policy.all_categories if category.id in used]


def recipients(policy: Policy) -> list[Party]:
    """The parties that receive data: everyone but the site itself (a first party)."""
    return [party for party in policy.parties if party.role is not Role.FIRST_PARTY]


@functools.cache
def _facts() -> Facts:
    from policykit.facts import bundled

    return bundled()


class _Writer:
    def __init__(self, lz: _Localizer, anchor: str, index: int) -> None:
        self.lz = lz
        self.anchor = anchor
        self.index = index
        self.policy = lz.policy
        self.locale = lz.locale

    def words(self, key: str, **fill: Nodes | str) -> Nodes:
        """The template string `key`, parsed, with each placeholder filled by its value."""
        nodes = inline.parse_inline(self.lz.labels[key])

        def value(name: str) -> Nodes:
            given = fill.get(name)
            if given is None:
                return (Text(f"{{{name}}}"),)
            return (Text(given),) if isinstance(given, str) else given

        return resolve_placeholders(nodes, value)

    def paragraph(self, *parts: Nodes) -> DocParagraph:
        joined: list[Inline] = []
        for part in parts:
            if joined and part:
                joined.append(Text(" "))
            joined.extend(part)
        return DocParagraph(tuple(joined), source=self.index)

    def isolated(self, text: str) -> Nodes:
        return self.lz.isolated((Text(text),))

    def country(self, party: Party) -> str:
        if party.country is None:
            return self.lz.labels["unknown"]
        return values.country_name(party.country, self.locale)


def _controller(w: _Writer) -> Iterable[DocBlock]:
    controller = w.policy.meta.controller
    parts = [w.words("clause.controller.who", controller=w.lz.controller_field(RefField.NAME))]
    if controller.address is not None:
        parts.append(w.words("clause.controller.address", address=w.isolated(controller.address)))
    if controller.contact is not None:
        parts.append(w.words("clause.controller.contact", contact=w.lz.controller_field(RefField.CONTACT)))
    yield w.paragraph(*parts)


def _categories(w: _Writer) -> Iterable[DocBlock]:
    for category in categories_in_use(w.policy):
        title = w.lz.category_title(category.id)
        if category.consent_required:
            key = "clause.category.consent"
        elif category.kind is CategoryKind.STRICTLY_NECESSARY:
            key = "clause.category.necessary"
        else:
            key = "clause.category.exempt"
        parts = [w.words(key, category=title)]
        if category.description is not None:
            context = contexts.category(category.id, "description")
            parts.append(inline.parse_inline(w.lz.t.policy_text(context, category.description)))
        elif f"clause.purpose.{category.id}" in w.lz.labels:
            parts.append(w.words(f"clause.purpose.{category.id}"))
        yield w.paragraph(*parts)
        yield w.lz.table(CookieTable(category=category.id), w.anchor, w.index)


def _recipients(w: _Writer) -> Iterable[DocBlock]:
    parties = recipients(w.policy)
    if not parties:
        yield w.paragraph(w.words("clause.recipients.none"))
        return
    profiles = [profile.value for profile in w.policy.meta.profiles] or [Profile.GDPR.value]
    areas = transfer_areas(_facts(), profiles, w.policy.reference_date)
    items = []
    for party in parties:
        name = w.isolated(w.lz.party_name(party))
        role = "processor" if party.role is Role.PROCESSOR else "third-party"
        parts = [w.words(f"clause.recipient.{role}", party=name, country=w.country(party))]
        if party.privacy_policy is not None:
            link = w.lz.isolated((Link(party.privacy_policy, (Text(party.privacy_policy),)),))
            parts.append(w.words("clause.recipient.privacy_policy", link=link))
        outside = [area for area in areas if party.country is not None and party.country not in area.home]
        if outside:
            if party.transfer is not None:
                safeguard = w.lz.safeguard_name(party)
            elif all(party.country in area.adequate for area in outside):
                safeguard = w.lz.labels["safeguard.adequacy"]
            else:
                safeguard = w.lz.labels["unknown"]
            area = w.lz.labels["clause.area." + "+".join(a.name for a in outside)]
            parts.append(w.words("clause.recipient.transfer", area=area, party=name, safeguard=safeguard))
        joined: list[Inline] = []
        for part in parts:
            joined.extend((Text(" "), *part) if joined else part)
        items.append(tuple(joined))
    yield w.paragraph(w.words("clause.recipients.intro"))
    yield DocList(tuple(items), w.index)


def _lifetimes(w: _Writer) -> Iterable[DocBlock]:
    days = _facts().number(_CAP)
    day_text = values.format_number(days, w.locale)
    yield w.paragraph(
        w.words("clause.lifetimes.session"),
        w.words("clause.lifetimes.persistent"),
        w.words("clause.lifetimes.cap", days=day_text),
    )
    cookies = w.policy.cookies
    capped = [
        c for c in cookies if c.storage is Storage.COOKIE and (c.lifetime.seconds or 0) > days * 86_400 and c.name
    ]
    if capped:
        names = [w.isolated(str(cookie.name)) for cookie in capped]
        yield w.paragraph(w.words("clause.lifetimes.capped", days=day_text, cookies=_list(w, names)))
    extra = []
    lifetimes = [c.lifetime for c in cookies]
    cases = lifetimes + [lifetime.choice for lifetime in lifetimes if lifetime.choice is not None]
    if any(lifetime.maximum for lifetime in cases):
        extra.append(w.words("clause.lifetimes.maximum"))
    if any(lifetime.renewed for lifetime in cases):
        extra.append(w.words("clause.lifetimes.renewed"))
    if any(lifetime.choice is not None for lifetime in lifetimes):
        extra.append(w.words("clause.lifetimes.choice"))
    if any(c.storage in (Storage.LOCAL_STORAGE, Storage.INDEXEDDB) for c in cookies):
        extra.append(w.words("clause.lifetimes.storage"))
    if any(c.lifetime.persistence is Persistence.NOT_STATED for c in cookies):
        extra.append(w.words("clause.lifetimes.not_stated", not_stated=w.lz.labels["not_stated"]))
    if extra:
        yield w.paragraph(*extra)


def _list(w: _Writer, items: list[Nodes]) -> Nodes:
    """Several runs of nodes as one localized list ("A, B and C")."""
    marked = values.format_list([f"\0{i}\0" for i in range(len(items))], w.locale)
    out: list[Inline] = []
    for position, part in enumerate(marked.split("\0")):
        if position % 2:
            out.extend(items[int(part)])
        elif part:
            out.append(Text(part))
    return tuple(out)


def _consent(w: _Writer) -> Iterable[DocBlock]:
    needing = [category for category in categories_in_use(w.policy) if category.consent_required]
    if not needing:
        yield w.paragraph(w.words("clause.consent.none"))
        return
    titles = values.format_list([w.lz.category_title(category.id) for category in needing], w.locale)
    yield w.paragraph(w.words("clause.consent.ask", categories=titles))
    settings = w.policy.meta.consent_settings
    label = w.lz.labels["consent_settings"]
    if settings is not None and settings.url is not None:
        withdraw = w.words("clause.consent.withdraw_url", settings=(Link(settings.url, (Text(label),)),))
    else:  # a button of the site's own script (not on paper), or nothing stated
        withdraw = w.words("clause.consent.withdraw")
    yield w.paragraph(withdraw, w.words("clause.consent.after"))


def _changes(w: _Writer) -> Iterable[DocBlock]:
    meta = w.policy.meta
    parts = []
    if meta.version is not None:
        parts.append(w.words("clause.changes.version", version=w.isolated(meta.version)))
    changed = values.format_day(meta.last_modified.date(), w.locale)
    if meta.effective is not None:
        effective = values.format_day(meta.effective, w.locale)
        parts.append(w.words("clause.changes.effective", effective=effective, date=changed))
    else:
        parts.append(w.words("clause.changes.changed", date=changed))
    if meta.archive is not None:
        link = w.lz.isolated((Link(meta.archive, (Text(meta.archive),)),))
        parts.append(w.words("clause.changes.archive", archive=link))
    elif meta.controller.contact is not None:
        parts.append(w.words("clause.changes.request", contact=w.lz.controller_field(RefField.CONTACT)))
    yield w.paragraph(*parts)


_KINDS = {
    ClauseKind.CONTROLLER: _controller,
    ClauseKind.CATEGORIES: _categories,
    ClauseKind.RECIPIENTS: _recipients,
    ClauseKind.LIFETIMES: _lifetimes,
    ClauseKind.CONSENT: _consent,
    ClauseKind.CHANGES: _changes,
}
