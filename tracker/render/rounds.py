"""Reporting rounds in the terminal: one row per pledge with its state, and one line per round (user text as `Text`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tracker.render.sanitize import inert
from tracker.views.rounds import compliance

STATE_STYLE = {"reported": "green", "late": "yellow", "missing": "bold red"}


def status_table(data: dict[str, Any], today: date) -> RenderableType:
    """Return a round's pledges (state, day and author of the answer), then its compliance line."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
    for header in ("pledge", "state", "reported on", "by"):
        table.add_column(header, overflow="fold")
    for p in data["pledges"]:
        table.add_row(Text(inert(f"{p['title']} ({p['id']})")), Text(p["state"], style=STATE_STYLE[p["state"]]),
                      p["reported_on"] or "—", Text(inert(p["author"] or "—")))
    head = Text(inert(f"Round {data['name']}: opened {data['opened_on']}, due {data['due']}"
                      + (f", closed {data['closed_on']}" if data["closed_on"] else "")), style="bold")
    return Group(head, table, Text(compliance(data, today)))


def list_lines(rounds: list[dict[str, Any]], today: date) -> list[str]:
    """Return one line per round: its name, state, due day and compliance."""
    if not rounds:
        return ["no reporting rounds yet; `tracker round open NAME --due DATE --review REVIEW` opens one"]
    return [inert(f"{r['name']}  {'closed ' + r['closed_on'] if r['closed_on'] else 'open'}  {compliance(r, today)}") for r in rounds]
