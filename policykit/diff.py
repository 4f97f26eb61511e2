"""What changed between two versions of a policy, and whether consent must be asked again.

In: two Policies (old and new). Out: a ChangeSet: cookies added, removed or renamed
(same party and category, another name), lifetimes, categories and parties of cookies
changed; parties added or removed, their countries and transfer safeguards changed;
articles whose text changed. Each Change is rated material (a new cookie, purpose,
party or country, a new safeguard, or a lifetime that is longer or no longer
comparable: consent must be asked again) or editorial (wording only). `notice()` turns
a ChangeSet into a change notice for visitors in one locale, as text, Markdown, HTML
or JSON; every word comes from the package's catalogues (policykit/i18n/strings.py).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from attrs import frozen

from policykit.errors import PolicykitError
from policykit.i18n import contexts
from policykit.model import Article, Cookie, Lifetime, Paragraph, Party, Policy
from policykit.syntax import format_lifetime

__all__ = ["Change", "ChangeSet", "diff", "notice"]


@frozen
class Change:
    """One difference. `kind` names it (`cookie-added`, `lifetime-changed`...); `subject`
    is the cookie, party or article it is about; `old` and `new` are the values as the
    policy files write them (None where there is none)."""

    kind: str
    subject: str
    material: bool
    old: str | None = None
    new: str | None = None
    why: str = ""  # why it is material, in English, for the JSON's readers


@frozen
class ChangeSet:
    old: Policy
    new: Policy
    changes: tuple[Change, ...]

    @property
    def consent_renewal(self) -> bool:
        """True when a change is material: a consent tool must ask again."""
        return any(change.material for change in self.changes)


def _lifetime_value(lifetime: Lifetime) -> str:
    return format_lifetime(lifetime)


def _longer(old: Lifetime, new: Lifetime) -> bool:
    """True unless the new lifetime's longest case is known to be no longer than the
    old one's (Lifetime.longest())."""
    was, now = old.longest(), new.longest()
    if now.is_session or (now.seconds is not None and was.seconds is not None and now.seconds <= was.seconds):
        return False
    return not (now.persistence is was.persistence and now.seconds is None and was.seconds is None)


def _label(cookie: Cookie) -> str:
    return cookie.name or cookie.id


def _cookie_changes(old: Policy, new: Policy) -> Iterator[Change]:
    before = {_label(c): c for c in old.cookies}
    after = {_label(c): c for c in new.cookies}
    removed = [c for key, c in before.items() if key not in after]
    added = [c for key, c in after.items() if key not in before]
    pairs = [(before[key], after[key]) for key in before if key in after]
    # A removed and an added cookie of the same party and category are one cookie renamed.
    for gone in list(removed):
        # Of several candidates, the one that persists as the old one did.
        candidates = [c for c in added if c.party == gone.party and c.category == gone.category]
        candidates.sort(key=lambda c: c.lifetime.persistence is not gone.lifetime.persistence)
        twin = candidates[0] if candidates else None
        if twin is not None:
            removed.remove(gone)
            added.remove(twin)
            yield Change("cookie-renamed", _label(twin), False, _label(gone), _label(twin))
            pairs.append((gone, twin))
    for cookie in added:
        yield Change("cookie-added", _label(cookie), True, None, _lifetime_value(cookie.lifetime), "a new cookie")
    for cookie in removed:
        yield Change("cookie-removed", _label(cookie), False, _label(cookie), None)
    for was, now in pairs:
        name = _label(now)
        if was.lifetime != now.lifetime:
            longer = _longer(was.lifetime, now.lifetime)
            yield Change(
                "lifetime-changed",
                name,
                longer,
                _lifetime_value(was.lifetime),
                _lifetime_value(now.lifetime),
                "a longer lifetime, or one that cannot be compared with the old" if longer else "",
            )
        if was.category != now.category:
            yield Change("category-changed", name, True, was.category, now.category, "a new purpose")
        if was.party != now.party:
            yield Change("cookie-party-changed", name, True, was.party, now.party, "a new party")
        if " ".join(was.purpose.split()) != " ".join(now.purpose.split()):
            yield Change("purpose-changed", name, False)


def _party_changes(old: Policy, new: Policy) -> Iterator[Change]:
    before = {p.id: p for p in old.parties}
    for party in new.parties:
        was = before.get(party.id)
        if was is None:
            yield Change("party-added", party.id, True, None, party.name, "a new party")
            continue
        if was.country != party.country:
            material = party.country is not None
            yield Change(
                "country-changed", party.id, material, was.country, party.country, "a new country" if material else ""
            )
        old_safeguard = was.transfer.safeguard.value if was.transfer else None
        new_safeguard = party.transfer.safeguard.value if party.transfer else None
        if old_safeguard != new_safeguard:
            yield Change(
                "safeguard-changed",
                party.id,
                True,
                old_safeguard,
                new_safeguard,
                "transfers rely on another legal ground (GDPR Art. 13(1)(f))",
            )
    after = {p.id for p in new.parties}
    for party in old.parties:
        if party.id not in after:
            yield Change("party-removed", party.id, False, party.name, None)


