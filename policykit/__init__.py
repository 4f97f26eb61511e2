"""policykit: a website's cookie policy kept as data.

The public API: load, check, render and dump policies; the model; findings; and the
errors, all under PolicykitError.
"""

# No `from __future__ import annotations` here: it imports the __future__ module at run
# time, before the guard below, so a Ctrl-C while the command starts could land in it.
import sys as _sys


def _startup_interrupted(error: BaseException) -> None:
    """Ctrl-C while the command line starts up (importing): say "aborted" and exit 2, no
    traceback. A program that imports policykit gets its exception back, as does any
    error that is not an interrupt. Python 3.11 reports an interrupt that lands in a
    class's `__set_name__` (a cached_property of the standard library's) as the
    RuntimeError it caused."""
    if not isinstance(error, KeyboardInterrupt) and not isinstance(error.__cause__, KeyboardInterrupt):
        return
    if _sys.argv and _sys.argv[0].replace("\\", "/").rsplit("/", 1)[-1] in ("policykit", "policykit.exe", "-m"):
        _sys.stderr.write("aborted\n")
        raise SystemExit(2) from None


try:
    from typing import TYPE_CHECKING as _TYPE_CHECKING

    from policykit.errors import (
        CatalogError,
        LoadError,
        PolicykitError,
        ProjectError,
        RenderError,
        TranslationError,
        TranslationWarning,
        UnknownLocaleError,
        UnknownRuleError,
    )
    from policykit.findings import Finding, Severity
    from policykit.load import dump, load, loads
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
    from policykit.version import __version__
except (KeyboardInterrupt, RuntimeError) as _error:
    _startup_interrupted(_error)
    raise

if _TYPE_CHECKING:
    from policykit.rules import check


def __getattr__(name: str) -> object:
    """`check`, imported when first asked for: the rules are not imported by a program (or
    a command, such as `render`) that does not check."""
    if name == "check":
        from policykit.rules import check

        globals()["check"] = check
        return check
    raise AttributeError(f"module 'policykit' has no attribute {name!r}")


__all__ = [
    "Article",
    "CatalogError",
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
    "PolicykitError",
    "ProjectError",
    "Ref",
    "RefField",
    "RenderError",
    "Role",
    "Safeguard",
    "Section",
    "Severity",
    "Storage",
    "Transfer",
    "TranslationError",
    "TranslationWarning",
    "Unit",
    "UnknownLocaleError",
    "UnknownRuleError",
    "__version__",
    "check",
    "dump",
    "load",
    "loads",
    "render",
]
