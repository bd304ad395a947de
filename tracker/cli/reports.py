"""`tracker report`: generated progress reports."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from typing import Any

import click

from tracker.cli.app import App, console, global_options, pass_app, today_option
from tracker.errors import UsageError


@click.group()
def report() -> None:
    """Generated progress reports."""


@report.command()
@click.option("--week", metavar="YYYY-Www", help="ISO week such as 2026-W48 (default: the week of --today).")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "html", "json"]), default="text", show_default=True, help="Output format.")
@click.option("--save", is_flag=True, help="Write reports/<week>.md, .html and .json and reports/deadlines.ics atomically instead of printing.")
@click.option("--send", is_flag=True, help="With --save: deliver the report to [notify] report_to and report_urls.")
@global_options
@today_option
@pass_app
def weekly(app: App, week: str | None, fmt: str, save: bool, send: bool) -> None:
    """What changed in an ISO week, what falls due next, reviews ahead, and every pledge's health and trend."""
    from tracker.service import weekly as reporting

    _refuse_future(week, app.today)
    if send and not save:
        raise UsageError("--send delivers the saved report: add --save")
    if save:
        _publish(app, week, send)
        return
    emit(reporting.weekly(app.db(), app.workspace, app.today, week), fmt)


def _publish(app: App, week: str | None, send: bool) -> None:
    from tracker.errors import DeliveryError
    from tracker.service import weekly as reporting

    if send and not (app.workspace.settings.report_to or app.workspace.settings.report_urls):
        raise UsageError("--send: nobody to send to; list addresses in [notify] report_to (or report_urls) in tracker.toml")
    published = reporting.publish_week(app.db(), app.workspace, app.today, week, send)
    for path in published.paths:
        click.echo(f"saved {path}")
    for recipient, sent in published.deliveries:
        if sent.state == "sent":
            click.echo(f"sent to {recipient}")
    failures = published.failures()
    if failures:
        raise DeliveryError(f"the report was saved but not delivered to {len(failures)} recipient(s): {'; '.join(failures)}")


def _refuse_future(week: str | None, today: date) -> None:
    """Refuse a week that starts after the week of today: nothing in it has happened yet."""
    from tracker.pledges.dates import iso_week_bounds

    if week is None:
        return
    try:
        monday, _ = iso_week_bounds(week)
    except ValueError as exc:
        raise UsageError(f"--week: {exc}") from None
    if monday > today - timedelta(days=today.weekday()):
        current = today.strftime("%G-W%V")
        raise UsageError(f"--week: {week.strip()} has not begun (today, {today}, is in {current}); a report covers a week that has begun")


def emit(data: dict[str, Any], fmt: str) -> None:
    """Print the report: Markdown rendered for the terminal, or a file format as is."""
    from tracker.render.report import json_chunks, render

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
    from rich.markdown import Markdown

    from tracker.render.markdown import render_markdown
    from tracker.render.terminal import status_table

    out = console()
    out.print(Markdown(render_markdown(data, pledges=False), hyperlinks=True))
    out.print(status_table(data["pledges"], show_all=False, width=out.width))
