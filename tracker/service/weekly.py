"""Glue between the report data and its formats: choose the week, render, save the three files."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.errors import UsageError
from tracker.render.report import json_chunks, render
from tracker.store.db import Database
from tracker.views.report import build_weekly, week_of
from tracker.workspace import Workspace

if TYPE_CHECKING:
    from tracker.service.notify import Sent


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


def publish_week(db: Database, workspace: Workspace, today: date, week: str | None, send: bool) -> Published:
    """Save the week's report (md, html, json), refresh reports/deadlines.ics, and with `send` deliver the report to
    `[notify] report_to` and `report_urls`: what `report weekly --save [--send]` and the daemon's weekly job do."""
    from tracker.interop.calendar import write_deadlines_ics
    from tracker.render import report_mail

    data = weekly(db, workspace, today, week)
    paths = save(data, workspace.reports_dir)
    chosen, pairs = data["week"], report_mail.fields(data, paths[1].name, workspace.settings.publish_base_url)
    subject = report_mail.subject(data)
    del data  # the calendar is built next: a global portfolio's report and calendar need not both be in memory
    paths.append(write_deadlines_ics(db, workspace, today))
    return Published(chosen, paths, deliver_report(chosen, subject, pairs, workspace, paths[1]) if send else [])


@dataclass
class Published:
    """What publishing a week did: the files written and, per recipient, how delivery ended."""

    week: str
    paths: list[Path]
    deliveries: list[tuple[str, Sent]] = field(default_factory=list)

    def failures(self) -> list[str]:
        """Return one line per recipient the report did not reach."""
        return [f"{who}: {sent.state}: {sent.reply or ''}".rstrip(": ") for who, sent in self.deliveries if sent.state != "sent"]


def deliver_report(week: str, subject: str, pairs: list[tuple[str, str]], workspace: Workspace,
                   html_path: Path) -> list[tuple[str, Sent]]:
    """Send the report itself: the summary in the body with the HTML report attached (e-mail), the summary (channels)."""
    from tracker.render import report_mail
    from tracker.service.notify import Channels, send_message

    settings = workspace.settings
    channels = Channels.from_settings(settings)
    text, html = report_mail.text(pairs), report_mail.html(pairs)
    attachment = ((html_path.name, "text/html", html_path.read_bytes()),)
    done = []
    for recipient in (*settings.report_to, *channels.report_urls):
        message_id = f"report.{week}.{hashlib.sha256(recipient.encode()).hexdigest()[:16]}"
        files = attachment if not recipient.startswith("channel:") else ()
        done.append((recipient, send_message(channels, recipient, subject, text, html, message_id, files)))
    return done


def scheduled(db: Database, workspace: Workspace, today: date, force: bool = False) -> Published | None:
    """Publish, once, the weekly report of the last complete ISO week (the one before the week holding `today`).

    Whatever day the run comes (a daemon started on a Tuesday catching up), the week it saves and records as done
    has ended: a partial week is never recorded, so it is saved in full once it is over.
    """
    from tracker.store import core
    from tracker.store import outbox as store_outbox

    week = week_of(today - timedelta(days=today.weekday() + 1))  # the Sunday before this week
    if store_outbox.report_run(db, week) and not force:
        return None
    # First the site the report's e-mail links to ([publish] base_url), so the link shows this week's record.
    folder = workspace.settings.publish_folder(workspace.root)
    site = publish_site(db, workspace, today, folder) if folder else []
    published = publish_week(db, workspace, today, week, send=True)
    published.paths += site
    store_outbox.record_report_run(db, week, core.utc_now(), today, [str(p) for p in published.paths])
    for line in published.failures():
        import logging

        logging.getLogger("tracker").warning("weekly report not delivered to %s", line)
    return published


def publish_site(db: Database, workspace: Workspace, today: date, folder: Path) -> list[Path]:
    """Publish the static site into `folder` (`[publish] dir`); return its index."""
    from tracker.service.publish import publish

    return [publish(db, workspace, today, folder, workspace.settings.publish_base_url).folder / "index.html"]


def due_for_weekly(now_local: datetime, weekday: str, at: str) -> bool:
    """Return True once this week's scheduled report time (e.g. Monday 07:00 local) has passed."""
    from tracker.workspace import DAYS

    hour, minute = (int(x) for x in at.split(":"))
    slot = (now_local - timedelta(days=now_local.weekday() - DAYS.index(weekday))).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return now_local >= slot
