"""The published site's pages as plain data: the index, one pledge, one review, each as seen on the `today` passed in.

The index is built in one pass over the day's cached statuses (the weekly report's sections count it); a pledge page
is built from `show --json` and `history --json`, one pledge at a time, so publishing never holds every pledge's detail.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

from tracker.pledges.dates import parse_fuzzy
from tracker.store import queries
from tracker.store import site as store
from tracker.store.db import Database
from tracker.views.portfolio import history, next_review, pledge_detail, statuses
from tracker.views.report import PledgeEntries
from tracker.views.report import _Sections as Sections  # the weekly report's one pass: the index shows its counts
from tracker.views.rounds import compliance, open_rounds
from tracker.workspace import Settings

URGENT = 20  # pledges the index shows first, most urgent first
LISTED = 1000  # pledges listed by name on the index and on a review page; beyond that the open data lists them
BRIEF = ("id", "kind", "title", "owner", "health", "health_reasons", "schedule_status", "assessed_status", "reported_status",
         "reported_on", "progress", "next_deadline", "days_left", "last_evidence", "discrepancy", "discrepancies")
SUMMARY = ("id", "kind", "title", "summary", "owner", "requested_by", "partners", "frameworks", "start", "due", "report_every_days",
           "reported_status", "reported_on", "schedule_status", "next_deadline", "days_left", "assessed_status", "health",
           "health_reasons", "progress", "discrepancy", "discrepancies", "last_evidence")
ROUND = ("name", "due", "review", "owner", "framework", "reported", "late", "missing", "compliance")


def pledge_ids(db: Database) -> list[str]:
    """Return the ids of the active pledges (one page each), sorted."""
    return store.pledge_ids(db)


def review_ids(db: Database) -> list[str]:
    """Return the ids of the active reviews (one page each), sorted."""
    return [r["id"] for r in queries.review_rows(db)]


def _brief(row: dict[str, Any]) -> dict[str, Any]:
    """Return what a list of pledges shows of one status row."""
    return {key: row.get(key) for key in BRIEF}


def index_data(db: Database, today: date, settings: Settings, workspace_name: str) -> dict[str, Any]:
    """Return the site's front page: health counts, the most urgent pledges, summaries, open rounds, reviews ahead."""
    sections, examined = Sections(today, today), Counter[str]()
    listed: list[dict[str, Any]] = []
    with statuses(db, today, settings) as found:
        for state in found:
            sections.add(state)
            examined.update({row[5] for row in state.deadline_rows if row[4] == "review"})
            if len(listed) <= LISTED:
                listed.append({key: state.row[key] for key in ("id", "kind", "title", "owner", "health")})
    total = len(sections.entries)
    return {
        "workspace": workspace_name, "as_of": today.isoformat(), "summary": sections.summary(),
        "urgent": [_brief(p) for p in PledgeEntries(sections.entries)[:URGENT]],
        "portfolio": sections.portfolio(),
        "rounds": [{key: r[key] for key in ROUND} for r in _rounds(db, today, settings)],
        "reviews": _reviews(db, today, examined),
        "pledges": sorted(listed, key=lambda p: str(p["id"])) if total <= LISTED else [], "pledges_total": total,
    }


def _rounds(db: Database, today: date, settings: Settings) -> list[dict[str, Any]]:
    return [{**r, "compliance": compliance(r, today)} for r in open_rounds(db, settings)]


def _occurrence(row: dict[str, Any], today: date) -> dict[str, Any]:
    """Return a review's next occurrence (or its only one) as a dated deadline."""
    when = next_review(row["first"], row["every_years"], today)
    return {"date": when.end.isoformat(), "text": str(when), "precision": when.precision, "days_left": (when.end - today).days}


def _reviews(db: Database, today: date, examined: Counter[str]) -> list[dict[str, Any]]:
    """Return every review with its next occurrence and how many pledges it examines, soonest first."""
    found = [{"id": r["id"], "title": r["title"], "every_years": r["every_years"], **_occurrence(r, today), "pledges": examined[r["id"]]}
             for r in queries.review_rows(db)]
    return sorted(found, key=lambda r: (r["date"], r["id"]))


