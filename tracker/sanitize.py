"""Make user text inert for terminals: control characters and escape sequences are shown, not obeyed."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def inert(value: object) -> str:
    """Return `value` as text with control characters replaced by visible escapes such as `\\x1b`."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def has_control(value: str) -> bool:
    """Return True when text holds control characters (other than newline and tab)."""
    return bool(_CONTROL.search(value))
