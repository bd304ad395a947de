"""Reporting rounds as plain data: who has reported, late or not, and who is still missing (`round status --json`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from tracker.store import rounds as store
from tracker.store.db import Database

if TYPE_CHECKING:
    from tracker.workspace import Settings


def local_day(instant: str | None, settings: Settings) -> str | None:
    """Return the day, in the workspace time zone, of a stored UTC instant."""
    if not instant:
        return None
    moment = datetime.fromisoformat(instant)  # stored instants are UTC, with or without their offset
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(settings.zone).date().isoformat()


def round_status(db: Database, name: str, settings: Settings) -> dict[str, Any]:
    """Return a round with each pledge's state (reported, late or missing), the day and author of its answer, totals."""
    found = store.round_row(db, name)
    pledges = [_pledge(row, found["due"], settings) for row in store.answers(db, name)]
    counts = {state: sum(p["state"] == state for p in pledges) for state in ("reported", "late", "missing")}
    return {**_head(found, settings), "pledges": pledges, **counts}


def _head(found: dict[str, Any], settings: Settings) -> dict[str, Any]:
    return {"name": found["name"], "due": found["due"], "opened_on": local_day(found["opened_at"], settings),
            "closed_on": local_day(found["closed_at"], settings), "review": found["review"], "owner": found["owner"],
            "framework": found["framework"], "message": found["message"], "opened_by": found["author"]}


def _pledge(row: dict[str, Any], due: str, settings: Settings) -> dict[str, Any]:
    answered = row["update_at"] is not None and not row["readings_missing"]
    at = max(row["update_at"] or "", row["readings_at"] or "") if answered else None
    day = local_day(at, settings)
    state = "missing" if day is None else "late" if day > due else "reported"
    return {"id": row["pledge_id"], "title": row["title"], "owner": row["owner"], "state": state, "reported_on": day,
            "author": row["author"] if answered else None, "asked_readings": row["asked"]}


def round_list(db: Database, settings: Settings) -> list[dict[str, Any]]:
    """Return every round, newest first, open and closed, with its counts."""
    return [{key: value for key, value in round_status(db, r["name"], settings).items() if key != "pledges"}
            for r in store.rounds(db)]


def open_rounds(db: Database, settings: Settings) -> list[dict[str, Any]]:
    """Return the open rounds with each pledge's state, by due date (what reminders and the weekly report need)."""
    found = [round_status(db, r["name"], settings) for r in store.rounds(db) if not r["closed_at"]]
    return sorted(found, key=lambda r: (r["due"], r["name"]))


def compliance(summary: dict[str, Any], today: date) -> str:
    """Return a round's one-line compliance: '9 of 12 reported, 3 missing, due in 12 days'."""
    total = summary["reported"] + summary["late"] + summary["missing"]
    days = (date.fromisoformat(summary["due"]) - today).days
    when = "due today" if days == 0 else f"due in {days} day{'' if days == 1 else 's'}" if days > 0 else \
        f"{-days} day{'' if days == -1 else 's'} past due"
    late = f" ({summary['late']} late)" if summary["late"] else ""
    return f"{summary['reported'] + summary['late']} of {total} reported{late}, {summary['missing']} missing, {when}"
