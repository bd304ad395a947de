"""History writes: reported statuses, readings and milestone completions, each written to the journal and indexed.

Every write checks what it must (the pledge, the indicator, a milestone not done yet) inside one write transaction,
writes the entries to a new journal file, indexes them, and commits: one path for each kind of row.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from tracker.errors import ConflictError, UnknownError
from tracker.store import journal
from tracker.store.core import require_item, require_pledge, rows, utc_now, write_txn
from tracker.store.db import Database

BATCH = 5000
# pledge, indicator, ISO day, numeric value, text value, source, note
ReadingRow = tuple[str, str, str, float | None, str | None, str | None, str | None]


def add_update(db: Database, root: Path, pledge_id: str, status: str, note: str, source: str | None, on: date,
               author: str | None, at: str | None = None) -> None:
    """Record a reported status with its note, source and author (entered `at`, a UTC instant; default now)."""
    with write_txn(db):
        require_pledge(db, pledge_id)
        journal.write(db, root, [{"type": "update", "pledge": pledge_id, "date": on.isoformat(), "status": status, "note": note,
                                  "source": source, "author": author, "entered_at": at or utc_now()}])


def add_reading(db: Database, root: Path, pledge_id: str, indicator_id: str, value: float | str, on: date, source: str | None,
                note: str | None, author: str | None, at: str | None = None) -> None:
    """Record one indicator reading (the value is already checked against the indicator's kind)."""
    with write_txn(db):
        require_pledge(db, pledge_id)
        require_item(db, "indicators", pledge_id, indicator_id)
        journal.write(db, root, [_reading_entry(reading_row(pledge_id, indicator_id, on, value, source, note), author, at or utc_now())])


def reading_row(pledge_id: str, indicator_id: str, on: date, value: float | str, source: str | None, note: str | None) -> ReadingRow:
    """Return a checked value as a reading row: numbers in the numeric column, the rest as text."""
    number = value if isinstance(value, float) else None
    return (pledge_id, indicator_id, on.isoformat(), number, None if number is not None else str(value), source, note)


def _reading_entry(row: ReadingRow, author: str | None, now: str) -> dict[str, Any]:
    pledge_id, indicator_id, day, number, text, source, note = row
    return {"type": "reading", "pledge": pledge_id, "indicator": indicator_id, "date": day,
            "value": number if number is not None else text, "source": source, "note": note, "author": author, "entered_at": now}


def add_completion(db: Database, root: Path, pledge_id: str, milestone_id: str, on: date, evidence: str | None,
                   author: str | None, at: str | None = None) -> None:
    """Record that a milestone was done; a milestone already done is reported, not doubled."""
    with write_txn(db):
        require_pledge(db, pledge_id)
        require_item(db, "milestones", pledge_id, milestone_id)
        done = rows(db, "SELECT date FROM milestone_completions WHERE pledge_id = ? AND milestone_id = ?", [pledge_id, milestone_id])
        if done:
            raise ConflictError(f"milestone {milestone_id!r} of {pledge_id!r} was already recorded done on {done[0]['date']}")
        journal.write(db, root, [{"type": "done", "pledge": pledge_id, "milestone": milestone_id, "date": on.isoformat(),
                                  "evidence": evidence, "author": author, "entered_at": at or utc_now()}])


def insert_readings(db: Database, root: Path, readings: Iterable[ReadingRow], checked_against: dict[str, str], author: str | None,
                    advance: Callable[[int], None] | None = None, at: str | None = None) -> int:
    """Record checked readings as one journal file, if the pledges they were checked against (id: file hash) are unchanged."""
    now = at or utc_now()
    counted = [0]

    def entries() -> Iterator[dict[str, Any]]:
        found = iter(readings)
        while batch := list(itertools.islice(found, BATCH)):
            yield from (_reading_entry(row, author, now) for row in batch)
            counted[0] += len(batch)
            if advance:
                advance(len(batch))

    with write_txn(db):
        _recheck(db, checked_against)
        journal.write_stream(db, root, entries())
    return counted[0]


def _recheck(db: Database, checked_against: dict[str, str]) -> None:
    # Another process may have synced edited pledge files between validation and this transaction.
    current = dict(db.conn.execute("SELECT id, sha256 FROM pledges WHERE removed_at IS NULL").fetchall())
    changed = sorted(p for p, sha in checked_against.items() if current.get(p) != sha)
    if changed:
        raise ConflictError(f"pledge files changed while importing ({', '.join(changed[:5])}); nothing was recorded, run the import again")


def retract(db: Database, root: Path, entry_id: str, reason: str, author: str | None, at: str | None = None) -> dict[str, Any]:
    """Take an update, reading or completion out of every count, keeping it in the history with who and why."""
    with write_txn(db):
        original = _live(db, entry_id)
        journal.write(db, root, [_retraction(original, reason, author, at or utc_now())])
    return original


def correct(db: Database, root: Path, entry_id: str, changes: dict[str, Any], reason: str, author: str | None,
            at: str | None = None) -> dict[str, Any]:
    """Replace an entry by a corrected one: the original is retracted with the reason, the correction names it."""
    with write_txn(db):
        original = _live(db, entry_id)
        fixed = {k: v for k, v in original.items() if k not in ("id", "author", "entered_at")}
        fixed.update(changes, corrects=entry_id, author=author, entered_at=at or utc_now())
        journal.write(db, root, [_retraction(original, reason, author, fixed["entered_at"]), fixed])
    return fixed


def _live(db: Database, entry_id: str) -> dict[str, Any]:
    found = journal.find(db, entry_id)
    if found is None:
        raise UnknownError(f"no update, reading or completion has the id {entry_id!r} (retracted already, or mistyped); "
                           "`tracker history ID --json` gives each entry's id")
    return found


def _retraction(original: dict[str, Any], reason: str, author: str | None, at: str) -> dict[str, Any]:
    return {"type": "retract", "pledge": original["pledge"], "target": original["id"], "reason": reason, "author": author,
            "entered_at": at}
