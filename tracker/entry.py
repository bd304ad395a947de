"""The `tracker` console script: two common answers without the command line, anything else runs the CLI.

Importing click and the command definitions alone takes about three times as long as starting Python, so:
- the top-level help, asked for far more often than anything else before a command is known, is kept as text
  (tracker/help_text.py, written by `python tools/help_text.py`; a test checks it equals what click prints);
- an hourly `tracker remind` that would do nothing is recognised from the database (tracker/quick.py).
"""

from __future__ import annotations

import os
import sys

# click lays help out for min(terminal width, 80) - 2 columns; the stored text is the one for 80 columns or more.
STORED_WIDTH = 80


def _columns() -> int:
    """Return the terminal width as shutil.get_terminal_size (which click uses) would, without importing shutil."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 80
    except (AttributeError, ValueError, OSError):
        return 80


def main() -> None:
    """Print the stored top-level help, or run the command line."""
    if sys.argv[1:] in (["--help"], ["-h"]) and _columns() >= STORED_WIDTH:
        from tracker.help_text import HELP

        sys.stdout.write(HELP)
        return
    if "remind" in sys.argv[1:]:
        from tracker.quick import answer

        if answer(sys.argv[1:], os.environ):
            return
    from tracker.cli import main as run

    run()
