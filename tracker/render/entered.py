"""The weekly report's "Entered this week" section: its wording (plain text, escaped by each format) and its HTML."""

from __future__ import annotations

from typing import Any

from tracker.render.html import Html, el, esc, join, table
from tracker.render.sanitize import inert
from tracker.render.words import plural

KINDS = {"update": "status update", "reading": "reading", "done": "milestone done", "revision": "revision"}
EMPTY = "Nothing entered this week."


def summary(entered: dict[str, Any]) -> str:
    """Return the section's opening line: how many entries, how many backdated, and whether all are listed."""
    total, listed = entered["total"], len(entered["items"])
    if not total:
        return EMPTY
    line = f"{plural(total, 'entry')} entered this week, {entered['backdated']} of them dated before the week."
    return line + (f" The {listed} entered last are listed; the JSON report counts the rest." if listed < total else "")


def what(item: dict[str, Any]) -> str:
    """Return what an entry records, in a line of plain text (still to be escaped)."""
    kind = item["kind"]
    if kind == "update":
        return f"{item['status']}: {item['note']}" if item.get("note") else str(item["status"])
    if kind == "reading":
        value = f"{item['indicator']} = {_value(item['value'])} {item.get('unit') or ''}".strip()
        return value + (f" ({item['note']})" if item.get("note") else "")
    if kind == "done":
        return str(item["milestone"])
    return f"{item['item_kind']} {item['item_id']} {item['field']}: {item['old']} → {item['new']}"


def when(item: dict[str, Any]) -> str:
    """Return 'dated 2026-02-16, entered 2026-03-04 by Ana' (the carried date only when it is not the day entered)."""
    dated = f"dated {item['date']}, " if item["date"] != item["entered_on"] else ""
    return f"{dated}entered {item['entered_on']} by {item['author'] or 'an unknown author'}"


def _value(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else inert(value)


def html_section(entered: dict[str, Any]) -> Html:
    """Return the section as HTML: the count, then one row per listed entry, backdated ones marked."""
    items: list[dict[str, Any]] = entered.get("items") or []
    intro = el("p", esc(summary(entered)), class_="empty" if not items else "muted")
    body = table(["Pledge", "Entry", "What", "Dated and entered"], map(_row, items), class_="entered") if items else Html("")
    return el("section", el("h2", esc("Entered this week")), intro, body, id="entered")


def _row(item: dict[str, Any]) -> list[Html]:
    pledge = join([el("strong", esc(item["pledge_id"])), el("div", esc(item["title"]), class_="sub")])
    mark = [el("strong", esc("backdated"), class_="warn"), esc(" ")] if item["backdated"] else []
    return [pledge, esc(KINDS.get(item["kind"], item["kind"])), esc(what(item)), join([*mark, esc(when(item))])]
