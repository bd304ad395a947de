"""What a user must not miss whatever command they run: the one set of rules behind `status`, the report and `doctor`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

SILENT_AFTER = timedelta(days=1)
OUTBOX_STATES = ("pending", "sending", "failed", "dead", "unknown", "sent", "superseded")  # in the order an entry goes through them


@dataclass(frozen=True)
class Finding:
    """One check's outcome: ok, warn or fail, with what to do about it."""

    name: str
    state: str  # ok | warn | fail
    detail: str

    def as_json(self) -> dict[str, str]:
        """Return the documented `doctor --json` shape."""
        return {"check": self.name, "state": self.state, "detail": self.detail}


def outbox_finding(counts: dict[str, int]) -> Finding:
    """Dead reminders (they gave up) and unknown ones (they may not have arrived) fail; failed ones only warn."""
    problems = []
    if counts.get("dead"):
        problems.append(f"{_reminders(counts['dead'])} could not be delivered and gave up (dead): "
                        "see `tracker outbox --status dead`, then `tracker outbox retry ID`")
    if counts.get("unknown"):
        problems.append(f"{_reminders(counts['unknown'])} may not have arrived (the server took the message but never answered): "
                        "see `tracker outbox --status unknown`; `tracker outbox retry ID` sends it again")
    if problems:
        return Finding("outbox", "fail", "; ".join(problems))
    if counts.get("failed"):
        return Finding("outbox", "warn", f"{_reminders(counts['failed'])} failed and will be retried")
    return Finding("outbox", "ok", ", ".join(f"{counts[s]} {s}" for s in OUTBOX_STATES if counts.get(s)) or "empty")


def _reminders(count: int) -> str:
    return f"{count} reminder{'' if count == 1 else 's'}"


def daemon_finding(last_beat: str | None, now: datetime) -> Finding:
    """A daemon that has not ticked for a day fails; none ever run is fine (cron may run `tracker remind`)."""
    if last_beat is None:
        return Finding("daemon", "ok", "no daemon has run here (reminders can come from cron: `tracker remind`)")
    age = now - datetime.fromisoformat(last_beat)
    if age > SILENT_AFTER:
        return Finding("daemon", "fail", f"the tracker daemon has not ticked since {last_beat[:16].replace('T', ' ')} UTC "
                       f"({age.days} day(s)); is `tracker run` still running?")
    return Finding("daemon", "ok", f"last tick {last_beat[:16]} UTC")


def service_warnings(counts: dict[str, int], last_beat: str | None, now: datetime) -> list[str]:
    """Return what every read command and the weekly report show first: the failing service checks."""
    return [f.detail for f in (outbox_finding(counts), daemon_finding(last_beat, now)) if f.state == "fail"]
