"""Odd input never ends in a traceback: huge numbers and files, bytes that are not UTF-8, far dates, NaN, odd digits."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, Tracker, run_process

GCM = "gcm-implementation-plan"
MINES = "mine-action-csdg"
RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], capture_output=True).returncode\n"
    "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def _rows(root: Path, table: str) -> int:
    """Return how many rows a table has (0 when the refused command was the first and made no table)."""
    conn = sqlite3.connect(root / "tracker.db")
    try:
        known = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [table]).fetchone()
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) if known else 0
    finally:
        conn.close()


@pytest.mark.parametrize("number", ["1" * 5000, "1" + "0" * 400])
def test_a_huge_integer_in_a_pledge_file_is_a_file_error(tracker: Tracker, number: str) -> None:
    """Finding 6: more digits than Python converts, or than a float holds: exit 3 naming file and line."""
    path = tracker.root / "pledges" / f"{MINES}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("report_every_days: 180", f"report_every_days: {number}"), encoding="utf-8")
    assert f"report_every_days: {number}" in path.read_text(encoding="utf-8")
    result = tracker("status")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"error: {path}:") or f"{MINES}.yaml:" in result.stderr
    assert "more than 30 digits" in result.stderr and len(result.stderr) < 1000


def test_a_300_mb_pledge_file_is_refused_before_it_is_read(workspace: Path) -> None:
    """Finding 6: the size is checked with stat first: exit 3 with file:line, peak memory far under 150 MiB."""
    big = workspace / "pledges" / "huge.yaml"
    with big.open("wb") as handle:
        handle.truncate(300 * 1024 * 1024)  # sparse: no disk used, the size is what counts
    env = {**os.environ, "TRACKER_WORKSPACE": str(workspace), "TRACKER_TODAY": TODAY}
    out = subprocess.run([sys.executable, "-c", RSS_WRAPPER, sys.executable, "-m", "tracker", "status"], env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) == 3
    assert int(out[1]) < 150 * 1024  # KiB
    result = run_process("validate", cwd=workspace, env={"TRACKER_TODAY": TODAY})
    assert result.returncode == 3 and "huge.yaml:1: the file is 314,572,800 bytes" in result.stderr


@pytest.mark.parametrize("args", [["update", GCM, "--status", "stalled", "--note", b"\xff"], ["show", b"\xff"], ["status", "--owner", b"\xc3"]])
def test_arguments_that_are_not_utf8_are_one_usage_error(workspace: Path, args: list[str | bytes]) -> None:
    """Finding 6: bytes that are not UTF-8 on the command line: exit 2, one line, nothing recorded."""
    env = {**os.environ, "TRACKER_TODAY": TODAY}
    run_process("status", cwd=workspace)
    argv = [os.fsencode(sys.executable), b"-m", b"tracker", *(a if isinstance(a, bytes) else a.encode() for a in args)]
    done = subprocess.run(argv, cwd=workspace, env=env, capture_output=True, check=False)
    assert done.returncode == 2
    assert done.stderr.decode().startswith("error: argument") and b"Traceback" not in done.stderr
    assert _rows(workspace, "status_updates") == 0


@pytest.mark.parametrize("day", ["2200-12-31", "1900-01-01"])
@pytest.mark.parametrize("args", [["status"], ["timeline"], ["remind", "--dry-run"], ["report", "weekly"], ["export", "ics"]])
def test_far_days_inside_the_range_answer(tracker: Tracker, day: str, args: list[str]) -> None:
    """Finding 6: the first and last supported days work with every dated command (the next IMRF may fall after 2200)."""
    result = tracker(*args, today=day)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["report", "weekly", "--week", "9999-W52"], "outside the supported years"),
    (["timeline", "--from", "0001-01-01", "--to", "9999-12-31"], "outside the supported range"),
    (["update", GCM, "--status", "stalled", "--note", "far", "--today", "9999-12-31"], "outside the supported range"),
    (["record", MINES, "contaminated-area-remaining", "5", "--date", "1899-12-31"], "outside the supported range"),
])
def test_days_outside_the_range_are_refused(tracker: Tracker, args: list[str], message: str) -> None:
    """Finding 6: far weeks and days are a usage error (exit 2), and nothing is recorded."""
    result = tracker(*args)
    assert result.exit_code == 2 and message in result.stderr and len(result.stderr.splitlines()) == 1
    assert _rows(tracker.root, "status_updates") == 0 and _rows(tracker.root, "readings") == 0


def test_nan_thresholds_are_refused(tracker: Tracker) -> None:
    """Finding 9: `on_track = nan` in tracker.toml exits 1 naming the key; `.nan` in a pledge file exits 3 naming the line."""
    toml = tracker.root / "tracker.toml"
    original = toml.read_text(encoding="utf-8")
    toml.write_text(original.replace("on_track = 0.95", "on_track = nan"), encoding="utf-8")
    result = tracker("status")
    assert result.exit_code == 1 and "assessment.on_track" in result.stderr
    toml.write_text(original.replace("needs_acceleration = 0.6", "needs_acceleration = inf"), encoding="utf-8")
    assert tracker("status").exit_code == 1
    toml.write_text(original, encoding="utf-8")
    path = tracker.root / "pledges" / f"{MINES}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    direction: decrease\n", "    direction: decrease\n    thresholds: {on_track: .nan}\n", 1), encoding="utf-8")
    assert "thresholds: {on_track: .nan}" in path.read_text(encoding="utf-8")
    result = tracker("status")
    assert result.exit_code == 3 and "thresholds.on_track" in result.stderr


@pytest.mark.parametrize("value", ["1_5", "١٢", "0x10", "nan", "inf", "1e400", "9" * 40])
def test_numbers_are_ascii_finite_and_bounded(tracker: Tracker, tmp_path: Path, value: str) -> None:
    """Finding 9: `record` and `import readings` refuse what float() would take: underscores, other digits, hex, NaN, huge."""
    result = tracker("record", MINES, "contaminated-area-remaining", value, "--date", "2026-11-01")
    assert result.exit_code == 2 and result.stderr.startswith("error: VALUE: ") and len(result.stderr.splitlines()) == 1
    csv = tmp_path / "readings.csv"
    csv.write_text(f"pledge,indicator,date,value\n{MINES},contaminated-area-remaining,2026-11-01,{value}\n", encoding="utf-8")
    imported = tracker("import", "readings", str(csv))
    assert imported.exit_code == 2 and "readings.csv:2: value:" in imported.stderr
    assert _rows(tracker.root, "readings") == 0


def test_a_file_deleted_while_sync_reads_is_as_if_deleted_before(tracker: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 6: a file listed, then removed before it is read (a `git pull` under the daemon), is a removal, not a crash."""
    from tracker.pledges import loader

    assert tracker("status").exit_code == 0
    doomed = tracker.root / "pledges" / "doomed.yaml"
    doomed.write_text((tracker.root / "pledges" / f"{GCM}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    real = loader.read_limited

    def removed_first(path: Path) -> bytes:
        if path.name == "doomed.yaml":
            path.unlink()  # the real file system now answers as it would after a pull
        return real(path)

    monkeypatch.setattr(loader, "read_limited", removed_first)
    result = tracker("status", "--json")
    assert result.exit_code == 0 and "doomed" not in result.stdout
    monkeypatch.undo()
    assert tracker("status").exit_code == 0
