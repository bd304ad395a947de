"""Whole-workspace reads for exports and imports: definitions, due-date revision counts, tables as cursors, the latest entries."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from tracker.store import queries
from tracker.store.core import rows
from tracker.store.db import Database


@contextlib.contextmanager
def read_snapshot(db: Database) -> Iterator[Database]:
    """Run a series of reads in one transaction, so a long export sees one consistent state while others write."""
    db.execute("BEGIN")
    try:
        yield db
    finally:
        db.conn.rollback()


def due_revisions(db: Database) -> dict[tuple[str, str, str], int]:
    """Return how often each pledge's or milestone's due date was revised, by (kind, pledge id, item id)."""
    found = db.conn.execute(
        """SELECT item_kind, pledge_id, item_id, count(*) FROM revisions
           WHERE field = 'due' AND item_kind IN ('pledge', 'milestone') GROUP BY item_kind, pledge_id, item_id"""
    ).fetchall()
    return {(kind, pledge_id, item_id): int(count) for kind, pledge_id, item_id, count in found}


def definitions(db: Database) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield every active pledge's id, file hash and stored definition, in id order."""
    for pledge_id, sha, text in db.conn.execute("SELECT id, sha256, definition FROM pledges WHERE removed_at IS NULL ORDER BY id"):
        yield pledge_id, sha, json.loads(text)


def definition_of(db: Database, pledge_id: str) -> tuple[str, dict[str, Any]] | None:
    """Return an active pledge's file hash and stored definition, or None."""
    found = db.conn.execute("SELECT sha256, definition FROM pledges WHERE id = ? AND removed_at IS NULL", [pledge_id]).fetchone()
    return None if found is None else (found[0], json.loads(found[1]))


def active_pledge_ids(db: Database) -> set[str]:
    """Return the ids of the pledges whose files still exist."""
    return {r[0] for r in db.conn.execute("SELECT id FROM pledges WHERE removed_at IS NULL")}


def _cursor(db: Database, sql: str, params: Sequence[Any] = ()) -> Iterator[sqlite3.Row]:
    cursor = db.conn.execute(sql, params)
    cursor.row_factory = sqlite3.Row
    while batch := cursor.fetchmany(1000):
        yield from batch


def iter_readings(db: Database) -> Iterator[sqlite3.Row]:
    """Yield every reading of the active pledges, by pledge, indicator and date (a cursor, never a list)."""
    return _cursor(
        db,
        """SELECT r.id, r.pledge_id, r.indicator_id, r.date, r.value_num, r.value_text, r.source, r.note, i.unit, r.recorded_at
           FROM readings r JOIN pledges p ON p.id = r.pledge_id AND p.removed_at IS NULL
           LEFT JOIN indicators i ON i.pledge_id = r.pledge_id AND i.id = r.indicator_id
           ORDER BY r.pledge_id, r.indicator_id, r.date, r.id""",
    )


def iter_updates(db: Database) -> Iterator[sqlite3.Row]:
    """Yield every reported status of the active pledges, by pledge and date."""
    return _cursor(
        db,
        """SELECT u.pledge_id, u.date, u.status, u.note, u.source, u.recorded_at FROM status_updates u
           JOIN pledges p ON p.id = u.pledge_id AND p.removed_at IS NULL ORDER BY u.pledge_id, u.date, u.id""",
    )


def iter_indicators(db: Database) -> Iterator[sqlite3.Row]:
    """Yield every indicator of the active pledges, by pledge and file order."""
    return _cursor(
        db,
        """SELECT i.pledge_id, i.id, i.title, i.kind, i.unit, i.direction, i.method, i.levels, i.baseline_value, i.baseline_date,
                  i.target_value, i.target_date FROM indicators i JOIN pledges p ON p.id = i.pledge_id AND p.removed_at IS NULL
           WHERE i.removed_at IS NULL ORDER BY i.pledge_id, i.position""",
    )


def latest_entries(db: Database, today: str, limit: int) -> list[dict[str, Any]]:
    """Return the `limit` entries of active pledges entered last, among those dated up to `today`, newest first, snoozes left out.

    Each is a `changes` row with the pledge's title, and the milestone's or indicator's title and unit where it names one.
    """
    return rows(
        db,
        f"""SELECT e.*, p.title, coalesce(m.title, i.title) AS item_title, i.unit
            FROM ({queries.ENTRIES} UNION ALL {queries.RETRACTIONS}) e JOIN pledges p ON p.id = e.pledge_id AND p.removed_at IS NULL
            LEFT JOIN milestones m ON e.kind = 'done' AND m.pledge_id = e.pledge_id AND m.id = e.item
            LEFT JOIN indicators i ON e.kind = 'reading' AND i.pledge_id = e.pledge_id AND i.id = e.item
            WHERE e.kind <> 'snooze' AND e.date <= :today
            ORDER BY e.recorded_at DESC, e.kind, e.id DESC LIMIT :limit""",
        {"today": today, "limit": limit},
    )
