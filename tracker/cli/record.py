"""Commands that record what happened: a reported status, an indicator reading, a milestone done; and a snoozed deadline."""

from __future__ import annotations

from typing import Any

import click

from tracker.cli.app import (
    App,
    console,
    emit_json,
    global_options,
    json_option,
    location_options,
    parse_date,
    pass_app,
    required_day,
    source_option,
    text_option,
    today_option,
)
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
    history.add_update(app.db(), app.workspace.root, pledge_id, new_status, note_text, source_text, day, app.author,
                       app.entered_at)
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
    from tracker.store import history

    db = app.db()
    checked = _reading_value(db, pledge_id, indicator_id, value, "VALUE")
    day = parse_date(on, app, "--date")
    history.add_reading(db, app.workspace.root, pledge_id, indicator_id, checked, day, source_option(source, "--source"), text_option(note, "--note"),
                        app.author, app.entered_at)
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
    history.add_completion(app.db(), app.workspace.root, pledge_id, milestone_id, day, source_option(evidence, "--evidence"), app.author,
                           app.entered_at)
    click.echo(f"{pledge_id}/{milestone_id}: done on {day}")


@click.command()
@click.option("--since", metavar="DATE|Nd", default="7d", show_default=True,
              help="Entered on or after this day (YYYY-MM-DD, in the workspace time zone) or in the last N days (e.g. 30d).")
@click.option("--author", "by", metavar="TEXT", help="Only entries whose author contains TEXT (case-insensitive).")
@json_option
@today_option
@location_options
@pass_app
def changes(app: App, since: str, by: str | None, as_json: bool) -> None:
    """What was entered, by whom, newest first: what a colleague reads after `git pull`."""
    from tracker.views.portfolio import changes as entered

    found = entered(app.db(), _since(app, since), text_option(by, "--author", 200))
    if as_json:
        emit_json(found)
        return
    from tracker.render.terminal import changes_table

    console().print(changes_table(found))


def _since(app: App, text: str) -> str:
    """Return --since as a UTC instant: a day's start in the workspace time zone, or N days before now."""
    from datetime import UTC, datetime, time, timedelta

    from tracker.pledges.days import parse_day

    value = text.strip()
    try:
        if value.endswith("d") and value[:-1].isdecimal() and value[:-1].isascii():
            start = app.now - timedelta(days=min(int(value[:-1]), 100 * 366))
        else:
            start = datetime.combine(parse_day(value), time(), app.workspace.settings.zone)
    except ValueError as exc:
        raise UsageError(f"--since: {exc} (or a number of days such as 30d)") from None
    return start.astimezone(UTC).isoformat(timespec="microseconds")


@click.command()
@click.argument("entry_id", metavar="ENTRY_ID")
@click.option("--reason", required=True, help="Why it is retracted (required: the history keeps it).")
@today_option
@global_options
@pass_app
def retract(app: App, entry_id: str, reason: str) -> None:
    """Take an update, reading or completion out of every count; the history keeps it, with who and why."""
    from tracker.store import history

    original = history.retract(app.db(), app.workspace.root, entry_id, _reason(reason), app.author, app.entered_at)
    click.echo(f"{original['pledge']}: {original['type']} {entry_id} retracted")


@click.command()
@click.argument("entry_id", metavar="ENTRY_ID")
@click.option("--status", "new_status", type=click.Choice(REPORTED_STATUSES), help="The corrected status (an update).")
@click.option("--value", help="The corrected value (a reading).")
@click.option("--date", "on", metavar="YYYY-MM-DD", help="The corrected day.")
@click.option("--note", help="The corrected note.")
@click.option("--source", metavar="URL", help="The corrected source (for a completion: its evidence).")
@click.option("--reason", required=True, help="Why it is corrected (required: the history keeps it).")
@today_option
@global_options
@pass_app
def correct(app: App, entry_id: str, new_status: str | None, value: str | None, on: str | None, note: str | None,
            source: str | None, reason: str) -> None:
    """Replace an update, reading or completion by a corrected one; the original stays in the history, retracted."""
    from tracker.store import history, journal

    db = app.db()
    original = journal.find(db, entry_id)
    kind = original["type"] if original else None
    changes = _changes(app, db, original, {"status": new_status, "value": value, "date": on, "note": note, "source": source})
    fixed = history.correct(db, app.workspace.root, entry_id, changes, _reason(reason), app.author, app.entered_at)
    click.echo(f"{fixed['pledge']}: {kind} {entry_id} corrected ({', '.join(sorted(changes)) or 'nothing changed but the author'})")


# What `correct` may change in each kind of entry (the option, and the key it sets).
CORRECTABLE = {"update": {"status": "status", "date": "date", "note": "note", "source": "source"},
               "reading": {"value": "value", "date": "date", "note": "note", "source": "source"},
               "done": {"date": "date", "source": "evidence"}}


