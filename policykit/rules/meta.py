"""Rules on the policy's own facts: its dates and who is responsible.

In: a Context. Out: Issues pointing at `meta`.
"""

from __future__ import annotations

from collections.abc import Iterator

from policykit.findings import Severity
from policykit.rules.base import Context, Issue, rule

__all__ = ["RULES"]


@rule(
    "PK401",
    Severity.ERROR,
    "The last-modified date is in the future",
    """The date tells readers and regulators which text applied when (GDPR Art. 5(2),
    accountability). A date after today is a typo or a draft published early.""",
)
def modified_in_future(ctx: Context) -> Iterator[Issue]:
    modified = ctx.policy.meta.last_modified.date()
    if modified > ctx.today:
        yield Issue(("meta", "last_modified"), f"last modified {modified}, which is after today ({ctx.today})")


@rule(
    "PK402",
    Severity.ERROR,
    "The last-modified date is before the effective date",
    """A version takes effect once it is written: a text last modified before the date
    it takes effect means one of the two dates is wrong, and the reader cannot tell
    which text applied in between (GDPR Art. 5(2), accountability).""",
)
def modified_before_effective(ctx: Context) -> Iterator[Issue]:
    meta = ctx.policy.meta
    if meta.effective is not None and meta.last_modified.date() < meta.effective:
        yield Issue(
            ("meta", "last_modified"),
            f"last modified {meta.last_modified.date()}, before the effective date {meta.effective}",
        )


@rule(
    "PK403",
    Severity.WARNING,
    "No contact for the controller",
    """GDPR Art. 13(1)(a): the identity and the contact details of the controller must
    be given, so that visitors can exercise their rights (Art. 15-21).""",
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
)
def no_controller(ctx: Context) -> Iterator[Issue]:
    if ctx.policy.meta.controller.organisation is None:
        yield Issue(("meta", "controller"), "the controller's organisation is not named")


RULES = (modified_in_future, modified_before_effective, no_contact, no_controller)
