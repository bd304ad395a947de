"""`tracker snooze`: a deadline's reminders silenced until a day, journaled, rebuilt from the journal and shared by git."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from clones import git, shared
from conftest import TODAY, Tracker

from tracker.store import snoozes
from tracker.store.core import open_db

GCM, PLAN = "gcm-implementation-plan", "action-plan-adopted"
PLAN_KEY, GCM_KEY = f"milestone:{GCM}/{PLAN}", f"pledge:{GCM}"


def _active(root: Path, today: str = TODAY) -> dict[str, str]:
    db = open_db(root / "tracker.db")
    try:
        return snoozes.active(db, date.fromisoformat(today))
    finally:
        db.close()


def _journal_lines(root: Path) -> list[dict[str, object]]:
    return [json.loads(line) for path in sorted((root / "journal").glob("*/*.jsonl")) for line in path.read_text(encoding="utf-8").splitlines()]


def _snooze(tracker: Tracker, *args: str, today: str = TODAY) -> str:
    result = tracker("snooze", *args, today=today)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_snooze_writes_one_journal_line_and_is_active(tracker: Tracker) -> None:
    out = _snooze(tracker, GCM, "--milestone", PLAN, "--until", "2026-12-15", "--reason", "Council meets in December", "--author", "Dara")
    assert out == f"Snoozed reminders for {GCM} milestone {PLAN} until 2026-12-15 (Council meets in December)\n"
    [entry] = _journal_lines(tracker.root)
    assert {k: v for k, v in entry.items() if k not in ("id", "entered_at")} == {
        "type": "snooze", "pledge": GCM, "item_kind": "milestone", "item": PLAN, "until": "2026-12-15",
        "reason": "Council meets in December", "author": "Dara"}
    assert _active(tracker.root) == {PLAN_KEY: "2026-12-15"}
    assert _snooze(tracker, GCM, "--until", "2027-01-31", "--reason", "extension pending") == \
        f"Snoozed reminders for {GCM} until 2027-01-31 (extension pending)\n"
    assert _active(tracker.root) == {PLAN_KEY: "2026-12-15", GCM_KEY: "2027-01-31"}
    assert len(list((tracker.root / "journal").glob("*/*.jsonl"))) == 2


def test_a_snooze_lasts_until_its_day_and_the_latest_one_wins(tracker: Tracker) -> None:
    _snooze(tracker, GCM, "--milestone", PLAN, "--until", "2026-12-15", "--reason", "Council meets in December")
    assert _active(tracker.root, "2026-12-14") == {PLAN_KEY: "2026-12-15"}
    assert _active(tracker.root, "2026-12-15") == {} and _active(tracker.root, "2027-03-01") == {}, "reminders resume on the day"
    _snooze(tracker, GCM, "--milestone", PLAN, "--until", "2027-02-01", "--reason", "moved to February")
    assert _active(tracker.root) == {PLAN_KEY: "2027-02-01"}
    _snooze(tracker, GCM, "--milestone", PLAN, "--until", "2026-12-01", "--reason", "back to December")
    assert _active(tracker.root) == {PLAN_KEY: "2026-12-01"}, "a shorter later snooze replaces a longer one"
    out = _snooze(tracker, GCM, "--milestone", PLAN, "--until", TODAY, "--reason", "the Council met early")
    assert out == f"Reminders for {GCM} milestone {PLAN} resume today (the Council met early)\n"
    assert _active(tracker.root) == {}


def test_rebuild_restores_snoozes_from_the_journal(tracker: Tracker) -> None:
    _snooze(tracker, GCM, "--milestone", PLAN, "--until", "2026-12-15", "--reason", "Council meets in December")
    _snooze(tracker, GCM, "--until", "2027-01-31", "--reason", "extension pending")
    before = _active(tracker.root)
    assert "rebuilt" in tracker("rebuild").stdout
    assert _active(tracker.root) == before
    (tracker.root / "tracker.db").unlink()
    assert tracker("status").exit_code == 0
    assert _active(tracker.root) == before


def test_snoozes_are_listed_by_history_changes_and_show(tracker: Tracker) -> None:
    _snooze(tracker, GCM, "--milestone", PLAN, "--until", "2026-12-15", "--reason", "Council meets in December", "--author", "Dara")
    [event] = [e for e in json.loads(tracker("history", GCM, "--json").stdout) if e["kind"] == "snooze"]
    assert (event["item_kind"], event["item"], event["until"], event["reason"], event["author"]) == (
        "milestone", PLAN, "2026-12-15", "Council meets in December", "Dara")
    [change] = json.loads(tracker("changes", "--json").stdout)
    assert (change["kind"], change["pledge_id"], change["until"], change["reason"]) == ("snooze", GCM, "2026-12-15", "Council meets in December")
    assert "snoozed until 2026-12-15: Council meets in December" in " ".join(tracker("history", GCM).stdout.split())
    assert "snooze" in tracker("changes").stdout
    shown = json.loads(tracker("show", GCM, "--json").stdout)["snoozes"]
    assert [(s["item_kind"], s["item"], s["until"]) for s in shown] == [("milestone", PLAN, "2026-12-15")]
    assert f"reminders of milestone {PLAN} snoozed until 2026-12-15" in " ".join(tracker("show", GCM).stdout.split())
    assert json.loads(tracker("show", GCM, "--json", today="2026-12-15").stdout)["snoozes"] == []


@pytest.mark.parametrize(("args", "code", "message"), [
    (("no-such-pledge", "--until", "2026-12-15", "--reason", "r"), 4, "unknown pledge 'no-such-pledge'"),
    ((GCM, "--milestone", "nope", "--until", "2026-12-15", "--reason", "r"), 4, "has no milestone 'nope'"),
    ((GCM, "--until", "2026-02-30", "--reason", "r"), 2, "--until: not a calendar date"),
    ((GCM, "--until", "15/12/2026", "--reason", "r"), 2, "--until: expected a date YYYY-MM-DD"),
    ((GCM, "--until", "2026-11-22", "--reason", "r"), 2, "--until: 2026-11-22 is before today (2026-11-23)"),
    ((GCM, "--until", TODAY, "--reason", "r"), 2, "is not snoozed"),
    ((GCM, "--reason", "r"), 2, "--until: required"),
    ((GCM, "--until", "2026-12-15"), 2, "--reason: required"),
    ((GCM, "--until", "2026-12-15", "--reason", "  "), 2, "--reason: required"),
    ((GCM, "--until", "2026-12-15", "--reason", "r\x1b[31m"), 2, "--reason"),
])
def test_refused_snoozes_write_nothing(tracker: Tracker, args: tuple[str, ...], code: int, message: str) -> None:
    tracker("status")
    before = tracker.db_dump()
    result = tracker("snooze", *args)
    assert result.exit_code == code, result.output
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr, result.stderr
    assert not list((tracker.root / "journal").glob("*/*.jsonl"))
    assert tracker.db_dump() == before


def test_a_milestone_done_cannot_be_snoozed(tracker: Tracker) -> None:
    assert tracker("done", GCM, PLAN, "--date", "2026-11-01").exit_code == 0
    files = sorted((tracker.root / "journal").glob("*/*.jsonl"))
    result = tracker("snooze", GCM, "--milestone", PLAN, "--until", "2026-12-15", "--reason", "r")
    assert result.exit_code == 1 and result.stderr == f"error: milestone '{PLAN}' of '{GCM}' was done on 2026-11-01; it has no reminders to snooze\n"
    assert sorted((tracker.root / "journal").glob("*/*.jsonl")) == files


def test_a_malformed_snooze_in_the_journal_names_its_file_and_line(tracker: Tracker) -> None:
    folder = tracker.root / "journal" / "2026"
    folder.mkdir(parents=True)
    entry = {"id": "x-1", "type": "snooze", "pledge": GCM, "item_kind": "milestone", "item": PLAN, "until": "next week",
             "reason": "r", "author": "a", "entered_at": "2026-11-23T10:00:00+00:00"}
    (folder / "x.jsonl").write_text(json.dumps({**entry, "id": "x-0", "until": "2026-12-01"}) + "\n" + json.dumps(entry) + "\n", encoding="utf-8")
    result = tracker("status")
    assert result.exit_code == 3
    assert result.stderr == "error: journal/2026/x.jsonl:2: a snooze's until must be a day YYYY-MM-DD, not 'next week'\n"


def _clones(tmp_path: Path) -> tuple[Tracker, Tracker]:
    """Two clones of one repository holding the catalog, each a workspace."""
    a, b = shared(tmp_path)
    return Tracker(a), Tracker(b)


def _publish(clone: Path) -> None:
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "journal")
    git(clone, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    git(clone, "push", "-q", "origin", "HEAD:main")


def test_two_clones_see_each_others_snooze_after_a_pull(tmp_path: Path) -> None:
    a, b = _clones(tmp_path)
    assert a("status").exit_code == 0 and b("status").exit_code == 0, "both indexes exist before the snoozes arrive"
    _snooze(a, GCM, "--milestone", PLAN, "--until", "2026-12-15", "--reason", "Council meets in December", "--author", "Desk A")
    _snooze(b, GCM, "--until", "2027-01-31", "--reason", "extension pending", "--author", "Desk B")
    _publish(a.root)
    _publish(b.root)
    git(a.root, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    for clone in (a, b):
        assert clone("status").exit_code == 0
        assert _active(clone.root) == {PLAN_KEY: "2026-12-15", GCM_KEY: "2027-01-31"}, clone.root.name
    _snooze(b, GCM, "--milestone", PLAN, "--until", TODAY, "--reason", "the Council met early", "--author", "Desk B")
    _publish(b.root)
    git(a.root, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    assert a("status").exit_code == 0
    assert _active(a.root) == {GCM_KEY: "2027-01-31"}, "a snooze ended early in one clone ends in the other"
