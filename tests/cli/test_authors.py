"""Who entered what: --author, TRACKER_AUTHOR, git's identity, the system user; and `tracker changes`."""

from __future__ import annotations

import getpass
import json
import subprocess
from pathlib import Path

from click.testing import CliRunner, Result
from conftest import TODAY

from tracker.cli.main import cli

GCM = "gcm-implementation-plan"


def run(ws: Path, home: Path, *args: str, **env: str) -> Result:
    """Run the command line with HOME pointing at an empty folder, so no global git identity leaks in."""
    full = {"TRACKER_WORKSPACE": str(ws), "TRACKER_TODAY": TODAY, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
            "TRACKER_AUTHOR": "", **env}
    return CliRunner().invoke(cli, list(args), env=full, catch_exceptions=False)


def _authors(ws: Path, home: Path) -> list[str | None]:
    return [e["author"] for e in json.loads(run(ws, home, "history", GCM, "--json").stdout)]


def test_the_author_comes_from_the_option_the_variable_git_or_the_system(workspace: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    note = ("update", GCM, "--status", "in-progress", "--note", "n")
    assert run(workspace, home, *note).exit_code == 0  # no git identity anywhere: the system user
    subprocess.run(["git", "init", "-q", str(workspace)], check=True)
    subprocess.run(["git", "-C", str(workspace), "config", "user.name", "Dara Sok"], check=True)
    subprocess.run(["git", "-C", str(workspace), "config", "user.email", "dara@example.org"], check=True)
    assert run(workspace, home, *note).exit_code == 0
    assert run(workspace, home, *note, TRACKER_AUTHOR="Focal Point, Ministry of Interior").exit_code == 0
    assert run(workspace, home, *note, "--author", "Jane Doe", TRACKER_AUTHOR="ignored").exit_code == 0
    assert run(workspace, home, "--author", "Before The Command", *note).exit_code == 0
    assert _authors(workspace, home) == [getpass.getuser(), "Dara Sok <dara@example.org>", "Focal Point, Ministry of Interior",
                                         "Jane Doe", "Before The Command"]
    refused = run(workspace, home, *note, "--author", "bad\x1bname")
    assert refused.exit_code == 2 and "--author" in refused.stderr


def test_readings_completions_and_the_report_carry_the_author(workspace: Path, tmp_path: Path) -> None:
    home = tmp_path
    assert run(workspace, home, "record", "mine-action-csdg", "contaminated-area-remaining", "120", "--date", TODAY,
               "--author", "Surveyor").exit_code == 0
    assert run(workspace, home, "done", GCM, "action-plan-adopted", "--author", "Desk").exit_code == 0
    assert run(workspace, home, "update", GCM, "--status", "stalled", "--note", "gap", "--author", "Desk").exit_code == 0
    shown = json.loads(run(workspace, home, "show", GCM, "--json").stdout)
    assert shown["updates"][0]["author"] == "Desk"
    report = json.loads(run(workspace, home, "report", "weekly", "--format", "json").stdout)
    assert [r["author"] for r in report["changes"]["readings"]] == ["Surveyor"]
    assert [m["author"] for m in report["changes"]["milestones_done"]] == ["Desk"]
    assert [u["author"] for u in report["changes"]["updates"]] == ["Desk"]
    assert "Desk" in run(workspace, home, "history", GCM).stdout


def test_changes_lists_what_was_entered_newest_first(workspace: Path, tmp_path: Path) -> None:
    home = tmp_path
    for who, status in (("Ana", "in-progress"), ("Bora", "stalled"), ("ana lee", "in-progress")):
        assert run(workspace, home, "update", GCM, "--status", status, "--note", who, "--author", who).exit_code == 0
    every = json.loads(run(workspace, home, "changes", "--json").stdout)
    assert [e["author"] for e in every] == ["ana lee", "Bora", "Ana"]
    assert {e["pledge_id"] for e in every} == {GCM} and all(e["kind"] == "update" for e in every)
    only = json.loads(run(workspace, home, "changes", "--author", "ANA", "--json").stdout)
    assert [e["author"] for e in only] == ["ana lee", "Ana"]
    assert json.loads(run(workspace, home, "changes", "--since", "2200-12-31", "--json").stdout) == []
    table = run(workspace, home, "changes", "--since", "30d")
    assert table.exit_code == 0 and "Bora" in table.stdout
    bad = run(workspace, home, "changes", "--since", "last week")
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --since:")