def _changes(app: App, db: Any, original: dict[str, Any] | None, given: dict[str, str | None]) -> dict[str, Any]:
    """Check the corrected values as `update`, `record` and `done` check them; refuse options the entry has not."""
    if original is None:
        return {}  # history.correct names the unknown id
    allowed = CORRECTABLE[original["type"]]
    wrong = [f"--{name}" for name, value in given.items() if value is not None and name not in allowed]
    if wrong:
        raise UsageError(f"{', '.join(wrong)}: a {original['type']} entry has no such field")
    changes: dict[str, Any] = {}
    for name, value in given.items():
        if value is not None:
            changes[allowed[name]] = _checked(app, db, original, name, value)
    return changes


def _checked(app: App, db: Any, original: dict[str, Any], name: str, value: str) -> Any:
    if name == "date":
        return parse_date(value, app, "--date").isoformat()
    if name == "source":
        return source_option(value, "--source")
    if name == "note":
        return text_option(value, "--note")
    if name == "value":
        return _reading_value(db, original["pledge"], original["indicator"], value, "--value")
    return value


def _reading_value(db: Any, pledge_id: str, indicator_id: str, value: str, option: str) -> float | str:
    """Check a typed value against the indicator's kind (unknown pledge or indicator: UnknownError), as `record` and `correct` do."""
    from types import SimpleNamespace

    from tracker.pledges.values import check_value
    from tracker.store import core

    row = core.require_pledge(db, pledge_id)
    core.require_item(db, "indicators", pledge_id, indicator_id)
    spec = next(i for i in core.definition(row)["indicators"] if i["id"] == indicator_id)
    indicator = SimpleNamespace(id=spec["id"], kind=spec["kind"], levels=spec.get("levels") or [])
    try:
        return check_value(indicator, text_option(value, option, 500))
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _reason(text: str) -> str:
    reason = text_option(text, "--reason")
    if not reason:
        raise UsageError("--reason: must not be empty")
    return reason


@click.command()
@click.argument("pledge_id", metavar="ID")
@click.option("--milestone", metavar="M", help="Revise this milestone's due date.")
@click.option("--indicator", metavar="I", help="Revise this indicator's target (--target) or target date (--due).")
@click.option("--due", metavar="DATE", help="The new due date: 2026, 2026-Q3, 2026-09 or 2026-09-30.")
@click.option("--target", metavar="VALUE", help="The new target value (with --indicator).")
@click.option("--reason", required=True, help="Why it changed (required: the history keeps it).")
@today_option
@global_options
@pass_app
def revise(app: App, pledge_id: str, milestone: str | None, indicator: str | None, due: str | None, target: str | None,
           reason: str) -> None:
    """Change a due date or a target in the pledge file itself (comments and layout kept) and record why."""
    from tracker.service.revise import revise as apply

    if (milestone and indicator) or (due is None) == (target is None):
        raise UsageError("give one of --due DATE or --target VALUE, and at most one of --milestone or --indicator")
    item = ("milestone", milestone) if milestone else ("indicator", indicator) if indicator else None
    field = "due" if due is not None else "target"
    value = (text_option(due if due is not None else target, f"--{field}", 40) or "").strip()
    if not value:
        raise UsageError(f"--{field}: must not be empty")
    change = (field, value)
    revisions = apply(app.db(), app.workspace.root, pledge_id, item, change, _reason(reason), app.author, app.today)
    if not revisions:
        click.echo(f"{pledge_id}: already {change[1]}; nothing changed")
    for r in revisions:
        click.echo(f"{pledge_id}: {r['item_kind']} {r['item_id']} {r['field']} {r['old']} -> {r['new']} (revision {r['entry_id']})")


@click.command()
@click.argument("pledge_id", metavar="ID")
@click.option("--milestone", metavar="M", help="Snooze this milestone's reminders (default: the pledge's own due date).")
@click.option("--until", "until_text", metavar="YYYY-MM-DD", help="The day reminders resume (required); today ends a snooze early.")
@click.option("--reason", help="Why the reminders may wait (required: the history keeps it).")
@today_option
@global_options
@pass_app
def snooze(app: App, pledge_id: str, milestone: str | None, until_text: str | None, reason: str | None) -> None:
    """Silence a deadline's reminders, escalations included, until a day; journaled with who and why."""
    from tracker.store import snoozes

    until = required_day(until_text, "--until", "the day reminders resume")
    if until < app.today:
        raise UsageError(f"--until: {until} is before today ({app.today}); give the day reminders resume")
    why = (text_option(reason, "--reason") or "").strip()
    if not why:
        raise UsageError("--reason: required and not empty: say why the reminders may wait")
    snoozes.add(app.db(), app.workspace.root, pledge_id, milestone, until, why, app.author, app.today, app.entered_at)
    what = f"{pledge_id} milestone {milestone}" if milestone else pledge_id
    click.echo(f"Snoozed reminders for {what} until {until} ({why})" if until > app.today else f"Reminders for {what} resume today ({why})")
