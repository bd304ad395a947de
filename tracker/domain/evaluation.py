"""Turn stored rows into assessments and health verdicts (no SQL here; rows come from `store`)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.domain.assess import Assessment, Spec, Thresholds, assess, combine
from tracker.domain.health import Health, Lenses, health
from tracker.pledges.dates import parse_fuzzy


@dataclass
class PledgeAssessment:
    """Everything the assessment says about one pledge."""

    assessed: str = "no-data"
    indicators: dict[str, Assessment] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    progress: float | None = None
    progress_basis: str | None = None
    last_reading: str | None = None

    @property
    def unmeasured(self) -> list[str]:
        """Return the titles of the indicators without data to assess (no-data)."""
        return [self.labels[i]["title"] for i, a in self.indicators.items() if a.verdict == "no-data"]

    @property
    def coverage(self) -> str | None:
        """Return how many indicators are measured, when not all are: '1 of 2 indicators measured'."""
        unmeasured, total = len(self.unmeasured), len(self.indicators)
        return f"{total - unmeasured} of {total} indicators measured" if unmeasured and total else None


@functools.lru_cache(maxsize=256)
def _thresholds_of(items: tuple[tuple[str, float], ...]) -> Thresholds:
    return Thresholds(**dict(items))


def _thresholds(merged: dict[str, float]) -> Thresholds:
    return _thresholds_of(tuple(sorted(merged.items())))


def _value(kind: str, raw: Any) -> float | str:
    if kind in ("number", "percent"):
        return float(raw)
    return str(raw)


def spec_from_row(row: dict[str, Any], defaults: dict[str, float]) -> Spec:
    """Build an assessment spec from an indicator row (baseline at its period start, target at its period end)."""
    own = json.loads(row["thresholds"]) if row["thresholds"] not in (None, "null") else None
    merged = {**defaults, **{k: v for k, v in (own or {}).items() if v is not None}}
    baseline = target = None
    if row["baseline_value"] is not None:
        baseline = (parse_fuzzy(row["baseline_date"]).start, _value(row["kind"], row["baseline_value"]))
    if row["target_value"] is not None:
        target = (parse_fuzzy(row["target_date"]).end, _value(row["kind"], row["target_value"]))
    levels = tuple(json.loads(row["levels"])) if row["levels"] not in (None, "null") else ()
    return Spec(row["kind"], row["direction"], baseline, target, row["method"] or "auto", levels, _thresholds(merged))


def _readings(row: dict[str, Any]) -> list[tuple[date, float | str]]:
    picked: dict[int, tuple[date, float | str]] = {}
    for prefix in ("first", "prev", "last"):
        reading_id = row[f"{prefix}_id"]
        if reading_id is not None:
            picked[reading_id] = (date.fromisoformat(row[f"{prefix}_date"]), _value(row["kind"], row[f"{prefix}_value"]))
    return sorted(picked.values(), key=lambda r: r[0])


def assess_rows(rows: list[dict[str, Any]], today: date, defaults: dict[str, float]) -> dict[str, PledgeAssessment]:
    """Assess every indicator row (first, previous and latest reading suffice) and combine per pledge."""
    result: dict[str, PledgeAssessment] = {}
    for row in rows:
        pledge = result.setdefault(row["pledge_id"], PledgeAssessment())
        pledge.indicators[row["id"]] = assess(spec_from_row(row, defaults), _readings(row), today)
        if row["last_date"] and (pledge.last_reading is None or row["last_date"] > pledge.last_reading):
            pledge.last_reading = row["last_date"]
        pledge.labels[row["id"]] = {"title": row["title"], "unit": row["unit"], "kind": row["kind"], "direction": row["direction"]}
    for pledge in result.values():
        pledge.assessed = combine([a.verdict for a in pledge.indicators.values()])
        if pledge.assessed == "achieved" and pledge.unmeasured:
            pledge.assessed = "on-track"  # what is measured is met, but a pledge is not achieved while part of it is unmeasured
        shares = [a.progress for a in pledge.indicators.values() if a.progress is not None]
        if shares:
            pledge.progress, pledge.progress_basis = max(0.0, sum(shares) / len(shares)), "indicators"
    return result


def milestone_progress(pledge: PledgeAssessment, done: int, total: int) -> None:
    """Fall back to the share of milestones done when no indicator shows progress."""
    if pledge.progress is None and total:
        pledge.progress, pledge.progress_basis = done / total, "milestones"


def pledge_health(row: dict[str, Any], schedule: str, days_left: int | None, assessed: str, last_evidence: str | None, today: date,
                  unmeasured: tuple[str, ...] = ()) -> Health:
    """Return the health verdict of a pledge row given its lenses (and the titles of its indicators without data)."""
    started = parse_fuzzy(row["start_text"]).start if row["start_text"] else None
    lenses = Lenses(
        reported=row["reported_status"], assessed=assessed, schedule=schedule,
        last_evidence=date.fromisoformat(last_evidence) if last_evidence else None,
        report_every_days=row["report_every_days"], started=started,
        overdue_days=-days_left if days_left is not None and days_left < 0 else 0, unmeasured=unmeasured,
        conflicting=row["conflicting_reports"],
    )
    return health(lenses, today)


def trend(indicator_id: str, assessment: Assessment, label: dict[str, Any]) -> dict[str, Any]:
    """Return an indicator's assessment as the weekly report's `trend` entry."""
    return {
        "indicator_id": indicator_id, **label, "verdict": assessment.verdict, "method": assessment.method,
        "ratio": None if assessment.ratio is None else round(assessment.ratio, 4),
        "progress": None if assessment.progress is None else round(assessment.progress, 4),
        "latest": assessment.inputs.get("latest"), "target": assessment.inputs.get("target"), "projected": assessment.projected.isoformat() if assessment.projected else None,
        "reasons": assessment.reasons,
    }
