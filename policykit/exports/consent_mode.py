"""Google consent mode v2: which consent types each of a policy's categories grants,
and the code the consent tools' configs run to tell Google's tags.

Facts: the seven consent types as Google lists them (Google Analytics Help, "[GA4]
Consent type", https://support.google.com/analytics/answer/12334711, read 2026-12-01),
in data/consent-mode.json with the table of what each kind of category grants:

| category kind      | consent types granted with it                       |
| ------------------ | --------------------------------------------------- |
| strictly necessary | security_storage                                     |
| functional         | functionality_storage, personalization_storage      |
| analytics          | analytics_storage                                    |
| marketing          | ad_storage, ad_user_data, ad_personalization        |

A custom category without a kind grants none. `overrides` (category id -> types)
replaces a category's row. Every type is `denied` by default except security_storage
(`granted`): the configs call `gtag('consent', 'default', ...)` when they load and
`gtag('consent', 'update', ...)` with every type on each change of the visitor's choice.
A page that has no `gtag` gets Google's own `dataLayer` stub, so tags loaded later read
the state.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

from policykit.errors import PolicykitError
from policykit.model import Policy

__all__ = ["ConsentModeError", "consent_types", "default_state", "gtag_prelude", "table", "types"]


class ConsentModeError(PolicykitError, ValueError):
    """An override that names a consent type Google does not have."""


@functools.cache
def table() -> dict[str, Any]:
    """data/consent-mode.json: Google's consent types and the table by category kind."""
    from policykit.resources import data_dir

    data: dict[str, Any] = json.loads((data_dir() / "consent-mode.json").read_text(encoding="utf-8"))
    return data


def types() -> tuple[str, ...]:
    """Google's consent types, in Google's order."""
    return tuple(table()["types"])


def consent_types(policy: Policy, overrides: Mapping[str, Sequence[str]] | None = None) -> dict[str, tuple[str, ...]]:
    """Each category id of the policy -> the consent types it grants."""
    known = set(types())
    for category_id, chosen in (overrides or {}).items():
        unknown = sorted(set(chosen) - known)
        if unknown:
            raise ConsentModeError(
                f"consent mode for category {category_id[:60]!r}: {', '.join(u[:40] for u in unknown)} is not one of "
                f"Google's consent types ({', '.join(types())})"
            )
    by_kind = table()["kinds"]
    result = {}
    for category in policy.all_categories:
        if overrides and category.id in overrides:
            result[category.id] = tuple(dict.fromkeys(overrides[category.id]))
        else:
            result[category.id] = tuple(by_kind.get(category.kind.value, ())) if category.kind else ()
    return result


def default_state() -> dict[str, str]:
    """Every consent type denied, except those Google's guidance keeps granted (security)."""
    granted = set(table()["granted_by_default"])
    return {name: "granted" if name in granted else "denied" for name in types()}


def gtag_prelude(default: Mapping[str, str]) -> str:
    """Statements that give the page a gtag (Google's dataLayer stub, unless it has one)
    and set the default state. `default` is written with the caller's JS encoder."""
    from policykit.exports.common import JsValue, js_literal

    state: dict[str, JsValue] = dict(default)
    return (
        "// Google consent mode: every type denied until the visitor chooses (security granted).\n"
        "globalThis.dataLayer = globalThis.dataLayer || [];\n"
        'if (typeof globalThis.gtag !== "function") {\n'
        "  globalThis.gtag = function () { globalThis.dataLayer.push(arguments); };\n"
        "}\n"
        f'globalThis.gtag("consent", "default", {js_literal(state)});\n'
    )
