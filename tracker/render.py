"""Terminal renderings of the read commands; user text is always a `Text`, never markup."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tracker.sanitize import inert

SCHEDULE_STYLE = {"overdue": "bold red", "due-soon": "yellow", "upcoming": "green", "closed": "dim"}
REPORTED_STYLE = {"achieved": "green", "partly-achieved": "yellow", "missed": "red", "stalled": "red", "withdrawn": "dim"}
TABLE_LIMIT = 50
PLAIN_ABOVE = 200


def _t(value: object, style: str = "") -> Text:
    return Text(inert(value), style=style)


def deadline_text(deadline: dict[str, Any] | None) -> Text:
    """Return a deadline as 'end 2026' (its precision shown) over what falls due."""
    if not deadline:
        return Text("—", style="dim")
    text = Text(deadline["text"] if deadline["precision"] == "day" else f"end {deadline['text']}")
    text.append("\n")
    text.append(inert(deadline["what"]), style="dim")
    return text


def days_text(days: int | None, status: str) -> Text:
    """Return days left, or days overdue in red."""
    if days is None:
        return Text("")
    if days < 0:
        return Text(f"{-days}d late", style="bold red")
    return Text(f"{days}d", style=SCHEDULE_STYLE.get(status, ""))


def status_table(rows: list[dict[str, Any]], show_all: bool, width: int = 80) -> RenderableType:
    """Return the status table (or a summary plus the most urgent rows for large portfolios)."""
    shown = rows if show_all else rows[:TABLE_LIMIT]
    if len(shown) > PLAIN_ABOVE:
        return Text("\n".join(_plain_line(r) for r in shown))
    table = _wide_table(shown, width) if width >= 110 else _narrow_table(shown, width)
    parts: list[RenderableType] = [table, summary_line(rows)]
    if len(shown) < len(rows):
        parts.append(Text(f"showing the {len(shown)} most urgent of {len(rows)}; --all shows every pledge", style="dim"))
    return Group(*parts)


def _pledge_cell(r: dict[str, Any], with_owner: bool) -> Text:
    cell = Text()
    cell.append(inert(r["id"]), style="bold")
    cell.append("\n" + inert(r["title"]) + (f" · {inert(r['owner'])}" if with_owner else ""), style="dim")
    return cell


def _reported(r: dict[str, Any]) -> Text:
    reported = r["reported_status"]
    return _t(reported, REPORTED_STYLE.get(reported, "")) if reported else Text("not reported", style="dim")


def _narrow_table(rows: list[dict[str, Any]], width: int) -> Table:
    """Two lines a pledge: id over title and owner; schedule over reported; date over what is due."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    fixed = {"status": 15, "next deadline": 16, "left": 10}
    table.add_column("pledge", no_wrap=True, overflow="ellipsis", width=max(20, width - sum(fixed.values()) - 9))
    table.add_column("status", no_wrap=True, overflow="ellipsis", width=fixed["status"])
    table.add_column("next deadline", no_wrap=True, overflow="ellipsis", width=fixed["next deadline"])
    table.add_column("left", justify="right", no_wrap=True, width=fixed["left"])
    for r in rows:
        state = Text()
        state.append(r["schedule_status"], style=SCHEDULE_STYLE[r["schedule_status"]])
        state.append("\n")
        state.append_text(_reported(r))
        table.add_row(_pledge_cell(r, True), state, deadline_text(r["next_deadline"]), days_text(r["days_left"], r["schedule_status"]))
    return table


