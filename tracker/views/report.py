"""Build the weekly report as plain data (the documented JSON); renderers turn it into text, Markdown or HTML."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, overload

from tracker.domain.statuses import CLOSED_STATUSES
from tracker.pledges.dates import iso_week_bounds
from tracker.store import queries
from tracker.store.db import Database
from tracker.views.attention import service_warnings
from tracker.views.portfolio import snapshot, statuses
from tracker.views.rounds import compliance, local_day, open_rounds
from tracker.views.states import PledgeStatus, to_deadline
from tracker.workspace import Settings

REPORT_VERSION = 1
CHART_LIMIT = 60
TIMELINE_LIMIT = 80
TIMELINE_BACK_DAYS = 365
TIMELINE_DAYS = 4 * 366  # a whole IMRF cycle ahead
ENTERED_LIMIT = 200  # entries listed under `entered`; a 10,000-pledge import week is counted, not listed


def week_of(day: date) -> str:
    """Return the ISO week of a day, written `2026-W48` (ISO year, `%G-W%V`)."""
    return day.strftime("%G-W%V")


def build_weekly(db: Database, week: str, today: date, settings: Settings, workspace: str, now: datetime) -> dict[str, Any]:
    """Return the weekly report for an ISO week as seen on `today`; `now` (an instant) dates the service warnings."""
    monday, sunday = iso_week_bounds(week)
    as_of = min(today, sunday)
    sections = _Sections(monday, as_of)
    # The cache holds one day: a past week's report is computed without replacing it. Cached statuses are read one
    # at a time, so a global portfolio's report never holds 10,000 parsed pledges.
    with statuses(db, as_of, settings, cached=as_of == today) as found:
        for state in found:
            sections.add(state)
    events = queries.week_events(db, monday, as_of)
    return {
        "version": REPORT_VERSION, "week": week, "from": monday.isoformat(), "to": sunday.isoformat(),
        "as_of": as_of.isoformat(), "workspace": workspace,
        "summary": sections.summary(),
        "changes": {**events, "newly_overdue": _by_date(sections.newly_overdue)},
        "entered": _entered(db, monday, settings),
        "rounds": _rounds(db, as_of, settings),
        "due": {"within_30": _by_date(sections.within_30), "within_90": _by_date(sections.within_90)},
        "reviews": sorted(sections.reviews.values(), key=lambda r: r["date"]),
        "portfolio": sections.portfolio(),
        "pledges": PledgeEntries(sections.entries),
        "charts": _charts(db, sections.chartable, as_of, settings),
        "timeline": sorted(sections.timeline, key=lambda d: (d["date"], d["kind"], d["pledge_id"] or "")),
        "attention": service_warnings(db, now),
    }


def _rounds(db: Database, as_of: date, settings: Settings) -> list[dict[str, Any]]:
    """Return the open reporting rounds with their compliance ('9 of 12 reported, 3 missing, due in 12 days')."""
    return [{**r, "compliance": compliance(r, as_of)} for r in open_rounds(db, settings)]


def _entered(db: Database, monday: date, settings: Settings) -> dict[str, Any]:
    """Return what was entered in the week starting `monday` (workspace time zone), whatever day each entry carries."""
    zone = settings.zone
    start, end = (datetime.combine(day, time(), zone).astimezone(UTC).isoformat(timespec="microseconds")
                  for day in (monday, monday + timedelta(days=7)))
    found = queries.entered_rows(db, start, end, monday, ENTERED_LIMIT)
    items = [{
        "id": r["entry_id"], "kind": r["kind"], "pledge_id": r["pledge_id"], "title": r["title"], "date": r["date"],
        "entered_at": r["entered_at"], "entered_on": local_day(r["entered_at"], settings), "author": r["author"],
        "backdated": r["date"] < monday.isoformat(), **json.loads(r["detail"]),
    } for r in found["items"]]
    return {"total": found["total"], "backdated": found["backdated"], "items": items}


def _by_date(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(found, key=lambda d: (d["date"], d["pledge_id"]))


class _Sections:
    """The report's sections, gathered in one pass over the pledges, most urgent first."""

    def __init__(self, monday: date, as_of: date) -> None:
        self.monday, self.as_of = monday, as_of
        # Stored deadline rows start with the ISO date, which compares as text: only those from the day before Monday
        # (newly overdue) to 90 days ahead (due soon) are turned into dates.
        self.window = (monday - timedelta(days=1)).isoformat(), (as_of + timedelta(days=90)).isoformat()
        self.counts: dict[str, Counter[str]] = {k: Counter() for k in ("health", "schedule", "assessed", "reported")}
        self.discrepancies = 0
        self.by_framework: dict[str, Counter[str]] = defaultdict(Counter)
        self.by_owner: dict[str, Counter[str]] = defaultdict(Counter)
        self.newly_overdue: list[dict[str, Any]] = []
        self.within_30: list[dict[str, Any]] = []
        self.within_90: list[dict[str, Any]] = []
        self.reviews: dict[str, dict[str, Any]] = {}
        self.timeline: list[dict[str, Any]] = []
        self.timeline_seen: set[tuple[Any, ...]] = set()
        self.entries: list[str] = []
        self.chartable: list[str] = []

    def add(self, s: PledgeStatus) -> None:
        """Count one pledge and keep what the sections list of it."""
        counts, row = self.counts, s.row
        health = row["health"]
        counts["health"][health] += 1
        counts["schedule"][row["schedule_status"]] += 1
        counts["assessed"][row["assessed_status"]] += 1
        counts["reported"][row["reported_status"] or "not-reported"] += 1
        self.discrepancies += bool(row["discrepancy"])
        for tag in {f.split(":")[0] for f in row["frameworks"]} or ("(none)",):
            self.by_framework[tag][health] += 1
        self.by_owner[row["owner"]][health] += 1
        self.entries.append(f"{s.row_text[:-1]}, \"trend\": {s.trend_json}}}")  # the status row with a `trend` per indicator
        if s.chartable and len(self.chartable) < CHART_LIMIT:
            self.chartable.append(s.id)
        self._deadlines(s)

    def _deadlines(self, s: PledgeStatus) -> None:
        is_open, as_of, pledge_id = s.row["reported_status"] not in CLOSED_STATUSES, self.as_of, s.id
        first, last = self.window
        for row in s.deadline_rows:
            if row[4] == "review":
                entry = self.reviews.get(row[3])
                if entry is None:
                    d = to_deadline(row)
                    entry = self.reviews[d.what] = {"title": d.what.removeprefix("review: "), **d.as_json(as_of), "pledges": []}
                entry["pledges"].append(pledge_id)
            elif is_open and first <= row[0] <= last:
                d = to_deadline(row)
                days = (d.date - as_of).days
                if self.monday <= d.date + timedelta(days=1) <= as_of:  # overdue from the day after
                    self.newly_overdue.append(_deadline_json(s, d, as_of))
                if 0 <= days <= 90:
                    (self.within_30 if days <= 30 else self.within_90).append(_deadline_json(s, d, as_of))
        if is_open and len(self.timeline) < TIMELINE_LIMIT:
            self._timeline(s)

    def _timeline(self, s: PledgeStatus) -> None:
        """Add open deadlines and reviews from a year ago to four years ahead (of the most urgent pledges)."""
        for d in s.deadlines:
            key = (d.what, d.date) if d.kind == "review" else (s.id, d.what, d.date)
            if -TIMELINE_BACK_DAYS <= (d.date - self.as_of).days <= TIMELINE_DAYS and key not in self.timeline_seen:
                self.timeline_seen.add(key)
                review = {"pledge_id": None, "title": None, "health": None} if d.kind == "review" else {}
                self.timeline.append({**_deadline_json(s, d, self.as_of), **review})

    def summary(self) -> dict[str, Any]:
        """Return the `summary` section."""
        return {"pledges": len(self.entries), **{f"by_{k}": dict(v) for k, v in self.counts.items()}, "discrepancies": self.discrepancies}

    def portfolio(self) -> dict[str, Any]:
        """Return the `portfolio` section."""
        return {
            "by_health": dict(self.counts["health"]),
            "by_framework": {k: dict(v) for k, v in sorted(self.by_framework.items())},
            "by_owner": {k: dict(v) for k, v in sorted(self.by_owner.items())},
        }


