"""Compatibility: the old import path of `policykit.exports.cookies_json` (cookies.json).

cookies.json is written by `policykit.exports.cookies_json`, beside the consent tools'
formats. This module only re-exports its public names, unchanged and without a warning,
so that programs written against `policykit.export` keep working; new code imports
`policykit.exports.cookies_json`.
"""

from __future__ import annotations

from policykit.exports.cookies_json import (
    SCHEMA_VERSION,
    catalogue,
    catalogue_json,
    catalogue_schema,
    effective_seconds,
    glob_regex,
)

__all__ = [
    "SCHEMA_VERSION",
    "catalogue",
    "catalogue_json",
    "catalogue_schema",
    "effective_seconds",
    "glob_regex",
]
