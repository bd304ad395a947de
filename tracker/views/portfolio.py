"""Assemble what the read commands show, as plain data (JSON-ready dicts) built from store queries."""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker import __version__
from tracker.domain.evaluation import PledgeAssessment, assess_rows, milestone_progress, pledge_health, trend
from tracker.domain.schedule import Deadline, Schedule, schedule, urgency_key
from tracker.pledges.dates import FuzzyDate, parse_fuzzy
from tracker.store import cache, core, queries, snoozes
from tracker.store.db import Database
from tracker.views.states import PledgeStatus, cache_row, deadline_rows, from_cached
from tracker.workspace import Settings


def next_review(first: str, every_years: int | None, today: date) -> FuzzyDate:
    """Return a review's first occurrence whose deadline is today or later (or its only one)."""
    occurrence = parse_fuzzy(first)
    while every_years and occurrence.end < today:
        occurrence = occurrence.add_years(every_years)
    return occurrence


def _reviews(db: Database, today: date) -> dict[str, Deadline]:
    deadlines = {}
    for r in queries.review_rows(db):
        when = next_review(r["first"], r["every_years"], today)
        deadlines[r["id"]] = Deadline(when.end, str(when), when.precision, f"review: {r['title']}", "review", r["id"])
    return deadlines


def _deadlines(pledge: dict[str, Any], milestones: list[dict[str, Any]], reviews: dict[str, Deadline]) -> list[Deadline]:
    found = [Deadline(date.fromisoformat(pledge["due_date"]), pledge["due_text"], pledge["due_precision"], "pledge due", "pledge", pledge["id"])]
    for m in milestones:
        if m["done_on"] is None:
            found.append(Deadline(date.fromisoformat(m["due_date"]), m["due_text"], m["due_precision"], f"milestone: {m['title']}", "milestone", m["id"]))
    found += [reviews[r] for r in json.loads(pledge["reviews"]) if r in reviews]
    return found


@dataclass
class _Scheduled:
    row: Any
    milestones: list[Any]
    deadlines: list[Deadline]
    lens: Schedule


def _schedules(db: Database, today: date, settings: Settings, pledge_id: str | None = None,
               pledge_ids: list[str] | None = None) -> list[_Scheduled]:
    """Return every active pledge (or one, or some) with its deadlines and schedule lens (no assessment), most urgent first."""
    reviews = _reviews(db, today)
    by_pledge: dict[str, list[Any]] = defaultdict(list)
    for m in queries.milestone_rows(db, today, pledge_id, pledge_ids):
        by_pledge[m["pledge_id"]].append(m)
    found = []
    for p in queries.status_rows(db, today, pledge_id, pledge_ids):
        milestones = by_pledge.get(p["id"], [])
        deadlines = _deadlines(p, milestones, reviews)
        found.append(_Scheduled(p, milestones, deadlines, schedule(deadlines, p["reported_status"], today, settings.due_soon_days)))
    found.sort(key=lambda s: urgency_key(s.lens.status, s.lens.days_left, s.row["id"]))
    return found


def _complete(item: _Scheduled, assessed: PledgeAssessment, today: date) -> PledgeStatus:
    """Add the assessed lens, progress and health to a scheduled pledge."""
    p, milestones, lens = item.row, item.milestones, item.lens
    done = sum(1 for m in milestones if m["done_on"])
    milestone_progress(assessed, done, len(milestones))
    evidence = max([p["reported_on"] or "", assessed.last_reading or "", *(m["done_on"] or "" for m in milestones)]) or None
    partial = tuple(assessed.unmeasured) if assessed.assessed != "no-data" else ()
    verdict = pledge_health(p, lens.status, lens.days_left, assessed.assessed, evidence, today, partial)
    row = {
        "id": p["id"], "kind": p["kind"], "title": p["title"], "owner": p["owner"], "frameworks": json.loads(p["frameworks"]),
        "reported_status": p["reported_status"], "reported_on": p["reported_on"],
        "schedule_status": lens.status,
        "next_deadline": lens.next_deadline.as_json(today) if lens.next_deadline else None,
        "days_left": lens.days_left, "due": p["due_text"], "due_date": p["due_date"],
        "milestones_done": done, "milestones_total": len(milestones),
        "assessed_status": assessed.assessed, "health": verdict.verdict, "health_reasons": verdict.reasons,
        "progress": None if assessed.progress is None else round(assessed.progress, 4), "progress_basis": assessed.progress_basis,
        "discrepancy": verdict.discrepancy, "discrepancies": verdict.discrepancies, "last_evidence": evidence,
        "indicators_measured": len(assessed.indicators) - len(assessed.unmeasured), "indicators_total": len(assessed.indicators),
    }
    trends = [trend(i, a, assessed.labels[i]) for i, a in assessed.indicators.items()]
    chartable = any(a.inputs.get("points_used") for a in assessed.indicators.values())
    return PledgeStatus(json.dumps(row, ensure_ascii=False), deadline_rows(item.deadlines), json.dumps(trends, ensure_ascii=False),
                        chartable, verdict.contradiction, verdict.stale, assessed)


