"""Snoozed reminders: a deadline's reminders silenced until a day, journaled with who and why.

A snooze names its deadline by the reminders' own key: `pledge:ID` for the pledge's due date,
`milestone:ID/MILESTONE` for a milestone. The latest snooze of a deadline (by `entered_at`) is the one in force, and
only while its `until` is after today: snoozing until today ends a snooze early.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tracker.errors import ConflictError, UsageError
from tracker.store import journal
from tracker.store.core import require_item, require_pledge, rows, utc_now, write_txn
from tracker.store.db import Database

# The latest snooze of each deadline, numbered 1 (ties on the instant go to the larger id, the same in every clone).
_LATEST = """SELECT s.*, row_number() OVER (PARTITION BY deadline_key ORDER BY entered_at DESC, entry_id DESC) AS n
             FROM snoozes s"""


def deadline_key(pledge_id: str, milestone_id: str | None) -> str:
    """Return the reminders' key for a pledge's due date (no milestone) or for one of its milestones."""
    return f"milestone:{pledge_id}/{milestone_id}" if milestone_id is not None else f"pledge:{pledge_id}"


def active(db: Database, today: date) -> dict[str, str]:
    """Return deadline key -> until (YYYY-MM-DD) for every deadline whose latest snooze lasts past `today`."""
    found = db.execute(f"SELECT deadline_key, until FROM ({_LATEST}) WHERE n = 1 AND until > ?", [today.isoformat()])
    return dict(found.fetchall())


def of_pledge(db: Database, pledge_id: str, today: date) -> list[dict[str, Any]]:
    """Return a pledge's snoozes in force after `today` ({deadline_key, until, reason, author, entered_at}), by deadline."""
    return rows(db, f"""SELECT deadline_key, until, reason, author, entered_at FROM ({_LATEST})
                        WHERE n = 1 AND until > :t AND pledge_id = :p ORDER BY deadline_key""",
                {"t": today.isoformat(), "p": pledge_id})


def add(db: Database, root: Path, pledge_id: str, milestone_id: str | None, until: date, reason: str, author: str | None,
        today: date, at: str | None = None) -> dict[str, Any]:
    """Snooze the reminders of a pledge's due date (or of one open milestone) until a day; return the journal entry.

    `until` is after `today`, or today itself to end a snooze early (refused when nothing is snoozed).
    """
    with write_txn(db):
        require_pledge(db, pledge_id)
        if milestone_id is not None:
            _require_open(db, pledge_id, milestone_id, today)
        key = deadline_key(pledge_id, milestone_id)
        if until <= today and key not in active(db, today):
            raise UsageError(f"--until {until}: a snooze until today ends one, and {_what(pledge_id, milestone_id)} is not snoozed")
        entry = {"type": "snooze", "pledge": pledge_id, "item_kind": "milestone" if milestone_id else "pledge", "item": milestone_id,
                 "until": until.isoformat(), "reason": reason, "author": author, "entered_at": at or utc_now()}
        journal.write(db, root, [entry])
    return entry


def _require_open(db: Database, pledge_id: str, milestone_id: str, today: date) -> None:
    """Refuse an unknown milestone, or one done (as of `today`): it has no reminders to silence."""
    require_item(db, "milestones", pledge_id, milestone_id)
    done = rows(db, "SELECT date FROM milestone_completions WHERE pledge_id = ? AND milestone_id = ? AND date <= ?",
                [pledge_id, milestone_id, today.isoformat()])
    if done:
        raise ConflictError(f"milestone {milestone_id!r} of {pledge_id!r} was done on {done[0]['date']}; it has no reminders to snooze")


def _what(pledge_id: str, milestone_id: str | None) -> str:
    return f"{pledge_id} milestone {milestone_id}" if milestone_id else pledge_id
