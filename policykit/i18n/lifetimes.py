"""A lifetime in the reader's words: "2 years", "up to 2 years", "session or 14 days".

In: a Lifetime, a locale, the template strings of that locale (a lookup by key) and,
when the lifetime ends early, its event already translated. Out: text. Durations keep
their declared number and unit (values.format_duration); the words around them ("up
to", "from your last visit", "or") are the package's translated template strings, so
every output (the policy, the change notice, cookies.json) says the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from policykit.i18n import values
from policykit.model import Lifetime, Persistence

__all__ = ["lifetime_words"]


_NAME = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _fill(pattern: str, **fill: str) -> str:
    """Bare names only, in one pass: a translator's `{x.y}` stays as written, and a
    value that holds `{second}` is never filled again."""
    return _NAME.sub(lambda m: fill.get(m.group(1), m.group(0)), pattern)


def _case(case: Lifetime, locale: str, label: Callable[[str], str]) -> str:
    if case.duration is None:
        key = {Persistence.SESSION: "session", Persistence.PERSISTENT: "persistent"}.get(case.persistence, "not_stated")
        return label(key)
    text = values.format_duration(case.duration, locale)
    if case.maximum and case.renewed:
        return _fill(label("lifetime.up_to_renewed"), duration=text)
    if case.maximum:
        return _fill(label("lifetime.up_to"), duration=text)
    if case.renewed:
        return _fill(label("lifetime.renewed"), duration=text)
    return text


def lifetime_words(lifetime: Lifetime, locale: str, label: Callable[[str], str], event: str | None = None) -> str:
    """The lifetime as the reader reads it. `label` gives a template string by key;
    `event` is the translated `until` event, shown when given ("or until logout")."""
    text = _case(lifetime, locale, label)
    if lifetime.choice is not None:
        text = _fill(label("lifetime.choice"), first=text, second=_case(lifetime.choice, locale, label))
    if event is not None and lifetime.persistence is not Persistence.NOT_STATED:
        text = _fill(label("or_until"), lifetime=text, event=event)
    return text
