"""Render the weekly report (the plain data of `tracker.report.build_weekly`) as one self-contained HTML page.

The page loads nothing: inline CSS, inline SVG charts, no script, and a Content-Security-Policy that forbids
everything else. Every piece of report text goes through `esc()`; markup is only ever built by `el()`, whose
children must already be `Html`, so mypy catches raw text passed where markup is expected.
"""

from __future__ import annotations

from typing import Any

from tracker.render.entered import html_section as entered_section
from tracker.render.html import VERDICT_CLASS, Html, Row, day_of, due_text, el, esc, join, link, long_date, number, table
from tracker.render.round_report import html_section as rounds_section
from tracker.render.sanitize import inert
from tracker.render.svg import chart_caption, chart_legend, chart_svg, timeline_legend, timeline_svg

HEALTH_ORDER = ("critical", "at-risk", "unknown", "good", "closed")
SCHEDULE_CLASS = {"overdue": "bad", "due-soon": "warn", "upcoming": "ok"}
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

CSS = """
:root { --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb; --soft:#f8fafc; }
* { box-sizing: border-box; }
body { margin:0; color:var(--ink); background:#fff; line-height:1.45; font-size:15px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif; }
main { max-width:1100px; margin:0 auto; padding:24px 20px 48px; }
h1 { font-size:1.65rem; margin:0 0 .2rem; }
h2 { font-size:1.2rem; margin:2.2rem 0 .6rem; padding-bottom:.3rem; border-bottom:2px solid var(--line); }
h3 { font-size:1rem; margin:1.1rem 0 .4rem; }
p { margin:.3rem 0; }
a { color:#1d4ed8; overflow-wrap:anywhere; }
nav { margin:.8rem 0 0; font-size:.85rem; }
nav a { margin-right:.9rem; text-decoration:none; }
table { border-collapse:collapse; width:100%; font-size:.86rem; margin:.2rem 0 .9rem; }
th, td { border:1px solid var(--line); padding:.32rem .5rem; text-align:left; vertical-align:top; }
th { background:var(--soft); font-weight:600; white-space:nowrap; }
td { overflow-wrap:break-word; }
.days { white-space:nowrap; }
table.pledges th:nth-child(1) { width:19%; } table.pledges th:nth-child(2) { width:12%; } table.pledges th:nth-child(3) { width:13%; }
table.pledges th:nth-child(8) { width:15%; } table.pledges th:nth-child(9) { width:13%; }
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
.timeline, figure.chart { border:1px solid var(--line); border-radius:8px; padding:10px 12px; margin:.4rem 0 1rem; }
.charts { display:grid; grid-template-columns:repeat(auto-fill, minmax(460px, 1fr)); gap:14px; }
figure.chart { margin:0; }
figure.chart h3 { margin:0 0 .1rem; }
svg { display:block; width:100%; height:auto; }
svg text { font-family:inherit; font-size:12px; fill:#4b5563; }
svg .label { font-size:11.5px; fill:#1f2937; }
.legend { font-size:.78rem; color:var(--muted); margin-top:.3rem; }
.legend span { margin-right:1rem; white-space:nowrap; }
.k-pledge { color:#1d4ed8; } .k-milestone { color:#7e22ce; } .k-review { color:#0f766e; } .k-today { color:#dc2626; }
.portfolio { display:grid; grid-template-columns:repeat(auto-fit, minmax(320px, 1fr)); gap:0 20px; }
.portfolio section:last-child { grid-column:1 / -1; }
ul.reasons { margin:.1rem 0 0; padding-left:1.1rem; }
.flagmark { color:#c2410c; font-weight:700; }
footer { margin-top:2.5rem; color:var(--muted); font-size:.78rem; }
@media (max-width:640px) { .charts { grid-template-columns:1fr; } main { padding:14px 10px; } }
@media print {
  body { font-size:10.5pt; } main { max-width:none; padding:0; } nav { display:none; }
  * { -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  h2, h3 { break-after:avoid; } tr, figure.chart, .timeline { break-inside:avoid; }
  .charts { grid-template-columns:1fr 1fr; } a { color:inherit; }
}
"""


