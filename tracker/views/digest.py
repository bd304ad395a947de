"""One message per recipient: the items of a tick as plain data, most urgent first, with a subject that sums them up."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.views.states import PledgeStatus

# Pledges listed under one review reminder: a workspace channel hears about every pledge examined there.
REVIEW_LIST_LIMIT = 25
# Items spelled out in one message; the rest are counted (a first tick at global scale escalates thousands at once).
ITEM_LIMIT = 40
# Days without an update after which a pledge is said to miss one (when it has no reporting rhythm of its own).
QUIET_DAYS = 90
Field = tuple[str, str]


@dataclass
class Item:
    """One thing the reader must know: a deadline, an escalation, a review with their pledges, a progress alert."""

    kind: str
    headline: str
    days: int | None
    fields: list[Field] = field(default_factory=list)
    why: str | None = None
    pledges: list[list[Field]] = field(default_factory=list)
    more_pledges: int = 0
    commands: list[str] = field(default_factory=list)
    pledge_id: str | None = None
    title: str | None = None


@dataclass
class Digest:
    """Everything due for one recipient in one tick."""

    recipient: str
    subject: str
    items: list[Item]
    more: dict[str, int] = field(default_factory=dict)  # items not spelled out, by kind


@dataclass
class Facts:
    """What the items of a tick are built from, fetched once for every digest of the tick."""

    today: date
    states: dict[str, PledgeStatus]
    people: dict[str, dict[str, Any]]
    last_updates: dict[str, dict[str, Any]]
    review_pledges: dict[str, dict[str, list[str]]]  # review deadline key -> recipient -> pledge ids examined there
    rounds: dict[str, dict[str, Any]] = field(default_factory=dict)  # open reporting rounds by name


def build(recipient: str, rows: list[dict[str, Any]], facts: Facts) -> Digest:
    """Return the digest of one recipient's outbox rows: the most urgent spelled out, the rest counted."""
    listed = most_urgent(rows, facts.today)
    items = [_item(row, recipient, facts) for row in listed]
    _once_per_pledge(items)
    chosen = {id(row) for row in listed}
    more: dict[str, int] = {}
    for row in rows:
        if id(row) not in chosen:
            kind = _row_kind(row, facts.today)
            more[kind] = more.get(kind, 0) + 1
    return Digest(recipient, subject(items, more), items, more)


def most_urgent(rows: list[dict[str, Any]], today: date, limit: int = ITEM_LIMIT) -> list[dict[str, Any]]:
    """Return the rows a digest spells out, in the order it lists them: the most urgent `limit` of them (anything late
    or escalated first, by days; then what is coming, soonest first; progress alerts last)."""
    def key(row: dict[str, Any]) -> tuple[int, int, str]:
        days = (date.fromisoformat(row["deadline_date"]) - today).days
        return (2 if row["kind"] == "progress" else 0 if days < 0 or row["kind"] == "escalation" else 1), days, row["dedupe_key"]

    return sorted(rows, key=key)[:limit]


def _row_kind(row: dict[str, Any], today: date) -> str:
    late = row["kind"] in ("due", "before") and row["deadline_date"] < today.isoformat()
    return "overdue" if late else str(row["kind"])


def _once_per_pledge(items: list[Item]) -> None:
    """Say a pledge's state and how to update it once, in its most urgent item; later items point back to it."""
    first: dict[str, int] = {}
    for number, item in enumerate(items, 1):
        if item.pledge_id is None or item.kind == "progress":
            continue
        if item.pledge_id not in first:
            first[item.pledge_id] = number
            continue
        keep = {"What", "When", "Days left", "Pledge"}
        item.fields = [(k, v if k != "Pledge" else f"{v}, as in item {first[item.pledge_id]}") for k, v in item.fields if k in keep]
        item.commands = [c for c in item.commands if c.startswith("tracker done")]


def subject(items: list[Item], more: dict[str, int] | None = None) -> str:
    """Return the subject that sums up a digest: 'IMRF 2026 in 30 days · 2 overdue · 1 turned off-track'."""
    more = more or {}
    if len(items) == 1 and not more:
        return f"[tracker] {items[0].headline}"
    parts = [item.headline for item in items if item.kind == "review"]
    coming = [i for i in items if i.kind in ("due", "before")]
    if len(coming) == 1 and not (more.get("due") or more.get("before")):
        parts.append(coming[0].headline)
    elif coming:
        count = len(coming) + more.get("due", 0) + more.get("before", 0)
        parts.append(f"{count} deadlines, the first {_when(min(i.days or 0 for i in coming))}")
    for kind, name in (("overdue", "overdue"), ("escalation", "escalated to you")):
        group = [i for i in items if i.kind == kind]
        if group or more.get(kind):
            parts.append(f"{len(group) + more.get(kind, 0)} {name}{'' if more.get(kind) else _one_pledge(group)}")
    asked = [i for i in items if i.kind == "round"]
    if asked or more.get("round"):
        count = len(asked) + more.get("round", 0)
        parts.append(f"{count} update{'s' if count > 1 else ''} asked for a reporting round")
    progress = [i for i in items if i.kind == "progress"]
    worse = sum(_change(i).endswith(("to off-track", "to regressing")) for i in progress)
    if worse:
        parts.append(f"{worse} turned off-track")
    others = len(progress) - worse + more.get("progress", 0)
    if others:
        parts.append(f"{others} progress alert{'s' if others > 1 else ''}")
    return "[tracker] " + " · ".join(parts)


