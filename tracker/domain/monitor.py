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
    """Lead times: days before, the day itself (0), then every N days while overdue, backing off to the monthly
    reminder days; escalation after M days, then at most every K days."""

    before_days: tuple[int, ...] = (90, 30, 7, 1, 0)
    overdue_every_days: int = 7
    escalate_after_days: int = 14
    backoff_after_days: int = 28
    later_every_days: int = 30
    escalate_every_days: int = 30
    repeats_end: bool = False  # no repeats after backoff_after_days (a reporting round's requests stop)


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
                 int(escalate) if escalate is not None else settings.escalate_after_days, settings.backoff_after_days,
                 settings.later_every_days, settings.escalate_every_days)


def horizon(rules: Rules, today: date) -> date:
    """Return the oldest slot day a tick still considers: slots before it belong to a past nobody monitored."""
    widest = max(rules.overdue_every_days, rules.later_every_days, rules.escalate_every_days)
    return today - timedelta(days=max(rules.before_days, default=0) + 2 * widest)


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
    """Return the overdue repeats (weekly at first, then on the monthly reminder days) and the escalations."""
    found = [Slot(watched, -late, watched.date + timedelta(days=late), r, "overdue")
             for late in _overdue_days(watched.rules, watched.date, today) for r in watched.recipients]
    escalation = [r for r in watched.escalation if r not in watched.recipients]
    if escalation:
        found += [Slot(watched, -late, watched.date + timedelta(days=late), r, "escalation")
                  for late in _escalation_days(watched.rules, watched.date, today) for r in escalation]
    return found


def _overdue_days(rules: Rules, due: date, today: date) -> list[int]:
    oldest, found = horizon(rules, today), []
    every, late = rules.overdue_every_days, rules.overdue_every_days
    while late <= rules.backoff_after_days and due + timedelta(days=late) <= today:
        if due + timedelta(days=late) >= oldest:
            found.append(late)
        late += every
    if rules.repeats_end:
        return found
    # Later repeats fall on days shared by every deadline, so a contact's long-overdue items arrive together.
    last_weekly = late - every
    first = max(due + timedelta(days=last_weekly + max(1, rules.later_every_days // 2)), oldest)
    found += [(day - due).days for day in grid_days(first, today, rules.later_every_days)]
    return found


def _escalation_days(rules: Rules, due: date, today: date) -> list[int]:
    threshold = max(rules.escalate_after_days, 1)
    if due + timedelta(days=threshold) > today:
        return []
    found = [threshold] if due + timedelta(days=threshold) >= horizon(rules, today) else []
    first = max(due + timedelta(days=threshold + rules.escalate_every_days), horizon(rules, today))
    return found + [(day - due).days for day in grid_days(first, today, rules.escalate_every_days)]


def grid_days(first: date, last: date, every: int) -> list[date]:
    """Return the days from `first` to `last` whose day number is a multiple of `every` (the shared repeat days)."""
    start = first.toordinal() + (-first.toordinal()) % every
    return [date.fromordinal(n) for n in range(start, last.toordinal() + 1, every)]


def plan(watched: list[Watched], today: date, known: dict[str, str], escalated: dict[str, str] | None = None) -> list[tuple[Slot, str]]:
    """Return new slots to record, each 'pending', 'superseded' or 'held'.

    `known` maps the dedupe keys already in the outbox to their slot dates. Per deadline and recipient only the
    most recent slot is sent; older ones that were never planned (the machine was off) are superseded, so a
    catch-up sends one reminder, not a burst. `escalated` maps escalation contacts to the last day an escalation
    was planned for them (updated in place): they hear at most once a week, so a newer escalation is held until
    then (it is planned on a later day, when it is still the most recent).
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
    last = escalated if escalated is not None else {}
    decided = []
    for group, fresh in groups.items():
        newest = max(fresh, key=lambda s: (s.slot_date, -s.lead_days))
        for slot in fresh:
            sendable = slot is newest and slot.slot_date.isoformat() > latest_known.get(group, "")
            if sendable and slot.kind == "escalation":
                sendable = _may_escalate(last, slot.recipient, today)
                decided.append((slot, "pending" if sendable else "held"))
                continue
            decided.append((slot, "pending" if sendable else "superseded"))
    return decided


def _may_escalate(last: dict[str, str], recipient: str, today: date) -> bool:
    """Return whether an escalation contact may hear today (and note that they will)."""
    before = last.get(recipient)
    if before is not None and before != today.isoformat() and date.fromisoformat(before) > today - timedelta(days=7):
        return False
    last[recipient] = today.isoformat()
    return True


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
    if now.assessed in RANK and (RANK[now.assessed] < RANK[before.assessed] if before.assessed in RANK
                                 else RANK[now.assessed] <= RANK["off-track"]):  # first data, and it is bad
        changes.append(f"indicators went from {before.assessed} to {now.assessed}")
    if now.discrepancy and not before.discrepancy:
        changes.append("reported and assessed status now contradict each other")
    if now.stale and not before.stale:
        changes.append("the evidence is now older than the pledge's reporting rhythm")
    return changes
