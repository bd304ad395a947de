"""Open and migrate the database; transactions and row helpers every store module uses; pledge and item lookups."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tracker.errors import StoreError, UnknownError
from tracker.store import migrations
from tracker.store.db import Database

BUSY_TIMEOUT_S = 15.0


def utc_now() -> str:
    """Return the current instant as a UTC ISO-8601 string (the one format stored)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def open_db(path: Path) -> Database:
    """Open (creating it owner-only if new) the database, then apply pending migrations.

    Where it can be read but not written (a full disk, a folder the user cannot write) it is opened read-only, so
    reading commands still answer; anything that must write then fails with one line.
    """
    conn: sqlite3.Connection | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
        db = Database(conn)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = FULL")  # a committed write survives a power cut, not only a crash
        _enable_wal(conn)
        _migrate(db)
    except sqlite3.OperationalError as exc:
        if conn is not None:
            conn.close()
        if not _cannot_write(exc):
            raise StoreError(f"{path}: cannot open the database: {exc}") from None
        return _read_only(path, exc)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open the database: {exc}") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the database: {exc.strerror}") from None
    return db


def _cannot_write(exc: sqlite3.OperationalError) -> bool:
    text = str(exc)
    return any(s in text for s in ("disk I/O error", "unable to open database file", "readonly database", "database or disk is full"))


def _read_only(path: Path, cause: sqlite3.OperationalError) -> Database:
    """Open a database that cannot be written, read-only and without the shared-memory file SQLite cannot create.

    That way of reading skips the write-ahead log, so it is used only when the log holds nothing.
    """
    wal = Path(f"{path}-wal")
    if not path.is_file() or (wal.exists() and wal.stat().st_size > 0):
        raise StoreError(f"{path}: cannot open the database: {cause} (is the disk full, or the folder not writable?)")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
        db = Database(conn)
        if applied_migrations(db) != list(migrations.names()):
            conn.close()
            raise StoreError(f"{path}: cannot open the database to update its schema: {cause}")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open the database: {exc}") from None
    return db


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch a new database to WAL; retry while another process briefly holds a lock on it."""
    # Changing the journal mode does not wait on the busy timeout: it fails at once if any other connection holds
    # even a read lock (as a second process opening the same new file does), so retry for a while.
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def applied_migrations(db: Database) -> list[str]:
    """Return the names of the tracker migrations applied to the database, in the order they were applied."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'").fetchone():
        return []
    return [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'tracker' ORDER BY rowid")]


def _migrate(db: Database) -> None:
    applied = applied_migrations(db)
    known = migrations.names()
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise StoreError(f"the database has migrations this version does not know ({', '.join(unknown)}); upgrade tracker")
    if len(applied) == len(known):
        return
    with write_txn(db):
        migrations.apply(db.conn)


@contextlib.contextmanager
def write_txn(db: Database) -> Iterator[Database]:
    """Run a read-then-write block under BEGIN IMMEDIATE, so it waits for the lock instead of failing."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise StoreError(f"the database is busy ({exc}); try again in a moment") from None
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    else:
        db.commit()


def rows(db: Database, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """Return every row of a query as dicts (never a half-read cursor)."""
    return list(db.query(sql, params))


def fast_rows(db: Database, sql: str, params: Any = ()) -> list[Any]:
    """Return every row of a query as `sqlite3.Row` (read by column name, built in C) for the hot paths."""
    cursor = db.conn.execute(sql, params)
    cursor.row_factory = sqlite3.Row
    return cursor.fetchall()


def did_you_mean(wanted: str, known: list[str]) -> str:
    """Return "; did you mean X?" naming the known id closest to a mistyped one, or "" when none is close."""
    import difflib

    close = difflib.get_close_matches(wanted, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def require_pledge(db: Database, pledge_id: str) -> dict[str, Any]:
    """Return the pledge row, or raise UnknownError naming the id and the nearest known ones."""
    found = rows(db, "SELECT * FROM pledges WHERE id = ? AND removed_at IS NULL", [pledge_id])
    if not found:
        known = [r["id"] for r in rows(db, "SELECT id FROM pledges WHERE removed_at IS NULL ORDER BY id")]
        raise UnknownError(f"unknown pledge {pledge_id!r}{did_you_mean(pledge_id, known) or '; `tracker status` lists the ids'}")
    return found[0]


def require_item(db: Database, table: str, pledge_id: str, item_id: str) -> dict[str, Any]:
    """Return a milestone or indicator row of a pledge, or raise UnknownError listing the known ids."""
    assert table in ("milestones", "indicators")
    found = rows(db, f"SELECT * FROM {table} WHERE pledge_id = ? AND id = ? AND removed_at IS NULL", [pledge_id, item_id])
    if found:
        return found[0]
    known = [r["id"] for r in rows(db, f"SELECT id FROM {table} WHERE pledge_id = ? AND removed_at IS NULL ORDER BY position", [pledge_id])]
    noun = table[:-1]
    raise UnknownError(f"pledge {pledge_id!r} has no {noun} {item_id!r}{did_you_mean(item_id, known)} (known: {', '.join(known) or 'none'})")


def definition(row: dict[str, Any]) -> dict[str, Any]:
    """Return the stored pledge definition (the validated file content) of a pledge row."""
    import json

    return dict(json.loads(row["definition"]))


def upsert(db: Database, name: str, row: dict[str, Any], keys: tuple[str, ...]) -> None:
    """Insert a row or update it in place (column names are ours, never user input)."""
    columns = ", ".join(row)
    marks = ", ".join(f":{c}" for c in row)
    updates = ", ".join(f"{c} = excluded.{c}" for c in row if c not in keys)
    db.conn.execute(f"INSERT INTO {name} ({columns}) VALUES ({marks}) ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}", row)


