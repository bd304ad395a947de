"""A digest spells out its most urgent items and counts the rest, so one message stays readable at any scale."""

from __future__ import annotations

from datetime import date, timedelta

from tracker.render.digest import text
from tracker.views.digest import ITEM_LIMIT, Facts, build

TODAY = date(2026, 6, 1)


def _row(n: int) -> dict[str, object]:
    due = TODAY - timedelta(days=n + 1)
    return {"kind": "escalation", "pledge_id": None, "deadline_key": f"pledge:p{n}", "deadline_date": due.isoformat(),
            "deadline_text": due.isoformat(), "precision": "day", "what": "pledge due", "dedupe_key": f"k{n}"}


def test_a_huge_digest_spells_out_the_most_urgent_and_counts_the_rest() -> None:
    facts = Facts(TODAY, {}, {}, {}, {})
    digest = build("boss@example.org", [_row(n) for n in range(ITEM_LIMIT + 60)], facts)
    assert len(digest.items) == ITEM_LIMIT and digest.more == {"escalation": 60}
    assert digest.items[0].days == -(ITEM_LIMIT + 60)  # the longest overdue first
    assert digest.subject == f"[tracker] {ITEM_LIMIT + 60} escalated to you"
    body = text(digest)
    assert body.startswith(f"{ITEM_LIMIT + 60} items for you, the {ITEM_LIMIT} most urgent spelled out.")
    assert "Not spelled out here: 60 escalation." in body
