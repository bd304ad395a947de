"""Deadline reminders end to end: a real SMTP server on loopback, the date stepped day by day."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import mail
import pytest
from click.testing import CliRunner, Result

from tracker.cli.main import cli
from tracker.service.remind import tick
from tracker.store import core, history
from tracker.store import outbox as store_outbox
from tracker.workspace import open_workspace

smtp, webhook = mail.smtp, mail.webhook
DUE = date(2027, 3, 31)
PLEDGE = """\
title: Test pledge with one milestone
owner: Ministry of Testing
contacts: [desk@example.org, focal@example.org]
escalation: [boss@example.org]
due: 2027-03-31
report_every_days: 3650
sources: [{document: seed.txt, quote: "we will"}]
milestones:
  - {id: plan-adopted, title: Plan adopted, due: 2027-06-30}
"""


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A workspace holding one pledge due 2027-03-31 with a milestone due 2027-06-30."""
    root = tmp_path / "ws"
    (root / "pledges").mkdir(parents=True)
    (root / "pledges" / "test-pledge.yaml").write_text(PLEDGE, encoding="utf-8")
    (root / "tracker.toml").write_text("[reminders]\nbefore_days = [90, 30, 7, 1, 0]\noverdue_every_days = 7\nescalate_after_days = 14\n")
    return root


def remind(ws: Path, smtp_url: str, day: date, *args: str, urls: str = "") -> Result:
    env = {"TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": day.isoformat(), "TRACKER_SMTP_URL": smtp_url, "TRACKER_NOTIFY_URLS": urls}
    return CliRunner().invoke(cli, ["remind", *args], env=env, catch_exceptions=False)


