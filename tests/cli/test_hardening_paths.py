"""Paths a user or an attacker chooses: backups onto the live database, planted links, devices, the umask, odd folders."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, Tracker, run_process

GCM = "gcm-implementation-plan"
ROOT = os.geteuid() == 0


def _updates(root: Path) -> int:
    conn = sqlite3.connect(root / "tracker.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(conn.execute("SELECT count(*) FROM status_updates").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("target", ["tracker.db", "tracker.db-wal", "tracker.db-shm", "link-to-db", "link-to-wal"])
def test_backup_refuses_the_live_database_and_its_files(workspace: Path, target: str) -> None:
    """Finding 1: onto tracker.db, its -wal or a link to either, backup exits non-zero; integrity holds, no update is lost."""
    assert run_process("update", GCM, "--status", "stalled", "--note", "first", cwd=workspace, env={"TRACKER_TODAY": TODAY}).returncode == 0
    (workspace / "link-to-db").symlink_to(workspace / "tracker.db")
    (workspace / "link-to-wal").symlink_to(workspace / "tracker.db-wal")
    result = run_process("backup", target, "--force", cwd=workspace, env={"TRACKER_TODAY": TODAY})
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr and result.stderr.startswith("error: ")
    assert run_process("update", GCM, "--status", "stalled", "--note", "second", cwd=workspace, env={"TRACKER_TODAY": TODAY}).returncode == 0
    assert _updates(workspace) == 2


def test_a_killed_backups_leftover_goes_with_the_next_backup(tracker: Tracker, tmp_path: Path) -> None:
    """Finding 11: a full-size temporary file of a backup killed half-way is removed by the next backup, whatever its name."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    leftover = tmp_path / f".old.db.{int(child.stdout)}.{'0' * 16}.tmp"
    leftover.write_bytes(b"\0" * 100_000)
    tracker("status")
    result = tracker("backup", str(tmp_path / "new.db"))
    assert result.exit_code == 0, result.output
    assert not leftover.exists()
    assert stat.S_IMODE((tmp_path / "new.db").stat().st_mode) == 0o600


def test_a_planted_lock_link_is_not_written_through(workspace: Path) -> None:
    """Finding 3: `.tracker-run.lock` as a link to a user's file: the daemon refuses to start and the file is untouched."""
    notes = workspace.parent / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    (workspace / ".tracker-run.lock").symlink_to(notes)
    result = run_process("run", cwd=workspace, env={"TRACKER_TODAY": TODAY})
    assert result.returncode == 1 and "symbolic link" in result.stderr and "Traceback" not in result.stderr
    assert notes.read_text(encoding="utf-8") == "my notes\n"


@pytest.mark.parametrize("name", ["tracker.toml", ".gitignore"])
def test_init_creates_nothing_through_a_dangling_link(tmp_path: Path, name: str) -> None:
    """Finding 3: `tracker init` never creates a file through a link pointing outside the folder."""
    folder, outside = tmp_path / "ws", tmp_path / "outside"
    folder.mkdir()
    (folder / name).symlink_to(outside)
    result = run_process("init", str(folder), cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert not outside.exists()
    assert (folder / name).is_symlink()
    if name == "tracker.toml":
        assert result.returncode == 1 and "already holds a workspace" in result.stderr
    else:
        assert result.returncode == 0 and (folder / "tracker.toml").is_file()


@pytest.mark.skipif(not ROOT, reason="making a device node needs root (CI runs as root)")
def test_output_onto_a_device_leaves_it_a_device(tracker: Tracker, tmp_path: Path) -> None:
    """Finding 4: `-o` and `backup` onto a device node refuse; the node stays a device (one of our own, like /dev/null)."""
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    for args in (["export", "ics", "-o", str(device)], ["backup", str(device), "--force"]):
        result = tracker(*args)
        assert result.exit_code == 1 and "not a regular file" in result.stderr, args
        assert stat.S_ISCHR(device.lstat().st_mode)


def _with_umask(mask: int, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRACKER_TODAY": TODAY}
    return subprocess.run([sys.executable, "-m", "tracker", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False,
                          preexec_fn=lambda: os.umask(mask))


def test_the_umask_is_respected_and_an_existing_mode_kept(workspace: Path) -> None:
    """Finding 5: under umask 077 exports and saved reports are 0600; `-o` over a 0600 file keeps it 0600."""
    assert _with_umask(0o077, "export", "json", "-o", "state.json", cwd=workspace).returncode == 0
    assert _with_umask(0o077, "report", "weekly", "--save", cwd=workspace).returncode == 0
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [workspace / "state.json", *(workspace / "reports").iterdir()]}
    assert modes and set(modes.values()) == {0o600}, modes
    (workspace / "kept.csv").write_text("", encoding="utf-8")
    (workspace / "kept.csv").chmod(0o600)
    assert _with_umask(0o022, "export", "csv", "--table", "pledges", "-o", "kept.csv", cwd=workspace).returncode == 0
    assert stat.S_IMODE((workspace / "kept.csv").stat().st_mode) == 0o600


def test_reports_folder_that_is_a_file_and_an_unwritable_target_are_one_line(tracker: Tracker) -> None:
    """Finding 6: `report weekly --save` with `reports` a file, and `-o /proc/x.csv`, exit 1 with one error line."""
    reports = tracker.root / "reports"
    reports.rmdir()
    reports.write_text("not a folder", encoding="utf-8")
    saved = tracker("report", "weekly", "--save")
    assert saved.exit_code == 1 and saved.stderr.startswith("error: ") and len(saved.stderr.splitlines()) == 1
    exported = tracker("export", "csv", "--table", "pledges", "-o", "/proc/x.csv")
    assert exported.exit_code == 1 and exported.stderr.startswith("error: /proc") and len(exported.stderr.splitlines()) == 1


def test_database_writes_are_synchronous_full(tracker: Tracker) -> None:
    """Finding 11: the README promises synchronous=FULL; every connection the store opens has it."""
    from tracker.store.core import open_db

    tracker("status")
    db = open_db(tracker.root / "tracker.db")
    try:
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2
    finally:
        db.close()
