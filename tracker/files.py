"""Every file the tool creates or replaces goes through here: atomically, never through a link, never over a device.

- A replaced file is written to a temporary file beside it, then renamed into place: readers see the old file or
  the new one, never half of one.
- The target must be a regular file or not exist: a symbolic link (which git can carry into a workspace), a device,
  a folder or a pipe is refused, never written through or replaced.
- A new file gets the mode the umask allows (the kernel applies it); a replaced file keeps its mode; `private`
  files (backups) are owner-only whatever the umask.
- A temporary file left by a process that was killed is removed by the next write into the same folder: its name
  holds the writer's process id, so it is recognised at once, whoever left it.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from collections.abc import Iterable
from pathlib import Path

from tracker.errors import TrackerError

TEMPORARY = re.compile(r"^\..+\.(\d+)\.[0-9a-f]{16}\.tmp$")
ABANDONED_AFTER_S = 3600  # a leftover whose writer cannot be checked (another host) is removed after an hour
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


class RefusedPath(TrackerError):
    """The tool will not write to this path: it is a link, a device, a folder or another special file."""


def check_target(path: Path) -> os.stat_result | None:
    """Return the target's own status (None: it does not exist yet), or refuse anything but a regular file."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise RefusedPath(f"{path}: is a symbolic link; the tool does not write through links (remove it or choose another name)")
    if not stat.S_ISREG(info.st_mode):
        raise RefusedPath(f"{path}: is not a regular file (a folder, device or pipe); choose a file name")
    return info


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (see the module docstring)."""
    atomic_write_chunks(path, [text])


def atomic_write_chunks(path: Path, chunks: Iterable[str], private: bool = False) -> None:
    """Write text produced in pieces (never whole in memory) atomically: the old file or the new one, never half."""
    tmp = temporary(path, private)
    try:
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def temporary(path: Path, private: bool = False) -> Path:
    """Create (empty) and return the temporary file that will replace `path`, with the mode `path` will have."""
    existing = check_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(8).hex()}.tmp")
    fd = os.open(tmp, NEW_FILE, 0o600 if private else 0o666)
    try:
        if existing is not None and not private:
            os.fchmod(fd, stat.S_IMODE(existing.st_mode))
    finally:
        os.close(fd)
    return tmp


def replace(tmp: Path, path: Path) -> None:
    """Rename a finished temporary file over `path` (checked again: it may have become a link meanwhile) durably."""
    check_target(path)
    tmp.replace(path)
    _sync_dir(path.parent)


def create_new(path: Path, data: bytes) -> None:
    """Create `path` with `data`; refuse if anything, a dangling link included, already has that name."""
    try:
        fd = os.open(path, NEW_FILE, 0o666)
    except FileExistsError:
        raise RefusedPath(f"{path}: already exists (or is a link); nothing was overwritten") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def clear_leftovers(folder: Path) -> None:
    """Remove temporary files of writers that are gone: killed processes on this host, or anything over an hour old."""
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = TEMPORARY.match(entry.name)
            if match and _abandoned(int(match.group(1)), entry):
                with contextlib.suppress(OSError):
                    Path(entry.path).unlink()


def _abandoned(pid: int, entry: os.DirEntry[str]) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        pass  # alive under another user, or not a process id at all: judge by age
    return entry.stat(follow_symlinks=False).st_mtime < time.time() - ABANDONED_AFTER_S


def _sync_dir(folder: Path) -> None:
    # The rename is durable only once the directory entry itself reaches the disk.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
