"""One monitoring tick: plan due reminders and progress alerts into the outbox, then deliver what is ready.

Planning and claiming are short BEGIN IMMEDIATE transactions; sending happens outside any transaction, and its
outcome is written only by the process that holds the lease. A unique key per (deadline, date, lead, recipient)
makes a doubled or concurrent tick harmless.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tracker import __version__
from tracker.domain.statuses import CLOSED_STATUSES
from tracker.service.notify import Channels, send
from tracker.store import outbox as store_outbox
from tracker.store.db import Database

if TYPE_CHECKING:
    from tracker.domain.monitor import Slot, Watched
    from tracker.views.states import PledgeStatus
    from tracker.workspace import Settings

LEASE = timedelta(minutes=10)
# Deadlines planned (and their entries written) at a time: a first tick over 10,000 pledges with contacts records
# hundreds of thousands of entries, which must not all be in memory at once. Chunks are independent: a reminder's
# fate depends only on its own deadline's entries.
PLAN_CHUNK = 500
BACKOFF_MINUTES = (5, 30, 120, 480, 1440)


@dataclass
class TickResult:
    """What a tick planned, sent, failed and gave up on."""

    planned: int = 0
    superseded: int = 0
    alerts: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    dead: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    would_send: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> str:
        """Return the one-line count of what the tick did."""
        return (f"{len(self.sent)} sent, {len(self.failed)} failed (will retry), {len(self.dead)} dead, "
                f"{self.planned} planned, {self.superseded} superseded, {self.alerts} progress alerts")

    def as_json(self) -> dict[str, Any]:
        """Return the documented `remind --json` shape."""
        return {"planned": self.planned, "superseded": self.superseded, "alerts": self.alerts, "sent": self.sent,
                "failed": self.failed, "dead": self.dead, "skipped": self.skipped, "would_send": self.would_send}


def _watch(s: PledgeStatus, who: dict[str, Any], settings: Settings, channels: Channels, found: list[Watched],
           reviews: dict[tuple[str, date], tuple[Any, set[str]]]) -> None:
    """Add an open pledge's deadlines to `found` (its reviews to `reviews`, which gather every pledge's contacts)."""
    from tracker.domain.monitor import Watched, rules_for

    rules = rules_for(settings, who["reminders"])
    recipients = (*who["contacts"], *channels.urls)
    for d in s.deadlines:
        if d.kind == "review":
            entry = reviews.setdefault((d.what, d.date), (d, set()))
            entry[1].update(who["contacts"])
            continue
        key = f"pledge:{s.row['id']}" if d.kind == "pledge" else f"milestone:{s.row['id']}/{d.item}"
        found.append(Watched(key, s.row["id"], d.date, d.text, d.precision, d.what, recipients, tuple(who["escalation"]), rules))


def _review_watches(reviews: dict[tuple[str, date], tuple[Any, set[str]]], settings: Settings, channels: Channels) -> list[Watched]:
    from tracker.domain.monitor import Watched, rules_for

    return [Watched(f"review:{d.item}", None, when, d.text, d.precision, what, (*sorted(contacts), *channels.urls), (),
                    rules_for(settings, None), can_be_overdue=False) for (what, when), (d, contacts) in reviews.items()]


@dataclass
class _Gathered:
    """What a tick takes from one pass over the statuses: open deadlines, progress alerts, what it saw."""

    watched: list[Watched] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    seen: dict[str, tuple[str, bool, bool]] = field(default_factory=dict)


def gather(states: Iterable[PledgeStatus], people: dict[str, dict[str, Any]], before: dict[str, tuple[str, bool, bool]],
           settings: Settings, channels: Channels, today: date, now: str) -> _Gathered:
    """Return every open deadline with its recipients, and the progress alerts, reading each status once."""
    from tracker.domain.monitor import Seen, worsened

    found = _Gathered()
    reviews: dict[tuple[str, date], tuple[Any, set[str]]] = {}
    nobody: dict[str, Any] = {"contacts": [], "escalation": [], "reminders": None}
    for s in states:
        pledge_id = s.row["id"]
        now_seen = Seen(s.row["assessed_status"], s.contradiction, s.stale)
        found.seen[pledge_id] = (now_seen.assessed, now_seen.discrepancy, now_seen.stale)
        if s.row["reported_status"] in CLOSED_STATUSES:
            continue
        who = people.get(pledge_id, nobody)
        _watch(s, who, settings, channels, found.watched, reviews)
        for change in worsened(Seen(*before[pledge_id]) if pledge_id in before else None, now_seen):
            found.alerts += [_alert(s, change, recipient, today, now) for recipient in (*who["contacts"], *channels.urls)]
    found.watched += _review_watches(reviews, settings, channels)
    return found


def _entry(slot: Slot, status: str, today: date, now: str, title: str | None) -> dict[str, Any]:
    d = slot.deadline
    return {
        "dedupe_key": slot.dedupe_key, "kind": slot.kind, "pledge_id": d.pledge_id, "deadline_key": d.key,
        "deadline_date": d.date.isoformat(), "deadline_text": d.text, "precision": d.precision, "what": d.what,
        "lead_days": slot.lead_days, "slot_date": slot.slot_date.isoformat(), "recipient": slot.recipient,
        "channel": "channel" if slot.recipient.startswith("channel:") else "email",
        "subject": subject_for(d.what, title, d.date, today), "status": status,
        "planned_at": now, "planned_on": today.isoformat(),
        "note": None if status == "pending" else "a more recent reminder for this deadline replaces it",
    }


def subject_for(what: str, title: str | None, due: date, today: date) -> str:
    """Return a reminder's subject: what, for which pledge, and how soon."""
    days = (due - today).days
    count = f"{abs(days)} day{'' if abs(days) == 1 else 's'}"
    when = "due today" if days == 0 else f"due in {count}" if days > 0 else f"overdue by {count}"
    return " ".join(f"[tracker] {what}{f' — {title}' if title else ''}: {when}".split())


