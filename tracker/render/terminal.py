"""Terminal renderings of the read commands; user text is always a `Text`, never markup."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tracker.render.plain import PLAIN_ABOVE, TABLE_LIMIT, days_left, narrow_columns, plain_line, row_cells, schedule_counts, titled
from tracker.render.sanitize import inert
from tracker.render.words import plural

SCHEDULE_STYLE = {"overdue": "bold red", "due-soon": "yellow", "upcoming": "green", "closed": "dim"}
REPORTED_STYLE = {"achieved": "green", "partly-achieved": "yellow", "missed": "red", "stalled": "red", "withdrawn": "dim"}
WIDE = 150


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


def days_text(r: dict[str, Any], say_review: bool = True) -> Text:
    """Return days left (to a review: 'review in 38d', unless a column beside says so), or days overdue in red."""
    days = r["days_left"]
    if days is None:
        return Text("")
    text = days_left(r) if say_review or days < 0 else f"{days}d"
    return Text(text, style="bold red" if days < 0 else SCHEDULE_STYLE.get(r["schedule_status"], ""))


def status_table(rows: list[dict[str, Any]], show_all: bool, width: int = 80) -> RenderableType:
    """Return the status table (or a summary plus the most urgent rows for large portfolios)."""
    shown = rows if show_all else rows[:TABLE_LIMIT]
    if not rows:
        return Text("0 pledges")
    if len(shown) > PLAIN_ABOVE:
        return Text("\n".join(plain_line(r) for r in shown))
    table = _wide_table(shown, width) if width >= WIDE else _narrow_table(shown, width)
    parts: list[RenderableType] = [table, summary_line(rows)]
    if len(shown) < len(rows):
        parts.append(Text(f"showing the {len(shown)} most urgent of {len(rows)}; --all shows every pledge", style="dim"))
    return Group(*parts)


def _pledge_cell(r: dict[str, Any], with_owner: bool) -> Text:
    cell = Text()
    cell.append(inert(r["id"]), style="bold")
    cell.append("\n" + titled(r) + (f" · {inert(r['owner'])}" if with_owner else ""), style="dim")
    return cell


HEALTH_STYLE = {"critical": "bold red", "at-risk": "yellow", "unknown": "dim", "good": "green", "closed": "dim"}
ASSESSED_STYLE = {"regressing": "bold red", "off-track": "red", "needs-acceleration": "yellow", "on-track": "green",
                  "achieved": "green", "no-data": "dim"}


def _lines(*parts: tuple[str, str]) -> Text:
    text = Text()
    for index, (value, style) in enumerate(parts):
        if index:
            text.append("\n")
        text.append(inert(value), style=style)
    return text


def _progress(r: dict[str, Any]) -> str:
    return "—" if r["progress"] is None else f"{r['progress']:.0%}"


def _flag(r: dict[str, Any]) -> tuple[str, str]:
    return ("⚠ discrepancy", "bold yellow") if r["discrepancy"] else ("", "")


def _narrow_table(rows: list[dict[str, Any]], width: int) -> Table:
    """Two lines a pledge, for 80-column terminals."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for name, size, right in narrow_columns([row_cells(r) for r in rows], width):
        table.add_column(name, no_wrap=True, overflow="ellipsis", width=size, justify="right" if right else "left")
    for r in rows:
        table.add_row(
            _pledge_cell(r, True),
            _lines((r["health"], HEALTH_STYLE[r["health"]]), (_progress(r), "")),
            _lines((r["schedule_status"], SCHEDULE_STYLE[r["schedule_status"]]), _reported_part(r)),
            _lines((r["assessed_status"], ASSESSED_STYLE[r["assessed_status"]]), _flag(r)),
            _due_cell(r),
        )
    return table


def _reported_part(r: dict[str, Any]) -> tuple[str, str]:
    reported = r["reported_status"]
    return (reported, REPORTED_STYLE.get(reported, "")) if reported else ("not reported", "dim")


def _due_cell(r: dict[str, Any]) -> Text:
    deadline = r["next_deadline"]
    if not deadline:
        return Text("—", style="dim")
    text = Text(deadline["text"] if deadline["precision"] == "day" else f"end {deadline['text']}")
    text.append("\n")
    text.append_text(days_text(r))
    return text


