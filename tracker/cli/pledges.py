"""Read commands: the portfolio, one pledge, its history, explanations, the timeline; validate, sync and init."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.app import App, console, emit_json, emit_json_texts, global_options, json_option, pass_app, today_option
from tracker.errors import UsageError


@click.command()
@json_option
@click.option("--owner", metavar="TEXT", help="Only pledges whose owner contains TEXT.")
@click.option("--framework", metavar="TAG", help="Only pledges tagged TAG, in any case (e.g. GCM, GCM:11, sdg:3.8).")
@click.option("--all", "show_all", is_flag=True, help="Show every pledge, not only the 50 most urgent.")
@global_options
@today_option
@pass_app
def status(app: App, as_json: bool, owner: str | None, framework: str | None, show_all: bool) -> None:
    """One row per pledge, most urgent first: reported and schedule status, next deadline, days left."""
    from tracker.render.plain import PLAIN_ABOVE, TABLE_LIMIT, plain_line
    from tracker.views.status import most_urgent, status_json_texts, status_list

    db, today, settings = app.db(), app.today, app.workspace.settings
    if as_json:
        texts = status_json_texts(db, today, settings, owner, framework)
        _warn(app)
        emit_json_texts(texts)
        return
    rows = status_list(db, today, settings, owner, framework) if show_all else most_urgent(db, today, settings, owner, framework, TABLE_LIMIT)
    _warn(app)
    if show_all and len(rows) > PLAIN_ABOVE:
        click.echo("\n".join(plain_line(r) for r in rows))
        return
    from tracker.render.plain import plain_width, status_lines

    width = plain_width()
    if width is not None:  # not a terminal: the same table without Rich
        click.echo("\n".join(status_lines(rows, rows if show_all else rows[:TABLE_LIMIT], width)) if rows else "0 pledges")
        return
    from tracker.render.terminal import status_table

    out = console()
    out.print(status_table(rows, show_all, out.width))


def _warn(app: App) -> None:
    """Print service warnings (dead reminders, a silent daemon) prominently on stderr."""
    from datetime import UTC, datetime

    from tracker.views.attention import service_warnings

    for warning in service_warnings(app.db(), datetime.now(UTC)):
        click.secho(f"warning: {warning}", err=True, fg="yellow", bold=True)


@click.command()
@click.argument("pledge_id", metavar="ID")
@json_option
@global_options
@today_option
@pass_app
def show(app: App, pledge_id: str, as_json: bool) -> None:
    """Everything about one pledge: milestones, indicators with latest readings, updates, sources."""
    from tracker.views.portfolio import pledge_detail

    detail = pledge_detail(app.db(), pledge_id, app.today, app.workspace.settings)
    if as_json:
        emit_json(detail)
        return
    from tracker.render.terminal import pledge_view

    console().print(pledge_view(detail))


@click.command()
@click.argument("pledge_id", metavar="ID")
@json_option
@global_options
@today_option
@pass_app
def history(app: App, pledge_id: str, as_json: bool) -> None:
    """Updates, readings, milestone completions and revisions of a pledge, in time order."""
    from tracker.views.portfolio import history as pledge_history

    events = pledge_history(app.db(), pledge_id)
    if as_json:
        emit_json(events)
        return
    from tracker.render.terminal import history_table

    console().print(history_table(events))


@click.command()
@click.argument("pledge_id", metavar="ID")
@click.argument("indicator_id", metavar="[INDICATOR]", required=False)
@json_option
@global_options
@today_option
@pass_app
def explain(app: App, pledge_id: str, indicator_id: str | None, as_json: bool) -> None:
    """Why a pledge has its health, or an indicator its verdict: inputs, formula, thresholds."""
    from tracker.views.explain import as_text
    from tracker.views.explain import explain as run_explain

    data = run_explain(app.db(), pledge_id, indicator_id, app.today, app.workspace.settings)
    if as_json:
        emit_json(data)
        return
    from rich.text import Text

    from tracker.render.sanitize import inert

    console().print(Text(inert(as_text(data))))


@click.command()
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day shown (default: 30 days before today).")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day shown (default: a year after today).")
@json_option
@global_options
@today_option
@pass_app
def timeline(app: App, start: str | None, end: str | None, as_json: bool) -> None:
    """Draw pledges, milestones and reviews across time."""
    from tracker.pledges.days import parse_day
    from tracker.render.timeline import draw_lines
    from tracker.views.portfolio import statuses
    from tracker.views.timeline import timeline as lanes

    try:
        wanted = parse_day(start) if start else None, parse_day(end) if end else None
    except ValueError as exc:
        raise UsageError(f"--from/--to: {exc}") from None
    with statuses(app.db(), app.today, app.workspace.settings) as found:
        try:
            first, last, rows = lanes(found, app.today, *wanted)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if as_json:
        emit_json({"from": first.isoformat(), "to": last.isoformat(), "lanes": rows})
        return
    out = console()
    lines = draw_lines(rows, first, last, app.today, out.width)
    if out.is_terminal:
        for line in lines:
            out.print(line)
    else:  # a pipe or a file: the same characters without styles, written in one go
        click.echo("\n".join(line.plain for line in lines))


@click.command()
@global_options
@today_option
@pass_app
def validate(app: App) -> None:
    """Check every pledge file and the review calendar; problems print as file:line: field: message."""
    from tracker.pledges.loader import check_folder
    from tracker.render.words import plural

    pledges, reviews = check_folder(app.workspace.pledges_dir)
    click.echo(f"ok: {plural(pledges, 'pledge')} and {plural(reviews, 'review')} are valid")


@click.command()
@global_options
@today_option
@pass_app
def sync(app: App) -> None:
    """Load changed pledge files into the database now (every command also does this first)."""
    from tracker.render.words import plural
    from tracker.store.sync import sync_all as run_sync

    result = run_sync(app.open_db(), app.workspace.root, app.today)
    click.echo(f"synced: {len(result.changed)} changed, {len(result.removed)} removed, {plural(len(result.revisions), 'revision')}")
    for r in result.revisions:
        click.echo(f"  revision {r['pledge_id']} {r['item_kind']} {r['item_id']} {r['field']}: {r['old']} -> {r['new']}")


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--empty", is_flag=True, help="Only the review calendar, no example pledges.")
@today_option
def init(directory: Path, empty: bool) -> None:
    """Create a workspace in DIRECTORY from the bundled Cambodian catalog."""
    from tracker.pledges.catalog import scaffold

    written = scaffold(directory, with_pledges=not empty)
    click.echo(f"created workspace {directory} ({written} pledge files); try: cd {directory} && tracker status")
