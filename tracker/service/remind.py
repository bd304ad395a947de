"""One monitoring tick: plan due reminders and progress alerts into the outbox, then deliver what is ready.

Planning and claiming are short BEGIN IMMEDIATE transactions; sending happens outside any transaction, and its
outcome is written only by the process that holds the lease. A unique key per (deadline, date, lead, recipient)
makes a doubled or concurrent tick harmless.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker import __version__
from tracker.domain.statuses import CLOSED_STATUSES
from tracker.service.notify import Channels
from tracker.service.ticks import TickResult, public
from tracker.store import outbox as store_outbox
from tracker.store.db import Database

if TYPE_CHECKING:
    from tracker.domain.monitor import Slot, Watched
    from tracker.views.states import PledgeStatus
    from tracker.workspace import Settings

# Deadlines planned at a time, so a first tick over 10,000 pledges never holds every slot in memory at once. Chunks
# are independent but for the escalation contacts' weekly limit, which the chunks share.
PLAN_CHUNK = 500


def _watch(s: PledgeStatus, who: dict[str, Any], context: _Context, found: _Gathered) -> None:
    """Add an open pledge's deadlines to `found` (its reviews too, which gather every pledge's contacts)."""
    from tracker.domain.monitor import Watched, rules_for
    from tracker.store.snoozes import deadline_key

    rules = rules_for(context.settings, who["reminders"])
    recipients = (*who["contacts"], *context.channels.urls)
    for d in s.deadlines:
        if d.kind == "review":
            entry = found.reviews.setdefault((d.what, d.date), (d, {}))
            for recipient in recipients:
                entry[1].setdefault(recipient, []).append(s.id)
            continue
        key = deadline_key(s.id, None if d.kind == "pledge" else d.item)
        if key in context.snoozed:
            found.snoozed.add(key)
            continue
        found.watched.append(Watched(key, s.id, d.date, d.text, d.precision, d.what, recipients, tuple(who["escalation"]), rules))


@dataclass
class _Context:
    settings: Settings
    channels: Channels
    snoozed: dict[str, str]
    today: date
    now: str
    rounds: list[dict[str, Any]] = field(default_factory=list)  # open reporting rounds with each pledge's state


@dataclass
class _Gathered:
    """What a tick takes from one pass over the statuses: open deadlines, progress alerts, what it saw."""

    watched: list[Watched] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    seen: dict[str, tuple[str, bool, bool]] = field(default_factory=dict)
    snoozed: set[str] = field(default_factory=set)
    # (what, date) of a review -> its deadline and, per recipient, the pledges examined there
    reviews: dict[tuple[str, date], tuple[Any, dict[str, list[str]]]] = field(default_factory=dict)

    def review_pledges(self) -> dict[str, dict[str, list[str]]]:
        """Return per review deadline key, per recipient, the pledges examined at that review."""
        return {f"review:{d.item}": who for d, who in self.reviews.values()}

    def open_deadlines(self) -> set[tuple[str, str]]:
        """Return the (deadline key, date) of every open deadline and review."""
        return {(w.key, w.date.isoformat()) for w in self.watched}


def gather(states: Iterable[PledgeStatus], people: dict[str, dict[str, Any]], before: dict[str, tuple[str, bool, bool]],
           context: _Context) -> _Gathered:
    """Return every open deadline with its recipients, and the progress alerts, reading each status once."""
    from tracker.domain.monitor import Seen, Watched, rules_for, worsened

    found = _Gathered()
    nobody: dict[str, Any] = {"contacts": [], "escalation": [], "reminders": None}
    for s in states:
        now_seen = Seen(s.row["assessed_status"], s.contradiction, s.stale)
        found.seen[s.id] = (now_seen.assessed, now_seen.discrepancy, now_seen.stale)
        if s.row["reported_status"] in CLOSED_STATUSES:
            continue
        who = people.get(s.id, nobody)
        _watch(s, who, context, found)
        for change in worsened(Seen(*before[s.id]) if s.id in before else None, now_seen):
            found.alerts += [_alert(s, change, r, context.today, context.now) for r in (*who["contacts"], *context.channels.urls)]
    rules = rules_for(context.settings, None)
    found.watched += [Watched(f"review:{d.item}", None, when, d.text, d.precision, what, tuple(sorted(who)), (), rules,
                              can_be_overdue=False) for (what, when), (d, who) in found.reviews.items()]
    found.watched += round_watches(context.rounds, people)
    return found


# A round asks at its opening, 14, 7 and 1 days before it is due, then weekly while missing, six times at most.
ROUND_BEFORE_DAYS = (14, 7, 1)
ROUND_REPEATS = 6


def round_watches(rounds: list[dict[str, Any]], people: dict[str, dict[str, Any]]) -> list[Watched]:
    """Return a deadline per pledge still missing from an open round, for its contacts only."""
    from tracker.domain.monitor import Rules, Watched

    found = []
    for r in rounds:
        due = date.fromisoformat(r["due"])
        lead = max(0, (due - date.fromisoformat(r["opened_on"])).days)
        rules = Rules(tuple(sorted({lead, *ROUND_BEFORE_DAYS}, reverse=True)), overdue_every_days=7,
                      backoff_after_days=7 * ROUND_REPEATS, repeats_end=True)
        for p in r["pledges"]:
            contacts = tuple(people.get(p["id"], {}).get("contacts", ()))
            if p["state"] == "missing" and contacts:
                found.append(Watched(f"round:{r['name']}/{p['id']}", p["id"], due, r["due"], "day", f"reporting round {r['name']}",
                                     contacts, (), rules))
    return found


def _entry(slot: Slot, status: str, today: date, now: str, title: str | None) -> dict[str, Any]:
    from tracker.views.digest import headline

    d = slot.deadline
    return {
        "dedupe_key": slot.dedupe_key, "kind": "round" if d.key.startswith("round:") else slot.kind, "pledge_id": d.pledge_id,
        "deadline_key": d.key,
        "deadline_date": d.date.isoformat(), "deadline_text": d.text, "precision": d.precision, "what": d.what,
        "lead_days": slot.lead_days, "slot_date": slot.slot_date.isoformat(), "recipient": slot.recipient,
        "channel": "channel" if slot.recipient.startswith("channel:") else "email",
        "subject": headline(d.what, title, (d.date - today).days), "status": status,
        "planned_at": now, "planned_on": today.isoformat(), "note": None,
    }


def _alert(s: PledgeStatus, change: str, recipient: str, today: date, now: str) -> dict[str, Any]:
    return {
        "dedupe_key": f"progress:{s.id}|{change}|{today}|{recipient}", "kind": "progress", "pledge_id": s.id,
        "deadline_key": f"progress:{s.id}", "deadline_date": today.isoformat(), "deadline_text": today.isoformat(),
        "precision": "day", "what": change, "lead_days": 0, "slot_date": today.isoformat(), "recipient": recipient,
        "channel": "channel" if recipient.startswith("channel:") else "email",
        "subject": f"{s.row['title']}: {change}", "status": "pending", "planned_at": now, "planned_on": today.isoformat(),
    }


def tick(db: Database, settings: Settings, today: date, now: datetime | None = None, dry_run: bool = False,
         root: Path | None = None) -> TickResult:
    """Plan what is due as of `today`, then send what is ready, one digest per recipient (or, with dry_run, only
    say what would go out).

    `now` is the instant retries and leases are measured from; callers pass the one `Workspace.now` gives, so that
    with --today the retry times follow the simulated day. Without it, the real clock. Given the workspace `root`, a
    tick first opens the reporting rounds the review calendar asks for today (not in a dry run).
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)  # stamps are compared as UTC text
    stamp = moment.isoformat(timespec="microseconds")
    channels = Channels.from_settings(settings)
    key = tick_key(settings, channels, today, store_outbox.data_version(db))
    if not dry_run and store_outbox.quiet(db, key, stamp):
        return TickResult()
    # Only a tick with something to do loads the planning and assessment code.
    from tracker.store import snoozes
    from tracker.views.portfolio import statuses
    from tracker.views.rounds import open_rounds

    if root is not None and not dry_run:
        from tracker.service.rounds import scheduled

        scheduled(db, root, today, stamp)
    context = _Context(settings, channels, snoozes.active(db, today), today, stamp, open_rounds(db, settings))
    people = store_outbox.notify_rows(db)
    with statuses(db, today, settings) as states:
        found = gather(states, people, store_outbox.watch_rows(db), context)
    result = TickResult(alerts=len(found.alerts))
    _plan(db, found, people, context, result, dry_run)
    if dry_run:
        result.would_send += [public(e) for e in found.alerts]
        result.messages = len({e["recipient"] for e in result.would_send})  # one digest each
        return result
    store_outbox.insert_outbox(db, found.alerts)
    store_outbox.save_watch(db, found.seen, today)
    from tracker.service.deliver import Delivery, deliver

    delivery = Delivery(settings, channels, today, people, found.open_deadlines(), found.snoozed, found.review_pledges(),
                        {r["name"]: r for r in context.rounds})
    found.watched.clear()  # planned: tens of thousands of deadlines need not stay in memory while messages go out
    deliver(db, delivery, moment, result)
    store_outbox.set_tick_key(db, key)
    return result


