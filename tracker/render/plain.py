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

TABLE_LIMIT = 50  # rows of the default status view
PLAIN_ABOVE = 200  # longer listings are plain lines, not a table

GAP = "   "  # Rich's SIMPLE_HEAD box: one space of padding, an invisible rule, one space of padding
NARROW_FIXED = (("health", 8, False), ("schedule", 12, False), ("assessed", 13, False), ("due", 11, True))
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


def _due(r: dict[str, Any]) -> list[str]:
    deadline = r["next_deadline"]
    if not deadline:
        return ["—"]
    days = r["days_left"]
    left = "" if days is None else f"{-days}d late" if days < 0 else f"{days}d"
    return [deadline["text"] if deadline["precision"] == "day" else f"end {deadline['text']}", left]


def _row(r: dict[str, Any]) -> list[list[str]]:
    return [
        [inert(r["id"]), f"{inert(r['title'])} · {inert(r['owner'])}"],
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
    return f"{len(rows)} pledges" + (": " + ", ".join(parts) if parts else "")


def status_lines(rows: list[dict[str, Any]], shown: list[dict[str, Any]], width: int) -> list[str]:
    """Return the narrow status table (two lines a pledge) and its summary, as `render.status_table` shows them."""
    columns = [("pledge", max(16, width - sum(w for _, w, _ in NARROW_FIXED) - 12), False), *NARROW_FIXED]
    lines = [*table(columns, [_row(r) for r in shown]), summary_line(rows)]
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
    return f"{inert(r['id'])}  {r['schedule_status']:<8}  {when}  {days:>6}  {inert(r['title'])[:60]}"
