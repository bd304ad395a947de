"""The README is part of the product: its commands, examples and command list are checked here."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from conftest import REPO

from tracker.cli.main import cli
from tracker.pledges.loader import load_folder

README = (REPO / "README.md").read_text(encoding="utf-8")
INSTALL = "python3 -m venv .venv && . .venv/bin/activate && pip install . && tracker status"
TEST = "python3 -m venv .venv && . .venv/bin/activate && pip install '.[test]' && pytest"


def test_readme_opens_with_the_two_commands() -> None:
    """The first two shell blocks install and run the main job, then install and run the tests."""
    blocks = re.findall(r"```sh\n(.*?)\n```", README, flags=re.DOTALL)
    assert blocks[:2] == [INSTALL, TEST]


def test_ci_runs_the_readme_test_command() -> None:
    """CI runs exactly the README's test command."""
    assert TEST in (REPO / ".ci" / "run").read_text(encoding="utf-8")


CONTEXT = click.Context(cli)


def _subcommand(group: click.Group, name: str) -> click.Command:
    command = group.get_command(CONTEXT, name)  # loads a lazily registered command, as running it would
    assert command is not None, name
    return command


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name in group.list_commands(CONTEXT):
        command = _subcommand(group, name)
        if isinstance(command, click.Group):
            names += _commands(command, f"{prefix}{name} ")
        else:
            names.append(f"{prefix}{name}")
    return names


def test_every_command_is_listed() -> None:
    """The walk below sees every command (it would pass vacuously over an empty group)."""
    assert len(_commands(cli)) == 34


@pytest.mark.parametrize("command", _commands(cli))
def test_every_command_is_documented(command: str) -> None:
    """Each command has a section in the README and help text of its own."""
    assert re.search(rf"^### `?{re.escape(command)}`?$", README, flags=re.MULTILINE), f"README lacks a section for {command}"
    parts = command.split()
    target: click.Command = cli
    for part in parts:
        assert isinstance(target, click.Group)
        target = _subcommand(target, part)
    assert target.help


def test_yaml_examples_validate(tmp_path: Path) -> None:
    """The example pledge file and review calendar in the README load with the real loader."""
    examples = re.findall(r"<!-- example: (pledges/[\w.-]+) -->\s*```yaml\n(.*?)```", README, flags=re.DOTALL)
    assert {name for name, _ in examples} == {"pledges/example-pledge.yaml", "pledges/_reviews.yaml"}
    for name, text in examples:
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    catalog = load_folder(tmp_path / "pledges")
    assert list(catalog.pledges) == ["example-pledge"]
    assert catalog.reviews
