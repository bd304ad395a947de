"""The service warnings as of `now`: dead reminders, a daemon that stopped ticking (rules in domain.warnings)."""

from __future__ import annotations

from datetime import datetime

from tracker.domain import warnings
from tracker.store import outbox as store_outbox
from tracker.store.db import Database


def service_warnings(db: Database, now: datetime) -> list[str]:
    """Return warnings a user must not miss: dead reminders, a daemon that stopped ticking."""
    beat = store_outbox.heartbeat(db, "daemon")
    return warnings.service_warnings(store_outbox.outbox_counts(db), beat["at"] if beat else None, now)
