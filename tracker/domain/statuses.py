"""The status vocabulary of the three lenses and the health verdict: the one list of each."""

from __future__ import annotations

# What an owner reports (`tracker update --status`).
REPORTED_STATUSES = ("not-started", "in-progress", "stalled", "achieved", "partly-achieved", "missed", "withdrawn")
# A reported status that ends monitoring: no more reminders, schedule "closed".
CLOSED_STATUSES = frozenset({"achieved", "partly-achieved", "missed", "withdrawn"})
# What the indicator data say, worst first ("no-data" has no rank).
VERDICTS = ("regressing", "off-track", "needs-acceleration", "on-track", "achieved")
RANK = {v: i for i, v in enumerate(VERDICTS)}
# The schedule lens, in urgency order.
SCHEDULE_ORDER = {"overdue": 0, "due-soon": 1, "upcoming": 2, "closed": 3}
# The health verdict, worst first.
HEALTH = ("critical", "at-risk", "unknown", "good", "closed")
HEALTH_RANK = {h: i for i, h in enumerate(HEALTH)}