def _change(item: Item) -> str:
    return next((value for label, value in item.fields if label == "Change"), "")


def _days_phrase(days: int) -> str:
    return "due today" if days == 0 else f"due {_when(days)}" if days > 0 else _when(days)


def _one_pledge(items: list[Item]) -> str:
    """Return ' (Title)' when every item is about one pledge, else nothing."""
    titles = {i.title for i in items}
    return f" ({titles.pop()})" if len(titles) == 1 and None not in titles else ""


def _when(days: int) -> str:
    if days == 0:
        return "due today"
    count = f"{abs(days)} day{'' if abs(days) == 1 else 's'}"
    return f"in {count}" if days > 0 else f"overdue by {count}"


def _item(row: dict[str, Any], recipient: str, facts: Facts) -> Item:
    if row["kind"] == "progress":
        return _progress(row, facts)
    due = date.fromisoformat(row["deadline_date"])
    days = (due - facts.today).days
    if row["deadline_key"].startswith("review:"):
        return _review(row, recipient, days, facts)
    if row["kind"] == "round":
        return _round(row, days, facts)
    state = facts.states.get(row["pledge_id"] or "")
    title = state.row["title"] if state else row["pledge_id"]
    kind = "overdue" if days < 0 and row["kind"] in ("due", "before") else row["kind"]  # sent late, after a catch-up
    item = Item(kind, headline(row["what"], title, days), days,
                [("What", row["what"]), ("When", _due_text(row)), ("Days left", _days_text(days))])
    if state is not None:
        item.pledge_id, item.title = state.id, state.row["title"]
        item.fields[1:1] = [("Pledge", f"{state.row['title']} ({state.id})"), ("Owner", state.row["owner"])]
        item.fields += _state_fields(state, facts)
        item.commands = _commands(state.id, row["deadline_key"])
    if row["kind"] == "escalation":
        contacts = ", ".join(facts.people.get(row["pledge_id"] or "", {}).get("contacts", [])) or "nobody (no contacts listed)"
        item.why = (f"You receive this as escalation contact for {title}, overdue by {-days} day{'' if days == -1 else 's'}; "
                    f"its contact is {contacts}.")
    return item


def headline(what: str, title: str | None, days: int) -> str:
    """Return one deadline item's line: what, for which pledge, and how soon ('pledge due — X: due in 7 days')."""
    return " ".join(f"{what}{f' — {title}' if title else ''}: {_days_phrase(days)}".split())


def _due_text(row: dict[str, Any]) -> str:
    if row["precision"] == "day":
        return str(row["deadline_text"])
    return f"by the end of {row['deadline_text']} ({row['deadline_date']})"


def _days_text(days: int) -> str:
    if days >= 0:
        return "due today" if days == 0 else str(days)
    return f"overdue by {-days} day{'' if days == -1 else 's'}"


def _state_fields(state: PledgeStatus, facts: Facts) -> list[Field]:
    j = state.row
    reasons = "; ".join(j["health_reasons"])
    fields = [("Health", f"{j['health']}{f' — {reasons}' if reasons else ''}")]
    if j["progress"] is not None:
        fields.append(("Progress", f"{round(j['progress'] * 100)}% ({j['progress_basis']})"))
    fields.append(("Last update", _last_update(state.id, facts)))
    missing = _missing(state, facts)
    if missing:
        fields.append(("Missing", "; ".join(missing)))
    return fields


def _last_update(pledge_id: str, facts: Facts) -> str:
    last = facts.last_updates.get(pledge_id)
    if last is None:
        return "none reported yet"
    by = f" by {last['author']}" if last.get("author") else ""
    return f"{last['status']} on {last['date']}{by}"


def _missing(state: PledgeStatus, facts: Facts) -> list[str]:
    j, found = state.row, []
    last = facts.last_updates.get(state.id)
    if last is None:
        found.append("no status update yet")
    else:
        quiet = (facts.today - date.fromisoformat(last["date"])).days
        if quiet > QUIET_DAYS or state.stale:
            found.append(f"no update for {quiet} days")
    unmeasured = j["indicators_total"] - j["indicators_measured"]
    if unmeasured:
        found.append(f"{unmeasured} of {j['indicators_total']} indicators without data")
    return found


