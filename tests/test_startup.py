"""Start-up stays light: `tracker --help` imports none of the heavy libraries."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import REPO

HEAVY = ("apscheduler", "apprise", "sqlite_utils", "rich.table", "pydantic", "yaml")


def test_help_does_not_import_heavy_modules() -> None:
    """--help loads click and the command list only."""
    code = (
        "import sys\nfrom tracker.cli import cli\n"
        "try:\n    cli(['--help'], prog_name='tracker')\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_python_dash_m_works() -> None:
    """`python -m tracker --version` runs the same CLI."""
    out = subprocess.run([sys.executable, "-m", "tracker", "--version"], capture_output=True, text=True, check=True).stdout
    assert out.startswith("tracker, version ")


def _entry(columns: str) -> str:
    env = {**os.environ, "COLUMNS": columns}
    return subprocess.run([sys.executable, "-m", "tracker", "--help"], capture_output=True, text=True, check=True, env=env).stdout


def test_stored_help_is_what_click_prints() -> None:
    """tracker/help_text.py is current (else run `python tools/help_text.py`), and the entry point prints it."""
    sys.path.insert(0, str(REPO / "tools"))
    import help_text as tool

    from tracker.help_text import HELP

    printed = tool.click_help()
    assert printed == HELP, "tracker/help_text.py is stale: run `python tools/help_text.py`"
    assert _entry("80") == _entry("200") == printed
    narrow = _entry("60")
    assert narrow != printed
    assert narrow.startswith("Usage: tracker [OPTIONS] COMMAND [ARGS]...")


def test_stored_help_imports_no_click() -> None:
    """The console script answers --help without importing click or any command."""
    code = ("import atexit, sys; atexit.register(lambda: print(sorted(m for m in ('click', 'tracker.cli') if m in sys.modules)));"
            " sys.argv = ['tracker', '--help']; from tracker.entry import main; main()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**os.environ, "COLUMNS": "80"}).stdout
    assert out.splitlines()[-1] == "[]"


@pytest.mark.parametrize(("code", "status", "stdout", "stderr"), [
    ("None", 0, "partial line|atexit", ""), ("0", 0, "partial line|atexit", ""), ("6", 6, "partial line|atexit", ""),
    ("'error: message'", 1, "partial line|atexit", "error: message\n"),
])
def test_the_quick_exit_keeps_what_systemexit_does(code: str, status: int, stdout: str, stderr: str) -> None:
    """entry.leave skips the teardown only: buffered output is flushed, atexit handlers run, the status is SystemExit's."""
    script = ("import atexit, sys; atexit.register(lambda: print('|atexit', end='')); from tracker.entry import leave;"
              f" sys.stdout.write('partial line'); leave({code})")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # output stays in buffers until the exit
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60, env=env)
    assert (done.returncode, done.stdout, done.stderr) == (status, stdout, stderr)
