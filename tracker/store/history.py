"""History writes: reported statuses, readings and milestone completions, one insert path for each kind of row."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from datetime import date

from tracker.errors import ConflictError
from tracker.store.core import require_item, require_pledge, rows, utc_now, write_txn
from tracker.store.db import Database

BATCH = 5000
# pledge, indicator, ISO day, numeric value, text value, source, note
ReadingRow = tuple[str, str, str, float | None, str | None, str | None, str | None]


def add_update(db: Database, pledge_id: str, status: str, note: str, source: str | None, on: date, author: str | None) -> int:
    """Record a reported status with its note, source and author."""
    with write_txn(db):
        require_pledge(db, pledge_id)
        row = {"pledge_id": pledge_id, "date": on.isoformat(), "status": status, "note": note, "source": source,
               "recorded_at": utc_now(), "author": author}
        return db.insert("status_updates", row)


def add_reading(db: Database, pledge_id: str, indicator_id: str, value: float | str, on: date, source: str | None, note: str | None,
                author: str | None) -> None:
    """Record one indicator reading (the value is already checked against the indicator's kind)."""
    with write_txn(db):
        require_pledge(db, pledge_id)
        require_item(db, "indicators", pledge_id, indicator_id)
        _insert(db, [reading_row(pledge_id, indicator_id, on, value, source, note)], utc_now(), author)


def reading_row(pledge_id: str, indicator_id: str, on: date, value: float | str, source: str | None, note: str | None) -> ReadingRow:
    """Return a checked value as a reading row: numbers in the numeric column, the rest as text."""
    number = value if isinstance(value, float) else None
    return (pledge_id, indicator_id, on.isoformat(), number, None if number is not None else str(value), source, note)


def add_completion(db: Database, pledge_id: str, milestone_id: str, on: date, evidence: str | None, author: str | None) -> int:
    """Record that a milestone was done; a milestone already done is reported, not doubled."""
    with write_txn(db):
        require_pledge(db, pledge_id)
        require_item(db, "milestones", pledge_id, milestone_id)
        done = rows(db, "SELECT date FROM milestone_completions WHERE pledge_id = ? AND milestone_id = ?", [pledge_id, milestone_id])
        if done:
            raise ConflictError(f"milestone {milestone_id!r} of {pledge_id!r} was already recorded done on {done[0]['date']}")
        row = {"pledge_id": pledge_id, "milestone_id": milestone_id, "date": on.isoformat(), "evidence": evidence,
               "recorded_at": utc_now(), "author": author}
        return db.insert("milestone_completions", row)


def insert_readings(db: Database, readings: Iterable[ReadingRow], checked_against: dict[str, str], author: str | None,
                    advance: Callable[[int], None] | None = None) -> int:
    """Insert checked readings in one transaction, if the pledges they were checked against (id: file hash) are unchanged."""
    now = utc_now()
    count = 0
    with write_txn(db):
        _recheck(db, checked_against)
        found = iter(readings)
        while batch := list(itertools.islice(found, BATCH)):
            _insert(db, batch, now, author)
            count += len(batch)
            if advance:
                advance(len(batch))
    return count


def _insert(db: Database, readings: list[ReadingRow], now: str, author: str | None) -> None:
    db.conn.executemany(
        """INSERT INTO readings (pledge_id, indicator_id, date, value_num, value_text, source, note, recorded_at, author)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [(*row, now, author) for row in readings],
    )


def _recheck(db: Database, checked_against: dict[str, str]) -> None:
    # Another process may have synced edited pledge files between validation and this transaction.
    current = dict(db.conn.execute("SELECT id, sha256 FROM pledges WHERE removed_at IS NULL").fetchall())
    changed = sorted(p for p, sha in checked_against.items() if current.get(p) != sha)
    if changed:
        raise ConflictError(f"pledge files changed while importing ({', '.join(changed[:5])}); nothing was recorded, run the import again")
