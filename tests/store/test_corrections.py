"""Correcting and retracting entries: the counts follow the correction, the history keeps the original with who and why."""

from __future__ import annotations

import json

from conftest import Tracker

MINES, GCM, AREA = "mine-action-csdg", "gcm-implementation-plan", "contaminated-area-remaining"
TODAY = "2026-11-27"


def _recorded(tracker: Tracker) -> list[str]:
    tracker("record", MINES, AREA, "1000", "--date", "2020-01-01", today=TODAY)
    tracker("record", MINES, AREA, "700", "--date", "2026-11-24", today=TODAY)
    return [e["id"] for e in _history(tracker, MINES)]


def _history(tracker: Tracker, pledge: str) -> list[dict[str, object]]:
    return json.loads(tracker("history", pledge, "--json", today=TODAY).stdout)


def _assessed(tracker: Tracker) -> tuple[object, object]:
    pledge = json.loads(tracker("explain", MINES, "--json", today=TODAY).stdout)["pledge"]
    return pledge["progress"], pledge["assessed_status"]


def test_a_corrected_reading_moves_the_assessment_and_the_history_keeps_the_original(tracker: Tracker) -> None:
    _, second = _recorded(tracker)
    assert _assessed(tracker) == (0.3, "off-track")
    out = tracker("correct", second, "--value", "400", "--reason", "typo in the field report", "--author", "Desk B", today=TODAY)
    assert out.exit_code == 0 and "corrected (value)" in out.stdout
    assert _assessed(tracker) == (0.6, "on-track")
    history = _history(tracker, MINES)
    assert [(e["value"], "retracted" in e) for e in history] == [(1000.0, False), (700.0, True), (400.0, False)]
    retraction = history[1]["retracted"]
    assert isinstance(retraction, dict) and (retraction["author"], retraction["reason"]) == ("Desk B", "typo in the field report")
    assert retraction["replaced_by"] == history[2]["id"]
    assert history[2]["date"] == "2026-11-24" and history[2]["author"] == "Desk B"
    text = tracker("history", MINES, today=TODAY).stdout
    assert "corrected" in text and "typo in the field report" in text
    feed = json.loads(tracker("changes", "--json", "--author", "Desk B", today=TODAY).stdout)
    assert {(e["kind"], e.get("target"), e.get("replaced_by")) for e in feed} == {("retract", second, history[2]["id"]), ("reading", None, None)}


def test_a_retracted_reading_counts_nowhere_and_survives_a_rebuild(tracker: Tracker) -> None:
    _, second = _recorded(tracker)
    out = tracker("retract", second, "--reason", "duplicate of the March survey", today=TODAY)
    assert out.exit_code == 0 and "retracted" in out.stdout
    pledge = json.loads(tracker("explain", MINES, "--json", today=TODAY).stdout)["pledge"]
    assert pledge["last_evidence"] == "2020-01-01" and pledge["progress"] != 0.3
    before = (_history(tracker, MINES), _assessed(tracker))
    (tracker.root / "tracker.db").unlink()
    assert (_history(tracker, MINES), _assessed(tracker)) == before
    assert tracker("rebuild", today=TODAY).exit_code == 0
    assert (_history(tracker, MINES), _assessed(tracker)) == before


def test_a_retracted_completion_reopens_the_milestone(tracker: Tracker) -> None:
    tracker("done", GCM, "action-plan-adopted", today=TODAY)
    [done] = [e for e in _history(tracker, GCM) if e["kind"] == "done"]
    assert json.loads(tracker("explain", GCM, "--json", today=TODAY).stdout)["pledge"]["milestones_done"] == 1
    assert tracker("retract", str(done["id"]), "--reason", "adopted only in draft", today=TODAY).exit_code == 0
    assert json.loads(tracker("explain", GCM, "--json", today=TODAY).stdout)["pledge"]["milestones_done"] == 0


def test_a_corrected_update_changes_the_reported_status(tracker: Tracker) -> None:
    tracker("update", GCM, "--status", "stalled", "--note", "funding gap", today=TODAY)
    [update] = _history(tracker, GCM)
    assert tracker("correct", str(update["id"]), "--status", "in-progress", "--reason", "wrong pledge", today=TODAY).exit_code == 0
    status = {p["id"]: p for p in json.loads(tracker("status", "--json", today=TODAY).stdout)}[GCM]
    assert status["reported_status"] == "in-progress"


def test_refusals_change_nothing(tracker: Tracker) -> None:
    _, second = _recorded(tracker)
    before = tracker.db_dump()
    files = sorted((tracker.root / "journal").rglob("*.jsonl"))
    cases = [
        (("retract", "no-such-id", "--reason", "x"), 4, "no update, reading or completion has the id"),
        (("retract", second, "--reason", "  "), 2, "--reason: must not be empty"),
        (("retract", second), 2, "--reason"),
        (("correct", second, "--status", "stalled", "--reason", "x"), 2, "--status: a reading entry has no such field"),
        (("correct", second, "--value", "many", "--reason", "x"), 2, "--value"),
        (("correct", second, "--date", "2026-13-40", "--reason", "x"), 2, "--date"),
    ]
    for args, code, message in cases:
        result = tracker(*args, today=TODAY)
        assert result.exit_code == code, (args, result.output)
        assert message in result.stderr and "Traceback" not in result.output, args
    assert tracker.db_dump() == before and sorted((tracker.root / "journal").rglob("*.jsonl")) == files
    assert tracker("retract", second, "--reason", "once", today=TODAY).exit_code == 0
    again = tracker("retract", second, "--reason", "twice", today=TODAY)
    assert again.exit_code == 4 and "retracted already" in again.stderr


def test_a_retraction_taken_in_before_its_target_still_takes_it_out(tracker: Tracker) -> None:
    """Journal files from other machines arrive in any order: a retraction read first still applies to its entry."""
    _, second = _recorded(tracker)
    tracker("retract", second, "--reason", "wrong site", today=TODAY)
    expected = _assessed(tracker)
    journal = tracker.root / "journal"
    [target] = [f for f in journal.rglob("*.jsonl") if second in f.read_text(encoding="utf-8").split('"type"')[0]]
    moved = journal / "9999" / "zz-late.jsonl"
    moved.parent.mkdir()
    target.rename(moved)  # the reading's file now sorts (and is read) after the retraction
    (tracker.root / "tracker.db").unlink()
    history = _history(tracker, MINES)
    assert [(e["value"], "retracted" in e) for e in history] == [(1000.0, False), (700.0, True)]
    assert "replaced_by" not in history[1]["retracted"]
    assert _assessed(tracker) == expected


def test_the_journal_keeps_both_entries(tracker: Tracker) -> None:
    _, second = _recorded(tracker)
    tracker("correct", second, "--value", "650", "--note", "resurveyed", "--reason", "resurvey", today=TODAY)
    entries = [json.loads(line) for f in sorted((tracker.root / "journal").rglob("*.jsonl")) for line in f.read_text().splitlines()]
    [retraction] = [e for e in entries if e["type"] == "retract"]
    [fixed] = [e for e in entries if e.get("corrects") == second]
    assert retraction["target"] == second and retraction["reason"] == "resurvey"
    assert (fixed["value"], fixed["note"], fixed["date"]) == (650.0, "resurveyed", "2026-11-24")
