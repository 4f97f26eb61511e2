"""Publishing a built site: the new site swapped in whole, or nothing changed.

In: the output folder, the previous manifest's entries and this build's, the bytes of
what was rendered or changed, and the build's id. Out: the new site in place of the old,
its manifest written last into it; or BuildError for a folder that cannot be used.

- One build at a time per output folder: a lock on a file of its own beside it.
- The new site is assembled in a staging folder beside the output folder (an unchanged
  output is a hard link to the old one, a file of the user's moves over as it is) and
  swapped in with one rename (an atomic exchange where the system has one), so a killed
  or failed build leaves the previous complete site. What another process wrote into the
  folder meanwhile is moved into the new one.
- What a killed build left (staging folders, a site moved aside halfway through a swap,
  temporary files) is cleaned up, or put back, by the next one.
- Never into the filesystem's root, the user's home, the project's root or a folder
  holding its policy, configuration or locales: the swap replaces the folder as a whole.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policykit import __version__
from policykit.build.plan import MANIFEST, MANIFEST_VERSION
from policykit.errors import PolicykitError

if TYPE_CHECKING:
    from policykit.project import Project

__all__ = ["BuildError"]

_STAGING = "policykit-staging"
_OLD = "policykit-old"
_LOCK = ".policykit-lock"
# What policy.atomic.write_atomic leaves behind when killed: `.NAME.xxxxxxxx.tmp`.
_ORPHAN_TMP = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp\Z")


class BuildError(PolicykitError):
    """The output folder cannot be used (not a folder, another build writing into it)."""


def clean_orphans(site: Path) -> None:
    """Remove what a killed build left: staging folders beside the site, and the
    temporary files of single-file writes inside it. A site moved aside by a swap that
    was killed halfway is moved back first."""
    parent = site.parent
    prefix = f".{site.name}."
    leftovers = sorted(p for p in parent.iterdir() if p.name.startswith(prefix) and p.is_dir())
    for path in leftovers:
        if path.name.startswith(prefix + _OLD) and (path / "site").is_dir() and not site.exists():
            (path / "site").rename(site)  # the previous complete site, put back
    for path in leftovers:
        if path.exists() and (path.name.startswith(prefix + _STAGING) or path.name.startswith(prefix + _OLD)):
            shutil.rmtree(path, ignore_errors=True)
    if site.is_dir():
        for path in site.rglob(".*.tmp"):
            if _ORPHAN_TMP.match(path.name) and path.is_file():
                path.unlink(missing_ok=True)


@contextmanager
def locked(site: Path) -> Iterator[None]:
    """One build at a time per output folder: an advisory lock on a file of its own beside
    it (`.site.policykit-lock`, there while the build runs; the folder itself is swapped,
    so cannot hold it), so that two builds into different folders of one parent do not
    refuse each other."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    lock = site.parent / f".{site.name}{_LOCK}"
    handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(handle).st_ino != os.stat(lock).st_ino:
                raise BlockingIOError  # the file was removed by a build that just ended
        except (BlockingIOError, FileNotFoundError):
            raise BuildError(f"{site}: another build is writing here") from None
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)  # removed while held: nothing is left beside the site
    finally:
        os.close(handle)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the
    system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(a))


def _swap_in(staging: Path, site: Path, ours: Collection[str] = ()) -> None:
    if not site.exists():
        os.rename(staging, site)
    elif _exchange(staging, site):
        _rescue(staging, site, ours)
        shutil.rmtree(staging)  # now the previous site
    else:
        old = Path(tempfile.mkdtemp(prefix=f".{site.name}.{_OLD}-", dir=site.parent))
        os.rename(site, old / "site")
        os.rename(staging, site)
        _rescue(old / "site", site, ours)
        shutil.rmtree(old)
    _fsync_dir(site.parent)


def _rescue(old: Path, site: Path, ours: Collection[str]) -> None:
    """Files another process wrote into the output folder while the build ran (after they
    were carried over): moved from the previous site into the new one, never lost."""
    for path in sorted(old.rglob("*")):
        relative = path.relative_to(old).as_posix()
        if relative in ours or _ORPHAN_TMP.match(path.name) or (path.is_dir() and not path.is_symlink()):
            continue
        target = site / relative
        if not target.exists() and not target.is_symlink():
            with suppress(OSError):
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(path, target)


