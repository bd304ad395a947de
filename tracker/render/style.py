"""What the HTML pages share (the weekly report and the published site): one style sheet, tables that reflow, cells.

The pages must read on a 390-px phone without scrolling sideways: long words wrap anywhere, tables built by
`stacked_table` become one card per row on a narrow screen (each cell labelled by its column), any other table
scrolls inside its own box, and the deadline timeline switches to its one-row-per-deadline layout (see svg.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tracker.render.html import Html, Row, due_text, el, esc, join
from tracker.render.sanitize import inert

HEALTH_ORDER = ("critical", "at-risk", "unknown", "good", "closed")
SCHEDULE_CLASS = {"overdue": "bad", "due-soon": "warn", "upcoming": "ok"}
NARROW = 640  # px: below this, the page margins and the cards shrink
STACK = 820  # px: below this, a table of eight or nine columns no longer fits, so `stacked_table` rows become cards
TIMELINE_NARROW = 900  # px: below this, the wide timeline's labels would be under 10 px, so the list layout shows

BASE_CSS = """
:root { --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb; --soft:#f8fafc; }
* { box-sizing:border-box; }
html { -webkit-text-size-adjust:100%; text-size-adjust:100%; }
body { margin:0; color:var(--ink); background:#fff; line-height:1.45; font-size:15px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif; }
main { max-width:1100px; margin:0 auto; padding:24px 20px 48px; }
h1 { font-size:1.65rem; line-height:1.25; margin:0 0 .2rem; }
h2 { font-size:1.2rem; margin:2.2rem 0 .6rem; padding-bottom:.3rem; border-bottom:2px solid var(--line); }
h3 { font-size:1rem; margin:1.1rem 0 .4rem; }
h1, h2, h3, p, li, dd, dt, td, figcaption, blockquote, .sub { overflow-wrap:anywhere; }
p { margin:.3rem 0; }
a { color:#1d4ed8; overflow-wrap:anywhere; }
nav { display:flex; flex-wrap:wrap; gap:.25rem 1rem; margin:.8rem 0 0; font-size:.85rem; }
nav a { white-space:nowrap; text-decoration:none; overflow-wrap:normal; }
table { border-collapse:collapse; width:100%; font-size:.86rem; margin:.2rem 0 .9rem; }
th, td { border:1px solid var(--line); padding:.32rem .5rem; text-align:left; vertical-align:top; }
th { background:var(--soft); font-weight:600; white-space:nowrap; }
.days { white-space:nowrap; }
.num { text-align:right; white-space:nowrap; font-variant-numeric:tabular-nums; }
.nowrap { white-space:nowrap; }
.sub, .muted { color:var(--muted); font-size:.8rem; }
.empty { color:var(--muted); font-style:italic; margin:.2rem 0 .8rem; }
.attention { background:#fef2f2; border:1px solid #fca5a5; color:#991b1b; padding:.5rem .75rem; border-radius:6px; margin:.5rem 0; }
.meta { color:var(--muted); }
.badge { display:inline-block; padding:.05rem .55rem; border-radius:999px; font-size:.76rem; font-weight:600;
  white-space:nowrap; border:1px solid var(--line); background:var(--soft); color:#374151; }
.h-critical { background:#fde8e8; color:#991b1b; border-color:#f4b4b4; }
.h-at-risk { background:#fff3d6; color:#854d0e; border-color:#f3cf7a; }
.h-good { background:#e3f4e8; color:#166534; border-color:#a7dbb6; }
.h-unknown, .h-closed { background:#f1f2f4; color:#4b5563; border-color:#d5d8dd; }
.bad { color:#b91c1c; font-weight:600; }
.warn { color:#a16207; font-weight:600; }
.ok { color:#15803d; }
.cards { display:flex; flex-wrap:wrap; gap:10px; margin:1rem 0 .3rem; }
.card { min-width:120px; padding:.5rem .9rem; border-radius:10px; border:1px solid var(--line); }
.card b { display:block; font-size:1.6rem; line-height:1.1; }
.card.total { background:var(--soft); }
.card.flag { background:#fff7ed; color:#9a3412; border-color:#fdba74; }
.facts { color:var(--muted); font-size:.85rem; }
.bar { display:flex; height:10px; min-width:90px; border-radius:3px; overflow:hidden; background:#f1f2f4; }
.bar span { display:block; height:100%; }
.bar .s-critical { background:#dc2626; } .bar .s-at-risk { background:#f59e0b; }
.bar .s-good { background:#16a34a; } .bar .s-unknown { background:#9ca3af; } .bar .s-closed { background:#d1d5db; }
.bar .s-progress { background:#2563eb; }
table.counts .bar { min-width:56px; }
.timeline, figure.chart { border:1px solid var(--line); border-radius:8px; padding:10px 12px; margin:.4rem 0 1rem; }
.charts { display:grid; grid-template-columns:repeat(auto-fill, minmax(min(460px, 100%), 1fr)); gap:14px; }
figure.chart { margin:0; min-width:0; }
figure.chart h3 { margin:0 0 .1rem; }
svg { display:block; width:100%; max-width:100%; height:auto; }
svg text { font-family:inherit; font-size:12px; fill:#4b5563; }
svg .label { font-size:11.5px; fill:#1f2937; }
svg .tl-narrow .label { font-size:12.5px; }
svg .tl-narrow text.when { font-size:11.5px; }
.legend { font-size:.78rem; color:var(--muted); margin-top:.3rem; display:flex; flex-wrap:wrap; gap:0 1rem; }
.legend span { white-space:nowrap; }
.k-pledge { color:#1d4ed8; } .k-milestone { color:#7e22ce; } .k-review { color:#0f766e; } .k-today { color:#dc2626; }
ul.reasons { margin:.1rem 0 0; padding-left:1.1rem; }
.flagmark { color:#c2410c; font-weight:700; }
footer { margin-top:2.5rem; color:var(--muted); font-size:.78rem; }
.scroll, .rows { overflow-x:auto; max-width:100%; }
@media (max-width:1100px) { th { white-space:normal; } .bar { min-width:48px; } }
@media (max-width:TIMELINE_NARROWpx) {
  svg.timeline-svg { aspect-ratio:var(--narrow); max-width:420px; }
  svg.timeline-svg .tl-wide { display:none; }
  svg.timeline-svg .tl-narrow { display:inline; }
}
@media (max-width:NARROWpx) {
  body { font-size:14.5px; }
  main { padding:14px 10px 32px; }
  h1 { font-size:1.4rem; }
  .charts { grid-template-columns:1fr; }
  .cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(96px, 1fr)); gap:8px; }
  .card { min-width:0; padding:.45rem .7rem; }
  .timeline, figure.chart { padding:8px; }
  figure.chart svg text { font-size:16px; }
  table { display:block; overflow-x:auto; max-width:100%; }
}
@media screen and (max-width:STACKpx) {
  .rows table { display:block; overflow:visible; margin:.2rem 0 .6rem; }
  .rows thead { position:absolute; width:1px; height:1px; overflow:hidden; clip-path:inset(50%); white-space:nowrap; }
  .rows tbody, .rows tr, .rows td { display:block; width:auto; }
  .rows tr { border:1px solid var(--line); border-radius:8px; margin:0 0 .55rem; padding:.35rem .6rem; }
  .rows td { border:0; padding:.12rem 0 .12rem 7.2rem; position:relative; min-height:1.4em; }
  .rows td::before { content:attr(data-label); position:absolute; left:0; width:6.8rem; color:var(--muted);
    font-size:.78rem; font-weight:600; overflow-wrap:anywhere; }
  .rows td:first-child { padding-left:0; font-size:.95rem; }
  .rows td:first-child::before { content:none; }
  .rows td:empty, .rows td:has(> span.num:only-child:empty) { display:none; }
  .rows .num { text-align:left; }
}
@media print {
  body { font-size:10.5pt; } main { max-width:none; padding:0; } nav { display:none; }
  * { -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  h2, h3 { break-after:avoid; } tr, figure.chart, .timeline { break-inside:avoid; }
  .charts { grid-template-columns:1fr 1fr; } a { color:inherit; }
  table { display:table; }
}
""".replace("TIMELINE_NARROW", str(TIMELINE_NARROW)).replace("NARROW", str(NARROW)).replace("STACK", str(STACK))


def stacked_table(headers: list[str], rows: Iterable[list[Html]], class_: str | None = None) -> Html:
    """Return a table whose rows become labelled cards on a narrow screen (each cell carries its column's name)."""
    head = el("thead", el("tr", *(el("th", esc(h), scope="col") for h in headers)))
    body = el("tbody", *(el("tr", *(el("td", cell, data_label=label) for label, cell in zip(headers, row, strict=True))) for row in rows))
    return el("div", el("table", head, body, class_=class_), class_="rows")


def health_badge(health: object) -> Html:
    """Return a coloured badge for a health verdict."""
    name = str(health)
    return el("span", esc(name), class_=f"badge h-{name if name in HEALTH_ORDER else 'unknown'}")


def status_text(value: object, classes: dict[str, str], missing: str = "—") -> Html:
    """Return a status word coloured by `classes` (a dash, or `missing`, when there is none)."""
    if value is None:
        return el("span", esc(missing), class_="muted")
    return el("span", esc(value), class_=classes.get(str(value)))


def days_cell(days: object) -> Html:
    """Return days left as 'in 36 d', 'today' or '329 d late', coloured by urgency."""
    if not isinstance(days, int):
        return Html("")
    if days < 0:
        return el("span", esc(f"{-days} d late"), class_="days bad")
    return el("span", esc("today" if days == 0 else f"in {days} d"), class_="days warn" if days <= 30 else "days muted")


def due_cell(deadline: Row) -> Html:
    """Return a deadline as written ('end 2026'), with its exact day below when it is fuzzy."""
    exact = Html("") if deadline.get("precision") == "day" else el("div", esc(deadline.get("date")), class_="sub nowrap")
    return join([el("span", esc(due_text(deadline)), class_="nowrap"), exact])


def health_bar(counts: dict[str, Any]) -> Html:
    """Return a bar split by health, each part as wide as its share of the counts."""
    total = sum(int(counts.get(h, 0)) for h in HEALTH_ORDER) or 1
    spans = (el("span", class_=f"s-{h}", style=f"width:{100 * int(counts[h]) / total:.2f}%", title=f"{h}: {counts[h]}")
             for h in HEALTH_ORDER if counts.get(h))
    return el("div", *spans, class_="bar")


def progress_cell(value: object) -> Html:
    """Return progress (a share from 0 to 1) as a percentage above a bar, or a dash when unknown."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return el("span", esc("—"), class_="muted")
    share = max(0.0, min(1.0, float(value)))
    bar = el("div", el("span", class_="s-progress", style=f"width:{100 * share:.1f}%"), class_="bar")
    return join([el("span", esc(f"{100 * float(value):.0f}%"), class_="num"), bar])


def next_deadline_cell(deadline: object) -> Html:
    """Return the next deadline as written, its days left and what falls due."""
    if not isinstance(deadline, dict):
        return el("span", esc("—"), class_="muted")
    return join([el("span", esc(due_text(deadline)), class_="nowrap"), esc(" "), days_cell(deadline.get("days_left")),
                 el("div", esc(deadline.get("what")), class_="sub")])


def reasons_list(reasons: object) -> Html:
    """Return reasons as a small bulleted list (nothing when there are none)."""
    items = reasons if isinstance(reasons, list) else []
    return el("ul", *(el("li", esc(r)) for r in items), class_="reasons sub") if items else Html("")


def health_reasons(pledge: Row) -> list[object]:
    """Return the health reasons, less the discrepancies that the ⚠ column already lists."""
    reasons = pledge.get("health_reasons")
    flagged = {f"discrepancy: {d}" for d in pledge.get("discrepancies") or []} if pledge.get("discrepancy") else set()
    return [r for r in reasons if r not in flagged] if isinstance(reasons, list) else []


def summary_cards(summary: Row) -> Html:
    """Return the count cards: pledges, each health, and the discrepancies when the summary counts them."""
    by_health: dict[str, Any] = summary.get("by_health") or {}
    total = summary.get("pledges", 0)
    cards = [el("div", el("b", esc(total)), esc("pledge" if total == 1 else "pledges"), class_="card total")]
    cards += [el("div", el("b", esc(by_health[h])), esc(h), class_=f"card h-{h}") for h in HEALTH_ORDER if by_health.get(h)]
    if "discrepancies" in summary:
        flagged = summary.get("discrepancies") or 0
        cards.append(el("div", el("b", esc(f"⚠ {flagged}")), esc("discrepancies"), class_="card flag" if flagged else "card"))
    return el("div", *cards, class_="cards")


def summary_facts(summary: Row) -> Html:
    """Return one line of counts by schedule, assessed and reported status."""
    parts = []
    for key, label in (("by_schedule", "schedule"), ("by_assessed", "assessed"), ("by_reported", "reported")):
        counts: dict[str, Any] = summary.get(key) or {}
        if counts:
            parts.append(f"{label}: " + ", ".join(f"{inert(k)} {v}" for k, v in counts.items()))
    return el("p", esc(" · ".join(parts)), class_="facts")


def count_table(first: str, groups: dict[str, dict[str, Any]]) -> Html:
    """Return pledges counted by health per group (framework, owner), with a bar per group."""
    columns = [h for h in HEALTH_ORDER if any(g.get(h) for g in groups.values())]
    rows = ([esc(name), *(el("span", esc(counts.get(h, 0) or ""), class_="num") for h in columns),
             el("strong", esc(sum(int(v) for v in counts.values()))), health_bar(counts)]
            for name, counts in groups.items())
    return stacked_table([first, *columns, "Total", ""], rows, class_="counts")
