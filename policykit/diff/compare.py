"""Every field of every record of two policies, compared, each change rated.

In: the old and the new Policy. Out: the Changes, in order: cookies, parties, the
controller, categories, articles and their generated clauses. The cookies are first
paired (policykit.diff.pairing: by identity, then by name, id, or as renamed), so that a
cookie of one name set by two parties stays two cookies.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator

from policykit.diff import rate
from policykit.diff.changes import Change, Reason
from policykit.diff.pairing import folded, glob_covers, pair_cookies
from policykit.facts import Facts, Wording
from policykit.model import (
    Article,
    Category,
    Clause,
    ClauseKind,
    Cookie,
    ItemList,
    Lifetime,
    Paragraph,
    Party,
    Policy,
)

__all__ = ["compare", "glob_covers", "lifetime_value"]


def lifetime_value(lifetime: Lifetime) -> str:
    """A lifetime as a policy file writes it: `90 days`, `session or until logout`."""
    from policykit.syntax import format_lifetime

    return format_lifetime(lifetime)


def _label(cookie: Cookie) -> str:
    return cookie.name or cookie.id


class _Subjects:
    """How a change names its cookie: the name, and its party too where the name is not
    unique in either version."""

    def __init__(self, old: Policy, new: Policy) -> None:
        self.shared = {
            label for policy in (old, new) for label, n in Counter(map(_label, policy.cookies)).items() if n > 1
        }
        shared = self.shared
        keys = Counter(
            (_label(c), c.party) for policy in (old, new) for c in policy.cookies if shared and _label(c) in shared
        )
        self.twice = {key for key, n in keys.items() if n > 1}

    def __call__(self, cookie: Cookie) -> str:
        label = _label(cookie)
        if label not in self.shared:
            return label
        if (label, cookie.party) not in self.twice:
            return f"{label} [{cookie.party}]"
        return f"{label} [{cookie.party}, {cookie.storage.value}, {cookie.domain or '-'}]"


class _Context:
    def __init__(self, old: Policy, new: Policy, facts: Facts, wording: Wording) -> None:
        self.old, self.new, self.facts, self.wording = old, new, facts, wording
        self.language = str(new.meta.language)
        self.day: dt.date = new.reference_date
        owners: dict[str, set[str]] = defaultdict(set)
        for party in new.parties:
            owners[party.id].update(n for n in (party.name, party.service) if n)
        for cookie in new.cookies:
            if cookie.service:
                owners[cookie.party].add(cookie.service)
        self.names = rate.NameIndex(owners)

    def text(self, old: str, new: str, own: frozenset[str] = frozenset(), *, defines: bool = False) -> rate.Rating:
        return rate.text(old, new, self.language, self.wording, self.names, own, defines=defines)


def _change(
    kind: str, subject: str, rating: rate.Rating, old: str | None, new: str | None, before: object, after: object
) -> Change:
    return Change(kind, subject, rating.material, old, new, rating.reason, before, after)


def _fixed(material: bool, key: str, **fill: str) -> rate.Rating:
    return rate.Rating(material, Reason(f"diff.why.{key}", tuple(fill.items())))


def _cookie_changes(ctx: _Context) -> Iterator[Change]:
    pairing = pair_cookies(ctx.old, ctx.new)
    subject = _Subjects(ctx.old, ctx.new)
    for gone, twin in pairing.renamed:
        rating = _fixed(False, "renamed")
        yield _change("cookie-renamed", subject(twin), rating, _label(gone), _label(twin), gone, twin)
    for cookie in pairing.added.values():
        value = lifetime_value(cookie.lifetime)
        yield _change("cookie-added", subject(cookie), _fixed(True, "cookie_added"), None, value, None, cookie)
    for cookie in pairing.removed.values():
        rating = _fixed(False, "removed")
        yield _change("cookie-removed", subject(cookie), rating, _label(cookie), None, cookie, None)
    for was, now in [*pairing.pairs, *pairing.renamed]:
        yield from _cookie_fields(ctx, subject(now), was, now)


def _cookie_fields(ctx: _Context, name: str, was: Cookie, now: Cookie) -> Iterator[Change]:
    if was.lifetime != now.lifetime:
        rating = rate.lifetime(was.lifetime, now.lifetime)
        yield _change(
            "lifetime-changed", name, rating, lifetime_value(was.lifetime), lifetime_value(now.lifetime), was, now
        )
    if was.category != now.category:
        yield _change("category-changed", name, _fixed(True, "new_category"), was.category, now.category, was, now)
    if was.party != now.party:
        yield _change("cookie-party-changed", name, _fixed(True, "new_party"), was.party, now.party, was, now)
    if was.storage is not now.storage:
        rating = _fixed(True, "storage")
        yield _change("storage-changed", name, rating, was.storage.value, now.storage.value, was, now)
    if was.domain != now.domain:
        yield _change(
            "domain-changed", name, rate.cookie_domain(was.domain, now.domain), was.domain, now.domain, was, now
        )
    if was.service != now.service:
        yield _change("service-changed", name, _fixed(True, "service"), was.service, now.service, was, now)
    if folded(was.purpose) != folded(now.purpose):
        rating = ctx.text(was.purpose, now.purpose, frozenset({now.party}), defines=True)
        yield _change("purpose-changed", name, rating, None, None, was, now)


def _party_changes(ctx: _Context) -> Iterator[Change]:
    before = {p.id: p for p in ctx.old.parties}
    for party in ctx.new.parties:
        was = before.get(party.id)
        if was is None:
            yield _change("party-added", party.id, _fixed(True, "new_party"), None, party.name, None, party)
        else:
            yield from _party_fields(ctx, was, party)
    after = {p.id for p in ctx.new.parties}
    for party in ctx.old.parties:
        if party.id not in after:
            yield _change("party-removed", party.id, _fixed(False, "removed"), party.name, None, party, None)


def _party_fields(ctx: _Context, was: Party, now: Party) -> Iterator[Change]:
    pid = now.id
    if was.name != now.name:
        yield _change("party-renamed", pid, rate.party_name(was.name, now.name), was.name, now.name, was, now)
    if was.role is not now.role:
        yield _change("role-changed", pid, rate.role(was.role, now.role), was.role.value, now.role.value, was, now)
    if was.country != now.country:
        yield _change(
            "country-changed", pid, rate.country(was.country, now.country), was.country, now.country, was, now
        )
    if was.privacy_policy != now.privacy_policy:
        rating = rate.link(was.privacy_policy, now.privacy_policy)
        yield _change("privacy-policy-changed", pid, rating, was.privacy_policy, now.privacy_policy, was, now)
    old_domains = {d.casefold() for d in was.domains}
    for domain in now.domains:
        if domain.casefold() not in old_domains:
            rating = _fixed(True, "party_domain_added", domain=domain)
            yield _change("party-domain-added", pid, rating, None, domain, was, now)
    new_domains = {d.casefold() for d in now.domains}
    for domain in was.domains:
        if domain.casefold() not in new_domains:
            yield _change("party-domain-removed", pid, _fixed(False, "party_domain_removed"), domain, None, was, now)
    moved = rate.safeguard(was.transfer, now.transfer, ctx.day, ctx.facts)
    if moved is not None:
        old_value = was.transfer.safeguard.value if was.transfer else None
        new_value = now.transfer.safeguard.value if now.transfer else None
        yield _change("safeguard-changed", pid, moved, old_value, new_value, was, now)
    elif was.transfer and now.transfer and was.transfer.since != now.transfer.since:
        since = [None if t.since is None else t.since.isoformat() for t in (was.transfer, now.transfer)]
        yield _change("transfer-since-changed", pid, _fixed(False, "transfer_since"), since[0], since[1], was, now)
    if was.service != now.service:
        yield _change("party-service-changed", pid, _fixed(True, "service"), was.service, now.service, was, now)


def _controller_changes(ctx: _Context) -> Iterator[Change]:
    was, now = ctx.old.meta.controller, ctx.new.meta.controller
    if was.organisation != now.organisation:
        rating = rate.party_name(was.organisation, now.organisation)
        if rating.material:
            rating = _fixed(True, "controller")
        yield _change("controller-changed", "controller", rating, was.organisation, now.organisation, was, now)
    if was.address != now.address:
        rating = _fixed(False, "contact")
        yield _change("controller-address-changed", "controller", rating, was.address, now.address, was, now)
    if was.contact != now.contact:
        rating = _fixed(False, "contact")
        yield _change("controller-contact-changed", "controller", rating, was.contact, now.contact, was, now)


def _meta_changes(ctx: _Context) -> Iterator[Change]:
    """The website the policy speaks for, and where a reader changes their choices."""
    was, now = ctx.old.meta, ctx.new.meta
    if was.website != now.website:
        rating = rate.link(was.website, now.website)
        if rating.material or now.website is None:
            rating = _fixed(True, "website", host=now.website or "")
        yield _change("website-changed", "meta", rating, was.website, now.website, was, now)
    if was.consent_settings != now.consent_settings:
        values = [None if s is None else s.url or s.javascript for s in (was.consent_settings, now.consent_settings)]
        rating = _fixed(False, "consent_settings")
        yield _change("consent-settings-changed", "meta", rating, values[0], values[1], was, now)


def _category_changes(ctx: _Context) -> Iterator[Change]:
    before = {c.id: c for c in ctx.old.all_categories}
    after = {c.id for c in ctx.new.all_categories}
    for category in ctx.new.all_categories:
        was = before.get(category.id)
        if was is None:
            yield _change(
                "category-added", category.id, _fixed(True, "category_added"), None, category.title, None, category
            )
        else:
            yield from _category_fields(ctx, was, category)
    for category in ctx.old.all_categories:
        if category.id not in after:
            rating = _fixed(False, "removed")
            yield _change("category-removed", category.id, rating, category.title, None, category, None)


def _category_fields(ctx: _Context, was: Category, now: Category) -> Iterator[Change]:
    cid = now.id
    if folded(was.title) != folded(now.title):
        yield _change(
            "category-title-changed", cid, ctx.text(was.title, now.title, defines=True), was.title, now.title, was, now
        )
    if folded(was.description or "") != folded(now.description or ""):
        rating = ctx.text(was.description or "", now.description or "", defines=True)
        yield _change("category-description-changed", cid, rating, None, None, was, now)
    if was.consent_required != now.consent_required:
        key = "consent_now_asked" if now.consent_required else "consent_no_longer_asked"
        old_value, new_value = str(was.consent_required).lower(), str(now.consent_required).lower()
        yield _change("category-consent-changed", cid, _fixed(True, key), old_value, new_value, was, now)
    if was.kind is not now.kind:
        values = [None if k is None else k.value for k in (was.kind, now.kind)]
        yield _change("category-kind-changed", cid, _fixed(True, "category_kind"), values[0], values[1], was, now)


def _texts(article: Article) -> list[str]:
    blocks = list(article.body) + [block for section in article.sections for block in section.body]
    found = [" ".join(article.title.split())]
    found += [" ".join(section.title.split()) for section in article.sections if section.title]
    found += [" ".join(block.text.split()) for block in blocks if isinstance(block, Paragraph)]
    found += [" ".join(item.split()) for block in blocks if isinstance(block, ItemList) for item in block.items]
    return found


def _article_changes(ctx: _Context) -> Iterator[Change]:
    before = {article.id or article.title: article for article in ctx.old.articles}
    seen: set[str] = set()
    for number, article in enumerate(ctx.new.articles, start=1):
        anchor = article.id or f"article-{number}"
        key = article.id or article.title
        seen.add(key)
        was = before.get(key)
        if was is None:
            rating = ctx.text("", "\n".join(_texts(article)))
            if not rating.material:
                rating = _fixed(False, "article_added")
            yield _change("article-added", anchor, rating, None, article.title, None, article)
        elif _texts(was) != _texts(article):
            rating = ctx.text("\n".join(_texts(was)), "\n".join(_texts(article)))
            yield _change("text-changed", anchor, rating, was.title, article.title, was, article)
    for number, article in enumerate(ctx.old.articles, start=1):
        if (article.id or article.title) not in seen:
            anchor = article.id or f"article-{number}"
            yield _change(
                "article-removed", anchor, _fixed(False, "article_removed"), article.title, None, article, None
            )


def _clause_kinds(policy: Policy) -> dict[ClauseKind, None]:
    found: dict[ClauseKind, None] = {}
    for article in policy.articles:
        for block in [*article.body, *(b for section in article.sections for b in section.body)]:
            if isinstance(block, Clause):
                found[block.kind] = None
    return found


def _clause_changes(ctx: _Context) -> Iterator[Change]:
    """A generated clause (the law's disclosures, written from the records) the new
    version no longer has, anywhere, is material to review; one it adds is editorial (its
    facts are the records, compared above). A clause moved between articles is no change."""
    before, after = _clause_kinds(ctx.old), _clause_kinds(ctx.new)
    for kind in after:
        if kind not in before:
            yield _change("clause-added", kind.value, _fixed(False, "clause_added"), None, kind.value, None, kind)
    for kind in before:
        if kind not in after:
            yield _change("clause-removed", kind.value, _fixed(True, "clause_removed"), kind.value, None, kind, None)


def compare(old: Policy, new: Policy, facts: Facts, wording: Wording) -> tuple[Change, ...]:
    """Every change from `old` to `new`: cookies, parties, the controller, categories, articles."""
    ctx = _Context(old, new, facts, wording)
    return (
        *_cookie_changes(ctx),
        *_party_changes(ctx),
        *_controller_changes(ctx),
        *_meta_changes(ctx),
        *_category_changes(ctx),
        *_article_changes(ctx),
        *_clause_changes(ctx),
    )
