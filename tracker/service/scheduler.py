"""`tracker run`: APScheduler is only the clock. Its jobs call what `tracker remind` and `report weekly --save` call."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import signal
import stat
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from tracker.errors import TrackerError
from tracker.files import RefusedPath
from tracker.workspace import Workspace

log = logging.getLogger("tracker.run")
LOCK_FILE = ".tracker-run.lock"


class AlreadyRunning(TrackerError):
    """Another daemon holds this workspace's lock."""


@contextlib.contextmanager
def workspace_lock(workspace: Workspace) -> Iterator[None]:
    """Hold an exclusive lock on the workspace for the daemon's lifetime (released by the OS if it dies).

    The lock file is opened without following a link and without truncating: a link planted under its name (git
    can carry one into a workspace) is refused, and another daemon's PID is only read, never erased.
    """
    path = workspace.root / LOCK_FILE
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise RefusedPath(f"{path}: is a symbolic link; remove it (the daemon's lock is a plain file)") from None
        raise
    with os.fdopen(fd, "r+", encoding="utf-8") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise RefusedPath(f"{path}: is not a regular file; remove it (the daemon's lock is a plain file)")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = handle.read(32).strip() or "another process"
            raise AlreadyRunning(f"a tracker daemon already runs for {workspace.root} (pid {holder}); one per workspace") from None
        handle.truncate(0)  # ours now: replace the previous daemon's PID
        handle.write(str(os.getpid()))
        handle.flush()
        yield


def build(workspace: Workspace, tick: Callable[[], None], weekly: Callable[[], None]) -> BlockingScheduler:
    """Return the scheduler with its two jobs: `tick` (now, then every N minutes) and `weekly-report`."""
    settings = workspace.settings
    scheduler = BlockingScheduler(timezone=settings.zone, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})
    scheduler.add_job(tick, IntervalTrigger(minutes=settings.tick_minutes, timezone=settings.zone), id="tick", name="tick",
                      next_run_time=datetime.now(settings.zone), replace_existing=True)
    hour, minute = (int(x) for x in settings.weekly_time.split(":"))
    scheduler.add_job(weekly, CronTrigger(day_of_week=settings.weekly_day, hour=hour, minute=minute, timezone=settings.zone),
                      id="weekly-report", name="weekly-report", replace_existing=True)
    scheduler.add_listener(_listen, EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_EXECUTED)
    return scheduler


def _listen(event: JobExecutionEvent) -> None:
    if event.code == EVENT_JOB_ERROR:
        log.error("job %s failed: %s", event.job_id, event.exception)
    elif event.code == EVENT_JOB_MISSED:
        log.warning("job %s missed its run time %s", event.job_id, event.scheduled_run_time)
    else:
        log.info("job %s done", event.job_id)


def run(workspace: Workspace, tick: Callable[[], None], weekly: Callable[[], None]) -> None:
    """Run the daemon until SIGTERM or SIGINT; the job in flight finishes before it exits."""
    with workspace_lock(workspace):
        scheduler = build(workspace, tick, weekly)

        def stop(signum: int, frame: Any) -> None:
            log.info("received signal %s: finishing the running job, then stopping", signum)
            scheduler.shutdown(wait=True)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        log.info("tracker daemon started for %s (pid %s; tick every %s min, weekly report %s %s)", workspace.root, os.getpid(),
                 workspace.settings.tick_minutes, workspace.settings.weekly_day, workspace.settings.weekly_time)
        scheduler.start()
        log.info("tracker daemon stopped")
