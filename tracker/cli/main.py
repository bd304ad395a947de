"""The `tracker` group: global options, and every command, loaded from its module only when it runs.

Each command lives in the module of its area; `COMMANDS` names it. A command's module (and what it imports) is
loaded only when that command runs or help lists it, so `tracker remind` does not pay for the export commands.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from tracker.cli.app import App, TrackerGroup, refuse_undecodable

COMMANDS = {
    "status": "pledges", "show": "pledges", "history": "pledges", "explain": "pledges", "timeline": "pledges",
    "validate": "pledges", "sync": "pledges", "init": "pledges",
    "update": "record", "record": "record", "done": "record", "changes": "record", "correct": "record", "retract": "record",
    "revise": "record", "snooze": "record", "report": "reports",
    "remind": "service", "outbox": "service", "run": "service", "backup": "service", "doctor": "service", "rebuild": "service",
    "export": "interop", "import": "interop", "round": "rounds", "publish": "publish",
}
# The function of a command whose name is not its own (a Python keyword or builtin, or a clash).
FUNCTIONS = {"run": "run_daemon", "import": "import_group", "round": "round_group"}


class Commands(TrackerGroup):
    """The top-level group: commands are imported from their module on first use (click's lazy-loading pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(f"tracker.cli.{COMMANDS[cmd_name]}")
        command: Any = getattr(module, FUNCTIONS.get(cmd_name, cmd_name))
        assert isinstance(command, click.Command) and command.name == cmd_name, cmd_name
        return command


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pledge-tracker", prog_name="tracker")
@click.option("--workspace", envvar="TRACKER_WORKSPACE", metavar="DIR", help="Workspace folder (env TRACKER_WORKSPACE); default: nearest folder upward with tracker.toml or pledges/.")
@click.option("--db", envvar="TRACKER_DB", metavar="FILE", help="Database file (env TRACKER_DB); default: tracker.db in the workspace.")
@click.option("--author", envvar="TRACKER_AUTHOR", metavar="NAME", help="Who enters the records (env TRACKER_AUTHOR); default: git's user.name and user.email, else the system user.")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, db: str | None, author: str | None) -> None:
    """Track pledges: their deadlines, milestones, indicators and reported status."""
    app = ctx.obj = App(workspace, db)
    app.author_arg = author
    ctx.call_on_close(app.close)  # so tracker.db alone holds every committed write (the WAL is checkpointed on close)


def main() -> None:
    """Entry point of the `tracker` console script."""
    import os
    import sys

    refuse_undecodable(sys.argv[1:], dict(os.environ))
    cli(prog_name="tracker")
