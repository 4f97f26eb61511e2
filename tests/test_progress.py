"""The build's progress bar (rich), drawn only when stderr is a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_project


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_build_at_a_terminal_draws_the_bar_and_clears_it(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    leader, follower = os.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "policykit", "build", "--locale", "en", "-j", "1"],
            cwd=project, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower,
            env={**os.environ, "TERM": "xterm", "COLUMNS": "120"}, timeout=300,
        )  # fmt: skip
        os.close(follower)
        follower = -1
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end is closed: all is read
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    text = drawn.decode("utf-8", "replace")
    assert done.returncode == 0, text
    assert "Traceback" not in text
    assert "building" in text and "/" in text  # rich's bar: "building ━━━ 3/6 ..."
    assert "\x1b[" in text  # drawn with the terminal's escapes, then cleared (transient)
    assert any(" written, " in line for line in text.splitlines())  # the summary, after the bar
    assert (project / "site" / "en" / "index.html").is_file()
