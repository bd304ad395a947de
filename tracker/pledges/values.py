"""Check a value against an indicator's kind (number, percent, yes-no, qualitative), without loading the models.

`tracker record` checks one value; importing pydantic and building the models for it would triple its time.
"""

from __future__ import annotations

import math
import re
from typing import Protocol

# Numbers people write: ASCII digits, an optional point and exponent. No `1_5`, no `0x10`, no other scripts' digits
# (`١٢`), no `nan` or `inf`, which float() would all take. At most MAX_DIGITS digits and MAX_MAGNITUDE in size.
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
MAX_DIGITS = 30
MAX_MAGNITUDE = 1e15
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


def number(value: object) -> float:
    """Return a number written in a file or typed by a person, or raise ValueError: finite, bounded, ASCII digits only."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, str):
        text = value.strip()
        if not NUMBER.fullmatch(text):
            raise ValueError(f"expected a number, got {_short(value)} (write digits 0-9, such as 12, -3.5 or 1e6)")
        value = text
    digits = sum(ch.isdigit() for ch in str(value).partition("e")[0].partition("E")[0])
    if isinstance(value, (int, str)) and digits > MAX_DIGITS:
        raise ValueError(f"a number of more than {MAX_DIGITS} digits is not accepted, got {_short(str(value))}")
    result = float(value)
    if not math.isfinite(result) or abs(result) > MAX_MAGNITUDE:
        raise ValueError(f"expected a finite number of at most {MAX_MAGNITUDE:.0e} in size, got {_short(str(value))}")
    return result


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _check_number(indicator: IndicatorKind, value: object) -> float:
    raw = value.strip().removesuffix("%") if indicator.kind == "percent" and isinstance(value, str) else value
    try:
        number_ = number(raw)
    except ValueError as exc:
        raise ValueError(f"indicator {indicator.id!r} is a {indicator.kind}: {exc}") from None
    if indicator.kind == "percent" and not 0 <= number_ <= 100:
        raise ValueError(f"indicator {indicator.id!r} is a percent: expected 0-100, got {value!r}")
    return number_
