"""Broken files, unknown ids and malformed values: one clear line, the documented exit code, nothing changed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Tracker

GCM = "pledges/gcm-implementation-plan.yaml"
HEALTH = "pledges/migrant-health-policy.yaml"  # its due date is a plain `due: 2030` line


def _edit(root: Path, old: str, new: str, name: str = GCM) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "field", "line"),
    [
        ("due: 2030\n", "due: 2025-13-45\n", "due", None),
        ("due: 2030\n", "due: 2030\ndeadline: 2026\n", "deadline", None),
        ("report_every_days: 180\n", "report_every_days: often\n", "report_every_days", None),
        ("due: 2030\n", "due: 2030\ndue: 2026\n", None, None),
        ("title: ", "title: [unclosed\n", None, None),
        ("due: 2030\n", "due: !!python/object/apply:os.system ['echo hacked']\n", None, None),
    ],
    ids=["bad-date", "unknown-field", "wrong-type", "duplicate-key", "yaml-syntax", "yaml-tag"],
)
def test_broken_pledge_file_exits_3_with_file_and_line(tracker: Tracker, old: str, new: str, field: str | None, line: int | None) -> None:
    """Every command refuses a broken file with file:line, exit 3, and leaves the database as it was."""
    assert tracker("update", "mine-action-csdg", "--status", "in-progress", "--note", "before").exit_code == 0
    before = tracker.db_dump()
    _edit(tracker.root, old, new, HEALTH)
    for command in (["status"], ["validate"], ["sync"], ["update", "mine-action-csdg", "--status", "stalled", "--note", "x"]):
        result = tracker(*command)
        assert result.exit_code == 3, (command, result.stdout, result.stderr)
        first = result.stderr.splitlines()[0]
        assert re.match(r"error: .*migrant-health-policy\.yaml:\d+: ", first), first
        if field:
            assert f": {field}: " in first
        assert "Traceback" not in result.stderr
    assert tracker.db_dump() == before


def test_error_line_points_at_the_bad_value(tracker: Tracker) -> None:
    """The reported line is the line of the offending key."""
    text = (tracker.root / HEALTH).read_text(encoding="utf-8")
    due_line = text.splitlines().index("due: 2030") + 1
    _edit(tracker.root, "due: 2030\n", "due: 2025-02-30\n", HEALTH)
    result = tracker("validate")
    assert f"migrant-health-policy.yaml:{due_line}: due: not a calendar date" in result.stderr


def test_unknown_review_reference_is_reported(tracker: Tracker) -> None:
    """A pledge naming a review the calendar lacks is invalid."""
    _edit(tracker.root, "reviews: [imrf]", "reviews: [imrf, nowhere]")
    result = tracker("validate")
    assert result.exit_code == 3
    assert "reviews.1: unknown review 'nowhere'" in result.stderr


def test_assumed_without_reason_is_refused(tracker: Tracker) -> None:
    """assumed: true needs a reason."""
    path = tracker.root / "pledges" / "new-pledge.yaml"
    path.write_text("title: T\nowner: O\ndue: {date: 2027, assumed: true}\nsources: [{document: a.txt, quote: q}]\n", encoding="utf-8")
    result = tracker("validate")
    assert result.exit_code == 3
    assert "new-pledge.yaml:3: due: assumed: true needs a reason" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["show", "no-such-pledge"],
        ["history", "no-such-pledge"],
        ["update", "no-such-pledge", "--status", "stalled", "--note", "x"],
        ["record", "gcm-implementation-plan", "no-such-indicator", "3"],
        ["record", "no-such-pledge", "x", "3"],
        ["done", "gcm-implementation-plan", "no-such-milestone"],
    ],
)
def test_unknown_ids_exit_4(tracker: Tracker, args: list[str]) -> None:
    """An unknown pledge, indicator or milestone exits 4 with one line naming it."""
    tracker("sync")
    before = tracker.db_dump()
    result = tracker(*args)
    assert result.exit_code == 4, result.stderr
    assert len(result.stderr.splitlines()) == 1 and "no-such" in result.stderr
    assert tracker.db_dump() == before


@pytest.mark.parametrize(
    "args",
    [
        ["record", "gcm-implementation-plan", "objectives-with-results", "three"],
        ["record", "gcm-implementation-plan", "objectives-with-results", "nan"],
        ["record", "gcm-implementation-plan", "objectives-with-results", "1e999"],
        ["record", "gcm-implementation-plan", "implementation-plan-achieved", "maybe"],
        ["record", "gcm-implementation-plan", "objectives-with-results", "2", "--date", "2026-02-30"],
        ["record", "gcm-implementation-plan", "objectives-with-results", "2", "--date", "2027-01-01"],
        ["update", "gcm-implementation-plan", "--status", "in-progress", "--note", "bell\x07"],
        ["update", "gcm-implementation-plan", "--status", "in-progress", "--note", "  "],
        ["update", "gcm-implementation-plan", "--status", "in-progress", "--note", "x", "--source", "javascript:alert(1)"],
        ["done", "gcm-implementation-plan", "action-plan-adopted", "--date", "tomorrow"],
    ],
)
def test_malformed_values_exit_2_and_record_nothing(tracker: Tracker, args: list[str]) -> None:
    """A value that does not fit, a malformed or future date, or hostile text is refused with exit 2."""
    tracker("sync")
    before = tracker.db_dump()
    result = tracker(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1
    assert tracker.db_dump() == before


def test_bad_status_is_a_usage_error(tracker: Tracker) -> None:
    """An unknown status is rejected by the option itself."""
    result = tracker("update", "gcm-implementation-plan", "--status", "finished", "--note", "x")
    assert result.exit_code == 2
    assert "finished" in result.stderr


def test_malformed_today_is_a_usage_error(tracker: Tracker) -> None:
    """--today must be a calendar day."""
    result = tracker("status", today="2026-11-31")
    assert result.exit_code == 2
    assert "--today" in result.stderr


def test_outside_a_workspace_says_how_to_fix_it(tmp_path: Path) -> None:
    """Without a workspace a command explains what to do."""
    from conftest import run_process

    result = run_process("status", cwd=tmp_path)
    assert result.returncode == 1
    assert "tracker init" in result.stderr and "Traceback" not in result.stderr


def test_hostile_title_is_shown_inert(tracker: Tracker) -> None:
    """Rich markup and HTML in a title are printed literally, never interpreted."""
    hostile = "<script>alert(1)</script> [link=javascript:alert(1)]x[/link] [/]"
    path = tracker.root / GCM
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([f"title: '{hostile}'", *lines[1:]]) + "\n", encoding="utf-8")
    assert tracker("status").exit_code == 0
    result = tracker("show", "gcm-implementation-plan")
    assert result.exit_code == 0, result.stderr
    assert "[link=javascript:alert(1)]x[/link]" in result.stdout
    assert "<script>alert(1)</script>" in result.stdout


def test_terminal_escapes_in_notes_cannot_be_stored(tracker: Tracker) -> None:
    """An escape sequence typed into a note is refused rather than replayed to every later reader."""
    result = tracker("update", "gcm-implementation-plan", "--status", "in-progress", "--note", "\x1b]8;;http://evil\x07x")
    assert result.exit_code == 2


def test_line_breaks_in_one_line_fields_are_refused(tracker: Tracker) -> None:
    """A title with a line break could forge an e-mail header or a calendar line: it is refused with its line."""
    path = tracker.root / GCM
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(['title: "Plan\\nBcc: someone@example.org"', *lines[1:]]) + "\n", encoding="utf-8")
    result = tracker("validate")
    assert result.exit_code == 3 and "gcm-implementation-plan.yaml:1: title:" in result.stderr


def test_negative_readings_need_no_double_dash(tracker: Tracker) -> None:
    """`tracker record ID IND -5` takes -5 as the value, not as an option."""
    import json

    assert tracker("record", "mine-action-csdg", "contaminated-area-remaining", "-5").exit_code == 0
    detail = json.loads(tracker("show", "mine-action-csdg", "--json").stdout)
    assert detail["indicators"][0]["latest"]["value"] == -5.0
