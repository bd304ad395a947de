"""Render the weekly report (the plain data of `tracker.report.build_weekly`) as one self-contained HTML page.

The page loads nothing: inline CSS, inline SVG charts, no script, and a Content-Security-Policy that forbids
everything else. Every piece of report text goes through `esc()`; markup is only ever built by `el()`, whose
children must already be `Html`, so mypy catches raw text passed where markup is expected.
"""

from __future__ import annotations

from typing import Any

from tracker.render.entered import html_section as entered_section
from tracker.render.html import VERDICT_CLASS, Html, Row, day_of, due_text, el, esc, join, link, long_date, number
from tracker.render.round_report import html_section as rounds_section
from tracker.render.sanitize import inert
from tracker.render.style import (
    BASE_CSS,
    HEALTH_ORDER,
    SCHEDULE_CLASS,
    count_table,
    days_cell,
    due_cell,
    health_badge,
    health_reasons,
    next_deadline_cell,
    progress_cell,
    reasons_list,
    stacked_table,
    status_text,
    summary_cards,
    summary_facts,
)
from tracker.render.svg import chart_caption, chart_legend, chart_svg, timeline_legend, timeline_svg

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

# The report's own rules, after the style sheet it shares with the published site.
CSS = BASE_CSS + """
table.pledges th:nth-child(1) { width:19%; } table.pledges th:nth-child(2) { width:12%; } table.pledges th:nth-child(3) { width:13%; }
table.pledges th:nth-child(8) { width:15%; } table.pledges th:nth-child(9) { width:13%; }
.portfolio { display:grid; grid-template-columns:repeat(auto-fit, minmax(min(480px, 100%), 1fr)); gap:0 20px; }
.portfolio section { min-width:0; }
.portfolio section:last-child { grid-column:1 / -1; }
"""


def _empty_or(items: list[Row], render: Html) -> Html:
    return render if items else el("p", esc("Nothing recorded"), class_="empty")


def _pledge_cell(pledge_id: object, title: object) -> Html:
    if pledge_id is None:
        return el("span", esc("(review)"), class_="muted")
    return join([el("strong", esc(pledge_id)), el("div", esc(title), class_="sub")])


# --- header and simple sections -------------------------------------------------------------------------------


def _header(report: Row) -> Html:
    title = el("h1", esc(f"Weekly pledge report · {inert(report.get('week'))}"))
    meta = el("p", esc(f"{long_date(report.get('from'))} – {long_date(report.get('to'))} · as of "
                       f"{long_date(report.get('as_of'))} · workspace {inert(report.get('workspace'))}"), class_="meta")
    attention = [el("p", el("strong", esc("Attention: ")), esc(w), class_="attention") for w in report.get("attention") or []]
    return el("header", title, meta, *attention, summary_cards(report.get("summary") or {}), summary_facts(report.get("summary") or {}), _nav())


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
             status_text(u.get("status"), {"stalled": "bad", "missed": "bad", "achieved": "ok"}), esc(u.get("note")), link(u.get("source"))]
            for u in items)
    return stacked_table(["Date", "Pledge", "Reported", "Note", "Source"], rows)


def _readings(items: list[Row]) -> Html:
    rows = ([el("span", esc(r.get("date")), class_="nowrap"), _pledge_cell(r.get("pledge_id"), r.get("title")),
             join([esc(r.get("indicator")), el("div", esc(r.get("indicator_id")), class_="sub")]),
             el("span", esc(f"{number(r.get('value'))} {inert(r.get('unit') or '')}".strip()), class_="num"),
             esc(r.get("note")), link(r.get("source"))]
            for r in items)
    return stacked_table(["Date", "Pledge", "Indicator", "Value", "Note", "Source"], rows)


def _milestones_done(items: list[Row]) -> Html:
    rows = ([el("span", esc(m.get("date")), class_="nowrap"), _pledge_cell(m.get("pledge_id"), m.get("title")),
             join([esc(m.get("milestone")), el("div", esc(m.get("milestone_id")), class_="sub")]), link(m.get("evidence"))]
            for m in items)
    return stacked_table(["Date", "Pledge", "Milestone", "Evidence"], rows)


def _revisions(items: list[Row]) -> Html:
    rows = ([el("span", esc(v.get("date")), class_="nowrap"), _pledge_cell(v.get("pledge_id"), v.get("title")),
             esc(f"{inert(v.get('item_kind'))} {inert(v.get('item_id'))}"), esc(v.get("field")), esc(v.get("old")), esc(v.get("new"))]
            for v in items)
    return stacked_table(["Date", "Pledge", "Item", "Field", "Was", "Now"], rows)


