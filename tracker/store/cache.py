"""Each pledge's computed status for one day, kept in the database so that large portfolios read it back.

A pledge's status (lenses, health, assessment) depends on its rows, the review calendar, a few settings and the
day. `day` makes the `status_cache` table hold it for every active pledge as of one day: triggers (migration
0006) drop a pledge's row whenever a table it depends on changes, a new day or another fingerprint (the settings it
depends on) empty the table, and only the missing rows are computed again by the caller's `compute`, the very code
that computes statuses uncached. Callers get a `Reader`, which hands out rows, never table names.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from tracker.store.db import Database

BATCH = 500  # pledges computed at a time: a full rebuild never holds more than this many in memory
CACHE = "status_cache"
SCRATCH = "temp.status_scratch"
ORDER = "ORDER BY schedule_order, days_key, pledge_id"
# pledge_id, schedule order, days left (sort key), schedule status, owner, frameworks JSON, row JSON, trend JSON, state JSON
Row = tuple[str, int, int, str, str, str, str, str, str]
Compute = Callable[[list[str]], Iterable[Row]]
Cached = tuple[str, str, str]  # row JSON, trend JSON, state JSON


class Reader:
    """The statuses of one complete day, read inside the transaction that `day` or `computed_day` holds."""

    def __init__(self, db: Database, table: str) -> None:
        self._db, self._table = db, table

    def _rows(self, columns: str, tail: str = "", params: Any = ()) -> sqlite3.Cursor:
        return self._db.execute(f"SELECT {columns} FROM {self._table} {tail}", params)

    def all(self) -> Iterator[Cached]:
        """Yield every status, most urgent first, one at a time."""
        yield from self._rows("row_json, trend_json, state_json", ORDER)

    def some(self, pledge_ids: list[str]) -> list[Cached]:
        """Return the statuses of some pledges (those that are active), most urgent first."""
        return self._rows("row_json, trend_json, state_json", f"WHERE pledge_id IN (SELECT value FROM json_each(?)) {ORDER}",
                          [json.dumps(pledge_ids)]).fetchall()

    def texts(self) -> list[tuple[str, str, str]]:
        """Return (owner, frameworks JSON, row JSON) of every status, most urgent first."""
        return self._rows("owner, frameworks, row_json", ORDER).fetchall()

    def head(self, limit: int) -> list[str]:
        """Return the row JSON of the `limit` most urgent statuses."""
        return [r[0] for r in self._rows("row_json", f"{ORDER} LIMIT ?", [limit])]

    def tail(self, skip: int) -> list[tuple[str, str]]:
        """Return (id, schedule status) of every status after the `skip` most urgent, in urgency order."""
        return self._rows("pledge_id, schedule_status", f"{ORDER} LIMIT -1 OFFSET ?", [skip]).fetchall()

    def by_id(self) -> Iterator[tuple[str, str]]:
        """Yield (id, row JSON) of every status in id order."""
        yield from self._rows("pledge_id, row_json", "ORDER BY pledge_id")


def _complete(db: Database, wanted: tuple[str, str]) -> bool:
    if tuple(db.execute("SELECT as_of, fingerprint FROM cache_state WHERE id = 1").fetchone()) != wanted:
        return False
    missing = db.execute("SELECT 1 FROM pledges WHERE removed_at IS NULL AND id NOT IN (SELECT pledge_id FROM status_cache) LIMIT 1")
    return missing.fetchone() is None


def _insert(db: Database, table: str, compute: Compute, pledge_ids: list[str] | None) -> None:
    """Compute the status of the given pledges (default: every active one) into `table`, a batch at a time."""
    if pledge_ids is None:
        pledge_ids = [r[0] for r in db.execute("SELECT id FROM pledges WHERE removed_at IS NULL ORDER BY id")]
    for start in range(0, len(pledge_ids), BATCH):
        db.conn.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", compute(pledge_ids[start:start + BATCH]))


def _fill(db: Database, compute: Compute, wanted: tuple[str, str]) -> None:
    """Compute and store what the cache lacks for the wanted day and fingerprint (inside the caller's write transaction)."""
    if tuple(db.execute("SELECT as_of, fingerprint FROM cache_state WHERE id = 1").fetchone()) != wanted:
        db.execute("DELETE FROM status_cache")
        db.execute("UPDATE cache_state SET as_of = ?, fingerprint = ? WHERE id = 1", wanted)
        missing = None
    else:
        missing = [r[0] for r in db.execute(
            "SELECT id FROM pledges WHERE removed_at IS NULL AND id NOT IN (SELECT pledge_id FROM status_cache)")]
        if not missing:
            return
    _insert(db, CACHE, compute, missing)


@contextlib.contextmanager
def day(db: Database, as_of: str, fingerprint: str, compute: Compute) -> Iterator[Reader]:
    """Hold a transaction in which the cache is complete for `as_of` (an ISO day) and yield its reader.

    A complete cache is read in a plain read transaction. Otherwise the missing rows are computed under
    BEGIN IMMEDIATE, and the reads happen before that commits: a write by another process can never leave
    the caller reading a cache with a pledge missing. A database that cannot be written (read-only, a full disk)
    gets a temporary table instead: reads never depend on storing the cache.
    """
    wanted = (as_of, fingerprint)
    db.execute("BEGIN")
    if not _complete(db, wanted):
        db.conn.rollback()
        try:
            db.execute("BEGIN IMMEDIATE")
            _fill(db, compute, wanted)
        except sqlite3.OperationalError as exc:
            if db.conn.in_transaction:
                db.conn.rollback()
            if not cannot_store(exc):
                raise
            with computed_day(db, compute) as reader:
                yield reader
            return
    try:
        yield Reader(db, CACHE)
    finally:
        _commit(db)


def cannot_store(exc: sqlite3.OperationalError) -> bool:
    """Return True for the errors of a database that cannot take writes now: read-only, or its disk full."""
    return any(s in str(exc) for s in ("readonly", "read-only", "database or disk is full", "disk I/O error"))


def _commit(db: Database) -> None:
    """Commit the cache rows computed for the reads just served; if they cannot be stored, they are simply dropped."""
    try:
        db.conn.commit()
    except sqlite3.OperationalError as exc:
        db.conn.rollback()
        if not cannot_store(exc):
            raise


@contextlib.contextmanager
def computed_day(db: Database, compute: Compute) -> Iterator[Reader]:
    """Compute every active pledge's status into a temporary table, leaving the cache alone; yield its reader."""
    db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {SCRATCH.split('.')[1]} AS SELECT * FROM main.{CACHE} WHERE 0")
    db.execute("BEGIN")
    try:
        db.execute(f"DELETE FROM {SCRATCH}")
        _insert(db, SCRATCH, compute, None)
        yield Reader(db, SCRATCH)
    finally:
        db.conn.rollback()  # the scratch rows go with the read transaction
