"""policykit where linters live: the pre-commit hooks, run by pre-commit itself against a
temporary repository, and the composite GitHub Action's structure (no test can run
GitHub)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from tools import require

from conftest import POLICY, ROOT, SEED


def _yaml(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def test_hooks_are_declared_with_the_right_pass_filenames() -> None:
    import re

    hooks = {hook["id"]: hook for hook in _yaml(ROOT / ".pre-commit-hooks.yaml")}
    assert set(hooks) == {"policykit-check", "policykit-i18n-check"}
    for hook in hooks.values():
        assert {"id", "name", "entry", "language", "files"} <= set(hook)
        assert hook["language"] == "python" and hook["entry"].startswith("policykit ")
    assert hooks["policykit-check"]["pass_filenames"] is True  # check takes several paths
    assert hooks["policykit-i18n-check"]["pass_filenames"] is False  # checks the project as a whole
    policy_files = re.compile(hooks["policykit-check"]["files"])
    skipped = re.compile(hooks["policykit-check"]["exclude"])
    for name in ("policy.yaml", "data/policy.yaml", "site/cookie-policy.yml", "legacy/policy-2021.json"):
        assert policy_files.search(name) and not skipped.search(name), name
    for name in ("data/policy.schema.json", "mkdocs.yml", "locales/nl/LC_MESSAGES/policy.po"):
        assert not policy_files.search(name) or skipped.search(name), name
    assert re.compile(hooks["policykit-i18n-check"]["files"]).search("locales/nl/LC_MESSAGES/policy.po")


def test_action_is_a_composite_action_that_uploads_sarif() -> None:
    action = _yaml(ROOT / "action.yml")
    assert {"name", "description", "inputs", "outputs", "runs"} <= set(action)
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    for step in steps:
        assert ("uses" in step) != ("run" in step), step
        if "run" in step:
            assert step["shell"] == "bash", step  # composite steps must name their shell
            # Inputs reach scripts through env only, never spliced into the script.
            assert "${{" not in step["run"], step
    uses = [step["uses"] for step in steps if "uses" in step]
    assert "github/codeql-action/upload-sarif@v4" in uses
    check = next(step for step in steps if step.get("id") == "check")
    # policykit runs once: annotations and the SARIF log from the same findings.
    assert check["run"].count("policykit check") == 1 and '--sarif "$SARIF_FILE"' in check["run"]
    # An upload that cannot be made (a fork's pull request, no code scanning) says why and goes on.
    upload = next(step for step in steps if step.get("id") == "upload")
    assert upload["continue-on-error"] is True
    assert any("upload.outcome == 'failure'" in str(step.get("if")) for step in steps)
    for name, spec in action["inputs"].items():
        assert "description" in spec and "default" in spec, name
    referenced = {part.split("}}")[0].strip() for part in str(action).split("${{")[1:]}
    for reference in referenced:
        if reference.startswith("inputs."):
            assert reference.removeprefix("inputs.").split()[0] in action["inputs"], reference


def _git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A clone of this checkout at HEAD: what pre-commit installs the hooks from."""
    require(shutil.which("git") is not None, "git")
    require(shutil.which("pre-commit") is not None or _has_module("pre_commit"), "pre-commit (the test extra)")
    clone = tmp_path_factory.mktemp("hooks") / "policykit"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, capture_output=True)
    return clone, _git("rev-parse", "HEAD", cwd=clone).strip()


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _pre_commit(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--show-diff-on-failure"],
        cwd=project, env=env, capture_output=True, text=True,
    )  # fmt: skip


