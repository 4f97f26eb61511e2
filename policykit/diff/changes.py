"""The shape of a diff: a Change per difference, its Reason, and the ChangeSet.

In: nothing but Python values. Out: frozen records. A Change says what changed, about
which record, whether it is material, and why (a Reason: a template string of the
package's catalogues and the values it is filled with, so that the notice can say it in
the reader's language). The records compared ride along (`before`, `after`) so that
the notice formats their values without looking them up again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attrs import field, frozen

from policykit.model import Policy

if TYPE_CHECKING:
    from policykit.document import Translator

__all__ = ["Change", "ChangeSet", "Reason", "render_reason"]


@frozen
class Reason:
    """Why a change is rated as it is: the template string `key` (`diff.why.*`), filled
    with `fill` (placeholder -> text shown as written, such as a host or a quoted word)
    and `terms` (placeholder -> a template key, shown translated, such as a safeguard)."""

    key: str
    fill: tuple[tuple[str, str], ...] = ()
    terms: tuple[tuple[str, str], ...] = ()

    def english(self) -> str:
        """The reason in English, the package's source language."""
        from policykit.document import Translator

        return render_reason(self, Translator())


def render_reason(reason: Reason, translator: Translator) -> str:
    """The reason in the language of `translator`."""
    from policykit.document import substitute

    values = dict(reason.fill)
    values.update({name: translator.template_text(key) for name, key in reason.terms})
    return substitute(translator.template_text(reason.key), **values)


@frozen
class Change:
    """One difference. `kind` names it (`cookie-added`, `lifetime-changed`...); `subject`
    is the cookie, party, category or article it is about; `old` and `new` are the values
    as the policy files write them (None where there is none or the value is a text)."""

    kind: str
    subject: str
    material: bool
    old: str | None = None
    new: str | None = None
    reason: Reason = Reason("diff.why.none")
    before: object = field(default=None, eq=False, repr=False)  # the old record, if any
    after: object = field(default=None, eq=False, repr=False)  # the new record, if any

    @property
    def why(self) -> str:
        """Why the change is rated so, in English."""
        return self.reason.english()


@frozen
class ChangeSet:
    """Every change from `old` to `new`, in a stable order."""

    old: Policy
    new: Policy
    changes: tuple[Change, ...]

    @property
    def consent_renewal(self) -> bool:
        """True when a change is material: a consent tool must ask again."""
        return any(change.material for change in self.changes)
