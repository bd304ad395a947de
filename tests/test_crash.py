"""Killing `tracker remind` with SIGKILL at random moments loses no reminder (duplicates only from the SMTP window)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import mail
import pytest

PLEDGE = """\
title: Crash test pledge {n}
owner: Ministry of Testing
contacts: [desk{n}@example.org, focal{n}@example.org]
due: 2027-03-31
sources: [{{document: seed.txt, quote: "we will"}}]
"""
KILL_POINTS = 12


def _workspace(root: Path) -> Path:
    (root / "pledges").mkdir(parents=True)
    for n in range(6):
        (root / "pledges" / f"crash-{n}.yaml").write_text(PLEDGE.format(n=n), encoding="utf-8")
    return root


@pytest.mark.slow
def test_sigkill_during_remind_loses_nothing(tmp_path: Path) -> None:
    """Each run is killed after a random delay, then completed by a second run: every reminder arrives, once or twice."""
    rng = random.Random(20261123)
    inbox = mail.Inbox()
    controller, url = mail.start_smtp(inbox)
    duplicates = 0
    try:
        for point in range(KILL_POINTS):
            ws = _workspace(tmp_path / f"ws{point}")
            env = {**os.environ, "TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": "2027-03-24", "TRACKER_SMTP_URL": url}
            before = len(inbox.messages)
            victim = subprocess.Popen([sys.executable, "-m", "tracker", "remind"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                victim.wait(timeout=rng.uniform(0.05, 1.5))
            except subprocess.TimeoutExpired:
                victim.send_signal(signal.SIGKILL)
                victim.wait()
            rerun = subprocess.run([sys.executable, "-m", "tracker", "remind"], env=env, capture_output=True, text=True, timeout=120, check=False)
            assert rerun.returncode == 0, rerun.stderr
            got = Counter(r for r, _, _ in inbox.messages[before:])
            expected = {f"{who}{n}@example.org" for n in range(6) for who in ("desk", "focal")}
            assert set(got) == expected, f"kill point {point}: missing {expected - set(got)}"
            assert all(count <= 2 for count in got.values())
            duplicates += sum(count - 1 for count in got.values())
            conn = sqlite3.connect(ws / "tracker.db")
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert conn.execute("SELECT count(*) FROM outbox WHERE status = 'sent'").fetchone() == (12,)
            conn.close()
    finally:
        controller.stop()
    assert duplicates <= KILL_POINTS, "a duplicate is only possible for the one message in flight at the kill"
