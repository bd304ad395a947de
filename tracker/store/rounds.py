"""Reporting rounds in the store: open and close them (journaled), and who has answered, counted in SQL.

A pledge of a round has answered once a status update was entered after the round opened and, for each indicator the
round asked a reading of, a reading was entered after it opened too. `answered_at` is when the last of those came.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tracker.errors import ConflictError, UnknownError
from tracker.store import journal
from tracker.store.core import rows, utc_now, write_txn
from tracker.store.db import Database

# Days a reading stays recent enough for a round when a pledge has no `report_every_days` of its own.
DEFAULT_RHYTHM_DAYS = 365

_ANSWERS = """
SELECT rp.pledge_id, p.title, p.owner, rp.asked,
       (SELECT min(u.recorded_at) FROM status_updates u WHERE u.pledge_id = rp.pledge_id AND u.recorded_at >= r.opened_at) AS update_at,
       (SELECT u.author FROM status_updates u WHERE u.pledge_id = rp.pledge_id AND u.recorded_at >= r.opened_at
        ORDER BY u.recorded_at LIMIT 1) AS author,
       (SELECT max((SELECT min(x.recorded_at) FROM readings x WHERE x.pledge_id = rp.pledge_id AND x.indicator_id = a.value
                    AND x.recorded_at >= r.opened_at)) FROM json_each(rp.asked) a) AS readings_at,
       (SELECT count(*) FROM json_each(rp.asked) a WHERE NOT EXISTS (SELECT 1 FROM readings x WHERE x.pledge_id = rp.pledge_id
        AND x.indicator_id = a.value AND x.recorded_at >= r.opened_at)) AS readings_missing
FROM round_pledges rp JOIN rounds r ON r.name = rp.round JOIN pledges p ON p.id = rp.pledge_id
WHERE rp.round = :name AND p.removed_at IS NULL
ORDER BY rp.pledge_id
"""


def candidates(db: Database) -> list[dict[str, Any]]:
    """Return every active pledge with what a round filters on: owner, frameworks, reviews."""
    found = rows(db, "SELECT id, owner, frameworks, reviews FROM pledges WHERE removed_at IS NULL ORDER BY id")
    return [{**r, "frameworks": json.loads(r["frameworks"]), "reviews": json.loads(r["reviews"])} for r in found]


def stale_indicators(db: Database, pledge_ids: list[str], day: str) -> dict[str, list[str]]:
    """Return per pledge its indicators without a reading dated within its reporting rhythm before `day`."""
    found = db.execute(
        """SELECT i.pledge_id, i.id FROM indicators i JOIN pledges p ON p.id = i.pledge_id
           WHERE i.removed_at IS NULL AND i.pledge_id IN (SELECT value FROM json_each(:ids))
             AND NOT EXISTS (SELECT 1 FROM readings x WHERE x.pledge_id = i.pledge_id AND x.indicator_id = i.id
                             AND x.date > date(:day, '-' || coalesce(p.report_every_days, :rhythm) || ' days'))
           ORDER BY i.pledge_id, i.position""",
        {"ids": json.dumps(pledge_ids), "day": day, "rhythm": DEFAULT_RHYTHM_DAYS},
    )
    stale: dict[str, list[str]] = {}
    for pledge_id, indicator_id in found.fetchall():
        stale.setdefault(pledge_id, []).append(indicator_id)
    return stale


def open_round(db: Database, root: Path, entry: dict[str, Any]) -> None:
    """Journal the opening of a round (an entry of type round-open); a name already used is refused."""
    with write_txn(db):
        if db.execute("SELECT 1 FROM rounds WHERE name = ?", [entry["round"]]).fetchone():
            raise ConflictError(f"a round named {entry['round']!r} exists already; `tracker round list` shows every round")
        journal.write(db, root, [{"type": "round-open", **entry, "entered_at": entry.get("entered_at") or utc_now()}])


def close_round(db: Database, root: Path, name: str, author: str | None, at: str | None = None) -> None:
    """Journal the closing of an open round."""
    with write_txn(db):
        found = round_row(db, name)
        if found["closed_at"]:
            raise ConflictError(f"round {name!r} was closed already, on {found['closed_at'][:10]}")
        journal.write(db, root, [{"type": "round-close", "round": name, "author": author, "entered_at": at or utc_now()}])


def round_row(db: Database, name: str) -> dict[str, Any]:
    """Return one round with when it closed (None while open); an unknown name is an error."""
    found = rounds(db, name)
    if not found:
        raise UnknownError(f"no round named {name!r}; `tracker round list` shows every round")
    return found[0]


def rounds(db: Database, name: str | None = None) -> list[dict[str, Any]]:
    """Return every round (or the one named), newest first, with its first closing and its pledge count."""
    return rows(
        db,
        """SELECT r.*, (SELECT min(c.entered_at) FROM round_closes c WHERE c.round = r.name) AS closed_at,
                  (SELECT count(*) FROM round_pledges rp WHERE rp.round = r.name) AS pledges
           FROM rounds r WHERE :name IS NULL OR r.name = :name ORDER BY r.opened_at DESC, r.name""",
        {"name": name},
    )


def answers(db: Database, name: str) -> list[dict[str, Any]]:
    """Return per pledge of a round when its update and asked readings came (None: not yet), and who answered."""
    return [{**r, "asked": json.loads(r["asked"])} for r in rows(db, _ANSWERS, {"name": name})]


def review_rounds(db: Database) -> list[dict[str, Any]]:
    """Return the reviews whose calendar entry asks for a reporting round, with its days before the review."""
    return rows(
        db,
        """SELECT id, title, first, every_years, json_extract(definition, '$.round.open_days_before') AS open_days_before,
                  json_extract(definition, '$.round.due_days_before') AS due_days_before
           FROM reviews WHERE removed_at IS NULL AND json_extract(definition, '$.round') IS NOT NULL ORDER BY id""",
    )
