"""Render the weekly report as Markdown that reads well on its own; user text can never become markup."""

from __future__ import annotations

import re
from typing import Any

from tracker.domain.statuses import HEALTH, SCHEDULE_ORDER
from tracker.render import entered as entered_words
from tracker.render.sanitize import inert
from tracker.render.words import plural

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_ENTITY = re.compile(r"&(#?\w+;)")


def md(value: object) -> str:
    """Escape text for Markdown: no HTML, links, emphasis or table breaks can come from user data."""
    text = inert(value).replace("\r", " ").replace("\n", " ")
    text = _ENTITY.sub(r"&amp;\1", text).replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def num(value: object) -> str:
    """Return a reading value as text: whole floats without '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:g}"
    return md(value)


def link(value: str | None) -> str:
    """Return a source as a Markdown link when it is an http(s) URL, else as escaped text."""
    if not value:
        return ""
    if re.fullmatch(r"https?://[^\s<>()\[\]]+", value):
        return f"<{value}>"
    return md(value)


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return ["_Nothing recorded._", ""]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return [*lines, ""]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _when(d: dict[str, Any]) -> str:
    return d["text"] if d["precision"] == "day" else f"end {d['text']} ({d['date']})"


def _days(days: int | None) -> str:
    if days is None:
        return ""
    return f"{plural(-days, 'day')} late" if days < 0 else plural(days, "day")


def render_markdown(report: dict[str, Any], pledges: bool = True) -> str:
    """Return the weekly report as a Markdown document (the pledge table may be left to the caller)."""
    lines = [f"# Weekly pledge report {report['week']}", ""]
    lines += [f"{report['from']} to {report['to']}, as of {report['as_of']} · workspace {md(report['workspace'])}", ""]
    lines += [f"> **Attention:** {md(w)}" for w in report.get("attention", [])] + ([""] if report.get("attention") else [])
    lines += _summary(report["summary"])
    lines += _changes(report["changes"])
    lines += _entered(report["entered"]) if "entered" in report else []
    lines += _rounds(report["rounds"]) if "rounds" in report else []
    lines += ["## Due in the next 30 days", "", *_due(report["due"]["within_30"])]
    lines += ["## Due in 31 to 90 days", "", *_due(report["due"]["within_90"])]
    lines += ["## Reviews approaching", ""]
    lines += _table(["review", "date", "in", "pledges"],
                    [[md(r["title"]), _when(r), _days(r["days_left"]), md(", ".join(r["pledges"]))] for r in report["reviews"]])
    lines += _portfolio(report["portfolio"])
    lines += _pledges(report["pledges"]) if pledges else ["## Pledges, most urgent first", ""]
    return "\n".join(lines).rstrip() + "\n"


def in_order(counts: dict[str, int], order: tuple[str, ...]) -> str:
    """Return counts as '2 critical, 1 good' in the given order (worst first), then any other key by name."""
    keys = [k for k in order if counts.get(k)] + sorted(k for k in counts if k not in order and counts[k])
    return ", ".join(f"{counts[k]} {md(k)}" for k in keys)


def _summary(summary: dict[str, Any]) -> list[str]:
    health = in_order(summary["by_health"], HEALTH)
    schedule = in_order(summary["by_schedule"], tuple(SCHEDULE_ORDER))
    line = (f"**{plural(summary['pledges'], 'pledge')}** — health: {health or 'none'}; schedule: {schedule or 'none'}; "
            f"{summary['discrepancies']} with a discrepancy.")
    return [line, ""]


def _changes(changes: dict[str, Any]) -> list[str]:
    lines = ["## What changed this week", "", "### Status updates", ""]
    lines += _table(["date", "pledge", "status", "note", "source"],
                    [[u["date"], md(u["pledge_id"]), u["status"], md(u["note"]), link(u["source"])] for u in changes["updates"]])
    lines += ["### Indicator readings", ""]
    lines += _table(["date", "pledge", "indicator", "value", "source"],
                    [[r["date"], md(r["pledge_id"]), md(r["indicator"]), f"{num(r['value'])} {md(r['unit'] or '')}".strip(), link(r["source"])]
                     for r in changes["readings"]])
    lines += ["### Milestones done", ""]
    lines += _table(["date", "pledge", "milestone", "evidence"],
                    [[c["date"], md(c["pledge_id"]), md(c["milestone"]), link(c["evidence"])] for c in changes["milestones_done"]])
    lines += ["### Revised deadlines and targets", ""]
    lines += _table(["date", "pledge", "what", "old", "new"],
                    [[v["date"], md(v["pledge_id"]), md(f"{v['item_kind']} {v['item_id']} {v['field']}"), md(v["old"]), md(v["new"])]
                     for v in changes["revisions"]])
    lines += ["### Newly overdue", ""]
    lines += _table(["due", "pledge", "what"], [[_when(d), md(d["pledge_id"]), md(d["what"])] for d in changes["newly_overdue"]])
    return lines


def _rounds(rounds: list[dict[str, Any]]) -> list[str]:
    from tracker.render.round_report import EMPTY, lines

    found = [f"- **{md(name)}**: {md(line)}" for name, line in lines(rounds)]
    return ["## Reporting rounds", "", *(found or [EMPTY]), ""]


def _entered(entered: dict[str, Any]) -> list[str]:
    lines = ["## Entered this week", "", entered_words.summary(entered), ""]
    for item in entered["items"]:
        mark = "**backdated** · " if item["backdated"] else ""
        kind = entered_words.KINDS.get(item["kind"], item["kind"])
        lines.append(f"- {mark}{md(item['pledge_id'])} · {kind}: {md(entered_words.what(item))} — {md(entered_words.when(item))}")
    return [*lines, ""] if entered["items"] else lines


def _due(items: list[dict[str, Any]]) -> list[str]:
    return _table(["due", "in", "pledge", "what", "health"],
                  [[_when(d), _days(d["days_left"]), md(d["pledge_id"]), md(d["what"]), d["health"]] for d in items])


def _portfolio(portfolio: dict[str, Any]) -> list[str]:
    healths = list(HEALTH)
    lines = ["## Portfolio", "", "### By framework", ""]
    lines += _table(["framework", *healths], [[md(k), *(str(v.get(h, 0)) for h in healths)] for k, v in portfolio["by_framework"].items()])
    lines += ["### By owner", ""]
    lines += _table(["owner", *healths], [[md(k), *(str(v.get(h, 0)) for h in healths)] for k, v in portfolio["by_owner"].items()])
    return lines


PLEDGE_ROWS = 200


def _pledges(pledges: list[dict[str, Any]]) -> list[str]:
    lines = ["## Pledges, most urgent first", ""]
    rows = []
    for p in pledges[:PLEDGE_ROWS]:
        deadline = p["next_deadline"]
        flag = " ⚠ " + md("; ".join(p["discrepancies"])) if p["discrepancy"] else ""
        kind = p.get("kind") or "pledge"
        title = md(p["title"]) if kind == "pledge" else f"[{kind}] {md(p['title'])}"
        rows.append([md(p["id"]), title, md(p["owner"]), f"**{p['health']}**{flag}", p["assessed_status"],
                     p["schedule_status"], p["reported_status"] or "—", _pct(p["progress"]),
                     f"{_when(deadline)} · {_days(p['days_left'])}" if deadline else "—", _trend(p["trend"])])
    lines += _table(["id", "title", "owner", "health", "assessed", "schedule", "reported", "progress", "next deadline", "trend"], rows)
    if len(pledges) > PLEDGE_ROWS:
        rest = len(pledges) - PLEDGE_ROWS
        lines += [f"_The {plural(rest, 'less urgent pledge')} {'is' if rest == 1 else 'are'} in the JSON report._", ""]
    return lines


def _trend(trend: list[dict[str, Any]]) -> str:
    parts = []
    for t in trend:
        latest = t["latest"]
        value = f" {num(latest[1])} ({latest[0]})" if latest else ""
        parts.append(f"{md(t['indicator_id'])}: {t['verdict']}{value}")
    return "; ".join(parts) or "—"
