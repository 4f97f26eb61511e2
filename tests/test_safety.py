"""What a reviewer broke, kept broken no more: locales that name paths, writes into the
installed package, output folders that do not exist, a full stdout, and templates that
reach outside their folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import POLICY, ROOT
from policykit import atomic, resources
from policykit.cli import main
from policykit.errors import UnknownLocaleError
from policykit.i18n.values import normalize_locale


@pytest.mark.parametrize("name", ["es.x/../../../../tmp/evil", "nl@x/../..", "../nl", "nl/../../x", "nl_XX", ""])
def test_a_locale_is_a_name_never_a_path(name: str) -> None:
    with pytest.raises(UnknownLocaleError):
        normalize_locale(name)


@pytest.mark.parametrize(("name", "normal"), [("nl", "nl"), ("pt-BR", "pt_BR"), ("zh_Hans_CN", "zh_Hans_CN")])
def test_real_locales_are_normalised(name: str, normal: str) -> None:
    assert normalize_locale(name) == normal


def test_update_refuses_a_locale_that_names_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copytree(ROOT / "locales", project / "locales")
    monkeypatch.chdir(project)
    assert main(["i18n", "update", "-q", "--locale", "es.x/../../../evil"]) == 2
    assert "is not a locale" in capsys.readouterr().err
    assert not (tmp_path / "evil").exists() and not list(project.glob("locales/es*"))


def test_nothing_is_written_inside_an_installed_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    installed = tmp_path / "site-packages" / "policykit"
    (installed / "_data").mkdir(parents=True)
    monkeypatch.setattr(resources, "package_dir", lambda: installed)
    with pytest.raises(PermissionError, match="installed policykit package"):
        atomic.write_atomic(installed / "_data" / "x.html", "x")
    assert main(["render", str(POLICY), "--format", "md", "-o", str(installed / "_data" / "p.md")]) == 2
    assert "installed policykit package" in capsys.readouterr().err
    assert main(["build", str(POLICY), "-o", str(installed / "_data" / "site"), "-q"]) == 2
    assert "installed policykit package" in capsys.readouterr().err
    assert list((installed / "_data").iterdir()) == []


def test_a_source_checkout_is_a_project_not_a_package(tmp_path: Path) -> None:
    # Here the package sits beside its pyproject.toml: `i18n update --ui` may write it.
    assert (resources.package_dir().parent / "pyproject.toml").is_file()
    atomic.refuse_package(resources.package_dir() / "i18n" / "catalogs" / "policykit.pot")  # no error


def test_output_into_a_missing_folder_creates_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "link").symlink_to(tmp_path / "nowhere" / "x.md")
    for target in (tmp_path / "typo" / "x.md", tmp_path / "link"):
        assert main(["render", str(POLICY), "--format", "md", "-o", str(target), "-q"]) == 2
        assert "no such folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_full_stdout_is_unusable_output_not_a_bug() -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "policykit", "check", str(POLICY), "--output-format", "sarif", "-q"],
            stdout=full, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip() == "policykit: cannot write to standard output: No space left on device"


@pytest.mark.parametrize("link", ["p.j2", "page.html.j2"])
def test_a_template_cannot_reach_outside_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], link: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret", encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / link).symlink_to(secret)
    if link != "page.html.j2":
        (templates / "page.html.j2").write_text("{% include 'p.j2' %}", encoding="utf-8")
    code = main(["render", str(POLICY), "--format", "html", "--templates", str(templates), "-q"])
    out, err = capsys.readouterr()
    assert code == 2 and "the secret" not in out
    assert f"{link} leads outside the templates folder" in err
