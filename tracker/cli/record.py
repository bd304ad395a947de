"""Commands that record what happened: a reported status, an indicator reading, a milestone done."""

from __future__ import annotations

import click

from tracker.cli.app import App, global_options, parse_date, pass_app, source_option, text_option, today_option
from tracker.domain.statuses import REPORTED_STATUSES
from tracker.errors import UsageError


@click.command()
@click.argument("pledge_id", metavar="ID")
@click.option("--status", "new_status", required=True, type=click.Choice(REPORTED_STATUSES), help="The reported status.")
@click.option("--note", required=True, help="What happened (required: a status is never bare).")
@click.option("--source", metavar="URL", help="Where this is reported (http(s) URL or a citation).")
@click.option("--date", "on", metavar="YYYY-MM-DD", help="When it was reported (default: today).")
@global_options
@today_option
@pass_app
def update(app: App, pledge_id: str, new_status: str, note: str, source: str | None, on: str | None) -> None:
    """Record a reported status with a note and, ideally, a source."""
    from tracker.store import history

    note_text = text_option(note, "--note")
    if not note_text:
        raise UsageError("--note: must not be empty")
    source_text, day = source_option(source, "--source"), parse_date(on, app, "--date")
    history.add_update(app.db(), pledge_id, new_status, note_text, source_text, day)
    click.echo(f"{pledge_id}: reported {new_status} on {day}")


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("pledge_id", metavar="ID")
@click.argument("indicator_id", metavar="INDICATOR")
@click.argument("value")
@click.option("--date", "on", metavar="YYYY-MM-DD", help="When the value was observed (default: today).")
@click.option("--source", metavar="URL", help="Where the value comes from.")
@click.option("--note", help="A remark on the value.")
@global_options
@today_option
@pass_app
def record(app: App, pledge_id: str, indicator_id: str, value: str, on: str | None, source: str | None, note: str | None) -> None:
    """Record an indicator reading; the value must fit the indicator's kind."""
    from types import SimpleNamespace

    from tracker.pledges.values import check_value
    from tracker.store import core, history

    db = app.db()
    row = core.require_pledge(db, pledge_id)
    core.require_item(db, "indicators", pledge_id, indicator_id)
    spec = next(i for i in core.definition(row)["indicators"] if i["id"] == indicator_id)
    indicator = SimpleNamespace(id=spec["id"], kind=spec["kind"], levels=spec.get("levels") or [])
    try:
        checked = check_value(indicator, text_option(value, "VALUE", 500))
    except ValueError as exc:
        raise UsageError(f"VALUE: {exc}") from None
    day = parse_date(on, app, "--date")
    history.add_reading(db, pledge_id, indicator_id, checked, day, source_option(source, "--source"), text_option(note, "--note"))
    click.echo(f"{pledge_id}/{indicator_id}: {value} on {day}")


@click.command()
@click.argument("pledge_id", metavar="ID")
@click.argument("milestone_id", metavar="MILESTONE")
@click.option("--date", "on", metavar="YYYY-MM-DD", help="When it was done (default: today).")
@click.option("--evidence", metavar="URL", help="Where the completion is shown.")
@global_options
@today_option
@pass_app
def done(app: App, pledge_id: str, milestone_id: str, on: str | None, evidence: str | None) -> None:
    """Record that a milestone is done."""
    from tracker.store import history

    day = parse_date(on, app, "--date")
    history.add_completion(app.db(), pledge_id, milestone_id, day, source_option(evidence, "--evidence"))
    click.echo(f"{pledge_id}/{milestone_id}: done on {day}")
