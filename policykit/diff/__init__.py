"""What changed between two versions of a policy, and whether consent must be asked again.

In: two Policies (old and new). Out: a ChangeSet: every field of every record compared
(cookies: name, purpose, lifetime, category, party, domain, storage, service; parties:
name, role, country, privacy policy, domains, transfer and safeguard, service; the
controller; categories; articles), each change rated material (consent must be asked
again) or editorial by a rule of `policykit.diff.rate`, with its reason. `notice()`
turns a ChangeSet into a change notice for visitors in one locale, as text, Markdown,
HTML or JSON.

Modules: changes (the records), compare (pairing and comparing), rate (the rules),
notice (the words and formats).
"""

from __future__ import annotations

from policykit.diff.changes import Change, ChangeSet, Reason
from policykit.diff.notice import notice
from policykit.facts import Facts, Wording
from policykit.model import Policy

__all__ = ["Change", "ChangeSet", "Reason", "diff", "notice"]


def diff(old: Policy, new: Policy, facts: Facts | None = None, wording: Wording | None = None) -> ChangeSet:
    """Every change from `old` to `new`: cookies, parties, the controller, categories,
    articles. `facts` and `wording` default to the bundled data (data/law, data/wording.yaml)."""
    from policykit.diff.compare import compare
    from policykit.facts import bundled, bundled_wording

    changes = compare(old, new, facts or bundled(), wording or bundled_wording())
    return ChangeSet(old, new, changes)
