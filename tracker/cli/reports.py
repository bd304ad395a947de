"""`tracker report`: generated progress reports."""

from __future__ import annotations

import click

from tracker.cli.app import App, pass_app, today_option


@click.group()
def report() -> None:
    """Generated progress reports."""


@report.command()
@click.option("--week", metavar="YYYY-Www", help="ISO week such as 2026-W48 (default: the week of --today).")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "html", "json"]), default="text", show_default=True, help="Output format.")
@click.option("--save", is_flag=True, help="Write reports/<week>.md, .html and .json atomically instead of printing.")
@today_option
@pass_app
def weekly(app: App, week: str | None, fmt: str, save: bool) -> None:
    """What changed in an ISO week, what falls due next, reviews ahead, and every pledge's health and trend."""
    from tracker.service import weekly as reporting

    data = reporting.weekly(app.db(), app.workspace, app.today, week)
    if save:
        for path in reporting.save(data, app.workspace.reports_dir):
            click.echo(f"saved {path}")
        return
    reporting.emit(data, fmt)
