"""Open deadlines as an RFC 5545 calendar: one all-day event per deadline, an alarm per reminder lead time."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from icalendar import Alarm, Calendar, Event

from tracker import __version__
from tracker.domain.monitor import rules_for
from tracker.domain.schedule import Deadline
from tracker.domain.statuses import CLOSED_STATUSES
from tracker.files import atomic_write_chunks
from tracker.pledges.dates import label as fuzzy_label
from tracker.store import outbox as store_outbox
from tracker.store.bulk import due_revisions
from tracker.store.db import Database
from tracker.views.portfolio import statuses
from tracker.views.states import PledgeStatus
from tracker.views.status import matches
from tracker.workspace import Settings, Workspace

MAX_LISTED = 20
ICS_FILE = "deadlines.ics"


@dataclass(frozen=True)
class Entry:
    """What one calendar event says: its stable identity, the deadline, its texts and lead times."""

    uid: str
    deadline: Deadline
    summary: str
    description: str
    categories: tuple[str, ...]
    sequence: int
    lead_days: tuple[int, ...]


def deadline_calendar(db: Database, workspace: Workspace, today: date, owner: str | None = None,
                      framework: str | None = None, now: datetime | None = None) -> tuple[int, Iterator[bytes]]:
    """Return how many events the calendar of the matching pledges' open deadlines has, and its bytes in chunks.

    `now` is every event's DTSTAMP (default: the clock); a fixed instant makes the same state give the same bytes.
    """
    settings = workspace.settings
    with statuses(db, today, settings) as found:
        states = (s for s in found if matches(s.row, owner, framework) and s.row["reported_status"] not in CLOSED_STATUSES)
        people, revisions = store_outbox.reminder_overrides(db), due_revisions(db)
        entries = calendar_entries(states, people, revisions, settings, calendar_domain(workspace.root.name))
    return len(entries), render_chunks(entries, f"Pledge deadlines: {workspace.root.name}", now)


def write_deadlines_ics(db: Database, workspace: Workspace, today: date) -> Path:
    """Write every open deadline to `reports/deadlines.ics` atomically (for the weekly job); return its path."""
    path = workspace.reports_dir / ICS_FILE
    _, chunks = deadline_calendar(db, workspace, today)
    atomic_write_chunks(path, (chunk.decode("utf-8") for chunk in chunks))
    return path


def calendar_domain(name: str) -> str:
    """Return the workspace name as the right-hand side of event UIDs (letters, digits, dot, dash)."""
    return re.sub(r"[^A-Za-z0-9.-]+", "-", name).strip("-.") or "tracker"


@dataclass(frozen=True)
class _Examined:
    """What a review's event says of each pledge it examines."""

    id: str
    title: str
    health: str
    schedule: str
    frameworks: tuple[str, ...]


def calendar_entries(states: Iterable[PledgeStatus], people: dict[str, dict[str, Any]], revisions: dict[tuple[str, str, str], int],
                     settings: Settings, domain: str) -> list[Entry]:
    """Return one entry per open pledge or milestone deadline, and one per review occurrence, by date."""
    entries: list[Entry] = []
    reviews: dict[tuple[str, str], tuple[Deadline, list[_Examined]]] = {}
    for state in states:
        lead = rules_for(settings, people.get(state.id, {}).get("reminders")).before_days
        j = state.row
        for d in state.deadlines:
            if d.kind == "review":
                pledge = _Examined(j["id"], j["title"], j["health"], j["schedule_status"], tuple(j["frameworks"]))
                reviews.setdefault((d.item, d.text), (d, []))[1].append(pledge)
            else:
                entries.append(_item_entry(state, d, revisions, lead, domain))
    for (review_id, occurrence), (d, examined) in reviews.items():
        entries.append(_review_entry(review_id, occurrence, d, examined, rules_for(settings, None).before_days, domain))
    return sorted(entries, key=lambda e: (e.deadline.date, e.uid))