def test_pre_commit_runs_the_hook_and_fails_on_the_seed(
    hooks_repo: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    clone, sha = hooks_repo
    home = tmp_path_factory.mktemp("pre-commit-home")  # one hook environment for both runs
    project = tmp_path_factory.mktemp("project")
    _git("init", "--quiet", cwd=project)
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {clone.as_posix()}\n    rev: {sha}\n    hooks:\n      - id: policykit-check\n",
        encoding="utf-8",
    )
    (project / "policy.yaml").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    _git("add", ".", cwd=project)
    done = _pre_commit(project, home)
    if "An unexpected error has occurred" in done.stdout + done.stderr or "CalledProcessError" in done.stdout:
        # pre-commit could not build the hook's environment (pip needs PyPI).
        require(False, f"pre-commit's hook environment (pip install from PyPI):\n{done.stdout[-2000:]}")
    assert done.returncode == 1, done.stdout
    assert "policykit check" in done.stdout and "Failed" in done.stdout
    assert "policy.yaml:" in done.stdout and "error PK205" in done.stdout

    (project / "policy.yaml").write_text(POLICY.read_text(encoding="utf-8"), encoding="utf-8")
    _git("add", ".", cwd=project)
    done = _pre_commit(project, home)
    assert done.returncode == 0, done.stdout
    assert "Passed" in done.stdout


def _action_check(project: Path, tmp_path: Path) -> tuple[int, str, str, str]:
    """The action's check step run as GitHub runs it, with its default inputs, in `project`:
    (exit code, the SARIF file, stdout, stderr)."""
    require(shutil.which("bash") is not None, "bash")
    action = _yaml(ROOT / "action.yml")
    script = next(step for step in action["runs"]["steps"] if step.get("id") == "check")["run"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "policykit"  # the console script `pip install` would give
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m policykit "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PATHS": "", "ARGS": "",
           "SARIF_FILE": str(tmp_path / "policykit.sarif"), "GITHUB_OUTPUT": str(tmp_path / "github-output"),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}  # fmt: skip
    done = subprocess.run(["bash", "-e", "-c", script], cwd=project, env=env, capture_output=True, text=True)
    sarif = (tmp_path / "policykit.sarif").read_text(encoding="utf-8")
    return done.returncode, sarif, done.stdout, done.stderr


@pytest.mark.parametrize("key", ["policy", "locales", "output"])
def test_the_action_on_a_configuration_that_points_outside_fails_without_quoting_it(tmp_path: Path, key: str) -> None:
    secret = "machine github.com login ci-bot password ghp_" + "s3cr3t" * 40
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "credentials.txt").write_text(secret, encoding="utf-8")
    project = tmp_path / "pr"
    project.mkdir()
    (project / "policy.yaml").write_text(POLICY.read_text(encoding="utf-8"), encoding="utf-8")
    target = {"policy": "../secret/credentials.txt", "locales": "../secret", "output": "/etc"}[key]
    (project / "policykit.toml").write_text(f'{key} = "{target}"\n', encoding="utf-8")
    code, sarif, out, err = _action_check(project, tmp_path)
    assert code == 2, out + err
    assert "s3cr3t" not in sarif + out + err
    assert f"policykit.toml:1:1: {key}: {target!r} leads outside the project" in err


def test_the_action_checks_a_project_with_its_default_inputs(tmp_path: Path) -> None:
    project = tmp_path / "pr"
    project.mkdir()
    (project / "policy.yaml").write_text(POLICY.read_text(encoding="utf-8"), encoding="utf-8")
    code, sarif, out, err = _action_check(project, tmp_path)
    assert code == 0, out + err
    assert '"version": "2.1.0"' in sarif
    assert (tmp_path / "github-output").read_text(encoding="utf-8") == "exit-code=0\n"


def test_the_i18n_hook_passes_with_a_note_in_a_project_without_catalogues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from policykit.cli import main

    hook = next(h for h in _yaml(ROOT / ".pre-commit-hooks.yaml") if h["id"] == "policykit-i18n-check")
    (tmp_path / "policy.yaml").write_text(POLICY.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(hook["entry"].split()[1:])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "no catalogue in" in err and "nothing to check" in err
    (tmp_path / "locales").mkdir()  # an empty folder is no catalogue either
    assert main(hook["entry"].split()[1:]) == 0
