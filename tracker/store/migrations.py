"""The database schema as append-only named migrations: never edit one that has shipped."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database

Step = Callable[["Database"], None]
STEPS: list[tuple[str, Step]] = []


def migration(name: str) -> Callable[[Step], Step]:
    """Register a migration under its name, after every one registered before it."""

    def register(step: Step) -> Step:
        STEPS.append((name, step))
        return step

    return register


def names() -> tuple[str, ...]:
    """Return the names of every migration, in the order they are applied."""
    return tuple(name for name, _ in STEPS)


def apply(conn: sqlite3.Connection) -> None:
    """Apply the pending migrations with sqlite-utils (imported only when the schema must change)."""
    import sqlite_utils

    runner = sqlite_utils.Migrations("tracker")
    for name, step in STEPS:
        runner(name=name)(step)
    runner.apply(sqlite_utils.Database(conn))


def _run(db: Database, script: str) -> None:
    # sqlite3's executescript() commits first, which would break the migration's transaction.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


@migration("0001_initial")
def m0001_initial(db: Database) -> None:
    """Definitions synced from files, and the history only the database holds."""
    _run(
        db,
        """
        CREATE TABLE source_files (
            path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
            sha256 TEXT NOT NULL, synced_at TEXT NOT NULL
        );
        CREATE TABLE reviews (
            id TEXT PRIMARY KEY, title TEXT NOT NULL, first TEXT NOT NULL,
            every_years INTEGER, definition TEXT NOT NULL, removed_at TEXT
        );
        CREATE TABLE pledges (
            id TEXT PRIMARY KEY, title TEXT NOT NULL, owner TEXT NOT NULL,
            start_text TEXT, due_text TEXT NOT NULL, due_date TEXT NOT NULL, due_precision TEXT NOT NULL,
            frameworks TEXT NOT NULL, reviews TEXT NOT NULL, report_every_days INTEGER,
            path TEXT NOT NULL, sha256 TEXT NOT NULL, definition TEXT NOT NULL,
            synced_at TEXT NOT NULL, removed_at TEXT
        );
        CREATE TABLE milestones (
            pledge_id TEXT NOT NULL REFERENCES pledges(id), id TEXT NOT NULL, position INTEGER NOT NULL,
            title TEXT NOT NULL, due_text TEXT NOT NULL, due_date TEXT NOT NULL, due_precision TEXT NOT NULL,
            assumed INTEGER NOT NULL DEFAULT 0, removed_at TEXT,
            PRIMARY KEY (pledge_id, id)
        );
        CREATE TABLE indicators (
            pledge_id TEXT NOT NULL REFERENCES pledges(id), id TEXT NOT NULL, position INTEGER NOT NULL,
            title TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT, direction TEXT NOT NULL,
            baseline_value TEXT, baseline_date TEXT, target_value TEXT, target_date TEXT, removed_at TEXT,
            PRIMARY KEY (pledge_id, id)
        );
        CREATE TABLE status_updates (
            id INTEGER PRIMARY KEY, pledge_id TEXT NOT NULL REFERENCES pledges(id),
            date TEXT NOT NULL, status TEXT NOT NULL, note TEXT NOT NULL, source TEXT,
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX status_updates_pledge_date ON status_updates(pledge_id, date, id);
        CREATE TABLE readings (
            id INTEGER PRIMARY KEY, pledge_id TEXT NOT NULL, indicator_id TEXT NOT NULL,
            date TEXT NOT NULL, value_num REAL, value_text TEXT, source TEXT, note TEXT,
            recorded_at TEXT NOT NULL,
            FOREIGN KEY (pledge_id, indicator_id) REFERENCES indicators(pledge_id, id)
        );
        CREATE INDEX readings_indicator_date ON readings(pledge_id, indicator_id, date, id);
        CREATE TABLE milestone_completions (
            id INTEGER PRIMARY KEY, pledge_id TEXT NOT NULL, milestone_id TEXT NOT NULL,
            date TEXT NOT NULL, evidence TEXT, recorded_at TEXT NOT NULL,
            FOREIGN KEY (pledge_id, milestone_id) REFERENCES milestones(pledge_id, id)
        );
        CREATE INDEX milestone_completions_pledge ON milestone_completions(pledge_id, milestone_id);
        CREATE TABLE revisions (
            id INTEGER PRIMARY KEY, pledge_id TEXT NOT NULL REFERENCES pledges(id),
            item_kind TEXT NOT NULL, item_id TEXT NOT NULL, field TEXT NOT NULL,
            old TEXT, new TEXT, date TEXT NOT NULL, recorded_at TEXT NOT NULL
        );
        CREATE INDEX revisions_pledge ON revisions(pledge_id, date, id);
        """
    )


@migration("0002_indicator_method")
def m0002_indicator_method(db: Database) -> None:
    """Keep each indicator's method, levels and thresholds in columns so assessment needs no JSON parsing."""
    import json

    for column in ("method", "levels", "thresholds"):
        db.execute(f"ALTER TABLE indicators ADD COLUMN {column} TEXT")
    for pledge_id, definition in db.execute("SELECT id, definition FROM pledges").fetchall():
        for spec in json.loads(definition).get("indicators", []):
            db.execute(
                "UPDATE indicators SET method = ?, levels = ?, thresholds = ? WHERE pledge_id = ? AND id = ?",
                [spec.get("method", "auto"), json.dumps(spec.get("levels")), json.dumps(spec.get("thresholds")), pledge_id, spec["id"]],
            )


@migration("0003_event_date_indexes")
def m0003_event_date_indexes(db: Database) -> None:
    """Index event dates so a weekly report finds the week's changes without scanning every reading."""
    db.execute("CREATE INDEX IF NOT EXISTS readings_date ON readings(date)")
    db.execute("CREATE INDEX IF NOT EXISTS status_updates_date ON status_updates(date)")
    db.execute("CREATE INDEX IF NOT EXISTS milestone_completions_date ON milestone_completions(date)")
    db.execute("CREATE INDEX IF NOT EXISTS revisions_date ON revisions(date)")


@migration("0004_outbox")
def m0004_outbox(db: Database) -> None:
    """The reminder outbox, the last assessment each pledge was seen with, and heartbeats."""
    _run(
        db,
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY, dedupe_key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
            pledge_id TEXT, deadline_key TEXT NOT NULL, deadline_date TEXT NOT NULL, deadline_text TEXT,
            precision TEXT, what TEXT NOT NULL, lead_days INTEGER NOT NULL, slot_date TEXT NOT NULL,
            recipient TEXT NOT NULL, channel TEXT NOT NULL, subject TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dead', 'superseded')),
            attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT, lease_owner TEXT, lease_until TEXT,
            last_error TEXT, planned_at TEXT NOT NULL, planned_on TEXT NOT NULL, sent_at TEXT, note TEXT
        );
        CREATE INDEX outbox_status ON outbox(status, next_attempt_at);
        CREATE INDEX outbox_deadline ON outbox(deadline_key, recipient);
        CREATE TABLE watch (
            pledge_id TEXT PRIMARY KEY, assessed TEXT NOT NULL, discrepancy INTEGER NOT NULL,
            stale INTEGER NOT NULL, seen_on TEXT NOT NULL
        );
        CREATE TABLE heartbeats (name TEXT PRIMARY KEY, at TEXT NOT NULL, today TEXT, info TEXT)
        """,
    )


@migration("0005_report_runs")
def m0005_report_runs(db: Database) -> None:
    """Remember which weekly reports were generated, so a missed or doubled weekly job is harmless."""
    db.execute("CREATE TABLE report_runs (week TEXT PRIMARY KEY, saved_at TEXT NOT NULL, today TEXT NOT NULL, paths TEXT NOT NULL)")


# Every table a pledge's status is computed from, with the column naming the pledge.
_STATUS_SOURCES = (("pledges", "id"), ("milestones", "pledge_id"), ("milestone_completions", "pledge_id"),
                   ("indicators", "pledge_id"), ("readings", "pledge_id"), ("status_updates", "pledge_id"))


@migration("0006_status_cache")
def m0006_status_cache(db: Database) -> None:
    """Each pledge's computed status for one day, dropped by triggers whenever anything it depends on changes.

    `data_version` counts every change to those tables, so a monitoring tick can tell that nothing changed since
    the last one without reading the portfolio.
    """
    _run(
        db,
        """
        CREATE TABLE status_cache (
            pledge_id TEXT PRIMARY KEY, schedule_order INTEGER NOT NULL, days_key INTEGER NOT NULL,
            schedule_status TEXT NOT NULL, owner TEXT NOT NULL, frameworks TEXT NOT NULL,
            row_json TEXT NOT NULL, trend_json TEXT NOT NULL, state_json TEXT NOT NULL
        );
        CREATE INDEX status_cache_urgency ON status_cache(schedule_order, days_key, pledge_id);
        CREATE TABLE cache_state (
            id INTEGER PRIMARY KEY CHECK (id = 1), as_of TEXT, fingerprint TEXT,
            data_version INTEGER NOT NULL DEFAULT 0, tick_mark TEXT
        );
        INSERT INTO cache_state (id) VALUES (1)
        """,
    )
    bump = "UPDATE cache_state SET data_version = data_version + 1 WHERE id = 1;"
    for name, column in _STATUS_SOURCES:
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            drops = " ".join(f"DELETE FROM status_cache WHERE pledge_id = {row}.{column};" for row in rows)
            db.execute(f"CREATE TRIGGER {name}_{event.lower()}_status AFTER {event} ON {name} BEGIN {drops} {bump} END")
    for event in ("INSERT", "UPDATE", "DELETE"):
        db.execute(f"CREATE TRIGGER reviews_{event.lower()}_status AFTER {event} ON reviews BEGIN DELETE FROM status_cache; {bump} END")


@migration("0007_sync_digests")
def m0007_sync_digests(db: Database) -> None:
    """Digests that let a command skip reading 10,000 rows to learn that nothing changed.

    `files_digest` is the digest of the pledge folder's listing (name, size, mtime of each file) the database was
    last synced with; `tick_inputs` names the day, data version, time zone and settings digest of the last
    complete reminder tick (no longer written: the tick key alone decides).
    """
    db.execute("ALTER TABLE cache_state ADD COLUMN files_digest TEXT")
    db.execute("ALTER TABLE cache_state ADD COLUMN tick_inputs TEXT")


@migration("0008_authors")
def m0008_authors(db: Database) -> None:
    """Who entered each status update, reading and milestone completion (NULL for what was entered before)."""
    for table in ("status_updates", "readings", "milestone_completions"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN author TEXT")
    db.execute("CREATE INDEX status_updates_recorded ON status_updates(recorded_at)")
    db.execute("CREATE INDEX readings_recorded ON readings(recorded_at)")


@migration("0009_journal")
def m0009_journal(db: Database) -> None:
    """History kept as journal files: each row's entry id, the journal files taken in, and whether the history the
    database held before was written out to the journal yet (`journal_adopted`)."""
    for table in ("status_updates", "readings", "milestone_completions", "revisions"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN entry_id TEXT")
        db.execute(f"CREATE UNIQUE INDEX {table}_entry ON {table}(entry_id) WHERE entry_id IS NOT NULL")
    db.execute("ALTER TABLE revisions ADD COLUMN author TEXT")
    db.execute("ALTER TABLE revisions ADD COLUMN reason TEXT")
    db.execute("CREATE TABLE journal_files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL)")
    db.execute("ALTER TABLE cache_state ADD COLUMN journal_digest TEXT")
    db.execute("ALTER TABLE cache_state ADD COLUMN journal_adopted INTEGER NOT NULL DEFAULT 0")


@migration("0010_retractions")
def m0010_retractions(db: Database) -> None:
    """Retracted entries: the retraction (who, why, when) and the entry it took out of the live tables, kept for history."""
    db.execute("""CREATE TABLE retractions (
        entry_id TEXT PRIMARY KEY, target TEXT NOT NULL UNIQUE, pledge_id TEXT, reason TEXT NOT NULL, author TEXT,
        entered_at TEXT NOT NULL, original TEXT, replaced_by TEXT)""")
    db.execute("CREATE INDEX retractions_pledge ON retractions(pledge_id)")


@migration("0011_digests")
def m0011_digests(db: Database) -> None:
    """Outbox items sent as one digest per recipient (`digest` names the message they went in), and the `unknown`
    state: the server may have accepted the message but never said so, so it is re-sent only by hand."""
    _run(
        db,
        """
        CREATE TABLE outbox_new (
            id INTEGER PRIMARY KEY, dedupe_key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
            pledge_id TEXT, deadline_key TEXT NOT NULL, deadline_date TEXT NOT NULL, deadline_text TEXT,
            precision TEXT, what TEXT NOT NULL, lead_days INTEGER NOT NULL, slot_date TEXT NOT NULL,
            recipient TEXT NOT NULL, channel TEXT NOT NULL, subject TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dead', 'superseded', 'unknown')),
            attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT, lease_owner TEXT, lease_until TEXT,
            last_error TEXT, planned_at TEXT NOT NULL, planned_on TEXT NOT NULL, sent_at TEXT, note TEXT, digest TEXT
        );
        INSERT INTO outbox_new SELECT *, NULL FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_new RENAME TO outbox;
        CREATE INDEX outbox_status ON outbox(status, next_attempt_at);
        CREATE INDEX outbox_deadline ON outbox(deadline_key, recipient);
        CREATE INDEX outbox_recipient ON outbox(recipient, kind, slot_date)
        """,
    )


@migration("0012_snoozes")
def m0012_snoozes(db: Database) -> None:
    """Snoozed reminders, taken in from the journal: each names its deadline as the reminders do (`pledge:ID`,
    `milestone:ID/MILESTONE`); the latest snooze of a deadline (by `entered_at`) is the one in force."""
    db.execute("""CREATE TABLE snoozes (
        entry_id TEXT PRIMARY KEY, pledge_id TEXT NOT NULL, deadline_key TEXT NOT NULL, until TEXT NOT NULL,
        reason TEXT NOT NULL, author TEXT, entered_at TEXT NOT NULL)""")
    db.execute("CREATE INDEX snoozes_deadline ON snoozes(deadline_key, entered_at)")
    db.execute("CREATE INDEX snoozes_pledge ON snoozes(pledge_id)")
    # A snooze ended early brings reminders back today: the next tick must plan again, not take the quiet path.
    db.execute("CREATE TRIGGER snoozes_insert_tick AFTER INSERT ON snoozes BEGIN "
               "UPDATE cache_state SET data_version = data_version + 1 WHERE id = 1; END")


@migration("0013_rounds")
def m0013_rounds(db: Database) -> None:
    """Reporting rounds, taken in from the journal: the round (the earliest opening of a name wins), the pledges it
    asks with the indicators whose readings it asks for, and its closings (the earliest counts)."""
    _run(
        db,
        """
        CREATE TABLE rounds (
            name TEXT PRIMARY KEY, entry_id TEXT NOT NULL, due TEXT NOT NULL, opened_at TEXT NOT NULL, author TEXT,
            review TEXT, owner TEXT, framework TEXT, message TEXT
        );
        CREATE TABLE round_pledges (
            round TEXT NOT NULL, pledge_id TEXT NOT NULL, asked TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (round, pledge_id)
        );
        CREATE TABLE round_closes (entry_id TEXT PRIMARY KEY, round TEXT NOT NULL, author TEXT, entered_at TEXT NOT NULL);
        CREATE INDEX round_closes_round ON round_closes(round, entered_at);
        CREATE INDEX status_updates_pledge_recorded ON status_updates(pledge_id, recorded_at);
        CREATE INDEX readings_pledge_recorded ON readings(pledge_id, indicator_id, recorded_at)
        """,
    )
    # Opening or closing a round changes who is asked today: the next tick must plan again, not take the quiet path.
    for table in ("rounds", "round_pledges", "round_closes"):
        db.execute(f"CREATE TRIGGER {table}_insert_tick AFTER INSERT ON {table} BEGIN "
                   "UPDATE cache_state SET data_version = data_version + 1 WHERE id = 1; END")