def _item_entry(state: PledgeStatus, d: Deadline, revisions: dict[tuple[str, str, str], int], lead: tuple[int, ...], domain: str) -> Entry:
    pledge_id, title = state.row["id"], state.row["title"]
    if d.kind == "pledge":
        uid, summary = f"pledge:{pledge_id}@{domain}", f"Pledge due: {title}"
        command = f'tracker update {pledge_id} --status in-progress --note "..."'
    else:
        uid, summary = f"milestone:{pledge_id}/{d.item}@{domain}", f"{_capital(d.what)} — {title}"
        command = f"tracker done {pledge_id} {d.item}"
    j = state.row
    lines = [f"Pledge: {title} ({pledge_id})", f"Owner: {j['owner']}", f"When: {when(d)}",
             f"Health: {j['health']}" + (f" — {'; '.join(j['health_reasons'])}" if j["health_reasons"] else ""),
             f"Schedule: {j['schedule_status']}", "", "Record progress with:", f"  {command}"]
    sequence = revisions.get((d.kind, pledge_id, pledge_id if d.kind == "pledge" else d.item), 0)
    return Entry(uid, d, _with_period(summary, d), "\n".join(lines), tuple(j["frameworks"]), sequence, lead)


def _review_entry(review_id: str, occurrence: str, d: Deadline, examined: list[_Examined], lead: tuple[int, ...], domain: str) -> Entry:
    examined = sorted(examined, key=lambda s: s.id)
    lines = [_capital(d.what), f"When: {when(d)}", f"Pledges examined ({len(examined)}):"]
    lines += [f"- {s.title} ({s.id}): health {s.health}, {s.schedule}" for s in examined[:MAX_LISTED]]
    if len(examined) > MAX_LISTED:
        lines.append(f"- and {len(examined) - MAX_LISTED} more: `tracker status` lists them")
    lines += ["", "Record progress with:", '  tracker update ID --status in-progress --note "..."']
    categories = sorted({f for s in examined for f in s.frameworks})
    summary = _with_period(_capital(d.what), d)
    return Entry(f"review:{review_id}:{occurrence}@{domain}", d, summary, "\n".join(lines), tuple(categories), 0, lead)


def _capital(what: str) -> str:
    return what[:1].upper() + what[1:]


def when(d: Deadline) -> str:
    """Return a deadline as people read it: '17 May 2026', or 'by end of 2026 (year precision; deadline 2026-12-31)'."""
    label = fuzzy_label(d.date, d.text, d.precision)
    return label if d.precision == "day" else f"{label} ({d.precision} precision; deadline {d.date.isoformat()})"


def _with_period(summary: str, d: Deadline) -> str:
    return summary if d.precision == "day" else f"{summary} ({fuzzy_label(d.date, d.text, d.precision)})"


def render(entries: list[Entry], name: str, now: datetime | None = None) -> bytes:
    """Return the entries as an iCalendar document."""
    return b"".join(render_chunks(entries, name, now))


def render_chunks(entries: list[Entry], name: str, now: datetime | None = None, per_chunk: int = 200) -> Iterator[bytes]:
    """Yield the entries as an iCalendar document, a few hundred events at a time."""
    stamp = (now or datetime.now(UTC)).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", f"-//pledge-tracker//tracker {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    # Events are serialised one at a time: a whole portfolio's component tree would take most of a gigabyte.
    head, end = bytes(cal.to_ical()), b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    yield head[: -len(end)]
    for start in range(0, len(entries), per_chunk):
        yield b"".join(bytes(_event(e, stamp).to_ical()) for e in entries[start:start + per_chunk])
    yield end


def _event(entry: Entry, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.deadline.date)
    event.add("dtend", entry.deadline.date + timedelta(days=1))
    event.add("sequence", entry.sequence)
    event.add("summary", entry.summary)
    event.add("description", entry.description)
    event.add("transp", "TRANSPARENT")
    if entry.categories:
        event.add("categories", list(entry.categories))
    for days in entry.lead_days:
        event.add_component(_alarm(entry.summary, days))
    return event


def _alarm(summary: str, days: int) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=-days))
    alarm.add("description", f"{summary}: {'due today' if days == 0 else f'due in {days} day' + ('s' if days > 1 else '')}")
    return alarm