def test_one_email_per_lead_time_and_recipient(ws: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """Stepping the date day by day across the lead times sends each reminder exactly once."""
    inbox, url = smtp
    day = DUE - timedelta(days=100)
    while day <= DUE + timedelta(days=20):
        assert remind(ws, url, day).exit_code == 0
        day += timedelta(days=1)
    pledge = [s for s in inbox.to("desk@example.org") if "pledge due" in s]
    assert [s.rsplit(": ", 1)[1] for s in pledge] == [
        "due in 90 days", "due in 30 days", "due in 7 days", "due in 1 day", "due today", "overdue by 7 days", "overdue by 14 days",
    ]
    assert sorted(inbox.to("focal@example.org")) == sorted(inbox.to("desk@example.org"))
    assert [s.rsplit(": ", 1)[1] for s in inbox.to("boss@example.org")] == ["overdue by 14 days"]
    milestone = [s for s in inbox.to("desk@example.org") if "milestone: Plan adopted" in s]
    assert [s.rsplit(": ", 1)[1] for s in milestone] == ["due in 90 days"]


def test_second_run_on_the_same_day_sends_nothing(ws: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """A repeated tick finds everything already planned and sent."""
    inbox, url = smtp
    remind(ws, url, DUE - timedelta(days=7))
    first = len(inbox.messages)
    result = remind(ws, url, DUE - timedelta(days=7), "--json")
    assert first == 2 and len(inbox.messages) == first
    assert json.loads(result.stdout)["sent"] == []


def test_catching_up_after_downtime_sends_one_reminder(ws: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """From 100 days before straight to 3 days after: one digest per recipient with the newest reminder of each
    deadline; the older lead times are counted as superseded, not written to the outbox."""
    inbox, url = smtp
    remind(ws, url, DUE - timedelta(days=100))
    result = json.loads(remind(ws, url, DUE + timedelta(days=3), "--json").stdout)
    desk = [" ".join(body.split()) for r, _, body in inbox.messages if r == "desk@example.org"]
    assert len(desk) == 1
    assert "pledge due — Test pledge with one milestone: overdue by 3 days" in desk[0]
    assert "milestone: Plan adopted — Test pledge with one milestone: due in 88 days" in desk[0]
    assert desk[0].index("overdue by 3 days") < desk[0].index("due in 88 days")  # most urgent first
    assert result["superseded"] == 8 and result["messages"] == 2  # 90, 30, 7 and 1 days before, for two contacts
    db = core.open_db(ws / "tracker.db")
    assert store_outbox.outbox_rows(db, "superseded") == []


def test_two_processes_at_once_send_each_reminder_once(ws: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """Two `tracker remind` processes started together share the work without doubling it."""
    inbox, url = smtp
    env = {**os.environ, "TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": (DUE - timedelta(days=7)).isoformat(), "TRACKER_SMTP_URL": url}
    assert subprocess.run([sys.executable, "-m", "tracker", "sync"], env=env, capture_output=True, check=False).returncode == 0
    procs = [subprocess.Popen([sys.executable, "-m", "tracker", "remind"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outcomes = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outcomes]
    assert sorted(r for r, _, _ in inbox.messages) == ["desk@example.org", "focal@example.org"]


def test_the_message_says_what_when_how_late_health_and_how_to_record(ws: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """A reminder carries the deadline with its precision, days left, health, last update and the command to use."""
    inbox, url = smtp
    remind(ws, url, DUE - timedelta(days=1))
    _, subject, body = next(m for m in inbox.messages if m[0] == "desk@example.org")
    assert subject == "[tracker] pledge due — Test pledge with one milestone: due in 1 day"
    fields = dict(re.findall(r"(?m)^ +([A-Z][a-z ]+): +(.+)$", body))
    assert (fields["When"], fields["Days left"], fields["Last update"]) == ("2027-03-31", "1", "none reported yet")
    assert fields["Health"].startswith(("good", "at-risk", "unknown", "critical"))
    assert all(len(line) <= 78 for line in body.splitlines())
    assert 'tracker update test-pledge --status in-progress --note "..."' in body


def test_a_met_deadline_is_not_reminded(ws: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """Achieved pledges and done milestones get no more reminders."""
    inbox, url = smtp
    env = {"TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": "2027-03-20"}
    CliRunner().invoke(cli, ["done", "test-pledge", "plan-adopted"], env=env)
    CliRunner().invoke(cli, ["update", "test-pledge", "--status", "achieved", "--note", "all done"], env=env)
    remind(ws, url, DUE)
    assert inbox.messages == []


def test_failures_retry_with_backoff_then_die_visibly(ws: Path) -> None:
    """With the SMTP server down, a reminder is retried with growing waits, then marked dead; `outbox retry` revives it."""
    os.environ["TRACKER_SMTP_URL"] = f"mailto://127.0.0.1:{mail.free_port()}?from=tracker@example.org&mode=insecure"
    try:
        workspace = open_workspace(str(ws))
        db = core.open_db(workspace.db_path)
        from tracker.store.sync import sync

        sync(db, workspace.pledges_dir, DUE)
        moment = datetime(2027, 3, 31, 8, tzinfo=UTC)
        outcomes = []
        for _ in range(8):
            result = tick(db, workspace.settings, DUE, now=moment)
            outcomes.append((len(result.failed), len(result.dead)))
            moment += timedelta(days=1)
    finally:
        del os.environ["TRACKER_SMTP_URL"]
    assert outcomes[:5] == [(2, 0), (2, 0), (2, 0), (2, 0), (0, 2)]
    dead = store_outbox.outbox_rows(db, "dead")
    assert len(dead) == 2 and all("Connection" in (e["last_error"] or "") for e in dead)
    runner = CliRunner().invoke(cli, ["outbox", "retry", str(dead[0]["id"])], env={"TRACKER_WORKSPACE": str(ws)})
    assert runner.exit_code == 0
    assert store_outbox.outbox_rows(db, "pending")[0]["id"] == dead[0]["id"]


def test_delivery_failure_exits_6_and_outbox_shows_it(ws: Path) -> None:
    """A failed send is reported with exit code 6 and listed by `tracker outbox`."""
    down = f"mailto://127.0.0.1:{mail.free_port()}?from=tracker@example.org&mode=insecure"
    assert remind(ws, down, DUE).exit_code == 6
    listed = CliRunner().invoke(cli, ["outbox", "--json"], env={"TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": DUE.isoformat()})
    statuses = [e["status"] for e in json.loads(listed.stdout)]
    assert statuses.count("failed") == 2 and "sent" not in statuses


def test_secrets_never_reach_the_database_or_output(ws: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """The SMTP password and webhook URLs are neither stored nor printed, even in errors."""
    _, url = smtp
    secret_hook = f"json://127.0.0.1:{mail.free_port()}/hook-with-a-long-secret-token-123456"
    result = remind(ws, url, DUE, "--json", urls=secret_hook)
    dump = "\n".join(str(row) for row in sqlite_dump(ws / "tracker.db"))
    for secret in (mail.PASSWORD, "long-secret-token-123456"):
        assert secret not in dump and secret not in result.stdout and secret not in result.stderr
    assert json.loads(result.stdout)["failed"], "the dead webhook should have failed"


def sqlite_dump(path: Path) -> list[str]:
    """Return every line of an SQL dump of the database."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_webhook_channel_gets_reminders(ws: Path, smtp: tuple[mail.Inbox, str], webhook: tuple[list[dict[str, object]], str]) -> None:
    """A workspace-wide JSON webhook on loopback receives each reminder once."""
    _, url = smtp
    received, hook = webhook
    remind(ws, url, DUE - timedelta(days=30), urls=hook)
    remind(ws, url, DUE - timedelta(days=30), urls=hook)
    assert len(received) == 1
    assert "pledge due" in str(received[0]["title"])
    assert re.search(r"Days left:\s+30\n", str(received[0]["message"]))


def test_progress_alert_when_the_assessment_worsens(ws: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """A reading that turns an indicator from on-track to off-track alerts the contacts on the next tick, once."""
    inbox, url = smtp
    text = PLEDGE + """indicators:
  - id: served
    title: People served
    kind: number
    baseline: {value: 100, date: 2024-01-01}
    target: {value: 200, date: 2028}
"""
    (ws / "pledges" / "test-pledge.yaml").write_text(text, encoding="utf-8")
    env = {"TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": "2026-06-01"}
    CliRunner().invoke(cli, ["record", "test-pledge", "served", "150", "--date", "2026-06-01"], env=env)
    remind(ws, url, date(2026, 6, 1))
    CliRunner().invoke(cli, ["record", "test-pledge", "served", "105", "--date", "2026-06-02"], env={**env, "TRACKER_TODAY": "2026-06-02"})
    remind(ws, url, date(2026, 6, 2))
    remind(ws, url, date(2026, 6, 3))
    alerts = [s for s in inbox.to("desk@example.org") if "indicators went from" in s]
    assert alerts == ["[tracker] Test pledge with one milestone: indicators went from on-track to off-track"]


def test_dry_run_records_and_sends_nothing(ws: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """--dry-run lists what would go out and leaves the outbox empty."""
    inbox, url = smtp
    result = remind(ws, url, DUE, "--dry-run", "--json")
    assert len(json.loads(result.stdout)["would_send"]) == 2
    assert inbox.messages == []
    assert store_outbox.outbox_rows(core.open_db(ws / "tracker.db")) == []


def _tick_env(ws: Path, url: str) -> tuple[object, object]:
    os.environ["TRACKER_SMTP_URL"] = url
    workspace = open_workspace(str(ws))
    db = core.open_db(workspace.db_path)
    from tracker.store.sync import sync

    sync(db, workspace.pledges_dir, DUE)
    return workspace, db


def test_queued_while_the_server_is_down_sent_when_it_is_back(ws: Path) -> None:
    """Reminders planned while SMTP is down go out on the first tick after it is back."""
    inbox, port = mail.Inbox(), mail.free_port()
    url = f"mailto://{mail.USER}:{mail.PASSWORD}@127.0.0.1:{port}?from=tracker@example.org&mode=insecure"
    try:
        workspace, db = _tick_env(ws, url)
        moment = datetime(2027, 3, 24, 8, tzinfo=UTC)
        down = tick(db, workspace.settings, DUE - timedelta(days=7), now=moment)  # type: ignore[attr-defined]
        controller, _ = mail.start_smtp(inbox, port)
        try:
            back = tick(db, workspace.settings, DUE - timedelta(days=7), now=moment + timedelta(hours=1))  # type: ignore[attr-defined]
        finally:
            controller.stop()
    finally:
        del os.environ["TRACKER_SMTP_URL"]
    assert (len(down.failed), len(back.sent)) == (2, 2)
    assert sorted(r for r, _, _ in inbox.messages) == ["desk@example.org", "focal@example.org"]


def test_a_refused_address_ends_dead_at_once_with_the_reply_shown(ws: Path) -> None:
    """A mailbox the server refuses for good (550) ends dead after one attempt, the server's reply kept and shown in
    `outbox`; `status` warns of it."""
    inbox = mail.PickyInbox({"focal@example.org"})
    controller, url = mail.start_smtp(inbox)
    try:
        workspace, db = _tick_env(ws, url)
        moment = datetime(2027, 3, 31, 8, tzinfo=UTC)
        first = tick(db, workspace.settings, DUE, now=moment)  # type: ignore[attr-defined]
        for _ in range(3):
            moment += timedelta(days=1)
            tick(db, workspace.settings, DUE, now=moment)  # type: ignore[attr-defined]
    finally:
        controller.stop()
        del os.environ["TRACKER_SMTP_URL"]
    assert [e["recipient"] for e in first.dead] == ["focal@example.org"] and first.failed == []
    assert inbox.to("desk@example.org") == ["[tracker] pledge due — Test pledge with one milestone: due today"]
    env = {"TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": DUE.isoformat()}
    dead = json.loads(CliRunner().invoke(cli, ["outbox", "--status", "dead", "--json"], env=env).stdout)
    assert [(e["recipient"], e["attempts"]) for e in dead] == [("focal@example.org", 1)]
    assert "550 5.1.1 no such mailbox" in dead[0]["last_error"]
    assert "550 5.1.1" in CliRunner().invoke(cli, ["outbox"], env={**env, "COLUMNS": "200"}).stdout
    assert "1 reminder could not be delivered" in CliRunner().invoke(cli, ["status"], env=env).stderr


def test_marking_the_milestone_done_cancels_its_queued_reminder(ws: Path) -> None:
    """A reminder still queued when its milestone is done is cancelled, not sent."""
    inbox, port = mail.Inbox(), mail.free_port()
    url = f"mailto://{mail.USER}:{mail.PASSWORD}@127.0.0.1:{port}?from=tracker@example.org&mode=insecure"
    day = date(2027, 6, 30) - timedelta(days=30)
    try:
        workspace, db = _tick_env(ws, url)
        moment = datetime(2027, 5, 31, 8, tzinfo=UTC)
        tick(db, workspace.settings, day, now=moment)  # type: ignore[attr-defined]
        history.add_completion(db, workspace.root, "test-pledge", "plan-adopted", day, None, "tester")  # type: ignore[arg-type]
        controller, _ = mail.start_smtp(inbox, port)
        try:
            result = tick(db, workspace.settings, day, now=moment + timedelta(hours=1))  # type: ignore[attr-defined]
        finally:
            controller.stop()
    finally:
        del os.environ["TRACKER_SMTP_URL"]
    assert not [s for s in inbox.to("desk@example.org") if "Plan adopted" in s]
    assert {e["what"] for e in result.skipped} == {"milestone: Plan adopted"}


def test_the_daemon_retries_on_the_next_simulated_day(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With --today, the daemon's tick measures retries from that day: a failure one day is retried the next."""
    from tracker.service import daemon

    inbox, port = mail.Inbox(), mail.free_port()
    monkeypatch.setenv("TRACKER_SMTP_URL", f"mailto://{mail.USER}:{mail.PASSWORD}@127.0.0.1:{port}?from=tracker@example.org&mode=insecure")
    (ws / "reports").mkdir()
    workspace, problems = open_workspace(str(ws)), daemon.FileProblems()
    daemon.tick_job(workspace, "2027-03-24", problems)  # nothing listens: the reminder fails
    db = core.open_db(workspace.db_path)
    try:
        failed = [e for e in store_outbox.outbox_rows(db) if e["status"] == "failed"]
        assert len(failed) == 2 and all(e["next_attempt_at"].startswith("2027-03-24") for e in failed)
        controller, _ = mail.start_smtp(inbox, port)
        try:
            daemon.tick_job(workspace, "2027-03-25", problems)
        finally:
            controller.stop()
        now = {e["id"]: e["status"] for e in store_outbox.outbox_rows(db)}
        assert [now[e["id"]] for e in failed] == ["sent", "sent"]
    finally:
        db.close()
    assert sorted(r for r, _, _ in inbox.messages) == ["desk@example.org", "focal@example.org"]
