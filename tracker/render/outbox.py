"""Terminal views of a monitoring tick and of the outbox (user text always as `Text`)."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tracker.render.sanitize import inert

STATUS_STYLE = {"sent": "green", "pending": "cyan", "sending": "cyan", "failed": "yellow", "dead": "bold red", "superseded": "dim"}


def _line(entry: dict[str, Any], verb: str, style: str) -> Text:
    text = Text()
    text.append(f"{verb:<9}", style=style)
    text.append(inert(f"{entry['recipient']}  {entry['subject']}"))
    if entry.get("last_error"):
        text.append(inert(f"  ({entry['last_error']})"), style="dim")
    return text


def tick_text(result: dict[str, Any], summary: str, dry_run: bool) -> RenderableType:
    """Return what a tick did (its `remind --json` shape), one line per message, then its summary line."""
    if dry_run:
        lines = [_line(e, "would", "cyan") for e in result["would_send"]]
        return Group(*lines, Text(f"dry run: {len(lines)} message(s) would go out; nothing was recorded or sent", style="dim"))
    lines = [_line(e, "sent", "green") for e in result["sent"]] + [_line(e, "failed", "yellow") for e in result["failed"]]
    lines += [_line(e, "dead", "bold red") for e in result["dead"]] + [_line(e, "skipped", "dim") for e in result["skipped"]]
    return Group(*lines, Text(summary, style="dim"))


def outbox_table(entries: list[dict[str, Any]], counts: dict[str, int], width: int) -> RenderableType:
    """Return the outbox as a table with a count per status."""
    summary = Text(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "the outbox is empty", style="dim")
    if not entries:
        return summary
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("for", no_wrap=True, overflow="ellipsis", max_width=max(12, width // 4))
    table.add_column("message", overflow="ellipsis", no_wrap=True)
    table.add_column("tries", justify="right", no_wrap=True)
    for e in entries:
        message = Text(inert(e["subject"]))
        if e["last_error"]:
            message.append("\n" + inert(e["last_error"]), style="dim")
        table.add_row(str(e["id"]), Text(e["status"], style=STATUS_STYLE.get(e["status"], "")), Text(inert(e["recipient"])), message, str(e["attempts"]))
    return Group(table, summary)