def _empty_or(items: list[Row], render: Html) -> Html:
    return render if items else el("p", esc("Nothing recorded"), class_="empty")


def health_badge(health: object) -> Html:
    """Return a coloured badge for a health verdict."""
    name = str(health)
    return el("span", esc(name), class_=f"badge h-{name if name in HEALTH_ORDER else 'unknown'}")


def _status(value: object, classes: dict[str, str], missing: str = "—") -> Html:
    if value is None:
        return el("span", esc(missing), class_="muted")
    return el("span", esc(value), class_=classes.get(str(value)))


def _days(days: object) -> Html:
    if not isinstance(days, int):
        return Html("")
    if days < 0:
        return el("span", esc(f"{-days} d late"), class_="days bad")
    return el("span", esc("today" if days == 0 else f"in {days} d"), class_="days warn" if days <= 30 else "days muted")


def _due_cell(deadline: Row) -> Html:
    """Return a deadline as written ('end 2026'), with its exact day below when it is fuzzy."""
    exact = Html("") if deadline.get("precision") == "day" else el("div", esc(deadline.get("date")), class_="sub nowrap")
    return join([el("span", esc(due_text(deadline)), class_="nowrap"), exact])


def _pledge_cell(pledge_id: object, title: object) -> Html:
    if pledge_id is None:
        return el("span", esc("(review)"), class_="muted")
    return join([el("strong", esc(pledge_id)), el("div", esc(title), class_="sub")])


def _stacked_bar(counts: dict[str, Any]) -> Html:
    total = sum(int(counts.get(h, 0)) for h in HEALTH_ORDER) or 1
    spans = (el("span", class_=f"s-{h}", style=f"width:{100 * int(counts[h]) / total:.2f}%", title=f"{h}: {counts[h]}")
             for h in HEALTH_ORDER if counts.get(h))
    return el("div", *spans, class_="bar")


# --- header and simple sections -------------------------------------------------------------------------------


def _header(report: Row) -> Html:
    title = el("h1", esc(f"Weekly pledge report · {inert(report.get('week'))}"))
    meta = el("p", esc(f"{long_date(report.get('from'))} – {long_date(report.get('to'))} · as of "
                       f"{long_date(report.get('as_of'))} · workspace {inert(report.get('workspace'))}"), class_="meta")
    attention = [el("p", el("strong", esc("Attention: ")), esc(w), class_="attention") for w in report.get("attention") or []]
    return el("header", title, meta, *attention, _summary_cards(report.get("summary") or {}), _summary_facts(report.get("summary") or {}), _nav())


def _summary_cards(summary: Row) -> Html:
    by_health: dict[str, Any] = summary.get("by_health") or {}
    total = summary.get("pledges", 0)
    cards = [el("div", el("b", esc(total)), esc("pledge" if total == 1 else "pledges"), class_="card total")]
    cards += [el("div", el("b", esc(by_health[h])), esc(h), class_=f"card h-{h}") for h in HEALTH_ORDER if by_health.get(h)]
    flagged = summary.get("discrepancies") or 0
    cards.append(el("div", el("b", esc(f"⚠ {flagged}")), esc("discrepancies"), class_="card flag" if flagged else "card"))
    return el("div", *cards, class_="cards")


def _summary_facts(summary: Row) -> Html:
    parts = []
    for key, label in (("by_schedule", "schedule"), ("by_assessed", "assessed"), ("by_reported", "reported")):
        counts: dict[str, Any] = summary.get(key) or {}
        if counts:
            parts.append(f"{label}: " + ", ".join(f"{inert(k)} {v}" for k, v in counts.items()))
    return el("p", esc(" · ".join(parts)), class_="facts")