def _commands(pledge_id: str, deadline_key: str) -> list[str]:
    found = [f'tracker update {pledge_id} --status in-progress --note "..."']
    if deadline_key.startswith("milestone:"):
        found.append(f"tracker done {pledge_id} {deadline_key.split('/', 1)[1]}")
    return found


def _review(row: dict[str, Any], recipient: str, days: int, facts: Facts) -> Item:
    name = row["what"].removeprefix("review: ")
    year = row["deadline_date"][:4]
    label = name if year in name else f"{name} {year}"
    item = Item("review", f"{label} {_when(days)}", days,
                [("What", row["what"]), ("When", _due_text(row)), ("Days left", _days_text(days))])
    ids = facts.review_pledges.get(row["deadline_key"], {}).get(recipient, [])
    listed = [facts.states[i] for i in ids if i in facts.states][:REVIEW_LIST_LIMIT]
    item.pledges = [_brief(s, facts) for s in listed]
    item.more_pledges = len(ids) - len(listed)
    item.fields.append(("Your pledges", f"{len(ids)} examined at this review" if ids else "none listed"))
    if listed:
        pledge = listed[0].id if len(ids) == 1 else "PLEDGE"
        item.commands = [f'tracker update {pledge} --status in-progress --note "..."',
                         f"tracker record {pledge} INDICATOR VALUE --date YYYY-MM-DD"]
    return item


def _round(row: dict[str, Any], days: int, facts: Facts) -> Item:
    """A reporting round's request: what is asked of one pledge, by when, and the exact commands to answer."""
    name = row["deadline_key"].removeprefix("round:").rsplit("/", 1)[0]
    found = facts.rounds.get(name, {})
    state = facts.states.get(row["pledge_id"] or "")
    title = state.row["title"] if state else row["pledge_id"]
    pledge: dict[str, Any] = next((p for p in found.get("pledges", []) if p["id"] == row["pledge_id"]), {})
    titles = {t["indicator_id"]: t["title"] for t in json.loads(state.trend_json)} if state else {}
    readings = [titles.get(i, i) for i in pledge.get("asked_readings", [])]
    asked = "a status update with a note and its source" + (f"; readings of {', '.join(readings)}" if readings else "")
    item = Item("round", f"{name}: an update on {title} is asked by {row['deadline_date']} ({_days_phrase(days)})", days,
                [("Round", name), ("Pledge", f"{title} ({row['pledge_id']})"), ("Asked", asked), ("By", str(row["deadline_date"])),
                 ("Days left", _days_text(days))], pledge_id=row["pledge_id"], title=title)
    if found.get("message"):
        item.fields.insert(1, ("Message", found["message"]))
    if state is not None:
        item.fields.append(("Last update", _last_update(state.id, facts)))
    item.commands = [f'tracker update {row["pledge_id"]} --status in-progress --note "..." --source "..."']
    item.commands += [f"tracker record {row['pledge_id']} {i} VALUE --date YYYY-MM-DD --source \"...\"" for i in pledge.get("asked_readings", [])]
    return item


def _brief(state: PledgeStatus, facts: Facts) -> list[Field]:
    j = state.row
    nxt = j["next_deadline"]
    schedule = f"{nxt['what']}: {_days_phrase(nxt['days_left'])}" if nxt else j["schedule_status"]
    progress = f"{round(j['progress'] * 100)}%" if j["progress"] is not None else "not measured"
    brief = [("Pledge", f"{j['title']} ({state.id})"), ("Health", j["health"]), ("Schedule", schedule),
             ("Progress", progress), ("Last update", _last_update(state.id, facts))]
    missing = _missing(state, facts)
    if missing:
        brief.append(("Missing", "; ".join(missing)))
    return brief


def _progress(row: dict[str, Any], facts: Facts) -> Item:
    state = facts.states.get(row["pledge_id"] or "")
    title = state.row["title"] if state else row["pledge_id"]
    item = Item("progress", f"{title}: {row['what']}", None, [("Change", row["what"])])
    if state is None:
        return item
    item.fields[:0] = [("Pledge", f"{title} ({state.id})"), ("Owner", state.row["owner"])]
    trends = json.loads(state.trend_json)
    named = [t for t in trends if t["verdict"] == state.row["assessed_status"]] or trends[:1]  # those behind the verdict
    item.fields += [("Indicator", _indicator(t)) for t in named]
    item.fields.append(("Last update", _last_update(state.id, facts)))
    item.commands = [f"tracker show {state.id}", f"tracker explain {state.id}"]
    return item


def _indicator(trend: dict[str, Any]) -> str:
    unit = f" {trend['unit']}" if trend.get("unit") else ""
    latest = trend.get("latest")
    target = trend.get("target")
    parts = [f"{trend['title']}: {trend['verdict']}"]
    parts.append(f"latest {_number(latest[1])}{unit} on {latest[0]}" if latest else "no reading yet")
    if target:
        parts.append(f"target {_number(target[1])}{unit} by {target[0]}")
    return ", ".join(parts)


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