def _deadlines(items: list[Row]) -> Html:
    rows = ([due_cell(d),
             days_cell(d.get("days_left")), _pledge_cell(d.get("pledge_id"), d.get("title")), esc(d.get("what")), health_badge(d.get("health"))]
            for d in items)
    return stacked_table(["Due", "When", "Pledge", "What falls due", "Health"], rows)


def _due(due: Row) -> Html:
    soon, later = due.get("within_30") or [], due.get("within_90") or []
    return join([
        _section("due", "Due in the next 30 days", _empty_or(soon, _deadlines(soon) if soon else Html(""))),
        el("section", el("h2", esc("Due in 31–90 days")), _empty_or(later, _deadlines(later) if later else Html("")), id="due-later"),
    ])


def _reviews(reviews: list[Row]) -> Html:
    rows = ([due_cell(r),
             days_cell(r.get("days_left")), esc(r.get("title")), join(el("div", esc(p)) for p in r.get("pledges") or [])]
            for r in reviews)
    return _section("reviews", "Reviews approaching", _empty_or(reviews, stacked_table(["Date", "When", "Review", "Pledges"], rows)))


# --- time and value scales --------------------------------------------------------------------------------------


def _timeline(report: Row) -> Html:
    items: list[Row] = report.get("timeline") or []
    rows = ([el("span", esc(due_text(d)), class_="nowrap"), days_cell(d.get("days_left")), esc(d.get("kind")),
             _pledge_cell(d.get("pledge_id"), d.get("title")), esc(d.get("what"))] for d in items)
    figure = el("div", timeline_svg(items, day_of(report.get("as_of")), narrow=True), timeline_legend(), class_="timeline")
    intro = el("p", esc("Open deadlines and reviews from a year back (overdue ones) to four years ahead; "
                        "hover a marker for details. The same items as a table:"), class_="muted")
    fallback = _empty_or(items, stacked_table(["Due", "When", "Kind", "Pledge", "What falls due"], rows, class_="timeline-table"))
    return _section("timeline", "Deadline timeline", figure if items else Html(""), intro if items else Html(""), fallback)


# --- indicator charts ---------------------------------------------------------------------------------------------



def _charts(report: Row) -> Html:
    charts: list[Row] = report.get("charts") or []
    today = day_of(report.get("as_of"))
    figures = (el("figure", chart_caption(c), chart_svg(c, today), chart_legend(c), class_="chart") for c in charts)
    body = el("div", *figures, class_="charts") if charts else el("p", esc("No numeric indicator has readings yet."), class_="empty")
    return _section("indicators", "Indicators against their expected path", body)


# --- portfolio and pledges ---------------------------------------------------------------------------------------


def _portfolio(portfolio: Row) -> Html:
    by_health: dict[str, Any] = portfolio.get("by_health") or {}
    total = sum(int(v) for v in by_health.values()) or 1
    rows = ([health_badge(h), el("span", esc(by_health[h]), class_="num"), el("span", esc(f"{100 * int(by_health[h]) / total:.0f}%"), class_="num")]
            for h in HEALTH_ORDER if by_health.get(h))
    parts = [
        el("section", el("h3", esc("By health")), stacked_table(["Health", "Pledges", "Share"], rows)),
        el("section", el("h3", esc("By framework")), count_table("Framework", portfolio.get("by_framework") or {})),
        el("section", el("h3", esc("By owner")), count_table("Owner", portfolio.get("by_owner") or {})),
    ]
    return _section("portfolio", "Portfolio", el("div", *parts, class_="portfolio"))


def _discrepancy(pledge: Row) -> Html:
    if not pledge.get("discrepancy"):
        return Html("")
    return join([el("span", esc("⚠"), class_="flagmark", title="reported and assessed status disagree, or evidence is stale"),
                 reasons_list(pledge.get("discrepancies"))])


def _pledge_row(p: Row) -> list[Html]:
    kind = p.get("kind") or "pledge"
    title = p.get("title") if kind == "pledge" else f"[{kind}] {p.get('title')}"
    return [
        _pledge_cell(p.get("id"), title), esc(p.get("owner")), join([health_badge(p.get("health")), reasons_list(health_reasons(p))]),
        join([status_text(p.get("assessed_status"), VERDICT_CLASS), _coverage(p)]), status_text(p.get("schedule_status"), SCHEDULE_CLASS),
        status_text(p.get("reported_status"), {"stalled": "bad", "missed": "bad"}, "not reported"), progress_cell(p.get("progress")),
        next_deadline_cell(p.get("next_deadline")), _discrepancy(p),
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
    rows = _empty_or(pledges, stacked_table(headers, (_pledge_row(p) for p in shown), class_="pledges"))
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