def _wide_table(rows: list[dict[str, Any]], width: int) -> Table:
    """One column per field, for terminals of 150 columns or more."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=True)
    table.add_column("pledge", no_wrap=True, overflow="ellipsis", ratio=2, min_width=24)
    table.add_column("owner", no_wrap=True, overflow="ellipsis", ratio=1, min_width=14)
    for name, size in (("health", 8), ("reported", 15), ("assessed", 18), ("schedule", 8), ("progress", 8)):
        table.add_column(name, no_wrap=True, width=size)
    table.add_column("next deadline", no_wrap=True, overflow="ellipsis", ratio=1, min_width=18)
    table.add_column("left", justify="right", no_wrap=True, width=10)
    for r in rows:
        table.add_row(
            _pledge_cell(r, False), _t(r["owner"]), _lines((r["health"], HEALTH_STYLE[r["health"]])), _lines(_reported_part(r)),
            _lines((r["assessed_status"], ASSESSED_STYLE[r["assessed_status"]]), _flag(r)),
            _t(r["schedule_status"], SCHEDULE_STYLE[r["schedule_status"]]), _t(_progress(r)),
            deadline_text(r["next_deadline"]), days_text(r, say_review=False),
        )
    return table


def summary_line(rows: list[dict[str, Any]]) -> Text:
    """Return '12 pledges: 2 overdue, 1 due-soon, …'."""
    text = Text(plural(len(rows), "pledge") + (": " if rows else ""))
    parts = schedule_counts(rows)
    for index, (status, label) in enumerate(parts):
        text.append(label, style=SCHEDULE_STYLE[status])
        if index < len(parts) - 1:
            text.append(", ")
    return text


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
    head.append("\nhealth: ")
    head.append(p["health"], style=HEALTH_STYLE[p["health"]])
    head.append("   schedule: ")
    head.append(p["schedule_status"], style=SCHEDULE_STYLE[p["schedule_status"]])
    head.append("   assessed: ")
    head.append(p["assessed_status"], style=ASSESSED_STYLE[p["assessed_status"]])
    head.append("   reported: " + (p["reported_status"] or "—"))
    for reason in p["health_reasons"]:
        head.append("\n  · " + inert(reason), style="dim")
    for z in p["snoozes"]:
        head.append("\n" + inert(f"reminders of {_snoozed(z)} snoozed until {z['until']}: {z['reason']}"), style="yellow")
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
    for name in ("indicator", "baseline", "target", "latest", "trend"):
        table.add_column(name, overflow="fold")
    for i in indicators:
        title = Text()
        title.append(inert(i["id"]), style="bold")
        title.append("\n" + inert(i["title"]) + (f" ({inert(i['unit'])})" if i["unit"] else ""))
        latest = i["latest"]
        table.add_row(
            title, _t(_point(i["baseline"])), _t(_point(i["target"])),
            _t(f"{_value(latest['value'])} on {latest['date']} ({plural(len(i['readings']), 'reading')})" if latest else "no readings"),
            _trend_cell(i),
        )
    return table


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float]) -> str:
    """Return a one-line chart of values, lowest ▁ to highest █."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return SPARKS[3] * len(values)
    return "".join(SPARKS[round((v - low) / (high - low) * (len(SPARKS) - 1))] for v in values)


def _trend_cell(i: dict[str, Any]) -> Text:
    numbers = [r["value"] for r in i["readings"] if isinstance(r["value"], (int, float))]
    text = Text(sparkline(numbers[-24:]))
    verdict = (i["assessment"] or {}).get("verdict", "no-data")
    text.append(("\n" if numbers else "") + verdict, style=ASSESSED_STYLE.get(verdict, ""))
    return text


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
        cell = _t(detail(e))
        if e.get("author"):
            cell.append("\nby " + inert(e["author"]), style="dim")
        if e.get("retracted"):
            cell.stylize("strike")
            why = e["retracted"]
            verb = "corrected" if why.get("replaced_by") else "retracted"
            cell.append(f"\n{verb} {why['entered_at'][:10]} by {inert(why['author'] or 'unknown')}: {inert(why['reason'])}", style="bold")
        table.add_row(e["date"], e["kind"], cell)
    return table


def changes_table(entries: list[dict[str, Any]]) -> RenderableType:
    """Return what was entered, newest first: when, by whom, on which pledge, what."""
    if not entries:
        return Text("nothing was entered in that time", style="dim")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("entered (UTC)", no_wrap=True)
    table.add_column("by / pledge", overflow="fold")
    table.add_column("event", no_wrap=True)
    table.add_column("detail", overflow="fold")
    for e in entries:
        who = _t(e["author"] or "—")
        who.append("\n" + inert(e["pledge_id"] or "(reporting round)"), style="dim")
        table.add_row(e["recorded_at"][:16].replace("T", " "), who, e["kind"], _t(detail(e)))
    return table


def detail(e: dict[str, Any]) -> str:
    """Return what one history entry records, in a line."""
    if e["kind"] == "update":
        return f"{e['status']}: {e['note']}" + (f" <{e['source']}>" if e["source"] else "")
    if e["kind"] == "reading":
        return f"{e['indicator']} = {_value(e['value'])}" + (f" ({e['note']})" if e["note"] else "") + (f" <{e['source']}>" if e["source"] else "")
    if e["kind"] in ("round-open", "round-close"):
        opened = f"due {e['due']}" + (f": {e['message']}" if e.get("message") else "")
        return f"round {e['round']} " + (opened if e["kind"] == "round-open" else "closed")
    if e["kind"] == "retract":
        return f"{'corrected' if e['replaced_by'] else 'retracted'} {e['target']}: {e['reason']}"
    if e["kind"] == "done":
        return f"milestone {e['milestone']} done" + (f" <{e['evidence']}>" if e["evidence"] else "")
    if e["kind"] == "snooze":
        return f"reminders of {_snoozed(e)} snoozed until {e['until']}: {e['reason']}"
    return f"{e['item_kind']} {e['item']} {e['field']}: {e['old']} → {e['new']}" + (f" ({e['reason']})" if e.get("reason") else "")


def _snoozed(e: dict[str, Any]) -> str:
    """Name a snoozed deadline: the pledge's due date, or a milestone."""
    return f"milestone {e['item']}" if e["item_kind"] == "milestone" else "the due date"
