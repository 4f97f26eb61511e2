"""The PDF is the `pdf` extra: without WeasyPrint or pikepdf, one line says what to install.

Here the libraries are installed; a test hides one (`sys.modules[name] = None` makes its
import fail, as in an installation without the extra). .ci/run also installs policykit
without the extra in a fresh environment and runs these commands for real.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import policykit
from conftest import POLICY, ROOT, copy_project
from policykit.cli import main
from policykit.errors import MissingExtraError
from policykit.render import pdf_missing

INSTALL = "pip install 'policykit-cookies[pdf]'"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(params=["weasyprint", "pikepdf"])
def without(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """One of the PDF's libraries, not importable."""
    name = str(request.param)
    monkeypatch.setitem(sys.modules, name, None)
    return name


def test_the_extras_in_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {requirement.split(">")[0].split("=")[0].split(";")[0].strip() for requirement in project["dependencies"]}
    assert not names & {"weasyprint", "pikepdf"}, "the PDF's libraries are the pdf extra, not for every user"
    pdf = project["optional-dependencies"]["pdf"]
    assert {r.split(">")[0] for r in pdf} >= {"weasyprint", "pikepdf"}
    # `pip install ".[test]"` (the README's test command, .ci/run) runs the PDF tests too.
    assert "policykit-cookies[pdf]" in project["optional-dependencies"]["test"]


@pytest.mark.pdf
def test_installed_here() -> None:
    assert pdf_missing() is None


@pytest.mark.pdf
def test_render_pdf_says_what_to_install(capsys: pytest.CaptureFixture[str], without: str, tmp_path: Path) -> None:
    target = tmp_path / "policy.pdf"
    code, out, err = run(capsys, "render", str(POLICY), "--format", "pdf", "-o", str(target))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert f"{without} is not installed" in err and INSTALL in err
    assert not target.exists() and list(tmp_path.iterdir()) == []
    # The other formats do not need the extra.
    code, out, err = run(capsys, "render", str(POLICY), "--format", "md")
    assert code == 0 and "# " in out


@pytest.mark.pdf
def test_the_library_raises_saying_what_to_install(without: str) -> None:
    with pytest.raises(MissingExtraError, match=r"policykit-cookies\[pdf\]"):
        policykit.render(policykit.load(POLICY), "pdf")
    assert isinstance(policykit.render(policykit.load(POLICY), "docx"), bytes)


@pytest.mark.pdf
def test_build_leaves_the_pdf_out_and_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    project = copy_project(tmp_path / "project")
    monkeypatch.chdir(project)
    with monkeypatch.context() as hidden:
        hidden.setitem(sys.modules, "weasyprint", None)
        code, _, err = run(capsys, "build", "--locale", "en", "--locale", "nl", "-j", "1")
    assert code == 0, err
    said = [line for line in err.splitlines() if "PDF" in line]
    assert len(said) == 1 and "PDF left out of every locale" in said[0] and INSTALL in said[0], err
    site = project / "site"
    for locale in ("en", "nl"):
        assert sorted(p.name for p in (site / locale).iterdir()) == ["index.html", "policy.docx", "policy.md"]
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "policy.pdf" not in index and "PDF" not in index  # no link to a file that is not there
    assert 'href="nl/policy.docx"' in index
    # With the extra back, the next build makes the PDFs (the manifest has none to keep).
    code, _, err = run(capsys, "build", "--locale", "en", "-j", "1")
    assert code == 0, err
    assert "left out" not in err
    assert (site / "en" / "policy.pdf").read_bytes().startswith(b"%PDF-")
    assert 'href="en/policy.pdf"' in (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.pdf
def test_asking_whether_the_pdf_can_be_made_imports_nothing() -> None:
    code = (
        "import sys\nfrom policykit.render import pdf_missing\nassert pdf_missing() is None\n"
        "print(sorted({'weasyprint', 'pikepdf'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