def _plan(db: Database, found: _Gathered, people: dict[str, dict[str, Any]], context: _Context, result: TickResult,
          dry_run: bool) -> None:
    """Record the reminders now due, a chunk of deadlines at a time; only those to send are written."""
    from tracker.domain.monitor import plan

    escalated = store_outbox.last_escalations(db)
    for start in range(0, len(found.watched), PLAN_CHUNK):
        chunk = found.watched[start:start + PLAN_CHUNK]
        decided = plan(chunk, context.today, store_outbox.outbox_known(db, [w.key for w in chunk]), escalated)
        entries = [_entry(slot, status, context.today, context.now, people.get(slot.deadline.pledge_id or "", {}).get("title"))
                   for slot, status in decided if status == "pending"]
        result.planned += len(entries)
        result.superseded += sum(status == "superseded" for _, status in decided)
        result.held += sum(status == "held" for _, status in decided)
        if dry_run:
            result.would_send += [public(e) for e in entries]
        else:
            store_outbox.insert_outbox(db, entries)


def tick_key(settings: Settings, channels: Channels, today: date, version: int) -> str:
    """Return what a tick's plan depends on besides the outbox: the day, the settings and channels, the data version.

    A later tick with the same key would plan nothing new (every key is already in the outbox) and raise no new
    alert (the watch table already holds what it saw), so it only has to deliver what is ready. Channel URLs may
    hold secrets: only a digest of them is stored.
    """
    import hashlib

    # A one-way hash, not a checksum: a checksum of a URL would let a short password be solved for.
    digest = hashlib.blake2b(repr((__version__, settings, channels)).encode(), digest_size=16).hexdigest()
    return f"{today.isoformat()}|{digest}|{version}"
