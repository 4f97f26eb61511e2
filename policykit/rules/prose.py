"""Rules on the prose: template leftovers, dead technologies, quotes, consent, links.

In: a Context: the policy, the date the law is judged at, the facts (end-of-life dates)
and the wording lists, per language, of consent, withdrawal and implied consent.
Out: Issues pointing at the paragraph, list item, title, purpose or cookie table.
Prose rules read the policy in its own language (`meta.language`); a language without
wording of its own is read with the English lists.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from policykit.errors import PolicykitError
from policykit.facts import Fact
from policykit.findings import Severity
from policykit.i18n import values
from policykit.model import CookieTable, Safeguard
from policykit.rules.base import EVERYWHERE, Context, Issue, rule
from policykit.rules.base import contains_name as _contains_name

__all__ = ["RULES"]

# A bracketed alternative or blank: "[and/or Flash applications]", "[Company name]",
# "[insert date]", "[...]". Brackets around a plain word or a number are left alone,
# and so are brackets around a web address ("[example.com/clients]"), whose slash is
# a path, not an alternative. The innermost bracket is found first (a scan stops at the
# next '[', so the text is read once) and its content tested after: a lookahead scanning
# to the next ']' from every '[' made a paragraph of 40,000 '[' take a minute.
_BRACKETED = re.compile(r"\[[^\[\]\n]{1,80}\]")
_ALTERNATIVE = re.compile(r"/|\.\.\.|…|\b(?:or|insert|name|company|date|address|website|url)\b", re.IGNORECASE)
_WEB_ADDRESS = re.compile(r"\[(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}(?::\d+)?(?:/[^\s\]]*)?\]", re.IGNORECASE)
# `<<[^<>]*>>`, not `<<[^>]*>>`: a run of '<' would rescan the rest of the text from each one.
_MARKERS = re.compile(r"\b(TODO|TBD|FIXME|XXX|lorem ipsum)\b|\{\{?\s*[A-Za-z_][\w. ]*\}?\}|%s|<<[^<>]*>>")


@rule(
    "PK301",
    Severity.ERROR,
    "Leftover template text",
    """A published legal text must say what applies, not offer alternatives: a
    bracketed '[and/or ...]', an unfilled '[Company name]', a placeholder or a TODO
    shows the reader a template (GDPR Art. 12(1): concise, transparent, intelligible).
    A web address in brackets is not one.""",
    profiles=EVERYWHERE,
    cites=("cite.gdpr",),
)
def leftover_template(ctx: Context) -> Iterator[Issue]:
    for text in ctx.prose:
        for match in _BRACKETED.finditer(text.plain):
            if _ALTERNATIVE.search(match.group(0)) and not _WEB_ADDRESS.fullmatch(match.group(0)):
                yield Issue(text.at, f"leftover template text '{match.group(0)}'")
        for match in _MARKERS.finditer(text.plain):
            yield Issue(text.at, f"leftover template text '{match.group(0)}'")


@functools.lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _ended(ctx: Context, with_field: str) -> list[Fact]:
    """End-of-life facts that hold on the date checked and have the given pattern."""
    return [f for f in ctx.facts.group("eol") if getattr(f, with_field) and f.holds_on(ctx.as_of)]


@rule(
    "PK302",
    Severity.WARNING,
    "A technology is named after its end of life",
    """Adobe Flash Player is out of support from {eol.flash-player.effective} and browsers
    removed it; a policy that says cookies come from Flash describes software that no
    longer runs (likewise Silverlight from {eol.silverlight.effective}, Internet Explorer
    from {eol.internet-explorer.effective}, Universal Analytics from
    {eol.universal-analytics.effective}). Information must be accurate: GDPR Art.
    5(1)(a), 12(1). Names are matched as the technology ('Flash Player', 'Flash
    applications'), not as a word ('Flash sale').""",
    profiles=EVERYWHERE,
    cites=("eol.flash-player", "eol.silverlight", "eol.internet-explorer", "eol.universal-analytics", "cite.gdpr"),
    uses=("eol.*",),
)
def end_of_life_technology(ctx: Context) -> Iterator[Issue]:
    ended = _ended(ctx, "match")
    if not ended:
        return
    # One pass over each text: the technologies' patterns as one alternation.
    anyone = _compiled("|".join(f"(?:{fact.match})" for fact in ended))
    for text in ctx.prose:
        if not anyone.search(text.plain):
            continue
        for fact in ended:
            if _compiled(str(fact.match)).search(text.plain):
                yield Issue(text.at, f"names {fact.value}, out of support since {fact.effective}")


