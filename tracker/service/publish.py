"""`tracker publish`: a static accountability site (pages, open data, an Atom feed) written into one folder.

Every file is written atomically and deterministically (the same workspace and day give the same bytes), so a site
kept in git changes only where the record did. Pages of pledges or reviews that are gone are removed; nothing else in
the folder is touched. The folder and its sub-folders must be real folders: a planted symbolic link is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tracker.errors import UsageError
from tracker.files import RefusedPath, atomic_write
from tracker.store.db import Database
from tracker.workspace import Workspace

SUBFOLDERS = ("pledges", "reviews", "data")


@dataclass
class Site:
    """What a publish wrote and removed."""

    folder: Path
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def publish(db: Database, workspace: Workspace, today: date, folder: Path, base_url: str | None) -> Site:
    """Write the site for `today` into `folder`: index, a page per pledge and per review, data/ and feed.xml."""
    from tracker.interop.feed import atom_feed
    from tracker.interop.opendata import write_data
    from tracker.render import site as pages
    from tracker.views import site as views

    check_folder(folder, workspace)
    settings, site = workspace.settings, Site(folder)
    site.written.append(_write(folder / "index.html", pages.index_html(views.index_data(db, today, settings, workspace.root.name))))
    for pledge_id in views.pledge_ids(db):
        site.written.append(_write(folder / "pledges" / f"{pledge_id}.html", pages.pledge_html(views.pledge_data(db, pledge_id, today, settings))))
    for review_id in views.review_ids(db):
        site.written.append(_write(folder / "reviews" / f"{review_id}.html", pages.review_html(views.review_data(db, review_id, today, settings))))
    site.written += write_data(db, workspace, today, folder / "data")
    title = f"Pledges: {workspace.root.name}"
    site.written.append(_write(folder / "feed.xml", atom_feed(db, today, settings, title, base_url)))
    site.removed = _remove_stale(folder, set(site.written))
    return site


def check_folder(folder: Path, workspace: Workspace) -> None:
    """Refuse a folder that is the workspace itself or its pledge folder, or that is (or holds) a symbolic link."""
    resolved = folder.resolve()
    if resolved in (workspace.root.resolve(), workspace.pledges_dir.resolve()) or workspace.pledges_dir.resolve() in resolved.parents:
        raise UsageError(f"{folder}: publish into a folder of its own (e.g. site/), not the workspace or its pledges/")
    for path in (folder, *(folder / sub for sub in SUBFOLDERS)):
        if path.is_symlink():
            raise RefusedPath(f"{path}: is a symbolic link; the site is written into real folders only")
        if path.exists() and not path.is_dir():
            raise RefusedPath(f"{path}: is not a folder")


def _write(path: Path, text: str) -> Path:
    atomic_write(path, text)
    return path


def _remove_stale(folder: Path, written: set[Path]) -> list[Path]:
    """Remove the pages of pledges and reviews no longer in the workspace (only .html files in those folders)."""
    stale = [p for sub in ("pledges", "reviews") if (folder / sub).is_dir() for p in sorted((folder / sub).glob("*.html"))
             if p not in written and p.is_file() and not p.is_symlink()]
    for path in stale:
        path.unlink()
    return stale
