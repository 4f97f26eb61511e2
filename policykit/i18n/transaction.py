"""Several catalogue files replaced as one: all of the new set, or all of the old.

In: a locales folder and the new bytes of each file inside it. Out: the files, all
replaced, or (killed before the commit point) all untouched.

How: every new file is written and synced beside its target first (`.NAME.XXXXXXXX.new`);
then a journal naming each (new file, target) pair is written atomically into the
locales folder: that one rename is the commit point. Then each new file is renamed over
its target and the journal removed. A run killed after the commit leaves the journal:
`recover` (which every command that reads or writes catalogues calls first) finishes
the renames, so the set is the new one; killed before it, `recover` removes the new
files, so the set is the old one. Between the kill and the next command the files on
disk may be part old, part new; no policykit command reads them so.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from policykit.atomic import refuse_package, write_atomic

__all__ = ["JOURNAL", "recover", "replace_all"]

JOURNAL = ".policykit-i18n-journal.json"
_NEW = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.new\Z")
# The journal as write_atomic writes it before the rename that commits (`.JOURNAL.XXXXXXXX.tmp`).
_JOURNAL_WRITTEN = re.compile(re.escape(f".{JOURNAL}.") + r"[A-Za-z0-9_]{8}\.tmp\Z")


def _fsync(path: Path) -> None:
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _stage(target: Path, data: bytes) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".new", dir=target.parent)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
        os.fsync(handle)
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = 0o644
        os.fchmod(handle, mode)
    finally:
        os.close(handle)
    return Path(name)


def _finish(folder: Path, pairs: list[tuple[str, str]]) -> None:
    for new, target in pairs:
        staged = folder / new
        if staged.exists():
            os.replace(staged, folder / target)
    for parent in sorted({(folder / target).parent for _, target in pairs}):
        _fsync(parent)
    (folder / JOURNAL).unlink(missing_ok=True)
    _fsync(folder)


def recover(folder: Path) -> None:
    """Finish a committed replacement a killed run left, and remove the new files (and the
    half-written journal) of one killed before its commit point."""
    if not folder.is_dir():
        return
    journal = folder / JOURNAL
    if journal.is_file():
        try:
            pairs = [(str(a), str(b)) for a, b in json.loads(journal.read_text(encoding="utf-8"))["files"]]
        except (OSError, ValueError, KeyError, TypeError):
            pairs = []  # written atomically, so never half; unreadable means not ours
        safe = all(not Path(p).is_absolute() and ".." not in Path(p).parts for pair in pairs for p in pair)
        _finish(folder, pairs if safe else [])
    for path in folder.rglob(".*.new"):
        if _NEW.match(path.name) and path.is_file():
            path.unlink(missing_ok=True)
    # a journal killed while it was written, before its rename: the set was not committed
    for path in folder.glob(f".{JOURNAL}.*.tmp"):
        if _JOURNAL_WRITTEN.match(path.name) and path.is_file():
            path.unlink(missing_ok=True)


def replace_all(folder: Path, files: Mapping[Path, bytes]) -> None:
    """Replace every file of `files` (each inside `folder`) with its bytes, as one."""
    refuse_package(folder)
    recover(folder)
    root = Path(os.path.abspath(folder))
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            absolute = Path(os.path.abspath(target))
            absolute.relative_to(root)  # ValueError: a file outside the folder, a bug
            staged.append((_stage(absolute, data), absolute))
        pairs = [(new.relative_to(root).as_posix(), target.relative_to(root).as_posix()) for new, target in staged]
        write_atomic(root / JOURNAL, json.dumps({"files": pairs}, indent=1) + "\n")  # the commit point
    except BaseException:
        for new, _ in staged:
            new.unlink(missing_ok=True)
        raise
    _finish(root, pairs)
