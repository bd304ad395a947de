"""The interoperability commands: `tracker export ics|json|csv` and `tracker import readings`."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import click

from tracker.cli import iati
from tracker.cli.app import App, global_options, pass_app, today_option
from tracker.errors import UsageError

PROGRESS_ROWS = 5000
CSV_TABLES = ("pledges", "readings", "updates", "milestones", "indicators")
Advance = Callable[[int], None]

@click.group()
def export() -> None:
    """Export the workspace: calendar (ics), JSON, CSV tables, IATI results."""


@click.group("import")
def import_group() -> None:
    """Import readings (CSV) or an agency's published IATI results."""


output_option = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
    help="Write to FILE (atomically: readers never see half a file) instead of standard output.",
)


@export.command("ics")
@output_option
@click.option("--owner", metavar="TEXT", help="Only pledges whose owner contains TEXT.")
@click.option("--framework", metavar="TAG", help="Only pledges tagged TAG, in any case (e.g. GCM, GCM:11, sdg:3.8).")
@global_options
@today_option
@pass_app
def export_ics(app: App, output: Path | None, owner: str | None, framework: str | None) -> None:
    """Open deadlines as an iCalendar (RFC 5545) file: all-day events with alarms at the reminder lead times."""
    from tracker.files import atomic_write_chunks
    from tracker.interop.calendar import deadline_calendar

    count, chunks = deadline_calendar(app.db(), app.workspace, app.today, owner, framework)
    if output is None:
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    atomic_write_chunks(output, (chunk.decode("utf-8") for chunk in chunks))
    click.echo(f"saved {output} ({count} deadlines)")


@export.command("json")
@output_option
@global_options
@today_option
@pass_app
def export_json(app: App, output: Path | None) -> None:
    """The whole workspace as one JSON document: pledges with their status, history, readings, outbox counts."""
    from tracker.interop.export import json_export

    _emit(json_export(app.db(), app.workspace, app.today), output)


@export.command("csv")
@click.option("--table", required=True, type=click.Choice(CSV_TABLES), help="Which table to export.")
@output_option
@global_options
@today_option
@pass_app
def export_csv(app: App, table: str, output: Path | None) -> None:
    """One table as CSV (UTF-8, header first); text a spreadsheet would run as a formula gets a leading apostrophe."""
    from tracker.interop.export import csv_export

    _emit(csv_export(app.db(), app.workspace, app.today, table), output)


def _emit(chunks: Iterable[str], output: Path | None) -> None:
    if output is None:
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    from tracker.files import atomic_write_chunks

    atomic_write_chunks(output, chunks)
    click.echo(f"saved {output}")


@import_group.command("readings")
@click.argument("file", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--progress/--no-progress", default=None,
              help=f"Show a progress bar on stderr (default: for files over {PROGRESS_ROWS:,} rows when stderr is a terminal).")
@global_options
@today_option
@pass_app
def import_readings(app: App, file: Path, progress: bool | None) -> None:
    """Import indicator readings from a CSV file: every row is checked, then all are recorded, or none if any is bad."""
    from tracker.interop import readings as importing
    from tracker.render.words import plural
    from tracker.store import history

    db, today = app.db(), app.today
    data = importing.read_csv(file, click.format_filename(file))
    show = progress if progress is not None else data.count > PROGRESS_ROWS and sys.stderr.isatty()
    catalog = importing.Catalog(db)
    with _progress(show) as task:
        checked = importing.check(data, catalog, today, task("Checking rows", data.count))
        if checked.problems:
            summary = f"{data.name}: {plural(len(checked.problems), 'bad row')} of {data.count}; nothing was recorded"
            raise UsageError("\n".join([*importing.problem_lines(checked.problems), summary]))
        recorded = history.insert_readings(db, app.workspace.root, importing.readings(data, catalog, today), checked.pledges, app.author,
                                           task("Recording", checked.count), at=app.entered_at)
    click.echo(f"imported {plural(recorded, 'reading')} for {plural(len(checked.indicators), 'indicator')}")


@contextlib.contextmanager
def _progress(show: bool) -> Iterator[Callable[[str, int], Advance | None]]:
    """Yield a function that starts a progress task and returns its `advance`, or None when progress is not shown."""
    if not show:
        yield lambda description, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), redirect_stdout=False, redirect_stderr=False) as bar:

        def start(description: str, total: int) -> Advance:
            task_id = bar.add_task(description, total=total)
            return lambda n: bar.advance(task_id, n)

        yield start


export.add_command(iati.export_iati)
import_group.add_command(iati.import_iati)
