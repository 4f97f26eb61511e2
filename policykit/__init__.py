"""policykit: a website's cookie policy kept as data.

The public API: load and dump policy files, the model, and findings.
"""

from __future__ import annotations

from policykit.findings import Finding, Severity
from policykit.load import LoadError, dump, load, loads
from policykit.model import (
    Article,
    Category,
    Controller,
    Cookie,
    CookieTable,
    Duration,
    ItemList,
    Lifetime,
    Meta,
    Paragraph,
    Party,
    Persistence,
    Policy,
    Ref,
    RefField,
    Role,
    Safeguard,
    Section,
    Storage,
    Transfer,
    Unit,
)
from policykit.render import render
from policykit.rules import check

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Category",
    "Controller",
    "Cookie",
    "CookieTable",
    "Duration",
    "Finding",
    "ItemList",
    "Lifetime",
    "LoadError",
    "Meta",
    "Paragraph",
    "Party",
    "Persistence",
    "Policy",
    "Ref",
    "RefField",
    "Role",
    "Safeguard",
    "Section",
    "Severity",
    "Storage",
    "Transfer",
    "Unit",
    "__version__",
    "check",
    "dump",
    "load",
    "loads",
    "render",
]
