"""Bring the database in line with the pledge files: cheap when nothing changed, all-or-nothing when something did.

Monitoring (`remind`, the daemon's tick) syncs leniently instead: valid changes are applied, and an invalid file
keeps its last valid definition (or stays out, if it never had one) until it is fixed, so one broken file does not
silence the reminders of every other pledge. Its problems are returned, and the listing's digest is not recorded,
so every later command looks at the file again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tracker.errors import PledgeFileError
from tracker.pledges.layout import REVIEWS_FILE, scan
from tracker.store import index
from tracker.store.db import Database

Problems = dict[str, list[str]]  # by file name, in the order found


@dataclass(frozen=True)
class SyncResult:
    """What a sync did: files re-read, revisions recorded, and (lenient syncs only) the problems of files left out."""

    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    revisions: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def sync(db: Database, folder: Path, today: date, lenient: bool = False, stamp: dict[str, str | None] | None = None) -> SyncResult:
    """Load changed pledge files into the database; on an invalid file raise PledgeFileError and change nothing,
    or, `lenient`, apply the rest and return the problems. Revisions seen carry `stamp` (author, reason) if given."""
    if index.files_digest(db) == scan(folder):
        return SyncResult()
    seen: dict[str, tuple[int, int]] = {}
    digest = scan(folder, seen)  # again, keeping each file's state: the digest must be of the listing applied
    if index.file_stats(db) == seen:  # unchanged files listed in another order, or no digest kept yet
        index.keep_files_digest(db, digest)
        return SyncResult()
    known = index.file_states(db)
    texts, files, problems = _read_changed(folder, seen, known)
    removed = sorted(set(known) - set(seen))
    batch, found = _parse(db, folder, texts, files, removed, problems)
    if found and not lenient:
        raise PledgeFileError([line for lines in found.values() for line in lines])
    batch = _without(batch, found, known)
    revisions = index.apply_sync(db, batch, today, None if found else digest, stamp)
    if revisions:
        _journal_revisions(db, folder.parent, revisions)
    applied = sorted(name for name in texts if name not in found)
    return SyncResult(applied, removed, revisions, [line for lines in found.values() for line in lines])


def _journal_revisions(db: Database, root: Path, revisions: list[dict[str, Any]]) -> None:
    """Write the revisions a sync saw to the journal, with ids that are the same in every clone that sees the edit."""
    from tracker.store import journal
    from tracker.store.core import write_txn

    entries = [{"id": r["entry_id"], "type": "revision", "pledge": r["pledge_id"], "item_kind": r["item_kind"], "item": r["item_id"],
                "field": r["field"], "old": r["old"], "new": r["new"], "date": r["date"], "entered_at": r["recorded_at"],
                "author": r["author"], "reason": r["reason"]}
               for r in revisions]
    with write_txn(db):
        journal.write(db, root, entries)


def sync_all(db: Database, root: Path, today: date, lenient: bool = False) -> SyncResult:
    """Bring the index in line with the workspace: pledge files; (once) the history recorded before the journal existed,
    written out to it, which gives those rows their ids first; then journal files not seen yet."""
    from tracker.store import journal

    result = sync(db, root / "pledges", today, lenient)
    journal.adopt(db, root)
    journal.take_in(db, root)
    return result


def _read_changed(folder: Path, seen: dict[str, tuple[int, int]], known: dict[str, tuple[int, int, str]]
                  ) -> tuple[dict[str, bytes], dict[str, tuple[int, int, str]], Problems]:
    """Read and hash the files whose size or mtime changed; a file removed meanwhile is as if removed before."""
    import hashlib

    from tracker.pledges.loader import read_limited

    texts: dict[str, bytes] = {}
    files: dict[str, tuple[int, int, str]] = {}
    problems: Problems = defaultdict(list)
    for name, (size, mtime) in seen.items():
        if name in known and known[name][:2] == (size, mtime):
            files[name] = known[name]
            continue
        try:
            raw = read_limited(folder / name)
        except FileNotFoundError:
            continue  # deleted while we listed (a `git pull` under the daemon): the next sync sees it gone
        except PledgeFileError as exc:
            problems[name] += exc.problems
            continue
        files[name] = (size, mtime, hashlib.sha256(raw).hexdigest())
        if name not in known or known[name][2] != files[name][2]:
            texts[name] = raw
    return texts, files, problems


def _duplicate_stems(folder: Path, names: list[str], problems: Problems) -> None:
    from tracker.pledges.loader import display

    seen: dict[str, str] = {}
    for name in sorted(names):
        stem = Path(name).stem
        if name != REVIEWS_FILE and stem in seen:
            problems[name].append(f"{display(folder / name)}:1: id: {stem!r} is also defined by {display(folder / seen[stem])}")
        seen.setdefault(stem, name)


def _parse(db: Database, folder: Path, texts: dict[str, bytes], files: dict[str, tuple[int, int, str]], removed: list[str],
           problems: Problems) -> tuple[index.SyncBatch, Problems]:
    """Parse the changed files; return the batch of everything that parsed, and the problems by file."""
    from tracker.pledges import loader as pledgefile

    _duplicate_stems(folder, list(files), problems)
    reviews = None
    calendar_changed = REVIEWS_FILE in texts or REVIEWS_FILE in removed
    if calendar_changed:
        try:
            reviews = pledgefile.parse_reviews(folder / REVIEWS_FILE, _decode(folder / REVIEWS_FILE, texts.get(REVIEWS_FILE)))
        except PledgeFileError as exc:
            problems[REVIEWS_FILE] += exc.problems
    parsed = []
    for name in sorted(set(texts) - {REVIEWS_FILE}):
        try:
            parsed.append((name, files[name][2], pledgefile.parse_pledge(folder / name, _decode(folder / name, texts[name]))))
        except PledgeFileError as exc:
            problems[name] += exc.problems
    known = set(reviews) if reviews is not None else index.review_ids(db)
    _reference_problems(db, folder, parsed, known, removed, calendar_changed, problems)
    return index.SyncBatch(parsed, reviews, files, removed), {name: lines for name, lines in problems.items() if lines}


def _without(batch: index.SyncBatch, bad: Problems, known: dict[str, tuple[int, int, str]]) -> index.SyncBatch:
    """Leave the files with problems out of a batch: each keeps its last synced state (and definition), if it had one."""
    if not bad:
        return batch
    files = {name: state for name, state in batch.files.items() if name not in bad}
    files.update({name: known[name] for name in bad if name in known})
    return index.SyncBatch([p for p in batch.pledges if p[0] not in bad], None if REVIEWS_FILE in bad else batch.reviews,
                           files, batch.removed)


def _decode(path: Path, raw: bytes | None) -> str | None:
    if raw is None:
        return None  # the review calendar was removed: the loader says what that means
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        from tracker.pledges.loader import display

        raise PledgeFileError([f"{display(path)}:1: file is not UTF-8 text ({exc.reason})"]) from None


def _reference_problems(db: Database, folder: Path, parsed: list[Any], reviews: set[str], removed: list[str],
                        calendar_changed: bool, problems: Problems) -> None:
    """Check that pledges name known reviews: the changed ones always, the others only when the calendar changed
    (a problem of an unchanged file is then the calendar's)."""
    from tracker.pledges import loader as pledgefile

    for name, _, pledge in parsed:
        problems[name] += pledgefile.check_references([(folder / name, pledge.reviews)], reviews)
    if calendar_changed:
        fresh = {name for name, _, _ in parsed}
        stale = {name: refs for name, refs in index.review_refs(db).items() if name not in fresh and name not in removed}
        problems[REVIEWS_FILE] += pledgefile.check_references([(folder / name, refs) for name, refs in sorted(stale.items())], reviews)
