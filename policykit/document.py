"""localize(policy, locale) -> Document: the policy resolved for one locale, format-neutral.

In: a Policy, a locale, and optionally translations (the policy's own strings and the
template strings such as "Name" and "Lifetime").
Out: a Document: numbered articles and sections, paragraphs as inline nodes with every
placeholder resolved, cookie tables as rows of cells, lifetimes and dates formatted,
whether a table of contents is shown, and the cookie settings link. In a right-to-left
locale, names, domains and addresses are Isolate nodes, which each renderer expresses.

Renderers (HTML, Markdown, PDF) read only the Document. They never see the model,
gettext or Babel, so every format says exactly the same thing, and a new format is one
small module. The Document's classes and the Translator are in policykit.doctree, and
importable from here too.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping

from policykit import convert, inline
from policykit.doctree import (
    DocArticle,
    DocBlock,
    DocList,
    DocParagraph,
    DocSection,
    DocSettingsLink,
    DocTable,
    Document,
    Nodes,
    Translator,
    resolve_placeholders,
)
from policykit.i18n import contexts, values
from policykit.i18n.lifetimes import lifetime_words
from policykit.i18n.strings import TEMPLATE_STRINGS
from policykit.inline import Inline, Isolate, Link, Text, title_text
from policykit.model import (
    BUILTIN_CATEGORIES,
    Article,
    Block,
    Clause,
    Cookie,
    CookieTable,
    ItemList,
    Lifetime,
    Paragraph,
    Party,
    Persistence,
    Policy,
    Ref,
    RefField,
    Section,
    TableStyle,
    article_id,
    section_id,
)

__all__ = [
    "CONTENTS_FROM",
    "DocArticle",
    "DocBlock",
    "DocList",
    "DocParagraph",
    "DocSection",
    "DocSettingsLink",
    "DocTable",
    "Document",
    "Nodes",
    "Translator",
    "localize",
    "resolve_placeholders",
    "substitute",
]


CONTENTS_FROM = 4  # articles from which a table of contents is shown

_NAME = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def substitute(pattern: str, **values: str) -> str:
    """Fill `{name}` placeholders by bare name only; anything else stays as written.

    Unlike str.format, `{x.__class__}` or `{x[0]}` can never reach an attribute.
    """
    return _NAME.sub(lambda m: values.get(m.group(1), m.group(0)), pattern)


def version_id(policy: Policy, translation: bytes = b"") -> str:
    """A short content hash of the policy and of the translation used."""
    # The converter's plain form (without the file's conventions): key order is fixed by
    # the model, so no sort is needed.
    plain = convert.converter.unstructure(policy)
    canonical = json.dumps(plain, separators=(",", ":"), check_circular=False).encode()
    return hashlib.sha256(canonical + b"\0" + translation).hexdigest()[:12]


class _Localizer:
    def __init__(self, policy: Policy, locale: str, translator: Translator) -> None:
        self.policy = policy
        self.locale = locale
        self.t = translator
        self.labels = {key: translator.template_text(key) for key in TEMPLATE_STRINGS}
        self.parties = {party.id: party for party in policy.parties}
        self.cookies = {cookie.id: cookie for cookie in policy.cookies}
        self.categories = {category.id: category for category in policy.all_categories}
        # Lifetimes repeat across cookies (and the loader shares equal ones): format each once.
        self._lifetimes: dict[int, tuple[Lifetime, str]] = {}
        self._party_cells: dict[str, Nodes] | None = None
        self._category_cells: dict[str, Nodes] = {}
        self._lifetime_cells: dict[str, Nodes] = {}
        # In a right-to-left text, names, domains and addresses are left-to-right runs that
        # the bidi algorithm would otherwise reorder ("__tawkuuid" shown as "tawkuuid__").
        self.rtl = values.text_direction(locale) == "rtl"

    def isolated(self, nodes: Nodes) -> Nodes:
        """`nodes` as one isolated run in a right-to-left text; unchanged otherwise."""
        return (Isolate(nodes),) if self.rtl else nodes

    def isolated_text(self, text: str) -> str:
        """A value inside a plain string (a caption): Unicode isolates FSI ... PDI in RTL."""
        return f"\u2068{text}\u2069" if self.rtl else text

    # --- values ---------------------------------------------------------------------

    def lifetime_text(self, lifetime: Lifetime) -> str:
        hit = self._lifetimes.get(id(lifetime))
        if hit is None or hit[0] is not lifetime:
            hit = self._lifetimes[id(lifetime)] = (lifetime, self._lifetime_text(lifetime))
        return hit[1]

    def _lifetime_text(self, lifetime: Lifetime) -> str:
        """A lifetime without its `until` event, which is the cookie's own text."""
        return lifetime_words(lifetime, self.locale, self.labels.__getitem__)

    def cookie_lifetime(self, cookie: Cookie) -> str:
        lifetime = cookie.lifetime
        if lifetime.until is None or lifetime.persistence is Persistence.NOT_STATED:
            return self.lifetime_text(lifetime)
        event = self.t.policy_text(contexts.COOKIE_UNTIL, lifetime.until)
        return lifetime_words(lifetime, self.locale, self.labels.__getitem__, event)

    def party_name(self, party: Party) -> str:
        # A legal name is not translated.
        return self.labels["unknown"] if party.name is None else party.name

    def category_title(self, category_id: str) -> str:
        category = self.categories[category_id]
        builtin = f"category.{category.id}"
        if builtin in self.labels and category in BUILTIN_CATEGORIES:
            return self.labels[builtin]
        return title_text(self.t.policy_text(contexts.category(category.id, "title"), category.title))

    def purpose(self, cookie: Cookie) -> Nodes:
        text = self.t.policy_text(contexts.COOKIE_PURPOSE, cookie.purpose)
        if "<" in text or "{" in text or "}" in text:
            return inline.parse_inline(text)
        return (Text(text),)  # no markup: most purposes

    def ref_value(self, ref: Ref) -> Nodes:
        if ref.controller:
            return self.controller_field(ref.field)
        if ref.parties:
            return self.party_list([self.parties[p] for p in ref.parties], ref.field)
        cookie = self.cookies[ref.cookie] if ref.cookie is not None else None
        party = self.parties[cookie.party if cookie is not None else str(ref.party)]
        field = ref.field
        if field is RefField.NAME:
            if cookie is not None:
                return self.isolated((Text(cookie.name or self.labels["unnamed"]),))
            return self.isolated((Text(self.party_name(party)),))
        if field is RefField.LIFETIME and cookie is not None:
            return (Text(self.cookie_lifetime(cookie)),)
        if field is RefField.PURPOSE and cookie is not None:
            return self.purpose(cookie)
        if field is RefField.DOMAIN:
            domain = cookie.domain if cookie is not None else (party.domains[0] if party.domains else None)
            return self.isolated((Text(domain),)) if domain else (Text(self.labels["unknown"]),)
        if field is RefField.COUNTRY:
            country = party.country
            return (Text(values.country_name(country, self.locale) if country else self.labels["unknown"]),)
        if field is RefField.PRIVACY_POLICY and party.privacy_policy is not None:
            return self.isolated((Link(party.privacy_policy, (Text(party.privacy_policy),)),))
        if field is RefField.SAFEGUARD:
            return (Text(self.safeguard_name(party)),)
        return (Text(self.labels["unknown"]),)

    def controller_field(self, field: RefField) -> Nodes:
        controller = self.policy.meta.controller
        if field is RefField.CONTACT and controller.contact is not None:
            contact = controller.contact
            # An e-mail address or a URL: either way the reader can follow it.
            href = contact if "://" in contact else f"mailto:{contact}" if "@" in contact else None
            return self.isolated((Link(href, (Text(contact),)),) if href is not None else (Text(contact),))
        if field is RefField.NAME and controller.organisation is not None:
            return self.isolated((Text(controller.organisation),))  # a legal name is not translated
        return (Text(self.labels["unknown"]),)

    def safeguard_name(self, party: Party) -> str:
        """A party's transfer safeguard in the reader's words; unknown when not stated."""
        if party.transfer is None:
            return self.labels["unknown"]
        return self.labels.get(f"safeguard.{party.transfer.safeguard.value}", self.labels["unknown"])

    def party_list(self, parties: list[Party], field: RefField) -> Nodes:
        """Several parties' field as one localized list ("A, B and C"), each name isolated in RTL."""
        texts = [self.party_field(party, field) for party in parties]
        localized = field in (RefField.SAFEGUARD, RefField.COUNTRY)
        if not self.rtl or localized:
            return (Text(values.format_list(texts, self.locale)),)
        # Format markers instead of the names, then put each name back as an isolated run.
        marked = values.format_list([f"\0{i}\0" for i in range(len(texts))], self.locale)
        out: list[Inline] = []
        for index, part in enumerate(marked.split("\0")):
            if index % 2:
                out.append(Isolate((Text(texts[int(part)]),)))
            elif part:
                out.append(Text(part))
        return tuple(out)

    def party_field(self, party: Party, field: RefField) -> str:
        """A party's field as plain text, for lists of parties."""
        if field is RefField.SAFEGUARD:
            return self.safeguard_name(party)
        if field is RefField.COUNTRY:
            return values.country_name(party.country, self.locale) if party.country else self.labels["unknown"]
        if field is RefField.PRIVACY_POLICY:
            return party.privacy_policy or self.labels["unknown"]
        if field is RefField.DOMAIN:
            return party.domains[0] if party.domains else self.labels["unknown"]
        return self.party_name(party)

    # --- prose ------------------------------------------------------------------------

    def prose(self, context: str, text: str, refs: Mapping[str, Ref]) -> Nodes:
        nodes = inline.parse_inline(self.t.policy_text(context, text))
        if not refs:
            return nodes
        return resolve_placeholders(
            nodes, lambda name: self.ref_value(refs[name]) if name in refs else (Text(f"{{{name}}}"),)
        )

    def blocks(self, body: tuple[Block, ...], anchor: str) -> list[DocBlock]:
        out: list[DocBlock] = []
        for index, block in enumerate(body):
            if isinstance(block, Clause):
                from policykit.clauses import clause_blocks

                out.extend(clause_blocks(self, block, anchor, index))
            else:
                out.append(self.block(block, anchor, index))
        return out

    def block(self, block: Paragraph | ItemList | CookieTable, anchor: str, index: int | None = None) -> DocBlock:
        if isinstance(block, Paragraph):
            return DocParagraph(self.prose(contexts.paragraph(anchor), block.text, block.refs), source=index)
        if isinstance(block, ItemList):
            items = tuple(self.prose(contexts.item(anchor), item, block.refs) for item in block.items)
            return DocList(items, index)
        return self.table(block, anchor, index)

    def table(self, table: CookieTable, anchor: str, index: int | None = None) -> DocTable:
        with_category = table.category is None
        keys = ("name", "provider", "category", "purpose", "lifetime") if with_category else (
            "name", "provider", "purpose", "lifetime"
        )  # fmt: skip
        if self._party_cells is None:
            # Cells that repeat (a party, a category, a lifetime) are one shared tuple each.
            self._party_cells = {
                pid: self.isolated((Text(self.party_name(party)),)) for pid, party in self.parties.items()
            }
            self._category_cells = {cid: (Text(self.category_title(cid)),) for cid in self.categories}
        party_cells, category_cells, lifetime_cells = self._party_cells, self._category_cells, self._lifetime_cells
        unnamed = self.labels["unnamed"]
        rows: list[tuple[Nodes, ...]] = []
        ids: list[str] = []
        for cookie in self.policy.matching_cookies(table):
            ids.append(cookie.id)
            lifetime = self.cookie_lifetime(cookie)
            lifetime_cell = lifetime_cells.get(lifetime)
            if lifetime_cell is None:
                lifetime_cell = lifetime_cells[lifetime] = (Text(lifetime),)
            name: Nodes = self.isolated((Text(cookie.name or unnamed),))
            row: tuple[Nodes, ...]
            if with_category:
                row = (
                    name,
                    party_cells[cookie.party],
                    category_cells[cookie.category],
                    self.purpose(cookie),
                    lifetime_cell,
                )
            else:
                row = (name, party_cells[cookie.party], self.purpose(cookie), lifetime_cell)
            rows.append(row)
        header = tuple(self.labels[key] for key in keys)
        caption = self.caption(table, anchor)
        return DocTable(caption, keys, header, tuple(rows), table.style is TableStyle.LIST, index, tuple(ids))

    def caption(self, table: CookieTable, anchor: str) -> str:
        if table.caption is not None:
            return title_text(self.t.policy_text(contexts.caption(anchor), table.caption))
        if table.party is not None:
            party = self.isolated_text(self.party_name(self.parties[table.party]))
            return substitute(self.labels["caption_party"], party=party)
        if table.category is not None:
            return substitute(self.labels["caption_category"], category=self.category_title(table.category))
        if table.persistence is not None and f"caption_persistence_{table.persistence.name.lower()}" in self.labels:
            return self.labels[f"caption_persistence_{table.persistence.name.lower()}"]
        return self.labels["caption_all"]

    def section(self, section: Section, article: Article, article_number: int, number: int) -> DocSection:
        anchor = section_id(section, article_number, number)
        context = contexts.anchor(article, section)
        title = section.title
        title = None if title is None else title_text(self.t.policy_text(contexts.title(context), title))
        blocks = self.blocks(section.body, context)
        label = f"{article_number}.{number}"
        if title is None and blocks and isinstance(blocks[0], DocParagraph):
            blocks[0] = DocParagraph(blocks[0].nodes, f"{label}.", blocks[0].source)
        return DocSection(anchor, label, title, tuple(blocks))

    def article(self, article: Article, number: int) -> DocArticle:
        anchor = article_id(article, number)
        context = contexts.anchor(article)
        title = title_text(self.t.policy_text(contexts.title(context), article.title))
        heading = substitute(self.labels["article_heading"], number=str(number), title=title)
        return DocArticle(
            anchor,
            str(number),
            heading,
            tuple(self.blocks(article.body, context)),
            tuple(self.section(section, article, number, i + 1) for i, section in enumerate(article.sections)),
        )


