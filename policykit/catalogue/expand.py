"""Cookies declared by reference to the catalogue, expanded before a policy is structured.

In: a policy's parsed document (ruamel's CommentedMap, positions in `.lc`). A cookie
entry may say `catalogue: _ga` (the entry that best matches the name, as `policykit
catalogue lookup` finds it) or `from: google-analytics/_ga` (one service's entry); it
inherits name, party, category, purpose, lifetime, storage, service and (for a vendor-domain
cookie) domain, and any of them it states
itself overrides the catalogue's. Out: the same document with each such entry filled in
(the inherited keys placed where the reference is, so findings about them point there)
and the reference key removed; and problems, as (code, path, message), for references
that cannot be used: PK005 a reference that is not text or gives both keys, PK006 a
name or reference the catalogue does not know (with a did-you-mean).

The party: the vendor's id (`google`), which the policy must declare under parties
(else the loader's usual PK006 names it); for software the site runs itself (WHMCS,
Matomo: vendor role first-party) the policy's one first-party party, when it declares
exactly one. The expansion always uses the built-in catalogue, so that a policy means
the same wherever it is loaded.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from ruamel.yaml.comments import CommentedMap

from policykit.catalogue.model import Catalogue, Entry
from policykit.model import Role, Storage

__all__ = ["REFERENCE_KEYS", "expand_references", "has_references"]

REFERENCE_KEYS = ("catalogue", "from")

# (code, path, message, line, column): placed when found, before the key is removed.
Problem = tuple[str, list[str | int], str, int, int]


def has_references(raw: Mapping[str, Any]) -> bool:
    """Whether the parsed policy `raw` has a cookie declared by reference to the vendor
    catalogue (a `catalogue:` or `from:` key): only then need expand_references run."""
    cookies = raw.get("cookies")
    return isinstance(cookies, list) and any(
        isinstance(item, Mapping) and any(key in item for key in REFERENCE_KEYS) for item in cookies
    )


def _first_party(raw: Mapping[str, Any]) -> str | None:
    parties = raw.get("parties")
    if not isinstance(parties, list):
        return None
    found = [
        p["id"]
        for p in parties
        if isinstance(p, Mapping) and p.get("role") == Role.FIRST_PARTY.value and isinstance(p.get("id"), str)
    ]
    return found[0] if len(found) == 1 else None


def _suggest(wanted: str, known: list[str]) -> str:
    close = difflib.get_close_matches(wanted, known, n=1)
    return f"; did you mean {close[0]!r}?" if close else "; `policykit catalogue lookup NAME` shows what it knows"


def _find(catalogue: Catalogue, key: str, value: str) -> tuple[Entry | None, str]:
    if key == "from":
        entry = catalogue.reference(value)
        if entry is None:
            known = list(catalogue.references)
            return None, f"no entry {value!r} in the catalogue (service/name){_suggest(value, known)}"
        return entry, ""
    entry = catalogue.match(value)
    if entry is None:
        names = sorted({name for e in catalogue for name in e.names})
        return None, f"no cookie {value!r} in the catalogue{_suggest(value, names)}"
    return entry, ""


def _inherited(entry: Entry, key: str, value: str, first_party: str | None) -> dict[str, str]:
    from policykit.syntax import format_lifetime

    party = first_party if entry.effective_role is Role.FIRST_PARTY and first_party else entry.vendor.id
    inherited = {
        "name": entry.name if key == "from" else value,
        "party": party,
        "category": entry.category.value,
        # Catalogue text is plain: braces would be placeholders in a policy's prose.
        "purpose": entry.purpose.replace("{", "{{").replace("}", "}}"),
        "lifetime": format_lifetime(entry.lifetime),
    }
    if entry.storage is not Storage.COOKIE:
        inherited["storage"] = entry.storage.value
    # Consent tools ask per service (cookies.json, Klaro and cookieconsent group by it).
    inherited["service"] = entry.service
    if entry.host is not None:
        inherited["domain"] = entry.host
    return inherited


def expand_references(raw: Mapping[str, Any], catalogue: Catalogue | None = None) -> list[Problem]:
    """Fill in, in place, every cookie of `raw` declared by reference; the problems found."""
    if catalogue is None:
        from policykit.catalogue.read import bundled

        catalogue = bundled()
    return list(_expand(raw, catalogue))


def _declared_party(raw: Mapping[str, Any]) -> str | None:
    parties = raw.get("parties")
    if isinstance(parties, list):
        for party in parties:
            if isinstance(party, Mapping) and isinstance(party.get("id"), str):
                return str(party["id"])
    return None


def _stand_in(item: CommentedMap, raw: Mapping[str, Any], value: object) -> None:
    """Values that let an entry whose reference failed structure, so that the load reports
    that one problem, not five missing keys. The load fails, so they are never used."""
    stand_in: dict[str, object] = {"category": "functional", "purpose": "-", "lifetime": "not stated"}
    party = _declared_party(raw)
    if party is not None:
        stand_in["party"] = party
    stand_in["name"] = value if isinstance(value, str) and value.strip() else None
    if stand_in["name"] is None and "id" not in item:
        stand_in["id"] = "(a cookie declared by reference)"
    for key, stood in stand_in.items():
        if key not in item:
            item[key] = stood


def _expand(raw: Mapping[str, Any], catalogue: Catalogue) -> Iterator[Problem]:
    from policykit.source import position

    cookies = raw.get("cookies")
    if not isinstance(cookies, list):
        return
    first_party = _first_party(raw)
    for index, item in enumerate(cookies):
        if not isinstance(item, CommentedMap):
            continue
        given = [key for key in REFERENCE_KEYS if key in item]
        if not given:
            continue
        at: list[str | int] = ["cookies", index]
        key = given[-1]
        where = position(raw, [*at, key])
        value = item[key]
        problem = None
        if len(given) > 1:
            problem = "PK005", "a cookie refers to the catalogue by 'catalogue' or by 'from', not both"
        elif not isinstance(value, str) or not value.strip():
            problem = "PK005", "expected a cookie name such as '_ga' (or for 'from', 'google-analytics/_ga')"
        else:
            entry, message = _find(catalogue, key, value.strip())
            if entry is None:
                problem = "PK006", message
        if problem is not None:
            yield problem[0], [*at, key], problem[1], *where
            for name in given:
                del item[name]
            _stand_in(item, raw, value)
            continue
        assert entry is not None
        line, column = item.lc.value(key)
        for name, inherited in _inherited(entry, key, value.strip(), first_party).items():
            if name not in item:
                item[name] = inherited
                item._yaml_set_kv_line_col(name, [line, column, line, column])
        del item[key]
