"""The journal in the index: take in journal files not seen yet, write new entries, and adopt older history.

A journal file is taken in once (its name, size and mtime are kept); its entries are inserted by their ids, so an
entry that reaches the index twice (two clones, a rebuild) is one row.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from tracker.pledges import journal
from tracker.store.core import utc_now, write_txn
from tracker.store.db import Database

INSERTS = {
    "update": """INSERT OR IGNORE INTO status_updates (pledge_id, date, status, note, source, recorded_at, author, entry_id)
                 SELECT :pledge, :date, :status, :note, :source, :entered_at, :author, :id
                 WHERE EXISTS (SELECT 1 FROM pledges WHERE id = :pledge)""",
    "reading": """INSERT OR IGNORE INTO readings (pledge_id, indicator_id, date, value_num, value_text, source, note, recorded_at,
                 author, entry_id) SELECT :pledge, :indicator, :date, :num, :text, :source, :note, :entered_at, :author, :id
                 WHERE EXISTS (SELECT 1 FROM indicators WHERE pledge_id = :pledge AND id = :indicator)""",
    "done": """INSERT OR IGNORE INTO milestone_completions (pledge_id, milestone_id, date, evidence, recorded_at, author, entry_id)
               SELECT :pledge, :milestone, :date, :evidence, :entered_at, :author, :id
               WHERE EXISTS (SELECT 1 FROM milestones WHERE pledge_id = :pledge AND id = :milestone)
               AND NOT EXISTS (SELECT 1 FROM milestone_completions WHERE pledge_id = :pledge AND milestone_id = :milestone)""",
    "revision": """INSERT OR IGNORE INTO revisions (pledge_id, item_kind, item_id, field, old, new, date, recorded_at, author,
                   reason, entry_id) SELECT :pledge, :item_kind, :item, :field, :old, :new, :date, :entered_at, :author, :reason, :id
                   WHERE EXISTS (SELECT 1 FROM pledges WHERE id = :pledge)""",
    # The key is the reminders' own name for the deadline (see tracker/store/snoozes.py).
    "snooze": """INSERT OR IGNORE INTO snoozes (entry_id, pledge_id, deadline_key, until, reason, author, entered_at)
                 VALUES (:id, :pledge, CASE :item_kind WHEN 'milestone' THEN 'milestone:' || :pledge || '/' || :item
                 ELSE 'pledge:' || :pledge END, :until, :reason, :author, :entered_at)""",
}
# One edit seen by several clones is one id, journaled by each. Whatever order the files come in, the index keeps the
# entry that says who and why (written by `revise`), else the earliest seen: every clone shows the same revision.
SAME_REVISION = """UPDATE revisions SET author = :author, reason = :reason, recorded_at = :entered_at, date = :date
    WHERE entry_id = :id AND ((author IS NULL AND reason IS NULL AND (:author IS NOT NULL OR :reason IS NOT NULL))
       OR ((author IS NULL AND reason IS NULL) = (:author IS NULL AND :reason IS NULL) AND :entered_at < recorded_at))"""
DEFAULTS = {"source": None, "note": None, "evidence": None, "reason": None, "author": None}


# Each kind of entry: its table, and its row's columns as the journal entry's keys (read back by `find` and `adopt`).
AS_ENTRY = {
    "update": ("status_updates", "pledge_id AS pledge, date, status, note, source, author, recorded_at AS entered_at"),
    "reading": ("readings", """pledge_id AS pledge, indicator_id AS indicator, date, coalesce(value_num, value_text) AS value, source,
                              note, author, recorded_at AS entered_at"""),
    "done": ("milestone_completions", "pledge_id AS pledge, milestone_id AS milestone, date, evidence, author, recorded_at AS entered_at"),
    "revision": ("revisions", "pledge_id AS pledge, item_kind, item_id AS item, field, old, new, date, author, reason, recorded_at AS entered_at"),
}
LIVE = {kind: AS_ENTRY[kind][0] for kind in ("update", "reading", "done")}  # what a retraction can take out


def index(db: Database, entries: Iterable[dict[str, Any]]) -> None:
    """Insert entries by their ids (inside the caller's write transaction); an id already present is left alone.

    A retraction takes its target out of the live tables (so it counts nowhere) and keeps it for the history; an
    entry whose retraction was taken in first (journal files of other machines arrive in any order) goes there at once.
    """
    for entry in entries:
        if entry["type"] == "retract":
            _retract(db, entry)
            continue
        if entry["type"] in journal.ROUNDS:
            _round(db, entry)
            continue
        if db.execute("SELECT 1 FROM retractions WHERE target = ?", [entry["id"]]).fetchone():
            db.execute("UPDATE retractions SET original = ?, pledge_id = ? WHERE target = ?",
                       [json.dumps(entry, ensure_ascii=False), entry["pledge"], entry["id"]])
            continue
        row = {**DEFAULTS, **entry}
        if entry["type"] == "reading":
            value = entry["value"]
            number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
            row.update(num=number, text=None if number is not None else str(value))
        db.execute(INSERTS[entry["type"]], row)
        if entry.get("corrects"):  # `correct` writes the retraction first, in the same file
            db.execute("UPDATE retractions SET replaced_by = ? WHERE target = ?", [entry["id"], entry["corrects"]])
        if entry["type"] == "revision":
            db.execute(SAME_REVISION, row)


# The earliest opening of a round's name is the round, whatever order clones' journal files are taken in.
ROUND_OPEN = """INSERT INTO rounds (name, entry_id, due, opened_at, author, review, owner, framework, message)
    VALUES (:round, :id, :due, :entered_at, :author, :review, :owner, :framework, :message)
    ON CONFLICT (name) DO UPDATE SET entry_id = excluded.entry_id, due = excluded.due, opened_at = excluded.opened_at,
        author = excluded.author, review = excluded.review, owner = excluded.owner, framework = excluded.framework,
        message = excluded.message
    WHERE excluded.opened_at < rounds.opened_at"""


def _round(db: Database, entry: dict[str, Any]) -> None:
    if entry["type"] == "round-close":
        db.execute("INSERT OR IGNORE INTO round_closes (entry_id, round, author, entered_at) VALUES (?, ?, ?, ?)",
                   [entry["id"], entry["round"], entry.get("author"), entry["entered_at"]])
        return
    row = {"review": None, "owner": None, "framework": None, "message": None, "author": None, **entry}
    if db.execute(ROUND_OPEN, row).rowcount == 0:
        return  # an earlier opening of this name is the round
    asked = entry.get("asked") or {}
    db.execute("DELETE FROM round_pledges WHERE round = ?", [entry["round"]])
    db.conn.executemany("INSERT INTO round_pledges (round, pledge_id, asked) VALUES (?, ?, ?)",
                        [(entry["round"], p, json.dumps(asked.get(p, []))) for p in entry["pledges"]])


def _retract(db: Database, entry: dict[str, Any]) -> None:
    db.execute("INSERT OR IGNORE INTO retractions (entry_id, target, reason, author, entered_at) VALUES (?, ?, ?, ?, ?)",
               [entry["id"], entry["target"], entry["reason"], entry.get("author"), entry["entered_at"]])
    found = find(db, entry["target"])
    if found is not None:
        table = LIVE[found["type"]]
        db.execute(f"DELETE FROM {table} WHERE entry_id = ?", [entry["target"]])
        db.execute("UPDATE retractions SET original = ?, pledge_id = ? WHERE target = ?",
                   [json.dumps(found, ensure_ascii=False), found["pledge"], entry["target"]])


def find(db: Database, entry_id: str) -> dict[str, Any] | None:
    """Return a live update, reading or completion by its entry id, as the journal holds it; None if there is none."""
    for kind, table in LIVE.items():
        cursor = db.execute(f"SELECT {AS_ENTRY[kind][1]} FROM {table} WHERE entry_id = ?", [entry_id])
        values = cursor.fetchone()
        if values is not None:
            return {"id": entry_id, "type": kind, **dict(zip([d[0] for d in cursor.description], values, strict=True))}
    return None


def retracted(db: Database, pledge_id: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Return a pledge's retracted entries, each with its retraction (id, reason, author, entered_at, replaced_by)."""
    found = db.execute("""SELECT original, entry_id, reason, author, entered_at, replaced_by FROM retractions
                          WHERE pledge_id = ? AND original IS NOT NULL ORDER BY entered_at""", [pledge_id]).fetchall()
    return [(json.loads(original), {"id": rid, "reason": reason, "author": author, "entered_at": at} | ({"replaced_by": by} if by else {}))
            for original, rid, reason, author, at, by in found]


def write(db: Database, root: Path, entries: list[dict[str, Any]]) -> None:
    """Write entries to a new journal file and index them, inside the caller's write transaction (see write_stream)."""
    write_stream(db, root, iter(entries))


def write_stream(db: Database, root: Path, entries: Iterator[dict[str, Any]]) -> None:
    """Write entries to one new journal file, indexing them as they go, inside the caller's write transaction.

    An entry without an id gets one. The file is renamed into place before the transaction commits: if the process
    dies in between, the next command takes the file in, so what was recorded is never lost; if it dies before,
    neither the file nor a row remains.
    """
    from tracker.files import atomic_write_chunks

    name, prefix = journal.new_name(datetime.fromisoformat(utc_now()))
    path = root / journal.FOLDER / name

    writer = journal.Writer()

    def stamped() -> Iterator[str]:
        batch: list[dict[str, Any]] = []
        for n, entry in enumerate(entries, start=1):
            batch.append({"id": entry.get("id") or f"{prefix}-{n}", **{k: v for k, v in entry.items() if k != "id"}})
            if len(batch) >= 5000:
                yield from _flush(db, batch, writer)
        yield from _flush(db, batch, writer)
        yield from writer.end()

    atomic_write_chunks(path, stamped())
    _seen(db, name, path)


def _seen(db: Database, name: str, state: Path | tuple[int, int]) -> None:
    """Note a journal file as indexed, by its (size, mtime_ns) or the file itself, so no later command reads it again."""
    if isinstance(state, Path):
        info = state.stat()
        state = (info.st_size, info.st_mtime_ns)
    db.execute("INSERT OR REPLACE INTO journal_files (path, size, mtime_ns) VALUES (?, ?, ?)", [name, *state])


def _flush(db: Database, batch: list[dict[str, Any]], writer: journal.Writer) -> Iterator[str]:
    index(db, batch)
    text = "".join(writer.lines(batch))
    batch.clear()
    yield text


def take_in(db: Database, root: Path) -> int:
    """Index the journal files not seen yet (cheap when none is new); return how many files were read."""
    folder = root / journal.FOLDER
    digest = journal.scan(folder)
    if db.execute("SELECT journal_digest FROM cache_state WHERE id = 1").fetchone()[0] == digest:
        return 0
    states: dict[str, tuple[int, int]] = {}
    digest = journal.scan(folder, states)
    known = {path: (size, mtime) for path, size, mtime in db.execute("SELECT path, size, mtime_ns FROM journal_files")}
    new = sorted(name for name, state in states.items() if known.get(name) != state)
    with write_txn(db):
        for name in new:
            entries = journal.read(folder / name, f"{journal.FOLDER}/{name}")
            while batch := list(itertools.islice(entries, 5000)):  # a bulk import's file is read a batch at a time
                index(db, batch)
            _seen(db, name, states[name])
        db.execute("UPDATE cache_state SET journal_digest = ? WHERE id = 1", [digest])
    return len(new)


# The history a database held before the journal existed, as journal entries (ids from a code per table and the row id).
LEGACY = {"update": "u", "reading": "r", "done": "d", "revision": "v"}


def adopt(db: Database, root: Path) -> bool:
    """Write the history recorded before the journal existed out to one journal file, once; return whether it did."""
    if db.execute("SELECT journal_adopted FROM cache_state WHERE id = 1").fetchone()[0]:
        return False
    from tracker.files import atomic_write_chunks

    with write_txn(db):
        if any(db.execute(f"SELECT 1 FROM {table} WHERE entry_id IS NULL LIMIT 1").fetchone() for table, _ in AS_ENTRY.values()):
            name, _ = journal.new_name(datetime.fromisoformat(utc_now()))
            path = root / journal.FOLDER / name
            atomic_write_chunks(path, journal.lines(_legacy_entries(db)))
            for kind, code in LEGACY.items():
                db.execute(f"UPDATE {AS_ENTRY[kind][0]} SET entry_id = 'legacy-{code}' || id || '-' || recorded_at WHERE entry_id IS NULL")
            _seen(db, name, path)
        db.execute("UPDATE cache_state SET journal_adopted = 1 WHERE id = 1")
    return True


def _legacy_entries(db: Database) -> Iterable[dict[str, Any]]:
    for kind, code in LEGACY.items():
        table, columns = AS_ENTRY[kind]
        cursor = db.execute(f"SELECT '{kind}' AS type, {columns}, id FROM {table} WHERE entry_id IS NULL ORDER BY id")
        names = [d[0] for d in cursor.description]
        while batch := cursor.fetchmany(5000):
            for values in batch:
                row = dict(zip(names, values, strict=True))
                row_id = row.pop("id")
                # The id names the database row, so copies of one database adopted apart still give each entry once.
                yield {"id": f"legacy-{code}{row_id}-{row['entered_at']}", **{k: v for k, v in row.items() if v is not None or k in ("old", "new")}}
