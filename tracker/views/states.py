"""A pledge's computed status: the one record of it, computed afresh or read back from the status cache."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from tracker.domain.schedule import Deadline
from tracker.domain.statuses import SCHEDULE_ORDER
from tracker.store import cache

if TYPE_CHECKING:
    from tracker.domain.evaluation import PledgeAssessment

NO_DAYS = 10**6  # sorts pledges without a next deadline after every dated one (as domain.schedule.urgency_key does)


@dataclass
class PledgeStatus:
    """A pledge's status as of one day: the `status --json` row, open deadlines, indicator trends, flags.

    Read back from the cache it holds only texts, parsed on first use; freshly computed it also holds the
    assessment behind it (`show`, `explain` and the report's charts read that).
    """

    row_text: str
    deadline_rows: list[list[Any]]  # as stored: [ISO date, text, precision, what, kind, item]
    trend_json: str
    chartable: bool
    contradiction: bool
    stale: bool
    assessment: PledgeAssessment | None = None

    @functools.cached_property
    def row(self) -> dict[str, Any]:
        """Return the status row (the documented `status --json` shape)."""
        return dict(json.loads(self.row_text))

    @functools.cached_property
    def deadlines(self) -> list[Deadline]:
        """Return the open deadlines and reviews."""
        return [to_deadline(d) for d in self.deadline_rows]

    @property
    def id(self) -> str:
        """Return the pledge id."""
        return str(self.row["id"])


def to_deadline(row: list[Any]) -> Deadline:
    """Return the Deadline of one stored deadline row."""
    return Deadline(date.fromisoformat(row[0]), *row[1:])


def deadline_rows(deadlines: list[Deadline]) -> list[list[Any]]:
    """Return deadlines as stored rows: [ISO date, text, precision, what, kind, item]."""
    return [[d.date.isoformat(), d.text, d.precision, d.what, d.kind, d.item] for d in deadlines]


def from_cached(texts: cache.Cached) -> PledgeStatus:
    """Return the status of one cached row (row, trend and state JSON)."""
    row_text, trend_json, state_json = texts
    extra = json.loads(state_json)
    return PledgeStatus(row_text, extra["deadlines"], trend_json, extra["chartable"], extra["contradiction"], extra["stale"])


def cache_row(s: PledgeStatus) -> cache.Row:
    """Return the cache row of a freshly computed status."""
    j = s.row
    extra = {"deadlines": s.deadline_rows, "contradiction": s.contradiction, "stale": s.stale, "chartable": s.chartable}
    days = j["days_left"] if j["days_left"] is not None else NO_DAYS
    return (j["id"], SCHEDULE_ORDER[j["schedule_status"]], days, j["schedule_status"], j["owner"], json.dumps(j["frameworks"]),
            s.row_text, s.trend_json, json.dumps(extra, ensure_ascii=False))
