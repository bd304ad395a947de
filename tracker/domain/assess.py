"""Assess indicator progress with published methods (pure: no I/O; `today` is a parameter).

Ratio of observed to required growth (UNSD progress chart, Open SDG / Statistics Canada):
CAGR_o = (x_t/x_0)^(1/(t-t0)) - 1, CAGR_r = (target/x_0)^(1/(T-t0)) - 1, ratio = CAGR_o/CAGR_r.
Linear fallback where CAGR is undefined (zero or negative values, a target of 0):
ratio = ((x_t-x_0)/(target-x_0)) / ((t-t0)/(T-t0)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tracker.domain.statuses import RANK

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Thresholds:
    """Cut-offs: ratio (with a target) or yearly growth (without one)."""

    on_track: float = 0.95
    needs_acceleration: float = 0.6
    growth_on_track: float = 0.01
    growth_regressing: float = -0.01


@dataclass(frozen=True)
class Spec:
    """What the assessment needs to know about an indicator."""

    kind: str
    direction: str = "increase"
    baseline: tuple[date, float | str] | None = None
    target: tuple[date, float | str] | None = None
    method: str = "auto"
    levels: tuple[str, ...] = ()
    thresholds: Thresholds = field(default_factory=Thresholds)


@dataclass
class Assessment:
    """A verdict with everything needed to explain it."""

    verdict: str
    method: str
    reasons: list[str] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)
    ratio: float | None = None
    progress: float | None = None
    projected: date | None = None
    terms: dict[str, float] = field(default_factory=dict)
    path: tuple[float, date, float, date] | None = None

    @property
    def expected_path(self) -> list[tuple[date, float]]:
        """Return the path from baseline to target the method expects (computed on demand)."""
        return expected_path(*self.path, self.method) if self.path else []

    def as_json(self) -> dict[str, Any]:
        """Return the documented JSON shape."""
        return {
            "verdict": self.verdict, "method": self.method, "ratio": _round(self.ratio), "progress": _round(self.progress),
            "projected": self.projected.isoformat() if self.projected else None, "reasons": self.reasons,
            "inputs": self.inputs, "terms": {k: _round(v) for k, v in self.terms.items()}, "expected_path": [[d.isoformat(), _round(v)] for d, v in self.expected_path],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def years(start: date, end: date) -> float:
    """Return the time between two dates in years."""
    return (end - start).days / DAYS_PER_YEAR


def assess(spec: Spec, readings: list[tuple[date, float | str]], today: date) -> Assessment:
    """Assess one indicator from its readings (oldest first), as of `today`."""
    points = sorted(([spec.baseline] if spec.baseline else []) + [r for r in readings if r[0] <= today], key=lambda p: p[0])
    if spec.kind in ("yes-no", "qualitative"):
        return _assess_categorical(spec, points, today)
    numeric = [(d, float(v)) for d, v in points]
    if numeric and spec.target is not None and _met(spec, numeric[-1][1]):
        result = Assessment("achieved", "target-met", [f"latest value {numeric[-1][1]:g} meets the target {float(spec.target[1]):g}"])
        result.progress = 1.0
        return _with_inputs(result, spec, numeric, today)
    if len(numeric) < 2 or numeric[-1][0] <= numeric[0][0]:
        return _with_inputs(Assessment("no-data", "none", ["fewer than two observations at different dates (the baseline counts as one)"]), spec, numeric, today)
    if spec.target is None:
        return _with_inputs(_assess_growth(spec, numeric), spec, numeric, today)
    return _with_inputs(_assess_to_target(spec, numeric, today), spec, numeric, today)


def compound(start: float, end: float, span_years: float) -> float:
    """Return the yearly compound growth rate that takes positive `start` to positive `end` in `span_years`."""
    return math.expm1(max(-700.0, min(700.0, (math.log(end) - math.log(start)) / span_years)))


def _after(start: date, span_years: float) -> date | None:
    if span_years > 1000:
        return None
    return start + timedelta(days=round(span_years * DAYS_PER_YEAR))


def _sign(spec: Spec) -> int:
    return -1 if spec.direction == "decrease" else 1


def _met(spec: Spec, value: float) -> bool:
    assert spec.target is not None
    target = float(spec.target[1])
    return value >= target if spec.direction == "increase" else value <= target


def _cagr_defined(x0: float, xt: float, target: float | None) -> bool:
    return x0 > 0 and xt > 0 and (target is None or target > 0)


def _verdict(ratio: float, th: Thresholds) -> str:
    if ratio >= th.on_track:
        return "on-track"
    if ratio >= th.needs_acceleration:
        return "needs-acceleration"
    if ratio >= 0:
        return "off-track"
    return "regressing"


def _assess_to_target(spec: Spec, points: list[tuple[date, float]], today: date) -> Assessment:
    assert spec.target is not None
    (t0, x0), xt = points[0], points[-1][1]
    due, target = spec.target[0], float(spec.target[1])
    use_cagr = spec.method != "linear" and _cagr_defined(x0, xt, target) and target != x0
    if due <= t0:
        return Assessment("off-track", "none", [f"the target date {due} is not after the first observation {t0}"])
    result = _cagr(spec, points, due, target) if use_cagr else _linear(spec, points, due, target)
    if spec.method == "cagr-ratio" and not use_cagr:
        result.reasons.insert(0, "compound growth is undefined for zero or negative values or a target of 0: linear method used")
    if today > due and result.verdict in ("on-track", "needs-acceleration"):
        result.verdict = "off-track"
        result.reasons.append(f"the target date {due} has passed without the target being met")
    result.path = (x0, t0, target, due)
    result.progress = _progress(x0, xt, target)
    return result


def _rated(spec: Spec, method: str, ratio: float, evidence: str) -> Assessment:
    """Return the verdict of a ratio with the reason that states it and the thresholds it was judged by."""
    th = spec.thresholds
    reason = f"{evidence}: ratio {ratio:.2f} (on-track ≥ {th.on_track}, needs-acceleration ≥ {th.needs_acceleration}, regressing < 0)"
    return Assessment(_verdict(ratio, th), method, [reason], ratio=ratio)


def _cagr(spec: Spec, points: list[tuple[date, float]], due: date, target: float) -> Assessment:
    (t0, x0), (t, xt) = points[0], points[-1]
    observed, required = compound(x0, xt, years(t0, t)), compound(x0, target, years(t0, due))
    ratio = observed / required
    result = _rated(spec, "cagr-ratio", ratio, f"observed growth {observed:+.2%}/year vs required {required:+.2%}/year")
    result.terms = {"years_observed": years(t0, t), "years_required": years(t0, due), "cagr_observed": observed, "cagr_required": required}
    pace = math.log1p(observed) if observed > -1 else -math.inf
    remaining = math.log(target) - math.log(xt)
    if pace and remaining / pace > 0:
        result.projected = _after(t, remaining / pace)
    return result


def _linear(spec: Spec, points: list[tuple[date, float]], due: date, target: float) -> Assessment:
    (t0, x0), (t, xt) = points[0], points[-1]
    expected = min(1.0, years(t0, t) / years(t0, due))
    actual = (xt - x0) / (target - x0) if target != x0 else (0.0 if xt == x0 else -1.0)
    ratio = actual / expected
    result = _rated(spec, "linear", ratio, f"{actual:.0%} of the way from baseline to target vs {expected:.0%} expected by {t}")
    result.terms = {"years_observed": years(t0, t), "years_required": years(t0, due), "expected_share": expected, "actual_share": actual}
    slope = (xt - x0) / years(t0, t)
    if slope and (target - xt) / slope > 0:
        result.projected = _after(t, (target - xt) / slope)
    return result


def _assess_growth(spec: Spec, points: list[tuple[date, float]]) -> Assessment:
    (t0, x0), (t, xt) = points[0], points[-1]
    if _cagr_defined(x0, xt, None) and spec.method != "linear":
        growth, method = compound(x0, xt, years(t0, t)) * _sign(spec), "growth"
    elif x0 > 0 and xt <= 0 and spec.method != "linear":
        growth, method = -1.0 * _sign(spec), "growth"  # the limit of compound growth as the value falls to 0
    else:
        scale = abs(x0) if x0 else 1.0
        growth, method = (xt - x0) / scale / years(t0, t) * _sign(spec), "linear-growth"
    th = spec.thresholds
    verdict = ("on-track" if growth >= th.growth_on_track else "needs-acceleration" if growth >= 0
               else "off-track" if growth >= th.growth_regressing else "regressing")
    reason = (f"no target: growth {growth:+.2%}/year in the desired direction "
              f"(on-track ≥ {th.growth_on_track:+.0%}, off-track < 0, regressing < {th.growth_regressing:+.0%})")
    return Assessment(verdict, method, [reason], ratio=growth, terms={"years_observed": years(t0, t), "growth_per_year": growth})


def _progress(x0: float, xt: float, target: float) -> float | None:
    if target == x0:
        return None
    return max(-1.0, min(1.0, (xt - x0) / (target - x0)))


def expected_path(x0: float, t0: date, target: float, due: date, method: str, steps: int = 12) -> list[tuple[date, float]]:
    """Return points of the path from baseline to target the method expects (compound or straight)."""
    span = (due - t0).days
    path = []
    for i in range(steps + 1):
        day = t0 + timedelta(days=span * i // steps)
        share = i / steps
        value = math.exp(math.log(x0) + (math.log(target) - math.log(x0)) * share) if method == "cagr-ratio" else x0 + (target - x0) * share
        path.append((day, value))
    return path


def _assess_categorical(spec: Spec, points: list[tuple[date, float | str]], today: date) -> Assessment:
    if not points:
        return Assessment("no-data", "latest-reading", ["no reading yet"])
    latest_date, latest = points[-1]
    rank = _rank_fn(spec)
    target = spec.target[1] if spec.target else ("yes" if spec.kind == "yes-no" else None)
    inputs = {"latest": [latest_date.isoformat(), latest], "target": target}
    if target is not None and rank(latest) >= rank(target):
        return Assessment("achieved", "latest-reading", [f"latest reading {latest!r} meets the target {target!r}"], inputs=inputs)
    if len(points) >= 2 and rank(latest) < rank(points[-2][1]):
        return Assessment("regressing", "latest-reading", [f"latest reading {latest!r} is worse than the previous {points[-2][1]!r}"], inputs=inputs)
    due = spec.target[0] if spec.target else None
    if due is not None and today > due:
        return Assessment("off-track", "latest-reading", [f"the target date {due} has passed and the latest reading is {latest!r}"], inputs=inputs)
    return Assessment("needs-acceleration", "latest-reading", [f"target {target!r} not reached yet (latest {latest!r})" + (f"; due {due}" if due else "")], inputs=inputs)


def _rank_fn(spec: Spec) -> Any:
    if spec.kind == "yes-no":
        return lambda v: 1 if str(v).lower() in ("yes", "true") else 0
    if spec.levels:
        order = {level: i for i, level in enumerate(spec.levels)}
        return lambda v: order.get(str(v), -1)
    return lambda v: 0


def _with_inputs(result: Assessment, spec: Spec, points: list[tuple[date, float]], today: date) -> Assessment:
    result.inputs = {
        "today": today.isoformat(), "direction": spec.direction,
        "first": [points[0][0].isoformat(), points[0][1]] if points else None,
        "latest": [points[-1][0].isoformat(), points[-1][1]] if points else None,
        "target": [spec.target[0].isoformat(), spec.target[1]] if spec.target else None,
        "points_used": len(points),
    }
    return result


def combine(verdicts: list[str]) -> str:
    """Return a pledge's assessed lens: the worst verdict among its assessed indicators."""
    assessed = [v for v in verdicts if v != "no-data"]
    if not assessed:
        return "no-data"
    return min(assessed, key=lambda v: RANK[v])