@rule(
    "PK306",
    Severity.WARNING,
    "A Universal Analytics cookie is declared after Universal Analytics stopped",
    """Google Universal Analytics stopped processing data on
    {eol.universal-analytics.effective} (360 properties on
    {eol.universal-analytics-360.effective}); its cookies (`__utm*`, `_gat_UA-*`,
    `dc_gtm_UA-*`) no longer measure anything. A policy that declares them describes
    tracking that is not there, or a tag that should have been removed: GDPR Art.
    5(1)(a), 12(1).""",
    profiles=EVERYWHERE,
    cites=("eol.universal-analytics", "eol.universal-analytics-360", "cite.gdpr"),
)
def universal_analytics_cookie(ctx: Context) -> Iterator[Issue]:
    ended = _ended(ctx, "cookies")
    if not ended:
        return
    later = ctx.facts.get("eol.universal-analytics-360")
    for index, cookie in enumerate(ctx.policy.cookies):
        name = (cookie.name or "").replace("*", "")
        for fact in ended:
            if name and _compiled(str(fact.cookies)).match(name):
                still = ""
                if later is not None and not later.holds_on(ctx.as_of):
                    still = f" (a Universal Analytics 360 property runs until {later.effective})"
                yield Issue(
                    ("cookies", index, "name"),
                    f"{cookie.name} is a {fact.value} cookie; it stopped processing data on {fact.effective}{still}",
                )


@rule(
    "PK303",
    Severity.INFO,
    "Unbalanced quotation marks",
    """A stray quotation mark is usually a copy-and-paste remnant; in a legal text it
    can make the reader wonder what is being quoted. Quotation marks are read as the
    policy's language writes them: German „…“, French «…», Dutch „…”.""",
    profiles=EVERYWHERE,
)
def unbalanced_quotes(ctx: Context) -> Iterator[Issue]:
    pairs = ctx.words("quotes").pattern.split()
    openers = {pair[0] for pair in pairs if len(pair) == 2}
    closers = {pair[1] for pair in pairs if len(pair) == 2} - openers
    openers -= closers
    marks = openers | closers | {'"'}
    for text in ctx.prose:
        plain = text.plain
        if not any(mark in plain for mark in marks):
            continue
        if plain.count('"') % 2:
            yield Issue(text.at, 'an odd number of straight quotation marks (")')
        opened = sum(plain.count(mark) for mark in openers)
        closed = sum(plain.count(mark) for mark in closers)
        if opened != closed:
            yield Issue(
                text.at,
                f"{opened} opening ({' '.join(sorted(openers))}) but {closed} closing "
                f"({' '.join(sorted(closers))}) quotation marks",
            )


def _needing_consent(ctx: Context) -> list[str]:
    return [ctx.label(c) for c in ctx.policy.cookies if ctx.category_needs_consent(c.category)]


def _articles_say(ctx: Context, kind: str, *, negated_ok: bool = True) -> bool:
    return any(text.cookie is None and ctx.says(kind, text.plain, negated_ok=negated_ok) for text in ctx.told)