def _alert(s: PledgeStatus, change: str, recipient: str, today: date, now: str) -> dict[str, Any]:
    return {
        "dedupe_key": f"progress:{s.row['id']}|{change}|{today}|{recipient}", "kind": "progress", "pledge_id": s.row["id"],
        "deadline_key": f"progress:{s.row['id']}", "deadline_date": today.isoformat(), "deadline_text": today.isoformat(),
        "precision": "day", "what": change, "lead_days": 0, "slot_date": today.isoformat(), "recipient": recipient,
        "channel": "channel" if recipient.startswith("channel:") else "email",
        "subject": f"[tracker] {s.row['title']}: {change}", "status": "pending", "planned_at": now, "planned_on": today.isoformat(),
    }


def tick(db: Database, settings: Settings, today: date, now: datetime | None = None, dry_run: bool = False) -> TickResult:
    """Plan what is due as of `today`, then send what is ready (or, with dry_run, only say what would go out).

    `now` is the instant retries and leases are measured from; callers pass the one `Workspace.now` gives, so that
    with --today the retry times follow the simulated day. Without it, the real clock.
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)  # stamps are compared as UTC text
    stamp = moment.isoformat(timespec="microseconds")
    channels = Channels.from_settings(settings)
    key = tick_key(settings, channels, today, store_outbox.data_version(db))
    if not dry_run and store_outbox.quiet(db, key, stamp):
        return TickResult()
    # Only a tick with something to do loads the planning and assessment code.
    from tracker.domain.monitor import plan
    from tracker.views.portfolio import statuses

    people = store_outbox.notify_rows(db)
    with statuses(db, today, settings) as states:
        found = gather(states, people, store_outbox.watch_rows(db), settings, channels, today, stamp)
    titles = {pid: who["title"] for pid, who in people.items()}
    result = TickResult(alerts=len(found.alerts))
    for start in range(0, len(found.watched), PLAN_CHUNK):
        chunk = found.watched[start:start + PLAN_CHUNK]
        decided = plan(chunk, today, store_outbox.outbox_known(db, [w.key for w in chunk]))
        entries = [_entry(slot, status, today, stamp, titles.get(slot.deadline.pledge_id or "")) for slot, status in decided]
        result.planned += sum(e["status"] == "pending" for e in entries)
        result.superseded += sum(e["status"] == "superseded" for e in entries)
        if dry_run:
            result.would_send += [_public(e) for e in entries if e["status"] == "pending"]
        else:
            store_outbox.insert_outbox(db, entries)
    if dry_run:
        result.would_send += [_public(e) for e in found.alerts]
        return result
    store_outbox.insert_outbox(db, found.alerts)
    store_outbox.save_watch(db, found.seen, today)
    _deliver(db, settings, found.watched, channels, today, moment, result)
    store_outbox.set_tick_key(db, key)
    return result


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


def _public(entry: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "kind", "pledge_id", "what", "deadline_date", "deadline_text", "precision", "lead_days", "slot_date",
            "recipient", "subject", "status", "attempts", "last_error", "note")
    return {k: entry.get(k) for k in keys}


def _deliver(db: Database, settings: Settings, watched: list[Watched], channels: Channels, today: date,
             moment: datetime, result: TickResult) -> None:
    owner = store_outbox.lease_owner()
    stamp = moment.isoformat(timespec="microseconds")
    open_now = {(w.key, w.date.isoformat()) for w in watched}
    claimed = store_outbox.claim(db, owner, stamp, (moment + LEASE).isoformat(timespec="microseconds"))
    wanted = sorted({row["pledge_id"] for row in claimed if row["pledge_id"]})
    from tracker.views.portfolio import statuses

    by_id: dict[str, PledgeStatus] = {}
    if wanted:
        with statuses(db, today, settings) as states:
            by_id = {s.id: s for s in states.some(wanted)}
    for row in claimed:
        if row["kind"] != "progress" and (row["deadline_key"], row["deadline_date"]) not in open_now:
            store_outbox.finish(db, row["id"], owner, {"status": "superseded", "note": "the deadline was met, closed or moved before sending"})
            result.skipped.append(_public(row))
            continue
        error = send(channels, row["recipient"], subject_for(row["what"], _title(by_id, row), date.fromisoformat(row["deadline_date"]), today)
                     if row["kind"] != "progress" else row["subject"], body_for(row, by_id.get(row["pledge_id"] or ""), today))
        _record(db, row, owner, error, moment, settings.max_attempts, result)


def _title(by_id: dict[str, PledgeStatus], row: dict[str, Any]) -> str | None:
    state = by_id.get(row["pledge_id"] or "")
    return state.row["title"] if state else None


def _record(db: Database, row: dict[str, Any], owner: str, error: str | None, moment: datetime, max_attempts: int, result: TickResult) -> None:
    stamp = moment.isoformat(timespec="microseconds")
    if error is None:
        store_outbox.finish(db, row["id"], owner, {"status": "sent", "sent_at": stamp, "last_error": None})
        result.sent.append(_public({**row, "status": "sent"}))
    elif row["attempts"] >= max_attempts:
        store_outbox.finish(db, row["id"], owner, {"status": "dead", "last_error": error})
        result.dead.append(_public({**row, "status": "dead", "last_error": error}))
    else:
        wait = BACKOFF_MINUTES[min(row["attempts"], len(BACKOFF_MINUTES)) - 1]
        retry_at = (moment + timedelta(minutes=wait)).isoformat(timespec="microseconds")
        store_outbox.finish(db, row["id"], owner, {"status": "failed", "last_error": error, "next_attempt_at": retry_at})
        result.failed.append(_public({**row, "status": "failed", "last_error": error}))


def body_for(row: dict[str, Any], state: PledgeStatus | None, today: date) -> str:
    """Return the message text: what is due and when, days left, the pledge's health, last update, how to record progress."""
    due = date.fromisoformat(row["deadline_date"])
    days = (due - today).days
    when = row["deadline_text"] if row["precision"] == "day" else f"by the end of {row['deadline_text']} ({row['deadline_date']})"
    lines = [f"What: {row['what']}", f"When: {when}"]
    if row["kind"] != "progress":
        lines.append("Days left: due today" if days == 0 else f"Days left: {days}" if days > 0 else f"Overdue by {-days} day{'' if days == -1 else 's'}")
    if state is not None:
        lines += _pledge_lines(state, row)
    return "\n".join(lines) + "\n"


def _pledge_lines(state: PledgeStatus, row: dict[str, Any]) -> list[str]:
    j = state.row
    last = f"{j['reported_status']} on {j['reported_on']}" if j["reported_status"] else "no status reported yet"
    lines = [f"Pledge: {j['title']} ({j['id']})", f"Owner: {j['owner']}", f"Health: {j['health']} — {'; '.join(j['health_reasons'])}",
             f"Last update: {last}", "", "Record progress with:", f"  tracker update {j['id']} --status in-progress --note \"...\""]
    if row["deadline_key"].startswith("milestone:"):
        lines.append(f"  tracker done {j['id']} {row['deadline_key'].split('/', 1)[1]}")
    return lines