def snapshot(db: Database, today: date, settings: Settings, pledge_id: str | None = None,
             pledge_ids: list[str] | None = None) -> list[PledgeStatus]:
    """Return every active pledge (or only `pledge_id`, or `pledge_ids`) with its lenses as of `today`, most urgent first."""
    assessments = assess_rows(queries.assessment_rows(db, today, pledge_id, pledge_ids), today, settings.thresholds)
    return [_complete(item, assessments.get(item.row["id"], PledgeAssessment()), today)
            for item in _schedules(db, today, settings, pledge_id, pledge_ids)]


def pledge_detail(db: Database, pledge_id: str, today: date, settings: Settings) -> dict[str, Any]:
    """Return everything about one pledge (the documented `show --json` shape)."""
    row = core.require_pledge(db, pledge_id)
    spec = core.definition(row)
    state = snapshot(db, today, settings, pledge_id)[0]
    reviews = _reviews(db, today)
    lenses = {k: state.row[k] for k in ("reported_status", "reported_on", "schedule_status", "next_deadline", "days_left",
                                          "assessed_status", "health", "health_reasons", "progress", "discrepancy", "discrepancies",
                                          "last_evidence")}
    return {
        "id": pledge_id, "kind": spec.get("kind", "pledge"), "title": row["title"], "summary": spec.get("summary"),
        "owner": row["owner"], "requested_by": spec.get("requested_by"),
        "contacts": spec["contacts"], "escalation": spec["escalation"], "partners": spec["partners"],
        "frameworks": spec["frameworks"], "start": spec["start"], "due": spec["due"], **lenses,
        "report_every_days": spec["report_every_days"],
        "reviews": [{"id": r, **reviews[r].as_json(today)} for r in spec["reviews"] if r in reviews],
        "sources": spec["sources"],
        "milestones": [_milestone_json(m, spec, today) for m in queries.milestone_rows(db, today, pledge_id)],
        "indicators": [_indicator_json(db, i, spec, state, today) for i in queries.indicator_rows(db, pledge_id)],
        "updates": queries.update_rows(db, pledge_id, today), "path": row["path"],
        "snoozes": [{**_snoozed_item(s.pop("deadline_key")), **s} for s in snoozes.of_pledge(db, pledge_id, today)],
    }


def _milestone_json(m: dict[str, Any], spec: dict[str, Any], today: date) -> dict[str, Any]:
    defined: dict[str, Any] = next((d for d in spec["milestones"] if d["id"] == m["id"]), {})
    due = date.fromisoformat(m["due_date"])
    return {
        "id": m["id"], "title": m["title"], "due": m["due_text"], "due_date": m["due_date"], "precision": m["due_precision"],
        "assumed": bool(m["assumed"]), "reason": defined.get("reason"),
        "done": {"date": m["done_on"], "evidence": m["evidence"]} if m["done_on"] else None,
        "days_left": None if m["done_on"] else (due - today).days,
    }


def _indicator_json(db: Database, i: dict[str, Any], spec: dict[str, Any], state: PledgeStatus, today: date) -> dict[str, Any]:
    defined: dict[str, Any] = next((d for d in spec["indicators"] if d["id"] == i["id"]), {})
    readings = queries.readings_of(db, i["pledge_id"], i["id"], today)
    assessment = state.assessment.indicators.get(i["id"]) if state.assessment else None
    return {
        "id": i["id"], "title": i["title"], "kind": i["kind"], "unit": i["unit"], "direction": i["direction"],
        "baseline": defined.get("baseline"), "target": defined.get("target"), "method": defined.get("method", "auto"),
        "latest": _reading_json(readings[-1]) if readings else None,
        "readings": [_reading_json(r) for r in readings],
        "assessment": assessment.as_json() if assessment else None,
    }


def _reading_json(r: dict[str, Any]) -> dict[str, Any]:
    value = r["value_num"] if r["value_num"] is not None else r["value_text"]
    return {"date": r["date"], "value": value, "source": r["source"], "note": r["note"]}


