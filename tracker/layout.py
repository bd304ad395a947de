"""Which files in a `pledges/` folder are what (no parsing here, so listing them stays cheap)."""

from __future__ import annotations

from pathlib import Path

REVIEWS_FILE = "_reviews.yaml"


def pledge_paths(folder: Path) -> list[Path]:
    """Return the pledge files of a folder (files starting with `_` or `.` are not pledges)."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith(("_", ".")) and p.is_file()
    )