def _deadline_json(state: PledgeStatus, deadline: Any, today: date) -> dict[str, Any]:
    return {"pledge_id": state.id, "title": state.row["title"], "health": state.row["health"], **deadline.as_json(today)}


class PledgeEntries(Sequence[dict[str, Any]]):
    """The report's pledge entries kept as JSON text: parsed only where a renderer reads them, written as they are."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts

    def __len__(self) -> int:
        return len(self.texts)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [json.loads(t) for t in self.texts[index]]
        return dict(json.loads(self.texts[index]))


def _charts(db: Database, pledge_ids: list[str], today: date, settings: Settings) -> list[dict[str, Any]]:
    """Return readings against the expected path for numeric indicators of the most urgent pledges."""
    readings = queries.chart_readings(db, pledge_ids, today)
    order = {pledge_id: index for index, pledge_id in enumerate(pledge_ids)}
    wanted = sorted(snapshot(db, today, settings, pledge_ids=pledge_ids), key=lambda s: order[s.row["id"]])
    assessed = {s.id: s.assessment for s in wanted if s.assessment is not None}
    charts = []
    for s in wanted:
        labels = assessed[s.row["id"]].labels
        for indicator_id, a in assessed[s.row["id"]].indicators.items():
            series = readings.get((s.row["id"], indicator_id))
            if not series:
                continue
            charts.append({
                "pledge_id": s.row["id"], "title": s.row["title"], "indicator_id": indicator_id,
                "indicator": labels[indicator_id]["title"], "unit": labels[indicator_id]["unit"],
                "direction": labels[indicator_id]["direction"], "verdict": a.verdict,
                "readings": [[d, v] for d, v in series],
                "expected_path": [[d.isoformat(), round(v, 6)] for d, v in a.expected_path],
                "target": a.inputs.get("target"), "first": a.inputs.get("first"),
                "projected": a.projected.isoformat() if a.projected else None,
            })
    return charts
