"""`tracker run`: the scheduler's jobs, one daemon per workspace, a clean stop on SIGTERM, and the heartbeat."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import mail
import pytest
from click.testing import CliRunner
from daemons import start_daemon as _start
from daemons import wait_for as _wait_for

from tracker.cli.main import cli
from tracker.service.scheduler import build
from tracker.service.weekly import due_for_weekly
from tracker.workspace import open_workspace

smtp, webhook = mail.smtp, mail.webhook


def test_daemon_ticks_saves_the_report_refuses_a_twin_and_stops_on_sigterm(workspace: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """The first tick runs at start, sends reminders and saves the overdue weekly report; SIGTERM exits 0."""
    inbox, url = smtp
    # Monday 00:00: the weekly report is due at whatever time of day the test runs.
    with (workspace / "tracker.toml").open("a", encoding="utf-8") as config:
        config.write('\n[daemon]\nweekly_report_time = "00:00"\n')
    env = {"TRACKER_WORKSPACE": str(workspace), "TRACKER_TODAY": "2026-11-23", "TRACKER_SMTP_URL": url}
    daemon = _start(workspace, env)
    try:
        lines = _wait_for(daemon, "job tick done")
        twin = subprocess.run([sys.executable, "-m", "tracker", "run"], env={**os.environ, **env}, capture_output=True, text=True, timeout=60, check=False)
        assert twin.returncode == 1 and "already runs" in twin.stderr
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, rest = daemon.communicate(timeout=60)
    assert daemon.returncode == 0, rest
    assert any("tick:" in line for line in lines)
    assert sorted(p.name for p in (workspace / "reports").iterdir()) == ["2026-W47.html", "2026-W47.json", "2026-W47.md", "deadlines.ics"]
    assert inbox.messages, "the first tick should have sent the catalog's due reminders"
    conn = sqlite3.connect(workspace / "tracker.db")
    assert conn.execute("SELECT name FROM heartbeats").fetchall() == [("daemon",)]


def test_jobs_and_triggers(workspace: Path) -> None:
    """The scheduler has the fixed job ids; the weekly report fires Monday 07:00 in the workspace time zone."""
    ws = open_workspace(str(workspace))
    scheduler = build(ws, lambda: None, lambda: None)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"tick", "weekly-report"}
    fire = jobs["weekly-report"].trigger.get_next_fire_time(None, datetime(2026, 11, 25, 12, tzinfo=UTC))
    assert fire.isoformat() == "2026-11-30T07:00:00+07:00"
    assert jobs["tick"].trigger.interval == timedelta(hours=1)


@pytest.mark.parametrize(
    ("moment", "due"),
    [("2026-11-30 06:59", False), ("2026-11-30 07:00", True), ("2026-12-03 12:00", True), ("2026-11-29 23:00", True)],
)
def test_weekly_catch_up_window(moment: str, due: bool) -> None:
    """Once this week's Monday 07:00 has passed, a tick saves a missed weekly report."""
    assert due_for_weekly(datetime.fromisoformat(moment), "mon", "07:00") is due


def test_status_warns_about_a_silent_daemon_and_dead_reminders(tracker) -> None:  # type: ignore[no-untyped-def]
    """status says, on stderr, when the daemon stopped ticking a day ago or reminders are dead."""
    tracker("status")
    conn = sqlite3.connect(tracker.root / "tracker.db")
    stale = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    with conn:
        conn.execute("INSERT INTO heartbeats (name, at, today, info) VALUES ('daemon', ?, '2026-11-21', 'tick')", [stale])
        conn.execute("""INSERT INTO outbox (dedupe_key, kind, deadline_key, deadline_date, what, lead_days, slot_date, recipient,
                        channel, subject, status, planned_at, planned_on) VALUES ('k', 'due', 'pledge:x', '2026-11-23', 'pledge due',
                        0, '2026-11-23', 'a@example.org', 'email', 's', 'dead', 'now', '2026-11-23')""")
    result = tracker("status", "--json")
    assert "has not ticked since" in result.stderr and "1 reminder could not be delivered" in result.stderr
    assert json.loads(result.stdout)


def test_run_is_documented_for_systemd_and_cron() -> None:
    """The README shows both ways to run monitoring: `tracker run` under systemd, or `tracker remind` from cron."""
    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "ExecStart=" in readme and "tracker run" in readme
    assert "crontab" in readme and "tracker remind" in readme


def test_cli_help_lists_run() -> None:
    """`tracker run --help` describes the daemon."""
    result = CliRunner().invoke(cli, ["run", "--help"])
    assert "weekly report" in result.stdout


def test_weekly_job_saves_once_a_week_and_tells_the_report_channels(workspace: Path, webhook: tuple[list[dict[str, object]], str]) -> None:
    """The scheduled report covers the week just ended, is saved once, and report channels hear of it."""
    from datetime import date

    from tracker.service import weekly as reporting
    from tracker.store import core
    from tracker.store.sync import sync

    received, hook = webhook
    os.environ["TRACKER_REPORT_URLS"] = hook
    try:
        ws = open_workspace(str(workspace))
        db = core.open_db(ws.db_path)
        sync(db, ws.pledges_dir, date(2026, 11, 30))
        first = reporting.scheduled(db, ws, date(2026, 11, 30))
        again = reporting.scheduled(db, ws, date(2026, 11, 30))
    finally:
        del os.environ["TRACKER_REPORT_URLS"]
    assert first is not None and again is None
    assert [p.name for p in first.paths] == ["2026-W48.md", "2026-W48.html", "2026-W48.json", "deadlines.ics"]
    assert len(received) == 1 and "Weekly pledge report 2026-W48" in str(received[0]["title"])


def test_job_errors_and_misses_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    """A failing or missed job is written to the log, never silent."""
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent

    from tracker.service.scheduler import _listen

    moment = datetime(2026, 11, 30, 7, tzinfo=UTC)
    with caplog.at_level("INFO", logger="tracker.run"):
        _listen(JobExecutionEvent(EVENT_JOB_ERROR, "tick", "default", moment, exception=RuntimeError("disk full")))
        _listen(JobExecutionEvent(EVENT_JOB_MISSED, "weekly-report", "default", moment))
    assert "job tick failed: disk full" in caplog.text
    assert "job weekly-report missed its run time" in caplog.text
