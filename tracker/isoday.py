"""Strict days (YYYY-MM-DD) as typed on the command line, without loading the fuzzy-date code or `re`."""

from __future__ import annotations

from datetime import date


def parse_day(value: str) -> date:
    """Parse a strict ISO day `YYYY-MM-DD` as typed on the command line."""
    text = value.strip()
    # Digits as `\d` matches them (any decimal digit); date.fromisoformat then has the last word.
    if not (len(text) == 10 and text[4] + text[7] == "--" and (text[:4] + text[5:7] + text[8:]).isdecimal()):
        raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"not a calendar date: {value!r} ({exc})") from None


def past_day(text: str, today: date) -> date:
    """Parse a day on which something happened: YYYY-MM-DD and not after `today`."""
    day = parse_day(text)
    if day > today:
        raise ValueError(f"{day} is after today ({today}); record what has happened, not what is planned")
    return day