def _texts(article: Article) -> list[str]:
    blocks = list(article.body) + [block for section in article.sections for block in section.body]
    found = [" ".join(article.title.split())]
    found += [" ".join(section.title.split()) for section in article.sections if section.title]
    found += [" ".join(block.text.split()) for block in blocks if isinstance(block, Paragraph)]
    found += [" ".join(item.split()) for block in blocks if hasattr(block, "items") for item in block.items]
    return found


def _article_changes(old: Policy, new: Policy) -> Iterator[Change]:
    before = {article.id or article.title: article for article in old.articles}
    for number, article in enumerate(new.articles, start=1):
        anchor = article.id or f"article-{number}"
        was = before.get(article.id or article.title)
        if was is None:
            yield Change("article-added", anchor, False, None, article.title)
        elif _texts(was) != _texts(article):
            changed = len(set(_texts(article)) - set(_texts(was)))
            yield Change("text-changed", anchor, False, was.title, article.title, f"reworded passages: {changed}")


def diff(old: Policy, new: Policy) -> ChangeSet:
    """Every change from `old` to `new`, cookies first, then parties, then the text."""
    changes = (*_cookie_changes(old, new), *_party_changes(old, new), *_article_changes(old, new))
    return ChangeSet(old, new, changes)


# --- the change notice ----------------------------------------------------------------


class _Words:
    """The notice's words in one locale: template strings and formatted values."""

    def __init__(self, changes: ChangeSet, locale: str | None) -> None:
        from policykit.document import Translator
        from policykit.i18n import values

        self.values = values
        self.locale = values.normalize_locale(locale or str(changes.new.meta.language))
        translator: Translator | None = None
        if locale is not None and self.locale != values.normalize_locale(str(changes.new.meta.language)):
            from policykit.i18n.translator import CatalogTranslator, translator_for

            try:
                translator = translator_for(changes.new, self.locale)
            except PolicykitError:  # no project catalogues: the package's own words still serve
                translator = CatalogTranslator(self.locale, None)
        self.t = translator or Translator()
        self.changes = changes

    def label(self, key: str, **fill: str) -> str:
        from policykit.document import substitute

        return substitute(self.t.template_text(key), **fill)

    def lifetime(self, value: str | None, cookie: Cookie | None) -> str:
        if cookie is None or value is None:
            return self.label("not_stated")
        from policykit.i18n.lifetimes import lifetime_words

        lifetime = cookie.lifetime
        event = None if lifetime.until is None else self.t.policy_text(contexts.COOKIE_UNTIL, lifetime.until)
        return lifetime_words(lifetime, self.locale, self.t.template_text, event)

    def party(self, policy: Policy, party_id: str | None) -> str:
        party: Party | None = next((p for p in policy.parties if p.id == party_id), None)
        return (party.name if party and party.name else None) or self.label("unnamed")

    def country(self, code: str | None) -> str:
        return self.values.country_name(code, self.locale) if code else self.label("unknown")

    def safeguard(self, value: str | None) -> str:
        return self.label(f"safeguard.{value}") if value else self.label("unknown")

    def category(self, policy: Policy, category_id: str) -> str:
        key = f"category.{category_id}"
        from policykit.i18n.strings import TEMPLATE_STRINGS

        if key in TEMPLATE_STRINGS:
            return self.label(key)
        return next((c.title for c in policy.all_categories if c.id == category_id), category_id)

    def cookie(self, policy: Policy, name: str | None) -> Cookie | None:
        return next((c for c in policy.cookies if _label(c) == name), None)

    def cookie_name(self, policy: Policy, name: str | None) -> str:
        cookie = self.cookie(policy, name)
        return (cookie.name if cookie and cookie.name else None) or self.label("unnamed")

    def sentence(self, change: Change) -> str:
        old, new = self.changes.old, self.changes.new
        kind = change.kind
        if kind == "cookie-added":
            cookie = self.cookie(new, change.subject)
            return self.label(
                "diff.cookie_added",
                name=self.cookie_name(new, change.subject),
                party=self.party(new, cookie.party if cookie else None),
                lifetime=self.lifetime(change.new, cookie),
            )
        if kind == "cookie-removed":
            return self.label("diff.cookie_removed", name=self.cookie_name(old, change.subject))
        if kind == "cookie-renamed":
            return self.label(
                "diff.cookie_renamed", old=self.cookie_name(old, change.old), new=self.cookie_name(new, change.new)
            )
        if kind == "lifetime-changed":
            was = next((c for c in old.cookies if _lifetime_value(c.lifetime) == change.old), None)
            return self.label(
                "diff.lifetime_changed",
                name=self.cookie_name(new, change.subject),
                old=self.lifetime(change.old, was),
                new=self.lifetime(change.new, self.cookie(new, change.subject)),
            )
        if kind == "category-changed":
            return self.label(
                "diff.category_changed",
                name=self.cookie_name(new, change.subject),
                old=self.category(old, change.old or ""),
                new=self.category(new, change.new or ""),
            )
        if kind == "cookie-party-changed":
            return self.label(
                "diff.cookie_party_changed",
                name=self.cookie_name(new, change.subject),
                old=self.party(old, change.old),
                new=self.party(new, change.new),
            )
        if kind == "purpose-changed":
            return self.label("diff.purpose_changed", name=self.cookie_name(new, change.subject))
        if kind == "party-added":
            return self.label("diff.party_added", party=self.party(new, change.subject))
        if kind == "party-removed":
            return self.label("diff.party_removed", party=self.party(old, change.subject))
        if kind == "country-changed":
            return self.label(
                "diff.country_changed",
                party=self.party(new, change.subject),
                old=self.country(change.old),
                new=self.country(change.new),
            )
        if kind == "safeguard-changed":
            return self.label(
                "diff.safeguard_changed",
                party=self.party(new, change.subject),
                old=self.safeguard(change.old),
                new=self.safeguard(change.new),
            )
        # article-added, text-changed: the article's title in the reader's language.
        article = next((a for a in new.articles if a.id == change.subject), None)
        title = change.new or ""
        if article is not None and article.id:
            title = self.t.policy_text(contexts.title(contexts.anchor(article)), article.title)
        return self.label("diff.text_changed", article=title)


