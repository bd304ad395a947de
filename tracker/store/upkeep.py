"""The store's own checks and copies: an online consistent copy, integrity, which migrations a file has."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tracker.errors import StoreError


def copy_into(db_path: Path, target: Path) -> None:
    """Write a consistent copy of the live database to `target` (VACUUM INTO), then check its integrity."""
    try:
        conn = sqlite3.connect(db_path, timeout=30)
        try:
            conn.execute("VACUUM INTO ?", [str(target)])
        finally:
            conn.close()
        check = sqlite3.connect(target)
        try:
            problems = integrity(check)
        finally:
            check.close()
    except sqlite3.Error as exc:
        raise StoreError(f"backup failed: {exc}") from None
    if problems:
        raise StoreError(f"the backup did not pass an integrity check: {problems[0]}")


def integrity(conn: sqlite3.Connection) -> list[str]:
    """Return what `PRAGMA integrity_check` and the foreign-key check find wrong (nothing: the database is sound)."""
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [f"integrity: {exc}"]
    found = [] if result == ["ok"] else [f"integrity: {'; '.join(result)[:300]}"]
    return found + ([f"foreign-key violations: {len(broken)}"] if broken else [])


def applied_names(path: Path) -> set[str] | None:
    """Return the names of the tracker migrations a database file has applied, without migrating it (None: unreadable)."""
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'tracker'")}
    except sqlite3.OperationalError as exc:
        return set() if "no such table" in str(exc) else None  # None: the file cannot be read this way
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()


# What belongs to one machine, not to the shared record: kept across a rebuild of the index.
MACHINE_TABLES = ("outbox", "watch", "heartbeats", "report_runs")


def copy_machine_state(new: sqlite3.Connection, old_path: Path) -> None:
    """Copy the reminder outbox, what ticks saw, heartbeats and report runs from the old database into a new one."""
    new.execute("ATTACH DATABASE ? AS old", [f"{old_path.resolve().as_uri()}?mode=ro"])
    try:
        with new:
            for table in MACHINE_TABLES:
                new.execute(f"INSERT INTO main.{table} SELECT * FROM old.{table}")
    finally:
        new.execute("DETACH DATABASE old")
