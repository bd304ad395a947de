"""Open reporting rounds: by hand (`tracker round open`) or, for a review whose calendar entry asks, by the tick."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tracker.errors import UsageError
from tracker.store import rounds as store
from tracker.store.db import Database

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
SCHEDULED_AUTHOR = "tracker (scheduled round)"


def open_round(db: Database, root: Path, name: str, due: date, today: date, who: tuple[str | None, str],
               review: str | None = None, owner: str | None = None, framework: str | None = None,
               message: str | None = None) -> dict[str, Any]:
    """Open a round over the matching pledges (examined at `review`, and/or of `owner` / `framework`); return its entry.

    `who` is the author and the instant the opening is entered at. Each pledge is asked for a status update, and for
    readings of its indicators that have none within its reporting rhythm.
    """
    if not NAME.fullmatch(name):
        raise UsageError(f"round name {name!r}: use letters, digits, '.', '_' and '-' (up to 80), starting with a letter or digit")
    if due < today:
        raise UsageError(f"--due {due}: a round is due today or later (today is {today})")
    pledges = matching(db, review, owner, framework)
    author, at = who
    entry = {"round": name, "due": due.isoformat(), "pledges": pledges, "asked": store.stale_indicators(db, pledges, today.isoformat()),
             "review": review, "owner": owner, "framework": framework, "message": message, "author": author, "entered_at": at}
    store.open_round(db, root, entry)
    return entry


def matching(db: Database, review: str | None, owner: str | None, framework: str | None) -> list[str]:
    """Return the ids of the active pledges a round with these filters covers (every pledge without any)."""
    from tracker.store.site import require_review
    from tracker.views.status import matches

    if review is not None:
        require_review(db, review)
    found = [p["id"] for p in store.candidates(db)
             if (review is None or review in p["reviews"]) and matches(p, owner, framework)]
    if not found:
        raise UsageError("no pledge matches: nothing to ask (check --review, --owner and --framework)")
    return found


def scheduled(db: Database, root: Path, today: date, at: str) -> list[str]:
    """Open, once per occurrence, the rounds that reviews with `round:` in the calendar ask for on or after their day;
    return the names opened. A round is named after its review and year (`imrf-2026`)."""
    from tracker.views.portfolio import next_review

    opened = []
    for review in store.review_rounds(db):
        when = next_review(review["first"], review["every_years"], today).end
        opens, due = when - timedelta(days=review["open_days_before"]), when - timedelta(days=review["due_days_before"])
        name = f"{review['id']}-{when.year}"
        if not opens <= today <= due or store.rounds(db, name):
            continue
        message = f"Reporting round for {review['title']} {when.year}: please report progress by {due.isoformat()}."
        open_round(db, root, name, due, today, (SCHEDULED_AUTHOR, at), review=review["id"], message=message)
        opened.append(name)
    return opened
