"""localize(policy, locale) -> Document: the policy resolved for one locale, format-neutral.

In: a Policy, a locale, and optionally translations (the policy's own strings and the
template strings such as "Name" and "Lifetime").
Out: a Document: numbered articles and sections, paragraphs as inline nodes with every
placeholder resolved, cookie tables as rows of cells, lifetimes and dates formatted,
whether a table of contents is shown, and the cookie settings link. In a right-to-left
locale, names, domains and addresses are Isolate nodes, which each renderer expresses.

Renderers (HTML, Markdown, PDF) read only the Document. They never see the model,
gettext or Babel, so every format says exactly the same thing, and a new format is one
small module.

One module because the Document's blocks and the one pass that resolves a policy into
them belong together: a renderer reads the classes, and the localizer is their only
producer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping

from attrs import frozen

from policykit import convert, inline
from policykit.i18n import contexts, values
from policykit.i18n.lifetimes import lifetime_words
from policykit.i18n.strings import TEMPLATE_STRINGS
from policykit.inline import Inline, Isolate, Link, Placeholder, Text, title_text
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
    "DocList",
    "DocParagraph",
    "DocSection",
    "DocSettingsLink",
    "DocTable",
    "Document",
    "Translator",
    "localize",
    "resolve_placeholders",
    "substitute",
]

Nodes = tuple[Inline, ...]

CONTENTS_FROM = 4  # articles from which a table of contents is shown

_NAME = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def substitute(pattern: str, **values: str) -> str:
    """Fill `{name}` placeholders by bare name only; anything else stays as written.

    Unlike str.format, `{x.__class__}` or `{x[0]}` can never reach an attribute.
    """
    return _NAME.sub(lambda m: values.get(m.group(1), m.group(0)), pattern)


class Translator:
    """Translations for one locale. The default translates nothing (the source language)."""

    def policy_text(self, context: str, text: str) -> str:
        """A string of the policy, identified by its msgctxt (the element's id and field)."""
        return text

    def template_text(self, key: str) -> str:
        return TEMPLATE_STRINGS[key]

    @property
    def fingerprint(self) -> bytes:
        """What, besides the policy, the rendered text depends on."""
        return b""


@frozen
class DocParagraph:
    nodes: Nodes
    number: str | None = None  # an untitled section's number, shown before its first paragraph
    # The index, in its article's or section's body, of the block it was rendered from
    # (a clause renders as several blocks with one index), so that checks on the text
    # can point at the line of the policy file; None for text of no block.
    source: int | None = None


@frozen
class DocList:
    items: tuple[Nodes, ...]
    source: int | None = None  # as DocParagraph.source


@frozen
class DocTable:
    caption: str
    keys: tuple[str, ...]  # what each column holds: name, provider, category, purpose, lifetime
    header: tuple[str, ...]
    rows: tuple[tuple[Nodes, ...], ...]  # the first cell names the cookie
    as_list: bool = False
    source: int | None = None  # as DocParagraph.source
    cookies: tuple[str, ...] = ()  # the ids of the cookies in its rows, in order


DocBlock = DocParagraph | DocList | DocTable


@frozen
class DocSettingsLink:
    """The "change your cookie settings" link: a page (`url`) or the site's function (`javascript`)."""

    label: str
    url: str | None
    javascript: str | None


@frozen
class DocSection:
    anchor: str
    number: str  # "2.1"
    title: str | None
    blocks: tuple[DocBlock, ...]


@frozen
class DocArticle:
    anchor: str
    number: str  # "2"
    heading: str  # "Article 2. Use of permanent cookies"
    blocks: tuple[DocBlock, ...]
    sections: tuple[DocSection, ...]


@frozen
class Document:
    language: str  # BCP 47, for lang attributes: "en", "pt-BR"
    direction: str  # "ltr" or "rtl"
    title: str
    description: str
    author: str | None  # the controller
    articles: tuple[DocArticle, ...]
    footer: tuple[str, ...]  # last modified, effective, version, version id
    labels: Mapping[str, str]  # template strings, localized
    version_id: str
    last_modified_iso: str
    effective_iso: str | None
    # A table of contents helps once there are more than a few articles.
    show_contents: bool = False
    consent_settings: DocSettingsLink | None = None


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


def resolve_placeholders(nodes: Nodes, value: Callable[[str], Nodes]) -> Nodes:
    """`nodes` with each placeholder replaced by `value(name)`, inside emphasis and links too."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Placeholder):
            out.extend(value(node.name))
        elif isinstance(node, Text):
            out.append(node)
        elif isinstance(node, Link):
            out.append(Link(node.href, resolve_placeholders(node.children, value)))
        else:
            out.append(type(node)(resolve_placeholders(node.children, value)))
    return tuple(out)


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
