"""The scaffold's example values, still in a policy (PK410-PK412).

In: the Context and data/scaffold/placeholders.yaml (what `policykit init` writes when
it is told nothing, and the domains reserved for examples).
Out: an Issue at each key that still holds one, saying which key to edit.

A scaffold passes every other rule by construction, so without these a policy that
names "Example B.V." at privacy@example.com would check clean and publish.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any

from policykit import resources, yamlread
from policykit.findings import Severity
from policykit.rules.base import EVERYWHERE, Context, Issue, rule

__all__ = ["RULES", "placeholders"]

_HOST = re.compile(r"(?:[a-z][a-z0-9+.-]*://)?(?:[^@/\s]*@)?([^/:?#\s]+)", re.IGNORECASE)


@functools.cache
def placeholders() -> Mapping[str, Any]:
    """The scaffold's example values (data/scaffold/placeholders.yaml)."""
    text = (resources.data_dir() / "scaffold" / "placeholders.yaml").read_text(encoding="utf-8")
    data: Mapping[str, Any] = yamlread.read_yaml(text, 5)
    return data


def _example_host(value: str) -> str | None:
    """The example domain `value` (a URL, an e-mail address, a domain) is on, if any."""
    match = _HOST.match(value.strip())
    host = match.group(1).lower().rstrip(".") if match else ""
    for domain in placeholders()["domains"]:
        if host == domain or host.endswith("." + domain):
            return str(domain)
    return None


def _edit(key: str, value: str, what: str) -> str:
    return f"{key} is still the scaffold's {what} {value!r}: replace it with your own"


_INIT = {"meta.controller.contact": "--contact", "meta.website": "--website"}


@rule(
    "PK410",
    Severity.ERROR,
    "The controller is still the scaffold's example organisation",
    """`policykit init` writes "Example B.V." when it is told no organisation. A policy
    must name who is responsible (GDPR Art. 13(1)(a)); an example name is no one. Edit
    `meta.controller.organisation` (and the first party's `name`), or start again with
    `policykit init --name`.""",
    profiles=EVERYWHERE,
    cites=("cite.gdpr-art-13-1",),
)
def example_organisation(ctx: Context) -> Iterator[Issue]:
    example = placeholders()["organisation"]
    if ctx.declared.meta.controller.organisation == example:
        yield Issue(
            ("meta", "controller", "organisation"),
            _edit("meta.controller.organisation", example, "example") + " (`policykit init --name` sets it)",
        )
    for index, party in enumerate(ctx.declared.parties):
        if party.name == example:
            yield Issue(("parties", index, "name"), _edit(f"parties[{party.id}].name", example, "example"))


@rule(
    "PK411",
    Severity.ERROR,
    "The controller's address is still the scaffold's example",
    """`policykit init` writes an Amsterdam street when it is told no address. The
    reader is given the controller's contact details (GDPR Art. 13(1)(a)); an example
    address reaches no one. Edit `meta.controller.address`, or start again with
    `policykit init --address`.""",
    profiles=EVERYWHERE,
    cites=("cite.gdpr-art-13-1",),
)
def example_address(ctx: Context) -> Iterator[Issue]:
    example = placeholders()["address"]
    if ctx.declared.meta.controller.address == example:
        yield Issue(
            ("meta", "controller", "address"),
            _edit("meta.controller.address", example, "example address") + " (`policykit init --address` sets it)",
        )


@rule(
    "PK412",
    Severity.ERROR,
    "A contact or website is on a domain reserved for examples",
    """example.com, example.org and example.net are reserved for examples (RFC 2606,
    section 3): a contact there reaches no one, and a website there is not the
    reader's. `policykit init` writes privacy@example.com and www.example.com
    when it is told nothing. Edit the key named (`--contact`, `--website` of `policykit
    init` set them).""",
    profiles=EVERYWHERE,
    cites=("cite.gdpr-art-13-1",),
)
def example_domain(ctx: Context) -> Iterator[Issue]:
    meta = ctx.declared.meta
    keys: list[tuple[tuple[str | int, ...], str, str | None]] = [
        (("meta", "controller", "contact"), "meta.controller.contact", meta.controller.contact),
        (("meta", "website"), "meta.website", meta.website),
        (
            ("meta", "consent_settings", "url"),
            "meta.consent_settings.url",
            meta.consent_settings.url if meta.consent_settings else None,
        ),
        (("meta", "archive"), "meta.archive", meta.archive),
    ]
    for index, party in enumerate(ctx.declared.parties):
        if party.role.value == "first-party":
            keys.append(
                (("parties", index, "privacy_policy"), f"parties[{party.id}].privacy_policy", party.privacy_policy)
            )
    for at, key, value in keys:
        domain = _example_host(value) if value else None
        if value and domain is not None:
            yield Issue(
                at, f"{key} is {value!r}, on {domain}, a domain reserved for examples: replace it with your own"
            )


RULES = (example_organisation, example_address, example_domain)
