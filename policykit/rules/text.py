"""Checks on the text the reader reads: the localized Document of each locale checked.

In: the Context (the records, the facts, the wording) and its localized Documents (the
policy's own language by default; `check --locale` and `build` add others).
Out: Issues at the block of the policy file a finding is about (or the record whose
disclosure is missing), each saying what the reader is told, what the data says, and
which clause would make it true.

The records say what is true; these rules ask whether the page says it. A generated
clause satisfies them by construction; hand-written prose must satisfy them too, in
every locale, so a translation that drops the contact or the safeguard is caught.

One module because every rule here reads the same localized Documents through the same
helpers (the text of a block, where a record is told), and a translation is judged by
all of them together.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from attrs import frozen

from policykit import inline
from policykit.document import DocList, DocParagraph, DocTable, Document
from policykit.findings import Severity
from policykit.i18n import values
from policykit.model import CategoryKind, Clause, Cookie, Party, Persistence, Role, Safeguard
from policykit.rules.base import At, Context, Issue, Part, rule

__all__ = ["RULES", "TextBlock", "text_blocks"]

_CITE_13 = ("cite.gdpr-art-13-1", "cite.gdpr-art-12-1")


@frozen
class TextBlock:
    """One paragraph or list item of a localized Document, with where it comes from."""

    at: At  # the block in the policy file
    part: Part
    text: str
    clause: bool  # written by policykit from the records


@frozen
class Localized:
    locale: str
    document: Document
    blocks: tuple[TextBlock, ...]
    tables: tuple[tuple[Part, At, tuple[str, ...]], ...]  # each table: its part, block and cookie ids

    def tag(self, ctx: Context) -> str:
        """How a message names the locale: nothing for the policy's own language."""
        return "" if self.locale.replace("_", "-") == ctx.language.replace("_", "-") else f"in {self.locale}: "

    @functools.cached_property
    def all_text(self) -> str:
        return "\n".join(block.text for block in self.blocks)


def text_blocks(ctx: Context, locale: str, document: Document) -> Localized:
    """The Document's paragraphs, list items and tables, each with its part and block."""
    doc_parts = [
        blocks
        for article in document.articles
        for blocks in (article.blocks, *(section.blocks for section in article.sections))
    ]
    found: list[TextBlock] = []
    tables: list[tuple[Part, At, tuple[str, ...]]] = []
    for part, blocks in zip(ctx.parts, doc_parts, strict=True):
        for block in blocks:
            if block.source is None:
                continue
            at = (*part.at, "body", block.source)
            clause = isinstance(part.item.body[block.source], Clause)
            if isinstance(block, DocParagraph):
                found.append(TextBlock(at, part, inline.plain_text(block.nodes), clause))
            elif isinstance(block, DocList):
                found += [TextBlock(at, part, inline.plain_text(item), clause) for item in block.items]
            elif isinstance(block, DocTable):
                tables.append((part, at, block.cookies))
    return Localized(locale, document, tuple(found), tuple(tables))


def _localized(ctx: Context) -> list[Localized]:
    return [text_blocks(ctx, locale, document) for locale, document in ctx.documents]


# --- disclosures ------------------------------------------------------------------------


@rule(
    "PK350",
    Severity.ERROR,
    "The page does not show the controller's name or contact",
    """GDPR Art. 13(1)(a): the reader is told the identity and the contact details of
    the controller, in a form that is easily accessible (Art. 12(1)). `meta.controller`
    alone is metadata: some paragraph of each published locale must show the
    organisation and its contact. `- clause: controller` does.""",
    cites=_CITE_13,
)
def controller_shown(ctx: Context) -> Iterator[Issue]:
    controller = ctx.declared.meta.controller
    for loc in _localized(ctx):
        for key, value in (("organisation", controller.organisation), ("contact", controller.contact)):
            what = "name" if key == "organisation" else "contact"
            if value is None:
                yield Issue(
                    ("meta", "controller"),
                    f"{loc.tag(ctx)}the reader is not told the controller's {what}: meta.controller.{key} "
                    "is not stated; state it, and `- clause: controller` shows it",
                )
            elif value not in loc.all_text:
                yield Issue(
                    ("meta", "controller", key),
                    f"{loc.tag(ctx)}the reader is not told the controller's {what}: the data says {value!r}, "
                    "but no paragraph shows it; `- clause: controller` would",
                )


