"""The policy against what a browser saw.

In: a Policy, the Captures read from HAR files and cookie jars (cookies, and the local
and session storage a storage_state holds), the site's address, a lifetime tolerance
and the consent state the capture was made in. Out: Findings in the one shape `check`
uses, one per cookie or storage entry, at the place in the capture where it was first
seen (file, field path, entry index, page and request URL) with the evidence of every
capture that saw it, or at the declaration in the policy for one never seen.

One module because the comparison of one policy with what one set of captures saw is
one pass of one _Auditor: the matching of declared to observed cookies, the findings and
their evidence share its state, and cut apart each half would need the other's internals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from attrs import frozen

from policykit.audit.capture import Capture, Observation
from policykit.audit.codes import AUDIT_CHECKS
from policykit.audit.evidence import Seen, describe, group
from policykit.audit.setcookie import domain_match
from policykit.findings import Finding, Severity, sort_findings
from policykit.globs import compile_glob
from policykit.model import Cookie, Lifetime, Party, Policy, Role, Storage
from policykit.source import Source
from policykit.syntax import format_lifetime

__all__ = [
    "AUDIT_CHECKS",
    "FLOWS",
    "Tolerance",
    "Undeclared",
    "audit",
    "audit_states",
    "likely_vendor",
    "undeclared",
]

_INFO = {rule.code: rule for rule in AUDIT_CHECKS}

# The consent states a capture can be made in: '' (not said), before any choice, after
# accepting, after refusing.
FLOWS = ("", "before-consent", "accept", "reject")
_AUDITED = (Storage.COOKIE, Storage.LOCAL_STORAGE, Storage.SESSION_STORAGE)
_NOUN = {"cookie": "cookie", "local-storage": "local-storage entry", "session-storage": "session-storage entry"}


@frozen
class Tolerance:
    """How far an observed lifetime may be from the declared one: the larger of
    `seconds` and `fraction` of the declared lifetime. None switches a part off."""

    seconds: int | None = 86_400
    fraction: float | None = 0.01

    def allows(self, declared: int, observed: int) -> bool:
        """Whether `observed` seconds are close enough to `declared` seconds: within the larger
        of `seconds` and `fraction` of the declared lifetime."""
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


@frozen
class Undeclared:
    """A cookie or storage entry the captures saw and the policy does not declare:
    `seen` its evidence, `third_party` whether its host is another site's, `party` the
    declared party whose domains serve it (None when none does)."""

    seen: Seen
    third_party: bool
    party: Party | None


class _Auditor:
    def __init__(
        self,
        policy: Policy,
        source: Source | None,
        policy_file: str,
        site: str | None,
        tolerance: Tolerance,
        flow: str,
    ) -> None:
        self.policy = policy
        self.source = source
        self.policy_file = policy_file
        self.site_host = _host(site or "") or _host(policy.meta.website or "")
        self.tolerance = tolerance
        self.flow = flow
        self.first_party = {self.site_host} - {""}
        for party in policy.parties:
            if party.role is Role.FIRST_PARTY:
                self.first_party.update(party.domains)
        self.declared = [c for c in policy.cookies if c.storage in _AUDITED and c.name is not None]
        # Exact names by (storage, name); patterns apart, each matched in linear time (policykit.globs).
        self.exact: dict[tuple[str, str], list[Cookie]] = {}
        self.patterns: list[Cookie] = []
        for cookie in self.declared:
            assert cookie.name is not None
            if cookie.is_pattern:
                self.patterns.append(cookie)
            else:
                self.exact.setdefault((cookie.storage.value, cookie.name), []).append(cookie)
        self.categories = {c.id: c for c in policy.all_categories}
        self.has_har = False

    def needs_consent(self, cookie: Cookie | None) -> bool:
        """Undeclared, of an unknown category or of one that asks consent."""
        category = self.categories.get(cookie.category) if cookie is not None else None
        return category is None or category.consent_required

    def is_first_party(self, domain: str) -> bool:
        return any(_related(domain, own) for own in self.first_party)

    def party_for(self, domain: str) -> Party | None:
        for party in self.policy.parties:
            if any(_related(domain, own) for own in party.domains):
                return party
        return None

    def declaration(self, seen: Observation) -> Cookie | None:
        named = list(self.exact.get((seen.storage, seen.name), ()))
        if not named:
            named = [
                c for c in self.patterns if c.storage.value == seen.storage and compile_glob(c.name or "")(seen.name)
            ]
        # A declaration for this domain outranks one for another; a longer pattern a shorter.
        named.sort(key=lambda c: (not (c.domain and _related(seen.domain, c.domain)), -len(c.name or "")))
        return named[0] if named else None

    def finding(self, code: str, cookie: Seen, message: str, at: tuple[Capture, Observation] | None = None) -> Finding:
        capture, seen = at or cookie.first
        context = describe(cookie, at or cookie.first, several=self.several)
        return Finding(
            code, _INFO[code].severity, f"{message} ({context})", capture.file, 0, 0, f"{seen.where}[{seen.name}]"
        )

    def prepare(self, captures: Sequence[Capture]) -> None:
        self.several = len({capture.file for capture in captures}) > 1
        self.has_har = any(capture.kind == "har" for capture in captures)
        if not self.site_host:
            pages = [page for capture in captures for page in capture.pages]
            self.site_host = _host(pages[0]) if pages else ""
            self.first_party.add(self.site_host)

    def run(self, captures: Sequence[Capture], matched: set[str] | None = None) -> list[Finding]:
        """The findings of the captures; with `matched` given, the ids of the declarations
        seen are added to it and PK702 is left to the caller."""
        findings: list[Finding] = []
        unseen = matched is None
        matched = set() if matched is None else matched
        self.prepare(captures)
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
            for note in capture.notes:
                message = f"{note.message} (request {note.request}, entry {note.entry})"
                findings.append(Finding(note.code, _INFO[note.code].severity, message, capture.file, 0, 0, note.where))
        for cookie in group(captures):
            findings.extend(self.observed(cookie, matched))
        if unseen:
            findings.extend(self.never_seen(matched, storage=any(capture.storage for capture in captures)))
        return sort_findings(findings)

    def observed(self, seen_cookie: Seen, matched: set[str]) -> Iterable[Finding]:
        _, first = seen_cookie.first
        noun = _NOUN.get(first.storage, "cookie")
        if first.storage != "cookie":
            how = f"in {first.storage.replace('-', ' ')}"
        elif seen_cookie.header is not None:
            how = "set by a response"
        elif seen_cookie.request is not None or self.has_har:
            how = "set by a script"  # in a request's Cookie header or the jar, set by no response
        else:
            how = "in the cookie jar"
        third_party = not self.is_first_party(first.domain)
        owner = self.party_for(first.domain)
        cookie = self.declaration(first)
        if third_party and owner is None:
            yield self.finding(
                "PK704",
                seen_cookie,
                f"{noun} {first.name!r} comes from the third-party host {first.domain}, which no party of the "
                "policy lists among its domains",
            )
        if cookie is None:
            hint = likely_vendor(first.name) if first.storage == "cookie" else ""
            yield self.finding(
                "PK701",
                seen_cookie,
                f"{noun} {first.name!r} for {first.domain} ({how}) is not declared in the policy{hint}",
            )
        else:
            matched.add(cookie.id)
            yield from self.placement(seen_cookie, cookie, third_party, owner)
            yield from self.lifetime(seen_cookie, cookie)
        yield from self.consent(seen_cookie, cookie, noun)

    def placement(self, seen_cookie: Seen, cookie: Cookie, third_party: bool, owner: Party | None) -> Iterable[Finding]:
        _, first = seen_cookie.first
        party = self.policy.party(cookie.party) if cookie.party in {p.id for p in self.policy.parties} else None
        wrong = ""
        if cookie.domain and not _related(first.domain, cookie.domain):
            wrong = f"declared for {cookie.domain}"
        elif party is not None and party.role is Role.FIRST_PARTY and third_party:
            wrong = f"declared as {party.id}'s first-party cookie"
        elif party is not None and third_party and party.domains and owner is not party:
            wrong = f"declared as {party.id}'s, whose domains are {', '.join(party.domains)}"
        if wrong:
            noun = _NOUN.get(first.storage, "cookie")
            yield self.finding(
                "PK705", seen_cookie, f"{noun} {first.name!r} was seen on {first.domain}, but is {wrong}"
            )

    def consent(self, seen_cookie: Seen, cookie: Cookie | None, noun: str) -> Iterable[Finding]:
        if self.flow not in ("before-consent", "reject") or not self.needs_consent(cookie):
            return
        _, first = seen_cookie.first
        if cookie is None:
            why = "no declaration says it is strictly necessary"
        else:
            why = f"it is declared {cookie.category}, which needs consent"
        if self.flow == "before-consent":
            yield self.finding("PK706", seen_cookie, f"{noun} {first.name!r} was set before consent: {why}")
        else:
            yield self.finding(
                "PK708", seen_cookie, f"{noun} {first.name!r} is present after consent was refused: {why}"
            )

    def fits(self, case: Lifetime, seen: int | None) -> bool:
        """Whether a lifetime set fits one case of the declared lifetime: a session case
        a session cookie; a duration the same length within the tolerance, or anything
        shorter for a maximum ('up to 2 years'); a case of unstated length anything."""
        if case.is_session:
            return seen is None
        if case.duration is None:
            return True  # persistent for a time not stated, or not stated at all (PK101's concern)
        if seen is None:
            return False
        declared = case.duration.seconds
        return self.tolerance.allows(declared, seen) or (case.maximum and seen < declared)

    def lifetime(self, seen_cookie: Seen, cookie: Cookie) -> Iterable[Finding]:
        """PK703 when the lifetime set fits no case of the declared one, said against the
        longest case (what a visitor must be told of)."""
        declared = cookie.lifetime
        for at in seen_cookie.lifetimes():
            seen = at[1]
            if any(self.fits(case, seen.lifetime) for case in declared.cases):
                continue
            longest = declared.longest()
            stated = format_lifetime(declared)
            if longest.is_session:
                told = "as a session cookie"
            else:
                told = f"to live {_days(longest.seconds)}"
                if declared.choice is not None or longest.maximum or longest.renewed:
                    told += f" (the longest case of '{stated}')"
            lived = "as a session cookie" if seen.lifetime is None else f"to live {_days(seen.lifetime)}"
            problem = f"is declared {told}, but is set {lived}"
            yield self.finding("PK703", seen_cookie, f"cookie {seen.name!r} {problem}", at)
            return  # one finding per cookie: the first time it was set

    def never_seen(self, matched: set[str], *, storage: bool) -> Iterable[Finding]:
        """PK702 at each declaration no capture saw: storage entries only when a capture
        recorded storage; in a before-consent or reject capture only what needs no consent."""
        for index, cookie in enumerate(self.policy.cookies):
            if cookie not in self.declared or cookie.id in matched:
                continue
            if cookie.storage is not Storage.COOKIE and not storage:
                continue
            if self.flow in ("before-consent", "reject") and self.needs_consent(cookie):
                continue  # rightly absent
            at = ("cookies", index, "name")
            line, column = self.source.position(at) if self.source else (0, 0)
            path = self.source.field_path(at) if self.source else f"cookies[{cookie.name}].name"
            noun = _NOUN[cookie.storage.value]
            yield Finding(
                "PK702",
                Severity.INFO,
                f"{noun} {cookie.name!r} is declared but was not seen in the capture",
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
    flow: str = "",
) -> list[Finding]:
    """Every finding of the policy against the captures, sorted as `check` sorts them.

    `site`: the site's address (default: the policy's meta.website, else the first page
    of the captures); hosts that are neither it nor a first-party party's domain are
    third parties. `flow`: the consent state the captures were made in (FLOWS):
    'before-consent' (also `before_consent=True`) reports what needs consent as PK706,
    'reject' as PK708.
    """
    state = flow or ("before-consent" if before_consent else "")
    return audit_states(
        policy, [(state, captures)], source=source, policy_file=policy_file, site=site, tolerance=tolerance
    )


def audit_states(
    policy: Policy,
    states: Sequence[tuple[str, Sequence[Capture]]],
    *,
    source: Source | None = None,
    policy_file: str = "",
    site: str | None = None,
    tolerance: Tolerance = Tolerance(),
) -> list[Finding]:
    """Each consent state's captures (a scan's flows) audited as `audit` audits one, and
    PK702 once for them all: a declaration is seen when any state saw it, and one that
    needs consent is rightly absent unless some state accepted (or did not say)."""
    shown_file = policy_file or (source.file if source else "")
    findings: list[Finding] = []
    matched: set[str] = set()
    for flow, captures in states:
        if flow not in FLOWS:
            raise ValueError(f"unknown consent state {flow!r}; expected one of {', '.join(FLOWS[1:])}")
        findings += _Auditor(policy, source, shown_file, site, tolerance, flow).run(captures, matched)
    accepted = any(flow in ("", "accept") for flow, _ in states)
    last = _Auditor(policy, source, shown_file, site, tolerance, "accept" if accepted else "reject")
    storage = any(capture.storage for _, captures in states for capture in captures)
    findings += last.never_seen(matched, storage=storage)
    return sort_findings(findings)


def undeclared(policy: Policy, captures: Sequence[Capture], *, site: str | None = None) -> list[Undeclared]:
    """What the captures saw that no declaration covers (PK701), in the order first seen."""
    auditor = _Auditor(policy, None, "", site, Tolerance(), "")
    auditor.prepare(captures)
    found = []
    for cookie in group(captures):
        _, first = cookie.first
        if auditor.declaration(first) is None:
            found.append(Undeclared(cookie, not auditor.is_first_party(first.domain), auditor.party_for(first.domain)))
    return found
