"""Glue between the report data and its formats: choose the week, render, save the three files."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from tracker.errors import UsageError
from tracker.store.db import Database
from tracker.views.report import PledgeEntries, build_weekly, week_of
from tracker.workspace import Workspace


def weekly(db: Database, workspace: Workspace, today: date, week: str | None) -> dict[str, Any]:
    """Build the weekly report for `week` (default: the ISO week of `today`)."""
    from tracker.pledges.dates import iso_week_bounds

    chosen = week or week_of(today)
    try:
        iso_week_bounds(chosen)
    except ValueError as exc:
        raise UsageError(f"--week: {exc}") from None
    return build_weekly(db, chosen, today, workspace.settings, workspace.root.name)


def render(data: dict[str, Any], fmt: str, pretty: bool = False) -> str:
    """Return the report in one of the file formats: md, html or json."""
    if fmt == "json":
        return "".join(json_chunks(data, pretty))
    if fmt == "html":
        from tracker.render.report_html import render_html

        return render_html(data)
    from tracker.render.markdown import render_markdown

    return render_markdown(data)


CHUNK = 500  # pledge entries per piece of JSON output


def json_chunks(data: dict[str, Any], pretty: bool = False) -> Iterator[str]:
    """Yield the report as JSON in pieces; compact output writes the pledge entries' JSON text as it is, one at a time."""
    pledges = data["pledges"]
    if pretty or not isinstance(pledges, PledgeEntries):
        # Indented JSON goes through the pure-Python encoder: ten times slower on a global portfolio.
        yield json.dumps({**data, "pledges": list(pledges)}, indent=2 if pretty else None, ensure_ascii=False) + "\n"
        return
    marker = f"\x00{os.urandom(16).hex()}"  # not `secrets`: it loads OpenSSL, for a placeholder no one can guess
    head, tail = json.dumps({**data, "pledges": marker}, ensure_ascii=False).split(json.dumps(marker), 1)
    texts = pledges.texts
    yield head + "["
    for start in range(0, len(texts), CHUNK):
        yield (", " if start else "") + ", ".join(texts[start:start + CHUNK])
    yield "]" + tail + "\n"


def emit(data: dict[str, Any], fmt: str) -> None:
    """Print the report: Markdown rendered for the terminal, or a file format as is."""
    import click

    if fmt == "json":
        # Written as is: JSON escapes every control character, so click.echo's pass to strip colour codes (a regex
        # over 16 MB on a global portfolio) can find nothing.
        for chunk in json_chunks(data, pretty=sys.stdout.isatty()):
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    if fmt != "text":
        click.echo(render(data, fmt, pretty=sys.stdout.isatty()), nl=False)
        return
    from rich.console import Console
    from rich.markdown import Markdown

    from tracker.render.markdown import render_markdown
    from tracker.render.terminal import status_table

    console = Console(highlight=False)
    console.print(Markdown(render_markdown(data, pledges=False), hyperlinks=True))
    console.print(status_table(data["pledges"], show_all=False, width=console.width))


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
    """Save, once, the weekly report of the ISO week holding yesterday (a Monday run covers the week just ended)."""
    from tracker.store import core as store
    from tracker.store import outbox as store_outbox

    week = week_of(today - timedelta(days=1))
    if store_outbox.report_run(db, week) and not force:
        return []
    data = weekly(db, workspace, today, week)
    paths = save(data, workspace.reports_dir)
    from tracker.interop.calendar import write_deadlines_ics

    paths.append(write_deadlines_ics(db, workspace, today))
    store_outbox.record_report_run(db, week, store.utc_now(), today, [str(p) for p in paths])
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
    health = ", ".join(f"{n} {h}" for h, n in sorted(summary["by_health"].items()))
    body = (f"Weekly pledge report {data['week']} ({data['from']} to {data['to']}): {summary['pledges']} pledges — {health}; "
            f"{summary['discrepancies']} with a discrepancy; {len(data['changes']['newly_overdue'])} newly overdue.\n"
            + "\n".join(f"Saved: {p}" for p in paths) + "\n")
    for label in channels.report_urls:
        error = send(channels, label, f"[tracker] Weekly pledge report {data['week']}", body)
        if error:
            import logging

            logging.getLogger("tracker").warning("weekly report not delivered to %s: %s", label, error)
