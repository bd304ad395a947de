"""`tracker round`: reporting rounds that ask every owner for an update before a review, and show who has reported."""

from __future__ import annotations

import click

from tracker.cli.app import App, console, emit_json, global_options, json_option, pass_app, required_day, text_option, today_option


@click.group("round")
def round_group() -> None:
    """Reporting rounds: ask each pledge's contacts for an update by a day, and see who has reported."""


@round_group.command("open")
@click.argument("name")
@click.option("--due", "due_text", metavar="YYYY-MM-DD", help="The day answers are due (required).")
@click.option("--review", metavar="REVIEW", help="Ask the pledges examined at this review (an id of pledges/_reviews.yaml).")
@click.option("--owner", metavar="TEXT", help="Ask only pledges whose owner contains TEXT (ignoring case).")
@click.option("--framework", metavar="TAG", help="Ask only pledges tagged TAG (e.g. GCM, or GCM:5).")
@click.option("--message", metavar="TEXT", help="A line every request carries.")
@global_options
@today_option
@pass_app
def round_open(app: App, name: str, due_text: str | None, review: str | None, owner: str | None, framework: str | None,
               message: str | None) -> None:
    """Open a round over the matching pledges; their contacts are asked in their next reminder message."""
    from tracker.service.rounds import open_round

    due = required_day(due_text, "--due", "the day answers are due")
    entry = open_round(app.db(), app.workspace.root, name, due, app.today, (app.author, app.entered_at), review=review,
                       owner=text_option(owner, "--owner", 200), framework=text_option(framework, "--framework", 100),
                       message=text_option(message, "--message", 1000))
    asked = sum(bool(v) for v in entry["asked"].values())
    click.echo(f"opened round {name}: {len(entry['pledges'])} pledge(s) asked for an update by {due}"
               + (f", {asked} of them for readings too" if asked else "") + "; `tracker remind` sends the requests")


@round_group.command("status")
@click.argument("name")
@json_option
@global_options
@today_option
@pass_app
def round_status(app: App, name: str, as_json: bool) -> None:
    """Each pledge of a round: reported, late or missing, with the day and author of its answer; then totals."""
    from tracker.views.rounds import round_status as status

    data = status(app.db(), name, app.workspace.settings)
    if as_json:
        emit_json(data)
        return
    from tracker.render.rounds import status_table

    console().print(status_table(data, app.today))


@round_group.command("list")
@json_option
@global_options
@today_option
@pass_app
def round_list(app: App, as_json: bool) -> None:
    """Every round, open and closed, newest first, with its counts."""
    from tracker.views.rounds import round_list as listed

    data = listed(app.db(), app.workspace.settings)
    if as_json:
        emit_json(data)
        return
    from tracker.render.rounds import list_lines

    for line in list_lines(data, app.today):
        click.echo(line)


@round_group.command("close")
@click.argument("name")
@global_options
@today_option
@pass_app
def round_close(app: App, name: str) -> None:
    """Close a round: its reminders end; it stays in `round list` and the history."""
    from tracker.store.rounds import close_round

    close_round(app.db(), app.workspace.root, name, app.author, app.entered_at)
    click.echo(f"closed round {name}; no more requests go out for it")
