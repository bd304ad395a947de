"""The quick `tracker remind`: answered without the command line only when a full tick would do nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tracker import quick, store
from tracker.cli import cli
from tracker.layout import scan
from tracker.schema import MIGRATIONS
from tracker.sync import sync
from tracker.workspace import find_root, open_workspace

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
    """A workspace whose one pledge has no reminder due on DAY (its first lead time is 90 days before 2027-03-31)."""
    root = tmp_path / "ws"
    (root / "pledges").mkdir(parents=True)
    (root / "pledges" / "test-pledge.yaml").write_text(PLEDGE, encoding="utf-8")
    (root / "tracker.toml").write_text('timezone = "Asia/Phnom_Penh"\n', encoding="utf-8")
    return root


def full(ws: Path, *args: str, today: str = DAY, **env: str) -> Result:
    """Run a command through the full command line (click), as the quick answer's fallback does."""
    return CliRunner().invoke(cli, list(args), env={"TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": today, **env}, catch_exceptions=False)


def answered(ws: Path, capsys: pytest.CaptureFixture[str], *args: str, today: str = DAY, **env: str) -> bool:
    """Ask the quick answer about `tracker remind`; check that it printed the quiet line exactly when it answered."""
    capsys.readouterr()
    result = quick.answer(["remind", *args], {"TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": today, **env})
    assert capsys.readouterr().out == (QUIET_LINE if result else "")
    return result