def _nav() -> Html:
    targets = (("changes", "What changed"), ("entered", "Entered"), ("rounds", "Rounds"), ("due", "Due soon"), ("reviews", "Reviews"), ("timeline", "Timeline"),
               ("indicators", "Indicators"), ("portfolio", "Portfolio"), ("pledges", "Pledges"))
    return el("nav", *(el("a", esc(label), href=f"#{anchor}") for anchor, label in targets))


def _section(anchor: str, heading: str, *body: Html) -> Html:
    return el("section", el("h2", esc(heading)), *body, id=anchor)


def _changes(changes: Row) -> Html:
    parts = [
        _sub("Status updates", changes.get("updates") or [], _updates),
        _sub("Indicator readings", changes.get("readings") or [], _readings),
        _sub("Milestones done", changes.get("milestones_done") or [], _milestones_done),
        _sub("Revisions to pledge files", changes.get("revisions") or [], _revisions),
        _sub("Newly overdue", changes.get("newly_overdue") or [], _deadlines),
    ]
    return _section("changes", "What changed this week", *parts)


def _entered(report: Row) -> Html:
    return entered_section(report["entered"]) if isinstance(report.get("entered"), dict) else Html("")


def _sub(heading: str, items: list[Row], render: Any) -> Html:
    return join([el("h3", esc(heading)), _empty_or(items, render(items) if items else Html(""))])


def _updates(items: list[Row]) -> Html:
    rows = ([el("span", esc(u.get("date")), class_="nowrap"), _pledge_cell(u.get("pledge_id"), u.get("title")),
             _status(u.get("status"), {"stalled": "bad", "missed": "bad", "achieved": "ok"}), esc(u.get("note")), link(u.get("source"))]
            for u in items)
    return table(["Date", "Pledge", "Reported", "Note", "Source"], rows)


def _readings(items: list[Row]) -> Html:
    rows = ([el("span", esc(r.get("date")), class_="nowrap"), _pledge_cell(r.get("pledge_id"), r.get("title")),
             join([esc(r.get("indicator")), el("div", esc(r.get("indicator_id")), class_="sub")]),
             el("span", esc(f"{number(r.get('value'))} {inert(r.get('unit') or '')}".strip()), class_="num"),
             esc(r.get("note")), link(r.get("source"))]
            for r in items)
    return table(["Date", "Pledge", "Indicator", "Value", "Note", "Source"], rows)


def _milestones_done(items: list[Row]) -> Html:
    rows = ([el("span", esc(m.get("date")), class_="nowrap"), _pledge_cell(m.get("pledge_id"), m.get("title")),
             join([esc(m.get("milestone")), el("div", esc(m.get("milestone_id")), class_="sub")]), link(m.get("evidence"))]
            for m in items)
    return table(["Date", "Pledge", "Milestone", "Evidence"], rows)


def _revisions(items: list[Row]) -> Html:
    rows = ([el("span", esc(v.get("date")), class_="nowrap"), _pledge_cell(v.get("pledge_id"), v.get("title")),
             esc(f"{inert(v.get('item_kind'))} {inert(v.get('item_id'))}"), esc(v.get("field")), esc(v.get("old")), esc(v.get("new"))]
            for v in items)
    return table(["Date", "Pledge", "Item", "Field", "Was", "Now"], rows)


def _deadlines(items: list[Row]) -> Html:
    rows = ([_due_cell(d),
             _days(d.get("days_left")), _pledge_cell(d.get("pledge_id"), d.get("title")), esc(d.get("what")), health_badge(d.get("health"))]
            for d in items)
    return table(["Due", "When", "Pledge", "What falls due", "Health"], rows)


def _due(due: Row) -> Html:
    soon, later = due.get("within_30") or [], due.get("within_90") or []
    return join([
        _section("due", "Due in the next 30 days", _empty_or(soon, _deadlines(soon) if soon else Html(""))),
        el("section", el("h2", esc("Due in 31–90 days")), _empty_or(later, _deadlines(later) if later else Html("")), id="due-later"),
    ])


