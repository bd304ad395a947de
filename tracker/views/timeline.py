"""The timeline's data: one lane per open pledge with its deadlines in a window, and the default window."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from tracker.views.states import PledgeStatus


def timeline(states: Iterable[PledgeStatus], today: date, start: date | None, end: date | None) -> tuple[date, date, list[dict[str, Any]]]:
    """Return the window (default: `default_window`, each end replaceable) and its lanes; raise ValueError if it is empty.

    `states` is read twice (the statuses of a day can be: each pass is a new query), never held whole.
    """
    first, last = default_window(states, today)
    first, last = start or first, end or last
    if last <= first:
        raise ValueError(f"--to ({last}) must be after --from ({first})")
    return first, last, lanes(states, first, last)


def lanes(states: Iterable[PledgeStatus], start: date, end: date) -> list[dict[str, Any]]:
    """Return one lane per pledge (and one for reviews) with its open deadlines between `start` and `end`."""
    result, reviews = [], {}
    for s in states:
        if s.row["schedule_status"] == "closed":
            continue
        marks = [d for d in s.deadlines if d.kind != "review" and start <= d.date <= end]
        for d in s.deadlines:
            if d.kind == "review" and start <= d.date <= end:
                reviews[(d.what, d.date)] = d
        if marks:
            result.append({"id": s.id, "health": s.row["health"], "deadlines": [_mark(d) for d in marks]})
    if reviews:
        result.append({"id": "reviews", "health": None, "deadlines": [_mark(d) for d in sorted(reviews.values(), key=lambda d: d.date)]})
    return result


def _mark(d: Any) -> dict[str, Any]:
    return {"date": d.date.isoformat(), "text": d.text, "precision": d.precision, "what": d.what, "kind": d.kind}


def default_window(states: Iterable[PledgeStatus], today: date) -> tuple[date, date]:
    """Return the default range: from the oldest open overdue deadline (at most three years back) to a year ahead."""
    overdue = (d.date for s in states if s.row["schedule_status"] != "closed" for d in s.deadlines if d.kind != "review" and d.date < today)
    earliest = max(min(overdue, default=today), today - timedelta(days=3 * 365))
    return min(earliest, today - timedelta(days=30)) - timedelta(days=15), today + timedelta(days=365)
