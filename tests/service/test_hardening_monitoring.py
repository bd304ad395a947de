"""Monitoring that survives: a broken pledge file, a full disk, a damaged database, a daemon started mid-week."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import mail
import pytest
from click.testing import CliRunner, Result
from conftest import REPO, TODAY, run_process

from tracker.cli.main import cli
from tracker.service.daemon import FileProblems, tick_job
from tracker.workspace import open_workspace

smtp = mail.smtp
ROOT = os.geteuid() == 0
DUE_SOON = """\
title: Test pledge due in a week
owner: Ministry of Testing
contacts: [desk@example.org]
due: 2026-11-30
report_every_days: 3650
sources: [{document: seed.txt, quote: "we will"}]
"""


def _run(ws: Path, *args: str, **env: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": TODAY, **env}, catch_exceptions=False)


@pytest.fixture
def two(tmp_path: Path) -> Path:
    """A workspace with two pledges due 2026-11-30: a reminder is due for each on 2026-11-23 (7 days before)."""
    root = tmp_path / "ws"
    (root / "pledges").mkdir(parents=True)
    for name in ("first", "second"):
        (root / "pledges" / f"{name}.yaml").write_text(DUE_SOON, encoding="utf-8")
    (root / "tracker.toml").write_text("[reminders]\nbefore_days = [7]\n", encoding="utf-8")
    return root


def test_one_broken_file_does_not_silence_the_others(two: Path, smtp: tuple[mail.Inbox, str]) -> None:
    """Finding 10: with one file broken, remind sends what is due for the other pledges, names the file and exits 3."""
    inbox, url = smtp
    assert _run(two, "status").exit_code == 0
    (two / "pledges" / "second.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    (two / "pledges" / "third.yaml").write_text(DUE_SOON.replace("desk@", "third@"), encoding="utf-8")
    result = _run(two, "remind", TRACKER_SMTP_URL=url)
    assert result.exit_code == 3
    assert "second.yaml:" in result.stderr and "Traceback" not in result.stderr
    assert sorted(r for r, _, _ in inbox.messages) == ["desk@example.org", "third@example.org"]  # desk's two in one digest
    assert _run(two, "status").exit_code == 3, "commands that only read still stop on the broken file, naming it"
    (two / "pledges" / "second.yaml").write_text(DUE_SOON, encoding="utf-8")
    assert _run(two, "remind", TRACKER_SMTP_URL=url).exit_code == 0


def test_the_daemon_names_a_broken_file_once_per_change(two: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Finding 10: each tick goes on; the problem is logged once, again only when it changes, and its end is logged."""
    ws, problems = open_workspace(str(two)), FileProblems()
    (two / "pledges" / "second.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    with caplog.at_level("INFO", logger="tracker.run"):
        for _ in range(3):
            tick_job(ws, TODAY, problems)
        (two / "pledges" / "second.yaml").write_text("title: x\n", encoding="utf-8")
        tick_job(ws, TODAY, problems)
        (two / "pledges" / "second.yaml").write_text(DUE_SOON, encoding="utf-8")
        tick_job(ws, TODAY, problems)
    named = [r.getMessage() for r in caplog.records if "invalid pledge file" in r.getMessage()]
    assert len(named) == 1 + 3  # the YAML error once; then three missing fields of the second version, once
    assert sum("tick:" in r.getMessage() for r in caplog.records) == 5
    assert any("valid again" in r.getMessage() for r in caplog.records)
    assert not any(r.exc_info for r in caplog.records)


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A workspace on a 4 MB tmpfs, filled to the last byte after its first command."""
    if not ROOT or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True, check=False)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        ws = mount / "ws"
        shutil.copytree(REPO / "pledges", ws / "pledges")
        shutil.copyfile(REPO / "tracker.toml", ws / "tracker.toml")
        assert run_process("status", cwd=ws, env={"TRACKER_TODAY": TODAY}).returncode == 0
        with (mount / "filler").open("wb", buffering=0) as filler:  # unbuffered: nothing is left to flush at close
            try:
                while True:
                    filler.write(b"\0" * 4096)
            except OSError:
                pass  # full
        yield ws
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_reads_answer_on_a_full_disk(full_disk: Path) -> None:
    """Finding 7: on a full 4 MB tmpfs, status and report weekly answer (the day's cache is computed, not stored)."""
    for args in (["status"], ["report", "weekly"], ["status", "--json"]):
        result = run_process(*args, cwd=full_disk, env={"TRACKER_TODAY": "2026-11-24"})
        assert result.returncode == 0, (args, result.stderr)
    doctor = run_process("doctor", cwd=full_disk, env={"TRACKER_TODAY": "2026-11-24"})
    assert "Traceback" not in doctor.stderr and "integrity" in doctor.stdout
    saved = run_process("report", "weekly", "--save", cwd=full_disk, env={"TRACKER_TODAY": "2026-11-24"})
    assert saved.returncode == 1 and saved.stderr.startswith("error: ") and len(saved.stderr.splitlines()) == 1, saved.stderr
    assert not [p for p in (full_disk / "reports").iterdir() if p.name.endswith(".tmp")], "no half-written file is left"


def test_doctor_runs_every_check_on_a_damaged_database(workspace: Path) -> None:
    """Finding 8: a database that is not one any more: doctor still checks the rest, says what to do, exits 1."""
    assert run_process("status", cwd=workspace, env={"TRACKER_TODAY": TODAY}).returncode == 0
    with (workspace / "tracker.db").open("r+b") as handle:
        handle.write(b"this is not a database" * 50)
    result = run_process("doctor", cwd=workspace, env={"TRACKER_TODAY": TODAY})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    names = [line.split()[1] for line in result.stdout.splitlines()]
    assert names == ["permissions", "database", "pledge"]
    assert "Restore the latest backup" in result.stdout and "pledge files" in result.stdout


def _daemon(ws: Path, day: str) -> list[str]:
    """Run `tracker run` on `day` until its first tick is done, stop it, and return the saved report files."""
    env = {**os.environ, "TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": day}
    proc = subprocess.Popen([sys.executable, "-m", "tracker", "run"], env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "job tick done" in line or "Traceback" in line:
            break
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    return sorted(p.name for p in (ws / "reports").iterdir() if p.suffix == ".md")


def test_a_daemon_started_on_a_tuesday_saves_the_last_complete_week_once(workspace: Path) -> None:
    """Finding 2: the catch-up saves 2026-W47 (not the partial W48), once; the next Monday saves W48."""
    with (workspace / "tracker.toml").open("a", encoding="utf-8") as config:
        config.write('\n[daemon]\nweekly_report_time = "00:00"\n')
    assert _daemon(workspace, "2026-11-24") == ["2026-W47.md"]
    first = (workspace / "reports" / "2026-W47.md").stat().st_mtime_ns
    assert _daemon(workspace, "2026-11-25") == ["2026-W47.md"]
    assert (workspace / "reports" / "2026-W47.md").stat().st_mtime_ns == first
    assert _daemon(workspace, "2026-11-30") == ["2026-W47.md", "2026-W48.md"]


def test_a_database_in_a_folder_that_cannot_be_written_is_read(workspace: Path) -> None:
    """Finding 7: with the folder immutable (nothing can be created in it), status and doctor answer; a write says why."""
    if not ROOT or shutil.which("chattr") is None:
        pytest.skip("making a folder immutable needs root and chattr (CI runs as root)")
    assert run_process("status", cwd=workspace, env={"TRACKER_TODAY": TODAY}).returncode == 0
    if subprocess.run(["chattr", "+i", str(workspace)], capture_output=True, check=False).returncode:
        pytest.skip("this file system has no immutable attribute")
    try:
        status = run_process("status", cwd=workspace, env={"TRACKER_TODAY": "2026-11-24"})
        doctor = run_process("doctor", cwd=workspace, env={"TRACKER_TODAY": "2026-11-24"})
        update = run_process("update", "gcm-implementation-plan", "--status", "stalled", "--note", "n", cwd=workspace,
                             env={"TRACKER_TODAY": "2026-11-24"})
    finally:
        subprocess.run(["chattr", "-i", str(workspace)], check=True)
    assert status.returncode == 0 and "14 pledges" in status.stdout, status.stderr
    assert doctor.returncode == 0 and "integrity check passed" in doctor.stdout
    assert update.returncode in (1, 5) and update.stderr.startswith("error: ") and "Traceback" not in update.stderr
