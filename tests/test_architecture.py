"""The package's shape, read from its source with `ast`: which module imports which.

The compatibility modules (old import paths kept for programs that use them) re-export
the new modules' public names, and nothing of policykit, its tests or its benchmarks
imports them any more.
"""

from __future__ import annotations

import ast
import importlib
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "policykit"

# Old import path -> the module that now holds the code. Kept only for public API.
SHIMS = {
    "policykit.export": "policykit.exports.cookies_json",
    "policykit.ocd": "policykit.catalogue.ocd",
}


def module_name(path: Path) -> str:
    """The dotted name of the module in `path` (a file under ROOT)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> Iterator[tuple[int, str]]:
    """Each module name that the file at `path` imports, anywhere in it (also inside a
    function or under TYPE_CHECKING), with its line: `from a.b import c` gives `a.b.c`
    and `a.b` (c may be a module or a name), a relative import its absolute name."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            yield node.lineno, origin
            for alias in node.names:
                yield node.lineno, f"{origin}.{alias.name}"


def python_files() -> Iterator[Path]:
    for folder in ("policykit", "tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "ocd_validator" not in path.parts:
                yield path


@pytest.mark.parametrize("old, new", sorted(SHIMS.items()))
def test_an_old_import_path_gives_the_same_objects_without_a_warning(old: str, new: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shim = importlib.import_module(old)
    moved = importlib.import_module(new)
    assert shim.__all__ == moved.__all__
    for name in moved.__all__:
        assert getattr(shim, name) is getattr(moved, name), name
    assert shim.__doc__ is not None and new in shim.__doc__  # it says where the code is now


def test_nothing_imports_an_old_path_but_its_shim() -> None:
    shims = {PACKAGE.joinpath(*old.split(".")[1:]).with_suffix(".py") for old in SHIMS}
    found = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in python_files()
        if path not in shims
        for line, name in imported_names(path)
        if name in SHIMS
    ]
    assert not found, "\n".join(found)


def import_graph() -> dict[str, set[str]]:
    """policykit's modules -> the policykit modules each imports, anywhere in it.

    `from a import b` is an edge to the module a.b when b is a module, else to a: importing
    a submodule from its package is not a dependency on all that the package re-exports."""
    modules = {module_name(path): path for path in python_files() if path.is_relative_to(PACKAGE)}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)] if node.level else []
                origin = ".".join([*base, *([node.module] if node.module else [])])
                submodules = {f"{origin}.{alias.name}" for alias in node.names} & modules.keys()
                targets.update(submodules)
                if len(submodules) < len(node.names):
                    targets.add(origin)
        graph[name] = (targets & modules.keys()) - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module, each sorted (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while (top := stack.pop()) != node:
                component.append(top)
            component.append(node)
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


# Import cycles that exist and are too big to break in passing. Each is named here, with
# why; a new cycle, or one of these growing, fails the test.
KNOWN_CYCLES: list[list[str]] = []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_policykit_has_no_import_cycle_but_the_known_ones() -> None:
    graph = import_graph()
    assert "policykit.render.pdf_large" in graph["policykit.render.pdf"]  # the graph sees imports
    assert cycles(graph) == KNOWN_CYCLES


# A module longer than this says why it is one module, in a sentence of its docstring
# that starts with WHY_ONE_MODULE; or it is split.
LONG_MODULE = 400
WHY_ONE_MODULE = "One module because "
# Modules that are long and do not yet say why; each is to be split.
TO_SPLIT: dict[str, str] = {}


def test_every_long_module_says_why_it_is_one() -> None:
    long = {
        path.relative_to(ROOT).as_posix(): path
        for path in python_files()
        if path.is_relative_to(PACKAGE) and len(path.read_text(encoding="utf-8").splitlines()) > LONG_MODULE
    }
    silent = [
        name
        for name, path in sorted(long.items())
        if name not in TO_SPLIT
        and WHY_ONE_MODULE not in (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "")
    ]
    assert not silent, f"over {LONG_MODULE} lines, with no '{WHY_ONE_MODULE}...' in the docstring: {silent}"
    assert set(TO_SPLIT) <= set(long), "a module listed TO_SPLIT is now short: remove it from the list"
