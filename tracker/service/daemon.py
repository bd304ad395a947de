"""The daemon's jobs: each opens its own database connection (jobs run in worker threads) and logs what it did."""

from __future__ import annotations

import logging
import sys

from tracker.store import core
from tracker.store import outbox as store_outbox
from tracker.workspace import Workspace

log = logging.getLogger("tracker.run")


def tick_job(workspace: Workspace, today_arg: str | None) -> None:
    """One monitoring tick, then the weekly report if its time has passed and it was not saved yet; then a heartbeat."""
    from tracker.service import weekly as reporting
    from tracker.service.remind import tick
    from tracker.store.sync import sync

    local = workspace.now(today_arg)
    db = core.open_db(workspace.db_path)
    try:
        sync(db, workspace.pledges_dir, local.date())
        result = tick(db, workspace.settings, local.date())
        log.info("tick: %d sent, %d failed, %d dead, %d planned, %d superseded, %d alerts", len(result.sent), len(result.failed),
                 len(result.dead), result.planned, result.superseded, result.alerts)
        if reporting.due_for_weekly(local, workspace.settings.weekly_day, workspace.settings.weekly_time):
            for path in reporting.scheduled(db, workspace, local.date()):
                log.info("weekly report saved: %s", path)
        store_outbox.beat(db, "daemon", core.utc_now(), local.date(), "tick")
    finally:
        db.close()


def weekly_job(workspace: Workspace, today_arg: str | None) -> None:
    """Save the weekly report (once per week) and tell the channels that asked for it."""
    from tracker.service import weekly as reporting
    from tracker.store.sync import sync

    local = workspace.now(today_arg)
    db = core.open_db(workspace.db_path)
    try:
        sync(db, workspace.pledges_dir, local.date())
        for path in reporting.scheduled(db, workspace, local.date()):
            log.info("weekly report saved: %s", path)
    finally:
        db.close()


def serve(workspace: Workspace, today_arg: str | None) -> None:
    """Log to stderr and run the scheduler until stopped."""
    import os

    from tracker.service.scheduler import run

    os.umask(0o077)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    run(workspace, lambda: tick_job(workspace, today_arg), lambda: weekly_job(workspace, today_arg))