def _reviews(reviews: list[Row]) -> Html:
    rows = ([_due_cell(r),
             _days(r.get("days_left")), esc(r.get("title")), join(el("div", esc(p)) for p in r.get("pledges") or [])]
            for r in reviews)
    return _section("reviews", "Reviews approaching", _empty_or(reviews, table(["Date", "When", "Review", "Pledges"], rows)))


# --- time and value scales --------------------------------------------------------------------------------------


def _timeline(report: Row) -> Html:
    items: list[Row] = report.get("timeline") or []
    rows = ([el("span", esc(due_text(d)), class_="nowrap"), _days(d.get("days_left")), esc(d.get("kind")),
             _pledge_cell(d.get("pledge_id"), d.get("title")), esc(d.get("what"))] for d in items)
    figure = el("div", timeline_svg(items, day_of(report.get("as_of"))), timeline_legend(), class_="timeline")
    intro = el("p", esc("Open deadlines and reviews from a year back (overdue ones) to four years ahead; "
                        "hover a marker for details. The same items as a table:"), class_="muted")
    fallback = _empty_or(items, table(["Due", "When", "Kind", "Pledge", "What falls due"], rows, class_="timeline-table"))
    return _section("timeline", "Deadline timeline", figure if items else Html(""), intro if items else Html(""), fallback)


# --- indicator charts ---------------------------------------------------------------------------------------------



def _charts(report: Row) -> Html:
    charts: list[Row] = report.get("charts") or []
    today = day_of(report.get("as_of"))
    figures = (el("figure", chart_caption(c), chart_svg(c, today), chart_legend(c), class_="chart") for c in charts)
    body = el("div", *figures, class_="charts") if charts else el("p", esc("No numeric indicator has readings yet."), class_="empty")
    return _section("indicators", "Indicators against their expected path", body)


# --- portfolio and pledges ---------------------------------------------------------------------------------------


def _count_table(first: str, groups: dict[str, dict[str, Any]]) -> Html:
    columns = [h for h in HEALTH_ORDER if any(g.get(h) for g in groups.values())]
    rows = ([esc(name), *(el("span", esc(counts.get(h, 0) or ""), class_="num") for h in columns),
             el("strong", esc(sum(int(v) for v in counts.values()))), _stacked_bar(counts)]
            for name, counts in groups.items())
    return table([first, *columns, "Total", ""], rows, class_="counts")


def _portfolio(portfolio: Row) -> Html:
    by_health: dict[str, Any] = portfolio.get("by_health") or {}
    total = sum(int(v) for v in by_health.values()) or 1
    rows = ([health_badge(h), el("span", esc(by_health[h]), class_="num"), el("span", esc(f"{100 * int(by_health[h]) / total:.0f}%"), class_="num")]
            for h in HEALTH_ORDER if by_health.get(h))
    parts = [
        el("section", el("h3", esc("By health")), table(["Health", "Pledges", "Share"], rows)),
        el("section", el("h3", esc("By framework")), _count_table("Framework", portfolio.get("by_framework") or {})),
        el("section", el("h3", esc("By owner")), _count_table("Owner", portfolio.get("by_owner") or {})),
    ]
    return _section("portfolio", "Portfolio", el("div", *parts, class_="portfolio"))


def _progress(value: object) -> Html:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return el("span", esc("—"), class_="muted")
    share = max(0.0, min(1.0, float(value)))
    bar = el("div", el("span", class_="s-progress", style=f"width:{100 * share:.1f}%"), class_="bar")
    return join([el("span", esc(f"{100 * float(value):.0f}%"), class_="num"), bar])


def _next_deadline(deadline: object) -> Html:
    if not isinstance(deadline, dict):
        return el("span", esc("—"), class_="muted")
    return join([el("span", esc(due_text(deadline)), class_="nowrap"), esc(" "), _days(deadline.get("days_left")),
                 el("div", esc(deadline.get("what")), class_="sub")])


