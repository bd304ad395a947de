"""Which files in a `pledges/` folder are what (no parsing here, so listing them stays cheap)."""

from __future__ import annotations

import os
from pathlib import Path

REVIEWS_FILE = "_reviews.yaml"


def pledge_paths(folder: Path) -> list[Path]:
    """Return the pledge files of a folder (files starting with `_` or `.` are not pledges)."""
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        names = sorted(
            e.name for e in entries if e.name.endswith((".yaml", ".yml")) and not e.name.startswith(("_", ".")) and e.is_file()
        )
    return [folder / name for name in names]