def _fsync_dir(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.chmod(path, 0o644)


def refuse_dangerous(site: Path, project: Project) -> None:
    """The swap replaces the output folder as a whole: never the filesystem's root, the
    user's home, the project's root, or a folder holding the policy, its configuration
    or its locales."""
    from policykit.atomic import refuse_package

    try:
        refuse_package(site)  # the installed package is never an output folder
    except PermissionError as error:
        raise BuildError(f"{site}: {error.strerror}") from None
    real = site.resolve()
    try:
        home: Path | None = Path.home().resolve()
    except (RuntimeError, KeyError):
        home = None
    held = [project.policy, project.locales, *((project.config,) if project.config is not None else ())]
    if real == Path(real.anchor) or real == home:
        why = "the filesystem's root" if real == Path(real.anchor) else "your home folder"
    elif real == project.root.resolve() or any(real == h.resolve() or real in h.resolve().parents for h in held):
        why = "a folder that holds the project's policy or locales"
    else:
        return
    raise BuildError(f"{site}: refusing to build into {why} (the build replaces its output folder); give another -o")


def _carry(source: Path, target: Path) -> None:
    """An unchanged output or a file of the user's, into the new site."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)  # never modified in place, so sharing the inode is safe
    except OSError:
        shutil.copy2(source, target)


def _same_entries(old: Path, new: Path) -> bool:
    try:
        return sorted(os.listdir(old)) == sorted(os.listdir(new))
    except OSError:
        return False


def _keep_folder_modes(site: Path, staging: Path) -> None:
    """Every folder of the new site has the mode, owner and (when its entries are the
    same) times of the same folder in the old one (the output folder too, but its times);
    new folders get 0755. Deepest first, so a read-only folder is
    made so after what is inside it."""
    folders = [staging, *(p for p in staging.rglob("*") if p.is_dir() and not p.is_symlink())]
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        old = site / folder.relative_to(staging)
        try:
            before = old.stat() if old.is_dir() and not old.is_symlink() else None
        except OSError:
            before = None
        if before is None:
            os.chmod(folder, 0o755)
            continue
        # A build run as root (a deploy job) keeps each folder's owner, and a folder the
        # build wrote nothing new into keeps its times, as they were.
        now = os.stat(folder)
        if hasattr(os, "chown") and (before.st_uid, before.st_gid) != (now.st_uid, now.st_gid):
            with suppress(OSError):
                os.chown(folder, before.st_uid, before.st_gid)
        os.chmod(folder, before.st_mode & 0o7777)
        if folder != staging and _same_entries(old, folder):
            with suppress(OSError):
                os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))


def publish(
    site: Path,
    previous: dict[str, Any],
    current: dict[str, dict[str, str]],
    fresh: dict[str, bytes],
    build_id: str,
) -> None:
    """Assemble the new site in a staging folder beside `site`, then swap it in."""
    staging = Path(tempfile.mkdtemp(prefix=f".{site.name}.{_STAGING}-", dir=site.parent))
    try:
        for name in current:
            if name in fresh:
                _write(staging / name, fresh[name])
            else:
                _carry(site / name, staging / name)
        if site.is_dir():
            # Only what a build wrote (the previous manifest's outputs, this one's) is
            # replaced or removed; everything else is the user's and moves over as it is.
            ours = set(previous) | set(current) | {MANIFEST}
            for path in sorted(site.rglob("*")):
                relative = path.relative_to(site).as_posix()
                if relative in ours or _ORPHAN_TMP.match(path.name):
                    continue
                if path.is_dir() and not path.is_symlink():
                    if not any(path.iterdir()):  # a folder with files gets made for them
                        (staging / relative).mkdir(parents=True, exist_ok=True)
                elif not (staging / relative).exists():
                    _carry(path, staging / relative)
        manifest = {
            "manifest": MANIFEST_VERSION,
            "generator": f"policykit {__version__}",
            "build_id": build_id,
            "outputs": dict(sorted(current.items())),
        }
        _write(staging / MANIFEST, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"))
        for folder in sorted({(staging / name).parent for name in current}):
            _fsync_dir(folder)
        _keep_folder_modes(site, staging)
        _swap_in(staging, site, set(previous) | set(current) | {MANIFEST})
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
