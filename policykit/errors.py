"""Every error policykit raises, under one base class.

In: nothing. Out: PolicykitError and its subclasses. Library callers catch
PolicykitError; no babel, cattrs, ruamel or jinja2 exception leaves the public API.

    PolicykitError
    ├── LoadError          a policy file that cannot be used (`findings` holds each problem)
    ├── ProjectError       a policykit.toml / [tool.policykit] that cannot be used
    ├── CatalogError       a gettext catalogue that is missing or cannot be read
    ├── UnknownLocaleError a locale that CLDR does not know
    ├── TranslationError   a translation that is missing, fuzzy or broken, when refused
    ├── RenderError        a template that fails, a glyph no font has
    │   ├── UnknownFormatError  a render format or PDF variant that does not exist (also a ValueError)
    │   └── MissingExtraError   a format whose libraries (an extra, such as `pdf`) are not installed
    └── UnknownRuleError   a rule code or profile that does not exist

    TranslationWarning (a UserWarning): strings shown in the source language
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from policykit.findings import Finding

__all__ = [
    "CatalogError",
    "LoadError",
    "MissingExtraError",
    "PolicykitError",
    "ProjectError",
    "RenderError",
    "TranslationError",
    "TranslationWarning",
    "UnknownFormatError",
    "UnknownLocaleError",
    "UnknownRuleError",
]


class PolicykitError(Exception):
    """The base of every error policykit raises."""


class LoadError(PolicykitError):
    """The file cannot be used. `findings` holds every problem found, in file order."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        super().__init__("\n".join(f.to_text() for f in findings))
        self.findings = list(findings)


class ProjectError(PolicykitError):
    """A project configuration that cannot be used. `str()` is `file:line:col: message`."""

    def __init__(self, path: Path | str, message: str, line: int = 0, column: int = 0) -> None:
        where = f"{path}:{line}:{column}" if line else str(path)
        super().__init__(f"{where}: {message}")
        self.path = Path(path)
        self.message = message
        self.line = line
        self.column = column


class CatalogError(PolicykitError):
    """A catalogue that is missing or cannot be read. `line` is 1-based, 0 when unknown."""

    def __init__(self, path: Path | str, message: str, line: int = 0) -> None:
        super().__init__(f"{path}: {message}")
        self.path = Path(path)
        self.message = message
        self.line = line


class UnknownLocaleError(PolicykitError, ValueError):
    """A locale identifier that is malformed or unknown to CLDR."""


class TranslationError(PolicykitError):
    """Translations that are missing, fuzzy or broken, where they are refused (strict)."""

    def __init__(self, message: str, findings: Sequence[Finding]) -> None:
        super().__init__(message)
        self.findings = list(findings)


class RenderError(PolicykitError):
    """A render that cannot be made: a template error, a glyph no font has."""


class UnknownFormatError(RenderError, ValueError):
    """A render format or a PDF variant that does not exist."""


class MissingExtraError(RenderError):
    """A format whose libraries are not installed: the PDF without the `pdf` extra.
    The message says what to install."""


class UnknownRuleError(PolicykitError, ValueError):
    """A code given to select or ignore matches no rule, or a profile does not exist."""


class TranslationWarning(UserWarning):
    """Strings rendered in the source language because their translation is missing,
    fuzzy or broken (render without strict)."""
