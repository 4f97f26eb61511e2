"""The IAB Europe TCF Device Storage Disclosure: the JSON a vendor publishes at its
deviceStorageDisclosureUrl.

Spec: "Vendor Device Storage & Operational Disclosures", IAB Europe Transparency &
Consent Framework, version 1.1 (updated January 2026), in the repository
InteractiveAdvertisingBureau/GDPR-Transparency-and-Consent-Framework,
TCFv2/Vendor Device Storage & Operational Disclosures.md (read 2026-11-26). The spec
publishes no JSON Schema; tests check the structure its tables define.

In: a Policy. Out: `{"disclosures": [...], "domains": [...]}`, one disclosure per cookie
or storage item, and the vendor-list fields (`cookieMaxAgeSeconds`, `usesCookies`,
`cookieRefresh`, `usesNonCookieAccess`) that the Global Vendor List asks of a vendor
("Consent string and vendor list formats v2", "Vendor Fields relating to the Planet49
ruling").

- identifier: the cookie's name; a pattern `WHMCS*` or `*_id` is the spec's own prefix
  or suffix wildcard. A lone `*`, or a `*` inside a name, cannot be said: left out.
- type: "cookie" for cookies, "web" for local and session storage and IndexedDB (the
  spec: "any other web based storage"). A pixel is not storage: left out.
- maxAgeSeconds: the declared lifetime in seconds (Lifetime.seconds); 0 for a session
  cookie; null for web storage. What is declared is exported: browsers cap cookies at
  400 days (a separate fact, `policykit facts`), which the export does not apply. A
  cookie declared only "persistent" or "not stated" has no number to give: null, and a
  PK851 finding (the spec requires an integer for a cookie).
- cookieRefresh: the policy format does not record whether a cookie is renewed on each
  visit; the vendor catalogue does (`renewed`, from the vendor's documentation: Google
  renews `_ga` on each visit). True where the catalogue's entry for the cookie says so,
  or where the caller names the cookie in `refreshed`; false otherwise.
- domains: the cookie's domain, else its party's domains, else (first party) the host
  of the policy's website.
- purposes: TCF purpose ids. Purpose 1 "Store and/or access information on a device"
  exactly when the cookie's category asks consent (the spec: include Purpose 1 when the
  storage is subject to the ePrivacy consent requirement, leave it out when exempt).
  Beyond that, by category kind: analytics -> 8 "Measure content performance",
  marketing -> 7 "Measure ad performance"; functional and strictly necessary add none,
  because no TCF purpose describes them (a live chat, a login session).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from policykit.exports.common import LEFT_OUT, NOT_DECLARED, Export, Problem, cookie_domains, to_findings
from policykit.model import CategoryKind, Cookie, Policy, Storage

if TYPE_CHECKING:
    from policykit.catalogue import Catalogue
    from policykit.source import Source

__all__ = [
    "PURPOSES_BY_KIND",
    "SPEC_VERSION",
    "disclosure",
    "export_tcf",
    "renewed_in_catalogue",
    "vendor_list_fields",
]

SPEC_VERSION = "Vendor Device Storage & Operational Disclosures 1.1"

STORAGE_PURPOSE = 1  # "Store and/or access information on a device"
PURPOSES_BY_KIND: Mapping[CategoryKind | None, tuple[int, ...]] = {
    CategoryKind.STRICTLY_NECESSARY: (),
    CategoryKind.FUNCTIONAL: (),
    CategoryKind.ANALYTICS: (8,),  # Measure content performance
    CategoryKind.MARKETING: (7,),  # Measure ad performance
    None: (),  # a custom category that does not say what it is for
}

_TYPES = {
    Storage.COOKIE: "cookie",
    Storage.LOCAL_STORAGE: "web",
    Storage.SESSION_STORAGE: "web",
    Storage.INDEXEDDB: "web",
}


def _identifier(cookie: Cookie) -> str | None:
    """The name as the spec's identifier, or None when the spec cannot express it."""
    name = cookie.name
    if not name or name.strip("*") == "" or "*" in name[1:-1] or (name.startswith("*") and name.endswith("*")):
        return None
    return name


