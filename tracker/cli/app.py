"""The `tracker` command line: parse options, call one function, render. Heavy imports stay inside commands."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from tracker.errors import EXIT_DATABASE, EXIT_ERROR, EXIT_USAGE, TrackerError, UsageError

if TYPE_CHECKING:
    from tracker.store.db import Database
    from tracker.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])


class App:
    """Per-invocation state: the workspace, the clock and (opened on demand, synced once) the database."""

    def __init__(self, workspace: str | None, db: str | None) -> None:
        self._workspace_arg, self._db_arg = workspace, db
        self._workspace: Workspace | None = None
        self._db: Database | None = None
        self._local: datetime | None = None
        self.today_arg: str | None = None
        self.author_arg: str | None = None
        self.file_problems: list[str] = []

    def point_at(self, workspace: str | None, db: str | None) -> None:
        """Use the --workspace / --db given after the command name (they win over the group's and the environment's)."""
        assert self._db is None, "the database is opened only once the options are read"
        self._local = None
        if workspace is not None:
            self._workspace_arg, self._workspace = workspace, None
        if db is not None:
            self._db_arg, self._workspace = db, None

    @property
    def workspace(self) -> Workspace:
        """Return the resolved workspace."""
        if self._workspace is None:
            from tracker.workspace import open_workspace

            self._workspace = open_workspace(self._workspace_arg, self._db_arg)
        return self._workspace

    @property
    def author(self) -> str:
        """Return who enters what this command records: --author / TRACKER_AUTHOR, else git's identity, else the OS user."""
        from tracker.workspace import author_of

        return author_of(self.workspace.root, text_option(self.author_arg, "--author", 200))

    @property
    def today(self) -> date:
        """Return --today / TRACKER_TODAY, or today in the workspace time zone."""
        return self._local_now().date()

    @property
    def now(self) -> datetime:
        """Return this instant in UTC, moved to the --today day if one is given (retries and leases follow that day)."""
        return self._local_now().astimezone(UTC)

    @property
    def entered_at(self) -> str:
        """Return the instant entries made now are stamped with (UTC; on the --today day if one is given)."""
        return self.now.isoformat(timespec="microseconds")

    def _local_now(self) -> datetime:
        # Read once: a command running across midnight keeps one day, and its instant stays on that day.
        if self._local is None:
            try:
                self._local = self.workspace.now(self.today_arg)
            except ValueError as exc:
                raise UsageError(f"--today: {exc}") from None
        return self._local

    def db(self, lenient: bool = False) -> Database:
        """Open the database and sync changed pledge files into it (once per command).

        `lenient` (monitoring): an invalid pledge file keeps its last valid definition and its problems are kept in
        `file_problems` for the command to report, instead of stopping the command with exit 3.
        """
        if self._db is None:
            from tracker.store import sync

            today = self.today
            self.file_problems = sync.sync_all(self.open_db(), self.workspace.root, today, lenient=lenient).problems
        assert self._db is not None
        return self._db

    def open_db(self) -> Database:
        """Open (and migrate) the database without syncing the pledge files."""
        if self._db is None:
            from tracker.store.core import open_db

            self._db = open_db(self.workspace.db_path)
        return self._db

    def close(self) -> None:
        """Close the database, if a command opened it."""
        if self._db is not None:
            self._db.close()
            self._db = None


