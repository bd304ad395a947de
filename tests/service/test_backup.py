"""`tracker backup` and `tracker doctor`."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

from conftest import Tracker


def test_backup_is_consistent_owner_only_and_refuses_to_overwrite(tracker: Tracker, tmp_path: Path) -> None:
    """The copy holds everything recorded, is mode 600, and an existing target needs --force."""
    tracker("update", "mine-action-csdg", "--status", "in-progress", "--note", "Clearance continues")
    target = tmp_path / "backups" / "tracker-2026-11-23.db"
    result = tracker("backup", str(target))
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT note FROM status_updates").fetchall() == [("Clearance continues",)]
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    again = tracker("backup", str(target))
    assert again.exit_code == 1 and "--force" in again.stderr
    assert tracker("backup", str(target), "--force").exit_code == 0
    assert not list(target.parent.glob(".*.tmp"))


def test_doctor_reports_each_check(tracker: Tracker) -> None:
    """doctor passes on a healthy workspace, warns on a readable database and fails on dead reminders."""
    tracker("status")
    checks = {c["check"]: c["state"] for c in json.loads(tracker("doctor", "--json").stdout)}
    assert checks == {"permissions": "ok", "migrations": "ok", "integrity": "ok", "outbox": "ok", "daemon": "ok", "pledge files": "ok"}
    db = tracker.root / "tracker.db"
    db.chmod(0o644)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("""INSERT INTO outbox (dedupe_key, kind, deadline_key, deadline_date, what, lead_days, slot_date, recipient,
                        channel, subject, status, planned_at, planned_on) VALUES ('k', 'due', 'pledge:x', '2026-11-23', 'pledge due',
                        0, '2026-11-23', 'a@example.org', 'email', 's', 'dead', 'now', '2026-11-23')""")
    result = tracker("doctor")
    assert result.exit_code == 1
    assert "chmod 600" in result.stdout and "1 reminder could not be delivered" in result.stdout


def test_new_database_is_owner_only(tracker: Tracker) -> None:
    """The database and its WAL files are created readable by their owner only."""
    tracker("status")
    for path in tracker.root.glob("tracker.db*"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
