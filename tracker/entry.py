"""The `tracker` console script: two common answers without the command line, anything else runs the CLI.

Importing click and the command definitions alone takes about three times as long as starting Python, so:
- the top-level help, asked for far more often than anything else before a command is known, is kept as text
  (tracker/help_text.py, written by `python tools/help_text.py`; a test checks it equals what click prints);
- an hourly `tracker remind` that would do nothing is recognised from the database (tracker/quick.py).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing, which the quick paths do without
if TYPE_CHECKING:
    from typing import NoReturn

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
    """Run the command, then exit without tearing the interpreter down (see `leave`)."""
    try:
        dispatch(sys.argv[1:])
    except SystemExit as exc:
        leave(exc.code)
    leave(0)


def dispatch(args: list[str]) -> None:
    """Print the stored top-level help, answer a quiet remind, or run the command line."""
    if args in (["--help"], ["-h"]) and _columns() >= STORED_WIDTH:
        from tracker.help_text import HELP

        sys.stdout.write(HELP)
        return
    if "remind" in args:
        from tracker.quick import answer

        if answer(args, os.environ):
            return
    from tracker.cli import main as run

    run()


def leave(code: object) -> NoReturn:
    """Exit with `code` as SystemExit would, skipping the interpreter's teardown when nothing else is running.

    Freeing every module and object at exit costs a short command about as long again as starting Python. Nothing
    of ours needs it: writes are committed and files closed before a command returns. So output is flushed, atexit
    handlers run, and the process ends. With another thread alive (`tracker run`'s scheduler) or output that cannot
    be flushed, the usual exit runs instead.
    """
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        raise SystemExit(code)
    status = code if isinstance(code, int) else 0 if code is None else 1
    if code is not None and not isinstance(code, int):  # SystemExit("message"): printed, status 1
        print(code, file=sys.stderr)
    import atexit

    atexit._run_exitfuncs()  # in the order the usual exit runs them: before the streams are flushed
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(status) from None
    os._exit(status)