def _recipients(ctx: Context) -> Iterator[tuple[int, Party]]:
    for index, party in enumerate(ctx.declared.parties):
        if party.role is not Role.FIRST_PARTY and party.name is not None:
            yield index, party


@rule(
    "PK351",
    Severity.ERROR,
    "A party that receives data is not named on the page with its country",
    """GDPR Art. 13(1)(e): the recipients of the data; Art. 13(1)(f): whether it goes
    to a third country. Every party other than the site itself must be named in a
    paragraph or list item that also gives its country, in the reader's language.
    A cookie table names the provider but not where it is. `- clause: recipients`
    does both.""",
    cites=_CITE_13,
)
def recipient_shown(ctx: Context) -> Iterator[Issue]:
    for loc in _localized(ctx):
        for index, party in _recipients(ctx):
            name = str(party.name)
            naming = [block for block in loc.blocks if name in block.text]
            if party.country is None:
                if not naming:
                    yield Issue(
                        ("parties", index),
                        f"{loc.tag(ctx)}the reader is not told of {name}, which receives data; "
                        "`- clause: recipients` would name it",
                    )
                continue
            country = values.country_name(party.country, loc.locale)
            if not any(country in block.text for block in naming):
                told = "is named without its country" if naming else "is never named"
                yield Issue(
                    ("parties", index, "country") if naming else ("parties", index),
                    f"{loc.tag(ctx)}{name} {told}: the data says it receives data in {country}; "
                    "`- clause: recipients` would say so",
                )


@rule(
    "PK352",
    Severity.ERROR,
    "A transfer outside the EEA (or the UK) is shown without its safeguard",
    """GDPR Art. 13(1)(f): for a transfer to a third country, the existence of an
    adequacy decision or a reference to the appropriate safeguards. Where the data
    puts a recipient outside the EEA (the `uk` profile: the UK), the paragraph that
    names it must name the safeguard as `policykit facts` does, in the reader's
    language (the EU-US Data Privacy Framework, standard contractual clauses, an
    adequacy decision). The EEA and the adequacy decisions are dated facts. `- clause:
    recipients` names it.""",
    cites=_CITE_13,
    uses=("eea.members", "eu.adequacy.*", "uk.adequacy.*"),
)
def transfer_shown(ctx: Context) -> Iterator[Issue]:
    for loc in _localized(ctx):
        labels = loc.document.labels
        for index, party in _recipients(ctx):
            country = party.country
            outside = [r for r in ctx.regimes if country is not None and country not in r.home]
            if not outside:
                continue
            if party.transfer is not None and party.transfer.safeguard is not Safeguard.NONE:
                names = [labels[f"safeguard.{party.transfer.safeguard.value}"]]
            elif party.transfer is None and all(country in r.adequate for r in outside):
                names = [labels["safeguard.adequacy"]]
            else:
                continue  # the data states no safeguard: a records rule (PK2xx) says so
            name = str(party.name)
            if any(name in b.text and any(n in b.text for n in names) for b in loc.blocks):
                continue
            areas = " and ".join(r.label for r in outside)
            yield Issue(
                ("parties", index, "transfer") if party.transfer is not None else ("parties", index, "country"),
                f"{loc.tag(ctx)}the reader is not told the safeguard for {name}: the data puts it outside "
                f"{areas} and names {names[0]!r}, but no paragraph naming {name} shows it; "
                "`- clause: recipients` would",
            )


def _says_consent(ctx: Context, loc: Localized, text: str) -> bool:
    language = loc.locale.split("_")[0]
    consent, negation = ctx.wording("consent", language), ctx.wording("negation", language)
    restriction = ctx.wording("restriction", language)
    return any(consent.search(s) and not negation.search(restriction.sub(" ", s)) for s in ctx.sentences(text))


