"""The package's version (the same as pyproject.toml's), in a module of its own so that
any layer can read it without importing the whole public API of `policykit`."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
