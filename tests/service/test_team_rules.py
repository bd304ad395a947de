"""Team rules: reminders go out from one host only; different statuses for one day by different people are flagged."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import mail
from click.testing import CliRunner, Result
from conftest import TODAY

from tracker.cli.main import cli

smtp = mail.smtp
DUE_SOON = """\
title: Test pledge due in a week
owner: Ministry of Testing
contacts: [desk@example.org]
due: 2026-11-30
sources: [{document: seed.txt, quote: "we will"}]
"""


def _workspace(tmp_path: Path, sender: str) -> Path:
    root = tmp_path / "ws"
    (root / "pledges").mkdir(parents=True)
    (root / "pledges" / "test-pledge.yaml").write_text(DUE_SOON, encoding="utf-8")
    (root / "tracker.toml").write_text(f'[reminders]\nbefore_days = [7]\n\n[notify]\nsender = "{sender}"\n', encoding="utf-8")
    return root


def run(ws: Path, *args: str, **env: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": TODAY, **env}, catch_exceptions=False)


def test_another_host_sends_nothing_and_says_why(tmp_path: Path, smtp: tuple[mail.Inbox, str]) -> None:
    inbox, url = smtp
    ws = _workspace(tmp_path, "desk-server")
    result = run(ws, "remind", TRACKER_SMTP_URL=url)
    assert result.exit_code == 0 and "is not the workspace's sender (desk-server" in result.stderr
    assert inbox.messages == []
    dry = run(ws, "remind", "--dry-run", "--json", TRACKER_SMTP_URL=url)
    assert [e["recipient"] for e in json.loads(dry.stdout)["would_send"]] == ["desk@example.org"], "--dry-run still says what is due"
    daemon = run(ws, "run")
    assert daemon.exit_code == 1 and "does not start here" in daemon.stderr
    assert run(ws, "status").exit_code == 0
    (ws / "tracker.toml").write_text(f'[reminders]\nbefore_days = [7]\n\n[notify]\nsender = "{socket.gethostname()}"\n', encoding="utf-8")
    assert run(ws, "remind", TRACKER_SMTP_URL=url).exit_code == 0
    assert [r for r, _, _ in inbox.messages] == ["desk@example.org"]


def test_a_sender_that_is_not_a_host_name_is_refused(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, "not a host; rm -rf")
    result = run(ws, "status")
    assert result.exit_code == 1 and "notify.sender" in result.stderr


def test_different_statuses_for_one_day_by_different_authors_are_both_kept_and_flagged(workspace: Path) -> None:
    gcm = "gcm-implementation-plan"
    assert run(workspace, "update", gcm, "--status", "in-progress", "--note", "on track", "--author", "Desk A").exit_code == 0
    assert run(workspace, "update", gcm, "--status", "stalled", "--note", "funding gap", "--author", "Desk B").exit_code == 0
    row = next(r for r in json.loads(run(workspace, "status", "--json").stdout) if r["id"] == gcm)
    flagged = [d for d in row["discrepancies"] if "different statuses reported for the same day" in d]
    assert flagged and "in-progress by Desk A" in flagged[0] and "stalled by Desk B" in flagged[0]
    shown = json.loads(run(workspace, "show", gcm, "--json").stdout)
    assert [u["status"] for u in shown["updates"]] == ["stalled", "in-progress"]
    assert run(workspace, "update", gcm, "--status", "stalled", "--note", "agreed", "--author", "Desk A", TRACKER_TODAY="2026-11-24").exit_code == 0
    later = next(r for r in json.loads(run(workspace, "status", "--json", TRACKER_TODAY="2026-11-24").stdout) if r["id"] == gcm)
    assert not any("different statuses" in d for d in later["discrepancies"]), "a later report settles it"
