"""Which files in a `pledges/` folder are what (no parsing here, so listing them stays cheap)."""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

REVIEWS_FILE = "_reviews.yaml"


def is_pledge_name(name: str) -> bool:
    """Return True for a pledge file's name (files starting with `_` or `.` are not pledges)."""
    return name.endswith((".yaml", ".yml")) and not name.startswith(("_", "."))


def pledge_paths(folder: Path) -> list[Path]:
    """Return the pledge files of a folder, sorted by name."""
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        names = sorted(e.name for e in entries if is_pledge_name(e.name) and e.is_file())
    return [folder / name for name in names]


def scan(folder: Path | str, states: dict[str, tuple[int, int]] | None = None) -> str:
    """Return a digest of the names, sizes and mtimes of the review calendar and every pledge file, in directory order.

    Given `states`, also fill it with (size, mtime_ns) by file name. Every command calls this to notice edited pledge
    files, so it keeps nothing per file unless asked: on 10,000 files, holding an object per file costs as much again
    as the `stat` calls themselves. Equal digests mean an unchanged folder; a changed order only costs a full check.
    """
    digest = hasher()
    add = digest.update
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if not (name == REVIEWS_FILE or is_pledge_name(name)):
                    continue
                try:
                    if not entry.is_file():
                        continue
                    info = entry.stat()
                except FileNotFoundError:  # removed while listing: as if it had gone a moment earlier
                    continue
                # NUL and "/" cannot occur in a file name, so the records cannot run into each other.
                add(f"{name}/{info.st_size}/{info.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))
                if states is not None:
                    states[name] = (info.st_size, info.st_mtime_ns)
    except (FileNotFoundError, NotADirectoryError):
        pass  # no pledge folder: an empty listing
    return str(digest.hexdigest())


def hasher() -> hashlib.blake2b:
    """Return a new 128-bit BLAKE2b hash object (for change digests, not for security)."""
    return hashlib.blake2b(digest_size=16)
