"""Combine the three lenses (reported, assessed, schedule) into a health verdict with its reasons (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker.domain.statuses import CLOSED_STATUSES

CLAIMS_DONE = frozenset({"achieved", "partly-achieved"})
CLAIMS_TROUBLE = frozenset({"stalled", "missed"})


@dataclass(frozen=True)
class Lenses:
    """What is known of a pledge as of `today`."""

    reported: str | None
    assessed: str
    schedule: str
    last_evidence: date | None
    report_every_days: int | None
    started: date | None
    overdue_days: int = 0
    unmeasured: tuple[str, ...] = ()  # titles of the indicators without data, when others have some
    conflicting: str | None = None  # different statuses reported for the latest day by different authors


@dataclass
class Health:
    """The health verdict, the discrepancy flag, and why."""

    verdict: str
    discrepancy: bool
    reasons: list[str] = field(default_factory=list)
    discrepancies: list[str] = field(default_factory=list)
    stale: bool = False
    conflicting: bool = False

    @property
    def contradiction(self) -> bool:
        """Return True when reported and assessed status contradict each other (staleness and conflicting reports aside)."""
        return len(self.discrepancies) > int(self.stale) + int(self.conflicting)


def discrepancies(lenses: Lenses, today: date) -> list[str]:
    """Return why reported and assessed contradict each other, or why the evidence is stale."""
    found = []
    if lenses.reported in CLAIMS_DONE and lenses.assessed in ("regressing", "off-track", "needs-acceleration"):
        found.append(f"reported {lenses.reported} but the indicators say {lenses.assessed}")
    if lenses.reported in CLAIMS_TROUBLE and lenses.assessed in ("achieved", "on-track"):
        found.append(f"reported {lenses.reported} but the indicators say {lenses.assessed}")
    if lenses.reported == "not-started" and lenses.assessed in ("achieved", "on-track", "needs-acceleration"):
        found.append(f"reported not-started but the indicators already move ({lenses.assessed})")
    stale = _stale(lenses, today)
    if stale:
        found.append(stale)
    if lenses.conflicting:
        found.append(f"different statuses reported for the same day by different authors: {lenses.conflicting}")
    return found


def _stale(lenses: Lenses, today: date) -> str | None:
    if not lenses.report_every_days or lenses.reported in CLOSED_STATUSES:
        return None
    since = lenses.last_evidence or lenses.started
    if since is None or since > today:
        return None
    age = (today - since).days
    if age <= lenses.report_every_days:
        return None
    if lenses.last_evidence is None:
        return f"no evidence recorded since the start ({age} days; expected every {lenses.report_every_days})"
    return f"latest evidence is {age} days old (expected every {lenses.report_every_days})"


def health(lenses: Lenses, today: date) -> Health:
    """Return the health verdict: critical, at-risk, unknown, good or closed, with reasons."""
    flags = discrepancies(lenses, today)
    critical, at_risk = _critical(lenses), _at_risk(lenses)
    if lenses.reported in CLOSED_STATUSES and not flags:
        verdict, reasons = "closed", [f"reported {lenses.reported}"]
    elif critical:
        verdict, reasons = "critical", critical
    elif at_risk or flags:
        verdict, reasons = "at-risk", at_risk + [f"discrepancy: {f}" for f in flags]
    elif lenses.reported is None and lenses.assessed == "no-data":
        verdict, reasons = "unknown", ["no status reported and no indicator data"]
    elif lenses.unmeasured:
        verdict, reasons = "unknown", [_unmeasured(lenses.unmeasured), *_good(lenses)]
    else:
        verdict, reasons = "good", _good(lenses)
    return Health(verdict, bool(flags), reasons, flags, stale=_stale(lenses, today) is not None, conflicting=bool(lenses.conflicting))


def _critical(lenses: Lenses) -> list[str]:
    reasons = []
    if lenses.schedule == "overdue" and lenses.reported not in CLOSED_STATUSES:
        reasons.append(f"overdue by {lenses.overdue_days} days" if lenses.overdue_days else "overdue")
    if lenses.assessed in ("regressing", "off-track"):
        reasons.append(f"indicators {lenses.assessed}")
    return reasons


def _at_risk(lenses: Lenses) -> list[str]:
    reasons = []
    if lenses.assessed == "needs-acceleration":
        reasons.append("indicators need acceleration")
    if lenses.reported == "stalled":
        reasons.append("reported stalled")
    if lenses.schedule == "due-soon" and lenses.assessed not in ("achieved", "on-track"):
        reasons.append("due soon without data showing it on track")
    return reasons


def _unmeasured(titles: tuple[str, ...]) -> str:
    shown = "; ".join(titles[:3]) + (f"; and {len(titles) - 3} more" if len(titles) > 3 else "")
    return f"no data yet for {len(titles)} indicator{'' if len(titles) == 1 else 's'}: {shown}"


def _good(lenses: Lenses) -> list[str]:
    reasons = []
    if lenses.assessed in ("achieved", "on-track"):
        reasons.append(f"indicators {lenses.assessed}")
    if lenses.reported:
        reasons.append(f"reported {lenses.reported}")
    return reasons or ["nothing is late or off track"]
