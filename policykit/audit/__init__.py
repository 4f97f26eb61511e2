"""The policy against reality: read what a browser saw, and say where they disagree.

In: a Policy and capture files (HAR, cookies.txt, JSON cookie jars, the EDPS Website
Evidence Collector's inspection.json), and the consent state they were made in.
Out: Findings (codes PK701 to PK709), one per cookie or storage entry; `suggest` the
declarations the policy lacks.
"""

from __future__ import annotations

from policykit.audit.capture import Capture, CaptureError, Observation, read_capture
from policykit.audit.checks import AUDIT_CHECKS, FLOWS, Tolerance, audit, audit_states
from policykit.audit.fix import suggest
from policykit.audit.setcookie import SetCookie, parse_set_cookie

__all__ = [
    "AUDIT_CHECKS",
    "FLOWS",
    "Capture",
    "CaptureError",
    "Observation",
    "SetCookie",
    "Tolerance",
    "audit",
    "audit_states",
    "parse_set_cookie",
    "read_capture",
    "suggest",
]
