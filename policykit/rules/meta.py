"""Rules on the policy's own facts: its dates and who is responsible.

In: a Context (the policy and the date checked). Out: Issues pointing at `meta`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from policykit.findings import Severity
from policykit.rules.base import EVERYWHERE, Context, Issue, rule

__all__ = ["RULES"]


@rule(
    "PK401",
    Severity.ERROR,
    "The last-modified date is in the future",
    """The date tells readers and regulators which text applied when (GDPR Art. 5(2),
    accountability). A date after the date checked (today, or `--as-of`) is a typo or
    a draft published early.""",
    profiles=EVERYWHERE,
    cites=("cite.gdpr",),
)
def modified_in_future(ctx: Context) -> Iterator[Issue]:
    # The date the text gives, or its date in UTC when that is earlier: a policy written at
    # 10:00 on 2 December in UTC+14 (20:00 on 1 December in UTC) is not in the future for a
    # check run in UTC on 1 December.
    moment = ctx.policy.meta.last_modified
    modified = moment.date() if moment.tzinfo is None else min(moment.date(), moment.astimezone(dt.UTC).date())
    if modified > ctx.as_of:
        yield Issue(("meta", "last_modified"), f"last modified {modified}, which is after {ctx.as_of}")


@rule(
    "PK402",
    Severity.ERROR,
    "The text was modified after it took effect, and the effective date stayed",
    """A policy changed on 1 October that takes effect on 20 October gives readers
    advance notice, which is lawful and good practice. The reverse is not: a text last
    modified after its effective date was changed while in force, and the effective
    date still claims the new text applied since then, so the reader cannot tell which
    text applied in between (GDPR Art. 5(2), accountability; Art. 12(1), transparency).
    Give a changed text a new effective date (the day of the change, or later).""",
    profiles=EVERYWHERE,
    cites=("cite.gdpr",),
)
def modified_after_effective(ctx: Context) -> Iterator[Issue]:
    meta = ctx.policy.meta
    if meta.effective is not None and meta.last_modified.date() > meta.effective:
        yield Issue(
            ("meta", "effective"),
            f"the text was last modified on {meta.last_modified.date()}, after it took effect on {meta.effective}; "
            "a changed text needs a new effective date",
        )


@rule(
    "PK403",
    Severity.WARNING,
    "No contact for the controller",
    """GDPR Art. 13(1)(a): the identity and the contact details of the controller must
    be given, so that visitors can exercise their rights (Art. 15-21).""",
    cites=("cite.gdpr",),
)
def no_contact(ctx: Context) -> Iterator[Issue]:
    if ctx.policy.meta.controller.contact is None:
        yield Issue(("meta", "controller"), "the controller has no contact (an e-mail address or a form)")


@rule(
    "PK404",
    Severity.WARNING,
    "The controller is not identified",
    """GDPR Art. 13(1)(a): the identity of the controller must be given. A policy that
    only says 'we' does not tell the reader who is responsible.""",
    cites=("cite.gdpr",),
)
def no_controller(ctx: Context) -> Iterator[Issue]:
    if ctx.policy.meta.controller.organisation is None:
        yield Issue(("meta", "controller"), "the controller's organisation is not named")


RULES = (modified_in_future, modified_after_effective, no_contact, no_controller)
