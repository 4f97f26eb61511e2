"""The policy against what a browser saw.

In: a Policy, the Captures read from HAR files and cookie jars, the site's address, a
lifetime tolerance and whether the capture was made before consent. Out: Findings in
the one shape `check` uses, each at the place in the capture where the cookie was seen
(file, field path, entry index, page and request URL), or at the declaration in the
policy for a cookie never seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from attrs import frozen

from policykit.audit.capture import Capture, Observation
from policykit.audit.setcookie import domain_match
from policykit.findings import Finding, RuleInfo, Severity, sort_findings
from policykit.globs import compile_glob
from policykit.model import Cookie, Party, Policy, Role, Storage
from policykit.source import Source

__all__ = ["AUDIT_CHECKS", "Tolerance", "audit", "likely_vendor"]

_RFC6265 = "RFC 6265, sections 5.2 and 5.3 (https://www.rfc-editor.org/rfc/rfc6265)"
_EPRIVACY = "Directive 2002/58/EC, Art. 5(3) (https://eur-lex.europa.eu/eli/dir/2002/58/oj)"
_GDPR13 = "GDPR Art. 13(1)(e) and 13(2)(a) (https://eur-lex.europa.eu/eli/reg/2016/679/oj)"
_PLANET49 = "CJEU C-673/17 Planet49, 2019-10-01, point 2 of the ruling (ECLI:EU:C:2019:801)"

AUDIT_CHECKS: tuple[RuleInfo, ...] = (
    RuleInfo(
        "PK701",
        "A cookie the site set is not declared in the policy",
        Severity.ERROR,
        f"Visitors must be told which cookies are stored and why: {_GDPR13}; {_EPRIVACY}.",
    ),
    RuleInfo(
        "PK702",
        "A declared cookie was never seen in the capture",
        Severity.INFO,
        "A declaration no browser confirms may be stale, or the capture may not have reached "
        "the page that sets it; look before removing it.",
    ),
    RuleInfo(
        "PK703",
        "The lifetime a cookie is set with differs from the declared one beyond the tolerance",
        Severity.WARNING,
        f"The storage period must be stated truly ({_GDPR13}; {_PLANET49}: the duration of cookies "
        f"must be disclosed). The lifetime is read as a browser reads it: {_RFC6265}, Max-Age over "
        "Expires, counted from the response's Date header.",
    ),
    RuleInfo(
        "PK704",
        "A cookie comes from a third-party host that no declared party serves",
        Severity.ERROR,
        f"Whether third parties can access cookies must be disclosed ({_PLANET49}); recipients must "
        f"be named ({_GDPR13}). A party's `domains` say which hosts are its own.",
    ),
    RuleInfo(
        "PK705",
        "A declared cookie was seen on a domain its declaration does not allow",
        Severity.ERROR,
        "A first-party cookie seen on another site's domain, or a cookie seen outside the domain its "
        f"declaration or its party names, tells visitors the wrong party ({_PLANET49}).",
    ),
    RuleInfo(
        "PK706",
        "Before consent, a cookie outside the strictly necessary ones was set",
        Severity.ERROR,
        f"Only cookies strictly necessary for the service a visitor asked for are exempt from "
        f"consent: {_EPRIVACY}; {_PLANET49}.",
    ),
    RuleInfo(
        "PK707",
        "A Set-Cookie header a browser ignores",
        Severity.WARNING,
        f"No '=' in the name-value pair, an empty name, or a Domain the host does not belong to: {_RFC6265}.",
    ),
)
_INFO = {rule.code: rule for rule in AUDIT_CHECKS}


@frozen
class Tolerance:
    """How far an observed lifetime may be from the declared one: the larger of
    `seconds` and `fraction` of the declared lifetime. None switches a part off."""

    seconds: int | None = 86_400
    fraction: float | None = 0.01

    def allows(self, declared: int, observed: int) -> bool:
        allowed = max(self.seconds or 0, (self.fraction or 0.0) * declared)
        return abs(observed - declared) <= allowed


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _related(domain: str, other: str) -> bool:
    """One is the other or a subdomain of it: a cookie for example.com reaches
    www.example.com, and one for www.example.com belongs to example.com's site."""
    return domain_match(domain, other) or domain_match(other, domain)


