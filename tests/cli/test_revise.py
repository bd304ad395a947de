"""`tracker revise`: one value of the pledge file changed in place, journaled with its author and reason; refusals change nothing."""

from __future__ import annotations

import json

from conftest import Tracker

GCM, MINES, AREA = "gcm-implementation-plan", "mine-action-csdg", "contaminated-area-remaining"


def _revisions(tracker: Tracker, pledge: str) -> list[tuple[object, ...]]:
    events = json.loads(tracker("history", pledge, "--json").stdout)
    return [(e["item_kind"], e["item"], e["field"], e["old"], e["new"], e["reason"]) for e in events if e["kind"] == "revision"]


def test_revise_changes_one_line_and_records_why(tracker: Tracker) -> None:
    path = tracker.root / "pledges" / f"{GCM}.yaml"
    before = path.read_text(encoding="utf-8")
    result = tracker("revise", GCM, "--milestone", "action-plan-adopted", "--due", "2026-Q3", "--reason", "slipped a quarter")
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    assert [(x, y) for x, y in zip(before.splitlines(), after.splitlines(), strict=True) if x != y] == [("    due: 2026", "    due: 2026-Q3")]
    assert _revisions(tracker, GCM) == [("milestone", "action-plan-adopted", "due", "2026", "2026-Q3", "slipped a quarter")]
    show = json.loads(tracker("show", GCM, "--json").stdout)
    assert {m["id"]: m for m in show["milestones"]}["action-plan-adopted"]["due"] == "2026-Q3"
    assert "slipped a quarter" in tracker("history", GCM).stdout


def test_revise_a_target_and_its_date(tracker: Tracker) -> None:
    assert tracker("revise", MINES, "--indicator", AREA, "--target", "50", "--reason", "residual areas accepted").exit_code == 0
    assert tracker("revise", MINES, "--indicator", AREA, "--due", "2032", "--reason", "Article 5 extension").exit_code == 0
    assert _revisions(tracker, MINES) == [
        ("indicator", AREA, "target", "0 by 2030", "50 by 2030", "residual areas accepted"),
        ("indicator", AREA, "target", "50 by 2030", "50 by 2032", "Article 5 extension"),
    ]
    again = tracker("revise", MINES, "--indicator", AREA, "--due", "2032", "--reason", "same")
    assert again.exit_code == 0 and "nothing changed" in again.stdout and len(_revisions(tracker, MINES)) == 2


def test_refused_revisions_change_nothing(tracker: Tracker) -> None:
    tracker("status")
    files = {p.name: p.read_bytes() for p in (tracker.root / "pledges").iterdir()}
    before = tracker.db_dump()
    cases = [
        ((MINES, "--indicator", AREA, "--target", "many"), 2, "expected a number"),
        ((MINES, "--due", "2026-13"), 2, "month must be 01-12"),
        ((MINES, "--target", "5"), 2, "--indicator"),
        ((MINES, "--indicator", "nope", "--target", "5"), 4, "has no indicator 'nope'"),
        ((GCM, "--milestone", "action-plan-adopted", "--target", "5"), 2, "not a target"),
        ((GCM, "--due", "2027", "--target", "5"), 2, "one of --due"),
        (("no-such-pledge", "--due", "2027"), 4, "unknown pledge"),
        ((GCM, "--due", "2020"), 2, "after due"),
        ((GCM, "--due", "2027\x1b[31m"), 2, "--due"),
    ]
    for args, code, message in cases:
        result = tracker("revise", *args, "--reason", "test")
        assert result.exit_code == code, (args, result.output)
        assert message in result.stderr and "Traceback" not in result.output, (args, result.stderr)
    assert {p.name: p.read_bytes() for p in (tracker.root / "pledges").iterdir()} == files
    assert tracker.db_dump() == before


def test_the_same_edit_made_twice_does_not_break_the_sync(tracker: Tracker) -> None:
    """Moving a date, moving it back by hand and moving it again yields the same file twice: still no error."""
    path = tracker.root / "pledges" / f"{GCM}.yaml"
    original = path.read_text(encoding="utf-8")
    assert tracker("revise", GCM, "--due", "2028", "--reason", "extended").exit_code == 0
    path.write_text(original, encoding="utf-8")
    assert tracker("status").exit_code in (0, 6)
    result = tracker("revise", GCM, "--due", "2028", "--reason", "extended again")
    assert result.exit_code == 0, result.output
    assert [r[3:5] for r in _revisions(tracker, GCM)] == [("2027", "2028"), ("2028", "2027")]
