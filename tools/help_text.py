"""Write tracker/help_text.py: the top-level `tracker --help` exactly as click prints it at 80 columns.

Run it after changing a command's name or first docstring line, or a global option; tests/test_startup.py fails
until the stored text matches again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "tracker" / "help_text.py"
CLICK_HELP = "import sys; sys.argv = ['tracker', '--help']; from tracker.cli import main; main()"


def click_help() -> str:
    """Return what click itself prints for `tracker --help` at 80 columns."""
    env = {**os.environ, "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-c", CLICK_HELP], capture_output=True, text=True, check=True, env=env).stdout


def module_text(help_text: str) -> str:
    """Return the source of tracker/help_text.py holding `help_text`."""
    lines = "".join(f"    {line!r}\n" for line in help_text.splitlines(keepends=True))
    return ('"""The top-level `tracker --help`, as click prints it at 80 columns (written by tools/help_text.py)."""\n\n'
            f"HELP = (\n{lines})\n")


if __name__ == "__main__":
    TARGET.write_text(module_text(click_help()), encoding="utf-8")
    print(f"wrote {TARGET}")
