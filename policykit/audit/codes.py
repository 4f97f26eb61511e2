"""The audit's rule codes, PK701 to PK709: what each finding means and why it matters.

In: nothing. Out: AUDIT_CHECKS, the RuleInfo table the SARIF printer and `policykit
rules` describe the audit with.
"""

from __future__ import annotations

from policykit.findings import RuleInfo, Severity

__all__ = ["AUDIT_CHECKS"]

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
    RuleInfo(
        "PK708",
        "After consent was refused, a cookie or storage entry that needs consent is present",
        Severity.ERROR,
        f"Refusing is not consenting: after a refusal only what is strictly necessary may be stored on the "
        f"visitor's device, cookies and local storage alike ({_EPRIVACY}; {_PLANET49}).",
    ),
    RuleInfo(
        "PK709",
        "A response's Date header is too far from the capture's own clock to be trusted",
        Severity.INFO,
        "An expiry counts from the response's Date header; a Date more than a day from when the browser made "
        "the request (the HAR entry's startedDateTime) is a wrong or forged clock, so the lifetimes of that "
        f"response count from the request's own time instead ({_RFC6265}).",
    ),
)
