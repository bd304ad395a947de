"""Pledge definitions in the index: what the last sync saw of the files, and the validated batch a sync writes."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from tracker.errors import StoreError
from tracker.store.core import fast_rows, rows, upsert, utc_now, write_txn
from tracker.store.db import Database

if TYPE_CHECKING:
    from tracker.pledges.models import Indicator, Pledge, Review


def files_digest(db: Database) -> str | None:
    """Return the digest of the pledge folder listing the database was last synced with (layout.scan)."""
    return db.execute("SELECT files_digest FROM cache_state WHERE id = 1").fetchone()[0]  # type: ignore[no-any-return]


def keep_files_digest(db: Database, digest: str) -> None:
    """Record that the database is in sync with a listing whose files are all unchanged; skipped if it cannot write."""
    try:
        with write_txn(db):
            db.execute("UPDATE cache_state SET files_digest = ? WHERE id = 1", [digest])
    except (StoreError, sqlite3.OperationalError):
        pass  # a read-only or long-busy database: the next command compares the files row by row again


def file_stats(db: Database) -> dict[str, tuple[int, int]]:
    """Return size and mtime of every synced file (what the unchanged check compares)."""
    return {path: (size, mtime) for path, size, mtime in db.execute("SELECT path, size, mtime_ns FROM source_files")}


def file_states(db: Database) -> dict[str, tuple[int, int, str]]:
    """Return the size, mtime and hash of every source file as last synced."""
    return {r["path"]: (r["size"], r["mtime_ns"], r["sha256"]) for r in fast_rows(db, "SELECT path, size, mtime_ns, sha256 FROM source_files")}


def review_ids(db: Database) -> set[str]:
    """Return the ids of the review calendar as last synced."""
    return {r["id"] for r in rows(db, "SELECT id FROM reviews WHERE removed_at IS NULL")}


def review_refs(db: Database) -> dict[str, list[str]]:
    """Return, per active pledge file, the review ids it names."""

    return {r["path"]: json.loads(r["reviews"]) for r in rows(db, "SELECT path, reviews FROM pledges WHERE removed_at IS NULL")}


def apply_sync(db: Database, batch: SyncBatch, today: date, digest: str | None,
               stamp: dict[str, str | None] | None = None) -> list[dict[str, Any]]:
    """Write a validated batch of definitions and the digest of its listing (None: a file was left out, keep none)
    in one transaction; return the revisions, each with the `author` and `reason` of `stamp` (`tracker revise`)."""
    now = utc_now()
    revisions: list[dict[str, Any]] = []
    with write_txn(db):
        db.execute("UPDATE cache_state SET files_digest = ? WHERE id = 1", [digest])
        current = file_states(db)
        if all(current.get(path) == state for path, state in batch.files.items()) and not (set(current) - set(batch.files)):
            return []  # another process synced the same files first
        if batch.reviews is not None:
            _sync_reviews(db, batch.reviews, now)
        for path, sha, pledge in batch.pledges:
            revisions += _sync_pledge(db, path, sha, pledge, today, now, stamp or {})
        for path in batch.removed:
            db.execute("UPDATE pledges SET removed_at = ? WHERE path = ? AND removed_at IS NULL", [now, path])
        for path in set(current) - set(batch.files):
            db.execute("DELETE FROM source_files WHERE path = ?", [path])
        for p, state in batch.files.items():
            if current.get(p) != state:
                upsert(db, "source_files", {"path": p, "size": state[0], "mtime_ns": state[1], "sha256": state[2], "synced_at": now}, ("path",))
    return revisions


@dataclass(frozen=True)
class SyncBatch:
    """What a sync writes: parsed pledges, the review calendar, file states and removed files."""

    pledges: list[tuple[str, str, Pledge]]
    reviews: dict[str, Review] | None
    files: dict[str, tuple[int, int, str]]
    removed: list[str]


def _sync_reviews(db: Database, reviews: dict[str, Review], now: str) -> None:
    db.execute("UPDATE reviews SET removed_at = ? WHERE removed_at IS NULL", [now])
    for review in reviews.values():
        upsert(db, "reviews", {"id": review.id, "title": review.title, "first": str(review.first), "every_years": review.every_years,
             "definition": review.model_dump_json(), "removed_at": None}, ("id",))


def revision_id(revision: dict[str, Any], sha: str) -> str:
    """Return the id of a revision seen in a pledge file: the same edit, synced in any clone, has the same id."""
    import hashlib

    key = "\0".join(str(revision[k]) for k in ("pledge_id", "item_kind", "item_id", "field", "old", "new")) + "\0" + sha
    return "rev-" + hashlib.blake2b(key.encode(), digest_size=10).hexdigest()


def _revision(pledge_id: str, kind: str, item_id: str, field: str, old: str | None, new: str | None, today: date, now: str) -> dict[str, Any]:
    return {"pledge_id": pledge_id, "item_kind": kind, "item_id": item_id, "field": field,
            "old": old, "new": new, "date": today.isoformat(), "recorded_at": now}


def _sync_pledge(db: Database, path: str, sha: str, pledge: Pledge, today: date, now: str,
                 stamp: dict[str, str | None]) -> list[dict[str, Any]]:

    old = rows(db, "SELECT due_text FROM pledges WHERE id = ?", [pledge.id])
    revisions = []
    new_due = str(pledge.due.date)
    if old and old[0]["due_text"] != new_due:
        revisions.append(_revision(pledge.id, "pledge", pledge.id, "due", old[0]["due_text"], new_due, today, now))
    upsert(db, "pledges", {"id": pledge.id, "title": pledge.title, "owner": pledge.owner,
         "start_text": str(pledge.start.date) if pledge.start else None, "due_text": new_due,
         "due_date": pledge.due.date.end.isoformat(), "due_precision": pledge.due.date.precision,
         "frameworks": json.dumps(pledge.frameworks), "reviews": json.dumps(pledge.reviews),
         "report_every_days": pledge.report_every_days, "path": path, "sha256": sha,
         "definition": pledge.model_dump_json(), "synced_at": now, "removed_at": None}, ("id",))
    revisions += _sync_milestones(db, pledge, today, now) + _sync_indicators(db, pledge, today, now)
    for revision in revisions:
        revision.update(entry_id=revision_id(revision, sha), author=stamp.get("author"), reason=stamp.get("reason"))
    if revisions:
        db.insert_all("revisions", revisions, ignore=True)  # the same edit made twice (a flip back and forth) is one id
    return revisions


def _sync_milestones(db: Database, pledge: Pledge, today: date, now: str) -> list[dict[str, Any]]:
    existing = {r["id"]: r for r in rows(db, "SELECT id, due_text FROM milestones WHERE pledge_id = ?", [pledge.id])}
    revisions = []
    for position, m in enumerate(pledge.milestones):
        if m.id in existing and existing[m.id]["due_text"] != str(m.due):
            revisions.append(_revision(pledge.id, "milestone", m.id, "due", existing[m.id]["due_text"], str(m.due), today, now))
        upsert(db, "milestones", {"pledge_id": pledge.id, "id": m.id, "position": position, "title": m.title, "due_text": str(m.due),
             "due_date": m.due.end.isoformat(), "due_precision": m.due.precision, "assumed": int(m.assumed), "removed_at": None}, ("pledge_id", "id"))
    gone = set(existing) - {m.id for m in pledge.milestones}
    for milestone_id in gone:
        db.execute("UPDATE milestones SET removed_at = coalesce(removed_at, ?) WHERE pledge_id = ? AND id = ?", [now, pledge.id, milestone_id])
    return revisions


def canonical(value: object) -> str:
    """Return a value as stored text: 3 and 3.0 are both '3', so rewriting a number records no revision."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _target_text(indicator: Indicator) -> str | None:
    if indicator.target is None:
        return None
    return f"{canonical(indicator.target.value)} by {indicator.target.date}"


