"""`tracker explain`: the inputs, formula, thresholds and verdict behind an assessment, as data and as text."""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.domain.assess import Assessment, Thresholds
from tracker.domain.evaluation import spec_from_row
from tracker.errors import UnknownError
from tracker.store import core, queries
from tracker.store.db import Database
from tracker.views.portfolio import snapshot
from tracker.workspace import Settings

FORMULAS = {
    "cagr-ratio": [
        "CAGR_o = (x_t / x_0)^(1/(t - t0)) - 1",
        "CAGR_r = (target / x_0)^(1/(T - t0)) - 1",
        "ratio  = CAGR_o / CAGR_r",
    ],
    "linear": [
        "actual   = (x_t - x_0) / (target - x_0)",
        "expected = min(1, (t - t0) / (T - t0))",
        "ratio    = actual / expected",
    ],
    "growth": ["growth = ((x_t / x_0)^(1/(t - t0)) - 1) × direction (+1 increase, -1 decrease)"],
    "linear-growth": ["growth = (x_t - x_0) / |x_0| / (t - t0) × direction"],
    "latest-reading": ["the latest reading is compared with the target level; the deadline decides between needs-acceleration and off-track"],
    "target-met": ["the latest value meets the target (respecting direction): achieved"],
    "none": ["fewer than two observations: no trend can be measured"],
}


def explain(db: Database, pledge_id: str, indicator_id: str | None, today: date, settings: Settings) -> dict[str, Any]:
    """Return the explanation of a pledge's health, or of one indicator's verdict."""
    state = next(iter(snapshot(db, today, settings, pledge_id)), None)
    if state is None:
        core.require_pledge(db, pledge_id)
        raise UnknownError(f"unknown pledge {pledge_id!r}")
    assessed = state.assessment
    assert assessed is not None  # freshly computed
    if indicator_id is None:
        return {"pledge": state.row, "indicators": {i: _indicator(a) for i, a in assessed.indicators.items()}}
    if indicator_id not in assessed.indicators:
        core.require_item(db, "indicators", pledge_id, indicator_id)
    row = next(r for r in queries.assessment_rows(db, today, pledge_id) if r["id"] == indicator_id)
    thresholds = spec_from_row(row, settings.thresholds).thresholds
    return {"pledge_id": pledge_id, "indicator_id": indicator_id, "title": row["title"], "unit": row["unit"],
            **_indicator(assessed.indicators[indicator_id]), "thresholds": _thresholds(thresholds)}


def _indicator(a: Assessment) -> dict[str, Any]:
    return {**a.as_json(), "formula": FORMULAS.get(a.method, [])}


def _thresholds(t: Thresholds) -> dict[str, float]:
    return {"on_track": t.on_track, "needs_acceleration": t.needs_acceleration,
            "growth_on_track": t.growth_on_track, "growth_regressing": t.growth_regressing}


def as_text(data: dict[str, Any]) -> str:
    """Return the explanation as plain lines for the terminal."""
    if "pledge" in data:
        return _pledge_text(data)
    lines = [f"{data['pledge_id']} / {data['indicator_id']}: {data['title']}" + (f" ({data['unit']})" if data["unit"] else ""),
             f"verdict: {data['verdict']}   method: {data['method']}", "", "inputs:"]
    lines += [f"  {k}: {_shown(v, 'by' if k == 'target' else 'on')}" for k, v in data["inputs"].items()]
    if data["terms"]:
        lines += ["computed:"] + [f"  {k}: {_shown(v)}" for k, v in data["terms"].items()]
    lines += ["formula:"] + [f"  {f}" for f in data["formula"]]
    lines += ["thresholds:"] + [f"  {k}: {_shown(v)}" for k, v in data["thresholds"].items()]
    if data["projected"]:
        lines.append(f"projected to reach the target at the current pace: {data['projected']}")
    lines += ["because:"] + [f"  {r}" for r in data["reasons"]]
    return "\n".join(lines)


def _shown(value: Any, joiner: str = "on") -> str:
    """Return an input as people write it: `3 by 2026-12-31` for a dated value, `1` for 1.0, `none` for nothing."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    if isinstance(value, (list, tuple)):
        if len(value) == 2 and isinstance(value[0], str) and _is_day(value[0]):
            return f"{_shown(value[1])} {joiner} {value[0]}"
        return ", ".join(_shown(v) for v in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_shown(v)}" for k, v in value.items()) or "none"
    return str(value)


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _pledge_text(data: dict[str, Any]) -> str:
    p = data["pledge"]
    lines = [f"{p['id']}: {p['title']}", f"health: {p['health']}" + ("   ⚠ discrepancy" if p["discrepancy"] else ""), "because:"]
    lines += [f"  {r}" for r in p["health_reasons"]]
    lines += ["lenses:", f"  reported: {p['reported_status'] or 'not reported'}" + (f" ({p['reported_on']})" if p["reported_on"] else ""),
              f"  assessed: {p['assessed_status']} (the worst verdict among its indicators)",
              f"  schedule: {p['schedule_status']}" + (f", next: {p['next_deadline']['what']} {p['next_deadline']['text']}" if p["next_deadline"] else ""),
              f"  last evidence: {p['last_evidence'] or 'none'}"]
    for indicator_id, a in data["indicators"].items():
        lines.append(f"indicator {indicator_id}: {a['verdict']} ({a['method']}) — {'; '.join(a['reasons'])}")
    lines.append("details of one indicator: tracker explain ID INDICATOR")
    return "\n".join(lines)
