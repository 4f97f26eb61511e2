"""Rules on consent that is not consent: opt-out framing, legitimate interest, boxes
ticked in advance, cookie walls and consent or pay.

In: a Context: the policy in its own language (`meta.language`), the wording lists of
data/wording.yaml and the profiles. Out: Issues pointing at the sentence's paragraph,
list item or title. Implied consent from browsing is PK307 (rules.prose).

A sentence is judged only where it can be about cookies that need consent: a part
(article or section) that lists only cookies exempt from consent is about those.
"""

from __future__ import annotations

from collections.abc import Iterator

from policykit.findings import Severity
from policykit.model import Cookie
from policykit.rules.base import Context, Issue, Prose, rule

__all__ = ["RULES", "about_consent_cookies", "needs_consent", "sentences_saying"]


def needs_consent(ctx: Context, cookie: Cookie) -> bool:
    """A cookie that is set only with consent, or should be: its category asks it."""
    return ctx.category_needs_consent(cookie.category)


def about_consent_cookies(ctx: Context, text: Prose) -> bool:
    """Whether a text can be about cookies that need consent: the policy has some, and
    the part it stands in does not list only cookies exempt from consent."""
    if not any(needs_consent(ctx, c) for c in ctx.policy.cookies):
        return False
    if text.cookie is not None:
        return needs_consent(ctx, text.cookie)
    if text.part is None:
        return True
    parts = [text.part]
    if len(text.part.at) > 2:  # a section: its article's cookies count too
        parts += [p for p in ctx.parts if p.at == text.part.at[:2]]
    discussed = [cookie for part in parts for _, cookie in ctx.discussed(part)]
    return not discussed or any(needs_consent(ctx, c) for c in discussed)


def sentences_saying(
    ctx: Context, kind: str, *, negated_ok: bool = False, purposes: bool = True
) -> Iterator[tuple[Prose, str]]:
    """Each text and sentence that says `kind` (not negated, unless `negated_ok`); the
    cookies' purposes left out unless `purposes` (a rule on what the articles say need
    not search the thousands of purposes)."""
    pattern, negation = ctx.words(kind), ctx.words("negation")
    for text in ctx.told:
        if (not purposes and text.cookie is not None) or not pattern.search(text.plain):
            continue
        for sentence in ctx.sentences(text.plain):
            if pattern.search(sentence) and (negated_ok or not negation.search(sentence)):
                yield text, sentence.strip()


def _quote(sentence: str, limit: int = 160) -> str:
    sentence = sentence.replace("\ufffc", "…")
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


@rule(
    "PK312",
    Severity.ERROR,
    "Cookies that need consent run unless the visitor objects (opt-out)",
    """ePrivacy Directive Art. 5(3): storing or reading information on the visitor's
    device needs prior consent, and consent is a clear affirmative act (GDPR Art. 4(11);
    CJEU Planet49, C-673/17). Analytics or marketing that runs 'unless you object'
    ('wenn Sie nicht widersprechen', 'sauf opposition', 'tenzij u bezwaar maakt'), an
    opt-out cookie or browser add-on, or a promise to honour Do Not Track offered in
    place of consent, turns the rule around: the visitor must act to stop what needed
    their consent to start. 'You can opt out' counts only where nothing in the policy
    says that consent is asked first. A sentence in a part that lists only cookies
    exempt from consent (statistics under PECR's exception, for one) is not judged.""",
    cites=("cite.eprivacy", "cite.planet49", "cite.edpb-consent"),
)
def opt_out_framing(ctx: Context) -> Iterator[Issue]:
    asked_first = any(True for _ in sentences_saying(ctx, "prior_consent", negated_ok=True))
    kinds = ("opt_out_framing",) if asked_first else ("opt_out_framing", "opt_out_only")
    seen: set[tuple[str | int, ...]] = set()
    for kind in kinds:
        for text, sentence in sentences_saying(ctx, kind, negated_ok=kind == "opt_out_framing"):
            if text.at in seen or not about_consent_cookies(ctx, text):
                continue
            seen.add(text.at)
            yield Issue(
                text.at,
                f"'{_quote(sentence)}' makes the visitor act to refuse what needs their prior consent; "
                "consent is asked first, and an objection or opt-out is not consent",
            )


