"""Catalogue headers come from the policy, never Babel's placeholders; pybabel's mapping
reads only policy files, and the extractor skips any other YAML with a warning."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from tools import require

import policykit
from conftest import POLICY, ROOT
from policykit.i18n import catalogs
from policykit.load import load_with_source

PLACEHOLDERS = ("PROJECT", "VERSION", "FIRST AUTHOR", "EMAIL@ADDRESS", "ORGANIZATION", "LL@li.org", "2000-01-01")


def _written(catalog: Catalog, tmp_path: Path, name: str = "x.po") -> str:
    path = tmp_path / name
    catalogs.write_catalog(path, catalog)
    return path.read_text(encoding="utf-8")


def test_a_policy_template_is_headed_by_the_policy(tmp_path: Path) -> None:
    policy, source = load_with_source(POLICY)
    text = _written(catalogs.policy_template(policy, source, "../data/policy.yaml"), tmp_path)
    header = text.split("\n\n")[0]
    assert not [mark for mark in PLACEHOLDERS if mark in header], header
    assert f'"Project-Id-Version: {policy.meta.title} {policy.meta.version}\\n"' in header
    stamp = policy.meta.last_modified.strftime("%Y-%m-%d %H:%M%z")
    assert f'"POT-Creation-Date: {stamp}\\n"' in header
    assert f"Report-Msgid-Bugs-To: {policy.meta.controller.contact}" in header


def test_a_new_catalogue_and_an_old_one_lose_the_placeholders(tmp_path: Path) -> None:
    policy, source = load_with_source(POLICY)
    template = catalogs.policy_template(policy, source, "../data/policy.yaml")
    fresh = _written(catalogs.merge(template, None, "es"), tmp_path).split("\n\n")[0]
    assert not [mark for mark in PLACEHOLDERS if mark in fresh], fresh
    assert "Language-Team: Spanish, " in fresh and "Language: es" in fresh
    babel_made = (
        '# Translations template for PROJECT.\n# FIRST AUTHOR <EMAIL@ADDRESS>, 2000.\n#\nmsgid ""\nmsgstr ""\n'
        '"Project-Id-Version: PROJECT VERSION\\n"\n"Report-Msgid-Bugs-To: EMAIL@ADDRESS\\n"\n'
        '"POT-Creation-Date: 2000-01-01 00:00+0000\\n"\n"PO-Revision-Date: 2000-01-01 00:00+0000\\n"\n'
        '"Last-Translator: Ana <ana@example.com>\\n"\n"Language-Team: LANGUAGE <LL@li.org>\\n"\n"Language: es\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n'
    )
    old = read_po(io.BytesIO(babel_made.encode()), locale="es")
    merged = _written(catalogs.merge(template, old, "es"), tmp_path, "old.po").split("\n\n")[0]
    assert not [mark for mark in PLACEHOLDERS if mark in merged], merged
    assert "Last-Translator: Ana <ana@example.com>" in merged  # what a translator wrote stays


def test_committed_catalogues_have_real_headers_and_pass_msgfmt() -> None:
    files = sorted((ROOT / "locales").rglob("*.po")) + sorted((ROOT / "policykit" / "i18n" / "catalogs").rglob("*.po"))
    files += [ROOT / "locales" / "policy.pot", ROOT / "policykit" / "i18n" / "catalogs" / "policykit.pot"]
    for path in files:
        header = path.read_text(encoding="utf-8").split("\n\n")[0]
        assert not [mark for mark in PLACEHOLDERS if mark in header], path
    require(shutil.which("msgfmt") is not None, "msgfmt (gettext)")
    for path in files:
        if path.suffix == ".po":
            done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
            assert done.returncode == 0 and not done.stderr, (path, done.stderr)


def _pybabel(folder: Path, mapping: str) -> subprocess.CompletedProcess[str]:
    (folder / "babel.cfg").write_text(mapping, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-o", "messages.pot", "."],
        cwd=folder, capture_output=True, text=True,
    )  # fmt: skip


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    shutil.copy(POLICY, tmp_path / "data" / "policy.yaml")
    (tmp_path / "mkdocs.yml").write_text("site_name: Docs\nnav:\n  - index.md\n", encoding="utf-8")
    (tmp_path / "ci.yaml").write_text("on: [push]\njobs: {}\n", encoding="utf-8")
    return tmp_path


def test_pybabel_with_the_documented_mapping_reads_only_the_policy(site: Path) -> None:
    done = _pybabel(site, "[policykit: **/policy.yaml]\n")
    assert done.returncode == 0, done.stderr
    assert "mkdocs" not in done.stderr and "ci.yaml" not in done.stderr
    pot = (site / "messages.pot").read_text(encoding="utf-8")
    assert 'msgctxt "meta.title"' in pot and f'msgid "{policykit.load(POLICY).meta.title}"' in pot


def test_a_wide_mapping_skips_other_yaml_with_one_warning_each(site: Path) -> None:
    done = _pybabel(site, "[policykit: **.yaml]\n[policykit: **.yml]\n")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "not a policy file" in line]
    assert len(warnings) == 2 and all(": warning PK001 " in line for line in warnings), done.stderr
    assert 'msgctxt "meta.title"' in (site / "messages.pot").read_text(encoding="utf-8")
