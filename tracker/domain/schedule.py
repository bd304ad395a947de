"""The schedule lens: upcoming, due-soon, overdue or closed, from dates alone (pure, takes `today`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple

from tracker.domain.statuses import CLOSED_STATUSES, SCHEDULE_ORDER


class Deadline(NamedTuple):
    """A dated thing that falls due: a pledge, a milestone or a review.

    A named tuple, not a frozen dataclass: a global portfolio's report reads 50,000 of them, and a frozen dataclass
    takes three times as long to build.
    """

    date: dt.date
    text: str
    precision: str
    what: str
    kind: str
    item: str = ""

    def as_json(self, today: dt.date) -> dict[str, Any]:
        """Return the documented JSON shape of a deadline."""
        return {"date": self.date.isoformat(), "precision": self.precision, "text": self.text,
                "what": self.what, "kind": self.kind, "days_left": (self.date - today).days}


@dataclass(frozen=True)
class Schedule:
    """A pledge's schedule status and the deadline that decides it."""

    status: str
    next_deadline: Deadline | None
    days_left: int | None


def schedule(deadlines: list[Deadline], reported_status: str | None, today: dt.date, due_soon_days: int) -> Schedule:
    """Return the schedule lens from a pledge's open deadlines (its due date and open milestones)."""
    if reported_status in CLOSED_STATUSES:
        return Schedule("closed", None, None)
    dated = [d for d in deadlines if d.kind != "review"]
    overdue = sorted((d for d in dated if d.date < today), key=lambda d: d.date)
    if overdue:
        return Schedule("overdue", overdue[0], (overdue[0].date - today).days)
    ahead = sorted((d for d in deadlines if d.date >= today), key=lambda d: (d.date, d.kind != "pledge"))
    if not ahead:
        return Schedule("upcoming", None, None)
    first = ahead[0]
    days = (first.date - today).days
    return Schedule("due-soon" if days <= due_soon_days else "upcoming", first, days)


def urgency_key(status: str, days_left: int | None, pledge_id: str) -> tuple[int, int, str]:
    """Sort key: overdue first (longest overdue first), then by days left, closed last."""
    return (SCHEDULE_ORDER[status], days_left if days_left is not None else 10**6, pledge_id)
