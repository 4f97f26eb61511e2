"""Writing files all at once: to a temporary file beside the target, then a rename.

In: a path and its whole content. Out: the file, complete or untouched.

What the path already is decides how it is written:
- a regular file: replaced atomically, keeping its permission bits (a 0600 file stays
  0600) and, where the process may, its owner;
- a symbolic link: followed, and its target replaced atomically the same way (the link
  stays a link; a dangling link gets its target created);
- a FIFO, a character or block device (`-o /dev/stdout`, a pipe): written to directly,
  since it cannot be replaced, and must never be;
- a folder, a socket: refused with an OSError;
- nothing: created, mode 0644.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["refuse_package", "write_atomic"]

_NEW_FILE_MODE = 0o644


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(handle, view)
        view = view[written:]


def _write_special(path: Path, data: bytes) -> None:
    """A FIFO or a device: opened for writing (never created, never truncated away)."""
    handle = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    try:
        _write_all(handle, data)
    finally:
        os.close(handle)


def refuse_package(path: Path) -> None:
    """Raise PermissionError for a path inside the installed policykit package: what the
    user works on is their own project, never the package's copy (a source checkout of
    policykit, where the package sits beside its pyproject.toml, is a project)."""
    from policykit.resources import package_dir

    package = package_dir()
    if (package.parent / "pyproject.toml").is_file():
        return
    resolved = Path(os.path.realpath(path))
    if resolved == package or resolved.is_relative_to(package):
        raise PermissionError(errno.EACCES, "inside the installed policykit package, which policykit never changes",
                              str(path))  # fmt: skip


def write_atomic(
    path: str | os.PathLike[str], content: str | bytes, *, make_parents: bool = False, new_mode: int | None = None
) -> None:
    """Write `content` to `path` as described above. A missing folder is an error unless
    `make_parents`; a path inside the installed policykit package is always refused.
    `new_mode`: the mode of a file created anew (default 0644), for files that must stay
    private (a scan's HAR holds session cookies: 0600)."""
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    refuse_package(target)
    try:
        status: os.stat_result | None = os.stat(target)  # follows a symlink to what it names
    except FileNotFoundError:
        status = None
    if status is not None:
        if stat.S_ISFIFO(status.st_mode) or stat.S_ISCHR(status.st_mode) or stat.S_ISBLK(status.st_mode):
            _write_special(target, data)
            return
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, "not a regular file, a FIFO or a device; not replaced", str(target))
    if target.is_symlink():
        # Replace what the link names, in the link target's folder, so the link survives.
        target = Path(os.path.realpath(target))
    if make_parents:
        target.parent.mkdir(parents=True, exist_ok=True)
    elif not target.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder; policykit creates no folder for -o", str(target.parent))
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if status is None:
            os.chmod(temporary, _NEW_FILE_MODE if new_mode is None else new_mode)
        else:
            _keep_owner(temporary, status)
            os.chmod(temporary, stat.S_IMODE(status.st_mode))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _keep_owner(path: str, status: os.stat_result) -> None:
    """The replaced file's owner and group, where this process may set them."""
    if not hasattr(os, "chown"):
        return
    with contextlib.suppress(PermissionError):
        os.chown(path, status.st_uid, status.st_gid)
