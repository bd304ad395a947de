"""Build the weekly report as plain data (the documented JSON); renderers turn it into text, Markdown or HTML."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, overload

from tracker import store
from tracker.attention import service_warnings
from tracker.dates import iso_week_bounds
from tracker.db import Database
from tracker.portfolio import snapshot
from tracker.schedule_lens import CLOSED_STATUSES
from tracker.status_cache import Cached, computed, states_of
from tracker.workspace import Settings

REPORT_VERSION = 1
CHART_LIMIT = 60
TIMELINE_LIMIT = 80
TIMELINE_BACK_DAYS = 365
TIMELINE_DAYS = 4 * 366  # a whole IMRF cycle ahead


def week_of(day: date) -> str:
    """Return the ISO week of a day, written `2026-W48` (ISO year, `%G-W%V`)."""
    return day.strftime("%G-W%V")


def build_weekly(db: Database, week: str, today: date, settings: Settings, workspace: str) -> dict[str, Any]:
    """Return the weekly report for an ISO week as seen on `today`."""
    monday, sunday = iso_week_bounds(week)
    as_of = min(today, sunday)
    # The cache holds one day: a past week's report is computed without replacing it.
    states = states_of(db, as_of, settings) if as_of == today else computed(db, as_of, settings)
    events = store.week_events(db, monday, as_of)
    report = {
        "version": REPORT_VERSION, "week": week, "from": monday.isoformat(), "to": sunday.isoformat(),
        "as_of": as_of.isoformat(), "workspace": workspace,
        "summary": _summary(states),
        "changes": {**events, "newly_overdue": _newly_overdue(states, monday, as_of)},
        "due": {"within_30": _due(states, as_of, 0, 30), "within_90": _due(states, as_of, 31, 90)},
        "reviews": _reviews(states, as_of),
        "portfolio": _portfolio(states),
        "pledges": PledgeEntries([_pledge(s) for s in states]),
        "charts": _charts(db, states, as_of, settings),
        "timeline": _timeline(states, as_of),
        "attention": service_warnings(db, datetime.now(UTC)),
    }
    return report


def _summary(states: list[Cached]) -> dict[str, Any]:
    rows = [s.json for s in states]
    return {
        "pledges": len(rows),
        "by_health": dict(Counter(r["health"] for r in rows)),
        "by_schedule": dict(Counter(r["schedule_status"] for r in rows)),
        "by_assessed": dict(Counter(r["assessed_status"] for r in rows)),
        "by_reported": dict(Counter(r["reported_status"] or "not-reported" for r in rows)),
        "discrepancies": sum(1 for r in rows if r["discrepancy"]),
    }


def _open(state: Cached) -> bool:
    return state.row["reported_status"] not in CLOSED_STATUSES


def _deadline_json(state: Cached, deadline: Any, today: date) -> dict[str, Any]:
    return {"pledge_id": state.row["id"], "title": state.row["title"], "health": state.json["health"], **deadline.as_json(today)}


def _newly_overdue(states: list[Cached], monday: date, as_of: date) -> list[dict[str, Any]]:
    """Deadlines whose day passed during the week: overdue from the day after."""
    found = [
        _deadline_json(s, d, as_of) for s in states if _open(s) for d in s.deadlines
        if d.kind != "review" and monday <= d.date + timedelta(days=1) <= as_of
    ]
    return sorted(found, key=lambda d: (d["date"], d["pledge_id"]))


def _due(states: list[Cached], today: date, first: int, last: int) -> list[dict[str, Any]]:
    found = [
        _deadline_json(s, d, today) for s in states if _open(s) for d in s.deadlines
        if d.kind != "review" and first <= (d.date - today).days <= last
    ]
    return sorted(found, key=lambda d: (d["date"], d["pledge_id"]))


def _reviews(states: list[Cached], today: date) -> list[dict[str, Any]]:
    reviews: dict[str, dict[str, Any]] = {}
    for s in states:
        for d in s.deadlines:
            if d.kind == "review":
                entry = reviews.setdefault(d.what, {"title": d.what.removeprefix("review: "), **d.as_json(today), "pledges": []})
                entry["pledges"].append(s.row["id"])
    return sorted(reviews.values(), key=lambda r: r["date"])


def _portfolio(states: list[Cached]) -> dict[str, Any]:
    by_framework: dict[str, Counter[str]] = defaultdict(Counter)
    by_owner: dict[str, Counter[str]] = defaultdict(Counter)
    for s in states:
        for tag in sorted({f.split(":")[0] for f in s.json["frameworks"]}) or ["(none)"]:
            by_framework[tag][s.json["health"]] += 1
        by_owner[s.json["owner"]][s.json["health"]] += 1
    return {
        "by_health": dict(Counter(s.json["health"] for s in states)),
        "by_framework": {k: dict(v) for k, v in sorted(by_framework.items())},
        "by_owner": {k: dict(v) for k, v in sorted(by_owner.items())},
    }


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

    def json_text(self) -> str:
        """Return the entries as a JSON array, as json.dumps writes one without indentation."""
        return "[" + ", ".join(self.texts) + "]"


def _pledge(state: Cached) -> str:
    """Return a pledge's report entry (its status row and a `trend` per indicator) as JSON text."""
    return f"{state.row_text[:-1]}, \"trend\": {state.trend_json}}}"


def _charts(db: Database, states: list[Cached], today: date, settings: Settings) -> list[dict[str, Any]]:
    """Return readings against the expected path for numeric indicators of the most urgent pledges."""
    wanted = [s for s in states if s.chartable][:CHART_LIMIT]
    readings = store.chart_readings(db, [s.row["id"] for s in wanted], today)
    assessed = {s.row["id"]: s.assessment for s in snapshot(db, today, settings, pledge_ids=[s.row["id"] for s in wanted])}
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


def _timeline(states: list[Cached], today: date) -> list[dict[str, Any]]:
    """Return open deadlines and reviews from a year ago to four years ahead, of the most urgent pledges."""
    seen: set[tuple[Any, ...]] = set()
    found: list[dict[str, Any]] = []
    for s in states:
        if not _open(s) or len(found) >= TIMELINE_LIMIT:
            continue
        for d in s.deadlines:
            key = (d.what, d.date) if d.kind == "review" else (s.row["id"], d.what, d.date)
            if -TIMELINE_BACK_DAYS <= (d.date - today).days <= TIMELINE_DAYS and key not in seen:
                seen.add(key)
                review = {"pledge_id": None, "title": None, "health": None} if d.kind == "review" else {}
                found.append({**_deadline_json(s, d, today), **review})
    return sorted(found, key=lambda d: (d["date"], d["kind"], d["pledge_id"] or ""))
