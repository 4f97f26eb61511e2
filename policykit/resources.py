"""Where the bundled data lives, installed or in a checkout.

In a wheel, data/ and locales/ are force-included as policykit/_data and
policykit/_locales; in a source checkout they sit beside the package.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_dir", "default_policy", "locales_dir", "locales_for"]

_PACKAGE = Path(__file__).resolve().parent


def _bundled(installed: str, checkout: str) -> Path:
    inside = _PACKAGE / installed
    return inside if inside.is_dir() else _PACKAGE.parent / checkout


def data_dir() -> Path:
    return _bundled("_data", "data")


def locales_dir() -> Path:
    return _bundled("_locales", "locales")


def default_policy() -> Path:
    return data_dir() / "policy.yaml"


def locales_for(policy_path: Path) -> Path:
    """The locales/ folder that belongs to a policy: beside it, or in a folder above it
    (the bundled policy's is the project's locales/). Defaults to beside it."""
    policy_path = policy_path.resolve()
    if policy_path.is_relative_to(data_dir().resolve()):
        return locales_dir()
    for folder in list(policy_path.parents)[:3]:
        if (folder / "locales").is_dir():
            return folder / "locales"
    return policy_path.parent / "locales"
