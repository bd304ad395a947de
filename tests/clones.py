"""Real git repositories for tests of the shared record: a bare origin holding the catalog, and clones of it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import REPO

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}


def git(repo: Path, *args: str) -> str:
    """Run git in `repo`; return its output (a failure raises)."""
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env={**os.environ, **GIT_ENV}, check=True)
    return done.stdout


def shared(tmp_path: Path) -> tuple[Path, Path]:
    """A bare repository holding the catalog, and two clones of it, each a workspace (as `tracker init` makes one)."""
    origin, seed = tmp_path / "origin.git", tmp_path / "seed"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    shutil.copytree(REPO / "pledges", seed / "pledges")
    shutil.copyfile(REPO / "tracker.toml", seed / "tracker.toml")
    (seed / ".gitignore").write_text("tracker.db\ntracker.db-*\n*.tmp\n", encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main", str(seed))
    git(seed, "add", ".")
    git(seed, "commit", "-q", "-m", "catalog")
    git(seed, "push", "-q", str(origin), "main")
    for name in ("a", "b"):
        subprocess.run(["git", "clone", "-q", str(origin), str(tmp_path / name)], check=True, env={**os.environ, **GIT_ENV})
    return tmp_path / "a", tmp_path / "b"
