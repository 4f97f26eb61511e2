"""`policykit build`: the site published as a whole, rendered in parallel, re-rendered only
where an input changed, with a language index and hreflang alternates, and cookies.json
valid against its published schema."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from tools import axe_violations, nu_html_check

import policykit.build
import policykit.build.publish
import policykit.build.workers
from conftest import POLICY, ROOT, SEED, copy_project
from policykit.build import MANIFEST, build_site
from policykit.cli import main
from policykit.load import load
from policykit.project import project_for_policy

LOCALES = ("en", "ar", "de", "fr", "nl")
VERSION_ID = re.compile(r'<meta name="policykit-version-id" content="([0-9a-f]{12})">')


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled project built once, with two processes."""
    site = tmp_path_factory.mktemp("built") / "site"
    project = project_for_policy(POLICY)
    result = build_site(project, load(POLICY), output=site, jobs=2)
    assert result.committed and not result.failed and not result.skipped
    return site


@pytest.mark.pdf
def test_the_site_has_every_locale_and_format(built: Path) -> None:
    for locale in LOCALES:
        for name in ("index.html", "policy.md", "policy.pdf"):
            assert (built / locale / name).stat().st_size > 1000, f"{locale}/{name}"
    assert "90 Tage" in (built / "de" / "policy.md").read_text(encoding="utf-8")
    assert 'dir="rtl"' in (built / "ar" / "index.html").read_text(encoding="utf-8")
    assert (built / "index.html").is_file() and (built / "cookies.json").is_file()
    names = {p.name for p in built.rglob(".*")}
    assert names == {MANIFEST}, "temporary files left behind"
    assert not [p for p in built.parent.iterdir() if p.name.startswith(".")], "staging left behind"


def test_the_output_does_not_depend_on_the_number_of_jobs(built: Path, tmp_path: Path) -> None:
    project = project_for_policy(POLICY)
    result = build_site(project, load(POLICY), output=tmp_path / "site", jobs=1)
    assert result.committed
    assert files(tmp_path / "site") == files(built)


@pytest.mark.pdf
def test_every_page_links_its_alternates_and_the_index_links_every_version(built: Path) -> None:
    index = (built / "index.html").read_text(encoding="utf-8")
    for locale in LOCALES:
        page = (built / locale / "index.html").read_text(encoding="utf-8")
        head = page[: page.index("</head>")]
        for other in LOCALES:
            assert f'<link rel="alternate" hreflang="{other}" href="../{other}/index.html">' in head
        assert '<link rel="alternate" hreflang="x-default" href="../index.html">' in head
        for name in ("index.html", "policy.md", "policy.pdf"):
            assert f'href="{locale}/{name}"' in index
    assert '<span lang="nl" dir="ltr">Nederlands</span> (Dutch)' in index
    assert '<span lang="ar" dir="rtl">العربية</span> (Arabic)' in index


def test_the_index_is_valid_and_accessible(built: Path) -> None:
    assert nu_html_check(built / "index.html") == []
    assert axe_violations((built / "index.html").read_text(encoding="utf-8")) == []


def test_a_page_with_alternates_is_still_valid(built: Path) -> None:
    assert [m for m in nu_html_check(built / "nl" / "index.html") if m.get("type") == "error"] == []


# --- cookies.json --------------------------------------------------------------------


