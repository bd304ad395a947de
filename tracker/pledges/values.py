"""Check a value against an indicator's kind (number, percent, yes-no, qualitative), without loading the models.

`tracker record` checks one value; importing pydantic and building the models for it would triple its time.
"""

from __future__ import annotations

import math
import re
from typing import Protocol

YES = ("yes", "true")
NO = ("no", "false")


class IndicatorKind(Protocol):
    """What checking a value needs of an indicator (models.Indicator has it; so does a stored definition)."""

    @property
    def id(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def levels(self) -> list[str] | None: ...


# Control characters, escape sequences' introducers and bidirectional overrides: never taken from the command line.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
WEB_URL = re.compile(r"^https?://\S+$")


def check_text(value: str | None, limit: int = 5000) -> str | None:
    """Return free text typed by a person, stripped; raise ValueError on control characters or more than `limit` characters."""
    if value is None:
        return None
    if CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    if len(value) > limit:
        raise ValueError(f"longer than {limit} characters")
    return value.strip()


def check_source(value: str | None, limit: int = 2000) -> str | None:
    """Return a source or evidence reference: an http(s) URL or a plain citation, never another scheme."""
    text = check_text(value, limit)
    if text and SCHEME.match(text) and not WEB_URL.match(text):
        raise ValueError(f"only http(s) URLs or plain citations are accepted, got {text[:60]!r}")
    return text


def reject_control(value: str) -> str:
    """Return `value`, or raise ValueError when it holds control characters."""
    if re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", value):
        raise ValueError("control characters are not allowed")
    return value



def check_value(indicator: IndicatorKind, value: object) -> float | str:
    """Return `value` normalised for the indicator's kind, or raise ValueError."""
    if indicator.kind in ("number", "percent"):
        return _check_number(indicator, value)
    text = str(value).strip().lower() if isinstance(value, (str, bool)) else None
    if indicator.kind == "yes-no":
        if text in YES:
            return "yes"
        if text in NO:
            return "no"
        raise ValueError(f"indicator {indicator.id!r} is yes-no: expected yes or no, got {value!r}")
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"indicator {indicator.id!r} is qualitative: expected text, got {value!r}")
    if indicator.levels and value.strip() not in indicator.levels:
        raise ValueError(f"indicator {indicator.id!r}: {value!r} is not one of {', '.join(indicator.levels)}")
    return reject_control(value.strip())


def _check_number(indicator: IndicatorKind, value: object) -> float:
    if isinstance(value, bool):
        raise ValueError(f"indicator {indicator.id!r} is a {indicator.kind}: expected a number, got {value!r}")
    try:
        number = float(str(value).strip().rstrip("%") if indicator.kind == "percent" else value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"indicator {indicator.id!r} is a {indicator.kind}: expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"indicator {indicator.id!r}: {value!r} is not a finite number")
    if indicator.kind == "percent" and not 0 <= number <= 100:
        raise ValueError(f"indicator {indicator.id!r} is a percent: expected 0-100, got {value!r}")
    return number
