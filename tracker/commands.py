"""The commands of `tracker`, each short: check input, call the domain, render."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli import (
    STATUSES,
    App,
    cli,
    console,
    emit_json,
    emit_json_texts,
    json_option,
    parse_date,
    pass_app,
    source_option,
    text_option,
    today_option,
)
from tracker.errors import UsageError


@cli.command()
@json_option
@click.option("--owner", metavar="TEXT", help="Only pledges whose owner contains TEXT.")
@click.option("--framework", metavar="TAG", help="Only pledges tagged TAG (e.g. GCM, GCM:11, SDG:3.8).")
@click.option("--all", "show_all", is_flag=True, help="Show every pledge, not only the 50 most urgent.")
@today_option
@pass_app
def status(app: App, as_json: bool, owner: str | None, framework: str | None, show_all: bool) -> None:
    """One row per pledge, most urgent first: reported and schedule status, next deadline, days left."""
    from tracker.status_view import PLAIN_ABOVE, TABLE_LIMIT, most_urgent, plain_line, status_json_texts, status_list

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
    from tracker.plain_table import plain_width, status_lines

    width = plain_width()
    if width is not None:  # not a terminal: the same table without Rich
        click.echo("\n".join(status_lines(rows, rows if show_all else rows[:TABLE_LIMIT], width)) if rows else "0 pledges")
        return
    from tracker.render import status_table

    out = console()
    out.print(status_table(rows, show_all, out.width))


def _warn(app: App) -> None:
    """Print service warnings (dead reminders, a silent daemon) prominently on stderr."""
    from datetime import UTC, datetime

    from tracker.attention import service_warnings

    for warning in service_warnings(app.db(), datetime.now(UTC)):
        click.secho(f"warning: {warning}", err=True, fg="yellow", bold=True)


@cli.command()
@click.argument("pledge_id", metavar="ID")
@json_option
@today_option
@pass_app
def show(app: App, pledge_id: str, as_json: bool) -> None:
    """Everything about one pledge: milestones, indicators with latest readings, updates, sources."""
    from tracker.portfolio import pledge_detail

    detail = pledge_detail(app.db(), pledge_id, app.today, app.workspace.settings)
    if as_json:
        emit_json(detail)
        return
    from tracker.render import pledge_view

    console().print(pledge_view(detail))


@cli.command()
@click.argument("pledge_id", metavar="ID")
@click.option("--status", "new_status", required=True, type=click.Choice(STATUSES), help="The reported status.")
@click.option("--note", required=True, help="What happened (required: a status is never bare).")
@click.option("--source", metavar="URL", help="Where this is reported (http(s) URL or a citation).")
@click.option("--date", "on", metavar="YYYY-MM-DD", help="When it was reported (default: today).")
@today_option
@pass_app
def update(app: App, pledge_id: str, new_status: str, note: str, source: str | None, on: str | None) -> None:
    """Record a reported status with a note and, ideally, a source."""
    from tracker import store

    note_text = text_option(note, "--note")
    if not note_text:
        raise UsageError("--note: must not be empty")
    source_text, day = source_option(source, "--source"), parse_date(on, app, "--date")
    store.add_update(app.db(), pledge_id, new_status, note_text, source_text, day)
    click.echo(f"{pledge_id}: reported {new_status} on {day}")


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("pledge_id", metavar="ID")
@click.argument("indicator_id", metavar="INDICATOR")
@click.argument("value")
@click.option("--date", "on", metavar="YYYY-MM-DD", help="When the value was observed (default: today).")
@click.option("--source", metavar="URL", help="Where the value comes from.")
@click.option("--note", help="A remark on the value.")
@today_option
@pass_app
def record(app: App, pledge_id: str, indicator_id: str, value: str, on: str | None, source: str | None, note: str | None) -> None:
    """Record an indicator reading; the value must fit the indicator's kind."""
    from types import SimpleNamespace

    from tracker import store
    from tracker.values import check_value

    db = app.db()
    row = store.require_pledge(db, pledge_id)
    store.require_item(db, "indicators", pledge_id, indicator_id)
    spec = next(i for i in store.definition(row)["indicators"] if i["id"] == indicator_id)
    indicator = SimpleNamespace(id=spec["id"], kind=spec["kind"], levels=spec.get("levels") or [])
    try:
        checked = check_value(indicator, text_option(value, "VALUE", 500))
    except ValueError as exc:
        raise UsageError(f"VALUE: {exc}") from None
    day = parse_date(on, app, "--date")
    store.add_reading(db, pledge_id, indicator_id, checked, day, source_option(source, "--source"), text_option(note, "--note"))
    click.echo(f"{pledge_id}/{indicator_id}: {value} on {day}")


