"""The catalog shipped with the package, and `tracker init` which copies it into a new workspace."""

from __future__ import annotations

import os
from pathlib import Path

from tracker.errors import WorkspaceError
from tracker.files import create_new

GITIGNORE = (
    "# The shared record is pledges/, journal/, reports/ and tracker.toml: commit them.\n"
    "# The index and what belongs to this machine stay out:\n"
    "tracker.db\ntracker.db-*\n.tracker-run.lock\n*.tmp\n"
)


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
    """Create tracker.toml, pledges/, reports/ and .gitignore in `directory`; return pledge files copied.

    Nothing is created through a link: a link under any of these names (even a dangling one) is refused, or, for
    an existing .gitignore, left as it is.
    """
    pledges = directory / "pledges"
    config = directory / "tracker.toml"
    if os.path.lexists(config) or (pledges.is_dir() and any(pledges.iterdir())):
        raise WorkspaceError(f"{directory} already holds a workspace (or a link named tracker.toml); choose an empty folder")
    for folder in (directory, pledges, directory / "reports"):
        if folder.is_symlink():
            raise WorkspaceError(f"{folder}: is a symbolic link; `tracker init` creates a workspace only in real folders")
    source = catalog_root()
    pledges.mkdir(parents=True, exist_ok=True)
    (directory / "reports").mkdir(exist_ok=True)
    create_new(config, (source / "tracker.toml").read_bytes())
    if not os.path.lexists(directory / ".gitignore"):
        create_new(directory / ".gitignore", GITIGNORE.encode("utf-8"))
    copied = 0
    for path in sorted((source / "pledges").glob("*.yaml")):
        if with_pledges or path.name.startswith("_"):
            create_new(pledges / path.name, path.read_bytes())
            copied += not path.name.startswith("_")
    return copied