def _reasons(reasons: object) -> Html:
    items = reasons if isinstance(reasons, list) else []
    return el("ul", *(el("li", esc(r)) for r in items), class_="reasons sub") if items else Html("")


def _health_reasons(pledge: Row) -> list[object]:
    """Return the health reasons, less the discrepancies that the ⚠ column already lists."""
    reasons = pledge.get("health_reasons")
    flagged = {f"discrepancy: {d}" for d in pledge.get("discrepancies") or []} if pledge.get("discrepancy") else set()
    return [r for r in reasons if r not in flagged] if isinstance(reasons, list) else []


def _discrepancy(pledge: Row) -> Html:
    if not pledge.get("discrepancy"):
        return Html("")
    return join([el("span", esc("⚠"), class_="flagmark", title="reported and assessed status disagree, or evidence is stale"),
                 _reasons(pledge.get("discrepancies"))])


def _pledge_row(p: Row) -> list[Html]:
    kind = p.get("kind") or "pledge"
    title = p.get("title") if kind == "pledge" else f"[{kind}] {p.get('title')}"
    return [
        _pledge_cell(p.get("id"), title), esc(p.get("owner")), join([health_badge(p.get("health")), _reasons(_health_reasons(p))]),
        join([_status(p.get("assessed_status"), VERDICT_CLASS), _coverage(p)]), _status(p.get("schedule_status"), SCHEDULE_CLASS),
        _status(p.get("reported_status"), {"stalled": "bad", "missed": "bad"}, "not reported"), _progress(p.get("progress")),
        _next_deadline(p.get("next_deadline")), _discrepancy(p),
    ]


def _coverage(p: Row) -> Html:
    """Say how many indicators are measured, when only some are."""
    measured, total = p.get("indicators_measured"), p.get("indicators_total")
    if not isinstance(measured, int) or not isinstance(total, int) or not 0 < measured < total:
        return Html("")
    return el("div", esc(f"{measured} of {total} indicators measured"), class_="sub")


PLEDGE_ROWS = 200


def _pledges(pledges: list[Row]) -> Html:
    headers = ["Pledge", "Owner", "Health", "Assessed", "Schedule", "Reported", "Progress", "Next deadline", "⚠"]
    shown = pledges[:PLEDGE_ROWS]
    rows = _empty_or(pledges, table(headers, (_pledge_row(p) for p in shown), class_="pledges"))
    rest = len(pledges) - len(shown)
    more = el("p", esc(f"The {rest} less urgent pledge{' is' if rest == 1 else 's are'} in the JSON report."), class_="muted")
    return _section("pledges", f"Pledges ({len(pledges)}, most urgent first)", rows, more if len(shown) < len(pledges) else Html(""))


# --- page --------------------------------------------------------------------------------------------------------


def _head(report: Row) -> Html:
    return el("head", el("meta", charset="utf-8"), el("meta", http_equiv="Content-Security-Policy", content=CSP),
              el("meta", name="viewport", content="width=device-width, initial-scale=1"), el("meta", name="referrer", content="no-referrer"),
              el("title", esc(f"Pledge report {inert(report.get('week'))}")), el("style", Html(CSS)))


def render_html(report: dict[str, Any]) -> str:
    """Return the weekly report as one self-contained HTML5 page (inline CSS and SVG, no script, no network)."""
    body = el("main",
              _header(report), _changes(report.get("changes") or {}), _entered(report),
              rounds_section(report.get("rounds") or []),
              _due(report.get("due") or {}), _reviews(report.get("reviews") or []),
              _timeline(report), _charts(report), _portfolio(report.get("portfolio") or {}), _pledges(report.get("pledges") or []),
              el("footer", esc(f"pledge tracker · weekly report format {inert(report.get('version'))} · generated offline; this page loads nothing")))
    return "<!DOCTYPE html>\n" + el("html", _head(report), el("body", body), lang="en") + "\n"