@cli.command()
@click.argument("pledge_id", metavar="ID")
@click.argument("milestone_id", metavar="MILESTONE")
@click.option("--date", "on", metavar="YYYY-MM-DD", help="When it was done (default: today).")
@click.option("--evidence", metavar="URL", help="Where the completion is shown.")
@today_option
@pass_app
def done(app: App, pledge_id: str, milestone_id: str, on: str | None, evidence: str | None) -> None:
    """Record that a milestone is done."""
    from tracker import store

    day = parse_date(on, app, "--date")
    store.add_completion(app.db(), pledge_id, milestone_id, day, source_option(evidence, "--evidence"))
    click.echo(f"{pledge_id}/{milestone_id}: done on {day}")


@cli.command()
@click.argument("pledge_id", metavar="ID")
@json_option
@today_option
@pass_app
def history(app: App, pledge_id: str, as_json: bool) -> None:
    """Updates, readings, milestone completions and revisions of a pledge, in time order."""
    from tracker.portfolio import history as pledge_history

    events = pledge_history(app.db(), pledge_id)
    if as_json:
        emit_json(events)
        return
    from tracker.render import history_table

    console().print(history_table(events))


@cli.command()
@today_option
@pass_app
def validate(app: App) -> None:
    """Check every pledge file and the review calendar; problems print as file:line: field: message."""
    from tracker.pledgefile import check_folder

    pledges, reviews = check_folder(app.workspace.pledges_dir)
    click.echo(f"ok: {pledges} pledges and {reviews} reviews are valid")


@cli.command()
@today_option
@pass_app
def sync(app: App) -> None:
    """Load changed pledge files into the database now (every command also does this first)."""
    from tracker import store
    from tracker.sync import sync as run_sync

    result = run_sync(store.open_db(app.workspace.db_path), app.workspace.pledges_dir, app.today)
    click.echo(f"synced: {len(result.changed)} changed, {len(result.removed)} removed, {len(result.revisions)} revisions")
    for r in result.revisions:
        click.echo(f"  revision {r['pledge_id']} {r['item_kind']} {r['item_id']} {r['field']}: {r['old']} -> {r['new']}")


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--empty", is_flag=True, help="Only the review calendar, no example pledges.")
@today_option
def init(directory: Path, empty: bool) -> None:
    """Create a workspace in DIRECTORY from the bundled Cambodian catalog."""
    from tracker.catalog import scaffold

    written = scaffold(directory, with_pledges=not empty)
    click.echo(f"created workspace {directory} ({written} pledge files); try: cd {directory} && tracker status")


@cli.group()
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
    from tracker import reporting

    data = reporting.weekly(app.db(), app.workspace, app.today, week)
    if save:
        for path in reporting.save(data, app.workspace.reports_dir):
            click.echo(f"saved {path}")
        return
    reporting.emit(data, fmt)


@cli.command()
@click.argument("pledge_id", metavar="ID")
@click.argument("indicator_id", metavar="[INDICATOR]", required=False)
@json_option
@today_option
@pass_app
def explain(app: App, pledge_id: str, indicator_id: str | None, as_json: bool) -> None:
    """Why a pledge has its health, or an indicator its verdict: inputs, formula, thresholds."""
    from tracker.explain import as_text
    from tracker.explain import explain as run_explain

    data = run_explain(app.db(), pledge_id, indicator_id, app.today, app.workspace.settings)
    if as_json:
        emit_json(data)
        return
    from rich.text import Text

    from tracker.sanitize import inert

    console().print(Text(inert(as_text(data))))


