"""Killing `tracker remind` with SIGKILL at random moments loses no reminder (duplicates only from the SMTP window)."""

from __future__ import annotations

import json
import os
import random
import shutil
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
KILL_POINTS = 17


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


def _kill_after(argv: list[str], env: dict[str, str], delay: float) -> None:
    victim = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        victim.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        victim.send_signal(signal.SIGKILL)
        victim.wait()


def _integrity(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


@pytest.mark.slow
def test_sigkill_during_sync_keeps_the_store_whole(workspace: Path) -> None:
    """A sync killed anywhere leaves a consistent database with every earlier commit; the next one completes it."""
    rng = random.Random(7)
    env = {**os.environ, "TRACKER_WORKSPACE": str(workspace), "TRACKER_TODAY": "2026-11-23"}
    tracker = [sys.executable, "-m", "tracker"]
    assert subprocess.run([*tracker, "update", "mine-action-csdg", "--status", "stalled", "--note", "committed"], env=env, check=False).returncode == 0
    for point in range(KILL_POINTS):
        for path in (workspace / "pledges").glob("*.yaml"):
            if not path.name.startswith("_"):
                text = path.read_text(encoding="utf-8").replace("\ndue: ", f"\n# edit {point}\ndue: ", 1)
                path.write_text(text, encoding="utf-8")
        _kill_after([*tracker, "sync"], env, rng.uniform(0.05, 0.8))
        _integrity(workspace / "tracker.db")
        conn = sqlite3.connect(workspace / "tracker.db")
        assert conn.execute("SELECT note FROM status_updates").fetchall() == [("committed",)]
        files = conn.execute("SELECT count(*) FROM source_files").fetchone()[0]
        assert files in (0, 15), "a sync commits all files or none"
        conn.close()
    assert subprocess.run([*tracker, "sync"], env=env, capture_output=True, check=False).returncode == 0
    assert sqlite3.connect(workspace / "tracker.db").execute("SELECT count(*) FROM pledges").fetchone() == (14,)


@pytest.mark.slow
def test_sigkill_during_report_save_leaves_no_half_file(workspace: Path) -> None:
    """A report killed while saving leaves each file whole or absent, never half-written, and no stray temp file counts."""
    rng = random.Random(11)
    env = {**os.environ, "TRACKER_WORKSPACE": str(workspace), "TRACKER_TODAY": "2026-11-27"}
    argv = [sys.executable, "-m", "tracker", "report", "weekly", "--save"]
    reports = workspace / "reports"
    for _ in range(KILL_POINTS):
        for path in reports.glob("2026-W48.*"):
            path.unlink()
        _kill_after(argv, env, rng.uniform(0.05, 1.0))
        for path in reports.glob("2026-W48.*"):
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".json":
                json.loads(text)
            elif path.suffix == ".html":
                assert text.rstrip().endswith("</html>")
            else:
                assert text.startswith("# Weekly pledge report") and text.endswith("\n")
        _integrity(workspace / "tracker.db")
    assert all(p.name.startswith(".") for p in reports.glob("*.tmp")), "temporary files are hidden from readers"
    assert subprocess.run(argv, env=env, capture_output=True, check=False).returncode == 0
    assert sorted(p.name for p in reports.glob("2026-W48.*")) == ["2026-W48.html", "2026-W48.json", "2026-W48.md"]


@pytest.mark.slow
def test_sigkill_during_import_records_all_or_nothing(workspace: Path, tmp_path: Path) -> None:
    """An import killed anywhere has recorded either every row or none, next to the readings committed before."""
    rng = random.Random(13)
    rows = ["pledge,indicator,date,value,source,note"]
    rows += [f"mine-action-csdg,contaminated-area-remaining,{2000 + n % 26}-{1 + n % 12:02d}-15,{n % 997},survey,row {n}" for n in range(20_000)]
    csv = tmp_path / "readings.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    env = {**os.environ, "TRACKER_WORKSPACE": str(workspace), "TRACKER_TODAY": "2026-11-23"}
    tracker = [sys.executable, "-m", "tracker"]
    record = [*tracker, "record", "mine-action-csdg", "contaminated-area-remaining", "1234", "--date", "2020-01-01"]
    assert subprocess.run(record, env=env, check=False).returncode == 0
    imported = 0
    for _ in range(KILL_POINTS):
        _kill_after([*tracker, "import", "readings", str(csv)], env, rng.uniform(0.05, 2.0))
        _integrity(workspace / "tracker.db")
        # A journal file renamed into place just before the kill is taken in by the next command: all rows, not none.
        assert subprocess.run([*tracker, "sync"], env=env, capture_output=True, check=False).returncode == 0
        conn = sqlite3.connect(workspace / "tracker.db")
        count = conn.execute("SELECT count(*) FROM readings").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM readings WHERE value_num = 1234").fetchone() == (1,)
        conn.close()
        assert (count - 1) % 20_000 == 0, f"{count - 1} rows: an import is all or nothing"
        imported = count - 1
    finished = subprocess.run([*tracker, "import", "readings", str(csv)], env=env, capture_output=True, text=True, check=False)
    assert finished.returncode == 0 and "imported 20000 readings" in finished.stdout.replace(",", "")
    conn = sqlite3.connect(workspace / "tracker.db")
    assert conn.execute("SELECT count(*) FROM readings").fetchone() == (imported + 20_001,)


def _readings(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM readings").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.slow
def test_sigkill_during_a_100000_row_import_is_all_or_none_also_after_a_rebuild(workspace: Path, tmp_path: Path) -> None:
    """Each kill hits a fresh copy: afterwards the copy holds none or all of the rows, and a rebuild from its files agrees."""
    rng = random.Random(29)
    rows = ["pledge,indicator,date,value"]
    rows += [f"mine-action-csdg,contaminated-area-remaining,{1990 + n % 36}-{1 + n % 12:02d}-{1 + n % 28:02d},{n}" for n in range(100_000)]
    csv = tmp_path / "readings.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    tracker = [sys.executable, "-m", "tracker"]
    env = {**os.environ, "TRACKER_WORKSPACE": str(workspace), "TRACKER_TODAY": "2026-11-23"}
    assert subprocess.run([*tracker, "sync"], env=env, capture_output=True, check=False).returncode == 0
    for point in range(5):
        copy = tmp_path / f"copy{point}"
        shutil.copytree(workspace, copy)
        here = {**env, "TRACKER_WORKSPACE": str(copy)}
        _kill_after([*tracker, "import", "readings", str(csv)], here, rng.uniform(0.2, 6.0))
        _integrity(copy / "tracker.db")
        assert subprocess.run([*tracker, "sync"], env=here, capture_output=True, check=False).returncode == 0
        count = _readings(copy / "tracker.db")
        assert count in (0, 100_000), f"{count} rows after a kill: an import is all or nothing"
        assert subprocess.run([*tracker, "rebuild"], env=here, capture_output=True, check=False).returncode == 0
        assert _readings(copy / "tracker.db") == count, "the files hold what the index held"
        shutil.rmtree(copy)
