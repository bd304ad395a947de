"""The rows `tracker status` shows, read from the status cache: the most urgent, or all of them as JSON text."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from tracker.store.db import Database
from tracker.views.portfolio import statuses

if TYPE_CHECKING:
    from tracker.workspace import Settings

def matches(row: dict[str, Any], owner: str | None, framework: str | None) -> bool:
    """Return True when a status row passes the --owner and --framework filters (both ignore case)."""
    if owner and owner.casefold() not in row["owner"].casefold():
        return False
    if not framework:
        return True
    wanted = framework.casefold()
    return any(f.casefold() == wanted or f.split(":")[0].casefold() == wanted for f in row["frameworks"])


def _filtered(db: Database, today: date, settings: Settings, owner: str | None, framework: str | None) -> list[str]:
    """Return the status rows' JSON text passing the --owner and --framework filters, most urgent first."""
    with statuses(db, today, settings) as found:
        texts = found.reader.texts()
    return [text for who, tags, text in texts if matches({"owner": who, "frameworks": json.loads(tags)}, owner, framework)]


def status_json_texts(db: Database, today: date, settings: Settings, owner: str | None = None, framework: str | None = None) -> list[str]:
    """Return every status row (the documented `status --json` shape) as JSON text, most urgent first."""
    if owner or framework:
        return _filtered(db, today, settings, owner, framework)
    with statuses(db, today, settings) as found:
        return [text for _, _, text in found.reader.texts()]


def status_list(db: Database, today: date, settings: Settings, owner: str | None = None, framework: str | None = None) -> list[dict[str, Any]]:
    """Return one status row per pledge, most urgent first."""
    return [json.loads(text) for text in status_json_texts(db, today, settings, owner, framework)]


def most_urgent(db: Database, today: date, settings: Settings, owner: str | None, framework: str | None, limit: int) -> list[dict[str, Any]]:
    """Return status rows, most urgent first: complete for the first `limit`, only id and schedule for the rest."""
    if owner or framework:
        rows = [json.loads(text) for text in _filtered(db, today, settings, owner, framework)]
        return rows[:limit] + [{"id": r["id"], "schedule_status": r["schedule_status"]} for r in rows[limit:]]
    with statuses(db, today, settings) as found:
        head, tail = found.reader.head(limit), found.reader.tail(limit)
    return [json.loads(text) for text in head] + [{"id": pledge_id, "schedule_status": schedule} for pledge_id, schedule in tail]