@cli.command()
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day shown (default: 30 days before today).")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day shown (default: a year after today).")
@json_option
@today_option
@pass_app
def timeline(app: App, start: str | None, end: str | None, as_json: bool) -> None:
    """Draw pledges, milestones and reviews across time."""
    from tracker import status_cache
    from tracker.isoday import parse_day
    from tracker.timeline import default_window, draw_lines, lanes

    db = app.db()
    with status_cache.day(db, app.today, app.workspace.settings) as table:
        first, last = default_window(status_cache.iter_cached(db, table), app.today)
        try:
            first, last = parse_day(start) if start else first, parse_day(end) if end else last
        except ValueError as exc:
            raise UsageError(f"--from/--to: {exc}") from None
        if last <= first:
            raise UsageError(f"--to ({last}) must be after --from ({first})")
        rows = lanes(status_cache.iter_cached(db, table), first, last)
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


@cli.command()
@click.option("--dry-run", is_flag=True, help="Say what would be sent; record and send nothing.")
@json_option
@today_option
@pass_app
def remind(app: App, dry_run: bool, as_json: bool) -> None:
    """Run one monitoring tick: plan due reminders and progress alerts, then send what is ready."""
    from tracker.errors import EXIT_DELIVERY
    from tracker.remind import tick

    result = tick(app.db(), app.workspace.settings, app.today, dry_run=dry_run, config=app.workspace.config_digest)
    if as_json:
        emit_json(result.as_json())
    elif not (dry_run or result.sent or result.failed or result.dead or result.skipped):
        click.echo(result.summary())  # nothing to list: no need for Rich
    else:
        from tracker.render_outbox import tick_text

        console().print(tick_text(result, dry_run))
    if result.failed or result.dead:
        raise click.exceptions.Exit(EXIT_DELIVERY)


@cli.group(invoke_without_command=True)
@click.option("--status", "only", type=click.Choice(["pending", "sending", "sent", "failed", "dead", "superseded"]), help="Only entries in this state.")
@json_option
@today_option
@pass_app
@click.pass_context
def outbox(ctx: click.Context, app: App, only: str | None, as_json: bool) -> None:
    """List reminders: pending, sent, failed, dead and superseded (newest first)."""
    if ctx.invoked_subcommand:
        return
    from tracker import store_outbox

    entries = store_outbox.outbox_rows(app.db(), only)
    if as_json:
        emit_json(entries)
        return
    from tracker.render_outbox import outbox_table

    out = console()
    out.print(outbox_table(entries, store_outbox.outbox_counts(app.db()), out.width))


@outbox.command("retry")
@click.argument("outbox_id", metavar="ID", type=int)
@today_option
@pass_app
def outbox_retry(app: App, outbox_id: int) -> None:
    """Put a dead reminder back in the queue; the next tick sends it."""
    from tracker import store_outbox

    store_outbox.retry(app.db(), outbox_id)
    click.echo(f"outbox entry {outbox_id} is pending again; `tracker remind` sends it")


@cli.command("run")
@today_option
@pass_app
def run_daemon(app: App) -> None:
    """Run the scheduler: a monitoring tick now and every hour, and the weekly report (Monday 07:00 by default)."""
    from tracker.daemon import serve

    serve(app.workspace, app.today_arg)


@cli.group()
def export() -> None:
    """Export the workspace: calendar (ics), JSON, CSV tables, IATI results."""


@cli.group("import")
def import_group() -> None:
    """Import readings (CSV) or an agency's published IATI results."""


@cli.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace TARGET if it exists.")
@today_option
@pass_app
def backup(app: App, target: Path, force: bool) -> None:
    """Write a consistent copy of the live database to TARGET (owner-only), checked before it is kept."""
    from tracker.health_check import backup as run_backup

    app.db()
    size = run_backup(app.workspace.db_path, target, force)
    click.echo(f"backup written to {target} ({size:,} bytes, integrity checked)")


@cli.command()
@json_option
@today_option
@pass_app
def doctor(app: App, as_json: bool) -> None:
    """Check the database, schema, outbox, daemon heartbeat, file permissions and pledge files."""
    from tracker.health_check import doctor as run_doctor

    checks = run_doctor(app.workspace)
    if as_json:
        emit_json([c.as_json() for c in checks])
    else:
        colours = {"ok": "green", "warn": "yellow", "fail": "red"}
        for check in checks:
            click.secho(f"{check.state:<5}", nl=False, fg=colours[check.state], bold=check.state == "fail")
            click.echo(f"{check.name:<13}{check.detail}")
    if any(c.state == "fail" for c in checks):
        raise click.exceptions.Exit(1)