@rule(
    "PK313",
    Severity.ERROR,
    "Legitimate interest given as the basis for cookies that need consent",
    """A legitimate interest (GDPR Art. 6(1)(f)) cannot replace the consent that Art.
    5(3) of the ePrivacy Directive requires before cookies that are not strictly
    necessary are set or read: the EDPB's Guidelines 2/2023 on the technical scope of
    Art. 5(3) and its Guidelines 05/2020 on consent. A sentence that gives legitimate
    interest as the basis of analytics, marketing or tracking cookies that need consent
    misstates the law. A legitimate interest for cookies exempt from consent is not
    judged here.""",
    cites=("cite.eprivacy", "cite.edpb-5-3", "cite.edpb-consent"),
)
def legitimate_interest(ctx: Context) -> Iterator[Issue]:
    non_essential = ctx.words("non_essential")
    if not any(needs_consent(ctx, c) for c in ctx.policy.cookies):
        return
    seen: set[tuple[str | int, ...]] = set()
    for text, sentence in sentences_saying(ctx, "legitimate_interest"):
        if text.at in seen or not about_consent_cookies(ctx, text):
            continue
        if not non_essential.search(sentence) and not _part_lists_consent_cookies(ctx, text):
            continue
        seen.add(text.at)
        yield Issue(
            text.at,
            f"'{_quote(sentence)}' gives a legitimate interest as the basis for cookies that need consent; "
            "it cannot replace the consent Art. 5(3) requires",
        )


def _part_lists_consent_cookies(ctx: Context, text: Prose) -> bool:
    """A part that lists cookies, all of which need consent (or a purpose of one)."""
    if text.cookie is not None:
        return needs_consent(ctx, text.cookie)
    if text.part is None:
        return False
    discussed = [cookie for _, cookie in ctx.discussed(text.part)]
    return bool(discussed) and all(needs_consent(ctx, c) for c in discussed)


@rule(
    "PK314",
    Severity.ERROR,
    "Choices that are ticked or on by default",
    """CJEU Planet49 (C-673/17), point 1 of the operative part: consent is not validly
    given by a pre-ticked checkbox which the user must deselect to refuse. A policy that
    says analytics or marketing cookies are 'on by default', 'pre-selected' or
    'standaard aangevinkt' describes a consent nobody gave. Cookies needing no consent
    (strictly necessary ones) may be on by default: a sentence about them is not
    judged, nor one about a setting that is no choice of the visitor's (IP
    anonymisation 'standardmäßig aktiviert').""",
    cites=("cite.planet49",),
)
def pre_ticked(ctx: Context) -> Iterator[Issue]:
    necessary, choice = ctx.words("necessary_words"), ctx.words("choice_words")
    seen: set[tuple[str | int, ...]] = set()
    for text, sentence in sentences_saying(ctx, "pre_ticked"):
        if text.at in seen or necessary.search(sentence) or not choice.search(sentence):
            continue
        if not about_consent_cookies(ctx, text):
            continue
        seen.add(text.at)
        yield Issue(text.at, f"'{_quote(sentence)}': a choice ticked in advance is not consent")


def _walls(ctx: Context) -> Iterator[tuple[Prose, str]]:
    pattern = ctx.words("cookie_wall")
    seen: set[tuple[str | int, ...]] = set()
    for text in ctx.prose:
        if text.at in seen or not pattern.search(text.plain):
            continue
        for sentence in ctx.sentences(text.plain):
            if pattern.search(sentence):
                seen.add(text.at)
                yield text, sentence.strip()
                break


@rule(
    "PK315",
    Severity.ERROR,
    "Access depends on accepting cookies (a cookie wall, or consent or pay)",
    """Consent is not freely given when access to a service is made conditional on
    accepting cookies: EDPB Guidelines 05/2020 on consent, paragraphs 38-41 (cookie
    walls). For large online platforms, offering only 'consent or pay' will in most
    cases not give valid consent: EDPB Opinion 08/2024. Under the cnil profile the CNIL
    assesses walls case by case, and PK316 asks for a real alternative instead.""",
    profiles=("gdpr", "nl", "uk"),
    cites=("cite.edpb-consent", "cite.edpb-consent-or-pay"),
)
def cookie_wall(ctx: Context) -> Iterator[Issue]:
    if "cnil" in ctx.profiles:
        return  # the CNIL's case-by-case assessment: PK316
    for text, sentence in _walls(ctx):
        yield Issue(text.at, f"'{_quote(sentence)}' makes access depend on accepting cookies, so consent is not free")


@rule(
    "PK316",
    Severity.WARNING,
    "Access depends on accepting cookies: the CNIL asks for a real alternative",
    """The CNIL assesses cookie walls case by case (its guidelines, délibération n°
    2020-091, as amended after the Conseil d'État's decision on its earlier version): a wall
    may be lawful only when the visitor who refuses has a real and fair alternative,
    and the policy should say what it is. A policy that makes access depend on accepting cookies without
    naming that alternative is asked to name it.""",
    profiles=("cnil",),
    cites=("cite.cnil-2020-091",),
)
def cnil_cookie_wall(ctx: Context) -> Iterator[Issue]:
    for text, sentence in _walls(ctx):
        yield Issue(
            text.at,
            f"'{_quote(sentence)}' makes access depend on accepting cookies; say what real and fair "
            "alternative a visitor who refuses has",
        )


RULES = (opt_out_framing, legitimate_interest, pre_ticked, cookie_wall, cnil_cookie_wall)