def test_a_quiet_tick_is_answered_with_the_full_ticks_line(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No complete tick yet → the full command runs; after one, the quick answer prints what the full tick prints."""
    assert full(ws, "status").exit_code == 0
    assert not answered(ws, capsys), "a synced database without a complete tick is not enough"
    assert full(ws, "remind").exit_code == 0
    again = full(ws, "remind")
    assert again.exit_code == 0 and again.stdout == QUIET_LINE
    assert answered(ws, capsys)


def test_the_console_script_answers_without_loading_click(ws: Path) -> None:
    """Through tracker/entry.py, as the `tracker` script runs it: the quiet line, exit 0, click never imported."""
    assert full(ws, "remind").exit_code == 0
    # The check runs as an atexit handler, which the quick exit must still run.
    code = ("import atexit, sys; atexit.register(lambda: print('click' in sys.modules)); sys.argv = ['tracker', 'remind'];"
            " from tracker.entry import main; main()")
    env = {**os.environ, "TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": DAY}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and done.stdout == QUIET_LINE + "False\n", done.stderr


def _edit_in_place(ws: Path) -> None:
    path = ws / "pledges" / "test-pledge.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("due in March", "due in MARCH"), encoding="utf-8")  # the same size
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))


def _touch(ws: Path) -> None:
    path = ws / "pledges" / "test-pledge.yaml"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))


def _sql(statement: str) -> Callable[[Path], None]:
    def run(ws: Path) -> None:
        conn = sqlite3.connect(ws / "tracker.db")
        with conn:
            conn.executescript(statement)
        conn.close()

    return run


CHANGES: dict[str, Callable[[Path], None]] = {
    "a pledge file edited in place, same size": _edit_in_place,
    "a pledge file touched": _touch,
    "a pledge file added": lambda ws: (ws / "pledges" / "second.yaml").write_text(PLEDGE, encoding="utf-8"),
    "a pledge file removed": lambda ws: (ws / "pledges" / "test-pledge.yaml").unlink(),
    "tracker.toml's time zone changed": lambda ws: (ws / "tracker.toml").write_text('timezone = "UTC"\n', encoding="utf-8"),
    "a comment added to tracker.toml": lambda ws: (ws / "tracker.toml").write_text('# note\ntimezone = "Asia/Phnom_Penh"\n', encoding="utf-8"),
    "tracker.toml removed": lambda ws: (ws / "tracker.toml").unlink(),
    "a status update recorded": lambda ws: full(ws, "update", "test-pledge", "--status", "in-progress", "--note", "n"),
    "an outbox entry ready to send": _sql(
        "INSERT INTO outbox (id, dedupe_key, kind, pledge_id, deadline_key, deadline_date, what, lead_days, slot_date, recipient,"
        " channel, subject, status, next_attempt_at, planned_at, planned_on) VALUES (999, 'k', 'deadline', 'test-pledge', 'test-pledge',"
        " '2027-03-31',"
        " 'pledge', 0, '2026-11-23', 'desk@example.org', 'email', 's', 'failed', '2026-11-23T00:00:00+00:00',"
        " '2026-11-23T00:00:00+00:00', '2026-11-23')"
    ),
    "a database of the previous version": _sql(
        f"ALTER TABLE cache_state DROP COLUMN files_digest; ALTER TABLE cache_state DROP COLUMN tick_inputs;"
        f" DELETE FROM _sqlite_migrations WHERE name = '{MIGRATIONS[-1]}'"
    ),
    "the last tick's record cleared": _sql("UPDATE cache_state SET tick_inputs = NULL"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_change_since_the_last_tick_runs_the_full_tick(ws: Path, capsys: pytest.CaptureFixture[str], change: str) -> None:
    """Files, settings, data, the outbox or the schema changed → no quick answer; the full tick then restores it."""
    assert full(ws, "remind").exit_code == 0
    assert answered(ws, capsys)
    CHANGES[change](ws)
    assert not answered(ws, capsys)
    if change == "an outbox entry ready to send":
        _sql("DELETE FROM outbox WHERE id = 999")(ws)
    assert full(ws, "remind").exit_code == 0
    assert answered(ws, capsys), "a full tick records what the next quick answer compares"


@pytest.mark.parametrize(("args", "env"), [
    (["--today", "2026-11-24"], {}),  # another day
    ([], {"TRACKER_SMTP_URL": "mailto://user:secret@127.0.0.1:1"}),  # a channel configured in the environment
    ([], {"TRACKER_NOTIFY_URLS": "json://127.0.0.1:1/hook"}),
    (["--json"], {}), (["--dry-run"], {}), (["--help"], {}),  # options only the full command knows
    (["--today", "2026-11-23x"], {}), (["--today", "23/11/2026"], {}),  # the full command explains a bad date
])
def test_other_days_channels_and_options_run_the_full_tick(ws: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                                           env: dict[str, str]) -> None:
    """The day, the channel variables and every option but --today/--workspace/--db decide against answering."""
    assert full(ws, "remind").exit_code == 0
    assert not answered(ws, capsys, *args, **env)
    assert answered(ws, capsys)


def test_an_edit_that_brings_a_deadline_due_is_planned(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The reason for all the checks: moving the due date 7 days out must plan its reminder, not answer quietly."""
    assert full(ws, "remind").exit_code == 0
    path = ws / "pledges" / "test-pledge.yaml"
    path.write_text(PLEDGE.replace("due: 2027-03-31", "due: 2026-11-30"), encoding="utf-8")
    assert not answered(ws, capsys)
    result = full(ws, "remind", "--json")
    assert result.exit_code == 6  # planned, then failed: no SMTP server is configured
    assert '"planned": 1' in result.stdout


def test_without_today_the_day_is_taken_in_the_workspace_time_zone(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No --today: the quick answer computes the day in tracker.toml's zone, as the full command does."""
    env = {"TRACKER_WORKSPACE": str(ws)}
    assert CliRunner().invoke(cli, ["remind"], env=env, catch_exceptions=False).exit_code == 0
    capsys.readouterr()
    assert quick.answer(["remind"], env)
    assert capsys.readouterr().out == QUIET_LINE


def test_arguments_the_quick_answer_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Group options before `remind`, --today after it, `=` forms, variables as fallback (empty = unset, as in click)."""
    env = {"TRACKER_WORKSPACE": "/env/ws", "TRACKER_DB": "", "TRACKER_TODAY": "2026-01-01"}
    assert quick.parse_args(["remind"], env) == ("/env/ws", None, "2026-01-01")
    assert quick.parse_args(["--workspace", "/w", "--db=/d.db", "remind", "--today=2026-02-02"], {}) == ("/w", "/d.db", "2026-02-02")
    for args in (["status"], [], ["remind", "--workspace", "/w"], ["--today", "2026-01-01", "remind"], ["remind", "remind"],
                 ["--workspace", "remind"], ["remind", "--today"], ["--db", "-x", "remind"], ["--workspace", "/a", "--workspace", "/b", "remind"]):
        assert quick.parse_args(args, {}) is None, args


def test_the_workspace_is_found_from_a_subfolder(ws: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --workspace both paths search upward from the working directory, with the one find_root."""
    assert full(ws, "remind").exit_code == 0
    inner = ws / "reports" / "2026"
    inner.mkdir(parents=True)
    monkeypatch.chdir(inner)
    assert find_root(inner.resolve()) == ws.resolve()
    capsys.readouterr()
    assert quick.answer(["remind"], {"TRACKER_TODAY": DAY})
    assert capsys.readouterr().out == QUIET_LINE
    monkeypatch.chdir(ws.parent)
    assert not quick.answer(["remind"], {"TRACKER_TODAY": DAY}), "outside any workspace the full command explains"


def test_sync_keeps_a_digest_of_the_listing_it_applied(ws: Path) -> None:
    """An unchanged folder is recognised by its digest; one the database lost (as after the upgrade) is restored unread."""
    workspace = open_workspace(str(ws))
    db = store.open_db(workspace.db_path)
    try:
        sync(db, workspace.pledges_dir, workspace.today(DAY))
        assert store.files_digest(db) == scan(workspace.pledges_dir)
        db.execute("UPDATE cache_state SET files_digest = NULL")
        db.commit()
        result = sync(db, workspace.pledges_dir, workspace.today(DAY))
        assert result.changed == [] and store.files_digest(db) == scan(workspace.pledges_dir)
        _edit_in_place(ws)
        assert sync(db, workspace.pledges_dir, workspace.today(DAY)).changed == ["test-pledge.yaml"]
        assert store.files_digest(db) == scan(workspace.pledges_dir)
    finally:
        db.close()


def test_scan_skips_what_is_not_a_pledge_file(ws: Path) -> None:
    """A dangling link, a folder named like a pledge, notes and hidden files do not count; a missing folder is empty."""
    before = scan(ws / "pledges")
    (ws / "pledges" / "gone.yaml").symlink_to(ws / "nowhere.yaml")
    (ws / "pledges" / "folder.yaml").mkdir()
    (ws / "pledges" / "notes.txt").write_text("x", encoding="utf-8")
    (ws / "pledges" / ".hidden.yaml").write_text("x", encoding="utf-8")
    assert scan(ws / "pledges") == before
    states: dict[str, tuple[int, int]] = {}
    assert scan(ws / "pledges", states) == before and list(states) == ["test-pledge.yaml"]
    assert scan(ws / "missing") == scan(ws / "empty-too")