@rule(
    "PK353",
    Severity.ERROR,
    "A category that needs consent is not said to need it",
    """ePrivacy Directive Art. 5(3): cookies that are not strictly necessary are set only
    with consent, after clear and comprehensive information. Each category in use that
    needs consent must be shown (its cookies in a table or `covers`) in an article or
    section that says, in a sentence that does not say "not", that consent is asked.
    `- clause: categories` says it for each.""",
    cites=("cite.eprivacy-art-5-3",),
)
def consent_said(ctx: Context) -> Iterator[Issue]:
    cookies = {cookie.id: cookie for cookie in ctx.declared.cookies}
    for loc in _localized(ctx):
        said: set[str] = set()
        shown: dict[str, At] = {}
        for part in ctx.parts:
            ids = [c for p, _, table in loc.tables if p is part for c in table] + list(part.item.covers)
            where = [at for p, at, table in loc.tables if p is part and table] or [(*part.at, "covers")]
            categories = {cookies[c].category for c in ids if c in cookies}
            for category_id in categories:
                shown.setdefault(category_id, where[0])
            if categories and any(_says_consent(ctx, loc, b.text) for b in loc.blocks if b.part is part):
                said |= categories
        for category in ctx.declared.all_categories:
            used = [i for i, c in enumerate(ctx.declared.cookies) if c.category == category.id]
            if not category.consent_required or not used or category.id in said:
                continue
            at = shown.get(category.id, ("cookies", used[0], "category"))
            yield Issue(
                at,
                f"{loc.tag(ctx)}the reader is not told that {category.title} cookies need consent: the data "
                "says they do, but no article or section showing them says consent is asked; "
                "`- clause: categories` would",
            )


@rule(
    "PK354",
    Severity.ERROR,
    "The page does not say how to withdraw consent",
    """GDPR Art. 7(3): the reader may withdraw consent at any time, as easily as it was
    given, and is told so before giving it. Where some cookie needs consent, a paragraph
    of each published locale must say how to withdraw it. `- clause: consent` does,
    with the `consent_settings` link or button.""",
    cites=("cite.gdpr-art-7-3",),
)
def withdrawal_shown(ctx: Context) -> Iterator[Issue]:
    needing = [c for c in ctx.declared.cookies if ctx.category_needs_consent(c.category)]
    if not needing:
        return
    for loc in _localized(ctx):
        language = loc.locale.split("_")[0]
        if ctx.wording("withdrawal", language).search(loc.all_text):
            continue
        yield Issue(
            ("articles",),
            f"{loc.tag(ctx)}the reader is not told how to withdraw consent, which the data says "
            f"{ctx.label(needing[0])} and other cookies need; `- clause: consent` would say how",
        )


# --- claims the records contradict ------------------------------------------------------


def _claims(ctx: Context, loc: Localized, kinds: tuple[str, ...], *, negated: bool = True) -> Iterator[TextBlock]:
    """The hand-written blocks that make a claim of one of `kinds`, once each."""
    language = loc.locale.split("_")[0]
    negation = ctx.wording("negation", language)
    patterns = [ctx.wording(kind, language) for kind in kinds]
    for block in loc.blocks:
        if block.clause:
            continue  # a clause is written from the records
        for sentence in ctx.sentences(block.text):
            if any(p.search(sentence) for p in patterns) and (negated or not negation.search(sentence)):
                yield TextBlock(block.at, block.part, sentence.strip(), False)
                break


@rule(
    "PK355",
    Severity.ERROR,
    "The text says cookies need no consent above cookies that need it",
    """ePrivacy Directive Art. 5(3) exempts only what is strictly necessary for the
    service the user asked for. Prose that says the cookies are strictly necessary,
    exempt, or need no consent, in an article or section whose tables or `covers`
    include a cookie of a category that needs consent, tells the reader the opposite of
    the data (the scaffold of policykit 0.1 wrote such a sentence above any table).""",
    cites=("cite.eprivacy-art-5-3", "cite.gdpr-art-12-1"),
)
def necessary_contradicted(ctx: Context) -> Iterator[Issue]:
    cookies = {cookie.id: cookie for cookie in ctx.declared.cookies}
    for loc in _localized(ctx):
        for claim in _claims(ctx, loc, ("claim_necessary", "claim_no_consent")):
            ids = [c for p, _, table in loc.tables if p is claim.part for c in table] + list(claim.part.item.covers)
            needing = [cookies[c] for c in dict.fromkeys(ids) if c in cookies]
            needing = [c for c in needing if ctx.category_needs_consent(c.category)]
            if needing:
                names = ", ".join(ctx.label(c) for c in needing[:3]) + (" ..." if len(needing) > 3 else "")
                yield Issue(
                    claim.at,
                    f"{loc.tag(ctx)}the reader is told '{claim.text}', but {claim.part.title} shows "
                    f"cookies that need consent: {names}; `- clause: categories` says which do",
                )


