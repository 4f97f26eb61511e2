"""Rules on refusing: as easy as accepting, not only through the browser, remembered.

In: a Context: the policy in its own language, its consent settings link
(`meta.consent_settings`), the wording lists and the profiles. Out: Issues pointing at
the articles as a whole, or at the sentence that sends the visitor to the browser.
"""

from __future__ import annotations

from collections.abc import Iterator

from policykit.findings import Severity
from policykit.rules.base import Context, Issue, rule
from policykit.rules.consent import needs_consent, sentences_saying

__all__ = ["RULES"]


def _needing(ctx: Context) -> list[str]:
    return [ctx.label(c) for c in ctx.policy.cookies if needs_consent(ctx, c)]


def _names(labels: list[str]) -> str:
    return ", ".join(labels[:3]) + (" ..." if len(labels) > 3 else "")


def _in_articles(ctx: Context, kind: str) -> list[tuple[tuple[str | int, ...], str]]:
    return [(text.at, s) for text, s in sentences_saying(ctx, kind, purposes=False)]


@rule(
    "PK317",
    Severity.ERROR,
    "The policy says how to accept cookies, not how to refuse them",
    """Refusing must be as easy as accepting: GDPR Art. 7(3) (withdrawing as easy as
    giving) and Art. 4(11) (a free choice); the EDPB's Cookie Banner Taskforce report
    (adopted {cite.edpb-banner-taskforce.effective}) found a banner without a 'refuse'
    option at the level of 'accept' unlawful; the CNIL's guidelines (délibération n° 2020-091) require that refusing be
    as simple as accepting. A policy for cookies that need consent that says how to
    accept them and nowhere how to refuse (or to change one's choice) leaves the
    visitor one way out: yes.""",
    cites=("cite.gdpr", "cite.edpb-banner-taskforce", "cite.cnil-2020-091"),
)
def refusal_not_explained(ctx: Context) -> Iterator[Issue]:
    needing = _needing(ctx)
    if not needing or not _in_articles(ctx, "consent"):
        return
    if _in_articles(ctx, "refusal") or _in_articles(ctx, "withdrawal"):
        return  # a way to refuse, or to change one's choice at any time
    yield Issue(
        ("articles",),
        f"{len(needing)} cookies need consent ({_names(needing)}); the policy says how to accept them, "
        "but nowhere how to refuse them",
    )


@rule(
    "PK318",
    Severity.ERROR,
    "The browser's settings are the only way offered to refuse or withdraw consent",
    """Refusing and withdrawing must be possible on the site, as easily as accepting (GDPR
    Art. 7(3)); the EDPB's Cookie Banner Taskforce report ({cite.edpb-banner-
    taskforce.effective}) and the CNIL's guidelines (délibération n° 2020-091) do
    not accept the browser's settings as the way to refuse: they delete or block
    every cookie of every site, and do not reach other trackers. A policy whose only
    word on refusing or withdrawing sends the visitor to the browser, with no cookie
    settings on the site (`meta.consent_settings` or a sentence about the cookie
    banner or settings), offers no real choice.""",
    cites=("cite.gdpr", "cite.edpb-banner-taskforce", "cite.cnil-2020-091"),
)
def browser_only(ctx: Context) -> Iterator[Issue]:
    if not _needing(ctx) or ctx.policy.meta.consent_settings is not None:
        return
    tool = ctx.words("consent_tool")
    kinds = [ctx.words("refusal"), ctx.words("withdrawal"), tool]
    browser = ctx.words("browser_settings")
    ways: list[tuple[tuple[str | int, ...], str, bool]] = []
    for text in ctx.told:
        if text.cookie is not None:
            continue
        sentences = ctx.sentences(text.plain)
        for index, sentence in enumerate(sentences):
            if any(kind.search(sentence) for kind in kinds):
                # "Do you want to refuse cookies? You can do so in your browser."
                following = sentences[index + 1] if index + 1 < len(sentences) else ""
                in_browser = browser.search(sentence) or (not tool.search(sentence) and browser.search(following))
                ways.append((text.at, sentence.strip(), bool(in_browser)))
    if ways and all(in_browser for _, _, in_browser in ways):
        at, sentence, _ = ways[0]
        shown = sentence if len(sentence) <= 160 else sentence[:159] + "…"
        yield Issue(
            at,
            f"'{shown}' sends the visitor to the browser's settings, the only way to refuse or withdraw "
            "the policy gives; offer it on the site (a cookie settings link)",
        )


@rule(
    "PK319",
    Severity.WARNING,
    "The policy does not say how long a refusal is remembered",
    """The CNIL's recommendation (délibération n° 2020-092) asks that a refusal be
    remembered, so that the visitor is not asked again at each visit, and that the
    policy say for how long (it gives the same length as for a consent as an
    example). Said in a sentence ('your choice is kept for 6 months'), or in the
    purpose of the cookie that stores the choice with that cookie's lifetime.""",
    profiles=("cnil",),
    cites=("cite.cnil-2020-092",),
)
def refusal_memory(ctx: Context) -> Iterator[Issue]:
    needing = _needing(ctx)
    if not needing or any(True for _ in sentences_saying(ctx, "refusal_memory", negated_ok=True)):
        return
    yield Issue(
        ("articles",),
        f"{len(needing)} cookies need consent ({_names(needing)}), but the policy does not say how long a "
        "refusal (the visitor's choice) is remembered",
    )


RULES = (refusal_not_explained, browser_only, refusal_memory)
