"""Rules on transfers, more precisely: the scope of the EU-US Data Privacy Framework
and of adequacy decisions that cover only part of a country's recipients.

In: a Context: the parties' countries and declared safeguards, the prose in the
policy's own language, and the facts: adequacy decisions (`eu.adequacy.*`) and their
`scope` where a decision covers only some recipients. Out: Issues pointing at the
party's transfer or at the sentence. Ended adequacy and the old SCCs are PK207.
"""

from __future__ import annotations

from collections.abc import Iterator

from policykit.findings import Severity
from policykit.model import Role, Safeguard
from policykit.rules.base import Context, Issue, rule
from policykit.rules.consent import sentences_saying

__all__ = ["RULES"]


@rule(
    "PK209",
    Severity.WARNING,
    "The prose calls the United States adequate: the Data Privacy Framework covers only certified organisations",
    """The EU-US Data Privacy Framework (Implementing Decision (EU) 2023/1795, from
    {transfer.eu.eu-us-dpf.effective}) finds an adequate level of protection only for
    US organisations that have certified under it and are on the Data Privacy Framework
    List; the United States as a whole has no adequacy decision (GDPR Art. 45, Art.
    13(1)(f)). A sentence that says data is adequately protected 'in the United States'
    and never that the recipient is certified misstates the legal basis of the
    transfer.""",
    cites=("transfer.eu.eu-us-dpf", "cite.gdpr"),
)
def us_called_adequate(ctx: Context) -> Iterator[Issue]:
    if not any(r.name == "eu" for r in ctx.regimes):
        return
    certified = ctx.words("certified")
    for text, sentence in sentences_saying(ctx, "us_adequate"):
        if text.cookie is not None or certified.search(text.plain):
            continue
        yield Issue(
            text.at,
            f"'{sentence.replace(chr(0xFFFC), '…')}' calls the United States adequate; the Data Privacy "
            "Framework covers only organisations certified under it: say that the recipient is",
        )
        return


@rule(
    "PK210",
    Severity.INFO,
    "A party relies on an adequacy decision that covers only some recipients",
    """Some adequacy decisions cover only part of a country's recipients: Canada's
    (Decision 2002/2/EC) only recipients subject to PIPEDA, the federal law on
    commercial organisations; Japan's only business operators bound by the
    Supplementary Rules; the Republic of Korea's not the processing its decision
    excludes. Each decision's scope is in the facts (`policykit facts`). A party in such
    a country with no other safeguard relies on the decision only if it falls within
    that scope; the finding says what the scope is, so that the writer can check it
    (or declare another safeguard).""",
    cites=("eu.adequacy.CA", "eu.adequacy.JP", "eu.adequacy.KR"),
    uses=("eu.adequacy.*",),
)
def limited_adequacy(ctx: Context) -> Iterator[Issue]:
    if not any(r.name == "eu" for r in ctx.regimes):
        return
    for index, party in enumerate(ctx.policy.parties):
        if party.role is Role.FIRST_PARTY or party.country is None:
            continue
        if party.transfer is not None and party.transfer.safeguard not in (Safeguard.NONE, Safeguard.ADEQUACY):
            continue
        fact = ctx.facts.get(f"eu.adequacy.{party.country}")
        if fact is None or fact.scope is None or not fact.holds_on(ctx.as_of):
            continue
        at: tuple[str | int, ...] = ("parties", index, "transfer") if party.transfer else ("parties", index, "country")
        yield Issue(
            at,
            f"{party.name or party.id} is in {party.country}, whose EU adequacy decision covers only "
            f"{fact.scope}: check that it does, or declare another safeguard",
        )


RULES = (us_called_adequate, limited_adequacy)
