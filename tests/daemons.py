"""Start `tracker run` as a real process and read its log, for the daemon and concurrency tests."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path


def start_daemon(ws: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """Start `tracker run` in `ws` with `env` added to this process's environment."""
    return subprocess.Popen([sys.executable, "-m", "tracker", "run"], cwd=ws, env={**os.environ, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(proc: subprocess.Popen[str], needle: str, limit: float = 60.0) -> list[str]:
    """Read the daemon's log lines until one contains `needle` (a timer kills it if it never comes)."""
    timer = threading.Timer(limit, proc.kill)
    timer.start()
    lines = []
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if needle in line:
                return lines
    finally:
        timer.cancel()
    raise AssertionError(f"the daemon never logged {needle!r}: {''.join(lines)}")
