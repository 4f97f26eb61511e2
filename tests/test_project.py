"""Projects: found upward from the current folder, never the installed package; what
the user edits is what `build` publishes; translations stay with their text."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from tools import require

import policykit
from conftest import POLICY, copy_project
from policykit.cli import main
from policykit.errors import CatalogError, PolicykitError, ProjectError, UnknownLocaleError
from policykit.i18n import catalogs
from policykit.project import find_project, project_for_policy

ARTICLE_1_FIRST = "      - >-\n        A cookie is a small text file"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- discovery ----------------------------------------------------------------------------


def test_a_project_is_found_from_any_folder_inside_it(repo: Path) -> None:
    (repo / "docs" / "deep").mkdir(parents=True)
    project = find_project(repo / "docs" / "deep")
    assert project is not None
    assert (project.root, project.policy, project.locales, project.output) == (
        repo, repo / "data" / "policy.yaml", repo / "locales", repo / "site"
    )  # fmt: skip
    assert project.config == repo / "pyproject.toml"


@pytest.mark.parametrize(
    ("files", "policy"),
    [
        ({"policykit.toml": 'policy = "p/mine.yaml"\n', "p/mine.yaml": ""}, "p/mine.yaml"),
        ({"pyproject.toml": '[tool.policykit]\npolicy = "x.yaml"\n', "x.yaml": ""}, "x.yaml"),
        ({"pyproject.toml": "[project]\nname = 'site'\n", "data/policy.yaml": ""}, "data/policy.yaml"),
        ({"policy.yaml": ""}, "policy.yaml"),
    ],
)
def test_what_makes_a_folder_a_project(tmp_path: Path, files: dict[str, str], policy: str) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    project = find_project(tmp_path)
    assert project is not None and project.policy == tmp_path / policy and project.root == tmp_path


def test_the_data_folder_is_not_a_project_of_its_own(repo: Path) -> None:
    (repo / "pyproject.toml").unlink()  # no settings: the layout alone decides
    project = project_for_policy(repo / "data" / "policy.yaml")
    assert project.root == repo and project.locales == repo / "locales"


def test_bad_settings_say_where_and_what(tmp_path: Path) -> None:
    (tmp_path / "policykit.toml").write_text('policy = "p.yaml"\nlocale = "x"\n', encoding="utf-8")
    with pytest.raises(ProjectError) as caught:
        find_project(tmp_path)
    assert str(caught.value) == f"{tmp_path / 'policykit.toml'}:2:1: unknown key 'locale'; did you mean 'locales'?"
    (tmp_path / "policykit.toml").write_text('policy = "p.yaml\n', encoding="utf-8")
    with pytest.raises(ProjectError, match=r"policykit.toml:1:\d+: invalid TOML"):
        find_project(tmp_path)


def test_commands_name_the_policy_they_use(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    code, _, err = _run(capsys, "check")
    assert code == 0 and err.splitlines()[0] == "policykit: policy data/policy.yaml"
    code, _, err = _run(capsys, "check", "-q")
    assert code == 0 and "policykit: policy" not in err


def test_without_a_project_reading_falls_back_and_writing_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, "render", "--format", "md")
    assert code == 0 and "no project found; using the bundled example" in err and out.startswith("# Cookie Policy")
    for command in (["i18n", "update"], ["i18n", "extract"], ["i18n", "compile"], ["i18n", "update", "--locale", "es"]):
        code, _, err = _run(capsys, *command)
        assert code == 2, command
        assert "run `policykit init`" in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_ui_catalogues_are_not_written_outside_a_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_package = tmp_path / "site-packages" / "policykit" / "i18n" / "catalogs"
    fake_package.mkdir(parents=True)
    monkeypatch.setattr(catalogs, "PACKAGE_CATALOGS", fake_package)
    assert main(["i18n", "extract", "--ui"]) == 2
    assert list(fake_package.iterdir()) == []


# --- init ---------------------------------------------------------------------------------


def test_init_scaffolds_a_project_that_passes_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, _ = _run(
        capsys, "init", "site", "--name", 'Acme "Books" B.V.', "--website", "https://acme.example/",
        "--address", "Spui 1, 1012 WX Amsterdam", "--contact", "privacy@acme.example",
    )  # fmt: skip
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == [
        "locales", "policy.schema.json", "policy.yaml", "policykit.toml"
    ]  # fmt: skip
    text = (tmp_path / "site" / "policy.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=policy.schema.json")
    monkeypatch.chdir(tmp_path / "site")
    code, _, err = _run(capsys, "check")
    assert code == 0, err
    assert policykit.load(tmp_path / "site" / "policy.yaml").meta.controller.organisation == 'Acme "Books" B.V.'
    code, _, err = _run(capsys, "init", ".")
    assert code == 2 and "already there" in err
    code, _, err = _run(capsys, "i18n", "update", "--locale", "nl")
    assert code == 0 and (tmp_path / "site" / "locales" / "nl" / "LC_MESSAGES" / "policy.po").is_file()


# --- what you edit is what you publish ------------------------------------------------------


def test_build_publishes_the_policy_the_user_edited(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = repo / "data" / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("title: Cookie Policy", "title: Our Cookies", 1),
                      encoding="utf-8")  # fmt: skip
    monkeypatch.chdir(repo)
    code, _, err = _run(capsys, "build", "--locale", "nl")
    page = (repo / "site" / "en" / "index.html").read_text(encoding="utf-8")
    assert "<title>Our Cookies</title>" in page
    # The title changed, so nl is stale: reported, left out, and the exit code says so.
    assert code == 1 and not (repo / "site" / "nl").exists()
    assert "nl: 1 untranslated; not published (no complete earlier build of it to keep)" in err, err


def test_a_stale_locale_is_reported_once_and_skipped(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    po = catalogs.catalog_path(repo / "locales", "nl", catalogs.POLICY_DOMAIN)
    catalog = catalogs.read_catalog(po)
    entry = catalog.get("Session cookies", context="article-3.section.caption")
    assert entry is not None
    entry.flags.add("fuzzy")
    catalogs.write_catalog(po, catalog)
    entry = catalogs.read_catalog(po).get("Session cookies", context="article-3.section.caption")
    assert entry is not None
    monkeypatch.chdir(repo)
    code, _, err = _run(capsys, "build", "-q", "-v")
    assert code == 1
    built = sorted(p.name for p in (repo / "site").iterdir() if p.is_dir())
    assert built == ["ar", "de", "en", "fr"] and (repo / "site" / "index.html").is_file()
    assert [line for line in err.splitlines() if "PK505" in line] == [
        f"{po}:{entry.lineno}:1: warning PK505 article-3.section.caption: fuzzy; this locale is not published"
    ]
    # No earlier build to keep: said so in one line, which counts what is missing.
    assert "nl: 1 fuzzy; not published (no complete earlier build of it to keep)" in err
    # A release build writes nothing new.
    shutil.rmtree(repo / "site")
    code, _, err = _run(capsys, "build", "-q", "--strict")
    assert code == 1 and not (repo / "site").exists() and "nothing written" in err


def test_stats_check_and_build_agree(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = repo / "data" / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    edited = text.replace("Keeps the live chat in step when you open", "Keeps the live chat in sync when you open")
    policy.write_text(edited, encoding="utf-8")
    monkeypatch.chdir(repo)
    code, out, _ = _run(capsys, "i18n", "stats", "-q")
    assert code == 0 and "0 fuzzy, 1 untranslated" in out.splitlines()[-1]  # nl, against the policy itself
    code, out, _ = _run(capsys, "i18n", "check", "-q", "--strict")
    assert code == 1 and "PK511" in out
    code, _, _ = _run(capsys, "build", "-q")
    assert code == 1


# --- the API's locales ----------------------------------------------------------------------


def test_render_finds_the_policys_own_catalogues() -> None:
    page = policykit.render(policykit.load(POLICY), "html", locale="ar")
    assert 'lang="ar" dir="rtl"' in page and "سياسة ملفات تعريف الارتباط" in page


def test_render_without_catalogues_names_the_missing_file(tmp_path: Path) -> None:
    alone = tmp_path / "policy.yaml"
    shutil.copy(POLICY, alone)
    with pytest.raises(CatalogError) as caught:
        policykit.render(policykit.load(alone), "html", locale="ar")
    assert str(tmp_path / "locales" / "ar" / "LC_MESSAGES" / "policy.po") in str(caught.value)
    with pytest.raises(UnknownLocaleError):
        policykit.render(policykit.load(POLICY), "html", locale="xx-NOPE")
    assert issubclass(CatalogError, PolicykitError) and issubclass(UnknownLocaleError, PolicykitError)


def test_render_warns_or_refuses_when_a_string_is_stale(repo: Path) -> None:
    policy = repo / "data" / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("title: Cookie Policy", "title: Cookies", 1),
                      encoding="utf-8")  # fmt: skip
    with pytest.warns(policykit.TranslationWarning, match="meta.title"):
        policykit.render(policykit.load(policy), "md", locale="de")
    with pytest.raises(policykit.TranslationError):
        policykit.render(policykit.load(policy), "md", locale="de", strict=True)


# --- translations that stay with their text ---------------------------------------------------


def _nl(repo: Path) -> dict[str, str]:
    catalog = catalogs.read_catalog(catalogs.catalog_path(repo / "locales", "nl", catalogs.POLICY_DOMAIN))
    return {str(m.id): str(m.string) for m in catalog if m.id and not m.fuzzy and m.string}


def _edit(repo: Path, old: str, new: str) -> None:
    policy = repo / "data" / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    assert old in text
    policy.write_text(text.replace(old, new, 1), encoding="utf-8")


CHANGED = "A cookie is a small text file"


@pytest.mark.parametrize(
    ("edits", "to_review"),
    [
        pytest.param([(ARTICLE_1_FIRST, "      - A new first paragraph.\n" + ARTICLE_1_FIRST)], [], id="insert"),
        pytest.param(
            [
                (ARTICLE_1_FIRST, "      - A new first paragraph.\n" + ARTICLE_1_FIRST),
                ("      - A new first paragraph.\n", ""),
            ],
            [],
            id="insert-then-delete",
        ),
        pytest.param([("REORDER", "")], [], id="reorder-articles"),
        pytest.param([(CHANGED, "A cookie is a tiny text file")], [CHANGED], id="change"),
        pytest.param([("  - name: TawkConnectionTime\n", "  - name: TawkConnectionStart\n")], [], id="rename-cookie"),
    ],
)
def test_update_keeps_every_translation_on_its_text(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    edits: list[tuple[str, str]],
    to_review: list[str],
) -> None:
    before = _nl(repo)
    for old, new in edits:
        if old == "REORDER":  # the last two articles change places
            policy = repo / "data" / "policy.yaml"
            head, rest = policy.read_text(encoding="utf-8").split("  - id: article-3\n")
            third, fourth = rest.split("  - id: article-4\n")
            reordered = f"{head}  - id: article-4\n{fourth.rstrip()}\n\n  - id: article-3\n{third}"
            policy.write_text(reordered, encoding="utf-8")
        else:
            _edit(repo, old, new)
    monkeypatch.chdir(repo)
    assert main(["i18n", "update", "-q"]) == 0
    after = _nl(repo)
    moved = [source for source, text in before.items() if after.get(source) != text]
    assert [source[: len(CHANGED)] for source in moved] == to_review  # only a changed text awaits review


def test_update_matches_msgmerge(repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    require(shutil.which("msgmerge") is not None, "msgmerge (GNU gettext)")
    old_po = tmp_path / "old.po"
    shutil.copy(catalogs.catalog_path(repo / "locales", "nl", catalogs.POLICY_DOMAIN), old_po)
    _edit(repo, ARTICLE_1_FIRST, "      - A new first paragraph.\n" + ARTICLE_1_FIRST)
    _edit(repo, "Keeps the live chat in step when you open", "Keeps the live chat in sync when you open")
    monkeypatch.chdir(repo)
    assert main(["i18n", "update", "-q"]) == 0
    merged = tmp_path / "msgmerge.po"
    subprocess.run(["msgmerge", "--quiet", "-o", str(merged), str(old_po), str(repo / "locales" / "policy.pot")],
                   check=True)  # fmt: skip

    def entries(path: Path) -> set[tuple[str | None, str, str, bool]]:
        catalog = catalogs.read_catalog(path)
        return {(m.context, str(m.id), str(m.string), m.fuzzy) for m in catalog if m.id}

    ours = entries(catalogs.catalog_path(repo / "locales", "nl", catalogs.POLICY_DOMAIN))
    assert ours == entries(merged)
    assert ("article-1.paragraph", "A new first paragraph.", "", False) in ours


# --- a locale the package has no template strings for -------------------------------------


def _translate_all(file: Path) -> None:
    """Every entry of `file` translated as "ES: <source>": placeholders and markup kept."""
    catalog = catalogs.read_catalog(file)
    for message in catalog:
        if message.id:
            message.string = f"ES: {message.id}"
            message.flags.discard("fuzzy")
    catalogs.write_catalog(file, catalog)


def _new_es_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    monkeypatch.chdir(tmp_path)
    argv = ["init", "np", "--name", "x", "--website", "https://x.com", "--controller", "X", "--contact", "a@b.c",
            "--address", "Dorpsstraat 1, Ergens"]  # fmt: skip
    assert _run(capsys, *argv)[0] == 0
    monkeypatch.chdir(tmp_path / "np")
    code, _, err = _run(capsys, "i18n", "update", "--locale", "es")
    assert code == 0, err
    return tmp_path / "np"


def test_a_new_locale_started_as_the_readme_shows_can_be_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from policykit.i18n.strings import TEMPLATE_STRINGS

    assert not catalogs.catalog_path(catalogs.PACKAGE_CATALOGS, "es", catalogs.UI_DOMAIN).exists()
    project = _new_es_project(tmp_path, monkeypatch, capsys)
    folder = project / "locales" / "es" / "LC_MESSAGES"
    assert sorted(p.name for p in folder.iterdir()) == ["policy.po", "policykit.po"]
    ui = catalogs.read_catalog(folder / "policykit.po")
    assert {(m.context, str(m.id)) for m in ui if m.id} == set(catalogs.ui_strings())
    _translate_all(folder / "policy.po")
    _translate_all(folder / "policykit.po")
    code, out, err = _run(capsys, "i18n", "check", "-q", "--strict")
    assert code == 0, out + err
    code, out, _ = _run(capsys, "i18n", "stats", "-q", "--format", "json")
    counts = json.loads(out)["es"]
    assert code == 0 and counts["fuzzy"] == counts["untranslated"] == 0
    assert counts["domains"]["policykit"]["file"] == str(folder / "policykit.po")
    code, _, err = _run(capsys, "build", "-q")
    assert code == 0, err
    page = (project / "site" / "es" / "index.html").read_text(encoding="utf-8")
    assert f"ES: {TEMPLATE_STRINGS['name']}" in page
    # update merges the project's own file again, keeping every translation; compile writes its .mo.
    assert _run(capsys, "i18n", "update", "-q")[0] == 0
    assert all(m.string for m in catalogs.read_catalog(folder / "policykit.po") if m.id)
    assert _run(capsys, "i18n", "compile", "-q")[0] == 0
    assert (folder / "policykit.mo").is_file()


def test_stats_check_and_build_report_missing_template_strings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    project = _new_es_project(tmp_path, monkeypatch, capsys)
    folder = project / "locales" / "es" / "LC_MESSAGES"
    _translate_all(folder / "policy.po")
    wanted = len(catalogs.ui_strings())
    for state in ("untranslated", "missing"):
        if state == "missing":
            (folder / "policykit.po").unlink()
        code, out, _ = _run(capsys, "i18n", "stats", "-q", "--format", "json")
        domains = json.loads(out)["es"]["domains"]
        assert code == 0 and domains["policykit"]["untranslated"] == wanted, state
        assert domains["policy"]["untranslated"] == 0
        code, out, _ = _run(capsys, "i18n", "check", "-q", "--strict")
        assert code == 1 and out.count("PK506") == wanted, state
        assert all(str(folder / "policykit.po") in line for line in out.splitlines())
        code, _, err = _run(capsys, "build", "-q")
        assert code == 1 and "es" in err.splitlines()[-1], state
        assert not (project / "site" / "es").exists()


@pytest.mark.parametrize(
    ("key", "default"), [("policy", "data/policy.yaml"), ("locales", "locales"), ("output", "site")]
)
def test_a_path_setting_that_is_no_path_names_its_default(tmp_path: Path, key: str, default: str) -> None:
    (tmp_path / "policy.yaml").write_text("", encoding="utf-8")
    (tmp_path / "policykit.toml").write_text(f'{key} = ""\n', encoding="utf-8")
    with pytest.raises(ProjectError) as caught:
        find_project(tmp_path)
    assert str(caught.value) == f"{tmp_path / 'policykit.toml'}:1:1: {key}: expected a path, such as {default!r}"


# --- a project cannot reach outside itself ------------------------------------------------

SECRET = "machine github.com login ci-bot password ghp_" + "s3cr3t" * 40


def _hostile(tmp_path: Path, key: str, value: str) -> Path:
    """A project whose policykit.toml names `value` for `key`, beside a folder holding a secret."""
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "credentials.txt").write_text(SECRET + "\n", encoding="utf-8")
    project = copy_project(tmp_path / "project")
    (project / "pyproject.toml").unlink()
    (project / "policykit.toml").write_text(f'languages = ["nl"]\n{key} = "{value}"\n', encoding="utf-8")
    return project


@pytest.mark.parametrize(
    ("key", "value"),
    [("policy", "../secret/credentials.txt"), ("locales", "../outside/locales"), ("output", "../outside/site")],
)
def test_a_configured_path_outside_the_project_is_refused_naming_its_key(tmp_path: Path, key: str, value: str) -> None:
    project = _hostile(tmp_path, key, value)
    with pytest.raises(ProjectError) as caught:
        find_project(project)
    assert str(caught.value).startswith(f"{project / 'policykit.toml'}:2:1: {key}: {value!r} leads outside the project")


@pytest.mark.parametrize("command", [["check", "--output-format", "github"], ["i18n", "update"], ["build"]])
@pytest.mark.parametrize(
    ("key", "value"),
    [("policy", "../secret/credentials.txt"), ("locales", "../outside/locales"), ("output", "../outside/site")],
)
def test_no_command_reads_or_writes_where_a_configuration_points_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    key: str, value: str, command: list[str],
) -> None:  # fmt: skip
    project = _hostile(tmp_path, key, value)
    monkeypatch.chdir(project)
    code, out, err = _run(capsys, *command)
    assert code == 2, out + err
    assert "s3cr3t" not in out + err and "ghp_" not in out + err
    assert f"policykit.toml:2:1: {key}:" in err
    assert not (tmp_path / "outside").exists()


def test_an_absolute_or_linked_path_outside_is_refused_too(tmp_path: Path) -> None:
    outside = tmp_path / "www"
    project = copy_project(tmp_path / "project")
    (project / "policykit.toml").write_text(f'output = "{outside.as_posix()}"\n', encoding="utf-8")
    with pytest.raises(ProjectError, match=r"output: .* leads outside the project"):
        find_project(project)
    (project / "policykit.toml").write_text('locales = "linked"\n', encoding="utf-8")
    outside.mkdir()
    (project / "linked").symlink_to(outside)
    with pytest.raises(ProjectError, match="locales: 'linked' leads outside the project"):
        find_project(project)
    # The defaults are confined as well: a data/policy.yaml that links to a file elsewhere.
    (project / "policykit.toml").unlink()
    (project / "pyproject.toml").unlink()
    (outside / "passwords").write_text(SECRET, encoding="utf-8")
    (project / "data" / "policy.yaml").unlink()
    (project / "data" / "policy.yaml").symlink_to(outside / "passwords")
    with pytest.raises(ProjectError, match=r"policy: 'data/policy\.yaml' leads outside the project"):
        find_project(project)


def test_a_path_inside_the_project_and_one_given_on_the_command_line_are_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "project")
    (project / "pyproject.toml").unlink()
    (project / "policykit.toml").write_text('locales = "./locales/../locales"\noutput = "out/site"\n', "utf-8")
    found = find_project(project)
    assert found is not None and found.locales.resolve() == project / "locales"
    shutil.copytree(project / "locales", tmp_path / "elsewhere")
    monkeypatch.chdir(project)
    code, out, err = _run(capsys, "i18n", "update", "--locales", str(tmp_path / "elsewhere"), "-q")
    assert code == 0, out + err


def test_a_secret_read_as_a_policy_is_quoted_as_a_short_excerpt(tmp_path: Path) -> None:
    """What a loader message quotes of a value is at most 60 characters, escaped."""
    secret = tmp_path / "credentials.txt"
    secret.write_text(SECRET, encoding="utf-8")
    with pytest.raises(PolicykitError) as caught:
        policykit.load(secret)
    assert SECRET[:60] in str(caught.value) and SECRET[:61] not in str(caught.value)
    assert "more characters" in str(caught.value)
    assert len(str(caught.value)) < len(str(secret)) + 200


def test_init_in_utc_plus_14_writes_the_moment_with_its_own_offset(tmp_path: Path) -> None:
    import os
    import sys
    import time

    require(hasattr(time, "tzset"), "time.tzset (POSIX)")
    from conftest import ROOT

    env = {**os.environ, "TZ": "Pacific/Kiritimati",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "policykit", "init", "site"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)  # fmt: skip
    assert done.returncode == 0, done.stderr
    meta = policykit.load(tmp_path / "site" / "policy.yaml").meta
    assert meta.last_modified.utcoffset() == dt.timedelta(hours=14)
    assert abs(meta.last_modified - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert policykit.check(policykit.load(tmp_path / "site" / "policy.yaml"), as_of=dt.datetime.now(dt.UTC).date(),
                           select=["PK401"]) == []  # fmt: skip
