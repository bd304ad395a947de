"""Terminal views of a monitoring tick and of the outbox (user text always as `Text`)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tracker.render.sanitize import inert
from tracker.render.words import plural

STATUS_STYLE = {"sent": "green", "pending": "cyan", "sending": "cyan", "failed": "yellow", "dead": "bold red", "superseded": "dim"}


def _line(entry: dict[str, Any], verb: str, style: str) -> Text:
    text = Text()
    text.append(f"{verb:<9}", style=style)
    text.append(inert(f"{entry['recipient']}  {entry['subject']}"))
    if entry.get("last_error"):
        text.append(inert(f"  ({entry['last_error']})"), style="dim")
    return text


def _messages(entries: list[dict[str, Any]], verb: str, style: str) -> list[Text]:
    """Return one line per message (a recipient's digest): its recipient, most urgent item and how many more."""
    by_recipient: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_recipient.setdefault(entry["recipient"], []).append(entry)
    lines = []
    for _, group in sorted(by_recipient.items()):
        first = min(group, key=lambda e: (e["kind"] == "progress", e["deadline_date"]))
        more = f"  (+{plural(len(group) - 1, 'more item')})" if len(group) > 1 else ""
        lines.append(_line({**first, "subject": first["subject"] + more}, verb, style))
    return lines


def tick_text(result: dict[str, Any], summary: str, dry_run: bool) -> RenderableType:
    """Return what a tick did (its `remind --json` shape), one line per message, then its summary line."""
    if dry_run:
        lines = _messages(result["would_send"], "would", "cyan")
        items = plural(len(result["would_send"]), "item")
        return Group(*lines, Text(f"dry run: {plural(len(lines), 'message')} ({items}) would go out; nothing was recorded or sent",
                                  style="dim"))
    lines = [line for verb, style in (("sent", "green"), ("failed", "yellow"), ("dead", "bold red"), ("unknown", "bold yellow"))
             for line in _messages(result.get(verb, []), verb, style)]
    lines += [_line(e, "skipped", "dim") for e in result["skipped"]]
    return Group(*lines, Text(summary, style="dim"))


COLUMN_GAP = 2  # with collapsed padding: one space of padding and the invisible rule
STATUS_ORDER = ("pending", "sending", "failed", "dead", "unknown", "sent", "superseded")


def next_attempt(entry: dict[str, Any], zone: tzinfo) -> str:
    """Return when an entry goes out next: its retry time in the workspace zone, "next tick", or "—"."""
    if entry["status"] == "pending":
        return "next tick"
    if entry["status"] != "failed" or not entry.get("next_attempt_at"):
        return "—"
    return datetime.fromisoformat(entry["next_attempt_at"]).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def outbox_summary(counts: dict[str, int]) -> str:
    """Return how many entries are in each state, in the order an entry goes through them."""
    order = [s for s in STATUS_ORDER if counts.get(s)] + sorted(s for s in counts if s not in STATUS_ORDER and counts[s])
    return ", ".join(f"{counts[s]} {s}" for s in order) or "the outbox is empty"


def outbox_table(entries: list[dict[str, Any]], counts: dict[str, int], width: int, zone: tzinfo = UTC) -> RenderableType:
    """Return the outbox as a table (id, status, tries and next attempt always shown whole) with a count per status."""
    summary = Text(outbox_summary(counts), style="dim")
    if not entries:
        return summary
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, collapse_padding=True)
    whens = [next_attempt(e, zone) for e in entries]
    # Every width is set: left to itself, Rich takes room from the short columns first, and the id that
    # `outbox retry` takes would be the first to go.
    fixed = 0
    for name, cells in (("id", [str(e["id"]) for e in entries]), ("status", [e["status"] for e in entries]),
                        ("tries", [str(e["attempts"]) for e in entries]), ("next attempt", whens)):
        size = max(len(name), *(len(c) for c in cells))
        fixed += size
        table.add_column(name, no_wrap=True, width=size, justify="right" if name in ("id", "tries") else "left")
    longest = max(len(inert(e["recipient"])) for e in entries)
    recipient = max(8, min(longest, width // 7))
    table.add_column("for", no_wrap=True, overflow="ellipsis", width=recipient)
    table.add_column("message", no_wrap=True, overflow="ellipsis", width=max(12, width - fixed - recipient - COLUMN_GAP * 5))
    for e, when in zip(entries, whens, strict=True):
        message = Text(inert(e["subject"].removeprefix("[tracker] ")))  # every subject starts so: room for what differs
        if e["last_error"]:
            message.append("\n" + inert(e["last_error"]), style="dim")
        table.add_row(str(e["id"]), Text(e["status"], style=STATUS_STYLE.get(e["status"], "")), str(e["attempts"]),
                      Text(when, style="dim" if when == "—" else ""), Text(inert(e["recipient"])), message)
    return Group(table, summary)
