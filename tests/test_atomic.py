"""Writing a file all at once, whatever the path already is: a file keeps its mode, a link
stays a link, a FIFO or a device is written to and never replaced."""

from __future__ import annotations

import os
import socket
import stat
import threading
from pathlib import Path

import pytest

from conftest import POLICY
from policykit.atomic import write_atomic
from policykit.cli import main


def test_a_new_file_is_created_whole(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "out.html"
    write_atomic(target, "<p>é</p>", make_parents=True)
    assert target.read_bytes() == "<p>é</p>".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["out.html"]


def test_a_missing_folder_is_not_created_unless_asked(tmp_path: Path) -> None:
    # A broken link or a typo in -o must not create folders anywhere on the disk.
    (tmp_path / "link").symlink_to(tmp_path / "nowhere" / "deeper" / "x")
    for target in (tmp_path / "typo" / "out.html", tmp_path / "link"):
        with pytest.raises(FileNotFoundError, match="no such folder"):
            write_atomic(target, "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link"]


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "secret.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real" / "policy.html"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.html"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.html", "real"]
    assert [p.name for p in real.parent.iterdir()] == ["policy.html"]


def test_a_dangling_symlink_gets_its_target_created(tmp_path: Path) -> None:
    link = tmp_path / "link.html"
    link.symlink_to(tmp_path / "target.html")
    write_atomic(link, "new")
    assert link.is_symlink() and (tmp_path / "target.html").read_text(encoding="utf-8") == "new"


def test_a_fifo_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as stream:
            received.append(stream.read())

    reader = threading.Thread(target=read)
    reader.start()
    write_atomic(fifo, b"x" * 200_000)  # more than a pipe's buffer
    reader.join(timeout=30)
    assert received == [b"x" * 200_000]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_device_is_written_to_not_replaced() -> None:
    devnull = Path(os.devnull)
    before = devnull.lstat()
    write_atomic(devnull, "discarded")
    after = devnull.lstat()
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_folder_or_a_socket_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        write_atomic(tmp_path, "x")
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(OSError, match="not a regular file"):
            write_atomic(path, "x")
        assert stat.S_ISSOCK(path.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.sock"]


def test_render_o_through_a_symlink_and_into_a_fifo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real = tmp_path / "real.md"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o600)
    link = tmp_path / "policy.md"
    link.symlink_to(real)
    assert main(["render", str(POLICY), "--format", "md", "-o", str(link)]) == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("# Cookie Policy")
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert main(["render", str(POLICY), "--format", "md", "-o", str(fifo)]) == 0
    reader.join(timeout=30)
    assert received and received[0].startswith(b"# Cookie Policy")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_render_o_to_a_socket_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        code = main(["render", str(POLICY), "--format", "md", "-o", str(path)])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.strip().endswith(f"{path}: cannot write: not a regular file, a FIFO or a device; not replaced")
    assert len(err.strip().splitlines()) == 1