def test_cookies_json_validates_against_its_published_schema(built: Path) -> None:
    schema = json.loads((ROOT / "data" / "cookies.schema.json").read_text(encoding="utf-8"))
    catalogue = json.loads((built / "cookies.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(catalogue)] == []
    assert sorted(catalogue["translations"]) == ["ar", "de", "fr", "nl"]


def test_cookies_json_read_back(built: Path) -> None:
    catalogue = json.loads((built / "cookies.json").read_text(encoding="utf-8"))
    policy = load(POLICY)
    parties = {party.id: party for party in policy.parties}
    cookies = {cookie["name"]: cookie for cookie in catalogue["cookies"]}
    affiliate = cookies["WHMCSAffiliateID"]
    assert affiliate["lifetime"]["declared_seconds"] == 7_776_000
    assert affiliate["lifetime"]["effective_seconds"] == 7_776_000
    # Its party's safeguard, as the policy declares it: the operator transfers nothing.
    operator = parties[affiliate["party"]["id"]]
    assert operator.transfer is None and affiliate["party"]["transfer"] is None
    assert affiliate["party"]["privacy_policy"] == operator.privacy_policy
    assert affiliate["domains"] == list(operator.domains)
    google = cookies["_ga"]
    assert google["party"]["transfer"] == {"safeguard": "eu-us-dpf", "since": None}
    pattern = cookies["_ga_*"]["pattern"]
    assert pattern == {"glob": "_ga_*", "regex": "^_ga_.*$"}
    assert catalogue["policy"]["version_id"] in (built / "en" / "index.html").read_text(encoding="utf-8")
    nl = catalogue["translations"]["nl"]
    assert nl["version_id"] in (built / "nl" / "index.html").read_text(encoding="utf-8")
    assert nl["cookies"]["WHMCSAffiliateID"]["lifetime"] == "90 dagen"


# --- incremental and atomic ------------------------------------------------------------


@pytest.mark.pdf
def test_a_rebuild_without_changes_touches_nothing(repo: Path) -> None:
    project = project_for_policy(repo / "data" / "policy.yaml")
    site = repo / "site"
    first = build_site(project, load(project.policy), locales=("nl",))
    # 2 locales x 4, index.html, cookies.json, the fragment's CSS and the declaration script
    assert first.committed and len(first.written) == 12
    before = {p: (p.stat().st_mtime_ns, p.stat().st_ino, p.read_bytes()) for p in site.rglob("*") if p.is_file()}
    again = build_site(project, load(project.policy), locales=("nl",))
    assert again.committed and again.written == () and len(again.unchanged) == 12
    after = {p: (p.stat().st_mtime_ns, p.stat().st_ino, p.read_bytes()) for p in site.rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.pdf
def test_a_changed_catalogue_re_renders_its_locale_only(repo: Path) -> None:
    project = project_for_policy(repo / "data" / "policy.yaml")
    build_site(project, load(project.policy), locales=("nl", "de"))
    po = repo / "locales" / "de" / "LC_MESSAGES" / "policy.po"
    po.write_text(po.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # new bytes, same translations
    result = build_site(project, load(project.policy), locales=("nl", "de"))
    assert set(result.written) <= {"de/index.html", "de/policy.md", "de/policy.pdf", "de/policy.docx", "cookies.json"}
    assert {"en/policy.pdf", "nl/policy.pdf", "nl/index.html"} <= set(result.unchanged)


@pytest.mark.pdf
def test_user_files_stay_and_orphans_of_a_killed_run_go(repo: Path) -> None:
    project = project_for_policy(repo / "data" / "policy.yaml")
    site = repo / "site"
    (site / "en").mkdir(parents=True)
    (site / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")
    (site / "blog").mkdir()
    (site / "blog" / "index.html").write_text("<p>blog</p>", encoding="utf-8")
    # The layout of builds before the language index: the policy's own language at the top.
    (site / "policy.md").write_text("# Old policy", encoding="utf-8")
    (site / "nl").mkdir()
    (site / "nl" / "policy.pdf").write_text("old", encoding="utf-8")
    (site / "de").mkdir()
    (site / "de" / "policy.pdf").write_text("old", encoding="utf-8")
    (site / "en" / ".index.html.abcd1234.tmp").write_text("half", encoding="utf-8")
    (repo / ".site.policykit-staging-x1y2z3").mkdir()
    result = build_site(project, load(project.policy), locales=("nl",))
    assert result.committed
    assert (site / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\n"
    assert (site / "blog" / "index.html").read_text(encoding="utf-8") == "<p>blog</p>"
    # No manifest says a build wrote these: they are the user's, and stay.
    assert (site / "policy.md").read_text(encoding="utf-8") == "# Old policy"
    assert (site / "de" / "policy.pdf").read_text(encoding="utf-8") == "old"
    assert (site / "nl" / "policy.pdf").read_bytes().startswith(b"%PDF")
    assert not (site / "en" / ".index.html.abcd1234.tmp").exists()
    assert not [p for p in repo.iterdir() if p.name.startswith(".site.")]


@pytest.mark.pdf
def test_only_what_a_build_wrote_is_replaced_and_folders_keep_their_modes(repo: Path) -> None:
    project = project_for_policy(repo / "data" / "policy.yaml")
    site = repo / "out"
    for folder in ("es", "ja", "private"):
        (site / folder).mkdir(parents=True)
    (site / "es" / "index.html").write_bytes(b"x\n")  # a locale-shaped name the build never wrote
    (site / "ja" / "policy.pdf").write_bytes(b"y\n")
    (site / "private" / "notes.txt").write_bytes(b"z\n")
    os.chmod(site / "ja" / "policy.pdf", 0o600)
    os.chmod(site / "private", 0o700)
    os.chmod(site, 0o750)
    first = build_site(project, load(project.policy), output=site, locales=("nl", "de"), jobs=1)
    assert first.committed
    second = build_site(project, load(project.policy), output=site, locales=("nl",), jobs=1)
    assert second.committed
    assert (site / "es" / "index.html").read_bytes() == b"x\n"
    assert (site / "ja" / "policy.pdf").read_bytes() == b"y\n"
    assert (site / "ja" / "policy.pdf").stat().st_mode & 0o777 == 0o600
    assert (site / "private" / "notes.txt").read_bytes() == b"z\n"
    assert (site / "private").stat().st_mode & 0o777 == 0o700
    assert site.stat().st_mode & 0o777 == 0o750
    assert not (site / "de").exists(), "what the previous build wrote and this one does not goes"
    assert (site / "nl" / "policy.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("where", [".", "/", "home", "data", "locales", ".."])
def test_build_refuses_an_output_folder_that_would_replace_the_project(
    where: str, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    home = tmp_path / "home"
    (home / "notes").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    before = files(repo)
    code, _, err = run(capsys, "build", "-q", "-o", str(home) if where == "home" else where)
    assert code == 2, err
    assert len(err.splitlines()) == 1 and "refusing to build into" in err, err
    assert ("home folder" in err) == (where == "home")
    assert (home / "notes").is_dir() and not (home / "index.html").exists()
    assert files(repo) == before
    assert not [p for p in repo.parent.iterdir() if ".policykit-" in p.name]


@pytest.mark.pdf
def test_a_broken_catalogue_is_reported_once_and_the_rest_published(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    po = repo / "locales" / "nl" / "LC_MESSAGES" / "policy.po"
    po.write_text('garbage "\n', encoding="utf-8")
    strict_site = tmp_path / "strict"
    code, _, err = run(capsys, "build", "-q", "--strict", "--jobs", "1", "-o", str(strict_site))
    assert code == 1 and err.count("PK510") == 1, err
    assert not strict_site.exists()
    site = tmp_path / "site"
    code, _, err = run(capsys, "build", "-q", "--locale", "nl", "--locale", "de", "--jobs", "1", "-o", str(site))
    assert code == 1, err
    assert re.search(rf"^{re.escape(str(po))}:1:1: error PK510 ", err, re.M), err
    assert err.count("PK510") == 1 and "nl: catalogue cannot be read; not published" in err, err
    assert (site / "de" / "policy.pdf").is_file() and (site / "en" / "index.html").is_file()
    assert not (site / "nl").exists()


@pytest.mark.pdf
def test_the_same_project_in_another_folder_reuses_the_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for name in ("a", "b"):
        copy_project(tmp_path / name)
    first_project = project_for_policy(tmp_path / "a" / "data" / "policy.yaml")
    first = build_site(first_project, load(first_project.policy), output=site, locales=("nl",), jobs=1)
    assert first.committed and len(first.written) == 12
    manifest = (site / MANIFEST).read_bytes()
    moved = project_for_policy(tmp_path / "b" / "data" / "policy.yaml")
    second = build_site(moved, load(moved.policy), output=site, locales=("nl",), jobs=1)
    assert second.committed and second.written == () and len(second.unchanged) == 12
    assert (site / MANIFEST).read_bytes() == manifest


@pytest.mark.pdf
def test_a_failed_output_leaves_the_previous_site(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = project_for_policy(repo / "data" / "policy.yaml")
    site = repo / "site"
    build_site(project, load(project.policy), locales=("nl",))
    before = files(site)
    policy = repo / "data" / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace('version: "2026.1"', 'version: "2026.2"'),
                      encoding="utf-8")  # fmt: skip
    real = policykit.build.workers._render_one

    def fail_pdf(*args: object) -> tuple[bool, bytes | str]:
        if args[4] == "pdf":
            return False, "cannot render the PDF: no font"
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(policykit.build.workers, "_render_one", fail_pdf)
    result = build_site(project, load(policy), locales=("nl",), jobs=1)
    assert not result.committed and {name for name, _ in result.failed} == {"en/policy.pdf", "nl/policy.pdf"}
    assert files(site) == before
    assert not [p for p in repo.iterdir() if p.name.startswith(".site.")]


@pytest.mark.pdf
def test_the_command_reports_written_unchanged_and_time(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    code, _, err = run(capsys, "build", "-q", "--locale", "nl", "--jobs", "1")
    assert code == 0, err
    assert re.search(r"^12 written, 0 unchanged, 0 failed in \d+\.\d s: .*site/ \(en, nl\)$", err, re.M), err
    code, _, err = run(capsys, "build", "-q", "--locale", "nl")
    assert code == 0 and "0 written, 12 unchanged, 0 failed" in err
    assert "\x1b" not in err  # no progress bar when stderr is not a terminal


def test_build_refuses_a_policy_with_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "build", str(SEED), "-o", str(tmp_path / "site"))
    assert code == 1
    assert "PK207" in err and "nothing written" in err
    assert not (tmp_path / "site").exists()


def _complete(site: Path) -> str:
    """The build id of the one complete version `site` holds; fails on any mixture."""
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    outputs = manifest["outputs"]
    on_disk = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} - {MANIFEST}
    assert on_disk == set(outputs), "files that are not of this build, or missing"
    versions = set()
    for name, entry in outputs.items():
        data = (site / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
        if name.endswith("/index.html"):
            found = VERSION_ID.search(data.decode("utf-8"))
            assert found is not None and found.group(1) == entry["version_id"], name
            versions.add(entry["version_id"])
    assert len(versions) == 2  # en and nl of one policy
    return str(manifest["build_id"])


def test_a_build_killed_at_any_moment_leaves_one_complete_site(repo: Path) -> None:
    policy = repo / "data" / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    versions = [text, text.replace('version: "2026.1"', 'version: "2026.2"')]
    assert versions[0] != versions[1]
    site = repo / "site"
    command = [sys.executable, "-m", "policykit", "build", "-q", "--locale", "nl"]
    subprocess.run(command, cwd=repo, check=True, capture_output=True)
    build_ids = {_complete(site)}
    policy.write_text(versions[1], encoding="utf-8")
    started = time.perf_counter()
    subprocess.run(command, cwd=repo, check=True, capture_output=True)
    full = time.perf_counter() - started  # a build that renders everything
    build_ids.add(_complete(site))
    rng = random.Random(20261126)
    for attempt in range(40):  # the issue: killed 40 times, always one complete site
        policy.write_text(versions[attempt % 2], encoding="utf-8")
        process = subprocess.Popen(command, cwd=repo, start_new_session=True, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, 3 * full))  # the upper end lets some builds finish
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        build_ids.add(_complete(site))
    subprocess.run(command, cwd=repo, check=True, capture_output=True)
    _complete(site)
    leftovers = [p for p in repo.rglob("*") if p.name.startswith(".site.") or p.name.endswith(".tmp")]
    assert leftovers == []


def test_a_full_disk_leaves_the_previous_site_and_says_so_in_one_line(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    code, _, err = run(capsys, "build", "-q", "--locale", "nl", "--jobs", "1")
    assert code == 0, err
    before = files(repo / "site")
    policy = repo / "data" / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace('version: "2026.1"', 'version: "2026.2"'),
                      encoding="utf-8")  # fmt: skip
    real = policykit.build.publish._write
    written: list[Path] = []

    def fill_up(path: Path, data: bytes) -> None:
        if len(written) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        written.append(path)
        real(path, data)

    monkeypatch.setattr(policykit.build.publish, "_write", fill_up)
    code, _, err = run(capsys, "build", "-q", "--locale", "nl", "--jobs", "1")
    assert code == 2
    assert err.count("\n") == 1 and "No space left on device; the previous site is unchanged" in err, err
    assert files(repo / "site") == before
    assert not [p for p in repo.iterdir() if p.name.startswith(".site.")]


def test_without_an_atomic_exchange_the_swap_is_two_renames_and_recovers(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(policykit.build.publish, "_exchange", lambda a, b: False)
    project = project_for_policy(repo / "data" / "policy.yaml")
    site = repo / "site"
    build_site(project, load(project.policy), locales=("nl",), jobs=1)
    policy = repo / "data" / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace('version: "2026.1"', 'version: "2026.2"'),
                      encoding="utf-8")  # fmt: skip
    result = build_site(project, load(project.policy), locales=("nl",), jobs=1)
    assert result.committed and _complete(site) == result.build_id
    assert not [p for p in repo.iterdir() if p.name.startswith(".site.")]
    # Killed between the two renames: the site moved aside, the new one not yet in place.
    before = files(site)
    aside = repo / ".site.policykit-old-k1ll3d"
    aside.mkdir()
    site.rename(aside / "site")
    (repo / ".site.policykit-staging-k1ll3d").mkdir()
    policykit.build.publish.clean_orphans(site)
    assert files(site) == before
    assert not [p for p in repo.iterdir() if p.name.startswith(".site.")]


def test_workers_end_when_the_build_is_killed(repo: Path) -> None:
    command = [sys.executable, "-m", "policykit", "build", "-q", "--jobs", "2"]
    for _ in range(3):
        shutil.rmtree(repo / "site", ignore_errors=True)
        process = subprocess.Popen(command, cwd=repo, start_new_session=True, stderr=subprocess.DEVNULL)
        group: list[str] = []
        for _ in range(300):  # until the workers have started
            time.sleep(0.05)
            found = subprocess.run(["pgrep", "-g", str(process.pid)], capture_output=True, text=True)
            group = found.stdout.split()
            if len(group) > 1 or process.poll() is not None:
                break
        os.kill(process.pid, signal.SIGKILL)  # the build alone, not its workers
        process.wait()
        for _ in range(100):
            found = subprocess.run(["pgrep", "-g", str(process.pid)], capture_output=True, text=True)
            if not found.stdout.split():
                break
            time.sleep(0.05)
        assert found.stdout.split() == [], f"workers outlived the build (group was {group})"


def test_two_builds_into_different_folders_of_one_parent_do_not_refuse_each_other(repo: Path) -> None:
    project = project_for_policy(repo / "data" / "policy.yaml")
    with policykit.build.publish.locked(repo / "site-a"):  # a build into site-a is running
        result = build_site(project, load(project.policy), output=repo / "site-b", locales=("nl",), jobs=1)
        assert result.committed
        with pytest.raises(policykit.build.BuildError, match="another build is writing here"):
            build_site(project, load(project.policy), output=repo / "site-a", locales=("nl",), jobs=1)
    assert not [p for p in repo.iterdir() if p.name.startswith(".site")]  # no lock file left


def test_a_file_another_process_writes_during_the_build_is_kept(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = project_for_policy(repo / "data" / "policy.yaml")
    site = repo / "site"
    build_site(project, load(project.policy), locales=("nl",), jobs=1)
    real = policykit.build.publish._keep_folder_modes

    def meanwhile(old: Path, staging: Path) -> None:  # the last step before the swap
        (old / "uploads").mkdir()
        (old / "uploads" / "report.csv").write_bytes(b"written while the build ran\n")
        (old / "robots.txt").write_bytes(b"User-agent: *\n")
        real(old, staging)

    monkeypatch.setattr(policykit.build.publish, "_keep_folder_modes", meanwhile)
    policy = repo / "data" / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace('version: "2026.1"', 'version: "2026.2"'),
                      encoding="utf-8")  # fmt: skip
    assert build_site(project, load(policy), locales=("nl",), jobs=1).committed
    assert (site / "uploads" / "report.csv").read_bytes() == b"written while the build ran\n"
    assert (site / "robots.txt").read_bytes() == b"User-agent: *\n"


def test_folders_keep_their_owner_and_times(repo: Path) -> None:
    project = project_for_policy(repo / "data" / "policy.yaml")
    site = repo / "site"
    build_site(project, load(project.policy), locales=("nl",), jobs=1)
    (site / "private").mkdir()
    (site / "private" / "notes.txt").write_bytes(b"z\n")
    os.utime(site / "private", (1_000_000_000, 1_000_000_000))
    root = os.geteuid() == 0
    if root:  # a deploy job as root must not make the web server's folders root's
        os.chown(site / "private", 4321, 4321)
        os.chown(site / "nl", 4321, 4321)
    policy = repo / "data" / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace('version: "2026.1"', 'version: "2026.2"'),
                      encoding="utf-8")  # fmt: skip
    assert build_site(project, load(policy), locales=("nl",), jobs=1).committed
    assert (site / "private").stat().st_mtime == 1_000_000_000
    if root:
        assert ((site / "private").stat().st_uid, (site / "nl").stat().st_gid) == (4321, 4321)
