"""Counts in words: "1 pledge", "2 pledges" (no Rich here: plain output paths import this)."""

from __future__ import annotations

from typing import Any

IRREGULAR = {"entry": "entries", "was": "were", "is": "are"}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """Return `count` with its noun in the singular or plural form: 1 pledge, 2 pledges, 0 pledges."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {many or IRREGULAR.get(noun) or noun + 's'}"


def tick_summary(result: dict[str, Any]) -> str:
    """Return the one-line count of what a tick did, from its `remind --json` shape."""
    messages = f" in {plural(result['messages'], 'message')}" if result.get("messages") else ""
    unknown = f", {len(result['unknown'])} unknown (not re-sent)" if result.get("unknown") else ""
    held = f", {result['held']} held (escalations: once a week)" if result.get("held") else ""
    return (f"{len(result['sent'])} sent{messages}, {len(result['failed'])} failed (will retry), {len(result['dead'])} dead{unknown}, "
            f"{result['planned']} planned, {result['superseded']} superseded{held}, {plural(result['alerts'], 'progress alert')}")
