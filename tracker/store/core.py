"""The only module that speaks SQL: open and migrate the database, record history, query it."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.errors import ConflictError, StoreError, UnknownError
from tracker.store import migrations
from tracker.store.db import Database

if TYPE_CHECKING:
    from tracker.pledges.models import Indicator, Pledge, Review

BUSY_TIMEOUT_S = 15.0


def utc_now() -> str:
    """Return the current instant as a UTC ISO-8601 string (the one format stored)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def open_db(path: Path) -> Database:
    """Open (creating it owner-only if new) the database, then apply pending migrations."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
        db = Database(conn)
        db.execute("PRAGMA foreign_keys = ON")
        _enable_wal(conn)
        _migrate(db)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open the database: {exc}") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the database: {exc.strerror}") from None
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


def require_pledge(db: Database, pledge_id: str) -> dict[str, Any]:
    """Return the pledge row, or raise UnknownError naming the id."""
    found = rows(db, "SELECT * FROM pledges WHERE id = ? AND removed_at IS NULL", [pledge_id])
    if not found:
        raise UnknownError(f"unknown pledge {pledge_id!r}; `tracker status` lists the ids")
    return found[0]


def require_item(db: Database, table: str, pledge_id: str, item_id: str) -> dict[str, Any]:
    """Return a milestone or indicator row of a pledge, or raise UnknownError listing the known ids."""
    assert table in ("milestones", "indicators")
    found = rows(db, f"SELECT * FROM {table} WHERE pledge_id = ? AND id = ? AND removed_at IS NULL", [pledge_id, item_id])
    if found:
        return found[0]
    known = [r["id"] for r in rows(db, f"SELECT id FROM {table} WHERE pledge_id = ? AND removed_at IS NULL ORDER BY position", [pledge_id])]
    noun = table[:-1]
    raise UnknownError(f"pledge {pledge_id!r} has no {noun} {item_id!r} (known: {', '.join(known) or 'none'})")


def add_update(db: Database, pledge_id: str, status: str, note: str, source: str | None, on: date) -> int:
    """Record a reported status with its note and source."""
    with write_txn(db):
        require_pledge(db, pledge_id)
        row = {"pledge_id": pledge_id, "date": on.isoformat(), "status": status, "note": note, "source": source, "recorded_at": utc_now()}
        return db.insert("status_updates", row)


def add_reading(db: Database, pledge_id: str, indicator_id: str, value: float | str, on: date, source: str | None, note: str | None) -> int:
    """Record one indicator reading (the value is already checked against the indicator's kind)."""
    with write_txn(db):
        require_pledge(db, pledge_id)
        require_item(db, "indicators", pledge_id, indicator_id)
        numeric = isinstance(value, float)
        row = {
            "pledge_id": pledge_id, "indicator_id": indicator_id, "date": on.isoformat(),
            "value_num": value if numeric else None, "value_text": None if numeric else value,
            "source": source, "note": note, "recorded_at": utc_now(),
        }
        return db.insert("readings", row)


def add_completion(db: Database, pledge_id: str, milestone_id: str, on: date, evidence: str | None) -> int:
    """Record that a milestone was done; a milestone already done is reported, not doubled."""
    with write_txn(db):
        require_pledge(db, pledge_id)
        require_item(db, "milestones", pledge_id, milestone_id)
        done = rows(db, "SELECT date FROM milestone_completions WHERE pledge_id = ? AND milestone_id = ?", [pledge_id, milestone_id])
        if done:
            raise ConflictError(f"milestone {milestone_id!r} of {pledge_id!r} was already recorded done on {done[0]['date']}")
        row = {"pledge_id": pledge_id, "milestone_id": milestone_id, "date": on.isoformat(), "evidence": evidence, "recorded_at": utc_now()}
        return db.insert("milestone_completions", row)


def _scope(column: str, pledge_id: str | None, pledge_ids: list[str] | None) -> str:
    """Return the SQL condition limiting rows to one pledge (:p) or to some (:ids, a JSON list); empty for all."""
    if pledge_id is not None:
        return f"AND {column} = :p"
    return f"AND {column} IN (SELECT value FROM json_each(:ids))" if pledge_ids is not None else ""


def status_rows(db: Database, today: date, pledge_id: str | None = None, pledge_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Return one row per active pledge (or one, or some) with its latest reported status up to `today`."""
    import json

    return fast_rows(
        db,
        f"""
        SELECT p.id, p.title, p.owner, p.due_text, p.due_date, p.due_precision, p.frameworks, p.reviews,
               (SELECT u.status FROM status_updates u WHERE u.pledge_id = p.id AND u.date <= :t
                ORDER BY u.date DESC, u.id DESC LIMIT 1) AS reported_status,
               (SELECT u.date FROM status_updates u WHERE u.pledge_id = p.id AND u.date <= :t
                ORDER BY u.date DESC, u.id DESC LIMIT 1) AS reported_on,
               p.report_every_days, p.start_text
        FROM pledges p WHERE p.removed_at IS NULL {_scope("p.id", pledge_id, pledge_ids)}
        """,
        {"t": today.isoformat(), "p": pledge_id, "ids": json.dumps(pledge_ids or [])},
    )


def milestone_rows(db: Database, today: date, pledge_id: str | None = None, pledge_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Return active milestones (of every pledge, one or some) with their completion date up to `today` (NULL while open)."""
    import json

    where = _scope("m.pledge_id", pledge_id, pledge_ids)
    return fast_rows(
        db,
        f"""
        SELECT m.pledge_id, m.id, m.title, m.due_text, m.due_date, m.due_precision, m.assumed,
               c.date AS done_on, c.evidence
        FROM milestones m
        JOIN pledges p ON p.id = m.pledge_id AND p.removed_at IS NULL
        LEFT JOIN milestone_completions c ON c.pledge_id = m.pledge_id AND c.milestone_id = m.id AND c.date <= :t
        WHERE m.removed_at IS NULL {where} ORDER BY m.pledge_id, m.position
        """,
        {"t": today.isoformat(), "p": pledge_id, "ids": json.dumps(pledge_ids or [])},
    )


def review_rows(db: Database) -> list[dict[str, Any]]:
    """Return the review calendar."""
    return rows(db, "SELECT id, title, first, every_years FROM reviews WHERE removed_at IS NULL ORDER BY id")


def indicator_rows(db: Database, pledge_id: str) -> list[dict[str, Any]]:
    """Return a pledge's active indicators in file order."""
    return rows(db, "SELECT * FROM indicators WHERE pledge_id = ? AND removed_at IS NULL ORDER BY position", [pledge_id])


def readings_of(db: Database, pledge_id: str, indicator_id: str, today: date) -> list[dict[str, Any]]:
    """Return every reading of one indicator up to `today`, oldest first."""
    return rows(
        db,
        """SELECT date, value_num, value_text, source, note FROM readings
           WHERE pledge_id = ? AND indicator_id = ? AND date <= ? ORDER BY date, id""",
        [pledge_id, indicator_id, today.isoformat()],
    )


def history_rows(db: Database, pledge_id: str) -> list[dict[str, Any]]:
    """Return updates, readings, completions and revisions of a pledge in time order."""
    return rows(
        db,
        """
        SELECT 'update' AS kind, date, recorded_at, NULL AS item, status AS value, NULL AS num, note, source, NULL AS old, id
          FROM status_updates WHERE pledge_id = :p
        UNION ALL
        SELECT 'reading', date, recorded_at, indicator_id, value_text, value_num, note, source, NULL, id
          FROM readings WHERE pledge_id = :p
        UNION ALL
        SELECT 'done', date, recorded_at, milestone_id, NULL, NULL, NULL, evidence, NULL, id
          FROM milestone_completions WHERE pledge_id = :p
        UNION ALL
        SELECT 'revision', date, recorded_at, item_kind || ':' || item_id || ':' || field, new, NULL, NULL, NULL, old, id
          FROM revisions WHERE pledge_id = :p
        ORDER BY date, recorded_at, kind, id
        """,
        {"p": pledge_id},
    )


def update_rows(db: Database, pledge_id: str, today: date, limit: int = 5) -> list[dict[str, Any]]:
    """Return a pledge's latest status updates up to `today`, newest first."""
    return rows(
        db,
        "SELECT date, status, note, source FROM status_updates WHERE pledge_id = ? AND date <= ? ORDER BY date DESC, id DESC LIMIT ?",
        [pledge_id, today.isoformat(), limit],
    )


def definition(row: dict[str, Any]) -> dict[str, Any]:
    """Return the stored pledge definition (the validated file content) of a pledge row."""
    import json

    return dict(json.loads(row["definition"]))


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
    import json

    return {r["path"]: json.loads(r["reviews"]) for r in rows(db, "SELECT path, reviews FROM pledges WHERE removed_at IS NULL")}


def apply_sync(db: Database, batch: SyncBatch, today: date, digest: str) -> list[dict[str, Any]]:
    """Write a validated batch of definitions and the digest of its listing in one transaction; return the revisions."""
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
            revisions += _sync_pledge(db, path, sha, pledge, today, now)
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


def upsert(db: Database, name: str, row: dict[str, Any], keys: tuple[str, ...]) -> None:
    """Insert a row or update it in place (column names are ours, never user input)."""
    columns = ", ".join(row)
    marks = ", ".join(f":{c}" for c in row)
    updates = ", ".join(f"{c} = excluded.{c}" for c in row if c not in keys)
    db.conn.execute(f"INSERT INTO {name} ({columns}) VALUES ({marks}) ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}", row)


def _sync_reviews(db: Database, reviews: dict[str, Review], now: str) -> None:
    db.execute("UPDATE reviews SET removed_at = ? WHERE removed_at IS NULL", [now])
    for review in reviews.values():
        upsert(db, "reviews", {"id": review.id, "title": review.title, "first": str(review.first), "every_years": review.every_years,
             "definition": review.model_dump_json(), "removed_at": None}, ("id",))


def _revision(pledge_id: str, kind: str, item_id: str, field: str, old: str | None, new: str | None, today: date, now: str) -> dict[str, Any]:
    return {"pledge_id": pledge_id, "item_kind": kind, "item_id": item_id, "field": field,
            "old": old, "new": new, "date": today.isoformat(), "recorded_at": now}


def _sync_pledge(db: Database, path: str, sha: str, pledge: Pledge, today: date, now: str) -> list[dict[str, Any]]:
    import json

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
    if revisions:
        db.insert_all("revisions", revisions)
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
    import json

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


def assessment_rows(db: Database, today: date, pledge_id: str | None = None, pledge_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Return per active indicator (of one pledge, or of some) its spec and first, previous and latest readings up to `today`."""
    import json

    where = _scope("i.pledge_id", pledge_id, pledge_ids)
    pick = "SELECT r.id FROM readings r WHERE r.pledge_id = i.pledge_id AND r.indicator_id = i.id AND r.date <= :today ORDER BY r.date {order}, r.id {order} LIMIT 1"
    return fast_rows(
        db,
        f"""
        WITH pick AS (
            SELECT i.*, ({pick.format(order="ASC")}) AS first_id, ({pick.format(order="DESC")} OFFSET 1) AS prev_id,
                   ({pick.format(order="DESC")}) AS last_id
            FROM indicators i WHERE i.removed_at IS NULL {where})
        SELECT pick.*, f.date AS first_date, coalesce(f.value_text, f.value_num) AS first_value,
               p.date AS prev_date, coalesce(p.value_text, p.value_num) AS prev_value,
               l.date AS last_date, coalesce(l.value_text, l.value_num) AS last_value
        FROM pick LEFT JOIN readings f ON f.id = pick.first_id LEFT JOIN readings p ON p.id = pick.prev_id
        LEFT JOIN readings l ON l.id = pick.last_id
        ORDER BY pick.pledge_id, pick.position
        """,
        {"today": today.isoformat(), "p": pledge_id, "ids": json.dumps(pledge_ids or [])},
    )


def week_events(db: Database, start: date, end: date) -> dict[str, list[dict[str, Any]]]:
    """Return updates, readings, completions and revisions dated from `start` to `end` (inclusive)."""
    span = {"a": start.isoformat(), "b": end.isoformat()}
    return {
        "updates": rows(db, """SELECT u.pledge_id, p.title, u.date, u.status, u.note, u.source FROM status_updates u
            JOIN pledges p ON p.id = u.pledge_id WHERE u.date BETWEEN :a AND :b AND p.removed_at IS NULL ORDER BY u.date, u.id""", span),
        "readings": rows(db, """SELECT r.pledge_id, p.title, r.indicator_id, i.title AS indicator, i.unit, r.date,
            coalesce(r.value_text, r.value_num) AS value, r.source, r.note FROM readings r
            JOIN pledges p ON p.id = r.pledge_id JOIN indicators i ON i.pledge_id = r.pledge_id AND i.id = r.indicator_id
            WHERE r.date BETWEEN :a AND :b AND p.removed_at IS NULL ORDER BY r.date, r.id""", span),
        "milestones_done": rows(db, """SELECT c.pledge_id, p.title, c.milestone_id, m.title AS milestone, c.date, c.evidence
            FROM milestone_completions c JOIN pledges p ON p.id = c.pledge_id
            JOIN milestones m ON m.pledge_id = c.pledge_id AND m.id = c.milestone_id
            WHERE c.date BETWEEN :a AND :b AND p.removed_at IS NULL ORDER BY c.date, c.id""", span),
        "revisions": rows(db, """SELECT v.pledge_id, p.title, v.item_kind, v.item_id, v.field, v.old, v.new, v.date
            FROM revisions v JOIN pledges p ON p.id = v.pledge_id
            WHERE v.date BETWEEN :a AND :b AND p.removed_at IS NULL ORDER BY v.date, v.id""", span),
    }


def chart_readings(db: Database, pledge_ids: list[str], today: date) -> dict[tuple[str, str], list[tuple[str, float]]]:
    """Return the numeric readings up to `today` of the given pledges, per (pledge, indicator), oldest first."""
    found: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for pledge_id in pledge_ids:
        for r in rows(db, """SELECT indicator_id, date, value_num FROM readings WHERE pledge_id = ? AND date <= ?
                AND value_num IS NOT NULL ORDER BY indicator_id, date, id""", [pledge_id, today.isoformat()]):
            found.setdefault((pledge_id, r["indicator_id"]), []).append((r["date"], r["value_num"]))
    return found
