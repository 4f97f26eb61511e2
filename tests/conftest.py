from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# Timings belong in the benchmarks, not in the tests: on a shared 2-core machine a first
# example that takes 380 ms (imports, a cold cache) is not a failure. Hypothesis's 200 ms
# deadline is off for every test; each test still bounds its examples with max_examples.
settings.register_profile("policykit", deadline=None)
settings.load_profile("policykit")

ROOT = Path(__file__).resolve().parent.parent

# The install without the `pdf` extra passes every test that does not need it: .ci/run
# runs `POLICYKIT_WITHOUT_PDF=1 python -m pytest -m "not pdf"` in an environment that has
# the `test-base` extra only. The modules that import the PDF's libraries are left out
# here (each is marked pdf too); every other test that needs the extra is marked pdf.
WITHOUT_PDF = os.environ.get("POLICYKIT_WITHOUT_PDF") == "1"
collect_ignore = (
    ["test_render_pdf.py", "test_pdf_large.py", "test_pdf_typesetting.py", "test_diff_redline.py"]
    if WITHOUT_PDF
    else []
)
if WITHOUT_PDF and any(importlib.util.find_spec(name) for name in ("weasyprint", "pikepdf")):
    raise pytest.UsageError("POLICYKIT_WITHOUT_PDF=1, but the pdf extra is installed: the run would prove nothing")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
POLICY = ROOT / "data" / "policy.yaml"
SEED = ROOT / "data" / "examples" / "seed-2021.yaml"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def minimal_text() -> str:
    return (FIXTURES / "load" / "minimal.yaml").read_text(encoding="utf-8")


def copy_project(folder: Path) -> Path:
    """This repository's project files copied into `folder`: what a user has after a checkout."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "data", folder / "data")
    shutil.copytree(ROOT / "locales", folder / "locales")
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    return folder


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of this repository's project files, in its own folder."""
    return copy_project(tmp_path / "repo")
