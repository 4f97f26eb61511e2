from __future__ import annotations

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
