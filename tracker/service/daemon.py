"""The daemon's jobs: each opens its own database connection (jobs run in worker threads) and logs what it did.

A job never dies on a problem a user must fix (an invalid pledge file, a busy or full database): it logs one line,
and the scheduler keeps ticking. An invalid pledge file is named once each time its problems change, not every hour.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tracker.errors import TrackerError
from tracker.store import core
from tracker.store import outbox as store_outbox
from tracker.store.db import Database
from tracker.workspace import Workspace

if TYPE_CHECKING:
    from tracker.service.weekly import Published

log = logging.getLogger("tracker.run")


class FileProblems:
    """The problems of the pledge files last logged, so each set is logged once (shared by both jobs' threads)."""

    def __init__(self) -> None:
        self.last: list[str] = []
        self.lock = threading.Lock()

    def report(self, problems: list[str]) -> None:
        """Log the problems if they differ from the last ones logged (and say so when they are gone)."""
        with self.lock:
            if problems == self.last:
                return
            self.last = problems
        if not problems:
            log.info("the pledge files are valid again")
        for problem in problems:
            log.error("invalid pledge file, its last valid definition is used until it is fixed: %s", problem)


@contextlib.contextmanager
def _synced(workspace: Workspace, local: datetime, problems: FileProblems) -> Iterator[Database]:
    """Open the database and sync it leniently (monitoring goes on for every valid pledge); close it after."""
    from tracker.store.sync import sync_all

    db = core.open_db(workspace.db_path)
    try:
        problems.report(sync_all(db, workspace.root, local.date(), lenient=True).problems)
        yield db
    finally:
        db.close()


def tick_job(workspace: Workspace, today_arg: str | None, problems: FileProblems) -> None:
    """One monitoring tick, then the weekly report if its time has passed and it was not saved yet; then a heartbeat."""
    from tracker.service import weekly as reporting
    from tracker.service.remind import tick

    local = workspace.now(today_arg)
    with _logged("tick"), _synced(workspace, local, problems) as db:
        # Retries and leases follow the same clock as the day: with --today, stepping the day is time passing.
        result = tick(db, workspace.settings, local.date(), now=local.astimezone(UTC), root=workspace.root)
        log.info("tick: %d sent, %d failed, %d dead, %d planned, %d superseded, %d alerts", len(result.sent), len(result.failed),
                 len(result.dead), result.planned, result.superseded, result.alerts)
        if reporting.due_for_weekly(local, workspace.settings.weekly_day, workspace.settings.weekly_time):
            _log_published(reporting.scheduled(db, workspace, local.date()))
        store_outbox.beat(db, "daemon", core.utc_now(), local.date(), "tick")


def weekly_job(workspace: Workspace, today_arg: str | None, problems: FileProblems) -> None:
    """Save the weekly report (once per week) and tell the channels that asked for it."""
    from tracker.service import weekly as reporting

    local = workspace.now(today_arg)
    with _logged("weekly-report"), _synced(workspace, local, problems) as db:
        _log_published(reporting.scheduled(db, workspace, local.date()))


def _log_published(published: Published | None) -> None:
    if published is None:
        return
    for path in published.paths:
        log.info("weekly report saved: %s", path)
    log.info("weekly report %s delivered to %d of %d recipients", published.week,
             len(published.deliveries) - len(published.failures()), len(published.deliveries))


@contextlib.contextmanager
def _logged(job: str) -> Iterator[None]:
    """Turn a problem users must fix into one log line; the next run tries again."""
    try:
        yield
    except (TrackerError, OSError) as exc:
        log.error("job %s stopped: %s", job, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def serve(workspace: Workspace, today_arg: str | None) -> None:
    """Log to stderr and run the scheduler until stopped."""
    import os

    from tracker.service.scheduler import run

    os.umask(0o077)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    problems = FileProblems()
    run(workspace, lambda: tick_job(workspace, today_arg, problems), lambda: weekly_job(workspace, today_arg, problems))
