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
- maxAgeSeconds: the declared lifetime in seconds, of its longest case ("session or 14
  days": 14 days; "up to 2 years": 2 years); 0 for a session cookie; null for web
  storage. What is declared is exported: browsers cap cookies at 400 days (a separate
  fact, `policykit facts`), which the export does not apply. A cookie declared only
  "persistent" or "not stated" has no number to give, and the spec requires an
  integer for a cookie: a PK854 error (nothing is written), unless the caller states
  a measured value for it (`measured`, `--max-age NAME=SECONDS`).
- cookieRefresh: true where the lifetime's longest case is renewed ("2 years from your
  last visit"), where the vendor catalogue's entry for the cookie says so (`renewed`,
  from the vendor's documentation: Google renews `_ga` on each visit), or where the
  caller names the cookie in `refreshed`; false otherwise.
- One file per vendor, as the spec publishes it: `party` keeps one party's cookies.
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

from policykit.exports.common import (
    LEFT_OUT,
    REQUIRED_VALUE,
    Export,
    Problem,
    cookie_domains,
    to_findings,
)
from policykit.findings import Severity
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
    policy: Policy, index: int, refreshed: Collection[str] = (), measured: Mapping[str, int] | None = None
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The disclosure of the policy's cookie at `index`, and what could not be said.
    `measured`: maxAgeSeconds stated by the caller, by cookie id or name, for a cookie
    whose duration the policy does not declare."""
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
        stated = (measured or {}).get(cookie.id, (measured or {}).get(cookie.name or ""))
        if seconds is None and stated is not None:
            seconds = stated
        if seconds is None:
            problems.append(
                Problem(
                    REQUIRED_VALUE,
                    index,
                    "lifetime",
                    "TCF requires an integer maxAgeSeconds for a cookie and no duration is declared: declare it, "
                    "or give the value measured on the site (--max-age NAME=SECONDS)",
                    Severity.ERROR,
                )
            )
        entry["maxAgeSeconds"] = seconds
        entry["cookieRefresh"] = (
            lifetime.longest().renewed or cookie.id in refreshed or (cookie.name or "") in refreshed
        )
    else:
        entry["maxAgeSeconds"] = None
    domains = []
    for domain in cookie_domains(policy, cookie):
        # The spec: "MUST NOT contain http(s):// or text other than the domain".
        if "://" in domain or any(c.isspace() for c in domain):
            problems.append(
                Problem(LEFT_OUT, index, "domain", f"domain {domain[:60]!r} is not a bare domain; left out")
            )
        else:
            domains.append(domain)
    if not domains:
        problems.append(
            Problem(
                REQUIRED_VALUE,
                index,
                "domain",
                "TCF requires the domains of a cookie or web storage and none is declared: give the cookie's "
                "domain or its party's domains",
                Severity.ERROR,
            )
        )
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
    *,
    party: str | None = None,
    measured: Mapping[str, int] | None = None,
) -> Export:
    """The Device Storage Disclosure JSON of the policy's cookies (of `party` only, when
    given: the spec has one file per vendor). `catalogue`: True for the built-in vendor
    catalogue, False for none, or a Catalogue; it says which cookies are refreshed,
    besides the ids or names in `refreshed`. `measured`: maxAgeSeconds by cookie id or
    name for cookies without a declared duration. A cookie with no integer
    maxAgeSeconds is a PK854 error finding (the caller writes nothing)."""
    if catalogue is not False:
        refreshed = {*refreshed, *renewed_in_catalogue(policy, None if catalogue is True else catalogue)}
    disclosures, problems = [], []
    for index in range(len(policy.cookies)):
        if party is not None and policy.cookies[index].party != party:
            continue
        entry, found = disclosure(policy, index, refreshed, measured)
        problems += found
        if entry is not None:
            disclosures.append(entry)
    domains = sorted({domain for entry in disclosures for domain in entry["domains"]})
    document = {"disclosures": disclosures, "domains": [{"domain": domain} for domain in domains]}
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return Export(text, to_findings(policy, problems, source))
