"""Make user text inert for terminals: control characters and escape sequences are shown, not obeyed."""

from __future__ import annotations

from tracker.pledges.values import CONTROL as _CONTROL


def inert(value: object) -> str:
    """Return `value` as text with control characters replaced by visible escapes such as `\\x1b`."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
