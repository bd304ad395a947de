"""Indicator assessment against hand-computed published-method verdicts, plus a monotonicity property."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tracker.domain.assess import Spec, Thresholds, assess, combine
from tracker.domain.statuses import RANK

D0, D5, D10 = date(2020, 1, 1), date(2025, 1, 1), date(2030, 1, 1)


def _spec(direction: str = "increase", base: float = 100, target: float | None = 200, **kw: object) -> Spec:
    return Spec("number", direction, (D0, base), (D10, target) if target is not None else None, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("latest", "verdict", "ratio"),
    [
        # required growth (200/100)^(1/10.0014)-1 = 7.177 %/yr; observed over 5.0021 years
        (150, "on-track", 1.176),  # (1.5)^(1/5.0021)-1 = 8.44 %
        (125, "needs-acceleration", 0.636),  # 4.563 %
        (105, "off-track", 0.136),  # 0.980 %
        (90, "regressing", -0.291),  # -2.085 %
        (200, "achieved", None),
        (250, "achieved", None),
    ],
)
def test_increase_cagr_ratio(latest: float, verdict: str, ratio: float | None) -> None:
    """Ratio of observed to required compound growth, increasing direction."""
    result = assess(_spec(), [(D5, latest)], D5)
    assert result.verdict == verdict
    if ratio is not None:
        assert result.method == "cagr-ratio"
        assert result.ratio == pytest.approx(ratio, abs=0.002)


@pytest.mark.parametrize(
    ("latest", "verdict"),
    [(28, "on-track"), (30, "needs-acceleration"), (38, "off-track"), (45, "regressing"), (20, "achieved"), (19, "achieved")],
)
def test_decrease_cagr_ratio(latest: float, verdict: str) -> None:
    """Decreasing direction: both growth rates are negative, so the ratio keeps its meaning."""
    # required (0.5)^(0.1)-1 = -6.70 %; 28 -> -6.89 % (1.03); 30 -> -5.59 % (0.83); 38 -> -1.02 % (0.15)
    assert assess(_spec("decrease", 40, 20), [(D5, latest)], D5).verdict == verdict


@pytest.mark.parametrize(("latest", "verdict"), [(500, "on-track"), (700, "needs-acceleration"), (900, "off-track"), (1100, "regressing"), (0, "achieved")])
def test_zero_target_uses_the_linear_method(latest: float, verdict: str) -> None:
    """A target of 0 (mine-free) makes compound growth undefined: the linear method is used."""
    spec = Spec("number", "decrease", (date(2016, 1, 1), 1000), (date(2030, 12, 31), 0))
    result = assess(spec, [(date(2023, 7, 2), latest)], date(2023, 7, 2))
    assert result.verdict == verdict
    if verdict != "achieved":
        assert result.method == "linear"
        assert result.expected_path[0] == (date(2016, 1, 1), 1000)
        assert result.expected_path[-1] == (date(2030, 12, 31), 0)


@pytest.mark.parametrize(("latest", "verdict"), [(103, "on-track"), (100.5, "needs-acceleration"), (99.5, "off-track"), (95, "regressing")])
def test_no_target_uses_growth_thresholds(latest: float, verdict: str) -> None:
    """Without a target: +1 % a year or more is on track, below -1 % is regressing."""
    result = assess(_spec(target=None), [(date(2021, 1, 1), latest)], date(2021, 1, 1))
    assert result.verdict == verdict


def test_one_reading_is_no_data() -> None:
    """Fewer than two observations (no baseline, one reading) cannot show a trend."""
    spec = Spec("number", "increase", None, (D10, 200))
    assert assess(spec, [(D5, 120)], D5).verdict == "no-data"
    assert assess(spec, [], D5).verdict == "no-data"


def test_readings_after_today_are_ignored() -> None:
    """Assessing as of a past date uses only what was known then."""
    assert assess(_spec(), [(D5, 150), (D10, 90)], D5 + timedelta(days=1)).verdict == "on-track"


def test_past_target_date_caps_the_verdict() -> None:
    """Once the target date has passed unmet, the indicator is off-track at best."""
    result = assess(_spec(), [(date(2030, 6, 1), 199)], date(2030, 6, 1))
    assert result.verdict == "off-track"
    assert any("has passed" in r for r in result.reasons)


def test_projection_at_current_pace() -> None:
    """The projected date is when the current compound pace reaches the target."""
    result = assess(_spec(), [(D5, 125)], D5)
    assert result.projected is not None and date(2035, 1, 1) < result.projected < date(2036, 6, 1)
    assert assess(_spec(), [(D5, 90)], D5).projected is None


def test_thresholds_are_configurable() -> None:
    """A stricter on-track cut-off changes the verdict."""
    strict = _spec(thresholds=Thresholds(on_track=1.2, needs_acceleration=0.6))
    assert assess(strict, [(D5, 150)], D5).verdict == "needs-acceleration"


def test_forced_linear_method() -> None:
    """method: linear is honoured even where compound growth is defined."""
    result = assess(_spec(method="linear"), [(D5, 150)], D5)
    assert result.method == "linear" and result.ratio == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize(
    ("kind", "readings", "today", "verdict"),
    [
        ("yes-no", [], date(2026, 1, 1), "no-data"),
        ("yes-no", [(date(2025, 1, 1), "no")], date(2026, 1, 1), "needs-acceleration"),
        ("yes-no", [(date(2025, 1, 1), "yes")], date(2026, 1, 1), "achieved"),
        ("yes-no", [(date(2025, 1, 1), "no")], date(2031, 1, 1), "off-track"),
        ("yes-no", [(date(2024, 1, 1), "yes"), (date(2025, 1, 1), "no")], date(2031, 1, 1), "regressing"),
    ],
)
def test_yes_no_by_latest_reading_and_deadline(kind: str, readings: list[tuple[date, str]], today: date, verdict: str) -> None:
    """Yes/no indicators: met, not yet met before the deadline, missed after it, or fallen back."""
    spec = Spec(kind, "increase", None, (D10, "yes"))
    assert assess(spec, readings, today).verdict == verdict


def test_ordinal_levels() -> None:
    """Ordinal levels compare by position, worst first."""
    spec = Spec("qualitative", "increase", None, (D10, "adopted"), levels=("none", "drafted", "adopted", "implemented"))
    assert assess(spec, [(D5, "implemented")], D5).verdict == "achieved"
    assert assess(spec, [(D0, "drafted"), (D5, "none")], D5).verdict == "regressing"


def test_pledge_lens_is_the_worst_assessed_indicator() -> None:
    """No-data indicators do not hide the others; all no-data stays no-data."""
    assert combine(["on-track", "no-data", "needs-acceleration"]) == "needs-acceleration"
    assert combine(["no-data"]) == "no-data"
    assert combine(["achieved", "achieved"]) == "achieved"


values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(
    direction=st.sampled_from(["increase", "decrease"]),
    base=values,
    target=st.one_of(st.none(), values),
    method=st.sampled_from(["auto", "linear", "cagr-ratio"]),
    middle=values,
    a=values,
    b=values,
    span=st.integers(min_value=30, max_value=20000),
)
def test_verdict_is_monotone_in_the_latest_value(
    direction: str, base: float, target: float | None, method: str, middle: float, a: float, b: float, span: int
) -> None:
    """A better latest value never gives a worse verdict (better = higher, or lower when decreasing)."""
    assume(a != b)
    low, high = min(a, b), max(a, b)
    worse, better = (low, high) if direction == "increase" else (high, low)
    spec = Spec("number", direction, (D0, base), (D0 + timedelta(days=span), target) if target is not None else None, method=method)
    mid_day, last_day = D0 + timedelta(days=span // 3 or 1), D0 + timedelta(days=span // 2 + 1)
    verdict_worse = assess(spec, [(mid_day, middle), (last_day, worse)], last_day).verdict
    verdict_better = assess(spec, [(mid_day, middle), (last_day, better)], last_day).verdict
    assert RANK[verdict_better] >= RANK[verdict_worse], (verdict_worse, verdict_better)
