"""Strict days (YYYY-MM-DD) as people type them, and the range of dates the tool supports."""

from __future__ import annotations

from datetime import date

# Every date a person writes (pledge files, options, imported readings) falls in these years; dates the tool
# computes from them (the next review, a report's window) may run a little past the last.
FIRST_YEAR, LAST_YEAR = 1900, 2200
FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)


def parse_day(value: str) -> date:
    """Parse a strict ISO day `YYYY-MM-DD` as typed on the command line."""
    text = value.strip()
    # Digits as `\d` matches them (any decimal digit); date.fromisoformat then has the last word.
    if not (len(text) == 10 and text[4] + text[7] == "--" and (text[:4] + text[5:7] + text[8:]).isdecimal()):
        raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}")
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"not a calendar date: {value!r} ({exc})") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{day} is outside the supported range {FIRST_DAY} to {LAST_DAY}")
    return day


def past_day(text: str, today: date) -> date:
    """Parse a day on which something happened: YYYY-MM-DD and not after `today`."""
    day = parse_day(text)
    if day > today:
        raise ValueError(f"{day} is after today ({today}); record what has happened, not what is planned")
    return day
