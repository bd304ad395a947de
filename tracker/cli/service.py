"""Monitoring and upkeep: the reminder tick, the outbox, the daemon, backup and doctor."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.app import App, console, emit_json, global_options, json_option, pass_app, today_option


@click.command()
@click.option("--dry-run", is_flag=True, help="Say what would be sent; record and send nothing.")
@json_option
@global_options
@today_option
@pass_app
def remind(app: App, dry_run: bool, as_json: bool) -> None:
    """Run one monitoring tick: plan due reminders and progress alerts, then send what is ready."""
    from tracker.errors import EXIT_DELIVERY, EXIT_INVALID_FILES
    from tracker.render.words import tick_summary
    from tracker.service.notify import not_the_sender
    from tracker.service.remind import tick

    # An invalid pledge file must not silence every reminder: it keeps its last valid definition, and is named below.
    db = app.db(lenient=True)
    elsewhere = not_the_sender(app.workspace.settings)
    if elsewhere and not dry_run:
        click.echo(f"warning: {elsewhere}", err=True)
        return
    result = tick(db, app.workspace.settings, app.today, now=app.now, dry_run=dry_run, root=app.workspace.root)
    if as_json:
        emit_json(result.as_json())
    elif not (dry_run or result.sent or result.failed or result.dead or result.unknown or result.skipped):
        click.echo(tick_summary(result.as_json()))  # nothing to list: no need for Rich
    else:
        from tracker.render.outbox import tick_text

        console().print(tick_text(result.as_json(), tick_summary(result.as_json()), dry_run))
    for problem in app.file_problems:
        click.echo(f"error: {problem}", err=True)
    if app.file_problems:
        raise click.exceptions.Exit(EXIT_INVALID_FILES)
    if result.failed or result.dead or result.unknown:
        raise click.exceptions.Exit(EXIT_DELIVERY)


@click.group(invoke_without_command=True)
@click.option("--status", "only", type=click.Choice(["pending", "sending", "sent", "failed", "dead", "unknown", "superseded"]), help="Only entries in this state.")
@json_option
@global_options
@today_option
@pass_app
@click.pass_context
def outbox(ctx: click.Context, app: App, only: str | None, as_json: bool) -> None:
    """List reminders: pending, sent, failed, dead and superseded (newest first)."""
    if ctx.invoked_subcommand:
        return
    from tracker.store import outbox as store_outbox

    entries = store_outbox.outbox_rows(app.db(), only)
    if as_json:
        emit_json(entries)
        return
    from tracker.render.outbox import outbox_table

    out = console()
    out.print(outbox_table(entries, store_outbox.outbox_counts(app.db()), out.width, app.workspace.settings.zone))


@outbox.command("retry")
@click.argument("outbox_id", metavar="ID", type=int)
@global_options
@today_option
@pass_app
def outbox_retry(app: App, outbox_id: int) -> None:
    """Put a dead reminder back in the queue; the next tick sends it."""
    from tracker.store import outbox as store_outbox

    store_outbox.retry(app.db(), outbox_id)
    click.echo(f"outbox entry {outbox_id} is pending again; `tracker remind` sends it")


@click.command("run")
@global_options
@today_option
@pass_app
def run_daemon(app: App) -> None:
    """Run the scheduler: a monitoring tick now and every hour, and the weekly report (Monday 07:00 by default)."""
    from tracker.errors import TrackerError
    from tracker.service.daemon import serve
    from tracker.service.notify import not_the_sender

    elsewhere = not_the_sender(app.workspace.settings)
    if elsewhere:
        raise TrackerError(elsewhere.replace("nothing was planned or sent here", "the daemon does not start here"))
    serve(app.workspace, app.today_arg)


@click.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace TARGET if it exists.")
@global_options
@today_option
@pass_app
def backup(app: App, target: Path, force: bool) -> None:
    """Write a consistent copy of the live database to TARGET (owner-only), checked before it is kept."""
    from tracker.service.maintenance import backup as run_backup

    app.db()
    size = run_backup(app.workspace.db_path, target, force)
    click.echo(f"backup written to {target} ({size:,} bytes, integrity checked)")


@click.command()
@json_option
@global_options
@today_option
@pass_app
def doctor(app: App, as_json: bool) -> None:
    """Check the database, schema, outbox, daemon heartbeat, file permissions and pledge files."""
    from tracker.service.maintenance import doctor as run_doctor

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


@click.command()
@global_options
@today_option
@pass_app
def rebuild(app: App) -> None:
    """Build tracker.db again from pledges/ and journal/, keeping this machine's outbox, heartbeats and report runs."""
    from tracker.service.maintenance import rebuild as run_rebuild

    path = run_rebuild(app.workspace, app.today)
    click.echo(f"rebuilt {path} from {app.workspace.pledges_dir.name}/ and journal/")
