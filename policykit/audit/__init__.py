"""The policy against reality: read what a browser saw, and say where they disagree.

In: a Policy and capture files (HAR, cookies.txt, JSON cookie jars, the EDPS Website
Evidence Collector's inspection.json). Out: Findings (codes PK701 to PK707).
"""

from __future__ import annotations

from policykit.audit.capture import Capture, CaptureError, Observation, read_capture
from policykit.audit.checks import AUDIT_CHECKS, Tolerance, audit
from policykit.audit.setcookie import SetCookie, parse_set_cookie

__all__ = [
    "AUDIT_CHECKS",
    "Capture",
    "CaptureError",
    "Observation",
    "SetCookie",
    "Tolerance",
    "audit",
    "parse_set_cookie",
    "read_capture",
]
