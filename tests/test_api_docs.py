"""Every public object of policykit says what it is: a docstring for each module, each class
and function its `__all__` names, and each public method and property of those classes.

Public means named in a module's `__all__` (every module of policykit has one) and defined
in that module; a name re-exported from another module is checked where it is defined. A
class's docstring is its own (not a base class's); a method that overrides a documented
method says what its base says, as `inspect.getdoc` and the API reference read it.
"""

from __future__ import annotations

import enum
import functools
import importlib
import inspect
import sys
import types
from collections.abc import Iterator

import pytest

from conftest import ROOT


def module_names() -> list[str]:
    """Every module of the package, by its dotted name; `__main__` runs the command line."""
    names = []
    for path in sorted((ROOT / "policykit").rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__main__":
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _own_doc(obj: object) -> str:
    if isinstance(obj, type):
        return (vars(obj).get("__doc__") or "").strip()
    return (getattr(obj, "__doc__", None) or "").strip()


def _members(cls: type) -> Iterator[str]:
    """The public methods and properties a class's own body defines."""
    if issubclass(cls, enum.Enum):
        return
    for name, member in vars(cls).items():
        if not name.startswith("_") and (
            isinstance(member, (property, functools.cached_property, staticmethod, classmethod))
            or inspect.isfunction(inspect.unwrap(member))
        ):
            yield name


def undocumented(module: types.ModuleType) -> list[str]:
    """The public objects of `module` with no docstring, by their dotted names."""
    found = [] if _own_doc(module) else [module.__name__]
    for name in getattr(module, "__all__", ()):
        obj = getattr(module, name)
        function = inspect.unwrap(obj) if callable(obj) else obj  # functools.cache keeps the docstring
        if not (inspect.isclass(obj) or inspect.isfunction(function)) or function.__module__ != module.__name__:
            continue  # a constant, a click command, or a name defined elsewhere
        if not _own_doc(obj):
            found.append(f"{module.__name__}.{name}")
        if inspect.isclass(obj):
            found += [
                f"{module.__name__}.{name}.{member}"
                for member in _members(obj)
                if not inspect.getdoc(vars(obj)[member])  # an override finds its base's docstring
            ]
    return found


EXAMPLE = '''"""An example."""

__all__ = ["Silent", "Told", "bare", "cached", "documented", "LIMIT", "Imported"]

import functools
from pathlib import Path as Imported

LIMIT = 3


class Told:
    """Said."""

    def said(self) -> None:
        """Said."""

    @property
    def size(self) -> int:
        """Said."""
        return 0


class Silent(Told):
    def said(self) -> None:  # says what Told.said says
        pass

    @property
    def size(self) -> int:  # so does this
        return 1

    def unsaid(self) -> None:
        pass

    @property
    def length(self) -> int:
        return 0

    @staticmethod
    def made() -> None:
        pass

    @functools.cached_property
    def computed(self) -> int:
        return 0

    def _private(self) -> None:
        pass


def bare() -> None:
    pass


@functools.cache
def cached() -> None:
    pass


def documented() -> None:
    """Said."""
'''


def test_the_finder_finds_what_has_no_docstring(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("example")
    monkeypatch.setitem(sys.modules, "example", module)
    exec(compile(EXAMPLE, "example.py", "exec"), module.__dict__)
    assert undocumented(module) == [
        "example.Silent",
        "example.Silent.unsaid",
        "example.Silent.length",
        "example.Silent.made",
        "example.Silent.computed",
        "example.bare",
        "example.cached",
    ]
    assert undocumented(types.ModuleType("bare")) == ["bare"]


@pytest.mark.pdf
def test_every_module_has_an_all() -> None:
    """What is public is what `__all__` says: a module without one would go unchecked."""
    assert [name for name in module_names() if not hasattr(importlib.import_module(name), "__all__")] == []


# The modules that import WeasyPrint when read: they need the pdf extra.
_NEEDS_PDF = {"policykit.render.pdf", "policykit.render.pdf_typeset"}


@pytest.mark.parametrize(
    "name", [pytest.param(name, marks=pytest.mark.pdf) if name in _NEEDS_PDF else name for name in module_names()]
)
def test_every_public_object_has_a_docstring(name: str) -> None:
    assert undocumented(importlib.import_module(name)) == []
