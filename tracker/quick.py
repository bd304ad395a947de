"""`tracker remind` answered without the command line when the database proves a full tick would do nothing.

A monitoring tick runs every hour from cron or `tracker run`, and almost every one finds nothing to plan or send.
Loading click, the workspace settings and the planning code costs several times Python's own start-up, so the
console script (tracker/entry.py) asks this module first. It answers only when all of these hold:

- the database has exactly the migrations this version knows;
- the pledge folder lists the same files, sizes and mtimes the database was last synced with (`files_digest`);
- the last complete tick recorded the same day, data version (`data_version`, counted by triggers) and settings
  digest (this version, tracker.toml's bytes, the channel variables) as now (`tick_inputs`);
- nothing in the outbox is ready to send or leased.

Then the full tick would find the same mark and return at once, so this prints the same line. On anything else
(an option it does not handle, a missing file, any error) it returns False and the full command line runs, which
does the work and reports problems in the usual way. It imports only os, sqlite3 and BLAKE2.
"""

from __future__ import annotations

import os
import sqlite3

from tracker import __version__
from tracker.layout import hasher, scan
from tracker.schema import MIGRATIONS, READY_OR_LEASED

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date

CONFIG_FILE = "tracker.toml"
DEFAULT_DB = "tracker.db"
SMTP_ENV = "TRACKER_SMTP_URL"
URLS_ENV = "TRACKER_NOTIFY_URLS"
REPORT_URLS_ENV = "TRACKER_REPORT_URLS"
# The group options and the command's own option that the quick answer understands, with their variables.
OPTIONS = {"--workspace": "TRACKER_WORKSPACE", "--db": "TRACKER_DB"}
REMIND_OPTIONS = {"--today": "TRACKER_TODAY"}


def find_root(start: str) -> str | None:
    """Return the nearest folder from `start` (an absolute path) upward holding tracker.toml or pledges/."""
    folder = start
    while True:
        if os.path.isfile(os.path.join(folder, CONFIG_FILE)) or os.path.isdir(os.path.join(folder, "pledges")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def config_digest(raw: bytes | None) -> str:
    """Return a digest of tracker.toml's bytes (None: there is no tracker.toml)."""
    if raw is None:
        return "none"
    digest = hasher()
    digest.update(raw)
    return str(digest.hexdigest())


def inputs_digest(config: str, environ: Mapping[str, str]) -> str:
    """Return a digest of everything outside the database a tick's plan depends on: version, settings, channels."""
    # Channel URLs may hold passwords: only their digest is ever stored.
    parts = [__version__, config] + [repr(environ.get(name)) for name in (SMTP_ENV, URLS_ENV, REPORT_URLS_ENV)]
    digest = hasher()
    digest.update("\0".join(parts).encode("utf-8", "surrogateescape"))
    return str(digest.hexdigest())


def tick_inputs(today: date, data_version: int, timezone: str, inputs: str) -> str:
    """Return what a complete tick records, and what the quick answer compares: day, data version, zone, inputs."""
    return f"{today.isoformat()}|{data_version}|{timezone}|{inputs}"


def summary(sent: int = 0, failed: int = 0, dead: int = 0, planned: int = 0, superseded: int = 0, alerts: int = 0) -> str:
    """Return the one-line count of what a tick did."""
    return (f"{sent} sent, {failed} failed (will retry), {dead} dead, "
            f"{planned} planned, {superseded} superseded, {alerts} progress alerts")


def answer(args: list[str], environ: Mapping[str, str]) -> bool:
    """Print the quiet tick's line and return True when `tracker ARGS` is a remind that would do nothing."""
    options = parse_args(args, environ)
    if options is None:
        return False
    try:
        quiet = is_quiet(*options, environ)
    except (OSError, ValueError, sqlite3.Error):
        return False
    if quiet:
        print(summary())
    return quiet


def parse_args(args: list[str], environ: Mapping[str, str]) -> tuple[str | None, str | None, str | None] | None:
    """Return (workspace, db, today) for `[--workspace DIR] [--db FILE] remind [--today DAY]`, else None."""
    found: dict[str, str] = {}
    known, rest = OPTIONS, list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "remind" and known is OPTIONS:
            known = REMIND_OPTIONS
            continue
        name, eq, value = arg.partition("=")
        if name not in known or name in found or not (eq or rest):
            return None
        value = value if eq else rest.pop(0)
        if not value or value.startswith("-"):
            return None
        found[name] = value
    if known is OPTIONS:
        return None
    # click treats an empty variable as unset.
    values = [found.get(name) or environ.get(var) or None for name, var in (*OPTIONS.items(), *REMIND_OPTIONS.items())]
    return values[0], values[1], values[2]


def is_quiet(workspace: str | None, db: str | None, today_arg: str | None, environ: Mapping[str, str]) -> bool:
    """Return True when the stored state proves a full tick as of now would plan, alert and send nothing."""
    root = _root(workspace)
    if root is None:
        return False
    db_path = os.path.expanduser(db) if db else os.path.join(root, DEFAULT_DB)
    if not os.path.isfile(db_path):
        return False
    state = _state(db_path)
    if state is None:
        return False
    files, inputs, version = state
    day, _, zone = inputs.split("|")[:3]
    today = _today(today_arg, zone)
    if today is None or today.isoformat() != day:
        return False
    config = config_digest(read_config(os.path.join(root, CONFIG_FILE)))
    if inputs != tick_inputs(today, version, zone, inputs_digest(config, environ)):
        return False
    return files == scan(os.path.join(root, "pledges"))


def _root(workspace: str | None) -> str | None:
    if workspace:
        root = os.path.expanduser(workspace)
        return os.path.realpath(root) if os.path.isdir(root) else None
    return find_root(os.path.realpath(os.getcwd()))


def read_config(path: str) -> bytes | None:
    """Return the bytes of tracker.toml at `path`, or None when there is no such file."""
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as file:
        return file.read()


def _state(db_path: str) -> tuple[str, str, int] | None:
    """Read, in one snapshot, the files digest, tick inputs and data version; None if the schema is not current,
    no complete tick is recorded, or something in the outbox is ready."""
    from datetime import UTC, datetime

    now = datetime.now(UTC).isoformat(timespec="microseconds")
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'tracker' ORDER BY rowid")]
        row = conn.execute("SELECT files_digest, tick_inputs, tick_mark, data_version FROM cache_state WHERE id = 1").fetchone()
        ready = conn.execute(READY_OR_LEASED, {"now": now}).fetchone()
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    # tick_inputs is written only together with tick_mark; both are checked so a half-written state never answers.
    if tuple(applied) != MIGRATIONS or ready or not (row[0] and row[1] and row[2]):
        return None
    return row[0], row[1], row[3]


def _today(today_arg: str | None, zone: str) -> date | None:
    """Return the day as `tracker remind` would: --today / TRACKER_TODAY, else today in the workspace time zone."""
    from datetime import datetime

    if today_arg:
        from tracker.isoday import parse_day

        try:
            return parse_day(today_arg)
        except ValueError:
            return None  # the full command explains what is wrong with it
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(zone)).date()
