"""Health combines the three lenses; a discrepancy is flagged when they contradict or evidence is stale."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import Tracker

from tracker.domain.health import Lenses, health

TODAY = date(2026, 11, 23)


def _lenses(**kw: object) -> Lenses:
    base = {"reported": "in-progress", "assessed": "on-track", "schedule": "upcoming", "last_evidence": date(2026, 11, 1),
            "report_every_days": 90, "started": date(2023, 1, 1)}
    return Lenses(**{**base, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "verdict", "discrepancy"),
    [
        ({}, "good", False),
        ({"schedule": "overdue", "overdue_days": 12}, "critical", False),
        ({"assessed": "regressing"}, "critical", False),
        ({"assessed": "needs-acceleration"}, "at-risk", False),
        ({"reported": "stalled", "assessed": "no-data"}, "at-risk", False),
        ({"reported": "achieved", "assessed": "regressing", "schedule": "closed"}, "critical", True),
        ({"reported": "achieved", "assessed": "achieved", "schedule": "closed"}, "closed", False),
        ({"reported": "stalled", "assessed": "on-track"}, "at-risk", True),
        ({"last_evidence": date(2026, 1, 1)}, "at-risk", True),
        ({"reported": None, "assessed": "no-data", "last_evidence": None, "report_every_days": None}, "unknown", False),
        ({"schedule": "due-soon", "assessed": "no-data"}, "at-risk", False),
    ],
)
def test_health_verdicts(changes: dict[str, object], verdict: str, discrepancy: bool) -> None:
    """Each rule gives the documented verdict and says why."""
    result = health(_lenses(**changes), TODAY)
    assert (result.verdict, result.discrepancy) == (verdict, discrepancy)
    assert result.reasons


def test_stale_evidence_counts_from_the_start_when_nothing_was_recorded() -> None:
    """With no evidence at all, staleness counts from the pledge's start."""
    result = health(_lenses(last_evidence=None), TODAY)
    assert result.discrepancy and "since the start" in result.discrepancies[0]


def test_status_json_has_assessment_keys(tracker: Tracker) -> None:
    """status --json carries assessed_status, health, progress and discrepancy for every pledge."""
    for row in json.loads(tracker("status", "--json").stdout):
        assert {"assessed_status", "health", "progress", "discrepancy"} <= row.keys()


def test_readings_change_the_assessed_lens(tracker: Tracker) -> None:
    """Readings that fall behind the required pace turn the pledge's assessed lens and health."""
    tracker("record", "mine-action-csdg", "contaminated-area-remaining", "1000", "--date", "2020-01-01")
    tracker("record", "mine-action-csdg", "contaminated-area-remaining", "990", "--date", "2026-01-01")
    row = next(r for r in json.loads(tracker("status", "--json").stdout) if r["id"] == "mine-action-csdg")
    assert row["assessed_status"] == "off-track"
    assert row["health"] == "critical"
    assert 0 < row["progress"] < 0.05
