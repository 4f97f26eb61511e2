"""The change notice: a ChangeSet told to visitors in one locale.

In: a ChangeSet, a format (`md`, `html`, `text`, `json`) and a locale. Out: the notice
as text. Every word comes from the package's catalogues (policykit/i18n/strings.py),
each change with its reason; every value taken from a policy (names, hosts, titles) is
escaped for the format: Markdown by the Markdown renderer's escaper, HTML by
html.escape, the terminal text by findings.terminal_safe.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from policykit.diff.changes import Change, ChangeSet, render_reason
from policykit.errors import PolicykitError
from policykit.i18n import contexts
from policykit.model import Article, Category, Controller, Cookie, Party, Policy

if TYPE_CHECKING:
    from policykit.document import Translator

__all__ = ["NoticeParts", "notice", "notice_parts", "template_words"]


_REASON = '<span class="policykit-reason">'


def _one_line(text: str) -> str:
    return " ".join(text.split())


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
        self.parties = {p.id: p for p in changes.new.parties}
        self.old_parties = {p.id: p for p in changes.old.parties}

    def label(self, key: str, **fill: str) -> str:
        from policykit.document import substitute

        values = {k: _one_line(v) for k, v in fill.items()}
        pattern = self.t.template_text(key)
        for name, value in values.items():  # "B.V." ends the sentence: no second full stop
            if value.endswith(".") and "{" + name + "}." in pattern:
                pattern = pattern.replace("{" + name + "}.", "{" + name + "}")
        return substitute(pattern, **values)

    def reason(self, change: Change) -> str:
        return _one_line(render_reason(change.reason, self.t))

    def lifetime(self, cookie: object) -> str:
        if not isinstance(cookie, Cookie):
            return self.label("not_stated")
        from policykit.i18n.lifetimes import lifetime_words

        lifetime = cookie.lifetime
        event = None if lifetime.until is None else self.t.policy_text(contexts.COOKIE_UNTIL, lifetime.until)
        return lifetime_words(lifetime, self.locale, self.t.template_text, event)

    def party(self, party_id: str | None, old: bool = False) -> str:
        party: Party | None = (self.old_parties if old else self.parties).get(party_id or "")
        if party is None:
            party = (self.parties if old else self.old_parties).get(party_id or "")
        return (party.name if party and party.name else None) or self.label("unnamed")

    def party_name(self, name: str | None) -> str:
        return name or self.label("unnamed")

    def country(self, code: str | None) -> str:
        return self.values.country_name(code, self.locale) if code else self.label("unknown")

    def term(self, prefix: str, value: str | None) -> str:
        return self.label(f"{prefix}.{value}") if value else self.label("unknown")

    def category(self, policy: Policy, category_id: str | None) -> str:
        from policykit.i18n.strings import TEMPLATE_STRINGS

        key = f"category.{category_id}"
        if key in TEMPLATE_STRINGS:
            return self.label(key)
        found = next((c.title for c in policy.categories if c.id == category_id), None)
        return found or category_id or self.label("unknown")

    def cookie(self, cookie: object, subject: str) -> str:
        name = cookie.name if isinstance(cookie, Cookie) and cookie.name else self.label("unnamed")
        if isinstance(cookie, Cookie) and "[" in subject:  # a name several cookies share
            return f"{name} ({self.party(cookie.party)})"
        return name

    def day(self, value: str | None) -> str:
        import datetime as dt

        return self.values.format_day(dt.date.fromisoformat(value), self.locale) if value else self.label("unknown")

    def article(self, article: object) -> str:
        if not isinstance(article, Article):
            return ""
        if article.id:
            return self.t.policy_text(contexts.title(contexts.anchor(article)), article.title)
        return article.title

    def sentence(self, change: Change) -> str:
        old, new = self.changes.old, self.changes.new
        kind, subject, before, after = change.kind, change.subject, change.before, change.after
        if kind == "cookie-added":
            party = after.party if isinstance(after, Cookie) else None
            return self.label(
                "diff.cookie_added",
                name=self.cookie(after, subject),
                party=self.party(party),
                lifetime=self.lifetime(after),
            )
        if kind == "cookie-removed":
            return self.label("diff.cookie_removed", name=self.cookie(before, subject))
        if kind == "cookie-renamed":
            return self.label("diff.cookie_renamed", old=self.cookie(before, subject), new=self.cookie(after, subject))
        name = self.cookie(after, subject)
        if kind == "lifetime-changed":
            return self.label("diff.lifetime_changed", name=name, old=self.lifetime(before), new=self.lifetime(after))
        if kind == "category-changed":
            return self.label(
                "diff.category_changed",
                name=name,
                old=self.category(old, change.old),
                new=self.category(new, change.new),
            )
        if kind == "cookie-party-changed":
            return self.label(
                "diff.cookie_party_changed", name=name, old=self.party(change.old, True), new=self.party(change.new)
            )
        if kind == "purpose-changed":
            return self.label("diff.purpose_changed", name=name)
        if kind == "domain-changed":
            unknown = self.label("unknown")
            return self.label("diff.domain_changed", name=name, old=change.old or unknown, new=change.new or unknown)
        if kind == "storage-changed":
            return self.label(
                "diff.storage_changed",
                name=name,
                old=self.term("storage", change.old),
                new=self.term("storage", change.new),
            )
        if kind in ("service-changed", "party-service-changed"):
            key = "diff.service_changed" if kind == "service-changed" else "diff.party_service_changed"
            unknown = self.label("unknown")
            return self.label(
                key, name=name, party=self.party(subject), old=change.old or unknown, new=change.new or unknown
            )
        return self._party_sentence(change) or self._other_sentence(change)

    def _party_sentence(self, change: Change) -> str | None:
        kind, subject = change.kind, change.subject
        party = self.party(subject)
        if kind == "party-added":
            return self.label("diff.party_added", party=party)
        if kind == "party-removed":
            return self.label("diff.party_removed", party=self.party(subject, True))
        if kind == "party-renamed":
            return self.label("diff.party_renamed", old=self.party_name(change.old), new=self.party_name(change.new))
        if kind == "role-changed":
            return self.label(
                "diff.role_changed", party=party, old=self.term("role", change.old), new=self.term("role", change.new)
            )
        if kind == "country-changed":
            return self.label(
                "diff.country_changed", party=party, old=self.country(change.old), new=self.country(change.new)
            )
        if kind == "privacy-policy-changed":
            unknown = self.label("unknown")
            return self.label(
                "diff.privacy_policy_changed", party=party, old=change.old or unknown, new=change.new or unknown
            )
        if kind == "party-domain-added":
            return self.label("diff.party_domain_added", party=party, domain=change.new or "")
        if kind == "party-domain-removed":
            return self.label("diff.party_domain_removed", party=party, domain=change.old or "")
        if kind == "safeguard-changed":
            return self.label(
                "diff.safeguard_changed",
                party=party,
                old=self.term("safeguard", change.old),
                new=self.term("safeguard", change.new),
            )
        if kind == "transfer-since-changed":
            return self.label(
                "diff.transfer_since_changed", party=party, old=self.day(change.old), new=self.day(change.new)
            )
        return None

    def _other_sentence(self, change: Change) -> str:
        old, new = self.changes.old, self.changes.new
        kind, before, after = change.kind, change.before, change.after
        unknown = self.label("unknown")
        if kind.startswith("controller-"):
            keys = {
                "controller-changed": "diff.controller_changed",
                "controller-address-changed": "diff.controller_address_changed",
            }
            assert isinstance(after, Controller)
            text = keys.get(kind, "diff.controller_contact_changed")
            return self.label(text, old=change.old or unknown, new=change.new or unknown)
        if kind.startswith("category-"):
            category = (
                self.category(new, change.subject)
                if isinstance(after, Category)
                else self.category(old, change.subject)
            )
            if kind == "category-title-changed":
                return self.label("diff.category_title_changed", old=change.old or "", new=change.new or "")
            if kind == "category-consent-changed":
                key = "diff.category_consent_asked" if change.new == "true" else "diff.category_consent_dropped"
                return self.label(key, category=category)
            if kind == "category-kind-changed":
                return self.label(
                    "diff.category_kind_changed",
                    category=category,
                    old=self.term("category", change.old),
                    new=self.term("category", change.new),
                )
            keys = {"category-added": "diff.category_added", "category-removed": "diff.category_removed"}
            return self.label(keys.get(kind, "diff.category_description_changed"), category=category)
        if kind == "website-changed":
            return self.label("diff.website_changed", old=change.old or unknown, new=change.new or unknown)
        if kind == "consent-settings-changed":
            # A page by its address; the site's own function by the button it binds (never its name).
            shown = [
                self.label("consent_settings") if v and "://" not in v else v or unknown
                for v in (change.old, change.new)
            ]
            return self.label("diff.consent_settings_changed", old=shown[0], new=shown[1])
        if kind in ("clause-added", "clause-removed"):
            key = "diff.clause_added" if kind == "clause-added" else "diff.clause_removed"
            return self.label(key, clause=self.label(f"clause_kind.{change.subject}"))
        if kind == "article-added":
            return self.label("diff.article_added", article=self.article(after))
        if kind == "article-removed":
            return self.label("diff.article_removed", article=self.article(before))
        return self.label("diff.text_changed", article=self.article(after) or change.new or "")


@attrs.frozen
class NoticeParts:
    """The change notice's words in one locale, before any format: its title, the
    sentence that says from when, the verdict on consent, and the changes in groups
    (material first), each change with its reason."""

    language: str
    direction: str  # "ltr" or "rtl"
    title: str
    intro: str
    verdict: str
    groups: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (heading, ((change, reason), ...)), none empty


def _parts(changes: ChangeSet, words: _Words) -> NoticeParts:
    new = changes.new
    day = new.meta.effective or new.meta.last_modified.date()
    lines = [
        (change.material, words.sentence(change), words.label("diff.reason", reason=words.reason(change)))
        for change in changes.changes
    ]
    tags = {True: words.label("diff.material"), False: words.label("diff.editorial")}
    groups = (
        (tags[rating], tuple((text, why) for material, text, why in lines if material is rating))
        for rating in (True, False)
    )
    return NoticeParts(
        language=words.locale,
        direction=words.values.text_direction(words.locale),
        title=words.label("diff.title"),
        intro=words.label("diff.intro", date=words.values.format_day(day, words.locale)),
        verdict=words.label("diff.renew" if changes.consent_renewal else "diff.no_renew"),
        groups=tuple((heading, texts) for heading, texts in groups if texts),
    )


def notice_parts(changes: ChangeSet, locale: str | None = None) -> NoticeParts:
    """The change notice's words in `locale` (default: the new policy's language)."""
    return _parts(changes, _Words(changes, locale))


def template_words(changes: ChangeSet, locale: str | None, keys: Sequence[str]) -> dict[str, str]:
    """The package's template strings `keys`, in the notice's language (as `notice` has them)."""
    words = _Words(changes, locale)
    return {key: words.label(key) for key in keys}


def _json(changes: ChangeSet, words: _Words) -> str:
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
                "why": words.reason(c),
            }
            for c in changes.changes
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def notice(changes: ChangeSet, output_format: str = "md", locale: str | None = None) -> str:
    """The change notice: `md`, `html` (a fragment), `text` or `json` (each change with
    its rating and its reason, `why`, in the notice's language)."""
    from policykit.findings import terminal_safe
    from policykit.render.markdown import escape_markdown

    words = _Words(changes, locale)
    if output_format == "json":
        return _json(changes, words)
    parts = _parts(changes, words)
    if output_format == "html":
        out = [f'<section class="policykit-changes" lang="{html.escape(parts.language)}" dir="{parts.direction}">']
        out += [f"<h2>{html.escape(parts.title)}</h2>", f"<p>{html.escape(parts.intro)}</p>"]
        out.append(f"<p>{html.escape(parts.verdict)}</p>")
        for heading, texts in parts.groups:
            out.append(f"<h3>{html.escape(heading)}</h3>")
            items = [f"<li>{html.escape(t)} {_REASON}{html.escape(why)}</span></li>" for t, why in texts]
            out.append("<ul>" + "".join(items) + "</ul>")
        return "\n".join(out) + "\n</section>\n"
    if output_format == "md":
        md = escape_markdown
        out = [f"## {md(parts.title)}", "", md(parts.intro), "", md(parts.verdict)]
        for heading, texts in parts.groups:
            out += ["", f"### {md(heading)}", ""] + [f"- {md(t)} {md(why)}" for t, why in texts]
        return "\n".join(out) + "\n"
    safe = terminal_safe
    out = [safe(parts.title), "", safe(parts.intro), safe(parts.verdict)]
    for heading, texts in parts.groups:
        out += ["", f"{safe(heading)}:"] + [f"  - {safe(t)} {safe(why)}" for t, why in texts]
    return "\n".join(out) + "\n"
