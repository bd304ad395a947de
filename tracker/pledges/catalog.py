"""The catalog shipped with the package, and `tracker init` which copies it into a new workspace."""

from __future__ import annotations

import shutil
from pathlib import Path

from tracker.errors import WorkspaceError

GITIGNORE = "tracker.db\ntracker.db-*\n*.tmp\n"


def catalog_root() -> Path:
    """Return the folder holding the bundled `pledges/` and `tracker.toml`."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "catalog"
    if (packaged / "pledges").is_dir():
        return packaged
    source_tree = package.parent
    if (source_tree / "pledges").is_dir() and (source_tree / "tracker.toml").is_file():
        return source_tree
    raise WorkspaceError("the bundled catalog is missing from this installation; reinstall pledge-tracker")


def scaffold(directory: Path, with_pledges: bool = True) -> int:
    """Create tracker.toml, pledges/, reports/ and .gitignore in `directory`; return pledge files copied."""
    pledges = directory / "pledges"
    if (directory / "tracker.toml").exists() or (pledges.is_dir() and any(pledges.iterdir())):
        raise WorkspaceError(f"{directory} already holds a workspace; choose an empty folder")
    source = catalog_root()
    pledges.mkdir(parents=True, exist_ok=True)
    (directory / "reports").mkdir(exist_ok=True)
    shutil.copyfile(source / "tracker.toml", directory / "tracker.toml")
    if not (directory / ".gitignore").exists():
        (directory / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    copied = 0
    for path in sorted((source / "pledges").glob("*.yaml")):
        if with_pledges or path.name.startswith("_"):
            shutil.copyfile(path, pledges / path.name)
            copied += not path.name.startswith("_")
    return copied
