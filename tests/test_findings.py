"""The one Finding shape and its three printers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, POLICY, SEED, SHARED
from policykit.findings import (
    LOADER_CODES,
    Finding,
    RuleInfo,
    Severity,
    exit_code,
    format_github,
    format_json,
    format_sarif,
    format_text,
    sort_findings,
    terminal_safe,
)

LINK_ID = Finding(
    "PK101", Severity.ERROR, "persistent with no stated lifetime", "p.yaml", 42, 5, "cookies[WHMCSLinkID]"
)
NO_PLACE = Finding("PK002", Severity.WARNING, "file is empty", "e.yaml")


def test_text_line_names_file_line_column_severity_code_and_path() -> None:
    assert LINK_ID.to_text() == "p.yaml:42:5: error PK101 cookies[WHMCSLinkID]: persistent with no stated lifetime"
    assert NO_PLACE.to_text() == "e.yaml: warning PK002 file is empty"
    assert format_text([LINK_ID, NO_PLACE]).splitlines() == [LINK_ID.to_text(), NO_PLACE.to_text()]


def test_json_has_a_findings_list_with_every_key() -> None:
    document = json.loads(format_json([LINK_ID]))
    assert document["findings"] == [
        {
            "code": "PK101",
            "severity": "error",
            "message": "persistent with no stated lifetime",
            "file": "p.yaml",
            "line": 42,
            "column": 5,
            "path": "cookies[WHMCSLinkID]",
        }
    ]


def test_sarif_results_point_at_rules_and_lines() -> None:
    rules = [RuleInfo("PK101", "Persistent cookie without a lifetime", Severity.ERROR, "GDPR Art. 13(2)(a)")]
    log = json.loads(format_sarif([LINK_ID, NO_PLACE], rules, "0.1.0"))
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    # The rules given, then the loader codes that occur, described in full.
    assert ids == ["PK101", "PK002"]
    assert run["tool"]["driver"]["rules"][1]["shortDescription"]["text"] == "The file is not valid YAML or JSON"
    first, second = run["results"]
    assert first["ruleId"] == "PK101" and ids[first["ruleIndex"]] == "PK101"
    assert first["locations"][0]["physicalLocation"]["region"]["startLine"] == 42
    assert second["level"] == "warning"
    # SARIF lines start at 1: a finding without a place still gets a valid region.
    assert second["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_exit_code_is_one_only_for_errors() -> None:
    assert exit_code([]) == 0
    assert exit_code([NO_PLACE]) == 0
    assert exit_code([NO_PLACE, LINK_ID]) == 1


def test_findings_sort_by_place() -> None:
    later = Finding("PK001", Severity.INFO, "x", "p.yaml", 50, 1)
    assert sort_findings([later, LINK_ID, NO_PLACE]) == [NO_PLACE, LINK_ID, later]


AUDIT = FIXTURES / "audit"
HOSTILE = Finding(
    "PK204", Severity.ERROR, "cookie '\x1b]0;owned\x07' is never named", "seed #1.yaml", 3, 7, "cookies[\x1b[2J\u202e]"
)


def test_text_escapes_controls_and_bidi_from_the_input() -> None:
    line = HOSTILE.to_text()
    assert line == (
        "seed #1.yaml:3:7: error PK204 cookies[\\x1b[2J\\u202e]: cookie '\\x1b]0;owned\\x07' is never named"
    )
    assert all(ch.isprintable() for ch in line)
    assert terminal_safe("tab\there\x9b\u2066") == "tab\\x09here\\x9b\\u2066"
    assert terminal_safe("naïve café — ok") == "naïve café — ok"  # printable text stays as written
    # Invisible characters would make two different names print alike.
    assert terminal_safe("_ga\u200b \u2060x\ufeff") == "_ga\\u200b \\u2060x\\ufeff"


def test_json_and_sarif_keep_strings_exactly() -> None:
    assert json.loads(format_json([HOSTILE]))["findings"][0]["path"] == HOSTILE.path
    result = json.loads(format_sarif([HOSTILE], [], "0"))["runs"][0]["results"][0]
    assert result["message"]["text"] == f"{HOSTILE.path}: {HOSTILE.message}"


def test_github_annotations_escape_as_workflow_commands_require() -> None:
    odd = Finding("PK301", Severity.WARNING, "50% done\nnext, line", "a,b:c.yaml", 2, 0, "")
    assert format_github([LINK_ID, NO_PLACE, odd]).splitlines() == [
        "::error file=p.yaml,line=42,col=5,title=PK101::cookies[WHMCSLinkID]: persistent with no stated lifetime",
        "::warning file=e.yaml,title=PK002::file is empty",
        "::warning file=a%2Cb%3Ac.yaml,line=2,col=1,title=PK301::50%25 done%0Anext, line",
    ]
    assert "\x1b" not in format_github([HOSTILE])


def test_sarif_uris_are_percent_encoded_and_every_code_is_described() -> None:
    loader = [Finding(rule.code, Severity.ERROR, "x", "p.yaml") for rule in LOADER_CODES]
    odd = Finding("PK777", Severity.INFO, "x", "/tmp/a b.yaml")
    log = json.loads(format_sarif([HOSTILE, odd, *loader], [], "0"))
    first, second = (r["locations"][0]["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"][:2])
    assert first == {"uri": "seed%20%231.yaml", "uriBaseId": "%SRCROOT%"}
    assert second == {"uri": "file:///tmp/a%20b.yaml"}
    descriptors = {d["id"]: d for d in log["runs"][0]["tool"]["driver"]["rules"]}
    assert [code for code in (f"PK00{n}" for n in range(1, 10)) if code not in descriptors] == []
    assert all(descriptors[rule.code]["fullDescription"]["text"] == rule.why for rule in LOADER_CODES)
    # No docs address configured: no helpUri (SARIF's uri is absolute), the help in Markdown.
    assert not any("helpUri" in d for d in descriptors.values())
    assert "`docs/format.md#loader-findings`" in descriptors["PK001"]["help"]["markdown"]
    assert descriptors["PK204"]["help"]["markdown"].startswith("**PK204**: ")
    docs = "https://github.com/example/site/blob/main/"
    with_docs = json.loads(format_sarif([HOSTILE, odd, *loader], [], "0", docs_url=docs))
    uris = {d["id"]: d["helpUri"] for d in with_docs["runs"][0]["tool"]["driver"]["rules"]}
    assert uris["PK001"] == docs + "docs/format.md#loader-findings" and uris["PK204"] == docs + "docs/rules.md#pk204"
    assert log["runs"][0]["tool"]["driver"]["informationUri"] == "https://pypi.org/project/policykit-cookies/"


def test_help_uris_point_at_headings_that_exist() -> None:
    from conftest import ROOT
    from policykit.findings import help_uri
    from policykit.i18n.checks import TRANSLATION_CHECKS
    from policykit.rules import RULES

    def anchors(doc: str) -> set[str]:
        # GitHub's heading anchors: lowercase, spaces to dashes, punctuation dropped.
        text = (ROOT / doc).read_text(encoding="utf-8")
        headings = [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")]
        return {"".join(c for c in h.lower().replace(" ", "-") if c.isalnum() or c in "-_") for h in headings}

    from policykit.audit.checks import AUDIT_CHECKS

    every = [rule.code for rule in RULES] + [rule.code for rule in (*TRANSLATION_CHECKS, *LOADER_CODES, *AUDIT_CHECKS)]
    for code in [*every, "PK801", "PK802", "PK803"]:
        doc, anchor = help_uri(code).split("#")
        assert anchor in anchors(doc), code


def _sarif_schema() -> dict[str, Any]:
    path = SHARED / "specs" / "sarif-schema-2.1.0.json"
    if not SHARED.is_dir():
        pytest.skip("../shared (the OASIS SARIF schema) is not beside this checkout")
    result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return result


def _policykit(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "policykit", *args], cwd=cwd, env=env, input=stdin, capture_output=True, text=True
    )


def test_every_sarif_output_validates_against_the_oasis_schema(tmp_path: Path) -> None:
    import jsonschema

    schema = _sarif_schema()
    validator = jsonschema.Draft4Validator(schema)
    odd = tmp_path / "seed #1.yaml"
    odd.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    broken = tmp_path / "broken ü.yaml"
    broken.write_text("meta:\n\ttitle: x\n", encoding="utf-8")
    shutil.copy(AUDIT / "local-policy.yaml", odd)
    runs = [
        ("check", "--output-format", "sarif", "seed #1.yaml"),
        ("check", "--output-format", "sarif", str(odd)),
        ("check", "--output-format", "sarif", "broken ü.yaml"),
        ("check", "--format", "sarif", "seed #1.yaml", str(POLICY)),
        ("i18n", "check", "--format", "sarif"),
        ("audit", "seed #1.yaml", "--har", str(AUDIT / "violations.har"), "--format", "sarif"),
    ]
    for args in runs:
        done = _policykit(*args, cwd=tmp_path if args[0] != "i18n" else POLICY.parent.parent)
        assert done.returncode in (0, 1, 2), (args, done.stderr)
        log = json.loads(done.stdout)
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
        assert errors == [], args
        uris = {
            loc["physicalLocation"]["artifactLocation"]["uri"]
            for run in log["runs"]
            for result in run["results"]
            for loc in result["locations"]
        }
        assert not any(" " in uri or "#" in uri for uri in uris), uris
        described = {d["id"] for run in log["runs"] for d in run["tool"]["driver"]["rules"]}
        codes = {result["ruleId"] for run in log["runs"] for result in run["results"]}
        assert codes <= described


def test_loader_codes_are_documented_in_the_format_reference() -> None:
    from conftest import ROOT

    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    for rule in LOADER_CODES:
        assert f"| {rule.code} | {rule.summary} |" in text


# --- the check command as a linter -------------------------------------------------


def test_check_takes_several_paths_and_globs_and_exits_with_the_worst(tmp_path: Path) -> None:
    from conftest import ROOT

    done = _policykit("check", "data/policy.yaml", "data/examples/seed-2021.yaml", cwd=ROOT)
    assert done.returncode == 1
    assert "data/policy.yaml: 0 errors" in done.stderr and "data/examples/seed-2021.yaml: 17 errors" in done.stderr
    (tmp_path / "bad.yaml").write_text("meta: [\n", encoding="utf-8")
    (tmp_path / "good.yaml").write_text(POLICY.read_text(encoding="utf-8"), encoding="utf-8")
    done = _policykit("check", "*.yaml", cwd=tmp_path)
    assert done.returncode == 2  # an unusable file is worse than findings
    assert "bad.yaml:2:1: error PK002" in done.stderr and "good.yaml: 0 errors" in done.stderr
    assert _policykit("check", "good.yaml", "good.yaml", cwd=tmp_path).stderr.count("good.yaml: 0 errors") == 1


def test_check_reads_stdin_and_names_it_by_stdin_filename(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    done = _policykit("check", "-", cwd=tmp_path, stdin=text)
    assert done.returncode == 1 and done.stdout.startswith("<stdin>:")
    done = _policykit("check", "-", "--stdin-filename", "legacy/seed.yaml", "--output-format", "github",
                      cwd=tmp_path, stdin=text)  # fmt: skip
    assert done.returncode == 1
    assert done.stdout.startswith("::error file=legacy/seed.yaml,line=18,col=5,title=PK350::")
    assert "::warning file=legacy/seed.yaml,line=18,col=5,title=PK403::" in done.stdout
    assert _policykit("check", "-", cwd=tmp_path, stdin="meta: [\n").returncode == 2


def test_per_file_ignores_apply_as_ruff_applies_them(tmp_path: Path) -> None:
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "seed.yaml").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "seed.yaml").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "policykit.toml").write_text(
        'policy = "seed.yaml"\n[per-file-ignores]\n"legacy/*.yaml" = ["PK2", "PK3", "PK4"]\n', encoding="utf-8"
    )

    def found(name: str) -> set[str]:
        report = json.loads(_policykit("check", "--format", "json", name, cwd=tmp_path).stdout)
        return {finding["code"] for finding in report["findings"]}

    codes = {name: found(name) for name in ("seed.yaml", "legacy/seed.yaml")}
    assert any(code.startswith("PK2") for code in codes["seed.yaml"])
    legacy = json.loads(_policykit("check", "--format", "json", "legacy/seed.yaml", cwd=tmp_path).stdout)
    assert legacy["findings"] and not any(f["code"][:3] in ("PK2", "PK3", "PK4") for f in legacy["findings"])
    (tmp_path / "policykit.toml").write_text('[per-file-ignores]\n"x" = "PK2"\n"y" = 3\n', encoding="utf-8")
    done = _policykit("check", "seed.yaml", cwd=tmp_path)
    assert done.returncode == 2 and "policykit.toml:3:" in done.stderr and "Traceback" not in done.stderr


def test_an_internal_error_exits_70_with_one_line_and_the_traceback_only_with_debug(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib

    from policykit.cli import EXIT_INTERNAL_ERROR, main

    def broken(*args: object) -> None:
        raise RuntimeError("boom \x1b[2J")

    monkeypatch.setattr(importlib.import_module("policykit.cli.check"), "_check_one", broken)
    assert EXIT_INTERNAL_ERROR == 70
    assert main(["check", str(POLICY)]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error (RuntimeError: boom \\x1b[2J), a bug in policykit" in err
    assert "Traceback" not in err and "--debug" in err
    assert main(["--debug", "check", str(POLICY)]) == 70
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_shell_completion_works_as_documented() -> None:
    env = {**os.environ, "_POLICYKIT_COMPLETE": "bash_source"}
    done = subprocess.run([sys.executable, "-m", "policykit"], env=env, capture_output=True, text=True)
    assert "_POLICYKIT_COMPLETE=bash_complete" in done.stdout