def pledge_data(db: Database, pledge_id: str, today: date, settings: Settings) -> dict[str, Any]:
    """Return one pledge's page: summary, sources, milestones, indicators with their chart, reviews and full history."""
    detail = pledge_detail(db, pledge_id, today, settings)
    # Snoozes only pause reminders to the pledge's contacts: they are kept out of the public record.
    events = [public_event(e) for e in history(db, pledge_id) if e["kind"] != "snooze"]
    return {
        "as_of": today.isoformat(), "summary": {key: detail[key] for key in SUMMARY}, "sources": detail["sources"],
        "milestones": detail["milestones"], "reviews": detail["reviews"],
        "indicators": [{**i, "chart": _chart(i)} for i in detail["indicators"]],
        "timeline": _timeline(detail, today), "history": events,
    }


def public_name(author: str | None) -> str | None:
    """Return an author as published: the name of `Name <email>`, never an address (None when no name is known)."""
    name = re.sub(r"<[^>]*>", "", author or "").strip()
    return None if not name or "@" in name else name


def public_event(value: Any) -> Any:
    """Return a history event with every `author` reduced to a public name (no e-mail address is published)."""
    if isinstance(value, dict):
        return {k: public_name(v) if k == "author" else public_event(v) for k, v in value.items()}
    return [public_event(v) for v in value] if isinstance(value, list) else value


def _timeline(detail: dict[str, Any], today: date) -> list[dict[str, Any]]:
    """Return the pledge's dates in the weekly report's timeline shape: its due date, milestones (done ones too), reviews."""
    due = parse_fuzzy(detail["due"]["date"])
    items = [{"kind": "pledge", "what": "pledge due", "date": due.end.isoformat(), "text": str(due), "precision": due.precision,
              "days_left": (due.end - today).days}]
    items += [{"kind": "milestone", "what": f"milestone: {m['title']}", "date": m["due_date"], "text": m["due"], "precision": m["precision"],
               "days_left": m["days_left"], "done": m["done"]["date"] if m["done"] else None} for m in detail["milestones"]]
    items += [{key: r[key] for key in ("kind", "what", "date", "text", "precision", "days_left")} for r in detail["reviews"]]
    return sorted(({"pledge_id": None, "title": None, **item} for item in items), key=lambda d: (d["date"], d["kind"], d["what"]))


def _chart(indicator: dict[str, Any]) -> dict[str, Any] | None:
    """Return a numeric indicator's readings against its expected path and target (the weekly report's chart shape)."""
    readings = [[r["date"], r["value"]] for r in indicator["readings"] if isinstance(r["value"], int | float)]
    if indicator["kind"] in ("yes-no", "qualitative") or not readings:
        return None
    assessed = indicator["assessment"] or {}
    inputs = assessed.get("inputs") or {}
    return {
        "indicator_id": indicator["id"], "indicator": indicator["title"], "unit": indicator["unit"], "direction": indicator["direction"],
        "verdict": assessed.get("verdict"), "readings": readings, "expected_path": assessed.get("expected_path") or [],
        "target": inputs.get("target"), "first": inputs.get("first"), "projected": assessed.get("projected"),
    }


def review_data(db: Database, review_id: str, today: date, settings: Settings) -> dict[str, Any]:
    """Return one review's page: its title and next occurrence, and each pledge examined at it (most urgent first)."""
    row = store.require_review(db, review_id)
    spec = row["definition"]
    ids = store.examined_at(db, review_id)
    with statuses(db, today, settings) as found:
        states = [_brief(s.row) for s in found.some(ids)]
    review = {"id": row["id"], "title": row["title"], "first": row["first"], "every_years": row["every_years"],
              **_occurrence(row, today), "assumed": bool(spec.get("assumed")), "reason": spec.get("reason"),
              "sources": spec.get("sources") or []}
    return {"as_of": today.isoformat(), "review": review, "by_health": dict(Counter(s["health"] for s in states)),
            "pledges": states[:LISTED], "pledges_total": len(states)}
