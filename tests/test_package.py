"""The package as users get it: public surface, wheel contents, start-up imports."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import policykit
from conftest import ROOT

DISTRIBUTION = "policykit-cookies"  # `policykit` on PyPI is someone else's (Open Policy Agent tooling)

PUBLIC = {
    "Article", "Category", "Controller", "Cookie", "CookieTable", "Duration", "Finding", "ItemList", "Lifetime",
    "LoadError", "Meta", "Paragraph", "Party", "Persistence", "Policy", "Ref", "RefField", "Role", "Safeguard",
    "Section", "Severity", "Storage", "Transfer", "Unit", "__version__", "check", "dump", "load", "loads", "render",
    "CatalogError", "PolicykitError", "ProjectError", "RenderError", "TranslationError", "TranslationWarning",
    "UnknownLocaleError", "UnknownRuleError",
}  # fmt: skip


def test_public_surface_is_exactly_all() -> None:
    # Growing the API is a decision: update this set on purpose.
    assert set(policykit.__all__) == PUBLIC
    assert all(hasattr(policykit, name) for name in policykit.__all__)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(folder)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    (built,) = folder.glob("*.whl")
    return built


def test_wheel_carries_data_and_locales(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "policykit/_data/policy.yaml" in names
    assert "policykit/_data/examples/seed-2021.yaml" in names
    assert "policykit/_data/policy.schema.json" in names
    assert "policykit/_locales/nl/LC_MESSAGES/policy.po" in names
    assert "policykit/_locales/policy.pot" in names
    assert "policykit/i18n/catalogs/ar/LC_MESSAGES/policykit.po" in names
    assert "policykit/render/templates/page.html.j2" in names
    assert "policykit/render/css/print.css" in names
    assert "policykit/render/js/policykit-declaration.js" in names  # build writes it into the site
    entry_points = zipfile.ZipFile(wheel).read(
        f"{wheel.name.split('-')[0]}-{policykit.__version__}.dist-info/entry_points.txt"
    )
    assert b"policykit = policykit.cli:main" in entry_points
    assert b"[babel.extractors]\npolicykit = policykit.i18n.messages:babel_extract" in entry_points


def test_wheel_is_typed_licensed_and_holds_nothing_else(wheel: Path) -> None:
    assert wheel.name == f"policykit_cookies-{policykit.__version__}-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    info = f"policykit_cookies-{policykit.__version__}.dist-info"
    for required in ("policykit/py.typed", f"{info}/licenses/LICENSE", "policykit/_data/policy.yaml",
                     "policykit/_locales/policy.pot", "policykit/__init__.py"):  # fmt: skip
        assert required in names, required
    assert not [name for name in names if name.startswith("tests/") or "/tests/" in name]
    assert not [name for name in names if "__pycache__" in name or name.endswith((".pyc", ".pyo"))]
    assert {name.split("/")[0] for name in names} == {"policykit", info}
    licence = zipfile.ZipFile(wheel).read(f"{info}/licenses/LICENSE").decode()
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    assert "END OF TERMS AND CONDITIONS" in licence and len(licence) > 10_000  # the full text
    metadata = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()
    headers = [line for line in metadata.split("\n\n")[0].splitlines()]
    assert f"Name: {DISTRIBUTION}" in headers
    # The wheel ships the OFL fonts the PDF embeds: their licence is named and carried ...
    assert "License-Expression: Apache-2.0 AND OFL-1.1 AND BSD-3-Clause" in headers
    assert "License-File: LICENSE" in headers
    assert "License-File: policykit/render/fonts/OFL.txt" in headers
    fonts = zipfile.ZipFile(wheel).read(f"{info}/licenses/policykit/render/fonts/OFL.txt").decode()
    assert "SIL OPEN FONT LICENSE Version 1.1" in fonts
    # ... and py3langid's language model (PK330), with its BSD licence.
    assert "License-File: policykit/rules/language_model/LICENSE" in headers
    model = zipfile.ZipFile(wheel).read(f"{info}/licenses/policykit/rules/language_model/LICENSE").decode()
    assert "BSD 3-Clause License" in model and "Marco Lui" in model
    assert "policykit/rules/language_model/model.pklid" in zipfile.ZipFile(wheel).namelist()
    assert "Classifier: Typing :: Typed" in headers
    assert "Classifier: Programming Language :: Python :: 3.11" in headers
    assert any(
        line.startswith("Project-URL: Homepage, https://pypi.org/project/policykit-cookies/") for line in headers
    )
    # Development tools are a dependency group, not something users install.
    assert not [line for line in headers if line.startswith("Requires-Dist: ruff")]


def test_a_script_typed_against_the_installed_package_passes_mypy_strict(wheel: Path, tmp_path: Path) -> None:
    import os

    site = tmp_path / "site-packages"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(site), str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    script = tmp_path / "user" / "report.py"
    script.parent.mkdir()
    script.write_text(
        "from policykit import Finding, Policy, load\n\n\n"
        "def names(path: str) -> list[str]:\n"
        "    policy: Policy = load(path)\n"
        "    return [cookie.id for cookie in policy.cookies]\n\n\n"
        "def codes(findings: list[Finding]) -> set[str]:\n"
        "    return {finding.code for finding in findings}\n",
        encoding="utf-8",
    )
    wrong = script.with_name("wrong.py")
    wrong.write_text("import policykit\n\ncount: int = policykit.load('p.yaml')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(site), "MYPY_CACHE_DIR": str(tmp_path / "cache")}

    def mypy(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", path.name],
                              cwd=path.parent, env=env, capture_output=True, text=True)  # fmt: skip

    done = mypy(script)
    assert done.returncode == 0, done.stdout
    assert "missing library stubs or py.typed marker" not in done.stdout
    # The types are real, not Any: a wrong annotation is caught.
    done = mypy(wrong)
    assert done.returncode == 1 and 'expression has type "Policy", variable has type "int"' in done.stdout


def test_start_up_never_imports_weasyprint() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "policykit", "check", str(ROOT / "data" / "policy.yaml")],
        capture_output=True, text=True,
    )  # fmt: skip
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert "policykit" in imported
    assert "weasyprint" not in imported


def _tree_hash(folder: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if "__pycache__" in path.parts:
            continue  # the interpreter's own cache, not policykit's doing
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_no_command_writes_inside_the_installed_package(tmp_path: Path) -> None:
    import os
    import shutil

    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path / "dist")],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    site = tmp_path / "site-packages"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(site), str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    installed = site / "policykit"
    before = _tree_hash(installed)
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"}
    empty, project = tmp_path / "empty", tmp_path / "project"
    empty.mkdir()
    project.mkdir()
    shutil.copytree(installed / "_data", project / "data")
    shutil.copytree(installed / "_locales", project / "locales")
    commands = [
        ["check"], ["rules"], ["schema"], ["dump"], ["render"], ["build"],
        ["i18n", "extract"], ["i18n", "update"], ["i18n", "update", "--locale", "es"], ["i18n", "stats"],
        ["i18n", "check"], ["i18n", "compile"], ["i18n", "extract", "--ui"], ["i18n", "update", "--ui"],
    ]  # fmt: skip
    for folder in (empty, project):
        for command in commands:
            done = subprocess.run(
                [sys.executable, "-m", "policykit", *command], cwd=folder, env=env, capture_output=True, text=True
            )
            assert "Traceback" not in done.stderr, (command, done.stderr)
            assert done.returncode in (0, 1, 2), (command, done.stderr)
    assert _tree_hash(installed) == before
    assert not (installed / "_locales" / "es").exists()
    assert (project / "locales" / "es" / "LC_MESSAGES" / "policy.po").is_file()  # the user's project got it
    assert (empty / "site" / "index.html").is_file()  # the bundled example, built where the user is
    assert sorted(p.name for p in empty.iterdir()) == ["site"]  # and nothing else
