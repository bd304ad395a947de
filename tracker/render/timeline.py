"""Draw pledges, milestones and reviews across time in the terminal (plain data in, `Text` out)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from rich.text import Text

from tracker.render.sanitize import inert

MARKS = {"pledge": ("●", "bold"), "milestone": ("◆", "cyan"), "review": ("▲", "magenta")}
LABEL = 26


def draw(rows: list[dict[str, Any]], start: date, end: date, today: date, width: int) -> Text:
    """Return the timeline: an axis of months, a today line, and one lane per pledge."""
    out = Text()
    for index, line in enumerate(draw_lines(rows, start, end, today, width)):
        if index:
            out.append("\n")
        out.append_text(line)
    return out


def draw_lines(rows: Iterable[dict[str, Any]], start: date, end: date, today: date, width: int) -> Iterator[Text]:
    """Yield the timeline a line at a time: the axis, one lane per pledge, the legend."""
    span = max(1, (end - start).days)
    cols = max(20, width - LABEL - 2)

    def col(day: date) -> int:
        return min(cols - 1, max(0, round((day - start).days / span * (cols - 1))))

    yield Text(" " * (LABEL + 2) + _axis(start, end, cols, col), style="dim")
    for lane in rows:
        line = Text()
        line.append(f"{inert(lane['id'])[:LABEL]:<{LABEL}}  ", style="bold" if lane["health"] == "critical" else "")
        line.append_text(_lane(lane, col, cols, today, start, end))
        yield line
    yield Text(f"{'':<{LABEL}}  ● due  ◆ milestone  ▲ review  │ today {today}", style="dim")


def _axis(start: date, end: date, cols: int, col: Any) -> str:
    line = [" "] * cols
    step = 1 if (end - start).days <= 400 else 3 if (end - start).days <= 1200 else 12
    month = date(start.year, 1 if step == 12 else start.month - (start.month - 1) % step, 1)
    while month <= end:
        label = f"{month:%Y}" if month.month == 1 else f"{month:%b}"
        position = col(month) if month >= start else cols
        if position + len(label) <= cols and all(c == " " for c in line[position:position + len(label) + 1]):
            line[position:position + len(label)] = label
        month = _add_months(month, step)
    return "".join(line[:cols])


def _add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def _lane(lane: dict[str, Any], col: Any, cols: int, today: date, start: date, end: date) -> Text:
    cells: list[tuple[str, str]] = [("·", "dim")] * cols
    if start <= today <= end:
        cells[col(today)] = ("│", "yellow")
    for d in lane["deadlines"]:
        when = date.fromisoformat(d["date"])
        mark, style = MARKS[d["kind"]]
        cells[col(when)] = (mark, "bold red" if when < today and d["kind"] != "review" else style)
    text = Text()
    run, run_style = "", None
    for char, style in cells:  # one span per run of a style, not one per cell
        if style != run_style and run:
            text.append(run, style=run_style or "")
            run = ""
        run, run_style = run + char, style
    text.append(run, style=run_style or "")
    return text