def disclosure(
    policy: Policy, index: int, refreshed: Collection[str] = ()
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The disclosure of the policy's cookie at `index`, and what could not be said."""
    cookie = policy.cookies[index]
    identifier = _identifier(cookie)
    if identifier is None:
        why = "has no name" if not cookie.name else f"'{cookie.name}': a wildcard only as a prefix or suffix"
        return None, [Problem(LEFT_OUT, index, "name", f"left out of the TCF disclosure: TCF identifiers allow {why}")]
    kind = _TYPES.get(cookie.storage)
    if kind is None:
        return None, [
            Problem(
                LEFT_OUT, index, "storage", f"left out of the TCF disclosure: {cookie.storage.value} is not storage"
            )
        ]
    problems = []
    category = policy.category(cookie.category)
    purposes = ([STORAGE_PURPOSE] if category.consent_required else []) + list(PURPOSES_BY_KIND[category.kind])
    entry: dict[str, Any] = {"identifier": identifier, "type": kind}
    if kind == "cookie":
        lifetime = cookie.lifetime
        seconds = 0 if lifetime.is_session else lifetime.seconds
        if seconds is None:
            problems.append(
                Problem(NOT_DECLARED, index, "lifetime", "TCF needs maxAgeSeconds for a cookie; no duration declared")
            )
        entry["maxAgeSeconds"] = seconds
        entry["cookieRefresh"] = cookie.id in refreshed or (cookie.name or "") in refreshed
    else:
        entry["maxAgeSeconds"] = None
    domains = cookie_domains(policy, cookie)
    if not domains:
        problems.append(Problem(NOT_DECLARED, index, "domain", "TCF needs the domains of a cookie; none declared"))
    entry["domains"] = domains
    entry["purposes"] = purposes
    return entry, problems


def vendor_list_fields(disclosures: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The Global Vendor List's Planet49 fields for these disclosures. cookieMaxAgeSeconds
    is null when a cookie's duration is not declared: a longest duration is not known."""
    cookies = [d for d in disclosures if d["type"] == "cookie"]
    ages = [d["maxAgeSeconds"] for d in cookies]
    return {
        "usesCookies": bool(cookies),
        "cookieMaxAgeSeconds": (max(ages) if None not in ages else None) if ages else None,
        "cookieRefresh": any(d["cookieRefresh"] for d in cookies),
        "usesNonCookieAccess": any(d["type"] != "cookie" for d in disclosures),
    }


def renewed_in_catalogue(policy: Policy, catalogue: Catalogue | None = None) -> frozenset[str]:
    """The ids of the policy's cookies that the vendor catalogue (default: the built-in
    one) documents as renewed on each visit."""
    from policykit.catalogue import cookies

    return frozenset(cookie.id for cookie, entry in cookies(policy, catalogue) if entry is not None and entry.renewed)


def export_tcf(
    policy: Policy,
    source: Source | None = None,
    refreshed: Collection[str] = (),
    catalogue: Catalogue | bool = True,
) -> Export:
    """The Device Storage Disclosure JSON of the policy's cookies. `catalogue`: True for
    the built-in vendor catalogue, False for none, or a Catalogue; it says which cookies
    are refreshed, besides the ids or names in `refreshed`."""
    if catalogue is not False:
        refreshed = {*refreshed, *renewed_in_catalogue(policy, None if catalogue is True else catalogue)}
    disclosures, problems = [], []
    for index in range(len(policy.cookies)):
        entry, found = disclosure(policy, index, refreshed)
        problems += found
        if entry is not None:
            disclosures.append(entry)
    domains = sorted({domain for entry in disclosures for domain in entry["domains"]})
    document = {"disclosures": disclosures, "domains": [{"domain": domain} for domain in domains]}
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return Export(text, to_findings(policy, problems, source))
