"""The weekly report's "Reporting rounds" section: each open round's compliance, and in HTML a table per round."""

from __future__ import annotations

from typing import Any

from tracker.render.html import Html, el, esc, join, table

EMPTY = "No reporting round is open."
LISTED = 200  # pledges listed per round in HTML, those still missing first; the JSON report has them all
ORDER = {"missing": 0, "late": 1, "reported": 2}


def lines(rounds: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Return (round name, compliance line) for each open round."""
    return [(r["name"], r["compliance"]) for r in rounds]


def html_section(rounds: list[dict[str, Any]]) -> Html:
    """Return the section as HTML: per round its compliance, then a table of its pledges (missing first)."""
    if not rounds:
        return el("section", el("h2", esc("Reporting rounds")), el("p", esc(EMPTY), class_="empty"), id="rounds")
    parts = [join([el("h3", esc(f"Round {r['name']}")), el("p", esc(r["compliance"]), class_="facts"), _table(r)]) for r in rounds]
    return el("section", el("h2", esc("Reporting rounds")), *parts, id="rounds")


def _table(found: dict[str, Any]) -> Html:
    pledges = sorted(found["pledges"], key=lambda p: (ORDER[p["state"]], p["id"]))
    rows = [[join([el("strong", esc(p["id"])), el("div", esc(p["title"]), class_="sub")]),
             el("span", esc(p["state"]), class_={"missing": "bad", "late": "warn"}.get(p["state"], "ok")),
             esc(p["reported_on"] or "—"), esc(p["author"] or "—")] for p in pledges[:LISTED]]
    more = el("p", esc(f"and {len(pledges) - LISTED} more: `tracker round status {found['name']}`"), class_="muted") \
        if len(pledges) > LISTED else Html("")
    return join([table(["Pledge", "State", "Reported on", "By"], rows, class_="rounds"), more])
