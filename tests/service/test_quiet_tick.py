"""The quiet tick: an hourly `tracker remind` that finds its key unchanged does nothing, and any change that matters
makes the next tick a full one."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tracker.cli.main import cli

DAY = "2026-11-23"
PLEDGE = """\
title: Test pledge due in March
owner: Ministry of Testing
contacts: [desk@example.org]
due: 2027-03-31
report_every_days: 3650
sources: [{document: seed.txt, quote: "we will"}]
"""
QUIET_LINE = "0 sent, 0 failed (will retry), 0 dead, 0 planned, 0 superseded, 0 progress alerts\n"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A workspace whose two pledges have no reminder due on DAY (the first lead time is 90 days before 2027-03-31)."""
    root = tmp_path / "ws"
    (root / "pledges").mkdir(parents=True)
    (root / "pledges" / "test-pledge.yaml").write_text(PLEDGE, encoding="utf-8")
    (root / "pledges" / "other-pledge.yaml").write_text(PLEDGE, encoding="utf-8")
    (root / "tracker.toml").write_text('timezone = "Asia/Phnom_Penh"\n', encoding="utf-8")
    return root


def run(ws: Path | None, *args: str, today: str | None = DAY, **env: str) -> Result:
    """Run a command as a user would (click, in process)."""
    base = {"TRACKER_WORKSPACE": str(ws) if ws else "", "TRACKER_TODAY": today or ""}
    return CliRunner().invoke(cli, list(args), env={**base, **env}, catch_exceptions=False)


def _sql(ws: Path, statement: str) -> None:
    conn = sqlite3.connect(ws / "tracker.db")
    with conn:
        conn.executescript(statement)
    conn.close()


def _cached(ws: Path) -> int:
    conn = sqlite3.connect(ws / "tracker.db")
    try:
        return int(conn.execute("SELECT count(*) FROM status_cache").fetchone()[0])
    finally:
        conn.close()


def quiet(ws: Path | None, *args: str, root: Path | None = None, today: str | None = DAY) -> bool:
    """Run `tracker remind`; return True when it was quiet: the quiet line, and not one status read (the cache stays empty)."""
    folder = root or ws
    assert folder is not None
    _sql(folder, "DELETE FROM status_cache")
    result = run(ws, "remind", *args, today=today)
    assert result.exit_code == 0, result.output
    was_quiet = _cached(folder) == 0
    assert not was_quiet or result.stdout == QUIET_LINE
    return was_quiet


def _edit_in_place(ws: Path) -> None:
    path = ws / "pledges" / "test-pledge.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("due in March", "due in MARCH"), encoding="utf-8")  # the same size
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))


def _touch(ws: Path) -> None:
    path = ws / "pledges" / "test-pledge.yaml"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))


READY = ("INSERT INTO outbox (id, dedupe_key, kind, pledge_id, deadline_key, deadline_date, what, lead_days, slot_date, recipient,"
         " channel, subject, status, next_attempt_at, planned_at, planned_on) VALUES (999, 'k', 'deadline', 'test-pledge', 'test-pledge',"
         " '2027-03-31', 'pledge', 0, '2026-11-23', 'desk@example.org', 'email', 's', 'failed', '2026-11-23T00:00:00+00:00',"
         " '2026-11-23T00:00:00+00:00', '2026-11-23')")
CHANGES: dict[str, Callable[[Path], object]] = {
    "a pledge file edited in place, same size": _edit_in_place,
    "a pledge file added": lambda ws: (ws / "pledges" / "second.yaml").write_text(PLEDGE, encoding="utf-8"),
    "a pledge file removed": lambda ws: (ws / "pledges" / "test-pledge.yaml").unlink(),
    "tracker.toml's time zone changed": lambda ws: (ws / "tracker.toml").write_text('timezone = "UTC"\n', encoding="utf-8"),
    "tracker.toml removed": lambda ws: (ws / "tracker.toml").unlink(),
    "a status update recorded": lambda ws: run(ws, "update", "test-pledge", "--status", "in-progress", "--note", "n"),
    "an outbox entry ready to send": lambda ws: _sql(ws, READY),
    "the last tick's key cleared": lambda ws: _sql(ws, "UPDATE cache_state SET tick_mark = NULL"),
}


def test_a_repeated_tick_is_quiet(ws: Path) -> None:
    """No complete tick yet → a full one; after it, the same tick again is quiet and prints the same line."""
    assert run(ws, "status").exit_code == 0
    assert not quiet(ws), "a synced database without a complete tick is not enough"
    assert quiet(ws)


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_change_that_matters_makes_a_full_tick(ws: Path, change: str) -> None:
    """Files, settings, data, the outbox or the last key changed → a full tick, after which the next one is quiet again."""
    assert run(ws, "remind").exit_code == 0
    assert quiet(ws)
    CHANGES[change](ws)
    if change == "an outbox entry ready to send":
        result = run(ws, "remind")  # the full tick handles it: no such deadline is open, so it is skipped, not sent
        assert result.stdout.startswith("skipped  desk@example.org")
    else:
        assert not quiet(ws)
    assert quiet(ws), "a full tick records the key the next one compares"


@pytest.mark.parametrize("change", [_touch, lambda ws: (ws / "tracker.toml").write_text('# note\ntimezone = "Asia/Phnom_Penh"\n')])
def test_changes_that_change_nothing_stay_quiet(ws: Path, change: Callable[[Path], object]) -> None:
    """A touched pledge file (same content) or a comment in tracker.toml: the same key, so still quiet."""
    assert run(ws, "remind").exit_code == 0
    change(ws)
    assert quiet(ws)


@pytest.mark.parametrize(("args", "env"), [
    (["--today", "2026-11-24"], {}),  # another day
    ([], {"TRACKER_SMTP_URL": "mailto://user:secret@127.0.0.1:1"}),  # a channel configured in the environment
    ([], {"TRACKER_NOTIFY_URLS": "json://127.0.0.1:1/hook"}),
])
def test_another_day_or_other_channels_make_a_full_tick(ws: Path, args: list[str], env: dict[str, str]) -> None:
    assert run(ws, "remind").exit_code == 0
    _sql(ws, "DELETE FROM status_cache")
    run(ws, "remind", *args, **env)
    assert _cached(ws) > 0


def test_an_edit_that_brings_a_deadline_due_is_planned(ws: Path) -> None:
    """The reason for checking the files first: moving the due date 7 days out plans its reminder at once."""
    assert run(ws, "remind").exit_code == 0
    path = ws / "pledges" / "test-pledge.yaml"
    path.write_text(PLEDGE.replace("due: 2027-03-31", "due: 2026-11-30"), encoding="utf-8")
    result = run(ws, "remind", "--json")
    assert result.exit_code == 6  # planned, then failed: no SMTP server is configured
    assert '"planned": 1' in result.stdout


def test_without_today_the_day_is_taken_in_the_workspace_time_zone(ws: Path) -> None:
    """No --today: both ticks take the day in tracker.toml's zone, so the second is quiet."""
    assert run(ws, "remind", today=None).exit_code == 0
    assert quiet(ws, today=None)


def test_the_workspace_is_found_from_a_subfolder(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --workspace the tick searches upward from the working directory."""
    assert run(ws, "remind").exit_code == 0
    inner = ws / "reports" / "2026"
    inner.mkdir(parents=True)
    monkeypatch.chdir(inner)
    assert quiet(None, root=ws)
    monkeypatch.chdir(ws.parent)
    outside = run(None, "remind")
    assert outside.exit_code == 1 and "not inside a tracker workspace" in outside.stderr
