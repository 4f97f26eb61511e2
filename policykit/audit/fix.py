"""The declarations a policy lacks, written for a person to review (`audit --fix FILE`).

In: a Policy and the Captures audited against it. Out: YAML text, a `cookies:` list
holding a `- catalogue: NAME` reference for each undeclared cookie the vendor catalogue
knows (one per catalogue entry, however many names matched it) and a commented stub for
each one it does not, with what was seen: the host, whether it is a third party, how
it was set and the lifetime it was set with. The text goes to a file of its own, never
into the policy: it is a proposal, and its stubs say TODO where only a person can say.

Every value that came from the capture is written as a JSON string (ASCII, escaped),
which YAML 1.2 reads as the same string, so no name can break out of its line, its
comment or its quotes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from policykit.audit.capture import Capture, Observation
from policykit.audit.checks import Undeclared, undeclared
from policykit.model import Policy, Role

__all__ = ["suggest"]


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=True)


def _lifetime(seen: Observation) -> str:
    """The lifetime in the policy's grammar, as set: the largest unit that is exact."""
    if not seen.lifetime_known:
        return "TODO"
    if seen.lifetime is None:
        return "session"
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seen.lifetime >= size and seen.lifetime % size == 0:
            amount = seen.lifetime // size
            return f"{amount} {unit}{'s' if amount != 1 else ''}"
    if seen.lifetime >= 86_400:  # a jar's expiry counts from the capture: round to days
        days = round(seen.lifetime / 86_400)
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{seen.lifetime} second{'s' if seen.lifetime != 1 else ''}"


def _known(name: str, storage: str) -> Any:
    """The catalogue's entry for the name, for the same kind of storage; None without."""
    try:
        from policykit.catalogue import match
    except ImportError:  # pragma: no cover - the catalogue ships with policykit
        return None
    try:
        entry = match(name)
    except Exception:  # the catalogue is a hint: its failure must not stop the audit
        return None
    return entry if entry is not None and entry.storage.value == storage else None


def _seen_as(item: Undeclared) -> str:
    _, first = item.seen.first
    where = f"a third-party host{'' if item.party else ' no party lists'}" if item.third_party else "the site"
    how = "set by a response" if item.seen.header else "set by a script"
    if first.storage != "cookie":
        how = f"in {first.storage.replace('-', ' ')}"
    return f"seen on {first.domain} ({where}), {how}"


def suggest(policy: Policy, captures: Sequence[Capture], *, site: str | None = None, policy_file: str = "") -> str:
    """The YAML described in the module's docstring."""
    parties = {party.id for party in policy.parties}
    references: list[str] = []
    stubs: list[str] = []
    written: set[str] = set()
    for item in undeclared(policy, captures, site=site):
        _, first = item.seen.first
        lifetimes = item.seen.lifetimes()
        measured = lifetimes[0][1] if lifetimes else first
        entry = _known(first.name, first.storage)
        if entry is not None:
            # The entry's own name (a pattern such as _ga_*) when it leads back to the same entry.
            name = entry.name if _known(entry.name, first.storage) == entry else first.name
            if name in written:
                continue
            written.add(name)
            note = f"  # {_quoted(first.name)} {_seen_as(item)}: {entry.vendor.name}, {entry.reference}"
            if entry.vendor.role is not Role.FIRST_PARTY and entry.vendor.id not in parties:
                note += f"; declare the party {_quoted(entry.vendor.id)} under parties"
            references += [note, f"  - catalogue: {_quoted(name)}"]
            continue
        key = f"{first.storage}:{first.name}"
        if key in written:
            continue
        written.add(key)
        party = _quoted(item.party.id) if item.party else "TODO"
        stub = [
            f"  # {_quoted(first.name)} {_seen_as(item)}; not in the catalogue:",
            f"  # - name: {_quoted(first.name)}",
            f"  #   party: {party}",
            "  #   category: TODO      # strictly-necessary, functional, analytics, marketing or your own",
            "  #   purpose: TODO",
            f"  #   lifetime: {_lifetime(measured)}",
        ]
        if first.storage != "cookie":
            stub.append(f"  #   storage: {first.storage}")
        stubs += stub
    files = ", ".join(capture.file for capture in captures)
    head = [
        f"# What {policy_file or 'the policy'} does not declare, as policykit audit saw it in {files}.",
        "# Review each entry, then copy it into the policy's cookies; policykit never edits the policy.",
    ]
    if not references and not stubs:
        return "\n".join([*head, "# Nothing is missing.", "cookies: []", ""])
    body = ["cookies:", *references] if references else ["cookies: []"]
    return "\n".join([*head, *body, *stubs, ""])
