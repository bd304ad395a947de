"""The status table as plain text, laid out exactly as the Rich table is, for output that is not a terminal.

Rich spends about a millisecond a row on a table; a pipe or a file needs no colour, so this module writes the same
columns with string operations (tests/test_plain_table.py compares the two).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from typing import Any

from tracker.render.sanitize import inert
from tracker.render.words import plural

TABLE_LIMIT = 50  # rows of the default status view
PLAIN_ABOVE = 200  # longer listings are plain lines, not a table

GAP = "   "  # Rich's SIMPLE_HEAD box: one space of padding, an invisible rule, one space of padding
# The narrow table's status columns: the least width each gets, and the most it takes to show its longest value whole
# ("partly-achieved", "needs-acceleration", "review in 1499d") when the terminal has room for it.
NARROW_FIXED = (("health", 8, False), ("schedule", 12, False), ("assessed", 13, False), ("due", 11, True))
NARROW_MOST = (8, 15, 18, 15)
SHRINK_FIRST = (1, 2, 3, 0)  # when room is short: the reported status gives way first, then the verdict
PLEDGE_ROOM = 20  # the pledge column keeps this much before a status column is widened
WIDE = 150
MIN_WIDTH = 72  # narrower, Rich shrinks the columns
SCHEDULES = ("overdue", "due-soon", "upcoming", "closed")


SINGLE = frozenset("·—–…⚠’‘“”")  # the punctuation this table writes itself: one cell each


def _char_width(ch: str) -> int:
    if ch.isascii() or ch in SINGLE:
        return 1
    # Other scripts: Rich's own width table (Khmer vowel signs take no cell, CJK two), imported only when needed.
    from rich.cells import get_character_cell_size

    return get_character_cell_size(ch)


def cell_len(text: str) -> int:
    """Return how many terminal cells a text takes."""
    return len(text) if text.isascii() else sum(_char_width(ch) for ch in text)


def fit(text: str, width: int, right: bool = False) -> str:
    """Crop a text to `width` cells with an ellipsis, then pad it (on the left when right-justified)."""
    size = cell_len(text)
    if size > width:
        kept, size = [], 0
        for ch in text:
            if size + _char_width(ch) > width - 1:
                break
            kept.append(ch)
            size += _char_width(ch)
        # A wide character that does not fit leaves a space before the ellipsis, as in Rich.
        text, size = "".join(kept) + " " * (width - 1 - size) + "…", width
    pad = " " * (width - size)
    return pad + text if right else text + pad


def table(columns: list[tuple[str, int, bool]], rows: list[list[list[str]]]) -> list[str]:
    """Return the lines of a table: header, rule, then each row's cells (lists of lines) side by side."""
    lines = [GAP.join(fit(name, width, right) for name, width, right in columns)]
    lines.append("─" * (sum(width for _, width, _ in columns) + len(GAP) * (len(columns) - 1)))
    for cells in rows:
        for index in range(max(len(cell) for cell in cells)):
            lines.append(GAP.join(fit(cell[index] if index < len(cell) else "", width, right)
                                  for cell, (_, width, right) in zip(cells, columns, strict=True)))
    return lines


def days_left(r: dict[str, Any]) -> str:
    """Return the days left ('38d'), late ('327d late'), or to a review date ('review in 38d')."""
    days, deadline = r["days_left"], r["next_deadline"]
    if days is None:
        return ""
    if days < 0:
        return f"{-days}d late"
    return f"review in {days}d" if deadline and deadline.get("kind") == "review" else f"{days}d"


def _due(r: dict[str, Any]) -> list[str]:
    deadline = r["next_deadline"]
    if not deadline:
        return ["—"]
    return [deadline["text"] if deadline["precision"] == "day" else f"end {deadline['text']}", days_left(r)]


def titled(r: dict[str, Any]) -> str:
    """Return a row's title, after its kind when it is not a pledge: '[request] Title'."""
    kind = r.get("kind") or "pledge"
    return inert(r["title"]) if kind == "pledge" else f"[{inert(kind)}] {inert(r['title'])}"


def narrow_columns(rows: list[list[list[str]]], width: int) -> list[tuple[str, int, bool]]:
    """Return the narrow table's columns for these cells (as `row_cells` gives them) at a terminal width."""
    sizes = []
    for index, ((_, least, _), most) in enumerate(zip(NARROW_FIXED, NARROW_MOST, strict=True), start=1):
        longest = max((cell_len(line) for cells in rows for line in cells[index]), default=0)
        sizes.append(max(least, min(most, longest)))
    for index in SHRINK_FIRST:
        short = PLEDGE_ROOM - (width - sum(sizes) - len(GAP) * len(NARROW_FIXED))
        if short <= 0:
            break
        sizes[index] = max(NARROW_FIXED[index][1], sizes[index] - short)
    pledge = max(16, width - sum(sizes) - len(GAP) * len(NARROW_FIXED))
    return [("pledge", pledge, False), *((name, size, right) for (name, _, right), size in zip(NARROW_FIXED, sizes, strict=True))]


def row_cells(r: dict[str, Any]) -> list[list[str]]:
    """Return the lines of each cell of a status row in the narrow table."""
    return [
        [inert(r["id"]), f"{titled(r)} · {inert(r['owner'])}"],
        [r["health"], "—" if r["progress"] is None else f"{r['progress']:.0%}"],
        [r["schedule_status"], r["reported_status"] or "not reported"],
        [r["assessed_status"], "⚠ discrepancy" if r["discrepancy"] else ""],
        _due(r),
    ]


def schedule_counts(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Return (schedule status, '2 overdue') for each schedule status the rows have, in schedule order."""
    counts = Counter(r["schedule_status"] for r in rows)
    return [(s, f"{counts[s]} {s}") for s in SCHEDULES if counts[s]]


def summary_line(rows: list[dict[str, Any]]) -> str:
    """Return '12 pledges: 2 overdue, 1 due-soon, …'."""
    parts = [label for _, label in schedule_counts(rows)]
    return plural(len(rows), "pledge") + (": " + ", ".join(parts) if parts else "")


def status_lines(rows: list[dict[str, Any]], shown: list[dict[str, Any]], width: int) -> list[str]:
    """Return the narrow status table (two lines a pledge) and its summary, as `render.status_table` shows them."""
    cells = [row_cells(r) for r in shown]
    lines = [*table(narrow_columns(cells, width), cells), summary_line(rows)]
    if len(shown) < len(rows):
        lines.append(f"showing the {len(shown)} most urgent of {len(rows)}; --all shows every pledge")
    return lines


def plain_width() -> int | None:
    """Return the width to lay a table out for when stdout is not a terminal, or None when Rich should render it."""
    if sys.stdout.isatty() or os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE") == "1":
        return None  # Rich colours a terminal, or output forced to look like one
    try:
        width = int(os.environ.get("COLUMNS", "80"))
    except ValueError:
        width = 80
    return width if MIN_WIDTH <= width < WIDE else None


def plain_line(r: dict[str, Any]) -> str:
    """Return a status row as one plain line: id, schedule, next deadline, days left, title."""
    deadline = r["next_deadline"]
    when = deadline["date"] if deadline else "-"
    days = "" if r["days_left"] is None else str(r["days_left"])
    return f"{inert(r['id'])}  {r['schedule_status']:<8}  {when}  {days:>6}  {titled(r)[:60]}"