def history(db: Database, pledge_id: str) -> list[dict[str, Any]]:
    """Return a pledge's updates, readings, completions and revisions in time order, each with its author."""
    from tracker.store import journal

    core.require_pledge(db, pledge_id)
    events = [entry(r) for r in queries.history_rows(db, pledge_id)]
    events += [{**_from_journal(original), "retracted": retraction} for original, retraction in journal.retracted(db, pledge_id)]
    return sorted(events, key=lambda e: (e["date"], e["recorded_at"], e["kind"]))


def _from_journal(e: dict[str, Any]) -> dict[str, Any]:
    """Return a journal entry (one taken out by a retraction) as a history event."""
    event = {"id": e["id"], "kind": e["type"], "date": e["date"], "recorded_at": e["entered_at"], "author": e.get("author")}
    if e["type"] == "update":
        event.update(status=e["status"], note=e["note"], source=e.get("source"))
    elif e["type"] == "reading":
        event.update(indicator=e["indicator"], value=e["value"], note=e.get("note"), source=e.get("source"))
    else:
        event.update(milestone=e["milestone"], evidence=e.get("evidence"))
    return event


def changes(db: Database, since: str, author: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
    """Return what was entered at or after `since` (a UTC instant), by an author containing `author`, newest first."""
    return [{"pledge_id": r["pledge_id"], "title": r["title"], **entry(r)} for r in queries.changes_rows(db, since, author, limit)]


def entry(r: dict[str, Any]) -> dict[str, Any]:
    """Return one history row as the documented entry: kind, dates, author and what the kind records."""
    event = {"id": r["entry_id"], "kind": r["kind"], "date": r["date"], "recorded_at": r["recorded_at"], "author": r["author"]}
    if r["kind"] == "update":
        event.update(status=r["value"], note=r["note"], source=r["source"])
    elif r["kind"] == "reading":
        event.update(indicator=r["item"], value=r["num"] if r["num"] is not None else r["value"], note=r["note"], source=r["source"])
    elif r["kind"] == "done":
        event.update(milestone=r["item"], evidence=r["source"])
    elif r["kind"] == "retract":
        event.update(target=r["item"], reason=r["note"], replaced_by=r["value"])
    elif r["kind"] == "snooze":
        event.update(**_snoozed_item(r["item"]), until=r["value"], reason=r["note"])
    elif r["kind"] in ("round-open", "round-close"):
        event.update(round=r["item"], due=r["value"], message=r["note"])
    else:
        item_kind, item_id, field = r["item"].split(":", 2)
        event.update(item_kind=item_kind, item=item_id, field=field, old=r["old"], new=r["value"], reason=r["note"])
    return event


def _snoozed_item(deadline_key: str) -> dict[str, str | None]:
    """Return a snoozed deadline's key (`pledge:ID`, `milestone:ID/MILESTONE`) as the entry's item_kind and item."""
    item_kind, _, rest = deadline_key.partition(":")
    return {"item_kind": item_kind, "item": rest.partition("/")[2] or None}


# Part of the fingerprint: change it whenever what a cached status holds, or how it is computed, changes.
CACHE_FORMAT = 5


def fingerprint(settings: Settings) -> str:
    """Return what, besides the data and the day, a status depends on."""
    return json.dumps([CACHE_FORMAT, __version__, settings.due_soon_days, sorted(settings.thresholds.items())])


class Statuses:
    """The statuses of one day, as records, most urgent first unless said otherwise."""

    def __init__(self, reader: cache.Reader) -> None:
        self.reader = reader

    def __iter__(self) -> Iterator[PledgeStatus]:
        return (from_cached(texts) for texts in self.reader.all())

    def some(self, pledge_ids: list[str]) -> list[PledgeStatus]:
        """Return the statuses of some pledges (those that are active)."""
        return [from_cached(texts) for texts in self.reader.some(pledge_ids)]


def _computer(db: Database, day: date, settings: Settings) -> cache.Compute:
    def compute(pledge_ids: list[str]) -> list[cache.Row]:
        return [cache_row(s) for s in snapshot(db, day, settings, pledge_ids=pledge_ids)]

    return compute


@contextlib.contextmanager
def statuses(db: Database, day: date, settings: Settings, cached: bool = True) -> Iterator[Statuses]:
    """Yield every active pledge's status as of `day`: through the day's cache, or computed aside (a past day's report)."""
    compute = _computer(db, day, settings)
    with cache.day(db, day.isoformat(), fingerprint(settings), compute) if cached else cache.computed_day(db, compute) as reader:
        yield Statuses(reader)
