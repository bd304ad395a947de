"""Deliver what a tick has ready: one digest per recipient, claimed just before it is sent, its items marked together.

Each recipient's items are leased in their own short transaction right before the send, so a second tick can never
send what this one holds, and a long run over many recipients holds no lease for longer than one send. The lease
outlasts the longest send (smtplib's timeouts), so it cannot run out while a message is on its way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tracker.service.notify import Channels, Sent, send_message
from tracker.service.ticks import TickResult, public
from tracker.store import outbox as store_outbox
from tracker.store.db import Database

if TYPE_CHECKING:
    from tracker.views.digest import Facts
    from tracker.workspace import Settings

# Longer than a send can take: a 30 s connection, a few commands, 10 minutes for the reply to the final dot.
LEASE = timedelta(minutes=30)
BACKOFF_MINUTES = (5, 30, 120, 480, 1440)
# Recipients served per tick; the others are served by the next tick (a first tick at global scale has thousands).
RECIPIENTS_PER_TICK = 500


@dataclass
class Delivery:
    """What the tick that planned knows and delivery needs: settings, channels, the day, who is who, what is open."""

    settings: Settings
    channels: Channels
    today: date
    people: dict[str, dict[str, Any]]
    open_now: set[tuple[str, str]]
    snoozed: set[str]
    review_pledges: dict[str, dict[str, list[str]]]  # review deadline key -> recipient -> pledges examined there
    rounds: dict[str, dict[str, Any]] = field(default_factory=dict)  # open reporting rounds by name


def deliver(db: Database, context: Delivery, moment: datetime, result: TickResult) -> None:
    """Send each recipient's ready items as one digest and record the outcome on every item."""
    stamp = moment.isoformat(timespec="microseconds")
    owner = store_outbox.lease_owner()
    for recipient in store_outbox.ready_recipients(db, stamp, RECIPIENTS_PER_TICK):
        until = (moment + LEASE).isoformat(timespec="microseconds")
        rows = store_outbox.claim(db, owner, stamp, until, recipient)
        live = [r for r in rows if r["kind"] == "progress" or (r["deadline_key"], r["deadline_date"]) in context.open_now]
        _skip(db, [r for r in rows if r not in live], owner, context, result)
        if live:
            _send(db, recipient, live, owner, context, moment, result)


def _facts(db: Database, context: Delivery, recipient: str, rows: list[dict[str, Any]]) -> Facts:
    """Fetch the statuses and last updates of the pledges a digest lists (its most urgent items, capped)."""
    from tracker.views.digest import REVIEW_LIST_LIMIT, Facts
    from tracker.views.portfolio import statuses

    reviews = context.review_pledges
    wanted = {row["pledge_id"] for row in rows if row["pledge_id"]}
    for row in rows:
        wanted.update(reviews.get(row["deadline_key"], {}).get(recipient, [])[:REVIEW_LIST_LIMIT])
    ids = sorted(wanted)
    with statuses(db, context.today, context.settings) as states:
        by_id = {s.id: s for s in states.some(ids)} if ids else {}
    return Facts(context.today, by_id, context.people, store_outbox.last_updates(db, ids), reviews, context.rounds)


def _skip(db: Database, rows: list[dict[str, Any]], owner: str, context: Delivery, result: TickResult) -> None:
    """Supersede items whose deadline closed before sending: one write per reason, not one per item."""
    why = {row["id"]: "the deadline is snoozed" if row["deadline_key"] in context.snoozed
           else "the deadline was met, closed or moved before sending" for row in rows}
    for note in sorted(set(why.values())):
        store_outbox.finish(db, [i for i, n in why.items() if n == note], owner, {"status": "superseded", "note": note})
    result.skipped += [public({**row, "status": "superseded", "note": why[row["id"]]}) for row in rows]


def _send(db: Database, recipient: str, rows: list[dict[str, Any]], owner: str, context: Delivery, moment: datetime,
          result: TickResult) -> None:
    from tracker.render import digest as render
    from tracker.views.digest import build, most_urgent

    digest = build(recipient, rows, _facts(db, context, recipient, most_urgent(rows, context.today)))
    digest_id = "digest." + hashlib.sha256("|".join(sorted(r["dedupe_key"] for r in rows)).encode()).hexdigest()[:32]
    footer = "Sent by pledge tracker. Reply to the pledge's owner, or record progress with the commands above."
    outcome = send_message(context.channels, recipient, digest.subject, render.text(digest, footer), render.html(digest, footer), digest_id)
    result.messages += outcome.state == "sent"
    _record(db, rows, owner, outcome, digest_id, moment, context.settings.max_attempts, result)


def _record(db: Database, rows: list[dict[str, Any]], owner: str, outcome: Sent, digest_id: str, moment: datetime,
            max_attempts: int, result: TickResult) -> None:
    stamp = moment.isoformat(timespec="microseconds")
    ids, attempts = [r["id"] for r in rows], max(r["attempts"] for r in rows)
    state = "dead" if outcome.state == "failed" and attempts >= max_attempts else outcome.state
    changes: dict[str, Any] = {"status": state, "last_error": outcome.reply, "digest": digest_id}
    if state == "sent":
        changes.update(sent_at=stamp, last_error=None)
    elif state == "failed":
        wait = BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1]
        changes["next_attempt_at"] = (moment + timedelta(minutes=wait)).isoformat(timespec="microseconds")
    elif state == "unknown":
        changes["note"] = "the server may have accepted it; not re-sent unless `tracker outbox retry` asks"
    store_outbox.finish(db, ids, owner, changes)
    target = {"sent": result.sent, "failed": result.failed, "dead": result.dead, "unknown": result.unknown}[state]
    target += [public({**row, "status": state, "last_error": changes.get("last_error")}) for row in rows]
