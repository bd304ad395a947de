"""Bring the database in line with the pledge files: cheap when nothing changed, all-or-nothing when something did."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tracker.errors import PledgeFileError
from tracker.pledges.layout import REVIEWS_FILE, scan
from tracker.store import index
from tracker.store.db import Database


@dataclass(frozen=True)
class SyncResult:
    """What a sync did: files re-read and revisions recorded."""

    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    revisions: list[dict[str, Any]] = field(default_factory=list)


def sync(db: Database, folder: Path, today: date) -> SyncResult:
    """Load changed pledge files into the database, or raise PledgeFileError and change nothing."""
    if index.files_digest(db) == scan(folder):
        return SyncResult()
    seen: dict[str, tuple[int, int]] = {}
    digest = scan(folder, seen)  # again, keeping each file's state: the digest must be of the listing applied
    if index.file_stats(db) == seen:  # unchanged files listed in another order, or no digest kept yet
        index.keep_files_digest(db, digest)
        return SyncResult()
    known = index.file_states(db)
    import hashlib

    texts, files = {}, {}
    for name, (size, mtime) in seen.items():
        if name in known and known[name][:2] == (size, mtime):
            files[name] = known[name]
            continue
        raw = (folder / name).read_bytes()
        files[name] = (size, mtime, hashlib.sha256(raw).hexdigest())
        if name not in known or known[name][2] != files[name][2]:
            texts[name] = raw
    removed = sorted(set(known) - set(seen))
    batch = _parse(db, folder, texts, files, removed)
    revisions = index.apply_sync(db, batch, today, digest)
    return SyncResult(sorted(texts), removed, revisions)


def _duplicate_stems(folder: Path, names: list[str]) -> list[str]:
    from tracker.pledges.loader import display

    seen: dict[str, str] = {}
    problems = []
    for name in sorted(names):
        stem = Path(name).stem
        if name != REVIEWS_FILE and stem in seen:
            problems.append(f"{display(folder / name)}:1: id: {stem!r} is also defined by {display(folder / seen[stem])}")
        seen.setdefault(stem, name)
    return problems


def _parse(db: Database, folder: Path, texts: dict[str, bytes], files: dict[str, tuple[int, int, str]], removed: list[str]) -> index.SyncBatch:
    from tracker.pledges import loader as pledgefile

    problems = _duplicate_stems(folder, list(files))
    reviews = None
    calendar_changed = REVIEWS_FILE in texts or REVIEWS_FILE in removed
    if calendar_changed:
        try:
            reviews = pledgefile.parse_reviews(folder / REVIEWS_FILE)
        except PledgeFileError as exc:
            problems += exc.problems
    parsed = []
    for name in sorted(texts):
        if name == REVIEWS_FILE:
            continue
        try:
            pledge = pledgefile.parse_pledge(folder / name, _decode(folder / name, texts[name]))
            parsed.append((name, files[name][2], pledge))
        except PledgeFileError as exc:
            problems += exc.problems
    known = set(reviews) if reviews is not None else index.review_ids(db)
    problems += _reference_problems(db, folder, parsed, known, removed, calendar_changed)
    if problems:
        raise PledgeFileError(problems)
    return index.SyncBatch(parsed, reviews, files, removed)


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        from tracker.pledges.loader import display

        raise PledgeFileError([f"{display(path)}:1: file is not UTF-8 text ({exc.reason})"]) from None


def _reference_problems(
    db: Database, folder: Path, parsed: list[Any], reviews: set[str], removed: list[str], calendar_changed: bool
) -> list[str]:
    """Check that pledges name known reviews: the changed ones always, the others only when the calendar changed."""
    from tracker.pledges import loader as pledgefile

    fresh = {name for name, _, _ in parsed}
    checked = [(folder / name, pledge.reviews) for name, _, pledge in parsed]
    if calendar_changed:
        stale = {name: refs for name, refs in index.review_refs(db).items() if name not in fresh and name not in removed}
        checked += [(folder / name, refs) for name, refs in stale.items() if set(refs) - reviews]
    return pledgefile.check_references(checked, reviews)
