"""Fuzzy dates: the deadline is the end of the period, and the precision is kept."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.pledges.dates import parse_fuzzy
from tracker.pledges.days import parse_day


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        (2026, date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "quarter"),
        ("2024-Q4", date(2024, 10, 1), date(2024, 12, 31), "quarter"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),
        ("2026-05-17", date(2026, 5, 17), date(2026, 5, 17), "day"),
        (date(2026, 5, 17), date(2026, 5, 17), date(2026, 5, 17), "day"),
    ],
)
def test_deadline_is_end_of_period(text: object, start: date, end: date, precision: str) -> None:
    """Each written form maps to its period and keeps its precision for display."""
    parsed = parse_fuzzy(text)
    assert (parsed.start, parsed.end, parsed.precision) == (start, end, precision)
    assert parse_fuzzy(str(parsed)) == parsed


@pytest.mark.parametrize("bad", ["2026-13", "2026-Q5", "2026-02-30", "26", "2026/05/01", "", "next year", 3.5, True, None, 99999])
def test_malformed_dates_are_refused(bad: object) -> None:
    """Malformed or impossible dates raise ValueError with the offending text."""
    with pytest.raises(ValueError):
        parse_fuzzy(bad)


def test_recurring_shift_keeps_leap_days_valid() -> None:
    """A 29 February review recurs on 28 February in common years."""
    assert str(parse_fuzzy("2024-02-29").add_years(2)) == "2026-02-28"


@pytest.mark.parametrize("bad", ["2026-1-5", "2026-02-30", "yesterday", "2026-05-17T00:00"])
def test_cli_days_are_strict(bad: str) -> None:
    """--date and --today accept only YYYY-MM-DD calendar days."""
    with pytest.raises(ValueError):
        parse_day(bad)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_any_day_round_trips(day: date) -> None:
    """Every calendar day parses back to itself."""
    assert parse_fuzzy(day.isoformat()).end == day


@pytest.mark.parametrize(("text", "message"), [
    ("2026-1-5", "expected a date YYYY-MM-DD, got '2026-1-5'"), ("2026/11/23", "expected a date YYYY-MM-DD"),
    ("2026-02-30", "not a calendar date: '2026-02-30'"), ("２０２６-11-23", "not a calendar date"),
])
def test_cli_days_say_what_is_wrong(text: str, message: str) -> None:
    """A malformed day and an impossible one get different messages; padding around a good day is forgiven."""
    with pytest.raises(ValueError, match=message):
        parse_day(text)
    assert parse_day(" 2026-11-23 ") == date(2026, 11, 23)
