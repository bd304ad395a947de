"""What a monitoring tick did, as `remind --json` shows it (kept apart so that a quiet tick imports nothing more)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class TickResult:
    """What a tick planned, sent, failed and gave up on (items), and how many messages carried them."""

    planned: int = 0
    superseded: int = 0
    held: int = 0
    alerts: int = 0
    messages: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    dead: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    would_send: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """Return the documented `remind --json` shape."""
        return {"planned": self.planned, "superseded": self.superseded, "held": self.held, "alerts": self.alerts,
                "messages": self.messages, "sent": self.sent, "failed": self.failed, "dead": self.dead, "unknown": self.unknown,
                "skipped": self.skipped, "would_send": self.would_send}


def public(entry: dict[str, Any]) -> dict[str, Any]:
    """Return an outbox entry as `remind --json` shows it."""
    keys = ("id", "kind", "pledge_id", "what", "deadline_date", "deadline_text", "precision", "lead_days", "slot_date",
            "recipient", "subject", "status", "attempts", "last_error", "note", "digest")
    return {k: entry.get(k) for k in keys}
