"""The release as .github/workflows/release.yml makes it: an sdist, a wheel built from that
sdist (so the sdist is complete), both passing `twine check --strict`, and the wheel
installed on its own answering `check` and `render` from a folder outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import policykit
from conftest import ROOT


def _run(*command: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)


def test_sdist_and_wheel_pass_twine_and_the_wheel_works_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = _run(sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(dist), cwd=ROOT)
    assert built.returncode == 0, built.stderr
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    (source,) = (tmp_path / "unpacked").iterdir()
    built = _run(sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(dist), cwd=source)
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("*.whl")
    assert wheel.name == f"policykit_cookies-{policykit.__version__}-py3-none-any.whl"

    checked = _run(sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2, checked.stdout

    site = tmp_path / "site-packages"
    installed = _run(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target",
                     str(site), str(wheel), cwd=tmp_path)  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    outside = tmp_path / "outside"
    outside.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"}
    checked = _run(sys.executable, "-m", "policykit", "check", "-q", cwd=outside, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    rendered = _run(sys.executable, "-m", "policykit", "render", "-q", "--format", "html", "-o", "smoke.html",
                    cwd=outside, env=env)  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr
    assert "<html" in (outside / "smoke.html").read_text(encoding="utf-8")
    assert sorted(path.name for path in outside.iterdir()) == ["smoke.html"]


def test_the_release_workflow_builds_checks_and_smoke_tests_before_it_publishes() -> None:
    from ruamel.yaml import YAML

    workflow = YAML(typ="safe").load((ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))
    build = "\n".join(step.get("run", "") for step in workflow["jobs"]["build"]["steps"])
    assert "python -m build" in build and "twine check --strict dist/*" in build
    assert 'policykit" check' in build and "render -q --format html" in build
    publish = workflow["jobs"]["publish"]
    assert publish["needs"] == "build" and publish["permissions"] == {"id-token": "write"}
    assert publish["if"] == "startsWith(github.ref, 'refs/tags/v')"
