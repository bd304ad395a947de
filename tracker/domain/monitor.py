"""Which reminders are due, and which progress changes deserve an alert (pure: takes `today`, no I/O)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from tracker.domain.statuses import RANK

if TYPE_CHECKING:
    from tracker.workspace import Settings


@dataclass(frozen=True)
class Rules:
    """Lead times: days before, the day itself (0), then every N days while overdue; escalation after M days."""

    before_days: tuple[int, ...] = (90, 30, 7, 1, 0)
    overdue_every_days: int = 7
    escalate_after_days: int = 14


@dataclass(frozen=True)
class Watched:
    """An open deadline and who hears about it."""

    key: str
    pledge_id: str | None
    date: date
    text: str
    precision: str
    what: str
    recipients: tuple[str, ...]
    escalation: tuple[str, ...]
    rules: Rules
    can_be_overdue: bool = True


@dataclass(frozen=True)
class Slot:
    """One reminder: a deadline, how far from it (days before; negative when overdue) and for whom."""

    deadline: Watched
    lead_days: int
    slot_date: date
    recipient: str
    kind: str

    @property
    def dedupe_key(self) -> str:
        """Return the unique key: deadline, its date, lead time, recipient."""
        return f"{self.deadline.key}|{self.deadline.date}|{self.lead_days}|{self.recipient}"


def rules_for(settings: Settings, override: dict[str, Any] | None) -> Rules:
    """Return a deadline's reminder rules: the one lead-day rule, which reminders and the calendar's alarms share.

    A pledge's own non-empty `reminders` values replace the workspace's (tracker.toml).
    """
    own = override or {}
    before = own.get("before_days") or settings.before_days
    escalate = own.get("escalate_after_days")
    return Rules(tuple(sorted(set(before), reverse=True)), int(own.get("overdue_every_days") or settings.overdue_every_days),
                 int(escalate) if escalate is not None else settings.escalate_after_days)


def horizon(rules: Rules, today: date) -> date:
    """Return the oldest slot day a tick still considers: slots before it belong to a past nobody monitored."""
    return today - timedelta(days=max(rules.before_days, default=0) + 2 * rules.overdue_every_days)


def slots(watched: Watched, today: date) -> list[Slot]:
    """Return the reminder slots of a deadline whose day has come, back to the catch-up horizon."""
    if not watched.recipients and not watched.escalation:
        return []
    found = []
    rules, oldest = watched.rules, horizon(watched.rules, today)
    for lead in sorted(set(rules.before_days), reverse=True):
        day = watched.date - timedelta(days=lead)
        if oldest <= day <= today:
            kind = "due" if lead == 0 else "before"
            found += [Slot(watched, lead, day, r, kind) for r in watched.recipients]
    if watched.can_be_overdue:
        found += _overdue(watched, today)
    return found


def _overdue(watched: Watched, today: date) -> list[Slot]:
    rules, found = watched.rules, []
    every = rules.overdue_every_days
    skipped = max(0, (horizon(rules, today) - watched.date).days // every)
    late = every * max(1, skipped)
    while watched.date + timedelta(days=late) <= today:
        day = watched.date + timedelta(days=late)
        found += [Slot(watched, -late, day, r, "overdue") for r in watched.recipients]
        if late >= rules.escalate_after_days:
            found += [Slot(watched, -late, day, r, "escalation") for r in watched.escalation if r not in watched.recipients]
        late += every
    return found


def plan(watched: list[Watched], today: date, known: dict[str, str]) -> list[tuple[Slot, str]]:
    """Return new slots to record, each 'pending' or 'superseded'.

    `known` maps the dedupe keys already in the outbox to their slot dates. Per deadline and recipient only the
    most recent slot is sent; older ones that were never planned (the machine was off) are recorded as superseded,
    so a catch-up sends one reminder, not a burst.
    """
    groups: dict[tuple[str, str, str], list[Slot]] = defaultdict(list)
    latest_known: dict[tuple[str, str, str], str] = {}
    for w in watched:
        for slot in slots(w, today):
            group = (w.key, w.date.isoformat(), slot.recipient)
            if slot.dedupe_key in known:
                latest_known[group] = max(latest_known.get(group, ""), known[slot.dedupe_key])
            else:
                groups[group].append(slot)
    decided = []
    for group, fresh in groups.items():
        newest = max(fresh, key=lambda s: (s.slot_date, -s.lead_days))
        for slot in fresh:
            sendable = slot is newest and slot.slot_date.isoformat() > latest_known.get(group, "")
            decided.append((slot, "pending" if sendable else "superseded"))
    return decided


@dataclass(frozen=True)
class Seen:
    """What a tick last saw of a pledge's assessment."""

    assessed: str
    discrepancy: bool
    stale: bool


def worsened(before: Seen | None, now: Seen) -> list[str]:
    """Return why a pledge's assessment got worse since the last tick (nothing on the first look)."""
    if before is None:
        return []
    changes = []
    if before.assessed in RANK and now.assessed in RANK and RANK[now.assessed] < RANK[before.assessed]:
        changes.append(f"indicators went from {before.assessed} to {now.assessed}")
    if now.discrepancy and not before.discrepancy:
        changes.append("reported and assessed status now contradict each other")
    if now.stale and not before.stale:
        changes.append("the evidence is now older than the pledge's reporting rhythm")
    return changes
