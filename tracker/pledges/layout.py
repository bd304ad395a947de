"""Which files in a `pledges/` folder are what (no parsing here, so listing them stays cheap)."""

from __future__ import annotations

import os
import zlib
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
    files, so it costs one `stat` per file and one short record each, checksummed at the end. Equal digests mean an
    unchanged folder; a changed order only costs a full check.
    """
    records: list[str] = []
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
                records.append(f"{name}/{info.st_size}/{info.st_mtime_ns}\0")
                if states is not None:
                    states[name] = (info.st_size, info.st_mtime_ns)
    except (FileNotFoundError, NotADirectoryError):
        pass  # no pledge folder: an empty listing
    data = "".join(records).encode("utf-8", "surrogateescape")
    # Two checksums and the length notice any change of the listing, and zlib loads far faster than a hash library.
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(data):x}"