class TrackerGroup(click.Group):
    """Turns TrackerError, a failed file operation and a database error into one line on stderr and the exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrackerError as exc:
            for line in str(exc).splitlines() or [type(exc).__name__]:
                click.echo(f"error: {line}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (`| head`): nothing more to say, and nowhere to say it
            ctx.exit(EXIT_ERROR)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            ctx.exit(EXIT_ERROR)
        except Exception as exc:
            # sqlite3 is imported only by commands that open the database; --help must not pay for it.
            sqlite3 = sys.modules.get("sqlite3")
            if sqlite3 is None or not isinstance(exc, sqlite3.DatabaseError):
                raise
            click.echo(f"error: database: {exc}", err=True)
            ctx.exit(EXIT_DATABASE)


def today_option(func: F) -> F:
    """Add --today YYYY-MM-DD (env TRACKER_TODAY) to a command."""

    @click.option("--today", "today", envvar="TRACKER_TODAY", metavar="YYYY-MM-DD", help="Act as if today were this date (env TRACKER_TODAY).")
    @functools.wraps(func)
    def wrapper(*args: Any, today: str | None, **kwargs: Any) -> Any:
        click.get_current_context().find_object(App).today_arg = today  # type: ignore[union-attr]
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def global_options(func: F) -> F:
    """Add --workspace, --db and --author after the command name too (`tracker status --workspace DIR`), as the group has them."""
    return _after_command(func, with_author=True)


def location_options(func: F) -> F:
    """Add --workspace and --db after the command name, for a command whose own --author means something else."""
    return _after_command(func, with_author=False)


def _after_command(func: F, with_author: bool) -> F:
    @click.option("--workspace", "workspace_arg", metavar="DIR", help="Workspace folder (also before the command, or env TRACKER_WORKSPACE).")
    @click.option("--db", "db_arg", metavar="FILE", help="Database file (also before the command, or env TRACKER_DB).")
    @functools.wraps(func)
    def wrapper(*args: Any, workspace_arg: str | None, db_arg: str | None, author_arg: str | None = None, **kwargs: Any) -> Any:
        app = click.get_current_context().find_object(App)
        assert app is not None
        if workspace_arg is not None or db_arg is not None:
            app.point_at(workspace_arg, db_arg)
        if author_arg is not None:
            app.author_arg = author_arg
        return func(*args, **kwargs)

    if with_author:
        wrapper = click.option("--author", "author_arg", metavar="NAME",
                               help="Who enters the records (also before the command, or env TRACKER_AUTHOR).")(wrapper)
    return wrapper  # type: ignore[return-value]


def json_option(func: F) -> F:
    """Add --json (documented, stable keys) to a read command."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON (keys are documented and only ever added).")(func)


def emit_json(data: Any) -> None:
    """Print data as UTF-8 JSON: indented on a terminal, compact (and much faster to write) in a pipe."""
    import json

    pretty = sys.stdout.isatty()
    click.echo(json.dumps(data, indent=2 if pretty else None, ensure_ascii=False))


def emit_json_texts(texts: list[str]) -> None:
    """Print a JSON array of items that are already JSON text: spliced as they are in a pipe, indented on a terminal."""
    if sys.stdout.isatty():
        import json

        emit_json([json.loads(t) for t in texts])
    else:
        click.echo("[" + ", ".join(texts) + "]")


def console() -> Any:
    """Return the stdout console (colour only on a terminal; NO_COLOR honoured)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def parse_date(value: str | None, app: App, option: str) -> date:
    """Parse an option date, defaulting to today; refuse dates after today."""
    from tracker.pledges.days import past_day

    if value is None:
        return app.today
    try:
        return past_day(value, app.today)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def required_day(value: str | None, option: str, what: str) -> date:
    """Parse a required YYYY-MM-DD option; a missing or malformed one is a usage error naming the option."""
    from tracker.pledges.days import parse_day

    if value is None:
        raise UsageError(f"{option}: required: {what} (YYYY-MM-DD)")
    try:
        return parse_day(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


pass_app = click.make_pass_decorator(App)


def text_option(value: str | None, option: str, limit: int = 5000) -> str | None:
    """Check free text typed on the command line: no control characters, bounded length."""
    from tracker.pledges.values import check_text

    try:
        return check_text(value, limit)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def source_option(value: str | None, option: str) -> str | None:
    """Check a --source/--evidence reference: an http(s) URL or a plain citation, never another scheme."""
    from tracker.pledges.values import check_source

    try:
        return check_source(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def undecodable(args: list[str], environ: dict[str, str]) -> str | None:
    """Return an error line for the first argument or TRACKER_* variable that is not UTF-8 text, else None."""
    for position, arg in enumerate(args, start=1):
        if not _is_text(arg):
            return f"argument {position} ({arg.encode('utf-8', 'surrogateescape')!r}) is not UTF-8 text"
    for name, value in environ.items():
        if name.startswith("TRACKER_") and not _is_text(value):
            return f"{name} is not UTF-8 text"
    return None


def _is_text(value: str) -> bool:
    # Python keeps bytes that are not UTF-8 as lone surrogates, which no database or file can take.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def refuse_undecodable(args: list[str], environ: dict[str, str]) -> None:
    """Exit with a usage error (2) before anything runs if an argument or variable is not UTF-8 text."""
    problem = undecodable(args, environ)
    if problem:
        click.echo(f"error: {problem}", err=True)
        sys.exit(EXIT_USAGE)
