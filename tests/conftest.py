"""Shared fixtures: every test gets its own workspace copied from the bundled catalog."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-23"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's workspace, clock or colour settings."""
    for name in ("TRACKER_WORKSPACE", "TRACKER_DB", "TRACKER_TODAY", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A fresh workspace holding a copy of the bundled catalog."""
    root = tmp_path / "ws"
    (root / "reports").mkdir(parents=True)
    shutil.copytree(REPO / "pledges", root / "pledges")
    shutil.copyfile(REPO / "tracker.toml", root / "tracker.toml")
    return root


class Tracker:
    """Run `tracker` in-process (CliRunner) against one workspace."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runner = CliRunner()

    def __call__(self, *args: str, today: str | None = TODAY, **environ: str) -> Result:
        env = {"TRACKER_WORKSPACE": str(self.root), "COLUMNS": "80", **environ}
        if today:
            env["TRACKER_TODAY"] = today
        from tracker.cli.main import cli

        return self.runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    def db_dump(self) -> list[tuple[str, list[tuple[object, ...]]]]:
        """Return every row of every table, to prove a failed command changed nothing."""
        conn = sqlite3.connect(self.root / "tracker.db")
        try:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
            return [(t, sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)) for t in tables]
        finally:
            conn.close()


@pytest.fixture
def tracker(workspace: Path) -> Tracker:
    """A CLI runner bound to the test workspace."""
    return Tracker(workspace)


def run_process(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m tracker` as a separate process, as a user would."""
    full_env = {**os.environ, "COLUMNS": "80", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def proc(workspace: Path) -> Iterator[object]:
    """Run the CLI as a subprocess inside the test workspace."""

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return run_process(*args, cwd=workspace, env={"TRACKER_TODAY": TODAY, **(env or {})})

    yield run
