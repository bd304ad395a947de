"""Start-up stays light: `tracker --help` imports none of the heavy libraries."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("apscheduler", "apprise", "sqlite_utils", "rich.table", "pydantic", "yaml")


def test_help_does_not_import_heavy_modules() -> None:
    """--help loads click and the command list only."""
    code = (
        "import sys\nfrom tracker.cli.main import cli\n"
        "try:\n    cli(['--help'], prog_name='tracker')\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_python_dash_m_works() -> None:
    """`python -m tracker --version` runs the same CLI."""
    out = subprocess.run([sys.executable, "-m", "tracker", "--version"], capture_output=True, text=True, check=True).stdout
    assert out.startswith("tracker, version ")