@rule(
    "PK356",
    Severity.ERROR,
    "The text says no data is shared, but a third party receives it",
    """GDPR Art. 13(1)(e): the recipients. "We do not share your data" while the data
    declares a third party that sets or reads cookies tells the reader the opposite.
    `- clause: recipients` names who receives it.""",
    cites=_CITE_13,
)
def sharing_contradicted(ctx: Context) -> Iterator[Issue]:
    third = [p for p in ctx.declared.parties if p.role is Role.THIRD_PARTY]
    if not third:
        return
    for loc in _localized(ctx):
        for claim in _claims(ctx, loc, ("claim_no_sharing",)):
            names = ", ".join(str(p.name or p.id) for p in third[:3])
            yield Issue(
                claim.at,
                f"{loc.tag(ctx)}the reader is told '{claim.text}', but the data declares third parties that "
                f"receive data ({names}); `- clause: recipients` names them",
            )


def _third_party_cookies(ctx: Context) -> list[Cookie]:
    parties = {party.id: party for party in ctx.declared.parties}
    return [c for c in ctx.declared.cookies if parties[c.party].role is Role.THIRD_PARTY]


@rule(
    "PK357",
    Severity.ERROR,
    "The text says only first-party cookies are used, but a third party sets one",
    """ePrivacy Directive Art. 5(3) (clear and comprehensive information) and Planet49
    (C-673/17: whether third parties may access the cookies). "We only use first-party
    cookies" while a third party's cookie is declared is false. `- clause: categories`
    shows each cookie with its provider.""",
    cites=("cite.eprivacy-art-5-3", "cite.planet49"),
)
def first_party_contradicted(ctx: Context) -> Iterator[Issue]:
    third = _third_party_cookies(ctx)
    if not third:
        return
    for loc in _localized(ctx):
        for claim in _claims(ctx, loc, ("claim_first_party_only",)):
            yield Issue(
                claim.at,
                f"{loc.tag(ctx)}the reader is told '{claim.text}', but {ctx.label(third[0])} is set by "
                f"{ctx.party_of(third[0]).name or third[0].party}, a third party; `- clause: categories` "
                "shows each cookie's provider",
            )


def _identifiers(ctx: Context) -> list[Cookie]:
    words = ctx.words("identifier_purpose")
    found = []
    for cookie in ctx.declared.cookies:
        kind = ctx.category_of(cookie).kind
        tracking = kind in (CategoryKind.ANALYTICS, CategoryKind.MARKETING)
        if words.search(cookie.purpose) or (tracking and cookie.lifetime.persistence is Persistence.PERSISTENT):
            found.append(cookie)
    return found


@rule(
    "PK358",
    Severity.ERROR,
    "The text says the data is anonymous, but a cookie identifies the reader",
    """A cookie that holds a unique identifier (its purpose says it distinguishes or
    recognises visitors, or it is a persistent analytics or marketing cookie) makes the
    data it collects personal data, not anonymous (GDPR Art. 4(1), recital 30: online
    identifiers such as cookie identifiers). Telling the reader it is anonymous
    misleads (Art. 12(1)); say what is collected instead (`- clause: categories`).""",
    cites=("cite.gdpr-art-12-1",),
)
def anonymous_contradicted(ctx: Context) -> Iterator[Issue]:
    identifiers = _identifiers(ctx)
    if not identifiers:
        return
    for loc in _localized(ctx):
        for claim in _claims(ctx, loc, ("claim_anonymous",), negated=False):
            names = ", ".join(ctx.label(c) for c in identifiers[:3])
            yield Issue(
                claim.at,
                f"{loc.tag(ctx)}the reader is told '{claim.text}', but the data declares cookies that identify "
                f"a visitor ({names}); `- clause: categories` says what they do",
            )


RULES = (
    controller_shown,
    recipient_shown,
    transfer_shown,
    consent_said,
    withdrawal_shown,
    necessary_contradicted,
    sharing_contradicted,
    first_party_contradicted,
    anonymous_contradicted,
)
