"""Two CLI processes record 500 updates each while the daemon and extra ticks run: nothing lost, nothing doubled."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import mail
import pytest
from daemons import start_daemon as _start
from daemons import wait_for as _wait_for

smtp = mail.smtp
WRITER = """
import sys
from tracker.cli.main import cli
for n in range(500):
    cli(["update", "mine-action-csdg", "--status", "in-progress", "--note", f"{sys.argv[1]} update {n}"], standalone_mode=False)
"""
TICKER = """
from tracker.cli.main import cli
for n in range(15):
    try:
        cli(["remind"], standalone_mode=False)
    except SystemExit:
        pass
"""


@pytest.mark.slow
def test_writers_and_ticks_at_once(workspace: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """No `database is locked` reaches the user, all 1,000 updates are stored, and no reminder is sent twice."""
    inbox, url = smtp
    env = {**os.environ, "TRACKER_WORKSPACE": str(workspace), "TRACKER_TODAY": "2026-11-23", "TRACKER_SMTP_URL": url}
    daemon = _start(workspace, env)
    try:
        _wait_for(daemon, "job tick done")
        procs = [subprocess.Popen([sys.executable, "-c", WRITER, name], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for name in ("alpha", "beta")]
        procs.append(subprocess.Popen([sys.executable, "-c", TICKER], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
        errors = [p.communicate(timeout=600)[1] for p in procs]
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.communicate(timeout=60)
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    assert not any("locked" in e or "Traceback" in e for e in errors), errors
    conn = sqlite3.connect(workspace / "tracker.db")
    notes = [r[0] for r in conn.execute("SELECT note FROM status_updates")]
    assert len(notes) == 1000 and len(set(notes)) == 1000
    sent = conn.execute("SELECT count(DISTINCT digest) FROM outbox WHERE status = 'sent'").fetchone()[0]  # one message per digest
    copies = Counter((r, s) for r, s, _ in inbox.messages)
    assert sent == len(copies) > 0 and max(copies.values()) == 1