@rule(
    "PK304",
    Severity.ERROR,
    "Cookies that need consent, and no word on consent",
    """ePrivacy Directive Art. 5(3) and CJEU Planet49 (C-673/17): cookies that are not
    strictly necessary need prior consent, and the policy must say that it is asked
    (GDPR Art. 13(1)(c) and 13(2)(c)). An error, like PK308: a policy that never says it
    asks for consent has at least as large a defect as one that does not say how to
    withdraw it. Read in the policy's own language.""",
    cites=("cite.eprivacy", "cite.planet49"),
)
def consent_not_mentioned(ctx: Context) -> Iterator[Issue]:
    needing = _needing_consent(ctx)
    if not needing or _articles_say(ctx, "consent"):
        return
    names = ", ".join(needing[:3]) + (" ..." if len(needing) > 3 else "")
    yield Issue(("articles",), f"{len(needing)} cookies need consent ({names}), but no article mentions consent")


@rule(
    "PK305",
    Severity.INFO,
    "A link in the prose is not https",
    """A plain http link can be altered in transit; a legal text should send readers to
    the page it means (and browsers mark http pages as not secure).""",
    profiles=EVERYWHERE,
)
def insecure_link(ctx: Context) -> Iterator[Issue]:
    for text in ctx.prose:
        for target in text.links:
            if target.lower().startswith("http://"):
                yield Issue(text.at, f"the link {target} is not https")


@rule(
    "PK307",
    Severity.ERROR,
    "Consent is implied from browsing, entering or staying",
    """Silence, scrolling, continuing to browse or entering a page is not consent: EDPB
    Guidelines 05/2020 on consent, paragraph 86 (scrolling or similar activity is never
    a clear affirmative action); CJEU Planet49 (C-673/17): consent needs an active
    choice. 'By continuing to browse you accept', 'by entering the customer area you
    agree' and 'if your browser accepts cookies you consent' each claim a consent nobody
    gave. Making access conditional on consent (a cookie wall) is PK315.""",
    cites=("cite.edpb-consent", "cite.planet49"),
)
def implied_consent(ctx: Context) -> Iterator[Issue]:
    pattern, negation = ctx.words("implied_consent"), ctx.words("negation")
    for text in ctx.prose:
        for match in pattern.finditer(text.plain):
            sentence = ctx.sentence_at(text.plain, match.start())
            if negation.search(sentence) and not negation.search(match.group(0)):
                continue
            yield Issue(text.at, f"'{sentence.strip()}' treats browsing as consent, which it is not")
            break


@rule(
    "PK308",
    Severity.ERROR,
    "Cookies that need consent, and no word on how to withdraw it",
    """GDPR Art. 7(3): the data subject may withdraw consent at any time, is told so
    before giving it, and withdrawing must be as easy as giving. A policy for cookies
    that need consent says how (a link to the cookie settings, or where to change one's
    choice). Deleting cookies in the browser is not withdrawing consent. Read in the
    policy's own language.""",
    cites=("cite.gdpr",),
)
def withdrawal_not_explained(ctx: Context) -> Iterator[Issue]:
    needing = _needing_consent(ctx)
    if not needing or _articles_say(ctx, "withdrawal"):
        return
    names = ", ".join(needing[:3]) + (" ..." if len(needing) > 3 else "")
    yield Issue(
        ("articles",),
        f"{len(needing)} cookies need consent ({names}), but no article says how to withdraw it",
    )


_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


