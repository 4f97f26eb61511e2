"""The package as users get it: public surface, wheel contents, start-up imports."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import policykit
from conftest import ROOT

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


def test_wheel_carries_data_and_locales(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "policykit/_data/policy.yaml" in names
    assert "policykit/_data/examples/seed-2021.yaml" in names
    assert "policykit/_data/policy.schema.json" in names
    assert "policykit/_locales/nl/LC_MESSAGES/policy.po" in names
    assert "policykit/_locales/policy.pot" in names
    assert "policykit/i18n/catalogs/ar/LC_MESSAGES/policykit.po" in names
    assert "policykit/render/templates/page.html.j2" in names
    assert "policykit/render/css/print.css" in names
    entry_points = zipfile.ZipFile(wheel).read(
        f"{wheel.name.split('-')[0]}-{policykit.__version__}.dist-info/entry_points.txt"
    )
    assert b"policykit = policykit.cli:main" in entry_points
    assert b"[babel.extractors]\npolicykit = policykit.i18n.messages:babel_extract" in entry_points


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
