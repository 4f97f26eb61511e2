"""Where the bundled data lives, installed or in a checkout.

In a wheel, data/ and locales/ are force-included as policykit/_data and
policykit/_locales; in a source checkout they sit beside the package.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_dir", "default_policy", "locales_dir", "package_dir"]

_PACKAGE = Path(__file__).resolve().parent


def _bundled(installed: str, checkout: str) -> Path:
    inside = _PACKAGE / installed
    return inside if inside.is_dir() else _PACKAGE.parent / checkout


def package_dir() -> Path:
    """The installed package's own folder: policykit never writes inside it."""
    return _PACKAGE


def data_dir() -> Path:
    """The bundled data folder: the policy, its examples and scaffold, the JSON Schemas, the
    vendor catalogue and the dated facts of data/law."""
    return _bundled("_data", "data")


def locales_dir() -> Path:
    """The bundled gettext catalogues (locales/)."""
    return _bundled("_locales", "locales")


def default_policy() -> Path:
    """The bundled policy file, data/policy.yaml."""
    return data_dir() / "policy.yaml"