@rule(
    "PK309",
    Severity.ERROR,
    "A cookie's purpose says nothing",
    """The purposes of the processing must be given (GDPR Art. 13(1)(c); ePrivacy
    Directive Art. 5(3): clear and comprehensive information about the purposes). An
    empty purpose, 'Unclassified', 'unknown', 'n/a', 'other', or a few words that only
    repeat the cookie's category tell the reader nothing.""",
    profiles=EVERYWHERE,
    cites=("cite.gdpr", "cite.eprivacy"),
)
def empty_purpose(ctx: Context) -> Iterator[Issue]:
    empty, filler = ctx.words("empty_purpose"), ctx.words("filler")
    purposes = {text.at[1]: text.plain for text in ctx.prose if text.cookie is not None}
    for index, cookie in enumerate(ctx.policy.cookies):
        plain = purposes.get(index, cookie.purpose).strip(" .:;!?")
        at = ("cookies", index, "purpose")
        if not plain or empty.fullmatch(plain):
            yield Issue(at, f"the purpose of {ctx.label(cookie)} is '{plain}', which says nothing")
            continue
        words = [w.lower() for w in _WORD.findall(plain)]
        if len(words) > 6:
            continue
        category = ctx.category_of(cookie)
        known = {w.lower() for w in _WORD.findall(f"{category.id} {category.title}")}
        if category.kind is not None:
            known.update(_WORD.findall(category.kind.value))
        saying = [w for w in words if not filler.fullmatch(w) and w not in known]
        if not saying:
            yield Issue(at, f"the purpose of {ctx.label(cookie)}, '{plain}', only repeats its category")


@rule(
    "PK310",
    Severity.INFO,
    "A cookie table matches no cookie",
    """A table whose filters match no declared cookie shows the reader an empty list
    (an empty 'Necessary' section), which says either that there are none, or that the
    policy forgot them.""",
    profiles=EVERYWHERE,
)
def empty_table(ctx: Context) -> Iterator[Issue]:
    for part in ctx.parts:
        for b_index, block in enumerate(part.item.body):
            if isinstance(block, CookieTable) and next(ctx.policy.matching_cookies(block), None) is None:
                yield Issue((*part.at, "body", b_index, "cookies"), "this cookie table matches no cookie")


# Starts only where a run of address characters starts: from every position inside a
# long run, the run would be rescanned to its end.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@rule(
    "PK311",
    Severity.INFO,
    "A fact is typed into the prose where a placeholder would keep it true",
    """An e-mail address, a party's country or transfer safeguard, or a party's name
    typed into prose stays there when the record changes, and the policy then
    contradicts itself (GDPR Art. 5(1)(d) accuracy, 12(1) transparency). Refer to it
    with a placeholder: `{controller: true, field: contact}`, `{party: id, field:
    country}`, `{party: id, field: safeguard}`, `{party: id, field: name}`.""",
    cites=("cite.gdpr",),
)
def literal_fact(ctx: Context) -> Iterator[Issue]:
    countries: dict[str, str] = {}  # a receiving party's country, by name -> party id
    for party in ctx.policy.parties:
        if party.country is not None and party.role.value != "first-party":
            for language in dict.fromkeys((ctx.language, "en")):
                try:
                    countries[values.country_name(party.country, language)] = party.id
                except PolicykitError:  # a language CLDR does not know names no country
                    continue
    names = [p.name for p in ctx.policy.parties if p.name and len(p.name) > 2]
    safeguards = ctx.words("safeguard_names")
    declared = any(p.transfer is not None and p.transfer.safeguard is not Safeguard.NONE for p in ctx.policy.parties)
    for text in ctx.prose:
        if text.cookie is not None:
            continue
        plain = text.plain
        said: list[str] = []
        said += [f"the e-mail address {m.group(0)}" for m in _EMAIL.finditer(plain)]
        if not said and any(href.lower().startswith("mailto:") for href in text.links):
            said.append("an e-mail address in a link")
        said += [f"the country name '{name}'" for name in countries if name in plain]
        if declared:
            said += [f"the safeguard '{m.group(0)}'" for m in safeguards.finditer(plain)]
        said += [f"the name '{name}'" for name in names if _contains_name(name, plain)]
        for what in dict.fromkeys(said):
            yield Issue(
                text.at,
                f"{what} is typed into the text; if the record changes, the text will be wrong: "
                "show it from the record (a placeholder) instead",
            )


RULES = (
    leftover_template,
    end_of_life_technology,
    unbalanced_quotes,
    consent_not_mentioned,
    insecure_link,
    universal_analytics_cookie,
    implied_consent,
    withdrawal_not_explained,
    empty_purpose,
    empty_table,
    literal_fact,
)
