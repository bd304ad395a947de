"""The outbox side of the store: reminders planned and sent, what each tick last saw, heartbeats, report runs."""

from __future__ import annotations

import json
import os
from datetime import date
from typing import Any

from tracker.errors import ConflictError, UnknownError
from tracker.store.core import fast_rows, rows, write_txn
from tracker.store.db import Database

# An outbox entry ready to send: pending, or failed and due for its retry (`:now` is a UTC ISO instant).
SENDABLE = "(status = 'pending' OR (status = 'failed' AND next_attempt_at <= :now))"


def notify_rows(db: Database) -> dict[str, dict[str, Any]]:
    """Return per active pledge its contacts, escalation contacts and reminder overrides."""
    found = fast_rows(
        db,
        """SELECT id, title, json_extract(definition, '$.contacts') AS contacts,
                  json_extract(definition, '$.escalation') AS escalation, json_extract(definition, '$.reminders') AS reminders
           FROM pledges WHERE removed_at IS NULL""",
    )
    return {r["id"]: {"title": r["title"], "contacts": json.loads(r["contacts"] or "[]"), "escalation": json.loads(r["escalation"] or "[]"),
                      "reminders": json.loads(r["reminders"]) if r["reminders"] else None} for r in found}


def reminder_overrides(db: Database) -> dict[str, dict[str, Any]]:
    """Return the `reminders` of the pledges that set their own (the calendar needs nothing else of their people)."""
    found = db.execute("""SELECT id, json_extract(definition, '$.reminders') FROM pledges
                          WHERE removed_at IS NULL AND json_extract(definition, '$.reminders') IS NOT NULL""")
    return {pledge_id: {"reminders": json.loads(text)} for pledge_id, text in found.fetchall()}


def outbox_known(db: Database, deadline_keys: list[str]) -> dict[str, str]:
    """Return the dedupe key and slot date of every reminder planned for these deadlines."""
    found = db.conn.execute("SELECT dedupe_key, slot_date FROM outbox WHERE deadline_key IN (SELECT value FROM json_each(?))",
                            [json.dumps(deadline_keys)])
    return dict(found.fetchall())


def insert_outbox(db: Database, entries: list[dict[str, Any]]) -> int:
    """Record planned reminders and alerts; a key already present is left alone. Return how many were new."""
    with write_txn(db):
        before = db.conn.total_changes
        for entry in entries:
            columns = ", ".join(entry)
            marks = ", ".join(f":{k}" for k in entry)
            db.execute(f"INSERT OR IGNORE INTO outbox ({columns}) VALUES ({marks})", entry)
        return int(db.conn.total_changes - before)


def ready_recipients(db: Database, now: str, limit: int) -> list[str]:
    """Return who has outbox entries that may be sent now (pending, failed and due for retry, or 'sending' under a
    lease that may have run out), those waiting longest first. Nothing is claimed: `claim` takes one recipient's."""
    found = db.execute(
        f"""SELECT recipient FROM outbox WHERE {SENDABLE} OR (status = 'sending' AND lease_until < :now)
               OR (status = 'sending' AND lease_owner LIKE :host)
            GROUP BY recipient ORDER BY min(slot_date), recipient LIMIT :limit""",
        {"now": now, "limit": limit, "host": f"{_host()}:%"},
    )
    return [r[0] for r in found.fetchall()]


def claim(db: Database, owner: str, now: str, lease_until: str, recipient: str) -> list[dict[str, Any]]:
    """Lease every entry of one recipient that is ready to send (another tick may have taken some since the recipient
    was listed) and return them: the check made just before their message goes out."""
    with write_txn(db):
        found = rows(db, f"SELECT * FROM outbox WHERE recipient = :r AND ({SENDABLE} OR status = 'sending') ORDER BY slot_date, id",
                     {"r": recipient, "now": now})
        ready = [r for r in found if r["status"] != "sending" or r["lease_until"] < now or not lease_holder_alive(r["lease_owner"])]
        db.conn.executemany("UPDATE outbox SET status = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?",
                            [(owner, lease_until, row["id"]) for row in ready])
        for row in ready:
            row["attempts"] += 1
    return ready


def lease_owner() -> str:
    """Return a lease owner id naming this host and process, so a crashed holder can be recognised."""
    import uuid

    return f"{_host()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _host() -> str:
    import socket

    return socket.gethostname()


