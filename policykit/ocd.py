"""Compatibility: the old import path of `policykit.catalogue.ocd` (the Open Cookie Database import).

The import of the Open Cookie Database lives in `policykit.catalogue.ocd`, beside the
catalogue it writes. This module only re-exports its public names, unchanged and without
a warning, so that programs written against `policykit.ocd` keep working; new code
imports `policykit.catalogue.ocd`.
"""

from __future__ import annotations

from policykit.catalogue.ocd import (
    CATALOGUE_CATEGORY,
    ImportProblem,
    ImportResult,
    OcdError,
    OcdRow,
    Retention,
    import_catalogue,
    ocd_policy,
    parse_retention,
    read_edpb,
    read_ocd,
    read_retention,
)

__all__ = [
    "CATALOGUE_CATEGORY",
    "ImportProblem",
    "ImportResult",
    "OcdError",
    "OcdRow",
    "Retention",
    "import_catalogue",
    "ocd_policy",
    "parse_retention",
    "read_edpb",
    "read_ocd",
    "read_retention",
]
