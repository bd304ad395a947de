"""Which files in a `pledges/` folder are what (no parsing here, so listing them stays cheap)."""

from __future__ import annotations

import os
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


def file_states(folder: Path) -> dict[str, tuple[int, int]]:
    """Return size and mtime of the review calendar and every pledge file, by file name (one pass, no sorting)."""
    states = {}
    try:
        with os.scandir(folder) as entries:
            for e in entries:
                if (e.name == REVIEWS_FILE or is_pledge_name(e.name)) and e.is_file():
                    info = e.stat()
                    states[e.name] = (info.st_size, info.st_mtime_ns)
    except (FileNotFoundError, NotADirectoryError):
        return {}
    return states
