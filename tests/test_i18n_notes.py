"""The `#.` comments tell a translator what each string is: the cookie and its party for
a purpose, the article (and section) for a paragraph, what each placeholder shows."""

from __future__ import annotations

import re

from translate.storage import po as tt_po

from conftest import POLICY, ROOT
from policykit.i18n.messages import policy_messages
from policykit.load import load


def _units() -> list[tt_po.pounit]:
    store = tt_po.pofile.parsefile(str(ROOT / "locales" / "policy.pot"))  # type: ignore[no-untyped-call]
    return [u for u in store.units if not u.isheader()]


def _notes(unit: tt_po.pounit) -> str:
    """The unit's `#.` comments on one line."""
    return str(unit.getnotes("developer")).replace("\n", " ")  # type: ignore[no-untyped-call]


def test_a_purpose_names_its_cookie_and_party() -> None:
    policy = load(POLICY)
    parties = {p.id: p.name for p in policy.parties}
    notes = {u.source: _notes(u) for u in _units()}
    for cookie in policy.cookies:
        note = notes[cookie.purpose]
        assert f"the cookie {cookie.name or cookie.id}" in note and str(parties[cookie.party]) in note, note


def test_a_paragraph_names_its_article_and_each_placeholder() -> None:
    policy = load(POLICY)
    titles = [a.title for a in policy.articles]
    checked = 0
    for message in policy_messages(policy):
        if message.context.endswith(".paragraph"):
            assert any(f"\u201c{title}\u201d" in message.note for title in titles), message.note
            for name in set(re.findall(r"(?<!\{)\{([a-z_][a-z0-9_]*)\}", message.text)):
                assert f"{{{name}}} shows " in message.note, (name, message.note)
                checked += 1
    assert checked >= 5
    notes = " ".join(_notes(u) for u in _units())
    assert "{ga_lifetime} shows the lifetime of the cookie" in notes  # as translators see it in the .pot
