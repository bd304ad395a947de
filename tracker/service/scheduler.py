"""`tracker run`: APScheduler is only the clock. Its jobs call what `tracker remind` and `report weekly --save` call."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from tracker.errors import TrackerError
from tracker.workspace import Workspace

log = logging.getLogger("tracker.run")
LOCK_FILE = ".tracker-run.lock"


class AlreadyRunning(TrackerError):
    """Another daemon holds this workspace's lock."""


@contextlib.contextmanager
def workspace_lock(workspace: Workspace) -> Iterator[None]:
    """Hold an exclusive lock on the workspace for the daemon's lifetime (released by the OS if it dies)."""
    path = workspace.root / LOCK_FILE
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise AlreadyRunning(f"a tracker daemon already runs for {workspace.root} (pid {holder}); one per workspace") from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    try:
        yield
    finally:
        handle.close()


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