def _sync_indicators(db: Database, pledge: Pledge, today: date, now: str) -> list[dict[str, Any]]:

    existing = {r["id"]: r for r in rows(db, "SELECT id, target_value, target_date FROM indicators WHERE pledge_id = ?", [pledge.id])}
    revisions = []
    for position, ind in enumerate(pledge.indicators):
        new_target = _target_text(ind)
        if ind.id in existing:
            old = existing[ind.id]
            old_target = f"{old['target_value']} by {old['target_date']}" if old["target_value"] is not None else None
            if old_target != new_target:
                revisions.append(_revision(pledge.id, "indicator", ind.id, "target", old_target, new_target, today, now))
        upsert(db, "indicators", {"pledge_id": pledge.id, "id": ind.id, "position": position, "title": ind.title, "kind": ind.kind,
             "unit": ind.unit, "direction": ind.direction,
             "baseline_value": canonical(ind.baseline.value) if ind.baseline else None,
             "baseline_date": str(ind.baseline.date) if ind.baseline else None,
             "target_value": canonical(ind.target.value) if ind.target else None,
             "target_date": str(ind.target.date) if ind.target else None, "removed_at": None,
             "method": ind.method, "levels": json.dumps(ind.levels),
             "thresholds": json.dumps(ind.thresholds.model_dump() if ind.thresholds else None)}, ("pledge_id", "id"))
    for indicator_id in set(existing) - {i.id for i in pledge.indicators}:
        db.execute("UPDATE indicators SET removed_at = coalesce(removed_at, ?) WHERE pledge_id = ? AND id = ?", [now, pledge.id, indicator_id])
    return revisions
