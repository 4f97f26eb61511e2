"""Rules on the prose: template leftovers, dead technologies, quotes, consent, links.

In: a Context. Out: Issues pointing at the paragraph, list item, title or purpose.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from policykit.findings import Severity
from policykit.rules.base import Context, Issue, rule

__all__ = ["END_OF_LIFE", "RULES"]

# A bracketed alternative or blank: "[and/or Flash applications]", "[Company name]",
# "[insert date]", "[...]". Brackets around a plain word or a number are left alone.
_BRACKETED = re.compile(
    r"\[(?=[^\]]*(?:/|\.\.\.|…|\b(?:or|insert|name|company|date|address|website|url)\b))[^\]\n]{1,80}\]",
    re.IGNORECASE,
)
_MARKERS = re.compile(r"\b(TODO|TBD|FIXME|XXX|lorem ipsum)\b|\{\{?\s*[A-Za-z_][\w. ]*\}?\}|%s|<<[^>]*>>")


@rule(
    "PK301",
    Severity.ERROR,
    "Leftover template text",
    """A published legal text must say what applies, not offer alternatives: a
    bracketed '[and/or ...]', an unfilled '[Company name]', a placeholder or a TODO
    shows the reader a template (GDPR Art. 12(1): concise, transparent, intelligible).""",
)
def leftover_template(ctx: Context) -> Iterator[Issue]:
    for text in ctx.prose:
        for pattern in (_BRACKETED, _MARKERS):
            for match in pattern.finditer(text.plain):
                yield Issue(text.at, f"leftover template text '{match.group(0)}'")


END_OF_LIFE = {
    # name as written in prose: (pattern, end of life, source)
    "Flash": (re.compile(r"\bFlash\b"), dt.date(2020, 12, 31), "Adobe Flash Player end of life"),
    "Silverlight": (re.compile(r"\bSilverlight\b"), dt.date(2021, 10, 12), "Microsoft Silverlight end of support"),
    "Internet Explorer": (
        re.compile(r"\bInternet Explorer\b"),
        dt.date(2022, 6, 15),
        "Internet Explorer 11 retirement",
    ),
    "Universal Analytics": (
        re.compile(r"\bUniversal Analytics\b"),
        dt.date(2023, 7, 1),
        "Google Universal Analytics sunset",
    ),
}


@rule(
    "PK302",
    Severity.WARNING,
    "A technology is named after its end of life",
    """Adobe Flash Player reached end of life on 2020-12-31 and browsers removed it; a
    policy that says cookies come from Flash describes software that no longer runs
    (likewise Silverlight 2021-10-12, Internet Explorer 2022-06-15, Universal Analytics
    2023-07-01). Information must be accurate: GDPR Art. 5(1)(a), 12(1).""",
)
def end_of_life_technology(ctx: Context) -> Iterator[Issue]:
    on = ctx.policy.reference_date
    for text in ctx.prose:
        for name, (pattern, ended, source) in END_OF_LIFE.items():
            if ended < on and pattern.search(text.plain):
                yield Issue(text.at, f"names {name}, which reached end of life on {ended} ({source})")


_QUOTE_PAIRS = (("\u201c", "\u201d"), ("\u00ab", "\u00bb"))


@rule(
    "PK303",
    Severity.INFO,
    "Unbalanced quotation marks",
    """A stray quotation mark is usually a copy-and-paste remnant; in a legal text it
    can make the reader wonder what is being quoted.""",
)
def unbalanced_quotes(ctx: Context) -> Iterator[Issue]:
    for text in ctx.prose:
        plain = text.plain
        if plain.count('"') % 2:
            yield Issue(text.at, 'an odd number of straight quotation marks (")')
        for opening, closing in _QUOTE_PAIRS:
            if plain.count(opening) != plain.count(closing):
                yield Issue(text.at, f"{plain.count(opening)} '{opening}' but {plain.count(closing)} '{closing}'")


# Words that say consent is asked, per source language.
CONSENT_WORDS = {
    "en": r"consent|permission|agree|opt[- ]?(in|out)|accept",
    "nl": r"toestemming|akkoord|instemm",
    "de": r"einwillig|zustimm|erlaubnis",
    "fr": r"consent|accord|autoris",
    "ar": r"موافق|إذن",
}


@rule(
    "PK304",
    Severity.WARNING,
    "Cookies that need consent, and no word on consent",
    """ePrivacy Directive Art. 5(3) and CJEU Planet49 (C-673/17): cookies that are not
    strictly necessary need prior consent, and the policy should say how it is given
    and withdrawn (GDPR Art. 7(3), 13(2)(c)).""",
)
def consent_not_mentioned(ctx: Context) -> Iterator[Issue]:
    needing = [c for c in ctx.policy.cookies if ctx.category_needs_consent(c.category)]
    if not needing:
        return
    language = str(ctx.policy.meta.language).split("_")[0].split("-")[0]
    words = re.compile(CONSENT_WORDS.get(language, CONSENT_WORDS["en"]), re.IGNORECASE)
    if any(text.cookie is None and words.search(text.plain) for text in ctx.prose):
        return
    names = ", ".join(ctx.label(c) for c in needing[:3]) + (" ..." if len(needing) > 3 else "")
    yield Issue(("articles",), f"{len(needing)} cookies need consent ({names}), but no article mentions consent")


@rule(
    "PK305",
    Severity.INFO,
    "A link in the prose is not https",
    """A plain http link can be altered in transit; a legal text should send readers to
    the page it means (and browsers mark http pages as not secure).""",
)
def insecure_link(ctx: Context) -> Iterator[Issue]:
    for text in ctx.prose:
        for target in text.links:
            if target.lower().startswith("http://"):
                yield Issue(text.at, f"the link {target} is not https")


RULES = (
    leftover_template,
    end_of_life_technology,
    unbalanced_quotes,
    consent_not_mentioned,
    insecure_link,
)
