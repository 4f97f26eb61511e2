"""The API reference: pdoc builds it from the docstrings with the command docs/api.md
gives, without a warning and without a link that leads nowhere, and it documents the
public API: load, check, render, build_site, catalogue.match, the exports and every
public error."""

from __future__ import annotations

import html
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import policykit.errors
from conftest import ROOT
from policykit.exports import FORMATS

_BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)
_HREF = re.compile(r'<a [^>]*?href="([^"]*)"')
_ID = re.compile(r'\sid="([^"]*)"')
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def documented_command() -> list[str]:
    """The arguments of the `pdoc -o docs/api ...` command in docs/api.md."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    [command] = [block for block in _BLOCK.findall(text) if block.startswith("pdoc ")]
    words = shlex.split(command.replace("\\\n", " "))
    assert words[:3] == ["pdoc", "-o", "docs/api"], words
    return words[3:]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("api")
    done = subprocess.run(
        [sys.executable, "-m", "pdoc", "-o", str(out), *documented_command()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr  # pdoc warns on stderr: a name of __all__ that does not resolve, ...
    return out


def page(reference: Path, module: str) -> str:
    path = reference.joinpath(*module.split(".")).with_suffix(".html")
    assert path.is_file(), f"no page for {module}"
    return path.read_text(encoding="utf-8")


def ids(text: str) -> set[str]:
    return set(_ID.findall(text))


def text_of(markup: str) -> str:
    """What a reader sees of `markup`: no tags, entities read, spaces folded."""
    inline = re.sub(r"</?(?:code|em|strong|a)\b[^>]*>", "", _SCRIPT.sub("", markup))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def first_line(obj: object) -> str:
    """The first sentence of a docstring as pdoc shows it: Markdown's backticks gone."""
    doc = (obj.__doc__ or "").strip().split("\n\n")[0]
    line = " ".join(doc.replace("`", "").split()).split(". ")[0]
    assert line, f"{obj!r} has no docstring"
    return line


def test_the_command_documents_each_module_once() -> None:
    modules = documented_command()
    assert len(modules) == len(set(modules)) and modules[0] == "policykit"


def test_it_documents_load_check_render_and_dump(reference: Path) -> None:
    root = page(reference, "policykit")
    assert {"load", "loads", "dump", "check", "render", "Policy", "Finding", "PolicykitError"} <= ids(root)
    shown = text_of(root)
    for function in (policykit.load, policykit.loads, policykit.dump, policykit.check, policykit.render):
        assert first_line(function) in shown, function.__name__


def test_it_documents_build_site_and_catalogue_match(reference: Path) -> None:
    from policykit.build import build_site
    from policykit.catalogue import match

    assert "build_site" in ids(page(reference, "policykit.build"))
    assert first_line(build_site) in text_of(page(reference, "policykit.build"))
    catalogue = page(reference, "policykit.catalogue")
    assert {"match", "matches", "Catalogue", "Entry", "load_catalogue"} <= ids(catalogue)
    assert first_line(match) in text_of(catalogue)


def test_it_documents_every_export_format(reference: Path) -> None:
    assert {"export", "Export", "ExportFormat", "Options", "FORMATS"} <= ids(page(reference, "policykit.exports"))
    for name in FORMATS:
        module = name.replace("-", "_")
        assert f"export_{module}" in ids(page(reference, f"policykit.exports.{module}")), name
    assert {"catalogue", "catalogue_json", "catalogue_schema"} <= ids(page(reference, "policykit.exports.cookies_json"))


def test_it_documents_every_public_error(reference: Path) -> None:
    errors = page(reference, "policykit.errors")
    shown = text_of(errors)
    for name in policykit.errors.__all__:
        assert name in ids(errors), name
        assert first_line(getattr(policykit.errors, name)) in shown, name


def broken_links(folder: Path) -> list[str]:
    """Each link of the HTML pages under `folder` to a page or an anchor that is not there."""
    pages = {path: path.read_text(encoding="utf-8") for path in folder.rglob("*.html")}
    anchors = {path.resolve(): ids(text) for path, text in pages.items()}
    broken = []
    for path, text in sorted(pages.items()):
        for href in _HREF.findall(_SCRIPT.sub("", text)):  # the search script's `${url}` is no link
            if re.match(r"[a-z]+:", href) or href in ("", "#"):
                continue  # another site (pdoc.dev, a link of a docstring), or the page itself
            target, _, fragment = html.unescape(href).partition("#")
            resolved = (path.parent / target).resolve() if target else path.resolve()
            if resolved not in anchors or (fragment and fragment not in anchors[resolved]):
                broken.append(f"{path.relative_to(folder)}: {href}")
    return broken


def test_the_link_checker_finds_a_link_that_leads_nowhere(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.html").write_text(
        '<h1 id="top">A</h1><a href="../index.html#b">b</a><a href="#top">top</a><a href="https://pdoc.dev">pdoc</a>'
        '<a href="#gone">x</a><a href="../missing.html">y</a><a href="../index.html#nope">z</a>'
        '<script>a.innerHTML = `<a href="${url}">`</script>'
    )
    (tmp_path / "index.html").write_text('<p id="b">B</p><a href="pkg/a.html#top">a</a>')
    assert broken_links(tmp_path) == [
        "pkg/a.html: #gone",
        "pkg/a.html: ../missing.html",
        "pkg/a.html: ../index.html#nope",
    ]


def test_no_link_of_the_reference_leads_nowhere(reference: Path) -> None:
    assert len(list(reference.rglob("*.html"))) > len(documented_command())  # every module, and the index
    assert broken_links(reference) == []
