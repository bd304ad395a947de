"""The weekly report as an e-mail body: its summary as text (one field per line) and as HTML; the report is attached."""

from __future__ import annotations

from typing import Any

from tracker.domain.statuses import HEALTH
from tracker.render.digest import field_lines, field_table
from tracker.render.html import el, esc


def subject(data: dict[str, Any]) -> str:
    """Return the report message's subject: the week and its most urgent counts."""
    by_health = data["summary"]["by_health"]
    counts = [f"{by_health[h]} {h}" for h in ("critical", "at-risk") if by_health.get(h)]
    return f"[tracker] Weekly pledge report {data['week']}" + (f": {', '.join(counts)}" if counts else "")


def fields(data: dict[str, Any], attachment: str | None, link_url: str | None) -> list[tuple[str, str]]:
    """Return the summary the body shows, as (label, value) pairs."""
    summary, entered = data["summary"], data["entered"]
    health = ", ".join(f"{summary['by_health'][h]} {h}" for h in HEALTH if summary["by_health"].get(h))
    found = [("Week", f"{data['week']} ({data['from']} to {data['to']})"), ("Pledges", f"{summary['pledges']}: {health}"),
             ("Discrepancies", str(summary["discrepancies"])),
             ("Newly overdue", _names(data["changes"]["newly_overdue"])),
             ("Due in 30 days", _names(data["due"]["within_30"])),
             ("Entered", f"{entered['total']} entries ({entered['backdated']} backdated)")]
    found += [("Review", f"{r.get('title') or r.get('what')}: {r['date']}") for r in data["reviews"][:3]]
    found += [("Round", f"{r['name']}: {r['compliance']}") for r in data.get("rounds", [])]
    if attachment:
        found.append(("Full report", f"attached ({attachment})"))
    if link_url:
        found.append(("Online", link_url))
    return found


def _names(items: list[dict[str, Any]]) -> str:
    if not items:
        return "none"
    shown = ", ".join(str(i.get("title") or i.get("pledge_id") or i.get("what")) for i in items[:3])
    return f"{len(items)}: {shown}" + (f" and {len(items) - 3} more" if len(items) > 3 else "")


def text(pairs: list[tuple[str, str]]) -> str:
    """Return the text part: one field per line, wrapped at 78 columns (as in a reminder digest)."""
    return "\n".join(["Weekly pledge report", "", *field_lines(pairs, "")]) + "\n"


def html(pairs: list[tuple[str, str]]) -> str:
    """Return the HTML part: the same fields in a small table, every piece of user text escaped."""
    body = el("body", el("h1", esc("Weekly pledge report"), style="font-size:18px"), field_table(pairs),
              style="font-family:sans-serif;font-size:14px;color:#222;max-width:720px")
    return "<!DOCTYPE html>\n" + el("html", el("head", el("meta", charset="utf-8")), body) + "\n"
