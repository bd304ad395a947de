"""The `tracker` group: global options, and every command from the modules of this folder."""

from __future__ import annotations

import click

from tracker.cli import iati, interop, pledges, record, reports, service
from tracker.cli.app import App, TrackerGroup


@click.group(cls=TrackerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pledge-tracker", prog_name="tracker")
@click.option("--workspace", envvar="TRACKER_WORKSPACE", metavar="DIR", help="Workspace folder (env TRACKER_WORKSPACE); default: nearest folder upward with tracker.toml or pledges/.")
@click.option("--db", envvar="TRACKER_DB", metavar="FILE", help="Database file (env TRACKER_DB); default: tracker.db in the workspace.")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, db: str | None) -> None:
    """Track pledges: their deadlines, milestones, indicators and reported status."""
    app = ctx.obj = App(workspace, db)
    ctx.call_on_close(app.close)  # so tracker.db alone holds every committed write (the WAL is checkpointed on close)


COMMANDS = (
    pledges.status, pledges.show, pledges.history, pledges.explain, pledges.timeline, pledges.validate, pledges.sync, pledges.init,
    record.update, record.record, record.done, reports.report,
    service.remind, service.outbox, service.run_daemon, service.backup, service.doctor,
    interop.export, interop.import_group,
)
for command in COMMANDS:
    cli.add_command(command)
assert iati.import_iati and iati.export_iati  # registered on the export and import groups by their module


def main() -> None:
    """Entry point of the `tracker` console script."""
    cli(prog_name="tracker")
