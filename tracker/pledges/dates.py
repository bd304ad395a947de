"""Fuzzy dates: a year, a quarter, a month or a day, whose deadline is the end of the period."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from typing import Literal

from tracker.pledges.days import FIRST_YEAR, LAST_YEAR

Precision = Literal["year", "quarter", "month", "day"]

_PATTERNS: list[tuple[re.Pattern[str], Precision]] = [
    (re.compile(r"(\d{4})"), "year"),
    (re.compile(r"(\d{4})-Q([1-4])"), "quarter"),
    (re.compile(r"(\d{4})-(\d{2})"), "month"),
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), "day"),
]


@dataclass(frozen=True, order=True)
class FuzzyDate:
    """A date known to a year, quarter, month or day; `end` is its deadline."""

    end: date
    start: date
    precision: Precision

    def __str__(self) -> str:
        if self.precision == "year":
            return f"{self.start.year}"
        if self.precision == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.precision == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        return self.start.isoformat()

    def label(self) -> str:
        """Return a human label such as 'by end of 2026' or '17 May 2026'."""
        return label(self.end, str(self), self.precision)

    def add_years(self, years: int) -> FuzzyDate:
        """Return the same period shifted by whole years (29 Feb becomes 28 Feb); it may pass the last supported year.

        Raises ValueError only past the calendar's end (year 9999).
        """
        def shift(day: date) -> date:
            year = day.year + years
            if not MINYEAR <= year <= MAXYEAR:
                raise ValueError(f"year {year} is past the calendar's end")
            return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))

        return FuzzyDate(shift(self.end), shift(self.start), self.precision)


def label(end: date, text: str, precision: str) -> str:
    """Return how people read a deadline: '17 May 2026', 'by end of May 2026', 'by end of 2026-Q2'."""
    if precision == "day":
        return f"{end.day} {end:%b %Y}"
    if precision == "month":
        return f"by end of {end:%b %Y}"
    return f"by end of {text}"


def _period(year: int, first_month: int, months: int) -> tuple[date, date]:
    last_month = first_month + months - 1
    last_day = calendar.monthrange(year, last_month)[1]
    return date(year, first_month, 1), date(year, last_month, last_day)


@functools.lru_cache(maxsize=8192)
def _parse_text(text: str) -> FuzzyDate:
    for pattern, precision in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _build(precision, [int(g) for g in match.groups()], text)
    raise ValueError(f"expected a date such as 2026, 2026-Q1, 2026-05 or 2026-05-17, got {text!r}")


def parse_fuzzy(value: object) -> FuzzyDate:
    """Parse `2026`, `2026-Q1`, `2026-05` or `2026-05-17` (string, int or date)."""
    if isinstance(value, datetime):
        raise ValueError(f"expected a date such as 2026, 2026-Q1, 2026-05 or 2026-05-17, got a date-time {value}")
    if isinstance(value, date):
        return FuzzyDate(value, value, "day")
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"expected a date such as 2026, 2026-Q1, 2026-05 or 2026-05-17, got {value!r}")
    return _parse_text(str(value).strip())


def _build(precision: Precision, parts: list[int], text: str) -> FuzzyDate:
    year = parts[0]
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year out of range ({FIRST_YEAR}-{LAST_YEAR}) in {text!r}")
    if precision == "year":
        start, end = _period(year, 1, 12)
    elif precision == "quarter":
        start, end = _period(year, 3 * parts[1] - 2, 3)
    elif precision == "month":
        if not 1 <= parts[1] <= 12:
            raise ValueError(f"month must be 01-12 in {text!r}")
        start, end = _period(year, parts[1], 1)
    else:
        try:
            start = end = date(year, parts[1], parts[2])
        except ValueError as exc:
            raise ValueError(f"not a calendar date: {text!r} ({exc})") from None
    return FuzzyDate(end, start, precision)


def iso_week_bounds(week: str) -> tuple[date, date]:
    """Return Monday and Sunday of an ISO week written `2026-W48`."""
    match = re.fullmatch(r"(\d{4})-W(\d{2})", week.strip())
    if not match:
        raise ValueError(f"expected an ISO week such as 2026-W48, got {week!r}")
    outside = ValueError(f"the week {week!r} is outside the supported years {FIRST_YEAR}-{LAST_YEAR}")
    if not FIRST_YEAR - 1 <= int(match.group(1)) <= LAST_YEAR + 1:
        raise outside
    try:
        monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError as exc:
        raise ValueError(f"no such ISO week: {week!r} ({exc})") from None
    sunday = monday + timedelta(days=6)
    if sunday.year < FIRST_YEAR or monday.year > LAST_YEAR:
        raise outside
    return monday, sunday