def _wide_table(rows: list[dict[str, Any]], width: int) -> Table:
    """One column per field, for terminals of 110 columns or more."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=True)
    table.add_column("pledge", no_wrap=True, overflow="ellipsis", ratio=3)
    table.add_column("owner", no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column("reported", no_wrap=True, width=15)
    table.add_column("schedule", no_wrap=True, width=8)
    table.add_column("next deadline", no_wrap=True, overflow="ellipsis", ratio=1, min_width=16)
    table.add_column("left", justify="right", no_wrap=True, width=10)
    for r in rows:
        table.add_row(
            _pledge_cell(r, False), _t(r["owner"]), _reported(r),
            _t(r["schedule_status"], SCHEDULE_STYLE[r["schedule_status"]]),
            deadline_text(r["next_deadline"]), days_text(r["days_left"], r["schedule_status"]),
        )
    return table


def summary_line(rows: list[dict[str, Any]]) -> Text:
    """Return '12 pledges: 2 overdue, 1 due-soon, …'."""
    counts = Counter(r["schedule_status"] for r in rows)
    text = Text(f"{len(rows)} pledges: ")
    parts = [(f"{counts[s]} {s}", SCHEDULE_STYLE[s]) for s in ("overdue", "due-soon", "upcoming", "closed") if counts[s]]
    for index, (label, style) in enumerate(parts):
        text.append(label, style=style)
        if index < len(parts) - 1:
            text.append(", ")
    return text


def _plain_line(r: dict[str, Any]) -> str:
    deadline = r["next_deadline"]
    when = deadline["date"] if deadline else "-"
    days = "" if r["days_left"] is None else str(r["days_left"])
    return f"{inert(r['id'])}  {r['schedule_status']:<8}  {when}  {days:>6}  {inert(r['title'])[:60]}"


def pledge_view(p: dict[str, Any]) -> RenderableType:
    """Return everything about one pledge: header, milestones, indicators, updates, sources."""
    head = Text()
    head.append(inert(p["title"]), style="bold")
    head.append(f"\n{p['id']}", style="dim")
    head.append("\nowner: ")
    head.append(inert(p["owner"]))
    if p["partners"]:
        head.append("   partners: " + inert(", ".join(p["partners"])))
    if p["frameworks"]:
        head.append("\nframeworks: " + inert(", ".join(p["frameworks"])))
    head.append(f"\ndue: {p['due']['date']}" + (" (assumed)" if p["due"]["assumed"] else ""))
    head.append("   schedule: ")
    head.append(p["schedule_status"], style=SCHEDULE_STYLE[p["schedule_status"]])
    head.append("   reported: " + (p["reported_status"] or "—"))
    if p["summary"]:
        head.append("\n\n" + inert(p["summary"]))
    parts: list[RenderableType] = [head]
    if p["milestones"]:
        parts += [Text("\nMilestones", style="bold"), _milestones(p["milestones"])]
    if p["indicators"]:
        parts += [Text("\nIndicators", style="bold"), _indicators(p["indicators"])]
    if p["reviews"]:
        parts += [Text("\nReviews", style="bold"), _t("\n".join(f"{r['what'].removeprefix('review: ')}: {r['text']} ({r['days_left']}d)" for r in p["reviews"]))]
    parts += [Text("\nLatest updates", style="bold"), _updates(p["updates"])]
    parts += [Text("\nSources", style="bold"), _t("\n".join(f"{s.get('document') or s.get('url')}: “{s['quote']}”" for s in p["sources"]))]
    return Group(*parts)


def _milestones(milestones: list[dict[str, Any]]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for name in ("milestone", "due", "state"):
        table.add_column(name, overflow="fold")
    for m in milestones:
        title = Text()
        title.append(inert(m["id"]), style="bold")
        title.append("\n" + inert(m["title"]))
        due = _t(m["due"] + (" (assumed)" if m["assumed"] else ""))
        if m["done"]:
            state = _t(f"done {m['done']['date']}", "green")
        elif m["days_left"] < 0:
            state = _t(f"{-m['days_left']}d late", "bold red")
        else:
            state = _t(f"{m['days_left']}d left")
        table.add_row(title, due, state)
    return table


def _indicators(indicators: list[dict[str, Any]]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for name in ("indicator", "baseline", "target", "latest"):
        table.add_column(name, overflow="fold")
    for i in indicators:
        title = Text()
        title.append(inert(i["id"]), style="bold")
        title.append("\n" + inert(i["title"]) + (f" ({inert(i['unit'])})" if i["unit"] else ""))
        latest = i["latest"]
        table.add_row(
            title, _t(_point(i["baseline"])), _t(_point(i["target"])),
            _t(f"{_value(latest['value'])} on {latest['date']} ({len(i['readings'])} readings)" if latest else "no readings"),
        )
    return table


def _point(point: dict[str, Any] | None) -> str:
    if not point:
        return "—"
    return f"{_value(point['value'])} ({point['date']})" + (" assumed" if point.get("assumed") else "")


def _value(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _updates(updates: list[dict[str, Any]]) -> RenderableType:
    if not updates:
        return Text("no status reported yet; record one with: tracker update ID --status in-progress --note TEXT", style="dim")
    text = Text()
    for u in updates:
        text.append(f"{u['date']}  ")
        text.append(u["status"], style=REPORTED_STYLE.get(u["status"], "bold"))
        text.append("  " + inert(u["note"]) + (f"  <{inert(u['source'])}>" if u["source"] else "") + "\n")
    return text


def history_table(events: list[dict[str, Any]]) -> RenderableType:
    """Return a pledge's history, oldest first."""
    if not events:
        return Text("no history recorded yet", style="dim")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("date", no_wrap=True)
    table.add_column("event", no_wrap=True)
    table.add_column("detail", overflow="fold")
    for e in events:
        table.add_row(e["date"], e["kind"], _t(_detail(e)))
    return table


def _detail(e: dict[str, Any]) -> str:
    if e["kind"] == "update":
        return f"{e['status']}: {e['note']}" + (f" <{e['source']}>" if e["source"] else "")
    if e["kind"] == "reading":
        return f"{e['indicator']} = {_value(e['value'])}" + (f" ({e['note']})" if e["note"] else "") + (f" <{e['source']}>" if e["source"] else "")
    if e["kind"] == "done":
        return f"milestone {e['milestone']} done" + (f" <{e['evidence']}>" if e["evidence"] else "")
    return f"{e['item_kind']} {e['item']} {e['field']}: {e['old']} → {e['new']}"