def lease_holder_alive(owner: str | None) -> bool:
    """Return False when the lease holder was a process on this host that no longer exists."""
    import socket

    host, _, rest = (owner or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def finish(db: Database, outbox_ids: list[int], owner: str, changes: dict[str, Any]) -> int:
    """Record the outcome of a send for these entries, only those this process still holds; return how many."""
    sets = ", ".join(f"{k} = :{k}" for k in changes)
    with write_txn(db):
        cursor = db.execute(
            f"""UPDATE outbox SET {sets}, lease_owner = NULL, lease_until = NULL
                WHERE id IN (SELECT value FROM json_each(:ids)) AND lease_owner = :owner""",
            {**changes, "ids": json.dumps(outbox_ids), "owner": owner},
        )
        return int(cursor.rowcount)


def last_escalations(db: Database) -> dict[str, str]:
    """Return per escalation contact the last day an escalation was planned for them (to go out that day)."""
    found = db.execute("SELECT recipient, max(planned_on) FROM outbox WHERE kind = 'escalation' AND status != 'superseded' GROUP BY recipient")
    return dict(found.fetchall())


def last_updates(db: Database, pledge_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Return the latest status update of each of these pledges: status, date, author."""
    found = rows(
        db,
        """SELECT pledge_id, status, date, author FROM (
               SELECT pledge_id, status, date, author, row_number() OVER (PARTITION BY pledge_id ORDER BY date DESC, recorded_at DESC, id DESC) AS n
               FROM status_updates WHERE pledge_id IN (SELECT value FROM json_each(?)))
           WHERE n = 1""",
        [json.dumps(pledge_ids)],
    )
    return {r["pledge_id"]: r for r in found}


def outbox_rows(db: Database, status: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Return outbox entries, newest first, optionally of one status."""
    return rows(
        db,
        """SELECT id, kind, pledge_id, what, deadline_date, deadline_text, precision, lead_days, slot_date, recipient, channel,
                  subject, status, attempts, next_attempt_at, last_error, planned_at, sent_at, note
           FROM outbox WHERE (:s IS NULL OR status = :s) ORDER BY id DESC LIMIT :limit""",
        {"s": status, "limit": limit},
    )


def outbox_counts(db: Database) -> dict[str, int]:
    """Return how many outbox entries are in each status."""
    return {r[0]: r[1] for r in db.conn.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()}


def retry(db: Database, outbox_id: int) -> None:
    """Put a dead, failed or unknown entry back in the queue (an unknown one may then arrive twice)."""
    with write_txn(db):
        found = rows(db, "SELECT status FROM outbox WHERE id = ?", [outbox_id])
        if not found:
            raise UnknownError(f"no outbox entry {outbox_id}; `tracker outbox` lists them")
        if found[0]["status"] not in ("dead", "failed", "unknown"):
            raise ConflictError(f"outbox entry {outbox_id} is {found[0]['status']}; only dead, failed or unknown entries can be retried")
        # The items of a digest went out together, so they are retried together.
        db.execute("""UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = NULL, note = 'retried by hand'
                      WHERE status IN ('dead', 'failed', 'unknown')
                        AND (id = :id OR digest = (SELECT digest FROM outbox WHERE id = :id AND digest IS NOT NULL))""",
                   {"id": outbox_id})


def watch_rows(db: Database) -> dict[str, tuple[str, bool, bool]]:
    """Return what the last tick saw of each pledge: assessed lens, discrepancy, stale evidence."""
    return {r[0]: (r[1], bool(r[2]), bool(r[3])) for r in db.conn.execute("SELECT pledge_id, assessed, discrepancy, stale FROM watch")}


def save_watch(db: Database, seen: dict[str, tuple[str, bool, bool]], today: date) -> None:
    """Remember what this tick saw of each pledge."""
    with write_txn(db):
        db.conn.executemany(
            "INSERT OR REPLACE INTO watch (pledge_id, assessed, discrepancy, stale, seen_on) VALUES (?, ?, ?, ?, ?)",
            [(pid, a, int(d), int(s), today.isoformat()) for pid, (a, d, s) in seen.items()],
        )


def beat(db: Database, name: str, now: str, today: date, info: str = "") -> None:
    """Record that `name` (the daemon, a tick) was alive at `now`."""
    with write_txn(db):
        db.execute("INSERT OR REPLACE INTO heartbeats (name, at, today, info) VALUES (?, ?, ?, ?)", [name, now, today.isoformat(), info])


def heartbeat(db: Database, name: str) -> dict[str, Any] | None:
    """Return the last heartbeat of `name`, if any."""
    found = rows(db, "SELECT * FROM heartbeats WHERE name = ?", [name])
    return found[0] if found else None


def report_run(db: Database, week: str) -> dict[str, Any] | None:
    """Return the record of a saved weekly report, if any."""
    found = rows(db, "SELECT * FROM report_runs WHERE week = ?", [week])
    return found[0] if found else None


def record_report_run(db: Database, week: str, now: str, today: date, paths: list[str]) -> None:
    """Record that the weekly report of `week` was saved."""
    with write_txn(db):
        db.execute("INSERT OR REPLACE INTO report_runs (week, saved_at, today, paths) VALUES (?, ?, ?, ?)",
                   [week, now, today.isoformat(), json.dumps(paths)])


def data_version(db: Database) -> int:
    """Return the count of changes to the tables pledge statuses are computed from (kept by triggers)."""
    return int(db.execute("SELECT data_version FROM cache_state WHERE id = 1").fetchone()[0])


def quiet(db: Database, key: str, now: str) -> bool:
    """Return True when the last complete tick had this key and no outbox entry is ready to send."""
    if db.execute("SELECT tick_mark FROM cache_state WHERE id = 1").fetchone()[0] != key:
        return False
    # A 'sending' entry may belong to a process that died: only a full tick (claim) can tell.
    ready = db.execute(f"SELECT 1 FROM outbox WHERE {SENDABLE} OR status = 'sending' LIMIT 1", {"now": now}).fetchone()
    return ready is None


def set_tick_key(db: Database, key: str) -> None:
    """Record the key of a complete tick (service.remind.tick_key)."""
    with write_txn(db):
        db.execute("UPDATE cache_state SET tick_mark = ?, tick_inputs = NULL WHERE id = 1", [key])