def _notice_parts(changes: ChangeSet, words: _Words) -> tuple[str, str, list[tuple[bool, str]]]:
    new = changes.new
    day = new.meta.effective or new.meta.last_modified.date()
    intro = words.label("diff.intro", date=words.values.format_day(day, words.locale))
    verdict = words.label("diff.renew" if changes.consent_renewal else "diff.no_renew")
    lines = [(change.material, words.sentence(change)) for change in changes.changes]
    return intro, verdict, lines


def _markdown_escape(text: str) -> str:
    """Text as Markdown shows it literally: inline specials escaped, and a line start that
    would make a heading, a list or a quote ('#', '-', '+', '>', '1.') defused."""
    text = "".join("\\" + ch if ch in "\\`*_[]<>|" else ch for ch in text)
    return re.sub(r"^(\s*)([#+-]|\d+(?=[.)]))", r"\1\\\2", text)


def notice(changes: ChangeSet, output_format: str = "md", locale: str | None = None) -> str:
    """The change notice: `md`, `html` (a fragment), `text` or `json`."""
    if output_format == "json":
        document: dict[str, Any] = {
            "consent_renewal": changes.consent_renewal,
            "old": {"version": changes.old.meta.version, "last_modified": changes.old.meta.last_modified.isoformat()},
            "new": {"version": changes.new.meta.version, "last_modified": changes.new.meta.last_modified.isoformat()},
            "changes": [
                {
                    "kind": c.kind,
                    "subject": c.subject,
                    "rating": "material" if c.material else "editorial",
                    "old": c.old,
                    "new": c.new,
                    "why": c.why,
                }
                for c in changes.changes
            ],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    words = _Words(changes, locale)
    intro, verdict, lines = _notice_parts(changes, words)
    title = words.label("diff.title")
    tags = {True: words.label("diff.material"), False: words.label("diff.editorial")}
    groups: Sequence[tuple[bool, list[str]]] = [
        (rating, [text for material, text in lines if material is rating]) for rating in (True, False)
    ]
    if output_format == "html":
        direction = words.values.text_direction(words.locale)
        out = [f'<section class="policykit-changes" lang="{html.escape(words.locale)}" dir="{direction}">']
        out += [f"<h2>{html.escape(title)}</h2>", f"<p>{html.escape(intro)}</p>", f"<p>{html.escape(verdict)}</p>"]
        for rating, texts in groups:
            if texts:
                out.append(f"<h3>{html.escape(tags[rating])}</h3>")
                out.append("<ul>" + "".join(f"<li>{html.escape(t)}</li>" for t in texts) + "</ul>")
        return "\n".join(out) + "\n</section>\n"
    if output_format == "md":
        out = [f"## {_markdown_escape(title)}", "", _markdown_escape(intro), "", _markdown_escape(verdict)]
        for rating, texts in groups:
            if texts:
                out += ["", f"### {_markdown_escape(tags[rating])}", ""] + [f"- {_markdown_escape(t)}" for t in texts]
        return "\n".join(out) + "\n"
    out = [title, "", intro, verdict]
    for rating, texts in groups:
        if texts:
            out += ["", f"{tags[rating]}:"] + [f"  - {t}" for t in texts]
    return "\n".join(out) + "\n"
