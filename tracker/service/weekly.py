"""Glue between the report data and its formats: choose the week, render, save the three files."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from tracker.domain.statuses import HEALTH
from tracker.errors import UsageError
from tracker.render.report import json_chunks, render
from tracker.store.db import Database
from tracker.views.report import build_weekly, week_of
from tracker.workspace import Workspace


def weekly(db: Database, workspace: Workspace, today: date, week: str | None) -> dict[str, Any]:
    """Build the weekly report for `week` (default: the ISO week of `today`); service warnings as of this instant."""
    from tracker.pledges.dates import iso_week_bounds

    chosen = week or week_of(today)
    try:
        iso_week_bounds(chosen)
    except ValueError as exc:
        raise UsageError(f"--week: {exc}") from None
    return build_weekly(db, chosen, today, workspace.settings, workspace.root.name, datetime.now(UTC))


def save(data: dict[str, Any], folder: Path) -> list[Path]:
    """Write `<week>.md`, `.html` and `.json` into `folder`, each atomically; return their paths."""
    from tracker.files import atomic_write, atomic_write_chunks

    paths = []
    for ext, fmt in (("md", "md"), ("html", "html"), ("json", "json")):
        path = folder / f"{data['week']}.{ext}"
        if fmt == "json":
            atomic_write_chunks(path, json_chunks(data))
        else:
            atomic_write(path, render(data, fmt))
        paths.append(path)
    return paths


def scheduled(db: Database, workspace: Workspace, today: date, force: bool = False) -> list[Path]:
    """Save, once, the weekly report of the last complete ISO week (the one before the week holding `today`).

    Whatever day the run comes (a daemon started on a Tuesday catching up), the week it saves and records as done
    has ended: a partial week is never recorded, so it is saved in full once it is over.
    """
    from tracker.store import core
    from tracker.store import outbox as store_outbox

    week = week_of(today - timedelta(days=today.weekday() + 1))  # the Sunday before this week
    if store_outbox.report_run(db, week) and not force:
        return []
    data = weekly(db, workspace, today, week)
    paths = save(data, workspace.reports_dir)
    from tracker.interop.calendar import write_deadlines_ics

    paths.append(write_deadlines_ics(db, workspace, today))
    store_outbox.record_report_run(db, week, core.utc_now(), today, [str(p) for p in paths])
    _announce(data, workspace, paths)
    return paths


def due_for_weekly(now_local: datetime, weekday: str, at: str) -> bool:
    """Return True once this week's scheduled report time (e.g. Monday 07:00 local) has passed."""
    from tracker.workspace import DAYS

    hour, minute = (int(x) for x in at.split(":"))
    slot = (now_local - timedelta(days=now_local.weekday() - DAYS.index(weekday))).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return now_local >= slot


def _announce(data: dict[str, Any], workspace: Workspace, paths: list[Path]) -> None:
    from tracker.service.notify import Channels, send

    channels = Channels.from_settings(workspace.settings)
    summary = data["summary"]
    health = ", ".join(f"{summary['by_health'][h]} {h}" for h in HEALTH if summary["by_health"].get(h))
    body = (f"Weekly pledge report {data['week']} ({data['from']} to {data['to']}): {summary['pledges']} pledges — {health}; "
            f"{summary['discrepancies']} with a discrepancy; {len(data['changes']['newly_overdue'])} newly overdue.\n"
            + "\n".join(f"Saved: {p}" for p in paths) + "\n")
    for label in channels.report_urls:
        error = send(channels, label, f"[tracker] Weekly pledge report {data['week']}", body)
        if error:
            import logging

            logging.getLogger("tracker").warning("weekly report not delivered to %s: %s", label, error)
