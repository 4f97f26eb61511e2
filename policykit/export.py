"""The cookie catalogue for developers and consent tools.

In: a Policy. Out: a JSON-ready dict listing every cookie with its party,
category, consent requirement and lifetime in machine-readable form.
"""

from __future__ import annotations

import json
from typing import Any

from policykit.model import Policy
from policykit.syntax import format_lifetime

__all__ = ["catalogue", "catalogue_json"]

FORMAT_VERSION = 1


def catalogue(policy: Policy) -> dict[str, Any]:
    parties = {party.id: party for party in policy.parties}
    cookies = []
    for cookie in policy.cookies:
        party = parties[cookie.party]
        category = policy.category(cookie.category)
        lifetime = cookie.lifetime
        cookies.append(
            {
                "id": cookie.id,
                "name": cookie.name,
                "pattern": cookie.is_pattern,
                "storage": cookie.storage.value,
                "domain": cookie.domain,
                "party": {
                    "id": party.id,
                    "name": party.name,
                    "role": party.role.value,
                    "country": party.country,
                },
                "category": category.id,
                "consent_required": category.consent_required,
                "lifetime": {
                    "text": format_lifetime(lifetime),
                    "persistence": lifetime.persistence.value,
                    "seconds": lifetime.seconds,
                    "until": lifetime.until,
                },
                "purpose": cookie.purpose,
            }
        )
    return {
        "format": FORMAT_VERSION,
        "policy": {
            "title": policy.meta.title,
            "version": policy.meta.version,
            "last_modified": policy.meta.last_modified.isoformat(),
        },
        "cookies": cookies,
    }


def catalogue_json(policy: Policy) -> str:
    return json.dumps(catalogue(policy), indent=2, ensure_ascii=False) + "\n"
