"""Every file the tool writes: atomic, never through a link or over a device, umask respected, leftovers cleared."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tracker.files import RefusedPath, atomic_write, create_new


def _dead_pid() -> int:
    """Return the id of a process that has just ended."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    return int(child.stdout)


def test_leftovers_of_killed_writers_are_cleared_whoever_left_them(tmp_path: Path) -> None:
    """A temporary file of a process that is gone goes at once; one of a live process only once it is an hour old."""
    dead = tmp_path / f".backup.db.{_dead_pid()}.{'a' * 16}.tmp"
    dead.write_text("half", encoding="utf-8")
    alive_young = tmp_path / f".2026-W48.md.{os.getppid()}.{'b' * 16}.tmp"
    alive_young.write_text("in progress elsewhere", encoding="utf-8")
    alive_old = tmp_path / f".2026-W48.html.{os.getppid()}.{'c' * 16}.tmp"
    alive_old.write_text("abandoned", encoding="utf-8")
    os.utime(alive_old, (time.time() - 7200, time.time() - 7200))
    mine = tmp_path / "notes.1.tmp"
    mine.write_text("a user's own file", encoding="utf-8")
    atomic_write(tmp_path / "2026-W48.md", "# done\n")
    assert not dead.exists() and not alive_old.exists()
    assert alive_young.exists() and mine.exists()
    assert (tmp_path / "2026-W48.md").read_text(encoding="utf-8") == "# done\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp") and p.name.startswith(".2026-W48.md.")] == [alive_young.name]


def test_a_link_or_a_special_file_is_never_written_through(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("mine", encoding="utf-8")
    link = tmp_path / "report.md"
    link.symlink_to(notes)
    with pytest.raises(RefusedPath, match="symbolic link"):
        atomic_write(link, "replaced")
    assert notes.read_text(encoding="utf-8") == "mine" and link.is_symlink()
    (tmp_path / "folder.md").mkdir()
    with pytest.raises(RefusedPath, match="not a regular file"):
        atomic_write(tmp_path / "folder.md", "x")
    os.mkfifo(tmp_path / "pipe.md")
    with pytest.raises(RefusedPath, match="not a regular file"):
        atomic_write(tmp_path / "pipe.md", "x")
    assert stat.S_ISFIFO((tmp_path / "pipe.md").lstat().st_mode)


def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        atomic_write(tmp_path / "state.json", "{}")
        (tmp_path / "shared.json").write_text("{}", encoding="utf-8")
        (tmp_path / "shared.json").chmod(0o640)
        atomic_write(tmp_path / "shared.json", "{\"a\": 1}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "state.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "shared.json").stat().st_mode) == 0o640


def test_create_new_refuses_a_dangling_link(tmp_path: Path) -> None:
    outside = tmp_path / "outside.toml"
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "tracker.toml").symlink_to(outside)
    with pytest.raises(RefusedPath, match="already exists"):
        create_new(tmp_path / "ws" / "tracker.toml", b"x")
    assert not outside.exists()
