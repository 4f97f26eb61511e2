from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
POLICY = ROOT / "data" / "policy.yaml"
SEED = ROOT / "data" / "examples" / "seed-2021.yaml"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def minimal_text() -> str:
    return (FIXTURES / "load" / "minimal.yaml").read_text(encoding="utf-8")