def localize(policy: Policy, locale: str | None = None, translator: Translator | None = None) -> Document:
    """The policy as one locale reads it. `locale` defaults to the policy's language."""
    locale = values.normalize_locale(locale or str(policy.meta.language))
    if translator is None and locale.split("_")[0] != "en":
        # A policy written in German reads its headings and clauses in German too.
        from policykit.i18n.translator import source_templates

        translator = source_templates(locale)
    translator = translator or Translator()
    lz = _Localizer(policy, locale, translator)
    meta = policy.meta
    labels = lz.labels
    footer = [substitute(labels["last_modified"], date=values.format_datetime(meta.last_modified, locale))]
    if meta.effective is not None:
        footer.append(substitute(labels["effective"], date=values.format_day(meta.effective, locale)))
    if meta.version is not None:
        footer.append(substitute(labels["version"], version=meta.version))
    vid = version_id(policy, translator.fingerprint)
    footer.append(substitute(labels["version_id"], id=vid))
    website = meta.website or labels["this_website"]
    settings = meta.consent_settings
    settings_link = (
        None if settings is None else DocSettingsLink(labels["consent_settings"], settings.url, settings.javascript)
    )
    return Document(
        language=locale.replace("_", "-"),
        direction=values.text_direction(locale),
        title=title_text(translator.policy_text(contexts.META_TITLE, meta.title)),
        description=substitute(labels["description"], website=website),
        author=meta.controller.organisation,
        articles=tuple(lz.article(article, i + 1) for i, article in enumerate(policy.articles)),
        footer=tuple(footer),
        labels=labels,
        version_id=vid,
        last_modified_iso=meta.last_modified.isoformat(),
        effective_iso=meta.effective.isoformat() if meta.effective else None,
        show_contents=len(policy.articles) >= CONTENTS_FROM,
        consent_settings=settings_link,
    )
