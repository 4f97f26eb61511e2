"""SARIF as GitHub code scanning and the OASIS schema read it: validated by
check-jsonschema with format checking on (every `uri` an absolute URI, checked with
rfc3987), descriptions within GitHub's 1,024 characters, artifact URIs relative to
%SRCROOT% also when the policy is found rather than named, and one run giving both the
annotations and the SARIF log."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import SHARED, copy_project
from policykit.findings import DESCRIPTION_LIMIT

SCHEMA = SHARED / "specs" / "sarif-schema-2.1.0.json"


def _policykit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(Path(__file__).parent.parent)}
    return subprocess.run([sys.executable, "-m", "policykit", *args], cwd=cwd, env=env, capture_output=True, text=True)


def _check_jsonschema(log: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("check-jsonschema")
    if tool is None:
        pytest.skip("check-jsonschema is not installed (the test extra installs it)")
    pytest.importorskip("rfc3987")  # without it, check-jsonschema does not check the uri format
    if not SCHEMA.is_file():
        pytest.skip("../shared (the OASIS SARIF schema) is not beside this checkout")
    return subprocess.run([tool, "--schemafile", str(SCHEMA), str(log)], capture_output=True, text=True)


def _log(tmp_path: Path, *args: str) -> tuple[Path, dict[str, Any]]:
    project = copy_project(tmp_path / "project")
    done = _policykit("check", "--output-format", "sarif", *args, cwd=project)
    assert done.returncode in (0, 1), done.stderr
    path = tmp_path / "policykit.sarif"
    path.write_text(done.stdout, encoding="utf-8")
    return path, json.loads(done.stdout)


def test_sarif_of_the_found_policy_validates_with_format_checking(tmp_path: Path) -> None:
    path, log = _log(tmp_path)
    done = _check_jsonschema(path)
    assert done.returncode == 0, done.stdout + done.stderr
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules and all("helpUri" not in rule and rule["help"]["markdown"] for rule in rules)
    for rule in rules:
        assert len(rule["shortDescription"]["text"]) <= DESCRIPTION_LIMIT
        assert len(rule["fullDescription"]["text"]) <= DESCRIPTION_LIMIT
    locations = [
        loc["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"] for loc in r["locations"]
    ]
    assert locations and all(loc == {"uri": "data/policy.yaml", "uriBaseId": "%SRCROOT%"} for loc in locations)


def test_format_checking_refuses_a_relative_help_uri(tmp_path: Path) -> None:
    path, log = _log(tmp_path)
    log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "docs/rules.md#pk101"
    path.write_text(json.dumps(log), encoding="utf-8")
    assert _check_jsonschema(path).returncode != 0


def test_a_docs_address_gives_absolute_help_uris(tmp_path: Path) -> None:
    path, log = _log(tmp_path, "--docs-url", "https://github.com/example/site/blob/main/")
    assert _check_jsonschema(path).returncode == 0
    uris = [rule["helpUri"] for rule in log["runs"][0]["tool"]["driver"]["rules"]]
    assert uris and all(uri.startswith("https://github.com/example/site/blob/main/") for uri in uris)
    assert _policykit("check", "--docs-url", "docs/", cwd=tmp_path / "project").returncode == 2


def test_one_run_writes_the_annotations_and_the_sarif_log(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    seed = "data/examples/seed-2021.yaml"
    done = _policykit("check", "--output-format", "github", "--sarif", "out.sarif", seed, cwd=project)
    assert done.returncode == 1, done.stderr
    log = json.loads((project / "out.sarif").read_text(encoding="utf-8"))
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    shown = [result for result in log["runs"][0]["results"] if "suppressions" not in result]
    assert len(annotations) == len(shown) > 0