def _days(seconds: int | None) -> str:
    if seconds is None:
        return "a session cookie"
    days = seconds / 86_400
    shown = f"{days:.0f}" if abs(days - round(days)) < 0.05 else f"{days:.1f}"
    return f"{shown} day{'s' if shown != '1' else ''} ({seconds} s)"


def likely_vendor(name: str) -> str:
    """What the vendor catalogue says a cookie name probably is, in words ('' when it
    does not know or is not installed). The catalogue is optional: audit works without."""
    try:
        from policykit.catalogue import match  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return ""
    try:
        found: Any = match(name)
    except Exception:  # the catalogue is a hint: its failure must not stop the audit
        return ""
    if not found:
        return ""
    # An Entry: its vendor, the product that sets the cookie, and the category's kind.
    vendor = getattr(getattr(found, "vendor", None), "name", None)
    if not vendor:
        return ""
    service = getattr(found, "service_name", None)
    kind = getattr(getattr(found, "category", None), "value", None)
    product = f" {service}" if service and service != vendor else ""
    return f"; the catalogue knows it as {vendor}'s{product} cookie" + (f" ({kind})" if kind else "")


class _Auditor:
    def __init__(
        self,
        policy: Policy,
        source: Source | None,
        policy_file: str,
        site: str | None,
        tolerance: Tolerance,
        before_consent: bool,
    ) -> None:
        self.policy = policy
        self.source = source
        self.policy_file = policy_file
        self.site_host = _host(site or "") or _host(policy.meta.website or "")
        self.tolerance = tolerance
        self.before_consent = before_consent
        self.first_party = {self.site_host} - {""}
        for party in policy.parties:
            if party.role is Role.FIRST_PARTY:
                self.first_party.update(party.domains)
        self.declared = [c for c in policy.cookies if c.storage is Storage.COOKIE and c.name is not None]

    def is_first_party(self, domain: str) -> bool:
        return any(_related(domain, own) for own in self.first_party)

    def party_for(self, domain: str) -> Party | None:
        for party in self.policy.parties:
            if any(_related(domain, own) for own in party.domains):
                return party
        return None

    def declaration(self, observation: Observation) -> Cookie | None:
        named = [c for c in self.declared if c.name and compile_glob(c.name)(observation.name)]
        # An exact name outranks a pattern, and a declaration for this domain outranks one for another.
        named.sort(key=lambda c: (c.is_pattern, not (c.domain and _related(observation.domain, c.domain))))
        return named[0] if named else None

    def finding(self, code: str, capture: Capture, seen: Observation, message: str) -> Finding:
        where = f"{seen.where}[{seen.name}]"
        if seen.how == "jar":
            context = " (in the cookie jar)"
        else:
            context = f" (request {seen.request}" + (
                f", page {seen.page}" if seen.page not in ("", seen.request) else ""
            )
            context += f", entry {seen.entry})" if seen.entry is not None else ")"
        return Finding(code, _INFO[code].severity, message + context, capture.file, 0, 0, where)

    def run(self, captures: Sequence[Capture]) -> list[Finding]:
        findings: list[Finding] = []
        matched: set[str] = set()
        if not self.site_host:
            pages = [page for capture in captures for page in capture.pages]
            self.site_host = _host(pages[0]) if pages else ""
            self.first_party.add(self.site_host)
        for capture in captures:
            for bad in capture.malformed:
                findings.append(
                    Finding(
                        "PK707",
                        Severity.WARNING,
                        f"ignored by browsers: Set-Cookie {bad.header[:120]!r} (request {bad.request}, "
                        f"entry {bad.entry})",
                        capture.file,
                        0,
                        0,
                        bad.where,
                    )
                )
        # One cookie seen in several files (a HAR and the jar of the same visit) is one
        # cookie: judged once, at its first Set-Cookie header if it has one.
        groups: dict[tuple[str, str], list[tuple[Capture, Observation]]] = {}
        for capture in captures:
            for seen in capture.observations:
                groups.setdefault((seen.name, seen.domain), []).append((capture, seen))
        for group in groups.values():
            alive = [pair for pair in group if not pair[1].deleted]
            alive.sort(key=lambda pair: pair[1].how != "header")
            if alive:
                findings.extend(self.observed(alive[0][0], [seen for _, seen in alive], matched))
        findings.extend(self.never_seen(matched))
        return sort_findings(findings)

    def observed(self, capture: Capture, group: list[Observation], matched: set[str]) -> Iterable[Finding]:
        first = group[0]
        how = {"header": "set by a response", "request": "sent in a request", "jar": "in the cookie jar"}[first.how]
        third_party = not self.is_first_party(first.domain)
        owner = self.party_for(first.domain)
        cookie = self.declaration(first)
        if third_party and owner is None:
            yield self.finding(
                "PK704",
                capture,
                first,
                f"cookie {first.name!r} comes from the third-party host {first.domain}, which no party of the "
                "policy lists among its domains",
            )
        if cookie is None:
            hint = likely_vendor(first.name)
            yield self.finding(
                "PK701",
                capture,
                first,
                f"cookie {first.name!r} for {first.domain} ({how}) is not declared in the policy{hint}",
            )
            if self.before_consent:
                yield self.finding(
                    "PK706",
                    capture,
                    first,
                    f"cookie {first.name!r} was set before consent and no declaration says it is strictly necessary",
                )
            return
        matched.add(cookie.id)
        party = self.policy.party(cookie.party) if cookie.party in {p.id for p in self.policy.parties} else None
        wrong = ""
        if cookie.domain and not _related(first.domain, cookie.domain):
            wrong = f"declared for {cookie.domain}"
        elif party is not None and party.role is Role.FIRST_PARTY and third_party:
            wrong = f"declared as {party.id}'s first-party cookie"
        elif party is not None and third_party and party.domains and owner is not party:
            wrong = f"declared as {party.id}'s, whose domains are {', '.join(party.domains)}"
        if wrong:
            yield self.finding(
                "PK705", capture, first, f"cookie {first.name!r} was seen on {first.domain}, but is {wrong}"
            )
        yield from self.lifetime(capture, group, cookie)
        if self.before_consent:
            try:
                category = self.policy.category(cookie.category)
            except KeyError:
                category = None
            if category is None or category.consent_required:
                yield self.finding(
                    "PK706",
                    capture,
                    first,
                    f"cookie {first.name!r} ({cookie.category}) was set before consent",
                )

    def lifetime(self, capture: Capture, group: list[Observation], cookie: Cookie) -> Iterable[Finding]:
        declared = cookie.lifetime
        for seen in group:
            if not seen.lifetime_known:
                continue
            if declared.is_session and seen.lifetime is not None:
                problem = f"is declared as a session cookie, but is set to live {_days(seen.lifetime)}"
            elif declared.seconds is not None and seen.lifetime is None:
                problem = f"is declared to live {_days(declared.seconds)}, but is set as a session cookie"
            elif (
                declared.seconds is not None
                and seen.lifetime is not None
                and not self.tolerance.allows(declared.seconds, seen.lifetime)
            ):
                problem = f"is declared to live {_days(declared.seconds)}, but is set to live {_days(seen.lifetime)}"
            else:
                continue
            yield self.finding("PK703", capture, seen, f"cookie {seen.name!r} {problem}")
            return  # one finding per cookie: the first time it was set

    def never_seen(self, matched: set[str]) -> Iterable[Finding]:
        for index, cookie in enumerate(self.policy.cookies):
            if cookie not in self.declared or cookie.id in matched:
                continue
            at = ("cookies", index, "name")
            line, column = self.source.position(at) if self.source else (0, 0)
            path = self.source.field_path(at) if self.source else f"cookies[{cookie.name}].name"
            yield Finding(
                "PK702",
                Severity.INFO,
                f"cookie {cookie.name!r} is declared but was not seen in the capture",
                self.policy_file,
                line,
                column,
                path,
            )


def audit(
    policy: Policy,
    captures: Sequence[Capture],
    *,
    source: Source | None = None,
    policy_file: str = "",
    site: str | None = None,
    tolerance: Tolerance = Tolerance(),
    before_consent: bool = False,
) -> list[Finding]:
    """Every finding of the policy against the captures, sorted as `check` sorts them.

    `site`: the site's address (default: the policy's meta.website, else the first page
    of the captures); hosts that are neither it nor a first-party party's domain are
    third parties.
    """
    shown_file = policy_file or (source.file if source else "")
    auditor = _Auditor(policy, source, shown_file, site, tolerance, before_consent)
    return auditor.run(captures)
