"""What a user must not miss whatever command they run: dead reminders, a daemon that stopped ticking."""

from __future__ import annotations

from datetime import datetime, timedelta

from tracker.store import outbox as store_outbox
from tracker.store.db import Database


def service_warnings(db: Database, now: datetime) -> list[str]:
    """Return warnings a user must not miss: dead reminders, a daemon that stopped ticking."""
    found = []
    dead = store_outbox.outbox_counts(db).get("dead", 0)
    if dead:
        found.append(f"{dead} reminder(s) could not be delivered and gave up (dead): see `tracker outbox --status dead`, "
                     "then `tracker outbox retry ID`")
    beat = store_outbox.heartbeat(db, "daemon")
    if beat is not None:
        age = now - datetime.fromisoformat(beat["at"])
        if age > timedelta(days=1):
            found.append(f"the tracker daemon has not ticked since {beat['at'][:16].replace('T', ' ')} UTC "
                         f"({age.days} day(s)); is `tracker run` still running?")
    return found
